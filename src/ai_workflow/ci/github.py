"""GitHub Actions: the job summary, the file/line annotations and the step outputs of one run.

Workflow commands (`::error file=…,line=…::message`) go to stdout; GitHub shows at most 10 error
and 10 warning annotations of one step (and 50 of a job) and drops the rest silently, so at most
`MAX_ANNOTATIONS` of each severity are emitted, errors first, and one notice says how many were
left out. Every new finding is in the job summary (up to `MAX_SUMMARY_FINDINGS` rows) and all of
them in the SARIF file.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.ci.findings import RunFindings
from ai_workflow.findings import Finding, Severity

MAX_ANNOTATIONS = 10
MAX_SUMMARY_FINDINGS = 100
MAX_CELL = 300

RUN_ICON = {"passed": "✅", "failed": "❌", "interrupted": "⏹️", "dry_run": "📝"}
STEP_ICON = {
    "passed": "✅",
    "warning": "⚠️",
    "failed": "❌",
    "skipped": "⏭️",
    "reused": "♻️",
    "not_run": "⛔",
    "interrupted": "⏹️",
    "planned": "📝",
}


# --------------------------------------------------------------------------- annotations


def escape_data(text: str) -> str:
    """A workflow command's message: %, CR and LF are the characters GitHub decodes."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: also `:` and `,`, which end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def path_prefix(target: Path, workspace: Path | None) -> str:
    """The target's path inside the checkout (GITHUB_WORKSPACE), for repository-relative
    annotation paths; "" when it is the checkout itself or not inside it."""
    if workspace is None:
        return ""
    try:
        relative = target.resolve().relative_to(workspace.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if relative == "." else relative + "/"


def annotation(finding: Finding, prefix: str = "") -> str:
    level = "error" if finding.severity is Severity.ERROR else "warning"
    properties = []
    if finding.path:
        path = PurePosixPath(finding.path.replace("\\", "/")).as_posix()
        if not PurePosixPath(path).is_absolute():
            path = prefix + path
        properties.append(f"file={escape_property(path)}")
        if finding.line is not None and finding.line > 0:
            properties.append(f"line={finding.line}")
    properties.append(f"title={escape_property(finding.rule)}")
    return f"::{level} {','.join(properties)}::{escape_data(finding.message or finding.rule)}"


def annotation_commands(
    findings: RunFindings, prefix: str = "", limit: int = MAX_ANNOTATIONS
) -> list[str]:
    """Workflow commands for the new findings: at most `limit` per severity, then a notice
    saying how many were left out."""
    emitted: Counter[Severity] = Counter()
    left: Counter[Severity] = Counter()
    lines = []
    for finding in findings.new:
        if emitted[finding.severity] >= limit:
            left[finding.severity] += 1
            continue
        emitted[finding.severity] += 1
        lines.append(annotation(finding, prefix))
    if left:
        parts = [
            f"{left[s]} more {s.value}(s)" for s in (Severity.ERROR, Severity.WARNING) if left[s]
        ]
        note = (
            f"{' and '.join(parts)} not annotated (GitHub shows at most {limit} of each per step); "
            "the job summary lists them and findings.sarif holds them all"
        )
        lines.append(f"::notice title=ai-workflow::{escape_data(note)}")
    return lines


# --------------------------------------------------------------------------- job summary


def _cell(text: object) -> str:
    """Text that stays inside one Markdown table cell."""
    value = " ".join(str(text).split())
    if len(value) > MAX_CELL:
        value = value[: MAX_CELL - 1] + "…"
    return (
        value.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("`", "'")
    )


def _duration(seconds: object) -> str:
    return f"{float(seconds):.2f} s" if isinstance(seconds, int | float) else "-"


def job_summary(
    summary: Mapping[str, Any] | None,
    findings: RunFindings | None,
    *,
    exit_code: int,
    report_dir: Path | None = None,
) -> str:
    """The Markdown appended to `$GITHUB_STEP_SUMMARY`."""
    if summary is None or findings is None:
        return (
            f"## ❌ ai-workflow could not run (exit {exit_code})\n\n"
            "The command line or the configuration is invalid, or the run stopped before it "
            "began: the step's log says why.\n"
        )
    lines = [*_headline(summary, findings, exit_code), "", *_step_table(summary, findings)]
    lines += ["", *_findings_section(findings)]
    if report_dir is not None:
        lines += [
            "",
            f"Reports: `{report_dir}` (findings.json, findings.sarif, findings.codequality.json, "
            "one Markdown report per step)",
        ]
    return "\n".join(lines) + "\n"


def _headline(summary: Mapping[str, Any], findings: RunFindings, exit_code: int) -> list[str]:
    status = str(summary.get("status") or "unknown")
    icon = RUN_ICON.get(status, "❔")
    if status == "passed" and exit_code != 0:
        icon, status = "❌", f"passed with findings at the fail-on level (exit {exit_code})"
    steps = summary.get("steps") or []
    facts = [f"{len(steps)} step(s) in {_duration(summary.get('duration_s'))}"]
    facts.append(f"run `{summary.get('run_id')}`")
    state = summary.get("git") or {}
    if isinstance(state, Mapping) and state.get("commit"):
        where = f"commit `{str(state['commit'])[:7]}`"
        if state.get("branch"):
            where += f" on `{_cell(state['branch'])}`"
        facts.append(where)
    counts = (
        f"**New findings:** {findings.count(Severity.ERROR)} error(s), "
        f"{findings.count(Severity.WARNING)} warning(s)"
    )
    if findings.baselined:
        counts += f" · {findings.baselined} accepted by the baseline"
    counts += f" · {findings.info} info in findings.json"
    lines = [f"## {icon} ai-workflow: {status}", "", " · ".join(facts), "", counts]
    base = _change_base(summary)
    if base:
        lines += ["", base]
    return lines


def _change_base(summary: Mapping[str, Any]) -> str | None:
    changes = summary.get("changes")
    if not isinstance(changes, Mapping) or not changes.get("base_reason"):
        return None
    reason = _cell(changes["base_reason"])
    if changes.get("known"):
        return f"Change base: {reason} ({changes.get('file_count')} changed file(s))."
    warnings = " ".join(str(w) for w in changes.get("warnings") or [])
    return f"Smart execution ran every step: {_cell(warnings or reason)}"


def _step_table(summary: Mapping[str, Any], findings: RunFindings) -> list[str]:
    per_step: Counter[tuple[str, Severity]] = Counter((f.step, f.severity) for f in findings.new)
    lines = [
        "| # | step | status | duration | new errors | new warnings | note |",
        "|---:|---|---|---:|---:|---:|---|",
    ]
    for step in summary.get("steps") or []:
        sid = str(step.get("id", ""))
        status = str(step.get("status", ""))
        note = step.get("reason") or step.get("summary") or ""
        lines.append(
            f"| {step.get('number', '')} | {_cell(step.get('name') or sid)} "
            f"| {STEP_ICON.get(status, '')} {status} | {_duration(step.get('duration_s'))} "
            f"| {per_step[(sid, Severity.ERROR)]} | {per_step[(sid, Severity.WARNING)]} "
            f"| {_cell(note)} |"
        )
    return lines


def _findings_section(findings: RunFindings) -> list[str]:
    if not findings.new:
        return ["No new errors or warnings."]
    lines = [
        f"### New findings ({len(findings.new)})",
        "",
        "| severity | rule | location | message |",
        "|---|---|---|---|",
    ]
    for finding in findings.new[:MAX_SUMMARY_FINDINGS]:
        location = finding.path or ""
        if location and finding.line:
            location += f":{finding.line}"
        lines.append(
            f"| {finding.severity.value} | `{_cell(finding.rule)}` | {_cell(location) or '-'} "
            f"| {_cell(finding.message)} |"
        )
    more = len(findings.new) - MAX_SUMMARY_FINDINGS
    if more > 0:
        lines += ["", f"… and {more} more in findings.json and findings.sarif."]
    return lines


# --------------------------------------------------------------------------- outputs


def output_lines(outputs: Mapping[str, str]) -> str:
    """`$GITHUB_OUTPUT` text: `name=value`, or a heredoc with a random delimiter for a value
    with a line break (so no value can end the block early)."""
    text = []
    for name, value in outputs.items():
        if "\n" in value or "\r" in value:
            delimiter = f"ghadelimiter_{uuid.uuid4().hex}"
            text.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            text.append(f"{name}={value}\n")
    return "".join(text)
