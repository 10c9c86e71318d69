"""ruff's E722 (bare `except:`) on a handler that swallows nothing a caller could see.

A bare `except:` is a smell because it swallows everything, KeyboardInterrupt and SystemExit
too. Four handlers swallow nothing a caller could see, and two more kinds only answer for the
type of an argument, info:

- a handler whose last statement raises: it re-raises (`raise`) after its cleanup, or
  translates any failure to the exception its protocol promises (munch 4.0.0's
  `__setattr__`: `except: raise AttributeError(k)`). pylint, on purpose, does not report
  bare-except when the handler raises.
- a handler that ends `if not self.__exit__(*sys.exc_info()): raise`: it hands the exception
  to an exit callback and re-raises unless that callback, having seen it, suppresses it: what
  a `with` statement does (the context-manager protocol; mock 5.1.0's `_patch.__enter__`
  undoes a half-applied patch this way, KeyboardInterrupt included). A handler whose re-raise
  hangs on anything else (`if not quiet: raise`) stays a warning.
- a handler that keeps the exception for later: it stores `sys.exc_info()` (`new_exc =
  sys.exc_info()`) and its function raises what it stored (`raise exc_details[1]`, after the
  loop that must run every callback: contextlib2 21.6.0's `ExitStack.__exit__`, CPython's
  contextlib). A handler that stores the exception and never raises it (to log it, to return
  it) stays a warning.
- a handler in a class's `__del__` (not in a function nested in it): Python never lets an
  exception out of a finalizer, it prints "Exception ignored in ..." to stderr and goes on,
  so the handler only silences that line, which is the point of the idiom during interpreter
  teardown (ptyprocess 0.7.0's `__del__`: `try: self.close()` / `except: pass`, "os.close may
  be None").
- a handler of a fallback import: the `try` body only imports and so does the handler
  (pyperclip 1.9.0's `try: from qtpy.QtWidgets import QApplication` / `except: from
  PyQt5.QtWidgets import QApplication`). What it catches is the first module failing to
  import, with whatever error that module raises as it loads (qtpy raises its own when it
  finds no Qt binding, not an ImportError), and if the alternative fails too, its ImportError
  reaches the caller. A fallback handler that assigns a stand-in (`except: QApplication =
  None`) or passes stays a warning.
- a duck-typing fallback: the `try` reads an argument of the function as one kind of value
  (its attribute or item: `other.begin`, `other[0:2]`) and its only handler, bare, takes the
  same argument as another kind (intervaltree 3.2.1's `Interval.overlaps`: `try: return
  self.overlaps(begin.begin, begin.end)` / `except: return self.contains_point(begin)`, an
  Interval or a point). The handler answers for the argument's type; what a caller passes
  is still checked by the other branch. A handler that does not use the argument (`pass`, a
  default, a log line), a `try` that probes no argument, or one with more handlers stays a
  warning.
- an equality test's answer for an operand of another type: in `__eq__` (or `__ne__`), the
  `try` returns a comparison that reads the other operand's attributes or items and its only
  handler, bare, returns `False` (`True` in `__ne__`) or NotImplemented (vobject 0.9.8's
  `Name.__eq__`: `try: return self.family == other.family and ...` / `except: return
  False`). A handler that returns anything else or does more, a `try` that reads nothing of
  the operand, or the same handler in another method stays a warning.

A bare `except:` that goes on (`pass`, a return, a log line) anywhere else stays a warning,
in `close()` too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ai_workflow.findings import Finding, Severity
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.pysource import dotted_name, own_nodes

BARE_EXCEPT = "ruff/E722"
NOTE = "{}: nothing is swallowed that a caller could see"
RAISES = "the handler always raises (`{}`)"
EXITS = (
    "the handler re-raises unless the exit callback it hands the exception to suppresses it "
    "(`{}`), as a `with` statement does"
)
DEFERRED = "the handler keeps the exception (`{}`) and the function raises it later (`{}`)"
TYPE_FALLBACK = (
    "the `try` reads the argument `{}` as one kind of value (`{}`) and the handler takes it as "
    "another (`{}`): a fallback for the argument's type, which `except Exception` would "
    "state more narrowly"
)
FINALIZER = (
    "the handler is in `{}.__del__`, and Python never lets an exception out of a finalizer "
    '(it prints "Exception ignored in" and goes on)'
)
FOREIGN_COMPARISON = (
    "the handler of `{}` answers 'not equal' when the operand lacks what the `try` reads "
    "(`{}`): the comparison's answer for a `{}` of another type, which `except Exception` "
    "would state more narrowly"
)
IMPORT_FALLBACK = (
    "the handler only imports an alternative (`{}`) to what the `try` imports, so if that "
    "fails too, its ImportError reaches the caller"
)


def raising_bare_excepts_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with E722 on a handler whose last statement raises (or re-raises unless
    an exit callback suppresses the exception), on a handler in a `__del__` method, on the
    handler of a fallback import, or on a fallback for an argument's type, made info."""
    explained = files.explain_rule(findings, BARE_EXCEPT, NOTE, _swallows_nothing)
    explained = files.explain_rule(explained, BARE_EXCEPT, "{}", _type_fallback)
    return files.explain_rule(explained, BARE_EXCEPT, "{}", _foreign_comparison)


def _swallows_nothing(finding: Finding, tree: ast.Module) -> str | None:
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
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try | ast.TryStar) or not _only_imports(node.body):
            continue
        for handler in node.handlers:
            if (
                handler.type is None
                and handler.lineno == finding.line
                and _only_imports(handler.body)
            ):
                return IMPORT_FALLBACK.format(ast.unparse(handler.body[0]))
    deferred = _deferred_raise(finding, tree)
    if deferred is not None:
        return deferred
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
                for node in own_nodes(method)
            ):
                return FINALIZER.format(cls.name)
    return None


def _only_imports(body: list[ast.stmt]) -> bool:
    """Import statements and nothing else."""
    return bool(body) and all(isinstance(stmt, ast.Import | ast.ImportFrom) for stmt in body)


SIMPLE_STATEMENTS = (ast.Return, ast.Assign, ast.AnnAssign, ast.Expr)


def _type_fallback(finding: Finding, tree: ast.Module) -> str | None:
    """The reason a bare handler at the finding's line is a fallback for the type of one of its
    function's arguments (the fourth case), or None; a finding already made info keeps its
    reason."""
    if finding.severity is Severity.INFO:
        return None
    for function, node, handler in _lone_bare_tries(tree, finding.line):
        if node.finalbody:
            continue
        for name in _arguments(function):
            probe = _probe_of(node.body, name)
            use = _plain_use(handler.body, name)
            if probe is not None and use is not None:
                return TYPE_FALLBACK.format(name, probe, use)
    return None


EQUALITY_ANSWERS = {"__eq__": (False, "False"), "__ne__": (True, "True")}


def _foreign_comparison(finding: Finding, tree: ast.Module) -> str | None:
    """The reason a bare handler at the finding's line answers an equality test for an
    operand of another type (the sixth case), or None; a finding already made info keeps
    its reason."""
    if finding.severity is Severity.INFO:
        return None
    for function, node, handler in _lone_bare_tries(tree, finding.line):
        arguments = _arguments(function)
        if not isinstance(function, ast.FunctionDef) or function.name not in EQUALITY_ANSWERS:
            continue
        if len(arguments) != 1 or node.finalbody or node.orelse:
            continue
        probe = _probe_of(node.body, arguments[0])
        if probe is not None and _answers(handler.body, function.name):
            return FOREIGN_COMPARISON.format(function.name, probe, arguments[0])
    return None


def _lone_bare_tries(
    tree: ast.Module, line: int | None
) -> Iterable[tuple[ast.FunctionDef | ast.AsyncFunctionDef, ast.Try, ast.ExceptHandler]]:
    """Each function's own `try:` whose only handler is the bare `except:` on `line`, with a
    body of simple statements (`_simple`)."""
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in own_nodes(function):
            if not isinstance(node, ast.Try) or len(node.handlers) != 1:
                continue
            handler = node.handlers[0]
            if handler.type is None and handler.lineno == line and all(map(_simple, node.body)):
                yield function, node, handler


def _answers(body: list[ast.stmt], method: str) -> bool:
    """The handler only returns the answer for unequal operands (`return False` in `__eq__`,
    `return True` in `__ne__`) or NotImplemented."""
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        return False
    value = body[0].value
    if isinstance(value, ast.Name) and value.id == "NotImplemented":
        return True
    return isinstance(value, ast.Constant) and value.value is EQUALITY_ANSWERS[method][0]


def _simple(statement: ast.stmt) -> bool:
    """A return, an assignment or an expression, or an `if` of only those (`if self.begin <
    other.begin: return other.begin - self.end` / `else: return self.begin - other.end`)."""
    if isinstance(statement, ast.If):
        return all(_simple(s) for s in (*statement.body, *statement.orelse))
    return isinstance(statement, SIMPLE_STATEMENTS)


def _arguments(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """The names of the function's arguments, without a method's `self` or `cls`."""
    args = function.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    return [n for n in names if n not in ("self", "cls")]


def _probe_of(body: list[ast.stmt], name: str) -> str | None:
    """The first attribute or item of the argument `name` that the statements read."""
    for statement in body:
        for node in ast.walk(statement):
            if (
                isinstance(node, ast.Attribute | ast.Subscript)
                and isinstance(node.value, ast.Name)
                and node.value.id == name
            ):
                return ast.unparse(node)
    return None


def _plain_use(body: list[ast.stmt], name: str) -> str | None:
    """The first statement of the handler that reads the argument `name` itself, not one of
    its attributes or items (the handler takes it as another kind of value)."""
    for statement in body:
        probed = {
            id(node.value)
            for node in ast.walk(statement)
            if isinstance(node, ast.Attribute | ast.Subscript)
        }
        for node in ast.walk(statement):
            if (
                isinstance(node, ast.Name)
                and node.id == name
                and isinstance(node.ctx, ast.Load)
                and id(node) not in probed
            ):
                return ast.unparse(statement).splitlines()[0]
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


def _deferred_raise(finding: Finding, tree: ast.Module) -> str | None:
    """The reason a bare handler at the finding's line keeps the exception for its function to
    raise later (`new_exc = sys.exc_info()` / ... / `raise new_exc[1]`), or None."""
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        own = list(own_nodes(function))
        for handler in own:
            if not (
                isinstance(handler, ast.ExceptHandler)
                and handler.type is None
                and handler.lineno == finding.line
            ):
                continue
            kept: list[ast.Assign] = []
            stored: set[str] = set()  # names that hold the exception, directly or passed on
            for statement in handler.body:
                if not isinstance(statement, ast.Assign):
                    continue
                values = list(ast.walk(statement.value))
                fresh = any(isinstance(n, ast.expr) and _exc_info(n) for n in values)
                if fresh or any(isinstance(n, ast.Name) and n.id in stored for n in values):
                    kept += [statement] if fresh else []
                    stored |= {t.id for t in statement.targets if isinstance(t, ast.Name)}
            if not kept:
                return None
            for node in own:
                if isinstance(node, ast.Raise) and node.exc is not None:
                    read = {n.id for n in ast.walk(node.exc) if isinstance(n, ast.Name)}
                    if read & stored:
                        return DEFERRED.format(ast.unparse(kept[0]), ast.unparse(node))
            return None
    return None
