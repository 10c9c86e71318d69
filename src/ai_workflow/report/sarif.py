"""`findings.sarif`: the run's findings as a SARIF 2.1.0 log for code-scanning tools.

Locations are relative to the target and tied to the `PROJECTROOT` base id, so a viewer can
resolve them against its own checkout. Findings without a path become results without a
location, which SARIF allows. Rules carry the catalog's description and fix. When the run had a
baseline, every result has a `baselineState`: "unchanged" for a baselined finding, else "new".
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
from ai_workflow.rules.catalog import load_catalog

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
    with_baseline = bool((summary.get("rules") or {}).get("baseline"))
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
        "results": [_result(f, index[f.rule], with_baseline) for f in findings],
        "columnKind": "unicodeCodePoints",
    }
    target = summary.get("target")
    if target:
        run["originalUriBaseIds"] = {BASE_ID: {"uri": Path(str(target)).resolve().as_uri() + "/"}}
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def _rules(findings: list[Finding]) -> list[dict[str, Any]]:
    strongest: dict[str, Severity] = {}
    urls: dict[str, str] = {}
    for finding in findings:
        seen = strongest.get(finding.rule)
        if seen is None or SEVERITY_RANK[finding.severity] < SEVERITY_RANK[seen]:
            strongest[finding.rule] = finding.severity
        url = finding.extra.get("url")
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            urls.setdefault(finding.rule, url)  # the linter's page for this very code
    return [_rule(rule, severity, urls.get(rule)) for rule, severity in sorted(strongest.items())]


def _rule(rule: str, severity: Severity, url: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": rule,
        "name": rule,
        "shortDescription": {"text": rule_description(rule)},
        "defaultConfiguration": {"level": sarif_level(severity)},
    }
    known = load_catalog().lookup(rule)
    if known is not None:
        if not known.family:
            entry["shortDescription"] = {"text": known.description}
        entry["help"] = {"text": known.fix}
        docs = known.docs if known.docs and known.docs.startswith("https://") else None
        url = url or docs
    if url:
        entry["helpUri"] = url
    return entry


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


def _result(finding: Finding, rule_index: int, with_baseline: bool) -> dict[str, Any]:
    prints = {"aiWorkflowFinding/v1": _fingerprint(finding)}
    if finding.fingerprint:
        prints["aiWorkflowBaseline/v1"] = finding.fingerprint  # the baseline's, line content in
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": sarif_level(finding.severity),
        "message": {"text": finding.message or finding.rule},
        "partialFingerprints": prints,
        "properties": _properties(finding),
    }
    if with_baseline:
        result["baselineState"] = "unchanged" if finding.baselined else "new"
    if finding.path:
        result["locations"] = [{"physicalLocation": _physical_location(finding)}]
    return result


def _properties(finding: Finding) -> dict[str, Any]:
    """`step`, `source` ("ai" for a model's finding, tagged `ai-generated` too) and the AI
    triage's `{label, reason}` when the finding has one."""
    props: dict[str, Any] = {"step": finding.step, "source": finding.source}
    if finding.source == "ai":
        props["tags"] = ["ai-generated"]
    if finding.triage:
        props["triage"] = dict(finding.triage)
    return props


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
