"""ruff's F401 and E501 in Sphinx's conf.py that only commented-out settings cause, made info.

sphinx-quickstart writes conf.py with settings commented out for the user to enable, and keeps
the imports they need: its Sphinx 1.x template starts with `import sys, os` for
`#sys.path.insert(0, os.path.abspath('.'))` (semantic_version 2.10.0's docs/conf.py), and a
theme import goes with `# html_theme_path = [sphinx_rtd_theme.get_html_theme_path()]`
(more-itertools). Such an import is unused until its setting is enabled: true, and not acted
on. sphinx-quickstart 1.3's template also wrote `import shlex` under `import sys` and `import os`
and used it nowhere (entrypoints 0.4's doc/conf.py, "created by sphinx-quickstart on Fri May  8
2015"): in a conf.py whose header says sphinx-quickstart created it, an unused `sys`, `os` or
`shlex` import is the template's. Any other unused import there (bats-core's
`import recommonmark`), or in a conf.py that does not say so, keeps the warning.

An unused import that no commented-out statement of the file names (a mention in prose is
no setting; bats-core's `import recommonmark` in `setup()`, which its extension list names as
a string), or one in any other file, keeps the warning.

An unused `import pkg` of the project's own package (`pkg/__init__.py`, `pkg.py`, or under src/)
in a Sphinx conf.py that enables autodoc (or autosummary) is the check that the package imports
before autodoc needs it: hupper 1.12's docs/conf.py puts the project root on sys.path and then
`import hupper` under "# ensure the code is importable for use with autodoc", so the build stops
at once when it cannot. Info; an unused import of another distribution or of the standard
library keeps the warning.

E501 on a line of Sphinx's conf.py that is a commented-out setting (`#    html_theme_path =
['_themes', '/home/docs/checkouts/readthedocs.org/readthedocs/templates/sphinx']`, hyperlink
21.0.0's Read the Docs theme workaround; sphinx-quickstart's `#html_title = None` lines) is
about disabled code kept as a template: its length matters once someone enables it. A long
line of live code or of prose in conf.py, or a long commented-out statement in any other
file, keeps the warning.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from ai_workflow.findings import Finding, Severity
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.sphinx_docs import is_sphinx_conf

UNUSED_IMPORT = "ruff/F401"
LINE_TOO_LONG = "ruff/E501"
_IMPORTED = re.compile(r"`(?P<name>[\w.]+)` imported but unused")
NOTE = (
    "Sphinx's conf.py keeps `{}` for a setting it leaves commented out (line {}), as "
    "sphinx-quickstart writes it: the import goes with that setting"
)
OWN_NOTE = (
    "Sphinx's conf.py imports the project's own package `{}`, which autodoc documents: the "
    "import checks that it imports before the build needs it"
)
_AUTODOC = ("sphinx.ext.autodoc", "sphinx.ext.autosummary")
TEMPLATE_IMPORTS = frozenset({"sys", "os", "shlex"})
_QUICKSTART_HEADER = re.compile(r"^#.*\bcreated by\s*\n?#?\s*sphinx-quickstart\b", re.MULTILINE)
TEMPLATE_NOTE = (
    "`import {}` is one of the imports sphinx-quickstart's template writes at the top of "
    "conf.py (its header says sphinx-quickstart created the file), kept for settings the "
    "user may enable"
)
LONG_NOTE = (
    "a setting Sphinx's conf.py leaves commented out: disabled code kept as a template, its "
    "length matters once it is enabled"
)


def commented_settings_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F401 on a Sphinx conf.py import that only a comment line of the
    file uses, and E501 on a commented-out setting of a Sphinx conf.py, made info."""

    def reason(finding: Finding, tree: ast.Module) -> str | None:
        return _reason(finding, tree, files)

    def long_reason(finding: Finding, tree: ast.Module) -> str | None:
        return _long_reason(finding, files)

    kept = files.explain_rule(findings, UNUSED_IMPORT, "{}", reason)
    return files.explain_rule(kept, LINE_TOO_LONG, "{}", long_reason)


def _long_reason(finding: Finding, files: ParsedFiles) -> str | None:
    """Why the long line is a template's when it is a commented-out statement of a Sphinx
    conf.py."""
    path = finding.path or ""
    if PurePosixPath(path).name != "conf.py" or finding.severity is not Severity.WARNING:
        return None
    lines = files.lines(path)
    if finding.line is None or not 0 < finding.line <= len(lines):
        return None
    stripped = lines[finding.line - 1].strip()
    if not stripped.startswith("#") or not _is_code(stripped.lstrip("#")):
        return None
    return LONG_NOTE if is_sphinx_conf(files.text(path)) else None


def _reason(finding: Finding, tree: ast.Module, files: ParsedFiles) -> str | None:
    path = finding.path or ""
    if PurePosixPath(path).name != "conf.py" or finding.severity is not Severity.WARNING:
        return None
    found = _IMPORTED.match(finding.message)
    if found is None or finding.line is None:
        return None
    bound = _bound_name(tree, finding.line, found.group("name"))
    if bound is None or not is_sphinx_conf(files.text(path)):
        return None
    if _is_own_package_check(tree, finding.line, files, path):
        return OWN_NOTE.format(found.group("name"))
    use = re.compile(rf"(?<![\w.]){re.escape(bound)}\b")
    for number, line in enumerate(files.lines(path), 1):
        stripped = line.strip()
        if stripped.startswith("#") and use.search(stripped) and _is_code(stripped.lstrip("#")):
            return NOTE.format(bound, number)
    if bound in TEMPLATE_IMPORTS and _QUICKSTART_HEADER.search(files.text(path)[:2000]):
        return TEMPLATE_NOTE.format(bound)
    return None


def _is_own_package_check(tree: ast.Module, line: int, files: ParsedFiles, path: str) -> bool:
    """Whether the statement at `line` is a plain `import pkg` of a top-level package or module
    of the project itself, in a conf.py that enables autodoc or autosummary."""
    node = next(
        (
            n
            for n in tree.body
            if isinstance(n, ast.Import) and n.lineno <= line <= (n.end_lineno or n.lineno)
        ),
        None,
    )
    if node is None or len(node.names) != 1 or node.names[0].asname:
        return False
    name = node.names[0].name
    if "." in name or not any(extension in files.text(path) for extension in _AUTODOC):
        return False
    return any(
        (files.target / root / candidate).is_file()
        for root in ("", "src")
        for candidate in (f"{name}/__init__.py", f"{name}.py")
    )


def _is_code(text: str) -> bool:
    """Whether a comment's text is a commented-out statement (it parses as Python), not prose
    ("add these directories to sys.path here")."""
    try:
        ast.parse(text.strip())
    except (SyntaxError, ValueError):
        return False
    return True


def _bound_name(tree: ast.Module, line: int, imported: str) -> str | None:
    """The name the import at `line` that ruff calls `imported` binds (`import a.b` binds `a`,
    `from a import b` and `import a as b` bind `b`)."""
    for node in tree.body:
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if not node.lineno <= line <= (node.end_lineno or node.lineno):
            continue
        for alias in node.names:
            if isinstance(node, ast.Import):
                full, bound = alias.name, alias.asname or alias.name.split(".")[0]
            else:
                full = f"{node.module}.{alias.name}" if node.module else alias.name
                bound = alias.asname or alias.name
            if imported in (full, bound):
                return bound
    return None
