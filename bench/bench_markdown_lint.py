"""Markdown lint speed (rumdl vs the PyMarkdown step 12 used before) and per-file reuse.

1. The same Markdown files, linted the way step 12 lints them now (rumdl, the default rules, one
   command) and the way it did before (PyMarkdown, the same rules, batches of 100): the current
   Markdown of the real projects in `--repos` (flask, express, bats-core, cobra bundles), then
   `--history N` distinct Markdown files from bats-core's history (rumdl only unless
   `--previous-on-history`: PyMarkdown takes minutes there). Files per second, and whether both
   linters report the same (file, line, rule) for the rules that run.
2. Per-file reuse: markdown_lint and code_quality on a real project, a cold run (no stored
   results) against a run after editing one file (one Markdown file, one shell script, one
   Python file), through the CLI; step durations.

    python bench/bench_markdown_lint.py [--repos DIR] [--history 317] [--previous-on-history]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import machine, run_summary

from ai_workflow.markdown_docs import is_markdown_path
from ai_workflow.steps.markdown_lint import DEFAULT_RULES, MARKDOWNLINT_ALIASES

BUNDLES = {"flask": "main", "express": "master", "bats-core": "master", "cobra": "main"}
PYM_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):\d+: (?P<rule>MD\d+): ")
Found = set[tuple[str, int, str]]


def clone(repos: Path, name: str, into: Path) -> Path:
    dest = into / name
    bundle = str(repos / f"{name}.bundle")
    subprocess.run(["git", "clone", "-q", "-b", BUNDLES[name], bundle, str(dest)], check=True)
    return dest


def markdown_files(root: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(root), "ls-files"], capture_output=True, text=True)
    return [p for p in out.stdout.splitlines() if is_markdown_path(p)]


def history_files(root: Path, count: int, into: Path) -> list[str]:
    """`count` distinct Markdown blobs from the repository's history, as files in `into`."""
    out = subprocess.run(
        ["git", "-C", str(root), "rev-list", "--objects", "--all"], capture_output=True, text=True
    )
    pairs = [line.split(maxsplit=1) for line in out.stdout.splitlines()]
    blobs = sorted({p[0] for p in pairs if len(p) == 2 and is_markdown_path(p[1])})
    into.mkdir(parents=True)
    for sha in blobs[:count]:
        blob = subprocess.run(
            ["git", "-C", str(root), "cat-file", "blob", sha], capture_output=True
        )
        (into / f"{sha}.md").write_bytes(blob.stdout)
    return sorted(p.name for p in into.iterdir())


def rumdl(cwd: Path, files: list[str]) -> tuple[float, Found]:
    exe = shutil.which("rumdl", path=str(Path(sys.executable).parent)) or "rumdl"
    args = [exe, "check", "--no-cache", "--color", "never", "--output-format", "json"]
    args += ["--no-config", "--enable", ",".join(sorted(DEFAULT_RULES)), "--"]
    start = time.perf_counter()
    out = subprocess.run([*args, *files], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    found = {(i["file"], int(i["line"]), i["rule"]) for i in json.loads(out.stdout or "[]")}
    return elapsed, found


def pymarkdown(cwd: Path, files: list[str]) -> tuple[float, Found]:
    """The previous step's command: every rule outside the default set off, batches of 100."""
    off = sorted(r.lower() for r in MARKDOWNLINT_ALIASES if r not in DEFAULT_RULES)
    off += ["md002", "md006", "pml100", "pml101", "pml102"]
    args = [sys.executable, "-m", "pymarkdown", "-d", ",".join(off)]
    args += ["-e", ",".join(sorted(r.lower() for r in DEFAULT_RULES))]
    args += ["--enable-extensions", "front-matter,markdown-tables", "--continue-on-error", "scan"]
    found: Found = set()
    start = time.perf_counter()
    for index in range(0, len(files), 100):
        out = subprocess.run([*args, *files[index : index + 100]], cwd=cwd,
                             capture_output=True, text=True)  # fmt: skip
        for line in out.stdout.splitlines():
            if match := PYM_LINE.match(line):
                path = match["path"].removeprefix(str(cwd) + "/")
                found.add((path, int(match["line"]), match["rule"]))
    return time.perf_counter() - start, found


def step_duration(summary: dict[str, Any], step: str) -> float:
    return float(next(s["duration_s"] for s in summary["steps"] if s["id"] == step))


def reuse_gain(root: Path, step: str, edit: str, text: str) -> tuple[float, float]:
    """The step's duration cold (no stored results) and after editing one file."""
    shutil.rmtree(root / ".ai_workflow", ignore_errors=True)
    cold = step_duration(run_summary(root, "--steps", step), step)
    with (root / edit).open("a", encoding="utf-8") as handle:
        handle.write(text)
    warm = step_duration(run_summary(root, "--steps", step), step)
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "--", edit], check=True)
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=Path, default=Path("/work/shared/data/repos"))
    parser.add_argument("--history", type=int, default=317)
    parser.add_argument("--previous-on-history", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-mdlint-") as tmp:
        base = Path(tmp)
        roots = {name: clone(args.repos, name, base) for name in BUNDLES}
        new_s = old_s = 0.0
        agree = total = files = 0
        for name, root in roots.items():
            paths = markdown_files(root)
            files += len(paths)
            new_t, new_f = rumdl(root, paths)
            old_t, old_f = pymarkdown(root, paths)
            new_s, old_s = new_s + new_t, old_s + old_t
            agree, total = agree + len(new_f & old_f), total + len(new_f | old_f)
            print(f"{name}: {len(paths)} files, rumdl {new_t:.2f} s, pymarkdown {old_t:.2f} s, "
                  f"findings {len(new_f)} vs {len(old_f)}", file=sys.stderr)  # fmt: skip
        hist = history_files(roots["bats-core"], args.history, base / "history")
        hist_t, _ = rumdl(base / "history", hist)
        hist_old = ""
        if args.previous_on_history:
            old_hist_t, _ = pymarkdown(base / "history", hist)
            hist_old = f" (pymarkdown {old_hist_t:.1f} s)"
        gains = {
            "markdown_lint (bats-core, one .md edited)": reuse_gain(
                roots["bats-core"], "markdown_lint", "README.md", "\nOne more line.\n"
            ),
            "code_quality (bats-core, one script edited)": reuse_gain(
                roots["bats-core"], "code_quality", "install.sh", "\necho done\n"
            ),
            "code_quality (flask, one module edited)": reuse_gain(
                roots["flask"], "code_quality", "src/flask/app.py", "\nx = 1\n"
            ),
        }
    reuse = "; ".join(f"{k} {c:.2f} s -> {w:.2f} s" for k, (c, w) in gains.items())
    print(
        f"markdown lint, {files} Markdown files of {len(BUNDLES)} projects: rumdl "
        f"{files / new_s:.0f} files/s vs pymarkdown {files / old_s:.1f} files/s "
        f"({old_s / new_s:.0f}x; {agree}/{total} findings the same); {len(hist)} bats-core "
        f"history files in {hist_t:.2f} s{hist_old}; per-file reuse: {reuse} [{machine()}]"
    )


if __name__ == "__main__":
    main()
