"""F402 (an import shadowed by a loop variable) where the function reads the name only inside
the loop (ai_workflow.lint.ruff_loop_shadow), through step 9 with the real ruff; beside it, the
shapes where the shadowing can lose a use of the import keep the warning."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.findings import Severity
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

SHADOWS = """\
import re


def test_ignored_newlines():
    for re in ["/\\\\n/", "/\\\\s/"]:
        print("%ignore {}".format(re))


def compiles_after():
    for re in ["a", "b"]:
        print(re)
    return re.compile("x")


def nested_reader():
    for re in ["a"]:
        print(re)

    def later():
        return re.compile("y")

    return later
"""
MODULE_LOOP = """\
import re

for re in ["module", "level"]:
    print(re)
"""


def test_a_loop_variable_read_only_inside_its_loop_is_info(tmp_path: Path) -> None:
    """lark 1.1.9's `for re in ['/\\\\n/', ...]` at the end of a test method: the function reads
    `re` only inside the loop, as the loop's value, so no use of the module is lost (info). A
    function that reads the name after the loop (`re.compile` there gets a string), one whose
    nested function reads it, and a loop at module level keep the warning."""
    files = {"pkg/shadow.py": SHADOWS, "pkg/top.py": MODULE_LOOP, "ruff.toml": ""}
    root = make_repo(tmp_path / "p", files)
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    levels = {(f.path, f.line): f.severity for f in outcome.findings if f.rule == "ruff/F402"}
    assert levels == {
        ("pkg/shadow.py", 5): Severity.INFO,
        ("pkg/shadow.py", 10): Severity.WARNING,
        ("pkg/shadow.py", 16): Severity.WARNING,
        ("pkg/top.py", 3): Severity.WARNING,
    }
    info = next(f for f in outcome.findings if f.rule == "ruff/F402" and f.line == 5)
    assert "read only inside its loop" in info.message
