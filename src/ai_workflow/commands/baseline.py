"""`ai-workflow baseline`: record today's findings, so later runs report only new ones.

Today's findings are those of the newest complete run in the target's history: a run of all
steps that finished (passed or failed) and was not limited by `--new-only`; its
`backlog/<run_id>/findings.json` holds them with their fingerprints. Without such a run the
command says to run the workflow first. The baseline goes to `<target>/.ai-workflow-baseline.json`
(the one file ai-workflow writes outside `.ai_workflow/`, because it is asked to; commit it).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ai_workflow.app import load_target_config
from ai_workflow.cli import add_target
from ai_workflow.engine.artifacts import Workspace
from ai_workflow.engine.metrics import read_history
from ai_workflow.errors import UsageError
from ai_workflow.findings import Finding
from ai_workflow.report.findings_json import FINDINGS_FILE, FINDINGS_SCHEMA
from ai_workflow.rules.baseline import (
    BASELINE_FILE,
    baseline_document,
    finding_fingerprint,
    write_baseline,
)
from ai_workflow.rules.sources import SourceLines
from ai_workflow.textfiles import read_json

NAME = "baseline"
HELP = "record the latest complete run's findings as known, so later runs report only new ones"
NOT_BASELINED = frozenset({"workflow/step-failed"})
"""A step that cannot run fails whether or not its failure is known: never baselined."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_target(parser)


def run(args: argparse.Namespace) -> int:
    target, _ = load_target_config(args, lenient=True)  # for the work directory
    run_id, document = latest_findings(target)
    sources = SourceLines(target)
    entries = [_entry(raw, sources) for raw in document.get("findings", [])]
    entries = [e for e in entries if e["rule"] not in NOT_BASELINED]
    path = target / BASELINE_FILE
    try:
        write_baseline(path, baseline_document(entries, run_id))
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    when = document.get("ended_at") or document.get("started_at") or "?"
    print(
        f"wrote {path}: {len(entries)} finding(s) of run {run_id} ({when}); "
        "later runs report only findings it does not hold"
    )
    return 0


def complete_runs(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs of all steps that finished, not limited to changed lines, newest first."""
    found = []
    for entry in reversed(history):
        options = entry.get("options") or {}
        if entry.get("status") not in ("passed", "failed") or not isinstance(options, Mapping):
            continue
        if options.get("all_steps") is False or options.get("new_only"):
            continue
        found.append(entry)
    return found


def latest_findings(target: Path) -> tuple[str, dict[str, Any]]:
    """The newest complete run's id and findings.json; UsageError saying what to do when
    there is none."""
    for entry in complete_runs(read_history(target)):
        run_id = str(entry.get("run_id"))
        path = Workspace(target, run_id).backlog_dir / FINDINGS_FILE
        document = read_json(path)  # a regular file only: a FIFO there cannot block
        if document is None:
            continue  # its reports were not written (or were removed): an older run may do
        if isinstance(document, dict) and document.get("schema") == FINDINGS_SCHEMA:
            return run_id, document
    raise UsageError(
        f"no complete run recorded for {target}: run the workflow on all steps first "
        f"(`ai-workflow run --target {target}`), then `ai-workflow baseline`"
    )


def _entry(raw: Mapping[str, Any], sources: SourceLines) -> dict[str, Any]:
    finding = Finding.from_dict(raw)
    fingerprint = finding.fingerprint or finding_fingerprint(finding, sources)
    return {**finding.to_dict(), "fingerprint": fingerprint}
