"""Unused imports that are a package's public API: re-exports in its own `__init__.py`.

A package's `__init__.py` that imports from the package itself (`from .fields import Field`,
`from pkg.fields import Field`) makes those names importable as `pkg.Field`: that is its public
API, not dead code, even when `__all__` does not list them. ruff reports them as F401 ("imported
but unused"); there they are info. An unused import of another distribution in an `__init__.py`
(`import os`), and any unused import in another module, stays a warning.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from ai_workflow.findings import Finding, Severity

UNUSED_IMPORT = "ruff/F401"
_IMPORTED = re.compile(r"`(?P<name>[\w.]+)` imported but unused")
NOTE = "a re-export of the package's own module in its __init__.py: part of its public API"


def reexports_as_info(findings: Iterable[Finding], target: Path) -> list[Finding]:
    """The findings, with F401 on a package's re-exports of its own modules made info."""
    kept = []
    for finding in findings:
        if finding.rule == UNUSED_IMPORT and _reexport(finding, target):
            finding = dataclasses.replace(
                finding, severity=Severity.INFO, message=f"{finding.message} ({NOTE})"
            )
        kept.append(finding)
    return kept


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
