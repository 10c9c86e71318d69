"""ruff's F821 on a name that the module defines by running another file of the project.

A `setup.py` often reads its version out of the package without importing it:
`exec(open("h11/_version.py").read())` under a comment "defines __version__", then
`setup(version=__version__)`. The `exec` runs the file in the module's own namespace, so the
names that file assigns at its top level are defined from then on; pyflakes does not read the
other file and calls them undefined (F821), an error (h11 0.14.0's setup.py). Info, when the
file the `exec` runs is found in the project and defines the name at its top level, and the
`exec` comes before the line (at the module's top level, not in a function, and without a
namespace of its own: `exec(code, about)` fills `about`, not the module). The file may be
named by a literal, `os.path.join(here, "pkg", "_version.py")`, `Path(...) / "x.py"`, a
module-level variable holding one of those, `with open(...) as f: exec(f.read())` or
`execfile(...)`. A name the file does not define, or an `exec` whose file is not found, stays
an error.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Iterable
from pathlib import PurePosixPath

from ai_workflow.findings import Finding
from ai_workflow.lint.ruff_codes import UNDEFINED_MESSAGE, UNDEFINED_NAME
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.pysource import called_name, module_bindings

NOTE = "defined at run time by {}"
_OPENERS = frozenset({"open"})  # open(), io.open(), codecs.open()
_READERS = frozenset({"read", "read_text", "read_bytes"})
_JOINERS = frozenset({"join", "Path", "PurePath", "PosixPath", "PurePosixPath"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def exec_definitions_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F821 on a name that an earlier `exec` of a project file defines
    made info."""
    return files.explain_rule(
        findings, UNDEFINED_NAME, NOTE, lambda finding, tree: _defined_by_exec(finding, tree, files)
    )


def _defined_by_exec(finding: Finding, tree: ast.Module, files: ParsedFiles) -> str | None:
    found = UNDEFINED_MESSAGE.search(finding.message)
    if found is None or finding.path is None or finding.line is None:
        return None
    name = found.group("name")
    variables = _module_strings(tree)
    for statement, call in _top_level_execs(tree.body):
        if statement.lineno >= finding.line:
            break
        source = executed_file(call, statement, variables)
        if source is None:
            continue
        for rel in _candidates(finding.path, source):
            defined = files.tree(rel)
            if defined is not None and name in module_bindings(defined.body)[0]:
                return f"`{ast.unparse(call)}` (line {call.lineno}), which runs {rel}"
    return None


def _top_level_execs(body: list[ast.stmt]) -> Iterable[tuple[ast.stmt, ast.Call]]:
    """Each `exec(...)`/`execfile(...)` run in the module's namespace, with the top-level
    statement it is in (statements under `if`, `try` and `with` count; not function or class
    bodies), in order."""
    for statement in body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for node in _walk_outside_scopes(statement):
            if isinstance(node, ast.Call) and _in_module_namespace(node):
                yield statement, node


def _walk_outside_scopes(node: ast.AST) -> Iterable[ast.AST]:
    yield node
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, _SCOPES):
            yield from _walk_outside_scopes(child)


def _in_module_namespace(call: ast.Call) -> bool:
    """`exec(code)` / `exec(code, globals())` / `execfile(path)`: not `exec(code, about)`."""
    if not isinstance(call.func, ast.Name) or call.func.id not in ("exec", "execfile"):
        return False
    if call.keywords or not call.args:
        return False
    rest = call.args[1:]
    return not rest or (
        len(rest) == 1
        and isinstance(rest[0], ast.Call)
        and isinstance(rest[0].func, ast.Name)
        and rest[0].func.id == "globals"
        and not rest[0].args
    )


def executed_file(call: ast.Call, statement: ast.stmt, variables: dict[str, str]) -> str | None:
    """The path of the file the call runs, as the code names it (None: not found)."""
    code = call.args[0]
    if isinstance(call.func, ast.Name) and call.func.id == "execfile":
        return _path_of(code, variables)
    for node in ast.walk(code):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if called_name(func) in _OPENERS and node.args:
            return _path_of(node.args[0], variables)
        if isinstance(func, ast.Attribute) and func.attr in _READERS:
            opened = _opened_as(func.value, statement, variables)
            if opened is not None:
                return opened
    return None


def _opened_as(value: ast.expr, statement: ast.stmt, variables: dict[str, str]) -> str | None:
    """The file behind `f` of `f.read()` (`with open(X) as f`) or `Path(X)` of
    `Path(X).read_text()`."""
    if isinstance(value, ast.Name):
        for node in ast.walk(statement):
            if isinstance(node, ast.With):
                for item in node.items:
                    bound = item.optional_vars
                    opener = item.context_expr
                    if (
                        isinstance(bound, ast.Name)
                        and bound.id == value.id
                        and isinstance(opener, ast.Call)
                        and called_name(opener.func) in _OPENERS
                        and opener.args
                    ):
                        return _path_of(opener.args[0], variables)
        return None
    return _path_of(value, variables)


def _path_of(node: ast.expr, variables: dict[str, str]) -> str | None:
    """A path the code spells out: a literal, a module variable holding one, or a join of
    literal parts (`os.path.join(here, "pkg", "v.py")`, `Path(here) / "pkg" / "v.py"`); the
    parts the code computes (`here`, `os.path.dirname(__file__)`) are left out, so the path
    is tried from the file's directory and from the project root."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return variables.get(node.id)
    parts: list[ast.expr] = []
    if isinstance(node, ast.Call) and called_name(node.func) in _JOINERS:
        parts = list(node.args)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        parts = [node.left, node.right]
    spelled = [p for p in (_path_of(part, variables) for part in parts) if p]
    return posixpath.join(*spelled) if spelled else None


def _module_strings(tree: ast.Module) -> dict[str, str]:
    """Module-level `NAME = <path>` assignments whose path `_path_of` spells out."""
    strings: dict[str, str] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                path = _path_of(statement.value, strings)
                if path:
                    strings[target.id] = path
    return strings


def _candidates(module: str, source: str) -> list[str]:
    """Project-relative paths for `source`: from the module's directory, then from the root."""
    found = []
    for base in (PurePosixPath(module).parent.as_posix(), ""):
        rel = posixpath.normpath(posixpath.join(base, source.lstrip("/")))
        if rel not in found and rel != "." and not rel.startswith(".."):
            found.append(rel)
    return found
