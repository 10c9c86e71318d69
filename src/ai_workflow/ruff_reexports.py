"""Unused imports that are re-exports: a package's public API, or names the project imports.

A package's `__init__.py` that imports from the package itself (`from .fields import Field`,
`from pkg.fields import Field`) makes those names importable as `pkg.Field`: that is its public
API, not dead code, even when `__all__` does not list them. A name another file of the project
imports from the module (jmespath's `tests/__init__.py` imports `json` and `OrderedDict`, and its
test modules do `from tests import json, OrderedDict`) is used through it: removing it breaks
them. ruff reports both as F401 ("imported but unused"), one file at a time; there they are
info. An unused import of another distribution in an `__init__.py` (`import os`) that nothing
imports from it, and any unused import in another module, stays a warning.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from ai_workflow.findings import Finding, Severity
from ai_workflow.pysource import PySyntaxError, parse_python, read_source

UNUSED_IMPORT = "ruff/F401"
_IMPORTED = re.compile(r"`(?P<name>[\w.]+)` imported but unused")
NOTE = "a re-export of the package's own module in its __init__.py: part of its public API"


def reexports_as_info(
    findings: Iterable[Finding], target: Path, python_files: Sequence[str] = ()
) -> list[Finding]:
    """The findings, with F401 on a package's re-exports of its own modules, and on names that
    another of `python_files` imports from the module, made info."""
    kept = []
    imports: dict[tuple[str, str], str] | None = None  # read once, when an F401 needs it
    for finding in findings:
        if finding.rule == UNUSED_IMPORT and _reexport(finding, target):
            finding = _info(finding, NOTE)
        elif finding.rule == UNUSED_IMPORT and finding.path is not None:
            imports = _imports_from(target, python_files) if imports is None else imports
            importer = _importer(finding, imports, target)
            if importer is not None:
                note = f"imported from this module by {importer}: a re-export the project uses"
                finding = _info(finding, note)
        kept.append(finding)
    return kept


def _info(finding: Finding, note: str) -> Finding:
    return dataclasses.replace(
        finding, severity=Severity.INFO, message=f"{finding.message} ({note})"
    )


def _importer(finding: Finding, imports: dict[tuple[str, str], str], target: Path) -> str | None:
    """The project file that imports the finding's unused name from the finding's module."""
    found = _IMPORTED.search(finding.message)
    if found is None or finding.path is None:
        return None
    module = module_name(finding.path, target)
    parts = found.group("name").split(".")
    # `from m import a` binds a (ruff names `m.a`); `import a.b` binds a
    return imports.get((module, parts[-1])) or imports.get((module, parts[0]))


def _imports_from(target: Path, python_files: Sequence[str]) -> dict[tuple[str, str], str]:
    """(module, name) -> the first file that does `from module import name` (relative imports
    resolved against the importing file's package)."""
    found: dict[tuple[str, str], str] = {}
    for rel in python_files:
        if not rel.endswith((".py", ".pyi")):
            continue
        try:
            tree = parse_python(read_source(target / rel), rel)
        except (PySyntaxError, OSError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = _resolved(node, rel, target)
                for alias in node.names:
                    found.setdefault((module, alias.name), rel)
    return found


def _resolved(node: ast.ImportFrom, rel: str, target: Path) -> str:
    if not node.level:
        return node.module or ""
    parts = module_name(rel, target).split(".")
    package = parts if PurePosixPath(rel).name == "__init__.py" else parts[:-1]
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*base, *([node.module] if node.module else [])])


def _reexport(finding: Finding, target: Path) -> bool:
    if finding.path is None or PurePosixPath(finding.path).name != "__init__.py":
        return False
    found = _IMPORTED.search(finding.message)
    if found is None:
        return False
    name = found.group("name")
    return name.startswith(".") or name.split(".")[0] == own_package(target, finding.path)


def own_package(target: Path, init: str) -> str:
    """The name of the top-level package an `__init__.py` belongs to: the outermost directory
    of the chain of packages (directories with an `__init__.py`) that holds it."""
    package = PurePosixPath(init).parent
    while (
        package.parent != PurePosixPath(".") and (target / package.parent / "__init__.py").is_file()
    ):
        package = package.parent
    return package.name


def module_name(rel: str, target: Path) -> str:
    """The dotted name a Python file is imported by: its stem under the chain of packages
    (directories with an `__init__.py`) that holds it (`src/pkg/mod.py` is `pkg.mod`)."""
    path = PurePosixPath(rel)
    parts = [] if path.name == "__init__.py" else [path.stem.split(".")[0]]
    package = path.parent
    while package != PurePosixPath(".") and (target / package / "__init__.py").is_file():
        parts.insert(0, package.name)
        package = package.parent
    return ".".join(parts)
