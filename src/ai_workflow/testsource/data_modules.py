"""Python files the tests hand to the code under test as input: a checker's sample modules.

A linter, formatter or parser tests itself on directories of sample Python files. pycodestyle
2.10.0 keeps them beside its tests: `testsuite/E71.py` holds `#: E711` cases, and
`testsuite/test_all.py` checks the whole directory (`StyleGuide(paths=[os.path.join(ROOT_DIR,
'testsuite')])`) against those annotations. Such a file is written to break rules (undefined
names, code that does not parse, imports of modules that do not exist) and is never imported
nor run, so what a linter or the dependency check says about it is not about the project's code.

A Python file is a *data module* when all of these hold:

- it lies in a test location: a test directory (`ai_workflow.techstack.is_test_path`,
  `structure.test_dirs`), or a directory, or one below it, that holds a test module by pytest's
  `python_files` (`testsuite/` holding `test_all.py`);
- it is no test module itself (`python_files`, `conftest.py`), nor `__init__.py` or
  `__main__.py`; a file `python_files` names inside a test-data directory is no test module
  (pytest leaves it out: `pytest_collection.fixture_dir`), so asttokens'
  tests/testdata/python3/astroid/clientmodule_test.py is a sample like its siblings;
- a string literal of a test file, or of a helper module the tests import (asttokens 3.0.2's
  tests/tools.py, `os.path.join(os.path.dirname(__file__), "testdata", python_dir, ...)`, read
  by `tools.read_fixture`), used as a path names the directory it lies in, or one above
  it below the project root (relative to the root, or to the directory of a test file or one of
  its parents): an argument of a path call (`os.path.join(ROOT_DIR, 'testsuite')`,
  `glob("samples/*.py")`) or an operand of `/` (`Path(__file__).parent / "samples"`). A string
  used otherwise (bottle's `c['test']`, `rm.add_path('./test/', base=tempdir)`) names nothing,
  so a script a test runs from a directory no path literal names (bottle's test/servertest.py,
  which test_server.py names as a file to run) stays code;
- no other Python file of the project imports it: its module name is no part of an `import`
  or `from ... import` statement, nor of a dotted string (`pytest_plugins = ["tests.plug"]`,
  `importlib.import_module("tests.plug")`; `"E11.py"` names a file). The imports of the other
  candidates do not count: they never run.

A helper module the tests import, a test module and a file in a directory no test names keep
their findings. Test-data directories by name (`fixtures/`, `testdata/`...) are
`ai_workflow.testsource.data_dirs`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ai_workflow.findings import Finding, explain_as_info
from ai_workflow.pysource import called_name
from ai_workflow.testsource.pytest_collection import fixture_dir, read_collection
from ai_workflow.textfiles import read_utf8

if TYPE_CHECKING:
    from ai_workflow.engine.step import StepContext

_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)|import[ \t]+([^\n#;]*))",
    re.MULTILINE,
)
_DOTTED = re.compile(r"""(['"])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\1""")
_WORD = re.compile(r"[A-Za-z_]\w*")
_COMMENT = re.compile(r"#[^\n]*")
_FILE_SUFFIXES = frozenset({"py", "pyi", "pyc", "pyw"})
_NOT_DATA = frozenset({"__init__.py", "__main__.py", "conftest.py"})
# calls whose string arguments are paths (`os.path.join(ROOT, "suite")`, `Path(HERE, "data")`)
_PATH_CALLS = frozenset(
    {"join", "joinpath", "Path", "PurePath", "PosixPath", "PurePosixPath", "abspath", "realpath"}
    | {"normpath", "listdir", "scandir", "walk", "glob", "iglob", "rglob", "exists", "isdir"}
    | {"is_dir", "iterdir"}
)


@dataclass(frozen=True)
class DataModule:
    """A data module: the directory a test names and the test file that names it."""

    directory: str
    named_by: str

    def note(self) -> str:
        return (
            f"a sample input of the tests, not code: {self.named_by} names {self.directory}/ "
            "as a path and no module imports this one"
        )


def data_modules(
    target: Path,
    files: Iterable[str],
    is_test: Callable[[str], bool],
    read: Callable[[str], str] | None = None,
) -> dict[str, DataModule]:
    """The data modules among the project's `files` (relative paths), by path; `is_test` is the
    run's test-file question, `read` a reader of a project file's text (default: from disk)."""
    files = list(files)
    python = [f for f in files if f.endswith(".py")]
    collection = read_collection(target)
    test_modules = [f for f in python if collection.names_test(f) or f.endswith("/conftest.py")]
    holders = {PurePosixPath(f).parent.as_posix() for f in test_modules}
    candidates = [
        f
        for f in python
        if "/" in f
        and PurePosixPath(f).name not in _NOT_DATA
        and not (collection.names_test(f) and fixture_dir(f) is None)
        and (is_test(f) or any(d in holders for d in _parents(f)))
    ]
    if not candidates:
        return {}
    text_of = read or (lambda rel: read_utf8(target / rel, root=target) or "")
    # the candidates' own imports never run; a candidate a test imports is a helper that runs
    imported = _imported_names([f for f in python if f not in candidates], text_of)
    helpers = [f for f in candidates if PurePosixPath(f).stem in imported]
    tests = [f for f in python if is_test(f) and f not in candidates] + helpers
    namers = [(test, _path_literals(text_of(test))) for test in tests]
    roots = {""} | {d for test in tests for d in _parents(test)}
    found: dict[str, DataModule] = {}
    for path in candidates:
        named = _named_directory(path, namers, roots)
        if named is not None and path not in helpers:
            found[path] = DataModule(*named)
    return found


def _path_literals(text: str) -> set[str]:
    """The string literals of a test file used as paths: an argument of a path call
    (`os.path.join(ROOT_DIR, 'testsuite')`, `Path(HERE, "data")`, `glob("samples/*.py")`...),
    or an operand of `/` (`Path(__file__).parent / "samples"`); each as a relative path
    (`./x/` is `x`) and, for a glob, its directory. A string used otherwise (`config['test']`,
    `rm.add_path('./test/', base=tempdir)`) names no directory of the project."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and called_name(node.func) in _PATH_CALLS:
            values = node.args
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            values = [node.left, node.right]
        else:
            continue
        for value in values:
            if not isinstance(value, ast.Constant) or not isinstance(value.value, str):
                continue
            literal = _relative(value.value)
            if literal:
                found.add(literal)
    return found


def _relative(text: str) -> str:
    """A literal as a relative directory path ("" when it is none: absolute, a URL...); a
    glob's fixed directory part (`samples/*.py` is `samples`)."""
    text = text.strip()
    if not text or text.startswith(("/", "~", "-")) or "://" in text or "\\" in text:
        return ""
    while text.startswith(("./", "../")):
        text = text.split("/", 1)[1]
    parts = text.split("/")
    for index, part in enumerate(parts):
        if any(c in part for c in "*?[{"):
            parts = parts[:index]
            break
    return "/".join(p for p in parts if p not in ("", "."))


def _parents(path: str) -> list[str]:
    """`a/b/c.py` -> `a/b`, `a` (never the root)."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]


def _named_directory(
    path: str, namers: list[tuple[str, set[str]]], roots: set[str]
) -> tuple[str, str] | None:
    """The innermost directory of `path` a test's literal names, and that test file."""
    for directory in _parents(path):
        parts = directory.split("/")
        for test, names in namers:
            for start in range(len(parts)):
                end = "/".join(parts[start:])
                if end in names and "/".join(parts[:start]) in roots:
                    return directory, test
    return None


def _imported_names(python: list[str], text_of: Callable[[str], str]) -> set[str]:
    """Every name in an import statement or a dotted string of the project's Python files."""
    names: set[str] = set()
    for path in python:
        text = text_of(path)
        for source, imported, plain in _IMPORT.findall(text):
            names.update(_WORD.findall(_COMMENT.sub("", f"{source} {imported} {plain}")))
        for _, dotted in _DOTTED.findall(text):
            parts = dotted.split(".")
            if parts[-1] not in _FILE_SUFFIXES:  # "E11.py" names a file, not a module
                names.update(parts)
    return names


def run_data_modules(ctx: StepContext) -> dict[str, DataModule]:
    """The data modules of the run's project, found once per run (steps 4 and 9 ask)."""
    from ai_workflow.project_files import project_files
    from ai_workflow.techstack import detect_stack

    return ctx.memo.get(
        "data_modules",
        lambda: data_modules(ctx.target, project_files(ctx), detect_stack(ctx).is_test),
    )


def data_modules_as_info(
    findings: Iterable[Finding], modules: dict[str, DataModule]
) -> list[Finding]:
    """The findings, each one on a data module made info (why in its message)."""
    return explain_as_info(
        findings,
        lambda f: modules[f.path].note() if f.path in modules else None,
    )
