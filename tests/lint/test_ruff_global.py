"""ruff's F841 on a name the assigning function declares `global` is info
(ai_workflow.lint.ruff_global); an unused local of a function without the declaration stays."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.findings import Severity
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

RESTORES = """\
def fib(n):
    return n if n <= 1 else fib(n - 1) + fib(n - 2)


def test_recursive_function():
    global fib
    saved = fib
    del fib
    fib = saved


def test_local():
    def inner():
        global fib
        return fib

    fib = inner
    return inner
"""


def test_an_assignment_to_a_declared_global_is_info(tmp_path: Path) -> None:
    """dill's `global fib; ...; del fib; ...; fib = fib4` restores the module's function: ruff
    reports an unused local, info. In a function whose only `global` is a nested function's,
    `fib = inner` is a local: the warning stays."""
    root = make_repo(tmp_path / "p", {"tests/test_recursive.py": RESTORES})
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    graded = {
        (f.line, f.message.split("`")[1]): f.severity
        for f in outcome.findings
        if f.rule == "ruff/F841"
    }
    assert graded == {
        (9, "fib"): Severity.INFO,
        (17, "fib"): Severity.WARNING,
    }
