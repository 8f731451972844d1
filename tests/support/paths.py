"""Where things are, for tests in any folder: the repository, its benchmarks, the built
frontend and the scripts the MLflow-compatibility tests run in their own interpreters."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"
FRONTEND_LIB = ROOT / "lib"  # npm run build's tsc output
SCHEMA_FIXTURES = ROOT / "tests" / "fixtures"
MLFLOW_SCRIPTS = Path(__file__).resolve().parent / "mlflow_scripts"
