"""The console's "top findings": the most important findings, capped per rule so one noisy rule
cannot hide the others. The cap only applies here; every finding stays in findings.json.

Only new errors and warnings are shown: info findings and baselined findings (known before,
see `ai_workflow.rules.baseline`) stay in the files and are only counted here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ai_workflow.findings import SEVERITY_RANK, Finding, Severity, sort_findings

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


@dataclass
class RuleGroup:
    """One rule's findings as shown: the first `shown`, and how many more stay in the file."""

    rule: str
    severity: Severity  # the most severe finding of the rule
    shown: list[Finding] = field(default_factory=list)
    hidden: int = 0

    @property
    def total(self) -> int:
        return len(self.shown) + self.hidden


@dataclass
class TopFindings:
    groups: list[RuleGroup]
    omitted_rules: int = 0  # rules beyond `max_rules`
    omitted_findings: int = 0  # their findings
    below_threshold: int = 0  # new findings less severe than `min_severity` (info, at least)
    baselined: int = 0  # errors and warnings the baseline knows
    noise: int = 0  # errors and warnings the AI triage labelled noise

    @property
    def shown(self) -> list[Finding]:
        return [f for g in self.groups for f in g.shown]


def findings_from_summary(summary: Mapping[str, Any]) -> list[Finding]:
    """The findings of a run summary (`steps[].findings`), tagged with their step."""
    findings: list[Finding] = []
    for step in summary.get("steps", []):
        for raw in step.get("findings", []):
            finding = Finding.from_dict(raw)
            if not finding.step:
                finding = Finding.from_dict({**raw, "step": step.get("id", "")})
            findings.append(finding)
    return findings


def select_top(
    findings: Iterable[Finding],
    *,
    per_rule: int = 3,
    max_rules: int = 10,
    min_severity: Severity = Severity.WARNING,
) -> TopFindings:
    """Group by rule (most severe rules first, then the most frequent), keep `per_rule` each.
    Info findings are never shown, whatever `min_severity` says; nor are baselined ones."""
    threshold = min(SEVERITY_RANK[min_severity], SEVERITY_RANK[Severity.WARNING])
    by_rule: dict[str, list[Finding]] = {}
    below = baselined = noise = 0
    for finding in sort_findings(findings):
        if finding.baselined:  # counted only where it would have been shown
            baselined += SEVERITY_RANK[finding.severity] <= threshold
            continue
        if finding.is_noise:
            noise += SEVERITY_RANK[finding.severity] <= threshold
            continue
        if SEVERITY_RANK[finding.severity] > threshold:
            below += 1
            continue
        by_rule.setdefault(finding.rule, []).append(finding)
    ordered = sorted(
        by_rule.items(),
        key=lambda item: (SEVERITY_RANK[item[1][0].severity], -len(item[1]), item[0]),
    )
    groups = [
        RuleGroup(rule, items[0].severity, items[: max(per_rule, 0)], max(len(items) - per_rule, 0))
        for rule, items in ordered[:max_rules]
    ]
    rest = ordered[max_rules:]
    return TopFindings(
        groups=groups,
        omitted_rules=len(rest),
        omitted_findings=sum(len(items) for _, items in rest),
        below_threshold=below,
        baselined=baselined,
        noise=noise,
    )


def render_top_findings(
    findings: Iterable[Finding],
    *,
    per_rule: int = 3,
    max_rules: int = 10,
    min_severity: Severity = Severity.WARNING,
    more_in: str = "findings.json",
) -> RenderableType:
    """A rich renderable: a table of the top findings, with "(+N more in findings.json)" lines."""
    top = select_top(findings, per_rule=per_rule, max_rules=max_rules, min_severity=min_severity)
    title = Text("Top findings", style="bold underline")
    known = (
        Text(f"  ({top.baselined} baselined finding(s) not shown)", style="dim")
        if top.baselined
        else None
    )
    if top.noise:
        noise = Text(
            f"  ({top.noise} finding(s) labelled noise by the AI triage not shown; in {more_in})",
            style="dim",
        )
        known = Text.assemble(known, "\n", noise) if known else noise
    if not top.groups:
        note = "  no new errors or warnings" if top.baselined else "  no errors or warnings"
        if top.below_threshold:
            note += f" ({top.below_threshold} less severe finding(s) in {more_in})"
        return Group(title, Text(note), *([known] if known else []))
    table = Table(show_edge=False, box=None, pad_edge=False, show_header=True)
    for column in ("severity", "rule", "location", "message"):
        table.add_column(column, overflow="fold")
    for group in top.groups:
        for finding in group.shown:
            table.add_row(*_row(finding))
        if group.hidden:
            more = Text(f"(+{group.hidden} more in {more_in})", style="dim")
            table.add_row("", Text(group.rule, style="dim"), "", more)
    tail = []
    if top.omitted_rules:
        tail.append(
            Text(
                f"  (+{top.omitted_findings} more from {top.omitted_rules} other rule(s) "
                f"in {more_in})",
                style="dim",
            )
        )
    if top.below_threshold:
        tail.append(
            Text(f"  ({top.below_threshold} less severe finding(s) in {more_in})", style="dim")
        )
    if known:
        tail.append(known)
    return Group(title, table, *tail)


def _row(finding: Finding) -> tuple[Text, str, str, Text]:
    where = finding.path or ""
    if where and finding.line:
        where = f"{where}:{finding.line}"
    message = Text(finding.message)
    if finding.source == "ai":
        message.append(" (AI)", style="dim")
    return (
        Text(finding.severity.value, style=SEVERITY_STYLE[finding.severity]),
        escape(finding.rule),
        escape(where),
        message,
    )
