#!/usr/bin/env bash
# Set everything up from scratch (system packages when missing, Python and npm
# dependencies from the lock files, the frontend build), then run every check:
# lint, the frontend unit tests, the Python test suite, and the browser tests in
# Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
start=$(date +%s)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
if [ ! -x /usr/bin/chromium ]; then
  say "Installing Debian's chromium for the browser tests"
  apt_install chromium
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  say "Installing Debian's postgresql for the PostgreSQL store tests"
  apt_install postgresql
fi

bash scripts/setup.sh
# shellcheck disable=SC1091
source .venv/bin/activate

say "Lint: ruff (check + format), mypy (backends against contracts.py), eslint + prettier"
ruff check .
ruff format --check .
mypy jupyterlab_tracker
npm run --silent lint

say "Frontend unit tests (node --test over the pure TypeScript modules)"
npm run --silent test

say "Python tests (all of them; the fast loop is: python -m pytest tests -m \"not slow\" -q)"
# Two workers, one test file each at a time (--dist loadfile): the suite waits on servers and
# subprocesses much of the time, so both cores stay busy.
python -m pytest tests -q -n 2 --dist loadfile

say "Browser tests (headless Debian chromium)"
python -m pytest ui-tests -q

say "All checks passed in $(($(date +%s) - start)) s"
