"""Project modules loaded only on demand: imported by the project from inside a function and
never at a module's top level (python-dotenv's `dotenv/ipython.py`, which its package's
`load_ipython_extension()` imports when IPython loads the extension).

Such a module is an optional feature: it runs only where its caller ran, so what it imports
is there by construction (IPython inside IPython) or asked for by that feature's user, like
an import under `try/except ImportError`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath

from ai_workflow.pysource import PySyntaxError, parse_python
from ai_workflow.textfiles import read_text

IMPORT_ROOTS = ("", "src", "lib", "python")
"""Where a project's top-level modules live."""
INDENTED_IMPORT = re.compile(r"^[ \t]+(?:from|import)[ \t]", re.MULTILINE)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


ImportStem = tuple[str, bool]
"""A module an import may name, as an `a/b` stem relative to the project, and whether the
import is inside a function."""
ImportStems = Callable[[str, str], list[ImportStem] | None]
"""The stems of one file from its path and text (`import_stems`, or a store of its earlier
results)."""


def on_demand_modules(
    target: Path,
    py_files: list[str],
    shipped: Callable[[str], bool],
    stems_of: ImportStems | None = None,
) -> frozenset[str]:
    """Files of `py_files` that some `shipped` file imports inside a function and no file at
    top level (a test importing a module inside its test functions makes it no feature).
    `stems_of` gives a file's import stems (default: `import_stems`, parsing it)."""
    stems_of = stems_of or import_stems
    files = set(py_files)
    texts = {rel: read_text(target / rel, root=target) for rel in py_files}
    lazy: set[str] = set()
    for rel, text in texts.items():
        if text and shipped(rel) and INDENTED_IMPORT.search(text):
            found = _local_imports(stems_of(rel, text), files)
            lazy |= {m for m, inside in found if inside}
    if not lazy:
        return frozenset()
    stems = {PurePosixPath(m).stem for m in lazy} | {PurePosixPath(m).parent.name for m in lazy}
    eager: set[str] = set()
    for rel, text in texts.items():
        if text and any(stem in text for stem in stems):
            found = _local_imports(stems_of(rel, text), files)
            eager |= {m for m, inside in found if not inside}
    return frozenset(lazy - eager)


def import_stems(rel: str, text: str) -> list[ImportStem] | None:
    """Every module each import of the file at `rel` may name (`a/b` stems, relative imports
    resolved from `rel`), with whether the import is inside a function; None when the file
    does not parse. Depends on `rel` and `text` alone: which stems are project files is
    decided per run (`_local_imports`)."""
    try:
        tree = parse_python(text, rel)
    except PySyntaxError:
        return None
    return [
        (module, inside) for node, inside in _imports(tree, False) for module in _modules(node, rel)
    ]


def _local_imports(stems: list[ImportStem] | None, files: set[str]) -> Iterator[tuple[str, bool]]:
    """(project file imported, whether the import is inside a function) for each import."""
    for module, inside in stems or ():
        yield from ((path, inside) for path in _files_of(module, files))


def _imports(node: ast.AST, inside: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, inside
        else:
            yield from _imports(child, inside or isinstance(child, FUNCTIONS))


def _modules(node: ast.Import | ast.ImportFrom, rel: str) -> Iterable[str]:
    """Dotted paths (relative to the project) the import may name, as `a/b` stems."""
    if isinstance(node, ast.Import):
        return [a.name.replace(".", "/") for a in node.names]
    base = node.module.replace(".", "/") if node.module else ""
    if node.level:
        parents = PurePosixPath(rel).parents
        if node.level > len(parents):
            return []  # above the project's root (`from .. import x` in a top-level file)
        package = parents[node.level - 1].as_posix()
        base = f"{package}/{base}".strip("/").removeprefix("./") if package != "." else base
    return [base, *(f"{base}/{a.name}".strip("/") for a in node.names)]


def imported_project_files(
    node: ast.Import | ast.ImportFrom, rel: str, files: set[str]
) -> list[str]:
    """The project files (of `files`) the import `node` in the file at `rel` may name,
    relative (`from .x import y`) or absolute (`import pkg.x`)."""
    return [path for module in _modules(node, rel) for path in _files_of(module, files)]


def _files_of(module: str, files: set[str]) -> Iterator[str]:
    for root in IMPORT_ROOTS:
        stem = f"{root}/{module}".strip("/") if root else module
        for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
            if candidate in files:
                yield candidate


def imported_at_top_level(
    target: Path, py_files: Iterable[str], wanted: Iterable[str], importers: Iterable[str]
) -> frozenset[str]:
    """The files of `wanted` that a file of `importers` (other than itself) imports at its top
    level, outside any function: what every user of the importer runs."""
    files, wanted = set(py_files), set(wanted)
    stems = {PurePosixPath(m).stem for m in wanted} | {PurePosixPath(m).parent.name for m in wanted}
    found: set[str] = set()
    for rel in importers:
        text = read_text(target / rel, root=target)
        if not text or not any(stem in text for stem in stems):
            continue
        imported = _local_imports(import_stems(rel, text), files)
        found |= {m for m, inside in imported if not inside and m in wanted and m != rel}
    return frozenset(found)


def imports_project_code(target: Path, rel: str, files: set[str]) -> bool:
    """Whether the file at `rel` imports another file of the project (`files`)."""
    text = read_text(target / rel, root=target)
    return any(m != rel for m, _ in _local_imports(import_stems(rel, text), files))
