"""`findings.sarif`: the run's findings as a SARIF 2.1.0 log for code-scanning tools.

Locations are relative to the target and tied to the `PROJECTROOT` base id, so a viewer can
resolve them against its own checkout. Findings without a path become results without a
location, which SARIF allows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from ai_workflow import __version__
from ai_workflow.engine.artifacts import write_json_atomic
from ai_workflow.engine.step import StepResult, StepStatus
from ai_workflow.findings import SEVERITY_RANK, Finding, Severity
from ai_workflow.report.findings_json import run_findings

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
)
SARIF_FILE = "findings.sarif"
TOOL_NAME = "ai-workflow"
BASE_ID = "PROJECTROOT"

LEVELS: dict[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}


def sarif_level(severity: Severity) -> str:
    return LEVELS[severity]


def rule_description(rule: str) -> str:
    """A one-line description derived from a rule id: `docs/missing-docstring` ->
    `Docs: missing docstring`."""
    area, _, name = rule.partition("/")
    if not name:
        return rule.replace("-", " ").replace("_", " ")
    words = re.sub(r"[-_]+", " ", name).strip() or name
    return f"{area.capitalize()}: {words}"


def artifact_uri(path: str) -> str:
    """A relative path as a URI reference (percent-encoded, POSIX separators)."""
    return quote(PurePosixPath(path.replace("\\", "/")).as_posix(), safe="/")


def sarif_log(summary: Mapping[str, Any], results: Iterable[StepResult]) -> dict[str, Any]:
    """The SARIF log of one run: one `run` whose driver is ai-workflow."""
    results = list(results)
    findings = run_findings(results)
    rules = _rules(findings)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": str(summary.get("version") or __version__),
                "rules": rules,
            }
        },
        "automationDetails": {"id": f"{TOOL_NAME}/{summary.get('run_id', 'run')}"},
        "invocations": [_invocation(summary, results)],
        "results": [_result(f, index[f.rule]) for f in findings],
        "columnKind": "unicodeCodePoints",
    }
    target = summary.get("target")
    if target:
        run["originalUriBaseIds"] = {BASE_ID: {"uri": Path(str(target)).resolve().as_uri() + "/"}}
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def _rules(findings: list[Finding]) -> list[dict[str, Any]]:
    strongest: dict[str, Severity] = {}
    for finding in findings:
        seen = strongest.get(finding.rule)
        if seen is None or SEVERITY_RANK[finding.severity] < SEVERITY_RANK[seen]:
            strongest[finding.rule] = finding.severity
    return [
        {
            "id": rule,
            "name": rule,
            "shortDescription": {"text": rule_description(rule)},
            "defaultConfiguration": {"level": sarif_level(severity)},
        }
        for rule, severity in sorted(strongest.items())
    ]


def _invocation(summary: Mapping[str, Any], results: list[StepResult]) -> dict[str, Any]:
    invocation: dict[str, Any] = {
        "executionSuccessful": summary.get("status") in ("passed", "failed"),
    }
    for key, field in (("started_at", "startTimeUtc"), ("ended_at", "endTimeUtc")):
        value = summary.get(key)
        if value:
            invocation[field] = str(value)
    notifications = _step_failures(results)
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _step_failures(results: list[StepResult]) -> list[dict[str, Any]]:
    """Steps that failed or stopped without saying why in a finding (their tool broke)."""
    out = []
    for result in sorted(results, key=lambda r: (r.number, r.id)):
        broken = result.status in (StepStatus.FAILED, StepStatus.INTERRUPTED)
        if broken and not any(f.severity is Severity.ERROR for f in result.findings):
            reason = result.reason or result.status.value
            out.append(
                {
                    "level": "error",
                    "message": {"text": f"step {result.id} {result.status.value}: {reason}"},
                    "descriptor": {"id": result.id},
                }
            )
    return out


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": sarif_level(finding.severity),
        "message": {"text": finding.message or finding.rule},
        "partialFingerprints": {"aiWorkflowFinding/v1": _fingerprint(finding)},
        "properties": {"step": finding.step, "source": finding.source},
    }
    if finding.path:
        result["locations"] = [{"physicalLocation": _physical_location(finding)}]
    return result


def _physical_location(finding: Finding) -> dict[str, Any]:
    path = str(finding.path)
    if PurePosixPath(path).is_absolute():
        artifact: dict[str, Any] = {"uri": Path(path).as_uri()}
    else:
        artifact = {"uri": artifact_uri(path), "uriBaseId": BASE_ID}
    location: dict[str, Any] = {"artifactLocation": artifact}
    if finding.line is not None and finding.line >= 1:
        location["region"] = {"startLine": int(finding.line)}
    return location


def _fingerprint(finding: Finding) -> str:
    """Stable across runs while rule, file and message stay the same (line moves don't count)."""
    key = "\0".join((finding.rule, finding.path or "", finding.message))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def write_sarif(
    path: Path, summary: Mapping[str, Any], results: Iterable[StepResult]
) -> dict[str, Any]:
    """Write `findings.sarif` atomically and return the log."""
    log = sarif_log(summary, results)
    write_json_atomic(path, log)
    return log
