"""ruff's F821 on a name that cannot raise NameError where it is read.

An undefined name is an error because the line raises NameError when it runs. Some lines never
run, and some names are defined by the time they do although no statement ruff reads binds them:

- code under `if False:` / `if 0:` (disabled on purpose, often `if False: #_use_diff:`): it
  never runs, so nothing in it raises; dill 0.3.7's `save_module` keeps a disabled
  `diff.whats_changed(...)` there. Info. The `else` branch of such an `if`, and a name under any
  other test, stay errors.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from ai_workflow.findings import Finding
from ai_workflow.parsed_files import ParsedFiles

UNDEFINED_NAME = "ruff/F821"
NEVER_RUNS_NOTE = "in code that never runs ({}): it cannot raise NameError"
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
