"""Parallel efficiency: 14 sleep steps with branches and joins, run with --parallel.

Reports wall time / critical path (goal <= 1.05) and wall time / sequential sum.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from _common import custom_project, machine, run_summary

# id: (seconds, dependencies) -- a diamond-rich DAG, widest phase 4 steps.
DAG: dict[str, tuple[float, list[str]]] = {
    "fetch": (0.3, []),
    "lint_a": (0.6, ["fetch"]),
    "lint_b": (0.4, ["fetch"]),
    "unit": (0.9, ["fetch"]),
    "docs": (0.5, ["fetch"]),
    "types": (0.6, ["lint_a", "lint_b"]),
    "integ": (0.7, ["unit"]),
    "links": (0.3, ["docs"]),
    "bundle": (0.4, ["types", "integ"]),
    "spell": (0.2, ["links"]),
    "report": (0.3, ["bundle", "spell"]),
    "audit": (0.5, ["fetch"]),
    "sbom": (0.2, ["audit"]),
    "publish": (0.3, ["report", "sbom"]),
}


def critical_path() -> float:
    memo: dict[str, float] = {}

    def finish(step: str) -> float:
        if step not in memo:
            seconds, deps = DAG[step]
            memo[step] = seconds + max((finish(d) for d in deps), default=0.0)
        return memo[step]

    return max(finish(s) for s in DAG)


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    steps = [
        {"id": sid, "run": f"sleep {sec}", "depends_on": deps, "estimate_s": sec}
        for sid, (sec, deps) in DAG.items()
    ]
    with tempfile.TemporaryDirectory() as tmp:
        project = custom_project(Path(tmp) / "p", steps)
        walls = [
            run_summary(project, "--parallel", "--jobs", "4")["duration_s"] for _ in range(repeats)
        ]
        seq = [run_summary(project)["duration_s"] for _ in range(repeats)]
    wall, seq_wall = statistics.median(walls), statistics.median(seq)
    cp, total = critical_path(), sum(s for s, _ in DAG.values())
    print(f"steps={len(DAG)} critical_path={cp:.2f}s sequential_sum={total:.2f}s")
    print(f"parallel runs: {', '.join(f'{w:.3f}' for w in walls)}")
    print(f"sequential runs: {', '.join(f'{w:.3f}' for w in seq)}")
    print(
        f"bench_parallel: wall/critical_path={wall / cp:.3f} (goal <= 1.05) "
        f"wall/sequential_sum={wall / total:.3f} parallel_wall={wall:.3f}s "
        f"sequential_wall={seq_wall:.3f}s speedup={seq_wall / wall:.2f}x [{machine()}]"
    )


if __name__ == "__main__":
    main()
