"""Test suites in modules named `tests.py` or `test.py`, which pytest's default patterns miss.

unittest's discovery pattern (`test*.py`) and Django's `app/tests.py` convention name a
package's suite `tests.py`; a small project keeps its tests in a root `test.py`. pytest's
default `python_files` (`test_*.py *_test.py`) collects neither: webencodings 0.5.1's
`webencodings/tests.py`, verboselogs 1.7's `verboselogs/tests.py` and wurlitzer 3.1.1's root
`test.py` are run by their maintainers with a `python_files` setting or an explicit path that
the sdist does not ship. A pytest command of ours extends `python_files` with such suites
(`unnamed_suites`, `suites_option`) when the project has no `python_files` of its own: naming
them on the command line beside the root would not do, as pytest drops a path under another one
it is given (`pytest . pkg/tests.py` runs `.` alone).
"""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from ai_workflow.pysource import PySyntaxError, parse_python
from ai_workflow.testsource.pytest_collection import (
    DEFAULT_PYTHON_FILES,
    PytestCollection,
    fixture_dir,
)
from ai_workflow.textfiles import read_text

TEST_MODULE_STEMS = frozenset({"test", "tests"})
"""Module names unittest's default discovery pattern (`test*.py`) collects and Django's
`app/tests.py` convention uses for a package's own test suite."""


def is_test_module(target: Path, rel: str) -> bool:
    """Whether the module at `rel`, named `tests.py` or `test.py`, is a test suite: its top
    level defines a unittest case (a class whose base is `*TestCase` with `test*` methods) or a
    `test*` function that `assert`s, as verboselogs 1.7's `verboselogs/tests.py` does
    (`class VerboseLogsTestCase(unittest.TestCase)`). Its imports are the tests' (a `mock`
    declared in requirements-tests.txt), not the package's. A `tests.py` of shipped code is no
    suite: Jinja2's `jinja2/tests.py` defines `test_odd(value)` and its kin, Jinja's template
    tests, which return a truth value and assert nothing."""
    pure = PurePosixPath(rel)
    if pure.suffix != ".py" or pure.stem not in TEST_MODULE_STEMS:
        return False
    try:
        tree = parse_python(read_text(target / rel, root=target), rel)
    except PySyntaxError:
        return False
    return any(_defines_tests(node) for node in tree.body)


def _defines_tests(node: ast.stmt) -> bool:
    """A unittest case with `test*` methods, or a `test*` function holding an `assert`."""
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    if isinstance(node, functions) and node.name.startswith("test"):
        return any(isinstance(inner, ast.Assert) for inner in ast.walk(node))
    if not isinstance(node, ast.ClassDef):
        return False
    case = any(ast.unparse(base).endswith("TestCase") for base in node.bases)
    return case and any(
        isinstance(child, functions) and child.name.startswith("test") for child in node.body
    )


SUITES_OPTION = "python_files="


def unnamed_suites(target: Path, files: Iterable[str], collection: PytestCollection) -> list[str]:
    """The `tests.py`/`test.py` suites (`is_test_module`) a bare pytest would not collect by
    name, for a project without a `python_files` setting of its own (one that sets it keeps its
    choice); under its `testpaths`, when it sets them; never under a fixture directory or a path
    its `addopts` ignore."""
    if collection.own_python_files:
        return []
    found = []
    for rel in files:
        if PurePosixPath(rel).stem not in TEST_MODULE_STEMS or collection.names_test(rel):
            continue
        if fixture_dir(rel) is not None or collection.ignored_by(rel):
            continue
        if collection.testpaths and not collection.under_testpaths(rel):
            continue
        if is_test_module(target, rel):
            found.append(rel)
    return sorted(found)


def suites_option(target: Path, suites: Iterable[str]) -> list[str]:
    """pytest's `-o python_files=...`: its default patterns and one for each suite. A pattern
    with a `/` is matched against the end of a module's path (`pkg/tests.py`), one without
    against any module's name; a root suite's pattern is therefore `<root's name>/test.py`."""
    patterns = list(DEFAULT_PYTHON_FILES)
    for rel in suites:
        path = rel if "/" in rel else f"{target.name}/{rel}"
        patterns.append(shlex.quote(re.sub(r"([*?\[])", r"[\1]", path)))
    return ["-o", SUITES_OPTION + " ".join(patterns)]
