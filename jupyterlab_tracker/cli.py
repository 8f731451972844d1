"""``jupyter tracker <command>`` (also ``jupyter-tracker``): command-line tools.

jupyter tracker import-mlflow <mlruns directory | sqlite:///mlflow.db> [--store-uri URI]
jupyter tracker gc [--older-than 1d2h3m4s] [--run-ids a,b] [--experiment-ids 1,2] [--dry-run]
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


def _ids(text: str | None) -> list[str] | None:
    return [part.strip() for part in text.split(",") if part.strip()] if text else None


def format_bytes(size: int) -> str:
    """1234567 -> '1.2 MB': units of 1024, as the panel shows sizes (src/format.ts)."""
    value, unit = float(size), 0
    units = ("B", "KB", "MB", "GB", "TB")
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    return f"{value:.1f} {units[unit]}" if unit else f"{int(value)} B"


def gc(args: argparse.Namespace) -> int:
    from .config import default_allowed_artifact_roots, default_artifact_root, default_store_uri
    from .errors import TrackerError
    from .service.cleanup import CleanupService
    from .service.factory import open_tracking

    tracking = open_tracking(
        args.store_uri or default_store_uri(),
        args.artifact_root or default_artifact_root(),
        default_allowed_artifact_roots(),
    )
    try:
        report = CleanupService(tracking).purge(
            _ids(args.run_ids), _ids(args.experiment_ids), args.older_than, dry_run=args.dry_run
        )
    except TrackerError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    finally:
        tracking.close()
    would = "would be " if report.dry_run else ""
    for run_id in report.runs:
        print(f"Run with ID {run_id} {would or 'has been '}permanently deleted.")
    for model_id in report.logged_models:
        print(f"Logged model with ID {model_id} {would or 'has been '}permanently deleted.")
    for experiment_id in report.experiments:
        print(f"Experiment with ID {experiment_id} {would or 'has been '}permanently deleted.")
    for kept in report.kept:
        print(f"warning: {kept['kind']} {kept['id']} kept: {kept['message']}", file=sys.stderr)
    freed = report.freed
    print(
        f"{'Would free' if report.dry_run else 'Freed'} {format_bytes(freed.artifact_bytes)} "
        f"({freed.artifact_files} artifact files, {freed.metric_points} metric points) in "
        f"{len(report.runs)} runs, {len(report.experiments)} experiments"
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
    collector = commands.add_parser(
        "gc",
        help="permanently delete deleted runs and experiments, their rows and files (as mlflow gc)",
        description="Permanently delete runs in the deleted stage and deleted experiments: "
        "their rows (params, metrics, tags, inputs, logged models) and artifact files. "
        "Without ids, every deleted run and experiment.",
    )
    collector.add_argument(
        "--older-than",
        help="only what was deleted at least this long ago, in MLflow's format: "
        "1d2h3m4s, 1.5d, 30m",
    )
    collector.add_argument("--run-ids", help="comma-separated ids of deleted runs")
    collector.add_argument(
        "--experiment-ids",
        help="comma-separated ids of deleted experiments (all their runs go with them)",
    )
    collector.add_argument("--store-uri", help="the store (default: the tracker's default store)")
    collector.add_argument("--artifact-root", help="the artifact root (default: the tracker's)")
    collector.add_argument(
        "--dry-run", action="store_true", help="say what would be deleted and freed; delete nothing"
    )
    collector.set_defaults(handler=gc)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
