"""The third-party imports of a project's Python code, found with `ast` (never by running it).

Imports under `try: ... except ImportError` or `if TYPE_CHECKING:` and literal
`importlib.import_module("x")` calls are optional, and so is an import of `x` under
`if "x" in sys.modules:` (it runs only when the caller already imported x: sniffio's curio
support), and so is an import under a test of whether a caller's object has an attribute
(`hasattr(obj, "a")`, `getattr(obj, "a", None)`: croniter imports pytz only for pytz's zones),
and so is an import under a test of which object a slot holds by its name
(`getattr(sys.excepthook, "__name__", None) in ("apport_excepthook", ...)`: it runs only where
the module that made that object installed it), as is every import of a module the project
loads only on demand (`deps.ondemand`). Standard-library modules, the project's own modules and
a script's neighbours are left out; tests and tooling are told apart from shipped code.
"""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from ai_workflow.deps.ondemand import IMPORT_ROOTS, ImportStems, on_demand_modules
from ai_workflow.deps.shipped import EVERY_PACKAGE, shipped_names
from ai_workflow.pysource import PySyntaxError, parse_python
from ai_workflow.techstack import is_test_path
from ai_workflow.testsource.suite_modules import is_test_module
from ai_workflow.textfiles import read_head, read_text, shebang_program

# Files that are development tooling, not shipped code (their imports are checked leniently).
DEV_DIRS = frozenset(
    {"docs", "doc", "examples", "example", "bench", "benchmarks", "benchmark", "scripts", "tools"}
)
DEV_FILES = frozenset(
    {"setup.py", "noxfile.py", "tasks.py", "fabfile.py", "dodo.py", "conftest.py", "conf.py"}
)
# A benchmark beside the package at the root (`benchmark.py`, `bench_parse.py`): like `bench/`,
# it measures the project (often against its rivals, which it imports) and is never shipped.
# Only at the root: inside a package such a module may be shipped code.
ROOT_DEV_STEM = re.compile(r"(?:bench|benchmarks?)(?:_\w*)?")
BUILD_MODULES = frozenset({"setuptools", "pkg_resources", "wheel"})
# Modules the standard library of some Python 3 release had and a later one removed (its
# "What's New" Removed sections): a project supporting the older release imports them as
# stdlib, usually as a fallback (cachetools' `except ImportError: from dummy_threading ...`).
REMOVED_STDLIB_MODULES = {
    "macpath": "3.8",
    "_dummy_thread": "3.9", "dummy_threading": "3.9",
    "formatter": "3.10", "parser": "3.10", "symbol": "3.10",
    "binhex": "3.11",
    "asynchat": "3.12", "asyncore": "3.12", "distutils": "3.12", "imp": "3.12", "smtpd": "3.12",
    **dict.fromkeys(
        (
            "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "lib2to3", "mailcap",
            "msilib", "nis", "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau",
            "telnetlib", "uu", "xdrlib",
        ),
        "3.13",  # PEP 594's dead batteries, and lib2to3
    ),
}  # fmt: skip
"""Module -> the Python release that no longer has it."""
# The standard library of every Python a project may target, not only the one running us:
# modules added after 3.11 and those removed in any Python 3 release.
# `__main__` is the interpreter's own top-level module (`import __main__ as _main_module`, as
# dill does to reach the running script's namespace): always importable, yet not in
# sys.stdlib_module_names.
STDLIB_MODULES = (
    sys.stdlib_module_names
    | {"annotationlib", "compression", "__main__"}
    | set(REMOVED_STDLIB_MODULES)
)  # annotationlib, compression: added in 3.14
# Python 2's standard library modules that Python 3 renamed or removed: imported under a guard
# (`try: import cPickle as pickle` / `except ImportError:`, `except NameError: from sets import
# Set`, `if PY2:`), a 2-and-3 project's Python 2 branch, not a third-party package to declare.
PY2_STDLIB_MODULES = frozenset(
    {
        "__builtin__", "_winreg", "BaseHTTPServer", "CGIHTTPServer", "ConfigParser", "Cookie",
        "DocXMLRPCServer", "HTMLParser", "Queue", "SimpleHTTPServer", "SimpleXMLRPCServer",
        "SocketServer", "StringIO", "Tkinter", "UserDict", "UserList", "UserString",
        "anydbm", "commands", "cPickle", "cStringIO", "cookielib", "copy_reg",
        "dbhash", "dircache", "dummy_thread", "exceptions", "future_builtins", "htmlentitydefs",
        "htmllib", "httplib", "md5", "mimetools", "mimify", "multifile", "new", "popen2",
        "repr", "rfc822", "robotparser", "sets", "sha", "statvfs", "thread", "tkMessageBox",
        "urllib2", "urlparse", "user", "whichdb", "xmlrpclib",
    }
)  # fmt: skip
PY2_GUARDS = frozenset({"ImportError", "ModuleNotFoundError", "NameError", "Exception"})
# a test of which Python runs: `PY2`, `six.PY3`, `is_python3()`, `sys.version_info[0] == 2`
VERSION_TEST = re.compile(
    r"(?i)\bpy(?:thon)?_?[23]\b|_py(?:thon)?_?[23]\b|version_info|sys\.version"
)
INIT = "__init__.py"
GUARD_EXCEPTIONS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


@dataclass(frozen=True)
class ImportUse:
    """A top-level module name imported by a file."""

    module: str
    path: str
    line: int
    optional: bool  # inside try/except ImportError or `if TYPE_CHECKING:`
    guarded: bool = False  # in a try/except ImportError or NameError, or under a version test
    # under a test of the Python version that holds only on Pythons older than this
    # (`if sys.version_info < (3, 8):` gives (3, 8)); None when no such test encloses it
    below: tuple[int, ...] | None = None
    # in the `except ImportError` fallback of an import of the project's generated version
    # module (`from ._version import version`): it runs only in a source checkout never built
    source_checkout: bool = False
    # in the `except ImportError` fallback of an import of the same module from another
    # package's vendored copy (`from requests.packages.urllib3 import fields`, then `from urllib3
    # import fields`): that package's top-level name ("" when no such import precedes it)
    vendored_by: str = ""


# the directories a package keeps its vendored copies of other distributions in
# (`requests.packages.urllib3`, `pip._vendor.requests`, `setuptools.extern.packaging`)
VENDOR_DIRS = frozenset({"packages", "_vendor", "vendor", "vendored", "_vendored", "extern"})


# The module a build backend writes the version into (setuptools_scm's `write_to`, hatch-vcs,
# versioneer): `from ._version import version`, `from .version import __version__`.
GENERATED_VERSION_MODULES = frozenset({"_version", "version", "__version__"})


def imports_of(tree: ast.Module, path: str, source: str = "") -> list[ImportUse]:
    """Absolute imports (top-level names). Imports under `try: ... except ImportError` or
    `if TYPE_CHECKING:` are optional, as are `importlib.import_module("x")` literals (which are
    only looked for when `source` mentions them)."""
    uses: list[ImportUse] = []
    _visit_statements(tree.body, path, False, uses, imported=_bound_by_imports(tree))
    if "import_module" in source or "__import__" in source:
        uses += [u for n in ast.walk(tree) if (u := _dynamic_import(n, path)) is not None]
    return uses


def _visit_statements(
    body: list[ast.stmt],
    path: str,
    optional: bool,
    uses: list[ImportUse],
    py2: bool = False,
    below: tuple[int, ...] | None = None,
    imported: frozenset[str] = frozenset(),
) -> None:
    """Walk statements only (imports are statements): much cheaper than a full `ast.walk`.
    `py2`: in a version guard (`PY2_GUARDS` caught, or a Python version test); `below`: the
    enclosing version tests hold only on Pythons older than this; `imported`: the names the
    file's imports bind (`_duck_typed`)."""
    for index, stmt in enumerate(body):
        if isinstance(stmt, ast.Import):
            uses += [
                ImportUse(a.name.split(".")[0], path, stmt.lineno, optional, py2, below)
                for a in stmt.names
            ]
        elif isinstance(stmt, ast.ImportFrom):
            if stmt.level == 0 and stmt.module:
                module = stmt.module.split(".")[0]
                uses.append(ImportUse(module, path, stmt.lineno, optional, py2, below))
        elif isinstance(stmt, ast.Try | ast.TryStar):
            guarded = optional or any(catches_import_error(h) for h in stmt.handlers)
            fallback = py2 or any(_catches(h, PY2_GUARDS) for h in stmt.handlers)
            _visit_statements(stmt.body, path, guarded, uses, fallback, below, imported)
            checkout = _imports_generated_version(stmt.body) and any(
                catches_import_error(h) for h in stmt.handlers
            )
            vendors = _vendored_copies(stmt)
            for handler in stmt.handlers:
                caught: list[ImportUse] = []
                _visit_statements(handler.body, path, optional, caught, fallback, below, imported)
                caught = [
                    replace(u, vendored_by=vendors[u.module])
                    if u.module in vendors and not u.vendored_by
                    else u
                    for u in caught
                ]
                uses += [replace(u, source_checkout=True) for u in caught] if checkout else caught
            for part in (stmt.orelse, stmt.finalbody):
                _visit_statements(part, path, optional, uses, py2, below, imported)
        elif isinstance(stmt, ast.If):
            inner: list[ImportUse] = []
            versioned = py2 or bool(VERSION_TEST.search(ast.unparse(stmt.test)))
            checking = (
                optional
                or _is_type_checking(stmt.test)
                or _duck_typed(stmt.test, body[:index], imported)
                or _names_installed_object(stmt.test)
            )
            if_true, if_false = version_bounds(stmt.test)
            lower_true, lower_false = _lower(below, if_true), _lower(below, if_false)
            _visit_statements(stmt.body, path, checking, inner, versioned, lower_true, imported)
            loaded = _already_loaded(stmt.test)
            uses += [replace(u, optional=True) if u.module in loaded else u for u in inner]
            _visit_statements(stmt.orelse, path, optional, uses, versioned, lower_false, imported)
        elif isinstance(stmt, ast.Match):
            for case in stmt.cases:
                _visit_statements(case.body, path, optional, uses, py2, below, imported)
        else:
            for field_name in ("body", "orelse", "finalbody"):
                nested = getattr(stmt, field_name, None)
                if isinstance(nested, list):
                    _visit_statements(nested, path, optional, uses, py2, below, imported)


def _vendored_copies(tried: ast.Try | ast.TryStar) -> dict[str, str]:
    """The modules the `try:` body imports from another package's vendored copy, each with
    that package's top-level name: `from requests.packages.urllib3 import fields` gives
    {"urllib3": "requests"}, `from pip._vendor import requests` {"requests": "pip"}."""
    if not any(catches_import_error(h) for h in tried.handlers):
        return {}
    copies: dict[str, str] = {}
    for stmt in tried.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                copies.update(_copies_in(alias.name.split("."), []))
        elif isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module:
            copies.update(_copies_in(stmt.module.split("."), [a.name for a in stmt.names]))
    return copies


def _copies_in(parts: list[str], names: list[str]) -> dict[str, str]:
    """The vendored modules a dotted import path (and the names it imports) reaches below a
    vendor directory of its package, each with the package's top-level name."""
    if len(parts) < 2 or parts[0] in VENDOR_DIRS:
        return {}
    found = [parts[i + 1] for i in range(1, len(parts) - 1) if parts[i] in VENDOR_DIRS]
    if parts[-1] in VENDOR_DIRS:
        found += names
    return dict.fromkeys(found, parts[0])


def _imports_generated_version(body: list[ast.stmt]) -> bool:
    """Whether `body` imports the project's generated version module, relatively
    (`from ._version import version as __version__`, makefun 1.16.0's `__init__.py`) or as
    `pkg._version`: the file the build writes, missing from a source checkout never built,
    whose `except ImportError` fallback then asks setuptools_scm for the version from git."""
    for stmt in body:
        if not isinstance(stmt, ast.ImportFrom):
            continue
        if stmt.module is None:  # `from . import _version`
            if stmt.level > 0 and {a.name for a in stmt.names} & GENERATED_VERSION_MODULES:
                return True
            continue
        last = stmt.module.rsplit(".", 1)[-1]
        if last in GENERATED_VERSION_MODULES and (stmt.level > 0 or last == "_version"):
            return True
    return False


Bound = tuple[int, ...] | None
"""The Python versions a branch runs on are all older than this (None: no such limit)."""


def _lower(first: Bound, second: Bound) -> Bound:
    if first is None or second is None:
        return first if second is None else second
    return min(first, second)


def version_bounds(test: ast.expr) -> tuple[Bound, Bound]:
    """(bound of the `if` branch, bound of the `else` branch) of a test of the running
    Python's version: `sys.version_info < (3, 8)` runs its body only below (3, 8), and
    `sys.version_info >= (3, 8)` its else branch; `sys.version_info[0] == 2` (or `.major`,
    `< 3`) only below (3,). Where a test does not tell exactly (`<=`, `>` on a tuple shorter
    than the version), the bound is rounded up, so that no branch that may run is bounded
    below a version it runs on. Anything else bounds nothing."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        if_true, if_false = version_bounds(test.operand)
        return if_false, if_true
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        bound: Bound = None
        for value in test.values:
            bound = _lower(bound, version_bounds(value)[0])
        return bound, None
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None, None
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if _is_version_info(left):
        limit = _int_tuple(right)
        if not limit:
            return None, None
        bumped = (*limit[:-1], limit[-1] + 1)
        if isinstance(op, ast.Lt):
            return limit, None
        if isinstance(op, ast.LtE):
            return bumped, None
        if isinstance(op, ast.GtE):
            return None, limit
        if isinstance(op, ast.Gt):
            return None, bumped
        return None, None
    if _is_major(left) and isinstance(right, ast.Constant) and type(right.value) is int:
        major = right.value
        if isinstance(op, ast.Eq | ast.LtE):
            return (major + 1,), None
        if isinstance(op, ast.Lt):
            return (major,), None
        if isinstance(op, ast.GtE):
            return None, (major,)
        if isinstance(op, ast.Gt):
            return None, (major + 1,)
    return None, None


def _is_version_info(node: ast.expr) -> bool:
    """`sys.version_info`, or a slice of it from the start (`sys.version_info[:2]`), also as
    a list or tuple (furl 2.1.3's `list(sys.version_info[:2]) >= [2, 7]`): each compares
    element by element with a literal of its kind, as the version itself does."""
    copied = _copied_sequence(node)
    if copied is not None:
        return _is_version_info(copied)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        lower = node.slice.lower
        from_start = lower is None or (isinstance(lower, ast.Constant) and lower.value == 0)
        return from_start and node.slice.step is None and _is_version_info(node.value)
    return ast.unparse(node) in ("sys.version_info", "version_info")


def _copied_sequence(node: ast.expr) -> ast.expr | None:
    """The `x` of `list(x)` or `tuple(x)` (the same items, compared the same way); None
    for anything else."""
    if not isinstance(node, ast.Call) or node.keywords or len(node.args) != 1:
        return None
    is_copy = isinstance(node.func, ast.Name) and node.func.id in ("list", "tuple")
    return node.args[0] if is_copy else None


def _is_major(node: ast.expr) -> bool:
    """`sys.version_info[0]` or `sys.version_info.major`."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value == 0 and _is_version_info(node.value)
    return isinstance(node, ast.Attribute) and node.attr == "major" and _is_version_info(node.value)


def _int_tuple(node: ast.expr) -> tuple[int, ...]:
    """(3, 8) of the literal `(3, 8)` or `[3, 8]`; () for anything else."""
    if not isinstance(node, ast.Tuple | ast.List) or not node.elts:
        return ()
    values = [e.value for e in node.elts if isinstance(e, ast.Constant) and type(e.value) is int]
    return tuple(values) if len(values) == len(node.elts) else ()


def _is_type_checking(test: ast.expr) -> bool:
    name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
    return name == "TYPE_CHECKING"


def _bound_by_imports(tree: ast.Module) -> frozenset[str]:
    """The names the file's imports bind (`import os.path` binds `os`, `from a import b` b)."""
    return frozenset(
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    )


def _duck_typed(test: ast.expr, before: list[ast.stmt], imported: frozenset[str]) -> bool:
    """Whether `test` asks if a caller's object has an attribute: `hasattr(obj, "a")`, or a
    name that one of the statements `before` it set to `getattr(obj, "a", None)`, tested for
    truth or `is not None`. The imports under it run only for objects that have it, made by
    the library they import (croniter 7.0.0: `localize = getattr(previous_date.tzinfo,
    "localize", None)` / `if localize is not None:` / `import pytz`, for pytz's zones only):
    optional, like an import under `"x" in sys.modules`. An attribute of a module the file
    imports (`hasattr(os, "fork")`) is a platform test, not the caller's object."""
    probed = _getattr_names(before, imported)
    for part in test.values if isinstance(test, ast.BoolOp) else [test]:
        subject = part
        if (
            isinstance(part, ast.Compare)
            and len(part.ops) == 1
            and isinstance(part.ops[0], ast.IsNot)
            and _is_none(part.comparators[0])
        ):
            subject = part.left
        if isinstance(subject, ast.Name) and subject.id in probed:
            return True
        if _attribute_probe(subject, "hasattr", imported) is not None:
            return True
    return False


NAME_ATTRIBUTES = frozenset({"__name__", "__qualname__", "__module__"})


def _names_installed_object(test: ast.expr) -> bool:
    """Whether `test` (or an operand of its `and`) asks which object something holds by the
    object's name: `getattr(x, "__name__", None) in ("a", "b")`, `x.__module__ == "m"`. The
    imports under it run only where that object, made by the library they import, is installed
    (exceptiongroup 1.2.2 imports Ubuntu's apport_python_hook only when `sys.excepthook` is
    apport's `apport_excepthook`, to patch it). A test of a value (`sys.platform == "win32"`,
    `getattr(sys, "frozen", False)`) is not one."""
    parts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    return any(_name_compare(part) for part in parts)


def _name_compare(part: ast.expr) -> bool:
    if not (
        isinstance(part, ast.Compare)
        and len(part.ops) == 1
        and isinstance(part.ops[0], ast.Eq | ast.In)
    ):
        return False
    left, right = part.left, part.comparators[0]
    if isinstance(left, ast.Attribute):
        named = left.attr in NAME_ATTRIBUTES
    else:
        call = left
        named = (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "getattr"
            and len(call.args) >= 2
            and isinstance(call.args[1], ast.Constant)
            and call.args[1].value in NAME_ATTRIBUTES
        )
    values = right.elts if isinstance(right, ast.Tuple | ast.List | ast.Set) else [right]
    return (
        named
        and bool(values)
        and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in values)
    )


def _getattr_names(before: list[ast.stmt], imported: frozenset[str]) -> set[str]:
    """Names set by `name = getattr(obj, "attr", None)` among `before`."""
    names = set()
    for stmt in before:
        if not (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            continue
        call = _attribute_probe(stmt.value, "getattr", imported)
        if call is not None and len(call.args) == 3 and _is_none(call.args[2]):
            names.add(stmt.targets[0].id)
    return names


def _attribute_probe(node: ast.expr, function: str, imported: frozenset[str]) -> ast.Call | None:
    """`function(obj, "literal", ...)` where obj is not (an attribute of) an imported name."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == function
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
    ):
        return None
    root = node.args[0]
    while isinstance(root, ast.Attribute | ast.Subscript | ast.Call):
        root = root.func if isinstance(root, ast.Call) else root.value
    return node if isinstance(root, ast.Name) and root.id not in imported else None


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _already_loaded(test: ast.expr) -> set[str]:
    """The modules `test` requires to be imported already: `"x" in sys.modules`, alone or
    as one operand of an `and`."""
    parts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    names = set()
    for part in parts:
        if (
            isinstance(part, ast.Compare)
            and len(part.ops) == 1
            and isinstance(part.ops[0], ast.In)
            and isinstance(part.left, ast.Constant)
            and isinstance(part.left.value, str)
            and ast.unparse(part.comparators[0]) == "sys.modules"
        ):
            names.add(part.left.value.split(".")[0])
    return names


def catches_import_error(handler: ast.ExceptHandler) -> bool:
    """A bare `except:` or one that names ImportError, ModuleNotFoundError, Exception or
    BaseException (`GUARD_EXCEPTIONS`): its `try` survives a failed import."""
    return _catches(handler, GUARD_EXCEPTIONS)


def _dynamic_import(node: ast.AST, path: str) -> ImportUse | None:
    """`importlib.import_module("x.y")` / `__import__("x")` with a literal name."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    dynamic = (isinstance(func, ast.Name) and func.id in ("__import__", "import_module")) or (
        isinstance(func, ast.Attribute) and func.attr == "import_module"
    )
    first = node.args[0]
    name = first.value if isinstance(first, ast.Constant) else None
    if not dynamic or not isinstance(name, str) or not name or name.startswith("."):
        return None
    return ImportUse(name.split(".")[0], path, node.lineno, True)


def is_dev_file(
    path: str, test_dirs: Iterable[str] = (), unshipped: Callable[[str], bool] | None = None
) -> bool:
    """Tests and tooling (docs, examples, benchmarks, scripts, setup.py...): not shipped code.
    `unshipped` (`Distribution.leaves_out`) says which files the manifest does not ship."""
    pure = PurePosixPath(path)
    if pure.name in DEV_FILES or any(part in DEV_DIRS for part in pure.parts[:-1]):
        return True
    if len(pure.parts) == 1 and ROOT_DEV_STEM.fullmatch(pure.stem):
        return True
    if unshipped is not None and unshipped(path):
        return True
    return is_test_path(path, test_dirs)


INVOKE_COLLECTION = "tasks"
"""The module invoke loads its tasks from by default: `tasks.py` (in DEV_FILES) or a `tasks/`
package whose `__init__.py` builds the collection."""
_IMPORTS_INVOKE = re.compile(r"^\s*(?:from\s+invoke(?:\.\w+)*\s+import|import\s+invoke\b)", re.M)


def invoke_task_packages(target: Path, py_files: Iterable[str]) -> frozenset[str]:
    """The root package `tasks/` when its `__init__.py` imports invoke: the maintainer's invoke
    build script split into modules (parse_type's `tasks/`, run as `invoke -l`), tooling like a
    `tasks.py`; a `tasks` package that does not import invoke may be the project's own code."""
    init = f"{INVOKE_COLLECTION}/{INIT}"
    if init not in set(py_files):
        return frozenset()
    text = read_text(target / init)
    return frozenset({INVOKE_COLLECTION}) if _IMPORTS_INVOKE.search(text) else frozenset()


@dataclass(frozen=True)
class Distribution:
    """What the manifest ships (`ai_workflow.deps.shipped`), to tell tooling from the package."""

    names: frozenset[str] | None  # top-level import names shipped; None: not known
    packages: frozenset[str]  # top-level directories with an `__init__.py`
    tooling: frozenset[str] = frozenset()  # root packages that are build scripts (invoke's)

    @classmethod
    def of(cls, target: Path, py_files: Iterable[str]) -> Distribution:
        files = list(py_files)
        inits = (PurePosixPath(f) for f in files)
        packages = frozenset(p.parts[0] for p in inits if len(p.parts) == 2 and p.name == INIT)
        names = shipped_names(target)
        tooling = invoke_task_packages(target, files) - (names or frozenset())
        return cls(names, packages, tooling)

    def leaves_out(self, path: str) -> bool:
        """A root module, or a file under a top-level directory that is no package (`dev/`,
        `ci/`; not `src/`), that the manifest does not ship: the maintainer's tooling. So is a
        file of invoke's `tasks/` package (`invoke_task_packages`) that the manifest does not
        name, whether or not the manifest says what it ships."""
        parts = PurePosixPath(path).parts
        if len(parts) > 1 and parts[0] in self.tooling:
            return True
        if self.names is None:
            return False
        top = PurePosixPath(parts[0]).stem if len(parts) == 1 else parts[0]
        if len(parts) > 1 and (top in self.packages or top in IMPORT_ROOTS):
            return False
        if len(parts) == 1 and EVERY_PACKAGE in self.names:
            return False  # computed packages: a root module may be shipped as well
        return top not in self.names


PYTHON_PROGRAMS = ("python", "pypy")


def python_scripts(target: Path, files: Iterable[str]) -> list[str]:
    """The suffix-less files that are Python programs (`#!/usr/bin/env python`): a command a
    project installs is often named without `.py` (num2words' `bin/num2words`, which
    `setup(scripts=...)` installs, is what imports its docopt dependency)."""
    scripts = []
    for rel in files:
        if PurePosixPath(rel).suffix:
            continue
        head = read_head(target / rel, 128, target)
        first = (head or b"").split(b"\n", 1)[0].decode("utf-8", errors="replace")
        if (shebang_program(first) or "").startswith(PYTHON_PROGRAMS):
            scripts.append(rel)
    return scripts


def local_modules(python_files: Iterable[str]) -> set[str]:
    """Top-level names importable from the project itself (root, src/, lib/, python/)."""
    names: set[str] = set()
    for rel in python_files:
        parts = PurePosixPath(rel).with_suffix("").parts
        for root in IMPORT_ROOTS:
            prefix = tuple(PurePosixPath(root).parts)
            if parts[: len(prefix)] == prefix and len(parts) > len(prefix):
                names.add(parts[len(prefix)])
    return names


def _sibling_modules(python_files: Iterable[str]) -> dict[str, set[str]]:
    """Directory -> module and package names in it (scripts import their neighbours)."""
    siblings: dict[str, set[str]] = defaultdict(set)
    for rel in python_files:
        pure = PurePosixPath(rel)
        siblings[pure.parent.as_posix()].add(pure.stem)
        if pure.parent.parent != pure.parent:
            siblings[pure.parent.parent.as_posix()].add(pure.parent.name)
    return siblings


def _enclosing_packages(rel: str, packages: set[PurePosixPath]) -> set[str]:
    """The names of the packages the file at `rel` lies in (its directories that hold an
    `__init__.py`). A library bundled whole imports itself by its own name: pycparser 2.22
    ships PLY in pycparser/ply, whose cpp.py has `import ply.lex` in its `__main__` demo; that
    is the package the file belongs to, not a distribution to declare."""
    return {d.name for d in PurePosixPath(rel).parents if d in packages and d.name}


@dataclass
class ImportScan:
    """Third-party imports of the project, split into shipped code and tests/tooling."""

    runtime: list[ImportUse] = field(default_factory=list)
    dev: list[ImportUse] = field(default_factory=list)
    runtime_files: int = 0
    # standard-library modules shipped code imports: what a declared backport provides on the
    # older Pythons that lack them (`typing ; python_version<"3.5"`)
    runtime_stdlib: set[str] = field(default_factory=set)


FileImports = Callable[[Path, str], list[ImportUse] | None]
"""The imports of one file (`file_imports`, or a store of its earlier results)."""


def file_imports(target: Path, rel: str) -> list[ImportUse] | None:
    """Every absolute import of the file at `rel` (standard library included); None when it
    does not parse. Depends on the file's content alone."""
    try:
        text = read_text(target / rel, root=target)
        tree = parse_python(text, rel)
    except PySyntaxError:
        return None  # code_quality reports syntax errors
    return imports_of(tree, rel, text)


def dev_code(
    target: Path, py_files: list[str], is_test: Callable[[str], bool]
) -> Callable[[str], bool]:
    """Whether a file of `py_files` is no shipped code: one `is_test` (`TechStack.is_test`)
    says is a test, tooling (`is_dev_file`, with what the manifest leaves out) or a module
    that is a test suite (`is_test_module`)."""
    shipped = Distribution.of(target, py_files)

    def is_dev(rel: str) -> bool:
        return (
            is_test(rel)
            or is_dev_file(rel, unshipped=shipped.leaves_out)
            or is_test_module(target, rel)
        )

    return is_dev


def scan_imports(
    target: Path,
    py_files: list[str],
    is_test: Callable[[str], bool],
    own: Iterable[str] = (),
    imports: FileImports = file_imports,
    stems: ImportStems | None = None,
) -> ImportScan:
    """Imports of modules that are neither standard library nor part of the project; a file
    `is_test` (`TechStack.is_test`) or `is_dev_file` says is no shipped code counts as dev.
    `imports` and `stems` read a file's imports and its import stems (`deps.ondemand`)."""
    local = local_modules(py_files) | {n.replace("-", "_") for n in own}
    siblings = _sibling_modules(py_files)
    packages = {p.parent for p in map(PurePosixPath, py_files) if p.name == "__init__.py"}
    is_dev = dev_code(target, py_files, is_test)
    on_demand = on_demand_modules(target, py_files, lambda rel: not is_dev(rel), stems)
    scan = ImportScan()
    for rel in py_files:
        uses = imports(target, rel)
        if uses is None:
            continue
        dev = is_dev(rel)
        scan.runtime_files += not dev
        here = siblings.get(PurePosixPath(rel).parent.as_posix(), set())
        here = here | _enclosing_packages(rel, packages)
        for use in uses:
            if rel in on_demand:
                use = replace(use, optional=True)  # an optional feature's (`deps.ondemand`)
            name = use.module
            if name in STDLIB_MODULES and not dev and name not in local | here:
                scan.runtime_stdlib.add(name)
            if name in STDLIB_MODULES or name in local or name in here:
                continue
            if name in PY2_STDLIB_MODULES and use.guarded:
                continue  # a 2-and-3 project's Python 2 branch: its standard library
            if dev and name in BUILD_MODULES:
                continue  # setup.py and friends get setuptools from the build system
            (scan.dev if dev else scan.runtime).append(use)
    return scan


def _catches(handler: ast.ExceptHandler, names: frozenset[str]) -> bool:
    """A bare `except:` or one that names one of `names`."""
    if handler.type is None:
        return True
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (n.id if isinstance(n, ast.Name) else getattr(n, "attr", "")) in names for n in caught
    )
