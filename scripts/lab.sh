#!/usr/bin/env bash
# Set everything up, then start JupyterLab with the tracker. Extra arguments go to
# `jupyter lab` (e.g. --port 8890). JupyterLab prints the URL with its token.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck disable=SC1091
source .venv/bin/activate
args=(--no-browser)
[ "$(id -u)" = 0 ] && args+=(--allow-root)
exec jupyter lab "${args[@]}" "$@"
