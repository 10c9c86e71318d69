"""`kill -9` of a run leaves no step process running: real runs, real SIGKILL, real /proc."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from ai_workflow.engine import process, watchdog
from ai_workflow.engine.metrics import read_history

Repo = Callable[..., Path]

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs Linux /proc")


def _marked(marker: str) -> list[int]:
    """Pids of live processes whose command line holds `marker`."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    found.append(int(name))
        except OSError:
            continue
    return found


def _wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _sleeper(marker: str, n: int) -> str:
    """A shell command leaving `n` background sleeps (grandchildren of the run) in its group."""
    seconds = f"1000.{marker}"
    return " ".join(f"sleep {seconds} &" for _ in range(n)) + " wait"


def _start(repo: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ai_workflow", "run", "--target", str(repo), "--auto", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_all(marker: str) -> None:
    for pid in _marked(marker):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("parallel", [False, True])
def test_kill_9_of_a_run_kills_its_process_groups(
    parallel: bool, custom_repo: Repo, tmp_path: Path
) -> None:
    marker = str(uuid.uuid4().int % 10**9).zfill(9)
    hold = f"sleep 1000.{marker}9"
    escaped = f"setsid sleep 1000.{marker}7"  # leaves the step's group, keeps the owner token
    repo = custom_repo(
        [
            {"id": "a", "run": _sleeper(marker, 2)},
            {"id": "b", "run": f"{escaped} & {hold}"},
        ]
    )
    run = _start(repo, *(["--parallel", "--jobs", "2"] if parallel else []))
    try:
        want = 4 if parallel else 2
        assert _wait_for(lambda: len(_marked(marker)) >= want), run.stderr
        time.sleep(0.2)
        run.kill()  # SIGKILL: no clean-up of its own
        run.wait()
        assert _wait_for(lambda: not _marked(marker), timeout=10), "orphans left running"
    finally:
        _kill_all(marker)
        run.kill()


def _watchdog_of(pid: int) -> int:
    found: list[int] = []  # polled: on a loaded machine /proc may lag behind the spawn
    if not _wait_for(lambda: bool(found.extend(_children_named(pid, b"watchdog.py")) or found)):
        raise AssertionError("no watchdog found")
    return found[0]


def _children_named(pid: int, word: bytes) -> list[int]:
    children = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as handle:
                cmdline = handle.read()
            with open(f"/proc/{name}/stat", "rb") as handle:
                ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid and word in cmdline:
            children.append(int(name))
    return children


def test_the_next_run_kills_what_a_dead_run_left_and_says_so(custom_repo: Repo) -> None:
    marker = str(uuid.uuid4().int % 10**9).zfill(9)
    repo = custom_repo([{"id": "a", "run": _sleeper(marker, 2)}, {"id": "quick", "run": "true"}])
    run = _start(repo, "--steps", "a")
    try:
        assert _wait_for(lambda: len(_marked(marker)) >= 2)
        os.kill(_watchdog_of(run.pid), signal.SIGKILL)  # the run and its watchdog both die
        time.sleep(0.2)
        run.kill()
        run.wait()
        time.sleep(0.5)
        assert len(_marked(marker)) >= 2, "without a watchdog the group outlives the run"
        second = subprocess.run(
            [sys.executable, "-m", "ai_workflow", "run", "--target", str(repo), "--auto",
             "--steps", "quick"],
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert second.returncode == 0, second.stderr
        assert "left 1 process group(s) running" in second.stderr
        assert "killed them" in second.stderr
        assert _wait_for(lambda: not _marked(marker), timeout=10)
        dead = read_history(repo)[0]
        assert dead["status"] == "interrupted" and "processes" not in dead
    finally:
        _kill_all(marker)
        run.kill()


def test_only_provably_own_groups_are_killed() -> None:
    """A recorded pgid whose leader started at another time is another program's (a reused
    pid), and a process without the run's owner token is not the run's."""
    other = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        start = watchdog.process_start(other.pid)
        assert start is not None
        assert watchdog.leftover_groups(None, [(other.pid, start + 1)]) == []
        assert watchdog.leftover_groups("boot:1:2", [(other.pid, None)]) == []
        assert watchdog.leftover_groups(None, [(other.pid, start)]) == [other.pid]
        assert other.poll() is None  # finding is not killing
    finally:
        other.kill()
        other.wait()


def test_commands_carry_the_owner_token_and_live_groups_are_listed(tmp_path: Path) -> None:
    seen: list[list[int]] = []
    process.add_group_listener(lambda: seen.append([g.pgid for g in process.live_groups()]))
    result = process.run_command(
        ["sh", "-c", f'printf %s "${process.OWNER_VARIABLE}"'], cwd=tmp_path
    )
    assert result.stdout == process.owner_token()
    assert seen and seen[-1]  # the group was listed while it ran
    assert not process.live_groups()
    process._listeners.pop()
