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

A conftest.py's `collect_ignore`/`collect_ignore_glob` (`ai_workflow.testsource.conftest_ignores`)
leaves a module out the same way. Set unconditionally, it covers any syntax error, as an
`--ignore` does. Set under a statement, it holds on some runs only, and the module is collected
on the others: there it covers only an error of a syntax that a newer Python has (ruff's
"syntax was added in Python 3.11"), the module left out where that syntax is missing:
exceptiongroup 1.2.2's tests/test_catch_py311.py, `except*` throughout, which tests/conftest.py
leaves out with `if sys.version_info < (3, 11): collect_ignore_glob = ["*_py311.py"]`. Any other
syntax error in such a module fails on the Pythons that collect it, and keeps its severity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ai_workflow.findings import Finding, explain_as_info
from ai_workflow.testsource.conftest_ignores import conftest_ignore_of
from ai_workflow.testsource.pytest_collection import PytestCollection, read_collection

if TYPE_CHECKING:
    from ai_workflow.engine.step import StepContext

SYNTAX_ERROR = "ruff/syntax-error"
NEWER_SYNTAX = "syntax was added in Python"


def ignored_modules_as_info(
    findings: Iterable[Finding],
    collection: PytestCollection,
    is_test: Callable[[str], bool],
    root: Path | None = None,
) -> list[Finding]:
    """The findings, with a syntax error on a test-location module the project's pytest
    configuration (or, with `root`, a conftest.py of the project) leaves out made info (why in
    its message)."""

    def note(finding: Finding) -> str | None:
        if finding.rule != SYNTAX_ERROR or finding.path is None or not is_test(finding.path):
            return None
        option = collection.ignored_by(finding.path)
        if option is not None:
            return (
                "a module of the tests that fails to parse on purpose: the project's pytest "
                f"configuration leaves it out, `{option}` in {collection.source}"
            )
        entry = conftest_ignore_of(root, finding.path) if root is not None else None
        if entry is None:
            return None
        if not entry.conditional:
            return (
                "a module of the tests that fails to parse on purpose: pytest never collects "
                f"it, {entry.describe()}"
            )
        if NEWER_SYNTAX not in finding.message:
            return None
        return (
            "a module of the tests written for newer Pythons: pytest leaves it out where "
            f"that syntax is missing, {entry.describe()}"
        )

    return explain_as_info(findings, note)


def run_ignored_modules_as_info(ctx: StepContext, findings: Iterable[Finding]) -> list[Finding]:
    """`ignored_modules_as_info` with the run's project: its pytest configuration and its
    test-file question."""
    from ai_workflow.techstack import detect_stack

    return ignored_modules_as_info(
        findings, read_collection(ctx.target), detect_stack(ctx).is_test, ctx.target
    )
