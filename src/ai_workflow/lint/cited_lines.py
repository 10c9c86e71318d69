"""Lowering a linter's warnings to info by the source line each one cites.

Several context classes of shellcheck's warnings (`shellcheck_traps`, `shellcheck_joined`,
`shellcheck_kernel_names`) judge a finding by its line alone: this reads each cited file once
and applies their judgement, so each of them says only what makes its line harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ai_workflow.findings import Finding, Severity, explained_as_info
from ai_workflow.textfiles import read_text


def lines_as_info(
    findings: Sequence[Finding],
    target: Path,
    rule: str,
    note_for: Callable[[str], str | None],
) -> list[Finding]:
    """The findings, with each warning or error of `rule` at info where `note_for` of the line
    it cites gives a note (why the line is harmless, kept in the finding); the order is kept."""
    texts: dict[str, list[str]] = {}
    graded = []
    for finding in findings:
        note = None
        if (
            finding.rule == rule
            and finding.severity is not Severity.INFO
            and finding.path
            and isinstance(finding.line, int)
        ):
            if finding.path not in texts:
                texts[finding.path] = read_text(target / finding.path, root=target).splitlines()
            lines = texts[finding.path]
            note = note_for(lines[finding.line - 1] if 0 < finding.line <= len(lines) else "")
        graded.append(explained_as_info(finding, note) if note else finding)
    return graded
