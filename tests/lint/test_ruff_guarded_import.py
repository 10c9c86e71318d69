"""ruff's F401 on an import that is the whole body of its `try:` is info, whatever the handler
catches (ai_workflow.lint.ruff_bindings.guarded_alone); beside other statements it stays."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.findings import Severity
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

PROBES = """\
try:
    import js2py  # Ensures that js2py exists, to avoid failing tests
except RuntimeError as e:
    if "python version" in str(e):
        raise ImportError("js2py does not support this python version")
    raise

try:
    import csv
    LIMIT = int("10")
except ValueError:
    LIMIT = 0

import json

try:
    import shutil
finally:
    DONE = True
"""


def test_an_import_alone_in_its_try_is_a_probe(tmp_path: Path) -> None:
    """lark's `try: import js2py` / `except RuntimeError:` guards the import alone: F401 at
    info. `import csv` beside another statement in a `try` that catches ValueError (the handler
    is for the int()), `import json` outside any `try`, and `import shutil` alone in a `try`
    with only a `finally:` (which catches nothing) keep the warning."""
    root = make_repo(tmp_path / "p", {"tests/test_nearley.py": PROBES})
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    graded = {
        f.message.split("`")[1]: f.severity for f in outcome.findings if f.rule == "ruff/F401"
    }
    assert graded == {
        "js2py": Severity.INFO,
        "csv": Severity.WARNING,
        "json": Severity.WARNING,
        "shutil": Severity.WARNING,
    }
