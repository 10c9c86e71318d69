"""Shared team cache benchmark: what runner B gains from what runner A put in Redis.

A real redis-server on a free loopback port; a local fake OpenAI-compatible provider answering
after a fixed delay; the whole workflow (`run --auto`, all 13 steps) on fresh clones of one
project, each in its own directory with an empty work directory (a CI runner):
- cold: no team cache at all (the baseline);
- A: cold with the team cache, which it fills;
- B: another runner on the same commit (target: 0 AI requests);
- B+1: another runner on the next commit (one source file changed).
Per run: steps reused, AI requests sent, wall time, bytes read/written. Medians of the repeats.

Usage: .venv-test/bin/python bench/team_cache.py [--repeats 3] [--delay 0.25] [--modules 60]
       [--bundle path/to/project.bundle --branch main] [--no-ai]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from ai_workflow.cli import main  # noqa: E402
from bench._common import GIT, git_project, machine  # noqa: E402
from tests.ai.fakes import FakeLLMServer, findings_answer  # noqa: E402
from tests.remote.redis_server import redis_binary, start_redis  # noqa: E402

KEY = "bench-team-secret-0123456789"
SCENARIOS = ("cold", "A", "B", "B+1")
ENV_KEYS = (
    "AI_WORKFLOW_AI_PROVIDER", "AI_WORKFLOW_AI_BASE_URL", "AI_WORKFLOW_AI_MODEL",
    "AI_WORKFLOW_REMOTE_CACHE", "AI_WORKFLOW_CACHE_KEY", "GITHUB_EVENT_NAME",
)  # fmt: skip


def generated_origin(root: Path, modules: int) -> Path:
    files = {
        "README.md": "# Bench\n\nRun `python -m bench`.\n\n## Install\n\npip install .\n",
        "pyproject.toml": '[project]\nname = "bench"\nversion = "0.1.0"\n\n'
        '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
        "src/bench/__init__.py": '__version__ = "0.1.0"\n',
        ".gitignore": ".ai_workflow/\n",
    }
    for n in range(modules):
        files[f"src/bench/m{n}.py"] = "".join(
            f'def f{k}(x):\n    """Add {k}."""\n    return x + {k}\n\n\n' for k in range(12)
        )
        files[f"tests/test_m{n}.py"] = f"from bench.m{n} import f1\n\n\ndef test_f1():\n"
        files[f"tests/test_m{n}.py"] += "    assert f1(1) == 2\n"
    return git_project(root, files)


def bundle_origin(root: Path, bundle: Path, branch: str) -> Path:
    subprocess.run(["git", "clone", "-q", "-b", branch, str(bundle), str(root)], check=True)
    return root


def next_commit(origin: Path) -> None:
    """Change one tracked source file (the first .py, .go or .js file) and commit."""
    files = subprocess.run(
        ["git", "-C", str(origin), "ls-files", "*.py", "*.go", "*.js"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    path = origin / sorted(f for f in files if "test" not in f)[0]
    comment = "#" if path.suffix == ".py" else "//"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{comment} changed by bench/team_cache.py\n")
    subprocess.run([*GIT, "-C", str(origin), "commit", "-q", "-am", "next"], check=True)


def clone(origin: Path, where: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(origin), str(where)], check=True)
    return where


def run_once(target: Path, remote_url: str | None) -> dict[str, Any]:
    os.environ["AI_WORKFLOW_REMOTE_CACHE"] = remote_url or ""
    out = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["run", "--target", str(target), "--auto", "--no-resume", "--json"])
    wall = time.perf_counter() - started
    if code not in (0, 1):
        raise SystemExit(f"run on {target} failed with exit {code}")
    summary: dict[str, Any] = json.loads(out.getvalue())
    summary["wall_s"] = wall
    return summary


def one_round(work: Path, origin: Path, server: FakeLLMServer, url: str) -> dict[str, Any]:
    """cold, A, B on one commit, then B+1 on the next; each a fresh clone."""
    rows: dict[str, Any] = {}
    for name, remote in (("cold", None), ("A", url), ("B", url)):
        before = len(server.requests)
        summary = run_once(clone(origin, work / name), remote)
        rows[name] = _row(summary, len(server.requests) - before)
    next_commit(origin)
    before = len(server.requests)
    summary = run_once(clone(origin, work / "B+1"), url)
    rows["B+1"] = _row(summary, len(server.requests) - before)
    return rows


def _row(summary: dict[str, Any], requests: int) -> dict[str, Any]:
    remote = summary.get("remote_cache") or {}
    steps = summary["steps"]
    return {
        "wall_s": summary["wall_s"],
        "requests": requests,
        "reused": sum(1 for s in steps if s["status"] == "reused"),
        "steps": len(steps),
        "bytes_read": remote.get("bytes_read", 0),
        "bytes_written": remote.get("bytes_written", 0),
        "remote_hits": remote.get("hits", 0),
        "time_saved_s": remote.get("time_saved_s", 0.0),
        "warning": remote.get("warning"),
    }


def median_rows(rounds: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name in SCENARIOS:
        rows = [r[name] for r in rounds]
        out[name] = {
            key: statistics.median(row[key] for row in rows) for key in rows[0] if key != "warning"
        }
        out[name]["warnings"] = sorted({str(r["warning"]) for r in rows if r["warning"]})
    return out


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.25, help="fake provider delay (s)")
    parser.add_argument("--modules", type=int, default=60, help="modules of the generated project")
    parser.add_argument("--bundle", type=Path, help="a git bundle of a real project instead")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--no-ai", action="store_true", help="no provider: step results only")
    args = parser.parse_args()
    if redis_binary() is None:
        raise SystemExit("redis-server is not installed (Debian package redis-server)")
    saved = {k: os.environ.get(k) for k in ENV_KEYS}
    answer = findings_answer(
        {"rule": "bench", "severity": "info", "path": "README.md", "line": 1, "message": "m"}
    )
    rounds = []
    fake = FakeLLMServer(answer=answer, delay_s=args.delay)
    with tempfile.TemporaryDirectory() as tmp, fake as srv:
        redis_server = start_redis(Path(tmp) / "redis")
        os.environ.pop("GITHUB_EVENT_NAME", None)
        os.environ.update(
            AI_WORKFLOW_AI_PROVIDER="none" if args.no_ai else "openai",
            AI_WORKFLOW_AI_BASE_URL=srv.base_url,
            AI_WORKFLOW_AI_MODEL="bench",
            AI_WORKFLOW_CACHE_KEY=KEY,
        )
        try:
            for n in range(args.repeats):
                redis_server.client().flushall()
                work = Path(tmp) / f"round{n}"
                origin = (
                    bundle_origin(work / "origin", args.bundle, args.branch)
                    if args.bundle
                    else generated_origin(work / "origin", args.modules)
                )
                rounds.append(one_round(work, origin, srv, redis_server.url))
        finally:
            redis_server.stop()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    report(args, median_rows(rounds))


def report(args: argparse.Namespace, rows: dict[str, dict[str, Any]]) -> None:
    project = args.bundle.name if args.bundle else f"generated, {args.modules} modules"
    project += ", no AI provider" if args.no_ai else ""
    print(f"machine: {machine()}; project: {project}; provider delay {args.delay:g}s; "
          f"medians of {args.repeats}")  # fmt: skip
    for name, row in rows.items():
        print(
            f"  {name:<5} {row['wall_s']:6.2f}s  AI requests {row['requests']:>3.0f}  "
            f"steps reused {row['reused']:.0f}/{row['steps']:.0f}  remote hits "
            f"{row['remote_hits']:.0f}  read {row['bytes_read'] / 1e3:.1f} kB  written "
            f"{row['bytes_written'] / 1e3:.1f} kB  saved {row['time_saved_s']:.2f}s"
            + (f"  warnings: {row['warnings']}" if row["warnings"] else "")
        )
    cold, a, b, b1 = (rows[n] for n in SCENARIOS)
    print(
        f"SUMMARY team_cache: B same commit {b['wall_s']:.2f}s vs A {a['wall_s']:.2f}s "
        f"(B/A {b['wall_s'] / a['wall_s']:.3f}; cold without team cache {cold['wall_s']:.2f}s), "
        f"AI requests {b['requests']:.0f} vs {a['requests']:.0f}, steps reused "
        f"{b['reused']:.0f}/{b['steps']:.0f}, {b['bytes_read'] / 1e3:.1f} kB read; next commit "
        f"{b1['wall_s']:.2f}s (B+1/A {b1['wall_s'] / a['wall_s']:.3f}), {b1['requests']:.0f} "
        f"requests, {b1['reused']:.0f} reused; A wrote {a['bytes_written'] / 1e3:.1f} kB "
        f"(A/cold {a['wall_s'] / cold['wall_s']:.3f})"
    )


if __name__ == "__main__":
    main_bench()
