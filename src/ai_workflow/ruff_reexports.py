"""Unused imports that are a package's public API: re-exports in its own `__init__.py`.

A package's `__init__.py` that imports from the package itself (`from .fields import Field`,
`from pkg.fields import Field`) makes those names importable as `pkg.Field`: that is its public
API, not dead code, even when `__all__` does not list them. So is a name it imports from another
distribution that the project itself uses through the package (toolz's `from functools import
partial` in `toolz/__init__.py`, used as `toolz.partial` by `toolz.curried`). ruff reports them
as F401 ("imported but unused"); there they are info. An unused import of another distribution
that nothing uses through the package (`import os`), and any unused import in another module,
stays a warning. A module that warns of its own deprecation as it is imported (toolz's
`compatibility.py`: `warnings.warn(..., DeprecationWarning)` at module level) is a shim kept for
old importers: the names it imports are what they take from it, so its F401 are info too.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from ai_workflow.findings import Finding, Severity
from ai_workflow.pysource import PySyntaxError, parse_python
from ai_workflow.textfiles import read_text

UNUSED_IMPORT = "ruff/F401"
_IMPORTED = re.compile(r"`(?P<name>[\w.]+)` imported but unused")
NOTE = "a re-export of the package's own module in its __init__.py: part of its public API"
USED_NOTE = "a re-export in the package's __init__.py that the project uses as {}: public API"
SHIM_NOTE = "in a module that warns of its deprecation on import: a shim kept for old importers"
DEPRECATIONS = frozenset({"DeprecationWarning", "PendingDeprecationWarning", "FutureWarning"})


def reexports_as_info(
    findings: Iterable[Finding], target: Path, python_files: Sequence[str] = ()
) -> list[Finding]:
    """The findings, with F401 on a package's re-exports made info: of its own modules, or of
    names that `python_files` (the project's) use through the package."""
    usage = _Usage(target, python_files)
    kept = []
    for finding in findings:
        note = _reexport_note(finding, target, usage) if finding.rule == UNUSED_IMPORT else None
        if note:
            finding = dataclasses.replace(
                finding, severity=Severity.INFO, message=f"{finding.message} ({note})"
            )
        kept.append(finding)
    return kept


def _reexport_note(finding: Finding, target: Path, usage: _Usage) -> str | None:
    if finding.path is None:
        return None
    if PurePosixPath(finding.path).name != "__init__.py":
        return SHIM_NOTE if usage.deprecated_module(finding.path) else None
    found = _IMPORTED.search(finding.message)
    if found is None:
        return None
    name = found.group("name")
    if name.startswith(".") or name.split(".")[0] == own_package(target, finding.path):
        return NOTE
    package = dotted_package(target, finding.path)
    used = usage.through(package, name.rsplit(".", 1)[-1], finding.path)
    return USED_NOTE.format(f"`{used}`") if used else None


class _Usage:
    """The project's Python sources, read once, asked whether they use a package's name."""

    def __init__(self, target: Path, python_files: Sequence[str]) -> None:
        self.target = target
        self.files = [f for f in python_files if f.endswith(".py")]
        self._texts: dict[str, str] | None = None
        self._deprecated: dict[str, bool] = {}

    def through(self, package: str, name: str, init: str) -> str | None:
        """`package.name` when a project file other than `init` uses the name that way
        (`package.name`, `from package import name`); None otherwise."""
        if not package:
            return None
        dotted = re.escape(package)
        uses = re.compile(
            rf"(?<![\w.]){dotted}\.{name}\b"
            rf"|^\s*from\s+{dotted}\s+import\s+(?:\([^)]*|[^\n]*)\b{name}\b",
            re.MULTILINE,
        )
        for path, text in self._read().items():
            if path != init and uses.search(text):
                return f"{package}.{name}"
        return None

    def deprecated_module(self, path: str) -> bool:
        """Whether the module at `path` warns of its own deprecation at its top level."""
        if path not in self._deprecated:
            self._deprecated[path] = _warns_deprecation(read_text(self.target / path), path)
        return self._deprecated[path]

    def _read(self) -> dict[str, str]:
        if self._texts is None:
            self._texts = {f: read_text(self.target / f) for f in self.files}
        return self._texts


def _warns_deprecation(source: str, path: str) -> bool:
    try:
        tree = parse_python(source, path)
    except PySyntaxError:
        return False
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if isinstance(call, ast.Call) and ast.unparse(call.func) in ("warnings.warn", "warn"):
            category = [*call.args[1:], *(k.value for k in call.keywords)]
            named = {n.id for arg in category for n in ast.walk(arg) if isinstance(n, ast.Name)}
            if named & DEPRECATIONS:
                return True
    return False


def own_package(target: Path, init: str) -> str:
    """The name of the top-level package an `__init__.py` belongs to: the outermost directory
    of the chain of packages (directories with an `__init__.py`) that holds it."""
    return dotted_package(target, init).split(".")[0]


def dotted_package(target: Path, init: str) -> str:
    """The dotted name of the package an `__init__.py` makes (`pkg.sub` for
    `src/pkg/sub/__init__.py`): its directory and the packages that hold it."""
    package = PurePosixPath(init).parent
    parts = [package.name]
    while (
        package.parent != PurePosixPath(".") and (target / package.parent / "__init__.py").is_file()
    ):
        package = package.parent
        parts.append(package.name)
    return ".".join(reversed(parts))
