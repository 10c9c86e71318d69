"""Test selection against injected faults on a real Python project (flask, networkx).

Clones the flask bundle, prepares a virtual environment with flask installed editable and the
test dependencies its uv.lock pins (pytest, asgiref, python-dotenv), and records the test map
with a full `ai-workflow run --steps test_execution --smart-execution` at the clean commit B.
Then, for N functions of `src/flask/` that the tests run (chosen with a seed from the map, not
those that run at import time: a change to those runs every test anyway), one at a time:
commit a fault on top of B (the function raises, or returns a wrong value: alternately), run
the test step with every test (`--all-tests`) and with selection (`--base B`), both without
the step cache, and compare: was the fault caught (a failed or erroring test) by each, and how
long did the test command take (the step's own figure: the runner's wall time). Maps recorded
by the fault runs are removed, so every fault is measured against B's map.

Prints one line: faults caught by selection / caught by the full suite, selected test time /
full test time, faults and the recording overhead (full run recording the map vs not).
`--harmless` edits the same functions without changing what they do (a `pass` before the
first statement): a code-only change after which every test passes, the common commit.

`--project networkx` does the same on networkx 3.4.2, whose suite (~4,700 tests, about a
minute of CPU here without numpy and scipy, whose tests skip) is long beside pytest's start: its
source archive from PyPI (`pip download --no-binary`) becomes a one-commit repository with a
fixed author and date, tagged `sdist`, installed editable in a venv with pytest and its
dependencies at pinned versions; the faults go into `networkx/`, its test modules aside.

`--project cobra` does the same on cobra (Go; the bundle's main branch, its modules from
Debian's packages through a go.work as bench_replay.py builds them, and the two tests that fail
only on this machine left out through its `go test -exec` wrapper): a first run records the
toolchain and the command, then each fault goes into one function of a non-test Go file without
build constraints (the function panics, or returns zero values at once: alternately), its test
binaries are compiled (not timed: the build cache then serves both runs alike), and the full
suite and the selected packages run for it. cobra has two packages and `doc` imports the
root one, so a fault in the root package selects both.

    .venv-test/bin/python bench/test_selection.py [--faults 30] [--seed 7] [--harmless]
    .venv-test/bin/python bench/test_selection.py --project networkx [--faults 20] [--harmless]
    .venv-test/bin/python bench/test_selection.py --project cobra [--faults 20] [--seed 7]
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine
from bench_replay import go_machine_fixes, go_modules, go_workspace
from precision import FIXED_AUTHOR

from ai_workflow.cli import main

BUNDLE = Path("/work/shared/data/repos/flask.bundle")
COBRA_BUNDLE = Path("/work/shared/data/repos/cobra.bundle")
PINNED = ("pytest", "asgiref", "python-dotenv")
NETWORKX = "networkx==3.4.2"
# pytest and what it needs, at the versions this bench was measured with
NETWORKX_PINS = ("pytest==8.3.4", "iniconfig==2.3.1", "packaging==26.4", "pluggy==1.7.0")


def sh(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout


@dataclass(frozen=True)
class PyProject:
    """A Python project the faults go into: how to prepare it, where its code is."""

    name: str
    package: str  # the directory of the code the faults go into, with its slash
    base: str  # the revision every fault is committed on top of
    prepare: Callable[[Path, Path], tuple[Path, Path]]  # (work, bundle) -> (repo, venv)


def prepare(work: Path, bundle: Path) -> tuple[Path, Path]:
    repo, venv = work / "flask", work / "venv"
    if not repo.exists():
        sh("git", "clone", "-q", "-b", "main", str(bundle), str(repo))
    if not (venv / "bin" / "python").exists():
        sh(sys.executable, "-m", "venv", str(venv))
        lock = (repo / "uv.lock").read_text(encoding="utf-8")
        pins = [f"{name}=={_locked(lock, name)}" for name in PINNED]
        sh(str(venv / "bin" / "pip"), "install", "-q", "-e", str(repo), *pins)
    (repo / ".git" / "info" / "exclude").write_text(".ai_workflow/\n", encoding="utf-8")
    return repo, venv


def prepare_networkx(work: Path, _bundle: Path) -> tuple[Path, Path]:
    """networkx's source archive as a repository, and a venv with it installed editable."""
    repo, venv = work / "networkx", work / "venv"
    if not repo.exists():
        downloads = work / "downloads"
        sh(sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
           "-d", str(downloads), NETWORKX)  # fmt: skip
        sdist_repo(next(downloads.glob("networkx-*.tar.gz")), repo)
    if not (venv / "bin" / "python").exists():
        sh(sys.executable, "-m", "venv", str(venv))
        sh(str(venv / "bin" / "pip"), "install", "-q", "-e", str(repo), *NETWORKX_PINS)
    (repo / ".git" / "info" / "exclude").write_text(".ai_workflow/\n", encoding="utf-8")
    return repo, venv


def sdist_repo(archive: Path, repo: Path) -> None:
    """A source archive (`NAME-VERSION.tar.gz`, one top directory) as a one-commit repository
    with a fixed author and date (the same commit id on every machine), tagged `sdist`."""
    with tarfile.open(archive) as tar:
        tar.extractall(repo.parent / f"{repo.name}.unpacked", filter="data")
    (top,) = (repo.parent / f"{repo.name}.unpacked").iterdir()
    top.rename(repo)
    top.parent.rmdir()
    env = {**os.environ, **FIXED_AUTHOR}
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "--no-gpg-sign", "-m", archive.name], check=True, env=env)
    subprocess.run([*git, "tag", "sdist"], check=True, env=env)


PROJECTS = {
    "flask": PyProject("flask", "src/flask/", "origin/main", prepare),  # the bundle's tip
    "networkx": PyProject("networkx", "networkx/", "sdist", prepare_networkx),
}


def _locked(lock: str, name: str) -> str:
    marker = f'name = "{name}"\nversion = "'
    start = lock.index(marker) + len(marker)
    return lock[start : lock.index('"', start)]


def run_step(repo: Path, *extra: str) -> dict[str, Any]:
    """The test step's figures from one run: tests, selection and the step's wall time
    (the test command plus choosing the tests and recording the map)."""
    out = io.StringIO()
    args = ["run", "--target", str(repo), "--steps", "test_execution", "--smart-execution"]
    args += ["--auto", "--json", "--no-step-cache", "--no-resume", "--no-skip", *extra]
    before = _cpu()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(args)
    cpu = _cpu() - before
    summary: dict[str, Any] = json.loads(out.getvalue())
    step = summary["steps"][0]
    junit = repo / ".ai_workflow" / "logs" / summary["run_id"] / "junit-test_execution.xml"
    return {
        "tests_s": _test_seconds(junit),
        "tests": summary.get("tests") or {},
        "selection": summary.get("selection") or {},
        "duration_s": float(step.get("duration_s") or 0.0),
        "cpu_s": cpu,
        "summary": step.get("summary"),
    }


def _test_seconds(junit: Path) -> float:
    """The time the tests themselves took (setup, call and teardown of each, as pytest's JUnit
    report gives it): what selection can save, without pytest's start and collection."""
    if not junit.is_file():
        return 0.0
    cases = ET.parse(junit).getroot().iter("testcase")
    return sum(float(case.get("time") or 0.0) for case in cases)


def _cpu() -> float:
    """CPU time of this process and its finished children (the test command, git): stable
    where wall time is not, on a machine shared with other work."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def candidates(repo: Path, base: str, package: str = "src/flask/") -> list[tuple[str, str]]:
    """The functions of `package` (its test modules aside) that some test ran, not outside
    the tests."""
    raw = json.loads(
        (repo / ".ai_workflow/step_cache/test_execution.testmap" / f"{base}.json").read_text()
    )
    units = raw["units"]
    outside = {tuple(units[i]) for i in raw["outside"]}
    ran = {i for ids in raw["tests"].values() for i in ids}
    found = set()
    for i in ran:
        path, name = units[i]
        if not path.startswith(package) or _test_module(path) or (path, name) in outside:
            continue
        if name == "*" or "<" in name:
            continue
        found.add((path, name))
    return sorted(found)


def _test_module(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return "tests" in parts[:-1] or name.startswith("test_") or name == "conftest.py"


def inject(repo: Path, path: str, qualname: str, kind: str) -> bool:
    file = repo / path
    text = file.read_text(encoding="utf-8")
    node = _function(ast.parse(text), qualname)
    if node is None:
        return False
    body = node.body
    first = body[1] if len(body) > 1 and _is_docstring(body[0]) else body[0]
    if first.lineno == node.lineno:
        return False  # a one-line function
    lines = text.splitlines(keepends=True)
    indent = " " * first.col_offset
    fault = "raise RuntimeError('injected fault')" if kind == "raise" else "return None"
    if kind == "return" and isinstance(node, ast.FunctionDef) and _returns_none(node):
        fault = "return 0"
    if kind == "harmless":
        fault = "pass"  # changes the body's digest, not what it does
    # above a nested definition's decorators, not between them and its `def`
    start = min([first.lineno, *(d.lineno for d in getattr(first, "decorator_list", []))])
    lines.insert(start - 1, f"{indent}{fault}\n")
    file.write_text("".join(lines), encoding="utf-8")
    return True


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)


def _returns_none(node: ast.FunctionDef) -> bool:
    return not any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(node))


def _function(tree: ast.Module, qualname: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    parts = qualname.split(".")
    nodes: list[ast.stmt] = tree.body
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        match = None
        for node in nodes:
            if last and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                match = node if node.name == part else match
            elif not last and isinstance(node, ast.ClassDef) and node.name == part:
                match = node
        if match is None:
            return None
        if last:
            return match if isinstance(match, ast.FunctionDef | ast.AsyncFunctionDef) else None
        nodes = match.body
    return None


def caught(data: dict[str, Any]) -> bool:
    tests = data.get("tests") or {}
    return bool(tests.get("failed") or tests.get("errors"))


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", choices=(*PROJECTS, "cobra"), default="flask")
    parser.add_argument("--faults", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--work", type=Path, default=None, help="default: /tmp/bench-test-selection[-PROJECT]"
    )
    parser.add_argument("--bundle", type=Path, default=BUNDLE)
    parser.add_argument(
        "--harmless",
        action="store_true",
        help="edit each function without changing what it does (a passing code-only change)",
    )
    args = parser.parse_args()
    if args.work is None:
        suffix = "" if args.project == "flask" else f"-{args.project}"
        args.work = Path(f"/tmp/bench-test-selection{suffix}")
    if args.project == "cobra":
        go_bench(args)
        return
    project = PROJECTS[args.project]
    repo, venv = project.prepare(args.work, args.bundle)
    python = venv / "bin" / "python"
    os.environ["AI_WORKFLOW_TECH_STACK_PYTHON"] = str(python)
    base = sh("git", "rev-parse", project.base, cwd=repo).strip()
    sh("git", "reset", "-q", "--hard", base, cwd=repo)
    shutil.rmtree(repo / ".ai_workflow", ignore_errors=True)
    maps = repo / ".ai_workflow/step_cache/test_execution.testmap"
    plain = run_step(repo, "--all-tests", "--base", base)
    if caught(plain):
        raise SystemExit(f"{project.name}'s tests fail at {base[:7]} here: {plain['summary']}")
    for old in maps.glob("*.json") if maps.is_dir() else []:
        old.unlink()
    recorded = run_step(repo, "--base", base)
    if not (maps / f"{base}.json").exists():
        raise SystemExit(f"no test map recorded: {recorded.get('selection')}")
    pool = candidates(repo, base, project.package)
    rng = random.Random(args.seed)
    rng.shuffle(pool)
    rows = []
    started = time.monotonic()
    for path, name in pool:
        if len(rows) >= args.faults:
            break
        kind = "harmless" if args.harmless else ("raise" if len(rows) % 2 == 0 else "return")
        sh("git", "reset", "-q", "--hard", base, cwd=repo)
        if not inject(repo, path, name, kind):
            continue
        sh("git", "commit", "-q", "-am", f"fault in {name}", cwd=repo)
        full = run_step(repo, "--all-tests", "--base", base)
        chosen = run_step(repo, "--base", base)
        for extra in maps.glob("*.json"):
            if extra.name != f"{base}.json":
                extra.unlink()
        # the failures of this fault would run with the next one ("failed last time"): every
        # fault is measured against B's state, where every test passed
        (maps.parent / "test_execution.testmap-failed.json").unlink(missing_ok=True)
        rows.append((path, name, kind, full, chosen))
        print(
            f"  {path}:{name} ({kind}): full {'caught' if caught(full) else 'missed'} "
            f"{full['duration_s']:.1f}s ({full['cpu_s']:.1f}s CPU), selection "
            f"{chosen['selection']['mode']} "
            f"{chosen['tests']['selected']} tests "
            f"{'caught' if caught(chosen) else 'missed'} {chosen['duration_s']:.1f}s "
            f"({chosen['cpu_s']:.1f}s CPU; tests {full['tests_s']:.2f}s vs "
            f"{chosen['tests_s']:.2f}s) [{chosen['selection']['reason'][:80]}]",
            file=sys.stderr,
        )
        print(
            "  so far: " + summary_line(rows, plain, recorded, args.seed, started, project.name),
            file=sys.stderr,
        )
    sh("git", "reset", "-q", "--hard", base, cwd=repo)
    print(summary_line(rows, plain, recorded, args.seed, started, project.name))


def summary_line(
    rows: list[Any],
    plain: dict[str, Any],
    recorded: dict[str, Any],
    seed: int,
    started: float,
    project: str = "flask",
) -> str:
    by_full = [r for r in rows if caught(r[3])]
    by_both = [r for r in by_full if caught(r[4])]
    full_time = sum(r[3]["duration_s"] for r in rows)
    chosen_time = sum(r[4]["duration_s"] for r in rows)
    full_cpu = sum(r[3]["cpu_s"] for r in rows)
    full_tests = sum(r[3]["tests_s"] for r in rows)
    chosen_tests = sum(r[4]["tests_s"] for r in rows)
    chosen_cpu = sum(r[4]["cpu_s"] for r in rows)
    selected = sum(r[4]["tests"]["selected"] or 0 for r in rows)
    total = sum(r[4]["tests"]["total"] or 0 for r in rows)
    overhead = recorded["cpu_s"] / plain["cpu_s"] - 1
    extra = (
        f"in the tests themselves {chosen_tests:.1f}s / {full_tests:.1f}s "
        f"({100 * chosen_tests / max(full_tests, 1e-9):.1f}%); "
    )
    if project != "cobra":
        extra += f"tests run {selected}/{total}; map recording overhead {100 * overhead:+.0f}% "
        extra += f"(CPU {plain['cpu_s']:.1f}s -> {recorded['cpu_s']:.1f}s); "
    else:
        packages = [(r[4]["selection"].get("packages") or {}) for r in rows]
        extra = (
            f"packages run {sum(p.get('selected') or 0 for p in packages)}/"
            f"{sum(p.get('total') or 0 for p in packages)}, tests run {selected} "
            f"(full {sum(r[3]['tests']['selected'] or 0 for r in rows)}); "
        )
    harmless = bool(rows) and rows[0][2] == "harmless"
    if harmless:
        failing = sum(1 for r in rows if caught(r[4]) or caught(r[3]))
        head = (
            f"test_selection: {project}, {len(rows)} harmless edits (seed {seed}): runs with a "
            f"failure {failing} (target 0); "
        )
    else:
        head = f"test_selection: {project}, {len(rows)} faults (seed {seed}): caught by selection "
        head += f"{len(by_both)}/{len(by_full)} caught by the full suite "
        head += f"({100 * len(by_both) / max(1, len(by_full)):.0f}%); "
    return (
        head + "selected test time "
        f"{chosen_time:.1f}s / full {full_time:.1f}s ({100 * chosen_time / full_time:.1f}%), "
        f"CPU {chosen_cpu:.1f}s / {full_cpu:.1f}s ({100 * chosen_cpu / full_cpu:.1f}%), "
        f"{extra}{time.monotonic() - started:.0f}s; {machine()}"
    )


# --------------------------------------------------------------------------- cobra (Go)

GO_FUNC = re.compile(r"^func (?:\([^)]*\) )?(?P<name>\w+)(?:\[[^\]]*\])?\((?P<rest>.*)\{$")


def prepare_cobra(work: Path, bundle: Path) -> Path:
    """The cobra clone, and the environment `go` builds it in (set in this process)."""
    repo = work / "cobra"
    if not repo.exists():
        work.mkdir(parents=True, exist_ok=True)
        sh("git", "clone", "-q", "-b", "main", str(bundle), str(repo))
    (repo / ".git" / "info" / "exclude").write_text(".ai_workflow/\n", encoding="utf-8")
    mods = go_modules(work)
    if mods is None:
        raise SystemExit(
            "cobra's Go modules are missing: apt-get install golang-go "
            "golang-github-spf13-pflag-dev golang-github-cpuguy83-go-md2man-v2-dev "
            "golang-github-russross-blackfriday-v2-dev "
            "golang-github-inconshreveable-mousetrap-dev golang-gopkg-yaml.v3-dev"
        )
    os.environ.update(go_workspace(repo, mods))
    os.environ.update(dict(go_machine_fixes(work)))
    # no cached test results: the selected run would reuse what the full run just did
    os.environ["GOFLAGS"] = f"{os.environ['GOFLAGS']} -count=1".strip()
    return repo


def go_candidates(repo: Path) -> list[tuple[str, int]]:
    """(file, line) of each function whose signature fits on its line, in the non-test Go files
    without build constraints (a change to those runs every package anyway)."""
    found = []
    files = sh("git", "ls-files", "*.go", cwd=repo).split()
    for rel in sorted(f for f in files if not f.endswith("_test.go")):
        text = (repo / rel).read_text(encoding="utf-8")
        if re.search(r"^//go:build", text, re.MULTILINE):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if GO_FUNC.match(line):
                found.append((rel, number))
    return found


def go_inject(repo: Path, rel: str, number: int, kind: str) -> str:
    """Put a fault at the top of the function on that line; its name."""
    file = repo / rel
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    match = GO_FUNC.match(lines[number - 1].rstrip("\n"))
    assert match is not None
    results = _go_results(match.group("rest"))
    if kind == "harmless":
        fault = "\t_ = 0\n"
    elif kind == "raise" or results is None:
        fault = '\tpanic("injected fault")\n'
    elif results == []:
        fault = "\treturn\n"  # named results, or none: the body does nothing
    else:
        zeros = [f"z{i}" for i in range(len(results))]
        decls = "; ".join(f"var {z} {t}" for z, t in zip(zeros, results, strict=True))
        fault = f"\t{{\n\t\t{decls}\n\t\treturn {', '.join(zeros)}\n\t}}\n"
    lines.insert(number, fault)
    file.write_text("".join(lines), encoding="utf-8")
    return match.group("name")


def _go_results(rest: str) -> list[str] | None:
    """The result types after the parameters (`a int) (string, error) ` -> [string, error]);
    [] for none or named ones; None when the signature cannot be read here."""
    depth, index = 1, 0
    while index < len(rest) and depth:
        depth += {"(": 1, ")": -1}.get(rest[index], 0)
        index += 1
    if depth:
        return None
    tail = rest[index:].strip()
    if not tail:
        return []
    if tail.startswith("(") and tail.endswith(")"):
        parts = _split_top(tail[1:-1])
        if any(
            " " in p.strip() and not p.strip().startswith(("func", "map", "chan")) for p in parts
        ):
            return []  # named results: a bare return gives their zero values
        return [p.strip() for p in parts]
    return [tail]


def _split_top(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    return [*parts, text[start:]]


def warm_build(repo: Path) -> None:
    """Compile the test binaries of the commit (no test runs): whichever of the two runs came
    first would otherwise pay for compiling the changed packages, the other reusing them."""
    subprocess.run(["go", "test", "-run", "^$", "./..."], cwd=repo, capture_output=True)


def go_bench(args: argparse.Namespace) -> None:
    bundle = COBRA_BUNDLE if args.bundle == BUNDLE else args.bundle
    repo = prepare_cobra(args.work, bundle)
    base = sh("git", "rev-parse", "origin/main", cwd=repo).strip()
    sh("git", "reset", "-q", "--hard", base, cwd=repo)
    shutil.rmtree(repo / ".ai_workflow", ignore_errors=True)
    plain = run_step(repo, "--all-tests", "--base", base)
    if caught(plain):
        raise SystemExit(f"cobra's tests fail at {base[:7]} here: {plain['summary']}")
    recorded = run_step(repo, "--base", base)  # records the toolchain and the command
    state = repo / ".ai_workflow/step_cache/test_execution.gotest.json"
    if not state.is_file():
        raise SystemExit(f"no go test state recorded: {recorded.get('selection')}")
    kept = state.read_bytes()
    pool = go_candidates(repo)
    rng = random.Random(args.seed)
    rng.shuffle(pool)
    rows = []
    started = time.monotonic()
    for rel, number in pool[: args.faults]:
        kind = "harmless" if args.harmless else ("raise" if len(rows) % 2 == 0 else "return")
        sh("git", "reset", "-q", "--hard", base, cwd=repo)
        name = go_inject(repo, rel, number, kind)
        sh("git", "commit", "-q", "-am", f"fault in {name}", cwd=repo)
        warm_build(repo)
        full = run_step(repo, "--all-tests", "--base", base)
        state.write_bytes(kept)  # measured against B's state: no package failed there
        chosen = run_step(repo, "--base", base)
        rows.append((rel, name, kind, full, chosen))
        packages = (chosen["selection"].get("packages") or {}).get("selected")
        print(
            f"  {rel}:{name} ({kind}): full {'caught' if caught(full) else 'missed'} "
            f"{full['duration_s']:.1f}s ({full['cpu_s']:.1f}s CPU), selection "
            f"{chosen['selection']['mode']} {packages} packages "
            f"{'caught' if caught(chosen) else 'missed'} {chosen['duration_s']:.1f}s "
            f"({chosen['cpu_s']:.1f}s CPU) [{chosen['selection']['reason'][:80]}]",
            file=sys.stderr,
        )
    sh("git", "reset", "-q", "--hard", base, cwd=repo)
    print(summary_line(rows, plain, recorded, args.seed, started, "cobra"))


if __name__ == "__main__":
    main_bench()
