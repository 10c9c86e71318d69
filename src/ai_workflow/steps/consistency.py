"""Step 2: Consistency Analysis. Versions agree across manifests, CHANGELOG and README; links,
images and anchors of Markdown and reStructuredText documents resolve (`ai_workflow.doc_links`).

Versions are compared in their ecosystem's scheme (`ai_workflow.version_schemes`): PEP 440 for
Python, Semantic Versioning for package.json. A changelog entry marked unreleased (in its
heading, or on the line under it: `Unreleased`, `TBD`, a date placeholder) is the release in
progress: the project may declare it, or a pre-release of it, while its newest released entry is
older. Links to http(s) URLs are never followed: the step needs no network. Link fragments are
this step's (step 12 does not report them), so each broken anchor is reported once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.anchors import reference_name
from ai_workflow.changelog_generation import changelog_generator
from ai_workflow.doc_kinds import is_changelog, is_history_document
from ai_workflow.doc_links import Level, LinkChecker, rst_included_targets
from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.markdown_docs import (
    DocFile,
    find_readme,
    is_external,
    project_docs,
)
from ai_workflow.nested import dig
from ai_workflow.project_files import project_files
from ai_workflow.sphinx_docs import BUILTIN_LABELS, SphinxTree, tree_of
from ai_workflow.steps.documentation import PythonIndex
from ai_workflow.textfiles import line_of, read_text, read_toml
from ai_workflow.version_schemes import ParsedVersion, Scheme, parse_version, same_version

SPEC = StepSpec(
    id="consistency",
    number=2,
    name="Consistency Analysis",
    description=(
        "Versions agree across manifests, CHANGELOG and README; Markdown links and anchors resolve."
    ),
    depends_on=("pre_analysis",),
    # paths: links may point at any file (an image, a script): deleting one breaks them.
    categories=("docs", "deps", "code", "paths"),
    estimate_s=90.0,
    persona="documentation specialist and information architect",
)

VERSION = (
    r"\d+\.\d+(?:\.\d+)*"
    r"(?:[-.]?(?:a|b|c|rc|alpha|beta|pre|preview|dev|post)(?![a-z])\.?\d*)*"
)
"""A version and its pre-release tags, each a whole word: in `version-1.0.0-blue.svg`, a
shields.io badge (label-message-colour), `-blue` is the colour, not a pre-release `-b`."""
_VERSION_RE = re.compile(rf"(?<![\w.])v?({VERSION})(?![\w.]*\d)", re.I)
_DUNDER_VERSION_RE = re.compile(r"""^__version__\s*(?::\s*\w+\s*)?=\s*["']([^"']+)["']""", re.M)
_VERSION_FILES = frozenset({"__init__.py", "_version.py", "version.py", "__about__.py"})
_TEMPLATE_MARKERS = ("{", "<", ">", "$")
"""Placeholders of a template (`{{ url }}`, `{% ... %}`, `{name}`, `<path>`, `$VAR`): the link is
filled in when the page is generated, so its raw text is not a path."""
_HISTORY_WORDS = re.compile(
    r"\b(since|in|from|before|after|until|prior|as of|added|removed|changed|deprecated|"
    r"introduced|python|node|node\.js|npm|pip|java|go|rust|ruby|git|docker|bash|ubuntu|"
    r"debian|macos|windows|requires?|minimum|compatible|supports?)\b[^.\n]{0,12}$",
    re.I,
)


_HISTORY_PHRASE = re.compile(
    r"\b(?:since|before|until|prior to|as of|(?:introduced|added|new|changed|deprecated|removed)"
    r" in)(?:[\s,]+[^\s.,]+){0,3}[\s,]*$",
    re.I,
)
"""`Prior to natsort version 7.1.0, ...`: a phrase of history, then up to three words (the
project's name, "the", "release") before `version`; read after inline markup is removed."""
_INLINE_MARKUP = re.compile(r"`([^`]*)`_{0,2}|\[([^\]]*)\]\([^)]*\)|\*+")
"""RST/Markdown inline markup around a name (`` `natsort`_ ``, `[natsort](url)`, `**x**`)."""


_MINIMUM_AFTER = re.compile(
    r"\s*(?:\+|or (?:later|newer|higher|above|greater|up)|and (?:later|newer|up|above))\b", re.I
)
"""`use version 1.2.6 or later`: a minimum for users (minimist's security note), not a claim
about the project's own version."""

_RUNTIME = (
    r"(?:python|pypy|node(?:\.js|js)?|php|ruby|perl|java|jdk|go|golang|django|rails|"
    r"ubuntu|debian|centos|rhel|windows|macos|ios|android|internet explorer|ie)"
)
_PLATFORM_RELEASE = re.compile(rf"\b{_RUNTIME}\s*(?:versions?\s*)?(?:[<>=]=?\s*)?v?\d", re.I)
_FOR_SOME_USERS = re.compile(r"\b(?:if you|still|legacy|older|old|users?)\b", re.I)
"""jsmin 3.0.1's README: 'Python 2 support was removed in version 3.0.0. If you need to support
Python 2, please use version 2.2.2 with setuptools<58.': a sentence that sends the users of
one platform's release (`Python 2`, `node 0.8`) to an older version of the project, advice for
those users, not a claim of the project's version. Both must be in the sentence: a platform
with its version number and words that single some users out (`if you`, `still`, `legacy`,
`users`); `install version 1.9.0 with Python 3.12` is still a claim."""


_BLOCK_START = re.compile(r"\s*(?:[-*+]\s|\d+[.)]\s|#|```|~~~)")


_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_SENTENCE_CHARS = 1000  # a sentence that wraps longer is read from its last ones


def _sentence_tail(text: str) -> str:
    """The text after its last sentence end, at most `_SENTENCE_CHARS` long: what
    `_legacy_advice` reads of the lines above, kept short so that a long paragraph (or
    fenced block) is read in one pass."""
    return _SENTENCE_END.split(text)[-1][-_SENTENCE_CHARS:]


def _legacy_advice(sentence: str) -> bool:
    """The text before a version, from the start of its sentence, is advice to the users of an
    older platform (`_FOR_SOME_USERS`, `_PLATFORM_RELEASE`)."""
    plain = _INLINE_MARKUP.sub(lambda m: m.group(1) or m.group(2) or "", sentence)
    plain = _SENTENCE_END.split(plain)[-1]
    return bool(_FOR_SOME_USERS.search(plain) and _PLATFORM_RELEASE.search(plain))


_LICENSE_BEFORE = re.compile(
    r"\b(?:licen[cs]e|A?GPL(?:v\d)?|LGPL(?:v\d)?|MPL|EPL|EUPL|CDDL|GFDL|FDL)"
    r"(?:\s*\((?-i:[A-Z])[\w.+-]{0,15}\))?[\s,:]*$",
    re.I,
)
"""The name of a license right before `version`, with its abbreviation in parentheses after it
if any (nocasedict 2.0.4's README: `GNU Lesser General Public License (LGPL) version 2.1`)."""
_LICENSE_AFTER = re.compile(
    r"\s+(?i:or\s+(?:\(at\s+your\s+option\)\s+)?any\s+later\s+version\s+)?(?i:of\s+the)\s+"
    r"(?:[A-Z][\w-]*\s+){0,5}?(?i:licen[cs]e|A?GPL|LGPL|MPL)\b"
)
"""`... or Apache License, version 2.0` (rc 1.2.8's README under '## License'), `GNU General
Public License version 3`, `version 2 of the GNU General Public License`: the version of a
license, not a claim about the project's own version. The words between `of the` and the
license are its name, capitalised (`GNU Lesser General Public`): `version 3.0.0 of the client
drops the old license key check` is the project's version."""


def _license_version(before: str, after: str) -> bool:
    """The `version X` between `before` and `after` is a license's version."""
    return bool(_LICENSE_BEFORE.search(before) or _LICENSE_AFTER.match(after))


_NAMED_BEFORE = re.compile(
    r"(?:(?<![\w-])([A-Za-z][\w]*(?:[-_.][A-Za-z0-9]+)+|[A-Z]{2,}\d*)[\s(]*"
    r"|(https?://\S+)[\s(]+)$"
)
"""`from scancode-toolkit version 32.3.1`, `SPDX https://spdx.org/licenses/ (version 3.26)`:
the name right before `version` (a hyphenated or dotted name, an acronym, or a URL, with an
optional opening parenthesis) says whose version it is. A URL must end before `version`: in a
badge's `https://img.shields.io/badge/version-1.9.0-blue.svg` the word is the URL's own path
and the version the project's."""


def _other_named(before: str, own: set[str]) -> bool:
    """The `version X` after `before` is named as another thing's version (license-expression
    30.4.4's README: the SPDX license list's 3.26, scancode-toolkit's 32.3.1). A plain word
    (`the`, `current`, `mylib`) names nothing, and the project's own name keeps the claim."""
    plain = _INLINE_MARKUP.sub(lambda m: m.group(1) or m.group(2) or "", before)
    match = _NAMED_BEFORE.search(plain)
    if match is None:
        return False
    names = {_name_key(name) for name in own}
    if match.group(2):
        return not any(name and name in _name_key(match.group(2)) for name in names)
    return _name_key(match.group(1)) not in names


def _name_key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.lower())


def _setup_cfg_name(target: Path, files: list[str]) -> set[str]:
    """The `name` in setup.cfg's [metadata], where a setuptools project declares it."""
    if "setup.cfg" not in files:
        return set()
    cfg = read_text(target / "setup.cfg")
    match = re.search(r"^\[metadata\][^\[]*?^name\s*=\s*([\w.-]+)\s*$", cfg, re.M | re.S)
    return {match.group(1).lower()} if match else set()


_ANNOUNCED_AFTER = re.compile(
    r"[`*_'\")\]]*\s*(?:has|have|had|was|were)\s+(?:just\s+|now\s+|finally\s+)?"
    r"(?:been\s+)?(?:released|published|shipped)\b",
    re.I,
)
"""`` `co@4.0.0` has been released, which now relies on promises``: the announcement of a past
release (the one that changed the API), not a claim that the project is at that version."""

ANNOUNCED = "readme (release announcement)"
PIN = "readme (install pin)"
"""`pip install name==X`, `name@X`: what the reader is told to install, a claim."""
NOTES = "readme (version notes)"
"""A mention under one of several headings that each name a release (`### Version 0.2.2`,
`### Version 0.1.0`, ...): per-version notes, whose older releases are history."""
_VERSION_HEADING_RE = re.compile(
    rf"^(?:(?:version|release|v)\s*)?v?({VERSION})(?:\s*(?:[-\u2013\u2014:(,].*)?)?$", re.I
)


@dataclass(frozen=True)
class VersionMention:
    source: str  # pyproject, setup.cfg, __version__, package.json, changelog, readme, ...
    value: str
    path: str
    line: int | None

    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


def run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    files = project_files(ctx)
    docs = project_docs(ctx)
    versions = check_versions(ctx.target, files, docs, outcome)
    link_stats = check_links(ctx.target, files, docs, outcome)
    outcome.data.update(versions)
    outcome.data["links"] = link_stats
    outcome.summary = (
        f"version {versions['project_version'] or 'unknown'}; "
        f"{link_stats['checked']} links in {link_stats['documents']} documents, "
        f"{link_stats['broken']} broken"
    )
    return outcome


# --------------------------------------------------------------------------- versions


def _scheme(mention: VersionMention) -> Scheme:
    """PEP 440 for versions a Python manifest declares, Semantic Versioning for package.json."""
    return "semver" if mention.source == "package.json" else "pep440"


def _differ(a: str, b: str, scheme: Scheme) -> bool:
    """True only when both versions parse in `scheme` and are not equal."""
    return same_version(a, b, scheme) is False


def check_versions(
    target: Path, files: list[str], docs: dict[str, DocFile], outcome: StepOutcome
) -> dict[str, Any]:
    """Collect declared and documented versions and report disagreements."""
    pyproject = read_toml(target / "pyproject.toml") if "pyproject.toml" in files else {}
    python = _python_versions(target, files, pyproject)
    js = _package_json_version(target, files)
    project = python[0] if python else (js[0] if js else None)
    _report_disagreements(python, "Python version declarations", outcome)
    if (
        python
        and js
        and not _private_package(target)
        and _cross_ecosystem_differ(python[0].value, js[0].value)
    ):
        outcome.add(
            "version/mismatch",
            "warning",
            f"package.json declares version {js[0].value} but {python[0].where()} says "
            f"{python[0].value}",
            js[0].path,
            js[0].line,
        )
    entries = changelog_entries(target, files, docs)
    released = next((e for e in entries if not e.unreleased), None)
    readme = _readme_versions(target, files, docs, _project_names(pyproject, target))
    if project is not None:
        _compare_changelog(
            project,
            entries,
            outcome,
            lambda path: changelog_generator(target, files, path),
            lambda path: read_text(target / path, root=target),
        )
        _compare_readme(project, readme, outcome, docs.get(readme[0].path) if readme else None)
    mentions = python + js + [e.mention for e in entries[:2]] + readme
    outcome.checked.append(
        "versions: "
        + (", ".join(f"{m.source} {m.value} ({m.where()})" for m in mentions) or "none declared")
    )
    return {
        "project_version": project.value if project else None,
        "changelog_version": released.mention.value if released else None,
        "changelog_unreleased": [e.mention.value for e in entries if e.unreleased],
        "versions": [asdict(m) for m in mentions],
    }


def _cross_ecosystem_differ(python: str, js: str) -> bool:
    """A Python and a package.json version differ: compared in the first scheme both parse in."""
    for scheme in ("pep440", "semver"):
        equal = same_version(python, js, scheme)
        if equal is not None:
            return not equal
    return False


def _toml_key_line(text: str, table: str, key: str) -> int | None:
    header = re.search(rf"^\[{re.escape(table)}\]\s*$", text, re.M)
    if header is None:
        return None
    end = re.search(r"^\[", text[header.end() :], re.M)
    stop = header.end() + end.start() if end else len(text)
    line = line_of(text[:stop], rf"^\s*{re.escape(key)}\s*=", header.end())
    return line


def _python_versions(
    target: Path, files: list[str], pyproject: dict[str, Any]
) -> list[VersionMention]:
    found: list[VersionMention] = []
    text = read_text(target / "pyproject.toml")
    for table, data in (("project", pyproject.get("project")), ("tool.poetry", _poetry(pyproject))):
        if isinstance(data, dict) and isinstance(data.get("version"), str):
            line = _toml_key_line(text, table, "version")
            found.append(VersionMention("pyproject", data["version"], "pyproject.toml", line))
    if "setup.cfg" in files:
        cfg = read_text(target / "setup.cfg")
        match = re.search(r"^\[metadata\][^\[]*?^version\s*=\s*(\d[^\s#]*)\s*$", cfg, re.M | re.S)
        if match:
            line = cfg.count("\n", 0, match.start(1)) + 1
            found.append(VersionMention("setup.cfg", match.group(1), "setup.cfg", line))
    written = _scm_written_files(target, files, pyproject)
    for path in _version_files(files, pyproject):
        if path in written:
            continue  # the build writes it from the checkout's git tags: not a declaration
        source = read_text(target / path)
        match = _DUNDER_VERSION_RE.search(source)
        if match:
            line = source.count("\n", 0, match.start()) + 1
            found.append(VersionMention("__version__", match.group(1), path, line))
    return found


_SETUP_WRITE_TO = re.compile(
    r"""["']?\b(?:write_to|version_file)\b["']?\s*[:=]\s*"""
    r"""(?:os\.path\.join\((?P<parts>[^)]*)\)|["'](?P<path>[^"']+)["'])"""
)
_STRING = re.compile(r"""["']([^"']+)["']""")


def _scm_written_files(target: Path, files: list[str], pyproject: dict[str, Any]) -> set[str]:
    """The version files the build writes from git (setuptools_scm's `write_to` or
    `version_file`, in setup.py's `use_scm_version={...}` or pyproject's
    `[tool.setuptools_scm]`; hatch-vcs's `version-file`; pdm's scm `write_to`). Their
    `__version__` is whatever the checkout's tags give when the project is installed:
    dictdiffer 0.9.0's sdist ships version.py with '0.9.0', and `pip install -e .` in a
    checkout without its release tags rewrites it to setuptools_scm's fallback
    '0.1.dev1+dirty'. Such a file declares nothing of its own; a hand-written one does."""
    written: set[str] = set()
    for key in ("write_to", "version_file"):
        value = dig(pyproject, "tool", "setuptools_scm", key)
        if isinstance(value, str):
            written.add(value)
    for value in (
        dig(pyproject, "tool", "hatch", "build", "hooks", "vcs", "version-file"),
        dig(pyproject, "tool", "pdm", "version", "write_to"),
    ):
        if isinstance(value, str):
            written.add(value)
    if "setup.py" in files:
        setup = read_text(target / "setup.py")
        if "use_scm_version" in setup:
            for found in _SETUP_WRITE_TO.finditer(setup):
                parts = found.group("parts")
                path = "/".join(_STRING.findall(parts)) if parts else found.group("path")
                if path:
                    written.add(path)
    return {str(PurePosixPath(path)) for path in written}


def _poetry(pyproject: dict[str, Any]) -> Any:
    tool = pyproject.get("tool")
    return tool.get("poetry") if isinstance(tool, dict) else None


def _import_name(name: str) -> str:
    return re.sub(r"[-.]+", "_", name).lower()


def _version_files(files: list[str], pyproject: dict[str, Any]) -> list[str]:
    """Files that may hold the project's `__version__`: its package's, or a configured path."""
    configured = _dynamic_version_path(pyproject, files)
    project = pyproject.get("project")
    name = project.get("name") if isinstance(project, dict) else None
    candidates = [
        f
        for f in files
        if PurePosixPath(f).name in _VERSION_FILES
        and len(PurePosixPath(f).parts) <= 3
        and not f.startswith(("tests/", "test/", "docs/", "examples/"))
        and not _in_subpackage(f, files)
    ]
    if isinstance(name, str):
        wanted = _import_name(name)
        candidates = [f for f in candidates if _import_name(PurePosixPath(f).parent.name) == wanted]
    if configured and configured in files and configured not in candidates:
        candidates.insert(0, configured)
    return candidates


def _in_subpackage(path: str, files: list[str]) -> bool:
    """Whether `path` lies in a package nested in another package of the project
    (`pycparser/ply/__init__.py` below `pycparser/__init__.py`). A subpackage's `__version__`
    is its own, most often that of a library bundled whole (pycparser 2.22 ships PLY in
    pycparser/ply, `__version__ = '3.9'`), not a declaration of the project's version, which
    its top package holds."""
    parent = PurePosixPath(path).parent
    return len(parent.parts) >= 2 and str(parent.parent / "__init__.py") in files


def _dynamic_version_path(pyproject: dict[str, Any], files: list[str]) -> str | None:
    """The file a build backend reads a dynamic version from (hatch, pdm, setuptools attr)."""
    for tool_name in ("hatch", "pdm"):
        path = dig(pyproject, "tool", tool_name, "version", "path")
        if isinstance(path, str):
            return path
    attr = dig(pyproject, "tool", "setuptools", "dynamic", "version", "attr")
    if isinstance(attr, str) and "." in attr:
        module = attr.rsplit(".", 1)[0].replace(".", "/")
        for root in ("", "src/"):
            for candidate in (f"{root}{module}.py", f"{root}{module}/__init__.py"):
                if candidate in files:
                    return candidate
    return None


def _package_json_version(target: Path, files: list[str]) -> list[VersionMention]:
    if "package.json" not in files:
        return []
    text = read_text(target / "package.json")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return []  # step 8 reports manifests that do not parse
    if not isinstance(data, dict) or not isinstance(data.get("version"), str):
        return []
    line = line_of(text, r'"version"\s*:')
    return [VersionMention("package.json", data["version"], "package.json", line)]


def _private_package(target: Path) -> bool:
    try:
        data = json.loads(read_text(target / "package.json"))
    except json.JSONDecodeError:
        return True
    return isinstance(data, dict) and data.get("private") is True


def _report_disagreements(mentions: list[VersionMention], what: str, outcome: StepOutcome) -> None:
    if not mentions:
        return
    first = mentions[0]
    for other in mentions[1:]:
        if _differ(first.value, other.value, "pep440"):
            outcome.add(
                "version/mismatch",
                "error",
                f"{what} disagree: {other.source} says {other.value}, {first.where()} says "
                f"{first.value}",
                other.path,
                other.line,
            )


@dataclass(frozen=True)
class ChangelogEntry:
    mention: VersionMention
    unreleased: bool  # marked as not released yet (in its heading or on the line under it)


_UNRELEASED = (
    r"unreleased|not\s+(?:yet\s+)?released|in\s+(?:development|progress)|upcoming|tbd|tba"
    r"|(?:\d{4}|yyyy|x{4})-(?:mm|xx|\?\?)-(?:dd|xx|\?\?)"
)
_UNRELEASED_HEADING_RE = re.compile(rf"(?<![\w-])(?:{_UNRELEASED})(?![\w-])", re.I)
_UNRELEASED_LINE_RE = re.compile(
    rf"^(?:release[sd]?(?:\s+(?:on|date))?\s*[:-]?\s*)?(?:{_UNRELEASED})(?![\w-])", re.I
)
_SERIES_WILDCARD = re.compile(r"\.[xX*](?![\w.])")
"""What makes a version a series (`1.3.x`, `2.*`): Deprecated 1.3.1's CHANGELOG.rst is titled
`Changelog 1.3.x` above its `v1.3.1 (2025-10-30)` entry."""
_RST_ADORNMENT_RE = re.compile(r"^([=\-`:'\"~^_*+#<>.])\1{2,}\s*$")


def changelog_entries(
    target: Path, files: list[str], docs: dict[str, DocFile]
) -> list[ChangelogEntry]:
    """The versioned entries, newest (first) first, of the top-level (or docs/) changelog."""
    for path in sorted(files, key=lambda f: (f.count("/"), f)):
        if not is_changelog(path) or path.count("/") > 1:
            continue
        if path in docs:
            lines = dict(docs[path].prose)
            heads = [(h.line, h.text) for h in docs[path].headings]
        elif PurePosixPath(path).suffix.lower() in ("", ".txt"):
            lines = dict(enumerate(read_text(target / path).splitlines(), 1))
            heads = [(n, t) for n, t in lines.items() if t.strip() and not t[0].isspace()]
        else:
            continue
        entries = list(_entries(path, heads, lines, plain=path not in docs))
        if entries:
            return entries
    return []


def _entries(
    path: str, heads: list[tuple[int, str]], lines: dict[int, str], *, plain: bool
) -> Iterator[ChangelogEntry]:
    starts = {line for line, _ in heads}
    for line, text in heads:
        match = _VERSION_RE.search(text)
        if match is None or (plain and match.start() >= 12):
            continue
        if _SERIES_WILDCARD.match(text, match.end()):
            continue  # `Changelog 1.3.x`: the series a file covers (its title), not a release
        under = _line_under(line, lines, starts)
        unreleased = bool(_UNRELEASED_HEADING_RE.search(text)) or (
            under is not None and bool(_UNRELEASED_LINE_RE.match(under))
        )
        source = "changelog (unreleased)" if unreleased else "changelog"
        yield ChangelogEntry(VersionMention(source, match.group(1), path, line), unreleased)


def _line_under(line: int, lines: dict[int, str], starts: set[int]) -> str | None:
    """The first text line under a heading (its underline skipped), without emphasis marks."""
    for number in sorted(n for n in lines if n > line):
        text = lines[number].strip()
        if not text or _RST_ADORNMENT_RE.match(text):
            continue
        if number in starts:
            return None
        return re.sub(r"[*_`\[\]()>]", "", text).strip()
    return None


def _project_names(pyproject: dict[str, Any], target: Path) -> set[str]:
    names = set()
    project = pyproject.get("project")
    if isinstance(project, dict) and isinstance(project.get("name"), str):
        names.add(project["name"].lower())
    try:
        package = json.loads(read_text(target / "package.json") or "{}")
    except json.JSONDecodeError:
        package = {}
    if isinstance(package, dict) and isinstance(package.get("name"), str):
        names.add(package["name"].lower())
    return names


def _readme_versions(
    target: Path, files: list[str], docs: dict[str, DocFile], names: set[str]
) -> list[VersionMention]:
    """`version 1.2.3`, a version badge, or an install pin of the project itself in the README
    (a bare `version X` in a block of captured output describes whatever project it ran on, and
    several different ones on one line, `['version-1.9', 'version-2.0']`, are sample data)."""
    readme = find_readme(files)
    if readme is None:
        return []
    patterns = [re.compile(rf"\bversion\s*[-:=]?\s*v?({VERSION})(?![\w.]*\d)", re.I)]
    for name in names:
        escaped = "[-_.]".join(re.escape(part) for part in re.split(r"[-_.]", name))
        patterns.append(re.compile(rf"(?<![\w/@-]){escaped}\s*(?:==|@)\s*v?({VERSION})", re.I))
    own = names | _setup_cfg_name(target, files)
    found: list[VersionMention] = []
    doc = docs.get(readme)
    notes = _version_note_lines(doc) if doc else set()
    transcript = {
        number
        for block in (doc.code_blocks if doc else [])
        if block.language.lower() in TRANSCRIPT_LANGUAGES
        for number, _ in block.numbered_lines()
    }
    banners = {
        number
        for block in (doc.code_blocks if doc else [])
        for number, text in block.numbered_lines()
        if _NPM_BANNER.match(text)
    }
    above = ""  # the lines above in the same paragraph: a sentence may wrap
    for number, line in enumerate(read_text(target / readme).splitlines(), start=1):
        if _BLOCK_START.match(line):
            above = ""  # a list item or a heading starts a sentence of its own
        for index, pattern in enumerate(patterns):
            if index == 0 and number in transcript:
                continue  # sample output quotes whatever project it ran on; pins still count
            if index > 0 and number in banners:
                continue  # npm's `> name@version script` banner: the release a run was on
            claims = [
                match
                for match in pattern.finditer(line)
                if not (
                    _pin_history(line[: match.start()])
                    if index > 0
                    else _version_history(line[: match.start()], line[match.end() :])
                    or _other_named(line[: match.start()], own)
                )
                and not _legacy_advice(above + line[: match.start()])
            ]
            if index == 0 and len({m.group(1) for m in claims}) > 1:
                continue  # several versions claimed on one line: a list of sample data
            found.extend(
                VersionMention(
                    ANNOUNCED
                    if _ANNOUNCED_AFTER.match(line[m.end() :])
                    else NOTES
                    if number in notes
                    else PIN
                    if index > 0
                    else "readme",
                    m.group(1),
                    readme,
                    number,
                )
                for m in claims
            )
        above = _sentence_tail(f"{above}{line.strip()} ") if line.strip() else ""
    return found


def _version_note_lines(doc: DocFile) -> set[int]:
    """The lines of the sections whose headings each name a release, when at least two
    headings of one level name different releases (tmp 0.2.2's README: `### Version 0.2.2`,
    `### Version 0.1.0` and `### Version 0.0.33` under 'An Important Note on Compatibility',
    each over the node versions that release dropped). A lone `## Version 1.0` heading is
    no list of notes: it may describe the project as it is."""
    headings = sorted(doc.headings, key=lambda h: h.line)
    named: dict[int, list[tuple[int, str]]] = {}
    for index, heading in enumerate(headings):
        plain = _INLINE_MARKUP.sub(lambda m: m.group(1) or m.group(2) or "", heading.text)
        match = _VERSION_HEADING_RE.match(plain.strip())
        if match:
            named.setdefault(heading.level, []).append((index, match.group(1)))
    lines: set[int] = set()
    for entries in named.values():
        if len({version for _, version in entries}) < 2:
            continue
        for index, _ in entries:
            heading = headings[index]
            end = next(
                (h.line for h in headings[index + 1 :] if h.level <= heading.level),
                max(doc.line_count, heading.line) + 1,
            )
            lines.update(range(heading.line, end))
    return lines


def _history(before: str) -> bool:
    """The text before a `version X` makes it history (`since`, `prior to natsort`)."""
    plain = _INLINE_MARKUP.sub(lambda m: m.group(1) or m.group(2) or "", before)
    return bool(_HISTORY_WORDS.search(before) or _HISTORY_PHRASE.search(plain))


def _version_history(before: str, after: str) -> bool:
    """A `version X` that is no claim about the project's version: history (`_history`), a
    minimum for users (`_MINIMUM_AFTER`) or a license's version (`_license_version`)."""
    return _history(before) or bool(_MINIMUM_AFTER.match(after)) or _license_version(before, after)


def _pin_history(before: str) -> bool:
    """The text before a pin (`name@X`, `name==X`) makes it the release that brought a change:
    nconf 0.12.1's README, 'As of `nconf@0.8.0` it is now possible to encrypt ...'. Only a
    phrase of history counts (`as of`, `since`, `prior to`, `added in`), with an opening
    backtick or emphasis before the pin: the words `_history` also takes (`npm`, `pip`,
    `requires`) begin an install command, `npm install name@X`, which stays a claim."""
    plain = _INLINE_MARKUP.sub(lambda m: m.group(1) or m.group(2) or "", before)
    return bool(_HISTORY_PHRASE.search(plain.rstrip("`*_ ")))


_NPM_BANNER = re.compile(r"^\s*> (?:@[\w.-]+/)?[\w.-]+@\S+ [\w:.-]+\s*$")
"""The line npm prints before it runs a package script (`> cookie@0.5.0 bench`), in a fenced
block: a pasted run's output (cookie 0.7.1's README benchmark, measured on 0.5.0), not a pin of
the project. `npm install cookie@0.5.0` in a block is a pin and still counts."""
TRANSCRIPT_LANGUAGES = frozenset({"text", "output", "console", "log", "shell-session", "terminal"})
"""Fenced blocks of captured output, where `version X` describes the run, not the project."""


def _compare_changelog(
    project: VersionMention,
    entries: list[ChangelogEntry],
    outcome: StepOutcome,
    generated_by: Callable[[str], str | None] | None = None,
    read: Callable[[str], str] | None = None,
) -> None:
    """Report a changelog whose newest released entry does not match the declared version.

    Consistent: the project declares the newest released entry; or it declares (a pre-release
    of) an entry marked unreleased above it; or it declares a pre-release of a newer version
    than the newest released entry (work on the next release has started); or the changelog
    records release series, not releases: every entry names a major.minor alone (mkdirp's
    `## 2.1`, `## 2.0`, `## 1.0`) and the newest is the series of the declared version (2.1.6),
    whose patch releases get no entry of their own (one entry alone shows no such convention).
    A changelog that a script of the project writes from git log (`generated_by` names it) is
    info: its entry is written at release, after the version bump
    (`ai_workflow.changelog_generation`). So is one whose text above its newest released
    entry names the declared version (`_note_names`): a note that the changelog ends there.
    """
    scheme = _scheme(project)
    declared = parse_version(project.value, scheme)
    released = next((e for e in entries if not e.unreleased), None)
    if declared is None or released is None:
        return
    newest = parse_version(released.mention.value, scheme)
    if newest is None or declared == newest:
        return
    for entry in entries:
        if not entry.unreleased:
            break
        pending = parse_version(entry.mention.value, scheme)
        if pending is not None and declared.release() == pending.release():
            return
    if declared.is_prerelease and declared.release() > newest:
        return
    if (
        len(entries) >= 2
        and _series_of(released.mention.value, project.value)
        and all(_SERIES.fullmatch(e.mention.value.strip()) for e in entries)
    ):
        return
    generator = generated_by(released.mention.path) if generated_by else None
    features = _feature_releases_only(project.value, released.mention.value, entries)
    note = _note_names(read(released.mention.path), released, project.value) if read else None
    outcome.add(
        "version/changelog-mismatch",
        "info" if generator or features or note else "warning",
        f"newest released CHANGELOG entry is {released.mention.value} but the project declares "
        f"{project.value} ({project.where()})"
        + (f"; the changelog is written from git log by {generator}" if generator else "")
        + (f"; {features}" if features else "")
        + (
            f"; the text above its entries names {project.value} (line {note}): "
            "a note on where the changelog stops"
            if note
            else ""
        ),
        released.mention.path,
        released.mention.line,
    )


_SERIES = re.compile(r"[vV]?(\d+)\.(\d+)")
"""A release series: major.minor alone (`2.1`, `v2.1`)."""
_RELEASE = re.compile(r"[vV]?(\d+)\.(\d+)\.\d")
"""The major and minor of a version with a third component (`2.1.6`, `2.1.0rc1`)."""


def _series_of(series: str, version: str) -> bool:
    """Whether `series` is major.minor alone and `version` a release of that series."""
    match = _SERIES.fullmatch(series.strip())
    release = _RELEASE.match(version.strip())
    if match is None or release is None:
        return False
    return tuple(map(int, match.groups())) == tuple(map(int, release.groups()))


_TRIPLE = re.compile(r"^[vV]?(\d+)\.(\d+)\.(\d+)$")


def _note_names(text: str, released: ChangelogEntry, version: str) -> int | None:
    """The line of the text above the newest released entry that names `version` (None: no
    line does). pycparser 2.22's CHANGES opens with `+ Starting with version 2.22, please use
    the GitHub UI ... to compare tags` above `+ Version 2.21`: the maintainers say where the
    changelog stops, and the declared release is no missing entry. A changelog whose
    heading and preamble do not name the version keeps the warning."""
    if released.mention.line is None:
        return None
    token = re.compile(rf"(?<![\w.]){re.escape(version)}(?![\w]|\.\d)")
    for number, line in enumerate(text.splitlines()[: released.mention.line - 1], 1):
        if token.search(line):
            return number
    return None


def _feature_releases_only(declared: str, newest: str, entries: list[ChangelogEntry]) -> str:
    """Why the declared patch release has no entry, when the changelog records feature
    releases only ("" otherwise): the project declares x.y.z (z > 0), the newest released
    entry is x.y.0 of the same x.y, and nine in ten or more of at least five released x.y.z
    entries end in .0 (lru-cache 10.0.1's CHANGELOG.md: 22 of its 23, `## 10.0.0` down to
    `## 7.1.0`, with one `## 7.16.2`). A missing feature release (10.1.1 declared, 10.0.0 the
    newest), or a changelog that records its patch releases, keeps the warning."""
    have, top = _TRIPLE.match(declared.strip()), _TRIPLE.match(newest.strip())
    if have is None or top is None:
        return ""
    if have.group(1, 2) != top.group(1, 2) or top.group(3) != "0" or have.group(3) == "0":
        return ""
    triples = [m for e in entries if not e.unreleased and (m := _TRIPLE.match(e.mention.value))]
    features = sum(1 for m in triples if m.group(3) == "0")
    if len(triples) < 5 or features * 10 < len(triples) * 9:
        return ""
    return (
        f"the changelog records feature releases only ({features} of its {len(triples)} "
        "x.y.z entries are x.y.0), so a patch release has no entry of its own"
    )


def _compare_readme(
    project: VersionMention,
    readme: list[VersionMention],
    outcome: StepOutcome,
    doc: DocFile | None = None,
) -> None:
    scheme = _scheme(project)
    declared = parse_version(project.value, scheme)
    history = _release_history(readme, declared, scheme, doc)
    for mention in readme:
        if mention.source in (ANNOUNCED, NOTES) and declared is not None:
            announced = parse_version(mention.value, scheme)
            if announced is not None and announced < declared:
                continue  # a past release announced, or its notes: history
        if _differ(mention.value, project.value, scheme):
            releases = history.get(mention.line)
            outcome.add(
                "version/readme-mismatch",
                "info" if releases else "warning",
                f"README mentions version {mention.value} but the project declares "
                f"{project.value} ({project.where()})"
                + (
                    f"; its section names releases {releases}, all older than the declared "
                    "one: a history of changes, not a claim of the current version"
                    if releases
                    else ""
                ),
                mention.path,
                mention.line,
            )


def _release_history(
    readme: list[VersionMention],
    declared: ParsedVersion | None,
    scheme: Scheme,
    doc: DocFile | None,
) -> dict[int | None, str]:
    """The lines of README version mentions that narrate past releases: a section (from one
    heading to the next) that names two or more different versions, every one older than the
    declared version (tzlocal 5.2's 'API CHANGE!': "With version 3.0 ...", "Since 4.0 ...",
    "Version 5.0 removes ..."). A section naming one older version alone, any version not
    older than the declared one, or an install pin (`pip install name==X`), keeps its
    mentions as claims."""
    if doc is None or declared is None:
        return {}
    starts = sorted(h.line for h in doc.headings)
    sections: dict[int, list[VersionMention]] = {}
    for mention in readme:
        if mention.line is None:
            continue
        start = max((s for s in starts if s <= mention.line), default=0)
        sections.setdefault(start, []).append(mention)
    history: dict[int | None, str] = {}
    for mentions in sections.values():
        if any(m.source == PIN for m in mentions):
            continue  # an install pin beside them tells the reader what to install now
        parsed = {m.value: parse_version(m.value, scheme) for m in mentions}
        older = {value: v for value, v in parsed.items() if v is not None and v < declared}
        if len(older) < 2 or len(older) < len(parsed):
            continue
        values = sorted(older, key=lambda value: older[value])
        names = ", ".join(values[:-1]) + f" and {values[-1]}"
        history.update((m.line, names) for m in mentions)
    return history


# --------------------------------------------------------------------------- links


def check_links(
    target: Path, files: list[str], docs: dict[str, DocFile], outcome: StepOutcome
) -> dict[str, int]:
    """Relative links, images and anchors in every document; RST references where simple."""
    checked = broken = 0
    checker = LinkChecker(target, files, docs, python_objects(PythonIndex.build(target, files)))
    labels = checker.labels
    for path in sorted(docs):
        doc = docs[path]
        for link in doc.links:
            if not _checkable(link.target):
                continue
            checked += 1
            problem = checker.check(doc, link)
            if problem is None:
                continue
            broken += problem.severity != "info"
            severity = _history_severity(doc, link.line, problem.severity)
            outcome.add(
                problem.rule, severity, problem.message, path, link.line, target=link.target
            )
        broken += _check_rst_references(target, doc, labels, checker.trees, outcome)
    outcome.checked.append(f"links: {checked} relative links in {len(docs)} documents")
    outcome.checked.append(
        "anchors: GitHub's heading slugs for Markdown, docutils ids for reStructuredText and "
        "Sphinx-built pages; external (http/https) links are not followed"
    )
    if checker.trees:
        outcome.checked.append(
            "Sphinx source trees: " + ", ".join(t.root or "." for t in checker.trees)
        )
    return {"checked": checked, "broken": broken, "documents": len(docs)}


def python_objects(index: PythonIndex) -> Callable[[str], bool | None]:
    """Whether the project defines a Python object, as Sphinx's `any` role finds one: by its
    dotted name (`pkg.mod.func`), or by the end of it (`func`, `mod.func`); None for a name
    outside the project's namespace."""
    tops = index.top_level()

    def defined(name: str) -> bool | None:
        first = name.split(".")[0]
        if first in tops:
            return index.unresolved(name) is None
        if any(first in (index.names_in(module) or ()) for module in index.modules):
            return True
        return None

    return defined


def _history_severity(doc: DocFile, line: int, severity: Level) -> Level:
    """A changelog or migration guide describes the project as it was: a broken link in an old
    release entry is information, in its newest entry (or a guide) a warning, never an error."""
    if severity != "error" or not is_history_document(doc.path):
        return severity
    versioned = [h.line for h in doc.headings if _VERSION_RE.search(h.text)]
    return "info" if len(versioned) > 1 and line > versioned[1] else "warning"


def _checkable(raw: str) -> bool:
    raw = raw.strip()
    return bool(raw) and not is_external(raw) and not any(m in raw for m in _TEMPLATE_MARKERS)


def _check_rst_references(
    target: Path, doc: DocFile, labels: set[str], trees: list[SphinxTree], outcome: StepOutcome
) -> int:
    broken = 0
    tree = tree_of(doc.path, trees)
    included: set[str] | None = None  # the names the text it includes defines, read once
    for ref in doc.rst_references:
        name = reference_name(ref.name)
        if ref.role == "named" and name not in doc.rst_targets:
            if included is None:
                included = rst_included_targets(target, doc)
            if name in included:
                continue
            broken += 1
            outcome.add(
                "links/broken-reference",
                "error",
                f"unknown target name `{ref.name}`_ (no section, target or hyperlink of that "
                "name in this file)",
                doc.path,
                ref.line,
            )
        elif ref.role == "ref" and name not in labels and name not in BUILTIN_LABELS:
            if tree is not None and tree.is_external_label(name):
                continue  # a label of another project's documentation
            elsewhere = tree is not None and tree.resolves_labels_elsewhere()
            message = f":ref:`{ref.name}` names no label defined in the project's documents"
            if tree is not None and elsewhere:
                names = ", ".join(sorted(tree.inventories or ())) or "computed in conf.py"
                message += (
                    f", but Sphinx also looks it up in the intersphinx inventories ({names}), "
                    "which are not read offline"
                )
            severity: Level = "info" if elsewhere else "warning"
            outcome.add("links/unknown-label", severity, message, doc.path, ref.line)
    return broken
