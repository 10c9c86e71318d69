"""An unchanged re-run with step fingerprints vs a full run (goal: at most 5% of its time).

A generated Python project (modules with docstrings, real pytest tests, docs, a script) runs
through the CLI in-process: full runs with `--no-step-cache`, one run that stores fingerprints,
then unchanged re-runs that reuse every cacheable step, and for information a run after one
docs file changed. Times are wall-clock medians of the whole run (configuration, plan,
fingerprints, reports, history).

    python bench/bench_fingerprints.py [repeats (5)] [--modules N (100)]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from _common import GIT, machine, run_summary

from ai_workflow.changes import FingerprintCache, cacheable
from ai_workflow.engine.step import StepContext, StepResult
from ai_workflow.steps import BUILTIN_MODULES

SPECS = {m.SPEC.id: m.SPEC for m in BUILTIN_MODULES}
LOOKUP_SECONDS: list[float] = []
_lookup = FingerprintCache.lookup


def _timed_lookup(self: FingerprintCache, ctx: StepContext) -> StepResult | None:
    """Instrumentation only: how much of a re-run the fingerprint look-ups take."""
    start = time.perf_counter()
    try:
        return _lookup(self, ctx)
    finally:
        LOOKUP_SECONDS.append(time.perf_counter() - start)


FingerprintCache.lookup = _timed_lookup  # type: ignore[method-assign]


def module_source(i: int) -> str:
    funcs = "\n\n".join(
        f'def f{i}_{j}(x: int) -> int:\n    """Return x plus {j}."""\n    return x + {j}\n'
        for j in range(5)
    )
    return f'"""Module {i}."""\n\n\n{funcs}'


def test_source(i: int) -> str:
    tests = "\n\n".join(
        f"def test_f{i}_{j}() -> None:\n    assert mod{i}.f{i}_{j}(1) == {1 + j}\n"
        for j in range(5)
    )
    return f"from calc import mod{i}\n\n\n{tests}"


def generate(root: Path, modules: int) -> Path:
    files = {
        "pyproject.toml": '[project]\nname = "calc"\nversion = "1.0.0"\n\n'
        '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
        "README.md": "# calc\n\nRun `scripts/check.sh` to test.\n\n## Usage\n\nImport `calc`.\n",
        "CHANGELOG.md": "# Changelog\n\n## 1.0.0\n\n- First release.\n",
        "scripts/check.sh": "#!/bin/sh\nset -eu\npython -m pytest -q\n",
        ".gitignore": ".ai_workflow/\n__pycache__/\n",
        ".workflow-config.yaml": yaml.safe_dump({"tech_stack": {"python": sys.executable}}),
        "src/calc/__init__.py": '"""calc."""\n',
        **{
            f"docs/page{i}.md": f"# Page {i}\n\nSee [the readme](../README.md).\n" for i in range(5)
        },
        **{f"src/calc/mod{i}.py": module_source(i) for i in range(modules)},
        **{f"tests/test_mod{i}.py": test_source(i) for i in range(modules)},
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "scripts/check.sh").chmod(0o755)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run([*GIT, "-C", str(root), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(root), "commit", "-q", "-m", "project"], check=True)
    return root


def timed(target: Path, *args: str) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    summary = run_summary(target, *args)
    return time.perf_counter() - start, summary


def statuses(summary: dict[str, Any]) -> dict[str, str]:
    return {step["id"]: step["status"] for step in summary["steps"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repeats", nargs="?", type=int, default=5)
    parser.add_argument("--modules", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-fingerprints-") as tmp:
        target = generate(Path(tmp) / "calc", args.modules)
        run_summary(target, "--no-step-cache")  # warm-up: imports, page cache, first history
        full = [timed(target, "--no-step-cache")[0] for _ in range(args.repeats)]
        _, stored = timed(target)
        stored_ok = {
            sid
            for sid, st in statuses(stored).items()
            if st in ("passed", "warning") and cacheable(SPECS[sid])
        }
        LOOKUP_SECONDS.clear()
        reruns = [timed(target) for _ in range(args.repeats)]
        lookups = sum(LOOKUP_SECONDS) / args.repeats
        for _, summary in reruns:
            reused = {sid for sid, st in statuses(summary).items() if st == "reused"}
            if reused != stored_ok:
                raise SystemExit(f"expected {sorted(stored_ok)} reused, got {sorted(reused)}")
        (target / "docs/page0.md").write_text("# Page 0\n\nReworded.\n", encoding="utf-8")
        touched, summary = timed(target)
        rerun_steps = sorted(s for s, st in statuses(summary).items() if st != "reused")
    full_s = statistics.median(full)
    rerun_s = statistics.median(t for t, _ in reruns)
    print(
        f"full runs {[round(t, 2) for t in full]}; unchanged re-runs "
        f"{[round(t, 2) for t, _ in reruns]}; after a docs edit {touched:.2f}s re-ran "
        f"{rerun_steps}; reused {sorted(stored_ok)}",
        file=sys.stderr,
    )
    print(
        f"bench_fingerprints: {args.modules}-module project, unchanged re-run {rerun_s:.2f}s "
        f"vs full run {full_s:.2f}s = {rerun_s / full_s:.1%} (goal <= 5%; fingerprint look-ups "
        f"{lookups * 1000:.0f} ms = {lookups / full_s:.1%}), {len(stored_ok)} of {len(SPECS)} "
        f"steps reused [{machine()}]"
    )


if __name__ == "__main__":
    main()
