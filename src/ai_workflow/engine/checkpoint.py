"""Checkpoints (resume an interrupted or failed run) and the one-run-per-target lock.

A checkpoint is JSON data written atomically after every step; it is never executed, and it is
read back only through its schema (`records.CheckpointRecord`): a damaged one is skipped with
a warning. Taking the lock also checks the layout of `.ai_workflow/`: an entry replaced by the
wrong kind of file is moved aside (see `records`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import filelock

from ai_workflow import textfiles
from ai_workflow.engine import records
from ai_workflow.engine.artifacts import write_atomic
from ai_workflow.engine.step import OK_STATUSES, StepResult, StepSpec
from ai_workflow.errors import UsageError
from ai_workflow.workdir import workdir

CHECKPOINT_SCHEMA = "ai-workflow/checkpoint@1"
RETENTION_S = 7 * 24 * 3600
RESUMABLE = ("failed", "interrupted", "running")


def checkpoints_dir(target: Path) -> Path:
    return workdir(target) / "checkpoints"


@dataclass
class Checkpoint:
    run_id: str
    status: str  # running | failed | interrupted | passed
    tree_state: str | None
    step_hashes: dict[str, str] = field(default_factory=dict)
    results: dict[str, StepResult] = field(default_factory=dict)
    updated_at: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": CHECKPOINT_SCHEMA,
            "run_id": self.run_id,
            "status": self.status,
            "tree_state": self.tree_state,
            "step_hashes": self.step_hashes,
            "results": [r.to_dict(with_raw=True) for r in self.results.values()],
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_dict(cls, raw: Any) -> Checkpoint:
        """Raises ValueError saying what is wrong when `raw` is no valid checkpoint."""
        if not isinstance(raw, dict):
            raise ValueError("not a checkpoint object")
        if raw.get("schema") != CHECKPOINT_SCHEMA:
            raise ValueError(f"unknown checkpoint schema {repr(raw.get('schema'))[:80]}")
        problem = records.problem(records.CheckpointRecord, raw)
        if problem is not None:
            raise ValueError(problem)
        results = [StepResult.from_dict(r) for r in raw.get("results", [])]
        return cls(
            run_id=str(raw["run_id"]),
            status=str(raw["status"]),
            tree_state=raw.get("tree_state"),
            step_hashes=dict(raw.get("step_hashes", {})),
            results={r.id: r for r in results},
            updated_at=float(raw.get("updated_at", 0.0)),
        )

    def save(self, target: Path, durable: bool = True) -> None:
        """Write atomically; `durable` also fsyncs (skipped when what was added costs nothing
        to redo, such as a reused result: atomic is enough then)."""
        self.updated_at = time.time()
        path = records.directory_slot(checkpoints_dir(target)) / f"{self.run_id}.json"
        records.file_slot(path)
        text = records.dumps(self.to_dict(), separators=(",", ":")) + "\n"
        write_atomic(path, text, durable=durable)

    def reusable(self, step_id: str, tree_state: str | None, step_hash: str) -> StepResult | None:
        """This checkpoint's result for a step, if it succeeded and nothing it saw changed."""
        result = self.results.get(step_id)
        if result is None or result.status not in OK_STATUSES or tree_state is None:
            return None
        if tree_state != self.tree_state or self.step_hashes.get(step_id) != step_hash:
            return None
        return result


def _checkpoint_files(target: Path) -> list[Path]:
    """The checkpoint files; anything else in their place (a directory) is moved aside."""
    folder = checkpoints_dir(target)
    try:
        if not folder.is_dir() or folder.is_symlink():
            if os.path.lexists(folder):
                records.directory_slot(folder)
            return []
        return [path for path in sorted(folder.glob("*.json")) if records.file_slot(path)]
    except OSError:
        return []


def load_checkpoints(target: Path) -> list[Checkpoint]:
    """Every readable checkpoint, newest first; corrupt ones are skipped with a warning."""
    found = []
    for path in _checkpoint_files(target):
        try:
            # raw read: our own checkpoint, a regular file (records.file_slot checked)
            checkpoint = Checkpoint.from_dict(records.loads(path.read_bytes()))
            if checkpoint.run_id != path.stem:
                raise ValueError(f"it holds run {checkpoint.run_id}")
            found.append(checkpoint)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            warnings.warn(f"skipped unreadable checkpoint {path.name}: {exc}", stacklevel=2)
    return sorted(found, key=lambda c: (c.updated_at, c.run_id), reverse=True)


def find_resumable(target: Path) -> Checkpoint | None:
    """The newest checkpoint of a run that did not complete, if any."""
    return next((c for c in load_checkpoints(target) if c.status in RESUMABLE), None)


def clear_checkpoints(target: Path, keep: str | None = None) -> None:
    """Remove every checkpoint but `keep`'s: a finished run supersedes all earlier ones."""
    for path in _checkpoint_files(target):
        if path.stem != keep:
            path.unlink(missing_ok=True)


def prune_checkpoints(target: Path, now: float | None = None) -> int:
    """Delete checkpoint files older than seven days; returns how many."""
    cutoff = (now or time.time()) - RETENTION_S
    removed = 0
    for path in _checkpoint_files(target):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def step_hash(spec: StepSpec, config_json: str) -> str:
    """What a step's configuration looks like; a change means a checkpointed result is stale."""
    payload = json.dumps([repr(spec), config_json], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def tree_state(target: Path, commit: str | None, files: Iterable[str]) -> str:
    """A fingerprint of the commit plus every project file's size and modification time."""
    digest = hashlib.sha256((commit or "no-commit").encode())
    for rel in files:
        try:
            st = (target / rel).stat()
        except OSError:
            continue
        digest.update(f"\0{rel}\0{st.st_size}\0{st.st_mtime_ns}".encode(errors="surrogateescape"))
    return digest.hexdigest()[:24]


WORKSPACE_DIRS = (
    "backlog", "summaries", "logs", "prompts", "proposals", "metrics", "checkpoints",
    "ai_cache", "step_cache", "tool_state",
)  # fmt: skip
"""Directories of `.ai_workflow/` (`artifacts.Workspace`, plus test_execution's tool state)."""


class RunLock:
    """One run per target. The OS releases the lock when its process dies, so a stale lock of a
    crashed run is simply taken over."""

    def __init__(self, target: Path) -> None:
        self.root = workdir(target)
        self._lock = filelock.FileLock(str(self.root / "run.lock"), timeout=0)

    def __enter__(self) -> RunLock:
        try:
            if os.path.lexists(self.root) and not self.root.is_dir():
                raise OSError(f"{self.root} is no directory")
            self.root.mkdir(parents=True, exist_ok=True)
            ignore = self.root / ".gitignore"
            if not records.file_slot(ignore):  # keep our artifacts out of `git status`
                write_atomic(ignore, "# written by ai-workflow\n*\n")
            records.file_slot(self.root / "run.lock")
            records.file_slot(self.root / "run.pid")
        except OSError as exc:
            raise UsageError(f"cannot use {self.root} for the run's files: {exc}") from None
        for name in WORKSPACE_DIRS:  # an entry of the wrong kind is moved aside
            path = self.root / name
            if os.path.lexists(path) and not (path.is_dir() and not path.is_symlink()):
                records.directory_slot(path)
        try:
            self._lock.acquire()
        except filelock.Timeout:
            owner = self._owner()
            raise UsageError(
                f"another ai-workflow run{owner} is using {self.root.parent}; "
                "wait for it to finish or stop it"
            ) from None
        write_atomic(self.root / "run.pid", str(os.getpid()))
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            (self.root / "run.pid").unlink(missing_ok=True)
        self._lock.release()

    def _owner(self) -> str:
        try:
            return f" (pid {int(textfiles.read_text(self.root / 'run.pid').strip())})"
        except ValueError:
            return ""
