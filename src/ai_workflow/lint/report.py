"""What one linter run reports (`LintReport`), and what the code-quality step's runs share.

A linter that is missing or does not apply reports why it was skipped (`skipped_checks` of the
step); a linter that fails (a non-zero exit it does not document, a timeout, output that is not
its JSON) reports an error finding (`tool_failure`). Each command is bounded by the step timeout
(`tool_timeout`). No tool runs when a configuration file it would open is no regular file of the
project (`special_configs`: ruff, eslint: skipped; shellcheck: `--norc`).

Per-file results (`ai_workflow.changes.filecache`): ruff and shellcheck look at one file at a
time, so a run lints only the files whose content changed and reuses the others' findings
(`reused_findings`, `store_per_file`). The key holds the tool (path, version), its arguments,
the content of every configuration file it reads (`pyproject.toml`, `ruff.toml`, `.ruff.toml`;
`.shellcheckrc`) and, for ruff, the list of Python files (isort's first-party detection and
INP001 look at the layout). A `.shellcheckrc` with `external-sources` makes results depend on
sourced files: then every script is checked. eslint (type-aware rules read the whole program)
and the lint command always run in full.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.changes.filecache import FileResults, decode_findings, encode_findings
from ai_workflow.changes.fingerprint import file_ids
from ai_workflow.engine.process import CommandResult
from ai_workflow.engine.step import StepContext, StepSpec
from ai_workflow.findings import Finding, Severity
from ai_workflow.quoting import quote_output, relative_to_target
from ai_workflow.textfiles import readable_file
from ai_workflow.tools import Tool

TOOL_TIMEOUT_S = 600.0
NOT_OURS = "no regular file of the project"  # a FIFO, a device, a link out of the target


@dataclass
class LintReport:
    """What one linter run produced, merged into the step's outcome by
    `ai_workflow.steps.code_quality.run`."""

    name: str
    tool: Tool | None = None
    findings: list[Finding] = field(default_factory=list)
    checked: str | None = None
    skipped: str | None = None
    reuse: list[str] = field(default_factory=list)  # per-file results: what was re-checked


def relpath(target: Path, filename: str) -> str:
    """A tool's file name (absolute or relative to the target) as a target-relative POSIX path."""
    path = Path(filename)
    if not path.is_absolute():
        return path.as_posix().removeprefix("./")
    for base in (target, target.resolve()):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    try:
        return path.resolve().relative_to(target.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def tool_failure(target: Path, name: str, tool: Tool, detail: str) -> LintReport:
    tool_named = relative_to_target(tool.describe(), target)  # a project's own ruff: its path
    message = f"{tool_named} failed: {quote_output(detail, target, 500) or 'no output'}"
    finding = Finding(f"{name}/tool-failed", Severity.ERROR, message)
    return LintReport(name, tool, [finding], checked=f"{tool.describe()}: failed")


def tool_timeout(ctx: StepContext) -> float:
    """How long one linter command may run (`step_tool_timeout`)."""
    return step_tool_timeout(ctx.spec)


def step_tool_timeout(spec: StepSpec) -> float:
    """TOOL_TIMEOUT_S, or less when the step's own timeout (`workflow.timeouts.code_quality`)
    is shorter."""
    return min(TOOL_TIMEOUT_S, spec.timeout_s) if spec.timeout_s else TOOL_TIMEOUT_S


def failure_detail(result: CommandResult, ctx: StepContext) -> str:
    if result.timed_out:
        return f"timed out after {tool_timeout(ctx):g}s"
    return f"exit {result.returncode}: {result.stderr}"


def json_findings(
    ctx: StepContext,
    report: tuple[str, Tool],
    result: CommandResult,
    parse: Callable[[Any], list[Finding]],
    ok: tuple[int, ...] = (0, 1),
    empty: str = "[]",
) -> list[Finding] | LintReport:
    """A linter run's findings from its JSON output (`parse` reads it; `empty` stands for no
    output), or the failure report when the run timed out, exited with a status outside `ok`,
    or printed unreadable JSON."""
    name, tool = report
    if result.timed_out or result.returncode not in ok:
        return tool_failure(ctx.target, name, tool, failure_detail(result, ctx))
    try:
        return parse(json.loads(result.stdout or empty))
    except (ValueError, TypeError, KeyError) as exc:
        return tool_failure(ctx.target, name, tool, f"unreadable JSON output ({exc})")


def special_configs(target: Path, files: list[str], names: Sequence[str]) -> str | None:
    """The first configuration file a tool would open for `files` that is there but no
    regular file of the project: a FIFO named pyproject.toml would make the tool wait forever,
    and a link out of the target would have it read (and maybe quote) a file from elsewhere."""
    dirs = {PurePosixPath(".")}
    for rel in files:
        dirs.update(PurePosixPath(rel).parents)
    for directory in sorted(dirs):
        for name in names:
            path = target / directory / name
            if os.path.lexists(path) and not readable_file(path, target):
                return (directory / name).as_posix()
    return None


def config_ids(ctx: StepContext, files: list[str], names: tuple[str, ...]) -> dict[str, str]:
    """Content ids of the project's configuration files of a tool (anywhere in the tree)."""
    ids = file_ids(ctx)
    return {f: ids.get(f, "absent") for f in files if f.rsplit("/", 1)[-1] in names}


def reused_findings(cache: FileResults, paths: list[str]) -> tuple[list[Finding], list[str]]:
    """The stored findings of unchanged files, and the files to check."""
    found, todo = cache.split(paths, decode_findings)
    return [finding for stored in found.values() for finding in stored], todo


def store_per_file(cache: FileResults, batch: list[str], found: list[Finding]) -> list[Finding]:
    """Store a batch's findings per file (a clean file stores none); returns them."""
    by_file: dict[str, list[Finding]] = {path: [] for path in batch}
    for finding in found:
        by_file.setdefault(finding.path or "", []).append(finding)
    for path in batch:
        cache.store(path, encode_findings(by_file[path]))
    return found


def finding_order(finding: Finding) -> tuple[str, int, int, str, str]:
    column = finding.extra.get("column")
    return (
        finding.path or "",
        finding.line or 0,
        column if isinstance(column, int) else 0,
        finding.rule,
        finding.message,
    )


def first_syntax_errors(
    findings: list[Finding],
    is_syntax: Callable[[Finding], bool] = lambda f: f.rule == "ruff/syntax-error",
) -> list[Finding]:
    """One syntax error per file: what follows the first is mostly the parser losing its
    place (a Python 2 file has one per print statement), and one fix is what is asked."""
    later: dict[str, int] = {}
    first: dict[str, Finding] = {}
    kept: list[Finding] = []
    for finding in findings:
        if not is_syntax(finding) or finding.path is None:
            kept.append(finding)
        elif finding.path in first:
            later[finding.path] = later.get(finding.path, 0) + 1
        else:
            first[finding.path] = finding
            kept.append(finding)
    note = " (and {} more syntax error(s) after it in this file)"
    return [
        replace(f, message=f.message + note.format(later[f.path]))
        if f.path in later and f is first[f.path]
        else f
        for f in kept
    ]
