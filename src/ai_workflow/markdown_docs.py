"""Documentation files as data: headings and anchors, links, code, and the prose around them.

Markdown is parsed with markdown-it-py (CommonMark plus tables), so links, code spans and code
blocks are found the way a renderer sees them, with 1-based line numbers. Heading anchors follow
GitHub's rules. reStructuredText gets a simpler line-based reading: section titles, explicit
targets, hyperlinks, file-naming directives, literal blocks and inline literals.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ai_workflow.engine.step import StepContext
from ai_workflow.project_files import project_files

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
RST_SUFFIXES = frozenset({".rst"})
MAX_DOC_BYTES = 2_000_000
_FENCE_LANG_RE = re.compile(r"^\s*([\w+#.-]*)")
_HTML_ATTR_RE = re.compile(
    r"""<(a|img|source|link)\b[^>]*?\b(href|src)\s*=\s*["']([^"']+)["']""", re.I
)
_HTML_ID_RE = re.compile(r"""<[a-z][^>]*?\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.I)
_CUSTOM_ID_RE = re.compile(r"\s*\{#([\w.:-]+)\}\s*$")
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

    def numbered_lines(self) -> Iterator[tuple[int, str]]:
        for offset, text in enumerate(self.content.splitlines()):
            yield self.line + offset, text


@dataclass(frozen=True)
class InlineCode:
    text: str
    line: int


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


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    out = []
    for ch in text.strip().lower():
        if ch == " ":
            out.append("-")
        elif ch in "-_" or unicodedata.category(ch)[0] in "LMN":
            out.append(ch)
    return "".join(out)


def unique_slugs(texts: Iterable[str]) -> list[str]:
    """GitHub's de-duplication: the second "Usage" is `usage-1`, the third `usage-2`."""
    seen: dict[str, int] = {}
    taken: set[str] = set()
    slugs = []
    for text in texts:
        base = github_slug(text)
        slug = base
        if slug in taken:
            count = seen.get(base, 0)
            while slug in taken:
                count += 1
                slug = f"{base}-{count}"
            seen[base] = count
        taken.add(slug)
        slugs.append(slug)
    return slugs


def rst_name(text: str) -> str:
    """docutils' reference-name normalisation: case- and whitespace-insensitive."""
    return " ".join(text.split()).lower()


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
    for index, token in enumerate(tokens):
        start = (token.map[0] + 1) if token.map else 1
        if token.type in ("fence", "code_block"):
            _add_code_block(doc, token, start, code_lines)
        elif token.type == "html_block":
            _add_html(doc, token.content, start)
        elif token.type == "inline":
            _scan_inline(doc, token, start)
            if index > 0 and tokens[index - 1].type == "heading_open":
                level = int(tokens[index - 1].tag[1:])
                plain, custom = _heading_text(token)
                heading_texts.append((level, start, plain, custom))
    _add_headings(doc, heading_texts)
    doc.prose = _prose_lines(text, code_lines)
    return doc


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
    for match in _HTML_ATTR_RE.finditer(content):
        line = start + content.count("\n", 0, match.start())
        tag = match.group(1).lower()
        doc.links.append(Link(html.unescape(match.group(3)), line, tag, "html"))
    for match in _HTML_ID_RE.finditer(content):
        doc.anchors.add(html.unescape(match.group(1)))


def _scan_inline(doc: DocFile, token: Token, start: int) -> None:
    line = start
    link_stack: list[tuple[str, int, list[str]]] = []
    for child in token.children or []:
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
            doc.inline_code.append(InlineCode(child.content, line))
        elif child.type == "html_inline":
            _add_html(doc, child.content, line)
        if child.type in ("text", "code_inline") and link_stack:
            link_stack[-1][2].append(child.content)
        if child.content and child.type in ("text", "code_inline"):
            line += child.content.count("\n")


def _heading_text(token: Token) -> tuple[str, str | None]:
    """Plain text of a heading as a reader sees it, plus a `{#custom-id}` if one is given."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    text = "".join(parts).strip()
    custom = _CUSTOM_ID_RE.search(text)
    if custom:
        return text[: custom.start()].strip(), custom.group(1)
    return text, None


def _add_headings(doc: DocFile, found: list[tuple[int, int, str, str | None]]) -> None:
    slugs = unique_slugs(text for _, _, text, _ in found)
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
_RST_TARGET_RE = re.compile(r"^\s*\.\.\s+_([^:]+|`[^`]+`):\s*(\S.*)?$")
_RST_DIRECTIVE_RE = re.compile(r"^(\s*)\.\.\s+([\w:-]+)::\s*(.*)$")
_RST_HYPERLINK_RE = re.compile(r"`([^`<]*?)\s*<([^<>`]+)>`(__?)")
_RST_NAMED_REF_RE = re.compile(r"(?<![:\w])`([^`<>]+)`_(?!_)")
_RST_ROLE_RE = re.compile(r":(ref|doc):`([^`]+)`")
_RST_LITERAL_RE = re.compile(r"``(.+?)``")
_RST_FILE_DIRECTIVES = frozenset({"image", "figure", "include", "literalinclude"})
_RST_CODE_DIRECTIVES = frozenset({"code", "code-block", "sourcecode"})


def parse_rst(text: str, path: str = "") -> DocFile:
    """A line-based reading of reStructuredText: enough to check links, targets and files."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    doc = DocFile(path=path, format="rst", line_count=len(lines))
    code_lines = _rst_code_lines(lines, doc)
    titles: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        number = index + 1
        if number in code_lines:
            continue
        if _is_rst_title(lines, index):
            titles.append((number, re.sub(r"\\(.)", r"\1", line.strip())))
        _scan_rst_line(doc, line, number)
    for (number, title), slug in zip(titles, unique_slugs(t for _, t in titles), strict=True):
        doc.headings.append(Heading(0, title, slug, number))
        doc.anchors.add(slug)
        doc.rst_targets.add(rst_name(title))
    doc.prose = [
        (n, _RST_LITERAL_RE.sub(" ", line))
        for n, line in enumerate(lines, start=1)
        if n not in code_lines and line.strip()
    ]
    return doc


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


def _scan_rst_line(doc: DocFile, line: str, number: int) -> None:
    target = _RST_TARGET_RE.match(line)
    if target:
        name = target.group(1).strip("`")
        doc.rst_targets.add(rst_name(name))
        doc.anchors.add(github_slug(name))
        if target.group(2) and not target.group(2).endswith("_"):
            doc.links.append(Link(target.group(2).strip(), number, name, "rst"))
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
            doc.rst_targets.add(rst_name(label))
        if not target_text.endswith("_"):
            doc.links.append(Link(target_text.strip(), number, label, "rst"))
    for match in _RST_NAMED_REF_RE.finditer(line):
        doc.rst_references.append(RstReference(match.group(1), number, "named"))
    for role, body in _RST_ROLE_RE.findall(line):
        inner = re.search(r"<([^<>]+)>\s*$", body)
        value = (inner.group(1) if inner else body).strip()
        if role == "doc":
            doc.links.append(Link(value, number, body, "rst-doc"))
        else:
            doc.rst_references.append(RstReference(value, number, "ref"))
    for match in _RST_LITERAL_RE.finditer(line):
        doc.inline_code.append(InlineCode(match.group(1), number))


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
    file = target / path
    try:
        if file.stat().st_size > MAX_DOC_BYTES:
            return None
        text = file.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None
    return parse_doc(text, path)


def load_docs(target: Path, files: Iterable[str]) -> dict[str, DocFile]:
    """Every Markdown/reStructuredText file among `files`, parsed, keyed by relative path."""
    docs = {}
    for path in files:
        if is_doc_path(path):
            doc = read_doc(target, path)
            if doc is not None:
                docs[path] = doc
    return docs


def project_docs(ctx: StepContext) -> dict[str, DocFile]:
    """`load_docs` over the project's files, parsed once per run and shared by the steps."""
    return ctx.memo.get("markdown_docs", lambda: load_docs(ctx.target, project_files(ctx)))


README_NAMES = ("README.md", "README.rst", "README.markdown", "README.txt", "README")


def find_readme(files: Iterable[str]) -> str | None:
    """The top-level README (preferring Markdown), matched case-insensitively."""
    top = {f.lower(): f for f in files if "/" not in f}
    for name in README_NAMES:
        if name.lower() in top:
            return top[name.lower()]
    return None
