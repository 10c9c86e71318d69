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

A conftest.py can also sort the modules by a Python version in their name through a hook:
wrapt 1.16.0's tests/conftest.py has `pytest_pycollect_makemodule` return an empty collector
`if '_py38' in path.basename and version < (3, 8)`, so tests/test_formatargspec_py38.py, whose
point is PEP 570's `/`, is collected only on 3.8+. A newer-syntax error in a test module whose
name ends in `_pyXY` for at least the Python the syntax needs, with a conftest.py on its way
that names that `_pyXY` in a string and reads the running version, is info too. A module named
for an older Python (`_py36` with 3.8 syntax), or with no conftest naming its marker, keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ai_workflow.findings import Finding, explain_as_info
from ai_workflow.testsource.conftest_ignores import conftest_ignore_of
from ai_workflow.testsource.pytest_collection import PytestCollection, read_collection
from ai_workflow.textfiles import read_text

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
            marker = _version_sorted(root, finding.path, finding.message) if root else None
            if marker is None:
                return None
            return (
                "a module of the tests written for newer Pythons: its name says so and "
                f"{marker} leaves it out below that version"
            )
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


_NEEDED = re.compile(r"syntax was added in Python 3\.(\d+)")
_MARKER = re.compile(r"_py3(\d+)$")


def _version_sorted(root: Path, path: str, message: str) -> str | None:
    """The conftest.py (relative to `root`) that sorts the module at `path` out by the
    `_pyXY` at the end of its name, when that version has the syntax `message` says."""
    needed, marker = _NEEDED.search(message), _MARKER.search(PurePosixPath(path).stem)
    if needed is None or marker is None or int(marker.group(1)) < int(needed.group(1)):
        return None
    quoted = re.compile(rf"""["'][^"'\n]*_py3{marker.group(1)}\b[^"'\n]*["']""")
    for directory in PurePosixPath(path).parents:
        conftest = str(directory / "conftest.py") if str(directory) != "." else "conftest.py"
        text = read_text(root / conftest) if (root / conftest).is_file() else None
        if text and quoted.search(text) and re.search(r"version", text):
            return conftest
    return None


def run_ignored_modules_as_info(ctx: StepContext, findings: Iterable[Finding]) -> list[Finding]:
    """`ignored_modules_as_info` with the run's project: its pytest configuration and its
    test-file question."""
    from ai_workflow.techstack import detect_stack

    return ignored_modules_as_info(
        findings, read_collection(ctx.target), detect_stack(ctx).is_test, ctx.target
    )
