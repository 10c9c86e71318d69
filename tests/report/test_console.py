"""What a person reads: piped or in an 80-column CI log no id, path or note is cut; the live
table keeps a finished step's duration."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from ai_workflow.engine.step import StepStatus
from ai_workflow.report.console import RunConsole
from ai_workflow.steps import builtin_steps
from tests.helpers import make_repo
from tests.report.factories import finding, result, spec

LONG_PATH = "/srv/ci/builds/a-rather-long-workspace-name/project/.venv/bin/python"
LONG_NOTE = (
    "main; 11 changed file(s); python, tests: " + LONG_PATH + " -m pytest -q and then some "
    "more words that do not fit in eighty columns"
)


def piped(*args: str, cwd: Path | None = None) -> str:
    """`ai-workflow ARGS` with stdout to a pipe, as in CI (COLUMNS=80)."""
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "ai_workflow", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_steps_piped_at_80_columns_keeps_every_id_whole(tmp_path: Path) -> None:
    out = piped("steps", "--target", str(tmp_path))
    assert "…" not in out
    words = set(re.split(r"[\s,;:]+", out))
    for step in builtin_steps():
        assert step.spec.id in words
    assert "0  pre_analysis  depends on: -" in out  # one record per line


def test_tech_stack_piped_at_80_columns_keeps_paths_whole(tmp_path: Path) -> None:
    command = f"{LONG_PATH} -m pytest -q"
    make_repo(tmp_path, {".workflow-config.yaml": f"tech_stack:\n  test_command: '{command}'\n"})
    out = piped("tech-stack", "--target", str(tmp_path))
    assert "…" not in out
    assert f"test command  detected: {command}" in out


def quiet_console(width: int = 80) -> tuple[RunConsole, io.StringIO]:
    console = RunConsole()
    buffer = io.StringIO()
    console.console = Console(file=buffer, width=width, force_terminal=False, no_color=True)
    console.live_mode = False
    return console, buffer


def summary_with(steps: list[dict[str, Any]], target: Path) -> dict[str, Any]:
    return {
        "run_id": "workflow_20260101_000000",
        "target": str(target),
        "status": "failed",
        "duration_s": 1.5,
        "steps": steps,
        "ai": {},
    }


def test_closing_block_in_80_columns_keeps_notes_rule_ids_and_paths_whole(tmp_path: Path) -> None:
    console, buffer = quiet_console()
    problem = finding(
        "docs/readme-missing-section",
        message="README.md has no install section (a heading such as 'Install')",
        path="docs/some/deeply/nested/directory/of/the/project/README.md",
        line=12,
        step="documentation",
    )
    steps = [
        result(0, "pre_analysis", summary=LONG_NOTE, duration_s=0.02).to_dict(with_data=False),
        result(1, "documentation", StepStatus.WARNING, [problem]).to_dict(with_data=False),
    ]
    console.run_finished(summary_with(steps, tmp_path), [])
    out = buffer.getvalue()
    assert LONG_NOTE in out  # the note on one line, neither cut at 70 characters nor wrapped
    assert "docs/readme-missing-section" in out
    assert "docs/some/deeply/nested/directory/of/the/project/README.md:12" in out
    assert "…" not in out
    lines = out.splitlines()
    assert any(line.startswith("  AI: ") for line in lines)
    assert any(line.startswith("  History: ") for line in lines)  # a line of its own


def test_finished_step_line_is_not_broken_inside_a_path(tmp_path: Path) -> None:
    console, buffer = quiet_console()
    step = spec(0, "pre_analysis", "Pre-Analysis")
    console.step_finished(step, result(0, "pre_analysis", summary=LONG_NOTE, duration_s=0.02))
    assert LONG_NOTE in buffer.getvalue()


def test_live_table_keeps_the_duration_of_a_finished_step() -> None:
    console, _ = quiet_console(width=200)
    first, second = spec(0, "pre_analysis", "Pre-Analysis"), spec(1, "documentation")
    console.run_started("workflow_20260101_000000", [(first, ""), (second, "")])
    console.step_started(first)
    console.step_started(second)
    time.sleep(0.01)
    console.step_finished(first, result(0, "pre_analysis", duration_s=1.23, summary="done"))
    render = Console(file=io.StringIO(), width=200, no_color=True)
    render.print(console._table())
    text = render.file.getvalue()  # type: ignore[attr-defined]
    row = next(line for line in text.splitlines() if "Pre-Analysis" in line)
    assert "1.23s" in row and "done" in row
    running = next(line for line in text.splitlines() if "Documentation" in line)
    assert re.search(r"\d+\.\ds", running)  # still counting


def test_verbose_finding_lines_have_no_gap_where_a_location_is_missing() -> None:
    console, buffer = quiet_console()
    console.verbose = True
    step = spec(9, "code_quality", "Code Quality")
    found = [finding("lint/command-failed", "warning", "lint command failed", step="code_quality")]
    console.step_finished(step, result(9, "code_quality", StepStatus.WARNING, found))
    assert "    warning lint/command-failed lint command failed" in buffer.getvalue()


def test_a_streamed_answer_shows_its_token_count_live_and_nothing_without_a_terminal() -> None:
    console, buffer = quiet_console(width=200)
    step = spec(1, "documentation")
    console.run_started("workflow_20260101_000000", [(step, "")])
    console.step_started(step)
    console.live_mode = True  # as on a terminal: the note goes to the live table
    console.step_note("documentation", "AI answer: 42 tokens")
    render = Console(file=io.StringIO(), width=200, no_color=True)
    render.print(console._table())
    assert "AI answer: 42 tokens" in render.file.getvalue()  # type: ignore[attr-defined]
    console.live_mode = False  # a pipe or a CI log: no progress lines at all
    before = buffer.getvalue()
    console.step_note("documentation", "AI answer: 43 tokens")
    assert buffer.getvalue() == before
