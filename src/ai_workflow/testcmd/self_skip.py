"""Test modules that skip themselves by raising ImportError when they are imported.

An idiom older than unittest's module-level `SkipTest`, kept by projects whose own runner
(`python -m tests`, a `tests/__main__.py` that wraps the import in `try: ... except
ImportError:`) drops such a module: a test module whose optional fixture or dependency is absent
raises ImportError itself at its top level (lark 1.1.9's `tests/test_nearley/test_nearley.py`:
`if not os.path.exists(BUILTIN_PATH): raise ImportError("Skipping Nearley tests!")` when the
nearley git submodule is not there, as in every sdist). unittest discover and pytest report the
module as an error, yet nothing failed: the module said it does not run here. An error whose
place is a `raise ImportError(...)` (or `ModuleNotFoundError`) statement at the module's top
level, not inside a function, a class or an `except` block, of a test module, is put down to
that. An ImportError of an `import` statement (a missing module), one raised inside a test, one
re-raised in an `except ImportError:` block (`raise ImportError("foo is required")`: a missing
dependency), and one raised by the package under test, stay the project's error.
"""

from __future__ import annotations

import ast
from pathlib import Path, PurePosixPath

from ai_workflow.pysource import import_time_statements
from ai_workflow.techstack import is_test_path
from ai_workflow.testcmd.reports import FailedTest
from ai_workflow.textfiles import read_text

IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def self_skip_message(target: Path, failure: FailedTest) -> str | None:
    """The message of the `raise ImportError("...")` at the module's top level that the
    failure's place (`path:line` in the project) is, when the failure is that ImportError;
    None otherwise."""
    if failure.kind != "error" or failure.path is None or failure.line is None:
        return None
    if not any(name in failure.message for name in IMPORT_ERRORS):
        return None
    rel = PurePosixPath(failure.path)
    if rel.is_absolute() or ".." in rel.parts or rel.suffix != ".py":
        return None
    if not is_test_path(failure.path):
        return None  # the package under test refusing to import is its error
    try:
        tree = ast.parse(read_text(target / rel, root=target))
    except (SyntaxError, ValueError):
        return None
    # a raise in an `except` block turns another error into this one: not a skip
    for statement in import_time_statements(tree.body, handlers=False):
        if isinstance(statement, ast.Raise) and statement.lineno == failure.line:
            return _raised_import_error(statement)
    return None


def _raised_import_error(statement: ast.Raise) -> str | None:
    raised = statement.exc
    call = raised if isinstance(raised, ast.Call) else None
    name = call.func if call is not None else raised
    if not isinstance(name, ast.Name) or name.id not in IMPORT_ERRORS:
        return None
    if call is not None and call.args and isinstance(call.args[0], ast.Constant):
        return f"{name.id}({call.args[0].value!r})"
    return name.id
