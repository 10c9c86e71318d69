"""ruff's E722 (bare `except:`) on a handler that swallows nothing a caller could see.

A bare `except:` is a smell because it swallows everything, KeyboardInterrupt and SystemExit
too. Two handlers swallow nothing a caller could see, info:

- a handler whose last statement raises: it re-raises (`raise`) after its cleanup, or
  translates any failure to the exception its protocol promises (munch 4.0.0's
  `__setattr__`: `except: raise AttributeError(k)`). pylint, on purpose, does not report
  bare-except when the handler raises.
- a handler in a class's `__del__` (not in a function nested in it): Python never lets an
  exception out of a finalizer, it prints "Exception ignored in ..." to stderr and goes on,
  so the handler only silences that line, which is the point of the idiom during interpreter
  teardown (ptyprocess 0.7.0's `__del__`: `try: self.close()` / `except: pass`, "os.close may
  be None").

A bare `except:` that goes on (`pass`, a return, a log line) anywhere else stays a warning,
in `close()` too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from ai_workflow.findings import Finding
from ai_workflow.parsed_files import ParsedFiles

BARE_EXCEPT = "ruff/E722"
NOTE = "{}: nothing is swallowed that a caller could see"
RAISES = "the handler always raises (`{}`)"
FINALIZER = (
    "the handler is in `{}.__del__`, and Python never lets an exception out of a finalizer "
    '(it prints "Exception ignored in" and goes on)'
)


def raising_bare_excepts_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with E722 on a handler whose last statement raises, or on a handler in a
    `__del__` method, made info."""
    return files.explain_rule(findings, BARE_EXCEPT, NOTE, _swallows_nothing)


def _swallows_nothing(finding: Finding, tree: ast.Module) -> str | None:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ExceptHandler)
            and node.type is None
            and node.lineno == finding.line
            and isinstance(node.body[-1], ast.Raise)
        ):
            return RAISES.format(ast.unparse(node.body[-1]))
    for cls in ast.walk(tree):
        if not isinstance(cls, ast.ClassDef):
            continue
        for method in cls.body:
            if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if method.name != "__del__":
                continue
            if any(
                isinstance(node, ast.ExceptHandler)
                and node.type is None
                and node.lineno == finding.line
                for node in _own_nodes(method)
            ):
                return FINALIZER.format(cls.name)
    return None


def _own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of the function's body, not those of a function, lambda or class in it (code
    that runs when something else calls it, where an exception does reach a caller)."""
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
    stack: list[ast.AST] = [node for node in function.body if not isinstance(node, scopes)]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, scopes))
