"""CHANGE_IMPACT_ANALYSIS.md: what changed since which base, and every step's decision."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ai_workflow.changes.detect import UNTRACKED, display_path

if TYPE_CHECKING:
    from ai_workflow.changes.plan import SmartPlan

REPORT_FILES_PER_CATEGORY = 1000
STATUS_WORDS = {
    "A": "added",
    "M": "modified",
    "D": "deleted",
    "T": "type changed",
    "U": "unmerged",
    UNTRACKED: "untracked",
}


def md_path(path: str) -> str:
    """A path as inline Markdown code on one line (newlines and backticks made visible)."""
    text = display_path(path).replace("\n", "\\n").replace("\r", "\\r")
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _header(plan: SmartPlan) -> list[str]:
    changes = plan.changes
    lines = ["# Change Impact Analysis", ""]
    if changes.base is not None:
        lines.append(f"- Base: `{changes.base.short}` ({_cell(display_path(changes.base.reason))})")
    if changes.merge_base and changes.base and changes.merge_base != changes.base.commit:
        lines.append(f"- Merge base: `{changes.merge_base[:7]}`")
    if changes.head:
        lines.append(f"- HEAD: `{changes.head[:7]}`")
    if plan.files is None:
        lines.append(f"- Changes: unknown ({_cell(changes.unknown_reason or '')})")
    else:
        lines.append(f"- Changed files: {plan.file_count}")
    lines.append(f"- Change type: {plan.change_type}")
    lines.append(f"- Impact: {plan.impact} ({_cell(plan.impact_reason)})")
    if changes.workflow_config_changed:
        lines.append("- ai-workflow's own configuration changed: every step runs")
    for note in changes.notes:
        lines.append(f"- Note: {_cell(note)}")
    return lines


def _files(plan: SmartPlan) -> list[str]:
    if not plan.files:
        return []
    lines = ["", "## Changed files by category"]
    for category, paths in plan.files.items():
        lines += ["", f"### {category} ({len(paths)})", ""]
        for path in paths[:REPORT_FILES_PER_CATEGORY]:
            status = STATUS_WORDS.get(plan.changes.files.get(path, ""), "changed")
            lines.append(f"- {md_path(path)} ({status})")
        if len(paths) > REPORT_FILES_PER_CATEGORY:
            lines.append(f"- ... and {len(paths) - REPORT_FILES_PER_CATEGORY} more")
    return lines


def _decisions(plan: SmartPlan) -> list[str]:
    decisions = plan.to_dict(limit=0)["decisions"]
    if not decisions:
        return []
    lines = ["", "## Step decisions", "", "| Step | Decision | Reason |", "|---|---|---|"]
    for step, decision in decisions.items():
        label = decision["step"] or step
        lines.append(f"| {label} | {decision['decision']} | {_cell(decision['reason'])} |")
    return lines


def render_report(plan: SmartPlan) -> str:
    lines = _header(plan)
    if plan.warnings:
        lines += ["", "## Warnings", ""] + [f"- {_cell(w)}" for w in plan.warnings]
    lines += _files(plan) + _decisions(plan)
    return "\n".join(lines) + "\n"
