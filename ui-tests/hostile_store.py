"""Fill a tracker with hostile strings through the official MLflow client, as any client
could. Run in its own interpreter with ``LiveServer.mlflow_env()``; prints one JSON
report (ids, names) on its last line.

Every payload sets its own ``window.__xss_<field>`` flag and calls ``alert``, so a test
can tell which field ran and that none opened a dialog. Keys (metric, param, tag) allow
only letters, digits, space and ``_-.:/``: they get what fits (``javascript:`` prefixes).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import mlflow
from mlflow import MlflowClient


def flag_payload(field: str) -> str:
    """An HTML string that, if it ever becomes markup, sets a flag and opens a dialog.

    No double quotes or backslashes: it must still work where a JSON string is pasted
    into HTML unescaped (as vega-embed's "View Source" does).
    """
    return f"<img src=x onerror=window.__xss_{field}=1;alert('{field}')>{field}"


def markdown_payload(field: str) -> str:
    """Markdown that tries every way out of a sanitiser a description might meet."""
    flag = f"window.__xss_{field}"
    return "\n\n".join(
        [
            f'# Notes for {field} <img src=x onerror="{flag}_img=1;alert(1)">',
            "**bold words** and `code words` stay Markdown.",
            f"<script>{flag}_script=1;alert(2)</script>",
            f"[a javascript link](javascript:{flag}_md_link=1)",
            f'<a href="javascript:{flag}_a=1">a raw javascript link</a>',
            f'<a href="  JaVa&#x09;ScRiPt:{flag}_a_encoded=1">an encoded javascript link</a>',
            '<a href="data:text/html,<script>alert(3)</script>">a data link</a>',
            '<a href="vbscript:msgbox(4)">a vbscript link</a>',
            # A command linker button would run a JupyterLab command when clicked.
            '<button data-commandlinker-command="apputils:change-theme" '
            'data-commandlinker-args=\'{"theme": "JupyterLab Dark"}\'>a command button</button>',
            f'<form action="javascript:{flag}_form=1"><button>a form button</button></form>',
            f'<details open ontoggle="{flag}_details=1"><summary>details</summary>x</details>',
            f'<iframe srcdoc="<script>parent.{flag}_iframe=1</script>"></iframe>',
            f'<svg onload="{flag}_svg=1">'
            f'<a href="javascript:{flag}_svg_a=1"><text>svg</text></a></svg>',
            f"$\\href{{javascript:{flag}_tex=1}}{{a tex link}}$",
            "Plain text after the payloads.",
        ]
    )


HTML_ARTIFACT = (
    "<html><body><h1>report</h1>"
    "<script>parent.__xss_html_artifact=1;top.__xss_html_artifact=1;alert(5)</script>"
    '<img src=x onerror="top.__xss_html_artifact_img=1">'
    '<a href="javascript:top.__xss_html_artifact_link=1" target="_top">top link</a>'
    "</body></html>"
)
SVG_ARTIFACT = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" '
    'onload="top.__xss_svg_artifact=1;alert(6)">'
    "<script>top.__xss_svg_artifact_script=1</script>"
    '<rect width="120" height="60" fill="#4a90d9"/></svg>'
)
NOTEBOOK_ARTIFACT = json.dumps(
    {
        "cells": [
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": [markdown_payload("ipynb_markdown")],
            },
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": 1,
                "source": ["1"],
                "outputs": [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {
                            "text/html": [flag_payload("ipynb_html")],
                            "application/javascript": ["window.__xss_ipynb_js=1;alert(7)"],
                            "text/plain": ["1"],
                        },
                    }
                ],
            },
        ],
        "metadata": {"trusted": True},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
)

# Keys: what a key may hold that would matter if it were ever a link or an expression.
METRIC_KEY = "javascript:loss/x"
PARAM_KEY = "javascript:lr"
NUMERIC_PARAM_KEY = "javascript:depth"
TAG_KEY = "javascript:note"


def main() -> None:
    client = MlflowClient()
    report: dict = {}
    experiment_name = flag_payload("experiment_name")
    experiment = mlflow.set_experiment(experiment_name)
    report["experiment_id"] = experiment.experiment_id
    report["experiment_name"] = experiment_name
    mlflow.set_experiment_tag("mlflow.note.content", markdown_payload("experiment_note"))
    mlflow.set_experiment_tag("team", flag_payload("experiment_tag"))

    run_ids = []
    for index in range(2):
        run_name = flag_payload(f"run_name_{index}")
        with mlflow.start_run(run_name=run_name) as run:
            mlflow.set_tag("mlflow.note.content", markdown_payload(f"run_note_{index}"))
            mlflow.set_tag(TAG_KEY, flag_payload(f"tag_value_{index}"))
            mlflow.log_param(PARAM_KEY, flag_payload(f"param_value_{index}"))
            mlflow.log_param("optimizer", "adam" if index else "<b>sgd</b>")
            mlflow.log_param(NUMERIC_PARAM_KEY, 4 + index)  # an axis of parallel coordinates
            for step in range(4):
                mlflow.log_metric(METRIC_KEY, (index + 1) / (step + 1), step=step)
                mlflow.log_metric("accuracy", 0.5 + index / 10 + step / 20, step=step)
            if index == 0:
                mlflow.log_text(markdown_payload("md_artifact"), "notes.md")
                mlflow.log_text(HTML_ARTIFACT, "report.html")
                mlflow.log_text(SVG_ARTIFACT, "figure.svg")
                mlflow.log_text(NOTEBOOK_ARTIFACT, "analysis.ipynb")
                mlflow.log_text(
                    f"name,{flag_payload('csv_header')}\nrow,{flag_payload('csv_cell')}\n",
                    "table.csv",
                )
                mlflow.log_dict({"key": flag_payload("json_value")}, "data.json")
                with tempfile.TemporaryDirectory() as folder:
                    hostile = Path(folder) / f"{flag_payload('artifact_name')}.txt"
                    hostile.write_text("a file with a hostile name")
                    mlflow.log_artifact(str(hostile))
                report["artifact_name"] = hostile.name
            run_ids.append(run.info.run_id)
            report.setdefault("run_names", []).append(run_name)
    report["run_ids"] = run_ids

    model_name = flag_payload("model_name")
    client.create_registered_model(
        model_name,
        tags={"owner": flag_payload("model_tag")},
        description=markdown_payload("model_description"),
    )
    version = client.create_model_version(
        model_name,
        source=f"{mlflow.get_run(run_ids[0]).info.artifact_uri}/model",
        run_id=run_ids[0],
        tags={"stage": flag_payload("version_tag")},
        description=markdown_payload("version_description"),
    )
    report["model_name"] = model_name
    report["model_version"] = version.version
    print(json.dumps(report))


if __name__ == "__main__":
    sys.exit(main())
