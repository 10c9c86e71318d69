"""`findings.codequality.json`: the run's findings as a GitLab Code Quality report.

GitLab reads a JSON array of Code Climate issues, each with `description`, `check_name`,
`fingerprint`, `severity` (info, minor, major, critical, blocker) and `location` (`path`
relative to the repository, `lines.begin`). GitLab shows every entry of the report (merge
request widget, pipeline tab), so only the findings shown by default go in, errors and
warnings; info stays in findings.json. A finding without a file cannot be placed and is left
out too (GitLab requires `location.path`); it is in findings.json and SARIF.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.engine.artifacts import write_json_atomic
from ai_workflow.engine.step import StepResult
from ai_workflow.findings import Finding, Severity
from ai_workflow.gitutil import GitError, git
from ai_workflow.report.findings_json import run_findings

CODEQUALITY_FILE = "findings.codequality.json"
GITLAB_SEVERITY: dict[Severity, str] = {
    Severity.ERROR: "critical",
    Severity.WARNING: "minor",
}
"""Only these severities are reported: an error is a real, broken thing (critical); a warning
is worth acting on but breaks nothing (minor)."""


def repository_prefix(target: Path) -> str:
    """The target's path inside its git repository ("" at the top or outside git), POSIX,
    with a trailing slash: GitLab resolves report paths against the repository root."""
    try:
        return git(target, "rev-parse", "--show-prefix").strip()
    except GitError:
        return ""


def codequality_issues(
    findings: Iterable[Finding], target: Path | None = None, prefix: str = ""
) -> list[dict[str, Any]]:
    """One Code Quality issue per error or warning finding that names a file."""
    issues: list[dict[str, Any]] = []
    seen: Counter[tuple[str, str, str]] = Counter()
    for finding in findings:
        severity = GITLAB_SEVERITY.get(finding.severity)
        path = _repository_path(finding.path, target, prefix)
        if severity is None or path is None:
            continue
        key = (finding.rule, path, finding.message)
        seen[key] += 1
        issues.append(
            {
                "description": finding.message or finding.rule,
                "check_name": finding.rule,
                "fingerprint": _fingerprint(*key, occurrence=seen[key]),
                "severity": severity,
                "location": {
                    "path": path,
                    "lines": {"begin": finding.line if finding.line and finding.line > 0 else 1},
                },
            }
        )
    return issues


def _repository_path(path: str | None, target: Path | None, prefix: str) -> str | None:
    if not path:
        return None
    posix = PurePosixPath(path.replace("\\", "/"))
    if posix.is_absolute():
        if target is None:
            return None
        try:
            posix = PurePosixPath(Path(path).resolve().relative_to(target.resolve()).as_posix())
        except ValueError:
            return None  # outside the project: nothing GitLab can show
    text = posix.as_posix()
    while text.startswith("./"):
        text = text[2:]
    if text in ("", ".") or text.startswith("../"):
        return None
    return prefix + text


def _fingerprint(rule: str, path: str, message: str, *, occurrence: int) -> str:
    """Stable across runs while rule, file and message stay the same (a line move keeps it);
    the occurrence number keeps repeats of one message in one file apart, as GitLab needs."""
    key = "\0".join((rule, path, message, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def write_codequality(
    path: Path, summary: Mapping[str, Any], results: Iterable[StepResult]
) -> list[dict[str, Any]]:
    """Write `findings.codequality.json` atomically and return the issues written."""
    target = Path(str(summary["target"])) if summary.get("target") else None
    prefix = repository_prefix(target) if target is not None else ""
    issues = codequality_issues(run_findings(results), target, prefix)
    write_json_atomic(path, issues)
    return issues
