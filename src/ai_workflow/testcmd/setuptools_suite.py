"""The test module setuptools' `test_suite` names: the project's own word for its tests.

A package may keep its tests in a module no naming convention finds: humanfriendly 10.0's
`humanfriendly/tests.py`, beside its runtime modules, declared by its setup.py as
`test_suite='humanfriendly.tests'` (with `tests_require=[...]` for what it imports). The name
alone says nothing (Jinja2's `jinja2/tests.py` holds the template language's `is` tests, shipped
code); the declaration does. `test_suite` is read from a literal string in setup.py's `setup(...)`
call or from setup.cfg's `[options]`; the dotted name is the module (`pkg/tests.py`) or package
(`pkg/tests/`, every Python file in it) it names, at the root or under `src/`, or, for a name
that ends in a test case or function (`pkg.tests.MyTestCase`), the module that holds it.

`test_suite='nose.collector'` (blessings 1.7, with `tests_require=['nose']`) names no module: it
hands the suite to nose, which collects every module whose name matches its default `testMatch`:
`test` or `Test` at the start or after `_`, `.` or `-` (`tests.py`, `test_x.py`, `x_test.py`; not
`contest.py`). Under nose a package's `tests.py` is a test module by the runner's own rule.
"""

from __future__ import annotations

import ast
import configparser
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from ai_workflow.pysource import PySyntaxError, parse_python
from ai_workflow.textfiles import read_text

SOURCE_ROOTS = ("", "src/")
NOSE_COLLECTORS = frozenset({"nose.collector"})
NOSE_TEST_MATCH = re.compile(r"(?:^|[_.-])[Tt]est")  # nose's default testMatch, on a module name


def test_suite_files(target: Path, files: Sequence[str]) -> list[str]:
    """The Python files the root setup.py's or setup.cfg's `test_suite` names ([]: none)."""
    names = [*_setup_py_suites(target, files), *_setup_cfg_suites(target, files)]
    found: list[str] = []
    for name in names:
        found += [f for f in _files_of(name, files) if f not in found]
    return found


def _setup_py_suites(target: Path, files: Sequence[str]) -> list[str]:
    if "setup.py" not in files:
        return []
    try:
        tree = parse_python(read_text(target / "setup.py", root=target), "setup.py")
    except PySyntaxError:
        return []
    return [
        keyword.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _is_setup(node.func)
        for keyword in node.keywords
        if keyword.arg == "test_suite"
        and isinstance(keyword.value, ast.Constant)
        and isinstance(keyword.value.value, str)
    ]


def _is_setup(func: ast.expr) -> bool:
    """`setup(...)` or `setuptools.setup(...)`."""
    if isinstance(func, ast.Name):
        return func.id == "setup"
    return isinstance(func, ast.Attribute) and func.attr == "setup"


def _setup_cfg_suites(target: Path, files: Sequence[str]) -> list[str]:
    if "setup.cfg" not in files:
        return []
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(read_text(target / "setup.cfg", root=target))
    except configparser.Error:
        return []
    value = parser.get("options", "test_suite", fallback="").strip()
    return [value] if value else []


def _files_of(name: str, files: Sequence[str]) -> list[str]:
    """The module or package a dotted name (`pkg.tests`, `pkg.tests.Case`) stands for; for
    nose's collector, the modules nose collects by name."""
    if name.strip() in NOSE_COLLECTORS:
        return sorted(
            f
            for f in files
            if PurePosixPath(f).suffix == ".py" and NOSE_TEST_MATCH.search(PurePosixPath(f).stem)
        )
    parts = [p for p in name.strip().split(".") if p]
    if not parts or not all(p.isidentifier() for p in parts):
        return []
    present = set(files)
    for end in range(len(parts), 0, -1):
        for root in SOURCE_ROOTS:
            path = root + "/".join(parts[:end])
            if f"{path}.py" in present:
                return [f"{path}.py"]
            if f"{path}/__init__.py" in present:
                inside = (f for f in files if f.startswith(f"{path}/"))
                return sorted(f for f in inside if PurePosixPath(f).suffix == ".py")
    return []
