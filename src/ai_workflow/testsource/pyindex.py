"""The project's Python modules by dotted name, parsed once, and how an import resolves to them.

A file's dotted name follows its packages: `src/flask/json/__init__.py` is `flask.json` (the
first directory without `__init__.py` is a root); a file outside any package is its stem, which
is how pytest puts test directories on `sys.path`. An import that names no project module is
external.
"""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ai_workflow.pysource import PySyntaxError, parse_python, read_source


@dataclass
class PyIndex:
    target: Path
    files: set[str]  # project .py paths
    by_name: dict[str, list[str]] = field(default_factory=dict)
    name_of: dict[str, str] = field(default_factory=dict)
    _trees: dict[str, ast.Module | None] = field(default_factory=dict)
    errors: dict[str, PySyntaxError] = field(default_factory=dict)

    @classmethod
    def build(cls, target: Path, files: list[str]) -> PyIndex:
        index = cls(target, {f for f in files if f.endswith(".py")})
        packages = {posixpath.dirname(f) for f in index.files if f.endswith("/__init__.py")}
        for path in sorted(index.files):
            names = index._dotted(path, packages)
            index.name_of[path] = names[0]
            for name in names:
                index.by_name.setdefault(name, []).append(path)
        return index

    @staticmethod
    def _dotted(path: str, packages: set[str]) -> list[str]:
        """The module's name, then longer names through namespace directories above its root.

        A directory is a package when it has `__init__.py` or lies in a package (a namespace
        portion such as `flask/sansio/`).
        """
        pure = PurePosixPath(path)
        parts = [] if pure.stem == "__init__" else [pure.stem]
        directories = list(pure.parents)[:-1]  # innermost first, without "."
        in_package = [any(a.as_posix() in packages for a in [d, *d.parents]) for d in directories]
        names: list[str] = []
        for directory, packaged in zip(directories, in_package, strict=True):
            if not packaged and not names:
                names.append(".".join(parts))
            parts.insert(0, directory.name)
            if not packaged:
                names.append(".".join(parts))
        return names or [".".join(parts)]

    def tree(self, path: str) -> ast.Module | None:
        """The parsed file, or None when it cannot be read or parsed (cached)."""
        if path not in self._trees:
            self._trees[path] = None
            try:
                self._trees[path] = parse_python(read_source(self.target / path), path)
            except OSError:
                pass
            except PySyntaxError as exc:
                self.errors[path] = exc
        return self._trees[path]

    def find(self, name: str, near: str | None = None) -> list[str]:
        """Project files named `name`; those in `near`'s directory first."""
        paths = self.by_name.get(name, [])
        if near is None or len(paths) < 2:
            return list(paths)
        here = PurePosixPath(near).parent
        return sorted(paths, key=lambda p: PurePosixPath(p).parent != here)

    def absolute(self, importer: str, module: str | None, level: int) -> str | None:
        """The absolute dotted name of `from <level dots><module> import ...` in `importer`."""
        if level == 0:
            return module
        package = self.name_of.get(importer, "").split(".") if importer in self.name_of else []
        if PurePosixPath(importer).stem != "__init__":
            package = package[:-1]
        if level - 1 > len(package):
            return None
        base = package[: len(package) - (level - 1)]
        return ".".join([*base, *([module] if module else [])]) or None

    def imported_modules(self, importer: str, node: ast.Import | ast.ImportFrom) -> list[str]:
        """Project files an import statement loads (packages on the way included)."""
        names: list[str] = []
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                names += [".".join(parts[: i + 1]) for i in range(len(parts))]
        else:
            base = self.absolute(importer, node.module, node.level)
            if base is None:
                return []
            parts = base.split(".")
            names += [".".join(parts[: i + 1]) for i in range(len(parts))]
            names += [f"{base}.{alias.name}" for alias in node.names if alias.name != "*"]
        found: list[str] = []
        for name in names:
            found += self.find(name, importer)
        return found

    def unresolved_relative(self, importer: str, node: ast.ImportFrom) -> bool:
        """A relative import that names no project module: the graph is missing a file."""
        if node.level == 0:
            return False
        base = self.absolute(importer, node.module, node.level)
        return base is None or not self.find(base, importer)
