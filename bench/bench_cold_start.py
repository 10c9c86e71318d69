"""Cold start: `ai-workflow --version` and `ai-workflow run --dry-run` on this repository."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from _common import REPO_ROOT, machine


def timed(args: list[str], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(args, check=False, capture_output=True, stdin=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    exe = [sys.executable, "-m", "ai_workflow"]
    python_only = timed([sys.executable, "-c", "pass"], repeats)
    version = timed([*exe, "--version"], repeats)
    dry = timed([*exe, "run", "--target", str(REPO_ROOT), "--dry-run", "--auto"], repeats)
    print(
        f"bench_cold_start: --version {version * 1000:.0f} ms, run --dry-run on this repository "
        f"{dry * 1000:.0f} ms (bare python {python_only * 1000:.0f} ms; median of {repeats}) "
        f"[{machine()}]"
    )


if __name__ == "__main__":
    main()
