"""ruff's syntax error on a module of the tests that the project's pytest configuration leaves
out, made info: a module that fails to parse on purpose.

A traceback library tests what it does with a SyntaxError by importing a module that cannot
parse. tblib 3.2.2 keeps `tests/badsyntax.py` (`is very bad` after its docstring) for that,
imports it in `tests/examples.py` (`import badsyntax` inside `bad_syntax()`, so the error is
raised when a test calls it) and tells pytest never to collect it (`--ignore=tests/badsyntax.py`
in pytest.ini's `addopts`). The project wrote the file so and says so; the error is no defect.

Both must hold: the file lies in a test location (the run's test-file question), and an
`--ignore=PATH` or `--ignore-glob=GLOB` of the project's pytest `addopts` covers it
(`ai_workflow.testsource.pytest_collection.PytestCollection.ignored_by`). A syntax error in an
ignored file outside the tests (`--ignore=setup.py`, common beside `--doctest-modules`) and one
in a test module pytest collects keep their severity. Other rules are left alone: a module
that parses is linted as any other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ai_workflow.findings import Finding, explain_as_info
from ai_workflow.testsource.pytest_collection import PytestCollection, read_collection

if TYPE_CHECKING:
    from ai_workflow.engine.step import StepContext

SYNTAX_ERROR = "ruff/syntax-error"


def ignored_modules_as_info(
    findings: Iterable[Finding], collection: PytestCollection, is_test: Callable[[str], bool]
) -> list[Finding]:
    """The findings, with a syntax error on a test-location module the project's pytest
    configuration leaves out made info (why in its message)."""

    def note(finding: Finding) -> str | None:
        if finding.rule != SYNTAX_ERROR or finding.path is None or not is_test(finding.path):
            return None
        option = collection.ignored_by(finding.path)
        if option is None:
            return None
        return (
            "a module of the tests that fails to parse on purpose: the project's pytest "
            f"configuration leaves it out, `{option}` in {collection.source}"
        )

    return explain_as_info(findings, note)


def run_ignored_modules_as_info(ctx: StepContext, findings: Iterable[Finding]) -> list[Finding]:
    """`ignored_modules_as_info` with the run's project: its pytest configuration and its
    test-file question."""
    from ai_workflow.techstack import detect_stack

    return ignored_modules_as_info(findings, read_collection(ctx.target), detect_stack(ctx).is_test)
