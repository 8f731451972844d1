#!/usr/bin/env bash
# Create benchmarks/.venv-mlflow with the pinned MLflow, for bench_tracking.py's comparison.
# Its own venv so that MLflow's dependencies can never conflict with the tracker's.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
"$python" -m venv "$here/.venv-mlflow"
"$here/.venv-mlflow/bin/python" -m pip install --quiet --upgrade pip
"$here/.venv-mlflow/bin/python" -m pip install --quiet -r "$here/requirements-mlflow.txt"
"$here/.venv-mlflow/bin/python" -c "import mlflow; print('MLflow', mlflow.__version__, 'ready in', '$here/.venv-mlflow')"
