"""History lines stay compact (findings stay in the run's files) and old run folders are pruned
(`run.keep_runs`), while everything that reads the history keeps working."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ai_workflow.app import metrics_report
from ai_workflow.cli import main
from ai_workflow.config import Config, RunConfig
from ai_workflow.engine.artifacts import Workspace
from ai_workflow.engine.metrics import (
    CURRENT_FILE,
    HISTORY_FILE,
    history_record,
    metrics_dir,
    read_history,
    record_dead_run,
    step_durations,
)
from ai_workflow.engine.registry import Registry
from ai_workflow.engine.retention import RUN_FOLDERS, prune_runs, run_order
from ai_workflow.engine.runner import QuietObserver, RunRequest, run_workflow
from ai_workflow.engine.step import FunctionStep, StepContext, StepOutcome, StepSpec
from ai_workflow.report.files import FileReporter
from tests.helpers import make_repo

FINDINGS = 5_000


def _many(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome(summary=f"{FINDINGS} findings")
    for n in range(FINDINGS):
        outcome.add(
            "lint/long-line",
            "warning",
            f"line {n} is longer than the project allows, by quite a few characters",
            f"src/package/module_{n % 97}.py",
            n + 1,
        )
    return outcome


def _quiet(ctx: StepContext) -> StepOutcome:
    return StepOutcome(summary="nothing to say")


class Messages(QuietObserver):
    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []

    def message(self, level: str, text: str) -> None:
        self.said.append((level, text))


def run(repo: Path, step: Any = _quiet, keep_runs: int = 20) -> tuple[dict[str, Any], Messages]:
    spec = StepSpec(id="lint", number=1, name="Lint")
    observer = Messages()
    config = Config(run=RunConfig(keep_runs=keep_runs))
    report = run_workflow(
        RunRequest(
            target=repo,
            config=config,
            registry=Registry([FunctionStep(spec, step)]),
            selected=["lint"],
            observer=observer,
            make_reporter=FileReporter,
        )
    )
    return report.summary, observer


def test_a_run_with_5000_findings_writes_a_history_line_under_16_kb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "p", {"app.py": "x = 1\n", ".gitignore": ".ai_workflow/\n"})
    summary, _ = run(repo, _many)
    assert len(summary["steps"][0]["findings"]) == FINDINGS  # --json still has them all
    lines = (metrics_dir(repo) / HISTORY_FILE).read_bytes().splitlines()
    assert len(lines) == 1 and len(lines[0]) < 16 * 1024
    line = json.loads(lines[0])
    step = line["steps"][0]
    assert "findings" not in step
    assert step["finding_counts"] == {"error": 0, "warning": FINDINGS, "info": 0, "baselined": 0}
    assert line["counts"]["findings"]["warning"] == FINDINGS
    assert step["status"] == "warning" and isinstance(step["duration_s"], float)
    assert len((metrics_dir(repo) / CURRENT_FILE).read_bytes()) < 16 * 1024  # live file too
    findings = json.loads(
        (Workspace(repo, line["run_id"]).backlog_dir / "findings.json").read_text()
    )
    assert len(findings["findings"]) == FINDINGS  # the findings stay in the run's files
    # what reads history lines works from the compact line
    history = read_history(repo)
    assert step_durations(history, 10) == {"lint": [step["duration_s"]]}
    assert metrics_report(history, 10, 10)["last_runs"][0]["steps"] == 1
    assert main(["metrics", "--target", str(repo), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["runs"] == 1


def test_a_killed_runs_live_state_becomes_a_compact_history_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", {".gitignore": ".ai_workflow/\n"})
    summary, _ = run(repo, _many)
    live = {**history_record(summary), "run_id": "workflow_20250101_000000", "status": "running"}
    (metrics_dir(repo) / CURRENT_FILE).write_text(json.dumps(live))
    assert record_dead_run(repo, "workflow_x", read_history(repo)) == live["run_id"]
    dead = read_history(repo)[-1]
    assert dead["status"] == "interrupted" and dead["steps"][0]["finding_counts"]["warning"]


def test_history_record_is_idempotent_and_keeps_every_run_level_key() -> None:
    summary = {
        "run_id": "r",
        "tests": {"passed": 3},
        "changes": {"files": {"code": ["a.py"] * 200}, "counts": {"code": 200}},
        "steps": [{"id": "a", "status": "failed", "reason": "x" * 5000, "findings": []}],
    }
    once = history_record(summary)
    assert once["tests"] == {"passed": 3} and once["changes"] == {"counts": {"code": 200}}
    assert len(once["steps"][0]["reason"]) == 500
    assert history_record(once) == once


def test_old_run_folders_are_pruned_and_the_run_says_so(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", {".gitignore": ".ai_workflow/\n"})
    ids = []
    for _ in range(3):
        summary, observer = run(repo, keep_runs=2)
        ids.append(summary["run_id"])
        root = Workspace(repo, summary["run_id"]).root
        (root / "prompts" / summary["run_id"]).mkdir(parents=True)  # as an AI step leaves
    [(level, said)] = observer.said  # the size: mostly the run's report.html
    assert level == "info" and re.fullmatch(
        rf"removed the folders of 1 old run\(s\) \({ids[0]}; \d+\.\d MB\): keeping the last 2 "
        r"\(run.keep_runs\)",
        said,
    )
    for folder in ("backlog", "logs"):
        assert sorted(p.name for p in (root / folder).iterdir()) == ids[1:]
    assert [r["run_id"] for r in read_history(repo)] == ids  # the history keeps every run
    summary, observer = run(repo, keep_runs=0)  # 0 keeps every run
    assert observer.said == [] and len(list((root / "logs").iterdir())) == 3


def test_prune_runs_orders_run_ids_by_time_and_suffix(tmp_path: Path) -> None:
    names = [
        "workflow_20260101_120000_10",
        "workflow_20260101_120000_2",
        "workflow_20260101_120000",
        "workflow_20251231_235959",
    ]
    assert sorted(names, key=run_order) == [names[3], names[2], names[1], names[0]]
    for name in [*names, "not_a_run"]:
        for folder in RUN_FOLDERS[:2]:
            (tmp_path / folder / name).mkdir(parents=True)
    pruned = prune_runs(tmp_path, keep=1, current=names[3])
    assert pruned.runs == [names[2], names[1]]
    assert sorted(p.name for p in (tmp_path / "backlog").iterdir()) == sorted(
        [names[0], names[3], "not_a_run"]
    )
