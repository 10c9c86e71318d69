"""Steps stopped by a timeout or --fail-fast: their processes die with the run, in a real CLI
process (the engine's step threads are daemons: nothing may rely on them outliving the run)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from ai_workflow.engine.metrics import read_history
from tests.helpers import make_repo

Repo = Callable[..., Path]


def alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


def run_cli(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ai_workflow", "run", "--target", str(repo), "--auto", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_builtin_step_timeout_kills_its_processes_before_the_run_exits(tmp_path: Path) -> None:
    shell_pid, child_pid = tmp_path / "shell.pid", tmp_path / "child.pid"
    command = f"echo $$ > {shell_pid}; sleep 47 & echo $! > {child_pid}; wait"
    config = {
        "tech_stack": {"test_command": command},
        "workflow": {"timeouts": {"test_execution": 2}},
    }
    repo = make_repo(
        tmp_path / "project",
        {
            "README.md": "# project\n",
            ".gitignore": ".ai_workflow/\n",
            ".workflow-config.yaml": yaml.safe_dump(config),
        },
    )
    proc = run_cli(repo, "--steps", "test_execution", "--json")
    assert proc.returncode == 1, proc.stderr
    step = json.loads(proc.stdout)["steps"][0]
    assert step["id"] == "test_execution" and step["reason"] == "timed out after 2s"
    # The CLI has exited: the step's shell and its background child are gone with it.
    pids = [int(shell_pid.read_text()), int(child_pid.read_text())]
    assert [pid for pid in pids if alive(pid)] == []


def test_parallel_fail_fast_is_a_failed_run_and_stops_the_running_steps(
    custom_repo: Repo, tmp_path: Path
) -> None:
    long_pid = tmp_path / "long.pid"
    repo = custom_repo(
        [
            {"id": "bad", "run": f"while [ ! -s {long_pid} ]; do sleep 0.05; done; exit 1"},
            {"id": "long", "run": f"sleep 43 & echo $! > {long_pid}; wait"},
            {"id": "later", "run": "true", "depends_on": ["long"]},
            {"id": "other", "run": "true"},
        ]
    )
    proc = run_cli(repo, "--parallel", "--jobs", "4", "--fail-fast", "--json")
    assert proc.returncode == 1, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["status"] == "failed"
    steps = {s["id"]: s for s in summary["steps"]}
    assert steps["bad"]["status"] == "failed"
    assert steps["long"]["status"] == "interrupted"
    assert steps["long"]["reason"] == "stopped by --fail-fast: step bad failed"
    assert steps["later"]["status"] == "not_run"
    assert read_history(repo)[-1]["status"] == "failed"
    assert not alive(int(long_pid.read_text()))


def test_sequential_fail_fast_matches_parallel(custom_repo: Repo) -> None:
    repo = custom_repo(
        [
            {"id": "bad", "run": "exit 1"},
            {"id": "other", "run": "true"},
        ]
    )
    proc = run_cli(repo, "--fail-fast", "--json")
    assert proc.returncode == 1, proc.stderr
    steps = {s["id"]: s for s in json.loads(proc.stdout)["steps"]}
    assert json.loads(proc.stdout)["status"] == "failed"
    assert steps["other"]["status"] == "not_run"
    assert "--fail-fast" in steps["other"]["reason"]
