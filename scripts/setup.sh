#!/usr/bin/env bash
# Set up a development environment from the committed lock files, idempotently:
# a virtualenv in .venv (Python deps from requirements.lock), node_modules from
# package-lock.json (npm ci), the frontend build, and an editable install of the
# extension with its labextension linked for watch mode.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "error: '$1' is required ($2)" >&2; exit 1; }
}
need "$PYTHON" "Python 3.10+ with venv"
need node "Node.js 20"
need npm "npm, which comes with Node.js"

if [ ! -x .venv/bin/python ]; then
  say "Creating the virtualenv in .venv"
  "$PYTHON" -m venv .venv
fi
# shellcheck disable=SC1091
source .venv/bin/activate

# pip, showing only what matters: a failure's log, minus the noise about index
# locations that some machines' pip.conf names but do not have.
pip_quietly() {
  local log
  log=$(mktemp)
  if ! python -m pip --quiet "$@" >"$log" 2>&1; then
    grep -v "is ignored: it is neither" "$log" >&2
    exit 1
  fi
  grep -v "is ignored: it is neither" "$log" || true
  rm -f "$log"
}

stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

py_hash=$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)
if ! stamp_ok .venv/.tracker-deps "$py_hash"; then
  say "Installing Python dependencies from requirements.lock"
  pip_quietly install --upgrade pip
  pip_quietly install -r requirements.lock
  python -m pip check
  echo "$py_hash" >.venv/.tracker-deps
fi

js_hash=$(sha256sum package-lock.json | cut -c1-16)
if ! stamp_ok node_modules/.tracker-deps "$js_hash"; then
  say "Installing frontend dependencies from package-lock.json (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$js_hash" >node_modules/.tracker-deps
fi

say "Building the frontend"
npm run --silent build:prod >/dev/null

say "Installing jupyterlab_tracker (editable) and linking its labextension"
# The frontend is already built from the lock file: tell the build hook not to run npm.
HATCH_JUPYTER_BUILDER_SKIP_NPM=1 python -m pip install --quiet --no-deps --no-build-isolation -e .
jupyter-builder develop --overwrite . >/dev/null
jupyter server extension enable jupyterlab_tracker --sys-prefix >/dev/null 2>&1 || true

# Keep JupyterLab quiet offline: no news or update checks (they would try the internet).
mkdir -p .venv/share/jupyter/lab/settings
cp binder/overrides.json .venv/share/jupyter/lab/settings/overrides.json

say "Ready: $(jupyter labextension list 2>&1 | grep jupyterlab_tracker | sed 's/^ *//')"
