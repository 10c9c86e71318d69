"""Test impact analysis for pytest: the test map, and the tests a change can affect.

A run that records (smart execution with `run.test_selection: auto`) loads our plugin
(`plugin/ai_workflow_testmap.py`) into the project's pytest run; it loads the project's own
modules with a mark at the start of each code object (`plugin/ai_workflow_marks.py`, compiled
once per file version into `<step>.testmarks/`), so recording costs about what the marks do,
not a profile hook on every call. It gives, for every test, the
functions of the project it ran (file and qualified name), the files it opened and whether it
started a process; plus what ran outside any test (imports, collection) and which tests failed.
The step keeps that as the test map of the commit, with the content id of every project file
and a digest of each Python file's module-level code and function bodies
(`testselect.pydiff`), in `.ai_workflow/step_cache/test_execution.testmap/<commit>.json`.

The next run compares the files with the map's and selects: the tests that ran a function
whose body changed, every test of a changed or new test file, the tests that failed last time
and the tests that start processes (what runs in a child process is not seen). It runs every
test, and says why, when that is not safe: no map, a map recorded with another command or
interpreter, a changed conftest.py or pytest configuration, packages installed where the tests
run that changed (a manifest or lockfile change alone does not count when they did not), a
changed non-Python file a test opened or that was opened while the tests were collected and
imported (a test module reading its expected output at import time, parameters read from a
file; a map recorded before such files were noted runs every test on any non-Python change),
module-level code that changed in a module the tests
imported (statements only added that bind new names excepted: `pydiff`), a function that
changed and ran at import time, or a base smart execution could not determine. A selected run
records the tests it runs and moves the map to its commit (`merge_map`: the other tests kept
as they were); the tests that failed are kept (`last_failed`), so they run again until they
pass.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.changes.fingerprint import file_ids
from ai_workflow.engine import records
from ai_workflow.engine.artifacts import write_atomic
from ai_workflow.engine.step import StepContext
from ai_workflow.testselect.pydiff import PyChange, compare, source_fingerprint
from ai_workflow.textfiles import read_utf8

MAP_SCHEMA = "ai-workflow/testmap@1"
PLUGIN = "ai_workflow_testmap"
PLUGIN_DIR = Path(__file__).parent / "plugin"
ENV_SCRIPT = PLUGIN_DIR / "ai_workflow_testenv.py"
MAPS_KEPT = 5
_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
SHOWN = 5
PYTEST_CONFIGS = frozenset({"pytest.ini", ".pytest.ini", "tox.ini", "setup.cfg"})
DEPENDENCY_FILES = frozenset(
    {"setup.py", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock",
     "requirements.txt", "constraints.txt", "environment.yml", "environment.yaml",
     "pylock.toml", "hatch.toml"}
)  # fmt: skip


@dataclass
class Selection:
    """What to run: every test (`mode` all) or the affected ones, and why."""

    mode: str  # "affected" | "all"
    reason: str
    base: str | None = None  # the commit of the map the change is measured from
    deselect: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    selected: set[str] = field(default_factory=set)  # known tests chosen (new ones come on top)
    full_files: set[str] = field(default_factory=set)  # test files that run whole
    verify: list[str] = field(default_factory=list)  # modules the run imports (added code)
    changed: list[str] = field(default_factory=list)
    known_tests: int | None = None  # tests in the map

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "reason": self.reason, "base": self.base}


def maps_dir(ctx: StepContext) -> Path:
    return ctx.workspace.step_cache_dir / f"{ctx.spec.id}.testmap"


def map_key(command: str, python: str | None) -> dict[str, Any]:
    """What a map is only valid for: the same test command and interpreter."""
    return {"schema": MAP_SCHEMA, "command": command, "python": python}


# --------------------------------------------------------------------------- the store


def load_maps(ctx: StepContext) -> list[dict[str, Any]]:
    """Every readable stored map, newest first."""
    found: list[tuple[str, dict[str, Any]]] = []
    directory = maps_dir(ctx)
    if not directory.is_dir():
        return []
    for path in directory.glob("*.json"):
        raw = _read_map(path)
        if raw is not None:
            found.append((str(raw.get("recorded_at", "")), raw))
    return [raw for _, raw in sorted(found, key=lambda pair: pair[0], reverse=True)]


def _read_map(path: Path) -> dict[str, Any] | None:
    text = records.read_text(path)
    if text is None:
        return None
    try:
        raw = json.loads(text)
    except ValueError:
        return None
    return raw if isinstance(raw, dict) and raw.get("schema") == MAP_SCHEMA else None


def map_of(ctx: StepContext, commit: str) -> dict[str, Any] | None:
    """The stored map of `commit`, read alone: `save_map` names each map by its commit, so
    this is the map `choose_map` picks for that base, without parsing the others first (each
    holds every test's units: over 400 KB on flask)."""
    if not _COMMIT.fullmatch(commit):
        return None
    raw = _read_map(maps_dir(ctx) / f"{commit}.json")
    return raw if raw is not None and raw.get("commit") == commit else None


def choose_map(
    maps: list[dict[str, Any]], base: str | None, ancestors: Iterable[str]
) -> dict[str, Any] | None:
    """The map of the change base when there is one, else the newest map of HEAD or one of
    its ancestors (the comparison is by file content, so any complete map is sound)."""
    for raw in maps:
        if base is not None and raw.get("commit") == base:
            return raw
    known = set(ancestors)
    for raw in maps:
        if raw.get("commit") in known:
            return raw
    return None


def save_map(ctx: StepContext, data: dict[str, Any]) -> None:
    directory = maps_dir(ctx)
    directory.mkdir(parents=True, exist_ok=True)
    write_atomic(directory / f"{data['commit']}.json", json.dumps(data, separators=(",", ":")))
    stored = sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in stored[MAPS_KEPT:]:
        old.unlink(missing_ok=True)


# --------------------------------------------------------------------------- selecting


def _content(ids: Mapping[str, str], path: str) -> str | None:
    value = ids.get(path)
    return value.split(":", 1)[0] if value else None


def test_file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


EnvironmentProbe = Callable[[], str | None]


def select(
    ctx: StepContext,
    stored: dict[str, Any],
    key: dict[str, Any],
    environment: EnvironmentProbe | None = None,
) -> Selection:
    """The tests the changes since `stored` can affect (or every test, and why).
    `environment`: the digest of what the test interpreter has installed now (a change to it
    runs every test; a manifest or lockfile change that left it equal does not)."""
    base = str(stored.get("commit"))
    if stored.get("key") != key:
        return Selection("all", "the test map was recorded with another command or interpreter")
    current = file_ids(ctx)
    old_ids: Mapping[str, str] = stored.get("content") or {}
    changed = sorted(
        p for p in set(current) | set(old_ids) if _content(current, p) != old_ids.get(p)
    )
    tests: dict[str, list[int]] = stored.get("tests") or {}
    selection = Selection("affected", "", base, changed=changed, known_tests=len(tests))
    reason = _run_everything(ctx, stored, changed, current, environment)
    recorded_env = stored.get("environment")
    if reason is None and recorded_env and environment and environment() != recorded_env:
        reason = "the packages installed where the tests run changed since the map"
    if reason is not None:
        return Selection("all", reason, base, changed=changed, known_tests=len(tests))
    _affected(ctx, stored, selection, current)
    if selection.mode == "all":
        return selection
    _plan_collection(ctx, stored, selection, current)
    selection.reason = _describe(selection)
    return selection


def _run_everything(
    ctx: StepContext,
    stored: dict[str, Any],
    changed: list[str],
    current: Mapping[str, str],
    environment: EnvironmentProbe | None = None,
) -> str | None:
    """Why every test must run (None: selection is safe)."""
    opened = {path for paths in (stored.get("opened") or {}).values() for path in paths}
    outside = stored.get("outside_opened")
    for path in changed:
        name = PurePosixPath(path).name
        if not path.endswith(".py") and path in opened:
            return f"{path}, a file the tests read, changed"
        if not path.endswith(".py") and not _own_rule(name):
            if outside is None:
                return f"{path} changed, and the test map does not say which files collection read"
            if path in outside:
                return f"{path}, a file read while collecting or importing the tests, changed"
        if name == "conftest.py":
            return f"{path} changed (fixtures and hooks reach every test)"
        if name in PYTEST_CONFIGS:
            return f"the test configuration {path} changed"
        if name == "pyproject.toml" and _pyproject_matters(ctx, stored, path, current):
            if _pytest_table_changed(ctx, stored, path, current):
                return f"the pytest configuration in {path} changed"
            if not _same_environment(stored, environment):
                return f"{path} changed outside [tool.*] tables {_ENV_CHANGED}"
        manifest = name in DEPENDENCY_FILES or _requirements(name)
        if manifest and not _same_environment(stored, environment):
            return f"the dependency manifest or lockfile {path} changed {_ENV_CHANGED}"
    return None


def _own_rule(name: str) -> bool:
    """A file the rules below decide on (pytest reads its configuration at start-up)."""
    return (
        name in ("pyproject.toml", "conftest.py")
        or name in PYTEST_CONFIGS
        or name in DEPENDENCY_FILES
        or _requirements(name)
    )


_ENV_CHANGED = "and so did the packages installed where the tests run (or it is not known)"


def _same_environment(stored: dict[str, Any], environment: EnvironmentProbe | None) -> bool:
    """Whether the test interpreter has the same packages installed as when `stored` was
    recorded (a manifest or lockfile change that did not reach the environment cannot change
    what the tests do; a test that reads the file is caught by the files it opened)."""
    recorded = stored.get("environment")
    if not recorded or environment is None:
        return False
    return bool(environment() == recorded)


def _pytest_table_changed(
    ctx: StepContext, stored: dict[str, Any], path: str, current: Mapping[str, str]
) -> bool:
    old = (stored.get("pytest_tables") or {}).get(path)
    new = _pyproject_digest(ctx.target / path, pytest_only=True) if path in current else None
    return old is None or old != new


def _requirements(name: str) -> bool:
    return name.startswith(("requirements", "constraints")) and name.endswith((".txt", ".in"))


def _pyproject_matters(
    ctx: StepContext, stored: dict[str, Any], path: str, current: Mapping[str, str]
) -> bool:
    """Whether pyproject.toml changed anywhere but in other tools' tables."""
    old = (stored.get("pyproject") or {}).get(path)
    new = _pyproject_digest(ctx.target / path) if path in current else None
    return old is None or old != new


def _pyproject_digest(path: Path, pytest_only: bool = False) -> str | None:
    """A digest of pyproject.toml without other tools' tables (`pytest_only`: of pytest's
    tables alone, what pytest reads of it)."""
    import hashlib
    import tomllib

    text = read_utf8(path)  # a regular file of the project only
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    tools = data.get("tool")
    if isinstance(tools, dict):
        data["tool"] = {k: v for k, v in tools.items() if k == "pytest" or k.startswith("pytest")}
    if pytest_only:
        data = {"tool": data.get("tool")}
    text = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _affected(
    ctx: StepContext, stored: dict[str, Any], selection: Selection, current: Mapping[str, str]
) -> None:
    """Fill `selection.selected` and `full_files`, or switch it to all (with the reason)."""
    units: list[list[str]] = stored.get("units") or []
    tests: dict[str, list[int]] = stored.get("tests") or {}
    outside = {tuple(units[i]) for i in stored.get("outside") or [] if i < len(units)}
    outside_files = {path for path, _ in outside}
    ran_files = {units[i][0] for ids in tests.values() for i in ids if i < len(units)}
    test_files = {test_file_of(t) for t in tests}
    py_prints: dict[str, Any] = stored.get("python_files") or {}
    hit_units: set[int] = set()
    for path in selection.changed:
        if not path.endswith(".py"):
            continue
        is_test_file = path in test_files
        if is_test_file or path not in (stored.get("content") or {}):
            selection.full_files.add(path)  # new and changed test files run whole
        change = _py_change(ctx, py_prints.get(path), path, current)
        if change.added:
            unsafe = _unsafe_additions(stored, path, change, current, py_prints)
            if unsafe:
                change = PyChange(True, why=unsafe)
            elif path in outside_files or path in ran_files:
                selection.verify.append(stored["project_modules"][path])
                hit_units |= {i for i, u in enumerate(units) if u == [path, "__getattr__"]}
                hit_units |= {i for i, u in enumerate(units) if u == [path, "__dir__"]}
        if change.module_level:
            executed = path in outside_files or path in ran_files
            if executed and not is_test_file:
                return _all(selection, f"{path}: {change.why} in a module the tests import")
            hit_units |= {i for i, u in enumerate(units) if u[0] == path}
            continue
        for name in sorted(change.functions):
            if (path, name) in outside:
                return _all(selection, f"{path}: {name} changed and runs at import time")
        hit_units |= {
            i for i, (p, q) in enumerate(units) if p == path and _within(q, change.functions)
        }
    selection.selected = {t for t, ids in tests.items() if hit_units.intersection(ids)}
    failed = set(stored.get("failed") or []) | last_failed(ctx)
    selection.selected |= failed & set(tests)
    if selection.changed:
        selection.selected |= set(stored.get("spawning") or []) & set(tests)
    selection.selected |= {t for t in tests if test_file_of(t) in selection.full_files}


def _unsafe_additions(
    stored: dict[str, Any],
    path: str,
    change: PyChange,
    current: Mapping[str, str],
    py_prints: Mapping[str, Any],
) -> str | None:
    """Why definitions and imports added to `path` could reach an existing test (None: they
    cannot): a star import anywhere, a module the recorded run did not know by name, or an
    import that would load a module not loaded before the tests started."""
    if any((fp or {}).get("star") for fp in py_prints.values()):
        return "definitions added, and the project has a star import (it could carry them)"
    modules: Mapping[str, bool] | None = stored.get("modules")
    names: Mapping[str, str] = stored.get("project_modules") or {}
    own = names.get(path)
    if modules is None or own is None:
        return "module-level code changed (the map does not know this module's name)"
    for kind in change.imports:
        target = _import_target(own, path, kind[1], kind[2])
        loads = _loads_new_module(target, kind[3], kind[4], modules, names, current)
        if loads:
            return f"an added import loads {loads}, which was not loaded before the tests"
    return None


def _import_target(own: str, path: str, level: int, module: str) -> str:
    if not level:
        return module
    package = own if path.endswith("__init__.py") else own.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{module}" if module else package


def _loads_new_module(
    target: str,
    is_from: bool,
    pairs: list[list[str]],
    modules: Mapping[str, bool],
    names: Mapping[str, str],
    current: Mapping[str, str],
) -> str | None:
    """The module an added import would load that was not loaded yet (None: none)."""
    if not is_from:
        return next((name for name, _ in pairs if name not in modules), None)
    if target not in modules:
        return target
    if not modules[target]:
        return None  # a plain module: `from m import x` only reads an attribute
    files = [rel for rel, name in names.items() if name == target]
    for name, _ in pairs:
        if f"{target}.{name}" in modules:
            continue
        if not files:  # a package outside the project: `name` could be a submodule
            return f"{target}.{name}"
        folder = files[0].rpartition("/")[0]
        if f"{folder}/{name}.py" in current or f"{folder}/{name}/__init__.py" in current:
            return f"{target}.{name}"
    return None


def _within(qualname: str, changed: set[str]) -> bool:
    if qualname == "*":  # recorded by a Python without qualified names: the whole file
        return True
    return any(qualname == name or qualname.startswith(name + ".") for name in changed)


def _py_change(
    ctx: StepContext, old: Mapping[str, Any] | None, path: str, current: Mapping[str, str]
) -> PyChange:
    if path not in current:
        return PyChange(True, why="deleted")
    return compare(old, current_fingerprint(ctx, path, current))


def current_fingerprint(
    ctx: StepContext, path: str, current: Mapping[str, str]
) -> dict[str, Any] | None:
    """`source_fingerprint` of the file as this run found it (content id `current[path]`),
    once per run: selection compares it with the map's, and the map recorded after the tests
    keeps it for the next run."""
    key = f"testselect.fingerprint\0{path}\0{current.get(path)}"
    return ctx.memo.get(key, lambda: source_fingerprint(_read(ctx.target / path)))


def _read(path: Path) -> str | None:
    return read_utf8(path)  # a regular file of the project only: never a FIFO or a link out


def _all(selection: Selection, reason: str) -> None:
    selection.mode = "all"
    selection.reason = reason


def _plan_collection(
    ctx: StepContext, stored: dict[str, Any], selection: Selection, current: Mapping[str, str]
) -> None:
    """Which test files pytest need not even collect, and which known tests to deselect."""
    if selection.mode == "all":
        return
    tests: dict[str, list[int]] = stored.get("tests") or {}
    by_file: dict[str, list[str]] = {}
    for test in tests:
        by_file.setdefault(test_file_of(test), []).append(test)
    for path, names in sorted(by_file.items()):
        if path in selection.full_files or path not in current:
            continue
        chosen = [t for t in names if t in selection.selected]
        if not chosen and path.endswith(".py"):
            selection.ignore.append(path)
        else:
            selection.deselect += [t for t in names if t not in selection.selected]


def _describe(selection: Selection) -> str:
    count = len(selection.changed)
    shown = ", ".join(selection.changed[:SHOWN]) + (" ..." if count > SHOWN else "")
    line = f"affected by {count} changed file{'s' if count != 1 else ''}"
    return f"{line}: {shown}" if count else line


# --------------------------------------------------------------------------- recording


def read_records(prefix: Path) -> tuple[list[dict[str, Any]], str | None]:
    """The plugin's records (one per pytest process: xdist workers write their own)."""
    found = []
    for path in sorted(prefix.parent.glob(prefix.name + ".*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))  # raw read: our plugin's record
        except (OSError, ValueError):
            return [], f"the test map record {path.name} is unreadable"
        if isinstance(raw, dict):
            found.append(raw)
    if not found:
        return [], "the test command did not load the recording plugin (no record written)"
    broken = next((str(r["broken"]) for r in found if r.get("broken")), None)
    return found, broken


def build_map(
    ctx: StepContext,
    key: dict[str, Any],
    commit: str,
    recs: list[dict[str, Any]],
    previous: dict[str, Any] | None,
    environment: str | None = None,
) -> dict[str, Any]:
    """This run's map (a full run's record; `previous`: a map whose Python digests are reused
    for the files that did not change; `environment`: the digest of the packages installed
    where the tests ran)."""
    units: list[list[str]] = []
    index: dict[tuple[str, str], int] = {}

    def unit(path: str, qualname: str) -> int:
        found = index.get((path, qualname))
        if found is None:
            found = index[(path, qualname)] = len(units)
            units.append([path, qualname])
        return found

    current = file_ids(ctx)
    tests: dict[str, list[int]] = {}
    opened: dict[str, list[str]] = {}
    outside_opened: set[str] = set()
    spawning: set[str] = set()
    failed: set[str] = set()
    outside: set[int] = set()
    modules: dict[str, bool] = {}
    project_modules: dict[str, str] = {}
    for rec in recs:
        rec_units = rec.get("units") or []
        for test, ids in (rec.get("tests") or {}).items():
            tests[test] = sorted({unit(*rec_units[i]) for i in ids})
        outside |= {unit(*rec_units[i]) for i in rec.get("outside") or []}
        opened.update(rec.get("opened") or {})
        outside_opened |= set(rec.get("outside_opened") or [])
        spawning |= set(rec.get("spawning") or [])
        failed |= set(rec.get("failed") or [])
        for name, package in (rec.get("modules") or {}).items():
            modules[name] = bool(modules.get(name)) or bool(package)
        project_modules.update(rec.get("project_modules") or {})
    return {
        "schema": MAP_SCHEMA,
        "key": key,
        "commit": commit,
        "run_id": ctx.run_id,
        "recorded_at": _now(),
        "content": {p: _content(current, p) for p in current},
        "python_files": _python_fingerprints(ctx, current, previous),
        "pyproject": {
            p: _pyproject_digest(ctx.target / p)
            for p in current
            if PurePosixPath(p).name == "pyproject.toml"
        },
        "pytest_tables": {
            p: _pyproject_digest(ctx.target / p, pytest_only=True)
            for p in current
            if PurePosixPath(p).name == "pyproject.toml"
        },
        "environment": environment,
        "units": units,
        "tests": tests,
        "outside": sorted(outside),
        "opened": opened,
        "outside_opened": sorted(outside_opened),
        "spawning": sorted(spawning & set(tests)),
        "failed": sorted(failed),
        "modules": modules if recs else None,
        "project_modules": project_modules,
    }


def merge_map(
    ctx: StepContext,
    key: dict[str, Any],
    commit: str,
    recs: list[dict[str, Any]],
    previous: dict[str, Any],
    selection: Selection,
    environment: str | None,
) -> dict[str, Any]:
    """The map of this commit after a selected run (recorded too): the tests that ran are
    recorded anew; every other test of `previous` is kept as it was, which is selection's own
    premise (the change reaches none of the code it ran, so it runs the same code now), unless
    its file is gone or ran whole. What ran outside tests and the modules loaded are the union
    of both. So the next change is measured from this commit, not from an old full run."""
    fresh = build_map(ctx, key, commit, recs, previous, environment)
    ran = set(fresh["tests"])
    current = file_ids(ctx)
    old_units: list[list[str]] = previous.get("units") or []
    units: list[list[str]] = fresh["units"]
    index = {(u[0], u[1]): i for i, u in enumerate(units)}

    def unit(i: int) -> int:
        path, qualname = old_units[i]
        found = index.get((path, qualname))
        if found is None:
            found = index[(path, qualname)] = len(units)
            units.append([path, qualname])
        return found

    kept = set()
    for test, ids in (previous.get("tests") or {}).items():
        path = test_file_of(test)
        if test in ran or path in selection.full_files or path not in current:
            continue
        kept.add(test)
        fresh["tests"][test] = sorted({unit(i) for i in ids if i < len(old_units)})
    outside = {unit(i) for i in previous.get("outside") or [] if i < len(old_units)}
    fresh["outside"] = sorted(set(fresh["outside"]) | outside)
    old_opened = previous.get("opened") or {}
    fresh["opened"].update({t: old_opened[t] for t in kept if t in old_opened})
    if previous.get("outside_opened") is None:  # a map from before they were noted
        fresh["outside_opened"] = None  # a selected run does not collect every test file
    else:
        old_outside = set(previous["outside_opened"]) & set(current)
        fresh["outside_opened"] = sorted(set(fresh["outside_opened"]) | old_outside)
    spawning = set(fresh["spawning"]) | (set(previous.get("spawning") or []) & kept)
    fresh["spawning"] = sorted(spawning & set(fresh["tests"]))
    modules = dict(previous.get("modules") or {})
    modules.update(fresh.get("modules") or {})
    fresh["modules"] = modules if previous.get("modules") is not None else fresh["modules"]
    fresh["project_modules"] = {
        **(previous.get("project_modules") or {}),
        **fresh["project_modules"],
    }
    fresh["merged_from"] = previous.get("commit")
    return fresh


def _python_fingerprints(
    ctx: StepContext, current: Mapping[str, str], previous: dict[str, Any] | None
) -> dict[str, Any]:
    """The module-level and per-function digests of every Python file (reused from the
    previous map for files whose content did not change)."""
    old_content = (previous or {}).get("content") or {}
    old_prints = (previous or {}).get("python_files") or {}
    out: dict[str, Any] = {}
    for path in current:
        if not path.endswith(".py"):
            continue
        if path in old_prints and old_content.get(path) == _content(current, path):
            out[path] = old_prints[path]
        else:
            out[path] = current_fingerprint(ctx, path, current)
    return out


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="microseconds")


def marks_dir(ctx: StepContext) -> Path:
    """Where the recorder keeps the project's modules compiled with marks, between runs."""
    return ctx.workspace.step_cache_dir / f"{ctx.spec.id}.testmarks"


MARKS_KEPT = 2000


def prune_marks(ctx: StepContext) -> None:
    """Keep the newest `MARKS_KEPT` entries of the marked-code cache (one per file version)."""
    directory = marks_dir(ctx)
    try:
        entries = sorted(directory.glob("*.marked"), key=lambda p: p.stat().st_mtime)
    except OSError:
        return
    for old in entries[:-MARKS_KEPT]:
        old.unlink(missing_ok=True)


def plugin_env(
    out: Path | None,
    select_file: Path | None,
    target: Path,
    trace: bool = True,
    cache: Path | None = None,
) -> dict[str, str]:
    """The environment that loads the plugin into pytest (recording into `out`, applying the
    selection in `select_file`; without `trace`, only which tests ran and failed; `cache`:
    where the recorder keeps the modules it compiled with marks)."""
    python_path = os.environ.get("PYTHONPATH", "")
    env = {
        "PYTHONPATH": os.pathsep.join(p for p in (str(PLUGIN_DIR), python_path) if p),
        "PYTEST_ADDOPTS": f"{os.environ.get('PYTEST_ADDOPTS', '')} -p {PLUGIN}".strip(),
        "AI_WORKFLOW_TESTMAP_ROOT": str(target),
    }
    if out is not None:
        env["AI_WORKFLOW_TESTMAP_OUT"] = str(out)
    if select_file is not None:
        env["AI_WORKFLOW_TESTMAP_SELECT"] = str(select_file)
    if not trace:
        env["AI_WORKFLOW_TESTMAP_TRACE"] = "0"
    if cache is not None:
        env["AI_WORKFLOW_TESTMAP_CACHE"] = str(cache)
    return env


def environment_digest(ctx: StepContext, python: str | None, env: Mapping[str, str]) -> str | None:
    """The digest of the packages the test interpreter has installed (`ENV_SCRIPT` run by
    `python` in the test command's environment), or None when it cannot be told."""
    if not python:
        return None
    result = ctx.run_command([python, str(ENV_SCRIPT)], timeout=120, env=env)
    if result.returncode != 0 or result.timed_out:
        return None
    try:
        digest = json.loads(result.stdout.strip().splitlines()[-1]).get("digest")
    except (ValueError, IndexError, AttributeError):
        return None
    return digest if isinstance(digest, str) and digest else None


def failed_path(ctx: StepContext) -> Path:
    return ctx.workspace.step_cache_dir / f"{ctx.spec.id}.testmap-failed.json"


def last_failed(ctx: StepContext) -> set[str]:
    """The tests that failed in the last selected run (they run again until they pass)."""
    text = records.read_text(failed_path(ctx))
    try:
        raw = json.loads(text) if text else []
    except ValueError:
        return set()
    return {t for t in raw if isinstance(t, str)} if isinstance(raw, list) else set()


def save_failed(ctx: StepContext, failed: Iterable[str]) -> None:
    path = failed_path(ctx)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(sorted(set(failed))))
