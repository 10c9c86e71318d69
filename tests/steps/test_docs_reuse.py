"""The project's documents are parsed once per content: `project_docs` keeps each document's
parse per file in the step cache, shared by the steps that read documents (documentation,
directory structure, script references, consistency), and over random edit sequences the
documents and the findings equal a full run's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.changes.filecache import store_path
from ai_workflow.cli import main
from ai_workflow.config import Config
from ai_workflow.engine.step import RunMemo, StepContext, StepOutcome, StepSpec
from ai_workflow.markdown_docs import (
    DocFile,
    doc_from_json,
    doc_to_json,
    docs_reuse,
    parse_doc,
    project_docs,
)
from ai_workflow.steps import directory_structure, documentation
from tests.file_edits import FULL, REUSE_PROPERTY, apply_edit, file_edits
from tests.helpers import make_repo, step_context
from tests.test_markdown_docs import MARKDOWN

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is required")

REPO = Path(__file__).resolve().parents[2]

RST = """\
Title
=====

.. _install:

Install with ``pip install demo`` and see `the guide`_ or :ref:`install`.

.. code-block:: bash

    ./scripts/setup.sh
    make docs

.. _the guide: docs/guide.rst

Section
-------

::

    $ demo --help
    usage: demo

.. literalinclude:: ../examples/app.py
"""

FILES = {
    "README.md": "# Demo\n\n## Usage\n\nRun `scripts/go.sh`; see [guide](docs/guide.md).\n",
    "docs/guide.md": "# Guide\n\n```bash\n./scripts/go.sh\n```\n\nThe `src/` tree.\n",
    "docs/index.rst": RST,
    "scripts/go.sh": "#!/bin/sh\necho go\n",
    "src/demo/__init__.py": '"""Demo."""\n',
}


def _ctx(root: Path, spec: StepSpec, config: Config | None = None) -> StepContext:
    return step_context(root, spec, config=config, memo=RunMemo())


def _docs(root: Path, config: Config | None = None) -> tuple[dict[str, DocFile], list[str]]:
    ctx = _ctx(root, directory_structure.SPEC, config)
    return project_docs(ctx), docs_reuse(ctx)


def _round_trip(doc: DocFile) -> DocFile:
    return doc_from_json(json.loads(json.dumps(doc_to_json(doc))))


@pytest.mark.parametrize(
    ("path", "text"),
    [("a.md", MARKDOWN), ("a.rst", RST), ("empty.md", ""), ("empty.rst", "")],
)
def test_a_parsed_document_survives_its_stored_form(path: str, text: str) -> None:
    doc = parse_doc(text, path)
    assert _round_trip(doc) == doc


def test_every_document_of_this_repository_survives_its_stored_form() -> None:
    paths = [*REPO.glob("*.md"), *REPO.glob("examples/**/*.md"), *REPO.glob("src/**/*.md")]
    assert len(paths) >= 3
    for path in paths:
        doc = parse_doc(path.read_text(encoding="utf-8"), path.name)
        assert _round_trip(doc) == doc, path


@pytest.mark.parametrize(
    "damage",
    [
        {"format": "html"},
        {"headings": [[1, "T", "t"]]},  # a field missing
        {"links": [["a.md", "1", "", "link"]]},  # a line that is not a number
        {"prose": [["1", "text"]]},
        {"anchors": [1]},
        {"line_count": True},
    ],
)
def test_a_damaged_stored_document_is_refused(damage: dict[str, Any]) -> None:
    value = {**doc_to_json(parse_doc(MARKDOWN, "a.md")), **damage}
    with pytest.raises((TypeError, ValueError, KeyError)):
        doc_from_json(value)


def test_unchanged_documents_are_read_back_and_an_edit_is_parsed(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    first, line = _docs(root)
    assert line == [
        "per-file results (parsed): 3 of 3 file(s) checked (3 no stored results), 0 reused"
    ]
    store = store_path(root / ".ai_workflow" / "step_cache", "markdown_docs", "parsed")
    assert store.is_file()  # one store, whichever step reads the documents first
    again, line = _docs(root)
    assert line == ["per-file results (parsed): 0 of 3 file(s) checked, 3 reused"]
    assert again == first

    # true positive: the edited document is parsed again, not read back
    (root / "docs/guide.md").write_text("# Guide\n\nSee `scripts/gone.sh`.\n")
    edited, line = _docs(root)
    assert "1 of 3 file(s) checked (1 content changed), 2 reused" in line[0]
    assert [c.text for c in edited["docs/guide.md"].inline_code] == ["scripts/gone.sh"]
    assert edited == _docs(root, FULL)[0]
    assert _docs(root, FULL)[1] == [
        "per-file results (parsed): off (run.step_cache), every file checked"
    ]


def test_documentation_reports_the_reuse_and_finds_what_a_full_run_finds(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", FILES)
    documentation.run(_ctx(root, documentation.SPEC))
    (root / "README.md").write_text("# Demo\n\nSee [gone](docs/gone.md) and `scripts/nope.sh`.\n")
    outcome = documentation.run(_ctx(root, documentation.SPEC))
    assert any(
        c.startswith("per-file results (parsed): 1 of 3 file(s) checked") for c in outcome.checked
    )
    assert _findings(outcome) == _findings(documentation.run(_ctx(root, documentation.SPEC, FULL)))


# --------------------------------------------------------------------------- property

PARTS = [
    "# Title",
    "## Part {#custom}",
    "See [guide](docs/guide.md#guide) and [missing](docs/missing.md).",
    "```bash\n./scripts/go.sh\n./scripts/missing.sh\n```",
    "```\nproject/\n├── src/\n└── nothere/\n```",
    "| old | new |\n|---|---|\n| `scripts/go.sh` | `scripts/new.sh` |",
    "Title\n=====",
    ".. _target:\n\nSee `target`_ and :ref:`target` and ``src/demo``.",
    "::\n\n    $ ./scripts/go.sh",
]
PATHS = ["README.md", "docs/guide.md", "docs/index.rst", "docs/new.md", "CHANGES.rst"]

edits = file_edits(PATHS, PARTS, 4)


def _findings(outcome: StepOutcome) -> list[dict[str, Any]]:
    return sorted(
        (f.to_dict() for f in outcome.findings),
        key=lambda f: (f["rule"], f["path"] or "", f["line"] or 0, f["message"]),
    )


@REUSE_PROPERTY
@given(st.lists(edits, min_size=1, max_size=5))
def test_incremental_documents_and_findings_equal_a_full_run(
    tmp_path_factory: pytest.TempPathFactory, sequence: list[tuple[str, str, list[str]]]
) -> None:
    root = make_repo(tmp_path_factory.mktemp("docs") / "p", FILES)
    _docs(root)
    for edit in sequence:
        apply_edit(root, edit, link_to="docs/guide.md")
        assert _docs(root)[0] == _docs(root, FULL)[0], edit
        for step in (directory_structure, documentation):
            incremental = step.run(_ctx(root, step.SPEC))
            full = step.run(_ctx(root, step.SPEC, FULL))
            assert _findings(incremental) == _findings(full), (step.__name__, edit)


def test_explain_documentation_says_which_documents_the_next_run_parses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(tmp_path / "p", FILES)
    assert main(["run", "--target", str(root), "--auto", "--steps", "documentation"]) in (0, 1)
    (root / "docs/guide.md").write_text("# Guide, edited\n")
    capsys.readouterr()
    assert main(["explain", "documentation", "--target", str(root)]) == 0
    out = capsys.readouterr().out
    assert "per-file results (parsed), last run" in out
    assert "next run re-checks 1 (content changed): docs/guide.md" in out
