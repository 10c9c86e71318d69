"""AI layer benchmark.

1. Cache lookups with 10,000 entries: p50/p99 latency and throughput (a hit also records its
   access time, so each lookup is a read and a write, as in a real run).
2. The AI phase of a full run (`ai-workflow run --auto`, all 13 steps) on a fixture project,
   against a local fake OpenAI-compatible server that answers after a fixed delay: first run
   vs cached re-run. The AI phase is the wall time spent in reviews (`ai.time_s`).

Usage: .venv/bin/python bench/bench_ai.py [--entries 10000] [--lookups 5000] [--delay 0.25]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from ai_workflow.ai.cache import ResponseCache, cache_key  # noqa: E402
from ai_workflow.ai.providers.base import ChatRequest, ChatResponse  # noqa: E402
from ai_workflow.cli import main  # noqa: E402
from bench._common import git_project  # noqa: E402
from tests.ai.fakes import FakeLLMServer, findings_answer  # noqa: E402

ENV_KEYS = ("AI_WORKFLOW_AI_PROVIDER", "AI_WORKFLOW_AI_BASE_URL", "AI_WORKFLOW_AI_MODEL")


def _request(n: int) -> ChatRequest:
    return ChatRequest(
        provider="openai",
        base_url="http://127.0.0.1:1/v1",
        model="bench",
        system="static persona instructions " * 40,
        user=f"context {n} " + "finding line\n" * 60,
        temperature=0.0,
        max_output_tokens=2048,
        template="code_quality@1.1",
    )


def bench_cache(entries: int, lookups: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        cache = ResponseCache(Path(tmp) / "c", ttl_s=86400, max_bytes=500 * 1024 * 1024)
        answer = ChatResponse(
            text=findings_answer() + " " * 1500, model="bench", tokens_in=900, tokens_out=400
        )
        keys = []
        for n in range(entries):
            request = _request(n)
            keys.append(cache_key(request))
            cache.put(keys[-1], request, answer)
        rng = random.Random(7)
        timings = []
        start = time.perf_counter()
        for _ in range(lookups):
            key = rng.choice(keys)
            t0 = time.perf_counter()
            hit = cache.get(key)
            timings.append(time.perf_counter() - t0)
            assert hit is not None
        total = time.perf_counter() - start
        miss_t0 = time.perf_counter()
        for n in range(500):
            assert cache.get(f"missing-{n}") is None
        miss_us = (time.perf_counter() - miss_t0) / 500 * 1e6
        size_mb = cache.stats()["size_bytes"] / 1024 / 1024
        cache.close()
    quantiles = statistics.quantiles(timings, n=100)
    return {
        "p50_us": quantiles[49] * 1e6,
        "p99_us": quantiles[98] * 1e6,
        "per_s": lookups / total,
        "miss_us": miss_us,
        "size_mb": size_mb,
    }


def _project(root: Path) -> Path:
    files = {
        "README.md": "# Bench\n\nRun `python -m bench`.\n\n## Install\n\npip install .\n",
        "pyproject.toml": '[project]\nname = "bench"\nversion = "0.1.0"\n',
        "src/bench/__init__.py": '__version__ = "0.1.0"\n',
        "src/bench/core.py": "".join(f"def f{n}(x):\n    return x + {n}\n\n\n" for n in range(30)),
        "tests/test_core.py": "from bench.core import f1\n\n\ndef test_f1():\n"
        "    assert f1(1) == 2\n",
        ".gitignore": ".ai_workflow/\n",
    }
    git_project(root, files)
    (root / "src/bench/core.py").write_text(
        files["src/bench/core.py"] + "def g(y):\n    return y\n"
    )
    return root


def _run(target: Path) -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["run", "--target", str(target), "--auto", "--json", "--no-step-cache", "--no-resume"])
    summary: dict[str, Any] = json.loads(out.getvalue())
    return summary


def bench_run(delay_s: float) -> dict[str, Any]:
    answer = findings_answer(
        {"rule": "bench", "severity": "info", "path": "README.md", "line": 1, "message": "m"}
    )
    saved = {k: os.environ.get(k) for k in ENV_KEYS}
    with tempfile.TemporaryDirectory() as tmp, FakeLLMServer(answer=answer, delay_s=delay_s) as srv:
        os.environ.update(
            AI_WORKFLOW_AI_PROVIDER="openai",
            AI_WORKFLOW_AI_BASE_URL=srv.base_url,
            AI_WORKFLOW_AI_MODEL="bench",
        )
        try:
            target = _project(Path(tmp) / "p")
            first, second = _run(target), _run(target)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        requests = len(srv.requests)
    return {"first": first, "second": second, "requests": requests}


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--lookups", type=int, default=5_000)
    parser.add_argument("--delay", type=float, default=0.25, help="fake provider delay (s)")
    args = parser.parse_args()
    cpus = len(os.sched_getaffinity(0))
    print(f"machine: {platform.machine()} {cpus} cores, Python {platform.python_version()}")
    cache = bench_cache(args.entries, args.lookups)
    print(
        f"cache ({args.entries} entries, {cache['size_mb']:.1f} MB): hit p50 "
        f"{cache['p50_us']:.0f} us, p99 {cache['p99_us']:.0f} us, {cache['per_s']:.0f} hits/s; "
        f"miss {cache['miss_us']:.0f} us"
    )
    run = bench_run(args.delay)
    a1, a2 = run["first"]["ai"], run["second"]["ai"]
    d1, d2 = run["first"]["duration_s"], run["second"]["duration_s"]
    print(
        f"full run, provider delay {args.delay:g}s: first AI phase {a1['time_s']:.2f}s "
        f"({a1['calls']} calls, run {d1:.2f}s); cached re-run AI phase {a2['time_s']:.2f}s "
        f"({a2['cache_hits']} hits, {a2['calls']} calls, run {d2:.2f}s); "
        f"tokens saved {a2['tokens_saved']}; HTTP requests {run['requests']}"
    )
    ratio = a1["time_s"] / a2["time_s"] if a2["time_s"] else float("inf")
    print(
        f"SUMMARY ai: cache p50 {cache['p50_us']:.0f}us p99 {cache['p99_us']:.0f}us "
        f"{cache['per_s']:.0f}/s @{args.entries}; AI phase {a1['time_s']:.2f}s -> "
        f"{a2['time_s']:.2f}s cached ({ratio:.0f}x), hit rate {a2['hit_rate']}, "
        f"tokens saved {a2['tokens_saved']}"
    )


if __name__ == "__main__":
    main_bench()
