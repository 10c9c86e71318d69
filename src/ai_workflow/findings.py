"""The structured result every check produces: one finding per problem or observation."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Finding:
    """One problem found by a step. `path` is relative to the target, POSIX style.

    The run's rule policy (`ai_workflow.rules.policy`) sets `fingerprint` (what the baseline
    matches: rule, path, message and cited line's content, never the line number) and
    `baselined` (a known finding: kept in the files, but it neither fails its step nor counts
    for the exit code, the console or the counts).
    """

    rule: str
    severity: Severity
    message: str
    path: str | None = None
    line: int | None = None
    step: str = ""
    source: str = "check"  # "check" for deterministic checks, "ai" for model findings
    extra: Mapping[str, Any] = field(default_factory=dict)
    fingerprint: str | None = None
    baselined: bool = False
    triage: Mapping[str, str] | None = None  # the AI triage's {"label", "reason"}, when asked

    def __post_init__(self) -> None:
        # Messages quote tool output (a failing test's print, a linter's source line): a
        # secret in it must reach no artifact (findings.json, SARIF, reports, history, the
        # checkpoint, the console). Redacting here covers every finding, however it is built.
        from ai_workflow.ai.redact import redact  # lazy: ai_workflow.ai imports this module

        message = redact(self.message).text
        if message != self.message:
            object.__setattr__(self, "message", message)
        if any(isinstance(v, str) for v in self.extra.values()):
            extra = {k: redact(v).text if isinstance(v, str) else v for k, v in self.extra.items()}
            object.__setattr__(self, "extra", extra)

    def graded(
        self,
        *,
        severity: Severity | None = None,
        fingerprint: str | None,
        baselined: bool,
        extra: Mapping[str, Any] | None = None,
        message: str | None = None,
    ) -> Finding:
        """A copy as the rule policy grades it (`extra`: entries it adds; `message`: the text
        with the policy's own words added, already redacted). The text is not redacted a
        second time (that is most of the cost of `dataclasses.replace` on many findings)."""
        clone = copy.copy(self)
        if message is not None:
            object.__setattr__(clone, "message", message)
        if extra:
            object.__setattr__(clone, "extra", {**self.extra, **extra})
        object.__setattr__(clone, "severity", severity or self.severity)
        object.__setattr__(clone, "fingerprint", fingerprint)
        object.__setattr__(clone, "baselined", baselined)
        return clone

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["extra"] = dict(self.extra)
        if self.triage is None:
            del data["triage"]  # only findings the AI triage labelled carry it
        else:
            data["triage"] = dict(self.triage)
        return data

    def triaged(self, label: str, reason: str) -> Finding:
        """A copy labelled by the AI triage (`actionable` or `noise`); the reason is redacted."""
        from ai_workflow.ai.redact import redact  # lazy: ai_workflow.ai imports this module

        clone = copy.copy(self)
        object.__setattr__(clone, "triage", {"label": label, "reason": redact(reason).text})
        return clone

    @property
    def is_noise(self) -> bool:
        """Labelled noise by the AI triage: hidden from the console and summaries."""
        return bool(self.triage) and (self.triage or {}).get("label") == "noise"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        return cls(
            rule=str(data["rule"]),
            severity=Severity(data["severity"]),
            message=str(data["message"]),
            path=data.get("path"),
            line=data.get("line"),
            step=str(data.get("step", "")),
            source=str(data.get("source", "check")),
            extra=dict(data.get("extra") or {}),
            fingerprint=data.get("fingerprint"),
            baselined=bool(data.get("baselined", False)),
            triage=_triage(data.get("triage")),
        )


def _triage(raw: Any) -> dict[str, str] | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("label"), str):
        return None
    return {"label": str(raw["label"]), "reason": str(raw.get("reason") or "")}


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by location, so reports are stable."""
    return sorted(
        findings,
        key=lambda f: (SEVERITY_RANK[f.severity], f.path or "", f.line or 0, f.rule, f.message),
    )


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings to act on per severity: baselined findings are not counted."""
    counts = {s.value: 0 for s in Severity}
    for finding in findings:
        if not finding.baselined:
            counts[finding.severity.value] += 1
    return counts


def new_findings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings the baseline does not know."""
    return [f for f in findings if not f.baselined]


def shown_on_a_line(finding: Finding, rules: Collection[str]) -> bool:
    """Whether `finding` is one of `rules`, shown (above info) and on a line: one a
    post-processor may explain as info."""
    return (
        finding.rule in rules
        and finding.severity is not Severity.INFO
        and isinstance(finding.line, int)
    )


def explained_as_info(finding: Finding, note: str) -> Finding:
    """`finding` at info, with why in its message: "<message> (<note>)" (a post-processor that
    reads the code and finds it contradicts the tool)."""
    message = f"{finding.message} ({note})"
    return dataclasses.replace(finding, severity=Severity.INFO, message=message)


def explain_as_info(
    findings: Iterable[Finding], note_of: Callable[[Finding], str | None]
) -> list[Finding]:
    """The findings, each one for which `note_of` gives a note `explained_as_info`."""
    explained = []
    for finding in findings:
        note = note_of(finding)
        explained.append(explained_as_info(finding, note) if note else finding)
    return explained


def shown_as_breakage(finding: Finding, reason: str) -> Finding:
    """`finding` shown, at least a warning, because what it cites breaks whatever the project's
    habits (a linter's info a post-processor reads as a bug): why in `extra.breaks`, which keeps
    it shown where the project does not ask for the linter (`ai_workflow.lint.unasked_linters`).
    An error stays an error."""
    extra = {**finding.extra, "breaks": reason}
    severity = finding.severity if finding.severity == Severity.ERROR else Severity.WARNING
    return dataclasses.replace(finding, severity=severity, extra=extra)


def not_configured_as_info(finding: Finding, reason: str) -> Finding:
    """`finding` at info because the project did not ask for its rule: why in
    `extra.not_configured`."""
    extra = {**finding.extra, "not_configured": reason}
    return dataclasses.replace(finding, severity=Severity.INFO, extra=extra)
