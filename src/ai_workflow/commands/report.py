"""`ai-workflow report [RUN_ID] [--open]`: the path of a run's HTML report, or open it."""

from __future__ import annotations

import argparse
import os
import re
import sys
import webbrowser
from pathlib import Path

from ai_workflow.app import load_target_config
from ai_workflow.cli import add_target
from ai_workflow.errors import UsageError
from ai_workflow.report.html import REPORT_FILE
from ai_workflow.workdir import workdir

NAME = "report"
HELP = "print the path of a run's HTML report (the last run's by default), or open it"
RUN_ID = re.compile(r"^[\w.-]+$")
LISTED = 5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "run_id", nargs="?", metavar="RUN_ID", help="the run (default: the last one with a report)"
    )
    add_target(parser)
    parser.add_argument(
        "--open", action="store_true", help="open the report in the default browser"
    )


def run(args: argparse.Namespace) -> int:
    target, _ = load_target_config(args, lenient=True)  # for the work directory
    path = find_report(target, args.run_id)
    print(path)
    if args.open:
        problem = open_in_browser(path)
        if problem:
            print(f"ai-workflow: {problem}: open the file above in a browser", file=sys.stderr)
    return 0


def find_report(target: Path, run_id: str | None) -> Path:
    """The report of `run_id`, or of the last run that has one; UsageError saying why not."""
    backlog = workdir(target) / "backlog"
    known = _runs_with_report(backlog)
    if run_id is None:
        if not known:
            raise UsageError(
                f"no HTML report under {backlog} yet: `ai-workflow run` writes one per run"
            )
        return backlog / known[-1] / REPORT_FILE
    if not RUN_ID.match(run_id):
        raise UsageError(f"not a run id: {run_id!r} (e.g. workflow_20260101_120000)")
    path = backlog / run_id / REPORT_FILE
    if path.is_file():
        return path
    recent = ", ".join(known[-LISTED:][::-1]) or "none"
    raise UsageError(f"run {run_id} has no HTML report in {backlog}; runs with one: {recent}")


def _runs_with_report(backlog: Path) -> list[str]:
    """Run ids with a report, oldest report first."""
    if not backlog.is_dir():
        return []
    reports = [p / REPORT_FILE for p in backlog.iterdir() if (p / REPORT_FILE).is_file()]
    return [p.parent.name for p in sorted(reports, key=lambda p: (p.stat().st_mtime, p))]


def open_in_browser(path: Path) -> str | None:
    """Open `path` with the platform's browser; why not, when it cannot be done here."""
    if _without_display():
        return "no display to open a browser on (DISPLAY and WAYLAND_DISPLAY are not set)"
    if not webbrowser.open(path.resolve().as_uri()):
        return "no browser found (set BROWSER to choose one)"
    return None


def _without_display() -> bool:
    """On Linux and the BSDs a graphical browser needs a display; without one `webbrowser`
    would fall back to a text browser that takes over the terminal. BROWSER says otherwise."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False
    return not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"))
