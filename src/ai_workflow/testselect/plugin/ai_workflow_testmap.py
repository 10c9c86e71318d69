"""ai-workflow's pytest plugin: which project code each test runs, and which tests to run.

ai-workflow loads it into the project's own test run (`PYTEST_ADDOPTS=-p ai_workflow_testmap`,
with this directory on PYTHONPATH): the project needs nothing but pytest. Standard library
only, and Python 3.8+ syntax, because it runs in the project's interpreter.

Recording (`AI_WORKFLOW_TESTMAP_OUT`): by default the project's own modules are loaded with
marks (`ai_workflow_marks`: a call at the start of each code object, which notes it in the
current window; no profile hook, so the libraries and pytest run at full speed, and marked
modules are cached in `AI_WORKFLOW_TESTMAP_CACHE`); project code that runs without marks
(loaded before the plugin, or by a loader of its own) counts whole for every test. pytest's
assertion rewriting gets the marks too, and its cache of rewritten modules is bypassed. With
`AI_WORKFLOW_TESTMAP_HOOK=profile`, or when pytest's rewriting cannot be hooked, the standard
library's C profiler (`cProfile`, without
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

import builtins
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
# marks: the project's modules are loaded with a mark per code object (ai_workflow_marks);
# profile: the C profiler hook (every Python call of every library pays)
HOOK = os.environ.get("AI_WORKFLOW_TESTMAP_HOOK", "marks")
CACHE = os.environ.get("AI_WORKFLOW_TESTMAP_CACHE") or ""  # marked code kept between runs
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


_marks = None  # the marks module, when the project's code is loaded with marks
_mark_units = {}  # mark number -> (absolute file, qualified name)
_marked_codes = []  # the module code objects loaded with marks (kept: their ids stay theirs)
_marked_ids = set()
_unmarked = set()  # project files whose code ran without marks: every test counts them
_rewrites = {}  # file -> mark numbers put into pytest's rewritten tree, until compiled


def _use_marks():
    """Load the marks module and hook into imports and pytest's assertion rewriting; False when
    that cannot be done here (the C profiler then records)."""
    global _marks
    if HOOK != "marks" or not OUT or not TRACE:
        return False
    try:
        import ai_workflow_marks
        from _pytest.assertion import rewrite
    except Exception:  # pragma: no cover - a pytest without its assertion rewriting module
        return False
    names = ("rewrite_asserts", "_rewrite_test", "_read_pyc", "_write_pyc")
    if not all(callable(getattr(rewrite, name, None)) for name in names):
        return False
    _marks = ai_workflow_marks
    _patch_rewrite(rewrite)
    sys.meta_path.insert(0, _Finder())
    builtins.compile = _marked_compile
    return True


_compile = builtins.compile
_FUTURE_FLAGS = 0
for _name in __import__("__future__").all_feature_names:
    _FUTURE_FLAGS |= getattr(__import__("__future__"), _name).compiler_flag


def _marked_compile(source, filename, mode, flags=0, dont_inherit=False, optimize=-1, **kwargs):
    """`compile`, with marks when a project file's source is compiled to be run (a
    configuration file executed by `exec(compile(...))`, `runpy.run_path`): its functions
    would otherwise run unseen. Anything else goes to the built-in as it is."""
    import ast

    if (
        mode != "exec"
        or kwargs
        or flags & ast.PyCF_ONLY_AST
        or isinstance(source, ast.AST)
        or not isinstance(filename, (str, bytes, os.PathLike))
        or not _project_file(os.fsdecode(filename))
    ):
        if not dont_inherit:  # the caller's own `from __future__` flags, not ours
            flags |= sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS
        return _compile(source, filename, mode, flags, True, optimize, **kwargs)
    if not dont_inherit:
        flags |= sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS
    tree = _compile(source, filename, mode, flags | ast.PyCF_ONLY_AST, True, optimize)
    numbers = _marks.instrument(tree, None, source if isinstance(source, (str, bytes)) else None)
    code = _compile(tree, filename, mode, flags, True, optimize)
    _register(os.fsdecode(filename), code, _marks.owners(code, numbers))
    return code


def _patch_rewrite(rewrite):
    """pytest compiles the test modules and conftest.py files itself (rewriting their asserts):
    their trees get marks too, and its cache of rewritten modules is neither read (it holds
    them without marks) nor written (a run without us must not load marks)."""
    rewrite_asserts, rewrite_test = rewrite.rewrite_asserts, rewrite._rewrite_test

    def marked_rewrite_asserts(mod, source, module_path=None, *args, **kwargs):
        rewrite_asserts(mod, source, module_path, *args, **kwargs)
        if module_path is not None and _project_file(str(module_path)):
            first = _marks.first_number(str(module_path))
            _rewrites[str(module_path)] = _marks.instrument(mod, first, source)

    def marked_rewrite_test(fn, *args, **kwargs):
        if not _project_file(str(fn)):
            return rewrite_test(fn, *args, **kwargs)
        key = _cache_key(str(fn), "pytest-" + pytest.__version__)
        cached = _cache_read(key)
        if cached is not None:
            _register(str(fn), *cached)
            return os.stat(fn), cached[0]
        stat, code = rewrite_test(fn, *args, **kwargs)
        numbers = _rewrites.pop(str(fn), None)
        if numbers is not None:
            owners = _marks.owners(code, numbers)
            _register(str(fn), code, owners)
            _cache_write(key, code, owners)
        return stat, code

    rewrite.rewrite_asserts = marked_rewrite_asserts
    rewrite._rewrite_test = marked_rewrite_test
    rewrite._read_pyc = lambda *args, **kwargs: None
    rewrite._write_pyc = lambda *args, **kwargs: False


def _project_file(filename):
    return _recorder is not None and (_recorder.relative(filename) or "").endswith(".py")


def _register(filename, code, owners):
    _marked_codes.append(code)
    _marked_ids.add(id(code))
    for number, qualname in owners.items():
        known = _mark_units.get(number)
        if known is not None and known[0] != filename:  # two files' numbers met: neither's
            _unmarked.update((filename, known[0]))  # marks can be told apart
        _mark_units[number] = (filename, qualname)


def _cache_key(filename, loader):
    """The cache entry of a file's marked code: its path and content, the loader, the
    interpreter's bytecode and the marks' version (None: no cache, or unreadable)."""
    if not CACHE:
        return None
    import hashlib
    import importlib.util

    try:
        with open(filename, "rb") as handle:  # raw read: the project's module, as imported
            source = handle.read()
    except OSError:
        return None
    digest = hashlib.sha256()
    for part in (filename.encode("utf-8", "surrogateescape"), loader.encode(),
                 importlib.util.MAGIC_NUMBER, _marks.VERSION.encode(), source):  # fmt: skip
        digest.update(len(part).to_bytes(8, "big") + part)
    return os.path.join(CACHE, digest.hexdigest()[:40] + ".marked")


def _cache_read(key):
    if key is None:
        return None
    import marshal

    try:
        with open(key, "rb") as handle:  # raw read: our own cache entry
            code, owners = marshal.load(handle)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return code, owners


def _cache_write(key, code, owners):
    if key is None:
        return
    import marshal

    try:
        os.makedirs(CACHE, exist_ok=True)
        temporary = "%s.%d.tmp" % (key, os.getpid())
        with open(temporary, "wb") as handle:  # raw read: writes our own cache entry
            marshal.dump((code, owners), handle)
        os.replace(temporary, key)
    except (OSError, ValueError):
        pass


class _Finder:
    """Before the other finders: a project module that a standard source loader would load is
    loaded by `_Loader` instead (same file, same module), with marks."""

    def find_spec(self, fullname, path=None, target=None):
        import importlib.machinery

        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is None:
                continue
            loader = spec.loader
            if (
                type(loader) is importlib.machinery.SourceFileLoader
                and isinstance(spec.origin, str)
                and _project_file(spec.origin)
            ):
                spec.loader = _Loader(loader.name, loader.path)
            return spec
        return None


def _loader_class():
    import importlib.machinery

    class Loader(importlib.machinery.SourceFileLoader):
        def get_code(self, fullname):
            path = self.get_filename(fullname)
            key = _cache_key(path, "source")
            cached = _cache_read(key)
            if cached is not None:
                _register(path, *cached)
                return cached[0]
            source = self.get_data(path)
            try:
                code, owners = _marks.compile_marked(source, path, _marks.first_number(path))
            except SyntaxError:
                raise
            except Exception:  # pragma: no cover - our marks failed: load it as it is
                return super().get_code(fullname)  # (its code then counts for every test)
            _register(path, code, owners)
            _cache_write(key, code, owners)
            return code

    return Loader


_Loader = _loader_class()


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
    if _marks is not None or _profiler is None or _pending or not _recording():
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
    if _marks is not None:
        return builtins.__dict__.get("__aw_hit__") is not _hit_now
    if _profiler is not None:
        return sys.getprofile() is not _profiler
    return sys.gettrace() is not _trace


def _restore_hook():
    if _marks is not None:
        builtins.__aw_hit__ = _hit_now
    elif _profiler is not None:
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
    elif event == "exec" and _marks is not None and args:
        code = args[0]
        filename = getattr(code, "co_filename", None)
        if isinstance(filename, str) and id(code) not in _marked_ids and _project_file(filename):
            _unmarked.add(filename)  # loaded some other way: no marks


def _enter():
    global _window
    _flush()
    _stack.append(_window)
    _window = Window()
    _set_hit()


def _leave(merge=True):
    """Back to the enclosing window, which also gets what this one saw when `merge` (a
    fixture's window is part of its test's; a test's is not part of what ran outside tests)."""
    global _window
    _flush()
    inner = _window
    _window = _stack.pop()
    _set_hit()
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
            if module is None or name == "ai_workflow_marks":
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
            if type(code) is int:  # a mark
                filename, qualname = _mark_units.get(code) or (None, None)
            else:
                filename, qualname = code.co_filename, getattr(code, "co_qualname", None)
            rel = self.relative(filename) if filename is not None else None
            if rel is None:
                continue
            key = (rel, qualname or "*")
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

    def unmarked(self):
        """The code of a project file that ran without marks (imported before us, or by a
        loader of its own) counts as a whole (`*`) for every test and for what ran outside."""
        ids = set()
        for filename in _unmarked:
            rel = self.relative(filename)
            key = (rel, "*")
            index = self.units.get(key)
            if index is None:
                index = self.units[key] = len(self.units)
            ids.add(index)
        for test, units in self.tests.items():
            self.tests[test] = sorted(set(units) | ids)
        return ids

    def write(self, config):
        worker = getattr(config, "workerinput", {}).get("workerid", "main")
        outside = self.unit_ids(_outside.codes) | self.unmarked()
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
            "hook": "marks" if _marks is not None else "profile",
            "unmarked": sorted(self.files(_unmarked)),
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
    if _use_marks():
        for module in list(sys.modules.values()):  # loaded before us: without marks
            filename = getattr(module, "__file__", None)
            if isinstance(filename, str) and _project_file(filename):
                _unmarked.add(filename)
        return
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
_hit_now = None


def _set_hit():
    """Marked code adds its numbers to the current window (see ai_workflow_marks)."""
    global _hit_now
    _hit_now = builtins.__aw_hit__ = _window.codes.add


_set_hit()


if SELECT:
    _selection = _load_selection()
_start()
if _marks is not None:
    _pending = False  # marks record from the start: what ran outside the tests is noted too


ENV_NAMES = (
    "AI_WORKFLOW_TESTMAP_OUT", "AI_WORKFLOW_TESTMAP_SELECT", "AI_WORKFLOW_TESTMAP_TRACE",
    "AI_WORKFLOW_TESTMAP_ROOT", "AI_WORKFLOW_TESTMAP_HOOK", "AI_WORKFLOW_TESTMAP_CACHE",
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
    paused = _marks is None and _profiler is not None and not _pending and _recording()
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
    if _recording() and _marks is None:
        _flush()
        if _profiler is not None:
            _profiler.disable()
            threading.setprofile(None)  # type: ignore[arg-type]
        else:
            sys.settrace(None)
            threading.settrace(None)  # type: ignore[arg-type]
    _recorder.write(session.config)
