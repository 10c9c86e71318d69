"""The paths a project's `conftest.py` files tell pytest not to collect (`collect_ignore`,
`collect_ignore_glob`).

pytest reads two module-level lists of each conftest.py on the way to a file: `collect_ignore`
(paths, relative to the conftest's directory; a directory leaves out all below it) and
`collect_ignore_glob` (fnmatch patterns, relative to it too, matched against the whole path, so
`*` also crosses `/`). A project sets them, often under a test of the running Python, to keep a
module pytest cannot import out of the run: exceptiongroup 1.2.2's tests/conftest.py has
`if sys.version_info < (3, 11): collect_ignore_glob = ["*_py311.py"]`, beside a test module
written with `except*`.

`ConftestIgnore.conditional` says whether the list is set inside a statement (an `if`, a `try`)
rather than unconditionally: a conditional exclusion holds on some runs only, so the file is
still collected on the others. Only string constants are read (`["a.py"]`, `.append("a.py")`,
`.extend([...])`, `+= [...]`); a computed value is not guessed.
"""

from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ai_workflow.textfiles import read_text

NAMES = ("collect_ignore", "collect_ignore_glob")
_APPENDS = ("append", "extend")


@dataclass(frozen=True)
class ConftestIgnore:
    conftest: str
    """The conftest.py that sets it, relative to the project root."""
    name: str
    """`collect_ignore` or `collect_ignore_glob`."""
    value: str
    """The path or pattern as written (relative to the conftest's directory)."""
    line: int
    conditional: bool
    """Set inside a statement (`if sys.version_info < (3, 11):`), not unconditionally."""

    def covers(self, path: str) -> bool:
        """True when this entry leaves out the file at `path` (relative to the root)."""
        base = PurePosixPath(self.conftest).parent
        wanted = _clean(str(base / self.value) if str(base) != "." else self.value)
        if not wanted:
            return False
        if self.name == "collect_ignore_glob":
            return fnmatch.fnmatch(path, wanted) or any(
                fnmatch.fnmatch(str(parent), wanted)
                for parent in PurePosixPath(path).parents
                if str(parent) != "."
            )
        return path == wanted or path.startswith(f"{wanted}/")

    def describe(self) -> str:
        where = " (set conditionally)" if self.conditional else ""
        return f"`{self.name}` `{self.value}` in {self.conftest}{where}"


def conftest_ignore_of(root: Path, path: str) -> ConftestIgnore | None:
    """The first `collect_ignore`/`collect_ignore_glob` entry of a conftest.py on the way from
    the root to `path` (the root's own, then each directory's) that covers `path`."""
    parents = list(PurePosixPath(path).parents)[::-1]  # ".", "tests", "tests/sub"...
    for directory in parents:
        rel = "conftest.py" if str(directory) == "." else f"{directory}/conftest.py"
        for entry in read_conftest_ignores(root, rel):
            if entry.covers(path):
                return entry
    return None


def read_conftest_ignores(root: Path, rel: str) -> list[ConftestIgnore]:
    """The string entries `rel` (a conftest.py) puts in pytest's ignore lists."""
    file = root / rel
    if not file.is_file():
        return []
    try:
        tree = ast.parse(read_text(file))
    except (SyntaxError, ValueError):
        return []
    found: list[ConftestIgnore] = []
    _module_statements(tree.body, rel, False, found)
    return found


def _module_statements(
    body: list[ast.stmt], rel: str, conditional: bool, found: list[ConftestIgnore]
) -> None:
    """Module-level statements, descending into `if`/`try`/`with` blocks (not functions)."""
    for statement in body:
        _statement(statement, rel, conditional, found)
        if isinstance(statement, ast.If):
            _module_statements(statement.body, rel, True, found)
            _module_statements(statement.orelse, rel, True, found)
        elif isinstance(statement, ast.Try):
            for block in (statement.body, statement.orelse, statement.finalbody):
                _module_statements(block, rel, True, found)
            for handler in statement.handlers:
                _module_statements(handler.body, rel, True, found)
        elif isinstance(statement, ast.With):
            _module_statements(statement.body, rel, conditional, found)


def _statement(
    statement: ast.stmt, rel: str, conditional: bool, found: list[ConftestIgnore]
) -> None:
    target: ast.expr | None = None
    value: ast.expr | None = None
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target, value = statement.targets[0], statement.value
    elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
        target, value = statement.target, statement.value
    elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _APPENDS and len(call.args) == 1:
            target = func.value
            value = call.args[0]
            if func.attr == "append":
                value = ast.List(elts=[value], ctx=ast.Load())
    if not (isinstance(target, ast.Name) and target.id in NAMES) or value is None:
        return
    for text in _strings(value):
        found.append(ConftestIgnore(rel, target.id, text, statement.lineno, conditional))


def _strings(value: ast.expr) -> list[str]:
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return [
            item.value
            for item in value.elts
            if isinstance(item, ast.Constant) and isinstance(item.value, str)
        ]
    return []


def _clean(path: str) -> str:
    path = path.strip().rstrip("/")
    while path.startswith("./"):
        path = path[2:]
    return path
