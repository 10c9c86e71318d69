"""ruff's F821 on a Python 2 builtin in code that runs only on Python 2.

A project that supports Python 2 and 3 from one source names Python 2's builtins (`unicode`,
`basestring`, `long`, `xrange`, `unichr`, `raw_input`, ...) where only Python 2 runs them:
under `if PY2:` / `if sys.version_info[0] == 2:` (or a test of a name bound only to the
version: `major = sys.version_info[0]`, `if major == 3:`), after an early
`if is_python3(): return`,
or behind `is_python2() and ...`, or in the `except ImportError:` of a `try:` that only imports
modules every Python 3 has and Python 2 lacks (`try: from collections.abc import Mapping`
`except ImportError: ... str = unicode`, jsonpatch 1.33; ruff itself passes `try: unicode except
NameError:`), or as the probe itself of a `try:` whose handler catches NameError through a base
class (`try: iterrange = xrange` `except Exception: iterrange = range`, olefile 0.47; bare
`except:` too), or later in the body of such a `try:`, after its probe of the name (`try: unicode`
then `def str_(s): ... unicode ...`, vobject 0.9.8: ruff passes the probe, not a function defined
after it), or anywhere in a module whose top level first imports, unguarded, a module of
Python 2's standard library that Python 3 renamed or removed (`import _winreg`, vobject 0.9.8's
win32tz.py): Python 3 fails at that import, which `deps/undeclared-import` reports; or anywhere
in a module that the project imports only under a Python 2 test (gast 0.6.0's gast.py: `if
_sys.version_info.major == 2: from .ast2 import ...`, and `long` in ast2.py): Python 3 never
imports it. A module that some file imports without that test (or under a Python 3 one), or
that nothing imports, keeps its errors. Also a name in a method that only Python 2 calls, a
hook Python 3 dropped (`def __cmp__(self, other): return cmp(...)`, pyxdg 0.28, three times),
where no file of the project names the hook but its `def` (no `a.__cmp__(b)`, no
`__bool__ = __nonzero__`).
ruff checks with Python 3's builtins and calls them undefined names (F821), an error; there
they are defined when the line runs (autojump 22.5.1's `bin/autojump_utils.py`). Info. The
same name outside such a guard stays an error (Python 3 raises NameError there), and so does any
other undefined name under a guard.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import PurePosixPath

from ai_workflow.deps.imports import PY2_STDLIB_MODULES
from ai_workflow.findings import Finding
from ai_workflow.lint.ruff_codes import UNDEFINED_MESSAGE, UNDEFINED_NAME
from ai_workflow.parsed_files import ParsedFiles

PY2_BUILTINS = frozenset(
    {
        "unicode",
        "basestring",
        "long",
        "xrange",
        "unichr",
        "raw_input",
        "execfile",
        "reduce",
        "file",
        "cmp",
        "buffer",
        "apply",
        "intern",
        "coerce",
        "reload",
        "StandardError",
    }
)
NOTE = "a Python 2 builtin, used only where Python 2 runs ({}): defined there"
# a test of which Python runs: `PY2`, `six.PY3`, `is_python3()`, `sys.version_info[0] == 2`
_VERSION_TEST = re.compile(
    r"(?i)\bpy(?:thon)?_?[23]\b|_py(?:thon)?_?[23]\b|version_info|sys\.version"
)
_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
# standard-library modules that every Python 3 has and Python 2 does not: importing them fails
# only on Python 2. Not `tkinter`: an optional extension many Python 3 builds lack (Debian's
# python3 without python3-tk), where its `except ImportError:` runs on Python 3 too
PY3_ONLY_MODULES = frozenset(
    {
        "builtins",
        "collections.abc",
        "configparser",
        "copyreg",
        "html",
        "html.entities",
        "html.parser",
        "http",
        "http.client",
        "http.cookiejar",
        "http.cookies",
        "http.server",
        "queue",
        "reprlib",
        "socketserver",
        "urllib.error",
        "urllib.parse",
        "urllib.request",
        "xmlrpc.client",
        "xmlrpc.server",
        "_thread",
    }
)
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def py2_builtins_as_info(
    findings: Iterable[Finding], files: ParsedFiles, python_files: Sequence[str] = ()
) -> list[Finding]:
    """The findings, with F821 on a Python 2 builtin under a Python 2 guard, or in a module
    the project imports only under one, made info."""

    def reason(finding: Finding, tree: ast.Module) -> str | None:
        return (
            _guard(finding, tree, files)
            or _imported_only_on_python2(finding, files, python_files)
            or _in_python2_hook(finding, tree, files, python_files)
        )

    return files.explain_rule(findings, UNDEFINED_NAME, NOTE, reason)


# special methods that Python 2 calls and Python 3 never does
PY2_HOOKS = frozenset(
    {
        "__cmp__",
        "__nonzero__",
        "__unicode__",
        "__div__",
        "__rdiv__",
        "__idiv__",
        "__getslice__",
        "__setslice__",
        "__delslice__",
        "__coerce__",
        "__long__",
        "__oct__",
        "__hex__",
    }
)


def _in_python2_hook(
    finding: Finding, tree: ast.Module, files: ParsedFiles, python_files: Sequence[str]
) -> str | None:
    """How the finding's Python 2 builtin sits in a method that only Python 2 calls: its
    innermost function is a hook of PY2_HOOKS defined in a class, and no Python file of the
    project names the hook other than in a `def` (None: not such a method, or named)."""
    parents: dict[ast.AST, ast.AST] = {}
    for node in _builtin_uses(finding, tree, parents):
        hook = _enclosing_hook(node, parents)
        if hook and not files.named_beyond_def(hook, [*python_files, finding.path or ""]):
            return f"in `{hook}`, a method only Python 2 calls"
    return None


def _enclosing_hook(name: ast.AST, parents: dict[ast.AST, ast.AST]) -> str | None:
    """The PY2_HOOKS method of a class whose body holds the name (its innermost function)."""
    node = parents.get(name)
    while node is not None and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        node = parents.get(node)
    if node is None or node.name not in PY2_HOOKS:
        return None
    return node.name if isinstance(parents.get(node), ast.ClassDef) else None


# a test that holds on Python 2 alone: `PY2`, `sys.version_info.major == 2`, `[0] < 3`
_PY2_TEST = re.compile(r"(?i)\bpy(?:thon)?_?2\b|==\s*2\b|<\s*\(?\s*3\b")


def _imported_only_on_python2(
    finding: Finding, files: ParsedFiles, python_files: Sequence[str]
) -> str | None:
    """Where the project imports the finding's module, when every import of it is in the
    body of an `if` whose test holds on Python 2 alone (None: one is not, or none is found)."""
    found = UNDEFINED_MESSAGE.search(finding.message)
    path = finding.path
    if found is None or found.group("name") not in PY2_BUILTINS or not path:
        return None
    module = PurePosixPath(path)
    if module.suffix != ".py" or module.stem == "__init__":
        return None
    guards: list[str] = []
    for rel in python_files:
        if rel == path or module.stem not in files.text(rel):
            continue
        tree = files.tree(rel)
        if tree is None:
            continue
        parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                parents[child] = node
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and _imports(node, rel, module):
                guard = _python2_branch(node, parents)
                if guard is None:
                    return None
                guards.append(f"{guard} ({rel} line {node.lineno})")
    return f"in a module imported only {guards[0]}" if guards else None


def _imports(node: ast.Import | ast.ImportFrom, importer: str, module: PurePosixPath) -> bool:
    """Whether the import statement in the file `importer` imports `module` (a path)."""
    dotted = ".".join(module.with_suffix("").parts)
    if isinstance(node, ast.Import):
        return any(_same(alias.name, dotted) for alias in node.names)
    if node.level:
        base = PurePosixPath(importer).parent
        for _ in range(node.level - 1):
            base = base.parent
        prefix = ".".join(base.parts)
        source = ".".join(part for part in (prefix, node.module or "") if part)
    else:
        source = node.module or ""
    names = [f"{source}.{alias.name}" if source else alias.name for alias in node.names]
    return _same(source, dotted) or any(_same(name, dotted) for name in names)


def _same(name: str, dotted: str) -> bool:
    """The imported dotted name is the module, whichever source root it is counted from
    (`pkg.mod` for `src/pkg/mod.py`)."""
    return bool(name) and (dotted == name or dotted.endswith("." + name))


def _python2_branch(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str | None:
    """The Python 2 test whose body holds the node (None: no such `if` around it)."""
    child, parent = node, parents.get(node)
    while parent is not None:
        if (
            isinstance(parent, ast.If)
            and child in parent.body
            and _version_test(parent.test)
            and _PY2_TEST.search(ast.unparse(parent.test))
        ):
            return f"under `if {ast.unparse(parent.test)}:`"
        child, parent = parent, parents.get(parent)
    return None


def _builtin_uses(
    finding: Finding, tree: ast.Module, parents: dict[ast.AST, ast.AST]
) -> list[ast.Name]:
    """The uses, at the finding's line, of the Python 2 builtin its F821 names (none when it
    names another), filling `parents` (child to parent) over the whole tree."""
    found = UNDEFINED_MESSAGE.search(finding.message)
    if found is None or found.group("name") not in PY2_BUILTINS:
        return []
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Name)
        and node.id == found.group("name")
        and node.lineno == finding.line
    ]


def _guard(finding: Finding, tree: ast.Module, files: ParsedFiles | None = None) -> str | None:
    parents: dict[ast.AST, ast.AST] = {}
    for node in _builtin_uses(finding, tree, parents):
        aliases = _version_aliases(node, tree, parents)

        def is_test(test: ast.AST, aliases: set[str] = aliases) -> bool:
            return _version_test(test) or any(
                isinstance(n, ast.Name) and n.id in aliases for n in ast.walk(test)
            )

        guard = (
            guarded(node, parents, is_test)
            or _python2_import_fallback(node, parents)
            or _after_probe(node, parents)
            or _the_probe(node, parents)
            or _python2_module(tree, node, finding.path, files)
            or _print_statement_module(tree)
        )
        if guard:
            return guard
    return None


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _version_aliases(name: ast.AST, tree: ast.Module, parents: dict[ast.AST, ast.AST]) -> set[str]:
    """The names that, where `name` is read, hold only the running Python's version (`major =
    sys.version_info[0]`, requests-toolbelt 1.0.0's tests, then `if major == 3: ... else:
    unicode(...)`): a test of such a name is a version test. The enclosing function's own
    names are judged by its bindings, the others by the module's; a name also bound there to
    anything else (another assignment, a loop, a parameter) is no alias."""
    scope = parents.get(name)
    while scope is not None and not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
        scope = parents.get(scope)
    local = _bound_to_version(scope, parents) if scope is not None else {}
    module = _bound_to_version(tree, parents)
    aliases = {n for n, versioned in local.items() if versioned}
    return aliases | {n for n, versioned in module.items() if versioned and n not in local}


def _bound_to_version(scope: ast.AST, parents: dict[ast.AST, ast.AST]) -> dict[str, bool]:
    """Each name the scope binds (not in nested functions or classes): whether every binding
    assigns it a version expression."""
    verdict: dict[str, bool] = {}
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        if isinstance(node, ast.arg):
            verdict[node.arg] = False
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            owner = parents.get(node)
            versioned = (
                isinstance(owner, ast.Assign | ast.AnnAssign)
                and owner.value is not None
                and node in (owner.targets if isinstance(owner, ast.Assign) else [owner.target])
                and _version_value(owner.value)
            )
            verdict[node.id] = verdict.get(node.id, True) and versioned
        if not isinstance(node, _SCOPES):
            todo += ast.iter_child_nodes(node)
    return verdict


def _version_value(value: ast.expr) -> bool:
    """Whether the expression is the version alone (`sys.version_info[0]`, `version_info >=
    (3,)`): no other name, and no choice of something else by it (`(str,) if
    sys.version_info[0] >= 3 else (basestring,)` holds a type, which a test on does not
    keep a line to Python 2)."""
    return _version_test(value) and not any(
        isinstance(node, ast.IfExp)
        or (isinstance(node, ast.Name) and node.id != "sys" and not _version_test(node))
        for node in ast.walk(value)
    )


def _python2_import_fallback(name: ast.AST, parents: dict[ast.AST, ast.AST]) -> str | None:
    """How the name sits in the `except ImportError:` of a `try:` that only imports modules
    that every Python 3 has (so only Python 2 runs the handler); None where it does not."""
    node = parents.get(name)
    while node is not None:
        if isinstance(node, ast.ExceptHandler) and _catches_import_error(node):
            tried = parents.get(node)
            if isinstance(tried, ast.Try) and tried.body:
                modules = [_imported(statement) for statement in tried.body]
                if all(module in PY3_ONLY_MODULES for module in modules):
                    return f"in the `except ImportError:` of importing `{modules[0]}`"
        node = parents.get(node)
    return None


def _python2_module(
    tree: ast.Module, name: ast.Name, path: str | None = None, files: ParsedFiles | None = None
) -> str | None:
    """How the module is Python 2 code: an unguarded import at its top level, above the name,
    of a standard-library module Python 3 renamed or removed (`import _winreg`, `import
    urllib2`), fails on Python 3 before the name can be read (vobject 0.9.8's win32tz.py and its
    `xrange`). `deps/undeclared-import` reports that import as the module's one problem. None
    where no such import is, or where the project has a module of that name beside the file or
    at its root (a Python 3 script's own `user.py` or `commands.py`), which the import finds."""
    for statement in tree.body:
        if statement.lineno >= name.lineno:
            break
        for module in _top_modules(statement):
            if module in PY2_STDLIB_MODULES and not _own_module(module, path, files):
                line = statement.lineno
                return f"in a Python 2 module: its `import {module}` (line {line}) fails first"
    return None


def _own_module(module: str, path: str | None, files: ParsedFiles | None) -> bool:
    """Whether the project has a module `module` in the file's directory or at its root."""
    if files is None:
        return False
    where = {PurePosixPath(path).parent if path else PurePosixPath("."), PurePosixPath(".")}
    return any(
        (files.target / d / f"{module}.py").is_file()
        or (files.target / d / module / "__init__.py").is_file()
        for d in where
    )


def _print_statement_module(tree: ast.Module) -> str | None:
    """How the module is Python 2 code: it writes Python 2's print statement to a stream
    (`print >>sys.stderr, "..."`, which Python 3 parses as a right shift of the print
    function, ruff's F633, and fails with TypeError when it runs: cpu-checker's
    old/check-bios-nx.py, whose `file(...)` is Python 2's builtin). F633 reports the print
    statements. None where the module has no such statement."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr):
            value = node.value
            first = value.elts[0] if isinstance(value, ast.Tuple) and value.elts else value
            if (
                isinstance(first, ast.BinOp)
                and isinstance(first.op, ast.RShift)
                and isinstance(first.left, ast.Name)
                and first.left.id == "print"
            ):
                return (
                    f"in a Python 2 module: its print statement `print >>...` (line {node.lineno})"
                )
    return None


def _top_modules(statement: ast.stmt) -> list[str]:
    """The top-level names a plain import statement imports (none for other statements)."""
    if isinstance(statement, ast.Import):
        return [alias.name.split(".")[0] for alias in statement.names]
    if isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module:
        return [statement.module.split(".")[0]]
    return []


def _after_probe(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> str | None:
    """How the name sits after a probe of itself in the same `try:` body, whose handler
    catches NameError (`try: unicode` then `def str_(s): ... unicode ...`, `except NameError:
    def str_(s): ...`, vobject 0.9.8's base.py): on Python 3 the probe raises and nothing after
    it in the body runs, so the name is read only where it exists. None where it is not."""
    child: ast.AST = name
    node = parents.get(name)
    while node is not None:
        if (
            isinstance(node, ast.Try)
            and isinstance(child, ast.stmt)
            and child in node.body
            and _catches_name_error(node)
        ):
            before = node.body[: node.body.index(child)]
            if any(_probes(statement, name.id) for statement in before):
                return f"after the probe `{name.id}` in a `try:` whose handler catches NameError"
        child, node = node, parents.get(node)
    return None


def _the_probe(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> str | None:
    """How the name is itself the probe of a `try:` whose handler catches NameError through a
    base class (`try: iterrange = xrange` `except Exception: iterrange = range`, olefile 0.47;
    ruff passes the probe only under `except NameError:`): on Python 3 the handler runs. None
    where it is not."""
    statement = parents.get(name)
    tried = parents.get(statement) if statement is not None else None
    if (
        isinstance(statement, (ast.Expr, ast.Assign))
        and isinstance(tried, ast.Try)
        and statement in tried.body
        and _probes(statement, name.id)
        and _catches_name_error(tried)
    ):
        return f"the probe `{name.id}` of a `try:` whose handler catches NameError"
    return None


def _probes(statement: ast.stmt, name: str) -> bool:
    """Whether a statement reads `name` alone: `unicode` or `text = unicode`."""
    value = statement.value if isinstance(statement, (ast.Expr, ast.Assign)) else None
    return isinstance(value, ast.Name) and value.id == name


# NameError and the classes it derives from: a handler of any of them catches it
_NAME_ERRORS = frozenset({"NameError", "Exception", "BaseException", "StandardError"})


def _catches_name_error(tried: ast.Try) -> bool:
    for handler in tried.handlers:
        caught = handler.type
        if caught is None:
            return True
        names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
        if any(isinstance(n, ast.Name) and n.id in _NAME_ERRORS for n in names):
            return True
    return False


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(isinstance(name, ast.Name) and name.id in _IMPORT_ERRORS for name in names)


def _imported(statement: ast.stmt) -> str | None:
    """The one module a plain import statement imports (None: another statement, or several)."""
    if isinstance(statement, ast.ImportFrom) and statement.level == 0:
        return statement.module
    if isinstance(statement, ast.Import) and len(statement.names) == 1:
        return statement.names[0].name
    return None


def _version_test(node: ast.AST) -> bool:
    return bool(_VERSION_TEST.search(ast.unparse(node)))


def guarded(
    name: ast.AST,
    parents: dict[ast.AST, ast.AST],
    is_test: Callable[[ast.AST], bool] = _version_test,
) -> str | None:
    """How the name is kept to Python 2 (to where `is_test` holds), walking out from it (None:
    it is not)."""
    child, node = name, parents.get(name)
    while node is not None:
        test = node.test if isinstance(node, (ast.If, ast.IfExp, ast.While)) else None
        if test is not None and child is not test and is_test(test):
            return f"under `{ast.unparse(test)}`"
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            before = node.values[: node.values.index(child)] if child in node.values else []
            guard = next((value for value in before if is_test(value)), None)
            if guard is not None:
                return f"behind `{ast.unparse(guard)}` in the same `and`"
        for body in _bodies(node):
            if child in body:
                for earlier in body[: body.index(child)]:
                    if isinstance(earlier, ast.If) and _early_exit(earlier, is_test):
                        return f"after the early exit under `{ast.unparse(earlier.test)}`"
        child, node = node, parents.get(node)
    return None


def _bodies(node: ast.AST) -> list[list[ast.stmt]]:
    return [
        value
        for field in ("body", "orelse", "finalbody")
        if isinstance(value := getattr(node, field, None), list)
    ]


def _early_exit(statement: ast.If, is_test: Callable[[ast.AST], bool] = _version_test) -> bool:
    """`if is_python3(): return ...`: the statements after it run only on the other Python."""
    return (
        not statement.orelse and is_test(statement.test) and isinstance(statement.body[-1], _EXITS)
    )
