"""ruff's F401 on `import helper` of a sibling module imported for what it does, made info.

A script's own directory is first on `sys.path` (a directory that is no package: no
`__init__.py`), so `import fixpath` beside it runs the project's `fixpath.py`. When that
module's top level changes the interpreter's state (it inserts into `sys.path`, sets
`sys.modules[...]` or `os.environ[...]`), the import is there for that effect and its name is
never meant to be read: colorama 0.4.6's demos each start with `import fixpath`, which puts the
checkout ahead of an installed colorama. Removing the import changes what the script runs. An
unused import of a sibling module that only defines names, or of anything not beside the
importer, keeps the warning.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from ai_workflow.findings import Finding, Severity, explain_as_info
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.pysource import dotted_name, import_time_statements

UNUSED_IMPORT = "ruff/F401"
_IMPORTED = re.compile(r"`(?P<name>\w+)` imported but unused")
EFFECT_NOTE = "`{}.py` beside it changes {} when imported: the import is for that effect"
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
