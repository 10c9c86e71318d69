"""Step 2: Consistency Analysis. Versions agree across manifests, CHANGELOG and README; Markdown
links and anchors resolve (reStructuredText links, targets and `:doc:`/`:ref:` where simple).

Links to http(s) URLs are never followed: the step needs no network.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.doc_kinds import is_changelog
from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.markdown_docs import (
    DocFile,
    Link,
    find_readme,
    is_external,
    is_markdown_path,
    project_docs,
    resolve_target,
    rst_name,
    split_target,
)
from ai_workflow.nested import dig
from ai_workflow.project_files import project_files
from ai_workflow.textfiles import line_of, read_text, read_toml

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

VERSION = r"\d+\.\d+(?:\.\d+)*(?:[-.]?(?:a|b|c|rc|alpha|beta|pre|preview|dev|post)\.?\d*)*"
_VERSION_RE = re.compile(rf"(?<![\w.])v?({VERSION})(?![\w.]*\d)", re.I)
_DUNDER_VERSION_RE = re.compile(r"""^__version__\s*(?::\s*\w+\s*)?=\s*["']([^"']+)["']""", re.M)
_VERSION_FILES = frozenset({"__init__.py", "_version.py", "version.py", "__about__.py"})
_TEMPLATE_MARKERS = ("{{", "{%", "<", ">", "$")
_HISTORY_WORDS = re.compile(
    r"\b(since|in|from|before|after|until|prior|as of|added|removed|changed|deprecated|"
    r"introduced|python|node|node\.js|npm|pip|java|go|rust|ruby|git|docker|bash|ubuntu|"
    r"debian|macos|windows|requires?|minimum|compatible|supports?)\b[^.\n]{0,12}$",
    re.I,
)


@dataclass(frozen=True)
class VersionMention:
    source: str  # pyproject, setup.cfg, __version__, package.json, changelog, readme
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
    link_stats = check_links(ctx.target, docs, outcome)
    outcome.data.update(versions)
    outcome.data["links"] = link_stats
    outcome.summary = (
        f"version {versions['project_version'] or 'unknown'}; "
        f"{link_stats['checked']} links in {link_stats['documents']} documents, "
        f"{link_stats['broken']} broken"
    )
    return outcome


# --------------------------------------------------------------------------- versions


def normalise_version(value: str) -> tuple[tuple[int, ...], str]:
    """Comparable form: `v1.2` == `1.2.0`; pre/post-release suffixes compared as text."""
    match = re.match(r"v?(\d+(?:\.\d+)*)(.*)", value.strip(), re.I)
    if not match:
        return (), value.strip().lower()
    numbers = [int(n) for n in match.group(1).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers), match.group(2).lstrip("-.").lower()


def same_version(a: str, b: str) -> bool:
    return normalise_version(a) == normalise_version(b)


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
        and not same_version(python[0].value, js[0].value)
    ):
        outcome.add(
            "version/mismatch",
            "warning",
            f"package.json declares version {js[0].value} but {python[0].where()} says "
            f"{python[0].value}",
            js[0].path,
            js[0].line,
        )
    changelog = _changelog_version(target, files, docs)
    readme = _readme_versions(target, files, docs, _project_names(pyproject, target))
    if project is not None:
        _compare_documented(project, changelog, readme, outcome)
    mentions = python + js + ([changelog] if changelog else []) + readme
    outcome.checked.append(
        "versions: "
        + (", ".join(f"{m.source} {m.value} ({m.where()})" for m in mentions) or "none declared")
    )
    return {
        "project_version": project.value if project else None,
        "changelog_version": changelog.value if changelog else None,
        "versions": [asdict(m) for m in mentions],
    }


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
    for path in _version_files(files, pyproject):
        source = read_text(target / path)
        match = _DUNDER_VERSION_RE.search(source)
        if match:
            line = source.count("\n", 0, match.start()) + 1
            found.append(VersionMention("__version__", match.group(1), path, line))
    return found


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
    ]
    if isinstance(name, str):
        wanted = _import_name(name)
        candidates = [f for f in candidates if _import_name(PurePosixPath(f).parent.name) == wanted]
    if configured and configured in files and configured not in candidates:
        candidates.insert(0, configured)
    return candidates


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
        if not same_version(first.value, other.value):
            outcome.add(
                "version/mismatch",
                "error",
                f"{what} disagree: {other.source} says {other.value}, {first.where()} says "
                f"{first.value}",
                other.path,
                other.line,
            )


def _changelog_version(
    target: Path, files: list[str], docs: dict[str, DocFile]
) -> VersionMention | None:
    """The newest (first) versioned entry of the top-level (or docs/) changelog."""
    for path in sorted(files, key=lambda f: (f.count("/"), f)):
        pure = PurePosixPath(path)
        if not is_changelog(path) or path.count("/") > 1:
            continue
        if path in docs:
            entries = [(h.line, h.text) for h in docs[path].headings]
        elif pure.suffix.lower() in ("", ".txt"):
            lines = read_text(target / path).splitlines()
            entries = [(n, t) for n, t in enumerate(lines, 1) if t and not t[0].isspace()]
        else:
            continue
        for line, text in entries:
            if "unreleased" in text.lower():
                continue
            match = _VERSION_RE.search(text)
            if match and (path in docs or match.start() < 12):
                return VersionMention("changelog", match.group(1), path, line)
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
    (a bare `version X` in a block of captured output describes whatever project it ran on)."""
    readme = find_readme(files)
    if readme is None:
        return []
    patterns = [re.compile(rf"\bversion\s*[-:=]?\s*v?({VERSION})(?![\w.]*\d)", re.I)]
    for name in names:
        escaped = "[-_.]".join(re.escape(part) for part in re.split(r"[-_.]", name))
        patterns.append(re.compile(rf"(?<![\w/@-]){escaped}\s*(?:==|@)\s*v?({VERSION})", re.I))
    found = []
    doc = docs.get(readme)
    transcript = {
        number
        for block in (doc.code_blocks if doc else [])
        if block.language.lower() in TRANSCRIPT_LANGUAGES
        for number, _ in block.numbered_lines()
    }
    for number, line in enumerate(read_text(target / readme).splitlines(), start=1):
        for index, pattern in enumerate(patterns):
            if index == 0 and number in transcript:
                continue  # sample output quotes whatever project it ran on; pins still count
            for match in pattern.finditer(line):
                if index == 0 and _HISTORY_WORDS.search(line[: match.start()]):
                    continue
                found.append(VersionMention("readme", match.group(1), readme, number))
    return found


TRANSCRIPT_LANGUAGES = frozenset({"text", "output", "console", "log", "shell-session", "terminal"})
"""Fenced blocks of captured output, where `version X` describes the run, not the project."""


def _compare_documented(
    project: VersionMention,
    changelog: VersionMention | None,
    readme: list[VersionMention],
    outcome: StepOutcome,
) -> None:
    if changelog is not None and not same_version(changelog.value, project.value):
        outcome.add(
            "version/changelog-mismatch",
            "warning",
            f"newest CHANGELOG entry is {changelog.value} but the project declares "
            f"{project.value} ({project.where()})",
            changelog.path,
            changelog.line,
        )
    for mention in readme:
        if not same_version(mention.value, project.value):
            outcome.add(
                "version/readme-mismatch",
                "warning",
                f"README mentions version {mention.value} but the project declares "
                f"{project.value} ({project.where()})",
                mention.path,
                mention.line,
            )


# --------------------------------------------------------------------------- links


def check_links(target: Path, docs: dict[str, DocFile], outcome: StepOutcome) -> dict[str, int]:
    """Relative links, images and anchors in every document; RST references where simple."""
    checked = broken = 0
    labels = _rst_labels(docs)
    for path in sorted(docs):
        doc = docs[path]
        for link in doc.links:
            if not _checkable(link.target):
                continue
            checked += 1
            problem = _check_link(target, doc, link, docs)
            if problem is not None:
                broken += 1
                rule, message = problem
                outcome.add(rule, "error", message, path, link.line, target=link.target)
        broken += _check_rst_references(doc, labels, outcome)
    outcome.checked.append(f"links: {checked} relative links in {len(docs)} documents")
    outcome.checked.append("external (http/https) links are not followed")
    return {"checked": checked, "broken": broken, "documents": len(docs)}


def _checkable(raw: str) -> bool:
    raw = raw.strip()
    return bool(raw) and not is_external(raw) and not any(m in raw for m in _TEMPLATE_MARKERS)


def _check_link(
    target: Path, doc: DocFile, link: Link, docs: dict[str, DocFile]
) -> tuple[str, str] | None:
    """(rule, message) when the link is broken, else None."""
    raw = link.target.strip()
    path, fragment = split_target(raw)
    if not path:
        if fragment is None or doc.format != "markdown" or doc.has_anchor(fragment):
            return None
        return _broken_anchor(doc.path, fragment, doc)
    resolved = _resolve(target, doc, link, path)
    if resolved is None:
        return ("links/outside-repository", f"link '{raw}' points outside the repository")
    if not (target / resolved).exists():
        kind = "image" if link.is_image else "link"
        message = f"broken {kind}: '{raw}' ({resolved} does not exist)"
        return ("links/broken-link", message + _suggestion(target, resolved))
    linked = docs.get(resolved) if fragment and is_markdown_path(resolved) else None
    if linked is not None and fragment and not linked.has_anchor(fragment):
        return _broken_anchor(resolved, fragment, linked)
    return None


def _resolve(target: Path, doc: DocFile, link: Link, path: str) -> str | None:
    if doc.format == "rst" and path.startswith("/"):
        root = _sphinx_root(target, doc.path)
        path = f"{root}/{path.lstrip('/')}" if root else path
        path = "/" + path.lstrip("/")
    resolved = resolve_target(doc.path, path)
    if resolved is not None and link.kind == "rst-doc" and not (target / resolved).is_file():
        for suffix in (".rst", ".md", ".txt"):
            if (target / (resolved + suffix)).is_file():
                return resolved + suffix
    return resolved


def _sphinx_root(target: Path, doc_path: str) -> str:
    """The directory of the nearest `conf.py` above an RST file (Sphinx's source root)."""
    parent = PurePosixPath(doc_path).parent
    for folder in (parent, *parent.parents):
        if (target / folder / "conf.py").is_file():
            return "" if str(folder) == "." else folder.as_posix()
    return ""


def _broken_anchor(path: str, fragment: str, doc: DocFile) -> tuple[str, str]:
    known = sorted(doc.anchors)
    close = difflib.get_close_matches(fragment.lower(), known, n=1)
    hint = f" (did you mean #{close[0]}?)" if close else ""
    return ("links/broken-anchor", f"no heading or anchor '#{fragment}' in {path}{hint}")


def _suggestion(target: Path, resolved: str) -> str:
    folder = (target / resolved).parent
    if not folder.is_dir():
        return ""
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:
        return ""
    close = difflib.get_close_matches(PurePosixPath(resolved).name, names, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _rst_labels(docs: dict[str, DocFile]) -> set[str]:
    """Every target name in the project's RST files and MyST `(label)=` lines."""
    labels: set[str] = set()
    for doc in docs.values():
        labels |= doc.rst_targets
        if doc.format == "markdown":
            for _, line in doc.prose:
                match = re.match(r"^\(([^)\s]+)\)=\s*$", line.strip())
                if match:
                    labels.add(rst_name(match.group(1)))
    return labels


def _check_rst_references(doc: DocFile, labels: set[str], outcome: StepOutcome) -> int:
    broken = 0
    for ref in doc.rst_references:
        name = rst_name(ref.name)
        if ref.role == "named" and name not in doc.rst_targets:
            broken += 1
            outcome.add(
                "links/broken-reference",
                "error",
                f"unknown target name `{ref.name}`_ (no section, target or hyperlink of that "
                "name in this file)",
                doc.path,
                ref.line,
            )
        elif ref.role == "ref" and name not in labels:
            outcome.add(
                "links/unknown-label",
                "warning",
                f":ref:`{ref.name}` names no label defined in the project's documents",
                doc.path,
                ref.line,
            )
    return broken
