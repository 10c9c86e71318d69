"""Per-file reuse in steps 8, 1 and 3 (dependencies, documentation, script_references): their CPU
time on a real project, cold and after a one-file edit, for two source trees side by side.

    python bench/bench_step_reuse.py --before /work/main/src --after src [--project flask]
        [--rounds 5] [--repos ../shared/data/repos]

Each tree runs in its own subprocess (`PYTHONPATH=<tree>`) on its own clone of the bundle:
a cold run (empty step cache), then one Python module of the project is edited (a function
appended) and the three steps run again, as the engine runs them (one run memo shared by the
three). Rounds alternate the trees, so a change in the machine's load falls on both. CPU time
(`time.process_time`) per step; medians over the rounds. Prints a line per round and tree and
ONE summary line at the end. The findings of the edited run are compared between the trees
(`same findings`): the reuse must not change a result.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REPOS = next(
    (d / "shared" / "data" / "repos" for d in REPO_ROOT.parents if (d / "shared").is_dir()),
    REPO_ROOT.parent / "shared" / "data" / "repos",
)
STEPS = ("dependencies", "documentation", "script_references")
EDIT = "\n\ndef _bench_edit():\n    return 1\n"

WORKER = """
import json, sys, threading, time
from pathlib import Path
from ai_workflow.config import Config
from ai_workflow.engine.artifacts import Workspace
from ai_workflow.engine.process import run_command
from ai_workflow.engine.step import RunMemo, StepContext
from ai_workflow.steps import dependencies, documentation, script_references

target, run_id = Path(sys.argv[1]), sys.argv[2]
memo, times, findings = RunMemo(), {}, []
for step in (dependencies, documentation, script_references):
    workspace = Workspace(target, run_id)
    workspace.step_log(step.SPEC).parent.mkdir(parents=True, exist_ok=True)
    ctx = StepContext(
        target=target, run_id=run_id, spec=step.SPEC, config=Config(), workspace=workspace,
        results={}, memo=memo, log=lambda message: None, cancel=threading.Event(),
        runner=run_command,
    )
    start = time.process_time()
    outcome = step.run(ctx)
    times[step.SPEC.id] = time.process_time() - start
    findings += sorted(json.dumps(f.to_dict(), sort_keys=True) for f in outcome.findings)
print(json.dumps({"times": times, "findings": findings}))
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def clone(bundle: Path, branch: str, into: Path) -> Path:
    subprocess.run(
        ["git", "clone", "-q", "-b", branch, str(bundle), str(into)],
        check=True,
        capture_output=True,
    )
    return into


def module_to_edit(repo: Path) -> str:
    """The project's largest shipped Python module (under src/ when there is one)."""
    files = [f for f in git(repo, "ls-files", "*.py").split() if "test" not in f]
    shipped = [f for f in files if f.startswith("src/")] or files
    return max(shipped, key=lambda f: ((repo / f).stat().st_size, f))


def run_steps(src: Path, repo: Path, run_id: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(repo), run_id],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def one_round(src: Path, repo: Path, edited: str) -> dict[str, Any]:
    """Cold run, one-file edit, incremental run; the tree is reset afterwards."""
    subprocess.run(["rm", "-rf", str(repo / ".ai_workflow")], check=True)
    cold = run_steps(src, repo, "workflow_20260101_000001")
    with (repo / edited).open("a", encoding="utf-8") as handle:
        handle.write(EDIT)
    warm = run_steps(src, repo, "workflow_20260101_000002")
    git(repo, "checkout", "--", edited)
    return {"cold": cold["times"], "edit": warm["times"], "findings": warm["findings"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="source tree (its src/)")
    parser.add_argument("--after", type=Path, required=True, help="source tree (its src/)")
    parser.add_argument("--project", default="flask")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repos", type=Path, default=DEFAULT_REPOS)
    args = parser.parse_args()
    bundle = args.repos / f"{args.project}.bundle"
    if not bundle.is_file():
        print(f"no bundle {bundle}", file=sys.stderr)
        return 2
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory(prefix="bench-step-reuse-") as tmp:
        repos = {name: clone(bundle, args.branch, Path(tmp) / name) for name in trees}
        edited = module_to_edit(repos["before"])
        print(f"{args.project}: editing {edited}; steps {', '.join(STEPS)}")
        for index in range(args.rounds):
            for name, src in trees.items():
                row = one_round(src, repos[name], edited)
                results[name].append(row)
                cold, edit = sum(row["cold"].values()), sum(row["edit"].values())
                steps = " ".join(f"{s}={row['edit'][s]:.3f}" for s in STEPS)
                print(
                    f"round {index + 1} {name}: cold {cold:.3f} s, "
                    f"after edit {edit:.3f} s ({steps})"
                )
    same = all(
        b["findings"] == a["findings"]
        for b, a in zip(results["before"], results["after"], strict=True)
    )

    def median(name: str, phase: str, step: str | None = None) -> float:
        rows = results[name]
        return statistics.median(
            row[phase][step] if step else sum(row[phase].values()) for row in rows
        )

    per_step = ", ".join(
        f"{s} {median('before', 'edit', s):.3f}->{median('after', 'edit', s):.3f}" for s in STEPS
    )
    print(
        f"SUMMARY {args.project}, {args.rounds} rounds, CPU s medians, before -> after: "
        f"cold {median('before', 'cold'):.3f} -> {median('after', 'cold'):.3f}; "
        f"after a one-file edit {median('before', 'edit'):.3f} -> {median('after', 'edit'):.3f} "
        f"({per_step}); same findings: {'yes' if same else 'NO'}"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
