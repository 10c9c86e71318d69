"""Leftover processes of a run that died: find them for sure, then kill their process groups.

Run as a script (`python -I -S watchdog.py OWNER`), this module is the run's watchdog: a small
process in a session of its own that reads `+PGID START` / `-PGID` lines on stdin as the run
starts and ends process groups. Its stdin is a pipe only the run holds, so end of file means
the run is gone, however it ended (`kill -9` included): the watchdog then kills every group
still registered and every process whose environment carries the run's owner token (which
`process.run_command` gives every command), so nothing a run started outlives it. Imported, it
gives the next run the same clean-up for a run whose watchdog died with it.

A process is only killed when it is provably the run's: its process group was registered and
its leader still has the start time recorded (a pid reused by another program has another), or
it carries the owner token (boot id, pid and start time of the run's own process). Standard
library only: the script runs without site packages.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass

OWNER_VARIABLE = "AI_WORKFLOW_OWNER"
KILL_GRACE_S = 2.0
POLL_S = 0.05


@dataclass(frozen=True)
class ProcInfo:
    pid: int
    pgid: int
    start: int  # clock ticks after boot


def boot_id() -> str | None:
    try:
        # raw read: /proc, the kernel's
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read().strip() or None
    except OSError:
        return None


def _stat(pid: int) -> ProcInfo | None:
    """pid, process group and start time from /proc/<pid>/stat (None: gone, or no /proc)."""
    try:
        # raw read: /proc, the kernel's
        with open(f"/proc/{pid}/stat", "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    fields = raw[raw.rfind(b")") + 2 :].split()  # the command name may hold spaces and ")"
    try:
        return ProcInfo(pid, int(fields[2]), int(fields[19]))
    except (IndexError, ValueError):
        return None


def process_start(pid: int) -> int | None:
    """When `pid` started (clock ticks after boot), or None."""
    info = _stat(pid)
    return info.start if info else None


def owner_token(pid: int) -> str:
    """Who started a command: boot, pid and start time of the run's process (unique per boot)."""
    return f"{(boot_id() or 'noboot')[:8]}:{pid}:{process_start(pid) or 0}"


def _processes() -> list[ProcInfo]:
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    found = []
    for name in names:
        if name.isdigit():
            info = _stat(int(name))
            if info is not None:
                found.append(info)
    return found


def _carries(pid: int, marker: bytes) -> bool:
    try:
        # raw read: /proc, the kernel's
        with open(f"/proc/{pid}/environ", "rb") as handle:
            return marker in handle.read().split(b"\0")
    except OSError:
        return False


def leftover_groups(token: str | None, groups: Iterable[tuple[int, int | None]]) -> list[int]:
    """The process groups, alive now, that provably belong to the run of `token` (see the
    module docstring). `groups` are (pgid, start time of its leader) as the run recorded them."""
    procs = _processes()
    by_group: dict[int, list[ProcInfo]] = {}
    for info in procs:
        by_group.setdefault(info.pgid, []).append(info)
    own = {os.getpgrp(), os.getpid()}
    found: set[int] = set()
    for pgid, start in groups:
        members = by_group.get(pgid, [])
        leader = next((m for m in members if m.pid == pgid), None)
        if leader is not None and start is not None and leader.start == start:
            found.add(pgid)
        elif leader is None and start is not None and any(m.start >= start for m in members):
            found.add(pgid)  # the leader exited; a pgid is never reused while members live
    if token:
        marker = f"{OWNER_VARIABLE}={token}".encode()
        found.update(info.pgid for info in procs if _carries(info.pid, marker))
    return sorted(found - own)


def kill_groups(pgids: Iterable[int], grace_s: float = KILL_GRACE_S) -> None:
    """SIGTERM every group at once, SIGKILL what is left after `grace_s`."""
    alive = set()
    for pgid in pgids:
        try:
            os.killpg(pgid, signal.SIGTERM)
            alive.add(pgid)
        except (ProcessLookupError, PermissionError):
            continue
    deadline = time.monotonic() + grace_s
    while alive and time.monotonic() < deadline:
        time.sleep(POLL_S)
        for pgid in list(alive):
            try:
                os.killpg(pgid, 0)
            except (ProcessLookupError, PermissionError):
                alive.discard(pgid)
    for pgid in alive:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            continue


def kill_leftovers(token: str | None, groups: Iterable[tuple[int, int | None]]) -> list[int]:
    """Kill what a dead run left running; the process groups killed."""
    found = leftover_groups(token, groups)
    kill_groups(found)
    return found


def watch(token: str, lines: Iterable[bytes]) -> None:
    """Follow the run's `+PGID START` / `-PGID` lines; at their end, kill what is left."""
    groups: dict[int, int | None] = {}
    for line in lines:
        parts = line.split()
        try:
            if len(parts) >= 2 and parts[0] == b"+":
                groups[int(parts[1])] = int(parts[2]) if len(parts) > 2 else None
            elif len(parts) == 2 and parts[0] == b"-":
                groups.pop(int(parts[1]), None)
        except ValueError:
            continue
    if os.path.isdir("/proc"):
        kill_leftovers(token, groups.items())
    else:  # nothing to verify against: the run ended a moment ago, its pgids are still its own
        kill_groups(groups)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the run; the run tells us
    watch(sys.argv[1], sys.stdin.buffer)
