"""What the tool reads back from `.ai_workflow/`: schemas, strict JSON, and damaged files.

Every record read from disk (a history line, the live run file, a checkpoint, a step-cache
entry) is validated against its schema here before anything uses it; one that does not match
is skipped with a warning naming the file (and line), never trusted. (AI cache entries have
their schema in `ai.cache`.) JSON is written strictly: NaN and Infinity are no JSON, so a
non-finite number is written as null; reading refuses them too.

A state file or directory replaced by something else (a directory where a file belongs, a file
where a directory belongs, a FIFO, a symlink) is moved aside as `<name>.corrupt-<time>` with a
warning and a fresh one is used: a run repairs its own state, and never writes through a link.
Only when it cannot even be moved is it the user's to fix (a UsageError: exit 2).
"""

from __future__ import annotations

import json
import math
import os
import stat
import time
import warnings
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ai_workflow.errors import UsageError

RUN_ID_PATTERN = r"^workflow_\d{8}_\d{6}(?:_\d+)?$"

# --------------------------------------------------------------------------- strict JSON


def finite(value: Any) -> Any:
    """`value` with every non-finite float replaced by None (recursively)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def dumps(data: Any, **options: Any) -> str:
    """`json.dumps` that never writes NaN or Infinity (they become null); `default=str`."""
    options.setdefault("default", str)
    try:
        return json.dumps(data, allow_nan=False, **options)
    except ValueError:  # a non-finite number somewhere: the rare slow path
        return json.dumps(finite(data), allow_nan=False, **options)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(text: str | bytes) -> Any:
    """`json.loads` refusing NaN and Infinity; any failure is a ValueError."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


# --------------------------------------------------------------------------- damaged files


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISLNK(mode):
        return "a symlink"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    return "a regular file" if stat.S_ISREG(mode) else "a special file"


def quarantine(path: Path, problem: str) -> Path:
    """Move `path` aside as `<name>.corrupt-<time>` with one warning; the new path."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while os.path.lexists(aside):
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return aside  # another run moved it first
    except OSError as exc:
        raise UsageError(f"{path} {problem} and cannot be moved aside ({exc}); remove it") from None
    warnings.warn(f"{path} {problem}: moved aside to {aside.name}", stacklevel=3)
    return aside


def file_slot(path: Path) -> bool:
    """Make sure `path` is a regular file or absent (moving anything else aside); whether a
    file is there to read."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):  # (a parent that is no directory yet)
        return False
    except OSError as exc:
        raise UsageError(f"cannot use {path}: {exc}") from None
    if stat.S_ISREG(mode):
        return True
    quarantine(path, f"is {_kind(mode)}, not a file")
    return False


def directory_slot(path: Path) -> Path:
    """Make sure `path` is a directory (created if absent, anything else moved aside)."""
    try:
        mode = os.lstat(path).st_mode
        if not stat.S_ISDIR(mode):
            quarantine(path, f"is {_kind(mode)}, not a directory")
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise UsageError(f"cannot use {path}: {exc}") from None
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_text(path: Path) -> str | None:
    """A state file's text, None when absent or unreadable (a non-file is moved aside)."""
    if not file_slot(path):
        return None
    try:
        # raw read: our own state file, a regular file (file_slot moved anything else aside)
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


# --------------------------------------------------------------------------- schemas


class _Record(BaseModel):
    """Strictly typed, finite numbers; fields the readers do not use may be anything."""

    model_config = ConfigDict(strict=True, allow_inf_nan=False, extra="allow")


Seconds = Annotated[float, Field(ge=0)]
Status = Literal[
    "passed", "warning", "failed", "skipped", "reused", "not_run", "interrupted", "planned"
]  # StepStatus's values (a test keeps them equal; strict mode takes no str for an enum)


class FindingRecord(_Record):
    rule: str
    severity: Literal["error", "warning", "info"]
    message: str
    path: str | None = None
    line: int | None = None
    step: str = ""
    source: str = "check"
    extra: dict[str, Any] = Field(default_factory=dict)


class StepRecord(_Record):
    """A step as a run summary lists it (what history readers use of it)."""

    id: str
    status: Status
    number: int | None = None
    name: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    duration_s: Seconds | None = None
    reason: str | None = None
    reused_from: str | None = None


class StepResultRecord(StepRecord):
    """A full step result, as checkpoints and the step cache keep it (`StepResult.from_dict`)."""

    number: int
    name: str
    summary: str = ""
    findings: list[FindingRecord] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)
    checked: list[str] = Field(default_factory=list)
    skipped_checks: list[str] = Field(default_factory=list)
    incomplete: bool = False


class GitRecord(_Record):
    commit: str | None = None
    branch: str | None = None
    dirty: bool | None = None


class GroupEntry(_Record):
    pgid: int = Field(gt=1)
    start: int | None = Field(default=None, ge=0)


class ProcessesRecord(_Record):
    """The live process groups of a running run and its owner token (`engine.process`)."""

    owner: str | None = None
    groups: list[GroupEntry] = Field(default_factory=list)


class RunRecord(_Record):
    """A run summary: one line of `history.jsonl`, or the live `current_run.json`."""

    run_id: str = Field(min_length=1, max_length=200)
    status: str
    started_at: str | None = None
    ended_at: str | None = None
    duration_s: Seconds | None = None
    options: dict[str, Any] | None = None
    git: GitRecord | None = None
    steps: list[StepRecord] = Field(default_factory=list)
    estimates: dict[str, Seconds] | None = None
    processes: ProcessesRecord | None = None


class CheckpointRecord(_Record):
    schema_: Literal["ai-workflow/checkpoint@1"] = Field(alias="schema")
    run_id: str = Field(pattern=RUN_ID_PATTERN)
    status: Literal["running", "failed", "interrupted", "passed"]
    tree_state: str | None = None
    step_hashes: dict[str, str] = Field(default_factory=dict)
    results: list[StepResultRecord] = Field(default_factory=list)
    updated_at: Seconds = 0.0


class StepCacheEntry(_Record):
    schema_: Literal["ai-workflow/step-fingerprint@1"] = Field(alias="schema")
    step: str
    key: str = Field(pattern=r"^[0-9a-f]{64}$")
    components: dict[str, str] = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict)
    run_id: str | None = None
    stored_at: str | None = None
    result: StepResultRecord


def problem(model: type[BaseModel], data: Any) -> str | None:
    """Why `data` is no valid `model` record ("steps.0.status: Input should be ..."), or None."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        return f"{where}: {first['msg']}{more}"
    return None
