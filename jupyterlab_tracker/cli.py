"""``jupyter tracker <command>`` (also ``jupyter-tracker``): command-line tools.

jupyter tracker import-mlflow <mlruns directory | sqlite:///mlflow.db> [--store-uri URI]
"""

from __future__ import annotations

import argparse
import sys


def import_mlflow(args: argparse.Namespace) -> int:
    from .config import default_allowed_artifact_roots, default_artifact_root, default_store_uri
    from .importing.mlflow_import import MlflowImporter
    from .importing.mlflow_sources import open_source
    from .service.factory import open_services

    services = open_services(
        args.store_uri or default_store_uri(),
        args.artifact_root or default_artifact_root(),
        default_allowed_artifact_roots(),
    )
    report = MlflowImporter(services, show_progress=not args.quiet).run(open_source(args.source))
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"imported {report.experiments} experiments, {report.runs} runs "
        f"({report.runs_skipped} already present), {report.metrics} metric points, "
        f"{report.artifacts} artifact files, {report.registered_models} registered models, "
        f"{report.model_versions} model versions"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jupyter tracker", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    importer = commands.add_parser(
        "import-mlflow",
        help="copy an MLflow store (experiments, runs, artifacts, registered models) into ours",
    )
    importer.add_argument("source", help="an mlruns directory or a database URL (sqlite:///...)")
    importer.add_argument("--store-uri", help="our store (default: the tracker's default store)")
    importer.add_argument("--artifact-root", help="our artifact root (default: the tracker's)")
    importer.add_argument("--quiet", action="store_true", help="no progress bar")
    importer.set_defaults(handler=import_mlflow)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
