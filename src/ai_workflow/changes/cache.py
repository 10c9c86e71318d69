"""The step cache: reuse a step's last successful result when its fingerprint is unchanged.

One entry per step under `.ai_workflow/step_cache/`: `<step>.json` (key, components, readable
details, the run it came from and the result) and `<step>.files.json` (the content id of every
file the step read, for `ai-workflow explain`). Both are written atomically and read back only
through their schema (`records.StepCacheEntry`): a damaged entry is a miss, with a warning.

With the shared team cache (`ai_workflow.remote`), a local miss is looked up remotely under the
fingerprint key; a remote hit is checked like a local entry and written locally, and every
stored result also goes to the remote cache.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ai_workflow.changes.fingerprint import (
    KEY_SCHEMA,
    Fingerprint,
    cacheable,
    compute_fingerprint,
)
from ai_workflow.changes.toolprobe import tool_versions
from ai_workflow.checkout import map_strings, with_checkout, without_checkout
from ai_workflow.config import Config
from ai_workflow.engine import records
from ai_workflow.engine.artifacts import Workspace, write_atomic
from ai_workflow.engine.step import StepContext, StepResult, StepSpec

if TYPE_CHECKING:
    from ai_workflow.remote import RemoteCache

REMOTE_KIND = "step"
ToolVersions = Callable[[StepContext], Mapping[str, str]]


def entry_path(cache_dir: Path, step_id: str) -> Path:
    return cache_dir / f"{step_id}.json"


def files_path(cache_dir: Path, step_id: str) -> Path:
    return cache_dir / f"{step_id}.files.json"


def _read_json(path: Path) -> Any:
    text = records.read_text(path)
    if text is None:
        return None
    try:
        return records.loads(text)
    except ValueError as exc:
        warnings.warn(f"{path}: skipped a damaged step-cache entry ({exc})", stacklevel=3)
        return None


def load_entry(cache_dir: Path, step_id: str) -> dict[str, Any] | None:
    """The stored entry of a step, or None (missing, damaged or from another key schema)."""
    path = entry_path(cache_dir, step_id)
    return checked_entry(_read_json(path), step_id, path)


def checked_entry(entry: Any, step_id: str, path: Path | str) -> dict[str, Any] | None:
    """`entry` when it is a valid entry of the step (a warning naming `path` when not)."""
    if not isinstance(entry, dict) or entry.get("schema") != KEY_SCHEMA:
        return None  # (an entry of an older layout is simply not used)
    problem = records.problem(records.StepCacheEntry, entry)
    if problem is not None or entry.get("step") != step_id:
        why = problem or f"it is the entry of step {str(entry.get('step'))[:80]!r}"
        warnings.warn(f"{path}: skipped a damaged step-cache entry ({why})", stacklevel=2)
        return None
    return entry


def load_files(cache_dir: Path, step_id: str) -> dict[str, str] | None:
    files = _read_json(files_path(cache_dir, step_id))
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in files.items()
    ):
        return None
    return files


class FingerprintCache:
    """Implements the engine's StepCache protocol."""

    def __init__(
        self,
        cache_dir: Path,
        tools: ToolVersions = tool_versions,
        remote: RemoteCache | None = None,
    ) -> None:
        self.cache_dir = cache_dir
        self.tools = tools
        self.remote = remote
        self._pending: dict[str, tuple[Fingerprint, float]] = {}  # with the lookup's time
        self._lock = threading.Lock()

    def fingerprint(self, ctx: StepContext) -> Fingerprint:
        return compute_fingerprint(ctx, self.tools)

    def vouches_for(self, spec: StepSpec) -> bool:
        """Whether this cache fingerprints the step at all (the engine's resume defers to it)."""
        return cacheable(spec)

    def lookup(self, ctx: StepContext) -> StepResult | None:
        """The stored result when the fingerprint matches; None otherwise (also on any error)."""
        if not cacheable(ctx.spec):
            return None
        try:
            current = self.fingerprint(ctx)
        except Exception as exc:  # a fingerprint problem must never fail the step
            ctx.log(f"step cache: no fingerprint ({exc!r}); the step runs")
            return None
        with self._lock:
            self._pending[ctx.spec.id] = (current, time.monotonic())
        entry = load_entry(self.cache_dir, ctx.spec.id)
        if entry is None or entry.get("key") != current.key:
            ctx.log("step cache: " + ("no entry" if entry is None else "fingerprint changed"))
            entry = self._remote_entry(ctx, current)
            if entry is None:
                return None
        try:
            result = StepResult.from_dict(entry["result"])
        except (KeyError, TypeError, ValueError) as exc:
            ctx.log(f"step cache: unreadable entry ({exc!r}); the step runs")
            return None
        result.reused_from = result.reused_from or str(entry.get("run_id"))
        ctx.log(f"step cache: fingerprint {current.key[:12]} unchanged since {result.reused_from}")
        return result

    def _remote_entry(self, ctx: StepContext, current: Fingerprint) -> dict[str, Any] | None:
        """The team cache's entry for this fingerprint, written locally; None on a miss."""
        if self.remote is None:
            return None
        payload = self.remote.get(REMOTE_KIND, current.key)
        if payload is None:
            return None
        payload = map_strings(payload, lambda text: with_checkout(text, ctx.target))
        where = f"{self.remote.settings.shown_url} {REMOTE_KIND}:{current.key[:16]}"
        entry = checked_entry(payload, ctx.spec.id, where)
        if entry is None or entry.get("key") != current.key:
            return None
        try:
            self._write_entry(ctx.spec.id, entry, current.files)
        except Exception as exc:  # reused all the same; only the local copy is missing
            ctx.log(f"step cache: remote result not stored locally ({exc!r})")
        elapsed = entry.get("elapsed_s")
        self.remote.note_saved(float(elapsed) if isinstance(elapsed, int | float) else 0.0)
        ctx.log(f"step cache: fingerprint {current.key[:12]} found in the team cache")
        return entry

    def store(self, ctx: StepContext, result: StepResult) -> None:
        """Remember a passed or warning result under the fingerprint taken before it ran."""
        if not cacheable(ctx.spec):
            return
        with self._lock:
            pending = self._pending.pop(ctx.spec.id, None)
        try:
            fingerprint, since = pending or (self.fingerprint(ctx), None)
            elapsed = time.monotonic() - since if since is not None else 0.0
            self._write(ctx, fingerprint, result, elapsed)
        except Exception as exc:  # the result stands even if it cannot be cached
            ctx.log(f"step cache: not stored ({exc!r})")

    def _write(
        self, ctx: StepContext, fingerprint: Fingerprint, result: StepResult, elapsed_s: float
    ) -> None:
        step_id = ctx.spec.id
        entry = {
            "schema": KEY_SCHEMA,
            "step": step_id,
            "key": fingerprint.key,
            "components": fingerprint.components,
            "details": fingerprint.details,
            "run_id": result.reused_from or ctx.run_id,
            "stored_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "elapsed_s": round(elapsed_s, 3),  # what running the step took: a hit saves it
            "result": result.to_dict(with_data=True),
        }
        self._write_entry(step_id, entry, fingerprint.files)
        if self.remote is not None:  # (another runner's checkout is elsewhere: `<project>`)
            shared = map_strings(entry, lambda text: without_checkout(text, ctx.target))
            self.remote.put(REMOTE_KIND, fingerprint.key, shared)

    def _write_entry(self, step_id: str, entry: dict[str, Any], files: dict[str, str]) -> None:
        records.directory_slot(self.cache_dir)
        for path in (files_path(self.cache_dir, step_id), entry_path(self.cache_dir, step_id)):
            records.file_slot(path)
        files_text = records.dumps(files, separators=(",", ":"), ensure_ascii=True)
        write_atomic(files_path(self.cache_dir, step_id), files_text)
        text = records.dumps(entry, indent=1, ensure_ascii=True)
        write_atomic(entry_path(self.cache_dir, step_id), text + "\n")


def build_step_cache(
    target: Path, config: Config, workspace: Workspace, remote: RemoteCache | None = None
) -> FingerprintCache:
    """The StepCache the engine uses when `run.step_cache` is on."""
    return FingerprintCache(workspace.step_cache_dir, remote=remote)
