"""ruff's E722 (bare `except:`) on a handler that always raises.

A bare `except:` is a smell because it swallows everything, KeyboardInterrupt and SystemExit
too. A handler whose last statement raises swallows nothing: it re-raises (`raise`) after its
cleanup, or translates any failure to the exception its protocol promises (munch 4.0.0's
`__setattr__`: `except: raise AttributeError(k)`). pylint, on purpose, does not report
bare-except when the handler raises. Info. A bare `except:` that goes on (`pass`, a return,
a log line) stays a warning.

So does, in effect, a handler that ends `if not self.__exit__(*sys.exc_info()): raise`: it
hands the exception to an exit callback and re-raises unless that callback, having seen it,
suppresses it: what a `with` statement does (the context-manager protocol; mock 5.1.0's
`_patch.__enter__` undoes a half-applied patch this way, KeyboardInterrupt included). Info.
A handler whose re-raise hangs on anything else (`if not quiet: raise`) stays a warning.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ai_workflow.findings import Finding
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.pysource import dotted_name

BARE_EXCEPT = "ruff/E722"
NOTE = "{}"
RAISES = "the handler always raises (`{}`): nothing is swallowed"
EXITS = (
    "the handler re-raises unless the exit callback it hands the exception to suppresses it "
    "(`{}`), as a `with` statement does"
)


def raising_bare_excepts_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with E722 on a handler whose last statement raises made info."""
    return files.explain_rule(findings, BARE_EXCEPT, NOTE, _raises)


def _raises(finding: Finding, tree: ast.Module) -> str | None:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ExceptHandler)
            and node.type is None
            and node.lineno == finding.line
        ):
            last = node.body[-1]
            if isinstance(last, ast.Raise):
                return RAISES.format(ast.unparse(last))
            if _raises_unless_suppressed(last):
                return EXITS.format(ast.unparse(last).replace("\n", " "))
    return None


def _raises_unless_suppressed(statement: ast.stmt) -> bool:
    """`if not handler(*sys.exc_info()): raise`: re-raised unless a callback handed the
    exception suppresses it."""
    return (
        isinstance(statement, ast.If)
        and not statement.orelse
        and len(statement.body) == 1
        and isinstance(statement.body[0], ast.Raise)
        and statement.body[0].exc is None
        and isinstance(statement.test, ast.UnaryOp)
        and isinstance(statement.test.op, ast.Not)
        and isinstance(statement.test.operand, ast.Call)
        and any(_exc_info(arg) for arg in statement.test.operand.args)
    )


def _exc_info(node: ast.expr) -> bool:
    value = node.value if isinstance(node, ast.Starred) else node
    return isinstance(value, ast.Call) and dotted_name(value.func) == "sys.exc_info"
