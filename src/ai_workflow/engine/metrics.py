"""Run metrics: `current_run.json` while a run goes on, one line per run in `history.jsonl`.

Both are read back only through their schema (`records.RunRecord`): a history line that is not
a run record is skipped with a warning naming the file and line, and a damaged live file is
never copied into the history. While a run goes on, its live file also lists the process
groups it has running (rewritten whenever one starts), so the next run can kill what a run
killed outright left behind.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import threading
import warnings
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ai_workflow.engine import process, records
from ai_workflow.engine.artifacts import write_atomic
from ai_workflow.engine.step import StepResult
from ai_workflow.workdir import workdir

SUMMARY_SCHEMA = "ai-workflow/run-summary@1"
HISTORY_FILE = "history.jsonl"
CURRENT_FILE = "current_run.json"


def metrics_dir(target: Path) -> Path:
    return workdir(target) / "metrics"


def read_history(target: Path) -> list[dict[str, Any]]:
    """Every run recorded for `target`, oldest first. A line that is not a valid run record
    is skipped with a warning naming the file and line."""
    path = metrics_dir(target) / HISTORY_FILE
    if not records.file_slot(path):
        return []
    runs: list[dict[str, Any]] = []
    # raw read: our own history, a regular file (records.file_slot above)
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                run = records.loads(line)
            except ValueError:
                warnings.warn(f"{path}:{number}: skipped a corrupt history line", stacklevel=2)
                continue
            if not isinstance(run, dict) or "run_id" not in run:
                warnings.warn(
                    f"{path}:{number}: skipped a history line without run_id", stacklevel=2
                )
                continue
            problem = records.problem(records.RunRecord, run)
            if problem is not None:
                warnings.warn(
                    f"{path}:{number}: skipped a history line that is no valid run record "
                    f"({problem})",
                    stacklevel=2,
                )
                continue
            runs.append(run)
    return runs


HISTORY_STEP_KEYS = (
    "id", "number", "name", "status", "started_at", "ended_at", "duration_s", "reason",
    "summary", "reused_from",
)  # fmt: skip
"""What a history line keeps of each step: findings stay in the run's own files."""
HISTORY_TEXT_LIMIT = 500
"""A step's reason or summary in a history line is cut to this many characters."""


def history_record(summary: Mapping[str, Any]) -> dict[str, Any]:
    """A run summary as its compact history line: the run's own keys, and per step its status,
    timing, reason and finding counts (`finding_counts`), never the findings themselves (they
    are in the run's `findings.json`), nor the full list of changed files."""
    record = dict(summary)
    record["steps"] = [_history_step(step) for step in summary.get("steps") or []]
    changes = summary.get("changes")
    if isinstance(changes, Mapping) and "files" in changes:
        record["changes"] = {k: v for k, v in changes.items() if k != "files"}
    return record


def _history_step(step: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in HISTORY_STEP_KEYS:
        value = step.get(key)
        if isinstance(value, str) and len(value) > HISTORY_TEXT_LIMIT:
            value = value[: HISTORY_TEXT_LIMIT - 1] + "…"
        if key in step:
            out[key] = value
    findings = step.get("findings")
    if isinstance(findings, list):
        out["finding_counts"] = finding_counts(findings)
    elif isinstance(step.get("finding_counts"), Mapping):
        out["finding_counts"] = dict(step["finding_counts"])
    return out


def finding_counts(findings: Iterable[Any]) -> dict[str, int]:
    """Findings (as dicts) by severity, baselined ones counted apart (as in the summary)."""
    counts = {"error": 0, "warning": 0, "info": 0, "baselined": 0}
    for finding in findings:
        if not isinstance(finding, Mapping):
            continue
        if finding.get("baselined"):
            counts["baselined"] += 1
        elif finding.get("severity") in counts:
            counts[str(finding["severity"])] += 1
    return counts


TAIL_BLOCK = 1 << 20


def read_recent_history(target: Path, runs: int, block: int = TAIL_BLOCK) -> list[dict[str, Any]]:
    """The last `runs` runs recorded for `target`, oldest first, read from the end of the file:
    a long history is not parsed whole (older versions' lines held every finding of a run).
    Lines that are no valid run record are skipped quietly (`read_history`, at the start of each
    run, reports them); a history that is no regular file is moved aside, never opened."""
    path = metrics_dir(target) / HISTORY_FILE
    if not records.file_slot(path):
        return []
    try:
        # raw read: our own history, a regular file (records.file_slot above)
        handle = path.open("rb")
    except OSError:
        return []
    found: list[dict[str, Any]] = []
    with handle:
        pos = handle.seek(0, os.SEEK_END)
        rest = b""  # the start of a line whose beginning is in the block before
        while pos > 0 and len(found) < runs:
            size = min(block, pos)
            pos -= size
            handle.seek(pos)
            lines = (handle.read(size) + rest).split(b"\n")
            rest = lines.pop(0) if pos > 0 else b""
            for line in reversed(lines):
                run = _parse_line(line)
                if run is not None:
                    found.append(run)
    return found[:runs][::-1]


def _parse_line(line: bytes) -> dict[str, Any] | None:
    if not line.strip():
        return None
    try:
        run = records.loads(line.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    if not isinstance(run, dict) or "run_id" not in run:
        return None
    return run if records.problem(records.RunRecord, run) is None else None


def append_history(target: Path, summary: Mapping[str, Any]) -> None:
    """Append one run as a single JSON line (O_APPEND, so concurrent writers never interleave).

    The line always starts a line of its own: after a truncated last line (a crash mid-write,
    a hand edit) only that line is corrupt, never the record appended after it. A history
    that is no file (a directory, a symlink) is moved aside first: nothing is written through
    a link.
    """
    path = records.directory_slot(metrics_dir(target)) / HISTORY_FILE
    records.file_slot(path)
    line = records.dumps(history_record(summary), separators=(",", ":")) + "\n"
    # raw read: our own history, appended to; O_NOFOLLOW
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = "\n" + line
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


DIED_REASON = "its process died before the run ended (killed, or the machine stopped)"


def record_dead_run(
    target: Path, live_run_id: str, history: Sequence[Mapping[str, Any]]
) -> str | None:
    """Append the history line a dead run could not write; its run id, or None. `history`
    is what `read_history` gave this run. Processes the dead run left running are killed, with
    a warning saying so.

    A run killed with SIGKILL (or by a power cut) leaves `current_run.json` saying `running`
    and no history line. Called with the run lock held, so that run is surely dead: its last
    live summary is recorded as `interrupted`, ending at the file's last write. A live record
    that is not a valid run record is not copied into the history (a warning says so).
    """
    path = metrics_dir(target) / CURRENT_FILE
    text = records.read_text(path)
    if text is None:
        return None
    try:
        live = records.loads(text)
        last_write = path.stat().st_mtime
    except (OSError, ValueError):
        warnings.warn(f"{path}: unreadable live run record, not recorded", stacklevel=2)
        return None
    if not isinstance(live, dict) or live.get("status") != "running":
        return None
    run_id = live.get("run_id")
    if not isinstance(run_id, str) or run_id == live_run_id:
        return None
    _kill_leftovers(live, run_id)
    if any(run.get("run_id") == run_id for run in history):
        return None
    problem = records.problem(records.RunRecord, live)
    if problem is not None:
        warnings.warn(
            f"{path}: the live record of run {run_id[:80]!r}, which died, is damaged "
            f"({problem}): it is not copied into the history",
            stacklevel=2,
        )
        return None
    append_history(target, _dead_record(live, last_write))
    return run_id


def _dead_record(live: dict[str, Any], last_write: float) -> dict[str, Any]:
    ended = datetime.fromtimestamp(last_write, UTC)
    record = {
        **{k: v for k, v in live.items() if k != "processes"},
        "status": "interrupted",
        "reason": DIED_REASON,
        "ended_at": ended.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    try:
        started = datetime.fromisoformat(str(live.get("started_at")).replace("Z", "+00:00"))
        record["duration_s"] = round(max(0.0, (ended - started).total_seconds()), 3)
    except (ValueError, TypeError):
        pass
    return record


def _kill_leftovers(live: Mapping[str, Any], run_id: str) -> None:
    """Kill the processes of a dead run that are provably its own (see `engine.watchdog`)."""
    raw = live.get("processes")
    if raw is None or records.problem(records.ProcessesRecord, raw) is not None:
        return
    info = records.ProcessesRecord.model_validate(raw)
    if info.owner == process.owner_token():
        return  # a run of this very process: alive, whatever its live file says
    groups = [(g.pgid, g.start) for g in info.groups]
    if not groups and not info.owner:
        return
    killed = process.kill_leftovers(info.owner, groups)
    if killed:
        warnings.warn(
            f"run {run_id[:80]} died and left {len(killed)} process group(s) running "
            f"({', '.join(map(str, killed[:10]))}): killed them",
            stacklevel=3,
        )


# --------------------------------------------------------------------------- the live file

_live: dict[Path, str] = {}  # target -> JSON of the summary of a run going on there
_live_lock = threading.Lock()


def write_current(target: Path, summary: Mapping[str, Any]) -> None:
    """The live status file, as compact as a history line (the checkpoint is the durable
    record). While the run goes on it also holds the run's live process groups and owner token
    (`processes`)."""
    text = records.dumps(history_record(summary), separators=(",", ":"))
    with _live_lock:
        if summary.get("status") == "running":
            _live[target] = text
            text = _with_processes(text)
        else:
            _live.pop(target, None)
        _write_live(target, text)


def _with_processes(summary_json: str) -> str:
    """The summary's JSON object with `processes` added (spliced in: no second encoding)."""
    processes = {
        "owner": process.owner_token(),
        "groups": [g.to_dict() for g in process.live_groups()],
    }
    return summary_json[:-1] + ',"processes":' + records.dumps(processes) + "}"


def _write_live(target: Path, text: str) -> None:
    path = records.directory_slot(metrics_dir(target)) / CURRENT_FILE
    records.file_slot(path)
    write_atomic(path, text + "\n")


def _groups_changed() -> None:
    """Rewrite each live file with the groups running now: called as each command starts, so
    cheap (under the lock, one temp file per process, no fsync)."""
    with _live_lock:
        for target, summary_json in list(_live.items()):
            path = metrics_dir(target) / CURRENT_FILE
            tmp = path.with_name(f".{CURRENT_FILE}.{os.getpid()}.tmp")
            data = (_with_processes(summary_json) + "\n").encode("utf-8")
            try:
                flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
                # raw read: a new temporary file of ours, written
                fd = os.open(tmp, flags, 0o644)
                try:
                    os.write(fd, data)
                finally:
                    os.close(fd)
                os.replace(tmp, path)
            except OSError:  # the next full write repairs it (and says why)
                with contextlib.suppress(OSError):
                    tmp.unlink()


process.add_group_listener(_groups_changed)


def last_successful(history: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    return next((run for run in reversed(history) if run.get("status") == "passed"), None)


def step_durations(history: Iterable[Mapping[str, Any]], window: int) -> dict[str, list[float]]:
    """Durations of each step's successful executions over the last `window` runs that ran it."""
    durations: dict[str, list[float]] = {}
    for run in reversed(list(history)):
        for step in run.get("steps", []):
            if step.get("status") not in ("passed", "warning"):
                continue
            value = step.get("duration_s")
            series = durations.setdefault(str(step.get("id")), [])
            if isinstance(value, int | float) and len(series) < window:
                series.append(float(value))
    return {step: values for step, values in durations.items() if values}


def median_durations(history: Iterable[Mapping[str, Any]], window: int) -> dict[str, float]:
    return {step: statistics.median(v) for step, v in step_durations(history, window).items()}


TEST_STEP = "test_execution"
"""The step whose test counts the run summary carries (`tests`), for trends over the history."""


def suite_counts(results: Iterable[StepResult]) -> dict[str, int] | None:
    """This run's test counts (passed, failed, errors, skipped, xfailed, total) when the test
    step ran in it or its result was reused (the same tests, unchanged inputs); step data stays
    out of the history, these few figures go in. With test selection, `total` is the suite's
    size and `selected` how many of its tests ran."""
    for result in results:
        if result.id == TEST_STEP:
            counts = result.data.get("counts")
            tests = result.data.get("tests")
            out: dict[str, int] = {}
            if isinstance(counts, dict):
                out = {str(k): int(v) for k, v in counts.items() if isinstance(v, int)}
            if isinstance(tests, dict):
                out.update({str(k): int(v) for k, v in tests.items() if isinstance(v, int)})
            return out or None
    return None


def suite_selection(results: Iterable[StepResult]) -> dict[str, Any] | None:
    """How the test step chose its tests: `{mode: affected|all, reason, base}`."""
    for result in results:
        if result.id == TEST_STEP:
            selection = result.data.get("selection")
            return dict(selection) if isinstance(selection, dict) else None
    return None
