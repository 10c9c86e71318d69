"""Step 2 end to end: versions across manifests and docs, links and anchors, RST references."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.engine.step import StepOutcome
from ai_workflow.findings import Severity
from ai_workflow.steps import consistency
from ai_workflow.steps.consistency import normalise_version, same_version
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
    assert same_version(base, base + ".0" * zeros)
    assert same_version("v" + base, base)
    assert normalise_version(base + "rc1") != normalise_version(base)


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
