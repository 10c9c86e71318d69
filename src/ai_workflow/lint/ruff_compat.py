"""ruff's F401 on an import its own comment keeps for backward compatibility, made info.

An import whose line says it is there for backward compatibility (`from glom import OMIT, Let,
Literal  # backwards compat` in glom 25.12's glom/test/test_basic.py; `from .new import Old  #
backward compatibility` in a library module) is meant to bind names nothing in the file reads:
in a test the import itself is the check that the old names stay importable, in a library it
keeps them importable for old callers. ruff, one file at a time, reports them unused; the
author has said why they stay. An unused import without such a comment, or whose comment says
something else ("py2 compat", "TODO: remove"), keeps the warning.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable

from ai_workflow.findings import Finding, Severity
from ai_workflow.parsed_files import ParsedFiles

UNUSED_IMPORT = "ruff/F401"
_BACKWARD = re.compile(r"\bbackwards?[- _]?compat", re.IGNORECASE)
NOTE = (
    "the import's comment keeps it for backward compatibility ({}): its names are bound on purpose"
)


def backward_compat_imports_as_info(
    findings: Iterable[Finding], files: ParsedFiles
) -> list[Finding]:
    """The findings, with F401 on an import statement that carries a backward-compatibility
    comment made info."""

    def reason(finding: Finding, tree: ast.Module) -> str | None:
        if finding.severity is not Severity.WARNING or finding.line is None:
            return None
        statement = _import_at(tree, finding.line)
        if statement is None or finding.path is None:
            return None
        comment = _comment(files.lines(finding.path), statement)
        return NOTE.format(comment) if comment and _BACKWARD.search(comment) else None

    return files.explain_rule(findings, UNUSED_IMPORT, "{}", reason)


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
