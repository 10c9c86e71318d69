"""Subprocesses that can always be stopped: own process group, timeout, cancellation."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ai_workflow.errors import StepCancelled

KILL_GRACE_S = 2.0
POLL_S = 0.05

_live_groups: set[int] = set()
_live_lock = threading.Lock()


@dataclass(frozen=True)
class CommandResult:
    args: Sequence[str] | str
    returncode: int
    stdout: str
    stderr: str
    duration_s: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def kill_group(pgid: int, grace_s: float = KILL_GRACE_S) -> None:
    """SIGTERM a process group, then SIGKILL whatever is left after `grace_s`."""
    try:
        os.killpg(pgid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(POLL_S)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


class CancelScope(threading.Event):
    """A step's cancel event that also knows the process groups the step started.

    The scheduler sets it on timeout, --fail-fast or Ctrl-C: from then on `run_command` starts
    nothing more in this scope, and `close()` kills every group still alive, so no process of a
    step outlives the run even when the step's thread never notices the cancel.
    """

    def __init__(self) -> None:
        super().__init__()
        self._groups: set[int] = set()
        self._groups_lock = threading.Lock()

    def track(self, pgid: int) -> bool:
        """Remember a started group; False (the caller must kill it) once cancelled."""
        with self._groups_lock:
            if self.is_set():
                return False
            self._groups.add(pgid)
            return True

    def untrack(self, pgid: int) -> None:
        with self._groups_lock:
            self._groups.discard(pgid)

    def _cancel(self) -> list[int]:
        with self._groups_lock:
            self.set()
            return list(self._groups)

    def terminate(self) -> list[int]:
        """Cancel, and SIGTERM every live group now without waiting for it to end; the groups."""
        groups = self._cancel()
        for pgid in groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGTERM)
        return groups

    def close(self, grace_s: float = KILL_GRACE_S) -> None:
        """Cancel, and kill every live group (SIGTERM to all at once, then SIGKILL to what is
        left after `grace_s`)."""
        for pgid in self.terminate():
            kill_group(pgid, grace_s=grace_s)


def kill_all_groups() -> None:
    """Stop every process group started through `run_command` (used on Ctrl-C)."""
    with _live_lock:
        groups = list(_live_groups)
    for pgid in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGTERM)
    for pgid in groups:
        kill_group(pgid, grace_s=1.0)


def run_command(
    args: Sequence[str] | str,
    *,
    cwd: Path,
    timeout: float | None = None,
    env: Mapping[str, str] | None = None,
    shell: bool = False,
    cancel: threading.Event | None = None,
    log: Callable[[str], None] | None = None,
    scope: CancelScope | None = None,
) -> CommandResult:
    """Run `args`, capture its output, and kill its whole process group on timeout or cancel.

    Raises StepCancelled when `cancel` is set before or while it runs. The group is tracked by
    `scope` (by default `cancel`, when it is a CancelScope), which kills it when closed even if
    `cancel` is not checked. A command that cannot be started (not found, not executable)
    returns returncode 127 with the reason in stderr.
    """
    shown = args if isinstance(args, str) else " ".join(args)
    if scope is None and isinstance(cancel, CancelScope):
        scope = cancel
    if (cancel is not None and cancel.is_set()) or (scope is not None and scope.is_set()):
        raise StepCancelled(f"cancelled before running: {shown}")
    if log:
        log(f"$ {shown}")
    full_env = {**os.environ, **env} if env is not None else None
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            args,
            cwd=cwd,
            env=full_env,
            shell=shell,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        )
    except OSError as exc:
        if log:
            log(f"cannot start: {exc}")
        return CommandResult(args, 127, "", str(exc), time.monotonic() - start)
    with _live_lock:
        _live_groups.add(proc.pid)
    if scope is not None and not scope.track(proc.pid):
        with _live_lock:
            _live_groups.discard(proc.pid)
        kill_group(proc.pid, grace_s=0.5)
        proc.communicate()
        raise StepCancelled(f"cancelled while starting: {shown}")
    timed_out = False
    try:
        while True:
            try:
                out, err = proc.communicate(timeout=POLL_S * 4)
                break
            except subprocess.TimeoutExpired:
                if cancel is not None and cancel.is_set():
                    kill_group(proc.pid)
                    proc.communicate()
                    raise StepCancelled(f"cancelled while running: {shown}") from None
                if timeout is not None and time.monotonic() - start > timeout:
                    timed_out = True
                    kill_group(proc.pid)
                    out, err = proc.communicate()
                    break
    finally:
        # Whatever the command left behind in its group (a background child) dies with it.
        proc.poll()  # reap the leader if it has exited, so only live members keep the group
        kill_group(proc.pid, grace_s=0.5)
        with _live_lock:
            _live_groups.discard(proc.pid)
        if scope is not None:
            scope.untrack(proc.pid)
    duration = time.monotonic() - start
    if log:
        for stream in (out, err):
            if stream:
                log(stream.rstrip("\n"))
        note = f" (timed out after {timeout:g}s)" if timed_out else ""
        log(f"exit {proc.returncode} in {duration:.2f}s{note}")
    return CommandResult(args, proc.returncode, out, err, duration, timed_out)
