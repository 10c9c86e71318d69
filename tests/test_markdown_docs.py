"""Markdown and reStructuredText reading: anchors, links, code and prose with line numbers."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.markdown_docs import (
    find_readme,
    github_slug,
    is_external,
    load_docs,
    parse_markdown,
    parse_rst,
    resolve_target,
    split_target,
    unique_slugs,
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
    slugs = unique_slugs(texts)
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
