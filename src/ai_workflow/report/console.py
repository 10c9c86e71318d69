"""What a person sees while a run goes on: a live status table on a terminal, grouped lines in CI,
and the closing "Performance Metrics & Statistics" block. Respects NO_COLOR (via rich)."""

from __future__ import annotations

import dataclasses
import os
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.markup import escape
from rich.measure import Measurement
from rich.prompt import Confirm
from rich.table import Table
from rich.text import Text

from ai_workflow.engine.graph import GraphAnalysis, render_mermaid, render_text
from ai_workflow.engine.step import StepResult, StepSpec
from ai_workflow.report.top_findings import findings_from_summary, render_top_findings
from ai_workflow.workdir import workdir

STATUS_STYLE: dict[str, tuple[str, str]] = {
    "passed": ("✓", "green"),
    "warning": ("!", "yellow"),
    "failed": ("✗", "bold red"),
    "skipped": ("↷", "cyan"),
    "reused": ("♻", "cyan"),
    "not_run": ("-", "dim"),
    "interrupted": ("■", "red"),
    "planned": ("·", "blue"),
    "running": ("…", "magenta"),
    "pending": (" ", "dim"),
}


def status_text(status: str) -> Text:
    icon, style = STATUS_STYLE.get(status, ("?", ""))
    return Text(f"{icon} {status}", style=style)


@dataclass(frozen=True)
class _Progress:
    """One step in the live table: its status, when it started (while it runs) or how long it
    took (once it finished: the time stays in the table), and its note."""

    status: str
    started: float | None = None
    duration: float | None = None
    note: str = ""

    def time(self, now: float) -> str:
        if self.duration is not None:
            return f"{self.duration:.2f}s"
        return f"{now - self.started:.1f}s" if self.started is not None else ""


class _QuietOnBrokenPipe(Console):
    """A reader that goes away (`ai-workflow run | head`) must not stop the run: go quiet."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        # raw read: the null device, for writing
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, (sys.stderr if self.stderr else sys.stdout).fileno())


class RunConsole:
    """Implements the engine's RunObserver for people (and CI logs)."""

    def __init__(self, *, stderr: bool = False, verbose: bool = False, interactive: bool = False):
        self.console: Console = _QuietOnBrokenPipe(stderr=stderr, highlight=False)
        if not self.console.is_terminal and "COLUMNS" not in os.environ:
            self.console.width = 120  # CI logs: wide lines beat wrapped tables
        self.verbose = verbose
        self.interactive = interactive
        self.live_mode = self.console.is_terminal
        self._lock = threading.Lock()
        self._plan: list[tuple[StepSpec, str]] = []
        self._state: dict[str, _Progress] = {}
        self._live: Live | None = None
        self.header_notes: list[str] = []  # said once, under the run's first line

    # ------------------------------------------------------------ messages

    def message(self, level: str, text: str) -> None:
        style = {"warning": "yellow", "error": "bold red"}.get(level, "")
        prefix = "" if level == "info" else f"{level}: "
        self._print(Text(prefix + text, style=style))

    def _print(self, renderable: Any) -> None:
        if self._live is not None:
            self._live.console.print(renderable)
        else:
            self.console.print(renderable)

    def confirm(self, question: str, default: bool) -> bool:
        if not self.interactive:
            return default
        self._stop_live()
        return Confirm.ask(question, default=default, console=self.console)

    def show_graph(self, analysis: GraphAnalysis) -> None:
        mermaid = render_mermaid(analysis.graph, analysis.estimates, analysis.critical_path)
        self.console.print(Text("Dependency graph (Mermaid)", style="bold"))
        self.console.print(Text(mermaid))
        self.console.print(Text(render_text(analysis)))

    # ------------------------------------------------------------ progress

    def run_started(self, run_id: str, plan: list[tuple[StepSpec, str]]) -> None:
        self._plan = plan
        self._state = {spec.id: _Progress("pending", note=note) for spec, note in plan}
        self.console.print(Text(f"ai-workflow run {run_id}: {len(plan)} step(s)", style="bold"))
        self._print_header_notes()
        if self.live_mode:
            self._live = Live(
                get_renderable=self._table,
                console=self.console,
                refresh_per_second=4,
                transient=False,
            )
            self._live.start()

    def show_plan(self, results: list[StepResult], phases: list[list[str]]) -> None:
        """The dry run: every step in run order with its phase, whether it would run or be
        skipped and why, then each phase's steps (a phase's steps may run at the same time)."""
        self._print_header_notes()
        phase_of = {sid: n for n, phase in enumerate(phases, start=1) for sid in phase}
        by_id = {r.id: r for r in results}
        table = Table(title="Plan", show_edge=False)
        for column in ("#", "phase", "step", "status"):
            table.add_column(column, no_wrap=True)  # step ids are never cut
        table.add_column("why", overflow="fold")
        for result in results:
            table.add_row(
                str(result.number),
                str(phase_of.get(result.id, "")),
                result.id,
                status_text(result.status.value),
                escape(result.reason or ""),
            )
        self.console.print(table)
        lines = Text("Execution phases:")
        for n, phase in enumerate(phases, start=1):
            runs = [s for s in phase if s in by_id and by_id[s].status.value == "planned"]
            rest = len(phase) - len(runs)
            named = ", ".join(f"{by_id[s].number} {s}" if s in by_id else s for s in phase)
            counts = f"{len(runs)} would run" + (f", {rest} skipped" if rest else "")
            lines.append(f"\n  Phase {n}: {named} ({counts})")
        self.console.print(lines)

    def _print_header_notes(self) -> None:
        for note in self.header_notes:
            self.console.print(Text(f"  {note}", style="dim"), soft_wrap=True)
        self.header_notes = []

    def step_started(self, spec: StepSpec) -> None:
        with self._lock:
            self._state[spec.id] = _Progress("running", started=time.monotonic())
        if not self.live_mode and self.verbose:
            self.console.print(f"▶ {spec.number} {spec.name}")

    def step_note(self, step_id: str, note: str) -> None:
        """The running step's note in the live table (a streamed answer's token count); without
        a terminal, nothing: a log gets no progress lines."""
        if not self.live_mode:
            return
        with self._lock:
            state = self._state.get(step_id)
            if state is not None and state.status == "running":
                self._state[step_id] = dataclasses.replace(state, note=note)

    def step_finished(self, spec: StepSpec, result: StepResult) -> None:
        note = result.summary or result.reason or ""
        with self._lock:
            self._state[spec.id] = _Progress(
                result.status.value, duration=result.duration_s, note=note
            )
        if self.live_mode:
            return
        line = Text()
        line.append_text(status_text(result.status.value))
        line.append(f"  {spec.number} {spec.name}")
        if result.duration_s is not None:
            line.append(f"  {result.duration_s:.2f}s", style="dim")
        if note:
            line.append(f"  {note}", style="dim")
        self.console.print(line, soft_wrap=True)  # one line, never broken inside a path
        if self.verbose:
            shown = [f for f in result.findings if f.severity.value != "info" and not f.baselined]
            for finding in shown[:10]:
                where = f"{finding.path}:{finding.line}" if finding.line else finding.path
                parts = (finding.severity.value, finding.rule, where, finding.message)
                text = Text("    " + " ".join(p for p in parts if p))  # no "rule  message"
                self.console.print(text, soft_wrap=True)

    def _table(self) -> Table:
        """The live table: one line per step (a note too long for the terminal ends in "…")."""
        table = Table(show_edge=False, box=None, pad_edge=False)
        for column in ("", "#", "step", "time"):
            table.add_column(column, no_wrap=True)
        table.add_column("note", no_wrap=True, overflow="ellipsis")
        now = time.monotonic()
        with self._lock:
            for spec, _ in self._plan:
                state = self._state.get(spec.id, _Progress("pending"))
                table.add_row(
                    status_text(state.status),
                    str(spec.number),
                    spec.name,
                    state.time(now),
                    Text(state.note, style="dim"),
                )
        return table

    def _stop_live(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    # ------------------------------------------------------------ end

    def run_finished(self, summary: dict[str, Any], history: list[dict[str, Any]]) -> None:
        self._stop_live()
        findings = findings_from_summary(summary)
        print_wide(self.console, render_top_findings(findings))
        policy = policy_line(summary)
        if policy:
            self.console.print(Text(policy, style="dim"))
        head, table, *tail = metrics_block(summary, history).renderables
        self.console.print(head)
        print_wide(self.console, table)
        for line in tail:  # each on a line of its own, never broken inside a path
            self.console.print(line, soft_wrap=True)
        for finding in [f for f in findings if f.rule.startswith("perf/")]:  # info, shown anyway
            self.console.print(Text(f"  Slower: {finding.message}", style="yellow"), soft_wrap=True)
        backlog = workdir(Path(summary["target"])) / "backlog" / summary["run_id"]
        if backlog.is_dir():
            self.console.print(Text(f"  Reports: {backlog}", style="dim"), soft_wrap=True)


POLICY_WORDS = {
    "ignored": "ignored by the configuration",
    "suppressed": "suppressed inline",
    "outside_diff": "outside the changed lines",
}


def print_wide(console: Console, renderable: RenderableType) -> None:
    """Without a terminal (a pipe, a CI log of 80 columns), `renderable` as wide as its content
    needs: no cell is wrapped or cut, and a log viewer wraps the long lines. On a terminal, as
    wide as the terminal."""
    if console.is_terminal:
        console.print(renderable)
        return
    needed = Measurement.get(console, console.options.update_width(MAX_WIDTH), renderable)
    width = console.width
    console.width = max(width, needed.maximum)
    try:
        console.print(renderable, crop=False)
    finally:
        console.width = width


MAX_WIDTH = 10_000


def policy_line(summary: dict[str, Any]) -> str:
    """What the rule policy dropped, in one line ("" when nothing); rules that are off by
    default are not worth a line, and the top findings count the baselined ones."""
    counts = (summary.get("rules") or {}).get("counts") or {}
    parts = [f"{n} {POLICY_WORDS[key]}" for key, n in counts.items() if n and key in POLICY_WORDS]
    return "  Not reported: " + ", ".join(parts) if parts else ""


def metrics_block(summary: dict[str, Any], history: list[dict[str, Any]]) -> Group:
    """The closing "Performance Metrics & Statistics" block."""
    steps = summary.get("steps", [])
    executed = [s for s in steps if s["status"] in ("passed", "warning", "failed", "interrupted")]
    ok = [s for s in steps if s["status"] in ("passed", "warning", "reused", "skipped")]
    rate = (
        100.0 * len([s for s in executed if s["status"] in ("passed", "warning")]) / len(executed)
        if executed
        else 100.0
    )
    head = Text()
    head.append("Performance Metrics & Statistics\n", style="bold underline")
    head.append(f"  Run ID: {summary['run_id']}   Status: ")
    head.append_text(status_text(summary["status"]))
    head.append(f"\n  Duration: {summary['duration_s']:.2f}s   Success rate: {rate:.0f}%   ")
    head.append(f"Steps completed: {len(ok)}/{len(steps)}")
    table = Table(show_edge=False, box=None, pad_edge=False)
    for column in ("#", "step", "status", "duration", "findings"):
        table.add_column(column, no_wrap=column != "step")
    table.add_column("note", overflow="fold")  # wraps between words; never cut
    for step in steps:
        counts = _finding_counts(step.get("findings", []))
        duration = f"{step['duration_s']:.2f}s" if step.get("duration_s") is not None else "-"
        table.add_row(
            str(step["number"]),
            step["name"],
            status_text(step["status"]),
            duration,
            counts,
            Text(step.get("reason") or step.get("summary") or "", style="dim"),
        )
    lines = [Text(_ai_line(summary))]
    if summary.get("remote_cache"):
        lines.append(Text(remote_line(summary["remote_cache"])))
    return Group(head, table, *lines, Text(_history_line(history)))


def _finding_counts(findings: list[dict[str, Any]]) -> str:
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in findings:
        if not finding.get("baselined"):
            counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
    return f"{counts['error']}E {counts['warning']}W {counts['info']}I"


def _ai_line(summary: dict[str, Any]) -> str:
    ai = summary.get("ai") or {}
    hits, misses = ai.get("cache_hits", 0), ai.get("cache_misses", 0)
    lookups = hits + misses
    rate = f"{100.0 * hits / lookups:.1f}%" if lookups else "n/a"
    problems = ai.get("problems") or []
    trouble = f"; AI off: {ai['disabled']}" if ai.get("disabled") else ""
    if problems and not trouble:
        trouble = f"; {len(problems)} provider problem(s), first: {problems[0].get('error')}"
    return (
        f"  AI: {ai.get('calls', 0)} call(s), cache hits {hits}, misses {misses}, "
        f"hit rate {rate}, tokens in/out {ai.get('tokens_in', 0)}/{ai.get('tokens_out', 0)}, "
        f"tokens saved {ai.get('tokens_saved', 0)}"
        + (
            f", cache {ai['cache_entries']} entries / {ai.get('cache_size_bytes', 0) / 1e6:.1f} MB"
            if "cache_entries" in ai
            else ""
        )
        + trouble
    )


def remote_line(remote: dict[str, Any]) -> str:
    """The team cache's line: hits, bytes moved, time saved, and why it is read-only."""
    mode = remote.get("mode", "?")
    if remote.get("mode_reason") not in (None, "configured"):
        mode += f": {remote['mode_reason']}"
    rejected = sum((remote.get("rejected") or {}).values())
    return (
        f"  Team cache ({remote.get('url')}, {mode}): hits {remote.get('hits', 0)}, "
        f"misses {remote.get('misses', 0)}, writes {remote.get('writes', 0)}, "
        f"{remote.get('bytes_read', 0) / 1e3:.1f} kB read / "
        f"{remote.get('bytes_written', 0) / 1e3:.1f} kB written, "
        f"time saved {remote.get('time_saved_s', 0):.1f}s"
        + (f", {rejected} unsigned or tampered entries refused" if rejected else "")
        + ("" if remote.get("available", True) else ", unavailable")
    )


def _history_line(history: list[dict[str, Any]]) -> str:
    finished = [r for r in history if r.get("status") in ("passed", "failed", "interrupted")]
    if not finished:
        return "  History: no runs recorded yet"
    passed = sum(1 for r in finished if r["status"] == "passed")
    durations = [float(r["duration_s"]) for r in finished if r.get("duration_s") is not None]
    median = statistics.median(durations) if durations else 0.0
    return (
        f"  History: {len(finished)} run(s), {100.0 * passed / len(finished):.0f}% passed, "
        f"median duration {median:.2f}s"
    )


def print_records(
    console: Console,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    keys: int = 1,
    title: str | None = None,
) -> None:
    """Rows for a person. On a terminal a table whose first `keys` columns (ids, paths) never
    wrap and whose other columns wrap; elsewhere (a pipe, a CI log of 80 columns) one record per
    line, never wrapped nor cut, so no column is squeezed until an id or a path is cut."""
    if console.is_terminal:
        table = Table(title=title, title_justify="left")
        for index, column in enumerate(columns):
            table.add_column(column, no_wrap=index < keys, overflow="fold")
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        console.print(table)
        return
    if title:
        console.print(Text(title, style="bold"), soft_wrap=True)
    for row in rows:
        line = Text("  ".join(cell for cell in row[:keys] if cell))
        pairs = zip(columns[keys:], row[keys:], strict=False)
        rest = [f"{col}: {cell}" if col else cell for col, cell in pairs if cell]
        if rest:
            line.append("  " + "; ".join(rest))
        console.print(line, soft_wrap=True)
