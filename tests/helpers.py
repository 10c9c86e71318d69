"""Shared test helpers: real git repositories in temp dirs, and step contexts for one step."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

from ai_workflow.config import Config
from ai_workflow.engine.artifacts import Workspace
from ai_workflow.engine.process import run_command
from ai_workflow.engine.step import RunMemo, StepContext, StepResult, StepSpec

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


BENCH = Path(__file__).resolve().parents[1] / "bench"


def import_bench(name: str) -> ModuleType:
    """A script of `bench/` imported as a module (its siblings, as `_common`, importable)."""
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(BENCH))


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(repo)}
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    ).stdout


def write_files(root: Path, files: Mapping[str, str]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def make_repo(root: Path, files: Mapping[str, str] | None = None, message: str = "initial") -> Path:
    """A real git repository at `root` with `files` committed on branch main."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "commit.gpgsign", "false")
    if files:
        write_files(root, files)
        commit_all(root, message)
    return root


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def step_context(
    target: Path,
    spec: StepSpec,
    *,
    config: Config | None = None,
    results: Mapping[str, StepResult] | None = None,
    run_id: str = "workflow_20260101_000000",
    memo: RunMemo | None = None,
) -> StepContext:
    """A context for running one step directly, the way the engine builds it."""
    workspace = Workspace(target, run_id)
    log_path = workspace.step_log(spec)
    log_path.parent.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        with log_path.open("a", encoding="utf-8") as handle:
            handle.write(message + "\n")

    return StepContext(
        target=target,
        run_id=run_id,
        spec=spec,
        config=config or Config(),
        workspace=workspace,
        results=dict(results or {}),
        memo=memo or RunMemo(),
        log=log,
        cancel=threading.Event(),
        runner=run_command,
    )
