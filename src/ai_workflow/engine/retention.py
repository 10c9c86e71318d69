"""Retention: a run's folders (reports, summaries, logs, prompts, proposals) are kept for the last
`run.keep_runs` runs (default 20; 0 keeps every run); older ones are removed at the end of a run,
which says what it removed. The history keeps one compact line per run either way."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

RUN_FOLDERS = ("backlog", "summaries", "logs", "prompts", "proposals")
"""The per-run folders of the work directory (`artifacts.Workspace`)."""
RUN_ID = re.compile(r"^workflow_(\d{8})_(\d{6})(?:_(\d+))?$")


@dataclass
class Pruned:
    runs: list[str] = field(default_factory=list)  # oldest first
    bytes: int = 0
    errors: list[str] = field(default_factory=list)

    def describe(self, keep: int) -> str:
        if not self.runs:
            return ""
        more = len(self.runs) - 3
        shown = ", ".join(self.runs[:3]) + (f" and {more} more" if more > 0 else "")
        return (
            f"removed the folders of {len(self.runs)} old run(s) ({shown}; "
            f"{self.bytes / 1e6:.1f} MB): keeping the last {keep} (run.keep_runs)"
        )


def run_order(run_id: str) -> tuple[str, str, int]:
    """Sort key of a run id: its time, then its `_N` suffix as a number."""
    match = RUN_ID.match(run_id)
    if match is None:
        return ("", run_id, 0)
    return (match[1] + match[2], "", int(match[3] or 1))


def prune_runs(root: Path, keep: int, current: str | None = None) -> Pruned:
    """Remove the per-run folders under the work directory `root` of every run but the newest
    `keep` (and `current`); folders not named like a run id are left alone."""
    pruned = Pruned()
    if keep <= 0:
        return pruned
    runs = {
        path.name
        for folder in RUN_FOLDERS
        if (root / folder).is_dir()
        for path in (root / folder).iterdir()
        if path.is_dir() and not path.is_symlink() and RUN_ID.match(path.name)
    }
    ordered = sorted(runs, key=run_order)
    kept = set(ordered[-keep:]) | ({current} if current else set())
    for run_id in ordered:
        if run_id in kept:
            continue
        for folder in RUN_FOLDERS:
            path = root / folder / run_id
            if path.is_dir() and not path.is_symlink():
                pruned.bytes += _size(path)
                try:
                    shutil.rmtree(path)
                except OSError as exc:
                    pruned.errors.append(f"{path}: {exc.strerror or exc}")
        pruned.runs.append(run_id)
    return pruned


def _size(path: Path) -> int:
    total = 0
    for item in path.rglob("*"):
        try:
            if item.is_file() and not item.is_symlink():
                total += item.stat().st_size
        except OSError:
            pass
    return total
