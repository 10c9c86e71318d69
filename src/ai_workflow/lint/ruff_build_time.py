"""ruff's E722 (bare `except:`) in code that runs only to build or document the project.

A bare `except:` is a smell because, in a program, it swallows KeyboardInterrupt and SystemExit
along with the failure it meant. Code that runs only while the project is packaged or its docs
are built falls back on purpose and is run by the maintainers themselves: dill 0.3.7's
docs/source/conf.py wraps `os.symlink` of its scripts in `try: ... except: pass` (the link is
there from the previous build), and its root version.py, which setup.py imports for the
package's metadata, reads LICENSE and README.md with `except: LICENSE = ''`. Info, in:

- `setup.py` at the project's root;
- a Sphinx conf.py (`ai_workflow.sphinx_docs.is_sphinx_conf`);
- a module at the project's root that the root setup.py imports (`from version import ...`)
  and does not install: setup.py names it in no string (`py_modules=['bottle']` installs
  bottle.py, a library whose setup.py reads its version: its code runs for its users).

A bare `except:` anywhere else (the project's modules, scripts, tests) keeps the warning.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from ai_workflow.findings import Finding, Severity
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.sphinx_docs import is_sphinx_conf

BARE_EXCEPT = "ruff/E722"
SETUP = "setup.py"
NOTE = "{}: it runs only while the project is built or documented, by its maintainers"


def build_time_excepts_as_info(
    findings: Iterable[Finding], files: ParsedFiles, python_files: Sequence[str]
) -> list[Finding]:
    """The findings, with E722 in setup.py, a Sphinx conf.py or a root module only setup.py
    uses (see the module docstring) made info."""
    findings = list(findings)
    if not any(f.rule == BARE_EXCEPT and f.severity is Severity.WARNING for f in findings):
        return findings
    helpers = _setup_helpers(files, python_files)

    def reason(finding: Finding, tree: ast.Module) -> str | None:
        if finding.severity is not Severity.WARNING or not finding.path:
            return None
        return _build_time(finding.path, files, helpers)

    return files.explain_rule(findings, BARE_EXCEPT, NOTE, reason)


def _build_time(path: str, files: ParsedFiles, helpers: frozenset[str]) -> str | None:
    if path == SETUP:
        return "setup.py"
    if path in helpers:
        return f"{path}, a module only the root setup.py imports"
    if PurePosixPath(path).name == "conf.py" and is_sphinx_conf(files.text(path)):
        return f"{path}, Sphinx's configuration"
    return None


def _setup_helpers(files: ParsedFiles, python_files: Sequence[str]) -> frozenset[str]:
    """The root modules (`name.py`) the root setup.py imports and names in no string."""
    if SETUP not in python_files:
        return frozenset()
    tree = files.tree(SETUP)
    if tree is None:
        return frozenset()
    roots = {rel.removesuffix(".py") for rel in python_files if "/" not in rel} - {"setup"}
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module)
    text = files.text(SETUP)
    return frozenset(
        f"{name}.py"
        for name in roots & imported
        if not re.search(rf"""['"]{re.escape(name)}['"]""", text)
    )
