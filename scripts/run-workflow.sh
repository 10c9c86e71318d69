#!/usr/bin/env bash
# Create .venv (if needed), install ai-workflow into it, and run the workflow.
#
#   ./scripts/run-workflow.sh                      # on the bundled example project
#   ./scripts/run-workflow.sh /path/to/project     # on your project
#   ./scripts/run-workflow.sh /path/to/project --smart-execution --show-graph
#
# The example (examples/sample-project) is copied to a temporary directory, made a git
# repository, and given its own virtual environment with pytest, so its tests run with its
# own interpreter, as yours would.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "ai-workflow needs Python >= 3.11 (set PYTHON=...)" >&2; exit 2; }
VENV="${AI_WORKFLOW_VENV:-.venv}"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e .

if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  target="$1"
  shift
else
  target="$(mktemp -d)/sample-project"
  cp -R examples/sample-project "$target"
  git -C "$target" init -q -b main
  git -C "$target" add -A
  git -C "$target" -c user.name=ai-workflow -c user.email=demo@ai-workflow.invalid \
    commit -q -m "Import the minicalc example"
  "$PYTHON" -m venv "$target/.venv"
  "$target/.venv/bin/python" -m pip install -q --disable-pip-version-check "pytest>=8,<10"
  echo "example project: $target"
fi
exec "$VENV/bin/ai-workflow" run --target "$target" --auto --parallel "$@"
