"""Marks: which of the project's code objects started, without a profile or trace hook.

The test map's recorder (`ai_workflow_testmap`) loads the project's own modules through
`instrument`: each code object of the file gets a call `__aw_hit__(K)` as its first statement
(after a docstring and `from __future__` imports), with `K` a number of its own, so running it
adds `K` to the set that `__aw_hit__` (a built-in name, rebound at every window of the
recorder) fills. Only the project's code pays, a call to a C method at each function start,
and the interpreter stays on its fast path; a profile hook (the C profiler) is called at every
Python call of every library and of pytest itself, which doubles a test run's time on
Python 3.11.

What gets a mark: the module's body, every class body, function, lambda and generator
expression. A list, set or dict comprehension runs within the code that builds it, so that
code's mark covers it. A generator or coroutine resumes in a later window than the one that
started it (a generator made by one test and consumed by the next): every `yield`, `yield
from` and `await` in it marks again when it resumes, and so do the first statements of its
exception handlers and `finally` blocks and the statement after each `with`, `try`, `async with`
and `async for` (where a value thrown in resumes it).

Each mark is reported as the `(file, qualified name)` of the code object that holds it, read
from the compiled code, so the units are the ones the profiler names. Standard library only,
Python 3.8+ syntax: it runs in the project's interpreter.
"""

from __future__ import annotations

import ast
import hashlib
import itertools

HIT = "__aw_hit__"
VERSION = "1"  # of the marks: part of the key of a cached marked module
PER_FILE = 1 << 16  # mark numbers a file's own range holds
_spare = itertools.count(1 << 62)  # numbers for a file whose own range is taken or too small


def first_number(filename):
    """The first mark number of a file: from a digest of its name, so the same file gets the
    same numbers in every run (its marked code can be cached) and far above any constant a
    source holds; the recorder checks that no two files' numbers meet."""
    digest = hashlib.sha256(str(filename).encode("utf-8", "surrogateescape")).digest()
    return (1 << 40) + (int.from_bytes(digest[:5], "big") << 16)


def _span(where):
    """A node's location (start and end), complete and in order."""
    line = getattr(where, "lineno", None) or 1
    col = getattr(where, "col_offset", None) or 0
    end_line = getattr(where, "end_lineno", None) or line
    end_col = getattr(where, "end_col_offset", None)
    if end_line < line or (end_line == line and (end_col is None or end_col < col)):
        end_line, end_col = line, col
    return line, col, end_line, end_col if end_col is not None else col


def _at(node, span):
    node.lineno, node.col_offset, node.end_lineno, node.end_col_offset = span
    return node


def _hit(number, where):
    line, col = _span(where)[:2]
    point = (line, col, line, col)
    name = _at(ast.Name(HIT, ast.Load()), point)
    return _at(ast.Call(name, [_at(ast.Constant(number), point)], []), point)


def _stmt(number, where):
    call = _hit(number, where)
    return _at(ast.Expr(call), (call.lineno, call.col_offset, call.lineno, call.col_offset))


def _pick(first, second, index, span):
    pair = _at(ast.Tuple([first, second], ast.Load()), span)
    return _at(ast.Subscript(pair, _at(ast.Constant(index), span), ast.Load()), span)


def _then_hit(value, number):
    """`(value, __aw_hit__(K))[0]`: the value, marked once it is computed (after a resume)."""
    return _pick(value, _hit(number, value), 0, _span(value))


def _hit_then(value, number):
    """`(__aw_hit__(K), value)[1]`: marked, then the value."""
    return _pick(_hit(number, value), value, 1, _span(value))


def _docstring(body):
    first = body[0] if body else None
    return (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )


def _preamble(body, module):
    """How many leading statements stay first: a docstring, and in a module the `from
    __future__` imports."""
    count = 1 if _docstring(body) else 0
    if module:
        while (
            count < len(body)
            and isinstance(body[count], ast.ImportFrom)
            and body[count].module == "__future__"
        ):
            count += 1
    return count


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_OTHER_SCOPES = (
    ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp
)  # fmt: skip
_MARKED = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,
           ast.GeneratorExp)  # fmt: skip


def _generators(tree):
    """The functions whose own code yields (async functions resume at every await)."""
    found = set()
    todo = [(tree, None)]
    while todo:
        node, function = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Yield, ast.YieldFrom)) and function is not None:
                found.add(function)
            if isinstance(child, _FUNCTIONS):
                todo.append((child, child))
            elif isinstance(child, _OTHER_SCOPES):
                todo.append((child, None))
            else:
                todo.append((child, function))
    return found


class _Resumes(ast.NodeTransformer):
    """In one generator or coroutine's own code: each `yield`, `yield from` and `await`
    marked when it resumes (nested functions, classes, lambdas and generator expressions
    have marks of their own)."""

    def __init__(self, number):
        self.number = number

    def _own(self, node):
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _own
    visit_Lambda = visit_GeneratorExp = _own

    def _resumed(self, node):
        self.generic_visit(node)
        return _then_hit(node, self.number)

    visit_Yield = visit_YieldFrom = visit_Await = _resumed


def _mark_body(node, number, resumes, module=False):
    keep = _preamble(node.body, module)
    where = node.body[keep] if keep < len(node.body) else node.body[-1] if node.body else node
    node.body.insert(keep, _stmt(number, where))
    if resumes:
        visitor = _Resumes(number)
        node.body[keep + 1 :] = [visitor.visit(stmt) for stmt in node.body[keep + 1 :]]
        _after_resumes(node.body, number, keep + 1)


_CATCHING = (ast.With, ast.AsyncWith, ast.AsyncFor, ast.Try)
if hasattr(ast, "TryStar"):
    _CATCHING = (*_CATCHING, ast.TryStar)


def _after_resumes(body, number, start=0):
    """In a generator or coroutine: a mark at the start of every exception handler and
    `finally` block, and after every statement a thrown-in value may resume past."""
    index = start
    while index < len(body):
        stmt = body[index]
        for block in _blocks(stmt):
            _after_resumes(block, number)
        for handler in getattr(stmt, "handlers", None) or []:
            _after_resumes(handler.body, number)
            handler.body.insert(0, _stmt(number, handler.body[0]))
        final = getattr(stmt, "finalbody", None)
        if final:
            _after_resumes(final, number)
            final.insert(0, _stmt(number, final[0]))
        if isinstance(stmt, _CATCHING):
            body.insert(index + 1, _stmt(number, stmt))
            index += 1
        index += 1


def _blocks(stmt):
    """The statement blocks of a compound statement, not of nested functions or classes."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return []
    blocks = []
    for name in ("body", "orelse"):
        value = getattr(stmt, name, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            blocks.append(value)
    for case in getattr(stmt, "cases", None) or []:  # match
        blocks.append(case.body)
    return blocks


def instrument(tree, first=None, source=None):
    """Put the marks into a parsed module (in place), numbered from `first` (default: a spare
    range); their numbers. `source`, when given, spares looking for generators in a module
    whose text has no `yield`."""
    scopes = [node for node in ast.walk(tree) if isinstance(node, _MARKED)]
    if first is None or len(scopes) > PER_FILE:
        numbers = [next(_spare) for _ in scopes]
    else:
        numbers = list(range(first, first + len(scopes)))
    if source is not None and b"yield" not in (
        source if isinstance(source, bytes) else str(source).encode("utf-8", "replace")
    ):
        generators = set()
    else:
        generators = _generators(tree)
    for index, node in enumerate(scopes):
        number = numbers[index]
        if isinstance(node, ast.Lambda):
            node.body = _hit_then(node.body, number)
        elif isinstance(node, ast.GeneratorExp):
            first_loop = node.generators[0]
            where = first_loop.ifs[0] if first_loop.ifs else node.elt
            true = _at(ast.Constant(True), _span(where))
            first_loop.ifs.insert(0, _hit_then(true, number))
        else:
            resumes = isinstance(node, ast.AsyncFunctionDef) or node in generators
            _mark_body(node, number, resumes, module=isinstance(node, ast.Module))
    return set(numbers)


def owners(code, numbers):
    """Each mark number of `numbers` found in `code` or the code objects it holds -> the
    qualified name of the first code object (outermost first) that holds it."""
    found = {}
    todo = [code]
    for current in todo:
        qualname = getattr(current, "co_qualname", None) or "*"
        for const in current.co_consts:
            if type(const) is int and const in numbers and const not in found:
                found[const] = qualname
            elif hasattr(const, "co_consts"):
                todo.append(const)
    return found


def compile_marked(source, filename, first=None):
    """`source` compiled with its marks: (code, {mark number: qualified name})."""
    tree = ast.parse(source, filename=filename)
    numbers = instrument(tree, first, source)
    code = compile(tree, filename, "exec", dont_inherit=True)
    return code, owners(code, numbers)
