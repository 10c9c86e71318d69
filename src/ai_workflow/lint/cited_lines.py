"""Lowering a linter's warnings to info by the source line each one cites.

Several context classes of shellcheck's warnings (`shellcheck_traps`, `shellcheck_joined`,
`shellcheck_kernel_names`) judge a finding by its line alone: this reads each cited file once
and applies their judgement, so each of them says only what makes its line harmless;
`graded_by_line` applies another grade the same way (`shellcheck_executed_errors` shows a line
as breakage); `CitedLines` serves the other readers of a finding's line (`shell_parse`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from ai_workflow.findings import Finding, Severity, explained_as_info
from ai_workflow.textfiles import read_text


class CitedLines:
    """The lines of the files findings cite, each file read once."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self._lines: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str | None:
        """The 1-based line `number` of `path`; None past the file's end."""
        if path not in self._lines:
            self._lines[path] = read_text(self.target / path, root=self.target).splitlines()
        lines = self._lines[path]
        return lines[number - 1] if 0 < number <= len(lines) else None


def lines_as_info(
    findings: Sequence[Finding],
    target: Path,
    rule: str,
    note_for: Callable[[str], str | None],
) -> list[Finding]:
    """The findings, with each warning or error of `rule` at info where `note_for` of the line
    it cites gives a note (why the line is harmless, kept in the finding); the order is kept."""
    return graded_by_line(findings, target, {rule}, note_for, explained_as_info)


def graded_by_line(
    findings: Sequence[Finding],
    target: Path,
    rules: Collection[str],
    note_for: Callable[[str], str | None],
    grade: Callable[[Finding, str], Finding],
) -> list[Finding]:
    """The findings, with each warning or error of `rules` passed to `grade` with the note
    `note_for` gives of the line it cites (none: kept as it is); the order is kept."""
    cited = CitedLines(target)
    graded = []
    for finding in findings:
        note = None
        if (
            finding.rule in rules
            and finding.severity is not Severity.INFO
            and finding.path
            and isinstance(finding.line, int)
        ):
            note = note_for(cited.line(finding.path, finding.line) or "")
        graded.append(grade(finding, note) if note else finding)
    return graded
