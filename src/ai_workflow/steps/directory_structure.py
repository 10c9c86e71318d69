"""Step 4: Directory Structure Validation. Top-level layout vs what the docs describe; committed
build or cache artefacts; tracked files `.gitignore` excludes; the stack's expected layout.

Severities: committed caches, bytecode, `node_modules`, virtual environments and `.DS_Store` are
errors (never intended), except a `node_modules` inside a test directory, a fixture of a module
resolver or bundler, and a `.DS_Store` or bytecode file that a tracked code or configuration
file names by its path, a fixture the tests read (information); `dist/`/`build/` output
(information in a published npm package whose publish script builds it:
`release_archive.published_build`, and when a tracked HTML page loads it, md5's demo/index.html
`<script src="../dist/md5.min.js">`), tracked-but-ignored files, directories the docs do not
describe, paths the docs describe that do not exist and a missing tests directory are warnings.
A `.gitkeep`-style placeholder force-added to keep an ignored directory is information: tracking
it is the point.

Documented paths come only from what claims something about this project
(`markdown_docs.classify_docs`): not a changelog, not a tree of a tutorial's or the reader's
project. A conventional directory (`techstack.CONVENTIONAL_DIR_NAMES`: `lib/`, `bin/`,
`examples/`, `contrib/`, ...; or one of a language the project uses, `techstack.STACK_DIR_NAMES`:
Go's `testdata/`) or one the configuration names needs no description. A plain-text README
(`README`, `README.txt`) describes directories too.
"""

from __future__ import annotations

import json
import posixpath
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.js_public import published_paths
from ai_workflow.markdown_docs import (
    CodeBlock,
    DocFile,
    find_readme,
    is_placeholder,
    project_docs,
)
from ai_workflow.markdown_docs import tree_entries as doc_tree_entries
from ai_workflow.nested import dig
from ai_workflow.project_files import project_files
from ai_workflow.release_archive import published_build
from ai_workflow.steps import test_review
from ai_workflow.techstack import TechStack, detect_stack, is_conventional_dir, is_test_path
from ai_workflow.textfiles import line_of, read_bytes, read_json, read_text

SPEC = StepSpec(
    id="directory_structure",
    number=4,
    name="Directory Structure Validation",
    description="Top-level layout vs what the docs describe; committed build or cache artefacts.",
    depends_on=("pre_analysis",),
    categories=("*",),
    estimate_s=90.0,
    persona="software architect",
)

CACHE_DIRS = frozenset(
    {
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".hypothesis",
        ".tox",
        ".nox",
        "node_modules",
        ".venv",
        ".ipynb_checkpoints",
    }  # not .ai_workflow: git tracks it only for the original Bash tool, on purpose
)
JUNK_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
JUNK_SUFFIXES = frozenset({".pyc", ".pyo"})
SWAP_SUFFIXES = frozenset({".swp", ".swo"})  # vim's `.name.swp`, left while a file is open
BACKUP_SUFFIXES = frozenset({".bak", ".orig", ".rej"})  # editors', patch's and merges' copies
OUTPUT_DIRS = frozenset({"dist", "htmlcov"})
BUILD_ARTEFACT_SUFFIXES = frozenset({".whl", ".so", ".o", ".pyd", ".class", ".pyc", ".egg"})
GENERATED_NAMES = CACHE_DIRS | OUTPUT_DIRS | {"build", "venv", "env", "coverage", "site", "out"}
PLACEHOLDER_FILES = frozenset({".gitkeep", ".keep", ".gitignore", ".placeholder", ".empty"})
GROUP_THRESHOLD = 5
MAX_IGNORE_QUERIES = 500  # paths asked of `git check-ignore` at once (command-line length)


def run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    files = project_files(ctx)
    docs = project_docs(ctx)
    tracked = _git_lines(ctx, ["git", "ls-files", "-z"])
    check_top_level(files, docs, outcome, detect_stack(ctx), _plain_readme(ctx.target, files, docs))
    check_documented_paths(ctx, files, docs, outcome)
    if tracked is None:
        outcome.skipped_checks.append("committed artefacts and ignored files: not a git work tree")
    else:
        check_artefacts(
            tracked,
            outcome,
            ctx.target,
            published_paths(read_json(ctx.target / "package.json", root=ctx.target)),
            loaded_by_pages(ctx.target, tracked),
        )
        ignored = _git_lines(ctx, ["git", "ls-files", "-z", "-ci", "--exclude-standard"]) or []
        check_tracked_ignored(ignored, outcome)
    check_layout(ctx, files, outcome)
    undocumented = len(outcome.data.get("undocumented_dirs", []))
    artefacts = len(outcome.data.get("artefacts", []))
    outcome.summary = (
        f"{len(outcome.data.get('top_level_dirs', []))} top-level directories, "
        f"{undocumented} undocumented; {artefacts} committed artefact(s)"
    )
    return outcome


def _git_lines(ctx: StepContext, args: list[str]) -> list[str] | None:
    result = ctx.run_command(args, timeout=60)
    if not result.ok:
        return None
    return [p for p in result.stdout.split("\0") if p]


# --------------------------------------------------------------------------- top level


def check_top_level(
    files: list[str],
    docs: dict[str, DocFile],
    outcome: StepOutcome,
    stack: TechStack | None = None,
    readme_text: str = "",
) -> None:
    """Top-level directories that no document names (hidden, conventional and configured
    source/test/docs directories aside). `readme_text`: a plain-text README, which is not one
    of the parsed documents."""
    top = sorted({f.split("/")[0] for f in files if "/" in f})
    text = "\n".join([*(doc.text() for doc in docs.values()), readme_text])
    known = set(stack.source_dirs + stack.test_dirs + stack.docs_dirs) if stack else set()
    documented, undocumented = [], []
    for name in top:
        if name.startswith(".") or is_conventional_dir(name, stack) or name in known:
            continue  # hidden, or its role is clear from its name or the configuration
        if _generated(name):
            continue  # output (reported as an artefact if committed)
        if re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text):
            documented.append(name)
            continue
        undocumented.append(name)
        outcome.add(
            "structure/undocumented-dir",
            "info",  # on twelve labelled projects never a real problem; rules.severity raises it
            f"top-level directory {name}/ is not described in the README or docs",
            name,
        )
    outcome.data.update(
        {"top_level_dirs": top, "documented_dirs": documented, "undocumented_dirs": undocumented}
    )
    outcome.checked.append(f"top-level directories: {len(top)}, {len(undocumented)} undocumented")


def _plain_readme(target: Path, files: list[str], docs: dict[str, DocFile]) -> str:
    """The text of a README that is not Markdown or reStructuredText (`README`, `README.txt`)."""
    readme = find_readme(files)
    return read_text(target / readme) if readme and readme not in docs else ""


# --------------------------------------------------------------------------- documented paths


@dataclass(frozen=True)
class DocumentedPath:
    path: str  # repository-relative
    doc: str
    line: int
    directory: bool


def check_documented_paths(
    ctx: StepContext, files: list[str], docs: dict[str, DocFile], outcome: StepOutcome
) -> None:
    """Directory trees and `dir/` mentions in the docs that name paths that do not exist."""
    present = set(files)
    dirs = {str(p) for f in files for p in PurePosixPath(f).parents if str(p) != "."}
    candidates: list[DocumentedPath] = []
    trees = 0
    for path in sorted(docs):
        for block in docs[path].claim_blocks():
            entries = list(tree_entries(block, path, dirs))
            if entries:
                trees += 1
                candidates += entries
        candidates += _dir_mentions(docs[path], dirs)
    missing = [c for c in candidates if not _exists(c, present, dirs) and not _generated(c.path)]
    ignored = _ignored(ctx, [c.path for c in missing])
    for entry in missing:
        if entry.path in ignored or (ctx.target / entry.path).exists():
            continue  # generated output the project ignores, or present but untracked-ignored
        kind = "directory" if entry.directory else "file"
        outcome.add(
            "structure/documented-path-missing",
            "info",
            f"the docs describe {kind} {entry.path}{'/' if entry.directory else ''}, "
            "which does not exist",
            entry.doc,
            entry.line,
        )
    outcome.data["documented_trees"] = trees
    outcome.checked.append(f"documented layout: {trees} directory tree(s), {len(candidates)} paths")


def _exists(entry: DocumentedPath, present: set[str], dirs: set[str]) -> bool:
    """Exists relative to the repository root or to the directory of the document."""
    folder = str(PurePosixPath(entry.doc).parent)
    for path in (entry.path, entry.path if folder == "." else f"{folder}/{entry.path}"):
        if path in dirs or (not entry.directory and path in present):
            return True
    return False


def _generated(path: str) -> bool:
    return any(part in GENERATED_NAMES or part.endswith(".egg-info") for part in path.split("/"))


def tree_entries(block: CodeBlock, doc: str, dirs: set[str]) -> Iterator[DocumentedPath]:
    """The paths of a `tree`-style listing (├── └── │ or |-- +-- `--) in a code block."""
    for entry in doc_tree_entries(block, dirs):
        yield DocumentedPath(entry.path, doc, entry.line, entry.directory)


def _dir_mentions(doc: DocFile, dirs: set[str]) -> Iterator[DocumentedPath]:
    """Inline code such as `scripts/` or `src/pkg/` whose parent directory exists."""
    for code in doc.claim_inline():
        text = code.text.strip().removeprefix("./")
        if not re.fullmatch(r"[\w.-]+(?:/[\w.-]+)*/", text) or is_placeholder(text):
            continue
        if text.startswith("."):
            continue  # `.ssh/`, `.config/`: the reader's directories, not the project's
        path = text.rstrip("/")
        if any(part.endswith("-") for part in path.split("/")):
            continue  # a key binding (`M-/`, `C-M-/`), not a name: no directory ends in "-"
        parent = str(PurePosixPath(path).parent)
        folder = str(PurePosixPath(doc.path).parent)
        if parent == "." or parent in dirs or f"{folder}/{parent}" in dirs:
            yield DocumentedPath(path, doc.path, code.line, True)


def _ignored(ctx: StepContext, paths: list[str]) -> set[str]:
    """Which of `paths` `.gitignore` excludes (documented output directories are fine)."""
    if not paths:
        return set()
    unique = sorted(set(paths))[:MAX_IGNORE_QUERIES]
    asked = sorted({*unique, *(p + "/" for p in unique)})
    result = ctx.run_command(["git", "check-ignore", "--no-index", *asked], timeout=60)
    return {line.strip().rstrip("/") for line in result.stdout.splitlines() if line.strip()}


# --------------------------------------------------------------------------- artefacts


@dataclass(frozen=True)
class Artefact:
    path: str  # the artefact directory or file
    kind: str
    severity: str
    files: int


def find_artefacts(
    tracked: Iterable[str], published: Iterable[str] = (), pages: Mapping[str, str] | None = None
) -> list[Artefact]:
    """Committed caches, bytecode, dependency trees, build output and OS junk, grouped.
    `published`: the paths package.json serves (`published_paths`); `pages`: the paths a
    tracked HTML page loads, with the page (`loaded_by_pages`)."""
    groups: dict[tuple[str, str, str], int] = defaultdict(int)
    published = set(published)
    for path in tracked:
        found = _artefact_of(path)
        if found is not None:
            groups[_loaded_output(_published_output(found, published), pages or {})] += 1
    return [Artefact(path, kind, sev, count) for (path, kind, sev), count in sorted(groups.items())]


def _artefact_of(path: str) -> tuple[str, str, str] | None:
    parts = path.split("/")
    for depth, part in enumerate(parts[:-1]):
        root = "/".join(parts[: depth + 1])
        if part == "node_modules" and is_test_path(root + "/x"):
            # a resolver's or bundler's fixture (resolve's test/shadowed_core/node_modules)
            return root, "node_modules directory in test data (a fixture?)", "info"
        if part in CACHE_DIRS or part.endswith(".egg-info"):
            return root, f"{part} directory", "error"
        if part == "venv" and "pyvenv.cfg" in parts[depth + 1 :]:
            return root, "virtual environment", "error"
        if part == "dist" and is_packaging_recipe(parts[depth + 1 :]):
            return root, RECIPES, "info"
        if part in OUTPUT_DIRS:
            return root, f"{part}/ output", "warning"
        if part == "build" and _looks_built(parts[depth + 1 :]):
            return root, "build/ output", "warning"
    name = parts[-1]
    if name in JUNK_FILES or PurePosixPath(name).suffix in JUNK_SUFFIXES:
        return path, name if name in JUNK_FILES else "bytecode file", "error"
    if name == ".coverage":
        return path, "coverage data", "warning"
    leftover = _editor_leftover(name)
    if leftover is not None:
        # test data may hold such files on purpose (a tool that cleans them up)
        return path, leftover, "info" if is_test_path(path) else "warning"
    return None


PUBLISHED = "build output package.json publishes"


def _published_output(found: tuple[str, str, str], published: set[str]) -> tuple[str, str, str]:
    """A `dist/` output directory that package.json's `main`, `browser`, `unpkg`, `exports` or
    `bin` names is the build the package serves (diff 9.0.0's `"browser": "./dist/diff.js"`,
    for CDNs and script tags): committed or shipped on purpose, so information; output nothing
    names stays a warning."""
    root, kind, severity = found
    if severity != "warning" or not kind.endswith("/ output"):
        return found
    named = sorted(p for p in published if p.startswith(f"{root}/"))
    return (root, f"{PUBLISHED} ({named[0]})", "info") if named else found


LOADED = "build output a tracked page loads"
PAGE_SUFFIXES = (".html", ".htm")
PAGE_REFERENCE = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"'#?]+)""", re.I
)
MAX_PAGES = 200


def _loaded_output(found: tuple[str, str, str], pages: Mapping[str, str]) -> tuple[str, str, str]:
    """A build output directory a tracked HTML page of the project loads (md5 2.3.0's
    demo/index.html: `<script src="../dist/md5.min.js">`, webpack's bundle) is kept so that
    the page works from the checkout without a build: information. Output no page loads
    stays a warning."""
    root, kind, severity = found
    if severity != "warning" or not kind.endswith("/ output"):
        return found
    loaded = sorted(p for p in pages if p.startswith(f"{root}/"))
    if not loaded:
        return found
    return root, f"{LOADED} ({pages[loaded[0]]} loads {loaded[0]})", "info"


def loaded_by_pages(target: Path, tracked: Iterable[str]) -> dict[str, str]:
    """The repository paths the project's tracked HTML pages load by a relative `src` or
    `href` (a script, a stylesheet, an image), each with the first page that loads it. Pages
    inside a build output directory are output themselves and not read."""
    loaded: dict[str, str] = {}
    pages = [p for p in tracked if p.lower().endswith(PAGE_SUFFIXES) and _artefact_of(p) is None][
        :MAX_PAGES
    ]
    for page in pages:
        text = read_text(target / page, root=target)
        folder = posixpath.dirname(page)
        for reference in PAGE_REFERENCE.findall(text):
            ref = reference.strip()
            if not ref or ref.startswith(("/", "data:")) or "://" in ref or ref.startswith("//"):
                continue
            path = posixpath.normpath(posixpath.join(folder, ref))
            if not path.startswith("../"):
                loaded.setdefault(path, page)
    return loaded


def _editor_leftover(name: str) -> str | None:
    """What an editor, `patch` or a merge left behind: `.x.swp` (vim), `x~` and `#x#`
    (Emacs), `x.bak`, `x.orig`, `x.rej`."""
    if name in SWAP_SUFFIXES or (
        name.startswith(".") and PurePosixPath(name).suffix in SWAP_SUFFIXES
    ):
        return "editor swap file"
    if name.endswith("~") or (len(name) > 2 and name.startswith("#") and name.endswith("#")):
        return "editor backup file"
    if PurePosixPath(name).suffix in BACKUP_SUFFIXES and not name.startswith("."):
        return "backup copy"
    return None


RECIPES = "packaging recipes in dist/"
PACKAGING_DIRS = frozenset({"debian", "DEBIAN", "rpm", "SPECS", "homebrew", "Formula"})
PACKAGING_NAMES = frozenset(
    {"PKGBUILD", "APKBUILD", "Portfile", "Dockerfile", "snapcraft.yaml", "flake.nix"}
)
PACKAGING_SUFFIXES = frozenset({".spec", ".install", ".sh", ".nuspec", ".desktop", ".service"})
DEBIAN_SOURCE_SUFFIXES = frozenset({".dsc", ".changes"})
"""Debian's source description and upload record: dpkg writes them as `name_version.dsc` and
`name_version_arch.changes`; one without `_` is a packager's template (the Open Build Service's
`build.dsc`, or its RPM changelog `build.changes` beside `build.spec`)."""
DEBIAN_CONTROL_FILES = frozenset(
    {
        "control",
        "rules",
        "changelog",
        "compat",
        "copyright",
        "docs",
        "links",
        "dirs",
        "install",
        "manpages",
        "postinst",
        "postrm",
        "preinst",
        "prerm",
        "triggers",
        "conffiles",
        "examples",
    }
)
"""Files of a debian/ directory, which the Open Build Service also takes flat, as
`debian.control`, `debian.rules`... beside the .dsc it builds from."""


def is_packaging_recipe(rest: list[str]) -> bool:
    """A file under dist/ that packagers write by hand (an Arch PKGBUILD, an RPM spec, a
    Debian control directory or its files taken flat, `debian.control`, a source template
    `build.dsc`, a build script): `dist/` names a distribution's recipes as often as a build's
    output."""
    name = rest[-1] if rest else ""
    stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
    return bool(rest) and (
        any(part in PACKAGING_DIRS for part in rest[:-1])
        or name in PACKAGING_NAMES
        or suffix in PACKAGING_SUFFIXES
        or (suffix in DEBIAN_SOURCE_SUFFIXES and "_" not in stem)
        or (stem == "debian" and suffix[1:] in DEBIAN_CONTROL_FILES)
    )


def _looks_built(rest: list[str]) -> bool:
    return (bool(rest) and rest[0] in ("lib", "bdist", "temp")) or any(
        PurePosixPath(p).suffix in BUILD_ARTEFACT_SUFFIXES or p.endswith(".tar.gz") for p in rest
    )


def check_artefacts(
    tracked: list[str],
    outcome: StepOutcome,
    target: Path | None = None,
    served: Iterable[str] = (),
    pages: Mapping[str, str] | None = None,
) -> None:
    """Committed artefacts; build output a published npm package ships because its publish
    script builds it (`release_archive.published_build`), or that package.json serves
    (`served`: `js_public.published_paths`), is information."""
    artefacts = find_artefacts(tracked, served, pages)
    for item in artefacts:
        count = f" ({item.files} files)" if item.files > 1 else ""
        published = _published(target, item, tracked)
        fixture = _named_fixture(target, item, tracked)
        if fixture is not None:
            advice = f"a fixture {fixture} names by its path: fine to keep"
        elif item.kind == RECIPES:
            advice = "written by hand, not build output: fine to keep"
        elif item.kind.startswith(PUBLISHED):
            advice = "the package serves it: fine to keep"
        elif item.kind.startswith(LOADED):
            advice = "kept so the page works without a build: fine to keep"
        elif published:
            advice = f"this is {published}: the project's repository does not track it"
        else:
            advice = "remove it from git (git rm -r --cached) and add it to .gitignore"
        outcome.add(
            "structure/committed-artifact",
            "info" if published or fixture else item.severity,
            f"committed {item.kind}: {item.path}{count}; {advice}",
            item.path,
        )
    outcome.data["artefacts"] = [
        {"path": a.path, "kind": a.kind, "files": a.files} for a in artefacts
    ]
    outcome.checked.append(f"committed artefacts among {len(tracked)} tracked files")


FIXTURE_KINDS = JUNK_FILES | {"bytecode file"}
NOT_REFERRERS = frozenset({".md", ".rst", ".txt", ".markdown", ".adoc"})  # prose, changelogs
FILE_LISTS = frozenset({"MANIFEST", "RECORD"})  # generated lists of every file shipped
MAX_REFERRER_BYTES = 1_000_000
MAX_REFERRERS = 3000


def _named_fixture(target: Path | None, item: Artefact, tracked: list[str]) -> str | None:
    """Where a committed OS or bytecode file (`.DS_Store`, `x.pyc`) is named as a fixture: the
    first tracked code or configuration file, with its line, whose text holds the file's
    repository path or its path from that file's directory (binaryornot's
    `is_binary("tests/files/.DS_Store")`, a hatch `force-include` of it). A file kept to be read
    by the tests is test data, not litter; one that nothing names stays an error. A bare name
    (`".DS_Store"`, as an ignore list or a cleaner writes it) is not a reference to one file;
    prose, ignore files and generated lists of every file (`MANIFEST`, egg-info's
    `SOURCES.txt`) are not read."""
    if target is None or item.kind not in FIXTURE_KINDS or item.files != 1:
        return None
    for referrer in tracked[:MAX_REFERRERS]:
        pure = PurePosixPath(referrer)
        if referrer == item.path or pure.suffix.lower() in NOT_REFERRERS:
            continue
        if pure.name.endswith("ignore") or pure.name in FILE_LISTS or _artefact_of(referrer):
            continue
        names = [item.path]
        folder = str(pure.parent)
        if folder != "." and item.path.startswith(f"{folder}/"):
            relative = item.path[len(folder) + 1 :]
            if "/" in relative:
                names.append(relative)
        data = read_bytes(target / referrer, limit=MAX_REFERRER_BYTES, root=target)
        if data is None or b"\0" in data[:8192]:
            continue
        text = data.decode("utf-8", errors="replace")
        for name in names:
            line = line_of(text, re.escape(name))
            if line is not None:
                return f"{referrer}:{line}"
    return None


def _published(target: Path | None, item: Artefact, tracked: list[str]) -> str | None:
    """Why build output is the published npm package's (None: it is not)."""
    if target is None or PurePosixPath(item.path).name not in OUTPUT_DIRS | {"build"}:
        return None
    return published_build(target, item.path, tracked)


def check_tracked_ignored(ignored: list[str], outcome: StepOutcome) -> None:
    """Tracked files that `.gitignore` says should not be tracked (grouped by directory)."""
    artefact_paths = {a["path"] for a in outcome.data.get("artefacts", [])}
    by_dir: dict[str, list[str]] = defaultdict(list)
    for path in ignored:
        artefact = _artefact_of(path)
        if PurePosixPath(path).name in PLACEHOLDER_FILES:
            outcome.add(
                "structure/tracked-ignored-file",
                "info",
                f"{path} is tracked although .gitignore excludes its directory: a placeholder "
                "force-added to keep that directory in the checkout",
                path,
            )
        elif artefact is None or artefact[0] not in artefact_paths:  # reported once, as artefact
            by_dir[str(PurePosixPath(path).parent)].append(path)
    for folder, paths in sorted(by_dir.items()):
        if len(paths) >= GROUP_THRESHOLD:
            outcome.add(
                "structure/tracked-ignored-file",
                "warning",
                f"{len(paths)} tracked files in {folder}/ match .gitignore",
                folder,
            )
            continue
        for path in paths:
            outcome.add(
                "structure/tracked-ignored-file",
                "warning",
                f"{path} is tracked although .gitignore excludes it",
                path,
            )
    outcome.data["tracked_ignored"] = len(ignored)
    outcome.checked.append(f"tracked files that .gitignore excludes: {len(ignored)}")


# --------------------------------------------------------------------------- expected layout


def _no_tests_told_by_test_review(ctx: StepContext) -> bool:
    """Whether the test review gives tests/no-tests: no test file, and a Python, JavaScript
    or TypeScript module with an API (its inventory, computed once per run)."""
    inv = test_review.inventory(ctx)
    return not inv.test_files and bool(inv.source_modules)


def check_layout(ctx: StepContext, files: list[str], outcome: StepOutcome) -> None:
    """Per stack: a tests directory; Python: the package directory; JS: the `main` file."""
    stack = detect_stack(ctx)
    has_tests = bool(stack.test_dirs) or any(stack.is_test(f) for f in files)
    checked = [lang for lang in ("python", "javascript", "typescript", "shell") if stack.uses(lang)]
    if checked and not has_tests:  # one finding, for the primary language when it is checked
        # Info when the test review's tests/no-tests states the same fact with the modules it
        # counts, so a project without tests is told once (escape-html 1.0.3 got both), and
        # for shell. A project whose code the review does not count (a command-line script
        # with no function, a `bin/` entry exporting nothing) is told here, as a warning.
        language = stack.primary_language if stack.primary_language in checked else checked[0]
        told = language == "shell" or _no_tests_told_by_test_review(ctx)
        outcome.add(
            "structure/no-tests",
            "info" if told else "warning",
            f"no tests directory or test files for this {language} project",
        )
    if stack.uses("python"):
        _check_python_package(ctx.target, files, outcome)
    if stack.uses("javascript") or stack.uses("typescript"):
        _check_js_entry(ctx, files, outcome)
    outcome.data["layout_checked_for"] = checked
    outcome.checked.append(f"expected layout for: {', '.join(checked) or 'no known stack'}")


def _manifest(target: Path, files: list[str], name: str) -> tuple[str, Any] | None:
    """(text, document) of the top-level pyproject.toml or package.json; None when there is
    none or it does not parse (step 8 reports a manifest that does not parse)."""
    if name not in files:
        return None
    text = read_text(target / name)
    load = tomllib.loads if name.endswith(".toml") else json.loads
    try:
        return text, load(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError):
        return None


def _check_python_package(target: Path, files: list[str], outcome: StepOutcome) -> None:
    manifest = _manifest(target, files, "pyproject.toml")
    if manifest is None:
        return
    text, data = manifest
    present = set(files)
    dirs = {str(p) for f in files for p in PurePosixPath(f).parents}
    declared = list(_declared_packages(data))
    for path in declared:
        if path not in dirs and path not in present:
            line = line_of(text, re.escape(f'"{path}"')) or line_of(text, re.escape(path))
            outcome.add(
                "structure/package-dir-missing",
                "error",
                f"pyproject.toml declares package {path}, which does not exist: the build fails",
                "pyproject.toml",
                line,
            )
    name = dig(data, "project", "name")
    if declared or not isinstance(name, str):
        return
    module = re.sub(r"[-.]+", "_", name).lower()
    candidates = (f"{module}/__init__.py", f"src/{module}/__init__.py", f"{module}.py")
    if not any(c in present for c in candidates):
        outcome.add(
            "structure/package-dir-missing",
            "info",
            f"no package directory {module}/ or src/{module}/ for project '{name}' (fine if the "
            "build backend is configured to find another one)",
            "pyproject.toml",
            line_of(text, r"^\s*name\s*="),
        )


def _declared_packages(data: dict[str, Any]) -> Iterator[str]:
    """Package paths named by hatch, setuptools and poetry configuration."""
    hatch = dig(data, "tool", "hatch", "build", "targets", "wheel", "packages")
    if isinstance(hatch, list):
        yield from (str(p).rstrip("/") for p in hatch if isinstance(p, str))
    setuptools = dig(data, "tool", "setuptools", "packages")
    base = dig(data, "tool", "setuptools", "package-dir", "")
    if isinstance(setuptools, list):
        prefix = f"{base.strip('/')}/" if isinstance(base, str) and base.strip("/") else ""
        yield from (prefix + str(p).replace(".", "/") for p in setuptools if isinstance(p, str))
    poetry = dig(data, "tool", "poetry", "packages")
    if isinstance(poetry, list):
        for entry in poetry:
            if isinstance(entry, dict) and isinstance(entry.get("include"), str):
                if any(c in entry["include"] for c in "*?["):
                    continue
                origin = str(entry.get("from", "")).strip("/")
                yield "/".join(p for p in (origin, entry["include"].replace(".", "/")) if p)


def _check_js_entry(ctx: StepContext, files: list[str], outcome: StepOutcome) -> None:
    target = ctx.target
    manifest = _manifest(target, files, "package.json")
    if manifest is None:
        return
    text, data = manifest
    main = data.get("main") if isinstance(data, dict) else None
    if not isinstance(main, str) or not main.strip():
        return
    path = main.strip().removeprefix("./")
    if _generated(path) or (path.split("/")[0] == "lib" and path not in files):
        return  # built output
    # .gitignore excluding it marks build output too (fast-deep-equal 3.1.3 renders its
    # index.js from a template in `npm run build`)
    candidates = (path, f"{path}.js", f"{path}/index.js")
    if not any((target / c).exists() for c in candidates) and not _ignored(ctx, [path]):
        leftover = path == "index.js" and bool(data.get("bin")) and not any(map(_javascript, files))
        outcome.add(
            "structure/missing-entry",
            "info" if leftover else "warning",
            f'package.json "main" is {main}, which does not exist'
            + (
                ": npm init's default, in a package with no JavaScript file to require (its "
                "commands, `bin`, are what it ships)"
                if leftover
                else ""
            ),
            "package.json",
            line_of(text, r'"main"\s*:'),
        )


JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx")


def _javascript(path: str) -> bool:
    """A JavaScript or TypeScript file of the package itself (not of node_modules/)."""
    return path.endswith(JS_SUFFIXES) and "node_modules" not in PurePosixPath(path).parts
