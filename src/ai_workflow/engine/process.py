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
) -> CommandResult:
    """Run `args`, capture its output, and kill its whole process group on timeout or cancel.

    Raises StepCancelled when `cancel` is set while it runs. A command that cannot be started
    (not found, not executable) returns returncode 127 with the reason in stderr.
    """
    shown = args if isinstance(args, str) else " ".join(args)
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
        with _live_lock:
            _live_groups.discard(proc.pid)
        if proc.poll() is None:
            kill_group(proc.pid, grace_s=0.5)
    duration = time.monotonic() - start
    if log:
        for stream in (out, err):
            if stream:
                log(stream.rstrip("\n"))
        note = f" (timed out after {timeout:g}s)" if timed_out else ""
        log(f"exit {proc.returncode} in {duration:.2f}s{note}")
    return CommandResult(args, proc.returncode, out, err, duration, timed_out)
