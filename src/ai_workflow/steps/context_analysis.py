"""Step 10: Context Analysis. Aggregates every finished step into a health overview and writes
`WORKFLOW_SUMMARY.md`: in the run's backlog (`<workdir>/backlog/<run_id>/`), and the latest run's
copy at the top of the work directory (`.ai_workflow/WORKFLOW_SUMMARY.md` by default).

Health score (0-100), from the results of the steps that finished before this one:

    score = 100 - min(45, 15 x failed steps)
                - min(30,  5 x error findings)
                - min(15,  1 x warning findings)
                - min(10,  5 x steps that could not run: not_run or interrupted)

Info findings cost nothing. A step smart execution skipped counts with the errors and warnings of
its latest run that ran it (the history's finding counts): skipping says the result at the base
still holds, so a smart run scores the project as a full run would, not only the steps it ran.
A skipped step with no earlier run costs nothing. Grades: >= 90 good, >= 75 fair,
>= 50 poor, else critical. This step's own findings are aggregate info only: the findings of
the other steps stay theirs. Among them are the performance regressions of this run's steps and
tests (`ai_workflow.perf_regression`): every checking step has finished when this one runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow import __version__
from ai_workflow.engine.artifacts import write_atomic
from ai_workflow.engine.metrics import read_recent_history
from ai_workflow.engine.step import StepContext, StepOutcome, StepResult, StepSpec, StepStatus
from ai_workflow.findings import Finding, Severity, count_by_severity, sort_findings
from ai_workflow.perf_regression import check_run
from ai_workflow.report.markdown import code, escape_inline, location

SPEC = StepSpec(
    id="context_analysis",
    number=10,
    name="Context Analysis",
    description="Aggregates every step into a health overview and WORKFLOW_SUMMARY.md.",
    depends_on=(
        "documentation",
        "consistency",
        "script_references",
        "directory_structure",
        "test_review",
        "test_generation",
        "test_execution",
        "dependencies",
        "code_quality",
        "markdown_lint",
    ),
    categories=("*",),
    estimate_s=120.0,
    persona="technical project manager",
    after_failures=True,  # it reports on failed steps, so it runs after them
)

SUMMARY_FILE = "WORKFLOW_SUMMARY.md"
TOP_ISSUES = 10
TOP_RULES = 10
CHANGED_LISTED = 30
RECENT_COMMITS = 5

# (what, points per item, cap)
PENALTIES = {
    "failed_steps": (15, 45),
    "errors": (5, 30),
    "warnings": (1, 15),
    "not_run_steps": (5, 10),
}
GRADES = ((90, "good"), (75, "fair"), (50, "poor"), (0, "critical"))
COULD_NOT_RUN = {StepStatus.NOT_RUN, StepStatus.INTERRUPTED}
CARRIED_STATUSES = frozenset({"passed", "warning", "reused"})
HISTORY_RUNS = 50
"""How many recent runs are searched for a skipped step's latest result."""
DID_NOT_RUN = COULD_NOT_RUN | {StepStatus.SKIPPED, StepStatus.PLANNED}


@dataclass(frozen=True)
class Health:
    score: int
    grade: str
    penalties: dict[str, dict[str, int]]  # name -> {"count", "points"}
    carried: dict[str, str] = field(default_factory=dict)  # skipped step -> run its counts are of

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "grade": self.grade,
            "penalties": self.penalties,
            "carried_from": self.carried,
        }


@dataclass(frozen=True)
class Carried:
    """A skipped step's errors and warnings as of the latest run that ran it."""

    run_id: str
    errors: int
    warnings: int


def carried_results(
    history: Sequence[Mapping[str, Any]], skipped: Iterable[str]
) -> dict[str, Carried]:
    """For each skipped step id, its counts in the latest history run that ran it (if any)."""
    wanted = set(skipped)
    found: dict[str, Carried] = {}
    for run in reversed(history):
        steps = run.get("steps")
        for step in steps if isinstance(steps, list) else ():
            if not isinstance(step, Mapping) or step.get("id") not in wanted:
                continue
            counts = step.get("finding_counts")
            sid = str(step["id"])
            if sid in found or step.get("status") not in CARRIED_STATUSES:
                continue
            if isinstance(counts, Mapping):
                found[sid] = Carried(
                    str(run.get("run_id", "?")),
                    _count(counts.get("error")),
                    _count(counts.get("warning")),
                )
    return found


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value > 0 else 0


def health_score(
    results: Iterable[StepResult], carried: Mapping[str, Carried] | None = None
) -> Health:
    """The documented score of the module docstring; `carried` holds the counts of skipped
    steps (only those whose result here is SKIPPED are counted)."""
    results = list(results)
    findings = count_by_severity(f for r in results for f in r.findings)
    skipped = {r.id for r in results if r.status is StepStatus.SKIPPED}
    kept = {sid: c for sid, c in (carried or {}).items() if sid in skipped}
    counts = {
        "failed_steps": sum(r.status is StepStatus.FAILED for r in results),
        "errors": findings["error"] + sum(c.errors for c in kept.values()),
        "warnings": findings["warning"] + sum(c.warnings for c in kept.values()),
        "not_run_steps": sum(r.status in COULD_NOT_RUN for r in results),
    }
    penalties = {
        name: {"count": counts[name], "points": min(cap, per * counts[name])}
        for name, (per, cap) in PENALTIES.items()
    }
    score = max(0, 100 - sum(p["points"] for p in penalties.values()))
    grade = next(label for floor, label in GRADES if score >= floor)
    return Health(score, grade, penalties, {sid: c.run_id for sid, c in sorted(kept.items())})


@dataclass(frozen=True)
class Overview:
    """What the summary is made of: the steps that finished before this one and their findings."""

    results: list[StepResult]
    health: Health
    findings: list[Finding]  # sorted, most severe first
    missing: list[str]  # steps this one depends on that are not part of the run
    changed: list[str] | None  # None when pre_analysis did not run
    commits: list[str]


def run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    overview = _overview(ctx, outcome)
    perf = check_run(ctx.target, ctx.run_id, ctx.results, ctx.config, SPEC.id)
    regressions = perf.findings
    document = render_summary(ctx, overview) + _performance_section(regressions)
    outcome.data = _data(ctx, overview)
    _write(ctx, outcome, document)
    _own_findings(outcome, overview)
    outcome.findings += regressions
    outcome.checked += [
        f"results of {len(overview.results)} finished step(s)",
        "health score from failed steps, errors, warnings and steps that could not run",
    ]
    (outcome.skipped_checks if perf.skipped else outcome.checked).append(perf.note)
    counts = count_by_severity(overview.findings)
    health = overview.health
    outcome.summary = (
        f"health {health.score}/100 ({health.grade}); {counts['error']} error(s), "
        f"{counts['warning']} warning(s); {_shown_path(ctx, ctx.workspace.root / SUMMARY_FILE)}"
    )
    if health.carried:
        errors = health.penalties["errors"]["count"] - counts["error"]
        warnings = health.penalties["warnings"]["count"] - counts["warning"]
        outcome.summary += (
            f"; the score counts {errors} error(s) and {warnings} warning(s) of "
            f"{len(health.carried)} skipped step(s) as of their last run"
        )
    if regressions:
        outcome.summary += f"; {len(regressions)} performance regression(s)"
    return outcome


def _shown_path(ctx: StepContext, path: Path) -> str:
    """`path` relative to the target when it is inside it (the work directory usually is)."""
    return path.relative_to(ctx.target).as_posix() if path.is_relative_to(ctx.target) else str(path)


def _overview(ctx: StepContext, outcome: StepOutcome) -> Overview:
    results = sorted(
        (r for sid, r in ctx.results.items() if sid not in (SPEC.id, "git_finalization")),
        key=lambda r: (r.number, r.id),
    )
    return Overview(
        results=results,
        health=health_score(results, _carried(ctx, results)),
        findings=sort_findings(f for r in results for f in r.findings),
        missing=[d for d in SPEC.depends_on if d not in ctx.results],
        changed=_changed_files(ctx, outcome),
        commits=_recent_commits(ctx),
    )


def _carried(ctx: StepContext, results: list[StepResult]) -> dict[str, Carried]:
    skipped = [r.id for r in results if r.status is StepStatus.SKIPPED]
    if not skipped:
        return {}
    return carried_results(read_recent_history(ctx.target, HISTORY_RUNS), skipped)


def _changed_files(ctx: StepContext, outcome: StepOutcome) -> list[str] | None:
    pre = ctx.result_of("pre_analysis")
    if pre is None or "changed_files" not in pre.data:
        outcome.skipped_checks.append("what changed: pre_analysis did not run in this run")
        return None
    outcome.checked.append("what changed, from pre_analysis")
    return sorted(str(p) for p in pre.data["changed_files"])


def _recent_commits(ctx: StepContext) -> list[str]:
    """The last commits' subjects; none outside a git work tree (git log refuses there)."""
    result = ctx.run_command(
        ["git", "log", f"-{RECENT_COMMITS}", "--format=%h %s"],
        timeout=60,
        env={"GIT_OPTIONAL_LOCKS": "0"},
    )
    return result.stdout.splitlines() if result.ok else []


def _not_run(results: list[StepResult], missing: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"id": r.id, "number": r.number, "status": r.status.value, "reason": r.reason or ""}
        for r in results
        if r.status in DID_NOT_RUN
    ]
    rows += [
        {"id": sid, "number": None, "status": "absent", "reason": "not part of this run"}
        for sid in missing
    ]
    return rows


def _data(ctx: StepContext, overview: Overview) -> dict[str, Any]:
    results, changed = overview.results, overview.changed
    return {
        **overview.health.to_dict(),
        "counts": {
            "findings": count_by_severity(overview.findings),
            "steps": dict(Counter(_outcome_status(r) for r in results)),
        },
        "failed_steps": [r.id for r in results if r.status is StepStatus.FAILED],
        "not_run": _not_run(results, overview.missing),
        "top_issues": [f.to_dict() for f in _top_issues(overview.findings)],
        "changed_files_count": None if changed is None else len(changed),
        "summary_file": (ctx.workspace.backlog_dir / SUMMARY_FILE).as_posix(),
    }


def _outcome_status(result: StepResult) -> str:
    """A reused result counts as what it was when it ran, so an unchanged project reads (and
    prompts the AI) the same on every run."""
    if result.status is not StepStatus.REUSED:
        return result.status.value
    warned = any(f.severity is Severity.WARNING for f in result.findings)
    return StepStatus.WARNING.value if warned else StepStatus.PASSED.value


def _top_issues(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is not Severity.INFO][:TOP_ISSUES]


def _write(ctx: StepContext, outcome: StepOutcome, document: str) -> None:
    try:
        write_atomic(ctx.workspace.backlog_dir / SUMMARY_FILE, document)
        write_atomic(ctx.workspace.root / SUMMARY_FILE, document)
    except OSError as exc:
        outcome.tool_error = f"cannot write {SUMMARY_FILE}: {exc.strerror or exc}"


def _own_findings(outcome: StepOutcome, overview: Overview) -> None:
    health = overview.health
    p = health.penalties
    outcome.add(
        "context/health-score",
        "info",
        f"health score {health.score}/100 ({health.grade}): {p['failed_steps']['count']} failed "
        f"step(s), {p['errors']['count']} error(s), {p['warnings']['count']} warning(s), "
        f"{p['not_run_steps']['count']} step(s) that could not run",
        score=health.score,
    )
    not_run = _not_run(overview.results, overview.missing)
    if not_run:
        listed = ", ".join(f"{row['id']} ({row['status']})" for row in not_run)
        outcome.add(
            "context/steps-not-run", "info", f"{len(not_run)} step(s) did not run: {listed}"
        )


# --------------------------------------------------------------------------- Markdown


def render_summary(ctx: StepContext, overview: Overview) -> str:
    """WORKFLOW_SUMMARY.md."""
    sections = [
        _intro(ctx),
        _health_section(overview.health),
        _steps_section(overview.results),
        _issues_section(overview.findings),
        _changes_section(overview.changed),
        _not_run_section(overview.results, overview.missing),
        _commits_section(overview.commits),
    ]
    return "\n\n".join(s for s in sections if s).rstrip("\n") + "\n"


def _intro(ctx: StepContext) -> str:
    return (
        f"# Workflow summary\n\nRun {code(ctx.run_id)} of ai-workflow {__version__} on "
        f"{code(ctx.target.name or str(ctx.target))}."
    )


def _health_section(health: Health) -> str:
    lines = [
        "## Health",
        "",
        f"Score: **{health.score}/100** ({health.grade}).",
        "",
        "| Penalty | Count | Points | Per item | Cap |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, (per, cap) in PENALTIES.items():
        entry = health.penalties[name]
        label = name.replace("_", " ")
        lines.append(f"| {label} | {entry['count']} | -{entry['points']} | {per} | {cap} |")
    lines += [
        "",
        "The score starts at 100; info findings cost nothing. "
        "Grades: 90 good, 75 fair, 50 poor, below that critical.",
    ]
    if health.carried:
        listed = ", ".join(f"{sid} ({run})" for sid, run in health.carried.items())
        lines += [
            "",
            f"Errors and warnings include those of the steps smart execution skipped, as of "
            f"the latest run that ran them: {listed}.",
        ]
    return "\n".join(lines)


def _steps_section(results: list[StepResult]) -> str:
    if not results:
        return "## Steps\n\nNo step finished before this one."
    lines = [
        "## Steps",
        "",
        "| # | Step | Status | Errors | Warnings | Info | Note |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        counts = count_by_severity(r.findings)
        note = escape_inline(r.summary or r.reason or "") or "-"
        lines.append(
            f"| {r.number} | {escape_inline(r.name)} | {r.status.value} | {counts['error']} | "
            f"{counts['warning']} | {counts['info']} | {note} |"
        )
    return "\n".join(lines)


def _issues_section(findings: list[Finding]) -> str:
    top = _top_issues(findings)
    if not top:
        return "## Top issues\n\nNo errors or warnings."
    lines = ["## Top issues", ""]
    for n, f in enumerate(top, start=1):
        where = location(f)
        at = f" at {code(where)}" if where else ""
        step = f" ({escape_inline(f.step)})" if f.step else ""
        lines.append(
            f"{n}. {f.severity.value} {code(f.rule)}{at}{step}: {escape_inline(f.message)}"
        )
    rules = Counter(f.rule for f in findings if f.severity is not Severity.INFO)
    lines += ["", "Most frequent rules:", ""]
    lines += [f"- {code(rule)}: {count}" for rule, count in rules.most_common(TOP_RULES)]
    rest = len([f for f in findings if f.severity is not Severity.INFO]) - len(top)
    if rest > 0:
        lines += ["", f"{rest} more error(s) and warning(s) are listed in `findings.json`."]
    return "\n".join(lines)


def _changes_section(changed: list[str] | None) -> str:
    if changed is None:
        return "## What changed\n\nUnknown: pre\\_analysis did not run in this run."
    if not changed:
        return "## What changed\n\nNo changed files (working tree, untracked, last commit)."
    areas = Counter(_area(p) for p in changed)
    lines = [
        "## What changed",
        "",
        f"{len(changed)} changed file(s) in the working tree, untracked, and the last commit.",
        "",
        "By area: " + ", ".join(f"{a} {n}" for a, n in sorted(areas.items())) + ".",
        "",
    ]
    lines += [f"- {code(p)}" for p in changed[:CHANGED_LISTED]]
    if len(changed) > CHANGED_LISTED:
        lines.append(f"- (+{len(changed) - CHANGED_LISTED} more)")
    return "\n".join(lines)


def _area(path: str) -> str:
    parts = PurePosixPath(path).parts
    return code(parts[0] + "/") if len(parts) > 1 else "top level"


def _not_run_section(results: list[StepResult], missing: list[str]) -> str:
    rows = _not_run(results, missing)
    if not rows:
        return ""
    lines = ["## Steps that did not run", ""]
    for row in rows:
        why = f": {escape_inline(row['reason'])}" if row["reason"] else ""
        lines.append(f"- {code(row['id'])} ({row['status']}){why}")
    return "\n".join(lines)


def _performance_section(regressions: list[Finding]) -> str:
    """Appended to the summary when a step or test got slower than its recent runs."""
    if not regressions:
        return ""
    lines = ["", "## Performance regressions", ""]
    lines += [f"- {code(f.rule)}: {escape_inline(f.message)}" for f in regressions]
    return "\n".join(lines) + "\n"


def _commits_section(commits: list[str]) -> str:
    if not commits:
        return ""
    return "## Recent commits\n\n" + "\n".join(f"- {escape_inline(c)}" for c in commits)
