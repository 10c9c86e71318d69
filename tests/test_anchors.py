"""The shared anchor rules: GitHub's heading slugs, docutils ids, and what a document answers to."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.anchors import (
    collision_free_slugs,
    document_anchors,
    docutils_id,
    github_slug,
    myst_target,
    numbered_slugs,
    rst_plain_text,
    section_labels,
)
from ai_workflow.markdown_docs import parse_markdown, parse_rst


@pytest.mark.parametrize(
    ("heading", "slug"),
    [
        ("What's the plan and why?", "whats-the-plan-and-why"),
        ("Docs & Community", "docs--community"),
        ("`run`: Test other commands", "run-test-other-commands"),
        ("Über uns", "über-uns"),
        ("C++ API", "c-api"),
        ("1.2.0 (2024-01-01)", "120-2024-01-01"),
        ("Hello 👋 World", "hello--world"),
        ("snake_case and kebab-case", "snake_case-and-kebab-case"),
        ("中文标题\uff0c测试\u3002", "中文标题测试"),  # full-width punctuation is dropped too
        ("「引用」と『本』", "引用と本"),
        ("Ünïcödé — dash", "ünïcödé--dash"),
        ("[Unreleased]", "unreleased"),
        ("  Padded  ", "padded"),
    ],
)
def test_github_slugs_of_known_headings(heading: str, slug: str) -> None:
    assert github_slug(heading) == slug


@pytest.mark.parametrize(
    ("title", "ident"),
    [
        (
            "My negated statement (e.g. ! true) does not fail the test, even when it should.",
            "my-negated-statement-e-g-true-does-not-fail-the-test-even-when-it-should",
        ),
        ("when not to use `run`", "when-not-to-use-run"),
        ("2. Über Straße", "uber-strasze"),
        ("---", ""),
        ("API_v2 -- notes", "api-v2-notes"),
    ],
)
def test_docutils_ids_of_known_titles(title: str, ident: str) -> None:
    assert docutils_id(title) == ident


@given(st.text())
def test_slugs_are_idempotent_and_never_hold_spaces_or_upper_case_ascii(text: str) -> None:
    slug = github_slug(text)
    assert github_slug(slug) == slug
    assert " " not in slug
    assert not re.search(r"[A-Z]", slug)


@given(st.text())
def test_docutils_ids_have_the_documented_shape(text: str) -> None:
    ident = docutils_id(text)
    assert re.fullmatch(r"(?:[a-z](?:-?[a-z0-9]+)*)?", ident)
    assert docutils_id(ident) == ident


@given(
    st.lists(st.sampled_from(["Usage", "usage", "Usage!", "Usage 1", "usage-1", "A"]), max_size=9)
)
def test_repeated_headings_are_numbered(texts: list[str]) -> None:
    numbered = numbered_slugs(texts)
    seen: dict[str, int] = {}
    for text, slug in zip(texts, numbered, strict=True):
        base = github_slug(text)
        count = seen.get(base, 0)
        assert slug == (f"{base}-{count}" if count else base)
        seen[base] = count + 1
    free = collision_free_slugs(texts)
    assert len(set(free)) == len(free) == len(texts)
    assert all(slug.startswith(github_slug(t)) for t, slug in zip(texts, free, strict=True))


def test_markdown_document_anchors() -> None:
    doc = parse_markdown(
        "# Guide\n\n## Usage\n\n## Usage\n\n## Docs & Community\n\n"
        '<a name="legacy-anchor"></a>\n\n(my-label)=\n## Über uns {#custom}\n\n'
        '<h2 id="raw">Raw HTML heading</h2>\n',
        "docs/guide.md",
    )
    anchors = document_anchors(doc)
    for fragment in ("usage", "usage-1", "docs--community", "legacy-anchor", "my-label", "custom"):
        assert anchors.resolves(fragment), fragment
    assert anchors.resolves("%C3%BCber-uns")  # percent-encoded
    assert anchors.resolves("Usage")  # case-insensitive fallback
    assert anchors.resolves("top")  # the HTML standard's top of the document
    assert anchors.resolves("raw-html-heading")
    assert not anchors.resolves("usage-2")
    assert not anchors.resolves("docs-community")  # not how GitHub slugs '&' with spaces
    assert anchors.closest("usgae") == "usage"
    sphinx = document_anchors(doc, sphinx=True)  # Sphinx builds it: docutils ids too
    assert sphinx.resolves("docs-community")
    assert section_labels(doc) >= {"usage", "docs & community"}


def test_rst_document_anchors_and_plain_titles() -> None:
    doc = parse_rst(
        "``run`` doesn't fail\n====================\n\n.. _Custom Target:\n\n"
        "Section *two*\n-------------\n",
        "docs/a.rst",
    )
    anchors = document_anchors(doc)
    assert anchors.resolves("run-doesn-t-fail")
    assert anchors.resolves("custom-target")
    assert anchors.resolves("section-two")
    assert not anchors.resolves("section-three")
    assert rst_plain_text("``run`` and :ref:`hooks` *now*") == "run and hooks now"
    assert section_labels(doc) == {"run doesn't fail", "section two"}
    assert myst_target("(intro-label)=") == "intro-label"
    assert myst_target("(not a label)") is None
