"""Why a test of a class with a nose-style `setup` fails under pytest 8 and later.

pytest 7 called a test class's `setup(self)` and `teardown(self)` before and after each test
(its nose compatibility, deprecated in 7.2) and pytest 8 removed it: such a class's tests run
without what `setup` builds and fail with an AttributeError on it (vine 5.1.0's
`t/unit/test_synchronization.py`: `class test_barrier:` whose `def setup(self):` sets
`self.ps`, each test failing with "'test_barrier' object has no attribute 'ps'"). The failure
is the project's (its requirements allow the new pytest), but the traceback does not say why:
`nose_setup_note` names the method and the fix (`setup_method`). A class that also defines
`setup_method` (or `teardown_method`), a module-level `setup`, or a run under pytest 7 gets no
note.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ai_workflow.pysource import PySyntaxError, parse_python
from ai_workflow.textfiles import read_utf8

NOSE_METHODS = {"setup": "setup_method", "teardown": "teardown_method"}
_MAJOR = re.compile(r"^(\d+)\.")
REMOVED_IN = 8


def nose_setup_note(
    target: Path, path: str | None, line: int | None, pytest_version: str | None
) -> str | None:
    """The note for a failed test at `path`:`line` whose class defines a nose-style `setup`
    or `teardown` that `pytest_version` (8 or later) no longer calls; None otherwise."""
    major = _MAJOR.match(pytest_version or "")
    if major is None or int(major.group(1)) < REMOVED_IN or not path or line is None:
        return None
    if not path.endswith(".py"):
        return None
    text = read_utf8(target / path, root=target)
    try:
        tree = parse_python(text, path) if text is not None else None
    except PySyntaxError:
        return None
    cls = _class_at(tree, line) if tree is not None else None
    if cls is None:
        return None
    methods = {
        node.name: node
        for node in cls.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    if any(new in methods for new in NOSE_METHODS.values()):
        return None
    for old, new in NOSE_METHODS.items():
        method = methods.get(old)
        if method is not None and len(method.args.posonlyargs + method.args.args) == 1:
            return (
                f"{cls.name} builds its tests' state in a nose-style `{old}` (line "
                f"{method.lineno}), which pytest {pytest_version} no longer calls (pytest 8 "
                f"removed nose support): rename it `{new}`"
            )
    return None


def _class_at(tree: ast.Module, line: int) -> ast.ClassDef | None:
    """The innermost class whose lines hold `line`."""
    found = None
    classes = (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef))
    for node in classes:
        inside = node.lineno <= line <= (node.end_lineno or 0)
        if inside and (found is None or node.lineno >= found.lineno):
            found = node
    return found
