"""Relative links of the project's documents, checked offline: does the file exist, does the
`#fragment` name an anchor of the linked document, and which `:ref:` labels exist.

Anchor rules come from `ai_workflow.anchors`; inside a Sphinx source tree (`ai_workflow.
sphinx_docs`) a link to `X.html` is valid when Sphinx builds it from `X.md`/`X.rst`. A file
one of the project's Makefiles makes before the docs build reads it exists (`ai_workflow.
make_outputs.MadeByMake`: a pattern rule that links each plugin's man.rst into the manual's
man7/, a recipe that copies a configuration skeleton the manual `literalinclude`s). A link that
climbs above the repository root only works on a hosting site and is reported as information.
A reStructuredText document outside every Sphinx tree that a Makefile's pattern rule places in
one is checked from that place; one that nothing places there, linking a bare `X.html` that
names a page of the manual, is written for a place among its pages nothing decides: info.
A reStructuredText file that another one `.. include::`s is read there: a link of it that
resolves from the including document is not broken. A Markdown page of a MkDocs site that pastes
other files in with pymdownx.snippets (`--8<-- "posix.md"`, `ai_workflow.doc_snippets`) answers
to the anchors of what it includes too. A broken link inside a Markdown heading to the heading's
own name (godocdown's `#### func  [Pad](#pad)`, whose heading is `#func--pad`) is a permalink to
where the reader already is: information.

In a Sphinx tree that parses Markdown with MyST, `[text](target)` whose target is not a file is a
cross-reference, resolved like Sphinx's `any` role: a label (`(name)=`, `.. _name:`), a
document, a page Sphinx generates (`genindex`), or a Python object. Objects are asked of the
caller (`objects`), and a name that may come from another project's inventory (intersphinx) is
not judged. Only a reference that resolves nowhere is broken: a warning, since directives may
define names (`:name:` options, glossary terms) that are not read here.

A docstring that a document of a Sphinx tree pulls in with autodoc (`.. automodule:: pkg.mod`
reads the module's docstring, and every docstring of the module with `:members:`;
`.. autoclass:: pkg.mod.Name` and its kin read that object's) is part of that document: the
labels it defines (`.. _access-granted:` in glom 25.12's tutorial module, which docs/tutorial.rst
pulls in) exist. A label only a docstring no directive pulls in defines is not a label.
"""

from __future__ import annotations

import ast
import difflib
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal
from urllib.parse import unquote

from ai_workflow.anchors import (
    Anchors,
    document_anchors,
    github_slug,
    myst_target,
    reference_name,
    section_labels,
)
from ai_workflow.doc_snippets import project_snippets
from ai_workflow.make_outputs import MadeByMake
from ai_workflow.markdown_docs import (
    DocFile,
    Heading,
    Link,
    parse_markdown,
    parse_rst,
    resolve_target,
    split_target,
)
from ai_workflow.sphinx_docs import (
    GENERATED_DOCNAMES,
    SOURCE_SUFFIXES,
    SphinxTree,
    find_sphinx_trees,
    html_source,
    tree_of,
)
from ai_workflow.textfiles import read_text

Level = Literal["error", "warning", "info"]
_SPHINX_ID_PREFIXES = ("module-", "cmdoption-", "term-", "envvar-", "index-", "std-")
_FILE_SUFFIXES = frozenset(SOURCE_SUFFIXES) | frozenset(
    {".html", ".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp", ".pdf", ".py", ".json", ".toml"}
    | {".yaml", ".yml", ".cfg", ".ini", ".csv", ".zip", ".gz", ".sh"}
)
_DOTTED_NAME_RE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
ObjectResolver = Callable[[str], bool | None]
"""Whether the project defines a Python object of this (dotted or bare) name: None when the name
is not in the project's namespace (it may be another project's)."""

_SPHINX_BUILD_DIR = "_build"
"""Sphinx's build directory (sphinx-quickstart's default): what is under it is generated."""


@dataclass(frozen=True)
class LinkProblem:
    rule: str
    severity: Level
    message: str


class LinkChecker:
    """Checks relative links and fragments of the project's documents (no network)."""

    def __init__(
        self,
        target: Path,
        files: list[str],
        docs: dict[str, DocFile],
        objects: ObjectResolver | None = None,
    ) -> None:
        self.target = target
        self.files = set(files)
        self.docs = docs
        self.trees = find_sphinx_trees(target, files)
        self.labels = rst_labels(docs, self.trees) | autodoc_labels(
            target, self.files, docs, self.trees
        )
        self.objects = objects
        self._anchors: dict[tuple[str, bool], Anchors] = {}
        self.includers = rst_includers(docs)
        self.made = MadeByMake(target, self.files)
        self._present = _Present(self.files, self.made)
        self._pages: dict[str, str] | None = None  # a manual page's name -> its source
        self._repositories: set[str] | None = None  # the project's own `owner/repo`s on GitHub
        self.snippets = project_snippets(target)

    def anchors(self, doc: DocFile) -> Anchors:
        sphinx = tree_of(doc.path, self.trees) is not None
        key = (doc.path, sphinx)
        if key not in self._anchors:
            found = document_anchors(doc, sphinx=sphinx)
            included = self._included(doc)
            if included is not None:
                more = document_anchors(included, sphinx=sphinx)
                found = Anchors(found.names | more.names)
            self._anchors[key] = found
        return self._anchors[key]

    def _included(self, doc: DocFile) -> DocFile | None:
        """What the build pastes into a Markdown page with pymdownx.snippets, parsed (None when
        the project enables no snippets or the page includes nothing)."""
        if self.snippets is None or doc.format != "markdown":
            return None
        text = self.snippets.included_text(self.target, [line for _, line in doc.prose])
        return parse_markdown(text, doc.path) if text.strip() else None

    def check(self, doc: DocFile, link: Link) -> LinkProblem | None:
        """The problem with one link, None when it resolves (or cannot be checked offline)."""
        raw = link.target.strip()
        path, fragment = split_target(raw)
        if not path:
            if not fragment:
                return None
            problem = self._fragment(doc, fragment)
            heading = _heading_self_link(doc, link, fragment) if problem else None
            if heading is not None:
                return LinkProblem(
                    "links/broken-anchor",
                    "info",
                    f"no heading or anchor '#{fragment}' in {doc.path}, linked from the heading "
                    f"'{heading.text}' it sits in: a link to the heading's own name, where the "
                    f"reader already is (the heading's anchor is #{heading.anchor}; a doc "
                    "generator's template, such as godocdown's `#### func [Name](#name)`)",
                )
            return problem
        web = _template_web_path(doc.path, path)
        if web is not None:  # GitHub shows it at /issues/new: `../blob/main/X` is the root's X
            if (self.target / web).exists():
                return None
            message = f"broken link: '{raw}' ({web} does not exist)"
            return LinkProblem("links/broken-link", "error", message + self._suggest(web))
        own = self._own_web_path(doc, path)
        if own is not None:  # `/owner/repo/blob/main/X` on github.com: the repository's X
            if (self.target / own).exists():
                return None
            message = f"broken link: '{raw}' ({own} does not exist)"
            return LinkProblem("links/broken-link", "error", message + self._suggest(own))
        where = self._built_at(doc)
        resolved = self._resolve(doc, link, path, where)
        if resolved is None:
            return LinkProblem(
                "links/outside-repository",
                "info",
                f"link '{raw}' climbs above the repository root: it can only work on a hosting "
                "site (such as another tag's or repository's page), so it was not checked",
            )
        built_from = self._sphinx_source(where, resolved)
        if built_from is None and _SPHINX_BUILD_DIR in Path(resolved).parts:
            return None  # written by the docs build (conf.py writes _build/README.pprst)
        if built_from is None and not (self.target / resolved).exists():
            if self.made(resolved):
                return None  # the project's Makefile writes it before the docs are built
            if self._resolves_where_included(doc, link, path):
                return None  # `.. include::`d: its text, links and all, is read there
            if self._server_path(doc, link, path):
                return LinkProblem(
                    "links/outside-repository",
                    "info",
                    f"link '{raw}' is a path on the web server the documentation is served "
                    "from (docutils writes a hyperlink's URI as is, so the browser resolves it "
                    "from the site's root, not from the source tree): it was not checked",
                )
            tree = self._myst_tree(doc, link, path)
            if tree is not None:
                return self._myst_reference(doc, tree, raw, path)
            page = self._unbuilt_page(doc, where, path)
            if page is not None:
                return LinkProblem(
                    "links/broken-link",
                    "info",
                    f"link '{raw}' names a page of the project's Sphinx manual (built from "
                    f"{page}), and no build places {doc.path} in the manual, so where the "
                    "link lands cannot be known: it was not checked",
                )
            kind = "image" if link.is_image else "link"
            message = f"broken {kind}: '{raw}' ({resolved} does not exist"
            if where != doc.path:
                message += f"; the build places this document at {where}"
            hint = _rst_reference_hint(doc, link, raw) or self._suggest(resolved)
            return LinkProblem("links/broken-link", "error", message + ")" + hint)
        linked = self.docs.get(built_from or resolved)
        if linked is None or not fragment:
            return None
        return self._fragment(linked, fragment, via_sphinx=built_from is not None)

    def _fragment(
        self, linked: DocFile, fragment: str, *, via_sphinx: bool = False
    ) -> LinkProblem | None:
        """A broken `#fragment` into `linked`: an error where the anchor rules are certain
        (Markdown on the hosting site), a warning where Sphinx directives may add ids we do not
        read (reStructuredText, pages Sphinx builds)."""
        anchors = self.anchors(linked)
        if anchors.resolves(fragment):
            return None
        certain = linked.format == "markdown" and not via_sphinx
        if not certain and ("." in fragment or fragment.startswith(_SPHINX_ID_PREFIXES)):
            return None  # ids of Sphinx objects (functions, options, terms) are not read
        close = anchors.closest(fragment)
        hint = f" (did you mean #{close}?)" if close else ""
        return LinkProblem(
            "links/broken-anchor",
            "error" if certain else "warning",
            f"no heading or anchor '#{fragment}' in {linked.path}{hint}",
        )

    def _myst_tree(self, doc: DocFile, link: Link, path: str) -> SphinxTree | None:
        """The MyST Sphinx tree of a Markdown link, when its target may be a cross-reference
        (it does not name a file: `guide.md`, `img/logo.png`, `dir/`)."""
        if doc.format != "markdown" or link.kind != "link" or path.endswith("/"):
            return None
        if PurePosixPath(path).suffix.lower() in _FILE_SUFFIXES:
            return None
        tree = tree_of(doc.path, self.trees)
        return tree if tree is not None and tree.myst else None

    def _myst_reference(
        self, doc: DocFile, tree: SphinxTree, raw: str, name: str
    ) -> LinkProblem | None:
        """A MyST cross-reference that resolves nowhere (None when it resolves, or may)."""
        here = PurePosixPath(tree.docname(doc.path)).parent
        relative = posixpath.normpath((here / name.lstrip("/")).as_posix())
        if (
            reference_name(name) in self.labels
            or {relative, name.lstrip("/")} & (self._docnames(tree) | GENERATED_DOCNAMES)
            or tree.is_external_label(name)
        ):
            return None
        if _DOTTED_NAME_RE.fullmatch(name):
            defined = self.objects(name) if self.objects is not None else None
            if defined or (defined is None and (tree.intersphinx or self.objects is None)):
                return None  # the project's object, or maybe another project's (intersphinx)
        return LinkProblem(
            "links/broken-link",
            "warning",
            f"broken reference: '{raw}' is no file, and no label, document or Python object of "
            "the documentation (MyST reads a link that is not a file as a cross-reference)",
        )

    def _own_web_path(self, doc: DocFile, path: str) -> str | None:
        """The repository path a Markdown link names in GitHub's site-absolute web form
        (`/owner/repo/blob/master/LICENSE`), when owner/repo is the project's own repository
        (a manifest at the root names `github.com/owner/repo`): GitHub renders the document on
        its site, where the link lands on that file. strike 0.1.73's README ends "Read the
        [license](/freeformsystems/strike/blob/master/LICENSE)", its package.json's repository
        being git://github.com/freeformsystems/strike.git. None otherwise: another
        repository's path, or any other rooted link, stays checked as a path of the tree."""
        if doc.format != "markdown":
            return None
        match = SITE_WEB_PATH.match(path)
        if match is None:
            return None
        if self._repositories is None:
            self._repositories = set()
            for name in MANIFESTS:
                if name in self.files:
                    text = read_text(self.target / name, root=self.target) or ""
                    found = GITHUB_REPOSITORY.findall(text)
                    self._repositories |= {f"{o}/{r}".lower() for o, r in found}
        if f"{match.group('owner')}/{match.group('repo')}".lower() not in self._repositories:
            return None
        return match.group("path").rstrip("/")

    def _server_path(self, doc: DocFile, link: Link, path: str) -> bool:
        """A reStructuredText hyperlink of a Sphinx tree whose URI starts with one `/`
        (`text </software/tool/3.0/page.html>`_): the built page links the server's path
        verbatim. Sphinx reads a rooted path of a directive (`.. image:: /img.png`) or of `:doc:`
        from its source root, so those stay checked; a rooted hyperlink that resolves there (a
        page of the tree) is valid and does not come here."""
        return (
            doc.format == "rst"
            and link.kind == "rst"
            and path.startswith("/")
            and not path.startswith("//")
            and tree_of(doc.path, self.trees) is not None
        )

    def _resolves_where_included(self, doc: DocFile, link: Link, path: str) -> bool:
        """A reStructuredText file another one includes (CONTRIBUTING.rst in docs/contributing.rst)
        is read at the include: its relative links and `:doc:` roles resolve from there."""
        for includer in self.includers.get(doc.path, ()):
            host = self.docs[includer]
            resolved = self._resolve(host, link, path)
            if resolved is not None and (self.target / resolved).exists():
                return True
        return False

    def _docnames(self, tree: SphinxTree) -> set[str]:
        return {tree.docname(path) for path in self.docs if tree.contains(path)}

    def _built_at(self, doc: DocFile) -> str:
        """Where the docs build reads `doc`: its own path, or the path in a Sphinx tree that a
        Makefile's pattern rule makes from it (a plugin's man.rst linked into the manual's
        man7/), when it is in no tree itself. Its relative links resolve from there."""
        if doc.format != "rst" or tree_of(doc.path, self.trees) is not None:
            return doc.path
        return next(
            (p for p in self.made.made_from(doc.path) if tree_of(p, self.trees) is not None),
            doc.path,
        )

    def _unbuilt_page(self, doc: DocFile, where: str, path: str) -> str | None:
        """The source of a manual's page that a bare `X.html` link of a reStructuredText
        document outside every Sphinx tree names, when no build places that document in one:
        the link is written for the document's place among the manual's pages, which nothing
        here decides (a plugin's man page kept outside the directory the build reads). None
        otherwise: a link with a directory, or to a page no manual has, stays checked."""
        name = PurePosixPath(path)
        if (
            doc.format != "rst"
            or where != doc.path
            or not self.trees
            or tree_of(doc.path, self.trees) is not None
            or len(name.parts) != 1
            or name.suffix.lower() != ".html"
        ):
            return None
        if self._pages is None:
            self._pages = {}
            for f in sorted(self.files):
                pure = PurePosixPath(f)
                if pure.suffix in SOURCE_SUFFIXES and tree_of(f, self.trees) is not None:
                    self._pages.setdefault(pure.stem, f)
        return self._pages.get(name.stem)

    def _resolve(self, doc: DocFile, link: Link, path: str, where: str | None = None) -> str | None:
        where = where or doc.path
        if doc.format == "rst" and path.startswith("/"):
            tree = tree_of(where, self.trees)
            root = tree.root if tree else ""
            path = "/" + f"{root}/{path.lstrip('/')}".lstrip("/")
        resolved = resolve_target(where, path)
        if resolved is not None and link.kind == "rst-doc" and resolved not in self.files:
            for suffix in (".rst", ".md", ".txt"):
                if resolved + suffix in self.files or (self.target / (resolved + suffix)).is_file():
                    return resolved + suffix
        return resolved

    def _sphinx_source(self, where: str, resolved: str) -> str | None:
        """The source of an `X.html` page Sphinx builds, for links inside its source tree
        (`where`: the path the linking document is read at)."""
        tree = tree_of(where, self.trees)
        if tree is None or (self.target / resolved).exists():
            return None
        return html_source(resolved, tree, self._present)

    def _suggest(self, resolved: str) -> str:
        folder = (self.target / resolved).parent
        try:
            names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        except OSError:
            return ""
        close = difflib.get_close_matches(PurePosixPath(resolved).name, names, n=1)
        return f"; did you mean '{close[0]}'?" if close else ""


class _Present:
    """The repository's files and those its Makefiles make (`path in present`)."""

    def __init__(self, files: set[str], made: Callable[[str], bool]) -> None:
        self.files = files
        self.made = made

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and (path in self.files or self.made(path))


def _heading_self_link(doc: DocFile, link: Link, fragment: str) -> Heading | None:
    """The Markdown heading a same-document link sits in when the link points at its own text
    (`#### func  [Pad](#pad)`, godocdown's template: the fragment is the slug of the link's
    text, which is part of the heading): a permalink to where the reader already is, so a
    broken one loses nothing, since the heading keeps its own anchor (`#func--pad`), which
    other links use. None for any other link: a heading's link to another section
    (`## Options, see [Config](#config)`, a sentence around the link) is as broken as one in
    prose."""
    if doc.format != "markdown" or not link.text.strip():
        return None
    wanted = unquote(fragment).lower()
    if github_slug(link.text) != wanted:
        return None
    for heading in doc.headings:
        if heading.line != link.line or link.text.strip() not in heading.text:
            continue
        rest = heading.text.replace(link.text.strip(), " ", 1).split()
        declares = len(rest) <= _NAME_PREFIX_WORDS and not any(_PROSE_MARK.search(w) for w in rest)
        if (
            declares
            and wanted != heading.anchor.lower()
            and github_slug(heading.text).endswith(wanted)
        ):
            return heading
    return None


_NAME_PREFIX_WORDS = 3
"""Words a heading that names an object may add to the name: `func`, `type`, `func (t *T)`."""
_PROSE_MARK = re.compile(r"[,.;:!?]$")
"""A word of a sentence (`Options, see [Config](#config)`), not of a declaration."""


GITHUB_TEMPLATE = re.compile(
    r"(?i)^\.github/(?:(?:issue|pull_request)_template(?:\.\w+)?|"
    r"(?:ISSUE|PULL_REQUEST)_TEMPLATE/[^/]+)$"
)
SITE_WEB_PATH = re.compile(
    r"^/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/(?:blob|tree|raw)/[^/]+/(?P<path>[^?#]+)$"
)
GITHUB_REPOSITORY = re.compile(
    r"github\.com[/:](?P<owner>[\w.-]+)/(?P<repo>[\w-]+(?:\.(?!git\b)[\w-]+)*)"
)
MANIFESTS = ("package.json", "pyproject.toml", "setup.cfg", "setup.py", "Cargo.toml", "go.mod")
WEB_RELATIVE = re.compile(r"^(?:\.\./)+(?:blob|tree)/[^/]+/(?P<path>[^?#]+)$")


def _rst_reference_hint(doc: DocFile, link: Link, raw: str) -> str:
    """docutils reads the embedded target of `` `text <name>`__ `` as a URI, a file beside the
    page: where the document defines the target or section `name`, the writer meant the
    reference `<name_>` (bitmath 2.1.1's NEWS.rst: `1.0.4-1 <bitmath-1.0.4-1>`__ above
    `.. _bitmath-1.0.4-1:`), a better hint than a file of a similar name."""
    if doc.format != "rst" or link.kind != "rst" or reference_name(raw) not in doc.rst_targets:
        return ""
    return f"; {doc.path} defines the target '{raw}': a reference to it is written `<{raw}_>`"


def _template_web_path(doc_path: str, path: str) -> str | None:
    """The repository path a link in a GitHub issue or pull-request template names in GitHub's
    web form (`../blob/main/SECURITY.md`: the template is shown at /issues/new, so the link
    lands on the repository's file), else None (an ordinary link)."""
    if not GITHUB_TEMPLATE.match(doc_path):
        return None
    match = WEB_RELATIVE.match(path)
    return match.group("path").rstrip("/") if match else None


def rst_includers(docs: dict[str, DocFile]) -> dict[str, list[str]]:
    """For each document, the reStructuredText documents that `.. include::` it."""
    includers: dict[str, list[str]] = {}
    for doc in docs.values():
        for link in doc.links:
            if link.kind == "rst-directive" and link.text == "include":
                included = resolve_target(doc.path, link.target.strip())
                if included is not None and included != doc.path:
                    includers.setdefault(included, []).append(doc.path)
    return includers


_RST_OPTION = re.compile(r"^\s+:([\w-]+):\s*(.*?)\s*$")
_LITERAL_INCLUDE_OPTIONS = frozenset({"literal", "code", "parser"})


def rst_included_targets(target: Path, doc: DocFile) -> set[str]:
    """The reference names that the text `doc` includes (`.. include:: ../README.rst`) defines:
    docutils reads the included part in place, so a `Name`_ of the including file resolves to
    its sections and targets (arrow's docs/index.rst links `Installation`_, a section of the
    README part it includes). The part is the one the directive's `:start-line:`,
    `:end-line:`, `:start-after:` and `:end-before:` options select, as docutils cuts it; a
    literal or code include defines nothing, and neither does a missing file or marker."""
    includes = [
        link for link in doc.links if link.kind == "rst-directive" and link.text == "include"
    ]
    if not includes:
        return set()
    lines = read_text(target / doc.path, root=target).replace("\r\n", "\n").split("\n")
    names: set[str] = set()
    for link in includes:
        included = resolve_target(doc.path, link.target.strip())
        if included is None or included == doc.path or not (target / included).is_file():
            continue
        options: dict[str, str] = {}
        for line in lines[link.line :]:
            option = _RST_OPTION.match(line)
            if option is None:
                break
            options[option.group(1)] = option.group(2)
        if _LITERAL_INCLUDE_OPTIONS & options.keys():
            continue
        part = _included_part(read_text(target / included, root=target), options)
        if part is not None:
            names |= parse_rst(part, included).rst_targets
    return names


def _included_part(text: str, options: dict[str, str]) -> str | None:
    """The text an include directive reads, cut as docutils cuts it; None when a marker is
    not found (docutils then reports an error and includes nothing)."""
    text = text.replace("\r\n", "\n")
    try:
        start = int(options.get("start-line", "0") or 0)
        end = int(options["end-line"]) if options.get("end-line") else None
    except ValueError:
        return None
    text = "\n".join(text.split("\n")[start:end])
    for option, keep_after in (("start-after", True), ("end-before", False)):
        marker = options.get(option)
        if not marker:
            continue
        index = text.find(marker)
        if index < 0:
            return None
        text = text[index + len(marker) :] if keep_after else text[:index]
    return text


_AUTODOC = re.compile(
    r"^\s*\.\.\s+auto(module|class|exception|function|data|attribute|method)::\s*([\w.]+)\s*$"
)
_AUTODOC_OPTION = re.compile(r"^\s+:([\w-]+):")
_MODULE_ROOTS = ("", "src/", "lib/")


def autodoc_labels(
    target: Path, files: set[str], docs: dict[str, DocFile], trees: list[SphinxTree]
) -> set[str]:
    """The `:ref:` labels of the docstrings that the autodoc directives of a Sphinx tree's
    reStructuredText documents pull in."""
    labels: set[str] = set()
    for doc in docs.values():
        if doc.format != "rst" or tree_of(doc.path, trees) is None:
            continue
        lines = read_text(target / doc.path, root=target).replace("\r\n", "\n").split("\n")
        for number, line in enumerate(lines):
            found = _AUTODOC.match(line)
            if found is None:
                continue
            options: set[str] = set()
            for option_line in lines[number + 1 :]:
                option = _AUTODOC_OPTION.match(option_line)
                if option is None:
                    break
                options.add(option.group(1))
            for text in _autodoc_docstrings(target, files, found.group(1), found.group(2), options):
                labels |= parse_rst(text).rst_targets
    return labels


def _autodoc_docstrings(
    target: Path, files: set[str], kind: str, name: str, options: set[str]
) -> list[str]:
    """The docstrings an autodoc directive of `kind` on `name` reads from the project's own
    Python files: a module's, and every one of it with `:members:`; an object's (and its
    members' with `:members:`) for the other kinds."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        module = _module_file(files, parts[:cut])
        if module is not None:
            break
    else:
        return []
    if kind != "module" and cut == len(parts):
        return []
    try:
        tree = ast.parse(read_text(target / module, root=target))
    except (SyntaxError, ValueError):
        return []
    node: ast.AST | None = tree
    for attribute in parts[cut:]:
        body = getattr(node, "body", [])
        node = next((n for n in body if getattr(n, "name", None) == attribute), None)
        if node is None:
            return []
    if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
        return []
    nodes = list(ast.walk(node)) if "members" in options else [node]
    texts = []
    for each in nodes:
        if isinstance(each, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(each)
            if docstring:
                texts.append(docstring)
    return texts


def _module_file(files: set[str], parts: list[str]) -> str | None:
    """The project's file of the dotted module `parts` (`a/b.py`, `a/b/__init__.py`, also
    under src/ or lib/), None when the project has none."""
    stem = "/".join(parts)
    for root in _MODULE_ROOTS:
        for candidate in (f"{root}{stem}.py", f"{root}{stem}/__init__.py"):
            if candidate in files:
                return candidate
    return None


def rst_labels(docs: dict[str, DocFile], trees: list[SphinxTree]) -> set[str]:
    """Every `:ref:` label: RST targets and titles, MyST `(label)=` lines, and every section
    title of a Sphinx tree that enables `sphinx.ext.autosectionlabel`."""
    labels: set[str] = set()
    for doc in docs.values():
        labels |= doc.rst_targets
        if doc.format == "markdown":
            labels |= {reference_name(t) for _, line in doc.prose if (t := myst_target(line))}
        tree = tree_of(doc.path, trees)
        if tree is not None and tree.autosectionlabel:
            titles = section_labels(doc)
            labels |= titles
            if tree.prefix_document:
                labels |= {f"{reference_name(tree.docname(doc.path))}:{t}" for t in titles}
    return labels
