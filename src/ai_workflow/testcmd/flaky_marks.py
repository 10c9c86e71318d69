"""Failed Python tests that the project itself marks flaky.

zipp 3.21.0's tests/test_complexity.py times its glob and implied-directory code with big_o and
asserts a linear fit; each such test carries `@pytest.mark.flaky` (the mark of
pytest-rerunfailures, or of pytest-ignore-flaky, which zipp's test extra installs) and, on a
loaded two-core machine, two of them came out "Linearithmic". The maintainer has said that a
failure of such a test is not a signal: the failure is put down to the mark, at info. The mark
is read from the test function's decorators, its class's, or a module-level `pytestmark`:
`@pytest.mark.flaky`, `@mark.flaky(reruns=3)`, and the flaky package's `@flaky` /
`@flaky(max_runs=3)`. A failed test without such a mark stays the project's error.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath

from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.testcmd.reports import FailedTest

FLAKY_MARK = re.compile(r"^(?:(?:pytest\.)?mark\.flaky|flaky(?:\.flaky)?)$")
"""A decorator (or `pytestmark` entry) by its dotted name, without its call's arguments."""


def flaky_mark(files: ParsedFiles, failure: FailedTest) -> str | None:
    """`@name` of the flaky mark on the failed test (its function, class or module), with its
    line; None when the test carries none or cannot be found. `files` parses each test module
    once for all the failures in it."""
    if failure.path is None:
        return None
    rel = PurePosixPath(failure.path)
    if rel.is_absolute() or ".." in rel.parts or rel.suffix != ".py":
        return None
    tree = files.tree(rel.as_posix())
    if tree is None:
        return None
    name = re.sub(r"\[.*\]$", "", failure.name).replace("::", ".").split(".")[-1]
    for scope in _enclosing(tree, name, failure.line):
        for decorator in scope.decorator_list:
            if found := _flaky(decorator):
                return f"`@{found}`, line {decorator.lineno}"
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in statement.targets
        ):
            marks = statement.value.elts if isinstance(statement.value, ast.List) else []
            for mark in [statement.value, *marks]:
                if found := _flaky(mark):
                    return f"`pytestmark = {found}`, line {statement.lineno}"
    return None


Scope = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _enclosing(tree: ast.Module, name: str, line: int | None) -> list[Scope]:
    """The test function named `name` (the one holding `line` when there are several) and the
    classes around it, innermost first."""

    def walk(body: list[ast.stmt], outer: list[Scope]) -> list[Scope] | None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                if (found := walk(node.body, [node, *outer])) is not None:
                    return found
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
                end = node.end_lineno or node.lineno
                if line is None or node.lineno <= line <= end:
                    return [node, *outer]
        return None

    return walk(tree.body, []) or []


def _flaky(node: ast.expr) -> str | None:
    called = node.func if isinstance(node, ast.Call) else node
    dotted = ast.unparse(called)
    return dotted if FLAKY_MARK.match(dotted) else None
