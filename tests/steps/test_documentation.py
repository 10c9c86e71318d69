"""Step 1 end to end: README sections, docstrings, doc comments, stale references, changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_workflow.docstrings import documented_api
from ai_workflow.engine.step import StepOutcome, StepResult, StepStatus
from ai_workflow.findings import Severity
from ai_workflow.steps import documentation, pre_analysis
from ai_workflow.steps.documentation import PythonIndex
from tests.helpers import commit_all, git, make_repo, step_context

CORE = '''\
"""Arithmetic."""

from typing import overload


def add(a: int, b: int) -> int:
    """Add."""
    return a + b


def mul(a: int, b: int) -> int:
    """Multiply."""
    return a * b


def sub(a: int, b: int) -> int:
    return a - b


class Calc:
    """A calculator."""

    def run(self) -> None:
        pass

    def _hidden(self) -> None:
        pass


@overload
def conv(x: int) -> int: ...
@overload
def conv(x: str) -> str: ...
def conv(x):
    """Convert."""
    return x


def _private() -> None:
    pass


def div(a: int, b: int) -> float:
    """Divide."""
    return a / b


def neg(a: int) -> int:
    """Negate."""
    return -a


def ident(a: int) -> int:
    """Identity."""
    return a


def zero() -> int:
    """Zero."""
    return 0
'''

README = """\
# proj

A project.

## Usage

Edit `src/proj/core.py`, not `src/proj/old.py` nor `src/proj/never.py`.
Your own `settings.json` is yours.

```python
from proj.core import add, gone
import proj.missingmod
```

Call `proj.core.add()` or `proj.core.removed()`.
"""


def _pre(changed: list[str]) -> dict[str, StepResult]:
    result = StepResult.for_spec(pre_analysis.SPEC, StepStatus.PASSED)
    result.data = {"changed_files": changed}
    return {"pre_analysis": result}


def _run(root: Path, changed: list[str] | None = None) -> StepOutcome:
    results = _pre(changed) if changed is not None else None
    return documentation.run(step_context(root, documentation.SPEC, results=results))


def _found(outcome: StepOutcome, rule: str) -> set[tuple[str | None, int | None, str]]:
    return {(f.path, f.line, f.severity.value) for f in outcome.findings if f.rule == rule}


PYPROJECT = '[project]\nname = "proj"\nversion = "1.0"\n'
RUFF_ASKS_FOR_DOCSTRINGS = '\n[tool.ruff.lint]\nselect = ["E", "F", "D"]\nignore = ["D105"]\n'


def _python_project(tmp_path: Path, pyproject: str = PYPROJECT + RUFF_ASKS_FOR_DOCSTRINGS) -> Path:
    root = make_repo(
        tmp_path / "py",
        {
            "pyproject.toml": pyproject,
            "src/proj/__init__.py": '"""Proj."""\n',
            "src/proj/core.py": CORE,
            "src/proj/old.py": '"""Old."""\n',
            "tests/test_core.py": "def test_x():\n    assert True\n",
            "README.md": README,
        },
    )
    (root / "src/proj/old.py").unlink()
    commit_all(root, "remove old module")
    return root


def test_python_docstrings_readme_sections_and_stale_references(tmp_path: Path) -> None:
    root = _python_project(tmp_path)
    outcome = _run(root, changed=["src/proj/core.py"])
    assert _found(outcome, "docs/missing-docstring") == {
        ("src/proj/core.py", 16, "warning"),  # sub: ruff's D rules, 80% of the API documented
        ("src/proj/core.py", 23, "info"),  # Calc.run is a method
    }
    assert _found(outcome, "docs/readme-missing-section") == {("README.md", None, "info")}
    assert "install" in next(
        f.message for f in outcome.findings if f.rule == "docs/readme-missing-section"
    )
    assert _found(outcome, "docs/stale-file-reference") == {
        ("README.md", 7, "warning"),  # old.py: deleted
    }
    messages = [f.message for f in outcome.findings if f.rule == "docs/stale-file-reference"]
    assert any("deleted" in m for m in messages) and any("never.py" in m for m in messages)
    assert len(messages) == 2
    assert _found(outcome, "docs/unknown-symbol") == {  # info by default: rule_precision.py
        ("README.md", 11, "info"),
        ("README.md", 12, "info"),
        ("README.md", 15, "info"),
    }
    symbols = {f.extra["symbol"] for f in outcome.findings if f.rule == "docs/unknown-symbol"}
    assert symbols == {"proj.core.gone", "proj.missingmod", "proj.core.removed"}
    assert _found(outcome, "docs/code-changed-without-docs") == {(None, None, "info")}
    assert _found(outcome, "docs/review-doc") == {("README.md", 7, "info")}
    assert outcome.data["docstrings"]["public_symbols"] == 10
    assert outcome.data["docstrings"]["coverage_percent"] == 80.0
    assert outcome.data["docs_to_review"] == {"README.md": ["src/proj/core.py"]}
    assert not [f for f in outcome.findings if f.severity == Severity.ERROR]


def test_missing_docstrings_are_info_where_no_tooling_asks_for_them(tmp_path: Path) -> None:
    outcome = _run(_python_project(tmp_path, PYPROJECT), changed=["src/proj/core.py"])
    missing = [f for f in outcome.findings if f.rule == "docs/missing-docstring"]
    assert {(f.line, f.severity.value) for f in missing} == {(16, "info"), (23, "info")}
    assert all("no docstring checker" in f.extra["not_configured"] for f in missing)
    assert outcome.data["docstrings"]["coverage_percent"] == 80.0


def test_low_docstring_coverage_gives_information_only(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "few",
        {
            "README.md": "# x\n\n## Install\n\n## Usage\n",
            "pkg/__init__.py": "",
            "pkg/a.py": "def one():\n    pass\n\n\ndef two():\n    pass\n",
            "requirements-dev.txt": "pytest\nflake8-docstrings\n",
        },
    )
    outcome = _run(root, changed=[])
    assert _found(outcome, "docs/missing-docstring") == {
        ("pkg/a.py", 1, "info"),
        ("pkg/a.py", 5, "info"),
    }
    reasons = {f.extra.get("not_configured", "") for f in outcome.findings if f.line == 1}
    assert any("names flake8-docstrings, but less than 80%" in r for r in reasons)
    assert _found(outcome, "docs/missing-module-docstring") == {("pkg/a.py", 1, "info")}
    assert outcome.data["docstrings"]["coverage_percent"] == 0.0


ASKS_FOR_JSDOC = '"devDependencies": {"eslint-plugin-jsdoc": "^48.0.0"}'


JS_INDEX = """\
/**
 * Documented.
 */
export function documented() {}

export function undocumented() {}

export const VALUE = 1;

@decorator
export class Thing {}

/** Doc. */
export default class Main {}
"""

JS_CJS = """\
function helper() {}

/** Other. */
const other = () => 1;

exports.inline = function () {};

module.exports = { helper, other };
"""


def test_javascript_doc_comments_and_imports_in_docs(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "js",
        {
            "package.json": '{"name": "mylib", "version": "1.0.0", '
            '"exports": {".": "./index.js", "./cjs": "./lib/cjs.js"}, ' + ASKS_FOR_JSDOC + "}\n",
            "index.js": JS_INDEX,
            "lib/cjs.js": JS_CJS,
            "test/index.test.js": "export function notChecked() {}\n",
            "README.md": "# mylib\n\n## Installation\n\n## Usage\n\n```js\n"
            "import { documented, missingThing as m } from 'mylib';\n"
            "const { helper } = require('mylib');\n```\n",
        },
    )
    outcome = _run(root, changed=[])
    assert _found(outcome, "docs/missing-doc-comment") == {
        ("index.js", 6, "warning"),
        ("index.js", 8, "info"),
        ("index.js", 11, "warning"),
        ("lib/cjs.js", 1, "warning"),
        ("lib/cjs.js", 6, "warning"),
    }
    unknown = [f for f in outcome.findings if f.rule == "docs/unknown-symbol"]
    assert [(f.path, f.line, f.extra["symbol"]) for f in unknown] == [
        ("README.md", 8, "missingThing")
    ]
    assert outcome.data["js_doc_comments"] == {"exports": 8, "documented": 3}


def test_reexports_count_as_exports_and_star_exports_stop_guessing(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "re",
        {
            "package.json": '{"name": "pkg"}\n',
            "index.js": "export {\n  red,\n  blue as azure,\n} from './colors.js';\n",
            "README.md": "# pkg\n\n## Install\n\n## Usage\n\n```js\n"
            "import { red, azure, blue } from 'pkg';\n```\n",
            "CHANGELOG.md": "# Changes\n\n## 2.0\n\n- removed `pkg.core.old()` and `lib/old.js`\n",
        },
    )
    outcome = _run(root, changed=["index.js"])
    unknown = [f.extra["symbol"] for f in outcome.findings if f.rule == "docs/unknown-symbol"]
    assert unknown == ["blue"]
    assert not _found(outcome, "docs/missing-doc-comment")  # re-exports are documented at home
    assert "CHANGELOG.md" not in outcome.data["docs_to_review"]
    (root / "index.js").write_text("export * from './colors.js';\n", encoding="utf-8")
    assert not _found(_run(root, changed=[]), "docs/unknown-symbol")


def test_an_export_assigned_in_a_declaration_is_an_export(tmp_path: Path) -> None:
    """logform 2.4.2's index.js: `const format = exports.format = require('./format');` exports
    format (its README's `const { format } = require('logform')`, 21 times); a name the
    package never exports stays an unknown symbol."""
    root = make_repo(
        tmp_path / "chained",
        {
            "package.json": '{"name": "logform", "main": "index.js"}\n',
            "index.js": "'use strict';\n\nconst format = exports.format = require('./format');\n"
            "exports.levels = require('./levels');\nformat.x = 1;\n",
            "format.js": "module.exports = function format() {};\n",
            "levels.js": "module.exports = function levels() {};\n",
            "README.md": "# logform\n\n## Install\n\n## Usage\n\n```js\n"
            "const { format, levels, unformat } = require('logform');\n```\n",
        },
    )
    outcome = _run(root, changed=[])
    unknown = [f.extra["symbol"] for f in outcome.findings if f.rule == "docs/unknown-symbol"]
    assert unknown == ["unformat"]


def test_clean_project_has_no_findings_and_reports_missing_change_overview(
    tmp_path: Path,
) -> None:
    root = make_repo(
        tmp_path / "clean",
        {
            "README.md": "# clean\n\n## Installation\n\n`pip install clean`\n\n## Usage\n\n"
            "```python\nfrom clean.api import greet\n```\n\nSee `clean/api.py`.\n",
            "clean/__init__.py": '"""Clean."""\n',
            "clean/api.py": '"""API."""\n\n\ndef greet() -> str:\n    """Greet."""\n'
            '    return "hi"\n',
        },
    )
    outcome = _run(root)
    assert outcome.findings == []
    assert any("pre_analysis" in s for s in outcome.skipped_checks)
    assert outcome.status().value == "passed"

    (root / "clean/api.py").write_text('"""API."""\n\nX = 1\n', encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs/notes.md").write_text("# Notes\n", encoding="utf-8")
    changed = _run(root, changed=["clean/api.py", "docs/notes.md"])
    assert [f.rule for f in changed.findings] == ["docs/unknown-symbol"]  # greet is gone
    assert changed.data["changed_docs"] == ["docs/notes.md"]


def test_missing_readme_is_a_warning(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "bare", {"tool.sh": "echo hi\n"})
    outcome = _run(root, changed=[])
    assert _found(outcome, "docs/missing-readme") == {(None, None, "warning")}


README_ADOC = "Relax-and-Recover\n=================\n\nA disaster recovery tool.\n"


def test_a_readme_in_asciidoc_is_no_missing_readme(tmp_path: Path) -> None:
    """rear's README.adoc at the top says what the project is: no docs/missing-readme. An
    AsciiDoc file of another name at the top (`NOTES.adoc`) is no README: the warning stays."""
    root = make_repo(tmp_path / "adoc", {"tool.sh": "echo hi\n", "README.adoc": README_ADOC})
    outcome = _run(root, changed=[])
    assert _found(outcome, "docs/missing-readme") == set()
    assert outcome.data["readme"] == "README.adoc"
    notes = make_repo(tmp_path / "notes", {"tool.sh": "echo hi\n", "NOTES.adoc": README_ADOC})
    assert _found(_run(notes, changed=[]), "docs/missing-readme") == {(None, None, "warning")}


MANUAL_POD = "=encoding utf8\n\n=head1 NAME\n\ntool - do one thing\n\n=head1 USAGE\n\nRun it.\n"


def test_missing_readme_beside_the_programs_manual_is_info(tmp_path: Path) -> None:
    # a single-program project documented by its top-level manual page source (the repository
    # links README.pod to it; the release tarball packs the manual only)
    root = make_repo(tmp_path / "man", {"tool": "#!/bin/bash\necho hi\n", "tool.pod": MANUAL_POD})
    outcome = _run(root, changed=[])
    assert _found(outcome, "docs/missing-readme") == {("tool.pod", None, "info")}
    roff = make_repo(
        tmp_path / "roff", {"tool.sh": "echo hi\n", "tool.1": ".TH TOOL 1\n.SH NAME\n"}
    )
    assert _found(_run(roff, changed=[]), "docs/missing-readme") == {("tool.1", None, "info")}


@pytest.mark.parametrize(
    "files",
    [
        # the manual is not at the top (guilt's Documentation/guilt.txt)
        {"tool": "#!/bin/bash\necho hi\n", "Documentation/tool.pod": MANUAL_POD},
        # a POD at the top named after no program of the project
        {"tool": "#!/bin/bash\necho hi\n", "notes.pod": MANUAL_POD},
        # named after the program but not a manual
        {"tool": "#!/bin/bash\necho hi\n", "tool.1": "some notes\n"},
    ],
)
def test_missing_readme_without_a_manual_of_a_program_stays_a_warning(
    tmp_path: Path, files: dict[str, str]
) -> None:
    root = make_repo(tmp_path / "bare", files)
    assert _found(_run(root, changed=[]), "docs/missing-readme") == {(None, None, "warning")}


MANUAL_ROFF = ".TH TOOL 1 2015-07-14 tool\n.SH NAME\ntool \\- do one thing\n"


@pytest.mark.parametrize(
    ("source_format", "severity"),
    [
        ("3.0 (native)\n", "info"),  # Debian is its upstream (bilibop, ucf)
        ("3.0 (quilt)\n", "warning"),  # a packaged upstream project: its README is upstream's
    ],
)
def test_missing_readme_of_a_debian_native_package_with_manual_pages_is_info(
    tmp_path: Path, source_format: str, severity: str
) -> None:
    """bilibop 0.6.3 ships debian/, etc/ and usr/ with man pages under usr/share/man and no
    README: a Debian native package, described by debian/control and documented by the manual
    pages it installs. The same tree packaged from an upstream (quilt) keeps the warning."""
    files = {
        "debian/source/format": source_format,
        "debian/control": "Source: tool\n\nPackage: tool\nDescription: do one thing\n",
        "usr/bin/tool": "#!/bin/sh\necho hi\n",
        "usr/share/man/man1/tool.1": MANUAL_ROFF,
    }
    outcome = _run(make_repo(tmp_path / "pkg", files), changed=[])
    found = [f for f in outcome.findings if f.rule == "docs/missing-readme"]
    assert [f.severity.value for f in found] == [severity]
    if severity == "info":
        assert found[0].path == "debian/source/format"
        assert "usr/share/man/man1/tool.1" in found[0].message


MANUAL_RST = """\
=========
 service
=========

--------------------------
run a System V init script
--------------------------

:Manual section: 8
:Manual group: System Manager's Manual

SYNOPSIS
========

**service** *SCRIPT* *COMMAND*
"""


@pytest.mark.parametrize(
    ("page", "severity"),
    [
        (MANUAL_RST, "info"),  # rst2man's source: its docinfo gives the manual section
        ("Notes\n=====\n\nHow we release.\n", "warning"),  # reStructuredText, no manual
    ],
)
def test_missing_readme_of_a_debian_native_package_with_rst2man_pages_is_info(
    tmp_path: Path, page: str, severity: str
) -> None:
    """init-system-helpers 1.65.2 (held-out 116): a Debian native package with no README,
    whose manual pages are man8/invoke-rc.d.rst, service.rst and update-rc.d.rst, which
    debian/rules turns into roff with rst2man; they were not taken for manual pages, so the
    missing README was a warning, where ucf's and bilibop's roff pages make it info. A
    reStructuredText document that is no manual page leaves the warning."""
    files = {
        "debian/source/format": "3.0 (native)\n",
        "debian/control": "Source: tool\n\nPackage: tool\nDescription: do one thing\n",
        "script/service": "#!/bin/sh\necho hi\n",
        "man8/service.rst": page,
    }
    outcome = _run(make_repo(tmp_path / "pkg", files), changed=[])
    found = [f for f in outcome.findings if f.rule == "docs/missing-readme"]
    assert [f.severity.value for f in found] == [severity]
    if severity == "info":
        assert "man8/service.rst" in found[0].message


def test_missing_readme_of_a_debian_native_package_without_manual_pages_stays_a_warning(
    tmp_path: Path,
) -> None:
    files = {"debian/source/format": "3.0 (native)\n", "usr/bin/tool": "#!/bin/sh\necho hi\n"}
    outcome = _run(make_repo(tmp_path / "pkg", files), changed=[])
    assert _found(outcome, "docs/missing-readme") == {(None, None, "warning")}


@pytest.mark.parametrize(
    ("source_format", "readme", "severity"),
    [
        # usrmerge 37~deb12u1: debian/README.Debian (an FAQ: what the package does) is its README
        ("3.0 (native)\n", "debian/README.Debian", "info"),
        ("3.0 (native)\n", "debian/usrmerge.README.Debian", "info"),
        # a packaged upstream project: debian/README.Debian is about the packaging only
        ("3.0 (quilt)\n", "debian/README.Debian", "warning"),
        # an empty README.Debian says nothing
        ("3.0 (native)\n", "", "warning"),
    ],
)
def test_missing_readme_of_a_debian_native_package_with_readme_debian_is_info(
    tmp_path: Path, source_format: str, readme: str, severity: str
) -> None:
    """usrmerge 37~deb12u1 has TODO, its scripts, debian/ and development/ at the top, no manual
    page and no README; its README is debian/README.Debian, which Debian installs to
    /usr/share/doc/usrmerge: info naming it. Not native, or nothing in it: the warning stays."""
    files = {
        "debian/source/format": source_format,
        "debian/control": "Source: tool\n\nPackage: tool\nDescription: do one thing\n",
        "convert-tool": "#!/bin/sh\necho hi\n",
        readme or "debian/README.Debian": (
            "FAQ\n~~~\n* What is the purpose of this package?\nIt does one thing.\n"
            if readme
            else "\n"
        ),
    }
    outcome = _run(make_repo(tmp_path / "pkg", files), changed=[])
    found = [f for f in outcome.findings if f.rule == "docs/missing-readme"]
    assert [f.severity.value for f in found] == [severity]
    if severity == "info":
        assert found[0].path == readme
        assert "Debian native package" in found[0].message


@pytest.mark.parametrize(
    ("files", "where", "severity"),
    [
        # quilt 0.68: the README is doc/README.in, the template the Makefile fills with the
        # command reference and installs; nothing at the top
        (
            {"doc/README.in": "The scripts in this package simplify patches.\n"},
            "doc/README.in",
            "info",
        ),
        # GitHub shows a README kept in docs/ or .github/ on the project's page
        ({"docs/README.md": "# tool\n\nDoes one thing.\n"}, "docs/README.md", "info"),
        ({".github/README.md": "# tool\n\nDoes one thing.\n"}, ".github/README.md", "info"),
        # no README anywhere: guilt's Documentation/HOWTO, a README of a subdirectory of the
        # docs, an empty one: still a warning
        ({"Documentation/HOWTO": "How to use it.\n"}, None, "warning"),
        ({"docs/api/README.md": "# API pages\n"}, None, "warning"),
        ({"doc/README": "\n"}, None, "warning"),
    ],
)
def test_missing_readme_kept_in_the_documentation_directory_is_info(
    tmp_path: Path, files: dict[str, str], where: str | None, severity: str
) -> None:
    root = make_repo(tmp_path / "proj", {"tool.sh": "echo hi\n", **files})
    outcome = _run(root, changed=[])
    assert _found(outcome, "docs/missing-readme") == {(where, None, severity)}


def test_plain_text_readme_sections(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "txt", {"README.txt": "Tool\n\nInstallation\n\nUsage\n"})
    outcome = _run(root, changed=[])
    assert not _found(outcome, "docs/readme-missing-section")


def test_python_index_resolves_modules_and_names(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "idx",
        {
            "src/pkg/__init__.py": "from pkg.sub import thing as alias\n",
            "src/pkg/sub.py": "thing = 1\ntry:\n    import fast\nexcept ImportError:\n"
            "    fast = None\n",
            "src/pkg/dyn.py": "def __getattr__(name):\n    return name\n",
            "src/pkg/nested/__init__.py": "",
            "src/pkg/nested/deep.py": "class K:\n    pass\n",
            "loose.py": "def f():\n    pass\n",
            "notpkg/mod.py": "x = 1\n",
        },
    )
    git(root, "status")
    index = PythonIndex.build(root, [str(p.relative_to(root)) for p in root.rglob("*.py")])
    assert index.packages == {"pkg"}
    assert "notpkg.mod" not in index.modules
    assert index.unresolved("pkg.alias") is None
    assert index.unresolved("pkg.sub.fast") is None
    assert index.unresolved("pkg.nested.deep.K") is None
    assert index.unresolved("pkg.nested") is None
    assert index.unresolved("pkg.dyn.anything") is None
    assert index.unresolved("loose.f") is None
    assert index.unresolved("pkg.nested.deep.Gone") == "pkg.nested.deep.Gone"
    assert index.unresolved("pkg.missing.x") == "pkg.missing"


def test_a_typescript_const_enum_is_an_enum(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "ts",
        {
            "package.json": '{"name": "e", "version": "1.0.0"}\n',
            "index.ts": "export const enum Color { Red }\n\nexport const LIMIT = 3;\n",
        },
    )
    outcome = _run(root, changed=[])
    messages = {f.message for f in outcome.findings if f.rule == "docs/missing-doc-comment"}
    assert "exported enum Color has no /** doc comment */" in messages
    assert not any("const enum" in m or " enum LIMIT" in m for m in messages)


# --------------------------------------------------------------------------- docstrings that matter

DOC_BASE = '''\
"""Base classes."""


class Base:
    """A documented base class."""

    def run(self):
        """Run it."""

    def stop(self):
        pass
'''

DOC_IMPL = '''\
"""Implementations."""

import json
from . import base
from .base import Base as B


class Impl(B):
    def run(self):
        return 1

    def stop(self):
        return 2


class Deeper(base.Base):
    pass


class Decoder(json.JSONDecoder):
    pass


def helper():
    return 3


def one():
    """One."""


def two():
    """Two."""


def three():
    """Three."""


def four():
    """Four."""


def five():
    """Five."""


def six():
    """Six."""


def seven():
    """Seven."""


def eight():
    """Eight."""


def nine():
    """Nine."""


def ten():
    """Ten."""


def eleven():
    """Eleven."""


def twelve():
    """Twelve."""
'''


def _docstring_project(tmp_path: Path, name: str, extra: dict[str, str]) -> StepOutcome:
    files = {
        "README.md": "# x\n\n## Install\n\n## Usage\n",
        "pkg/__init__.py": '"""Pkg."""\n',
        "pkg/base.py": DOC_BASE,
        "pkg/impl.py": DOC_IMPL,
        "setup.cfg": "[pydocstyle]\nconvention = pep257\n",  # the project asks for docstrings
        **extra,
    }
    return _run(make_repo(tmp_path / name, files), changed=[])


def _missing(outcome: StepOutcome) -> dict[str, str]:
    return {
        f.extra["symbol"]: f.severity.value
        for f in outcome.findings
        if f.rule == "docs/missing-docstring"
    }


def test_inherited_docstrings_count_as_documented(tmp_path: Path) -> None:
    outcome = _docstring_project(tmp_path, "plain", {})
    assert _missing(outcome) == {
        "Base.stop": "info",  # a method: information
        "Impl.stop": "info",  # overrides an undocumented method
        "Decoder": "warning",  # a base class from outside the project documents nothing here
        "helper": "warning",  # no API documentation: every public function counts
    }
    assert outcome.data["docstrings"]["inherited"] == 3  # Impl, Impl.run, Deeper


def test_functions_the_api_documentation_does_not_name_are_internal_helpers(
    tmp_path: Path,
) -> None:
    api = (
        ".. currentmodule:: pkg\n\n.. autoclass:: Decoder\n    :members:\n\n.. autofunction:: one\n"
    )
    outcome = _docstring_project(tmp_path, "api", {"docs/api.rst": api})
    missing = _missing(outcome)
    assert missing["helper"] == "info"  # not in the API documentation: an internal helper
    assert missing["Decoder"] == "warning"  # documented in the API pages without a docstring
    message = next(f.message for f in outcome.findings if f.extra.get("symbol") == "helper")
    assert "internal helper" in message
    # API pages generated from the code name nothing by hand: every public symbol counts
    generated = {"docs/api.rst": api, "docs/conf.py": 'extensions = ["autoapi.extension"]\n'}
    assert _missing(_docstring_project(tmp_path, "gen", generated))["helper"] == "warning"


def test_documented_api_reads_autodoc_autosummary_and_mkdocstrings(tmp_path: Path) -> None:
    files = {
        "docs/api.rst": (
            ".. automodule:: pkg.tools\n   :members:\n\n.. automodule:: pkg.bare\n\n"
            ".. autosummary::\n   :toctree: gen\n\n   pkg.core.Engine\n   pkg.core.start\n"
        ),
        "docs/ref.md": "# Reference\n\n::: pkg.extra.Widget\n",
    }
    target = tmp_path / "p"
    for rel, text in files.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text(text)
    api = documented_api(target, sorted(files))
    assert api is not None
    assert api.names_symbol("pkg.tools", "anything")  # :members: of a documented module
    assert not api.names_symbol("pkg.bare", "anything")  # automodule without :members:
    assert api.names_symbol("pkg.core", "Engine") and api.names_symbol("pkg.core", "start")
    assert api.names_symbol("pkg.extra", "Widget")
    assert not api.names_symbol("pkg.core", "helper")
    assert documented_api(target, []) is None


def test_examples_of_other_projects_history_and_names_the_code_spells(tmp_path: Path) -> None:
    """Found on cobra (`root.go` of the user guide's example tree, deleted from cobra long
    ago) and flask (``flask.commands`` is an entry-point group the code names as a string).
    A stale path and a stale symbol of the project itself are still reported."""
    guide = (
        "# Guide\n\nFor example, consider the following directory structure:\n\n"
        "```console\n├── cmd\n│   ├── root.go\n│   └── sub1.go\n└── main.go\n```\n\n"
        "The `init` function of `root.go` adds the command; see `src/proj/gone.py`.\n\n"
        "Plugins register in the `proj.commands` entry point; `proj.core.nothere` is gone.\n"
    )
    root = make_repo(
        tmp_path / "p",
        {
            "pyproject.toml": '[project]\nname = "proj"\nversion = "1.0"\n',
            "src/proj/__init__.py": '"""Proj."""\n',
            "src/proj/core.py": '"""Core."""\n\nGROUP = "proj.commands"\n',
            "src/proj/gone.py": '"""Gone."""\n',
            "cmd/root.go": "package cmd\n",
            "docs/guide.md": guide,
            "docs/upgrading.md": "# Upgrading\n\n`src/proj/gone.py` became `src/proj/core.py`.\n",
        },
    )
    (root / "src/proj/gone.py").unlink()
    (root / "cmd/root.go").unlink()
    commit_all(root, "remove")
    outcome = _run(root)
    assert _found(outcome, "docs/stale-file-reference") == {("docs/guide.md", 12, "warning")}
    assert _found(outcome, "docs/unknown-symbol") == {("docs/guide.md", 14, "info")}
    symbols = {f.extra["symbol"] for f in outcome.findings if f.rule == "docs/unknown-symbol"}
    assert symbols == {"proj.core.nothere"}


CONTRIBUTING_EXAMPLES = """\
# Contributing

- Add a news fragment to `changelog.d` named after the pull request:
  For example, `changelog.d/42.change.md` for pull request #42.
- Refer to symbols by their full names. For example, `proj.Foo` -- not just `Foo`.
- Add parentheses to functions: `proj.func()` or `proj.Class.method()`, `proj.MyClass`.
- The entry point is `proj.core.add()`; `proj.core.gone()` and `changelog.d/old.md` are stale.
"""


def test_names_given_as_examples_or_placeholders_are_not_stale(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "examples",
        {
            "src/proj/__init__.py": '"""Proj."""\n',
            "src/proj/core.py": CORE,
            "changelog.d/.gitkeep": "",
            "README.md": "# proj\n\n## Install\n\n## Usage\n",
            "CONTRIBUTING.md": CONTRIBUTING_EXAMPLES,
        },
    )
    outcome = _run(root, changed=[])
    assert _found(outcome, "docs/stale-file-reference") == {("CONTRIBUTING.md", 7, "warning")}
    unknown = [
        (f.line, f.extra["symbol"]) for f in outcome.findings if f.rule == "docs/unknown-symbol"
    ]
    assert unknown == [(7, "proj.core.gone")]


def test_readme_sections_the_project_documents_elsewhere_are_named(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "elsewhere",
        {
            "README": "Tool\n\nSee the man page for documentation.\n",
            "INSTALL": "Simply type make install.\n",
            "requirements.txt": "click\n",
            ".github/CONTRIBUTING.md": "# Contributing\n\n## Usage of the test suite\n",
        },
    )
    found = {
        f.message.split(" section")[0]: (f.severity.value, f.message)
        for f in _run(root, changed=[]).findings
        if f.rule == "docs/readme-missing-section"
    }
    assert found["README has no install"][0] == "info"  # info by default, like every one
    assert "the project documents it in INSTALL" in found["README has no install"][1]
    assert "documents it" not in found["README has no usage"][1]  # a contributor doc is not it
    (root / "docs").mkdir()
    (root / "docs/index.md").write_text("# Tool\n\n## Getting Started\n", encoding="utf-8")
    (root / "INSTALL").unlink()
    messages = [
        f.message
        for f in _run(root, changed=[]).findings
        if f.rule == "docs/readme-missing-section"
    ]
    assert messages and all("docs/index.md ('Getting Started')" in m for m in messages)


JS_CLASSES = """\
// @ts-check

class Documented {
  /**
   * Make a documented thing.
   * @param {string} name
   */

  constructor(name) {
    this.name = name;
  }
}

// Methods are static in style, to allow overriding them one by one.
class Commented {
  constructor() {}
}

class Bare {
  run() {}
}

exports.Documented = Documented;
exports.Commented = Commented;
exports.Bare = Bare;
"""

ESM_WRAPPER = """\
import lib from './index.js';

// named exports for ESM
export const {
  Documented,
  createThing, // made by the default export
  Bare
} = lib;
"""


def test_constructor_doc_comments_and_destructured_exports(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "jsclasses",
        {
            "package.json": '{"name": "things", "version": "1.0.0", ' + ASKS_FOR_JSDOC + "}\n",
            "index.js": JS_CLASSES,
            "esm.mjs": ESM_WRAPPER,
            "README.md": "# things\n\n## Install\n\n## Usage\n\n```js\n"
            "const { createThing, Documented } = require('things');\n"
            "import { removedThing } from 'things';\n```\n",
        },
    )
    outcome = _run(root, changed=[])
    assert _found(outcome, "docs/missing-doc-comment") == {
        ("index.js", 15, "info"),  # a // comment explains it
        ("index.js", 19, "warning"),
    }
    unknown = [f.extra["symbol"] for f in outcome.findings if f.rule == "docs/unknown-symbol"]
    assert unknown == ["removedThing"]


LOADER = (
    "'use strict';\n\nfunction load(text) {\n  return text;\n}\n\nmodule.exports.load = load;\n"
)


def test_missing_doc_comments_are_info_unless_the_projects_tooling_asks_for_them(
    tmp_path: Path,
) -> None:
    """js-yaml (held-out 5) writes doc comments nowhere and no tool of it asks for them: its
    undocumented exports are information, saying why; the same export is a warning where the
    project's ESLint configuration requires JSDoc, and information again where it turns the
    rule off."""
    files = {"package.json": '{"name": "y", "main": "lib/loader.js"}\n', "lib/loader.js": LOADER}
    outcome = _run(make_repo(tmp_path / "none", files), changed=[])
    assert _found(outcome, "docs/missing-doc-comment") == {("lib/loader.js", 3, "info")}
    finding = next(f for f in outcome.findings if f.rule == "docs/missing-doc-comment")
    assert "eslint-plugin-jsdoc" in finding.extra["not_asked"]
    asked = {**files, ".eslintrc.json": '{"rules": {"require-jsdoc": ["error"]}}\n'}
    outcome = _run(make_repo(tmp_path / "asked", asked), changed=[])
    assert _found(outcome, "docs/missing-doc-comment") == {("lib/loader.js", 3, "warning")}
    assert any("asked for by require-jsdoc in .eslintrc.json" in c for c in outcome.checked)
    off = {**files, ".eslintrc.json": '{"rules": {"require-jsdoc": "off"}}\n'}
    outcome = _run(make_repo(tmp_path / "off", off), changed=[])
    assert _found(outcome, "docs/missing-doc-comment") == {("lib/loader.js", 3, "info")}


PICOMATCH_INDEX = "'use strict';\n\nmodule.exports = require('./lib/picomatch');\n"
PICOMATCH_LIB = """\
'use strict';

const scan = require('./scan');
const utils = require('./utils');

/** Match. */
const picomatch = (glob) => utils.isObject(glob) && scan(glob);

picomatch.scan = scan;
picomatch.matchBase = (input, posix = utils.isObject(input)) => posix;

module.exports = picomatch;
"""


def test_a_module_the_package_entry_does_not_expose_is_internal(tmp_path: Path) -> None:
    """picomatch 2.3.1 (held-out 15): `lib/utils.js` holds one-line helpers that `lib/picomatch.js`
    uses and does not pass on (a wrapper's parameter default calling one passes nothing on); the
    package's entry never exposes them, so their missing doc comments are information.
    `lib/scan.js`, which it passes on as `picomatch.scan`, is API: a warning, the project's
    tooling asking for doc comments."""
    helper = "exports.isObject = val => val !== null && typeof val === 'object';\n"
    files = {
        "package.json": '{"name": "pm", "main": "index.js", ' + ASKS_FOR_JSDOC + "}\n",
        "index.js": PICOMATCH_INDEX,
        "lib/picomatch.js": PICOMATCH_LIB,
        "lib/scan.js": "function scan(input) {\n  return input;\n}\n\nmodule.exports = scan;\n",
        "lib/utils.js": helper,
    }
    outcome = _run(make_repo(tmp_path / "pm", files), changed=[])
    assert _found(outcome, "docs/missing-doc-comment") == {
        ("lib/scan.js", 1, "warning"),
        ("lib/utils.js", 1, "info"),
    }
    internal = next(f for f in outcome.findings if f.path == "lib/utils.js")
    assert "package entry" in internal.extra["internal"]


def test_a_typescript_entry_built_to_dist_is_read_from_src(tmp_path: Path) -> None:
    """`main: dist/index.js` names a build output the repository does not hold: its source is
    `src/index.ts`, whose `export * from` passes `src/api.ts` on; `src/internal.ts` is not."""
    files = {
        "package.json": '{"name": "t", "main": "dist/index.js", "types": "dist/index.d.ts", '
        '"scripts": {"docs": "typedoc src/index.ts"}}\n',
        "src/index.ts": "export * from './api';\n",
        "src/api.ts": "import { twice } from './internal';\n\n"
        "export function run(n: number): number {\n  return twice(n);\n}\n",
        "src/internal.ts": "export function twice(n: number): number {\n  return n * 2;\n}\n",
    }
    outcome = _run(make_repo(tmp_path / "ts", files), changed=[])
    assert _found(outcome, "docs/missing-doc-comment") == {
        ("src/api.ts", 3, "warning"),
        ("src/internal.ts", 1, "info"),
    }


def test_a_function_the_main_block_calls_is_the_commands_entry_point_others_stay_warnings(
    tmp_path: Path,
) -> None:
    documented = "".join(f'def f{i}():\n    """Doc."""\n\n\n' for i in range(8))
    cli = (
        f'"""Cli."""\n\n\n{documented}def main():\n    f0()\n\n\ndef helper():\n    pass\n\n\n'
        'if __name__ == "__main__":\n    main()\n'
    )
    files = {
        "README.md": "# x\n\n## Install\n\n## Usage\n",
        "pkg/__init__.py": "",
        "pkg/cli.py": cli,
        ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/PyCQA/pydocstyle\n",
    }
    outcome = _run(make_repo(tmp_path / "proj", files), changed=[])
    assert _missing(outcome) == {"main": "info", "helper": "warning"}  # 8 of 10 documented
    message = next(f.message for f in outcome.findings if f.extra.get("symbol") == "main")
    assert "command-line entry point" in message


def test_an_undocumented_helper_of_the_invoke_tasks_package_is_tooling(tmp_path: Path) -> None:
    """parse_type 0.6.4: pyproject.toml configures pylint (which asks for docstrings) and most
    of the API is documented; `tasks/release.py`'s print_packages, a helper of its invoke build
    script (`tasks/__init__.py` imports invoke), is tooling: info. The package's own
    undocumented function stays a warning."""
    documented = "".join(f'def f{i}():\n    """Doc."""\n\n\n' for i in range(12))
    files = {
        "README.md": "# x\n\n## Install\n\n## Usage\n",
        "pyproject.toml": "[tool.pylint.format]\nmax-line-length = 100\n",
        "setup.py": "from setuptools import setup\nsetup(name='pkg', packages=['pkg'])\n",
        "pkg/__init__.py": '"""Pkg."""\n',
        "pkg/core.py": f'"""Core."""\n\n\n{documented}def make_spec():\n    pass\n',
        "tasks/__init__.py": '"""Invoke build script."""\nfrom invoke import Collection\n',
        "tasks/release.py": '"""Release tasks."""\n\n\ndef print_packages(packages):\n    pass\n',
    }
    outcome = _run(make_repo(tmp_path / "proj", files), changed=[])
    assert _missing(outcome) == {"make_spec": "warning", "print_packages": "info"}
    message = next(f.message for f in outcome.findings if f.extra.get("symbol") == "print_packages")
    assert "maintainer's tooling" in message


def test_doc_comment_whose_example_holds_a_glob_documents_the_export(tmp_path: Path) -> None:
    """picomatch's `scan` JSDoc shows `pm.scan('foo/bar/*.js')`: the `/*` inside the text opens
    no comment, the block still documents the function; a plain `/* */` block does not."""
    source = (
        "/**\n * Scan a glob.\n * console.log(scan('foo/bar/*.js'));\n * @api public\n */\n\n"
        "const scan = (input) => input;\n\n"
        "/*\n * not a doc comment: 'a/*.js'\n */\n"
        "const parse = (input) => input;\n\n"
        "module.exports = { scan, parse };\n"
    )
    package = '{"name": "g", "main": "lib/scan.js", ' + ASKS_FOR_JSDOC + "}\n"
    files = {"package.json": package, "lib/scan.js": source}
    outcome = _run(make_repo(tmp_path / "glob", files), changed=[])
    assert _found(outcome, "docs/missing-doc-comment") == {("lib/scan.js", 12, "warning")}


@pytest.mark.parametrize(
    ("lines", "documented"),
    [
        (["/** One line. */", "function f() {}"], True),
        (["x(); /* plain */", "function f() {}"], False),
        (["/**", " * see 'a/*.js'", " */", "function f() {}"], True),
        (["/*", " * see 'a/*.js'", " */", "function f() {}"], False),
    ],
)
def test_has_doc_comment(lines: list[str], documented: bool) -> None:
    assert documentation._has_doc_comment(lines, len(lines)) is documented


def test_an_empty_exception_subclass_needs_no_docstring(tmp_path: Path) -> None:
    documented = "".join(f'def f{i}():\n    """Doc."""\n\n\n' for i in range(12))
    errors = (
        f'"""Errors."""\nimport http.client\n\n\n{documented}'
        "class Missing(ValueError):\n    pass\n\n\n"
        "class Gone(Missing):\n    ...\n\n\n"  # derives from the one above
        "class Timeout(http.client.HTTPException):\n    pass\n\n\n"  # a dotted base
        "class Loud(ValueError):\n    def __str__(self):\n        return 'x'\n\n\n"
        "class Plain:\n    pass\n"  # not an exception
    )
    files = {
        "README.md": "# x\n\n## Install\n\n## Usage\n",
        "pkg/__init__.py": '"""Pkg."""\n',
        "pkg/errors.py": errors,
        "tox.ini": "[tox]\nenvlist = py3\n\n[pylint]\ndisable = too-many-lines\n",
    }
    outcome = _run(make_repo(tmp_path / "errors", files), changed=[])
    assert _missing(outcome) == {"Loud": "warning", "Plain": "warning"}
    assert outcome.data["docstrings"]["public_symbols"] == 14  # the empty exceptions not counted


def test_plain_text_documents_and_manual_pages_are_documentation_changes(tmp_path: Path) -> None:
    """Found on git-dpm 0.10.0: a shell project documented by a plain-text README and a roff
    manual page (git-dpm.1), no Markdown: a change set that updates either updates the docs.
    A changed file with a manual page's name that is no manual page (no `.TH`), or another
    plain file, is no documentation change."""
    files = {
        "tool.sh": "#!/bin/sh\necho hi\n",
        "README": "tool - says hi\n",
        "NEWS": "1.0: first\n",
        "tool.1": '.\\" comment\n.TH TOOL 1 "2016"\n.SH NAME\ntool \\- says hi\n',
        "notes.1": "not a manual page\n",
        "data.txt": "plain data\n",
    }
    root = make_repo(tmp_path / "sh", files)
    for doc in ("README", "NEWS", "tool.1"):
        outcome = _run(root, changed=["tool.sh", doc])
        assert not _found(outcome, "docs/code-changed-without-docs"), doc
    for other in ("notes.1", "data.txt"):
        outcome = _run(root, changed=["tool.sh", other])
        assert _found(outcome, "docs/code-changed-without-docs") == {(None, None, "info")}, other
