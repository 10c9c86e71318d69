"""Sphinx source trees found from conf.py (read with ast, never run)."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.sphinx_docs import SphinxTree, find_sphinx_trees, html_source, tree_of
from tests.helpers import write_files


def test_sphinx_trees_and_their_settings(tmp_path: Path) -> None:
    files = {
        "docs/conf.py": "import os\nextensions = ['sphinx.ext.autosectionlabel',\n"
        "    'sphinx.ext.intersphinx']\nautosectionlabel_prefix_document = True\n"
        "intersphinx_mapping = {'python': ('https://docs.python.org/3', None)}\n",
        "docs/api/conf.py": "html_theme = 'alabaster'\n"
        "intersphinx_mapping = dict(os.environ)  # computed: any prefix may be one\n"
        "extensions = ['sphinx.ext.intersphinx']\n",
        "tests/conf.py": "TIMEOUT = 3\n",  # not Sphinx
        "broken/conf.py": "extensions = [\n",  # does not parse: not read
    }
    write_files(tmp_path, files)
    trees = find_sphinx_trees(tmp_path, list(files))
    assert [t.root for t in trees] == ["docs/api", "docs"]
    docs, api = trees[1], trees[0]
    assert docs.autosectionlabel and docs.prefix_document and docs.inventories == {"python"}
    assert docs.is_external_label("python:tut-intro")
    assert not docs.is_external_label("setup and teardown: hooks")
    assert not docs.is_external_label("numpy:array")
    assert api.is_external_label("numpy:array") and not api.autosectionlabel
    assert tree_of("docs/api/x.md", trees) == api
    assert tree_of("docs/guide.rst", trees) == docs
    assert tree_of("README.md", trees) is None
    assert docs.docname("docs/guide/intro.md") == "guide/intro"


def test_pages_sphinx_builds() -> None:
    tree = SphinxTree(root="docs")
    exists = {"docs/usage.md", "docs/faq.rst", "docs/sub/index.rst"}
    assert html_source("docs/usage.html", tree, exists) == "docs/usage.md"
    assert html_source("docs/sub/index.html", tree, exists) == "docs/sub/index.rst"
    assert html_source("docs/genindex.html", tree, exists) == "docs/genindex.html"
    assert html_source("docs/missing.html", tree, exists) is None
    assert html_source("other/usage.html", tree, exists) is None
    assert html_source("docs/usage.md", tree, exists) is None


def test_pages_built_from_a_generated_source() -> None:
    """cdist's docs/src/cdist-reference.rst.sh writes cdist-reference.rst before Sphinx runs:
    `cdist-reference.html` has a source. A page with neither a source nor a generator of one
    (only an unrelated `notes.sh`) has none."""
    tree = SphinxTree(root="docs")
    exists = {"docs/reference.rst.sh", "docs/api.md.in", "docs/notes.sh"}
    assert html_source("docs/reference.html", tree, exists) == "docs/reference.rst.sh"
    assert html_source("docs/api.html", tree, exists) == "docs/api.md.in"
    assert html_source("docs/notes.html", tree, exists) is None
