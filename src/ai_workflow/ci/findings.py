"""The findings of a finished run as CI reports them: shown (error, warning) and new.

A finding is new unless a baseline accepted it (`baselined: true`, on the finding or in its
`extra`); runs without baselines make every finding new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ai_workflow.findings import Finding, Severity, sort_findings

SHOWN = (Severity.ERROR, Severity.WARNING)


@dataclass(frozen=True)
class RunFindings:
    """Every finding of a run summary, split the way CI reports them."""

    new: list[Finding]  # shown and not baselined, most severe first
    baselined: int  # shown findings a baseline accepted
    info: int  # less severe than shown: in the files only

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.new if f.severity is severity)


def is_baselined(raw: Mapping[str, Any]) -> bool:
    extra = raw.get("extra")
    return raw.get("baselined") is True or (
        isinstance(extra, Mapping) and extra.get("baselined") is True
    )


def run_findings(summary: Mapping[str, Any]) -> RunFindings:
    """Split the findings of `summary` (the `--json` run summary)."""
    new: list[Finding] = []
    baselined = info = 0
    for step in summary.get("steps") or []:
        for raw in step.get("findings") or []:
            finding = Finding.from_dict({**raw, "step": raw.get("step") or step.get("id", "")})
            if finding.severity not in SHOWN:
                info += 1
            elif is_baselined(raw):
                baselined += 1
            else:
                new.append(finding)
    return RunFindings(new=sort_findings(new), baselined=baselined, info=info)
