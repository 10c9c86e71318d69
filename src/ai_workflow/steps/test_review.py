"""Step 5: Test Review. Test inventory, modules without tests, tests that assert nothing, coverage.

Python tests are read with `ast` (`pysource`), JavaScript/TypeScript and Go tests by pattern.
A source module counts as tested when a test file is named after it (`test_x.py`, `x.test.js`,
`x_test.go`...) or imports it. `data` carries the inventory and the untested modules, which
step 6 reads.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.project_files import project_files
from ai_workflow.pysource import PySymbol, analyse_python, read_source
from ai_workflow.techstack import EXTENSIONS, TechStack, detect_stack, is_test_path

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
JS_TEST_RE = re.compile(
    r"^[ \t]*(?P<fn>test|it)(?:\.(?P<mod>only|skip|todo|concurrent|failing))?\s*\(",
    re.MULTILINE,
)
JS_ASSERT_RE = re.compile(
    r"\b(expect|assert|should)\b|\.to[A-Z]\w*\(|\bt\.(ok|equal|deepEqual|strictEqual|throws|is|"
    r"same|pass|fail|plan|snapshot|notOk|match|rejects)\b"
)
JS_IMPORT_RE = re.compile(
    r"""(?:\bfrom\s+|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)['"](?P<spec>[^'"]+)['"]""",
    re.MULTILINE,
)
WORD_RE = re.compile(r"[A-Za-z_$][\w$]*")
GO_TEST_RE = re.compile(r"^func\s+(Test\w*)\s*\(\s*\w+\s+\*testing\.T\s*\)", re.MULTILINE)
GO_ASSERT_RE = re.compile(
    r"\bt\.(Error|Errorf|Fatal|Fatalf|Fail|FailNow|Run)\b|\b(assert|require)\."
)


@dataclass
class FoundTest:
    name: str
    line: int
    asserts: bool | None  # None: not judged for this language
    skipped: bool = False


@dataclass
class TestFile:
    __test__ = False  # not a pytest test class
    path: str
    language: str
    tests: list[FoundTest] = field(default_factory=list)
    references: set[str] = field(default_factory=set)  # module names it imports
    names: set[str] = field(default_factory=set)  # identifiers it uses (for step 6)
    error: str | None = None
    error_line: int | None = None


@dataclass
class Inventory:
    test_files: list[TestFile]
    source_modules: list[str]
    untested: list[str]
    symbols: dict[str, list[PySymbol]] = field(default_factory=dict)  # Python sources

    @property
    def test_count(self) -> int:
        return sum(len(f.tests) for f in self.test_files)

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
        }


# --------------------------------------------------------------------------- inventory


def inventory(ctx: StepContext) -> Inventory:
    """The project's tests and source modules, computed once per run."""
    stack = detect_stack(ctx)
    files = project_files(ctx)
    return ctx.memo.get("test_inventory", lambda: collect_inventory(ctx.target, files, stack))


def collect_inventory(target: Path, files: list[str], stack: TechStack) -> Inventory:
    code = [(f, lang) for f, lang in ((f, _language(f)) for f in files) if lang]
    test_files = [
        _read_test_file(target, f, lang) for f, lang in code if is_test_path(f, stack.test_dirs)
    ]
    symbols: dict[str, list[PySymbol]] = {}
    sources = [f for f, lang in code if _is_source_module(target, f, lang, stack, symbols)]
    untested = _untested(sources, test_files)
    return Inventory(
        test_files, sources, untested, {k: symbols[k] for k in sources if k in symbols}
    )


def _language(path: str) -> str | None:
    if path.endswith(".d.ts"):
        return None
    return EXTENSIONS.get(PurePosixPath(path).suffix)


def _read_test_file(target: Path, path: str, language: str) -> TestFile:
    result = TestFile(path, language)
    try:
        text = read_source(target / path)
    except OSError as exc:
        result.error = f"cannot read: {exc.strerror or exc}"
        return result
    if language == "python":
        _python_tests(result, text)
        return result
    result.names = set(WORD_RE.findall(text))
    if language in ("javascript", "typescript"):
        result.tests = _segmented_tests(text, JS_TEST_RE, JS_ASSERT_RE, _js_skipped)
        result.references = _js_references(text)
    elif language == "go":
        result.tests = _segmented_tests(text, GO_TEST_RE, GO_ASSERT_RE, lambda _m, _s: False)
    else:
        result.tests = _counted_tests(text, language)
    return result


def _python_tests(result: TestFile, text: str) -> None:
    info = analyse_python(text, result.path)
    if info.syntax_error is not None:
        result.error = info.syntax_error.message
        result.error_line = info.syntax_error.line
        result.names = set(WORD_RE.findall(text))
        return
    result.tests = [FoundTest(t.name, t.line, t.asserts) for t in info.tests]
    result.references = info.imports
    result.names = info.names


def _segmented_tests(
    text: str,
    start: re.Pattern[str],
    asserts: re.Pattern[str],
    skipped: Any,
) -> list[FoundTest]:
    """Tests found by `start`, each judged on the text up to the next test."""
    matches = list(start.finditer(text))
    found = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        segment = text[match.end() : end]
        line = text.count("\n", 0, match.start()) + 1
        name = _test_title(segment) or match.group(1)
        is_skipped = bool(skipped(match, segment))
        found.append(FoundTest(name, line, bool(asserts.search(segment)), is_skipped))
    return found


def _test_title(segment: str) -> str | None:
    title = re.match(r"""\s*(['"`])(.*?)\1""", segment)
    return title.group(2) if title else None


def _js_skipped(match: re.Match[str], segment: str) -> bool:
    if match.group("mod") in ("skip", "todo"):
        return True
    head = segment.split("=>", 1)[0].split("function", 1)[0]
    return bool(re.search(r"\b(skip|todo)\s*:\s*(true|['\"])", head))


def _js_references(text: str) -> set[str]:
    names = set()
    for match in JS_IMPORT_RE.finditer(text):
        spec = match.group("spec")
        if not spec.startswith("."):
            continue
        parts = [p for p in spec.split("/") if p not in (".", "..", "")]
        if not parts:
            continue
        stem = parts[-1].split(".")[0]
        names.add(parts[-2] if stem == "index" and len(parts) > 1 else stem)
    return names


def _counted_tests(text: str, language: str) -> list[FoundTest]:
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
    target: Path, path: str, language: str, stack: TechStack, symbols: dict[str, list[PySymbol]]
) -> bool:
    if is_test_path(path, stack.test_dirs) or language not in (
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
    return _has_api(target / path, path, language, symbols)


def _under(path: str, dirs: list[str]) -> bool:
    return any(d in ("", ".") or path.startswith(d.rstrip("/") + "/") for d in dirs)


def _has_api(path: Path, rel: str, language: str, symbols: dict[str, list[PySymbol]]) -> bool:
    """True when the module defines something a test could call (Python symbols are kept)."""
    try:
        text = read_source(path)
    except OSError:
        return False
    if language == "python":
        info = analyse_python(text, rel)
        symbols[rel] = info.symbols
        return any(s.is_public and s.kind != "method" for s in info.symbols)
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


def _untested(sources: list[str], test_files: list[TestFile]) -> list[str]:
    covered: set[str] = set()
    for test_file in test_files:
        covered.add(module_under_test(test_file.path))
        covered |= test_file.references
    return [s for s in sources if module_key(s) not in covered]


# --------------------------------------------------------------------------- coverage


@dataclass
class Coverage:
    report: str
    format: str
    percent: float
    files: dict[str, float]  # project path (or as reported) -> percent

    def to_dict(self) -> dict[str, Any]:
        lowest = sorted(self.files.items(), key=lambda kv: (kv[1], kv[0]))[:10]
        data = asdict(self)
        data["files"] = len(self.files)
        data["lowest"] = [{"path": p, "percent": pct} for p, pct in lowest]
        return data


class CoverageError(Exception):
    pass


def find_coverage_report(target: Path, files: list[str]) -> str | None:
    for rel in COVERAGE_REPORTS:
        if (target / rel).is_file():
            return rel
    names = {PurePosixPath(r).name for r in COVERAGE_REPORTS}
    return next((f for f in files if PurePosixPath(f).name in names), None)


def read_coverage(target: Path, rel: str) -> Coverage:
    path = target / rel
    try:
        if rel.endswith(".xml"):
            return _cobertura(target, rel, ET.parse(path).getroot())
        if rel.endswith(".info"):
            return _lcov(target, rel, path.read_text(encoding="utf-8", errors="replace"))
        return _istanbul(target, rel, json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ET.ParseError, json.JSONDecodeError, ValueError, KeyError, TypeError) as exc:
        raise CoverageError(f"cannot read the coverage report {rel}: {exc}") from None


def _cobertura(target: Path, rel: str, root: ET.Element) -> Coverage:
    if root.tag != "coverage" or root.get("line-rate") is None:
        raise ValueError("not a Cobertura report")
    sources = [s.text.strip() for s in root.iter("source") if s.text and s.text.strip()]
    files: dict[str, float] = {}
    for cls in root.iter("class"):
        name = cls.get("filename")
        rate = cls.get("line-rate")
        if name and rate is not None:
            files[_map_path(target, name, sources)] = round(float(rate) * 100, 1)
    return Coverage(rel, "cobertura", round(float(root.get("line-rate", "0")) * 100, 1), files)


def _lcov(target: Path, rel: str, text: str) -> Coverage:
    files: dict[str, float] = {}
    found = hit = 0
    current, lf, lh = None, 0, 0
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key == "SF":
            current, lf, lh = value.strip(), 0, 0
        elif key == "LF":
            lf = int(value)
        elif key == "LH":
            lh = int(value)
        elif line.strip() == "end_of_record" and current is not None:
            files[_map_path(target, current, [])] = round(100 * lh / lf, 1) if lf else 100.0
            found, hit = found + lf, hit + lh
            current = None
    if not files:
        raise ValueError("no SF records")
    return Coverage(rel, "lcov", round(100 * hit / found, 1) if found else 100.0, files)


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
    _report_tests(outcome, inv)
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
        f"untested: {len(inv.untested)}",
        "tests that assert nothing (Python by ast; JavaScript/TypeScript and Go by pattern)",
    ]
    cov = f", coverage {coverage.percent:g}%" if coverage else ""
    outcome.summary = (
        f"{inv.test_count} tests in {len(inv.test_files)} files, "
        f"{len(inv.untested)}/{len(inv.source_modules)} modules untested{cov}"
    )
    return outcome


def _report_tests(outcome: StepOutcome, inv: Inventory) -> None:
    for test_file in inv.test_files:
        if test_file.error:
            outcome.add(
                "tests/unreadable-test-file",
                "warning",
                f"cannot analyse the test file: {test_file.error}",
                test_file.path,
                test_file.error_line,
            )
        for test in test_file.tests:
            if test.asserts is False and not test.skipped:
                outcome.add(
                    "tests/no-assertions",
                    "warning",
                    f"test '{test.name}' asserts nothing: it can only fail by crashing",
                    test_file.path,
                    test.line,
                )
    if not inv.test_files and inv.source_modules:
        outcome.add(
            "tests/no-tests",
            "warning",
            f"no test files found for {len(inv.source_modules)} source module(s)",
        )
        return
    for module in inv.untested:
        outcome.add(
            "tests/untested-module",
            "warning",
            "no test file is named after this module or imports it",
            module,
        )


def _coverage(ctx: StepContext, outcome: StepOutcome, inv: Inventory) -> Coverage | None:
    rel = find_coverage_report(ctx.target, project_files(ctx))
    if rel is None:
        outcome.skipped_checks.append(
            "coverage: no report found (coverage.xml, lcov.info, coverage-summary.json)"
        )
        return None
    try:
        coverage = read_coverage(ctx.target, rel)
    except CoverageError as exc:
        outcome.add("tests/coverage-unreadable", "warning", str(exc), rel)
        return None
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
