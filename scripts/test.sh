#!/usr/bin/env bash
# Create .venv-test (if needed), install ai-workflow with its dev extras, then run
# ruff, mypy and the pytest suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "ai-workflow needs Python >= 3.11 (set PYTHON=...)" >&2; exit 2; }
VENV="${AI_WORKFLOW_TEST_VENV:-.venv-test}"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[dev]"
# A real eslint for the one test that needs it (npm registry); without npm that test skips.
if [ -z "${ESLINT_TEST_DIR:-}" ] && command -v npm >/dev/null 2>&1; then
  ESLINT_DIR="$PWD/.eslint-test"
  if [ -x "$ESLINT_DIR/node_modules/.bin/eslint" ] \
    || npm install -q --prefix "$ESLINT_DIR" --no-audit --no-fund --no-save \
      "eslint@^9" "@eslint/js@^9" >/dev/null 2>&1; then
    export ESLINT_TEST_DIR="$ESLINT_DIR"
  else
    echo "(npm could not install eslint: the real-eslint test will be skipped)"
  fi
fi
# A real jest for the test-selection test of `jest --findRelatedTests` (npm registry); without
# npm that test skips. Installed here, never by a test.
if [ -z "${JEST_TEST_DIR:-}" ] && command -v npm >/dev/null 2>&1; then
  JEST_DIR="$PWD/.jest-test"
  if [ -x "$JEST_DIR/node_modules/.bin/jest" ] \
    || npm install -q --prefix "$JEST_DIR" --no-audit --no-fund --no-save "jest@^29.7" >/dev/null 2>&1; then
    export JEST_TEST_DIR="$JEST_DIR"
  else
    echo "(npm could not install jest: the real-jest test will be skipped)"
  fi
fi
# bats for the tests that run a bats project: Debian's package when we are root with apt,
# else bats-core from npm into the test venv; without either those tests skip.
BATS_DIR="$VENV/bats"
if ! command -v bats >/dev/null 2>&1 && [ ! -x "$BATS_DIR/node_modules/bats/bin/bats" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
    && { apt-get install -y -qq bats >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq bats >/dev/null 2>&1; }; }; then
    :
  elif ! { command -v npm >/dev/null 2>&1 && npm install -q --prefix "$BATS_DIR" --no-audit \
      --no-fund --no-save "bats@^1" >/dev/null 2>&1; }; then
    echo "(bats could not be installed: the bats tests will be skipped)"
  fi
fi
if [ -x "$BATS_DIR/node_modules/bats/bin/bats" ]; then export PATH="$BATS_DIR/node_modules/bats/bin:$PATH"; fi
# Real programs some tests drive, from Debian, installed as root where apt exists (elsewhere
# those tests skip, saying why). apt_install COMMAND WHAT PACKAGE...: install PACKAGE... unless
# COMMAND is on PATH; WHAT names the tests that need it.
apt_install() {
  local command="$1" what="$2"; shift 2
  command -v "$command" >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 0
  echo "(installing $* for $what)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "$@" >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$@" >/dev/null 2>&1; } \
    || echo "(apt-get could not install $*: $what will be skipped)"
}
apt_install chromium "the HTML report's browser test" chromium chromium-driver
apt_install chromedriver "the HTML report's browser test" chromium-driver
apt_install redis-server "the team-cache tests (tests/remote)" redis-server
apt_install go "the go test runner and selection tests" golang-go
apt_install fish "the fish completion test" fish
apt_install zsh "the zsh completion test" zsh
echo "== ruff"; "$VENV/bin/ruff" check src tests bench && "$VENV/bin/ruff" format --check src tests bench
echo "== mypy"; "$VENV/bin/mypy" src
# The suite on every core (pytest-xdist); AI_WORKFLOW_TEST_WORKERS=0 runs it in one process.
echo "== pytest"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider -n "${AI_WORKFLOW_TEST_WORKERS:-auto}" \
  --dist worksteal "$@"
