"""ruff's E722 (bare `except:`) on a handler that always raises.

A bare `except:` is a smell because it swallows everything, KeyboardInterrupt and SystemExit
too. A handler whose last statement raises swallows nothing: it re-raises (`raise`) after its
cleanup, or translates any failure to the exception its protocol promises (munch 4.0.0's
`__setattr__`: `except: raise AttributeError(k)`). pylint, on purpose, does not report
bare-except when the handler raises. Info. A bare `except:` that goes on (`pass`, a return,
a log line) stays a warning.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ai_workflow.findings import Finding
from ai_workflow.parsed_files import ParsedFiles

BARE_EXCEPT = "ruff/E722"
NOTE = "the handler always raises (`{}`): nothing is swallowed"


def raising_bare_excepts_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with E722 on a handler whose last statement raises made info."""
    return files.explain_rule(findings, BARE_EXCEPT, NOTE, _raises)


def _raises(finding: Finding, tree: ast.Module) -> str | None:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ExceptHandler)
            and node.type is None
            and node.lineno == finding.line
            and isinstance(node.body[-1], ast.Raise)
        ):
            return ast.unparse(node.body[-1])
    return None
