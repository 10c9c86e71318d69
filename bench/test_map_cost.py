"""What recording the per-test map costs on a real pytest project, side by side.

Runs the project's test suite (`python -m pytest -q -p no:cacheprovider`) in several ways,
alternating them `--runs` times, and reports the median child CPU time (user + system) and
wall time of each, as a ratio to the plain run:
- plain: pytest alone;
- cprofile: with ai-workflow's recorder (`plugin/ai_workflow_testmap.py`) on the C profiler
  (`AI_WORKFLOW_TESTMAP_HOOK=profile`); cprofile_base (`--base REV`): the recorder as it was
  at that revision;
- marks: the recorder as it runs by default, the project's modules loaded with marks
  (`plugin/ai_workflow_marks.py`), their cache warm after the first run; sel_marks: selected;
- coverage: coverage.py's C tracer (`source` = the project, third-party code omitted) with one
  dynamic context per test, switched by a small plugin the way pytest-cov's
  `--cov-context=test` does, and one per shared (wider than function) fixture;
- coverage_tf: `coverage run` with `dynamic_context = test_function` (the tracer looks for a
  test function at every new frame);
- sel_plain / sel_cprofile: a selected run (every other test file ignored through the recorder's
  selection) without and with recording — what recording only on full runs would save.

It also compares the map content: for every test, the project files the C profiler saw it run
against those coverage saw (a shared fixture's files count for every test that uses it, as in
the recorder). The coverage modes need coverage.py importable by the project's interpreter.

Measured on flask (492 tests, 2026-12-06, 2 shared cores, load 2-4, 5 interleaved runs):
plain 2.28 s CPU; cprofile x1.93; coverage x1.92; sel_plain x0.66, sel_cprofile x1.05 (an
earlier set at load ~6: cprofile x1.68, coverage x1.70, coverage_tf x1.99). Same files per
test 492/492, same functions per test 464/492 (the differences printed are classes defined
inside a function, whose body coverage's lines do not show as run). Nothing measured cheaper
than the C profiler. Taking its entries in C with one flush per window instead of one per
phase gave the same map and x1.93 against x1.94: no gain, not kept. Not recording on
selected runs would save their share (x1.05 -> x0.66 here), but a map left at the last full
run makes every later selection the union of all the changes since then.

    python bench/test_map_cost.py --project /tmp/flask --python /tmp/flask/.venv/bin/python \
        [--runs 5] [--modes plain,cprofile,coverage] [--base REV]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))

from ai_workflow.testselect.pytest_map import PLUGIN, PLUGIN_DIR, plugin_env  # noqa: E402

PYTEST = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "--no-header"]
COV_PLUGIN = """
import os, coverage, pytest
ROOT = os.path.realpath(os.environ["TMAP_COV_ROOT"])
_cov = coverage.Coverage(data_file=os.environ["TMAP_COV_OUT"], source=[ROOT],
    omit=["*/site-packages/*", "*/.venv/*"], config_file=False)
_cov.start()
_fixtures = {}
_current = [""]

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _current[0] = "t:" + item.nodeid
    _cov.switch_context(_current[0])
    yield
    _current[0] = ""
    _cov.switch_context("")

@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    if fixturedef.scope == "function":
        yield
        return
    _cov.switch_context("f:%d" % id(fixturedef))
    yield
    _cov.switch_context(_current[0])

def pytest_runtest_teardown(item):
    info = getattr(item, "_fixtureinfo", None)
    used = []
    for defs in (getattr(info, "name2fixturedefs", None) or {}).values():
        used.extend("f:%d" % id(d) for d in defs)
    _fixtures[item.nodeid] = used

@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    _cov.stop()
    _cov.save()
    import json
    with open(os.environ["TMAP_COV_OUT"] + ".fixtures.json", "w") as handle:
        json.dump(_fixtures, handle)
"""
COV_RC = (
    "[run]\nsource = {root}\nomit = */site-packages/*\n    */.venv/*\n"
    "dynamic_context = test_function\n"
)


def _run(cmd: list[str], cwd: Path, env: Mapping[str, str]) -> tuple[float, float, int]:
    """(child CPU seconds, wall seconds, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return usage.ru_utime + usage.ru_stime, wall, os.waitstatus_to_exitcode(status)


def _commands(
    mode: str, python: str, project: Path, work: Path
) -> tuple[list[str], dict[str, str]]:
    base = [python, *PYTEST]
    record = work / f"{mode}.rec"
    if mode == "plain":
        return base, {}
    if mode == "cprofile":
        return base, {**plugin_env(record, None, project), "AI_WORKFLOW_TESTMAP_HOOK": "profile"}
    if mode in ("marks", "sel_marks"):
        select = work / "select.json" if mode == "sel_marks" else None
        return base, plugin_env(record, select, project, cache=work / "marks")
    if mode == "cprofile_base":
        env = plugin_env(record, None, project)
        env["PYTHONPATH"] = env["PYTHONPATH"].replace(str(PLUGIN_DIR), str(work / "base"), 1)
        return base, env
    if mode == "sel_plain":
        return base, plugin_env(record, work / "select.json", project, trace=False)
    if mode == "sel_cprofile":
        env = plugin_env(record, work / "select.json", project)
        return base, {**env, "AI_WORKFLOW_TESTMAP_HOOK": "profile"}
    if mode == "coverage":
        env = {
            "PYTHONPATH": str(work),
            "PYTEST_ADDOPTS": "-p tmap_cov",
            "TMAP_COV_ROOT": str(project),
            "TMAP_COV_OUT": str(work / "cov.sqlite"),
        }
        return base, env
    if mode == "coverage_tf":
        rc = work / "tf.rc"
        cmd = [python, "-m", "coverage", "run", f"--rcfile={rc}", f"--data-file={work}/tf.sqlite"]
        return cmd + PYTEST, {}
    raise SystemExit(f"unknown mode {mode}")


def _write_selection(project: Path, work: Path) -> int:
    """Ignore every other test file; return how many files are kept."""
    tests = sorted(p.relative_to(project).as_posix() for p in project.glob("tests/**/test_*.py"))
    ignore = tests[1::2]
    (work / "select.json").write_text(json.dumps({"deselect": [], "ignore": ignore}))
    return len(tests) - len(ignore)


def recorded_units(work: Path, mode: str) -> dict[str, set[tuple[str, str]]]:
    """Per test, the Python units a recorder mode saw, without list/set/dict comprehensions
    (their enclosing code stands for them) and without generator expressions that ran no
    element (the profiler notes their start, marks their first element)."""
    raw = json.loads(next(work.glob(f"{mode}.rec.*.json")).read_text())
    units = raw["units"]
    skip = ("<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>")
    out = {}
    for test, ids in raw["tests"].items():
        found = (units[i] for i in ids)
        out[test] = {(p, q) for p, q in found if p.endswith(".py") and not q.endswith(skip)}
    return out


def cprofile_files(work: Path) -> dict[str, set[str]]:
    """Per test, the project files the recorder saw it run."""
    raw = json.loads(next(work.glob("cprofile.rec.*.json")).read_text())
    units = raw["units"]
    return {t: {units[i][0] for i in ids} for t, ids in raw["tests"].items()}


def _numbits(blob: bytes) -> list[int]:
    """coverage.py's line set encoding (`coverage.numbits`): bit n set = line n ran."""
    return [i * 8 + j for i, byte in enumerate(blob) for j in range(8) if byte & (1 << j)]


def _coverage_lines(work: Path) -> list[tuple[str, str, list[int]]]:
    """(context, file, lines) rows of the coverage data file (read as SQLite, so that the
    bench's interpreter needs no coverage.py)."""
    db = sqlite3.connect(work / "cov.sqlite")
    rows = db.execute(
        "select c.context, f.path, l.numbits from line_bits l"
        " join context c on c.id = l.context_id join file f on f.id = l.file_id"
    ).fetchall()
    db.close()
    return [(context, path, _numbits(blob)) for context, path, blob in rows]


def _per_test(
    by_context: Mapping[str, set[Any]], fixtures: Mapping[str, list[str]]
) -> dict[str, set[Any]]:
    """A test's own context plus those of the shared fixtures it uses."""
    out: dict[str, set[Any]] = {}
    for test, used in fixtures.items():
        merged = set(by_context.get("t:" + test, set()))
        for fixture in used:
            merged |= by_context.get(fixture, set())
        out[test] = merged
    return out


def coverage_files(work: Path, project: Path) -> dict[str, set[str]]:
    """Per test, the project files coverage saw it run."""
    prefix = str(project.resolve()) + os.sep
    by_context: dict[str, set[str]] = {}
    for context, path, _ in _coverage_lines(work):
        by_context.setdefault(context, set()).add(path.removeprefix(prefix))
    return _per_test(by_context, json.loads((work / "cov.sqlite.fixtures.json").read_text()))


SYNTHETIC = ("<lambda>", "<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>")


def _enclosing_def(qualname: str) -> str:
    """A lambda's or a comprehension's qualified name cut to the function or class that holds
    it (selection matches a changed function by prefix, so the two are the same to it)."""
    parts = qualname.split(".")
    while parts and parts[-1] in SYNTHETIC:
        parts.pop()
        if parts and parts[-1] == "<locals>":
            parts.pop()
    return ".".join(parts) or "<module>"


def line_scopes(source: str) -> dict[int, str]:
    """Each line of a function's or a class's body -> its qualified name (innermost wins); a
    function's `def` and decorator lines -> "" (coverage reports the `def` line both when the
    function is defined and when it is called: the lines say neither)."""
    scopes: dict[int, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                end = child.end_lineno or child.body[-1].lineno
                for line in range(child.body[0].lineno, end + 1):
                    scopes[line] = name
                if not isinstance(child, ast.ClassDef):  # its `def` line reports on a call too
                    first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                    for line in range(first, child.body[0].lineno):
                        scopes[line] = ""
                inner = name + (".<locals>." if not isinstance(child, ast.ClassDef) else ".")
                visit(child, inner)
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return scopes


def cprofile_units(work: Path) -> dict[str, set[tuple[str, str]]]:
    raw = json.loads(next(work.glob("cprofile.rec.*.json")).read_text())
    units = raw["units"]
    return {
        t: {
            (units[i][0], _enclosing_def(units[i][1]))
            for i in ids
            if units[i][0].endswith(".py") and _enclosing_def(units[i][1]) != "<module>"
        }
        for t, ids in raw["tests"].items()
    }


def coverage_units(work: Path, project: Path) -> dict[str, set[tuple[str, str]]]:
    """Per test, the (file, function or class) units whose lines coverage saw it run."""
    prefix = str(project.resolve()) + os.sep
    scopes: dict[str, dict[int, str]] = {}
    by_context: dict[str, set[tuple[str, str]]] = {}
    for context, path, lines in _coverage_lines(work):
        if not path.endswith(".py"):  # a template compiled under its own name
            continue
        if path not in scopes:
            scopes[path] = line_scopes(Path(path).read_text(encoding="utf-8"))
        rel = path.removeprefix(prefix)
        # module-level lines are left out on both sides (a test importing a module
        # lazily runs them; selection treats module-level changes apart anyway)
        units = {(rel, scopes[path][line]) for line in lines if scopes[path].get(line)}
        by_context.setdefault(context, set()).update(units)
    return _per_test(by_context, json.loads((work / "cov.sqlite.fixtures.json").read_text()))


def compare(a: Mapping[str, set[Any]], b: Mapping[str, set[Any]]) -> tuple[int, int, list[str]]:
    """(tests in both, tests with equal file sets, a few differences)."""
    both = sorted(set(a) & set(b))
    equal = [t for t in both if a[t] == b[t]]
    diffs = [
        f"{t}: only cprofile {sorted(a[t] - b[t])} only coverage {sorted(b[t] - a[t])}"
        for t in both
        if a[t] != b[t]
    ]
    return len(both), len(equal), diffs[:5]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--python", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--base", help="also run the recorder of this git revision")
    parser.add_argument(
        "--modes", default="plain,cprofile,coverage,coverage_tf,sel_plain,sel_cprofile"
    )
    args = parser.parse_args()
    project = args.project.resolve()
    modes = args.modes.split(",")
    work = Path(tempfile.mkdtemp(prefix="tmapcost-"))
    (work / "tmap_cov.py").write_text(COV_PLUGIN)
    (work / "tf.rc").write_text(COV_RC.format(root=project))
    kept = _write_selection(project, work)
    if args.base:
        (work / "base").mkdir()
        rel = (PLUGIN_DIR / f"{PLUGIN}.py").relative_to(REPO_ROOT).as_posix()
        text = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "show", f"{args.base}:{rel}"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        (work / "base" / f"{PLUGIN}.py").write_text(text)
        modes.insert(modes.index("cprofile") + 1 if "cprofile" in modes else 0, "cprofile_base")
    cpu: dict[str, list[float]] = {m: [] for m in modes}
    wall: dict[str, list[float]] = {m: [] for m in modes}
    for _ in range(args.runs):
        for mode in modes:
            cmd, env = _commands(mode, args.python, project, work)
            seconds, elapsed, code = _run(cmd, project, env)
            if code != 0:
                raise SystemExit(f"{mode}: exit {code}")
            cpu[mode].append(seconds)
            wall[mode].append(elapsed)
    plain = statistics.median(cpu["plain"]) if "plain" in modes else None
    parts = []
    for mode in modes:
        med = statistics.median(cpu[mode])
        ratio = f" x{med / plain:.2f}" if plain else ""
        parts.append(f"{mode} {med:.2f}s cpu{ratio} ({statistics.median(wall[mode]):.2f}s wall)")
    print(f"# selected modes keep {kept} test files; {args.runs} runs each; medians")
    if "cprofile" in modes and "coverage" in modes:
        both, equal, diffs = compare(cprofile_files(work), coverage_files(work, project))
        for line in diffs:
            print("#", line)
        parts.append(f"same files per test {equal}/{both}")
        both, equal, diffs = compare(cprofile_units(work), coverage_units(work, project))
        for line in diffs:
            print("#", line)
        parts.append(f"same functions per test {equal}/{both}")
    if "cprofile" in modes and "marks" in modes:
        profiled, marked = recorded_units(work, "cprofile"), recorded_units(work, "marks")
        both, equal, diffs = compare(profiled, marked)
        for line in diffs:
            print("#", line)
        parts.append(f"marks: same functions per test as cprofile {equal}/{both}")
    print(f"{project.name}: " + "; ".join(parts))


if __name__ == "__main__":
    main()
