"""Third-party modules a project's shipped code imports only under an import guard.

diskcache 5.6.3's `diskcache/__init__.py` imports its Django cache backend inside
`try: from .djangocache import DjangoCache` / `except Exception: # Django not installed`, and
`djangocache.py` imports django at its top: Django is an optional integration, which nothing
in the sdist declares. A test of that integration that cannot import django tells what this
machine has installed, not a defect of the project.

A module counts when every import of it in shipped code (not tests nor tooling:
`deps.imports.dev_code`) is in the body of a `try` whose handler catches a failed import
(`deps.imports.catches_import_error`: ImportError, ModuleNotFoundError, Exception, a bare
`except`) and does not raise again, or is in a project module that shipped code imports only
that way (one level, in the relative or the absolute form; importing a module of a subpackage
runs its `__init__.py`, and a top-level package's `__init__.py`, which any import of the
package runs, is never such a module). A module imported without a guard anywhere in shipped
code, or only by tests, or not at all, does not.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from pathlib import PurePosixPath

from ai_workflow.deps.imports import catches_import_error
from ai_workflow.deps.ondemand import imported_project_files
from ai_workflow.parsed_files import ParsedFiles

ImportNode = ast.Import | ast.ImportFrom
Guarded = tuple[ImportNode, bool]
"""An import statement, and whether it is in the body of a `try` that catches its failure."""


def guarded_imports(tree: ast.Module) -> Iterator[Guarded]:
    """Every import statement of `tree` (in functions too), with whether a `try` whose handler
    catches a failed import and carries on (`_survives`) encloses it in its body (its handlers,
    `else` and `finally` run unguarded)."""
    yield from _walk(tree.body, False)


def _walk(nodes: Iterable[ast.AST], caught: bool) -> Iterator[Guarded]:
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, caught
        elif isinstance(node, ast.Try | ast.TryStar):
            tried = caught or any(_survives(h) for h in node.handlers)
            yield from _walk(node.body, tried)
            yield from _walk([*node.handlers, *node.orelse, *node.finalbody], caught)
        else:
            yield from _walk(ast.iter_child_nodes(node), caught)


def _survives(handler: ast.ExceptHandler) -> bool:
    """Whether the handler catches a failed import and carries on: one that always raises
    again (`raise ImportError("pkg needs numpy") from exc`, a bare `raise`) only rewords the
    failure, the import stays required."""
    return catches_import_error(handler) and not any(
        isinstance(stmt, ast.Raise) for stmt in handler.body
    )


def _top_names(node: ImportNode) -> set[str]:
    """The top-level modules an absolute import names (none for a relative one)."""
    if isinstance(node, ast.Import):
        return {a.name.split(".")[0] for a in node.names}
    return {node.module.split(".")[0]} if node.level == 0 and node.module else set()


class GuardedModules:
    """Which third-party modules the shipped files (`shipped`, among `py_files`) of the
    project at `parsed.target` import only under a guard; each file parsed once, on demand."""

    def __init__(
        self, parsed: ParsedFiles, py_files: Iterable[str], shipped: Callable[[str], bool]
    ) -> None:
        self.parsed = parsed
        self.files = set(py_files)
        self.shipped = sorted(rel for rel in self.files if shipped(rel))

    def _imports(self, rel: str, word: str) -> list[Guarded]:
        """The imports of the file at `rel`, when its text mentions `word` (else none)."""
        if word not in self.parsed.text(rel):
            return []
        tree = self.parsed.tree(rel)
        return [] if tree is None else list(guarded_imports(tree))

    def where(self, module: str) -> str | None:
        """`path:line` of a guarded import that keeps `module` optional, when every shipped
        import of it is guarded (directly, or by being in a module imported only guarded);
        None when some is not, or none imports it."""
        first: str | None = None
        for rel in self.shipped:
            for node, caught in self._imports(rel, module):
                if module not in _top_names(node):
                    continue
                guard = f"{rel}:{node.lineno}" if caught else self._imported_guarded(rel)
                if guard is None:
                    return None
                first = first or guard
        return first

    def _imported_guarded(self, rel: str) -> str | None:
        """`path:line` of an import of the project file at `rel` by shipped code when every
        such import (by a file other than itself) is guarded; None otherwise, when no
        shipped file imports it, or when it is the `__init__.py` of a top-level package."""
        pure = PurePosixPath(rel)
        init = pure.name == "__init__.py"
        if init and (pure.parent.parent / "__init__.py").as_posix() not in self.files:
            return None  # the top-level package's own: it runs on any import of the package
        stem = pure.parent.name if init else pure.stem
        first: str | None = None
        for other in self.shipped:
            if other == rel:
                continue
            for node, caught in self._imports(other, stem):
                if not self._runs(rel, imported_project_files(node, other, self.files)):
                    continue
                if not caught:
                    return None
                first = first or f"{other}:{node.lineno}"
        return first

    @staticmethod
    def _runs(rel: str, imported: list[str]) -> bool:
        """Whether importing the files `imported` runs the file at `rel`: one of them, or a
        module under the package whose `__init__.py` it is (`from .integ.views import V`)."""
        pure = PurePosixPath(rel)
        package = f"{pure.parent.as_posix()}/" if pure.name == "__init__.py" else None
        return any(f == rel or (package and f.startswith(package)) for f in imported)
