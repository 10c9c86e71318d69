"""ruff's F841 ("local variable assigned but never used") on a name its function declares
`global` or `nonlocal`, made info.

Under `global fib` an assignment `fib = fib4` rebinds the module's name: no local variable
exists. ruff loses the declaration when the function deletes the name first (dill 0.3.7's
`tests/test_recursive.py`: `global fib; ...; del fib; ...; fib = fib4`, which restores the
module's function the test removed) and reports the assignment as an unused local. The
declaration must be in the function that assigns (a nested function's own `global` does not
count, nor one in another function); an unused assignment in a function that declares no such
name keeps the warning.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from ai_workflow.findings import Finding, Severity
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.pysource import own_nodes

UNUSED_VARIABLE = "ruff/F841"
NOTE = "{}: the assignment rebinds that name, not a local variable"
_VARIABLE = re.compile(r"Local variable `(?P<name>[\w]+)` is assigned to but never used")


def declared_global_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F841 on a name the enclosing function declares global or nonlocal
    made info."""
    return files.explain_rule(findings, UNUSED_VARIABLE, NOTE, _declared)


def _declared(finding: Finding, tree: ast.Module) -> str | None:
    found = _VARIABLE.search(finding.message)
    if found is None or finding.line is None or finding.severity is not Severity.WARNING:
        return None
    function = innermost_function(tree, finding.line)
    if function is None:
        return None
    name = found.group("name")
    for node in own_nodes(function):
        if isinstance(node, ast.Global | ast.Nonlocal) and name in node.names:
            kind = "global" if isinstance(node, ast.Global) else "nonlocal"
            return f"{function.name} declares `{kind} {name}` (line {node.lineno})"
    return None


def innermost_function(
    tree: ast.Module, line: int
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    found: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        inside = node.lineno <= line <= (node.end_lineno or 0)
        if inside and (found is None or node.lineno >= found.lineno):
            found = node
    return found
