"""ruff's F402 ("import shadowed by loop variable") where nothing reads the import after the
loop, made info.

`for re in ['/\\n/', '/\\s/']:` in a function of a module that imports `re` binds a local
`re`: inside that function the module is hidden from the loop on. When the function reads the
name only inside the loop, where it means the loop's value as written, nothing that wanted the
module gets the loop's value, and renaming changes no behaviour (lark's test of ignored
newlines, mock's `for mock in (Mock(), MagicMock())` in its copy of CPython's tests,
dictdiffer's `for patch in res`, asttokens' `for token in ...: yield token`). A read of the name
after the loop or outside it in the same function (where the module may have been meant), a
function nested in it that reads the name, and a loop at module level (the whole module sees
the new binding) keep the warning.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.ruff_global import innermost_function
from ai_workflow.parsed_files import ParsedFiles

SHADOWED_IMPORT = "ruff/F402"
NOTE = (
    "{}: nothing in the function reads the name outside the loop, so no use of the import is lost"
)
_SHADOWED = re.compile(r"Import `(?P<name>[\w.]+)` from line \d+ shadowed by loop variable")


def loop_only_shadowing_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F402 on a loop whose function reads the name only inside it made
    info."""
    return files.explain_rule(findings, SHADOWED_IMPORT, NOTE, _read_only_in_loop)


def _read_only_in_loop(finding: Finding, tree: ast.Module) -> str | None:
    found = _SHADOWED.search(finding.message)
    if found is None or finding.line is None or finding.severity is not Severity.WARNING:
        return None
    name = found.group("name")
    function = innermost_function(tree, finding.line)
    if function is None:
        return None
    loop = next(
        (
            node
            for node in ast.walk(function)
            if isinstance(node, ast.For | ast.AsyncFor)
            and node.lineno == finding.line
            and any(isinstance(t, ast.Name) and t.id == name for t in ast.walk(node.target))
        ),
        None,
    )
    if loop is None:
        return None
    inside = {id(node) for statement in loop.body for node in ast.walk(statement)}
    reads = [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
    ]
    if not reads or any(id(read) not in inside for read in reads):
        return None
    return f"the loop variable `{name}` of {function.name} is read only inside its loop"
