"""ruff's F821 (undefined name) inside a string, a type expression's forward reference: a
warning, not an error.

ruff reads a string in a type position (`x: "Foo"`, `TypeVar("T", bound="Foo")`,
`cast("Foo", y)`) as a type expression and reports a name that nothing defines. Unlike a bare
undefined name, which raises NameError when the line runs, such a string is never evaluated
when the module runs: only a type checker, or code that resolves the hints
(`typing.get_type_hints`), reads it. overrides 7.7.0's tests/test_overrides.py has kept
`TObject = TypeVar("TObject", bound="Foo")`, with no `Foo` anywhere, through releases while its
tests pass. The dangling reference is still worth a look (a typo, an import missing under
`if TYPE_CHECKING:`), so it stays shown, as a warning, with why in `extra.forward_reference`.
An undefined name outside a string keeps its error.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterable

from ai_workflow.findings import Finding, Severity
from ai_workflow.parsed_files import ParsedFiles

UNDEFINED = "ruff/F821"
NOTE = (
    "the name is read inside a string, a type expression's forward reference that nothing "
    "evaluates when the module runs: no NameError, a type checker's concern"
)


def string_references_as_warnings(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with an F821 error whose name lies inside a string literal made a
    warning."""
    return [
        dataclasses.replace(
            finding,
            severity=Severity.WARNING,
            extra={**finding.extra, "forward_reference": NOTE},
        )
        if _in_string(finding, files)
        else finding
        for finding in findings
    ]


def _in_string(finding: Finding, files: ParsedFiles) -> bool:
    if finding.rule != UNDEFINED or finding.severity is not Severity.ERROR:
        return False
    column = finding.extra.get("column")
    if finding.path is None or finding.line is None or not isinstance(column, int):
        return False
    tree = files.tree(finding.path)
    lines = files.lines(finding.path)
    if tree is None or not 0 < finding.line <= len(lines):
        return False
    # ruff counts characters from 1, ast counts UTF-8 bytes from 0
    offset = len(lines[finding.line - 1][: column - 1].encode())
    point = (finding.line, offset)
    # an f-string's literal parts are no forward reference, and before Python 3.12 ast gives
    # them the whole f-string's span, its `{name}` fields (read when the line runs) included
    formatted = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    return any(
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in formatted
        and node.end_lineno is not None
        and node.end_col_offset is not None
        and (node.lineno, node.col_offset) < point < (node.end_lineno, node.end_col_offset)
        for node in ast.walk(tree)
    )
