"""Run the workflow in this process, as `ai-workflow run ... --json` would, and keep its summary.

The human output goes to stderr as usual; the JSON summary that `--json` prints is captured
instead of reaching stdout, so the caller can print its own report there.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_workflow.engine.artifacts import Workspace


@dataclass(frozen=True)
class Outcome:
    """What a run left: its exit code and, when it got as far as running, its summary."""

    exit_code: int
    summary: dict[str, Any] | None

    @property
    def report_dir(self) -> Path | None:
        """`.ai_workflow/backlog/<run_id>/` of the run (None when it did not run)."""
        if not self.summary or not self.summary.get("run_id") or not self.summary.get("target"):
            return None
        return Workspace(Path(str(self.summary["target"])), str(self.summary["run_id"])).backlog_dir


def run_workflow_json(
    run_args: Sequence[str], env: Mapping[str, str | None] | None = None
) -> Outcome:
    """`ai-workflow run *run_args --json`, with `env` set (None: unset) for the run's duration."""
    from ai_workflow.cli import main

    buffer = io.StringIO()
    with _environment(env or {}), contextlib.redirect_stdout(buffer):
        code = main(["run", *run_args, "--json"])
    return Outcome(code, _summary(buffer.getvalue()))


def _summary(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text) if text.strip() else None
    except json.JSONDecodeError:
        sys.stderr.write(text)  # not ours to hide: whatever the run printed
        return None
    return data if isinstance(data, dict) else None


def without_own_virtualenv(environ: Mapping[str, str]) -> dict[str, str | None]:
    """Environment changes that hide ai-workflow's own virtualenv when it is the active one (a
    pre-commit hook environment activates it): the project's tests must not pick its Python
    (`VIRTUAL_ENV`, or its `bin` first on PATH). The bundled tools are found without PATH."""
    venv = environ.get("VIRTUAL_ENV")
    if not venv or Path(venv).resolve() != Path(sys.prefix).resolve():
        return {}
    own = Path(venv).resolve() / "bin"
    parts = environ.get("PATH", "").split(os.pathsep)
    kept = [p for p in parts if not p or Path(p).resolve() != own]
    return {"VIRTUAL_ENV": None, "PATH": os.pathsep.join(kept)}


@contextlib.contextmanager
def _environment(values: Mapping[str, str | None]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old
