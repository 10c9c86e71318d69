"""ruff's F821 on a name that Python's import system binds and pyflakes does not model.

In a package's `__init__.py`, importing a submodule (`from .exceptions import merge`,
`from . import exceptions`, `import pkg.exceptions`) binds the submodule's name in the
package's namespace, which is the `__init__.py`'s globals: a later `exceptions` (toolz's
`del exceptions` in `toolz/curried/__init__.py`) is defined, not an undefined name (F821).
Info. A name that no earlier import of a submodule binds stays an error. (Availability probes,
F401 in `try`/`except ImportError`, are `ai_workflow.lint.ruff_bindings`'.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from ai_workflow.findings import Finding, explain_as_info
from ai_workflow.lint.ruff_codes import UNDEFINED_MESSAGE
from ai_workflow.lint.ruff_reexports import dotted_package
from ai_workflow.parsed_files import ParsedFiles

SUBMODULE_NOTE = "bound by the import of the package's submodule `{}` above: defined at run time"


def import_bindings_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with submodule names a package's `__init__.py` bound by importing them
    (F821) made info."""
    return explain_as_info(findings, lambda finding: _submodule_note(finding, files))


def _submodule_note(finding: Finding, files: ParsedFiles) -> str | None:
    if finding.rule != "ruff/F821":
        return None
    target = files.target
    found = UNDEFINED_MESSAGE.search(finding.message)
    if found is None or finding.path is None or finding.line is None:
        return None
    init = PurePosixPath(finding.path)
    if init.name != "__init__.py":
        return None
    name = found.group("name")
    here = target / init.parent
    if not ((here / f"{name}.py").is_file() or (here / name / "__init__.py").is_file()):
        return None
    before = "\n".join(files.lines(finding.path)[: finding.line - 1])
    package = re.escape(dotted_package(target, finding.path))
    imports = re.compile(
        rf"^\s*from\s+(?:\.|{package}\.){name}\s+import\b"
        rf"|^\s*import\s+{package}\.{name}\b"
        rf"|^\s*from\s+(?:\.|{package})\s+import\s+(?:\([^)]*|[^\n]*)\b{name}\b",
        re.MULTILINE,
    )
    dotted = f"{dotted_package(target, finding.path)}.{name}"
    return SUBMODULE_NOTE.format(dotted) if imports.search(before) else None
