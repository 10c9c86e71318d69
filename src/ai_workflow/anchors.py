"""Which `#fragment`s a document answers to: one implementation of the anchor rules, shared by
every step that checks link fragments (step 2 owns the check; step 12 defers to it).

- Markdown on a hosting site (GitHub's documented behaviour): a heading's text is lower-cased,
  every character that is not a letter, mark, digit, connector (`_`), hyphen or space is
  dropped (ASCII and Unicode punctuation alike, emoji too), each space becomes `-`; repeated
  headings get `-1`, `-2`, ... Explicit `id=`/`name=` attributes and the ids of attribute
  lists (`{#custom}`, Python-Markdown's and kramdown's `{: #custom }` after a heading or an
  inline element) count.
- reStructuredText and Sphinx (docutils' documented identifier normalisation): lower case,
  accents folded to ASCII, every run of other characters becomes one `-`, leading characters
  before the first letter and trailing hyphens dropped. Explicit targets (`.. _name:`, MyST's
  `(name)=`) are anchors too.
- Fragments are compared percent-decoded, then case-insensitively; `#top` always resolves (the
  HTML standard scrolls to the top of the document).

A document rendered by Sphinx (inside a Sphinx source tree) answers to both rule sets: the same
Markdown file is read on the hosting site and in the built HTML, and a link may target either.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

if TYPE_CHECKING:  # only for annotations: the parser may import the slug rules from here
    from ai_workflow.markdown_docs import DocFile

_KEPT_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "Pc"})
_JOIN_CONTROLS = frozenset({"\u200c", "\u200d"})
_MYST_TARGET_RE = re.compile(r"^\(([^()\s]+)\)=\s*$")
_HTML_HEADING_RE = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.I)
_TAG_RE = re.compile(r"<[^>]+>")
_ASCII_FOLD = {
    "ß": "sz",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "đ": "d",
    "ł": "l",
    "\u0131": "i",
    "ħ": "h",
}
_RST_MARKUP_RE = re.compile(r":[\w.+-]+:`([^`]*)`|``([^`]*)``|`([^`<]*?)\s*(?:<[^>]*>)?`_{0,2}")


# --------------------------------------------------------------------------- slug rules


def github_slug(text: str) -> str:
    """The anchor a hosting site (GitHub) gives a heading with this text content."""
    out = []
    for char in text.strip().lower():
        if char == " " or char == "-":
            out.append("-")
        elif char in _JOIN_CONTROLS or unicodedata.category(char) in _KEPT_CATEGORIES:
            out.append(char)
    return "".join(out)


def numbered_slugs(texts: Iterable[str]) -> list[str]:
    """GitHub's numbering of repeated headings: the second `Usage` is `usage-1`, the third
    `usage-2` (one counter per slug)."""
    counts: dict[str, int] = {}
    slugs = []
    for text in texts:
        base = github_slug(text)
        seen = counts.get(base, 0)
        slugs.append(f"{base}-{seen}" if seen else base)
        counts[base] = seen + 1
    return slugs


def collision_free_slugs(texts: Iterable[str]) -> list[str]:
    """The variant other renderers use: the counter also skips slugs another heading already
    produced (`Usage`, `Usage`, `Usage 1` -> `usage`, `usage-1`, `usage-1-1`)."""
    taken: set[str] = set()
    slugs = []
    for text in texts:
        base = slug = github_slug(text)
        count = 0
        while slug in taken:
            count += 1
            slug = f"{base}-{count}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


def docutils_id(text: str) -> str:
    """The id docutils (and so Sphinx) gives a section title or target name."""
    folded = "".join(_ASCII_FOLD.get(char, char) for char in text.lower())
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    hyphenated = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower())
    return re.sub(r"^[^a-z]+", "", hyphenated).rstrip("-")


def rst_plain_text(title: str) -> str:
    """A reStructuredText title as text: roles, literals and references reduced to their text,
    emphasis markers and backslash escapes dropped."""
    text = _RST_MARKUP_RE.sub(lambda m: next(g for g in m.groups() if g is not None), title)
    text = re.sub(r"(?<!\w)\*{1,2}|\*{1,2}(?!\w)", "", text)
    return re.sub(r"\\(.)", r"\1", text).strip()


def reference_name(text: str) -> str:
    """docutils' reference-name normalisation (labels, `:ref:`): blanks and case ignored."""
    return " ".join(text.split()).lower()


def myst_target(line: str) -> str | None:
    """The name of a MyST `(name)=` target line, else None."""
    match = _MYST_TARGET_RE.match(line.strip())
    return match.group(1) if match else None


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class Anchors:
    """The fragments one document answers to."""

    names: frozenset[str]

    def resolves(self, fragment: str) -> bool:
        wanted = unquote(fragment)
        if not wanted or wanted in self.names or wanted.lower() == "top":
            return True
        lowered = wanted.lower()
        return any(name.lower() == lowered for name in self.names)

    def closest(self, fragment: str) -> str | None:
        close = difflib.get_close_matches(unquote(fragment).lower(), sorted(self.names), n=1)
        return close[0] if close else None


def document_anchors(doc: DocFile, *, sphinx: bool = False) -> Anchors:
    """Every anchor of a parsed document; `sphinx`: it is also built into HTML by Sphinx."""
    names: set[str] = set(doc.anchors)  # explicit ids and the parser's own heading slugs
    titles = [heading.text for heading in doc.headings]
    names |= _html_heading_slugs(doc)
    if doc.format == "markdown":
        names |= set(numbered_slugs(titles)) | set(collision_free_slugs(titles))
        for _, line in doc.prose:
            label = myst_target(line)
            if label:
                names |= {label, docutils_id(label)}
    if doc.format == "rst" or sphinx:
        plain = [rst_plain_text(t) if doc.format == "rst" else t for t in titles]
        names |= {docutils_id(t) for t in plain} | {docutils_id(t) for t in doc.rst_targets}
    names.discard("")
    return Anchors(frozenset(names))


def section_labels(doc: DocFile) -> set[str]:
    """Section titles as Sphinx's autosectionlabel names them (normalised reference names)."""
    titles = (rst_plain_text(h.text) if doc.format == "rst" else h.text for h in doc.headings)
    return {reference_name(title) for title in titles}


def _html_heading_slugs(doc: DocFile) -> set[str]:
    """Raw `<h2>...</h2>` headings on one line get anchors too (accepted, never required)."""
    if doc.format != "markdown":
        return set()
    return {
        github_slug(_TAG_RE.sub("", match.group(1)))
        for _, line in doc.prose
        for match in _HTML_HEADING_RE.finditer(line)
    }
