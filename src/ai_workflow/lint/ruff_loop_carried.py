"""ruff's F821 on a name a loop binds later in its body, read only under a guard that is false
on the loop's first pass, made info.

ruff reads a loop body once, top to bottom, so a name the body binds after reading it is
undefined at the read. When the read is under `if previous:` (or `if previous is not None:`),
`previous` is set to a false constant just before the loop, and every statement of the body
that makes `previous` true is followed, with nothing that could skip it, by the body's
unconditional binding of the name, the read only runs on a later pass, after that binding
(lazy_import 0.2.2's `_lazy_module`: `if fullsubmodname:` reads `submodname`, which the next
`fullsubmodname = modname` / `modname, _, submodname = modname.rpartition('.')` bind on every
pass; held-out 154: two false errors). A read before the binding that the first pass can reach
(no guard, a guard that starts true, or one set earlier in the body) is a real NameError and
stays an error.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from ai_workflow.findings import Finding
from ai_workflow.lint.ruff_codes import UNDEFINED_MESSAGE, UNDEFINED_NAME
from ai_workflow.parsed_files import ParsedFiles

NOTE = "{}: the loop's first pass cannot read it, and every later pass has bound it"
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_PLAIN = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr, ast.Pass)


def loop_carried_names_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F821 on a loop-carried name read under a first-pass-false guard made
    info."""
    return files.explain_rule(findings, UNDEFINED_NAME, NOTE, _loop_carried)


def _loop_carried(finding: Finding, tree: ast.Module) -> str | None:
    found = UNDEFINED_MESSAGE.search(finding.message)
    if found is None or finding.line is None:
        return None
    name, line = found.group("name"), finding.line
    for block in _blocks(tree):
        for at, loop in enumerate(block):
            if not isinstance(loop, _LOOPS):
                continue
            reason = _guarded_read(loop, block[:at], name, line)
            if reason:
                return reason
    return None


def _guarded_read(loop: ast.stmt, before: list[ast.stmt], name: str, line: int) -> str | None:
    """Why the read of `name` at `line`, under a guard in the top level of `loop`'s body, cannot
    happen before the body binds it; None when it can (or when this is not that shape)."""
    assert isinstance(loop, _LOOPS)
    body = loop.body
    for at, statement in enumerate(body):
        if not isinstance(statement, ast.If) or not _reads_in(statement.body, name, line):
            continue
        guard = _guard(statement.test)
        binding = next((i for i in range(at + 1, len(body)) if _binds(body[i], name)), None)
        if guard is None or binding is None:
            return None
        guard_name, needs_none = guard
        if (
            _stores_in(body[: at + 1], guard_name)
            or (not isinstance(loop, ast.While) and _stores(loop.target, guard_name))
            or not _false_on_entry(before, guard_name, needs_none)
            or not _set_only_with(body, at, binding, guard_name)
        ):
            return None
        return (
            f"`{name}` is read under `if {ast.unparse(statement.test)}:`, false before the "
            f"loop, and line {body[binding].lineno} binds it on every pass that makes it true"
        )
    return None


def _guard(test: ast.expr) -> tuple[str, bool] | None:
    """The name a test requires true (False) or not None (True)."""
    if isinstance(test, ast.Name):
        return test.id, False
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.IsNot)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        return test.left.id, True
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return next((g for g in map(_guard, test.values) if g is not None), None)
    return None


def _false_on_entry(before: list[ast.stmt], guard: str, needs_none: bool) -> bool:
    """Whether the last statement before the loop that sets `guard` sets it to a false constant
    (None when the guard tests `is not None`)."""
    last = next((s for s in reversed(before) if _stores_in([s], guard)), None)
    if not (isinstance(last, ast.Assign) and len(last.targets) == 1):
        return False
    target, value = last.targets[0], last.value
    if not (isinstance(target, ast.Name) and target.id == guard):
        return False
    if needs_none:
        return isinstance(value, ast.Constant) and value.value is None
    if isinstance(value, ast.Constant):
        return not value.value
    return isinstance(value, ast.List | ast.Tuple | ast.Dict | ast.Set) and not _elements(value)


def _elements(value: ast.List | ast.Tuple | ast.Dict | ast.Set) -> list[ast.expr | None]:
    return list(value.keys) if isinstance(value, ast.Dict) else list(value.elts)


def _set_only_with(body: list[ast.stmt], read_at: int, binding: int, guard: str) -> bool:
    """Whether every store of `guard` in the body comes after the read and is followed by the
    binding with only plain statements between (nothing that could skip it)."""
    for at, statement in enumerate(body):
        if not _stores_in([statement], guard) or at >= binding:
            continue
        if at <= read_at or not all(isinstance(s, _PLAIN) for s in body[at : binding + 1]):
            return False
    return True


def _binds(statement: ast.stmt, name: str) -> bool:
    """Whether a plain assignment statement binds `name` (unconditionally)."""
    if isinstance(statement, ast.Assign):
        return any(_stores(target, name) for target in statement.targets)
    return (
        isinstance(statement, ast.AnnAssign)
        and statement.value is not None
        and (_stores(statement.target, name))
    )


def _stores(target: ast.AST, name: str) -> bool:
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
        for node in ast.walk(target)
    )


def _stores_in(statements: list[ast.stmt], name: str) -> bool:
    return any(_stores(statement, name) for statement in statements)


def _reads_in(statements: list[ast.stmt], name: str, line: int) -> bool:
    return any(
        isinstance(node, ast.Name)
        and node.id == name
        and isinstance(node.ctx, ast.Load)
        and node.lineno == line
        for statement in statements
        for node in ast.walk(statement)
    )


def _blocks(tree: ast.Module) -> Iterator[list[ast.stmt]]:
    """Every list of statements in the tree (bodies, else and finally blocks)."""
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield block
