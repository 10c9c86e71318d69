"""ruff's RUF023 ("`X.__slots__` is not sorted") where the package reads slots by position,
made info.

Sorting `__slots__` is safe only while nothing depends on their order. soupsieve's
css_types.Immutable prints `self.__slots__[:-1]` in its `__repr__` and pickles an object as
`p.__base__(), tuple([getattr(p, s) for s in p.__slots__[:-1]])`, passing the slot values
positionally to the constructor: every subclass lists its slots in the constructor's argument
order, `_hash` last, and sorting them breaks pickling. So when a Python file of the finding's
package (its own directory, where a base class in a sibling module lives) subscripts a
`__slots__` attribute (`x.__slots__[...]`), the order is the code's and the finding is info. A
class in a package that never reads its slots by position keeps the warning.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from ai_workflow.findings import Finding, Severity
from ai_workflow.parsed_files import ParsedFiles

UNSORTED_SLOTS = "ruff/RUF023"
NOTE = "{}: the order of the slots is the code's, sorting them would change what it does"


def positional_slots_as_info(
    findings: Iterable[Finding], files: ParsedFiles, python_files: Sequence[str]
) -> list[Finding]:
    """The findings, with RUF023 in a package whose code subscripts `__slots__` made info."""
    findings = list(findings)
    if not any(f.rule == UNSORTED_SLOTS and f.severity is Severity.WARNING for f in findings):
        return findings
    readers: dict[str, str | None] = {}

    def reader_in(directory: str) -> str | None:
        if directory not in readers:
            siblings = sorted(
                rel for rel in python_files if str(PurePosixPath(rel).parent) == directory
            )
            readers[directory] = next(
                (where for rel in siblings if (where := _subscripted_slots(files, rel))), None
            )
        return readers[directory]

    def reason(finding: Finding, tree: ast.Module) -> str | None:
        if finding.severity is not Severity.WARNING or not finding.path:
            return None
        return reader_in(str(PurePosixPath(finding.path).parent))

    return files.explain_rule(findings, UNSORTED_SLOTS, NOTE, reason)


def _subscripted_slots(files: ParsedFiles, rel: str) -> str | None:
    """`rel line N reads __slots__[...]` for the first subscript of a `__slots__` attribute."""
    tree = files.tree(rel)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "__slots__"
        ):
            return f"{rel} line {node.lineno} reads `__slots__` by position"
    return None
