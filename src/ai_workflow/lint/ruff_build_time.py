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
  bottle.py, a library whose setup.py reads its version: its code runs for its users), nor
  does setup.cfg's `py_modules` or pyproject.toml (`py-modules = ["bottle"]`), and no test
  imports it (a module the tests exercise is the project's code, however it is installed).

A bare `except:` anywhere else (the project's modules, scripts, tests) keeps the warning.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from ai_workflow.findings import Finding, Severity
from ai_workflow.nested import dig_table
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.sphinx_docs import is_sphinx_conf
from ai_workflow.techstack import is_test_path

BARE_EXCEPT = "ruff/E722"
SETUP = "setup.py"
SETUP_CFG = "setup.cfg"
PYPROJECT = "pyproject.toml"
# setup.cfg's `py_modules = a, b` (or one per continuation line)
SETUP_CFG_MODULES = re.compile(r"^py_modules\s*=(?P<value>.*(?:\n[ \t]+.*)*)", re.M)
NOTE = "{}: it runs only while the project is built or documented, by its maintainers"


def build_time_excepts_as_info(
    findings: Iterable[Finding], files: ParsedFiles, python_files: Sequence[str]
) -> list[Finding]:
    """The findings, with E722 in setup.py, a Sphinx conf.py or a root module setup.py imports
    and nothing installs (see the module docstring) made info."""
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
        return f"{path}, a module the root setup.py imports that nothing installs"
    if PurePosixPath(path).name == "conf.py" and is_sphinx_conf(files.text(path)):
        return f"{path}, Sphinx's configuration"
    return None


def _setup_helpers(files: ParsedFiles, python_files: Sequence[str]) -> frozenset[str]:
    """The root modules (`name.py`) the root setup.py imports, that no packaging file installs
    (`_installed`) and no test imports."""
    if SETUP not in python_files:
        return frozenset()
    tree = files.tree(SETUP)
    if tree is None:
        return frozenset()
    roots = {rel.removesuffix(".py") for rel in python_files if "/" not in rel} - {"setup"}
    tested: set[str] = set()
    for rel in python_files:
        test_tree = files.tree(rel) if is_test_path(rel) else None
        if test_tree is not None:
            tested |= _imported_modules(test_tree)
    return frozenset(
        f"{name}.py"
        for name in roots & _imported_modules(tree)
        if name not in tested and not _installed(name, files)
    )


def _imported_modules(tree: ast.Module) -> set[str]:
    """The absolute modules a tree imports (`import a.b` gives `a.b`, `from a import b` `a`)."""
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module)
    return imported


def _installed(name: str, files: ParsedFiles) -> bool:
    """Whether a packaging file names the root module `name` for installation: a string in
    setup.py (`py_modules=['bottle']`), an entry of pyproject.toml's `[tool.setuptools]
    py-modules` (not any string there: `dynamic = ["version"]` installs no version.py), or a
    word of setup.cfg's `py_modules`."""
    if re.search(rf"""['"]{re.escape(name)}['"]""", files.text(SETUP)):
        return True
    if name in _pyproject_modules(files.text(PYPROJECT)):
        return True
    listed = SETUP_CFG_MODULES.search(files.text(SETUP_CFG))
    return listed is not None and name in re.split(r"[\s,]+", listed.group("value"))


def _pyproject_modules(text: str) -> list[object]:
    """pyproject.toml's `[tool.setuptools] py-modules` ([] when absent or unreadable)."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    modules = dig_table(table, "tool", "setuptools").get("py-modules")
    return modules if isinstance(modules, list) else []
