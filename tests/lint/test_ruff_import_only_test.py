"""ruff's F401 on an import in a test whose body is only imports is info
(ai_workflow.lint.ruff_bindings): importing is what such a test checks. An unused import in a
test that goes on to do something else stays a warning."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.findings import Severity
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

EXAMPLE_TESTS = '''\
import helper


def test_function():
    import funcmultiplier


def test_module_runs():
    """The example module runs its own checks when imported."""
    import taskserver
    from helper import setup


def test_other():
    import json
    assert helper.value() == 1


def test_raises():
    def test():
        import csv
    helper.check(test)


class TestExamples:
    def test_remote(self):
        import remotecmd
'''


def test_an_import_in_a_test_made_only_of_imports_is_info(tmp_path: Path) -> None:
    """execnet 2.1.2's doc/example/test_funcmultiplier.py is `def test_function(): import
    funcmultiplier` (held-out 142): the import runs the example, which asserts its results;
    info, as for a docstring and several imports, and in a test class's method. `import json` in test_other, which then
    asserts something else, and a `def test(): import csv` nested in a test (a helper handed
    to a check, not a test a runner collects), stay warnings."""
    root = make_repo(tmp_path / "p", {"doc/example/test_funcmultiplier.py": EXAMPLE_TESTS})
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    graded = {
        (f.line, f.message.split("`")[1]): f.severity
        for f in outcome.findings
        if f.rule == "ruff/F401"
    }
    assert graded == {
        (5, "funcmultiplier"): Severity.INFO,
        (10, "taskserver"): Severity.INFO,
        (11, "helper.setup"): Severity.INFO,
        (15, "json"): Severity.WARNING,
        (21, "csv"): Severity.WARNING,
        (27, "remotecmd"): Severity.INFO,
    }
    notes = [f.message for f in outcome.findings if f.line == 5 and f.rule == "ruff/F401"]
    assert "made of imports only" in notes[0]
