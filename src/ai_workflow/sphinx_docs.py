"""Sphinx source trees of a project: where they are and the settings that change link checks.

A `conf.py` that configures Sphinx (it sets `extensions`, `project`, `html_theme`, ...) marks its
directory as a source root. Inside it, Sphinx builds `X.md`/`X.rst` into `X.html` (so a
relative link to `X.html` is valid when the source exists, or a generator of it the build runs:
cdist's `cdist-reference.rst.sh` writes `cdist-reference.rst` beside itself), and
`sphinx.ext.autosectionlabel` makes every section title a `:ref:` label. With MyST
(`myst_parser`, `myst_nb`), a Markdown link whose target is not a file is a cross-reference (a
label, a document, a Python object, an entry of another project's inventory). conf.py is read
with `ast`, never executed.
"""

from __future__ import annotations

import ast
from collections.abc import Container, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ai_workflow.textfiles import read_text

SOURCE_SUFFIXES = (".rst", ".md", ".txt", ".ipynb", ".markdown")
# `X.rst.sh`, `X.md.in`: a script or template the docs build turns into the source `X.rst`
GENERATOR_SUFFIXES = (".sh", ".py", ".in", ".tmpl", ".template", ".j2", ".jinja")
GENERATED_PAGES = frozenset({"genindex.html", "search.html", "py-modindex.html", "modindex.html"})
GENERATED_DOCNAMES = frozenset(page.removesuffix(".html") for page in GENERATED_PAGES)
# labels Sphinx defines in every project (its std and Python domains): `:ref:`genindex`` works
BUILTIN_LABELS = GENERATED_DOCNAMES
_MYST_EXTENSIONS = frozenset({"myst_parser", "myst_nb"})
_SPHINX_SETTINGS = frozenset(
    {"extensions", "html_theme", "master_doc", "root_doc", "source_suffix", "templates_path"}
)


@dataclass(frozen=True)
class SphinxTree:
    root: str  # the source directory, "" for the repository root
    autosectionlabel: bool = False
    prefix_document: bool = False  # autosectionlabel_prefix_document: labels are "doc:Title"
    intersphinx: bool = False
    # keys of a literal `intersphinx_mapping`; None when it is computed (any prefix may be one)
    inventories: frozenset[str] | None = frozenset()
    myst: bool = False  # Markdown links that are not files are cross-references

    def is_external_label(self, label: str) -> bool:
        """`python:tut-intro`: a label of another project's documentation (intersphinx)."""
        prefix, colon, _ = label.partition(":")
        if not (self.intersphinx and colon) or " " in prefix:
            return False
        return self.inventories is None or prefix in self.inventories

    def resolves_labels_elsewhere(self) -> bool:
        """Whether Sphinx looks up a `:ref:` label it cannot find locally in other projects'
        inventories: intersphinx resolves an unprefixed `glossary` from any mapped inventory
        that defines it (outcome's and sniffio's index.rst, mapping python and trio)."""
        return self.intersphinx and self.inventories != frozenset()

    def contains(self, path: str) -> bool:
        return not self.root or path.startswith(self.root + "/")

    def docname(self, path: str) -> str:
        """`docs/source/usage.md` -> `usage` (the document name Sphinx uses)."""
        relative = path[len(self.root) + 1 :] if self.root else path
        return str(PurePosixPath(relative).with_suffix(""))


def find_sphinx_trees(target: Path, files: Iterable[str]) -> list[SphinxTree]:
    """Every Sphinx source tree of the project, deepest first."""
    trees = []
    for path in files:
        if PurePosixPath(path).name != "conf.py":
            continue
        settings = _settings(read_text(target / path))
        if settings is None:
            continue
        parent = str(PurePosixPath(path).parent)
        strings, assigned = settings
        trees.append(
            SphinxTree(
                root="" if parent == "." else parent,
                autosectionlabel="sphinx.ext.autosectionlabel" in strings,
                prefix_document=assigned.get("autosectionlabel_prefix_document") is True,
                intersphinx="sphinx.ext.intersphinx" in strings,
                inventories=_literal_keys(assigned.get("intersphinx_mapping")),
                myst=bool(_MYST_EXTENSIONS & strings),
            )
        )
    return sorted(trees, key=lambda tree: -tree.root.count("/") - bool(tree.root))


def tree_of(path: str, trees: list[SphinxTree]) -> SphinxTree | None:
    """The Sphinx tree a document belongs to (the deepest that contains it), if any."""
    return next((tree for tree in trees if tree.contains(path)), None)


def html_source(resolved: str, tree: SphinxTree, exists: Container[str]) -> str | None:
    """The source file Sphinx builds into the page `resolved` (`a/b.html` -> `a/b.md`, or the
    generator `a/b.rst.sh` of a source the build writes), or the page itself when Sphinx
    generates it (`genindex.html`); None if there is no such source."""
    pure = PurePosixPath(resolved)
    if pure.suffix.lower() != ".html" or not tree.contains(resolved):
        return None
    if tree.docname(resolved) in GENERATED_DOCNAMES:
        return resolved
    stem = str(pure.with_suffix(""))
    sources = [stem + s for s in SOURCE_SUFFIXES]
    generators = [source + g for source in sources for g in GENERATOR_SUFFIXES]
    return next((path for path in sources + generators if path in exists), None)


def is_sphinx_conf(source: str) -> bool:
    """Whether `source`, a `conf.py`, configures Sphinx (it sets a Sphinx setting or names a
    `sphinx...` module or theme)."""
    return _settings(source) is not None


def _settings(source: str) -> tuple[set[str], dict[str, object]] | None:
    """Every string constant, and each setting's value (a constant's value, else its AST node);
    None if this is not Sphinx's conf.py."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    assigned: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for name in (t.id for t in targets if isinstance(t, ast.Name)):
                value = node.value
                assigned[name] = value.value if isinstance(value, ast.Constant) else value
    strings = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    if not (_SPHINX_SETTINGS & assigned.keys() or any(s.startswith("sphinx") for s in strings)):
        return None
    return strings, assigned


def _literal_keys(node: object) -> frozenset[str] | None:
    """The string keys of a dict literal; None for anything else (not knowable without running)."""
    if node is None:
        return frozenset()
    if not isinstance(node, ast.Dict):
        return None
    keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
    names = frozenset(k for k in keys if isinstance(k, str))
    return names if len(names) == len(keys) else None
