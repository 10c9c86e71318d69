"""Unused imports that are API: re-exports the project or its importers use.

A package's `__init__.py` that imports from the package itself (`from .fields import Field`,
`from pkg.fields import Field`) makes those names importable as `pkg.Field`: that is its public
API, not dead code, even when `__all__` does not list them. So is a name it imports from another
distribution that the project itself uses through the package (toolz's `from functools import
partial` in `toolz/__init__.py`, used as `toolz.partial` by `toolz.curried`), and a name any
module imports that another project file imports from that module (jmespath's
`tests/__init__.py` imports `json` and `OrderedDict`; its test modules do
`from tests import json, OrderedDict`), or that another project file reads after a star-import
of that module (dominate 2.9.1's tags.py imports `attr` and `get_current` from `.dom_tag`, and
has no `__all__`; its tests and README's examples do `from dominate.tags import *` and call
`attr(...)`, `get_current()`): removing it breaks them. ruff, one file at a time,
reports them as F401 ("imported but unused"); there they are info. A module that warns of its
own deprecation as it is imported (toolz's `compatibility.py`: `warnings.warn(...,
DeprecationWarning)` at module level) is a shim kept for old importers: its F401 are info too.
An unused import nothing takes from its module (`import os`) stays a warning, and so does one a
star-importer never reads, or one the module's `__all__` leaves out of its star-import.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from ai_workflow.findings import Finding, explain_as_info
from ai_workflow.lint.ruff_codes import UNUSED_IMPORT
from ai_workflow.parsed_files import ParsedFiles, Syntax

_IMPORTED = re.compile(r"`(?P<name>[\w.]+)` imported but unused")
NOTE = "a re-export of the package's own module in its __init__.py: part of its public API"
IMPORTED_NOTE = "imported from this module by {}: a re-export the project uses"
STAR_NOTE = "read by {}, which star-imports this module: a re-export the project uses"
USED_NOTE = "a re-export in the package's __init__.py that the project uses as {}: public API"
SHIM_NOTE = "in a module that warns of its deprecation on import: a shim kept for old importers"
DEPRECATIONS = frozenset({"DeprecationWarning", "PendingDeprecationWarning", "FutureWarning"})


def reexports_as_info(
    findings: Iterable[Finding], files: ParsedFiles, python_files: Sequence[str] = ()
) -> list[Finding]:
    """The findings, with F401 on a package's re-exports made info: of its own modules, or of
    names that `python_files` (the project's) use through the package."""
    usage = _Usage(files, python_files)
    return explain_as_info(findings, lambda finding: _reexport_note(finding, usage))


def _reexport_note(finding: Finding, usage: _Usage) -> str | None:
    if finding.rule != UNUSED_IMPORT:
        return None
    target = usage.target
    found = _IMPORTED.search(finding.message) if finding.path is not None else None
    if found is None or finding.path is None:
        return None
    name = found.group("name")
    init = PurePosixPath(finding.path).name == "__init__.py"
    if init and (name.startswith(".") or name.split(".")[0] == own_package(target, finding.path)):
        return NOTE
    importer = usage.importer(finding.path, name, finding.line)
    if importer is not None:
        return IMPORTED_NOTE.format(importer)
    star = usage.star_reader(finding.path, name, finding.line)
    if star is not None:
        return STAR_NOTE.format(star)
    if not init:
        return SHIM_NOTE if usage.deprecated_module(finding.path) else None
    package = dotted_package(target, finding.path)
    used = usage.through(package, name.rsplit(".", 1)[-1], finding.path)
    return USED_NOTE.format(f"`{used}`") if used else None


class _Usage:
    """The project's Python sources, read once, asked whether they use a package's name."""

    def __init__(self, files: ParsedFiles, python_files: Sequence[str]) -> None:
        self.parsed = files
        self.target = files.target
        self.files = [f for f in python_files if f.endswith(".py")]
        self._deprecated: dict[str, bool] = {}
        self._imports: dict[tuple[str, str], str] | None = None
        self._stars: dict[str, list[str]] | None = None

    def importer(self, path: str, name: str, line: int | None = None) -> str | None:
        """The project file that imports the unused `name` (as ruff names it) from the
        module at `path`; under the name the import at `line` binds it to, when it renames
        it (`from urllib import quote as url_quote`, which ruff names `urllib.quote`)."""
        if self._imports is None:
            self._imports = _imports_from(self.parsed, self.files)
        module = module_name(path, self.target)
        parts = name.split(".")
        # `from m import a` binds a (ruff names `m.a`); `import a.b` binds a
        bound = [renamed] if (renamed := self.renamed(path, line, name)) else []
        for candidate in (*bound, parts[-1], parts[0]):
            if (module, candidate) in self._imports:
                return self._imports[(module, candidate)]
        return None

    def star_reader(self, path: str, name: str, line: int | None = None) -> str | None:
        """The project file that does `from <the module at path> import *` and reads the name
        the unused import binds, where the module's `__all__`, if it has one, lists that
        name; None otherwise."""
        if self._stars is None:
            self._stars = _star_importers(self.parsed, self.files)
        module = module_name(path, self.target)
        readers = self._stars.get(module, [])
        if not readers:
            return None
        parts = name.split(".")
        bound = self.renamed(path, line, name) or (
            parts[-1] if self._from_import(path, line) else parts[0]
        )
        exported = _declared_all(self.parsed.tree(path))
        if bound.startswith("_") or (exported is not None and bound not in exported):
            return None
        for reader in readers:
            syntax = self.parsed.syntax(reader)
            if syntax is not None and _reads_unbound(syntax, bound):
                return f"{reader} (`{bound}`)"
        return None

    def _from_import(self, path: str, line: int | None) -> bool:
        """Whether the import statement on `line` of the file is a `from ... import`."""
        syntax = self.parsed.syntax(path) if line is not None else None
        return syntax is not None and any(
            node.lineno <= (line or 0) <= (node.end_lineno or node.lineno)
            for node in syntax.nodes(ast.ImportFrom)
        )

    def renamed(self, path: str, line: int | None, name: str) -> str | None:
        """The `as` name of the import of `name` (ruff's `m.a` or `a.b`) on `line` of the
        file; None when it is not renamed there."""
        syntax = self.parsed.syntax(path) if line is not None else None
        if syntax is None:
            return None
        imports: list[ast.Import | ast.ImportFrom] = [
            *syntax.nodes(ast.ImportFrom),
            *syntax.nodes(ast.Import),
        ]
        for node in imports:
            if not node.lineno <= (line or 0) <= (node.end_lineno or node.lineno):
                continue
            prefix = f"{node.module}." if isinstance(node, ast.ImportFrom) and node.module else ""
            for alias in node.names:
                if alias.asname and prefix + alias.name == name:
                    return alias.asname
        return None

    def through(self, package: str, name: str, init: str) -> str | None:
        """`package.name` when a project file other than `init` uses the name as an attribute
        of the package; None otherwise (`from package import name` is `importer`'s)."""
        if not package:
            return None
        uses = re.compile(rf"(?<![\w.]){re.escape(package)}\.{name}\b")
        for path in self.files:
            if path != init and uses.search(self.parsed.text(path)):
                return f"{package}.{name}"
        return None

    def deprecated_module(self, path: str) -> bool:
        """Whether the module at `path` warns of its own deprecation at its top level."""
        if path not in self._deprecated:
            self._deprecated[path] = _warns_deprecation(self.parsed.tree(path))
        return self._deprecated[path]


def _warns_deprecation(tree: ast.Module | None) -> bool:
    if tree is None:
        return False
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if isinstance(call, ast.Call) and ast.unparse(call.func) in ("warnings.warn", "warn"):
            category = [*call.args[1:], *(k.value for k in call.keywords)]
            named = {n.id for arg in category for n in ast.walk(arg) if isinstance(n, ast.Name)}
            if named & DEPRECATIONS:
                return True
    return False


def _imports_from(files: ParsedFiles, python_files: Sequence[str]) -> dict[tuple[str, str], str]:
    """(module, name) -> the first file that does `from module import name` (relative imports
    resolved against the importing file's package)."""
    found: dict[tuple[str, str], str] = {}
    for rel in python_files:
        if not rel.endswith((".py", ".pyi")):
            continue
        syntax = files.syntax(rel)
        for node in syntax.nodes(ast.ImportFrom) if syntax else []:
            module = _resolved(node, rel, files.target)
            for alias in node.names:
                found.setdefault((module, alias.name), rel)
    return found


def _reads_unbound(syntax: Syntax, name: str) -> bool:
    """Whether the module reads `name` and nothing in it binds the name (so the read takes
    it from a star-import)."""
    names = syntax.nodes(ast.Name)
    if not any(n.id == name and isinstance(n.ctx, ast.Load) for n in names):
        return False
    if any(n.id == name and isinstance(n.ctx, ast.Store | ast.Del) for n in names):
        return False
    defined: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] = [
        *syntax.nodes(ast.FunctionDef),
        *syntax.nodes(ast.AsyncFunctionDef),
        *syntax.nodes(ast.ClassDef),
    ]
    if any(node.name == name for node in defined):
        return False
    imports: list[ast.Import | ast.ImportFrom] = [
        *syntax.nodes(ast.Import),
        *syntax.nodes(ast.ImportFrom),
    ]
    return not any(
        (alias.asname or alias.name.split(".")[0]) == name
        for node in imports
        for alias in node.names
    )


def _star_importers(files: ParsedFiles, python_files: Sequence[str]) -> dict[str, list[str]]:
    """module -> the project files that do `from module import *`, in order."""
    found: dict[str, list[str]] = {}
    for rel in python_files:
        syntax = files.syntax(rel) if rel.endswith((".py", ".pyi")) else None
        for node in syntax.nodes(ast.ImportFrom) if syntax else []:
            if any(alias.name == "*" for alias in node.names):
                readers = found.setdefault(_resolved(node, rel, files.target), [])
                if rel not in readers:
                    readers.append(rel)
    return found


def _declared_all(tree: ast.Module | None) -> set[str] | None:
    """The names a module's top-level `__all__ = [...]` lists (None: it has no such list)."""
    for node in tree.body if tree is not None else []:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            and isinstance(node.value, ast.List | ast.Tuple)
        ):
            return {
                e.value
                for e in node.value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            }
    return None


def _resolved(node: ast.ImportFrom, rel: str, target: Path) -> str:
    if not node.level:
        return node.module or ""
    parts = module_name(rel, target).split(".")
    package = parts if PurePosixPath(rel).name == "__init__.py" else parts[:-1]
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*base, *([node.module] if node.module else [])])


def own_package(target: Path, init: str) -> str:
    """The name of the top-level package an `__init__.py` belongs to: the outermost directory
    of the chain of packages (directories with an `__init__.py`) that holds it."""
    return dotted_package(target, init).split(".")[0]


def dotted_package(target: Path, init: str) -> str:
    """The dotted name of the package an `__init__.py` makes (`pkg.sub` for
    `src/pkg/sub/__init__.py`): its directory and the packages that hold it."""
    return module_name(init, target)


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
