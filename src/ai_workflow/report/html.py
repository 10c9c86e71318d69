"""`backlog/<run>/report.html`: one self-contained page per run (header, DAG, timeline, findings
explorer, AI figures, trends), readable from `file://` and as a CI artifact.

Everything is inline: the run's data as JSON, the styles, our script and the vendored
libraries (d3 modules for scales, axes and lines, dagre for the graph layout; versions and
licences in `html_assets/vendor/README.md`). The page loads nothing. Findings are compact
(strings interned, long extra values cut; findings.json keeps them whole) and shown one page
at a time, so 5,000 findings stay well under 2 MB.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ai_workflow.config import ReportConfig
from ai_workflow.engine.artifacts import write_atomic
from ai_workflow.engine.graph import StepGraph
from ai_workflow.engine.step import StepResult, StepSpec
from ai_workflow.findings import Finding, count_by_severity
from ai_workflow.report.findings_json import run_findings
from ai_workflow.report.source_links import source_links

REPORT_FILE = "report.html"
REPORT_SCHEMA = "ai-workflow/html-report@1"
VENDOR_SCRIPTS = (
    "d3-array",
    "d3-color",
    "d3-interpolate",
    "d3-format",
    "d3-time",
    "d3-time-format",
    "d3-scale",
    "d3-selection",
    "d3-axis",
    "d3-path",
    "d3-shape",
    "dagre",
)
"""Vendored scripts, in load order (each d3 module extends the `d3` global its successors use)."""
LICENCE_FILES = ("LICENSE-d3", "LICENSE-d3-path", "LICENSE-dagre")
SEVERITIES = ("error", "warning", "info")
EXTRA_BUDGET = 400_000
"""Characters of findings' extra values (test output, tool codes) a page holds at most: each
finding gets its share, between EXTRA_MIN and EXTRA_MAX (findings.json has them whole)."""
EXTRA_MIN, EXTRA_MAX = 80, 2_000
MESSAGE_CHARS = 2_000
PLACEHOLDER = re.compile(r"\{\{[A-Z]+\}\}")
TO_ROOT = "../../../"
"""From `<work directory>/backlog/<run>/report.html` back to the target, for the default work
directory (`write_report_html` works it out from where the page goes)."""
EXECUTED = ("passed", "warning", "failed", "interrupted")


# ----------------------------------------------------------------------------- data


def report_data(
    summary: Mapping[str, Any],
    results: Iterable[StepResult],
    specs: Mapping[str, StepSpec],
    history: Sequence[Mapping[str, Any]],
    settings: ReportConfig,
    root: str = TO_ROOT,
) -> dict[str, Any]:
    """Everything the page shows, as one JSON-ready dict (`root`: the target relative to the
    page, for links to its files)."""
    by_id = {r.id: r for r in results}
    graph = StepGraph(list(specs.values()))
    target = Path(str(summary.get("target", ".")))
    git = summary.get("git") or {}
    steps = _steps(summary, graph, by_id)
    return {
        "schema": REPORT_SCHEMA,
        "meta": _meta(summary, target),
        "links": source_links(
            target, settings.source_url, git.get("commit"), git.get("branch")
        ).to_dict()
        | {"root": root},
        "steps": steps,
        "edges": [[dep, sid] for sid in graph.order() for dep in graph.deps[sid]],
        "critical": _critical_path(graph, steps),
        "lanes": _lanes(steps),
        "findings": compact_findings(run_findings(by_id.values())),
        "ai": {"totals": summary.get("ai") or {}, "steps": _ai_steps(graph, by_id)},
        "trends": trends(history, settings.trend_runs),
    }


def _meta(summary: Mapping[str, Any], target: Path) -> dict[str, Any]:
    counts = summary.get("counts") or {}
    return {
        "project": target.name or str(target),
        "target": str(target),
        "run_id": summary.get("run_id"),
        "version": summary.get("version"),
        "status": summary.get("status"),
        "started_at": summary.get("started_at"),
        "ended_at": summary.get("ended_at"),
        "duration_s": summary.get("duration_s"),
        "git": summary.get("git"),
        "options": summary.get("options") or {},
        "step_counts": {k: v for k, v in counts.items() if isinstance(v, int) and v},
        "finding_counts": counts.get("findings") or {},
        "tests": summary.get("tests"),
    }


def _seconds_since(start: datetime | None, stamp: object) -> float | None:
    moment = _parse_time(stamp)
    if start is None or moment is None:
        return None
    return round(max(0.0, (moment - start).total_seconds()), 3)


def _parse_time(stamp: object) -> datetime | None:
    if not isinstance(stamp, str):
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None


def _steps(
    summary: Mapping[str, Any], graph: StepGraph, by_id: Mapping[str, StepResult]
) -> list[dict[str, Any]]:
    """Steps in run order with their place on the timeline (seconds since the run started) and
    their waiting time: from when their last dependency ended to when they started."""
    run_start = _parse_time(summary.get("started_at"))
    out: list[dict[str, Any]] = []
    ends: dict[str, float] = {}
    for sid in graph.order():
        result = by_id.get(sid)
        spec = graph.specs[sid]
        status = result.status.value if result else "not_run"
        start = _seconds_since(run_start, result.started_at) if result else None
        end = _seconds_since(run_start, result.ended_at) if result else None
        executed = status in EXECUTED and start is not None and end is not None
        if executed and end is not None:
            ends[sid] = end
        ready = max((ends.get(d, 0.0) for d in graph.deps[sid]), default=0.0)
        out.append(
            {
                "id": sid,
                "number": spec.number,
                "name": spec.name,
                "status": status,
                "deps": list(graph.deps[sid]),
                "start": start if executed else None,
                "end": end if executed else None,
                "duration": result.duration_s if result and executed else None,
                "wait": round(max(0.0, (start or 0.0) - ready), 3) if executed else None,
                "reason": result.reason if result else None,
                "summary": result.summary if result else "",
                "reused_from": result.reused_from if result else None,
                "counts": count_by_severity(result.findings if result else []),
                "checked": list(result.checked) if result else [],
                "skipped_checks": list(result.skipped_checks) if result else [],
            }
        )
    return out


def _critical_path(graph: StepGraph, steps: Sequence[Mapping[str, Any]]) -> list[str]:
    """The chain of dependent steps with the longest measured time, less the steps on it that
    took none (empty when nothing ran)."""
    durations = {s["id"]: float(s["duration"] or 0.0) for s in steps}
    path, _ = graph.critical_path(durations)
    return [sid for sid in path if durations[sid] > 0]  # a reused or skipped step took no time


def _lanes(steps: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """A lane per step that ran, so that steps running at the same time sit in separate lanes
    (the first free lane, in order of start): as many lanes as steps ran at once."""
    lane_end: list[float] = []
    lanes: dict[str, int] = {}
    for step in sorted((s for s in steps if s["start"] is not None), key=lambda s: s["start"]):
        free = next((i for i, end in enumerate(lane_end) if end <= step["start"]), None)
        if free is None:
            lane_end.append(step["end"])
            free = len(lane_end) - 1
        lane_end[free] = step["end"]
        lanes[step["id"]] = free
    return lanes


def compact_findings(findings: Sequence[Finding]) -> dict[str, Any]:
    """Findings as rows of indexes into interned string tables:
    `[severity, rule, step, path (-1: none), line (0: none), message, source_is_ai, baselined
    (-1: unknown, 0: new, 1: baselined), notes (triage, comment, extra) or 0]`."""
    tables: dict[str, dict[str, int]] = {"rules": {}, "steps": {}, "paths": {}}
    rows: list[list[Any]] = []
    share = min(EXTRA_MAX, max(EXTRA_MIN, EXTRA_BUDGET // max(1, len(findings))))
    for f in findings:
        data = f.to_dict()
        rows.append(
            [
                SEVERITIES.index(f.severity.value),
                _intern(tables["rules"], f.rule),
                _intern(tables["steps"], f.step),
                _intern(tables["paths"], f.path) if f.path else -1,
                f.line or 0,
                _cut(f.message, MESSAGE_CHARS),
                1 if f.source == "ai" else 0,
                _baselined(data),
                _notes(data, share) or 0,
            ]
        )
    return {name: list(table) for name, table in tables.items()} | {"rows": rows}


def _intern(table: dict[str, int], value: str) -> int:
    return table.setdefault(value, len(table))


def _baselined(data: Mapping[str, Any]) -> int:
    """1 when a baseline knows the finding, 0 when it is new, -1 when nothing says."""
    flags = [data.get("baselined"), (data.get("extra") or {}).get("baselined")]
    known = [flag for flag in flags if flag is not None]
    return int(any(known)) if known else -1


NOTE_KEYS = {"triage": ("triage", "triage_label", "label"), "comment": ("ai_comment", "comment")}
"""A finding's AI triage label and comment, where a review adds them (top level or extra)."""


def _notes(data: Mapping[str, Any], limit: int) -> dict[str, Any] | None:
    """Triage label, AI comment and the other extra values, in about `limit` characters."""
    extra = dict(data.get("extra") or {})
    notes: dict[str, Any] = {}
    triage = data.get("triage")
    if isinstance(triage, Mapping) and triage.get("label"):  # the AI triage's {label, reason}
        reason = str(triage.get("reason") or "").strip()
        label = f"AI triage: {triage['label']}" + (f" ({reason})" if reason else "")
        notes["triage"] = _cut(label, limit + 40)
        data = {k: v for k, v in data.items() if k != "triage"}
    for name, keys in NOTE_KEYS.items():
        for key in keys:
            value = data.get(key, extra.get(key))
            if isinstance(value, str) and value.strip():
                notes[name] = _cut(value.strip(), limit)
                extra.pop(key, None)
                break
    shown: dict[str, Any] = {}
    left = limit
    for key, value in extra.items():
        if key == "baselined" or value in (None, "", [], {}):
            continue
        if left <= 0:
            shown["…"] = "more in findings.json"
            break
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        shown[key] = _cut(text, left) if len(text) > left or isinstance(value, str) else value
        left -= len(key) + min(len(text), left)
    if shown:
        notes["extra"] = shown
    return notes or None


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + " …"


def _ai_steps(graph: StepGraph, by_id: Mapping[str, StepResult]) -> list[dict[str, Any]]:
    """Per step: the AI review's figures from its step data (absent for steps without one)."""
    rows = []
    for sid in graph.order():
        result = by_id.get(sid)
        info = result.data.get("ai") if result else None
        if not isinstance(info, dict):
            continue
        cached = bool(info.get("cached"))
        tokens_in, tokens_out = int(info.get("tokens_in") or 0), int(info.get("tokens_out") or 0)
        rows.append(
            {
                "id": sid,
                "model": info.get("model"),
                "calls": 0 if cached or "finish_reason" not in info else 1,
                "cache_hit": cached,
                "tokens_in": tokens_in,
                "tokens_out": tokens_out,
                "tokens_saved": tokens_in + tokens_out if cached else 0,
                "duration_s": info.get("duration_s"),
                "findings_added": info.get("findings_added"),
                "findings_dropped": info.get("findings_dropped"),
                "summary": info.get("summary") if isinstance(info.get("summary"), str) else None,
                "error": info.get("error"),
                "prompt_file": info.get("prompt_file"),
            }
        )
    return rows


# ----------------------------------------------------------------------------- trends


def trends(history: Sequence[Mapping[str, Any]], last: int) -> list[dict[str, Any]]:
    """The last `last` recorded runs, oldest first, as the figures the trend charts plot."""
    runs = [r for r in history if r.get("status") in ("passed", "failed", "interrupted")]
    return [_trend_point(run) for run in runs[-last:]]


def _trend_point(run: Mapping[str, Any]) -> dict[str, Any]:
    counts = (run.get("counts") or {}).get("findings") or {}
    ai = run.get("ai") or {}
    hits, misses = int(ai.get("cache_hits") or 0), int(ai.get("cache_misses") or 0)
    return {
        "run_id": run.get("run_id"),
        "started_at": run.get("started_at"),
        "status": run.get("status"),
        "duration": run.get("duration_s"),
        "findings": {s: int(counts.get(s) or 0) for s in SEVERITIES},
        "tests": run.get("tests"),
        "hit_rate": round(hits / (hits + misses), 4) if hits + misses else None,
        "steps": {
            str(s.get("id")): s.get("duration_s")
            for s in run.get("steps") or []
            if s.get("status") in EXECUTED and isinstance(s.get("duration_s"), int | float)
        },
    }


# ----------------------------------------------------------------------------- page


@cache
def _asset(name: str) -> str:
    # raw read: package data shipped with ai-workflow
    return (resources.files("ai_workflow.report") / "html_assets" / name).read_text("utf-8")


def _script_safe(text: str) -> str:
    """Text that cannot end its <script> element early."""
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def render_html(data: Mapping[str, Any]) -> str:
    """The page: the template with its styles, scripts, licences and data filled in."""
    payload = json.dumps(data, separators=(",", ":"), default=str, ensure_ascii=False)
    vendor = "\n".join(_script_safe(_asset(f"vendor/{name}.min.js")) for name in VENDOR_SCRIPTS)
    licences = "\n\n".join(_asset(f"vendor/{name}") for name in LICENCE_FILES)
    meta = data.get("meta") or {}
    title = f"ai-workflow · {meta.get('project', '')} · {meta.get('run_id', '')}"
    replacements = {
        "{{TITLE}}": _html_escape(title),
        "{{LICENCES}}": licences.replace("--", "- -"),
        "{{STYLE}}": _asset("report.css"),
        "{{VENDOR}}": vendor,
        "{{DATA}}": payload.replace("<", "\\u003c"),
        "{{APP}}": _script_safe(_asset("report.js")),
    }
    # one pass over the template: what is filled in is never searched for placeholders
    return PLACEHOLDER.sub(lambda m: replacements[m.group(0)], _asset("report.html"))


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_report_html(
    path: Path,
    summary: Mapping[str, Any],
    results: Iterable[StepResult],
    specs: Mapping[str, StepSpec],
    history: Sequence[Mapping[str, Any]],
    settings: ReportConfig,
) -> None:
    target = Path(str(summary.get("target", ".")))
    root = Path(os.path.relpath(target.resolve(), path.parent.resolve())).as_posix() + "/"
    data = report_data(summary, results, specs, history, settings, root)
    write_atomic(path, render_html(data))
