"""Where a run's files go: everything lives under the work directory, `<target>/.ai_workflow/`
unless configured (`ai_workflow.workdir`)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_workflow.engine.step import StepSpec
from ai_workflow.workdir import DEFAULT_WORKDIR, workdir

WORKDIR_NAME = DEFAULT_WORKDIR
"""The default name only: the directory in use is `workdir(target)`."""


@dataclass(frozen=True)
class Workspace:
    """Paths of one run's artifacts. Directories are created on first write, never in dry runs."""

    target: Path
    run_id: str

    @property
    def root(self) -> Path:
        return workdir(self.target)

    @property
    def backlog_dir(self) -> Path:
        return self.root / "backlog" / self.run_id

    @property
    def summaries_dir(self) -> Path:
        return self.root / "summaries" / self.run_id

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs" / self.run_id

    @property
    def prompts_dir(self) -> Path:
        return self.root / "prompts" / self.run_id

    @property
    def proposals_dir(self) -> Path:
        return self.root / "proposals" / self.run_id

    @property
    def metrics_dir(self) -> Path:
        return self.root / "metrics"

    @property
    def checkpoints_dir(self) -> Path:
        return self.root / "checkpoints"

    @property
    def cache_dir(self) -> Path:
        return self.root / "ai_cache"

    @property
    def step_cache_dir(self) -> Path:
        return self.root / "step_cache"

    @property
    def workflow_log(self) -> Path:
        return self.logs_dir / "workflow_execution.log"

    def step_log(self, spec: StepSpec) -> Path:
        return self.logs_dir / f"{spec.file_stem}.log"

    def step_report(self, spec: StepSpec) -> Path:
        return self.backlog_dir / f"{spec.file_stem}.md"

    def step_summary(self, spec: StepSpec) -> Path:
        return self.summaries_dir / f"{spec.file_stem}_summary.md"


def write_atomic(path: Path, text: str, *, durable: bool = False) -> None:
    """Write `text` to `path` so that a reader sees the old or the new file, never half of one.

    `durable` also fsyncs the data before the rename, so it survives a power cut: only the
    checkpoint needs that; reports are rewritten by every run.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(
    path: Path, data: Any, *, durable: bool = False, compact: bool = False
) -> None:
    """Strict JSON (no NaN or Infinity, see `records.dumps`) via `write_atomic`; `compact`
    uses the fast C encoder (no indentation)."""
    from ai_workflow.engine.records import dumps

    options: dict[str, Any] = {"separators": (",", ":")} if compact else {"indent": 2}
    write_atomic(path, dumps(data, **options) + "\n", durable=durable)
