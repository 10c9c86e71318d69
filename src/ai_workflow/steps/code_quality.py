"""Step 9: Code Quality. ruff, shellcheck and eslint findings; long files and complex functions.

Linters honour the project's own configuration (they run with the target as working directory)
and prefer the project's own installation (see `ai_workflow.tools`). A linter that is missing or
does not apply is listed in `skipped_checks`; a linter that crashes is an error finding (ESLint
crashing: a warning).

The step runs its linters side by side and merges their reports (`ai_workflow.lint.report`:
findings, what was checked, what was skipped). Each lives in `ai_workflow.lint`; its module
docstring gives the severity mapping of its findings:

- ruff: `ai_workflow.lint.ruff` (a flake8 configuration translated: `lint.flake8_config`; the
  `lint.ruff_*` modules read the code a finding points at);
- shellcheck: `ai_workflow.lint.shellcheck` (which files are scripts, how it runs) and
  `ai_workflow.lint.shellcheck_severity` (the severity each SC code gets from the script's text);
- eslint: `ai_workflow.lint.eslint`;
- `tech_stack.lint_command`, the project's own lint command: `ai_workflow.lint.command`;
- hot spots (`quality/*`, information: long files; long, complex or deeply nested functions):
  `ai_workflow.lint.hotspots`.

`data` holds each linter's tool and version, the count of findings per linter and the first
hot spots.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ai_workflow.changes.filecache import FileResults, code_id
from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.findings import Finding
from ai_workflow.lint import hotspots as hotspot_code
from ai_workflow.lint.command import run_lint_command
from ai_workflow.lint.eslint import run_eslint
from ai_workflow.lint.hotspots import find_hotspots
from ai_workflow.lint.report import LintReport
from ai_workflow.lint.ruff import run_ruff
from ai_workflow.lint.shellcheck import run_shellcheck
from ai_workflow.project_files import project_files

SPEC = StepSpec(
    id="code_quality",
    number=9,
    name="Code Quality",
    description="ruff, shellcheck and eslint findings; long files and complex functions.",
    depends_on=("pre_analysis",),
    categories=("code", "tests", "scripts", "config"),  # ruff and eslint lint test files too
    estimate_s=150.0,
    persona="software quality engineer",
)


MAX_HOTSPOTS_IN_DATA = 50


def run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    files = project_files(ctx)
    linters: list[Callable[[StepContext, list[str]], LintReport]] = [
        run_ruff,
        run_shellcheck,
        run_eslint,
        run_lint_command,
    ]
    with ThreadPoolExecutor(max_workers=len(linters), thread_name_prefix="lint") as pool:
        futures = [pool.submit(linter, ctx, files) for linter in linters]
        limits = ctx.config.rules.thresholds
        stored = FileResults(
            ctx, "hotspots", {"limits": limits.model_dump(), "code": code_id(hotspot_code)}
        )
        hotspots = find_hotspots(ctx.target, files, limits, stored)
        stored.save()
        reports = [future.result() for future in futures]
    for report in reports:
        outcome.findings.extend(report.findings)
        if report.checked:
            outcome.checked.append(report.checked)
        outcome.checked += report.reuse
        if report.skipped:
            outcome.skipped_checks.append(report.skipped)
    outcome.findings.extend(hotspots)
    outcome.checked.append(
        f"hot spots (rules.thresholds): files > {limits.file_lines} lines, functions > "
        f"{limits.function_lines} lines, complexity > {limits.complexity}, nesting > "
        f"{limits.nesting}"
        "; generated files (a header comment such as `// Code generated ... DO NOT EDIT.`) are"
        " not measured"
    )
    outcome.checked += [stored.describe(), *stored.warnings]
    outcome.data = _data(reports, hotspots)
    outcome.summary = _summary(reports, hotspots)
    return outcome


def _data(reports: Sequence[LintReport], hotspots: Sequence[Finding]) -> dict[str, Any]:
    return {
        "tools": {r.name: r.tool.to_dict() for r in reports if r.tool and r.checked},
        "counts": {
            **{r.name: len(r.findings) for r in reports if r.checked},
            "hotspots": len(hotspots),
        },
        "hotspots": [
            {"rule": f.rule, "path": f.path, "line": f.line, **f.extra}
            for f in hotspots[:MAX_HOTSPOTS_IN_DATA]
        ],
    }


def _summary(reports: Sequence[LintReport], hotspots: Sequence[Finding]) -> str:
    parts = [f"{r.name}: {len(r.findings)}" for r in reports if r.checked]
    parts.append(f"hot spots: {len(hotspots)}")
    return ", ".join(parts)
