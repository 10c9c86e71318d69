"""Change detection + classification on a 100,000-file repository with 10,000 changed files.

Compared with what git alone needs to list the same changes: `git diff --name-only HEAD~1 HEAD`
plus `git status --porcelain` (goal: at most 1.5x). The repository is generated with
`git fast-import` (two commits: 5,000 files changed in the last one) and checked out once; then
3,000 tracked files are modified in the work tree (1,000 of them staged) and 2,000 untracked
files are added.

    python bench/bench_changes.py [repeats] [--keep DIR]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _common import GIT, machine

from ai_workflow.changes import build_skip_policy
from ai_workflow.config import Config
from ai_workflow.steps import BUILTIN_MODULES

TOTAL = 100_000
COMMITTED, MODIFIED, STAGED, UNTRACKED = 5_000, 2_000, 1_000, 2_000
LAYOUT = [  # (template, count): a realistic mix of categories, 100,000 files in all
    ("src/pkg{a}/mod{b}.py", 60_000),
    ("tests/pkg{a}/test_mod{b}.py", 20_000),
    ("docs/section{a}/page{b}.md", 10_000),
    ("web/components{a}/widget{b}.ts", 4_000),
    ("assets/img{a}/icon{b}.png", 3_000),
    ("scripts/group{a}/task{b}.sh", 2_000),
    ("config/env{a}/settings{b}.yaml", 1_000),
]


def layout_paths() -> list[str]:
    paths: list[str] = []
    for template, count in LAYOUT:
        per_dir = max(1, count // 100)
        paths += [template.format(a=i // per_dir, b=i % per_dir) for i in range(count)]
    assert len(paths) == TOTAL
    return paths


def _commit(paths: list[str], message: str, stamp: int, tag: str) -> Iterator[bytes]:
    """A fast-import commit on main (the second one continues from the first)."""
    yield b"commit refs/heads/main\n"
    yield f"committer bench <bench@example.invalid> {stamp} +0000\n".encode()
    yield f"data {len(message)}\n{message}\n".encode()
    for path in paths:
        body = f"# {path}\nvalue = '{tag}'\n".encode()
        yield f"M 100644 inline {path}\ndata {len(body)}\n".encode() + body + b"\n"


def generate(root: Path) -> tuple[list[str], list[str]]:
    """The repository, and the paths changed in the last commit and in the work tree."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    paths = layout_paths()
    committed = paths[::20][:COMMITTED]  # spread over every category
    worktree = paths[7::20][: MODIFIED + STAGED]
    stream = b"".join(
        [
            *_commit(paths, "initial", 1_700_000_000, "v1"),
            *_commit(committed, "change 5,000 files", 1_700_000_100, "v2"),
        ]
    )
    subprocess.run([*GIT, "-C", str(root), "fast-import", "--quiet"], input=stream, check=True)
    subprocess.run([*GIT, "-C", str(root), "reset", "-q", "--hard", "main"], check=True)
    for path in worktree:
        (root / path).write_text(f"# {path}\nvalue = 'v3'\n", encoding="utf-8")
    staged = worktree[:STAGED]
    subprocess.run([*GIT, "-C", str(root), "add", "--", *staged], check=True)
    new = [p.replace(".", "_new.", 1) for p in paths[3::50][:UNTRACKED]]
    for path in new:
        (root / path).write_text("new\n", encoding="utf-8")
    return committed, worktree + new


def git_alone(root: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        ["git", "-C", str(root), "diff", "--name-only", "HEAD~1", "HEAD"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain"], check=True, capture_output=True
    )
    return time.perf_counter() - start


def ours(root: Path, expected: int) -> float:
    specs = [m.SPEC for m in BUILTIN_MODULES]
    start = time.perf_counter()
    plan = build_skip_policy(root, Config(), specs, [], environ={})
    elapsed = time.perf_counter() - start
    if plan.file_count != expected:
        raise SystemExit(f"detected {plan.file_count} changed files, expected {expected}")
    return elapsed


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    repeats = int(args[0]) if args else 5
    with tempfile.TemporaryDirectory(prefix="bench-changes-") as tmp:
        root = Path(tmp) / "big"
        start = time.perf_counter()
        committed, worktree = generate(root)
        setup = time.perf_counter() - start
        expected = len(set(committed) | set(worktree))
        git_alone(root), ours(root, expected)  # warm the page cache and the index
        base_times, our_times = [], []
        for _ in range(repeats):
            base_times.append(git_alone(root))
            our_times.append(ours(root, expected))
    base, mine = statistics.median(base_times), statistics.median(our_times)
    print(
        f"generated {TOTAL:,} files in {setup:.1f}s; git alone {sorted(base_times)}; "
        f"ai-workflow {sorted(our_times)}",
        file=sys.stderr,
    )
    print(
        f"bench_changes: {TOTAL:,} files, {expected:,} changed: detection + classification "
        f"{mine * 1000:.0f} ms vs git diff + git status {base * 1000:.0f} ms = "
        f"{mine / base:.2f}x (goal <= 1.5x) [{machine()}]"
    )


if __name__ == "__main__":
    main()
