"""Per-step Markdown: the backlog report (findings table, what was checked and skipped) and a
short summary. Steps that did not execute get a short file saying why."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ai_workflow.ai.redact import redact
from ai_workflow.engine.hooks import POLICY_DATA_KEY
from ai_workflow.engine.step import StepResult, StepSpec, StepStatus
from ai_workflow.findings import Finding, count_by_severity, new_findings, sort_findings

SUMMARY_TOP = 5
"""How many findings a step summary lists; the report lists them all."""
RAW_ANSWER_LIMIT = 4_000
"""How many characters of an unusable AI answer a step report shows."""

_NOT_EXECUTED = {
    StepStatus.SKIPPED: "It was skipped, so it reports no findings in this run.",
    StepStatus.NOT_RUN: "It did not run, so it reports no findings in this run.",
    StepStatus.INTERRUPTED: "It was interrupted before it finished; its findings are unknown.",
    StepStatus.PLANNED: "It was only planned (dry run).",
}
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_SPECIAL = re.compile(r"([\\*_\[\]<>#])")


def escape_inline(text: str) -> str:
    """Text safe in one Markdown table cell or list item: one line, Markdown characters
    escaped outside code spans, pipes escaped everywhere."""
    text = " ".join(text.split())
    parts: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(text):
        parts.append(_SPECIAL.sub(r"\\\1", text[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(_SPECIAL.sub(r"\\\1", text[last:]))
    return "".join(parts).replace("|", "\\|")


def code(text: str) -> str:
    """`text` as a code span (pipes escaped for tables)."""
    text = " ".join(text.split())
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}".replace("|", "\\|")


def location(finding: Finding) -> str:
    if not finding.path:
        return ""
    return f"{finding.path}:{finding.line}" if finding.line else finding.path


def counts_line(findings: Iterable[Finding]) -> str:
    """`N findings: E error(s), W warning(s), I info`, new findings only, plus how many the
    baseline knows."""
    findings = list(findings)
    counts = count_by_severity(findings)
    total = sum(counts.values())
    noun = "finding" if total == 1 else "findings"
    known = len(findings) - len(new_findings(findings))
    return (
        f"{total} {'new ' if known else ''}{noun}: {counts['error']} error(s), "
        f"{counts['warning']} warning(s), {counts['info']} info"
        + (f"; {known} baselined" if known else "")
    )


POLICY_NOTES = {
    "disabled": "{n} of rules that are off by default (rules.select turns them on)",
    "ignored": "{n} ignored by the rules configuration",
    "suppressed": "{n} suppressed by `ai-workflow: ignore[...]` comments",
    "outside_diff": "{n} outside the lines changed since the base (--new-only)",
}


def policy_note(result: StepResult) -> list[str]:
    """What the rule policy dropped from this step, as one sentence (none: nothing)."""
    counts = result.data.get(POLICY_DATA_KEY) or {}
    parts = [POLICY_NOTES[k].format(n=n) for k, n in counts.items() if k in POLICY_NOTES and n]
    return [f"Not reported: {'; '.join(parts)}.", ""] if parts else []


def _header(spec: StepSpec, result: StepResult, run_id: str, title: str) -> list[str]:
    facts = [f"Run {code(run_id)}", f"status **{result.status.value}**"]
    if result.duration_s is not None:
        facts.append(f"{result.duration_s:.2f} s")
    lines = [f"# {title}", "", " · ".join(facts), ""]
    if spec.description:
        lines += [escape_inline(spec.description), ""]
    return lines


def _why(result: StepResult) -> list[str]:
    lines: list[str] = []
    if result.reason:
        lines += [f"Why: {escape_inline(result.reason)}", ""]
    if result.status is StepStatus.REUSED and result.reused_from:
        lines += [f"Reused the result of run {code(result.reused_from)}.", ""]
    return lines


def findings_table(findings: list[Finding]) -> list[str]:
    lines = [
        "| # | Severity | Rule | Location | Message |",
        "| --- | --- | --- | --- | --- |",
    ]
    for number, finding in enumerate(sort_findings(findings), start=1):
        where = location(finding)
        source = " (AI)" if finding.source == "ai" else ""
        lines.append(
            f"| {number} | {finding.severity.value} | {code(finding.rule)}{source} | "
            f"{code(where) if where else '-'} | {escape_inline(finding.message)}"
            f"{_triage_note(finding)} |"
        )
    return lines


def _triage_note(finding: Finding) -> str:
    """` — AI triage: noise (reason)`, for a finding the AI triage labelled."""
    if not finding.triage:
        return ""
    reason = finding.triage.get("reason") or ""
    said = f" ({reason})" if reason else ""
    return f" — *AI triage: {escape_inline(finding.triage.get('label', '') + said)}*"


def _bullets(items: list[str]) -> list[str]:
    return [f"- {escape_inline(item)}" for item in items]


def _document(spec: StepSpec, result: StepResult, run_id: str, title: str, body: list[str]) -> str:
    """Header and why, then the step's summary line and `body`, or (for a step that did not
    execute) the reason it reports nothing."""
    lines = _header(spec, result, run_id, title)
    lines += _why(result)
    if result.status in _NOT_EXECUTED:
        lines.append(_NOT_EXECUTED[result.status])
        return "\n".join(lines) + "\n"
    if result.summary:
        lines += [f"Summary: {escape_inline(result.summary)}", ""]
    lines += body
    return "\n".join(lines).rstrip("\n") + "\n"


def step_report_markdown(spec: StepSpec, result: StepResult, run_id: str) -> str:
    """`backlog/<run>/stepNN_<id>.md`: everything the step found and what it looked at."""
    title = f"Step {spec.number}: {escape_inline(spec.name)}"
    return _document(spec, result, run_id, title, _report_body(result))


def _report_body(result: StepResult) -> list[str]:
    lines = ["## Findings", "", counts_line(result.findings) + ".", ""]
    lines += policy_note(result)
    fresh = new_findings(result.findings)
    if fresh:
        lines += [*findings_table(fresh), ""]
    known = [f for f in result.findings if f.baselined]
    if known:
        lines += ["## Baselined findings", "", "Known before (`.ai-workflow-baseline.json`):", ""]
        lines += [*findings_table(known), ""]
    lines += ["## Checked", ""]
    lines += [*(_bullets(result.checked) or ["Nothing was recorded as checked."]), ""]
    lines += ["## Skipped checks", ""]
    lines += [*(_bullets(result.skipped_checks) or ["None."]), ""]
    lines += ai_review_section(result)
    lines += _raw_answer(result)
    return lines


def ai_review_section(result: StepResult) -> list[str]:
    """The model's summary of the step and what became of its findings (none: no answer)."""
    info = result.data.get("ai")
    if not isinstance(info, dict) or "summary" not in info:
        return []
    lines = ["## AI review", ""]
    summary = info.get("summary")
    if isinstance(summary, str) and summary.strip():
        lines += [f"> {escape_inline(summary)}", ""]
    else:
        lines += ["The model gave no summary.", ""]
    facts = [f"{info.get('findings_added', 0)} findings added"]
    if info.get("findings_dropped"):
        facts.append(
            f"{info['findings_dropped']} dropped (no existing file and line cited, or malformed)"
        )
    if info.get("rules_mapped"):
        mapped = info["rules_mapped"]
        facts.append(f"{mapped} reported as {code('ai/review')} (rule outside the set)")
    model = info.get("model") or "default model"
    cached = ", cached answer" if info.get("cached") else ""
    lines += [f"{escape_inline(str(model))}{cached}: {'; '.join(facts)}.", ""]
    return lines


def fenced(text: str, info: str = "") -> str:
    """`text` as a fenced code block whose fence is longer than any backtick run in it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"{fence}{info}\n{body}{fence}"


def _raw_answer(result: StepResult) -> list[str]:
    """The AI answer that could not be used (kept by the reviewer in `data.ai`): redacted,
    fenced, at most RAW_ANSWER_LIMIT characters."""
    info = result.data.get("ai")
    raw = info.get("raw_response") if isinstance(info, dict) else None
    if not isinstance(info, dict) or not isinstance(raw, str):
        return []
    text = redact(raw).text
    total = info.get("raw_response_chars")
    total = total if isinstance(total, int) and total >= len(text) else len(text)
    shown = text[:RAW_ANSWER_LIMIT]
    where = info.get("response_file")
    lines = ["## Raw AI answer", ""]
    if not text:
        return [*lines, "The model's answer could not be used, and it was empty.", ""]
    lines += [
        'The model\'s answer could not be used (see "AI answer unusable" under Skipped checks); '
        "as received, secrets redacted:",
        "",
        fenced(shown, "text"),
        "",
    ]
    if total > len(shown):
        file = f" in {code(where)}" if isinstance(where, str) and where else ""
        lines += [f"… ({total - len(shown)} more characters{file})", ""]
    return lines


def step_summary_markdown(spec: StepSpec, result: StepResult, run_id: str) -> str:
    """`summaries/<run>/stepNN_<id>_summary.md`: status, counts and the top findings."""
    title = f"Step {spec.number} summary: {escape_inline(spec.name)}"
    return _document(spec, result, run_id, title, _summary_body(spec, result))


def _summary_body(spec: StepSpec, result: StepResult) -> list[str]:
    lines = [counts_line(result.findings) + ".", ""]
    fresh = [f for f in new_findings(result.findings) if not f.is_noise]
    noise = sum(1 for f in new_findings(result.findings) if f.is_noise)
    if noise:
        lines += [
            f"{noise} labelled noise by the AI triage, not listed here "
            f"(see {code(spec.file_stem + '.md')}).",
            "",
        ]
    top = sort_findings(fresh)[:SUMMARY_TOP]
    if top:
        lines.append("Top findings:")
        lines.append("")
        for finding in top:
            where = location(finding)
            at = f" at {code(where)}" if where else ""
            lines.append(
                f"- {finding.severity.value} {code(finding.rule)}{at}: "
                f"{escape_inline(finding.message)}"
            )
        hidden = len(fresh) - len(top)
        if hidden > 0:
            lines.append(f"- (+{hidden} more in {code(spec.file_stem + '.md')})")
        lines.append("")
    if result.skipped_checks:
        lines += [f"Skipped checks: {len(result.skipped_checks)} (see the step report).", ""]
    return lines
