"""ruff's F821 on a name that cannot raise NameError where it is read.

An undefined name is an error because the line raises NameError when it runs. Some lines never
run, and some names are defined by the time they do although no statement ruff reads binds them:

- code under `if False:` / `if 0:` (disabled on purpose, often `if False: #_use_diff:`): it
  never runs, so nothing in it raises; dill 0.3.7's `save_module` keeps a disabled
  `diff.whats_changed(...)` there. Info. The `else` branch of such an `if`, and a name under any
  other test, stay errors.
- IPython's builtins (`get_ipython`, `__IPYTHON__`, `display`: IPython puts them in `builtins`
  when it starts) read under a test that the code runs in IPython (`if IS_IPYTHON:`, `if
  'IPython' in sys.modules and ...`, after `if not in_ipython(): return`): defined there; dill
  0.3.7's `findsource` reads `get_ipython().history_manager` under `if IS_IPYTHON and
  is_module_main:`. Info. The same name without such a guard (plain Python raises NameError),
  and any other undefined name under the guard, stay errors.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from ai_workflow.findings import Finding
from ai_workflow.lint.ruff_py2 import guarded
from ai_workflow.parsed_files import ParsedFiles

UNDEFINED_NAME = "ruff/F821"
NEVER_RUNS_NOTE = "in code that never runs ({}): it cannot raise NameError"
IPYTHON_NOTE = "an IPython builtin, read only where IPython runs ({}): defined there"
IPYTHON_BUILTINS = frozenset({"get_ipython", "__IPYTHON__", "display"})
_IPYTHON_TEST = re.compile(r"(?i)ipython")
_UNDEFINED = re.compile(r"Undefined name `(?P<name>\w+)`")


def never_run_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F821 inside the body of an `if` whose test is a false constant
    (`if False:`, `if 0:`) made info."""
    return files.explain_rule(findings, UNDEFINED_NAME, NEVER_RUNS_NOTE, _never_runs)


def _never_runs(finding: Finding, tree: ast.Module) -> str | None:
    found = _UNDEFINED.search(finding.message)
    if found is None or finding.line is None:
        return None
    for node in ast.walk(tree):
        if not (isinstance(node, ast.If | ast.While) and _false_constant(node.test)):
            continue
        for statement in node.body:
            if _reads_at(statement, found.group("name"), finding.line):
                return f"under `{type(node).__name__.lower()} {ast.unparse(node.test)}:`"
    return None


def _false_constant(test: ast.expr) -> bool:
    return isinstance(test, ast.Constant) and test.value in (False, 0, None, "")


def _reads_at(node: ast.AST, name: str, line: int) -> bool:
    return any(
        isinstance(child, ast.Name) and child.id == name and child.lineno == line
        for child in ast.walk(node)
    )


def ipython_builtins_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F821 on an IPython builtin under a test that IPython runs made
    info."""
    return files.explain_rule(findings, UNDEFINED_NAME, IPYTHON_NOTE, _ipython_guard)


def _ipython_guard(finding: Finding, tree: ast.Module) -> str | None:
    found = _UNDEFINED.search(finding.message)
    if found is None or found.group("name") not in IPYTHON_BUILTINS:
        return None
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Name)
            and node.id == found.group("name")
            and node.lineno == finding.line
        ):
            guard = guarded(node, parents, _ipython_test)
            if guard:
                return guard
    return None


def _ipython_test(node: ast.AST) -> bool:
    return bool(_IPYTHON_TEST.search(ast.unparse(node)))
