"""ruff's F821 in a function of a vendored copy that the project never calls, made info.

A library bundled whole keeps its upstream code as released, dead parts included: pycparser
2.22 ships PLY 3.10 in pycparser/ply, whose yacc.py has `Production.lr_item` reading an
undefined `Prodnames` (a NameError PLY itself never hits: LR items are built elsewhere).
In a vendored file (`ai_workflow.vendored`: its header is another project's) an undefined
name inside a function or method that no Python file of the project names other than in its
`def` (no call, no attribute, no `getattr` string) never runs here: the project's maintainer
does not change upstream's copy for it. Info, saying so. The same name in a function the
project names elsewhere, in a special method (`__init__`, `__len__`) or a decorated function
(both run without their names written), or in a file of the project's own, stays an error.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence

from ai_workflow.findings import Finding
from ai_workflow.lint.ruff_codes import UNDEFINED_MESSAGE, UNDEFINED_NAME
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.vendored import VendoredFiles

NOTE = "in `{}`, which no file of the project calls, in {}"


def uncalled_vendored_as_info(
    findings: Iterable[Finding], files: ParsedFiles, python_files: Sequence[str]
) -> list[Finding]:
    """The findings, with F821 inside a never-named function of a vendored file made info."""
    vendored = VendoredFiles(files.target)
    named: dict[str, bool] = {}

    def reason(finding: Finding, tree: ast.Module) -> str | None:
        if UNDEFINED_MESSAGE.search(finding.message) is None or finding.line is None:
            return None
        function = _enclosing_function(tree, finding.line)
        if function is None:
            return None
        why = vendored.reason(finding.path)
        if why is None:
            return None
        if function not in named:
            named[function] = files.named_beyond_def(function, python_files)
        return None if named[function] else NOTE.format(function, why)

    return files.explain_rule(findings, UNDEFINED_NAME, "{}", reason)


def _enclosing_function(tree: ast.Module, line: int) -> str | None:
    """The name of the innermost function whose body holds `line` (None: module level, or a
    function called without its name being written: a special method such as `__init__`, or
    one under a decorator, which may register it)."""
    best: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or not node.body:
            continue
        inside = node.body[0].lineno <= line <= (node.end_lineno or node.lineno)
        if inside and (best is None or node.lineno > best.lineno):
            best = node
    if best is None or best.decorator_list or re.fullmatch(r"__\w+__", best.name):
        return None
    return best.name
