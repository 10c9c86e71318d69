"""Step 1: Documentation Updates. README sections, missing docstrings/doc comments, docs naming
files or symbols that no longer exist, source changed without any documentation change.

Severities: a stale reference (a file deleted from the project, a project symbol that is gone)
is a warning; so is a missing docstring on a public function or class when the project's own
tooling asks for docstrings (`ai_workflow.docstring_tooling`: ruff's D rules, pydocstyle,
flake8-docstrings, interrogate, pylint) and it documents most of its API (else information;
see `check_python_docstrings` for inherited docstrings, empty exception subclasses and internal
helpers; none where the project's ruff configuration ignores the D rule for the file,
`ai_workflow.docstring_exemptions`); methods, modules, doc comments on constants and "code
changed, docs did not" are information. Nothing here is an error: the documentation may lag, the
code still works.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow import docstrings, pysource
from ai_workflow.changes.filecache import FileResults, code_id, read_run_store, write_run_store
from ai_workflow.deps.imports import Distribution, is_dev_file
from ai_workflow.doc_kinds import is_history_document
from ai_workflow.docstring_exemptions import DocstringExemptions
from ai_workflow.docstring_tooling import NOT_ASKED, docstrings_asked_by
from ai_workflow.docstrings import (
    ApiDocs,
    InheritanceIndex,
    ModuleFacts,
    ModuleFactsReader,
    documented_api,
    module_name,
)
from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.js_public import PublicModules
from ai_workflow.jsdoc_tooling import doc_comment_tooling
from ai_workflow.markdown_docs import (
    README_NAMES,
    DocFile,
    docs_reuse,
    find_readme,
    is_doc_path,
    project_docs,
)
from ai_workflow.project_files import project_files
from ai_workflow.pysource import (
    PySymbol,
    PySyntaxError,
    module_bindings,
    parse_python,
    read_source,
    tree_symbols,
)
from ai_workflow.techstack import TechStack, detect_stack
from ai_workflow.textfiles import read_text

_self = sys.modules[__name__]  # its code is in the context of the docstring facts it stores

SPEC = StepSpec(
    id="documentation",
    number=1,
    name="Documentation Updates",
    description=(
        "README sections, missing docstrings/doc comments, docs naming things that no longer "
        "exist, code changed without docs."
    ),
    depends_on=("pre_analysis",),
    # paths: "docs name files that no longer exist"; package.json: the package's name;
    # config and the other inputs: the tooling that asks for docstrings (docstring_tooling)
    categories=("docs", "code", "paths", "config"),
    inputs=(
        "package.json",
        "requirements*.txt",
        "requirements*.in",
        "requirements/*.txt",
        "Makefile",
        "pylintrc",
        ".pydocstyle*",
    ),
    estimate_s=120.0,
    persona="technical documentation specialist",
)

SECTION_PATTERNS = {
    "install": re.compile(r"install|set ?up|getting started|quick ?start|requirements", re.I),
    "usage": re.compile(
        r"usage|\buse\b|using|how to|getting started|quick ?start|example|tutorial|\brun|"
        r"command|\bcli\b|guide",
        re.I,
    ),
}
JS_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts"})
CODE_SUFFIXES = frozenset({".py", ".sh", ".bash", ".go", ".rs", ".rb", ".java"}) | JS_SUFFIXES
KNOWN_FILE_SUFFIXES = CODE_SUFFIXES | frozenset(
    {".md", ".rst", ".txt", ".json", ".toml", ".yaml", ".yml", ".cfg", ".ini", ".lock", ".html"}
)
NON_SOURCE_DIRS = frozenset(
    {"docs", "doc", "examples", "example", "migrations", "dist", "build", "vendor", "coverage"}
)
NON_SOURCE_FILES = frozenset({"setup.py", "conftest.py", "noxfile.py", "fabfile.py", "manage.py"})
PY_DOC_LANGUAGES = frozenset({"python", "py", "python3", "pycon", "ipython", ""})
JS_DOC_LANGUAGES = frozenset({"js", "javascript", "ts", "typescript", "jsx", "tsx", "mjs"})
DELETED_HISTORY_LIMIT = "5000"
DOCSTRING_CONVENTION = 80.0  # percent of public symbols documented


def run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    files = project_files(ctx)
    docs = project_docs(ctx)
    stack = detect_stack(ctx)
    sources = source_files(files, stack)
    check_readme(ctx.target, files, docs, outcome)
    names, read_names = stored_names(ctx)
    py_index = PythonIndex.build(ctx.target, files, read_names)
    stored = FileResults(ctx, "docstrings", {"extractor": [code_id(pysource), code_id(_self)]})
    classes = FileResults(ctx, "classes", {"extractor": [code_id(pysource), code_id(docstrings)]})
    check_python_docstrings(
        ctx.target, sources, outcome, files, _stored_facts(stored), _stored_classes(classes)
    )
    for done in (stored, classes):
        done.save()
        outcome.checked += [done.describe(), *done.warnings]
    js_exports = check_js_doc_comments(ctx.target, sources, outcome, files)
    deleted = deleted_paths(ctx)
    check_references(docs, files, py_index, js_exports, deleted, outcome)
    names.save()
    outcome.checked += [names.describe(), *names.warnings, *docs_reuse(ctx)]
    check_changes(ctx, files, docs, outcome)
    outcome.summary = _summary(outcome)
    return outcome


def _summary(outcome: StepOutcome) -> str:
    stats = outcome.data.get("docstrings", {})
    coverage = stats.get("coverage_percent")
    part = f"docstring coverage {coverage}%" if coverage is not None else "no public Python API"
    stale = outcome.data.get("stale_references", 0)
    return f"{part}; {stale} stale reference(s) in the docs"


# --------------------------------------------------------------------------- source selection


def source_files(files: Iterable[str], stack: TechStack) -> list[str]:
    """The project's own source code: no tests (as `TechStack.is_test` decides, so a file only
    the test command names is one), docs, examples, build output or tool scripts."""
    chosen = []
    roots = [d.rstrip("/") + "/" for d in stack.source_dirs if d not in ("", ".")]
    for path in files:
        pure = PurePosixPath(path)
        if pure.suffix not in CODE_SUFFIXES or pure.name in NON_SOURCE_FILES:
            continue
        if stack.is_test(path) or any(p in NON_SOURCE_DIRS for p in pure.parts[:-1]):
            continue
        if pure.name.endswith((".d.ts", ".min.js")) or ".config." in pure.name:
            continue
        in_root = any(path.startswith(root) for root in roots)
        if in_root or len(pure.parts) == 1 or not roots:
            chosen.append(path)
    return chosen


# --------------------------------------------------------------------------- README


def _readme_elsewhere(outcome: StepOutcome, path: str, what: str) -> None:
    outcome.add(
        "docs/missing-readme", "info", f"no README at the top of the project; {path}, {what}", path
    )


OTHER_README_SUFFIXES = (".adoc", ".asciidoc", ".asc", ".org", ".textile", ".rdoc", ".pod")


def other_format_readme(files: Iterable[str]) -> str | None:
    """A top-level README in a markup other than Markdown, reStructuredText or plain text
    (`README.adoc`, `README.org`), matched case-insensitively; None when there is none."""
    for name in sorted(f for f in files if "/" not in f):
        stem, dot, suffix = name.rpartition(".")
        if dot and stem.lower() == "readme" and f".{suffix.lower()}" in OTHER_README_SUFFIXES:
            return name
    return None


def check_readme(
    target: Path, files: list[str], docs: dict[str, DocFile], outcome: StepOutcome
) -> None:
    readme = find_readme(files)
    outcome.data["readme"] = readme
    if readme is None and (other := other_format_readme(files)) is not None:
        # a README in a markup the section check does not read (rear's README.adoc): there
        # is one, so none is missing; its headings are not checked
        outcome.data["readme"] = other
        outcome.data["readme_format"] = "not read for sections"
        return
    if readme is None:
        # info where another file says what the project is: the program's own manual at the
        # top, or the README kept in the documentation directory (GitHub shows one from docs/
        # or .github/ on the project's page; doc/README.in is the template the build fills in
        # and installs)
        manual = top_level_manual(target, files)
        kept = None if manual is not None else docs_dir_readme(target, files)
        if manual is not None:
            _readme_elsewhere(
                outcome,
                manual,
                "the manual of the program beside it, says what it is and how to use it (a "
                "README pointing to it would serve readers who do not open manual pages)",
            )
            return
        if kept is not None:
            _readme_elsewhere(
                outcome,
                kept,
                "the project's README kept in its documentation directory, says what it is "
                "(a copy or link at the top would serve readers of the source tree)",
            )
            return
        manuals = debian_native_manuals(target, files)
        if manuals:
            # info: the package is its own upstream; debian/control says what it is, apt
            # installs it, and the manual pages it installs say how to use it
            shown = ", ".join(manuals[:3]) + (
                f" and {len(manuals) - 3} more" if len(manuals) > 3 else ""
            )
            outcome.add(
                "docs/missing-readme",
                "info",
                "no README at the top of the project; it is a Debian native package "
                f"(debian/source/format): debian/control describes it and its manual pages "
                f"({shown}) say how to use it",
                DEBIAN_SOURCE_FORMAT,
            )
            return
        debian_readme = debian_native_readme(target, files)
        if debian_readme is not None:
            _readme_elsewhere(
                outcome,
                debian_readme,
                "the README of this Debian native package (debian/source/format), says what it "
                "is and is installed with it to /usr/share/doc; debian/control describes it",
            )
            return
        outcome.add(
            "docs/missing-readme",
            "warning",
            "no README at the top of the project: add one that says what it is, how to "
            "install it and how to use it",
        )
        return
    doc = docs.get(readme)
    titles = [h.text for h in doc.headings] if doc else _plain_titles(target / readme)
    found = {name: any(p.search(t) for t in titles) for name, p in SECTION_PATTERNS.items()}
    outcome.data["readme_sections"] = {"headings": titles, **found}
    for name, present in found.items():
        if present:
            continue
        message = f"{readme} has no {name} section (a heading such as '{name.capitalize()}')"
        elsewhere = _section_elsewhere(name, readme, files, docs)
        if elsewhere:
            message += f"; the project documents it in {elsewhere}, which is enough"
        # info: a layout preference; on eight labelled projects it was never a real problem
        outcome.add("docs/readme-missing-section", "info", message, readme)
    outcome.checked.append(f"README: {readme} ({len(titles)} headings)")


_MANUAL_SUFFIX_RE = re.compile(r"\.(?:pod|scd|ronn|[1-9][a-z]*(?:\.(?:md|ronn|scd|adoc))?)$")
_MANUAL_START_RE = re.compile(
    r"^(?:=head1\s+NAME\b|\.TH\s|\.Dt\s|#?\s*[\w.+-]+\s*\(\d\w*\)(?:\s|$))", re.M
)


def top_level_manual(target: Path, files: Iterable[str]) -> str | None:
    """A manual page source at the top of the project for a program beside it: `tool.pod`,
    `tool.1`, `tool.1.md`, `tool.scd` or `tool.ronn` next to `tool` (or `tool.sh`, `tool.py`),
    whose text starts like a manual (POD's `=head1 NAME`, roff's `.TH`, scdoc's or ronn's
    `tool(1)`). Single-program projects often document themselves this way instead of in a
    README (and link one to it in their repository)."""
    top = [f for f in files if "/" not in f]
    programs = {name.split(".", 1)[0] for name in top if not _MANUAL_SUFFIX_RE.search(name)}
    for name in sorted(top):
        match = _MANUAL_SUFFIX_RE.search(name)
        if not match or name[: match.start()] not in programs:
            continue
        text = read_text(target / name)
        if text and _MANUAL_START_RE.search(text[:4000]):
            return name
    return None


README_DIRS = ("docs", "doc", ".github")
# a README template that the build fills in (autoconf's `README.in`, `README.md.in`)
_TEMPLATE_SUFFIX = ".in"


def docs_dir_readme(target: Path, files: Iterable[str]) -> str | None:
    """A README (one of `README_NAMES`, or its `.in` template that the build fills in) directly
    in the documentation directory (`docs/`, `doc/`, `.github/`) with some text in it: the
    project's README kept there (GitHub shows one from docs/ or .github/ on the project's
    page; autoconf projects such as quilt build doc/README from doc/README.in and install
    it). A README deeper down (`docs/api/README.md`) describes that directory, not the
    project."""
    wanted = {name.lower() for name in README_NAMES}
    wanted |= {name + _TEMPLATE_SUFFIX for name in wanted}
    by_dir: dict[str, list[str]] = {}
    for rel in files:
        parts = rel.split("/")
        if len(parts) == 2 and parts[0] in README_DIRS and parts[1].lower() in wanted:
            by_dir.setdefault(parts[0], []).append(rel)
    for directory in README_DIRS:
        for rel in sorted(by_dir.get(directory, [])):
            if read_text(target / rel).strip():
                return rel
    return None


DEBIAN_SOURCE_FORMAT = "debian/source/format"
_NATIVE_FORMAT_RE = re.compile(r"^\s*3\.0\s+\(native\)\s*$")
_MANUAL_PAGE_RE = re.compile(r"(?:^|/)[^/]+\.[1-9][a-z]*$")
# a reStructuredText manual page that docutils' rst2man turns into roff: its docinfo gives the
# section (`:Manual section: 8`)
_RST_MANUAL_RE = re.compile(r"^:Manual section:\s*[1-9]", re.M)


def debian_native(target: Path, files: Iterable[str]) -> bool:
    """Whether the project is a Debian native package (`3.0 (native)` in debian/source/format):
    Debian is its upstream, it is installed only as its packages."""
    return DEBIAN_SOURCE_FORMAT in set(files) and bool(
        _NATIVE_FORMAT_RE.match(read_text(target / DEBIAN_SOURCE_FORMAT))
    )


_DEBIAN_README_RE = re.compile(r"^debian/(?:[^/]+\.)?README\.Debian$")


def debian_native_readme(target: Path, files: Iterable[str]) -> str | None:
    """The README of a Debian native package: debian/README.Debian (or `<package>.README.Debian`),
    not empty, which dh_installdocs installs to /usr/share/doc/<package>/; None for any other
    project, or a native package without one."""
    files = list(files)
    if not debian_native(target, files):
        return None
    for rel in sorted(files):
        if _DEBIAN_README_RE.match(rel) and read_text(target / rel).strip():
            return rel
    return None


def debian_native_manuals(target: Path, files: Iterable[str]) -> list[str]:
    """The manual pages (roff sources starting `.TH`/`.Dt`, POD/scdoc/ronn ones, or
    reStructuredText ones for rst2man, with `:Manual section:`) of a Debian native package
    (`3.0 (native)` in debian/source/format: Debian is its upstream, installed only as its
    packages, described by debian/control), outside debian/; empty for any other project or
    a native package that ships no manual page."""
    files = list(files)
    if not debian_native(target, files):
        return []
    found = []
    for rel in sorted(files):
        if rel.startswith("debian/"):
            continue
        if rel.endswith(".rst"):
            if _RST_MANUAL_RE.search(read_text(target / rel)[:4000]):
                found.append(rel)
            continue
        if not (_MANUAL_PAGE_RE.search(rel) or _MANUAL_SUFFIX_RE.search(rel)):
            continue
        text = read_text(target / rel)
        if text and _MANUAL_START_RE.search(text[:4000]):
            found.append(rel)
    return found


# --------------------------------------------------------------------------- Python docstrings


_SECTION_FILE_RE = re.compile(r"(install(?:ing|ation)?|usage)(?:\.(?:md|markdown|rst|txt))?$", re.I)
_CONTRIBUTOR_DOC_RE = re.compile(
    r"(?:^|/)(?:\.github/|contributing|code_of_conduct|security)", re.I
)


def _section_elsewhere(
    name: str, readme: str, files: list[str], docs: dict[str, DocFile]
) -> str | None:
    """Where else the project covers a README section: a top-level file named for it
    (`INSTALL`, `INSTALL.md`, `USAGE.md`), or a heading of another document that is not history
    (docs/installation.rst's "Installation", docs/index.md's "Getting Started")."""
    pattern = SECTION_PATTERNS[name]
    for path in sorted(files):
        match = _SECTION_FILE_RE.match(path)
        if match and match.group(1).lower().startswith(name):
            return path
    for path in sorted(docs):
        if path == readme or is_history_document(path) or _CONTRIBUTOR_DOC_RE.search(path):
            continue
        heading = next((h.text for h in docs[path].headings if pattern.search(h.text)), None)
        if heading:
            return f"{path} ('{heading}')"
    return None


def _plain_titles(path: Path) -> list[str]:
    """Short lines of a plain-text README: the closest thing it has to headings."""
    lines = read_text(path).splitlines()  # only a regular file inside the target
    return [line.strip() for line in lines if 0 < len(line.strip()) < 60]


def _is_private_module(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return any(p.startswith("_") and p not in ("__init__.py", "__main__.py") for p in parts)


def check_python_docstrings(
    target: Path,
    sources: list[str],
    outcome: StepOutcome,
    files: Iterable[str] = (),
    facts: Callable[[Path, str], DocFacts | None] | None = None,
    classes: ModuleFactsReader | None = None,
) -> None:
    """Public functions, classes and methods without docstrings.

    Severity follows the project's own convention: where its tooling asks for docstrings
    (`docstrings_asked_by`) and most of the public API is documented (>= DOCSTRING_CONVENTION),
    an undocumented function or class is a warning; elsewhere each one is information only,
    its reason in `extra.not_configured`. A class whose body is only `pass` or `...` and that
    derives from an exception needs none (`empty_exception_lines`). A class or method
    that inherits a project base class's docstring counts as documented; where the project's
    docs list its API (autodoc, mkdocstrings), a function or class they do not name is an
    internal helper: information (see `ai_workflow.docstrings`), and so is a function the
    module's `if __name__ == "__main__":` block calls (`main_block_calls`). `facts` reads one file
    (`docstring_facts`, or a store of its earlier results), `classes` its class facts for the
    inherited docstrings (`docstrings.module_facts`, or a store).
    """
    read = facts or docstring_facts
    asked = docstrings_asked_by(target, files)
    exemptions = DocstringExemptions(target)
    public = unparsable = exempt = 0
    missing: list[tuple[str, PySymbol]] = []
    for path in sources:
        if not path.endswith(".py") or _is_private_module(path):
            continue
        info = read(target, path)
        if info is None:
            continue
        if not info.parses:
            unparsable += 1
            continue
        if _lacks_module_docstring(path, info, exemptions):
            outcome.add("docs/missing-module-docstring", "info", "module has no docstring", path, 1)
        symbols = [s for s in info.symbols if s.is_public and not _exempt(s.decorators)]
        held = [s for s in symbols if s.has_docstring or not exemptions.symbol_reason(path, s)]
        exempt += len(symbols) - len(held)
        symbols = held
        public += len(symbols)
        missing += [(path, s) for s in symbols if not s.has_docstring]
    python = [p for p in sources if p.endswith(".py")]
    missing, inherited = _without_inherited(target, python, missing, classes)
    coverage = round(100 * (public - len(missing)) / public, 1) if public else None
    convention = coverage is not None and coverage >= DOCSTRING_CONVENTION
    enforced = convention and asked is not None
    api = documented_api(target, files) if missing and enforced else None
    entry_points: dict[str, frozenset[str]] = {}
    why = {"asked_by": asked} if enforced else {"not_configured": _not_enforced(asked)}
    shipped = Distribution.of(target, python) if missing and enforced else None
    for path, symbol in missing:
        note = _not_api(target, path, symbol, api, entry_points) if enforced else ""
        if enforced and not note and symbol.kind != "method" and shipped is not None:
            note = TOOLING_NOTE if is_dev_file(path, unshipped=shipped.leaves_out) else ""
        severity = "warning" if enforced and symbol.kind != "method" and not note else "info"
        outcome.add(
            "docs/missing-docstring",
            severity,
            f"public {symbol.kind} {symbol.qualname} has no docstring{note}",
            path,
            symbol.line,
            symbol=symbol.qualname,
            signature=symbol.signature,
            **why,
        )
    outcome.data["docstrings"] = {
        "public_symbols": public,
        "documented": public - len(missing),
        "inherited": inherited,
        "coverage_percent": coverage,
        "unparsable_files": unparsable,
    }
    outcome.checked.append(
        f"Python docstrings: {public - len(missing)}/{public} public symbols documented"
        + (f" ({inherited} inherited from a base class)" if inherited else "")
        + ("; API documentation read for which symbols are public" if api is not None else "")
        + (f"; docstrings asked for: {asked}" if asked else "; no docstring checker configured")
        + (f"; {exempt} undocumented left out: {EXEMPT_NOTE}" if exempt else "")
    )
    if unparsable:
        outcome.checked.append(f"{unparsable} Python file(s) do not parse (see code quality)")


def _lacks_module_docstring(path: str, info: DocFacts, exemptions: DocstringExemptions) -> bool:
    if info.module_docstring or info.blank or path.endswith("__main__.py"):
        return False
    return exemptions.module_reason(path) is None


EXEMPT_NOTE = "the project's ruff configuration ignores their D rule (per-file-ignores, ignore)"


def _not_enforced(asked: str | None) -> str:
    if asked is None:
        return NOT_ASKED
    return f"{asked}, but less than {DOCSTRING_CONVENTION:.0f}% of the public API is documented"


@dataclass(frozen=True)
class DocFacts:
    """What the docstring check reads from one Python file (its content alone decides it)."""

    parses: bool
    module_docstring: bool = False
    blank: bool = True  # nothing but whitespace
    symbols: tuple[PySymbol, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "parses": self.parses,
            "module_docstring": self.module_docstring,
            "blank": self.blank,
            "symbols": [dataclasses.asdict(s) for s in self.symbols],
        }

    @classmethod
    def from_json(cls, value: Any) -> DocFacts:
        symbols = tuple(
            PySymbol(**{**s, "decorators": tuple(s["decorators"])}) for s in value["symbols"]
        )
        flags = (value["parses"], value["module_docstring"], value["blank"])
        if not all(type(f) is bool for f in flags):
            raise TypeError("stored docstring facts are not flags")
        return cls(*flags, symbols)


def docstring_facts(target: Path, path: str) -> DocFacts | None:
    """The facts of the file at `path`; None when it cannot be read."""
    try:
        source = read_source(target / path)
    except OSError:
        return None
    try:
        tree = parse_python(source, path)
    except PySyntaxError:
        return DocFacts(False, blank=not source.strip())
    has_docstring = ast.get_docstring(tree, clean=False) is not None
    empty = empty_exception_lines(tree)
    symbols = tuple(s for s in tree_symbols(tree) if not (s.kind == "class" and s.line in empty))
    return DocFacts(True, has_docstring, not source.strip(), symbols)


EXCEPTION_SUFFIXES = ("Error", "Exception", "Warning")


def empty_exception_lines(tree: ast.Module) -> set[int]:
    """Lines of the classes whose body is only `pass` or `...` and that derive from an
    exception (a builtin one, a name ending in Error/Exception/Warning, or such a class of the
    module): `class Missing(ValueError): pass` says all there is to say in its name."""
    exceptions: set[str] = set()
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        if not any(_is_exception(base, exceptions) for base in node.bases):
            continue
        exceptions.add(node.name)
        if all(_is_empty_statement(s) for s in node.body):
            lines.add(node.lineno)
    return lines


def _is_exception(base: ast.expr, known: set[str]) -> bool:
    name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", None)
    if not isinstance(name, str):
        return False
    builtin = getattr(builtins, name, None)
    if isinstance(builtin, type) and issubclass(builtin, BaseException):
        return True
    return name in known or name.endswith(EXCEPTION_SUFFIXES)


def _is_empty_statement(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass):
        return True
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and statement.value.value is Ellipsis
    )


def _stored_facts(stored: FileResults) -> Callable[[Path, str], DocFacts | None]:
    """`docstring_facts` that reuses a file's facts while its content is unchanged."""

    def facts(target: Path, path: str) -> DocFacts | None:
        return stored.reuse(
            path, lambda: docstring_facts(target, path), DocFacts.to_json, DocFacts.from_json
        )

    return facts


def _stored_classes(stored: FileResults) -> ModuleFactsReader:
    """`docstrings.module_facts` that reuses a file's class facts while it is unchanged."""

    def classes(target: Path, path: str) -> tuple[ModuleFacts | None] | None:
        return stored.reuse(
            path,
            lambda: docstrings.module_facts(target, path),
            lambda found: {"facts": None if found[0] is None else found[0].to_json()},
            lambda value: (
                None if value["facts"] is None else ModuleFacts.from_json(value["facts"]),
            ),
        )

    return classes


def _without_inherited(
    target: Path,
    paths: list[str],
    missing: list[tuple[str, PySymbol]],
    classes: ModuleFactsReader | None = None,
) -> tuple[list[tuple[str, PySymbol]], int]:
    """`missing` less the classes and methods that inherit a project base class's docstring,
    and how many those were."""
    if not any(s.kind in ("class", "method") for _, s in missing):
        return missing, 0
    index = InheritanceIndex.build(target, paths, classes)
    kept = [
        (path, symbol)
        for path, symbol in missing
        if symbol.kind == "function"
        or index.documented_base(module_name(path) or "", symbol.qualname, symbol.kind) is None
    ]
    return kept, len(missing) - len(kept)


def _not_api(
    target: Path,
    path: str,
    symbol: PySymbol,
    api: ApiDocs | None,
    entry_points: dict[str, frozenset[str]],
) -> str:
    """Why an undocumented public function or class is no API a docstring would document
    (" (...)", for its message), or "" (`entry_points`: `main_block_calls` per file read)."""
    if symbol.kind == "method":
        return ""
    if api is not None and not api.names_symbol(module_name(path) or "", symbol.qualname):
        return " (an internal helper: the API documentation does not name it)"
    if symbol.kind != "function":
        return ""
    if path not in entry_points:
        entry_points[path] = main_block_calls(target, path)
    return f" ({ENTRY_POINT_NOTE})" if symbol.qualname in entry_points[path] else ""


TOOLING_NOTE = (
    " (in the maintainer's tooling, as setup.py, docs/, scripts/ or invoke's tasks/, not in "
    "the package the distribution ships)"
)


ENTRY_POINT_NOTE = (
    'the module\'s command-line entry point, called by its `if __name__ == "__main__":` '
    "block: documented by how the command runs"
)


def main_block_calls(target: Path, path: str) -> frozenset[str]:
    """The module's functions that its `if __name__ == "__main__":` block calls by name (its
    command-line entry point, `main()`): the command's, not Python API a docstring would
    document; empty when the file cannot be read or parsed."""
    try:
        tree = parse_python(read_source(target / path), path)
    except (OSError, PySyntaxError):
        return frozenset()
    return frozenset(
        call.func.id
        for block in tree.body
        if isinstance(block, ast.If) and _is_main_test(block.test)
        for call in ast.walk(block)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
    )


def _is_main_test(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )


def _exempt(decorators: tuple[str, ...]) -> bool:
    """Overloads, property setters/deleters and overrides document themselves elsewhere."""
    return any(
        d.endswith(("overload", "override", ".setter", ".deleter")) or d == "typing.overload"
        for d in decorators
    )


# --------------------------------------------------------------------------- JS/TS doc comments

_JS_EXPORT_RE = re.compile(
    r"^\s*export\s+(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?"
    r"(function\*?|class|const\s+enum|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)"
)
_JS_EXPORT_LIST_RE = re.compile(
    r"^\s*export\s+(?:type\s+)?\{([^}]*)\}(\s*from\s*[\"'][^\"']+[\"'])?", re.M
)
_JS_EXPORT_DESTRUCTURED_RE = re.compile(r"^\s*export\s+(?:const|let|var)\s*\{([^}]*)\}\s*=", re.M)
_JS_COMMENT_RE = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_JS_DOC_COMMENT_RE = re.compile(r"/\*\*(?!/)")
NO_DOC_COMMENTS = "the project writes no /** doc comments */ in its code"
JS_NOT_ASKED = (
    "no tooling of the project asks for doc comments (eslint-plugin-jsdoc, require-jsdoc, "
    "typedoc, jsdoc, documentation.js, api-extractor, tsdoc)"
)
INTERNAL_MODULE = "internal module: the package entry (main/exports/module/types) does not reach it"
_JS_DIRECTIVE_COMMENT_RE = re.compile(
    r"//\s*(?:@|#|eslint|prettier|istanbul|c8|jshint|global|tslint|biome|deno-lint|region|endregion)"
)
_JS_EXPORT_STAR_RE = re.compile(r"^\s*export\s*\*\s*(?:as\s+([A-Za-z_$][\w$]*)\s*)?from", re.M)
# `exports.x = ...`, also at the end of a declaration (`const format = exports.format =
# require('./format')`, logform 2.4.2's index.js: the local name and the export at once)
_CJS_EXPORTS_RE = re.compile(
    r"^\s*(?:(?:const|let|var)\s+[A-Za-z_$][\w$]*\s*=\s*)?"
    r"(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=(?!=)"
)
_CJS_OBJECT_RE = re.compile(r"module\.exports\s*=\s*\{([^}]*)\}", re.S)
_JS_DECL_RE = r"^\s*(?:export\s+)?(?:async\s+)?(?:function\*?|class|const|let|var)\s+{name}\b"


@dataclass
class JsExports:
    names: set[str] = field(default_factory=set)  # every exported name, re-exports included
    files: int = 0
    complete: bool = True  # False when an `export * from` hides some names


def check_js_doc_comments(
    target: Path, sources: list[str], outcome: StepOutcome, files: list[str] | None = None
) -> JsExports:
    """Exported functions, classes and values without a `/** ... */` comment right above.

    A class is documented by a doc comment above it or on its constructor (JSDoc reads either).
    A missing one is a warning only where the project's own tooling asks for doc comments
    (`doc_comment_tooling`: eslint-plugin-jsdoc, require-jsdoc, typedoc...) and only in a module
    its package entry reaches (`PublicModules`; picomatch's internal `lib/utils.js` is not);
    otherwise the project documents its API elsewhere (a README) and it is information, the
    finding's `extra` saying why. So is a declaration with a plain `//` comment right above it:
    explained, only not in the form editors show.
    """
    exports = JsExports()
    total = documented = 0
    texts = {
        path: read_text(target / path, root=target)
        for path in sources
        if PurePosixPath(path).suffix in JS_SUFFIXES
    }
    habit = any(_JS_DOC_COMMENT_RE.search(text) for text in texts.values())
    policy = _JsDocPolicy(target, files if files is not None else sources) if texts else None
    for path, text in texts.items():
        lines = text.splitlines()
        exports.files += 1
        _js_reexports("\n".join(lines), exports)
        for line_no, kind, name in _js_exported(lines):
            exports.names.add(name)
            total += 1
            if _has_doc_comment(lines, line_no) or (
                kind == "class" and _constructor_documented(lines, line_no)
            ):
                documented += 1
                continue
            commented = _has_line_comment(lines, line_no)
            why = policy.why_info(path) if policy else {}
            shown = kind in ("function", "class") and not commented and not why
            how = " (only a // comment)" if commented else ""
            extra = {**why, **({} if habit else {"not_the_habit": NO_DOC_COMMENTS})}
            outcome.add(
                "docs/missing-doc-comment",
                "warning" if shown else "info",
                f"exported {kind} {name} has no /** doc comment */{how}",
                path,
                line_no,
                symbol=name,
                **extra,
            )
    if exports.files:
        where = "" if habit else f" ({NO_DOC_COMMENTS})"
        asked = policy.describe() if policy else ""
        outcome.checked.append(
            f"JS/TS doc comments: {documented}/{total} exports documented{where}; {asked}"
        )
    outcome.data["js_doc_comments"] = {"exports": total, "documented": documented}
    return exports


class _JsDocPolicy:
    """Why a missing doc comment in a module is only information ({} when it is a warning)."""

    def __init__(self, target: Path, files: list[str]) -> None:
        self.tooling = doc_comment_tooling(target, files)
        self._public: PublicModules | None = None
        self._target, self._files = target, files

    def why_info(self, path: str) -> dict[str, str]:
        if self.tooling is None:
            return {"not_asked": JS_NOT_ASKED}
        if self._public is None:
            self._public = PublicModules(self._target, self._files)
        if not self._public.exposed(path):
            return {"internal": INTERNAL_MODULE}
        return {}

    def describe(self) -> str:
        if self.tooling is None:
            return f"warnings off: {JS_NOT_ASKED}"
        reach = f", {self._public.describe()}" if self._public else ""
        return f"asked for by {self.tooling}{reach}"


def _js_exported(lines: list[str]) -> Iterator[tuple[int, str, str]]:
    """(line, kind, name) of each exported declaration; CommonJS exports point at the decl."""
    seen: set[tuple[int, str]] = set()
    for found in _js_export_candidates(lines):
        if (found[0], found[2]) not in seen:
            seen.add((found[0], found[2]))
            yield found


def _js_export_candidates(lines: list[str]) -> Iterator[tuple[int, str, str]]:
    for index, line in enumerate(lines):
        match = _JS_EXPORT_RE.match(line)
        if match:
            yield index + 1, match.group(1).split()[-1].rstrip("*"), match.group(2)
            continue
        cjs = _CJS_EXPORTS_RE.match(line)
        if cjs:
            value = line[cjs.end() :].strip().rstrip(";").strip()
            if re.fullmatch(r"[A-Za-z_$][\w$]*", value):
                yield from _declarations(lines, [value])
            else:
                kind = (
                    "function" if re.match(r"(async\s+)?(function|\(|\w+\s*=>)", value) else "value"
                )
                yield index + 1, "class" if value.startswith("class") else kind, cjs.group(1)
            continue
        single = re.match(r"^\s*module\.exports\s*=\s*([A-Za-z_$][\w$]*)\s*;?\s*$", line)
        if single:
            yield from _declarations(lines, [single.group(1)])
    text = "\n".join(lines)
    for match in _CJS_OBJECT_RE.finditer(text):
        yield from _declarations(lines, _names_in_braces(match.group(1)))
    for match in _JS_EXPORT_LIST_RE.finditer(text):
        if not match.group(2):  # `export { a, b as c }`: the local declarations
            yield from _declarations(lines, _names_in_braces(match.group(1)))


def _js_reexports(text: str, exports: JsExports) -> None:
    """Names exported under another name or from another module (no doc comment needed here),
    and names exported by destructuring (`export const { a, b } = lib`)."""
    for match in _JS_EXPORT_LIST_RE.finditer(text):
        for part in match.group(1).split(","):
            pieces = re.split(r"\s+as\s+", part.strip())
            if pieces[-1] and re.fullmatch(r"[A-Za-z_$][\w$]*", pieces[-1]):
                exports.names.add(pieces[-1])
    for match in _JS_EXPORT_DESTRUCTURED_RE.finditer(text):
        body = _JS_COMMENT_RE.sub("", match.group(1))
        exports.names.update(_names_in_braces(re.sub(r"=[^,]*", "", body)))
    for match in _JS_EXPORT_STAR_RE.finditer(text):
        if match.group(1):
            exports.names.add(match.group(1))
        else:
            exports.complete = False


def _names_in_braces(body: str) -> list[str]:
    names = []
    for part in body.split(","):
        token = part.split(":")[-1].split(" as ")[0].strip()
        if re.fullmatch(r"[A-Za-z_$][\w$]*", token):
            names.append(token)
    return names


def _declarations(lines: list[str], names: list[str]) -> Iterator[tuple[int, str, str]]:
    for name in names:
        pattern = re.compile(_JS_DECL_RE.format(name=re.escape(name)))
        for index, line in enumerate(lines):
            if pattern.match(line) and not line.lstrip().startswith("export"):
                kind = (
                    "class" if "class " in line else "function" if "function" in line else "value"
                )
                if kind == "value" and "=>" in line:
                    kind = "function"
                yield index + 1, kind, name
                break


def _constructor_documented(lines: list[str], line_no: int) -> bool:
    """Whether the class declared at `line_no` opens with a `/** ... */` constructor."""
    index = line_no  # the line after the declaration
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index >= len(lines) or not lines[index].lstrip().startswith("/**"):
        return False
    while index < len(lines) and "*/" not in lines[index]:
        index += 1
    index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index < len(lines) and re.match(r"\s*constructor\s*\(", lines[index]) is not None


def _has_line_comment(lines: list[str], line_no: int) -> bool:
    """A `//` comment (not a tool directive such as `// @ts-check`) right above the line."""
    above = lines[line_no - 2].strip() if line_no >= 2 else ""
    return above.startswith("//") and not _JS_DIRECTIVE_COMMENT_RE.match(above)


def _has_doc_comment(lines: list[str], line_no: int) -> bool:
    index = line_no - 2
    while index >= 0 and (not lines[index].strip() or lines[index].lstrip().startswith("@")):
        index -= 1
    if index < 0 or not lines[index].rstrip().endswith("*/"):
        return False
    if "/*" in lines[index]:
        return "/**" in lines[index]  # the comment opens on the line that closes it
    # Up to the line that opens the comment: one that starts with `/*` (a `/*` inside the
    # text, as in an example glob `'foo/*.js'`, opens nothing), or holds `/**` after code.
    while index >= 0 and not (lines[index].lstrip().startswith("/*") or "/**" in lines[index]):
        index -= 1
    return index >= 0 and "/**" in lines[index]


# --------------------------------------------------------------------------- Python index


@dataclass
class PythonIndex:
    """The project's importable Python modules (flat and src layouts) and their top names."""

    target: Path
    modules: dict[str, str]  # dotted name -> relative path
    _names: dict[str, set[str] | None] = field(default_factory=dict)
    reader: TopNames = field(default=lambda target, path: top_level_names(target, path))

    @classmethod
    def build(
        cls, target: Path, files: Iterable[str], reader: TopNames | None = None
    ) -> PythonIndex:
        """The index of `files`; `reader` gives a file's top-level names (default:
        `top_level_names`, or a store of earlier results: `stored_names`)."""
        present = set(files)
        modules: dict[str, str] = {}
        for path in sorted(present):
            if path.endswith(".py"):
                name = _module_name(path, present)
                if name and name not in modules:
                    modules[name] = path
        return cls(target, modules, reader=reader or top_level_names)

    @property
    def packages(self) -> set[str]:
        """Top-level names that are packages (directories), not loose scripts."""
        return {name.split(".")[0] for name, p in self.modules.items() if "." in name}

    def top_level(self) -> set[str]:
        return {name.split(".")[0] for name in self.modules}

    def names_in(self, module: str) -> set[str] | None:
        """Names a module defines or imports at top level, plus its submodules.

        None means "cannot tell" (syntax error, `__getattr__`, or a star import).
        """
        if module not in self._names:
            self._names[module] = self._read_names(module)
        return self._names[module]

    def _read_names(self, module: str) -> set[str] | None:
        found = self.reader(self.target, self.modules[module])
        if found is None or found[0] is None:
            return None
        names = set(found[0])
        prefix = module + "."
        names |= {m[len(prefix) :].split(".")[0] for m in self.modules if m.startswith(prefix)}
        return names

    def unresolved(self, dotted: str) -> str | None:
        """The first part of a project reference that does not exist, or None if it resolves.

        `dotted` must start with a project top-level name; `pkg.mod.func` resolves when module
        `pkg.mod` exists and defines `func`. Attributes of classes are not followed.
        """
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            if module in self.modules:
                if cut == len(parts):
                    return None
                names = self.names_in(module)
                if names is None or parts[cut] in names:
                    return None
                return f"{module}.{parts[cut]}"
        return parts[0]


TopNames = Callable[[Path, str], "tuple[list[str] | None] | None"]
"""A file's top-level names: `top_level_names`, or a store of its earlier results."""


def top_level_names(target: Path, path: str) -> tuple[list[str] | None] | None:
    """The names the module at `path` defines or imports at top level, sorted; `(None,)` when
    they cannot be told (a syntax error, `__getattr__` or a star import); None when the file
    cannot be read (no result: it is read again next time). Depends on its content alone."""
    try:
        text = read_source(target / path)
    except OSError:
        return None
    try:
        names, dynamic = module_bindings(parse_python(text).body)
    except PySyntaxError:
        return (None,)
    return (None if dynamic else sorted(names),)


def stored_names(ctx: StepContext) -> tuple[FileResults, TopNames]:
    """Per-file results of `top_level_names` for `ctx`'s step (documentation,
    script_references), and a reader that reuses them while a file's content is unchanged;
    the caller saves the store after its last lookup."""
    stored = FileResults(ctx, "names", {"extractor": [code_id(pysource), code_id(_self)]})

    def names(target: Path, path: str) -> tuple[list[str] | None] | None:
        return stored.reuse(
            path, lambda: top_level_names(target, path), _encode_names, _decode_names
        )

    return stored, names


def _encode_names(found: tuple[list[str] | None]) -> dict[str, Any]:
    return {"names": found[0]}


def _decode_names(value: Any) -> tuple[list[str] | None]:
    names = value["names"]
    if names is not None and not (
        isinstance(names, list) and all(isinstance(n, str) for n in names)
    ):
        raise TypeError("stored names are not a list of strings")
    return (names,)


def _module_name(path: str, present: set[str]) -> str | None:
    pure = PurePosixPath(path)
    parts = list(pure.parts)
    if parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
        base = "src/"
    else:
        base = ""
    for depth in range(1, len(parts)):
        if f"{base}{'/'.join(parts[:depth])}/__init__.py" not in present:
            return None
    stem = parts[-1][:-3]
    dotted = parts[:-1] if stem == "__init__" else [*parts[:-1], stem]
    if not dotted or not all(p.isidentifier() for p in dotted):
        return None
    return ".".join(dotted)


# --------------------------------------------------------------------------- stale references

_IMPORT_FROM_RE = re.compile(r"^\s*(?:>>>\s*|\.\.\.\s*)?from\s+([\w.]+)\s+import\s+\(?([\w\s,]+)")
_IMPORT_RE = re.compile(r"^\s*(?:>>>\s*|\.\.\.\s*)?import\s+([\w.]+(?:\s*,\s*[\w.]+)*)")
_DOTTED_RE = re.compile(r"^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?:\(.*\))?$")
_JS_IMPORT_RE = re.compile(
    r"""import\s*\{([^}]*)\}\s*from\s*["']([^"']+)["']|"""
    r"""(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*["']([^"']+)["']\s*\)"""
)
_PATHLIKE_RE = re.compile(r"^[\w@.+-]+(?:/[\w@.+-]+)*$")


@dataclass(frozen=True)
class _Ref:
    text: str
    line: int


def check_references(
    docs: dict[str, DocFile],
    files: list[str],
    py_index: PythonIndex,
    js: JsExports,
    deleted: set[str],
    outcome: StepOutcome,
) -> None:
    """Docs naming project files or symbols that do not exist (any more).

    Only what claims something about the project now is read (`DocFile.is_claim`): not a
    changelog or migration guide, not an example of another project, not the old side of
    `old -> new`. A dotted name the project's code spells as a string (an entry-point group
    such as `flask.commands`, a logger name) is a name the project defines, not a stale symbol.
    """
    present = set(files)
    suffixes = _suffix_index(files)
    js_packages = _js_package_names(py_index.target)
    strings = _CodeStrings(py_index)
    stale = 0
    for path in sorted(docs):
        doc = docs[path]
        if is_history_document(path) or doc.role is not None:
            continue  # names removed things on purpose, or describes another project
        for ref in _file_refs(doc):
            problem = _missing_file(ref.text, path, present, suffixes, py_index.target, deleted)
            if problem:
                stale += 1
                outcome.add("docs/stale-file-reference", "warning", problem, path, ref.line)
        for line, name in _python_refs(doc, py_index):
            if strings.spells(name):
                continue
            stale += 1
            outcome.add(
                "docs/unknown-symbol",
                "info",
                f"names {name}, which the project does not define (any more)",
                path,
                line,
                symbol=name,
            )
        for line, name, package in _js_refs(doc, js_packages):
            if js.files and js.complete and name not in js.names:
                stale += 1
                outcome.add(
                    "docs/unknown-symbol",
                    "info",
                    f"imports {name} from {package}, which exports no such name",
                    path,
                    line,
                    symbol=name,
                )
    outcome.data["stale_references"] = stale
    outcome.checked.append(f"file and symbol references in {len(docs)} documents")


def _suffix_index(files: list[str]) -> set[str]:
    """Every trailing part of every path: `cli.py`, `pkg/cli.py`, `src/pkg/cli.py`."""
    out = set()
    for path in files:
        parts = path.split("/")
        for start in range(len(parts)):
            out.add("/".join(parts[start:]))
    return out


class _CodeStrings:
    """Whether the project's Python code spells a name as a string literal (read lazily)."""

    def __init__(self, index: PythonIndex) -> None:
        self._index = index
        self._text: str | None = None

    def spells(self, name: str) -> bool:
        if self._text is None:
            self._text = "\n".join(map(self._read, sorted(set(self._index.modules.values()))))
        return re.search(rf"""(["']){re.escape(name)}\1""", self._text) is not None

    def _read(self, path: str) -> str:
        return read_text(self._index.target / path, root=self._index.target)


def _file_refs(doc: DocFile) -> Iterator[_Ref]:
    """Inline code that names a file: `src/pkg/cli.py`, `docs/guide.md`, `run.sh` (not one
    given as an example: "For example, `changelog.d/42.change.md`" shows a pattern)."""
    for code in doc.claim_inline():
        if code.example:
            continue
        text = code.text.strip().strip("\"'").removeprefix("./")
        if (
            _PATHLIKE_RE.match(text)
            and not text.startswith((".venv", "node_modules"))
            and PurePosixPath(text).suffix.lower() in KNOWN_FILE_SUFFIXES
        ):
            yield _Ref(text, code.line)


def _missing_file(
    text: str,
    doc_path: str,
    present: set[str],
    suffixes: set[str],
    target: Path,
    deleted: set[str],
) -> str | None:
    """Why a path named in the docs is stale, or None when it exists or cannot be judged.

    A name the history shows deleted is stale; so is a path inside one of the project's own
    top-level directories. Other names (`settings.json`, a user's file) are not judged.
    """
    relative = (PurePosixPath(doc_path).parent / text).as_posix()
    if text in suffixes or relative in present or (target / text).exists():
        return None
    if (target / relative).exists() or any(p.startswith(text + "/") for p in present):
        return None
    if text in deleted or any(d.endswith("/" + text) for d in deleted):
        return f"names `{text}`, which was deleted from the project"
    top = text.split("/")[0]
    if "/" in text and any(p.startswith(top + "/") for p in present):
        return f"names `{text}`, which does not exist in the project"
    return None


def _python_refs(doc: DocFile, index: PythonIndex) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of project imports and dotted names in docs that do not resolve."""
    tops = index.top_level() - {PurePosixPath(n).stem for n in NON_SOURCE_FILES}
    if not tops:
        return
    candidates: list[tuple[int, str]] = []
    for block in doc.claim_blocks():
        if block.language in PY_DOC_LANGUAGES:
            for line, text in block.numbered_lines():
                candidates += [(line, name) for name in _imported_names(text)]
    for code in doc.claim_inline():
        if code.example:
            continue  # "For example, `pkg.Foo`": a made-up name
        candidates += [(code.line, n) for n in _imported_names(code.text)]
        dotted = _DOTTED_RE.match(code.text.strip())
        if dotted and "." + dotted.group(1).rsplit(".", 1)[1] not in KNOWN_FILE_SUFFIXES:
            candidates.append((code.line, dotted.group(1)))
    seen = set()
    for line, name in candidates:
        if name.split(".")[0] in tops and (line, name) not in seen:
            seen.add((line, name))
            missing = index.unresolved(name)
            if missing and not is_placeholder_name(missing.rsplit(".", 1)[-1]):
                yield line, missing


_PLACEHOLDER_NAMES = frozenset(
    {"foo", "bar", "baz", "qux", "quux", "spam", "eggs", "ham", "func", "function", "method"}
    | {"meth", "cls", "klass", "class", "obj", "something", "xxx", "yyy", "example"}
)


def is_placeholder_name(name: str) -> bool:
    """A conventional made-up name (`Foo`, `func`, `Class`, `MyClass`, `my_func`): a document
    writing `pkg.func()` shows how to spell a name, it does not name one."""
    return name.lower() in _PLACEHOLDER_NAMES or bool(re.match(r"[Mm]y(?:[A-Z]|_\w)", name))


def _imported_names(text: str) -> list[str]:
    match = _IMPORT_FROM_RE.match(text)
    if match:
        module = match.group(1)
        if module.startswith("."):
            return []
        names = [n.split(" as ")[0].strip() for n in match.group(2).split(",")]
        return [f"{module}.{n}" for n in names if n.isidentifier()]
    match = _IMPORT_RE.match(text)
    if match:
        return [m.strip().split(" as ")[0] for m in match.group(1).split(",")]
    return []


def _js_package_names(target: Path) -> set[str]:
    try:  # read_text: a FIFO named package.json is never opened (it would block)
        data = json.loads(read_text(target / "package.json", root=target))
    except ValueError:
        return set()
    name = data.get("name") if isinstance(data, dict) else None
    return {name} if isinstance(name, str) else set()


def _js_refs(doc: DocFile, packages: set[str]) -> Iterator[tuple[int, str, str]]:
    if not packages:
        return
    for block in doc.claim_blocks():
        if block.language not in JS_DOC_LANGUAGES:
            continue
        for line, text in block.numbered_lines():
            for match in _JS_IMPORT_RE.finditer(text):
                body = match.group(1) or match.group(3) or ""
                package = match.group(2) or match.group(4) or ""
                if package in packages:
                    for name in _names_in_braces(body.replace(" as ", ":")):
                        yield line, _original_name(body, name), package


def _original_name(body: str, local: str) -> str:
    """`{ a as b }` / `{ a: b }` import `a` under the local name `b`."""
    for part in body.split(","):
        pieces = re.split(r"\s+as\s+|\s*:\s*", part.strip())
        if len(pieces) == 2 and pieces[1] == local:
            return pieces[0]
    return local


def deleted_paths(ctx: StepContext) -> set[str]:
    """Paths deleted in the project's history (the last `DELETED_HISTORY_LIMIT` commits that
    delete a file), for "no longer exists".

    The answer is kept in the step cache (`documentation.deleted.json`) with the commit it was
    read at and how many deleting commits it holds. When that commit is HEAD's ancestor, only
    the commits since are read: HEAD's history is the kept commit's plus those, so while all
    the deleting commits fit in the limit their paths are the union. Anything else (no store,
    another history, the limit reached, a shallow clone, grafts or replaced commits, which
    change a commit's ancestors without changing its id) reads the whole history again."""
    state = _history_state(ctx)
    kept = _kept_deletions(ctx, state.head) if state is not None and state.reusable else None
    found = kept if kept is not None else _log_deletions(ctx, ["-n", DELETED_HISTORY_LIMIT])
    if found is None:
        ctx.log("git history unavailable: deleted files are not distinguished")
        return set()
    if state is not None and state.reusable:  # what a shallow clone read is not kept
        value = {"head": state.head, "commits": found[0], "paths": sorted(found[1])}
        write_run_store(ctx, DELETED_STORE, DELETED_HEADER, "history", value)
    return found[1]


DELETED_STORE = "deleted"
DELETED_HEADER = {"schema": "ai-workflow/deleted-paths@1", "limit": DELETED_HISTORY_LIMIT}
COMMIT_MARK = "\x01"


@dataclass(frozen=True)
class _HistoryState:
    head: str
    reusable: bool  # no shallow clone, grafts or replaced commits


def _history_state(ctx: StepContext) -> _HistoryState | None:
    """HEAD's commit and whether a kept answer may be extended (None: no commit)."""
    result = ctx.run_command(
        ["git", "rev-parse", "--is-shallow-repository", "--git-common-dir", "HEAD"], timeout=60
    )
    lines = result.stdout.splitlines() if result.ok else []
    if len(lines) != 3 or not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", lines[2]):
        return None
    common = Path(lines[1]) if Path(lines[1]).is_absolute() else ctx.target / lines[1]
    return _HistoryState(lines[2], lines[0] == "false" and not _rewrites_history(common))


def _rewrites_history(common: Path) -> bool:
    """Whether grafts or replace refs may change what a commit's history is."""
    replace = common / "refs" / "replace"
    if (common / "info" / "grafts").exists() or (replace.is_dir() and any(replace.iterdir())):
        return True
    return "refs/replace/" in (read_text(common / "packed-refs") if common.is_dir() else "")


def _kept_deletions(ctx: StepContext, head: str) -> tuple[int, set[str]] | None:
    """The kept answer brought up to `head` (None: it cannot be)."""
    kept = read_run_store(ctx, DELETED_STORE, DELETED_HEADER, "history")
    if not isinstance(kept, dict):
        return None
    old, commits, paths = kept.get("head"), kept.get("commits"), kept.get("paths")
    if not isinstance(old, str) or type(commits) is not int or not isinstance(paths, list):
        return None
    if not all(isinstance(p, str) for p in paths):
        return None
    if old == head:
        return commits, set(paths)
    if (
        old.startswith("-")
        or not ctx.run_command(["git", "merge-base", "--is-ancestor", old, head], timeout=60).ok
    ):
        return None
    since = _log_deletions(ctx, [head, f"^{old}"])
    if since is None or commits + since[0] > int(DELETED_HISTORY_LIMIT):
        return None
    return commits + since[0], set(paths) | since[1]


def _log_deletions(ctx: StepContext, revisions: list[str]) -> tuple[int, set[str]] | None:
    """How many of `revisions`' commits delete a file, and the paths they delete."""
    result = ctx.run_command(
        [
            "git",
            "log",
            "--no-renames",
            "--diff-filter=D",
            "--name-only",
            "--format=%x01",
            *revisions,
            "--",
        ],
        timeout=60,
    )
    if not result.ok:
        return None
    commits, paths = 0, set()
    for line in result.stdout.splitlines():
        if line == COMMIT_MARK:
            commits += 1
        elif line.strip():
            paths.add(line.strip())
    return commits, paths


# --------------------------------------------------------------------------- changes


PLAIN_DOC_STEMS = frozenset({"readme", "install", "news", "faq", "usage", "manual", "hacking"})
MANUAL_PAGE = re.compile(r"\.[1-9][a-z]*$")
MANUAL_START = re.compile(r"^(?:\.TH\s|\.Dt\s)", re.M)


def is_documentation_change(target: Path, path: str) -> bool:
    """A changed file that documents the project: Markdown or reStructuredText, anything under
    docs/, a changelog, and what a project without Markdown documents itself with: a plain-text
    README, INSTALL, NEWS, FAQ... (no suffix, or `.txt`) and a roff manual page (`tool.1`
    starting `.TH`). git-dpm 0.10.0 documents its one script in README and git-dpm.1 only."""
    pure = PurePosixPath(path)
    if is_doc_path(path) or path.lower().startswith("docs/") or is_history_document(path):
        return True
    if pure.stem.lower() in PLAIN_DOC_STEMS and pure.suffix.lower() in ("", ".txt"):
        return True
    if MANUAL_PAGE.search(pure.name):
        return bool(MANUAL_START.search(read_text(target / path, root=target)[:4000]))
    return False


def check_changes(
    ctx: StepContext, files: list[str], docs: dict[str, DocFile], outcome: StepOutcome
) -> None:
    """Source changed but no documentation did: which documents name the changed files."""
    pre = ctx.result_of("pre_analysis")
    changed = pre.data.get("changed_files") if pre is not None else None
    if not isinstance(changed, list):
        outcome.skipped_checks.append(
            "changed files vs docs: the change overview of step 0 (pre_analysis) is not available"
        )
        return
    changed = [str(p) for p in changed]
    stack = detect_stack(ctx)
    code = source_files(changed, stack)
    doc_changes = [p for p in changed if is_documentation_change(ctx.target, p)]
    outcome.data["changed_source"] = code
    outcome.data["changed_docs"] = doc_changes
    review = _docs_mentioning(docs, code)
    outcome.data["docs_to_review"] = {d: sorted({f for _, f in hits}) for d, hits in review.items()}
    if not code or doc_changes:
        return
    listed = ", ".join(code[:10]) + (f" and {len(code) - 10} more" if len(code) > 10 else "")
    outcome.add(
        "docs/code-changed-without-docs",
        "info",
        f"{len(code)} source file(s) changed without any documentation change: {listed}",
    )
    for doc_path, hits in sorted(review.items()):
        line, changed_file = hits[0]
        outcome.add(
            "docs/review-doc",
            "info",
            f"mentions {changed_file}, which changed: check the text is still accurate",
            doc_path,
            line,
        )


def _docs_mentioning(
    docs: dict[str, DocFile], changed: list[str]
) -> dict[str, list[tuple[int, str]]]:
    keys = {}
    for path in changed:
        pure = PurePosixPath(path)
        keys[pure.name] = path
        if pure.suffix == ".py":
            dotted = ".".join(pure.with_suffix("").parts).removeprefix("src.")
            keys[dotted.removesuffix(".__init__")] = path
    keys = {k: v for k, v in keys.items() if len(k) > 3 and k not in dir(builtins)}
    found: dict[str, list[tuple[int, str]]] = {}
    for doc_path, doc in docs.items():
        if is_history_document(doc_path) or doc.role is not None:
            continue
        lines = doc.prose + [(c.line, c.text) for c in doc.claim_inline()]
        for block in doc.claim_blocks():
            lines += list(block.numbered_lines())
        for line, text in sorted(lines):
            for key, path in keys.items():
                if key in text:
                    found.setdefault(doc_path, []).append((line, path))
    return found
