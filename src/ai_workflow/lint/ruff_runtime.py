"""ruff's F821 on a name that cannot raise NameError where it is read.

An undefined name is an error because the line raises NameError when it runs. Some lines never
run, and some names are defined by the time they do although no statement ruff reads binds them:

- code under `if False:` / `if 0:` (disabled on purpose, often `if False: #_use_diff:`): it
  never runs, so nothing in it raises; dill 0.3.7's `save_module` keeps a disabled
  `diff.whats_changed(...)` there. Info. The `else` branch of such an `if`, and a name under any
  other test, stay errors.
- IPython's builtins (`get_ipython`, `__IPYTHON__`, `display`: IPython puts them in `builtins`
  when it starts) read under a test that the code runs in IPython (`if IS_IPYTHON:`, `if
  'IPython' in sys.modules and ...`, after `if not in_ipython(): return`): defined there; dill
  0.3.7's `findsource` reads `get_ipython().history_manager` under `if IS_IPYTHON and
  is_module_main:`. Info. The same name without such a guard (plain Python raises NameError),
  and any other undefined name under the guard, stay errors.
- a name read after an `exec` of code the module builds (not a project file it opens, which
  `ai_workflow.lint.ruff_exec` reads), run earlier in the same function with the module's own
  namespace as its globals (`exec(code, globals())`, or a module-level `G = globals()` passed
  as `exec(code, G, L)`), or at the module's top level: that code may define any name there,
  and the function reads it from the module's globals. dill 0.3.7's `_wrap` runs
  `exec(getimportable(f, alias='_'), __globals__, __locals__)` with `__globals__ = globals()`,
  then calls `_(*args)`. Info. A name read before the exec, and an exec into a namespace of
  its own (`exec(code, {})`, `exec(code)` inside a function, which writes the function's
  locals()), and one the exec's literal code does not bind (`exec("import os")` binds `os`
  only), stay errors.
- a name the module writes into its own namespace at import, by a name it computes:
  `setattr(sys.modules[__name__], name, value)`, `globals()[name] = value` or
  `globals().update(...)`, at its top level or in one of its functions that its top level
  calls. gast 0.6.0's gast.py makes every node class with `_make_node(name, *descr)` in a
  top-level loop, whose `setattr(_sys.modules[__name__], Name, type(Name, ...))` defines
  `FunctionDef`, `Constant`..., which its functions then read. Info, where the read runs after
  the write (in a function, called once the import is done, or at the top level below the
  write) and the module spells the name as a string (`('FunctionDef', (...))` in the table
  the loop reads), where a computed name can come from. A name the module never spells (a
  typo), a read at the top level above the write, a write of another literal name, a
  `setattr` on another object and a writer function that the top level never calls stay
  errors.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from ai_workflow.findings import Finding
from ai_workflow.lint.ruff_codes import UNDEFINED_MESSAGE, UNDEFINED_NAME
from ai_workflow.lint.ruff_exec import executed_file
from ai_workflow.lint.ruff_py2 import guarded
from ai_workflow.parsed_files import ParsedFiles

NEVER_RUNS_NOTE = "in code that never runs ({}): it cannot raise NameError"
IPYTHON_NOTE = "an IPython builtin, read only where IPython runs ({}): defined there"
NAMESPACE_NOTE = "may be defined at import by {}, which writes computed names into the module"
EXEC_NOTE = "may be defined at run time by {}, which runs code in the module's namespace"
IPYTHON_BUILTINS = frozenset({"get_ipython", "__IPYTHON__", "display"})
_IPYTHON_TEST = re.compile(r"(?i)ipython")


def never_run_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F821 inside the body of an `if` whose test is a false constant
    (`if False:`, `if 0:`) made info."""
    return files.explain_rule(findings, UNDEFINED_NAME, NEVER_RUNS_NOTE, _never_runs)


def _never_runs(finding: Finding, tree: ast.Module) -> str | None:
    found = UNDEFINED_MESSAGE.search(finding.message)
    if found is None or finding.line is None:
        return None
    for node in ast.walk(tree):
        if not (isinstance(node, ast.If | ast.While) and _false_constant(node.test)):
            continue
        for statement in node.body:
            if _reads_at(statement, found.group("name"), finding.line):
                return f"under `{type(node).__name__.lower()} {ast.unparse(node.test)}:`"
    return None


def _false_constant(test: ast.expr) -> bool:
    return isinstance(test, ast.Constant) and test.value in (False, 0, None, "")


def _reads_at(node: ast.AST, name: str, line: int) -> bool:
    return any(
        isinstance(child, ast.Name) and child.id == name and child.lineno == line
        for child in ast.walk(node)
    )


def ipython_builtins_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F821 on an IPython builtin under a test that IPython runs made
    info."""
    return files.explain_rule(findings, UNDEFINED_NAME, IPYTHON_NOTE, _ipython_guard)


def _ipython_guard(finding: Finding, tree: ast.Module) -> str | None:
    found = UNDEFINED_MESSAGE.search(finding.message)
    if found is None or found.group("name") not in IPYTHON_BUILTINS:
        return None
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Name)
            and node.id == found.group("name")
            and node.lineno == finding.line
        ):
            guard = guarded(node, parents, _ipython_test)
            if guard:
                return guard
    return None


def _ipython_test(node: ast.AST) -> bool:
    return bool(_IPYTHON_TEST.search(ast.unparse(node)))


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def exec_namespace_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F821 on a name read after an `exec` of built code into the module's
    namespace made info."""
    return files.explain_rule(findings, UNDEFINED_NAME, EXEC_NOTE, _exec_before)


def _exec_before(finding: Finding, tree: ast.Module) -> str | None:
    found = UNDEFINED_MESSAGE.search(finding.message)
    if found is None or finding.line is None:
        return None
    line, aliases = finding.line, _globals_aliases(tree)
    scopes: list[ast.AST] = [tree]
    scopes += [
        node
        for node in ast.walk(tree)
        if isinstance(node, _FUNCTIONS) and node.lineno <= line <= (node.end_lineno or 0)
    ]
    for scope in scopes:
        at_top = scope is tree
        for call in _own_calls(scope):
            if call.lineno >= line or not _exec_in_module(call, aliases, at_top):
                continue
            if not _may_bind(call.args[0], found.group("name")):
                continue
            if executed_file(call, ast.Expr(call), {}) is None:
                return f"`{ast.unparse(call)}` (line {call.lineno})"
    return None


def _may_bind(code: ast.expr, name: str) -> bool:
    """Whether the code an `exec` runs may bind `name`: any code it builds may; a string
    literal only if it binds the name (`exec("import os")` defines `os`, nothing else)."""
    if not (isinstance(code, ast.Constant) and isinstance(code.value, str)):
        return True
    try:
        tree = ast.parse(code.value)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False  # the exec raises before anything reads the name
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id == name:
            return True
        definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        if isinstance(node, definitions) and node.name == name:
            return True
        if isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) in (name, "*"):
            return True
    return False


def _own_calls(scope: ast.AST) -> Iterable[ast.Call]:
    """The calls of the scope's own code, not of the functions and classes it defines."""
    body = (
        scope.body if isinstance(scope, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef) else []
    )
    nested = (*_FUNCTIONS, ast.ClassDef)
    stack: list[ast.AST] = [node for node in body if not isinstance(node, nested)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Call):
            yield node
        stack.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, nested))


def _globals_aliases(tree: ast.Module) -> set[str]:
    """Module-level names bound to `globals()` (`__globals__ = globals()`)."""
    return {
        target.id
        for statement in tree.body
        if isinstance(statement, ast.Assign) and _is_globals_call(statement.value)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }


def _is_globals_call(node: ast.expr | None) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "globals"
        and not node.args
    )


def _exec_in_module(call: ast.Call, aliases: set[str], at_top: bool) -> bool:
    """`exec(code, <the module's globals>, ...)`, or `exec(code)` at the module's top level."""
    if not (isinstance(call.func, ast.Name) and call.func.id == "exec" and call.args):
        return False
    namespace = call.args[1] if len(call.args) > 1 else None
    namespace = next((k.value for k in call.keywords if k.arg == "globals"), namespace)
    if namespace is None:
        return at_top
    return _is_globals_call(namespace) or (
        isinstance(namespace, ast.Name) and namespace.id in aliases
    )


def namespace_writes_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F821 on a name read after the module writes names it computes into
    its own namespace (`setattr(sys.modules[__name__], name, ...)`) made info."""
    return files.explain_rule(findings, UNDEFINED_NAME, NAMESPACE_NOTE, _written_before)


def _written_before(finding: Finding, tree: ast.Module) -> str | None:
    found = UNDEFINED_MESSAGE.search(finding.message)
    if found is None or finding.line is None:
        return None
    name, line = found.group("name"), finding.line
    reads = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and node.id == name and node.lineno == line
    ]
    if not reads:
        return None
    in_function = any(
        isinstance(node, _FUNCTIONS) and _body_line(node) <= line <= (node.end_lineno or 0)
        for node in ast.walk(tree)
    )
    spelled = name in {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    for write, key, effect in _namespace_writes(tree):
        if key != name and not (key is None and spelled):
            continue
        if in_function or effect < line:
            return f"`{_short(write)}` (line {getattr(write, 'lineno', 0)})"
    return None


def _body_line(function: ast.AST) -> int:
    """The first line of a function's body (its signature's defaults run at its definition)."""
    body = getattr(function, "body", None)
    first = body[0] if isinstance(body, list) else body
    return getattr(first, "lineno", 0) or 0


def _short(node: ast.AST) -> str:
    """The write as the note quotes it: a `setattr` call without its value."""
    if isinstance(node, ast.Call) and len(node.args) == 3:
        target, key = (ast.unparse(arg) for arg in node.args[:2])
        return f"{ast.unparse(node.func)}({target}, {key}, ...)"
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."


def _namespace_writes(tree: ast.Module) -> list[tuple[ast.AST, str | None, int]]:
    """The module's writes into its own namespace that run at import: each with the name it
    writes (None: a computed one) and the line from which it has run (the write itself at the
    top level, the first top-level call of the function that holds it)."""
    own = _self_module_aliases(tree)
    top_calls: dict[str, int] = {}
    for call in _own_calls(tree):
        if isinstance(call.func, ast.Name):
            first = top_calls.get(call.func.id, call.lineno)
            top_calls[call.func.id] = min(first, call.lineno)
    writes: list[tuple[ast.AST, str | None, int]] = []
    scopes: list[tuple[ast.AST, int | None]] = [(tree, None)]
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            scopes.append((statement, top_calls.get(statement.name)))
    for scope, called in scopes:
        if scope is not tree and called is None:
            continue
        for node in _own_nodes(scope):
            key = _written_key(node, own)
            if key is False:
                continue
            effect = getattr(node, "lineno", 0) if called is None else called
            writes.append((node, key if isinstance(key, str) else None, effect))
    return writes


def _own_nodes(scope: ast.AST) -> Iterable[ast.AST]:
    """The nodes of the scope's own code, not of the functions and classes it defines."""
    body = getattr(scope, "body", [])
    nested = (*_FUNCTIONS, ast.ClassDef)
    stack: list[ast.AST] = [node for node in body if not isinstance(node, nested)]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, nested))


def _self_module_aliases(tree: ast.Module) -> set[str]:
    """Module-level names bound to the module itself (`_self = sys.modules[__name__]`)."""
    return {
        target.id
        for statement in tree.body
        if isinstance(statement, ast.Assign) and _is_self_module(statement.value, set())
        for target in statement.targets
        if isinstance(target, ast.Name)
    }


def _is_self_module(node: ast.expr | None, aliases: set[str]) -> bool:
    """`sys.modules[__name__]` (whatever `sys` is imported as), or a name bound to it."""
    if isinstance(node, ast.Name):
        return node.id in aliases
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "modules"
        and isinstance(node.slice, ast.Name)
        and node.slice.id == "__name__"
    )


def _written_key(node: ast.AST, own: set[str]) -> str | bool | None:
    """What a write into the module's namespace binds: the literal name, None for a computed
    one, False where the node is no such write."""
    if isinstance(node, ast.Call):
        func = node.func
        if (
            isinstance(func, ast.Name)
            and func.id == "setattr"
            and len(node.args) == 3
            and _is_self_module(node.args[0], own)
        ):
            return _literal(node.args[1])
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "update"
            and _is_globals_call(func.value)
        ):
            return None
        return False
    if isinstance(node, ast.Assign | ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) and _is_globals_call(target.value):
                return _literal(target.slice)
    return False


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
