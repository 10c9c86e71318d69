"""ruff's F821 on a name a test expects to be undefined, or that `mock.patch` creates.

An undefined name is an error because the line raises NameError when it runs. In a test of
code that adds and removes names at run time, two such reads are the test itself:

- a read the test expects to raise NameError: inside the callable given to
  `assertRaises(NameError, lambda: name)` (also `assertRaisesRegex`, `pytest.raises`), or in
  the body of `with self.assertRaises(NameError):` / `with pytest.raises(NameError):`. mock
  5.1.0's testpatch.py checks that a patch with `create=True` removed the builtin it made with
  `self.assertRaises(NameError, lambda: frooble)`. Info. The same read expecting another
  exception (`assertRaises(AttributeError, ...)`), or passed as an argument that Python
  evaluates before the call (`assertRaises(NameError, f, name)`), stays an error.
- a read in a function that `mock.patch` decorates, or in the body of a `with patch(...)`,
  whose target is that very name in `builtins` or in the module itself, with `create=True`:
  the patch creates the name for the call (`@patch('%s.frooble' % builtin_string,
  sentinel.Frooble, create=True)` with `builtin_string = 'builtins'`; `'%s.x' % __name__`;
  `patch.object(builtins, 'x', create=True)`). Info. A patch without `create=True`, or of
  another module's attribute (the bare name stays undefined), stays an error.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ai_workflow.findings import Finding
from ai_workflow.lint.ruff_codes import UNDEFINED_MESSAGE, UNDEFINED_NAME
from ai_workflow.parsed_files import ParsedFiles

NOTE = "{}: the test itself makes or expects the undefined name"
_RAISES = frozenset({"assertRaises", "assertRaisesRegex", "assertRaisesRegexp", "raises"})
_BUILTINS = frozenset({"builtins", "__builtin__"})
_SELF = "__name__"


def expected_names_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F821 on a read a test expects to raise NameError, or on a name a
    `patch(..., create=True)` of builtins or of the module creates around the read, made
    info."""
    return files.explain_rule(findings, UNDEFINED_NAME, NOTE, _expected)


def _expected(finding: Finding, tree: ast.Module) -> str | None:
    found = UNDEFINED_MESSAGE.search(finding.message)
    if found is None or finding.line is None:
        return None
    name = found.group("name")
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    strings = _module_strings(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Name) and node.id == name and node.lineno == finding.line):
            continue
        child: ast.AST = node
        while child in parents:
            parent = parents[child]
            reason = _expects(parent, child) or _creates(parent, child, name, strings)
            if reason:
                return reason
            child = parent
    return None


def _expects(parent: ast.AST, child: ast.AST) -> str | None:
    """Why `child` is expected to raise NameError: it is the lambda given to an assertRaises
    of NameError, or a statement in the body of a `with` of one."""
    if (
        isinstance(parent, ast.Call)
        and isinstance(child, ast.Lambda)
        and len(parent.args) > 1
        and parent.args[1] is child
        and _raises_name_error(parent)
    ):
        return f"`{_callee(parent)}(NameError, lambda: ...)` expects the NameError"
    if isinstance(parent, ast.With | ast.AsyncWith) and child in parent.body:
        for item in parent.items:
            call = item.context_expr
            if isinstance(call, ast.Call) and _raises_name_error(call):
                return f"`with {_callee(call)}(NameError):` expects the NameError"
    return None


def _raises_name_error(call: ast.Call) -> bool:
    if _callee(call) not in _RAISES or not call.args:
        return False
    expected = call.args[0]
    names = expected.elts if isinstance(expected, ast.Tuple) else [expected]
    return any(isinstance(n, ast.Name) and n.id == "NameError" for n in names)


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _creates(parent: ast.AST, child: ast.AST, name: str, strings: dict[str, str]) -> str | None:
    """The patch that creates `name` around `child`: a decorator of the function `parent`, or
    a context manager of the `with` whose body holds `child`."""
    patches: list[ast.expr] = []
    if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef) and child in parent.body:
        patches = parent.decorator_list
    elif isinstance(parent, ast.With | ast.AsyncWith) and child in parent.body:
        patches = [item.context_expr for item in parent.items]
    for patch in patches:
        if isinstance(patch, ast.Call) and _creates_name(patch, name, strings):
            return f"`{ast.unparse(patch.func)}(..., create=True)` creates `{name}` for the call"
    return None


def _creates_name(call: ast.Call, name: str, strings: dict[str, str]) -> bool:
    if not any(k.arg == "create" and _true(k.value) for k in call.keywords):
        return False
    callee = _callee(call)
    if callee == "patch" and call.args:
        return _target(call.args[0], strings) == (True, name)
    if callee == "object" and len(call.args) > 1:
        where, attribute = call.args[0], call.args[1]
        return (
            isinstance(where, ast.Name)
            and where.id in _BUILTINS
            and isinstance(attribute, ast.Constant)
            and attribute.value == name
        )
    return False


def _true(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _target(node: ast.expr, strings: dict[str, str]) -> tuple[bool, str] | None:
    """A patch target string as (whether its module is builtins or this module, attribute)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        module, _, attribute = node.value.rpartition(".")
        return module in _BUILTINS, attribute
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mod)
        and isinstance(node.left, ast.Constant)
        and isinstance(node.left.value, str)
        and node.left.value.startswith("%s.")
        and node.left.value.count("%") == 1
    ):
        return _ours(node.right, strings), node.left.value[3:]
    if isinstance(node, ast.JoinedStr) and len(node.values) == 2:
        head, tail = node.values
        if (
            isinstance(head, ast.FormattedValue)
            and isinstance(tail, ast.Constant)
            and isinstance(tail.value, str)
            and tail.value.startswith(".")
        ):
            return _ours(head.value, strings), tail.value[1:]
    return None


def _ours(module: ast.expr, strings: dict[str, str]) -> bool:
    """Whether the expression names builtins or the module itself."""
    if isinstance(module, ast.Constant):
        return module.value in _BUILTINS
    if isinstance(module, ast.Name):
        return module.id == _SELF or strings.get(module.id) in (*_BUILTINS, _SELF)
    return False


def _module_strings(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound once to a string constant or to `__name__`."""
    bound: dict[str, str] = {}
    seen: set[str] = set()
    for statement in tree.body:
        if not isinstance(statement, ast.Assign):
            continue
        for target in statement.targets:
            if not isinstance(target, ast.Name):
                continue
            value = statement.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                bound[target.id] = value.value
            elif isinstance(value, ast.Name) and value.id == _SELF:
                bound[target.id] = _SELF
            if target.id in seen:
                bound.pop(target.id, None)
            seen.add(target.id)
    return bound
