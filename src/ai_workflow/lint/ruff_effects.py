"""ruff's F401 on `import helper` of a sibling module imported for what it does, made info.

A script's own directory is first on `sys.path` (a directory that is no package: no
`__init__.py`), so `import fixpath` beside it runs the project's `fixpath.py`. When that
module's top level changes the interpreter's state (it inserts into `sys.path`, sets
`sys.modules[...]` or `os.environ[...]`), the import is there for that effect and its name is
never meant to be read: colorama 0.4.6's demos each start with `import fixpath`, which puts the
checkout ahead of an installed colorama. Removing the import changes what the script runs. An
unused import of a sibling module that only defines names, or of anything not beside the
importer, keeps the warning.

The same effect on `sys.modules` is the point of an import that the code around it then looks
up there by name: mock 5.1.0's test_dotted_but_module_not_loaded runs `import
mock.tests.support` ("make sure it's there"), then deletes `sys.modules['mock.tests.support']`
inside `patch.dict('sys.modules')`. An unused `import a.b` whose scope (the function, or the
module's top level) reads, deletes or tests `sys.modules['a.b']` after it is imported for
that entry. Info. So is one whose function, or a function enclosing it, looked at that entry
before it (wrapt 1.16.0: `del sys.modules['this']`, then `import this` again to fire a
post-import hook). The same import where the scope touches only other entries of
`sys.modules`, or only at module level before it, keeps the warning.

An import that follows `importlib.invalidate_caches()` in the same scope loads a module the
program has just written: the standard library asks for that call before importing modules
created while the program runs. pycparser 2.22's _build_tables.py writes c_ast.py, lextab.py
and yacctab.py, calls it under `# Load to compile into .pyc`, then runs `import lextab`,
`import yacctab`, `import c_ast`, whose names it never reads. Info. An unused import before
the call, or in a scope that never calls it, keeps the warning.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from ai_workflow.findings import Finding, Severity, explain_as_info
from ai_workflow.lint.ruff_codes import UNUSED_IMPORT
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.pysource import dotted_name, import_time_statements

_IMPORTED = re.compile(r"`(?P<name>\w+)` imported but unused")
EFFECT_NOTE = "`{}.py` beside it changes {} when imported: the import is for that effect"
ENTRY_NOTE = (
    "the code after it uses `sys.modules[{!r}]` (line {}): the import is there to load the module"
)
BEFORE_NOTE = (
    "the code before it looks at `sys.modules[{!r}]` (line {}): the import is there to load "
    "the module (again)"
)
FRESH_NOTE = (
    "`importlib.invalidate_caches()` before it (line {}): the import loads a module the "
    "program has just written"
)
_IMPORTED_DOTTED = re.compile(r"`(?P<name>[\w.]+)` imported but unused")
STATE = ("sys.path", "sys.modules", "os.environ")


def effect_imports_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F401 on a sibling module imported for its effect on the interpreter
    made info (each sibling parsed once)."""
    effects: dict[str, str | None] = {}

    def note(finding: Finding) -> str | None:
        sibling = _sibling(finding)
        if sibling is None:
            return None
        if sibling not in effects:
            effects[sibling] = _sibling_effect(files, sibling)
        effect = effects[sibling]
        return None if effect is None else EFFECT_NOTE.format(PurePosixPath(sibling).stem, effect)

    return explain_as_info(findings, note)


def _sibling(finding: Finding) -> str | None:
    """The path of the module a plain `import name` names beside the importing file."""
    if finding.rule != UNUSED_IMPORT or finding.path is None:
        return None
    if finding.severity is not Severity.WARNING:
        return None
    found = _IMPORTED.match(finding.message)
    if found is None:
        return None
    return (PurePosixPath(finding.path).parent / f"{found.group('name')}.py").as_posix()


def _sibling_effect(files: ParsedFiles, sibling: str) -> str | None:
    path = files.target / sibling
    if (path.parent / "__init__.py").exists() or not path.is_file():
        return None
    return module_effect(files.tree(sibling))


def module_effect(tree: ast.Module | None) -> str | None:
    """Which interpreter state (`sys.path`, ...) the module's top-level statements change, if
    any: a call of a method on it (`sys.path.insert(...)`) or an assignment into it."""
    if tree is None:
        return None
    for statement in import_time_statements(tree.body):
        for changed in _changed(statement):
            state = next((s for s in STATE if changed == s or changed.startswith(s + ".")), None)
            if state is not None:
                return f"`{state}`"
    return None


def _changed(statement: ast.stmt) -> list[str]:
    """The dotted names a top-level statement calls a method of or assigns into."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        func = statement.value.func
        return [dotted_name(func.value)] if isinstance(func, ast.Attribute) else []
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
        targets = [statement.target]
    return [dotted_name(t.value if isinstance(t, ast.Subscript) else t) for t in targets]


def loaded_modules_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F401 on `import a.b` whose scope then uses `sys.modules['a.b']`
    made info."""
    return files.explain_rule(findings, UNUSED_IMPORT, "{}", _entry_used)


def _entry_used(finding: Finding, tree: ast.Module) -> str | None:
    found = _IMPORTED_DOTTED.match(finding.message)
    if found is None or finding.line is None:
        return None
    module = found.group("name")
    for scope in ast.walk(tree):
        if not isinstance(scope, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not any(_imports_at(node, module, finding.line) for node in scope.body):
            continue
        for node in ast.walk(scope):
            line = getattr(node, "lineno", 0)
            if line > finding.line and _entry_key(node) == module:
                return ENTRY_NOTE.format(module, line)
        return _entry_before(tree, scope, module, finding.line)
    return None


def _entry_before(tree: ast.Module, scope: ast.AST, module: str, line: int) -> str | None:
    """wrapt 1.16.0's post-import hook tests: `del sys.modules['this']`, then `import this`
    again to fire the hook; `assert 'wsgiref' not in sys.modules`, then a nested `def worker():
    import wsgiref` run in a thread. The import's function, or one enclosing it, looked at the
    module's entry before it: the import is there to load the module (again)."""
    if isinstance(scope, ast.Module):
        return None
    functions = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and any(inner is scope for inner in ast.walk(node))
    ]
    for function in functions:
        for node in ast.walk(function):
            where = getattr(node, "lineno", 0)
            if where < line and _entry_key(node) == module:
                return BEFORE_NOTE.format(module, where)
    return None


def _imports_at(statement: ast.stmt, module: str, line: int) -> bool:
    """Whether the statement, directly in the scope's body, is `import <module>` at `line`."""
    return (
        isinstance(statement, ast.Import)
        and statement.lineno == line
        and any(alias.name == module and alias.asname is None for alias in statement.names)
    )


def _entry_key(node: ast.AST) -> str | None:
    """The constant key of `sys.modules[key]`, or of `key in sys.modules`."""
    if isinstance(node, ast.Subscript) and dotted_name(node.value) == "sys.modules":
        key = node.slice
    elif (
        isinstance(node, ast.Compare)
        and len(node.comparators) == 1
        and isinstance(node.ops[0], ast.In | ast.NotIn)
        and dotted_name(node.comparators[0]) == "sys.modules"
    ):
        key = node.left
    else:
        return None
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


def fresh_modules_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F401 on an import that follows `importlib.invalidate_caches()` in its
    scope made info."""
    return files.explain_rule(findings, UNUSED_IMPORT, "{}", _after_invalidation)


def _after_invalidation(finding: Finding, tree: ast.Module) -> str | None:
    if finding.line is None:
        return None
    line = finding.line
    for scope in ast.walk(tree):
        if not isinstance(scope, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        body = list(import_time_statements(scope.body)) if isinstance(scope, ast.Module) else []
        statements = body or scope.body
        if not any(
            isinstance(node, ast.Import | ast.ImportFrom) and node.lineno == line
            for node in statements
        ):
            continue
        calls = [
            node.lineno
            for node in statements
            if node.lineno < line
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and dotted_name(node.value.func) in ("importlib.invalidate_caches", "invalidate_caches")
        ]
        return FRESH_NOTE.format(calls[-1]) if calls else None
    return None
