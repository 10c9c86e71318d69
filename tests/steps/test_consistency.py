"""Step 2 end to end: versions across manifests and docs, links and anchors, RST references."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.engine.step import StepOutcome
from ai_workflow.findings import Severity
from ai_workflow.steps import consistency
from ai_workflow.version_schemes import same_version
from tests.helpers import make_repo, step_context

PYPROJECT = """\
[build-system]
requires = ["hatchling"]

[project]
name = "my-pkg"
version = "{version}"
description = "x"
"""

README_BROKEN = """\
# my-pkg

Current version: 1.0.0. Requires Python version 3.11.4; since version 0.9.0 it is typed.

```bash
pip install my-pkg==1.1.0
```

## Usage

See the [guide](docs/guide.md), its [start](docs/guide.md#getting-started) and [usage](#usage).
Also [missing](docs/missing.md), [bad anchor](docs/guide.md#nope) and [typo](#usgae).
![logo](img/logo.png) and [the web](https://example.com/nothing-here) are fine to skip.

<img src="img/missing.svg" alt="x">
"""

GUIDE = """\
# Guide

## Getting started

Back to the [readme](../README.md#usage).
"""

CHANGELOG = """\
# Changelog

## [Unreleased]

## [1.3.0] - 2024-05-01

- things

## [1.2.0] - 2024-01-01
"""

INDEX_RST = """\
Index
=====

.. _intro:

Read the `Guide <guide.md>`_, the `Old <old.rst>`_ and `Usage`_.
See :ref:`intro` and :ref:`nolabel`, and :doc:`guide`.

.. image:: ../img/x.png
"""


def _run(root: Path) -> StepOutcome:
    return consistency.run(step_context(root, consistency.SPEC))


def _at(outcome: StepOutcome, rule: str) -> set[tuple[str | None, int | None]]:
    return {(f.path, f.line) for f in outcome.findings if f.rule == rule}


def test_planted_version_and_link_defects_are_reported_with_file_and_line(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "proj",
        {
            "pyproject.toml": PYPROJECT.format(version="1.2.0"),
            "src/my_pkg/__init__.py": '"""Pkg."""\n\n__version__ = "1.1.0"\n',
            "CHANGELOG.md": CHANGELOG,
            "README.md": README_BROKEN,
            "docs/guide.md": GUIDE,
            "docs/index.rst": INDEX_RST,
        },
    )
    outcome = _run(root)
    assert _at(outcome, "version/mismatch") == {("src/my_pkg/__init__.py", 3)}
    assert _at(outcome, "version/changelog-mismatch") == {("CHANGELOG.md", 5)}
    assert _at(outcome, "version/readme-mismatch") == {("README.md", 3), ("README.md", 6)}
    assert _at(outcome, "links/broken-link") == {
        ("README.md", 12),
        ("README.md", 13),
        ("README.md", 15),
        ("docs/index.rst", 6),
        ("docs/index.rst", 9),
    }
    assert _at(outcome, "links/broken-anchor") == {("README.md", 12)}
    assert len([f for f in outcome.findings if f.rule == "links/broken-anchor"]) == 2
    assert _at(outcome, "links/broken-reference") == {("docs/index.rst", 6)}
    assert _at(outcome, "links/unknown-label") == {("docs/index.rst", 7)}
    severities = {f.rule: f.severity for f in outcome.findings}
    assert severities["links/broken-link"] == Severity.ERROR
    assert severities["version/mismatch"] == Severity.ERROR
    assert severities["version/readme-mismatch"] == Severity.WARNING
    typo = next(f for f in outcome.findings if "usgae" in f.message)
    assert "did you mean #usage" in typo.message
    assert outcome.status().value == "failed"
    assert outcome.data["project_version"] == "1.2.0"
    assert outcome.data["changelog_version"] == "1.3.0"
    assert outcome.data["links"]["broken"] == 8


def test_clean_project_has_no_findings(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "clean",
        {
            "pyproject.toml": PYPROJECT.format(version="1.3.0"),
            "src/my_pkg/__init__.py": '"""Pkg."""\n\n__version__ = "1.3.0"\n',
            "CHANGELOG.md": CHANGELOG,
            "README.md": "# my-pkg\n\nVersion 1.3.0. See the [guide](docs/guide.md#guide).\n"
            "\n## Usage\n\n`pip install my-pkg==1.3`\n",
            "docs/guide.md": GUIDE,
            "docs/index.rst": "Index\n=====\n\n.. _intro:\n\nSee `Index`_ and :ref:`intro`.\n",
            "package.json": '{"name": "tooling", "private": true, "version": "0.0.0"}\n',
        },
    )
    outcome = _run(root)
    assert outcome.findings == []
    assert outcome.status().value == "passed"
    assert any("pyproject 1.3.0" in line for line in outcome.checked)


def test_javascript_versions_and_dynamic_python_version(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "js",
        {
            "package.json": '{\n  "name": "mylib",\n  "version": "2.0.0"\n}\n',
            "CHANGELOG.md": "# Changes\n\n## v2.0.0\n",
            "README.md": "# mylib\n\n    npm install mylib@1.9.0\n",
        },
    )
    outcome = _run(root)
    assert _at(outcome, "version/readme-mismatch") == {("README.md", 3)}
    assert outcome.data["project_version"] == "2.0.0"
    assert not _at(outcome, "version/changelog-mismatch")

    dynamic = make_repo(
        tmp_path / "dyn",
        {
            "pyproject.toml": '[project]\nname = "other"\ndynamic = ["version"]\n\n'
            '[tool.hatch.version]\npath = "lib/about.py"\n',
            "lib/about.py": '__version__ = "0.4.0"\n',
            "CHANGES.rst": "Changes\n=======\n\n0.5.0 (2024)\n------------\n",
        },
    )
    outcome = _run(dynamic)
    assert outcome.data["project_version"] == "0.4.0"
    assert _at(outcome, "version/changelog-mismatch") == {("CHANGES.rst", 4)}


def test_plain_text_changelog(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "txt",
        {
            "pyproject.toml": PYPROJECT.format(version="3.0.0"),
            "CHANGES.txt": "Release notes\n\n  indented 9.9.9 is a detail\n\nv2.9.0 (2024-01-01)\n"
            "  * fixes\n3.0.0\n",
        },
    )
    outcome = _run(root)
    assert outcome.data["changelog_version"] == "2.9.0"
    assert _at(outcome, "version/changelog-mismatch") == {("CHANGES.txt", 5)}


def test_manifests_disagreeing_across_ecosystems_is_a_warning(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "both",
        {
            "pyproject.toml": PYPROJECT.format(version="1.0.0"),
            "package.json": '{"name": "my-pkg", "version": "1.1.0"}\n',
        },
    )
    outcome = _run(root)
    found = [f for f in outcome.findings if f.rule == "version/mismatch"]
    assert [(f.path, f.line, f.severity) for f in found] == [("package.json", 1, Severity.WARNING)]


def test_links_never_leave_the_repository_and_tolerate_odd_targets(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "odd",
        {
            "README.md": "# R\n\n[up](../../etc/passwd) [tpl]({{ url }}) [mail](mailto:a@b.c)\n"
            "[dir](docs/) [q](docs/a.md?plain=1) [line](src/x.py#L3) [sp](<docs/a b.md>)\n",
            "docs/a.md": "# A\n",
            "docs/a b.md": "# Spaced\n",
            "src/x.py": "x = 1\n",
        },
    )
    outcome = _run(root)
    assert [(f.rule, f.line) for f in outcome.findings] == [("links/outside-repository", 3)]


@given(st.integers(0, 30), st.integers(0, 30), st.integers(0, 3))
def test_trailing_zeros_do_not_change_a_version(major: int, minor: int, zeros: int) -> None:
    base = f"{major}.{minor}"
    assert same_version(base, base + ".0" * zeros, "pep440")
    assert same_version("v" + base, base, "pep440")
    assert same_version(base + "rc1", base, "pep440") is False
    assert same_version(f"v{base}.0", f"{base}.0", "semver")


def test_sample_output_blocks_quote_other_versions_but_pins_still_count(tmp_path: Path) -> None:
    readme = (
        "# mylib\n\nThis is version 2.0.0.\n\n"
        "```text\n$ tool run\nchecked demo: version 0.3.0\n```\n\n"
        "```console\n$ npm install mylib@1.9.0\n```\n\n"
        "````markdown\n```text\nnested\n```\nversion 1.0.0 in a Markdown sample\n````\n"
    )
    files = {"package.json": '{"name": "mylib", "version": "2.0.0"}\n', "README.md": readme}
    outcome = _run(make_repo(tmp_path / "js", files))
    assert _at(outcome, "version/readme-mismatch") == {("README.md", 11), ("README.md", 18)}


# --------------------------------------------------------------------------- changelog vs version

FLASK_STYLE_CHANGES = """\
Version 3.2.0
-------------

Unreleased

-   Drop support for Python 3.9.


Version 3.1.0
-------------

Released 2024-11-13

-   Things.
"""


def _changelog_findings(
    tmp_path: Path, name: str, files: dict[str, str]
) -> set[tuple[str | None, int | None]]:
    return _at(_run(make_repo(tmp_path / name, files)), "version/changelog-mismatch")


GEN_CHANGELOG = """\
#!/bin/bash
(
  echo '# Changes'
  git log --first-parent --pretty=format:'%s' | perl -p -e 's/^(.*)$/* \\1/g'
)> CHANGELOG.md
"""


def test_a_changelog_a_project_script_writes_from_git_log_lagging_is_info(
    tmp_path: Path,
) -> None:
    def mismatch(name: str, files: dict[str, str]) -> list[tuple[str, str]]:
        outcome = _run(make_repo(tmp_path / name, files))
        found = [f for f in outcome.findings if f.rule == "version/changelog-mismatch"]
        return [(f.severity.value, f.message) for f in found]

    lagging = {"CHANGELOG.md": "# Changes\n\n## 2.0.1\n\n* a fix\n"}
    scripts = '"prechangelog": "bash gen-changelog.sh", "changelog": "git add CHANGELOG.md"'
    package = '{"name": "w", "version": "2.0.2", "scripts": {%s}}'
    # written at publish from git log by the project's script: the tag lags by its process
    generated = mismatch(
        "generated",
        {**lagging, "package.json": package % scripts, "gen-changelog.sh": GEN_CHANGELOG},
    )
    assert [s for s, _ in generated] == ["info"]
    assert "written from git log by gen-changelog.sh (run by package.json:" in generated[0][1]
    # a changelog only `git add`ed, or a script that writes something else: by hand, a warning
    added = '"changelog": "git add CHANGELOG.md"'
    other = GEN_CHANGELOG.replace("CHANGELOG.md", "NOTES.txt")
    for name, files in (
        ("added", {**lagging, "package.json": package % added}),
        ("other", {**lagging, "package.json": package % scripts, "gen-changelog.sh": other}),
    ):
        assert [s for s, _ in mismatch(name, files)] == ["warning"]


def test_an_unreleased_entry_and_a_dev_version_of_it_are_consistent(tmp_path: Path) -> None:
    consistent = {
        "under": ("3.2.0.dev", "CHANGES.rst", FLASK_STYLE_CHANGES),
        "heading": ("8.5.0rc1", "CHANGELOG.md", "# Changes\n\n## 8.5.0 (unreleased)\n\n## 8.4.0\n"),
        "placeholder": (
            "2.0.0.dev0",
            "CHANGELOG.md",
            "## [2.0.0] - YYYY-MM-DD\n\n## [1.9.0] - 2024-01-01\n",
        ),
        "tbd-under": (
            "2.0.0b1",
            "HISTORY.md",
            "# History\n\n## 2.0.0\n\n*Released: TBD*\n\n## 1.0.0\n",
        ),
        "not-bumped": ("3.1.0", "CHANGES.rst", FLASK_STYLE_CHANGES),  # next release still pending
        "next-dev": (
            "3.3.0.dev",
            "CHANGES.rst",
            FLASK_STYLE_CHANGES.replace("Unreleased", "Released 2025-01-01"),
        ),
    }
    for name, (version, path, text) in consistent.items():
        files = {"pyproject.toml": PYPROJECT.format(version=version), path: text}
        assert _changelog_findings(tmp_path, name, files) == set(), name


def test_a_changelog_ahead_of_or_behind_the_package_is_still_reported(tmp_path: Path) -> None:
    ahead = "# Changes\n\n## 2.1.0 - 2024-05-01\n\n## 2.0.0 - 2024-01-01\n"
    behind = "# Changes\n\n## 2.0.0 - 2024-01-01\n"
    released = FLASK_STYLE_CHANGES.replace("Unreleased", "Released 2025-01-01")
    reported = {
        "ahead": ("2.0.0", "CHANGELOG.md", ahead, 3),
        "behind": ("2.1.0", "CHANGELOG.md", behind, 3),
        "dev-of-released": ("3.2.0.dev", "CHANGES.rst", released, 1),
        "other-pending": ("2.5.0", "CHANGELOG.md", "## 3.0.0 (unreleased)\n\n## 2.4.0\n", 3),
    }
    for name, (version, path, text, line) in reported.items():
        files = {"pyproject.toml": PYPROJECT.format(version=version), path: text}
        assert _changelog_findings(tmp_path, name, files) == {(path, line)}, name


def test_javascript_versions_compare_as_semver(tmp_path: Path) -> None:
    def package(version: str) -> str:
        return f'{{"name": "lib", "version": "{version}"}}\n'

    pending = "# Changes\n\n## v1.0.0 (unreleased)\n\n## v0.9.0\n"
    files = {"package.json": package("1.0.0-beta.2"), "CHANGELOG.md": pending}
    assert _changelog_findings(tmp_path, "beta", files) == set()
    files = {"package.json": package("1.0.0-alpha.beta"), "CHANGELOG.md": "## 1.0.0-alpha.beta\n"}
    assert _changelog_findings(tmp_path, "alpha-beta", files) == set()
    files = {
        "package.json": package("0.9.0"),
        "CHANGELOG.md": "## 1.0.0 - 2024-01-01\n\n## 0.9.0\n",
    }
    assert _changelog_findings(tmp_path, "behind", files) == {("CHANGELOG.md", 1)}


MINOR_LINES = "# v3.0\n\n- Add `--preserve-root`\n\n# v2.7\n\n- optional glob\n\n# 2.6\n\n- retry\n"


def test_a_changelog_of_minor_lines_covers_the_patch_releases_of_its_newest(
    tmp_path: Path,
) -> None:
    def package(version: str) -> str:
        return f'{{"name": "lib", "version": "{version}"}}\n'

    # rimraf 3.0.2: every heading a bare major.minor, one entry per minor line
    for name, version in (("patch", "3.0.2"), ("v-patch", "v3.0.2"), ("zero", "3.0.0")):
        files = {"package.json": package(version), "CHANGELOG.md": MINOR_LINES}
        assert _changelog_findings(tmp_path, name, files) == set(), name
    for name, version, found in (("pep440", "3.0.2", set()), ("pep440-next", "3.1.0", {1})):
        files = {"pyproject.toml": PYPROJECT.format(version=version), "CHANGES.md": MINOR_LINES}
        lines = {line for _, line in _changelog_findings(tmp_path, name, files)}
        assert lines == found, name
    reported = {
        # a new minor line with no entry yet, or a package older than the newest line
        "next-minor": ("3.1.0", MINOR_LINES),
        "older-line": ("2.7.4", MINOR_LINES),
        # a changelog that writes patch entries (one three-part heading) lags by a patch
        "has-patches": ("3.0.2", MINOR_LINES.replace("# v2.7", "# v2.7.1")),
        # one entry alone shows no convention
        "single": ("3.0.2", "# v3.0\n\n- Add `--preserve-root`\n"),
    }
    for name, (version, text) in reported.items():
        files = {"package.json": package(version), "CHANGELOG.md": text}
        assert _changelog_findings(tmp_path, name, files) == {("CHANGELOG.md", 1)}, name


# --------------------------------------------------------------------------- links and anchors

SPHINX_CONF = """\
project = "demo"
extensions = ["recommonmark", "sphinx.ext.autosectionlabel"]
"""

GOTCHAS_RST = """\
Gotchas
=======

My negated statement (e.g. ! true) does not fail the test, even when it should.
-------------------------------------------------------------------------------

See `when not to use run <writing-tests.html#when-not-to-use-run>`_ and
`nowhere <writing-tests.html#no-such-section>`_ and `gone <removed-page.html>`_.
"""

WRITING_TESTS_MD = """\
# Writing tests

## `setup` and `teardown`: Pre- and post-test hooks

### When not to use `run`

See [the gotcha](gotchas.html#my-negated-statement-e-g-true-does-not-fail-the-test-even-when-it-should)
and the [index](genindex.html).
"""

FAQ_RST = """\
FAQ
===

See :ref:`setup and teardown: pre- and post-test hooks` and :ref:`no such section`.
"""


DOCS_MAKEFILE = """\
DOCS=./docs/src
MAN7=$(DOCS)/man7
TYPEDIR=./conf/type
SKEL=./configuration/tool.cfg.skeleton

$(error Sphinx was not found: see http://sphinx-doc.org/)

$(MAN7)/tool-type%.rst: $(TYPEDIR)/%/man.rst
\tmkdir -p $(MAN7)
\tln -sf "../../../$^" $@

configskel: $(SKEL)
\tcp -f "$(SKEL)" "$(DOCS)/"

html: configskel
\t$(MAKE) -C $(DOCS) html
"""

GUIDE_RST = """\
Guide
=====

Use `__user <man7/tool-type__user.html>`_ and `__gone <man7/tool-type__gone.html>`_.

.. literalinclude:: tool.cfg.skeleton

.. literalinclude:: other.cfg.skeleton
"""


def test_sphinx_sources_and_files_the_makefile_makes_are_no_broken_links(tmp_path: Path) -> None:
    # held-out 91: cdist's Makefile links each conf/type/__X/man.rst to docs/src/man7/
    # tool-type__X.rst by a pattern rule, and copies the configuration skeleton into docs/src,
    # before Sphinx runs. A page whose type does not exist, and an include nothing copies,
    # stay broken.
    root = make_repo(
        tmp_path / "made",
        {
            "Makefile": DOCS_MAKEFILE,
            "conf/type/__user/man.rst": "__user\n======\n",
            "configuration/tool.cfg.skeleton": "[tool]\n",
            "docs/src/conf.py": 'project = "tool"\nextensions = []\n',
            "docs/src/index.rst": "Index\n=====\n",
            "docs/src/guide.rst": GUIDE_RST,
        },
    )
    found = sorted((f.rule, f.line, f.severity.value, f.message) for f in _run(root).findings)
    assert [entry[:3] for entry in found] == [
        ("links/broken-link", 4, "error"),  # man7/tool-type__gone.html: no conf/type/__gone
        ("links/broken-link", 8, "error"),  # other.cfg.skeleton: nothing makes it
    ]
    assert "tool-type__gone.html" in found[0][3]
    assert "other.cfg.skeleton" in found[1][3]


def test_a_page_the_build_places_in_the_manual_resolves_from_there(tmp_path: Path) -> None:
    # held-out 91: cdist's Makefile links conf/type/__X/man.rst into docs/src/man7/, so a man
    # page's `cdist-messaging.html` lands in man7/, where no such page is (labelled real); its
    # `tool-type__b.html` is a man7/ sibling. A parked type's man page outside the directory
    # the build reads links the manual's `type.html`: where it would land nothing decides,
    # info; a page no manual has, or a link with a directory, stays broken.
    root = make_repo(
        tmp_path / "placed",
        {
            "Makefile": "MAN7=docs/src/man7\n$(MAN7)/tool-type%.rst: conf/type/%/man.rst\n"
            '\tln -sf "../../../$^" $@\n',
            "docs/src/conf.py": 'project = "tool"\nextensions = []\n',
            "docs/src/index.rst": "Index\n=====\n",
            "docs/src/type.rst": "Types\n=====\n",
            "docs/src/messaging.rst": "Messaging\n=========\n",
            "conf/type/__a/man.rst": "A\n=\n\nSee `messaging <messaging.html>`_ and "
            "`b <tool-type__b.html>`_.\n",
            "conf/type/__b/man.rst": "B\n=\n",
            "other/parked/__c/man.rst": "C\n=\n\n- `type(7) <type.html>`_\n"
            "- `gone(7) <tool-type__gone.html>`_\n- `sub <sub/type.html>`_\n",
        },
    )
    found = sorted((f.path, f.line, f.severity.value, f.message) for f in _run(root).findings)
    assert [entry[:3] for entry in found] == [
        ("conf/type/__a/man.rst", 4, "error"),
        ("other/parked/__c/man.rst", 4, "info"),
        ("other/parked/__c/man.rst", 5, "error"),
        ("other/parked/__c/man.rst", 6, "error"),
    ]
    assert "docs/src/man7/messaging.html does not exist" in found[0][3]
    assert "places this document at docs/src/man7/tool-type__a.rst" in found[0][3]
    assert "docs/src/type.rst" in found[1][3]


SERVER_PATHS_RST = """\
Usage
=====

Use `messaging </software/tool/man/3.0.0/messaging.html>`_ instead (the old site).
See `the guide </guide.html>`_ and `nothing <nothing.html>`_.

.. image:: /img/missing.png
"""


def test_sphinx_hyperlinks_to_server_paths_are_not_checked(tmp_path: Path) -> None:
    # held-out 91: cdist's upgrade guide links `/software/cdist/man/3.0.0/man7/...html`, a path
    # on its former web site. A rooted hyperlink to a page of the tree resolves; a relative one
    # to nothing, and a rooted image (Sphinx reads it from the source root), stay broken.
    root = make_repo(
        tmp_path / "server",
        {
            "docs/conf.py": 'project = "tool"\nextensions = []\n',
            "docs/guide.rst": "Guide\n=====\n",
            "docs/usage.rst": SERVER_PATHS_RST,
        },
    )
    found = sorted((f.rule, f.line, f.severity.value) for f in _run(root).findings)
    assert found == [
        ("links/broken-link", 5, "error"),  # nothing.html
        ("links/broken-link", 7, "error"),  # /img/missing.png
        ("links/outside-repository", 4, "info"),
    ]


def test_sphinx_pages_and_autosectionlabel_resolve(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "sphinx",
        {
            "docs/source/conf.py": SPHINX_CONF,
            "docs/source/gotchas.rst": GOTCHAS_RST,
            "docs/source/writing-tests.md": WRITING_TESTS_MD,
            "docs/source/faq.rst": FAQ_RST,
            "README.md": "# Demo\n\nRead [the docs](docs/source/writing-tests.html).\n",
        },
    )
    outcome = _run(root)
    found = {(f.rule, f.path, f.line, f.severity.value) for f in outcome.findings}
    assert found == {
        ("links/broken-anchor", "docs/source/gotchas.rst", 8, "warning"),
        ("links/broken-link", "docs/source/gotchas.rst", 8, "error"),
        ("links/unknown-label", "docs/source/faq.rst", 4, "warning"),
        ("links/broken-link", "README.md", 3, "error"),  # outside the Sphinx tree: no page
    }
    assert any("docs/source" in line for line in outcome.checked)

    without = make_repo(  # the same label without autosectionlabel names nothing
        tmp_path / "plain",
        {
            "docs/conf.py": 'extensions = ["myst_parser", "sphinx.ext.intersphinx"]\n'
            'intersphinx_mapping = {"python": ("https://docs.python.org/3", None)}\n',
            "docs/faq.rst": FAQ_RST + "\nSee :ref:`python:tut-intro` (another project's label).\n",
            "docs/writing-tests.md": WRITING_TESTS_MD,
        },
    )
    labels = [f.line for f in _run(without).findings if f.rule == "links/unknown-label"]
    assert labels == [4, 4]


def test_github_anchor_rules_and_real_broken_anchors(tmp_path: Path) -> None:
    readme = (
        "# Project\n\n"
        "- [What's the plan and why?](#whats-the-plan-and-why)\n"
        "- [Docs & Community](#docs--community)\n"
        "- [Second usage](#usage-1)\n"
        "- [Über](#%C3%BCber-uns)\n"
        "- [Legacy](#legacy)\n"
        "- [Back to top](#top)\n"
        "- [Gotchas](#gotchas)\n"
        "- [Contributing](docs/CONTRIBUTING.md#open-source-license)\n\n"
        "## What's the plan and why?\n\n## Docs & Community\n\n## Usage\n\n## Usage\n\n"
        '## Über uns\n\n<a name="legacy"></a>\n'
    )
    root = make_repo(
        tmp_path / "anchors",
        {"README.md": readme, "docs/CONTRIBUTING.md": "# Contributing\n\n## Credits\n"},
    )
    outcome = _run(root)
    assert {(f.rule, f.line, f.severity.value) for f in outcome.findings} == {
        ("links/broken-anchor", 9, "error"),
        ("links/broken-anchor", 10, "error"),
    }


def test_links_above_the_repository_root_are_information(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "versions",
        {
            "docs/versions.md": "# Versions\n\n- [v1.2.0](../../v1.2.0/README.md)\n"
            "- [missing](../READMEE.md)\n",
            "README.md": "# R\n",
        },
    )
    outcome = _run(root)
    found = {(f.rule, f.line, f.severity.value) for f in outcome.findings}
    assert found == {
        ("links/outside-repository", 3, "info"),
        ("links/broken-link", 4, "error"),
    }
    outside = next(f for f in outcome.findings if f.rule == "links/outside-repository")
    assert "hosting site" in outside.message


def test_broken_links_in_history_documents_are_never_errors(tmp_path: Path) -> None:
    changelog = (
        "# Changelog\n\n## 2.0.0\n\n- See [the guide](docs/gone.md).\n\n"
        "## 1.0.0\n\n- Moved [the script](scripts/old.sh).\n"
    )
    root = make_repo(
        tmp_path / "history",
        {
            "CHANGELOG.md": changelog,
            "MIGRATION.md": "# Migrating\n\nUse [the new API](docs/api.md).\n",
            "README.md": "# R\n\nSee [the guide](docs/gone.md).\n",
        },
    )
    outcome = _run(root)
    found = {(f.path, f.line, f.severity.value) for f in outcome.findings}
    assert found == {
        ("CHANGELOG.md", 5, "warning"),  # the newest entry: worth a look
        ("CHANGELOG.md", 9, "info"),  # an old release note describes the project as it was
        ("MIGRATION.md", 3, "warning"),
        ("README.md", 3, "error"),
    }


MYST_GUIDE = """\
(how-frozen)=
# Guide

Use [`frozen`](pkg.frozen), [the helper](pkg.api.helper), [by its name](frozen),
[validators](api-validators), [how](how-frozen), [the overview](overview), [Index](genindex)
and [dataclasses](dataclasses.dataclass) (another project's object, via intersphinx).
Broken: [gone](pkg.gone), [no label](no-such-label) and [missing file](missing.md).
"""


def test_myst_links_that_are_not_files_are_cross_references(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "myst",
        {
            "docs/conf.py": 'extensions = ["myst_parser", "sphinx.ext.intersphinx"]\n',
            "docs/guide.md": MYST_GUIDE,
            "docs/overview.md": "# Overview\n",
            "docs/api.rst": "API\n===\n\n.. _api-validators:\n\nValidators\n----------\n",
            "pkg/__init__.py": "from pkg.api import helper\n\n\ndef frozen():\n    pass\n",
            "pkg/api.py": "def helper():\n    pass\n",
            # outside the Sphinx tree a link is a path, whatever it looks like
            "README.md": "# Demo\n\nSee [the guide](pkg.frozen).\n",
        },
    )
    found = {(f.rule, f.path, f.line, f.severity.value) for f in _run(root).findings}
    assert found == {
        ("links/broken-link", "docs/guide.md", 7, "warning"),  # pkg.gone, no-such-label
        ("links/broken-link", "docs/guide.md", 7, "error"),  # missing.md names a file
        ("links/broken-link", "README.md", 3, "error"),
    }
    messages = sorted(f.message for f in _run(root).findings if f.severity.value == "warning")
    assert ["no-such-label" in m for m in messages] == [True, False]
    assert "'pkg.gone'" in messages[0] + messages[1]


def test_links_in_html_comments_and_templates_are_not_checked(tmp_path: Path) -> None:
    readme = (
        "# Demo\n\n"
        "<!-- [[[cog\n"
        "for s in sponsors:\n"
        '    print(f\'<a href="{s["url"]}"><img src="img/{s["img"]}" /></a>\')\n'
        "]]] -->\n"
        '<a href="https://example.com"><img src="img/there.svg" /></a>\n'
        '<a href="https://example.com"><img src="img/gone.svg" /></a>\n'
        "<!-- [[[end]]] -->\n\n"
        "A [template link](docs/{version}/index.md) and <!-- [old](old.md) --> a comment.\n"
    )
    root = make_repo(tmp_path / "cog", {"README.md": readme, "img/there.svg": "<svg/>"})
    found = {(f.rule, f.line, f.message) for f in _run(root).findings}
    assert found == {
        ("links/broken-link", 8, "broken image: 'img/gone.svg' (img/gone.svg does not exist)"),
    }


def test_a_minimum_version_for_users_is_not_the_project_version(tmp_path: Path) -> None:
    """minimist's security note: "Please use version 1.2.6 or later" (the project is 1.2.8)."""
    readme = (
        "# mylib\n\nPlease use version 1.9.0 or later:\n\nNeeds 1.9+ of mylib.\n\n"
        "    npm install mylib@1.9.0\n"
    )
    files = {
        "package.json": '{\n  "name": "mylib",\n  "version": "2.0.0"\n}\n',
        "README.md": readme,
    }
    outcome = _run(make_repo(tmp_path / "js", files))
    assert _at(outcome, "version/readme-mismatch") == {("README.md", 7)}  # the pin is a claim


def test_npms_script_banner_in_a_pasted_run_is_not_the_project_version(tmp_path: Path) -> None:
    """cookie 0.7.1 (held-out 71, noise): its README's benchmark block is a pasted `npm run
    bench` whose banner reads `> cookie@0.5.0 bench`, the release the figures were measured
    on, not a claim about the current one. An install pin in a block
    (`npm install mylib@1.9.0`) still counts."""
    readme = (
        "# mylib\n\n```\n$ npm install mylib@1.9.0\n```\n\n## Benchmark\n\n"
        "```\n$ npm run bench\n\n> mylib@1.9.0 bench\n> node benchmark/index.js\n\n"
        "  parse x 3,000,000 ops/sec\n```\n"
    )
    files = {
        "package.json": '{\n  "name": "mylib",\n  "version": "2.0.0"\n}\n',
        "README.md": readme,
    }
    outcome = _run(make_repo(tmp_path / "js", files))
    assert _at(outcome, "version/readme-mismatch") == {("README.md", 4)}


def test_an_older_release_for_the_users_of_an_older_platform_is_advice(tmp_path: Path) -> None:
    """jsmin 3.0.1 (held-out 143, wrong): its README's 'Python 2 support was removed in version
    3.0.0. If you need to support Python 2, please use version 2.2.2 with setuptools<58.' sends
    Python 2's users to the last release that ran there, not a claim of jsmin's version; so does
    a wrapped sentence and a pin after 'Python 2 users:'. A stale version with no platform named
    (`If you need the old API`), or a platform with no users singled out, is still a claim."""
    readme = (
        "mylib\n=====\n\n"
        "Python 2 support was removed in version 3.0.0. If you need to support Python 2,\n"
        "please use version 2.2.2 with setuptools<58.\n\n"  # 5: advice, wrapped
        "If you still run node 0.8, use version 1.1.0.\n\n"  # 7: advice
        "Python 2 users: ``pip install mylib==2.2.2``\n\n"  # 9: advice, a pin
        "If you need the old API, please use version 2.2.2.\n\n"  # 11: a claim
        "Install version 2.2.2 with Python 3.12.\n\n"  # 13: a claim
        "- Works on Python 2 for old users.\n"
        "- Install version 2.2.2.\n"  # 16: a list item of its own, a claim
    )
    files = {
        "pyproject.toml": PYPROJECT.format(version="3.0.1").replace("my-pkg", "mylib"),
        "README.rst": readme,
    }
    outcome = _run(make_repo(tmp_path / "py", files))
    assert _at(outcome, "version/readme-mismatch") == {
        ("README.rst", 11),
        ("README.rst", 13),
        ("README.rst", 16),
    }


def test_a_long_paragraph_of_versions_is_read_whole(tmp_path: Path) -> None:
    """The sentence before a version is what `_legacy_advice` reads: a README whose paragraph
    (or fenced block) runs 3000 lines, each with a `version X`, is read in one pass, not by
    re-reading the whole paragraph at each version (no time is asserted: timings belong in
    bench/). Each line stays a claim; one after a new sentence of advice is none."""
    lines = [f"Release version 1.{i}.0 fixed a bug in the parser" for i in range(3000)]
    lines.append("That is all. If you still run Python 2.7, use version 0.9.0 instead.")
    root = make_repo(tmp_path / "p", {"README.md": "# mylib\n\n" + "\n".join(lines) + "\n"})
    found = consistency._readme_versions(root, ["README.md"], {}, {"mylib"})
    assert len(found) == 3000
    assert {m.line for m in found} == set(range(3, 3003))


def test_a_license_version_in_the_readme_is_not_the_project_version(tmp_path: Path) -> None:
    """rc 1.2.8 (held-out 76, wrong): its README's '## License' says 'Multi-licensed under the
    two-clause BSD License, MIT License, or Apache License, version 2.0', the Apache License's
    version, not rc's. `GNU Lesser General Public License version 2.1` and `version 2.1 of the GNU
    Lesser General Public License` are license versions too; a stale claim about the project beside them is
    still reported."""
    readme = (
        "# mylib\n\n"
        "This is mylib version 1.9.0.\n\n"  # 3: a claim about the project
        "## License\n\n"
        "Multi-licensed under the BSD License, MIT License, or Apache License, version 2.0\n\n"
        "Or the GNU Lesser General Public License version 2.1.\n\n"
        "Or version 2.1 of the GNU Lesser General Public License, or any later version.\n"
    )
    files = {
        "package.json": '{\n  "name": "mylib",\n  "version": "1.2.8"\n}\n',
        "README.md": readme,
    }
    outcome = _run(make_repo(tmp_path / "js", files))
    assert _at(outcome, "version/readme-mismatch") == {("README.md", 3)}


def test_a_license_version_after_its_abbreviation_is_not_the_project_version(
    tmp_path: Path,
) -> None:
    """nocasedict 2.0.4 (held-out 154, wrong): its README says it is licensed under the
    `[GNU Lesser General Public License (LGPL) version 2.1](...)`, the license's version with its
    abbreviation in parentheses before it, not nocasedict's. The project's name followed by a
    parenthesis (`mylib (LGPL) version 1.9.0`) is still a claim about the project."""
    readme = (
        "# mylib\n\n"
        "mylib (LGPL) version 1.9.0 is out.\n\n"  # 3: a claim about the project
        "## License\n\n"
        "Licensed under the [GNU Lesser General Public License (LGPL) version 2.1]"
        "(https://example.org/mylib/LICENSE),\n"
        "see the Mozilla Public License (MPL-2.0) version 2.0 too.\n"
    )
    files = {
        "pyproject.toml": '[project]\nname = "mylib"\nversion = "2.0.4"\n',
        "README.md": readme,
    }
    outcome = _run(make_repo(tmp_path / "py", files))
    assert _at(outcome, "version/readme-mismatch") == {("README.md", 3)}


def test_a_version_named_as_another_things_is_not_the_project_version(tmp_path: Path) -> None:
    """license-expression 30.4.4 (held-out 144, wrong): its README says it ships 'the license
    keys from SPDX https://spdx.org/licenses/ (version 3.26)' and ScanCode's LicenseDB 'from
    scancode-toolkit version 32.3.1': the versions of the things named right before `version`
    (a URL, a hyphenated name, an acronym), not of the project. The project's own name from
    setup.cfg before `version`, and a plain `version X`, stay claims."""
    readme = (
        "license-expression\n==================\n\n"
        "This is version 29.0.0.\n\n"  # 4: a claim
        "It includes the license keys from SPDX https://spdx.org/licenses/ (version 3.26)\n"
        "and LicenseDB (from scancode-toolkit version 32.3.1, published on 2025-01-10).\n\n"
        "It speaks the SPDX version 2.3 syntax.\n\n"
        "Read license-expression version 29.1.0 notes.\n"  # 11: the project's own name
    )
    files = {
        "setup.cfg": "[metadata]\nname = license-expression\nversion = 30.4.4\n",
        "README.rst": readme,
    }
    outcome = _run(make_repo(tmp_path / "py", files))
    assert _at(outcome, "version/readme-mismatch") == {("README.rst", 4), ("README.rst", 11)}


def test_a_badge_colour_after_the_version_is_no_pre_release_tag(tmp_path: Path) -> None:
    """atomic-sleep 1.0.0 (held-out 148, wrong): its README's shields.io badge
    `https://img.shields.io/badge/version-1.0.0-blue.svg` (label-message-colour) shows 1.0.0;
    `-blue` is the colour, not a pre-release `1.0.0-b`. A stale badge, and a real pre-release
    tag (`version 2.0.0-beta1`, read whole), are still reported."""
    readme = (
        "# mylib\n\n"
        '<img alt="Version" src="https://img.shields.io/badge/version-2.1.0-blue.svg" />\n\n'
        "![v](https://img.shields.io/badge/version-1.9.0-brightgreen.svg)\n\n"  # 5: stale
        "This is mylib version 2.0.0-beta1.\n"  # 7: stale, its tag read whole
    )
    files = {
        "package.json": '{\n  "name": "mylib",\n  "version": "2.1.0"\n}\n',
        "README.md": readme,
    }
    outcome = _run(make_repo(tmp_path / "js", files))
    assert _at(outcome, "version/readme-mismatch") == {("README.md", 5), ("README.md", 7)}
    messages = {f.message for f in outcome.findings if f.rule == "version/readme-mismatch"}
    assert any("mentions version 1.9.0 but" in m for m in messages)
    assert any("mentions version 2.0.0-beta1 but" in m for m in messages)


def test_a_pin_after_a_phrase_of_history_is_the_release_that_brought_a_change(
    tmp_path: Path,
) -> None:
    """nconf 0.12.1 (held-out 75, wrong): its README's 'As of `nconf@0.8.0` it is now
    possible to encrypt and decrypt file contents' names the release that added a feature,
    which 0.12.1 includes. An install pin beside it, and a pin after words that begin an
    install command (`npm install`), are still claims about the version."""
    readme = (
        "# mylib\n\n"
        "As of `mylib@1.9.0` it is now possible to encrypt files.\n\n"  # 3
        "Since mylib@1.8.0, values are typed.\n\n"  # 5
        "    npm install mylib@1.9.0\n\n"  # 7
        "Requires npm; install `mylib@1.9.0` for the old API.\n"  # 9
    )
    files = {
        "package.json": '{\n  "name": "mylib",\n  "version": "2.0.0"\n}\n',
        "README.md": readme,
    }
    outcome = _run(make_repo(tmp_path / "js", files))
    assert _at(outcome, "version/readme-mismatch") == {("README.md", 7), ("README.md", 9)}


def test_a_project_version_followed_by_prose_naming_a_license_is_still_a_claim(
    tmp_path: Path,
) -> None:
    """`Version 3.0.0 of the client drops the old license key check` speaks of the project's
    own version: the words between `of the` and `license` are prose, no license's name, so the
    stale claim is reported; `version 2 of the GNU General Public License` beside it stays a
    license's version."""
    readme = (
        "# keyclient\n\n"
        "Version 3.0.0 of the client drops the old license key check.\n\n"  # 3: a claim
        "## License\n\n"
        "You can redistribute it under version 2 of the GNU General Public License.\n"
    )
    files = {
        "package.json": '{\n  "name": "keyclient",\n  "version": "2.4.1"\n}\n',
        "README.md": readme,
    }
    outcome = _run(make_repo(tmp_path / "js", files))
    assert _at(outcome, "version/readme-mismatch") == {("README.md", 3)}


def test_a_past_release_announced_in_the_readme_is_history_not_the_version(
    tmp_path: Path,
) -> None:
    """co's README: "`co@4.0.0` has been released, which now relies on promises" under "Co v4"
    (the package is 4.6.0): the release that changed the API, announced. A stale claim beside it,
    and an announced release newer than the one declared, are still reported."""
    readme = (
        "# mylib\n\n## mylib v1\n\n"
        "  `mylib@1.0.0` has been released, which now returns promises.\n\n"
        "Version 1.1.0 was released in 2015.\n\n"
        "    npm install mylib@1.0.0\n\n"
        "mylib@3.0.0 has been released.\n"
    )
    files = {
        "package.json": '{\n  "name": "mylib",\n  "version": "2.0.0"\n}\n',
        "README.md": readme,
    }
    outcome = _run(make_repo(tmp_path / "js", files))
    assert _at(outcome, "version/readme-mismatch") == {("README.md", 9), ("README.md", 11)}


def test_older_releases_in_per_version_readme_notes_are_history(tmp_path: Path) -> None:
    """tmp 0.2.2's README, under 'An Important Note on Compatibility': `### Version 0.2.2`,
    `### Version 0.1.0` and `### Version 0.0.33`, each over the node versions that release
    dropped ('limit your node-tmp dependency to version 0.0.33'). The older releases' notes
    are history; a release newer than the declared one is still reported, and so is a lone
    version heading (it may describe the project as it is) and a stale claim outside the
    notes."""
    readme = (
        "# mylib\n\n"  # 1
        "Install version 1.0.0 with npm.\n\n"  # 3: a stale claim, outside the notes
        "## Compatibility\n\n"  # 5
        "### Version 2.1.0\n\n"  # 7: newer than the declared 2.0.0
        "Since version 2.1.0, node < 12 is not supported.\n\n"
        "### Version 0.1.0\n\n"  # 11
        "Most importantly, node < 0.10 was dropped.\n\n"
        "If you need node 0.8, limit your mylib\n"
        "dependency to version 0.0.33.\n\n"  # 16
        "### `v0.0.33`\n\n"  # 18
        "For node < 0.8 use mylib@0.0.20.\n\n"  # 20
        "## Usage\n\n"  # 22
        "Works with version 0.0.33 too.\n"  # 24: after the notes, a claim again
    )
    files = {
        "package.json": '{\n  "name": "mylib",\n  "version": "2.0.0"\n}\n',
        "README.md": readme,
    }
    outcome = _run(make_repo(tmp_path / "js", files))
    assert _at(outcome, "version/readme-mismatch") == {
        ("README.md", 3),
        ("README.md", 7),
        ("README.md", 24),
    }
    lone = readme.replace("### `v0.0.33`", "### Older releases").replace(
        "### Version 2.1.0", "### Newest"
    )
    files["README.md"] = lone  # one version heading left: no list of notes
    outcome = _run(make_repo(tmp_path / "lone", files))
    assert ("README.md", 11) in _at(outcome, "version/readme-mismatch")


def test_an_include_of_the_docs_build_output_is_generated_not_broken(tmp_path: Path) -> None:
    """more-itertools' docs/index.rst includes ./_build/README.pprst, which conf.py writes."""
    index = ".. include:: ./_build/README.pprst\n\n.. include:: ./missing.rst\n"
    root = make_repo(tmp_path / "p", {"README.md": "# p\n", "docs/index.rst": index})
    assert _at(_run(root), "links/broken-link") == {("docs/index.rst", 3)}


def test_an_included_rst_file_links_from_where_it_is_included(tmp_path: Path) -> None:
    """marshmallow's CONTRIBUTING.rst says :doc:`code_of_conduct`, read inside
    docs/contributing.rst (`.. include:: ../CONTRIBUTING.rst`): docs/code_of_conduct.rst; a
    name that exists from neither place is still broken."""
    root = make_repo(
        tmp_path / "inc",
        {
            "CONTRIBUTING.rst": "Contributing\n============\n\nSee :doc:`code_of_conduct` "
            "and :doc:`missing_page`.\n",
            "docs/contributing.rst": ".. include:: ../CONTRIBUTING.rst\n",
            "docs/code_of_conduct.rst": "Code of conduct\n===============\n\nBe kind.\n",
            "docs/index.rst": "Index\n=====\n\n.. toctree::\n\n   contributing\n",
        },
    )
    broken = [f for f in _run(root).findings if f.rule == "links/broken-link"]
    assert [(f.path, "missing_page" in f.message) for f in broken] == [("CONTRIBUTING.rst", True)]


def test_a_reference_to_a_section_of_the_included_text_resolves(tmp_path: Path) -> None:
    """arrow's docs/index.rst says (`Installation`_) and includes the README between two
    markers (`:start-after:`/`:end-before:`); the README's Installation section lies there, so
    docutils resolves it. A section outside the markers, and a name defined nowhere, are still
    broken, and so is a name an include with `:literal:` shows only as text."""
    readme = (
        "Proj\n====\n\n.. start-marker\n\nInstallation\n------------\n\npip install proj\n\n"
        ".. end-marker\n\nLicense\n-------\n\nMIT\n"
    )
    index = (
        "Proj docs\n=========\n\n"
        "See `Installation`_, `License`_ and `Nowhere`_.\n\n"
        ".. include:: ../README.rst\n  :start-after: .. start-marker\n"
        "  :end-before: .. end-marker\n"
    )
    literal = "Raw\n===\n\nSee `Notes`_.\n\n.. include:: notes.rst\n   :literal:\n"
    root = make_repo(
        tmp_path / "inc",
        {
            "README.rst": readme,
            "docs/index.rst": index,
            "docs/raw.rst": literal,
            "docs/notes.rst": "Notes\n=====\n\nText.\n",
        },
    )
    broken = {
        (f.path, f.message.split("`")[1])
        for f in _run(root).findings
        if f.rule == "links/broken-reference"
    }
    assert broken == {
        ("docs/index.rst", "License"),
        ("docs/index.rst", "Nowhere"),
        ("docs/raw.rst", "Notes"),
    }


def test_a_site_absolute_link_to_the_projects_own_github_file_lands_on_it(
    tmp_path: Path,
) -> None:
    """strike 0.1.73's README (held-out 127, wrong): "Read the
    [license](/freeformsystems/strike/blob/master/LICENSE)", its package.json's repository being
    git://github.com/freeformsystems/strike.git: GitHub renders the README on its site, where
    the link lands on the repository's LICENSE, which the tree has. The same form naming a file
    the tree lacks, or another repository, stays a broken link."""
    package = '{"name": "tool", "repository": {"url": "git://github.com/me/tool.git"}}\n'
    readme = (
        "# tool\n\nRead the [license](/me/tool/blob/master/LICENSE).\n\n"
        "See [guide](/me/tool/blob/master/GUIDE.md) and [theirs](/other/lib/blob/master/LICENSE).\n"
    )
    root = make_repo(
        tmp_path / "own",
        {"package.json": package, "README.md": readme, "LICENSE": "MIT\n", "index.js": "1;\n"},
    )
    broken = {(f.line, f.message) for f in _run(root).findings if f.rule == "links/broken-link"}
    assert broken == {
        (5, "broken link: '/me/tool/blob/master/GUIDE.md' (GUIDE.md does not exist)"),
        (
            5,
            "broken link: '/other/lib/blob/master/LICENSE' "
            "(other/lib/blob/master/LICENSE does not exist)",
        ),
    }


def test_links_in_github_templates_use_githubs_web_form(tmp_path: Path) -> None:
    """json5's issue and pull-request templates link `../blob/main/SECURITY.md`: GitHub shows
    them at /issues/new, so that is the root's SECURITY.md; a web-form link to a file that
    is not there is still broken, and an ordinary document keeps the ordinary rule."""
    root = make_repo(
        tmp_path / "tpl",
        {
            "SECURITY.md": "# Security\n",
            ".github/issue_template.md": "See [policy](../blob/main/SECURITY.md).\n",
            ".github/ISSUE_TEMPLATE/bug.md": "Read [guide](../../blob/main/GUIDE.md).\n",
            ".github/pull_request_template.md": "[sec](../tree/main/SECURITY.md)\n",
            "docs/a.md": "# A\n\n[x](../blob/main/SECURITY.md)\n",
        },
    )
    broken = {(f.path, f.message) for f in _run(root).findings if f.rule == "links/broken-link"}
    assert broken == {
        (
            ".github/ISSUE_TEMPLATE/bug.md",
            "broken link: '../../blob/main/GUIDE.md' (GUIDE.md does not exist)",
        ),
        (
            "docs/a.md",
            "broken link: '../blob/main/SECURITY.md' (blob/main/SECURITY.md does not exist)",
        ),
    }


INDEX_WITH_INDICES = """\
Demo
====

.. _intro:

See :ref:`intro` and :ref:`nowhere`.

Indices and tables
==================

* :ref:`genindex`
* :ref:`modindex`
* :ref:`py-modindex`
* :ref:`search`

.. * :ref:`commented-out`
.. Indices, commented out as a block:

   * :ref:`also-commented`

.. note:: A directive, not a comment: :ref:`in-a-note`.
"""


def test_sphinx_builtin_labels_and_rst_comments_are_not_unknown_labels(tmp_path: Path) -> None:
    # held-out 5: pluggy's and liquidprompt's `:ref:`genindex`` (a label Sphinx defines in every
    # project), pluggy's in a comment; a label that is nowhere is still reported beside them
    root = make_repo(
        tmp_path / "p",
        {
            "docs/conf.py": 'project = "demo"\nextensions = []\n',
            "docs/index.rst": INDEX_WITH_INDICES,
        },
    )
    labels = {
        (f.line, f.message.split("`")[1])
        for f in _run(root).findings
        if f.rule == "links/unknown-label"
    }
    assert labels == {(6, "nowhere"), (21, "in-a-note")}


GLOSSARY_INDEX = """\
Demo
====

Indices and tables
==================

* :ref:`genindex`
* :ref:`glossary`
"""


def test_an_unknown_label_may_be_an_intersphinx_inventorys_label(tmp_path: Path) -> None:
    # held-out 134: outcome's (and sniffio's) index.rst lists :ref:`glossary`, which conf.py's
    # intersphinx mapping (python, trio) resolves: Sphinx looks an unprefixed label it cannot
    # find locally up in every mapped inventory, so it is info; without intersphinx, or with an
    # empty mapping, the same label is undefined (Sphinx warns) and stays a warning
    confs = {
        "mapped": 'extensions = ["sphinx.ext.intersphinx"]\n'
        'intersphinx_mapping = {"python": ("https://docs.python.org/3", None),\n'
        '                       "trio": ("https://trio.readthedocs.io/en/stable", None)}\n',
        "computed": 'extensions = ["sphinx.ext.intersphinx"]\n'
        "intersphinx_mapping = {k: (v, None) for k, v in URLS.items()}\n",
        "plain": 'project = "demo"\nextensions = ["sphinx.ext.autodoc"]\n',
        "empty": 'extensions = ["sphinx.ext.intersphinx"]\nintersphinx_mapping = {}\n',
    }
    found = {}
    for name, conf in confs.items():
        root = make_repo(
            tmp_path / name, {"docs/source/conf.py": conf, "docs/source/index.rst": GLOSSARY_INDEX}
        )
        found[name] = [
            (f.line, f.severity.value, f.message)
            for f in _run(root).findings
            if f.rule == "links/unknown-label"
        ]
    assert found["mapped"] == [
        (
            8,
            "info",
            ":ref:`glossary` names no label defined in the project's documents, but Sphinx also "
            "looks it up in the intersphinx inventories (python, trio), which are not read offline",
        )
    ]
    assert [(line, level) for line, level, _ in found["computed"]] == [(8, "info")]
    assert "(computed in conf.py)" in found["computed"][0][2]
    plain = ":ref:`glossary` names no label defined in the project's documents"
    assert found["plain"] == [(8, "warning", plain)]
    assert found["empty"] == [(8, "warning", plain)]


def test_several_versions_on_one_line_are_sample_data_not_the_project_version(
    tmp_path: Path,
) -> None:
    """natsort's README sorts `['version-1.9', 'version-2.0', 'version-1.11', 'version-1.10']`
    in a pycon block: a list of sample strings; one stale `version X` on a line still counts."""
    readme = (
        "mylib\n=====\n\n.. code-block:: pycon\n\n"
        "    >>> a = ['version-1.9', 'version-2.0', 'version-1.11', 'version-1.10']\n"
        "    >>> natsorted(a)\n"
        "    ['version-1.9', 'version-1.10', 'version-1.11', 'version-2.0']\n\n"
        "This is version 1.9.\n"
    )
    files = {"pyproject.toml": PYPROJECT.format(version="2.1.0"), "README.rst": readme}
    outcome = _run(make_repo(tmp_path / "p", files))
    assert _at(outcome, "version/readme-mismatch") == {("README.rst", 10)}


def test_a_history_phrase_before_the_project_name_is_history(tmp_path: Path) -> None:
    """natsort: "Prior to `natsort`_ version 7.1.0, it was a common request ..." (RST markup
    around the name); a claim without such a phrase is still compared."""
    readme = (
        "mylib\n=====\n\n"
        "Prior to `mylib`_ version 1.1.0, it was a common request to sort paths.\n\n"
        "As of the **mylib** version 1.1.0 release, paths sort like a file browser.\n\n"
        "The `mylib`_ version 1.1.0 is current.\n\n"
        ".. _mylib: https://example.com\n"
    )
    files = {"pyproject.toml": PYPROJECT.format(version="2.1.0"), "README.rst": readme}
    outcome = _run(make_repo(tmp_path / "p", files))
    assert _at(outcome, "version/readme-mismatch") == {("README.rst", 8)}


def test_attribute_list_ids_are_anchors_and_other_fragments_still_break(tmp_path: Path) -> None:
    """Python-Markdown's attr_list (MkDocs' `extra`), kramdown and Pandoc give ids with
    `{: #id }`, `{ #id }` or `{#id .class key='v'}` after a heading or an inline element
    (Python-Markdown's docs: `__text__{: #text }`, `### Tree processors {: #treeprocessors }`);
    a fragment no heading or attribute list names, or one only a code span shows, is broken."""
    reference = (
        "# Library Reference\n\n"
        "### markdown.markdown(text) {: #markdown data-toc-label='markdown.markdown' }\n\n"
        '### `markdown="1"` { #1 }\n\n'
        "__text__{: #text }\n: The source text.\n\n"
        "* **`lang_prefix`**{ #lang_prefix }: the prefix.\n\n"
        "## Registries\n\n"
        "Write `{: #shown }` after an element to give it an id.\n"
    )
    index = (
        "# Index\n\n"
        "[markdown](reference.md#markdown), [1](reference.md#1), [text](reference.md#text),\n"
        "[prefix](reference.md#lang_prefix), [registries](reference.md#registries).\n\n"
        "[registry](reference.md#registry) and [shown](reference.md#shown).\n"
    )
    root = make_repo(tmp_path / "attr", {"docs/reference.md": reference, "docs/index.md": index})
    outcome = _run(root)
    broken = [f for f in outcome.findings if f.rule == "links/broken-anchor"]
    assert {(f.path, f.line) for f in broken} == {("docs/index.md", 6)}
    assert sorted("#registry'" in f.message or "#shown'" in f.message for f in broken) == [
        True,
        True,
    ]


def test_markdown_a_benchmark_or_test_reads_as_input_is_not_a_document(tmp_path: Path) -> None:
    """goldmark's `_benchmark/go/_data.md`: the CommonMark spec text `benchmark_test.go` reads
    (`ioutil.ReadFile("_data.md")`), whose `[term](@)` notation is no link; a Markdown file in
    a test-data directory is input too. The same broken link in a document no code reads, and
    in a README a test reads (a doctest), is still reported."""
    spec = "# Spec\n\nA [character](@) is a code point; see [links](#full-reference-link).\n"
    bench = 'package bench\n\nfunc load() { _, _ = ioutil.ReadFile("_data.md") }\n'
    test = 'def test_readme():\n    doctest.testfile("../README.md")\n'
    files = {
        "README.md": "# Demo\n\nSee [the guide](guide.md).\n",
        "_benchmark/go/_data.md": spec,
        "_benchmark/go/benchmark_test.go": bench,
        "parser/testdata/input.md": "[x](missing.md)\n",
        "notes/_data.md": spec,  # no code reads it: a document
        "tests/test_readme.py": test,
    }
    outcome = _run(make_repo(tmp_path / "gm", files))
    assert _at(outcome, "links/broken-link") == {("README.md", 3), ("notes/_data.md", 3)}
    assert _at(outcome, "links/broken-anchor") == {("notes/_data.md", 3)}


def test_an_email_address_as_an_rst_link_target_is_mailto_but_a_schemeless_host_is_a_path(
    tmp_path: Path,
) -> None:
    """freezegun's AUTHORS.rst: docutils makes `Hannes Ljungberg <hannes@5monkeys.se>`_ (and
    `.. _mail: a@b.org`) a mailto: link, no file to look for; `James Lu <github.com/CrazyPython>`_
    has no scheme, so docutils keeps it as a relative path, broken on GitHub and in the docs."""
    authors = (
        "Authors\n=======\n\n- `Hannes Ljungberg <hannes@5monkeys.se>`_\n"
        "- `James Lu <github.com/CrazyPython>`_\n- `staticdev <staticdev-support@proton.me>`_\n"
        "- see mail_\n\n.. _mail: someone@example.org\n"
    )
    root = make_repo(tmp_path / "p", {"README.md": "# p\n", "AUTHORS.rst": authors})
    assert _at(_run(root), "links/broken-link") == {("AUTHORS.rst", 5)}


SERIES_CHANGELOG = """\
# Changers Lorgs!

## 2.1

Export CommonJS module without a `.default` dangly wart.

## 2.0

Export hybrid module with TypeScript types.

## 1.0

Full rewrite.

## 0.x

Callbacks.
"""


def _package_json(version: str) -> str:
    return f'{{"name": "mkdirp", "version": "{version}"}}\n'


def test_a_changelog_of_release_series_covers_the_patch_releases_of_its_newest(
    tmp_path: Path,
) -> None:
    """mkdirp's CHANGELOG has one `## 2.1` entry per series and none for a patch release:
    its newest entry, 2.1, is the series of the declared 2.1.6. A newer series (2.2.0) is
    still missing from it, and a changelog that lists patch releases (`## 2.1.5`) misses
    2.1.6."""
    series = {"CHANGELOG.md": SERIES_CHANGELOG}
    assert not _changelog_findings(
        tmp_path, "a", {**series, "package.json": _package_json("2.1.6")}
    )
    assert not _changelog_findings(
        tmp_path, "b", {**series, "package.json": _package_json("2.1.0")}
    )
    newer = {**series, "package.json": _package_json("2.2.0")}
    assert _changelog_findings(tmp_path, "c", newer) == {("CHANGELOG.md", 3)}
    patches = SERIES_CHANGELOG.replace("## 2.0", "## 2.0.1\n\nA fix.\n\n## 2.0")
    listed = {"CHANGELOG.md": patches, "package.json": _package_json("2.1.6")}
    assert _changelog_findings(tmp_path, "d", listed) == {("CHANGELOG.md", 3)}


SERIES_TITLED_CHANGELOG = """\
===============
Changelog 1.3.x
===============

All notable changes to this project will be documented in this file.


v1.3.1 (2025-10-30)
===================

Patch release: Packaging fix


v1.3.0 (2025-10-29)
===================

Minor release.
"""


def test_a_changelog_titled_with_its_release_series_is_not_a_release_of_it(
    tmp_path: Path,
) -> None:
    """Deprecated 1.3.1's CHANGELOG.rst is titled `Changelog 1.3.x` (the series the file
    covers); its newest release is the `v1.3.1` entry under the title, the version the package
    declares. The same changelog with no 1.3.1 entry still lags a package that declares 1.3.1,
    and so does a plain `1.3` heading (a release of its own, not a series)."""
    init = {"pkg/__init__.py": '__version__ = "1.3.1"\n'}
    files = {**init, "pyproject.toml": '[project]\nname = "pkg"\ndynamic = ["version"]\n'}
    titled = {**files, "CHANGELOG.rst": SERIES_TITLED_CHANGELOG}
    assert not _changelog_findings(tmp_path, "a", titled)
    lagging = SERIES_TITLED_CHANGELOG.replace("v1.3.1 (2025-10-30)", "v1.3.0 (2025-10-29)", 1)
    assert _changelog_findings(tmp_path, "b", {**files, "CHANGELOG.rst": lagging}) == {
        ("CHANGELOG.rst", 8)
    }
    release = SERIES_TITLED_CHANGELOG.replace("Changelog 1.3.x", "Changelog 1.3  ", 1)
    assert _changelog_findings(tmp_path, "c", {**files, "CHANGELOG.rst": release}) == {
        ("CHANGELOG.rst", 2)
    }


def test_a_patch_release_missing_from_a_changelog_of_feature_releases_is_info(
    tmp_path: Path,
) -> None:
    """lru-cache 10.0.1's CHANGELOG.md records feature releases only: 22 of its 23 x.y.z
    headings end in .0 (`## 10.0.0` down to `## 7.1.0`, one `## 7.16.2`), so package.json's
    10.0.1 has no entry by the maintainer's convention: info that says so. A missing feature
    release (10.1.1 declared) and a changelog that records its patch releases keep the
    warning."""

    def mismatch(name: str, version: str, changelog: str) -> list[tuple[str, str]]:
        files = {
            "CHANGELOG.md": changelog,
            "package.json": f'{{"name": "c", "version": "{version}"}}',
        }
        outcome = _run(make_repo(tmp_path / name, files))
        found = [f for f in outcome.findings if f.rule == "version/changelog-mismatch"]
        return [(f.severity.value, f.message) for f in found]

    minors = "# changes\n\n" + "".join(f"## 10.{n}.0\n\n- a feature\n\n" for n in (0,))
    minors += "".join(f"## 9.{n}.0\n\n- a feature\n\n" for n in range(7, -1, -1))
    minors += "## 8.2.2\n\n- a fix\n\n## 8.2.0\n\n- a feature\n"
    features = mismatch("features", "10.0.1", minors)
    assert [s for s, _ in features] == ["info"]
    assert "records feature releases only (10 of its 11" in features[0][1]
    assert [s for s, _ in mismatch("minor", "10.1.1", minors)] == ["warning"]
    patches = (
        "# changes\n\n"
        + "".join(f"## 10.0.{n}\n\n- a fix\n\n" for n in (4, 3, 2, 1, 0))
        + "## 9.0.0\n\n- a feature\n"
    )
    assert [s for s, _ in mismatch("patches", "10.0.5", patches)] == ["warning"]


AUTODOC_INDEX = """\
Demo
====

* :ref:`Path-based access <access-granted>` for nested structures
* :ref:`a member's label <member-label>`
* :ref:`an unpulled label <not-pulled>`
* :ref:`nowhere at all <nowhere>`
* :ref:`a pulled member's label <more-member>` and :ref:`the class's <thing-label>`

.. automodule:: demo.tutorial

.. autoclass:: demo.core.Thing

.. automodule:: demo.more
   :members:
"""

AUTODOC_MORE = '''\
"""More."""


def pulled():
    """Pulled in with :members:.

    .. _more-member:
    """
'''

AUTODOC_TUTORIAL = '''\
"""The tutorial.

.. _access-granted:

Accessing Nested Data
=====================
"""


def helper():
    """A member's docstring, not pulled in: automodule has no :members: here.

    .. _member-label:
    """
'''

AUTODOC_CORE = '''\
"""Core.

.. _not-pulled:
"""


class Thing:
    """A thing.

    .. _thing-label:
    """
'''


def test_labels_of_docstrings_autodoc_pulls_in_are_labels(tmp_path: Path) -> None:
    # held-out 99: glom's docs/index.rst links `access-granted`, a label of glom/tutorial.py's
    # module docstring that docs/tutorial.rst pulls in with `.. automodule:: glom.tutorial`;
    # a label of a docstring no directive reads (a member's without :members:, a module's
    # when only one of its classes is pulled in) and one that is nowhere stay unknown
    root = make_repo(
        tmp_path / "p",
        {
            "docs/conf.py": 'project = "demo"\nextensions = ["sphinx.ext.autodoc"]\n',
            "docs/index.rst": AUTODOC_INDEX,
            "src/demo/__init__.py": "",
            "src/demo/tutorial.py": AUTODOC_TUTORIAL,
            "src/demo/core.py": AUTODOC_CORE,
            "src/demo/more.py": AUTODOC_MORE,
        },
    )
    labels = {
        (f.line, f.message.split("`")[1].split("<")[-1].rstrip(">"))
        for f in _run(root).findings
        if f.rule == "links/unknown-label"
    }
    assert labels == {(5, "member-label"), (6, "not-pulled"), (7, "nowhere")}


def test_a_heading_a_page_includes_with_pymdownx_snippets_is_its_anchor(tmp_path: Path) -> None:
    """wcmatch 12.0.4: fnmatch.md links to `#posix-character-classes`, the heading of the
    snippet its `--8<-- "posix.md"` line pastes in (base_path `docs/src/markdown/.snippets` in
    zensical.yml, whose `!!python/name:` tags do not stop the reading). A fragment no page or
    included snippet names is still broken, and so is one whose heading lies in a snippet the
    page does not include, an escaped include (`;--8<--`), one under no base path, or a line
    the include's `:START:END` leaves out."""
    config = (
        "site_name: demo\n"
        "markdown_extensions:\n"
        "  - toc:\n"
        "      slugify: !!python/name:pymdownx.slugs.uslugify\n"
        "  - pymdownx.snippets:\n"
        "      base_path:\n"
        "      - docs/src/markdown/.snippets\n"
        "      - LICENSE.md\n"
    )
    page = (
        "# fnmatch\n\n"
        "See [POSIX Character Classes](#posix-character-classes) and [ranges](#line-ranges).\n\n"
        "See [flags](#flags), [escaped](#escaped-heading) and [outside](#outside-heading).\n\n"
        "See [the lines left out](#not-taken).\n\n"
        '--8<-- "posix.md"\n\n'
        '--8<-- "ranges.md:3:4"\n\n'
        ';--8<-- "escaped.md"\n\n'
        '--8<-- "../outside.md"\n'
    )
    files = {
        "zensical.yml": config,
        "LICENSE.md": "MIT\n",
        "docs/src/markdown/fnmatch.md": page,
        "docs/src/markdown/.snippets/posix.md": "## POSIX Character Classes\n\nText.\n",
        "docs/src/markdown/.snippets/ranges.md": "# Not taken\n\n## Line Ranges\n\nText.\n",
        "docs/src/markdown/.snippets/flags.md": "## Flags\n",
        "docs/src/markdown/.snippets/escaped.md": "## Escaped Heading\n",
        "docs/src/markdown/outside.md": "## Outside Heading\n",
    }
    outcome = _run(make_repo(tmp_path / "snip", files))
    broken = {
        f.message.split("'")[1]
        for f in outcome.findings
        if f.rule == "links/broken-anchor" and f.path == "docs/src/markdown/fnmatch.md"
    }
    assert broken == {"#flags", "#escaped-heading", "#outside-heading", "#not-taken"}


def test_snippet_includes_count_only_where_the_build_enables_them(tmp_path: Path) -> None:
    """Without a MkDocs or Zensical configuration that enables pymdownx.snippets, an
    include line is plain text: the anchor its file would give is still missing."""
    files = {
        "docs/page.md": '# Page\n\nSee [classes](#posix-character-classes).\n\n--8<-- "posix.md"\n',
        "posix.md": "## POSIX Character Classes\n",
    }
    outcome = _run(make_repo(tmp_path / "plain", files))
    assert _at(outcome, "links/broken-anchor") == {("docs/page.md", 3)}


def test_a_heading_s_broken_link_to_its_own_name_is_information(tmp_path: Path) -> None:
    """godocdown writes `#### func  [Pad](#pad)`: the link sits in the heading it names and
    points at a slug no heading has, while the heading's own anchor (#func--pad) is what the
    index links to. A link in a heading to another section, or the same link in prose, is
    still a broken anchor."""
    readme = (
        "# str\n\n"
        "### Index\n\n"
        "* [func  Pad](#func--pad)\n\n"
        "#### func  [Pad](#pad)\n\n"
        "Pad pads s.\n\n"
        "#### Options, see [Config](#config)\n\n"
        "Read [Pad](#pad) first.\n\n"
        "## [Install](#setup)\n"
    )
    root = make_repo(tmp_path / "godoc", {"README.md": readme})
    outcome = _run(root)
    anchors = {
        (f.line, f.severity.value) for f in outcome.findings if f.rule == "links/broken-anchor"
    }
    assert anchors == {(7, "info"), (11, "error"), (13, "error"), (15, "error")}
    info = next(f for f in outcome.findings if f.line == 7)
    assert "#func--pad" in info.message


SCM_SETUP = """\
import os

from setuptools import setup

setup(
    name='dictdiffer',
    use_scm_version={
        'local_scheme': 'dirty-tag',
        'write_to': os.path.join('dictdiffer', 'version.py'),
    },
    packages=['dictdiffer'],
)
"""


def test_a_version_file_setuptools_scm_writes_declares_nothing(tmp_path: Path) -> None:
    """dictdiffer 0.9.0's setup.py has setuptools_scm write dictdiffer/version.py; installed in
    a checkout without its release tags, the file says '0.1.dev1+dirty', the scm fallback,
    and CHANGES' newest entry 0.9.0 was reported as a mismatch. The build writes that file
    from git: no declaration. The same version.py with no scm configuration is hand-written
    and still compared; so is one beside a pyproject `[tool.setuptools_scm]` that writes
    another file."""
    changes = "Changes\n=======\n\nVersion 0.9.0 (released 2021-07-22)\n\n- fixes\n"
    files = {
        "setup.py": SCM_SETUP,
        "dictdiffer/__init__.py": "from .version import __version__\n",
        "dictdiffer/version.py": "__version__ = '0.1.dev1+dirty'\n",
        "CHANGES": changes,
    }
    outcome = _run(make_repo(tmp_path / "scm", files))
    assert outcome.data["project_version"] is None
    assert not _at(outcome, "version/changelog-mismatch")
    toml = {
        **files,
        "setup.py": "from setuptools import setup\nsetup(use_scm_version=True)\n",
        "pyproject.toml": '[tool.setuptools_scm]\nversion_file = "dictdiffer/version.py"\n',
    }
    assert not _at(_run(make_repo(tmp_path / "toml", toml)), "version/changelog-mismatch")
    hand = {**files, "setup.py": "from setuptools import setup\nsetup(name='dictdiffer')\n"}
    outcome = _run(make_repo(tmp_path / "hand", hand))
    assert outcome.data["project_version"] == "0.1.dev1+dirty"
    assert _at(outcome, "version/changelog-mismatch") == {("CHANGES", 4)}
    other = {**toml, "pyproject.toml": '[tool.setuptools_scm]\nwrite_to = "_v.py"\n'}
    assert _at(_run(make_repo(tmp_path / "other", other)), "version/changelog-mismatch") == {
        ("CHANGES", 4)
    }


def test_readme_section_narrating_older_releases_is_history(tmp_path: Path) -> None:
    """tzlocal 5.2's README under 'API CHANGE!': "With version 3.0 of tzlocal ...", "Version
    5.0 removes ...", "stay on version 4.0": a section that names several releases, all older
    than the declared one, tells their history (info, naming them). A section that names one
    older version alone, or an older and a newer one, keeps its warnings."""
    readme = (
        "mylib\n=====\n\n"  # 1
        "API change\n----------\n\n"  # 4
        "With version 3.0 of mylib, it no longer returned pytz objects.\n\n"  # 7
        "Version 5.0 removes the shim. If you need it,\n"  # 9
        "stay on version 4.0.\n\n"  # 10
        "Install\n-------\n\n"  # 12
        "This is version 1.0 of mylib.\n\n"  # 15: one older version alone, a claim
        "Plans\n-----\n\n"  # 17
        "Version 4.0 had bugs;\n"  # 20
        "version 6.0 will fix them.\n"  # 21: newer than declared, so 20 is a claim too
    )
    files = {
        "pyproject.toml": '[project]\nname = "mylib"\nversion = "5.2"\n',
        "README.rst": readme,
    }
    outcome = _run(make_repo(tmp_path / "py", files))
    found = {(f.line, f.severity) for f in outcome.findings if f.rule == "version/readme-mismatch"}
    assert found == {
        (7, Severity.INFO),
        (9, Severity.INFO),
        (10, Severity.INFO),
        (15, Severity.WARNING),
        (20, Severity.WARNING),
        (21, Severity.WARNING),
    }
    seven = next(f for f in outcome.findings if f.line == 7)
    assert "names releases 3.0, 4.0 and 5.0" in seven.message


def test_an_rst_link_to_a_target_name_of_its_own_page_hints_at_the_reference(
    tmp_path: Path,
) -> None:
    """bitmath 2.1.1's NEWS.rst: `1.0.4-1 <bitmath-1.0.4-1>`__ is a link to a file (docutils
    reads the embedded target as a URI) while the page defines `.. _bitmath-1.0.4-1:`: the hint
    is the reference `<bitmath-1.0.4-1_>`, not the similar file bitmath.1; a missing file no
    target names keeps the file hint."""
    news = (
        "News\n====\n\nSee `1.0.4-1 <bitmath-1.0.4-1>`__ and `the page <bitmath-1.txt>`__.\n\n"
        ".. _bitmath-1.0.4-1:\n\nbitmath-1.0.4-1\n---------------\n\nFirst release.\n"
    )
    files = {"README.md": "# p\n", "NEWS.rst": news, "bitmath.1": ".TH bitmath 1\n"}
    outcome = _run(make_repo(tmp_path / "p", files))
    broken = sorted(f.message for f in outcome.findings if f.rule == "links/broken-link")
    assert broken == [
        "broken link: 'bitmath-1.0.4-1' (bitmath-1.0.4-1 does not exist); NEWS.rst defines the "
        "target 'bitmath-1.0.4-1': a reference to it is written `<bitmath-1.0.4-1_>`",
        "broken link: 'bitmath-1.txt' (bitmath-1.txt does not exist); did you mean 'bitmath.1'?",
    ]


def test_a_subpackage_version_is_not_the_projects(tmp_path: Path) -> None:
    """pycparser 2.22 bundles PLY in pycparser/ply, whose `__init__.py` keeps PLY's own
    `__version__ = '3.9'`: it was reported as an error against pycparser/__init__.py's 2.22.
    A package nested in another package of the project declares its own version, not the
    project's; the top package's `__version__` is still compared with the manifests."""
    files = {
        "setup.cfg": "[metadata]\nname = pycparser\nversion = 2.22\n",
        "pycparser/__init__.py": "__version__ = '2.22'\n",
        "pycparser/ply/__init__.py": "# PLY package\n\n__version__ = '3.9'\n",
        "pycparser/ply/lex.py": "x = 1\n",
    }
    assert not _at(_run(make_repo(tmp_path / "bundled", files)), "version/mismatch")
    stale = {**files, "pycparser/__init__.py": "__version__ = '2.21'\n"}
    outcome = _run(make_repo(tmp_path / "stale", stale))
    assert _at(outcome, "version/mismatch") == {("pycparser/__init__.py", 1)}
    assert outcome.data["project_version"] == "2.22"


def test_a_changelog_note_naming_the_declared_version_is_info(tmp_path: Path) -> None:
    """pycparser 2.22's CHANGES opens with a note that from 2.22 on the changes are the GitHub
    tags', above `+ Version 2.21`: the newest entry was reported as a warning against 2.22.
    A changelog whose text above its newest released entry names the declared version says
    where it stops (info); without such a note the missing entry still warns."""
    note = (
        "+ Starting with version 2.22, please use the GitHub UI\n"
        "  at https://github.com/eliben/pycparser/tags\n"
        "  to compare tags in order to find out what changed.\n\n"
    )
    entry = "+ Version 2.21 (2021.11.06)\n\n  - Much improved support for C11\n"
    files = {
        "setup.cfg": "[metadata]\nname = pycparser\nversion = 2.22\n",
        "pycparser/__init__.py": "__version__ = '2.22'\n",
        "CHANGES": note + entry,
    }
    outcome = _run(make_repo(tmp_path / "note", files))
    found = [f for f in outcome.findings if f.rule == "version/changelog-mismatch"]
    assert [(f.path, f.line, f.severity) for f in found] == [("CHANGES", 5, Severity.INFO)]
    assert "names 2.22 (line 1)" in found[0].message
    for name, text in (("none", entry), ("other", note.replace("2.22", "2.21") + entry)):
        outcome = _run(make_repo(tmp_path / name, {**files, "CHANGES": text}))
        found = [f for f in outcome.findings if f.rule == "version/changelog-mismatch"]
        assert [f.severity for f in found] == [Severity.WARNING]
