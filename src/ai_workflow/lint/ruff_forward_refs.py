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
import bisect
import dataclasses
from collections.abc import Iterable

from ai_workflow.findings import Finding, Severity
from ai_workflow.parsed_files import ParsedFiles

UNDEFINED = "ruff/F821"
NOTE = (
    "the name is read inside a string, a type expression's forward reference that nothing "
    "evaluates when the module runs: no NameError, a type checker's concern"
)


Position = tuple[int, int]  # (line from 1, UTF-8 byte offset from 0), as ast gives them
Span = tuple[Position, Position]
Strings = tuple[list[Span], list[str]]  # a file's string spans, and its lines


def string_references_as_warnings(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with an F821 error whose name lies inside a string literal made a
    warning (each file's strings found once, however many findings it has)."""
    strings: dict[str, Strings | None] = {}
    return [
        dataclasses.replace(
            finding,
            severity=Severity.WARNING,
            extra={**finding.extra, "forward_reference": NOTE},
        )
        if _in_string(finding, files, strings)
        else finding
        for finding in findings
    ]


def _in_string(finding: Finding, files: ParsedFiles, strings: dict[str, Strings | None]) -> bool:
    if finding.rule != UNDEFINED or finding.severity is not Severity.ERROR:
        return False
    column = finding.extra.get("column")
    if finding.path is None or finding.line is None or not isinstance(column, int):
        return False
    if finding.path not in strings:
        tree = files.tree(finding.path)
        strings[finding.path] = (
            None if tree is None else (_string_spans(tree), files.lines(finding.path))
        )
    found = strings[finding.path]
    if found is None or not 0 < finding.line <= len(found[1]):
        return False
    spans, lines = found
    # ruff counts characters from 1, ast counts UTF-8 bytes from 0
    point = (finding.line, len(lines[finding.line - 1][: column - 1].encode()))
    # the last string that starts before the name (strings do not overlap): does it end after?
    at = bisect.bisect_left(spans, (point,)) - 1
    return at >= 0 and point < spans[at][1]


def _string_spans(tree: ast.Module) -> list[Span]:
    """The spans of the module's string literals, sorted. An f-string's literal parts are no
    forward reference, and before Python 3.12 ast gives them the whole f-string's span, its
    `{name}` fields (read when the line runs) included: they are left out."""
    formatted = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    return sorted(
        ((node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset))
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in formatted
        and node.end_lineno is not None
        and node.end_col_offset is not None
    )
