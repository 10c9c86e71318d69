"""`findings.json`: every finding of a run in one machine-readable file, never capped.

Baselined findings are in it, marked `"baselined": true`; the severity counts and `by_rule`
count the new findings only (`baselined` counts the others, `total` both). Findings the rule
policy dropped (ignored, suppressed inline, outside the changed lines with --new-only) are not
in it; `rules.counts` says how many."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ai_workflow.engine.artifacts import write_json_atomic
from ai_workflow.engine.step import StepResult
from ai_workflow.findings import Finding, count_by_severity, sort_findings

FINDINGS_SCHEMA = "ai-workflow/findings@1"
FINDINGS_FILE = "findings.json"


def run_findings(results: Iterable[StepResult]) -> list[Finding]:
    """All findings of `results`, each tagged with its step, most severe first."""
    findings: list[Finding] = []
    for result in sorted(results, key=lambda r: (r.number, r.id)):
        for finding in result.findings:
            if not finding.step:
                finding = dataclasses.replace(finding, step=result.id)
            findings.append(finding)
    return sort_findings(findings)


def findings_document(summary: Mapping[str, Any], results: Iterable[StepResult]) -> dict[str, Any]:
    """The content of `findings.json` for one run."""
    ordered = sorted(results, key=lambda r: (r.number, r.id))
    findings = run_findings(ordered)
    by_rule = Counter(f.rule for f in findings if not f.baselined)
    return {
        "schema": FINDINGS_SCHEMA,
        "run_id": summary.get("run_id"),
        "version": summary.get("version"),
        "target": summary.get("target"),
        "status": summary.get("status"),
        "started_at": summary.get("started_at"),
        "ended_at": summary.get("ended_at"),
        "counts": {
            **count_by_severity(findings),
            "baselined": sum(1 for f in findings if f.baselined),
            "total": len(findings),
            "by_rule": dict(sorted(by_rule.items(), key=lambda item: (-item[1], item[0]))),
        },
        "rules": summary.get("rules"),
        "steps": [_step_entry(result) for result in ordered],
        "findings": [f.to_dict() for f in findings],
    }


def _step_entry(result: StepResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "number": result.number,
        "name": result.name,
        "status": result.status.value,
        "reason": result.reason,
        "findings": count_by_severity(result.findings),
        "skipped_checks": list(result.skipped_checks),
        **_ai_entry(result),
    }


def _ai_entry(result: StepResult) -> dict[str, Any]:
    """The step's AI review in brief (`ai`: the model's summary and what became of its
    findings), when the model answered."""
    info = result.data.get("ai")
    if not isinstance(info, dict) or "summary" not in info:
        return {}
    keys = ("summary", "model", "cached", "findings_added", "findings_dropped", "rules_mapped")
    return {"ai": {key: info.get(key) for key in keys}}


def write_findings_json(
    path: Path, summary: Mapping[str, Any], results: Iterable[StepResult]
) -> dict[str, Any]:
    """Write `findings.json` atomically and return what was written."""
    document = findings_document(summary, results)
    write_json_atomic(path, document)
    return document
