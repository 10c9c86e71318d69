"""Engine overhead per step: 50 no-op steps, sequential and parallel (goal < 10 ms per step).

Overhead = (the run's wall time - the time to spawn the same 50 `true` commands directly) / 50.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import custom_project, machine, run_summary

N = 50


def bare_spawn_time() -> float:
    start = time.perf_counter()
    for _ in range(N):
        subprocess.run("true", shell=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    steps = [{"id": f"noop{i:02d}", "run": "true"} for i in range(N)]
    with tempfile.TemporaryDirectory() as tmp:
        project = custom_project(Path(tmp) / "p", steps)
        run_summary(project)  # warm-up: imports, first history file
        seq, par, bare = [], [], []
        for _ in range(repeats):
            bare.append(bare_spawn_time())
            seq.append(run_summary(project)["duration_s"])
            par.append(run_summary(project, "--parallel", "--jobs", "4")["duration_s"])
    base = statistics.median(bare)
    seq_ms = (statistics.median(seq) - base) / N * 1000
    par_ms = (statistics.median(par) - base) / N * 1000
    print(f"bare spawn of {N} commands: {base * 1000:.1f} ms; runs seq={seq} par={par}")
    print(
        f"bench_overhead: {N} no-op steps, engine overhead per step sequential={seq_ms:.2f} ms "
        f"parallel={par_ms:.2f} ms (goal < 10 ms) [{machine()}]"
    )


if __name__ == "__main__":
    main()
