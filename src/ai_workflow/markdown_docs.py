"""Documentation files as data: headings and anchors, links, code, and the prose around them;
and which parts of them are claims about this project.

Markdown is parsed with markdown-it-py (CommonMark plus tables), so links, code spans and code
blocks are found the way a renderer sees them, with 1-based line numbers. Heading anchors follow
GitHub's rules. reStructuredText gets a simpler line-based reading: section titles, explicit
targets, hyperlinks, file-naming directives, literal blocks and inline literals.

Claims. The steps that check what documents name (files, scripts, commands, directories,
symbols) check only text that claims something about *this* project as it is now. One rule,
applied by `classify_docs` and asked through `DocFile.is_claim`, says what is not:

1. History: a changelog, release notes or a migration guide (`doc_kinds.is_history_document`)
   describes other versions of the project; so does the "old" side of `old -> new` (inline code
   followed by an arrow, or a table column headed old/before/deprecated/removed/...).
2. Illustrations: a `diff`/`patch` block, and a block shown as output: under a heading such as
   "Example output" or "Detected issues", or after a lead-in that ends with "prints:",
   "you will see:", "gives us", "looks like this:".
3. Another project: a tutorial document (`doc_kinds.is_tutorial_document`) most of whose named
   paths do not exist here builds the reader's project; so does a code block that is a console
   transcript (commands with their output), a directory tree, or a listing introduced as "your
   project/app/program", when fewer than half of the local paths it names exist here and none
   of the programs it runs is this project's own (`ProjectFacts.programs`); a tree rooted at an
   absolute path is another project's too; and a table whose paths mostly do not exist here
   describes other kinds of project. Inline code naming a path that such an example shows
   (`root.go` of a tree of the reader's program) is part of the example.

A plain instruction block (```` ```bash\n./scripts/deploy.sh\n``` ````) stays a claim whatever
exists: telling users to run a missing script is exactly what must be reported.
"""

from __future__ import annotations

import bisect
import dataclasses
import html
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import unquote

import markdown_it
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ai_workflow import anchors, doc_data, textfiles
from ai_workflow.anchors import collision_free_slugs, github_slug, reference_name
from ai_workflow.changes.filecache import FileResults, code_id
from ai_workflow.doc_data import data_documents
from ai_workflow.doc_kinds import is_history_document, is_tutorial_document
from ai_workflow.engine.step import StepContext
from ai_workflow.project_files import project_files
from ai_workflow.shell_commands import UNKNOWN_DIR, Session, join, strip_prompt, unwrap
from ai_workflow.textfiles import read_bytes, read_text, read_toml

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
RST_SUFFIXES = frozenset({".rst"})
MAX_DOC_BYTES = 2_000_000
_FENCE_LANG_RE = re.compile(r"^\s*([\w+#.-]*)")
_HTML_ATTR_RE = re.compile(
    r"""<(a|img|source|link)\b[^>]*?\b(href|src)\s*=\s*["']([^"']+)["']""", re.I
)
_HTML_ID_RE = re.compile(r"""<[a-z][^>]*?\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.I)
_HTML_COMMENT_RE = re.compile(r"<!--.*?(?:-->|$)", re.S)
# An attribute list (Python-Markdown's attr_list, kramdown's IAL, Pandoc's header attributes):
# `{#id}`, `{: #id }`, `{ #id .class key='v' }`; only `#id`, `.class`, `key=value` and bare keys.
_ATTR_TOKEN = r"""(?:\#[\w.:-]+|\.[\w-]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s"'{}]+)|[\w-]+)"""
_ATTR_LIST = r"\{:?[ \t]*(" + _ATTR_TOKEN + r"(?:[ \t]+" + _ATTR_TOKEN + r")*)[ \t]*\}"
_ATTR_LIST_RE = re.compile(_ATTR_LIST)
_CUSTOM_ID_RE = re.compile(r"\s*" + _ATTR_LIST + r"\s*$")
_ATTR_ID_RE = re.compile(r"""(?:^|\s)\#([\w.:-]+)(?=\s|$)""")
_CODE_SPAN_RE = re.compile(r"(`+)(.+?)\1")
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

LinkKind = Literal["link", "image", "html", "rst", "rst-directive", "rst-doc"]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str
    line: int


@dataclass(frozen=True)
class Link:
    """A reference to another document or file; `target` is the raw (decoded) destination."""

    target: str
    line: int
    text: str = ""
    kind: LinkKind = "link"

    @property
    def is_image(self) -> bool:
        return self.kind == "image" or (self.kind == "html" and self.text == "img")


@dataclass(frozen=True)
class CodeBlock:
    language: str  # "" when the fence has no info string (or an indented/literal block)
    content: str
    line: int  # 1-based line of the first content line
    section: str = ""  # title of the enclosing section ("" before the first heading)
    section_line: int = 0  # line of that title (0 before the first heading)
    lead: str = ""  # the last line of prose before the block (its lead-in)

    def numbered_lines(self) -> Iterator[tuple[int, str]]:
        for offset, text in enumerate(self.content.splitlines()):
            yield self.line + offset, text


@dataclass(frozen=True)
class InlineCode:
    text: str
    line: int
    table: int | None = None  # index of the Markdown table it is in
    old: bool = False  # the "old" side of `old` -> `new`, or an old/deprecated table column
    example: bool = False  # in a sentence introduced as an example ("For example, `x`")
    # where something gets installed ("installed in `./sbin`") or written ("logged to `./x.log`")
    location: bool = False


@dataclass(frozen=True)
class RstReference:
    """A reference by name: `` `name`_ `` (same file) or ``:ref:`label` `` (project-wide)."""

    name: str
    line: int
    role: Literal["named", "ref"]


@dataclass
class DocFile:
    """One parsed documentation file (Markdown or reStructuredText)."""

    path: str
    format: Literal["markdown", "rst"]
    headings: list[Heading] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    code_blocks: list[CodeBlock] = field(default_factory=list)
    inline_code: list[InlineCode] = field(default_factory=list)
    prose: list[tuple[int, str]] = field(default_factory=list)  # text outside code, by line
    anchors: set[str] = field(default_factory=set)
    rst_targets: set[str] = field(default_factory=set)  # normalised reference names
    rst_references: list[RstReference] = field(default_factory=list)
    line_count: int = 0
    # set by `classify_docs`: what is not a claim about this project, and why
    role: str | None = None  # the whole document: "history" or "another project"
    not_claims: dict[int, str] = field(default_factory=dict)  # code block line -> reason
    foreign_tables: set[int] = field(default_factory=set)
    foreign_names: set[str] = field(default_factory=set)  # paths its examples show

    def is_claim(self, item: CodeBlock | InlineCode) -> bool:
        """Whether this block or inline code claims something about this project now."""
        if self.role is not None:
            return False
        if isinstance(item, CodeBlock):
            return item.line not in self.not_claims
        if item.old or (item.table is not None and item.table in self.foreign_tables):
            return False
        text = _clean_path(item.text)
        return text not in self.foreign_names

    def claim_blocks(self) -> list[CodeBlock]:
        return [b for b in self.code_blocks if self.is_claim(b)]

    def claim_inline(self) -> list[InlineCode]:
        return [c for c in self.inline_code if self.is_claim(c)]

    def has_anchor(self, fragment: str) -> bool:
        """Whether `#fragment` resolves in this document (decoded, case-insensitive fallback)."""
        wanted = unquote(fragment)
        if not wanted or wanted in self.anchors:
            return True
        lowered = wanted.lower()
        return any(anchor.lower() == lowered for anchor in self.anchors)

    def text(self) -> str:
        """All prose and code of the document, for "is X mentioned anywhere" questions."""
        parts = [t for _, t in self.prose]
        parts += [c.text for c in self.inline_code]
        parts += [b.content for b in self.code_blocks]
        parts += [link.target for link in self.links]
        return "\n".join(parts)


# --------------------------------------------------------------------------- anchors


# --------------------------------------------------------------------------- link targets


def is_external(target: str) -> bool:
    """True for URLs (any scheme, protocol-relative) and e-mail addresses; never checked."""
    return bool(_SCHEME_RE.match(target)) or target.startswith("//")


def split_target(target: str) -> tuple[str, str | None]:
    """`path#frag?query` -> (decoded path, decoded fragment or None); the query is dropped."""
    path, hash_sign, fragment = target.partition("#")
    path = path.split("?", 1)[0]
    return unquote(path), (unquote(fragment) if hash_sign else None)


def resolve_target(doc_path: str, path: str) -> str | None:
    """The repository-relative POSIX path a relative link points to; None if it leaves the repo.

    A leading `/` means the repository root (as on GitHub); otherwise the link is relative to
    the directory of the document.
    """
    base = PurePosixPath() if path.startswith("/") else PurePosixPath(doc_path).parent
    parts: list[str] = list(base.parts)
    for part in PurePosixPath(path.lstrip("/")).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts) if parts else "."


# --------------------------------------------------------------------------- Markdown


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


_MD = _markdown()


def parse_markdown(text: str, path: str = "") -> DocFile:
    """Parse a Markdown document. Never raises on odd input."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _blank_front_matter(text)
    doc = DocFile(path=path, format="markdown", line_count=text.count("\n") + 1)
    tokens = _MD.parse(text)
    code_lines: set[int] = set()
    heading_texts: list[tuple[int, int, str, str | None]] = []
    table = _TableState()
    for index, token in enumerate(tokens):
        start = (token.map[0] + 1) if token.map else 1
        table.see(token)
        if token.type in ("fence", "code_block"):
            _add_code_block(doc, token, start, code_lines)
        elif token.type == "html_block":
            _add_html(doc, token.content, start)
        elif token.type == "inline":
            previous = tokens[index - 1].type if index > 0 else ""
            if previous == "th_open":
                table.headers.append(_heading_text(token)[0])
            _scan_inline(doc, token, start, table.cell())
            if previous == "heading_open":
                level = int(tokens[index - 1].tag[1:])
                plain, custom = _heading_text(token)
                heading_texts.append((level, start, plain, custom))
    _add_headings(doc, heading_texts)
    doc.prose = _prose_lines(text, code_lines)
    _annotate_blocks(doc)
    return doc


_OLD_COLUMN_RE = re.compile(
    r"\b(?:old|before|previous|formerly|deprecated|removed|legacy|was|from|v\d[\w.]*)\b", re.I
)
_ARROW_RE = re.compile(r"\s*(?:→|->|=>|⇒|⟶)\s*")
_SENTENCE_END_RE = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)[.!?;:](?:\s+|$)")
_EXAMPLE_LEAD_RE = re.compile(r"\b(?:for (?:example|instance)|e\.g\.)", re.I)


def is_example_lead(text: str) -> bool:
    """Whether the sentence that `text` ends in is introduced as an example ("For example,
    ...", "e.g. ..."): what follows illustrates a pattern (a file the reader will create, a
    made-up name), it does not name a part of the project."""
    sentence = _SENTENCE_END_RE.split(text)[-1]
    return bool(_EXAMPLE_LEAD_RE.search(sentence))


# "... are installed in", "installs them under", "is installed on top of `PREFIX` into"
_INSTALL_LOCATION_RE = re.compile(
    r"\binstall(?:ed|s|ing)?\b.*\b(?:in|into|under|to|at)\s*[\"'\u201c(]*$", re.I
)


def is_install_location_lead(text: str) -> bool:
    """Whether the sentence that `text` ends in names the place something is installed to
    (recap's README: 'Main scripts are installed on in "`./sbin`" by default, this can be
    overriden with `BINDIR`'): the code that follows is a directory of the installed system,
    relative to a prefix, not a path of this repository nor a command to run."""
    sentence = _SENTENCE_END_RE.split(text)[-1]
    return bool(_INSTALL_LOCATION_RE.search(sentence))


# "... will be logged to `stdout` and to", "the report is written into", "saves it to"
_OUTPUT_LOCATION_RE = re.compile(
    r"\b(?:log(?:s|ged)?|writ(?:es?|ten|ing)|wrote|sav(?:es?|ed|ing)|dump(?:s|ed|ing)?"
    r"|output(?:s|ted)?|append(?:s|ed|ing)?|redirect(?:s|ed|ing)?)\b.*\b(?:to|into)\s*"
    r"[\"'\u201c(]*$",
    re.I,
)


def is_output_location_lead(text: str) -> bool:
    """Whether the sentence that `text` ends in names the place the program writes something
    to when it runs (ncp's README: "the error messages will be logged to `stdout` and to
    `./ncp-debug.log`"): the code that follows is a file it creates in the reader's current
    directory, not a file of this repository nor a command to run."""
    sentence = _SENTENCE_END_RE.split(text)[-1]
    return bool(_OUTPUT_LOCATION_RE.search(sentence))


# "Default is", "defaults to", "the default directory is", "(default:"
_DEFAULT_VALUE_RE = re.compile(
    r"\bdefault(?:s\s+to|\s+(?:value|directory|dir|folder|path|file|location)\s+is|\s+is)"
    r"\s*[\"'\u201c(]*$",
    re.I,
)
_DEFAULT_COLON_RE = re.compile(r"\bdefault\s*[:=]\s*[\"'\u201c(]*$", re.I)


def is_default_value_lead(text: str) -> bool:
    """Whether the sentence that `text` ends in gives the value a setting takes by default
    (strike's task-latex(7): "`-d | --dir [directory]`: Specifies an alternative directory to
    search for source `.tex` files. Default is `./doc/latex`."): the code that follows is a
    place in the reader's project the option names, not a file of this repository nor a
    command to run. "By default, run `./x`" is no such lead."""
    sentence = _SENTENCE_END_RE.split(text)[-1]
    return bool(_DEFAULT_VALUE_RE.search(sentence) or _DEFAULT_COLON_RE.search(text))


def is_location_lead(text: str) -> bool:
    """Whether the code after `text` is a place things are installed or written to, or an
    option's default value."""
    return (
        is_install_location_lead(text)
        or is_output_location_lead(text)
        or is_default_value_lead(text)
    )


@dataclass
class _TableState:
    """Where the parser is in a Markdown table: which table, which column, the header texts."""

    index: int = -1
    inside: bool = False
    column: int = -1
    headers: list[str] = field(default_factory=list)

    def see(self, token: Token) -> None:
        if token.type == "table_open":
            self.index, self.inside, self.headers = self.index + 1, True, []
        elif token.type == "table_close":
            self.inside = False
        elif token.type == "tr_open":
            self.column = -1
        elif token.type in ("th_open", "td_open"):
            self.column += 1

    def cell(self) -> tuple[int, bool] | None:
        """(table index, whether this column holds old names) inside a table, else None."""
        if not self.inside:
            return None
        header = self.headers[self.column] if 0 <= self.column < len(self.headers) else ""
        return self.index, bool(_OLD_COLUMN_RE.search(header))


def _blank_front_matter(text: str) -> str:
    """Replace a leading YAML front-matter block by blank lines (keeps line numbers)."""
    if not text.startswith("---\n"):
        return text
    lines = text.split("\n")
    for end in range(1, min(len(lines), 200)):
        if lines[end].strip() in ("---", "..."):
            return "\n" * end + "\n" + "\n".join(lines[end + 1 :])
    return text


def _add_code_block(doc: DocFile, token: Token, start: int, code_lines: set[int]) -> None:
    assert token.map is not None
    first, last = token.map
    code_lines.update(range(first + 1, last + 1))
    if token.type == "fence":
        match = _FENCE_LANG_RE.match(token.info)
        language = match.group(1).lower() if match else ""
        doc.code_blocks.append(CodeBlock(language, token.content, start + 1))
    else:
        doc.code_blocks.append(CodeBlock("", token.content, start))


def _add_html(doc: DocFile, content: str, start: int) -> None:
    """Links and ids of raw HTML; a comment (`<!-- ... -->`, often a generator's template such
    as a cog or Jinja block) is not rendered, so what it holds is neither."""
    content = _HTML_COMMENT_RE.sub(lambda m: "\n" * m.group(0).count("\n"), content)
    for match in _HTML_ATTR_RE.finditer(content):
        line = start + content.count("\n", 0, match.start())
        tag = match.group(1).lower()
        doc.links.append(Link(html.unescape(match.group(3)), line, tag, "html"))
    for match in _HTML_ID_RE.finditer(content):
        doc.anchors.add(html.unescape(match.group(1)))


def _scan_inline(doc: DocFile, token: Token, start: int, cell: tuple[int, bool] | None) -> None:
    line = start
    link_stack: list[tuple[str, int, list[str]]] = []
    children = token.children or []
    table, old_column = cell if cell else (None, False)
    before = ""  # the paragraph's text so far, for "For example, `x`"
    for index, child in enumerate(children):
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "link_open":
            link_stack.append((str(child.attrs.get("href", "")), line, []))
        elif child.type == "link_close" and link_stack:
            href, link_line, words = link_stack.pop()
            doc.links.append(Link(unquote(href), link_line, "".join(words), "link"))
        elif child.type == "image":
            doc.links.append(
                Link(unquote(str(child.attrs.get("src", ""))), line, child.content, "image")
            )
        elif child.type == "code_inline":
            after = children[index + 1 : index + 3]
            renamed = (
                len(after) == 2
                and bool(_ARROW_RE.fullmatch(after[0].content))
                and after[1].type == "code_inline"
            )  # `old` -> `new`
            old = old_column or renamed
            example = is_example_lead(before)
            location = is_location_lead(before)
            doc.inline_code.append(InlineCode(child.content, line, table, old, example, location))
        elif child.type == "html_inline":
            _add_html(doc, child.content, line)
        elif child.type == "text":
            _add_attribute_list_ids(doc, child.content)
        if child.type in ("text", "code_inline") and link_stack:
            link_stack[-1][2].append(child.content)
        if child.content and child.type in ("text", "code_inline"):
            line += child.content.count("\n")
            before += child.content
        elif child.type in ("softbreak", "hardbreak"):
            before += " "


def _add_attribute_list_ids(doc: DocFile, text: str) -> None:
    """Ids given by attribute lists in prose: Python-Markdown's attr_list (MkDocs' `extra`,
    `attr_list`) and kramdown put `__text__{: #text }` or `**`opt`**{ #opt }` on the element
    before it, and a `{: #id }` line on its block; the rendered page has that id. Text in code
    spans is not prose (a document explaining the syntax gives no id)."""
    for match in _ATTR_LIST_RE.finditer(text):
        ident = attribute_list_id(match.group(1))
        if ident:
            doc.anchors.add(ident)


def _heading_text(token: Token) -> tuple[str, str | None]:
    """Plain text of a heading as a reader sees it, plus the id of an attribute list that
    ends it (`{#custom-id}`, `{: #custom-id }`, `{ #custom-id data-toc-label='x' }`)."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    text = "".join(parts).strip()
    custom = _CUSTOM_ID_RE.search(text)
    ident = attribute_list_id(custom.group(1)) if custom else None
    if custom and ident:
        return text[: custom.start()].strip(), ident
    return text, None


def attribute_list_id(attributes: str) -> str | None:
    """The `#id` of an attribute list's contents (`#id .class key='v'`), else None."""
    match = _ATTR_ID_RE.search(_QUOTED_RE.sub("", attributes))
    return match.group(1) if match else None


_QUOTED_RE = re.compile(r"""=(?:"[^"]*"|'[^']*')""")


def _add_headings(doc: DocFile, found: list[tuple[int, int, str, str | None]]) -> None:
    slugs = collision_free_slugs(text for _, _, text, _ in found)
    for (level, line, text, custom), slug in zip(found, slugs, strict=True):
        doc.headings.append(Heading(level, text, custom or slug, line))
        doc.anchors.add(slug)
        if custom:
            doc.anchors.add(custom)


def _prose_lines(text: str, code_lines: set[int]) -> list[tuple[int, str]]:
    prose = []
    for number, line in enumerate(text.split("\n"), start=1):
        if number in code_lines or not line.strip():
            continue
        prose.append((number, _CODE_SPAN_RE.sub(" ", line)))
    return prose


# --------------------------------------------------------------------------- reStructuredText

_RST_ADORNMENT_RE = re.compile(r"^([=\-`:'\"~^_*+#<>.])\1{2,}\s*$")
# A target name with colons is backquoted or has them backslash-escaped (`.. _`A::B`: url`).
_RST_TARGET_RE = re.compile(r"^\s*\.\.\s+_(`[^`]+`|(?:\\.|[^:\\])+):\s*(\S.*)?$")
_RST_DIRECTIVE_RE = re.compile(r"^(\s*)\.\.\s+([\w:-]+)::\s*(.*)$")
_RST_HYPERLINK_RE = re.compile(r"`([^`<]*?)\s*<([^<>`]+)>`(__?)")
# an e-mail address as docutils' `adjust_uri` recognises one: it makes it `mailto:`
_RST_EMAIL_RE = re.compile(r"^[\w.!#$%&'*+/=?^{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$")
# interpreted text, taken left to right so that each backtick closes the span it opened: the
# text between two spans (`:meth:`a` and/or :meth:`b``) is never read as a reference
_RST_INTERPRETED_RE = re.compile(r"(:[\w:+.-]+:)?`([^`]+)`(__?)?")
_RST_ROLE_RE = re.compile(r":(ref|doc):`([^`]+)`")
_RST_LITERAL_RE = re.compile(r"``(.+?)``")
_RST_FILE_DIRECTIVES = frozenset({"image", "figure", "include", "literalinclude"})
_RST_CODE_DIRECTIVES = frozenset({"code", "code-block", "sourcecode"})


def _rst_named_references(line: str) -> list[str]:
    """The names of the `name`_ references of one line (not roles, literals or `text <url>`_)."""
    line = _RST_LITERAL_RE.sub(lambda m: " " * len(m.group()), line)
    names = []
    for match in _RST_INTERPRETED_RE.finditer(line):
        role, body, underscores = match.groups()
        before = line[match.start() - 1] if match.start() else " "
        if (
            role
            or underscores != "_"
            or "<" in body
            or ">" in body
            or before.isalnum()
            or before == "_"
        ):
            continue
        names.append(body)
    return names


_RST_SPANNING_LITERAL_RE = re.compile(r"``(?:[^`\n]|`(?!`)|\n(?![ \t]*\n))+?``")


def _blank_spanning_literals(text: str) -> str:
    """`text` with every inline literal that spans lines (``a\nb``: inline markup may cross
    a line break within a paragraph) blanked, newlines kept: no line of one is read as a
    reference, target or link. One-line literals stay (they are inline code)."""

    def blank(match: re.Match[str]) -> str:
        found = match.group()
        return re.sub(r"[^\n]", " ", found) if "\n" in found else found

    return _RST_SPANNING_LITERAL_RE.sub(blank, text)


def parse_rst(text: str, path: str = "") -> DocFile:
    """A line-based reading of reStructuredText: enough to check links, targets and files."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    scanned = _blank_spanning_literals(text).split("\n")
    doc = DocFile(path=path, format="rst", line_count=len(lines))
    code_lines = _rst_code_lines(lines, doc) | rst_comment_lines(lines)
    titles: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        number = index + 1
        if number in code_lines:
            continue
        if _is_rst_title(lines, index):
            titles.append((number, re.sub(r"\\(.)", r"\1", line.strip())))
        _scan_rst_line(doc, scanned[index], number)
    slugs = collision_free_slugs(t for _, t in titles)
    for (number, title), slug in zip(titles, slugs, strict=True):
        doc.headings.append(Heading(0, title, slug, number))
        doc.anchors.add(slug)
        doc.rst_targets.add(reference_name(title))
    doc.prose = [
        (n, _RST_LITERAL_RE.sub(" ", line))
        for n, line in enumerate(lines, start=1)
        if n not in code_lines and line.strip()
    ]
    _annotate_blocks(doc)
    return doc


_RST_EXPLICIT_RE = re.compile(r"^(\s*)\.\.(?:\s+(.*))?$")
_RST_NOT_COMMENT_RE = re.compile(r"^(?:_|\||\[|[\w:-]+::)")


def rst_comment_lines(lines: list[str]) -> set[int]:
    """Line numbers (1-based) of reStructuredText comments: `.. text` that is no directive,
    target, substitution, footnote or citation, with the lines indented under it. Docutils
    renders none of them, so nothing in them is a link or a reference."""
    comments: set[int] = set()
    index = 0
    while index < len(lines):
        match = _RST_EXPLICIT_RE.match(lines[index])
        rest = (match.group(2) or "").strip() if match else ""
        if match is None or _RST_NOT_COMMENT_RE.match(rest):
            index += 1
            continue
        indent = len(match.group(1))
        end = index + 1
        while end < len(lines):
            line = lines[end]
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                break
            if not line.strip() and not rest and end == index + 1:
                break  # `..` then a blank line: an empty comment
            end += 1
        while end > index + 1 and not lines[end - 1].strip():
            end -= 1
        comments.update(range(index + 1, end + 1))
        index = end
    return comments


def _is_rst_title(lines: list[str], index: int) -> bool:
    line = lines[index]
    if not line.strip() or _RST_ADORNMENT_RE.match(line) or line.startswith((" ", "\t", "..")):
        return False
    below = lines[index + 1] if index + 1 < len(lines) else ""
    return bool(_RST_ADORNMENT_RE.match(below)) and len(below.rstrip()) >= len(line.rstrip())


def _rst_code_lines(lines: list[str], doc: DocFile) -> set[int]:
    """Lines of literal blocks (after `::`) and code directives; records them as code blocks."""
    code: set[int] = set()
    index = 0
    while index < len(lines):
        opened = _rst_block_opener(lines[index])
        if opened is None:
            index += 1
            continue
        base_indent = len(lines[index]) - len(lines[index].lstrip())
        end = index + 1
        while end < len(lines):
            candidate = lines[end]
            if candidate.strip() and len(candidate) - len(candidate.lstrip()) <= base_indent:
                break
            end += 1
        code.update(range(index + 2, end + 1))
        _add_rst_block(doc, opened, lines, index + 1, end)
        index = end
    return code


def _rst_block_opener(line: str) -> str | None:
    """The language of a block this line opens ("" when unknown), None if it opens none."""
    directive = _RST_DIRECTIVE_RE.match(line)
    if directive:
        return (
            directive.group(3).strip().lower()
            if directive.group(2) in _RST_CODE_DIRECTIVES
            else None
        )
    return "" if line.rstrip().endswith("::") and not line.lstrip().startswith("..") else None


def _add_rst_block(doc: DocFile, language: str, lines: list[str], first: int, end: int) -> None:
    """Record lines[first:end] (an indented block, options and blank lines skipped) as code."""
    while first < end and (not lines[first].strip() or lines[first].strip().startswith(":")):
        first += 1
    body = lines[first:end]
    while body and not body[-1].strip():
        body.pop()
    if not body:
        return
    width = min(len(b) - len(b.lstrip()) for b in body if b.strip())
    content = "\n".join(b[width:] for b in body) + "\n"
    doc.code_blocks.append(CodeBlock(language, content, first + 1))


def _rst_uri(target: str) -> str:
    """A hyperlink target as docutils reads it: an e-mail address (`Hannes <hannes@5monkeys.se>`_,
    `.. _mail: a@b.org`) is `mailto:` (its `Inliner.adjust_uri`), so no file; anything else, a
    scheme-less `github.com/user` included, is the URI as written."""
    target = target.strip()
    return f"mailto:{target}" if _RST_EMAIL_RE.match(target) else target


def _scan_rst_line(doc: DocFile, line: str, number: int) -> None:
    target = _RST_TARGET_RE.match(line)
    if target:
        name = re.sub(r"\\(.)", r"\1", target.group(1).strip("`"))
        doc.rst_targets.add(reference_name(name))
        doc.anchors.add(github_slug(name))
        if target.group(2) and not target.group(2).endswith("_"):
            doc.links.append(Link(_rst_uri(target.group(2)), number, name, "rst"))
        return
    directive = _RST_DIRECTIVE_RE.match(line)
    if directive and directive.group(2) in _RST_FILE_DIRECTIVES and directive.group(3).strip():
        doc.links.append(
            Link(directive.group(3).strip(), number, directive.group(2), "rst-directive")
        )
        return
    for match in _RST_HYPERLINK_RE.finditer(line):
        label, target_text, underscores = match.groups()
        if underscores == "_" and label:
            doc.rst_targets.add(reference_name(label))
        if not target_text.endswith("_"):
            doc.links.append(Link(_rst_uri(target_text), number, label, "rst"))
    for name in _rst_named_references(line):
        doc.rst_references.append(RstReference(name, number, "named"))
    for role, body in _RST_ROLE_RE.findall(line):
        inner = re.search(r"<([^<>]+)>\s*$", body)
        value = (inner.group(1) if inner else body).strip()
        if role == "doc":
            doc.links.append(Link(value, number, body, "rst-doc"))
        else:
            doc.rst_references.append(RstReference(value, number, "ref"))
    for match in _RST_LITERAL_RE.finditer(line):
        old = bool(re.match(_ARROW_RE.pattern + "``", line[match.end() :]))  # ``old`` -> ``new``
        example = is_example_lead(line[: match.start()])
        location = is_location_lead(line[: match.start()])
        doc.inline_code.append(
            InlineCode(match.group(1), number, old=old, example=example, location=location)
        )


# --------------------------------------------------------------------------- block shapes

TREE_GLYPHS = re.compile(r"[├└│]|\|--|\+--|`--")
_TREE_PREFIX = re.compile(r"^[\s│├└─|+`\-]*")
SHELL_BLOCK_LANGUAGES = frozenset(
    {"", "bash", "sh", "shell", "zsh", "console", "shell-session", "shellsession", "terminal"}
)
_DIFF_LANGUAGES = frozenset({"diff", "patch", "udiff"})


@dataclass(frozen=True)
class TreeEntry:
    path: str  # relative to the tree's root (or to the directory the root line names)
    line: int
    directory: bool


def is_tree(block: CodeBlock) -> bool:
    """A `tree`-style listing: at least two lines drawn with ├── └── │ or |-- +-- `--."""
    return sum(1 for line in block.content.splitlines() if TREE_GLYPHS.search(line)) >= 2


def tree_root(block: CodeBlock) -> str:
    """The first line of a tree when it is its root (no glyph): `proj/`, `/home/u/app`."""
    for line in block.content.splitlines():
        if line.strip():
            return "" if TREE_GLYPHS.search(line) else line.strip()
    return ""


def tree_entries(block: CodeBlock, dirs: set[str] | frozenset[str]) -> Iterator[TreeEntry]:
    """The paths of a tree listing. A root line naming one of `dirs` prefixes every path."""
    if not is_tree(block):
        return
    lines = list(block.numbered_lines())
    base = ""
    root = _clean_tree_name(tree_root(block))
    if root and root.rstrip("/") in dirs:
        base = root.rstrip("/")
    stack: list[tuple[int, str]] = []
    first = _first_line(lines)
    for index, (number, raw) in enumerate(lines):
        if not raw.strip() or (index == first and not TREE_GLYPHS.search(raw)):
            continue  # blank, or the root line
        prefix = _TREE_PREFIX.match(raw)
        column = prefix.end() if prefix else 0
        name = _clean_tree_name(raw[column:])
        if not name:
            continue
        while stack and stack[-1][0] >= column:
            stack.pop()
        parts = [base, *(n for _, n in stack), name.rstrip("/")]
        path = "/".join(p for p in parts if p)
        is_dir = name.endswith("/") or _deeper(lines, index, column)
        if not is_placeholder(name):
            yield TreeEntry(path, number, is_dir)
        if is_dir:
            stack.append((column, name.rstrip("/")))


def _first_line(lines: list[tuple[int, str]]) -> int:
    return next((i for i, (_, text) in enumerate(lines) if text.strip()), 0)


def _deeper(lines: list[tuple[int, str]], index: int, column: int) -> bool:
    for _, text in lines[index + 1 :]:
        if text.strip():
            prefix = _TREE_PREFIX.match(text)
            return (prefix.end() if prefix else 0) > column and bool(TREE_GLYPHS.search(text))
    return False


def _clean_tree_name(text: str) -> str:
    """The file name of a tree line, without `# comments`, `<- notes` or trailing text."""
    text = re.split(r"\s+(?:#|<-|←|--|//)|\s{2,}", text.strip(), maxsplit=1)[0].strip()
    return text.split(" ")[0] if " " in text else text


def is_placeholder(name: str) -> bool:
    """`...`, `<name>`, `*.py`, `{app}`, `$DIR`: a stand-in, not a real path."""
    return any(mark in name for mark in ("...", "…", "*", "<", ">", "{", "}", "$")) or name in (
        ".",
        "..",
    )


_PLACEHOLDER_PATH_RE = re.compile(r"(?:^|/)path/to(?:/|$)|^(?:\.{1,2}/)?your(?:[-_]\w+)?/", re.I)


def is_placeholder_path(path: str) -> bool:
    """`path/to/cli/script`, `your-app/bin/run`: the conventional stand-in for wherever the
    reader keeps a file, not a path of this project."""
    return bool(_PLACEHOLDER_PATH_RE.search(path))


# A Python `def`/`class` header (it ends in `:`), or a doctest prompt: never a shell line
_PYTHON_SOURCE_RE = re.compile(
    r"^\s*(?:(?:async\s+)?def\s+\w+\s*\(.*\)(?:\s*->\s*[^:]+)?\s*:\s*(?:#.*)?$"
    r"|class\s+\w+\s*(?:\(.*\))?\s*:\s*(?:#.*)?$)"
)


def is_shell_block(block: CodeBlock) -> bool:
    """Whether a block holds shell command lines: a shell language, or none given (an rST
    literal block after `::`, an unlabelled fence) unless its content is Python source (a
    `def`/`class` header, or a `>>>` doctest first): semver's "An appropriate docstring looks
    like this::" shows a function whose docstring says `make this function available in the
    public API.`, prose of the docstring, not a `make` command."""
    if block.language not in SHELL_BLOCK_LANGUAGES:
        return False
    if block.language:
        return True
    lines = [line for line in block.content.splitlines() if line.strip()]
    if lines and lines[0].lstrip().startswith(">>> "):
        return False
    return not any(_PYTHON_SOURCE_RE.match(line) for line in lines)


def has_prompts(block: CodeBlock) -> bool:
    """Whether the block shows prompts (`$ make`): then only prompt lines are commands."""
    return any(strip_prompt(line.strip()) is not None for line in block.content.splitlines())


def is_transcript(block: CodeBlock) -> bool:
    """Prompt lines followed by what the commands printed: a console session."""
    continuation = seen_prompt = False
    for raw in block.content.splitlines():
        text = raw.strip()
        command = strip_prompt(text)
        if command is not None:
            seen_prompt, continuation = True, command.endswith("\\")
        elif continuation:
            continuation = text.endswith("\\")
        elif text and not text.startswith("#") and seen_prompt:
            return True
    return False


@dataclass
class _Named:
    """What a shell block names: whether each local path exists here, and its programs."""

    exists: list[bool] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    programs: set[str] = field(default_factory=set)


def _named_by_commands(block: CodeBlock, doc_path: str, facts: ProjectFacts) -> _Named:
    """Run the block's commands through a shell session: paths it creates itself (a clone, a
    download, `mkdir`) are neither here nor missing; `cd` somewhere unknown ends the count."""
    named = _Named()
    session = Session(exists=lambda path: facts.has(path, doc_path))
    lines = block.numbered_lines()
    for command in session.run(lines, doc_path, "docs", prompt_only=has_prompts(block)):
        if command.cwd == UNKNOWN_DIR:
            continue
        argv = unwrap(list(command.argv))
        named.programs.add(argv[0] if argv else "")
        for word in argv:
            token = path_token(word)
            path = join(command.cwd, token) if token else ""
            if not token or command.produced(path) or command.maybe_from(path) is not None:
                continue
            named.paths.append(path)
            named.exists.append(facts.has(path, doc_path) or facts.has(token, doc_path))
    return named


_PATH_TOKEN_RE = re.compile(r"^(?:\.\.?/)?[\w@+-][\w.@+-]*(?:/[\w.@+-]+)*/?$")
_DOMAIN_RE = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$")


def path_token(word: str) -> str | None:
    """A relative path a command or tree names (`./x.sh`, `src/a.py`, `docs/`), cleaned."""
    if not _PATH_TOKEN_RE.match(word) or word.startswith("@") or "/" not in word:
        return None
    parts = [p for p in word.split("/") if p]
    if any(p == "..." for p in parts) or (
        parts and not parts[0].startswith(".") and _DOMAIN_RE.match(parts[0])
    ):
        return None  # `./...` (Go packages), `github.com/x/y` (an import path)
    return _clean_path(word)


def _clean_path(text: str) -> str:
    text = text.strip()
    while text.startswith("./"):
        text = text[2:]
    return text.rstrip("/") if text != "/" else text


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class ProjectFacts:
    """What a document is compared with to tell this project's paths from an example's."""

    files: frozenset[str]
    dirs: frozenset[str]
    programs: frozenset[str]  # names of the project's own commands
    names: frozenset[str] = frozenset()  # the project's package names (lower case)

    @classmethod
    def of(cls, target: Path, files: Iterable[str]) -> ProjectFacts:
        present = frozenset(files)
        dirs = frozenset(str(p) for f in present for p in PurePosixPath(f).parents) - {"."}
        programs = frozenset(own_programs(target, present))
        return cls(present, dirs, programs, frozenset(own_names(target, present)))

    def has(self, path: str, doc_path: str) -> bool:
        """Whether `path` exists relative to the repository root or to the document."""
        clean = _clean_path(path)
        relative = resolve_target(doc_path, clean)
        return any(c in self.files or c in self.dirs for c in (clean, relative) if c)


def own_programs(target: Path, files: frozenset[str]) -> set[str]:
    """The commands this project provides: `bin/*`, Go `cmd/*` (and the module when its root
    is a `main` package), console scripts, package.json `bin`, Cargo binaries."""
    programs: set[str] = set()
    for path in files:
        parts = path.split("/")
        if len(parts) == 2 and parts[0] == "bin":
            programs |= {parts[1], PurePosixPath(parts[1]).stem}
        elif len(parts) >= 3 and parts[0] == "cmd":
            programs.add(parts[1])
    manifests = _Manifests(target, files)
    for table in (manifests.pyproject.get("project"), manifests.poetry):
        if isinstance(table, dict):
            for key in ("scripts", "gui-scripts"):
                programs |= _names(table.get(key))
    bins = manifests.package.get("bin")
    package_name = {n.split("/")[-1] for n in _names(manifests.package.get("name"))}
    programs |= package_name if isinstance(bins, str) else _names(bins)
    if "main.go" in files:
        programs |= manifests.go_module
    cargo_bins = manifests.cargo.get("bin")
    for binary in cargo_bins if isinstance(cargo_bins, list) else []:
        programs |= _names(binary.get("name") if isinstance(binary, dict) else None)
    if "src/main.rs" in files:
        programs |= manifests.cargo_name
    return programs | {n.lower() for n in programs}


def own_names(target: Path, files: frozenset[str]) -> set[str]:
    """The names the project goes by: its package names in pyproject.toml, package.json,
    go.mod and Cargo.toml (what a clone of it is usually called)."""
    manifests = _Manifests(target, files)
    names = {n.split("/")[-1] for n in _names(manifests.package.get("name"))}
    names |= manifests.go_module | manifests.cargo_name
    for table in (manifests.pyproject.get("project"), manifests.poetry):
        names |= _names(table.get("name")) if isinstance(table, dict) else set()
    return {n.lower() for n in names}


class _Manifests:
    """The project's top-level manifests, parsed (empty when absent or invalid)."""

    def __init__(self, target: Path, files: frozenset[str]) -> None:
        def toml(name: str) -> dict[str, Any]:
            return read_toml(target / name) if name in files else {}

        self.pyproject = toml("pyproject.toml")
        tool = self.pyproject.get("tool")
        poetry = tool.get("poetry") if isinstance(tool, dict) else None
        self.poetry: dict[str, Any] = poetry if isinstance(poetry, dict) else {}
        self.package = _json_object(target / "package.json") if "package.json" in files else {}
        self.cargo = toml("Cargo.toml")
        package = self.cargo.get("package")
        self.cargo_name = _names(package.get("name")) if isinstance(package, dict) else set()
        self.go_module: set[str] = set()
        module = re.search(r"^module\s+(\S+)", read_text(target / "go.mod"), re.M)
        if "go.mod" in files and module:
            parts = [p for p in module.group(1).split("/") if not re.fullmatch(r"v\d+", p)]
            self.go_module = {parts[-1]} if parts else set()


def _names(value: object) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return {str(k) for k in value}
    return set()


def _json_object(path: Path) -> dict[str, object]:
    try:
        data = json.loads(read_text(path))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


_OUTPUT_SECTION_RE = re.compile(
    r"\b(?:(?:example|sample|expected)\s+(?:output|run|session|report|result)s?|"
    r"output\s+examples?|detected\s+issues|transcripts?|screenshots?)\b",
    re.I,
)
_OUTPUT_LEAD_RE = re.compile(
    r"(?:\b(?:prints?|printed|outputs|displays?|produces?|gives?(?:\s+(?:us|you))?|shows?)|"
    r"\b(?:you|we)(?:'ll|\s+will|\s+should|\s+would|\s+might|\s+can)?\s+(?:now\s+)?(?:see|get)|"
    r"\band\s+get|\b(?:example|sample|expected)\s+(?:output|results?|report))"
    r"\s*(?:something\s+like(?:\s+this)?|the\s+following|this|e\.g\.)?\s*[:.]?\s*$",
    re.I,
)  # a lead-in that ends by announcing output: "prints:", "and you'll see:", "gives us"
_OUTPUT_NOUN_LEAD_RE = re.compile(
    r"^(?:(?:the|example|sample|expected|its|typical)\s+)*output"
    r"(?:\s+(?:is|was|will\s+be|looks\s+like(?:\s+this)?))?\s*[:.]?$",
    re.I,
)  # a lead-in that is only "Output:" / "The output is:"
_READER_LEAD_RE = re.compile(
    r"\b(?:your\s+(?:own\s+)?|(?:the\s+)?(?:tutorial|example|sample|demo)(?:'s)?\s+)"
    r"(?:project|app|application|program|package|module|repo|repository|codebase|cli|tool|"
    r"library|service)\b",
    re.I,
)


def classify_docs(docs: dict[str, DocFile], facts: ProjectFacts) -> None:
    """Mark what in each document is not a claim about this project (see the module doc)."""
    for path, doc in docs.items():
        doc.role, doc.not_claims, doc.foreign_names = None, {}, set()
        doc.foreign_tables = set()
        if is_history_document(path):
            doc.role = "history"
            continue
        if is_tutorial_document(path) and _mostly_missing(_doc_paths(doc, facts)):
            doc.role = "another project"
            continue
        for block in doc.code_blocks:
            reason = _block_reason(doc, block, facts)
            if reason is not None:
                doc.not_claims[block.line] = reason
                if reason == "another project":
                    doc.foreign_names |= _example_names(block, path, facts)
        doc.foreign_tables = {
            table
            for table, paths in _table_paths(doc).items()
            if len(paths) >= 2 and _mostly_missing([facts.has(p, path) for p in paths])
        }


def _block_reason(doc: DocFile, block: CodeBlock, facts: ProjectFacts) -> str | None:
    if block.language in _DIFF_LANGUAGES:
        return "a diff"
    if is_tree(block):  # a layout, whatever introduces it: this project's or another's
        root = tree_root(block)
        exists = [facts.has(e.path, doc.path) for e in tree_entries(block, facts.dirs)]
        foreign = root.startswith(("/", "~")) or _mostly_missing(exists)
        return "another project" if foreign else None
    if _OUTPUT_SECTION_RE.search(block.section) or _is_output_lead(block.lead):
        return "output"
    if not is_shell_block(block):
        return None
    if not is_transcript(block) and not _READER_LEAD_RE.search(block.lead):
        return None  # an instruction: a claim whatever exists
    named = _named_by_commands(block, doc.path, facts)
    if named.programs & facts.programs:
        return None  # this project's own program, run on the reader's files
    return "another project" if _mostly_missing(named.exists) else None


def _is_output_lead(lead: str) -> bool:
    return bool(_OUTPUT_LEAD_RE.search(lead) or _OUTPUT_NOUN_LEAD_RE.match(lead))


def _mostly_missing(exists: list[bool]) -> bool:
    """At least one path, and fewer than half of them exist in the project."""
    return bool(exists) and 2 * sum(exists) < len(exists)


def _example_names(block: CodeBlock, doc_path: str, facts: ProjectFacts) -> set[str]:
    """Paths an example of another project shows, with their file names (`cmd/root.go`,
    `root.go`), so that prose naming them is read as part of the example."""
    if is_tree(block):
        paths = [e.path for e in tree_entries(block, facts.dirs)]
    else:
        paths = _named_by_commands(block, doc_path, facts).paths
    return {n for p in paths for n in (p, PurePosixPath(p).name)}


def _doc_paths(doc: DocFile, facts: ProjectFacts) -> list[bool]:
    """Whether each path the document's trees, shell blocks and inline code name exists."""
    exists: list[bool] = []
    for block in doc.code_blocks:
        if is_tree(block):
            exists += [facts.has(e.path, doc.path) for e in tree_entries(block, frozenset())]
        elif is_shell_block(block):
            exists += _named_by_commands(block, doc.path, facts).exists
    inline = [p for c in doc.inline_code if (p := path_token(c.text.strip()))]
    return exists + [facts.has(p, doc.path) for p in inline]


def _table_paths(doc: DocFile) -> dict[int, list[str]]:
    tables: dict[int, list[str]] = {}
    for code in doc.inline_code:
        if code.table is not None:
            path = path_token(code.text.strip())
            tables.setdefault(code.table, [])
            if path:
                tables[code.table].append(path)
    return tables


def _annotate_blocks(doc: DocFile) -> None:
    """Give each code block its section title and lead-in (the last prose line before it in
    the same section, with no other block in between)."""
    heading_lines = {h.line for h in doc.headings}
    headings = sorted((h.line, h.text) for h in doc.headings)
    prose = [(n, t) for n, t in doc.prose if n not in heading_lines and _is_lead_text(t)]
    prose_numbers = [n for n, _ in prose]
    heading_numbers = [line for line, _ in headings]
    annotated: list[CodeBlock] = []
    previous_end = 0
    for block in doc.code_blocks:
        index = bisect.bisect_left(heading_numbers, block.line) - 1
        section_line, section = headings[index] if index >= 0 else (0, "")
        at = bisect.bisect_left(prose_numbers, block.line) - 1
        lead = ""
        if at >= 0 and prose[at][0] > max(section_line, previous_end):
            lead = prose[at][1].strip().rstrip(":").strip()
        annotated.append(
            dataclasses.replace(block, section=section, section_line=section_line, lead=lead)
        )
        previous_end = block.line + block.content.count("\n")
    doc.code_blocks = annotated


def _is_lead_text(text: str) -> bool:
    stripped = text.strip()
    return not (
        _RST_ADORNMENT_RE.match(stripped)
        or stripped.startswith("..")
        or re.match(r"^:[\w-]+:", stripped)
        or set(stripped) <= set("|-: ")
    )


# --------------------------------------------------------------------------- project docs


def is_doc_path(path: str) -> bool:
    suffix = PurePosixPath(path).suffix.lower()
    return suffix in MARKDOWN_SUFFIXES or suffix in RST_SUFFIXES


def is_markdown_path(path: str) -> bool:
    return PurePosixPath(path).suffix.lower() in MARKDOWN_SUFFIXES


def parse_doc(text: str, path: str) -> DocFile:
    if PurePosixPath(path).suffix.lower() in RST_SUFFIXES:
        return parse_rst(text, path)
    return parse_markdown(text, path)


def read_doc(target: Path, path: str) -> DocFile | None:
    """Parse one documentation file of the project; None if it is unreadable or too big."""
    data = read_bytes(target / path, limit=MAX_DOC_BYTES, root=target)
    if data is None:
        return None
    return parse_doc(data.decode("utf-8", errors="replace"), path)


def load_docs(
    target: Path, files: Iterable[str], stored: FileResults | None = None
) -> dict[str, DocFile]:
    """Every Markdown/reStructuredText file among `files`, parsed, keyed by relative path;
    with `stored`, a document whose content is unchanged is read back from its stored form
    instead of parsed again."""
    docs = {}
    for path in files:
        if not is_doc_path(path):
            continue
        if stored is None:
            doc = read_doc(target, path)
        else:
            doc = stored.reuse(path, partial(read_doc, target, path), doc_to_json, doc_from_json)
        if doc is not None:
            docs[path] = doc
    return docs


# --------------------------------------------------------------------------- stored form

_PARTS: dict[str, Any] = {
    "headings": Heading,
    "links": Link,
    "code_blocks": CodeBlock,
    "inline_code": InlineCode,
    "rst_references": RstReference,
}


def doc_to_json(doc: DocFile) -> dict[str, Any]:
    """A parsed document as JSON (what parsing gives: `classify_docs` sets the rest each run)."""
    value: dict[str, Any] = {"path": doc.path, "format": doc.format}
    for name in _PARTS:
        value[name] = [list(dataclasses.astuple(item)) for item in getattr(doc, name)]
    value["prose"] = [list(line) for line in doc.prose]
    value["anchors"] = sorted(doc.anchors)
    value["rst_targets"] = sorted(doc.rst_targets)
    value["line_count"] = doc.line_count
    return value


def doc_from_json(value: Any) -> DocFile:
    """`doc_to_json` read back; TypeError/ValueError/KeyError when it is not that form."""
    if not isinstance(value, dict) or value.get("format") not in ("markdown", "rst"):
        raise TypeError("not a stored document")
    doc = DocFile(str(value["path"]), value["format"])
    for name, kind in _PARTS.items():
        setattr(doc, name, [_item(kind, raw) for raw in value[name]])
    doc.prose = [(_int(n), _str(t)) for n, t in value["prose"]]
    doc.anchors = {_str(a) for a in value["anchors"]}
    doc.rst_targets = {_str(t) for t in value["rst_targets"]}
    doc.line_count = _int(value["line_count"])
    return doc


def _item(kind: Any, raw: Any) -> Any:
    checks = _checks(kind)
    if not isinstance(raw, list) or len(raw) != len(checks):
        raise TypeError(f"not a stored {kind.__name__}")
    for (name, expected), item in zip(checks, raw, strict=True):
        if expected is not None and (type(item) is not expected):
            raise TypeError(f"{kind.__name__}.{name} is not {expected.__name__}")
    return kind(*raw)


_CHECKS: dict[Any, tuple[tuple[str, type | None], ...]] = {}


def _checks(kind: Any) -> tuple[tuple[str, type | None], ...]:
    """Each field of the dataclass `kind` and the type its stored value must have exactly
    (int, str or bool; None: not checked), worked out once per kind."""
    found = _CHECKS.get(kind)
    if found is None:
        types = {"int": int, "str": str, "bool": bool}
        found = tuple((f.name, types.get(str(f.type))) for f in dataclasses.fields(kind))
        _CHECKS[kind] = found
    return found


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("not an integer")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def project_facts(ctx: StepContext) -> ProjectFacts:
    """The project's files, directories and programs, computed once per run."""
    return ctx.memo.get("project_facts", lambda: ProjectFacts.of(ctx.target, project_files(ctx)))


def project_docs(ctx: StepContext) -> dict[str, DocFile]:
    """`load_docs` over the project's files, parsed and classified (`classify_docs`) once per
    run and shared by the steps; a Markdown file the tests or benchmarks read as input
    (`doc_data.data_documents`) is no document. A document's parse is kept per file in the step
    cache (`changes.filecache`, shared by the steps that read documents) while its content is
    unchanged; `docs_reuse(ctx)` says how many were parsed again."""

    def load() -> dict[str, DocFile]:
        candidates = [path for path in project_files(ctx) if is_doc_path(path)]
        inputs, reader_warnings = _inputs_and_warnings(ctx)
        parser = [code_id(sys.modules[__name__]), code_id(anchors), code_id(textfiles)]
        context = {"parser": [*parser, markdown_it.__version__]}
        stored = FileResults(ctx, "parsed", context, owner="markdown_docs")
        docs = load_docs(ctx.target, [path for path in candidates if path not in inputs], stored)
        stored.save()
        notes = [stored.describe(), *stored.warnings, *reader_warnings]
        ctx.memo.get("markdown_docs.reuse", lambda: notes)
        classify_docs(docs, project_facts(ctx))
        return docs

    return ctx.memo.get("markdown_docs", load)


def document_inputs(ctx: StepContext) -> frozenset[str]:
    """The Markdown and reStructuredText files the project's tests or benchmarks read as input
    (`doc_data.data_documents`): no documents, for every step that checks documents."""
    return _inputs_and_warnings(ctx)[0]


def _inputs_and_warnings(ctx: StepContext) -> tuple[frozenset[str], list[str]]:
    """`document_inputs`, with the reader cache's warnings, computed once per run."""

    def load() -> tuple[frozenset[str], list[str]]:
        files = project_files(ctx)
        candidates = [path for path in files if is_doc_path(path)]
        reader_code = [code_id(doc_data), code_id(textfiles)]
        readers = FileResults(ctx, "readers", {"code": reader_code}, owner="markdown_docs")
        inputs = data_documents(ctx.target, files, candidates, readers)
        readers.save()
        return frozenset(inputs), list(readers.warnings)

    return ctx.memo.get("markdown_docs.inputs", load)


def docs_reuse(ctx: StepContext) -> list[str]:
    """For a step's report: how many documents `project_docs` parsed again in this run, and
    why."""
    project_docs(ctx)
    return ctx.memo.get("markdown_docs.reuse", list)


README_NAMES = ("README.md", "README.rst", "README.markdown", "README.txt", "README")


def find_readme(files: Iterable[str]) -> str | None:
    """The top-level README (preferring Markdown), matched case-insensitively."""
    top = {f.lower(): f for f in files if "/" not in f}
    for name in README_NAMES:
        if name.lower() in top:
            return top[name.lower()]
    return None
