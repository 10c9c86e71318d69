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
echo "== ruff"; "$VENV/bin/ruff" check src tests bench
echo "== mypy"; "$VENV/bin/mypy" src
echo "== pytest"; "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
