"""ruff's F401 on an import kept on purpose, made info: for backward compatibility, or for the
readers the module's docstring tells to star-import it.

An import whose line says it is there for backward compatibility (`from glom import OMIT, Let,
Literal  # backwards compat` in glom 25.12's glom/test/test_basic.py; `from .new import Old  #
backward compatibility` in a library module) is meant to bind names nothing in the file reads:
in a test the import itself is the check that the old names stay importable, in a library it
keeps them importable for old callers. ruff, one file at a time, reports them unused; the
author has said why they stay. An unused import without such a comment, or whose comment says
something else ("py2 compat", "TODO: remove"), keeps the warning.

A module without `__all__` whose own docstring tells its readers to `from <the module> import *`
(glom 25.12's glom/tutorial.py: "feel free to run ``pip install glom`` and ``from glom.tutorial
import *`` in the Python REPL to glom along") hands them every name it binds: its unused
`from glom import glom, Coalesce` puts Coalesce in that REPL. Info too; a module whose
docstring names no star import of itself, or that lists `__all__`, keeps the warning.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable
from pathlib import PurePosixPath

from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.ruff_codes import UNUSED_IMPORT
from ai_workflow.parsed_files import ParsedFiles

_STAR = re.compile(r"\bfrom\s+([A-Za-z_][\w.]*)\s+import\s+\*")
_BACKWARD = re.compile(r"\bbackwards?[- _]?compat", re.IGNORECASE)
STAR_NOTE = (
    "the module's docstring tells its readers to `from {} import *` and it has no __all__: "
    "the names it imports are handed to them"
)
NOTE = (
    "the import's comment keeps it for backward compatibility ({}): its names are bound on purpose"
)


def kept_imports_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F401 on an import statement that carries a backward-compatibility
    comment, or at the top level of a module whose docstring tells readers to star-import it,
    made info."""

    def reason(finding: Finding, tree: ast.Module) -> str | None:
        if finding.severity is not Severity.WARNING or finding.line is None:
            return None
        statement = _import_at(tree, finding.line)
        if statement is None or finding.path is None:
            return None
        comment = _comment(files.lines(finding.path), statement)
        if comment and _BACKWARD.search(comment):
            return NOTE.format(comment)
        star = _star_imported_as(tree, finding.path)
        return STAR_NOTE.format(star) if star and statement in tree.body else None

    return files.explain_rule(findings, UNUSED_IMPORT, "{}", reason)


def _star_imported_as(tree: ast.Module, path: str) -> str | None:
    """The dotted name under which the module's own docstring tells readers to star-import it
    (`from glom.tutorial import *`), None when it does not or when the module sets __all__."""
    docstring = ast.get_docstring(tree)
    if not docstring or _sets_all(tree):
        return None
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    for found in _STAR.finditer(docstring):
        name = found.group(1).split(".")
        if name and name == parts[-len(name) :]:
            return found.group(1)
    return None


def _sets_all(tree: ast.Module) -> bool:
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return True
    return False


def _import_at(tree: ast.Module, line: int) -> ast.Import | ast.ImportFrom | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and (
            node.lineno <= line <= (node.end_lineno or node.lineno)
        ):
            return node
    return None


def _comment(lines: list[str], node: ast.Import | ast.ImportFrom) -> str | None:
    """The comment on the lines of the import statement (the first one), None without."""
    first, last = node.lineno, node.end_lineno or node.lineno
    source = "\n".join(lines[first - 1 : last]) + "\n"
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                return token.string.lstrip("#").strip()
    except (tokenize.TokenError, SyntaxError):
        return None
    return None
