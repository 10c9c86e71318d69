"""Shared helpers for the benchmarks: temporary projects and in-process runs."""

from __future__ import annotations

import contextlib
import io
import json
import platform
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
