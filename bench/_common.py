"""Shared helpers for the benchmarks: temporary projects and in-process runs."""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from ai_workflow.cli import main  # noqa: E402
from ai_workflow.steps import BUILTIN_MODULES  # noqa: E402

GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
# ../shared/data/repos beside the checkout (or beside a worktree's parent directory)
DEFAULT_REPOS = next(
    (d / "shared" / "data" / "repos" for d in REPO_ROOT.parents if (d / "shared").is_dir()),
    REPO_ROOT.parent / "shared" / "data" / "repos",
)
WORKFLOW = [sys.executable, "-m", "ai_workflow"]


def machine() -> str:
    cpus = len(__import__("os").sched_getaffinity(0))
    return f"{platform.machine()} {cpus} cores, Python {platform.python_version()}"


def git_project(root: Path, files: dict[str, str], message: str = "init") -> Path:
    """A git repository at `root` with these files (relative path -> text), committed once."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run([*GIT, "-C", str(root), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(root), "commit", "-q", "-m", message], check=True)
    return root


def custom_project(root: Path, steps: list[dict[str, Any]], **run: Any) -> Path:
    """A git repository whose workflow is only the given custom command steps."""
    config = {
        "workflow": {"disable": [m.SPEC.id for m in BUILTIN_MODULES], "steps": steps},
        "run": run,
    }
    files = {
        ".workflow-config.yaml": yaml.safe_dump(config, sort_keys=False),
        ".gitignore": ".ai_workflow/\n",
    }
    return git_project(root, files, message="bench")


def run_summary(target: Path, *args: str) -> dict[str, Any]:
    """Run the workflow in-process and return its JSON summary."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["run", "--target", str(target), "--auto", "--no-resume", "--json", *args])
    summary: dict[str, Any] = json.loads(out.getvalue())
    if code not in (0, 1):
        raise SystemExit(f"run failed with exit {code}")
    return summary


def normalise(message: str, target: str) -> str:
    """A message without what changes from one checkout or run to the next."""
    text = message.replace(target, "<target>")
    text = re.sub(r"workflow_\d{8}_\d{6}(?:_\d+)?", "<run>", text)
    text = re.sub(r"\b\d+(?:\.\d+)?\s?(?:ms|s)\b", "<time>", text)
    text = re.sub(r"\b0x[0-9a-fA-F]{6,}\b", "<address>", text)  # Python object reprs
    # a name Python's tempfile makes (`/tmp/tmpn9rf0btq`) or pytest's tmp_path root
    text = re.sub(r"/tmp/tmp[a-z0-9_]{8}\b", "<tempfile>", text)
    text = re.sub(r"/tmp/pytest-of-[^/\s]+/pytest-\d+", "<pytest-tmp>", text)
    return " ".join(text.split())


def clone_bundle(bundle: Path, branch: str, target: Path, commit: str | None = None) -> None:
    """A clone of a git bundle (one of `DEFAULT_REPOS`), at `commit` if given."""
    if not bundle.is_file():
        raise SystemExit(f"bundle not found: {bundle}")
    subprocess.run(["git", "clone", "-q", "-b", branch, str(bundle), str(target)], check=True)
    if commit:
        subprocess.run(["git", "-C", str(target), "checkout", "-q", commit], check=True)


def prepare_project(target: Path, command: str) -> None:
    """Run a project's preparation command (its own environment: a venv, `npm ci`) in it."""
    print(f"[{target.name}] preparing: {command}", file=sys.stderr)
    done = subprocess.run(command, shell=True, cwd=target, capture_output=True, text=True)
    if done.returncode != 0:
        tail = done.stderr[-2000:]
        raise SystemExit(f"[{target.name}] prepare failed ({done.returncode}):\n{tail}")


def workflow_json(target: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """`ai-workflow run --auto --no-resume --json ARGS` on `target` in a subprocess, without
    the caller's AI_WORKFLOW_* variables; its JSON summary."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("AI_WORKFLOW_")}
    proc = subprocess.run(
        [*WORKFLOW, "run", "--target", str(target), "--auto", "--no-resume", "--json", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(f"run on {target} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    summary: dict[str, Any] = json.loads(proc.stdout)
    return summary
