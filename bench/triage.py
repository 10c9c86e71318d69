"""AI triage measured on the labelled findings of `bench/labels/*.tsv`.

Each project is cloned and prepared, and the workflow runs without AI, exactly as
`bench/precision.py` does (its functions are reused). Then the AI triage (`ai.triage`) labels the
shown findings (errors and warnings, not baselined) through the provider at `--url`, and the
shown findings are scored against the labels twice: all of them (before), and those the triage
did not call noise (after).

    .venv-test/bin/python bench/triage.py --url http://127.0.0.1:8080/v1 [--model NAME]
        [--provider openai|anthropic] [--projects flask,express] [--work DIR]
        [--max-output-tokens N] [--budget TOKENS] [--reuse-runs]
    .venv-test/bin/python bench/triage.py --fake [--projects flask]   # mechanics only

`--fake` starts the tests' local OpenAI-compatible server with a fixed rule (every `docs/`
finding is noise): it checks the plumbing, and its figures say nothing about a model.

Prints one line: findings triaged, precision of the shown findings before and after triage, and
the real findings the triage hid (the recall it costs).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: F401  (puts the repository on sys.path)
from precision import (
    DEFAULT_REPOS,
    LABELS,
    checkout,
    label_files,
    read_labels,
    run_workflow,
    score,
    shown_findings,
)

from ai_workflow.ai.reviewer import AIReviewer
from ai_workflow.config import Config
from ai_workflow.engine.artifacts import Workspace
from ai_workflow.engine.step import StepResult, StepSpec
from tests.ai.fakes import FakeLLMServer
from tests.helpers import step_context

RUN_ID = "workflow_20260101_000000"
TRIAGE_SPEC = StepSpec(id="ai_triage", number=99, name="AI triage", builtin=False)


def fake_model(body: dict[str, Any]) -> str:
    """The `--fake` server's answer: noise for `docs/` findings, actionable for the others."""
    user = body["messages"][-1]["content"]
    labels = []
    for number, block in re.findall(r"### Finding (\d+)\n(.*?)(?=\n### Finding |\Z)", user, re.S):
        noise = "\nrule: docs/" in "\n" + block
        label = "noise" if noise else "actionable"
        labels.append({"id": int(number), "label": label, "reason": "fixed rule of --fake"})
    return json.dumps({"labels": labels})


def triage(
    target: Path, summary: dict[str, Any], ai: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The run's step results as the triage labels them (findings as dicts), and its stats."""
    results = {step["id"]: StepResult.from_dict(step) for step in summary["steps"]}
    config = Config.model_validate({"ai": {**ai, "triage": True}})
    reviewer = AIReviewer(config, Workspace(target, RUN_ID), use_cache=True)
    try:
        ctx = step_context(target, TRIAGE_SPEC, config=config, results=results, run_id=RUN_ID)
        report = reviewer.triage(results, ctx)
    finally:
        reviewer.close()
    for note in report.notes:
        print(f"[{target.name}] {note}", file=sys.stderr)
    labelled = {**results, **report.results}
    steps = [{**step, "findings": [f.to_dict() for f in labelled[step["id"]].findings]}
             for step in summary["steps"]]  # fmt: skip
    return steps, report.stats


def workflow_summary(commit: str, target: Path, work: Path, reuse: bool) -> dict[str, Any]:
    """The project's workflow run (no AI), kept in `work` to be reused with --reuse-runs."""
    kept = work / f"{target.name}.run.json"
    if reuse and kept.is_file():
        saved: dict[str, Any] = json.loads(kept.read_text())
        if saved.get("commit") == commit:
            return dict(saved["summary"])
    summary = run_workflow(target)
    kept.write_text(json.dumps({"commit": commit, "summary": summary}))
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="the provider's base URL (OpenAI-compatible: .../v1)")
    where.add_argument("--fake", action="store_true", help="the tests' fake server (mechanics)")
    parser.add_argument("--provider", default="openai", choices=("openai", "anthropic"))
    parser.add_argument("--model", default="local-model")
    parser.add_argument("--api-key-env", help="variable holding the API key (default: none)")
    parser.add_argument("--max-output-tokens", type=int, default=2048)
    parser.add_argument("--budget", type=int, default=12000, help="prompt token budget")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per request")
    parser.add_argument("--projects", help="comma-separated label-file names (default: all)")
    parser.add_argument("--repos", type=Path, default=DEFAULT_REPOS, help="where the bundles are")
    parser.add_argument("--work", type=Path, help="keep prepared clones here (default: temp)")
    parser.add_argument(
        "--reuse-runs",
        action="store_true",
        help="reuse each project's workflow run kept in --work by an earlier bench run",
    )
    args = parser.parse_args()
    files = label_files(args.projects)
    work = args.work or Path(tempfile.mkdtemp(prefix="triage-"))
    work.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        url = args.url
        if args.fake:
            url = stack.enter_context(FakeLLMServer(answer=fake_model)).base_url
        ai = {
            "provider": args.provider,
            "base_url": url,
            "model": args.model,
            "api_key_env": args.api_key_env,
            "max_output_tokens": args.max_output_tokens,
            "prompt_token_budget": args.budget,
            "timeout_s": args.timeout,
            "max_retries": 0,
        }
        before, after, totals = Counter[str](), Counter[str](), Counter[str]()
        agreement = Counter[str]()
        for path in files:
            project = read_labels(path)
            target = checkout(project, args.repos, work)
            summary = workflow_summary(project.header["commit"], target, work, args.reuse_runs)
            shown = shown_findings(summary)
            steps, stats = triage(target, summary, ai)
            kept = [f for f in shown_findings({"steps": steps})
                    if (f.get("triage") or {}).get("label") != "noise"]  # fmt: skip
            first, second = score(project, shown, str(target)), score(project, kept, str(target))
            agreement.update(_agreement(project, shown_findings({"steps": steps}), str(target)))
            before.update(first.counts)
            after.update(second.counts)
            totals.update({k: v for k, v in stats.items() if isinstance(v, int)})
            totals["shown"] += len(shown)
            totals["projects"] += 1
            hidden = first.counts["real"] - second.counts["real"]
            print(
                f"[{project.path.stem}] shown {len(shown)}, triaged {stats.get('triaged', 0)}, "
                f"noise {stats.get('noise', 0)}; precision {_pct(first.precision)} -> "
                f"{_pct(second.precision)}; real hidden {hidden}",
                file=sys.stderr,
            )
    print(_line(before, after, totals, "fake server" if args.fake else f"{args.model} at {url}"))
    print(_agreement_line(agreement))
    return 0


def _agreement(project: Any, findings: list[dict[str, Any]], target: str) -> Counter[str]:
    """(triage label, person's label) pairs: actionable should be real, noise noise or wrong."""
    pairs = Counter[str]()
    for finding in findings:
        label = (finding.get("triage") or {}).get("label")
        person = next(iter(score(project, [finding], target).counts), "unlabelled")
        if label in ("actionable", "noise") and person in LABELS:
            pairs[f"{label}/{'real' if person == 'real' else 'not-real'}"] += 1
    return pairs


def _agreement_line(pairs: Counter[str]) -> str:
    agree = pairs["actionable/real"] + pairs["noise/not-real"]
    total = sum(pairs.values())
    rate = f"{100 * agree / total:.1f}%" if total else "n/a"
    return (
        f"triage agreement with the labels: {agree} of {total} ({rate}); actionable and real "
        f"{pairs['actionable/real']}, actionable but noise/wrong {pairs['actionable/not-real']}, "
        f"noise but real {pairs['noise/real']}, noise and noise/wrong {pairs['noise/not-real']}"
    )


def _precision(counts: Counter[str]) -> tuple[float | None, int, int]:
    labelled = sum(counts[label] for label in LABELS)
    return (counts["real"] / labelled if labelled else None), counts["real"], labelled


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _line(before: Counter[str], after: Counter[str], totals: Counter[str], who: str) -> str:
    p0, real0, n0 = _precision(before)
    p1, real1, n1 = _precision(after)
    hidden = real0 - real1
    loss = f"{100 * hidden / real0:.1f}%" if real0 else "n/a"
    return (
        f"triage ({who}): {totals['triaged']} of {totals['shown']} shown findings triaged "
        f"({totals['noise']} noise, {totals['unlabelled']} unlabelled) in {totals['projects']} "
        f"projects; precision of shown findings {_pct(p0)} ({real0}/{n0} labelled) before, "
        f"{_pct(p1)} ({real1}/{n1}) after; real findings hidden {hidden} of {real0} "
        f"(recall loss {loss}); {totals['requests']} requests, {totals['cache_hits']} cache hits"
    )


if __name__ == "__main__":
    raise SystemExit(main())
