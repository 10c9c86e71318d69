"""The pre-commit hooks: a quick one for every commit and a full one (see `.pre-commit-hooks.yaml`).

Quick: the fast deterministic steps (`QUICK_STEPS`), no AI, and, when the files pre-commit
passes are all changed since HEAD (a normal commit), smart execution against HEAD, so only the
steps that read what changed run. The hook fails on findings in those files only: a commit is
not blocked by problems in files it does not touch (they are counted). `pre-commit run
--all-files` passes every file, so every quick step runs and every finding counts.

Full: every step, AI as configured, and the run's own exit code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ai_workflow.ci.findings import RunFindings
from ai_workflow.findings import SEVERITY_RANK, Finding, Severity
from ai_workflow.gitutil import GitError, git

QUICK_STEPS = (
    "pre_analysis",
    "documentation",
    "consistency",
    "script_references",
    "directory_structure",
    "dependencies",
    "code_quality",
    "markdown_lint",
)
"""Steps that take seconds and need neither the project's tests nor a model."""

NO_AI = {"AI_WORKFLOW_AI_PROVIDER": "none"}


def normalise(path: str) -> str:
    text = PurePosixPath(path.replace("\\", "/")).as_posix()
    return text[2:] if text.startswith("./") else text


def changed_since_head(target: Path) -> set[str] | None:
    """Paths (relative to `target`) that differ from HEAD or are untracked; None outside git
    or before the first commit."""
    try:
        tracked = git(target, "diff", "--name-only", "-z", "--relative", "HEAD", "--")
        untracked = git(target, "ls-files", "-z", "--others", "--exclude-standard")
    except GitError:
        return None
    return {p for p in (tracked + "\0" + untracked).split("\0") if p}


def quick_run_args(target: Path, files: Sequence[str], steps: Iterable[str]) -> list[str]:
    """`run` arguments of the quick hook; smart execution only for a commit's own files."""
    args = ["--target", str(target), "--auto", "--steps", ",".join(steps)]
    changed = changed_since_head(target)
    if files and changed is not None and {normalise(f) for f in files} <= changed:
        args += ["--smart-execution", "--base", "HEAD"]
    return args


@dataclass(frozen=True)
class HookVerdict:
    blocking: list[Finding]  # new findings at or above the fail-on level in the given files
    elsewhere: int  # new shown findings in other files


def verdict(findings: RunFindings, files: Sequence[str], fail_on: Severity) -> HookVerdict:
    """Which findings block the commit: those in `files` (all when empty) and those without a
    file (a step that could not run), at `fail_on` or worse."""
    wanted = {normalise(f) for f in files}
    blocking: list[Finding] = []
    elsewhere = 0
    for finding in findings.new:
        mine = not wanted or not finding.path or normalise(finding.path) in wanted
        if not mine:
            elsewhere += 1
        elif SEVERITY_RANK[finding.severity] <= SEVERITY_RANK[fail_on]:
            blocking.append(finding)
    return HookVerdict(blocking, elsewhere)


def describe(finding: Finding) -> str:
    location = finding.path or "(project)"
    if finding.path and finding.line:
        location += f":{finding.line}"
    return f"{location}: {finding.severity.value} {finding.rule}: {finding.message}"
