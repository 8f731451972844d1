"""The magics through a real IPython shell, and reproducibility capture on start_run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from IPython import get_ipython
from IPython.testing.globalipapp import start_ipython
from support.notebook_session import recorded_cell_source, seed_demo_runs, tracker  # noqa: F401

from jupyterlab_tracker.client import capture, fluent
from jupyterlab_tracker.magics import ERROR_TAG
from jupyterlab_tracker.views import CompareWidget, RunsBrowser

REQUIREMENTS = capture.REQUIREMENTS_ARTIFACT


@pytest.fixture
def shell(tracker):  # noqa: F811
    """IPython's test shell with the extension loaded, on a fresh store."""
    ip = start_ipython() or get_ipython()  # it returns the shell on the first call only
    ip.run_line_magic("load_ext", "jupyterlab_tracker")
    ip.user_ns.pop("__session__", None)
    yield ip


def run(shell, cell: str):
    """Run a cell as a notebook does (stored in ``In``)."""
    return shell.run_cell(cell, store_history=True)


def test_importing_the_package_does_not_import_ipython():
    code = "import sys, jupyterlab_tracker; print('IPython' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_tracker_experiment_takes_the_rest_of_the_line(shell, tracker, capsys):  # noqa: F811
    shell.run_line_magic("tracker_experiment", "mnist/cnn baseline v2")
    assert "Experiment 'mnist/cnn baseline v2'" in capsys.readouterr().out
    with tracker.start_run() as active:
        pass
    assert tracker.get_experiment(active.info.experiment_id).name == "mnist/cnn baseline v2"


def test_track_runs_the_cell_as_a_finished_run(shell, tracker):  # noqa: F811
    shell.user_ns["lr"] = 0.01
    cell = (
        "%%track --name first --params lr,epochs --tag team=vision --tag 'note=a b'\n"
        "epochs = 3\n"
        "for step in range(epochs):\n"
        "    jt.log_metric('loss', 1 / (step + 1), step=step)\n"
        "lr * 2\n"
    )
    shell.user_ns["jt"] = tracker
    result = run(shell, cell)
    assert result.success and result.result == 0.02  # the last expression is the output
    finished = tracker.last_active_run()
    assert finished.info.run_name == "first" and finished.info.status == "FINISHED"
    assert finished.data.params == {"lr": "0.01", "epochs": "3"}  # before and after the cell
    assert finished.data.tags["team"] == "vision" and finished.data.tags["note"] == "a b"
    assert recorded_cell_source(finished.info.run_id) == cell.split("\n", 1)[1]
    assert len(tracker.get_metric_history(finished.info.run_id, "loss")) == 3
    assert tracker.active_run() is None


def test_a_failing_cell_fails_the_run_and_still_raises(shell, tracker, capsys):  # noqa: F811
    result = run(shell, "%%track --name broken\nx = 1\nraise ValueError('bad data')\n")
    assert isinstance(result.error_in_exec, ValueError)  # the notebook shows the error
    failed = tracker.last_active_run()
    assert failed.info.status == "FAILED"
    error = failed.data.tags[ERROR_TAG]
    assert "ValueError: bad data" in error and "raise ValueError('bad data')" in error
    assert "magics.py" not in error  # the cell's frames, not the magic's
    assert "magics.py" not in capsys.readouterr().out  # nor in what the notebook shows
    assert tracker.active_run() is None


def test_track_nested_starts_a_child_run(shell, tracker):  # noqa: F811
    with tracker.start_run() as parent:
        run(shell, "%%track --nested --name child\nx = 1\n")
        assert tracker.active_run().info.run_id == parent.info.run_id
    [child] = tracker.search_runs(filter_string="run_name = 'child'", output_format="list")
    assert child.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert child.info.status == "FINISHED"


def test_track_samples_system_metrics_unless_told_not_to(shell, tracker):  # noqa: F811
    shell.user_ns.update(jt=tracker, fluent=fluent)
    watched = "monitor = fluent.system_metrics_monitor(jt.active_run().info.run_id)\n"
    run(shell, "%%track --name sampled\n" + watched + "monitor.sample_once()\n")
    monitor = shell.user_ns["monitor"]
    assert monitor is not None and not monitor.running  # stopped with the cell's run
    sampled = tracker.last_active_run()
    assert "system/cpu_utilization_percentage" in sampled.data.metrics
    run(shell, "%%track --no-system-metrics\n" + watched)
    assert shell.user_ns["monitor"] is None
    tracker.disable_system_metrics_logging()  # the session's choice holds in %%track too
    run(shell, "%%track\n" + watched)
    assert shell.user_ns["monitor"] is None


def test_track_autolog_logs_the_cells_fits_into_its_run(shell, tracker):  # noqa: F811
    from sklearn.linear_model import LinearRegression

    from jupyterlab_tracker.autologging import sklearn as sklearn_autolog

    shell.user_ns.update(LinearRegression=LinearRegression)
    run(
        shell,
        "%%track --autolog --name fitted\nLinearRegression().fit([[0], [1], [2]], [0, 1, 2])\n",
    )
    fitted = tracker.last_active_run()
    assert fitted.info.run_name == "fitted" and fitted.info.status == "FINISHED"
    assert fitted.data.params["fit_intercept"] == "True"
    assert fitted.data.metrics["training_r2_score"] == pytest.approx(1.0)
    assert not sklearn_autolog.is_enabled()  # only for that cell
    tracker.autolog()
    try:
        run(shell, "%%track --autolog\nx = 1\n")
        assert sklearn_autolog.is_enabled()  # on before the cell: left on
    finally:
        tracker.autolog(disable=True)


def test_logging_magics(shell, tracker):  # noqa: F811
    with tracker.start_run() as active:
        shell.run_line_magic("log_param", "lr=0.1 'optimizer=adam w'")
        shell.run_line_magic("log_metric", "loss=0.25 acc=9e-1 --step 3")
        shell.run_line_magic("set_tag", 'stage=tuning "note=first try"')
    logged = tracker.get_run(active.info.run_id)
    assert logged.data.params == {"lr": "0.1", "optimizer": "adam w"}
    assert logged.data.metrics["acc"] == 0.9 and logged.data.latest_metrics["acc"].step == 3
    assert logged.data.tags["note"] == "first try" and logged.data.tags["stage"] == "tuning"


@pytest.mark.parametrize(
    "magic, line",
    [
        ("log_metric", "loss=abc"),
        ("log_metric", "loss=1 --step x"),
        ("log_metric", ""),
        ("log_param", "novalue"),
        ("set_tag", "=value"),
        ("tracker_experiment", ""),
        ("compare", "nobody"),
        ("compare", ""),
    ],
)
def test_bad_arguments_print_usage_not_a_traceback(shell, capsys, magic, line):
    shell.run_line_magic(magic, line)
    captured = capsys.readouterr()
    assert f"Usage: %{magic}" in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_bad_track_arguments_do_not_run_the_cell(shell, tracker, capsys):  # noqa: F811
    for line in ("--bogus", "--params 'a b'", "--tag novalue"):
        shell.run_cell_magic("track", line, "ran = True\n")
        assert "Usage: %track" in capsys.readouterr().err
    assert "ran" not in shell.user_ns
    assert tracker.search_runs(output_format="list") == []


def test_params_are_logged_once_with_a_note_when_they_change(shell, tracker, capsys):  # noqa: F811
    shell.user_ns["batch"] = 32
    run(shell, "%%track --params batch\nbatch = 64\n")
    assert tracker.last_active_run().data.params == {"batch": "32"}
    assert "starting value of batch" in capsys.readouterr().err


def test_runs_and_compare_magics_return_widgets(shell, tracker):  # noqa: F811
    run_ids = seed_demo_runs()
    browser = shell.run_line_magic("runs", "params.optimizer = 'adam'")
    assert isinstance(browser, RunsBrowser) and len(browser.runs) == 2
    compare = shell.run_line_magic("compare", f"calm {run_ids['odd-yak']}")
    assert isinstance(compare, CompareWidget)
    assert list(compare.runs["run_id"]) == [run_ids["calm-fox"], run_ids["odd-yak"]]


def test_compare_finds_runs_by_name_across_experiments(shell, tracker, capsys):  # noqa: F811
    run_ids = seed_demo_runs("demo")  # brave-owl, calm-fox, odd-yak
    tracker.set_experiment("other/experiment")
    with tracker.start_run(run_name="far-away") as far:
        pass
    with tracker.start_run(run_name="calm-fox") as other_calm:
        pass
    with tracker.start_run(run_name="odd-yak-2") as longer:
        pass
    tracker.set_experiment("third")
    # From a third experiment: a name unique in the store is found wherever it is.
    compare = shell.run_line_magic("compare", "far-away brave")
    assert list(compare.runs["run_id"]) == [far.info.run_id, run_ids["brave-owl"]]
    # An exact name beats a longer name that starts with it.
    tracker.set_experiment("demo")
    compare = shell.run_line_magic("compare", "odd-yak far-away")
    assert list(compare.runs["run_id"]) == [run_ids["odd-yak"], far.info.run_id]
    # A name in two experiments is the current experiment's run.
    compare = shell.run_line_magic("compare", "calm-fox far-away")
    assert list(compare.runs["run_id"])[0] == run_ids["calm-fox"]
    # Elsewhere it is ambiguous: the message names both and how to choose.
    tracker.set_experiment("third")
    capsys.readouterr()
    assert shell.run_line_magic("compare", "calm-fox far-away") is None
    err = capsys.readouterr().err
    assert "'calm-fox' names 2 runs" in err
    assert "in experiment 'demo'" in err and "in experiment 'other/experiment'" in err
    assert run_ids["calm-fox"] in err and other_calm.info.run_id in err
    assert "EXPERIMENT/NAME" in err and "Traceback" not in err
    # EXPERIMENT/NAME picks one, experiment names with slashes included.
    compare = shell.run_line_magic("compare", "other/experiment/calm-fox demo/calm-fox")
    assert list(compare.runs["run_id"]) == [other_calm.info.run_id, run_ids["calm-fox"]]
    assert longer.info.run_id not in list(compare.runs["run_id"])
    # No such run anywhere.
    shell.run_line_magic("compare", "nobody-at-all")
    assert "No run is named 'nobody-at-all'" in capsys.readouterr().err


def test_search_runs_in_all_experiments(tracker):  # noqa: F811
    seed_demo_runs("demo")
    tracker.set_experiment("elsewhere")
    with tracker.start_run(run_name="lonely"):
        pass
    assert len(tracker.search_runs(output_format="list")) == 1
    every = tracker.search_runs(output_format="list", search_all_experiments=True)
    assert {r.info.run_name for r in every} == {"brave-owl", "calm-fox", "odd-yak", "lonely"}


# -- reproducibility capture -----------------------------------------------------------


def test_start_run_in_a_cell_records_notebook_source_git_and_python(
    shell,
    tracker,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "train.py").write_text("print(1)\n")
    subprocess.run([*git, "add", "train.py"], check=True)
    subprocess.run([*git, "commit", "-qm", "init"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("JPY_SESSION_NAME", str(repo / "train.ipynb"))

    cell = "run = jt.start_run()\njt.end_run()\n"
    shell.user_ns["jt"] = tracker
    assert run(shell, cell).success
    tags = tracker.last_active_run().data.tags
    assert tags["mlflow.source.name"] == str(repo / "train.ipynb")
    assert tags["mlflow.source.type"] == "NOTEBOOK"
    assert tags[capture.GIT_COMMIT_TAG] == commit.stdout.strip()
    assert tags[capture.GIT_DIRTY_TAG] == "false"
    assert tags[capture.PYTHON_VERSION_TAG] == ".".join(map(str, sys.version_info[:3]))
    assert recorded_cell_source(shell.user_ns["run"].info.run_id).strip() == cell.strip()

    (repo / "train.py").write_text("print(2)\n")
    run(shell, cell)
    assert tracker.last_active_run().data.tags[capture.GIT_DIRTY_TAG] == "true"


def test_notebook_path_falls_back_to_the_session_variable(shell, tracker, monkeypatch):  # noqa: F811
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    shell.user_ns["__session__"] = "/home/me/explore.ipynb"
    shell.user_ns["jt"] = tracker
    run(shell, "with jt.start_run():\n    pass\n")
    assert tracker.last_active_run().data.tags["mlflow.source.name"] == "/home/me/explore.ipynb"
    shell.user_ns.pop("__session__")


def test_outside_ipython_nothing_is_captured(tracker, monkeypatch):  # noqa: F811
    monkeypatch.setattr(capture, "_shell", lambda: None)
    with tracker.start_run() as active:
        pass
    tags = tracker.get_run(active.info.run_id).data.tags
    assert capture.PYTHON_VERSION_TAG not in tags and capture.CELL_SOURCE_TAG not in tags


def test_environment_is_recorded_when_the_client_stores_artifacts(shell, tracker):  # noqa: F811
    shell.user_ns["jt"] = tracker
    run(shell, "with jt.start_run() as active:\n    pass\n")
    client = fluent._client()
    if not hasattr(client, "download_artifacts"):
        pytest.skip("this client stores no artifacts")
    path = client.download_artifacts(shell.user_ns["active"].info.run_id, REQUIREMENTS)
    assert "pandas==" in Path(path).read_text()


def test_without_artifacts_the_cell_source_is_a_truncated_tag():
    class TagsOnlyClient:
        def set_tag(self, run_id, key, value):
            self.tag = (run_id, key, value)

    client = TagsOnlyClient()
    capture.record_cell_source(client, "r1", "x = 1\n" * 5000)
    assert client.tag[:2] == ("r1", capture.CELL_SOURCE_TAG)
    assert len(client.tag[2]) == capture.MAX_TAG_VALUE_LENGTH


def test_installed_packages_are_computed_once():
    first = capture.installed_packages()
    assert "pandas==" in first and first.endswith("\n")
    assert capture.installed_packages() is first  # cached per kernel
