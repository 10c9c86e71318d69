"""ai-workflow's pytest plugin: which project code each test runs, and which tests to run.

ai-workflow loads it into the project's own test run (`PYTEST_ADDOPTS=-p ai_workflow_testmap`,
with this directory on PYTHONPATH): the project needs nothing but pytest. Standard library
only, and Python 3.8+ syntax, because it runs in the project's interpreter.

Recording (`AI_WORKFLOW_TESTMAP_OUT`): the standard library's C profiler (`cProfile`, without
built-in functions) notes every code object that starts, per window: outside the tests
(collection, imports), per test (setup, call and teardown), and per fixture of a wider scope
than the function (its setup is shared by every test that uses it). At each window boundary
the profiler's entries are moved into the window and cleared. A C hook costs less than a
Python trace function called at every frame (see the README's benchmarks); threads started
during the run get a Python profile function (`threading.setprofile`) that notes the same.
The profiler pauses while pytest builds a report (formatting a failure), and a selected run
hooks in at its first test (its map keeps the full run's imports and collection). An audit
hook notes the files a test opens and whether it starts a process. At the end it writes,
for each test, the project's `(file, qualified name)` units it ran, the files it opened,
whether it started a process, and which tests failed; and the files opened outside any test
(while collecting and importing: a test module that reads its expected data at import time,
parameters read from a file). When another profiler is active (a
profiling plugin, a debugger) it records nothing and says so: it never replaces someone
else's hook; a test that replaces it is treated as one that starts a process (always
selected).

Selecting (`AI_WORKFLOW_TESTMAP_SELECT`): a JSON file `{"deselect": [node ids], "ignore":
[paths], "verify": [modules]}`: the test files in `ignore` are not collected at all, the tests
in `deselect` are deselected (pytest reports them as such); every other test runs, new ones
included; the modules in `verify` are imported once collection is done (a failing import
stops the run).
"""

from __future__ import annotations

import json
import os
import sys
import threading

try:
    import cProfile
except ImportError:  # pragma: no cover - an interpreter without the C profiler
    cProfile = None

import pytest

SCHEMA = "ai-workflow/testmap-record@1"
OUT = os.environ.get("AI_WORKFLOW_TESTMAP_OUT") or ""
ROOT = os.environ.get("AI_WORKFLOW_TESTMAP_ROOT") or os.getcwd()
SELECT = os.environ.get("AI_WORKFLOW_TESTMAP_SELECT") or ""
TRACE = os.environ.get("AI_WORKFLOW_TESTMAP_TRACE", "1") != "0"  # 0: only which tests failed
SPAWN_EVENTS = frozenset(
    ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
     "os.forkpty", "pty.spawn")
)  # fmt: skip
SKIPPED_SUFFIXES = (".py", ".pyc", ".pyo", ".so", ".pyd")


class Window:
    """What ran while a test (or a shared fixture, or nothing) was running."""

    __slots__ = ("codes", "opened", "spawned")

    def __init__(self):
        self.codes = set()
        self.opened = set()
        self.spawned = False


_window = Window()  # the current one: swapped at every test and shared fixture
_outside = _window
_stack = []
_broken = ""  # why nothing could be recorded


_profiler = cProfile.Profile(subcalls=False, builtins=False) if cProfile else None


def _thread_profile(frame, event, arg):
    """The profile function of threads started during the run (the C profiler sees only the
    thread that enabled it)."""
    if event == "call":
        _window.codes.add(frame.f_code)


def _trace(frame, event, arg):
    """Without the C profiler: a trace function called once per frame (no line events)."""
    _window.codes.add(frame.f_code)
    return None


def _flush():
    """Move the code objects the profiler saw into the current window, and go on."""
    if _profiler is None or _pending or not _recording():
        return
    _profiler.disable()
    codes = _window.codes
    for entry in _profiler.getstats():
        code = entry.code
        if not isinstance(code, str):  # a built-in is named by a string
            codes.add(code)
    _profiler.clear()
    _profiler.enable(subcalls=False, builtins=False)


def _hook_lost():
    """Whether a test replaced our hook (the profiler, or the trace function)."""
    if _profiler is not None:
        return sys.getprofile() is not _profiler
    return sys.gettrace() is not _trace


def _restore_hook():
    if _profiler is not None:
        _profiler.enable(subcalls=False, builtins=False)
    else:
        sys.settrace(_trace)


def _audit(event, args):
    if event == "open":
        path = args[0] if args else None
        if isinstance(path, str) and not path.endswith(SKIPPED_SUFFIXES):
            _window.opened.add(path)
    elif event in SPAWN_EVENTS:
        _window.spawned = True


def _enter():
    global _window
    _flush()
    _stack.append(_window)
    _window = Window()


def _leave(merge=True):
    """Back to the enclosing window, which also gets what this one saw when `merge` (a
    fixture's window is part of its test's; a test's is not part of what ran outside tests)."""
    global _window
    _flush()
    inner = _window
    _window = _stack.pop()
    if not merge:
        return inner
    _window.codes |= inner.codes
    _window.opened |= inner.opened
    _window.spawned = _window.spawned or inner.spawned
    return inner


class Recorder:
    def __init__(self, root):
        self.root = os.path.realpath(root)
        self.prefix = self.root + os.sep
        self.paths = {}
        self.units = {}  # (path, qualname) -> index
        self.tests = {}  # node id -> [unit indices]
        self.opened = {}  # node id -> [paths]
        self.spawning = set()
        self.failed = set()
        self.shared = {}  # id(fixturedef) -> Window
        self.current = None  # node id of the running test
        self.untraced = set()  # tests that changed the trace function
        self.ran = set()  # node ids of the tests run (also when not tracing)
        self.modules = {}  # module name -> is a package, loaded before the first test
        self.project_modules = {}  # project file -> module name

    def note_modules(self):
        """The modules loaded once collection is done (an import added later can only bind a
        module already loaded by then without running anything new)."""
        for name, module in list(sys.modules.items()):
            if module is None:
                continue
            self.modules[name] = bool(getattr(module, "__path__", None))
            filename = getattr(module, "__file__", None)
            rel = self.relative(filename) if isinstance(filename, str) else None
            if rel is not None and rel.endswith(".py"):
                self.project_modules[rel] = name

    def relative(self, filename):
        known = self.paths.get(filename)
        if known is not None or filename in self.paths:
            return known
        rel = None
        if filename and not filename.startswith("<"):
            full = os.path.realpath(os.path.join(self.root, filename))
            if full.startswith(self.prefix):
                rel = full[len(self.prefix) :].replace(os.sep, "/")
                parts = rel.split("/")
                if "site-packages" in parts or "dist-packages" in parts or ".ai_workflow" in parts:
                    rel = None
        self.paths[filename] = rel
        return rel

    def unit_ids(self, codes):
        ids = set()
        for code in codes:
            rel = self.relative(code.co_filename)
            if rel is None:
                continue
            key = (rel, getattr(code, "co_qualname", None) or "*")
            index = self.units.get(key)
            if index is None:
                index = self.units[key] = len(self.units)
            ids.add(index)
        return ids

    def files(self, paths):
        out = set()
        for path in paths:
            rel = self.relative(path)
            if rel is not None:
                out.add(rel)
        return out

    def finish_test(self, item, window):
        codes = set(window.codes)
        opened = set(window.opened)
        spawned = window.spawned
        for shared in self.shared_windows(item):
            codes |= shared.codes
            opened |= shared.opened
            spawned = spawned or shared.spawned
        self.tests[item.nodeid] = sorted(self.unit_ids(codes))
        files = self.files(opened)
        if files:
            self.opened[item.nodeid] = sorted(files)
        if spawned or item.nodeid in self.untraced:
            self.spawning.add(item.nodeid)

    def shared_windows(self, item):
        info = getattr(item, "_fixtureinfo", None)
        for defs in (getattr(info, "name2fixturedefs", None) or {}).values():
            for fixturedef in defs:
                window = self.shared.get(id(fixturedef))
                if window is not None:
                    yield window

    def write(self, config):
        worker = getattr(config, "workerinput", {}).get("workerid", "main")
        outside = self.unit_ids(_outside.codes)
        data = {
            "schema": SCHEMA,
            "worker": worker,
            "python": sys.version.split()[0],
            "pytest": pytest.__version__,
            "broken": _broken,
            "units": [list(key) for key, _ in sorted(self.units.items(), key=lambda kv: kv[1])],
            "tests": self.tests,
            "outside": sorted(outside),
            "opened": self.opened,
            "outside_opened": sorted(self.files(_outside.opened)),
            "spawning": sorted(self.spawning),
            "failed": sorted(self.failed),
            "ran": sorted(self.ran),
            "modules": self.modules,
            "project_modules": self.project_modules,
        }
        path = "%s.%s.json" % (OUT, worker)
        with open(path + ".tmp", "w", encoding="utf-8") as handle:  # raw read: our record
            json.dump(data, handle, separators=(",", ":"))
        os.replace(path + ".tmp", path)


_recorder = None
_selection = None


def _load_selection():
    with open(SELECT, encoding="utf-8") as handle:  # raw read: the selection we wrote
        raw = json.load(handle)  # raw read: (same file)
    root = os.path.realpath(ROOT)
    ignore = {os.path.join(root, *p.split("/")) for p in raw.get("ignore", [])}
    return set(raw.get("deselect", [])), ignore, list(raw.get("verify", []))


def _start():
    global _recorder, _broken
    if not OUT:
        return
    _recorder = Recorder(ROOT)
    if not TRACE:
        _broken = "not traced"
        return
    sys.addaudithook(_audit)
    if not SELECT:  # a selected run hooks in at its first test (see pytest_runtest_protocol)
        _hook_on()


def _hook_on():
    global _broken, _pending
    _pending = False
    if _profiler is not None:
        if sys.getprofile() is not None:
            _broken = "another profiler was active"
            return
        threading.setprofile(_thread_profile)
        _profiler.enable(subcalls=False, builtins=False)
    else:
        if sys.gettrace() is not None:
            _broken = "another tracer was active (coverage.py or a debugger)"
            return
        sys.settrace(_trace)
        threading.settrace(_trace)


# A selected run records only its tests, not imports and collection: the map it updates keeps
# what ran outside tests from the full run (an import-time change runs every test anyway), and
# the C profiler's cost then falls on the selected tests alone.
_pending = bool(OUT and TRACE and SELECT)


if SELECT:
    _selection = _load_selection()
_start()


ENV_NAMES = (
    "AI_WORKFLOW_TESTMAP_OUT", "AI_WORKFLOW_TESTMAP_SELECT", "AI_WORKFLOW_TESTMAP_TRACE",
    "AI_WORKFLOW_TESTMAP_ROOT",
)  # fmt: skip


def pytest_configure(config):
    """A pytest the tests start (a plugin's own test suite) must not write our record or
    apply our selection: the processes that run tests drop the variables that load us
    (the controller of pytest-xdist keeps them for the workers it starts)."""
    distributed = getattr(config.option, "numprocesses", None) or getattr(
        config.option, "dist", "no"
    ) not in ("no", None)
    if distributed and not hasattr(config, "workerinput"):
        return
    for name in ENV_NAMES:
        os.environ.pop(name, None)
    addopts = os.environ.get("PYTEST_ADDOPTS")
    if addopts is not None:
        os.environ["PYTEST_ADDOPTS"] = addopts.replace("-p ai_workflow_testmap", "").strip()


def _recording():
    return _recorder is not None and not _broken


def _ignored(path):
    if _selection is None:
        return None
    return True if os.path.realpath(path) in _selection[1] else None


if int(pytest.__version__.split(".")[0]) >= 7:

    def pytest_ignore_collect(collection_path, config):
        return _ignored(str(collection_path))

else:  # pragma: no cover - pytest < 7

    def pytest_ignore_collect(path, config):
        return _ignored(str(path))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    if _selection is None:
        return
    deselect = _selection[0]
    kept = [item for item in items if item.nodeid not in deselect]
    if len(kept) != len(items):
        dropped = [item for item in items if item.nodeid in deselect]
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_collection_finish(session):
    """Recording: which modules collection loaded. Selecting: import the changed modules whose
    change was only added definitions and imports, which no selected test may import (an
    import that fails must fail this run as it fails a full one)."""
    if _recorder is not None and not _selection:
        _recorder.note_modules()
    if _selection is None:
        return
    import importlib

    for name in _selection[2]:
        try:
            importlib.import_module(name)
        except Exception as exc:
            raise pytest.UsageError(
                "ai-workflow: importing the changed module %s failed: %r" % (name, exc)
            ) from exc


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if _recorder is not None:
        _recorder.ran.add(item.nodeid)
    if _pending and _recorder is not None and not _broken:
        _hook_on()
    if not _recording():
        yield
        return
    _enter()
    _recorder.current = item.nodeid
    try:
        yield
    finally:
        if _hook_lost():  # the test replaced our hook: what it ran is not all seen
            _recorder.untraced.add(item.nodeid)
            _restore_hook()
        window = _leave(merge=False)
        _recorder.current = None
        _recorder.finish_test(item, window)


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    if not _recording() or fixturedef.scope == "function":
        yield
        return
    _enter()
    try:
        yield
    finally:
        window = _leave()
        known = _recorder.shared.get(id(fixturedef))
        if known is None:
            _recorder.shared[id(fixturedef)] = window
        else:
            known.codes |= window.codes
            known.opened |= window.opened
            known.spawned = known.spawned or window.spawned


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """The profiler pauses while pytest builds a phase's report: formatting a failure (the
    costly part of a run where many tests fail) runs no code a passing test depends on, and a
    test that failed runs again next time anyway."""
    paused = _profiler is not None and not _pending and _recording()
    if paused:
        if _hook_lost():  # the test replaced our hook: what it ran is not all seen
            _recorder.untraced.add(item.nodeid)
        _flush()
        _profiler.disable()
    try:
        yield
    finally:
        if paused:
            _profiler.enable(subcalls=False, builtins=False)


def pytest_runtest_logreport(report):
    if _recorder is not None and report.failed:
        _recorder.failed.add(report.nodeid)


def pytest_collectreport(report):
    if _recorder is not None and report.failed:
        _recorder.failed.add(report.nodeid)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if _recorder is None:
        return
    if _recording():
        _flush()
        if _profiler is not None:
            _profiler.disable()
            threading.setprofile(None)  # type: ignore[arg-type]
        else:
            sys.settrace(None)
            threading.settrace(None)  # type: ignore[arg-type]
    _recorder.write(session.config)
