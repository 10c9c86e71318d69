"""Step 5: Test Review. Test inventory, modules without tests, tests that assert nothing, coverage.

Tests are read by `ai_workflow.testsource`: Python with `ast`, JavaScript/TypeScript and Go with
tree-sitter, following calls into helpers; a test is reported as asserting nothing only when
every call it makes could be followed. A source module is untested when a coverage report lists
it with no line run, or, without one, when no test reaches it through the project's own import
graph (a test file named after it also counts as reaching it). `data` carries the inventory and
the untested modules; the inventory (with the reach evidence) is shared with step 6.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import posixpath
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow import pysource
from ai_workflow.changes.filecache import FileResults, code_id
from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.findings import Severity
from ai_workflow.project_files import project_files
from ai_workflow.pysource import PySymbol, read_source, tree_symbols
from ai_workflow.techstack import EXTENSIONS, GENERIC, TechStack, detect_stack
from ai_workflow.testsource import pyreach
from ai_workflow.testsource import reach as reach_code
from ai_workflow.testsource.model import (
    FoundTest,
    comments_say_no_crash,
    states_it_works,
    states_no_crash,
)
from ai_workflow.testsource.newer_syntax import newer_python_version
from ai_workflow.testsource.pyindex import PyIndex
from ai_workflow.testsource.pyreach import behaviourless
from ai_workflow.testsource.pytest_collection import (
    PytestCollection,
    fixture_dir,
    read_collection,
)
from ai_workflow.testsource.reach import (
    CoverageData,
    Reach,
    Reference,
    References,
    SeedNames,
    SourceUnits,
    compute_reach,
    names_of,
    parsed_references,
)
from ai_workflow.testsource.readers import ProjectTests
from ai_workflow.textfiles import read_bytes, read_utf8, why_unreadable

SPEC = StepSpec(
    id="test_review",
    number=5,
    name="Test Review",
    description="Test inventory, modules without tests, tests that assert nothing, coverage.",
    depends_on=("pre_analysis",),
    categories=("code", "tests"),
    inputs=("coverage.xml", "**/coverage.xml", "**/lcov.info", "**/coverage-summary.json"),
    estimate_s=120.0,
    persona="QA engineer and test automation specialist",
)

LOW_TOTAL_COVERAGE = 60.0  # percent: below this the coverage report is a warning
LOW_FILE_COVERAGE = 50.0  # percent: files below this are listed (info)
MAX_FILE_FINDINGS = 50
COVERAGE_REPORTS = (
    "coverage.xml",
    "cobertura.xml",
    "coverage/cobertura-coverage.xml",
    "lcov.info",
    "coverage/lcov.info",
    "coverage/coverage-summary.json",
    "coverage-summary.json",
)
NOT_MODULES = frozenset(
    {
        "setup.py",
        "conftest.py",
        "noxfile.py",
        "__main__.py",
        "manage.py",
        "fabfile.py",
        "conf.py",
        "gulpfile.js",
        "Gruntfile.js",
    }
)
NOT_SOURCE_DIRS = frozenset({"docs", "doc", "examples", "example", "dist", "build", "coverage"})
JUDGED_LANGUAGES = ("python", "javascript", "typescript", "go")


@dataclass
class TestFile:
    __test__ = False  # not a pytest test class
    path: str
    language: str
    tests: list[FoundTest] = field(default_factory=list)
    error: str | None = None
    error_line: int | None = None
    newer_python: str | None = None  # a newer Python whose syntax it is valid in (`3.12`)


@dataclass
class Inventory:
    test_files: list[TestFile]
    source_modules: list[str]
    untested: list[str]
    symbols: dict[str, list[PySymbol]] = field(default_factory=dict)  # Python sources
    reach: Reach = field(default_factory=Reach)
    why_untested: dict[str, str] = field(default_factory=dict)  # module -> evidence
    coverage: Coverage | None = None
    coverage_error: str | None = None
    notes: list[str] = field(default_factory=list)  # checks that could not be made, and why
    no_behaviour: dict[str, set[tuple[str, int]]] = field(default_factory=dict)  # (qualname, line)
    pytest: PytestCollection = field(default_factory=PytestCollection)  # the suite's modules
    reuse: list[str] = field(default_factory=list)  # per-file results: what was re-read

    @property
    def test_count(self) -> int:
        return sum(len(f.tests) for f in self.test_files)

    @property
    def unjudged_count(self) -> int:
        return sum(
            1
            for f in self.test_files
            if f.language in JUDGED_LANGUAGES
            for t in f.tests
            if t.asserts is None and not t.skipped
        )

    def to_dict(self) -> dict[str, Any]:
        by_language: dict[str, dict[str, int]] = {}
        for test_file in self.test_files:
            entry = by_language.setdefault(test_file.language, {"files": 0, "tests": 0})
            entry["files"] += 1
            entry["tests"] += len(test_file.tests)
        return {
            "test_file_count": len(self.test_files),
            "test_count": self.test_count,
            "by_language": by_language,
            "test_files": [
                {
                    "path": f.path,
                    "language": f.language,
                    "tests": len(f.tests),
                    "no_assertions": [t.name for t in f.tests if t.asserts is False],
                }
                for f in self.test_files
            ],
            "source_module_count": len(self.source_modules),
            "not_judged": self.unjudged_count,
        }


# --------------------------------------------------------------------------- inventory


def inventory(ctx: StepContext) -> Inventory:
    """The project's tests, source modules and reach evidence, computed once per run (the
    names each test file uses are kept per file in the step cache)."""
    stack = detect_stack(ctx)
    files = project_files(ctx)

    def collect() -> Inventory:
        names = FileResults(ctx, "names", {"extractor": code_id(pyreach)})
        graph = FileResults(ctx, "references", {"extractor": code_id(reach_code)})
        facts = FileResults(ctx, "sources", {"extractor": [code_id(pyreach), code_id(pysource)]})
        stores = [names, graph, facts]
        inv = collect_inventory(
            ctx.target,
            files,
            stack,
            _stored_names(names),
            _stored_refs(graph),
            _stored_facts(facts),
            _stored_units(ctx, stores),
        )
        inv.reuse = []
        for stored in stores:
            stored.save()
            inv.reuse += [stored.describe(), *stored.warnings]
        return inv

    return ctx.memo.get("test_inventory", collect)


def _stored_names(stored: FileResults) -> SeedNames:
    """`pyreach.names_in` of a test file, reused while the file's content is unchanged."""

    def names(path: str, tree: ast.Module) -> set[str]:
        return stored.reuse(path, lambda: pyreach.names_in(tree), sorted, _decode_names)

    return names


def _stored_refs(stored: FileResults) -> Callable[[PyIndex], References]:
    """`references` of a file (what the module graph follows), reused while the file's content
    is unchanged."""

    def for_index(index: PyIndex) -> References:
        parsed = parsed_references(index)

        def refs(path: str) -> list[Reference] | None:
            [found] = stored.reuse(
                path, lambda: (parsed(path),), lambda fresh: {"refs": fresh[0]}, _decode_refs
            )
            return found

        return refs

    return for_index


@dataclass(frozen=True)
class SourceFacts:
    """What test review needs of a Python source module besides its units: its symbols, the
    classes it defines with their bases (`pyreach.classes_in`) and its definitions without
    behaviour (`pyreach.behaviourless`); `parses` False (and nothing else) when it does not."""

    parses: bool
    symbols: tuple[PySymbol, ...] = ()
    classes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    no_behaviour: frozenset[tuple[str, int]] = frozenset()

    def to_json(self) -> dict[str, Any]:
        return {
            "parses": self.parses,
            "symbols": [dataclasses.asdict(symbol) for symbol in self.symbols],
            "classes": [[name, list(bases)] for name, bases in self.classes],
            "no_behaviour": sorted([name, line] for name, line in self.no_behaviour),
        }

    @classmethod
    def from_json(cls, value: Any) -> SourceFacts:
        if not isinstance(value, dict) or not isinstance(value["parses"], bool):
            raise TypeError("not stored source facts")
        symbols = tuple(
            PySymbol(**{**s, "decorators": tuple(s["decorators"])}) for s in value["symbols"]
        )
        classes = tuple((str(name), tuple(map(str, bases))) for name, bases in value["classes"])
        no_behaviour = frozenset((str(name), int(line)) for name, line in value["no_behaviour"])
        return cls(value["parses"], symbols, classes, no_behaviour)


SourceFactsOf = Callable[[PyIndex, str], SourceFacts]


def source_facts(index: PyIndex, path: str) -> SourceFacts:
    """The facts of the Python source `path`, from its syntax tree."""
    tree = index.tree(path)
    if tree is None:
        return SourceFacts(False)
    classes = tuple((name, tuple(bases)) for name, bases in pyreach.classes_in(tree))
    return SourceFacts(True, tuple(tree_symbols(tree)), classes, frozenset(behaviourless(tree)))


def _stored_facts(stored: FileResults) -> SourceFactsOf:
    """`source_facts`, reused while the file's content is unchanged (a file that cannot be
    read is read again next time)."""

    def facts(index: PyIndex, path: str) -> SourceFacts:
        def compute() -> SourceFacts | None:
            found = source_facts(index, path)
            return found if found.parses or path in index.errors else None

        found = stored.reuse(path, compute, SourceFacts.to_json, SourceFacts.from_json)
        return found if found is not None else SourceFacts(False)

    return facts


def _stored_units(ctx: StepContext, stores: list[FileResults]) -> Callable[..., SourceUnits]:
    """`reach.python_units` with each module's units reused while its content and the bases
    of every class of the project's sources (what `module_units` reads of other modules) are
    unchanged. The store joins `stores` (saved and reported with them)."""

    def for_facts(facts: Callable[[str], SourceFacts]) -> SourceUnits:
        def units(index: PyIndex, sources: list[str]) -> list[pyreach.Unit]:
            parsed = [s for s in sources if s.endswith(".py") and facts(s).parses]
            known = [[list(c) for c in facts(s).classes] for s in parsed]
            classes = pyreach.merge_bases(
                [(n, list(b)) for n, b in facts(s).classes] for s in parsed
            )
            context = {"extractor": code_id(pyreach), "classes": known}
            stored = FileResults(ctx, "units", context)
            stores.append(stored)
            found: list[pyreach.Unit] = []
            for path in parsed:
                compute = partial(_module_units, index, path, classes)
                decode = partial(_decode_units, path)
                more: list[pyreach.Unit] | None = stored.reuse(path, compute, _encode_units, decode)
                found += more or []
            return found

        return units

    return for_facts


def _module_units(
    index: PyIndex, path: str, classes: dict[str, set[str]]
) -> list[pyreach.Unit] | None:
    tree = index.tree(path)
    return None if tree is None else pyreach.module_units(path, tree, classes)


def _encode_units(units: list[pyreach.Unit]) -> list[list[Any]]:
    return [[u.qualname, u.name, u.kind, sorted(u.names), u.owner, u.implicit] for u in units]


def _decode_units(path: str, value: Any) -> list[pyreach.Unit]:
    if not isinstance(value, list):
        raise TypeError("stored units are not a list")
    units = []
    for qualname, name, kind, names, owner, implicit in value:
        if not all(isinstance(x, str) for x in (qualname, name, kind, *names)):
            raise TypeError("a stored unit is not names")
        if not isinstance(implicit, bool) or not (owner is None or isinstance(owner, str)):
            raise TypeError("a stored unit is damaged")
        units.append(pyreach.Unit(path, qualname, name, kind, set(names), owner, implicit))
    return units


def _decode_refs(value: Any) -> tuple[list[Reference] | None]:
    refs = value["refs"]
    if refs is not None and not all(
        isinstance(r, list) and r and r[0] in ("import", "from", "text", "dynamic") for r in refs
    ):
        raise TypeError("stored references are not references")
    return (refs,)


def _decode_names(value: Any) -> set[str]:
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        raise TypeError("stored names are not a list of strings")
    return set(value)


def collect_inventory(
    target: Path,
    files: list[str],
    stack: TechStack,
    seed_names: SeedNames = names_of,
    refs: Callable[[PyIndex], References] = parsed_references,
    facts: SourceFactsOf = source_facts,
    units: Callable[[Callable[[str], SourceFacts]], SourceUnits] | None = None,
) -> Inventory:
    code = [(f, lang) for f, lang in ((f, _language(f)) for f in files) if lang]
    project = ProjectTests(target, files, stack.is_test)
    test_files = [_read_test_file(target, project, f, lang) for f, lang in code if stack.is_test(f)]
    known: dict[str, SourceFacts] = {}

    def facts_of(path: str) -> SourceFacts:
        if path not in known:
            known[path] = facts(project.index, path)
        return known[path]

    symbols: dict[str, list[PySymbol]] = {}
    sources = [
        f for f, lang in code if _is_source_module(target, facts_of, f, lang, stack, symbols)
    ]
    coverage, coverage_error = _coverage_report(target, files)
    reach = compute_reach(
        project.index,
        project.js,
        [f.path for f in test_files],
        sources,
        _coverage_data(coverage),
        seed_names,
        refs(project.index),
        units(facts_of) if units is not None else None,
    )
    why = _untested(sources, test_files, reach)
    inv = Inventory(
        test_files,
        sources,
        list(why),
        {k: symbols[k] for k in sources if k in symbols},
        reach,
        why,
        coverage,
        coverage_error,
    )
    inv.notes = _notes(project, test_files, reach)
    inv.pytest = read_collection(target)
    for source in inv.symbols:
        inv.no_behaviour[source] = set(facts_of(source).no_behaviour)
    return inv


def _language(path: str) -> str | None:
    if path.endswith(".d.ts"):
        return None
    return EXTENSIONS.get(PurePosixPath(path).suffix)


def _read_test_file(target: Path, project: ProjectTests, path: str, language: str) -> TestFile:
    result = TestFile(path, language)
    if language == "python" and project.index.tree(path) is None:
        error = project.index.errors.get(path)
        result.error = error.message if error else "cannot read the file"
        result.error_line = error.line if error else None
        result.newer_python = newer_python_version(target, path) if error else None
        return result
    tests = project.tests(path, language)
    if tests is not None:
        result.tests = tests
        return result
    try:
        result.tests = _counted_tests(read_source(target / path), language)
    except OSError as exc:
        result.error = f"cannot read: {exc.strerror or exc}"
    return result


def _counted_tests(text: str, language: str) -> list[FoundTest]:
    """Tests of the languages whose checks are not judged, counted by their declarations."""
    patterns = {
        "shell": r"^\s*@test\s+['\"]?(.*?)['\"]?\s*\{",
        "ruby": r"^\s*(?:it|specify|test)\s*[\('\"]+(.*?)['\"]|^\s*def\s+(test_\w+)",
        "rust": r"#\[(?:tokio::)?test\]\s*(?:async\s+)?fn\s+(\w+)",
        "java": r"@Test\b[\s\S]*?void\s+(\w+)",
    }
    pattern = patterns.get(language)
    if pattern is None:
        return []
    found = []
    for match in re.finditer(pattern, text, re.MULTILINE):
        name = next((g for g in match.groups() if g), "test")
        found.append(FoundTest(name, text.count("\n", 0, match.start()) + 1, None))
    return found


def _is_source_module(
    target: Path,
    facts: Callable[[str], SourceFacts],
    path: str,
    language: str,
    stack: TechStack,
    symbols: dict[str, list[PySymbol]],
) -> bool:
    if stack.is_test(path) or language not in (
        "python",
        "javascript",
        "typescript",
    ):
        return False
    pure = PurePosixPath(path)
    if pure.name in NOT_MODULES or ".config." in pure.name or pure.name.startswith("."):
        return False
    if set(pure.parts[:-1]) & NOT_SOURCE_DIRS or _under(path, stack.docs_dirs):
        return False
    if stack.source_dirs and not _under(path, stack.source_dirs):
        return False
    return _has_api(target, facts, path, language, symbols)


def _under(path: str, dirs: list[str]) -> bool:
    return any(d in ("", ".") or path.startswith(d.rstrip("/") + "/") for d in dirs)


def _has_api(
    target: Path,
    facts: Callable[[str], SourceFacts],
    rel: str,
    language: str,
    symbols: dict[str, list[PySymbol]],
) -> bool:
    """True when the module defines something a test could call (Python symbols are kept)."""
    if language == "python":
        symbols[rel] = list(facts(rel).symbols) if rel.endswith(".py") else []
        return any(s.is_public and s.kind != "method" for s in symbols[rel])
    try:
        text = read_source(target / rel)
    except OSError:
        return False
    return bool(re.search(r"^\s*export\b|\bmodule\.exports\b|\bexports\.\w+\s*=", text, re.M))


def module_key(path: str) -> str:
    """The name tests use for a module: its stem, or its package for `__init__`/`index`."""
    pure = PurePosixPath(path)
    stem = pure.name.split(".")[0]
    if stem in ("__init__", "index", "mod", "lib") and pure.parent.name:
        return pure.parent.name
    return stem


def module_under_test(path: str) -> str:
    """The module a test file is named after: `test_x.py`, `x_test.go`, `x.test.ts` -> `x`."""
    stem = PurePosixPath(path).name.split(".")[0]
    if re.match(r"^test[_-].", stem):
        return stem[5:]
    suffixed = re.match(r"^(.+?)[_-](test|spec)$", stem)
    return suffixed.group(1) if suffixed else stem


def _untested(sources: list[str], test_files: list[TestFile], reach: Reach) -> dict[str, str]:
    """Untested modules with the evidence: coverage first, else the import graph."""
    named = {module_under_test(f.path) for f in test_files}
    why: dict[str, str] = {}
    for source in sources:
        evidence = reach.module_evidence(source)
        if evidence is None:
            continue
        by_graph = reach.coverage is None or source not in reach.coverage.percent
        if by_graph and module_key(source) in named:
            continue  # a test file is named after it: it may load it another way
        why[source] = evidence
    return why


def _notes(project: ProjectTests, test_files: list[TestFile], reach: Reach) -> list[str]:
    notes = []
    languages = {f.language for f in test_files}
    missing = [g for g in project.missing_grammars() if g in languages]
    if missing:
        notes.append(
            f"{', '.join(missing)} tests: tree-sitter grammar not installed, tests not read"
        )
    for language, why in sorted(reach.incomplete.items()):
        notes.append(
            f"untested {language} modules: the import graph is incomplete ({why}), "
            "so none is called untested"
        )
    return notes


def _coverage_report(target: Path, files: list[str]) -> tuple[Coverage | None, str | None]:
    rel = find_coverage_report(target, files)
    if rel is None:
        return None, None
    try:
        return read_coverage(target, rel), None
    except CoverageError as exc:
        return None, str(exc)


def _coverage_data(coverage: Coverage | None) -> CoverageData | None:
    if coverage is None:
        return None
    return CoverageData(coverage.report, dict(coverage.files), dict(coverage.lines))


# --------------------------------------------------------------------------- coverage


@dataclass
class Coverage:
    report: str
    format: str
    percent: float
    files: dict[str, float]  # project path (or as reported) -> percent
    lines: dict[str, dict[int, int]] = field(default_factory=dict)  # path -> line -> hits

    def to_dict(self) -> dict[str, Any]:
        lowest = sorted(self.files.items(), key=lambda kv: (kv[1], kv[0]))[:10]
        return {
            "report": self.report,
            "format": self.format,
            "percent": self.percent,
            "files": len(self.files),
            "lowest": [{"path": p, "percent": pct} for p, pct in lowest],
        }


class CoverageError(Exception):
    pass


def find_coverage_report(target: Path, files: list[str]) -> str | None:
    for rel in COVERAGE_REPORTS:
        if (target / rel).is_file():
            return rel
    names = {PurePosixPath(r).name for r in COVERAGE_REPORTS}
    return next((f for f in files if PurePosixPath(f).name in names), None)


def read_coverage(target: Path, rel: str) -> Coverage:
    data = read_bytes(target / rel, root=target)
    try:
        if data is None:
            raise ValueError(why_unreadable(target / rel, target) or "unreadable")
        if rel.endswith(".xml"):
            return _cobertura(target, rel, ET.fromstring(data))
        if rel.endswith(".info"):
            return _lcov(target, rel, data.decode("utf-8", errors="replace"))
        return _istanbul(target, rel, json.loads(data.decode("utf-8")))
    except (ET.ParseError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise CoverageError(f"cannot read the coverage report {rel}: {exc}") from None


def _cobertura(target: Path, rel: str, root: ET.Element) -> Coverage:
    if root.tag != "coverage" or root.get("line-rate") is None:
        raise ValueError("not a Cobertura report")
    sources = [s.text.strip() for s in root.iter("source") if s.text and s.text.strip()]
    files: dict[str, float] = {}
    lines: dict[str, dict[int, int]] = {}
    for cls in root.iter("class"):
        name = cls.get("filename")
        rate = cls.get("line-rate")
        if name and rate is not None:
            path = _map_path(target, name, sources)
            files[path] = round(float(rate) * 100, 1)
            hits = lines.setdefault(path, {})
            for line in cls.iter("line"):
                number, count = line.get("number"), line.get("hits")
                if number is not None and count is not None:
                    hits[int(number)] = hits.get(int(number), 0) + int(count)
    total = round(float(root.get("line-rate", "0")) * 100, 1)
    return Coverage(rel, "cobertura", total, files, lines)


def _lcov(target: Path, rel: str, text: str) -> Coverage:
    files: dict[str, float] = {}
    lines: dict[str, dict[int, int]] = {}
    found = hit = 0
    current, lf, lh = None, 0, 0
    hits: dict[int, int] = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key == "SF":
            current, lf, lh, hits = value.strip(), 0, 0, {}
        elif key == "DA":
            number, count = value.split(",")[:2]
            hits[int(number)] = int(count)
        elif key == "LF":
            lf = int(value)
        elif key == "LH":
            lh = int(value)
        elif line.strip() == "end_of_record" and current is not None:
            path = _map_path(target, current, [])
            files[path] = round(100 * lh / lf, 1) if lf else 100.0
            if hits:
                lines[path] = hits
            found, hit = found + lf, hit + lh
            current = None
    if not files:
        raise ValueError("no SF records")
    total = round(100 * hit / found, 1) if found else 100.0
    return Coverage(rel, "lcov", total, files, lines)


def _istanbul(target: Path, rel: str, data: dict[str, Any]) -> Coverage:
    total = float(data["total"]["lines"]["pct"])
    files = {
        _map_path(target, name, []): float(entry["lines"]["pct"])
        for name, entry in data.items()
        if name != "total" and isinstance(entry, dict) and "lines" in entry
    }
    return Coverage(rel, "istanbul", total, files)


def _map_path(target: Path, name: str, sources: list[str]) -> str:
    """A coverage file name as a project path where one matches, else as reported."""
    root = target.resolve()
    for base in [*sources, ""]:
        candidate = Path(base) / name if base else Path(name)
        if not candidate.is_absolute():
            candidate = root / candidate
        try:
            rel = candidate.resolve().relative_to(root)
        except (ValueError, OSError):
            continue
        if (root / rel).is_file():
            return rel.as_posix()
    return name


# --------------------------------------------------------------------------- the step


def run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    inv = inventory(ctx)
    js_files = [f.path for f in inv.test_files if f.language in ("javascript", "typescript")]
    programs = spawned_test_programs(ctx.target, js_files)
    _report_tests(outcome, inv, detect_stack(ctx).primary_language, programs)
    coverage = _coverage(ctx, outcome, inv)
    outcome.data = {
        "inventory": inv.to_dict(),
        "untested_modules": inv.untested,
        "coverage": coverage.to_dict() if coverage else None,
    }
    languages = Counter(f.language for f in inv.test_files)
    outcome.checked += [
        f"test files: {len(inv.test_files)} ({', '.join(sorted(languages)) or 'none'}), "
        f"{inv.test_count} tests",
        f"source modules with a public API: {len(inv.source_modules)}, "
        f"untested: {len(inv.untested)} (evidence: "
        f"{'coverage report, else ' if coverage else ''}imports reachable from the tests)",
        "tests that assert nothing (Python by ast; JavaScript/TypeScript and Go by tree-sitter; "
        f"helpers followed); {inv.unjudged_count} not judged: a call could not be followed",
    ]
    outcome.checked += inv.reuse
    outcome.skipped_checks += inv.notes
    cov = f", coverage {coverage.percent:g}%" if coverage else ""
    outcome.summary = (
        f"{inv.test_count} tests in {len(inv.test_files)} files, "
        f"{len(inv.untested)}/{len(inv.source_modules)} modules untested{cov}"
    )
    return outcome


_CHILD_PROCESS = re.compile(
    r"\b(?:spawn|spawnSync|fork|exec|execSync|execFile|execFileSync|execa|execaNode)\s*\("
)
_JS_LITERAL = re.compile(r"""(['"`])([^'"`\n\\$]{1,255})\1""")


def spawned_test_programs(target: Path, js_test_files: list[str]) -> frozenset[str]:
    """Test files that another test file runs as a child process, named on the line that
    starts it (`spawn(process.execPath, [path.join(__dirname, 'promises', 'fail.js')])`, or
    `fork('./fixtures/x.js')`): fixture programs whose output that test compares. Their own
    tests may fail or assert nothing on purpose (tape's test/promises/fail.js rejects a
    promise so that test/promise_fail.js can check the report)."""
    wanted = set(js_test_files)
    found: set[str] = set()
    for runner in js_test_files:
        text = read_utf8(target / runner, root=target)
        if text is None:
            continue
        base = posixpath.dirname(runner)
        for line in text.splitlines():
            if not _CHILD_PROCESS.search(line):
                continue
            for run in _adjacent_literals(line):
                joined = "/".join(part.strip("/") for part in run)  # path.join's segments
                for named in (posixpath.normpath(posixpath.join(base, joined)), joined):
                    if named in wanted and named != runner:
                        found.add(named)
    return frozenset(found)


def _adjacent_literals(line: str) -> list[list[str]]:
    """The string literals of a line, grouped into runs of adjacent arguments
    (`__dirname, 'exit', 'fail.js'` gives `['exit', 'fail.js']`)."""
    runs: list[list[str]] = []
    end = -1
    for match in _JS_LITERAL.finditer(line):
        if runs and re.fullmatch(r"\s*,\s*", line[end : match.start()]):
            runs[-1].append(match.group(2))
        else:
            runs.append([match.group(2)])
        end = match.end()
    return runs


_ITS_MODULE = re.compile(
    r"^(?:(?:this|the) )?(?:file|module) (?:is (?:ok|fine|valid)|imports|loads|compiles)$"
    r"|^(?:this|the) (?:file|module)$|^(?:it )?(?:imports?|compiles)$"
)
"""The whole name, less `test` and `that`: `this file is ok`, `module loads`, `imports`."""


def names_its_module(name: str) -> bool:
    """The test's name says that its own module importing is what it checks
    (`test_that_this_file_is_ok`, `test_module_loads`... `test_imports`): overrides 7.7.0's
    tests/test_signatures.py defines nine @override classes at top level, whose signature
    checks run at import, and keeps an empty `test_that_this_file_is_ok` to report that."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name.rsplit(".", 1)[-1])
    words = words.replace("_", " ").replace("-", " ").lower().strip()
    words = re.sub(r"^test ", "", words)
    words = re.sub(r"^that ", "", words)
    return bool(_ITS_MODULE.search(words))


def _checks_nothing(test: FoundTest) -> tuple[Severity, str] | None:
    """Why the test checks nothing, or None when it checks something or says that not failing
    is its point (its name or docstring: "does not raise", "Instantiation works."; a comment
    in it: "without @consumer, would raise TypeError").

    A test that runs code and checks nothing is info: of the 113 labels of findings worded
    so, 4 were real (3 distinct findings; Go 1 of 75, JavaScript 0 of 8, Python 3 of 30), each
    now caught by the specific evidence below; the rest were smoke tests by design or checks
    we could not see. What is a warning is the evidence of a check that went missing: an empty
    body, a container filled and never read (`rv = {}` filled by a mock, then ignored), a
    parametrized `expected` never read (Python), a failed check only logged (Go's `t.Logf`
    in an `if`).
    """
    if test.asserts is not False or test.skipped:
        return None
    if test.empty and test.overrides:
        why = (
            f"test '{test.name}' has an empty body that overrides {test.overrides}'s test of "
            "the same name: it switches that inherited test off for its class (a skipTest "
            "with the reason would say so in the report)"
        )
        return Severity.INFO, why
    if test.empty and names_its_module(test.name):
        why = (
            f"test '{test.name}' has an empty body, and its name says the check is that its "
            "module imports: the module's top-level code runs when the runner collects it, "
            "and the empty test reports that as a pass"
        )
        return Severity.INFO, why
    if test.empty:
        why = f"test '{test.name}' has an empty body: it runs nothing and always passes"
        return Severity.WARNING, why
    if states_no_crash(test.name) or states_it_works(test.intent):
        return None
    if comments_say_no_crash(test.comments):
        return None
    if test.unread:
        why = (
            f"test '{test.name}' fills '{test.unread}' but never reads it, and asserts nothing: "
            "it can only fail by crashing"
        )
        return Severity.WARNING, why
    if test.ignored:
        why = (
            f"test '{test.name}' is given '{test.ignored}' by its parametrize but never reads "
            "it, and asserts nothing: the comparison with it is missing"
        )
        return Severity.WARNING, why
    if test.logged:
        why = f"test '{test.name}' {test.logged}: it always passes (use Errorf or Fatalf)"
        return Severity.WARNING, why
    if test.smoke:
        why = (
            f"test '{test.name}' asserts nothing: it checks only that its calls do not raise "
            "(say so in its name or docstring, or assert on a result)"
        )
        return Severity.INFO, why
    return Severity.INFO, f"test '{test.name}' asserts nothing: it can only fail by crashing"


def _report_unreadable(
    outcome: StepOutcome, test_file: TestFile, error: str, pytest: PytestCollection
) -> None:
    """A test file that does not parse: a warning, unless it lies in a test-data directory
    or vendored code (`pytest_collection.FIXTURE_DIRS`: asttokens' tests/testdata/python2/
    astroid/*.py, Python 2 samples its tests tokenize), where a file that breaks the language
    may be the input the tests want, and is no test module pytest collects (info), or the
    project's pytest configuration leaves it out (`--ignore=tests/badsyntax.py` in addopts:
    a module that fails to parse on purpose, `PytestCollection.ignored_by`; info), or it is
    valid Python of a version newer than the analyser's (typeguard's tests/dummymodule_py312.py,
    `type Foo = list[int]`, read on 3.11: `testsource.newer_syntax`; info): the analyser's
    interpreter fails, not the file."""
    path = test_file.path
    data_dir = fixture_dir(path)
    ignored = pytest.ignored_by(path)
    if data_dir:
        note = f" (under {data_dir}/: test data or vendored code, not a test module)"
    elif ignored:
        note = (
            f" (the project's pytest configuration leaves it out, `{ignored}` in "
            f"{pytest.source}: a module that fails to parse on purpose, not a test module)"
        )
    elif test_file.newer_python:
        running = f"{sys.version_info.major}.{sys.version_info.minor}"
        note = (
            f" (valid Python {test_file.newer_python}, whose syntax ruff's parser reads: the "
            f"analyser runs on Python {running}, which lacks it)"
        )
    else:
        note = ""
    outcome.add(
        "tests/unreadable-test-file",
        "info" if note else "warning",
        f"cannot analyse the test file: {error}{note}",
        path,
        test_file.error_line,
    )


def _report_tests(
    outcome: StepOutcome,
    inv: Inventory,
    primary: str = GENERIC,
    programs: frozenset[str] = frozenset(),
) -> None:
    for test_file in inv.test_files:
        if test_file.error:
            _report_unreadable(outcome, test_file, test_file.error, inv.pytest)
        if test_file.language == "python" and not inv.pytest.collects(test_file.path):
            continue  # not a module of the suite pytest runs (a benchmark, a typing example)
        if test_file.path in programs:
            continue  # a fixture program another test runs and whose output it checks
        for test in test_file.tests:
            problem = _checks_nothing(test)
            if problem:
                severity, why = problem
                outcome.add("tests/no-assertions", severity, why, test_file.path, test.line)
    if not inv.test_files and inv.source_modules:
        level, note = _no_tests_level(inv.source_modules, primary)
        outcome.add(
            "tests/no-tests",
            level,
            f"no test files found for {len(inv.source_modules)} source module(s){note}",
        )
        return
    for module in inv.untested:
        outcome.add(
            "tests/untested-module", "info", f"untested: {inv.why_untested[module]}", module
        )


def _no_tests_level(modules: list[str], primary: str) -> tuple[str, str]:
    """A warning, unless none of the modules is in the project's primary language: then they
    are a thin part of a project written in another (neofetch 7.1.0's 13-line `index.js` npm
    wrapper around its Bash script), and the missing tests are that language's concern."""
    family = {"typescript": "javascript"}
    languages = {family.get(lang, lang) for m in modules if (lang := _language(m))}
    if primary == GENERIC or family.get(primary, primary) in languages:
        return "warning", ""
    return "info", f" (a small part of a {primary} project)"


def _coverage(ctx: StepContext, outcome: StepOutcome, inv: Inventory) -> Coverage | None:
    if inv.coverage_error is not None:
        rel = find_coverage_report(ctx.target, project_files(ctx))
        outcome.add("tests/coverage-unreadable", "warning", inv.coverage_error, rel)
        return None
    coverage = inv.coverage
    if coverage is None:
        outcome.skipped_checks.append(
            "coverage: no report found (coverage.xml, lcov.info, coverage-summary.json)"
        )
        return None
    rel = coverage.report
    outcome.checked.append(f"coverage report {rel} ({coverage.format}): {coverage.percent:g}%")
    if coverage.percent < LOW_TOTAL_COVERAGE:
        outcome.add(
            "tests/low-coverage",
            "warning",
            f"line coverage is {coverage.percent:g}% (below {LOW_TOTAL_COVERAGE:g}%)",
            rel,
        )
    low = sorted((pct, path) for path, pct in coverage.files.items() if pct < LOW_FILE_COVERAGE)
    for pct, path in low[:MAX_FILE_FINDINGS]:
        outcome.add("tests/low-coverage-file", "info", f"line coverage {pct:g}%", path)
    _stale(ctx, outcome, rel, inv)
    return coverage


def _stale(ctx: StepContext, outcome: StepOutcome, rel: str, inv: Inventory) -> None:
    try:
        report_time = (ctx.target / rel).stat().st_mtime
        newest = max(
            ((ctx.target / p).stat().st_mtime, p)
            for p in [*inv.source_modules, *(f.path for f in inv.test_files)]
        )
    except (OSError, ValueError):
        return
    if newest[0] > report_time:
        outcome.add(
            "tests/stale-coverage",
            "info",
            f"the coverage report is older than {newest[1]}: its figures may be out of date",
            rel,
        )
