"""Markdown and reStructuredText reading: anchors, links, code and prose with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.anchors import collision_free_slugs, github_slug
from ai_workflow.doc_kinds import is_tutorial_document
from ai_workflow.markdown_docs import (
    CodeBlock,
    DocFile,
    ProjectFacts,
    classify_docs,
    find_readme,
    is_external,
    is_shell_block,
    is_transcript,
    load_docs,
    own_programs,
    parse_doc,
    parse_markdown,
    parse_rst,
    resolve_target,
    split_target,
)

MARKDOWN = """\
---
title: front matter is not a heading
---
# Hello, World! `x`

Para [a](a.md#frag) and
line ![pic](p%20q.png) <a href="h.md">h</a> `code span` end.

## Hello, World!

## Über uns {#custom}

```bash
./run.sh
make test
```

    indented code

| col | link |
|-----|------|
| a   | [t](docs/t.md) |

<a name="manual"></a>
<img src="img/logo.png">

[ref]: ref.md

See [the ref][ref].
"""


def test_markdown_headings_get_github_anchors_with_duplicates_and_custom_ids() -> None:
    doc = parse_markdown(MARKDOWN, "docs/x.md")
    assert [(h.level, h.text, h.anchor, h.line) for h in doc.headings] == [
        (1, "Hello, World! x", "hello-world-x", 4),
        (2, "Hello, World!", "hello-world", 9),
        (2, "Über uns", "custom", 11),
    ]
    assert {"hello-world-x", "hello-world", "über-uns", "custom", "manual"} <= doc.anchors
    assert doc.has_anchor("Hello-World")  # case-insensitive fallback
    assert doc.has_anchor("%C3%BCber-uns")  # percent-encoded fragment
    assert not doc.has_anchor("missing")


def test_markdown_links_images_and_html_have_their_lines() -> None:
    doc = parse_markdown(MARKDOWN, "docs/x.md")
    found = {(link.target, link.line, link.kind) for link in doc.links}
    assert found == {
        ("a.md#frag", 6, "link"),
        ("p q.png", 7, "image"),
        ("h.md", 7, "html"),
        ("docs/t.md", 22, "link"),
        ("img/logo.png", 25, "html"),
        ("ref.md", 29, "link"),
    }
    assert [link.is_image for link in doc.links if link.target == "img/logo.png"] == [True]


def test_markdown_code_blocks_inline_code_and_prose() -> None:
    doc = parse_markdown(MARKDOWN, "docs/x.md")
    assert [(b.language, b.line) for b in doc.code_blocks] == [("bash", 14), ("", 18)]
    assert list(doc.code_blocks[0].numbered_lines()) == [(14, "./run.sh"), (15, "make test")]
    assert [(c.text, c.line) for c in doc.inline_code] == [("x", 4), ("code span", 7)]
    prose = dict(doc.prose)
    assert 14 not in prose and 18 not in prose  # code is not prose
    assert "code span" not in prose[7] and "end." in prose[7]
    assert 2 not in prose  # front matter is blanked
    assert "make test" in doc.text()


def test_rst_titles_targets_links_and_literal_blocks() -> None:
    text = """\
Title
=====

.. _install:

Install with ``pip install x``. See `Usage`_, `guide <guide.rst>`_ and :ref:`install`.

Example::

    $ ./run.sh
    done

.. code-block:: bash
   :linenos:

   make test

.. image:: img/logo.png
.. _external: https://example.com

Usage
-----

:doc:`other`
"""
    doc = parse_rst(text, "docs/x.rst")
    assert [(h.text, h.line) for h in doc.headings] == [("Title", 1), ("Usage", 21)]
    escaped = parse_rst("\\$ click\\_\n==========\n", "r.rst")
    assert [h.text for h in escaped.headings] == ["$ click_"]
    assert {"install", "usage", "title", "guide", "external"} <= doc.rst_targets
    assert {(link.target, link.line, link.kind) for link in doc.links} == {
        ("guide.rst", 6, "rst"),
        ("img/logo.png", 18, "rst-directive"),
        ("https://example.com", 19, "rst"),
        ("other", 24, "rst-doc"),
    }
    assert [(r.name, r.line, r.role) for r in doc.rst_references] == [
        ("Usage", 6, "named"),
        ("install", 6, "ref"),
    ]
    assert [(b.language, b.line, b.content) for b in doc.code_blocks] == [
        ("", 10, "$ ./run.sh\ndone\n"),
        ("bash", 16, "make test\n"),
    ]
    assert [(c.text, c.line) for c in doc.inline_code] == [("pip install x", 6)]
    assert 10 not in dict(doc.prose)


def test_link_target_helpers() -> None:
    assert is_external("https://x.org") and is_external("mailto:a@b.c") and is_external("//cdn")
    assert not is_external("docs/a.md") and not is_external("#top")
    assert split_target("a%20b.md?raw=1#Sec%C3%A9") == ("a b.md", "Secé")
    assert split_target("a.md") == ("a.md", None)
    assert resolve_target("docs/guide/x.md", "../img/a.png") == "docs/img/a.png"
    assert resolve_target("docs/x.md", "/README.md") == "README.md"
    assert resolve_target("docs/x.md", "./") == "docs"
    assert resolve_target("x.md", "../../outside.md") is None


def test_load_docs_and_readme(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text("# R\n", encoding="utf-8")
    (tmp_path / "docs" / "a.rst").write_text("A\n=\n", encoding="utf-8")
    (tmp_path / "docs" / "bad.md").write_bytes(b"# caf\xe9\n")
    (tmp_path / "main.py").write_text("", encoding="utf-8")
    docs = load_docs(tmp_path, ["README.md", "docs/a.rst", "docs/bad.md", "main.py", "gone.md"])
    assert sorted(docs) == ["README.md", "docs/a.rst", "docs/bad.md"]
    assert docs["docs/a.rst"].format == "rst"
    assert docs["docs/bad.md"].headings[0].line == 1
    assert find_readme(["docs/README.md", "readme.rst", "README.md"]) == "README.md"
    assert find_readme(["docs/README.md", "Readme.rst"]) == "Readme.rst"
    assert find_readme(["docs/README.md"]) is None


@given(st.text())
def test_slugs_are_idempotent(text: str) -> None:
    slug = github_slug(text)
    assert github_slug(slug) == slug
    assert " " not in slug


@given(st.lists(st.sampled_from(["Usage", "usage", "Usage 1", "usage-1", "A", "a!"]), max_size=8))
def test_unique_slugs_never_repeat(texts: list[str]) -> None:
    slugs = collision_free_slugs(texts)
    assert len(set(slugs)) == len(slugs) == len(texts)


@given(st.text(alphabet="#[]()`*_-> \n|!<>abc.md/:", max_size=300))
def test_parsing_never_fails_and_lines_stay_in_range(text: str) -> None:
    for doc in (parse_markdown(text, "a.md"), parse_rst(text, "a.rst")):
        lines = [h.line for h in doc.headings] + [link.line for link in doc.links]
        lines += [c.line for c in doc.inline_code] + [n for n, _ in doc.prose]
        assert all(1 <= line <= doc.line_count for line in lines)


@given(st.lists(st.sampled_from(["a", "..", ".", "b", "c.md"]), max_size=6))
def test_resolved_targets_stay_inside_the_repository(parts: list[str]) -> None:
    resolved = resolve_target("docs/x.md", "/".join(parts))
    assert resolved is None or ".." not in resolved.split("/")


# --------------------------------------------------------------------------- claims

FACTS = ProjectFacts(
    files=frozenset({"README.md", "install.sh", "src/proj/__init__.py", "src/proj/cli.py"}),
    dirs=frozenset({"src", "src/proj"}),
    programs=frozenset({"proj"}),
)


SHAPES = [
    "# T", "Output:", "Your project:", "```console", "```", "$ ./x.sh", "out", "├── a/",
    "│   └── b.py", "└── c", "| Old | New |", "|---|---|", "| `a/b` | `c/d` |", "`x` -> `y`",
    "    $ git clone https://h/p.git", "    $ cd p", ".. code-block:: console", "",
]  # fmt: skip


def _classified(path: str, text: str, facts: ProjectFacts = FACTS) -> DocFile:
    docs = {path: parse_doc(text, path)}
    classify_docs(docs, facts)
    return docs[path]


def _claim_lines(doc: DocFile) -> list[int]:
    return [b.line for b in doc.claim_blocks()]


def test_history_documents_are_not_claims_about_the_project_now() -> None:
    text = "# Changes\n\n```\nmake test\n```\n\nRemoved `src/old.py`.\n"
    assert _classified("CHANGELOG.md", text).role == "history"
    assert _classified("docs/migration-2.0.md", text).role == "history"
    readme = _classified("README.md", text)
    assert readme.role is None and _claim_lines(readme) == [4]
    assert [c.text for c in readme.claim_inline()] == ["src/old.py"]


def test_transcripts_of_another_program_are_examples_but_instructions_stay_claims() -> None:
    text = (
        "# Help\n\nFor example,\n\n```console\n$ bin/helm package [tab]\n"
        "Please specify the path to the chart\n```\n\n"  # another program: foreign
        "Deploy with:\n\n```bash\n./scripts/deploy.sh\n```\n\n"  # an instruction: a claim
        "```console\n$ proj --help\n$ ./scripts/gone.sh\nusage: proj\n```\n"  # our program
    )
    doc = _classified("docs/help.md", text)
    foreign = next(b for b in doc.code_blocks if "helm" in b.content)
    assert is_transcript(foreign) and doc.not_claims[foreign.line] == "another project"
    assert len(doc.claim_blocks()) == 2
    assert "bin/helm" in doc.foreign_names and "helm" in doc.foreign_names


def test_trees_of_another_project_are_examples_and_this_projects_tree_is_a_claim() -> None:
    other = "# Layout\n\n```\n/home/u/flaskr-app\n├── app/\n│   └── views.py\n└── src/\n```\n"
    assert _claim_lines(_classified("docs/layout.md", other)) == []
    mostly_missing = "```\n├── cmd/\n│   └── root.go\n└── main.go\n```\n\nThe `root.go` file.\n"
    doc = _classified("docs/guide.md", mostly_missing)
    assert _claim_lines(doc) == [] and doc.claim_inline() == []  # `root.go` is the example's
    ours = "```\n├── src/\n│   └── proj/\n│       ├── cli.py\n│       └── gone.py\n└── install.sh\n```\n"
    assert _claim_lines(_classified("README.md", ours)) == [1 + 1]
    introduced = "As the listing below shows:\n\n" + ours  # a layout, however introduced
    assert _claim_lines(_classified("README.md", introduced)) == [4]


def test_a_tutorial_building_the_readers_project_is_not_about_this_one() -> None:
    tutorial = (
        "Tutorial\n========\n\n.. code-block:: console\n\n"
        "    $ ./test/bats/bin/bats test/test.bats\n     ✗ can run our script\n\n"
        "We create ``src/project.sh`` now.\n"
    )
    assert is_tutorial_document("docs/source/tutorial.rst")
    assert is_tutorial_document("docs/tutorial/layout.rst")
    assert not is_tutorial_document("docs/usage.rst")
    assert _classified("docs/source/tutorial.rst", tutorial).role == "another project"
    about_us = "Tutorial\n========\n\nRun ``install.sh`` and edit ``src/proj/cli.py``.\n"
    assert _classified("docs/tutorial.rst", about_us).role is None


def test_output_illustrations_and_diffs_are_not_claims() -> None:
    text = (
        "# Use\n\nThe check prints:\n\n```\n./scripts/missing.sh: not found\n```\n\n"
        "## Example output\n\n```sh\n./scripts/other.sh\n```\n\n"
        "## Patch\n\n```diff\n-./old.sh\n+./new.sh\n```\n\n"
        "## Control\n\nCallbacks give some control of the output:\n\n```sh\n./scripts/x.sh\n```\n"
    )
    doc = _classified("README.md", text)
    assert sorted(doc.not_claims.values()) == ["a diff", "output", "output"]
    assert [b.content for b in doc.claim_blocks()] == ["./scripts/x.sh\n"]


def test_old_names_in_renames_and_old_columns_and_tables_of_other_projects() -> None:
    text = (
        "# Moves\n\n`src/old.py` → `src/proj/cli.py`; `src/kept.py` -> prose.\n\n"
        "| Old | New |\n|---|---|\n| `tools/a.sh` | `install.sh` |\n\n"
        "| stack | layout |\n|---|---|\n| go | `cmd/x/main.go` |\n| rust | `src/main.rs` |\n\n"
        "| file | role |\n|---|---|\n| `install.sh` | installs |\n| `src/proj/cli.py` | CLI |\n"
    )
    doc = _classified("README.md", text)
    claims = [c.text for c in doc.claim_inline()]
    assert claims == [
        "src/proj/cli.py",
        "src/kept.py",
        "install.sh",
        "install.sh",
        "src/proj/cli.py",
    ]


def test_own_programs_come_from_entry_points_not_package_names(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "lib-only"\n[project.scripts]\nmytool = "m:main"\n',
        "package.json": '{"name": "@s/pkg", "bin": {"jstool": "b.js"}}',
        "bin/runner.sh": "",
        "cmd/server/main.go": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    programs = own_programs(tmp_path, frozenset(files))
    assert {"mytool", "jstool", "runner", "runner.sh", "server"} <= programs
    assert "lib-only" not in programs and "pkg" not in programs
    facts = ProjectFacts.of(tmp_path, files)
    assert facts.names == {"lib-only", "pkg"}


@given(st.lists(st.sampled_from(SHAPES), max_size=10), st.sampled_from(["a.md", "tutorial.rst"]))
def test_classification_never_fails_and_only_marks_blocks_it_has(
    parts: list[str], path: str
) -> None:
    doc = _classified(path, "\n".join(parts))
    assert set(doc.not_claims) <= {b.line for b in doc.code_blocks}
    assert doc.claim_blocks() == (
        [] if doc.role else [b for b in doc.code_blocks if b.line not in doc.not_claims]
    )


@pytest.mark.parametrize(
    ("line", "names"),
    [
        # marshmallow's docs: the text between two roles is not a reference
        (
            "implement :meth:`_serialize <F._serialize>` and/or :meth:`_deserialize <F.x>` methods",
            [],
        ),
        (":exc:`Error <e.Error>` in their `_deserialize` and `_serialize` methods", []),
        ("see `Usage`_ and `the guide <guide.rst>`_ or ``literal`_`` and `anon`__", ["Usage"]),
        ("a :ref:`label` then `Missing Section`_.", ["Missing Section"]),
    ],
)
def test_rst_named_references_pair_backticks_left_to_right(line: str, names: list[str]) -> None:
    doc = parse_rst(f"Title\n=====\n\n{line}\n", "x.rst")
    assert [r.name for r in doc.rst_references if r.role == "named"] == names


def test_rst_comments_hold_no_links_or_references() -> None:
    text = (
        "Title\n=====\n\n"
        ".. `old <gone.html>`_ and :ref:`old-label`\n"
        "..\n   `indented <gone2.html>`_ under an empty explicit markup start\n\n"
        "`kept <here.html>`_ and :ref:`kept-label`\n\n"
        ".. _target: there.html\n"
        ".. image:: logo.png\n"
    )
    doc = parse_rst(text, "x.rst")
    assert sorted(link.target for link in doc.links) == ["here.html", "logo.png", "there.html"]
    assert [r.name for r in doc.rst_references] == ["kept-label"]
    assert "target" in doc.rst_targets


def test_rst_target_names_with_colons_are_whole() -> None:
    """wcwidth's README: `Text::CharWidth`_ with its target `.. _`Text::CharWidth`: url`."""
    text = (
        "Title\n=====\n\n- `Text::CharWidth`_: Perl\n- `A::B`_ and `Missing::Name`_\n\n"
        ".. _`Text::CharWidth`: https://metacpan.org/pod/Text::CharWidth\n"
        ".. _A\\:\\:B: https://example.com/a\n"
    )
    doc = parse_rst(text, "README.rst")
    assert {"text::charwidth", "a::b"} <= doc.rst_targets
    assert "text" not in doc.rst_targets and "missing::name" not in doc.rst_targets
    assert {link.target for link in doc.links} == {
        "https://metacpan.org/pod/Text::CharWidth",
        "https://example.com/a",
    }


def test_rst_inline_literal_across_a_line_break_holds_no_reference() -> None:
    """An inline literal may span lines within a paragraph (``pip install\\n`name`_``): what
    it holds is text, not a reference; a reference outside it, on the same lines, is one."""
    text = (
        "Run ``tool --name\n`name`_ --flag`` first, see `missing`_.\n\n"
        "``one line`` and ``two\nlines`` then `after`_.\n"
    )
    doc = parse_rst(text, "README.rst")
    assert [(r.name, r.line) for r in doc.rst_references] == [("missing", 2), ("after", 5)]
    assert [c.text for c in doc.inline_code] == ["one line"]


@pytest.mark.parametrize(
    ("language", "content", "shell"),
    [
        ("", "def to_tuple(self) -> VersionTuple:\n    make this available\n", False),
        ("", "class Config(Base):  # settings\n    pass\n", False),
        ("", "async def main():\n    await run()\n", False),
        ("", ">>> import semver\n>>> semver.parse('1.0.0')\n", False),
        ("", "make docs\n./configure --prefix=/usr\n", True),
        ("", "build() {\n  make def\n}\ndefine x\n", True),
        ("", "git commit -m 'class Foo:'\n", True),
        ("bash", "def f():\n", True),  # the author said shell
        ("python", "make docs\n", False),
    ],
)
def test_a_block_of_no_language_is_shell_unless_it_is_python_source(
    language: str, content: str, shell: bool
) -> None:
    assert is_shell_block(CodeBlock(language, content, 1)) is shell


def test_attribute_lists_give_ids_to_headings_and_inline_elements() -> None:
    doc = parse_markdown(
        "# Ref\n\n"
        "### markdown.markdown(text) {: #markdown data-toc-label='markdown.markdown' }\n\n"
        "## Entry Point { #entry_point }\n\n"
        "__text__{: #text }\n\n* **`opt`**{#opt .flag}: an option.\n\n"
        "Write `{: #shown }` to set an id. Braces {like this} and\n\n## Plain {not an id}\n",
        "docs/ref.md",
    )
    assert [(h.text, h.anchor) for h in doc.headings] == [
        ("Ref", "ref"),
        ("markdown.markdown(text)", "markdown"),
        ("Entry Point", "entry_point"),
        ("Plain {not an id}", "plain-not-an-id"),
    ]
    assert {"markdown", "entry_point", "text", "opt"} <= doc.anchors
    assert not doc.has_anchor("shown")  # only a code span shows it
    assert not doc.has_anchor("like")
