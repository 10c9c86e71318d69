"""Subprocesses that can always be stopped: own process group, timeout, cancellation.

No process outlives the run that started it, even a run killed with SIGKILL: every command
runs in a process group of its own, carries the run's owner token in its environment
(`AI_WORKFLOW_OWNER`), and its group is registered with the run's watchdog
(`engine.watchdog`), which kills what is left when the run's process is gone. The live groups
are also listed in the live run file (see `add_group_listener`), so the next run can kill what
a run left whose watchdog died with it.

(Why not PR_SET_PDEATHSIG in each child: it needs a `preexec_fn`, which makes every command
start with fork() instead of vfork(), measured at +3.5 ms per command in a 105 MB process, and
it reaches only the direct child, not the rest of its group.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ai_workflow.engine import watchdog
from ai_workflow.errors import StepCancelled

KILL_GRACE_S = 2.0
POLL_S = 0.05
OWNER_VARIABLE = watchdog.OWNER_VARIABLE


@dataclass(frozen=True)
class GroupRecord:
    """A live process group: its id and when its leader started (None without /proc)."""

    pgid: int
    start: int | None

    def to_dict(self) -> dict[str, int | None]:
        return {"pgid": self.pgid, "start": self.start}


_live_groups: dict[int, GroupRecord] = {}
_live_lock = threading.Lock()
_listeners: list[Callable[[], None]] = []
_owner: tuple[int, str] | None = None


def owner_token() -> str:
    """This process's owner token (boot id, pid, start time), given to every command."""
    global _owner
    pid = os.getpid()
    if _owner is None or _owner[0] != pid:  # a forked child is another owner
        _owner = (pid, watchdog.owner_token(pid))
    return _owner[1]


def live_groups() -> list[GroupRecord]:
    """The process groups started through `run_command` that are running now."""
    with _live_lock:
        return sorted(_live_groups.values(), key=lambda g: g.pgid)


def add_group_listener(listener: Callable[[], None]) -> None:
    """Call `listener` (from the starting thread) whenever a process group starts."""
    _listeners.append(listener)


def kill_leftovers(token: str | None, groups: Iterable[tuple[int, int | None]]) -> list[int]:
    """Kill the processes a dead run left (see `engine.watchdog`); the process groups killed."""
    return watchdog.kill_leftovers(token, groups)


class _Watchdog:
    """The process that kills this process's groups when it dies, however it dies."""

    SCRIPT = str(Path(watchdog.__file__).resolve())

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid: int | None = None  # the process that started it (a fork needs its own)
        self._fd: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    def send(self, line: str) -> None:
        with self._lock:
            if self._pid != os.getpid():
                self._start()
            if self._fd is None:
                return
            try:
                os.write(self._fd, line.encode())
            except OSError:  # it died: the live run file is the fallback
                os.close(self._fd)
                self._fd = None

    def _start(self) -> None:
        if self._fd is not None:  # a forked child's copy of its parent's pipe: not ours
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._pid, self._fd = os.getpid(), None
        if not sys.executable:
            return
        read_end, write_end = os.pipe()  # only this process holds the write end
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-I", "-S", self.SCRIPT, owner_token()],
                stdin=read_end,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C or a kill of our group does not reach it
            )
        except OSError:
            os.close(write_end)
            return
        finally:
            os.close(read_end)
        self._fd = write_end


_watchdog = _Watchdog()


def _register(pgid: int) -> None:
    record = GroupRecord(pgid, watchdog.process_start(pgid))
    with _live_lock:
        _live_groups[pgid] = record
    _watchdog.send(f"+ {pgid} {record.start if record.start is not None else ''}\n")
    for listener in list(_listeners):
        with contextlib.suppress(Exception):  # recording must never fail a command
            listener()


def _unregister(pgid: int) -> None:
    with _live_lock:
        _live_groups.pop(pgid, None)
    _watchdog.send(f"- {pgid}\n")


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
    full_env = {**os.environ, **(env or {}), OWNER_VARIABLE: owner_token()}
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
    _register(proc.pid)
    if scope is not None and not scope.track(proc.pid):
        kill_group(proc.pid, grace_s=0.5)
        _unregister(proc.pid)
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
        _unregister(proc.pid)
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
