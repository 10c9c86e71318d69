"""Tech-stack detection: languages with confidence, test command, tools, layout and interpreter.

Detection reads marker files and weighs each language's files by their lines (files the project
did not write aside: vendored copies, an autoconf `configure`, `ai_workflow.vendored`); it never
guesses: a project with no evidence is `generic`. Every value can be overridden by
`tech_stack.*` and `structure.*` in the configuration, and `evidence` says why each value was
chosen.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.config import Config
from ai_workflow.engine.step import StepContext
from ai_workflow.project_files import list_project_files, project_files
from ai_workflow.testcmd.commands import Invocation
from ai_workflow.testcmd.declared import (
    MANIFEST_ENTRIES,
    NPM_PLACEHOLDER_TEST,
    DeclaredTests,
    ProjectSources,
    declared_tests,
)
from ai_workflow.testcmd.gopath import gopath_import_path
from ai_workflow.testcmd.named import named_test_files
from ai_workflow.testcmd.setuptools_suite import test_suite_files
from ai_workflow.testsource.pytest_collection import FIXTURE_DIRS, read_collection
from ai_workflow.testsource.suite_modules import SUITES_OPTION, suites_option, unnamed_suites
from ai_workflow.textfiles import has_shell_shebang, read_head, read_text
from ai_workflow.tools import resolve_python
from ai_workflow.vendored import not_written_here

LANGUAGES = ("python", "javascript", "typescript", "shell", "go", "rust", "java", "ruby")
GENERIC = "generic"
PRIMARY_THRESHOLD = 0.3
MARKER_WEIGHT = 0.7
LINE_COUNT_LIMIT = 8 * 1024 * 1024

EXTENSIONS: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".sh": "shell",
    ".bash": "shell",
    ".bats": "shell",
    ".zsh": "shell",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".kt": "java",
    ".rb": "ruby",
}

MARKERS: dict[str, tuple[str, ...]] = {
    "python": ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "tox.ini", "environment.yml"),
    "javascript": ("package.json",),
    "typescript": ("tsconfig.json",),
    "go": ("go.mod",),
    "rust": ("Cargo.toml",),
    "java": ("pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle"),
    "ruby": ("Gemfile", "Rakefile"),
    "shell": (),
}

MANIFEST_NAMES = frozenset(
    {
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "Pipfile",
        "environment.yml",
        "package.json",
        "go.mod",
        "Cargo.toml",
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
        "Gemfile",
    }
)
REQUIREMENTS_RE = re.compile(r"^requirements([-_.][\w.-]*)?\.(txt|in)$")

LOCKFILES: dict[str, str | None] = {  # lockfile -> package manager it implies
    "uv.lock": "uv",
    "poetry.lock": "poetry",
    "Pipfile.lock": "pipenv",
    "pdm.lock": "pdm",
    "package-lock.json": "npm",
    "npm-shrinkwrap.json": "npm",
    "pnpm-lock.yaml": "pnpm",
    "yarn.lock": "yarn",
    "bun.lockb": "bun",
    "bun.lock": "bun",
    "Cargo.lock": "cargo",
    "go.sum": "go",
    "Gemfile.lock": "bundler",
    "gradle.lockfile": "gradle",
}

LINTER_FILES: dict[str, tuple[str, ...]] = {
    "ruff": ("ruff.toml", ".ruff.toml"),
    "flake8": (".flake8",),
    "pylint": (".pylintrc", "pylintrc"),
    "mypy": ("mypy.ini", ".mypy.ini"),
    "eslint": (
        ".eslintrc",
        ".eslintrc.js",
        ".eslintrc.cjs",
        ".eslintrc.json",
        ".eslintrc.yml",
        ".eslintrc.yaml",
        "eslint.config.js",
        "eslint.config.mjs",
        "eslint.config.cjs",
        "eslint.config.ts",
    ),
    "prettier": (".prettierrc", ".prettierrc.json", ".prettierrc.yml", "prettier.config.js"),
    "biome": ("biome.json", "biome.jsonc"),
    "shellcheck": (".shellcheckrc",),
    "markdownlint": (
        ".markdownlint.json",
        ".markdownlint.jsonc",
        ".markdownlint.yaml",
        ".markdownlint.yml",
        ".markdownlintrc",
        ".pymarkdown",
        ".pymarkdown.json",
        ".pymarkdown.yaml",
    ),
    "golangci-lint": (".golangci.yml", ".golangci.yaml", ".golangci.toml"),
    "rubocop": (".rubocop.yml",),
    "clippy": ("clippy.toml", ".clippy.toml"),
    "pre-commit": (".pre-commit-config.yaml",),
}
PYPROJECT_LINTERS = ("ruff", "pylint", "mypy", "black", "isort")
INI_LINTER_SECTIONS = {"flake8": "flake8", "mypy": "mypy", "pylint": "pylint"}

SOURCE_DIR_NAMES = ("src", "lib", "app", "cmd", "pkg", "internal")
TEST_DIR_NAMES = ("tests", "test", "spec", "__tests__", "e2e", "testing")
DOCS_DIR_NAMES = ("docs", "doc", "documentation")
OTHER_DIR_NAMES = (
    "bin", "scripts", "script", "examples", "example", "benchmarks", "benchmark", "bench",
    ".github", "contrib", "man",
)  # fmt: skip
CONVENTIONAL_DIR_NAMES = frozenset(
    SOURCE_DIR_NAMES + TEST_DIR_NAMES + DOCS_DIR_NAMES + OTHER_DIR_NAMES
)
"""Top-level directories whose role every reader knows from the name alone: the one list that
source/test/docs detection and the "undocumented directory" check share."""
STACK_DIR_NAMES: dict[str, tuple[str, ...]] = {
    "go": ("testdata", "vendor"),  # the go tool ignores testdata/ and builds from vendor/
    "rust": ("benches",),  # cargo's benchmark targets
    "ruby": ("exe",),  # bundler's executables
}
"""Directories a language's toolchain gives a role by name: conventional in projects of that
language only."""

FRAMEWORK_ALIASES = {
    "node": "node-test",
    "node:test": "node-test",
    "node --test": "node-test",
    "go": "go-test",
    "cargo": "cargo-test",
    "npm": "npm-script",
}
JS_FRAMEWORKS = ("vitest", "jest", "mocha")


@dataclass(frozen=True)
class TechStack:
    """What a target project is made of and how its tests run. See `detect_stack_for`."""

    languages: dict[str, float]  # language -> confidence 0..1, highest first, only detected ones
    primary_language: str  # one of LANGUAGES, a configured name, or "generic"
    evidence: dict[str, list[str]]  # field or language -> reasons
    test_framework: str | None = None  # pytest, unittest, jest, vitest, mocha, node-test, ...
    test_command: str | None = None  # as a shell would read it
    test_argv: list[str] | None = None  # the detected command as arguments; None if configured
    test_command_source: str | None = None  # "config" or "detected"
    package_manager: str | None = None
    build_system: str | None = None
    manifests: list[str] = field(default_factory=list)
    lockfiles: list[str] = field(default_factory=list)
    linters: list[str] = field(default_factory=list)  # linters the project configures
    lint_command: str | None = None  # only from the configuration
    source_dirs: list[str] = field(default_factory=list)
    test_dirs: list[str] = field(default_factory=list)
    docs_dirs: list[str] = field(default_factory=list)
    python: str | None = None  # interpreter that runs the target's Python tests
    python_reason: str | None = None
    file_counts: dict[str, int] = field(default_factory=dict)  # language -> number of files
    named_test_files: list[str] = field(default_factory=list)  # code files the test command names

    def is_test(self, path: str) -> bool:
        """A test file: one the project's test command names (`mocha tests.js`), or one the
        naming and location conventions say is a test. Every step asks this one question."""
        return path in self.named_test_files or is_test_path(path, self.test_dirs)

    def confidence(self, language: str) -> float:
        return self.languages.get(language, 0.0)

    def uses(self, language: str, threshold: float = PRIMARY_THRESHOLD) -> bool:
        """True when `language` is detected with at least `threshold` confidence."""
        return self.confidence(language) >= threshold

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> TechStack:
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        return cls(**known)


# --------------------------------------------------------------------------- entry points


def detect_stack(ctx: StepContext) -> TechStack:
    """The target's stack, detected once per run (from the run's one listing of its files)."""
    return ctx.memo.get(
        "tech_stack", lambda: detect_stack_for(ctx.target, ctx.config, files=project_files(ctx))
    )


def detect_stack_for(
    target: Path,
    config: Config,
    environ: Mapping[str, str] | None = None,
    files: list[str] | None = None,
) -> TechStack:
    """Detect the stack of `target` (whose `list_project_files`, when already listed, are
    `files`); configuration values win over detection."""
    env = os.environ if environ is None else environ
    exclude = tuple(config.structure.exclude_dirs)
    facts = _Facts(target, files) if files is not None else _Facts.read(target, exclude)
    evidence: dict[str, list[str]] = {}
    languages, counts = _languages(facts, evidence)
    ts = config.tech_stack
    if ts.languages is not None:
        languages = {name: 1.0 for name in ts.languages}
        evidence["languages"] = ["tech_stack.languages in the configuration"]
    primary = _primary(languages, ts.primary_language, evidence)
    dirs = _directories(facts, config, evidence)
    needs_python = "python" in languages or ts.python is not None
    python, python_reason = (None, None)
    if needs_python:
        python, python_reason = resolve_python(target, ts.python, env)
        evidence["python_interpreter"] = [python_reason]
    package_manager = _package_manager(facts, primary, languages, ts.package_manager, evidence)
    framework, argv, command, source = _test_command(
        facts, config, languages, python, package_manager, dirs["test_dirs"], evidence
    )
    return TechStack(
        languages=languages,
        primary_language=primary,
        evidence=evidence,
        test_framework=framework,
        test_command=command,
        test_argv=argv,
        test_command_source=source,
        package_manager=package_manager,
        build_system=ts.build_system or _build_system(facts, primary),
        manifests=facts.manifests(),
        lockfiles=[name for name in facts.top if name in LOCKFILES],
        linters=_linters(facts),
        lint_command=ts.lint_command,
        source_dirs=dirs["source_dirs"],
        test_dirs=dirs["test_dirs"],
        docs_dirs=dirs["docs_dirs"],
        python=python,
        python_reason=python_reason,
        file_counts=counts,
        named_test_files=_named_test_files(facts, command),
    )


# --------------------------------------------------------------------------- facts


class _Facts:
    """The project's files plus lazily parsed manifests."""

    def __init__(self, target: Path, files: list[str]) -> None:
        self.target = target
        self.files = files
        self.top = sorted({f for f in files if "/" not in f})
        self.top_dirs = sorted({f.split("/", 1)[0] for f in files if "/" in f})
        self._cache: dict[str, Any] = {}

    @classmethod
    def read(cls, target: Path, exclude_dirs: tuple[str, ...]) -> _Facts:
        return cls(target, list_project_files(target, exclude_dirs))

    def has(self, name: str) -> bool:
        return name in self.top

    def text(self, name: str) -> str:
        return read_text(self.target / name, root=self.target)

    def pyproject(self) -> dict[str, Any]:
        if "pyproject" not in self._cache:
            data: dict[str, Any] = {}
            if self.has("pyproject.toml"):
                try:
                    data = tomllib.loads(self.text("pyproject.toml"))
                except tomllib.TOMLDecodeError:
                    data = {}
            self._cache["pyproject"] = data
        return dict(self._cache["pyproject"])

    def package_json(self) -> dict[str, Any]:
        if "package" not in self._cache:
            data: Any = {}
            if self.has("package.json"):
                try:
                    data = json.loads(self.text("package.json"))
                except json.JSONDecodeError:
                    data = {}
            self._cache["package"] = data if isinstance(data, dict) else {}
        return dict(self._cache["package"])

    def sources(self) -> ProjectSources:
        """The files the declared test commands are read from (CI, Makefile, package.json)."""
        if "sources" not in self._cache:
            self._cache["sources"] = ProjectSources(self.target, self.files, self.package_json())
        sources: ProjectSources = self._cache["sources"]
        return sources

    def manifests(self) -> list[str]:
        return [n for n in self.top if n in MANIFEST_NAMES or REQUIREMENTS_RE.match(n)] + [
            n for n in self.top if n.endswith(".gemspec")
        ]


# --------------------------------------------------------------------------- languages


def _languages(
    facts: _Facts, evidence: dict[str, list[str]]
) -> tuple[dict[str, float], dict[str, int]]:
    counts: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    code = {path: lang for path in facts.files if (lang := _language_of(facts, path))}
    others = not_written_here(facts.target, list(code))  # vendored or generated: not weighed
    skipped: Counter[str] = Counter()
    for path, lang in code.items():
        counts[lang] += 1
        if path in others:
            skipped[lang] += 1
        else:
            lines[lang] += _line_count(facts.target / path)
    total = sum(lines.values())
    scores: dict[str, float] = {}
    for lang in LANGUAGES:
        markers = [m for m in MARKERS[lang] if facts.has(m)]
        if lang == "python":
            markers += [n for n in facts.top if REQUIREMENTS_RE.match(n)]
        if lang == "ruby":
            markers += [n for n in facts.top if n.endswith(".gemspec")]
        share = lines[lang] / total if total else 0.0
        marker_score = MARKER_WEIGHT if markers else 0.0
        score = 1 - (1 - marker_score) * (1 - share)
        if score <= 0:
            continue
        scores[lang] = round(score, 2)
        reasons = [f"marker file {m}" for m in markers]
        if counts[lang]:
            reasons.append(
                f"{counts[lang]} {lang} file(s), {lines[lang]} line(s): {share:.0%} of code lines"
            )
        if skipped[lang]:
            reasons.append(f"{skipped[lang]} of the files vendored or generated: not weighed")
        evidence[lang] = reasons
    ordered = dict(sorted(scores.items(), key=lambda kv: (-kv[1], LANGUAGES.index(kv[0]))))
    return ordered, dict(counts)


def _line_count(path: Path) -> int:
    """Lines of a code file (at least one; up to `LINE_COUNT_LIMIT` bytes read): a language's
    share of the code is its share of these, so a 13-line `index.js` wrapper does not make an
    11,500-line Bash script (neofetch 7.1.0) a JavaScript project, as a share of files did."""
    if path.is_symlink():
        return 1
    head = read_head(path, LINE_COUNT_LIMIT)
    return max(1, head.count(b"\n")) if head else 1


def _language_of(facts: _Facts, path: str) -> str | None:
    suffix = PurePosixPath(path).suffix
    if suffix:
        if path.endswith(".d.ts"):
            return None  # type declarations are not a project's code
        return EXTENSIONS.get(suffix)
    return "shell" if has_shell_shebang(facts.target / path) else None


def _primary(
    languages: Mapping[str, float], configured: str | None, evidence: dict[str, list[str]]
) -> str:
    if configured:
        evidence["primary_language"] = ["tech_stack.primary_language in the configuration"]
        return configured
    best = next(iter(languages.items()), None)
    if best is None or best[1] < PRIMARY_THRESHOLD:
        evidence["primary_language"] = ["no language has enough evidence: generic"]
        return GENERIC
    evidence["primary_language"] = [f"highest confidence: {best[0]} ({best[1]:.2f})"]
    return best[0]


# --------------------------------------------------------------------------- layout and tools


def _directories(
    facts: _Facts, config: Config, evidence: dict[str, list[str]]
) -> dict[str, list[str]]:
    structure = config.structure
    out: dict[str, list[str]] = {}
    for key, configured, names in (
        ("source_dirs", structure.source_dirs, SOURCE_DIR_NAMES),
        ("test_dirs", structure.test_dirs, TEST_DIR_NAMES),
        ("docs_dirs", structure.docs_dirs, DOCS_DIR_NAMES),
    ):
        if configured is not None:
            out[key] = list(configured)
            evidence[key] = [f"structure.{key} in the configuration"]
        else:
            out[key] = [d for d in facts.top_dirs if d in names]
            evidence[key] = [f"conventional directory {d}/" for d in out[key]]
    if structure.source_dirs is None:
        packages = _python_packages(facts, set(out["test_dirs"]) | set(out["docs_dirs"]))
        out["source_dirs"] += [p for p in packages if p not in out["source_dirs"]]
        evidence["source_dirs"] += [f"Python package {p}/" for p in packages]
    return out


def _python_packages(facts: _Facts, skip: set[str]) -> list[str]:
    """Top-level directories that are Python packages (flat layout)."""
    return [
        d
        for d in facts.top_dirs
        if d not in skip and d not in SOURCE_DIR_NAMES and f"{d}/__init__.py" in facts.files
    ]


def _linters(facts: _Facts) -> list[str]:
    found = {name for name, files in LINTER_FILES.items() if any(facts.has(f) for f in files)}
    tool = facts.pyproject().get("tool", {})
    if isinstance(tool, dict):
        found |= {name for name in PYPROJECT_LINTERS if name in tool}
    for ini in ("setup.cfg", "tox.ini"):
        if facts.has(ini):
            text = facts.text(ini)
            found |= {
                name
                for section, name in INI_LINTER_SECTIONS.items()
                if re.search(rf"^\[{section}(:[^\]]*)?\]", text, re.MULTILINE)
            }
    package = facts.package_json()
    if "eslintConfig" in package:
        found.add("eslint")
    if "prettier" in package:
        found.add("prettier")
    return sorted(found)


def _package_manager(
    facts: _Facts,
    primary: str,
    languages: Mapping[str, float],
    configured: str | None,
    evidence: dict[str, list[str]],
) -> str | None:
    if configured:
        evidence["package_manager"] = ["tech_stack.package_manager in the configuration"]
        return configured
    candidates = _package_manager_candidates(facts)
    if not candidates:
        return None
    order = [primary, *languages]
    language_of = {"javascript": "javascript", "typescript": "javascript"}
    for lang in order:
        for manager, reason, manager_lang in candidates:
            if manager_lang == language_of.get(lang, lang):
                evidence["package_manager"] = [reason]
                return manager
    manager, reason, _ = candidates[0]
    evidence["package_manager"] = [reason]
    return manager


def _package_manager_candidates(facts: _Facts) -> list[tuple[str, str, str]]:
    """(manager, reason, language) in order of strength of evidence."""
    out: list[tuple[str, str, str]] = []
    declared = facts.package_json().get("packageManager")
    if isinstance(declared, str) and declared:
        out.append(
            (declared.split("@")[0], f"package.json packageManager {declared}", "javascript")
        )
    lang_of = {
        "uv": "python",
        "poetry": "python",
        "pipenv": "python",
        "pdm": "python",
        "npm": "javascript",
        "pnpm": "javascript",
        "yarn": "javascript",
        "bun": "javascript",
        "cargo": "rust",
        "go": "go",
        "bundler": "ruby",
        "gradle": "java",
    }
    for name, manager in LOCKFILES.items():
        if manager and facts.has(name):
            out.append((manager, f"lockfile {name}", lang_of[manager]))
    fallbacks = (
        ("package.json", "npm", "javascript"),
        ("pyproject.toml", "pip", "python"),
        ("setup.py", "pip", "python"),
        ("Pipfile", "pipenv", "python"),
        ("go.mod", "go", "go"),
        ("Cargo.toml", "cargo", "rust"),
        ("pom.xml", "maven", "java"),
        ("build.gradle", "gradle", "java"),
        ("build.gradle.kts", "gradle", "java"),
        ("Gemfile", "bundler", "ruby"),
    )
    out += [(m, f"manifest {n}", lang) for n, m, lang in fallbacks if facts.has(n)]
    if any(REQUIREMENTS_RE.match(n) for n in facts.top):
        out.append(("pip", "requirements file", "python"))
    return out


def _build_system(facts: _Facts, primary: str) -> str | None:
    backend = facts.pyproject().get("build-system", {})
    if primary == "python" and isinstance(backend, dict) and backend.get("build-backend"):
        return str(backend["build-backend"]).split(".")[0].split(":")[0]
    if primary == "python" and facts.has("setup.py"):
        return "setuptools"
    by_marker = (
        ("Cargo.toml", "cargo"),
        ("go.mod", "go"),
        ("pom.xml", "maven"),
        ("build.gradle", "gradle"),
        ("build.gradle.kts", "gradle"),
        ("CMakeLists.txt", "cmake"),
        ("Makefile", "make"),
    )
    return next((system for marker, system in by_marker if facts.has(marker)), None)


# --------------------------------------------------------------------------- test command


def is_conventional_dir(name: str, stack: TechStack | None = None) -> bool:
    """A top-level directory named by convention (`src/`, `lib/`, `bin/`, `examples/`, ...),
    or by the convention of a language the project uses (Go's `testdata/`)."""
    if name in CONVENTIONAL_DIR_NAMES:
        return True
    languages = stack.languages if stack else {}
    return any(name in STACK_DIR_NAMES.get(language, ()) for language in languages)


TEST_DIR_SUFFIXES = ("_test", "_tests", "-test", "-tests")
"""A directory named like a test file (`integration_tests/`, `e2e-tests/`, the test-driver
package `python/repopush_test/`) holds tests, whatever its files are called: the naming
convention of `a_test.go` applied to the directory."""

ROOT_TEST_STEMS = frozenset({"test", "tests", "spec"})
"""A code file at the root named so holds a small project's tests (`tests.js`, `test.py`); a
shell script named so (`test.sh`) is the entry point that runs them, checked as a script."""


def is_test_path(path: str, test_dirs: Iterable[str] = ()) -> bool:
    """True for test files by naming convention or location (any language)."""
    pure = PurePosixPath(path)
    name = pure.name
    parts = pure.parts[:-1]
    if any(path.startswith(d.rstrip("/") + "/") for d in test_dirs if d not in ("", ".")):
        return True
    if any(part in TEST_DIR_NAMES or part.endswith(TEST_DIR_SUFFIXES) for part in parts):
        return True
    stem = name.split(".", 1)[0]
    if not parts and stem in ROOT_TEST_STEMS and _is_code_not_shell(pure.suffix):
        return True
    return (
        stem.startswith("test_")
        or stem.endswith(("_test", "-test", "_spec"))
        or name == "conftest.py"
        or ".test." in name
        or ".spec." in name
        or name.endswith(".bats")
    )


def _is_code_not_shell(suffix: str) -> bool:
    return suffix in CODE_SUFFIXES and EXTENSIONS.get(suffix) != "shell"


@dataclass(frozen=True)
class _Choice:
    """The chosen test command: its framework, argv (None: needs an interpreter), why."""

    framework: str
    argv: list[str] | None
    framework_reason: str  # why this framework
    command_reason: str  # why this command line


def _test_command(
    facts: _Facts,
    config: Config,
    languages: Mapping[str, float],
    python: str | None,
    package_manager: str | None,
    test_dirs: list[str],
    evidence: dict[str, list[str]],
) -> tuple[str | None, list[str] | None, str | None, str | None]:
    """(framework, argv, command, source)."""
    ts = config.tech_stack
    configured_framework = normalise_framework(ts.test_framework)
    if ts.test_command:
        evidence["test_command"] = ["tech_stack.test_command in the configuration"]
        framework = configured_framework or _framework_in_command(ts.test_command)
        return framework, None, ts.test_command, "config"
    if configured_framework:
        argv = _argv_for(configured_framework, facts, python, package_manager, test_dirs)
        evidence["test_framework"] = ["tech_stack.test_framework in the configuration"]
        if argv is None:
            evidence["test_command"] = [f"no command known for {configured_framework}"]
            return configured_framework, None, None, None
        evidence["test_command"] = [f"the usual command for {configured_framework}"]
        return configured_framework, argv, shlex.join(argv), "detected"
    declared = declared_tests(facts.sources())
    choice = _detect_test(facts, languages, python, package_manager, test_dirs, declared)
    if declared.notes:
        evidence["test_candidates"] = list(declared.notes)
    if choice is None:
        evidence["test_command"] = ["no test framework detected"]
        found = tests_found(facts.files, test_dirs, facts.target)
        if found:
            evidence["tests_found"] = found
        return None, None, None, None
    evidence["test_framework"] = [choice.framework_reason]
    if choice.argv is None:
        evidence["test_command"] = [f"no command: {choice.framework} needs a Python interpreter"]
        return choice.framework, None, None, None
    evidence["test_command"] = [choice.command_reason]
    return choice.framework, choice.argv, shlex.join(choice.argv), "detected"


def _named_test_files(facts: _Facts, command: str | None) -> list[str]:
    """The code files the test command (configured or detected) and the manifests' test entry
    points (`npm test`, `make test`, ...) give a test runner, and the module setuptools'
    `test_suite` names (`testcmd.setuptools_suite`), and the `tests.py` suites our pytest
    command's `python_files` names (`_with_unnamed_suites`)."""
    scripts = [command] if command else []
    scripts += [" ".join(words) for _, words in MANIFEST_ENTRIES]
    named = named_test_files(scripts, facts.sources())
    named += [f for f in test_suite_files(facts.target, facts.files) if f not in named]
    if command and SUITES_OPTION in command:
        named += [f for f in _unnamed_suites(facts) if f not in named]
    return [f for f in named if _language_of(facts, f) is not None]


def normalise_framework(name: str | None) -> str | None:
    if not name:
        return None
    lowered = name.strip().lower()
    return FRAMEWORK_ALIASES.get(lowered, lowered)


def _framework_in_command(command: str) -> str | None:
    for pattern, framework in (
        (r"\bpytest\b", "pytest"),
        (r"\bunittest\b", "unittest"),
        (r"\bvitest\b", "vitest"),
        (r"\bjest\b", "jest"),
        (r"\bmocha\b", "mocha"),
        (r"\bnode\s+(\S+\s+)*--test\b", "node-test"),
        (r"\bgo\s+test\b", "go-test"),
        (r"\bcargo\s+test\b", "cargo-test"),
        (r"\bbats\b", "bats"),
    ):
        if re.search(pattern, command):
            return framework
    return None


def _detect_test(
    facts: _Facts,
    languages: Mapping[str, float],
    python: str | None,
    package_manager: str | None,
    test_dirs: list[str],
    declared: DeclaredTests,
) -> _Choice | None:
    """What the project's CI or test targets run; else the CI's one test entry point when it sets
    up the tests' environment; else the first framework with evidence, in
    the order of the languages' confidence; else an entry point it declares (a test target or
    script ai-workflow can only run); else CTest in a configured build directory."""
    if declared.runner is not None:
        runner = declared.runner
        own = f", the project's own {runner.program[0]}" if "/" in runner.program[0] else ""
        how = f"its paths{own}"
        if runner.npm_script and runner.framework in (*JS_FRAMEWORKS, "node-test"):
            how = f"through package.json scripts.{runner.npm_script}, which starts it"
        return _Choice(
            runner.framework,
            _argv_for_invocation(runner, facts, python, package_manager),
            f"run by {declared.reason}",
            f"{runner.describe()} as declared: {how} (ai-workflow adds the options for its report)",
        )
    if declared.set_up_entry is not None:
        entry, where = declared.set_up_entry
        return _Choice(
            entry.framework,
            list(entry.program),
            f"{entry.describe()} ({where})",
            f"the project's own test entry point ({where}), which sets up the tests' environment "
            "before running them; its output is read as TAP, else only its exit status counts",
        )
    for lang in languages:
        found = _detect_for_language(lang, facts, python, package_manager, test_dirs)
        if found is not None:
            framework, argv, reason = found
            return _Choice(framework, argv, reason, f"the usual command for {framework}")
    if declared.entries:
        entry, where = declared.entries[0]
        if entry.direct:  # a runner only an environment manager's configuration names
            return _Choice(
                entry.framework,
                _argv_for_invocation(entry, facts, python, package_manager),
                f"{entry.describe()} ({where})",
                f"{entry.describe()} as {where} run it: its paths, in the project's environment",
            )
        return _Choice(
            entry.framework,
            list(entry.program),
            f"{entry.describe()} ({where})",
            f"the project's own test entry point ({where}); its output is read as TAP, "
            "else only its exit status counts",
        )
    ctest = _ctest(facts)
    if ctest is not None:
        return _Choice("ctest", ctest[0], ctest[1], "the usual command for ctest")
    return None


def _detect_for_language(
    lang: str,
    facts: _Facts,
    python: str | None,
    package_manager: str | None,
    test_dirs: list[str],
) -> tuple[str, list[str] | None, str] | None:
    if lang == "python":
        found = _python_framework(facts)
    elif lang in ("javascript", "typescript"):
        found = _js_framework(facts)
    elif lang == "go":
        found = ("go-test", "go.mod") if facts.has("go.mod") else _gopath_package(facts)
    elif lang == "rust":
        found = ("cargo-test", "Cargo.toml") if facts.has("Cargo.toml") else None
    elif lang == "shell":
        bats = _bats_files(facts.files)
        found = ("bats", f"{len(bats)} .bats file(s)") if bats else None
    elif lang == "java":
        found = _java_framework(facts)
    elif lang == "ruby":
        found = _ruby_framework(facts)
    else:
        found = None
    if found is None:
        return None
    framework, reason = found
    pm = package_manager if lang in ("javascript", "typescript") else None
    return framework, _argv_for(framework, facts, python, pm, test_dirs), reason


def _gopath_package(facts: _Facts) -> tuple[str, str] | None:
    """go test for a Go project without go.mod whose import path is known (run in GOPATH
    mode, `testcmd.gopath`)."""
    found = gopath_import_path(facts.target, facts.files)
    if found is None:
        return None
    path, source = found
    return "go-test", f"no go.mod: a GOPATH package, {path} (from {source})"


MODULE_TEST_FUNCTION_RE = re.compile(r"^(?:async\s+)?def\s+test\w*\s*\(", re.MULTILINE)


def _python_framework(facts: _Facts) -> tuple[str, str] | None:
    pyproject = facts.pyproject()
    tool = pyproject.get("tool", {})
    if isinstance(tool, dict) and isinstance(tool.get("pytest"), dict):
        return "pytest", "[tool.pytest] in pyproject.toml"
    if facts.has("pytest.ini"):
        return "pytest", "pytest.ini present"
    conftest = next((f for f in facts.files if PurePosixPath(f).name == "conftest.py"), None)
    if conftest:
        return "pytest", f"{conftest} present"
    for ini, section in (("setup.cfg", "tool:pytest"), ("tox.ini", "pytest")):
        if facts.has(ini) and f"[{section}]" in facts.text(ini):
            return "pytest", f"[{section}] in {ini}"
    tests = [f for f in facts.files if f.endswith(".py") and _is_python_test_file(f)]
    if not tests:
        found = _discover_named_unittest(facts)
        tests = _unnamed_suites(facts)
        if found is not None or not tests:
            return found
    if _mentions_pytest(facts):
        return "pytest", "pytest is a declared dependency"
    sources = [facts.text(f) for f in tests[:50]]
    if any(re.search(r"^\s*(import pytest|from pytest\b)", s, re.MULTILINE) for s in sources):
        return "pytest", "test files import pytest"
    functions = sum(1 for s in sources if MODULE_TEST_FUNCTION_RE.search(s))
    if functions:  # `unittest discover` collects TestCase classes only: it would skip these
        return "pytest", f"{functions} test file(s) define module-level test functions"
    if any(re.search(r"\bunittest\b", s) for s in sources):
        return "unittest", f"{len(tests)} test file(s) use unittest"
    return "pytest", f"{len(tests)} pytest-style test file(s)"


def _unnamed_suites(facts: _Facts) -> list[str]:
    """`suite_modules.unnamed_suites` of the project (once per detection)."""
    if "suites" not in facts._cache:
        collection = read_collection(facts.target)
        py_files = [f for f in facts.files if f.endswith(".py")]
        facts._cache["suites"] = unnamed_suites(facts.target, py_files, collection)
    return list(facts._cache["suites"])


def _with_unnamed_suites(facts: _Facts, args: list[str]) -> list[str]:
    """pytest's arguments `args` with `python_files` extended to the project's `tests.py` and
    `test.py` suites (`testsource.suite_modules`), so that they run with the other tests.
    Naming them beside the root does not do: pytest drops a path under another it is given."""
    suites = _unnamed_suites(facts)
    return [*suites_option(facts.target, suites), *args] if suites else list(args)


def _discover_named_unittest(facts: _Facts) -> tuple[str, str] | None:
    """unittest, for test modules that only discover's default pattern (`test*.py`) finds:
    a `tests/test.py` of `unittest.TestCase` classes (decorator 5.2.1's) is no pytest module
    (pytest collects `test_*.py` and `*_test.py`), but `python -m unittest discover` runs it."""
    named = [
        f
        for f in facts.files
        if f.endswith(".py") and is_test_path(f) and fnmatch(PurePosixPath(f).name, "test*.py")
    ]
    cases = [f for f in named[:50] if UNITTEST_CASE_RE.search(facts.text(f))]
    if not cases:
        return None
    return "unittest", f"{len(cases)} test file(s) named for unittest's discovery define TestCases"


# `import unittest` (or `from unittest import TestCase`) and a class deriving from a TestCase
UNITTEST_CASE_RE = re.compile(
    r"^\s*(import unittest\b|from unittest\b)(?s:.*)^class\s+\w+\s*\([^)]*\bTestCase\b",
    re.MULTILINE,
)


def _is_python_test_file(path: str) -> bool:
    name = PurePosixPath(path).name
    return name.startswith("test_") or name.endswith("_test.py")


def _mentions_pytest(facts: _Facts) -> bool:
    texts = [facts.text(n) for n in facts.top if REQUIREMENTS_RE.match(n)]
    if facts.has("pyproject.toml"):
        texts.append(facts.text("pyproject.toml"))
    return any(re.search(r"(^|[\s\"'\[,])pytest\b", t, re.MULTILINE) for t in texts)


def _js_framework(facts: _Facts) -> tuple[str, str] | None:
    package = facts.package_json()
    script = _test_script(package)
    if script:
        for name in JS_FRAMEWORKS:
            if re.search(rf"\b{name}\b", script):
                return name, f"package.json scripts.test runs {name}: {script!r}"
        if re.search(r"\bnode\b.*--test\b", script):
            return "node-test", f"package.json scripts.test runs node --test: {script!r}"
        return "npm-script", f"package.json scripts.test: {script!r}"
    deps: dict[str, Any] = {}
    for key in ("devDependencies", "dependencies"):
        value = package.get(key)
        if isinstance(value, dict):
            deps.update(value)
    for name in JS_FRAMEWORKS:
        if name in deps:
            return name, f"{name} is a dependency in package.json"
    tests = [f for f in facts.files if _is_node_test_file(f)]
    if tests:
        return "node-test", f"{len(tests)} test file(s) for node's test runner"
    return None


def _test_script(package: Mapping[str, Any]) -> str | None:
    scripts = package.get("scripts")
    if not isinstance(scripts, dict):
        return None
    script = scripts.get("test")
    if not isinstance(script, str) or not script.strip() or NPM_PLACEHOLDER_TEST in script:
        return None
    return script


def _is_node_test_file(path: str) -> bool:
    """Node 20's default patterns for `node --test` (JavaScript only)."""
    pure = PurePosixPath(path)
    if pure.suffix not in (".js", ".mjs", ".cjs"):
        return False
    stem = pure.name.rsplit(".", 1)[0]
    return (
        "test" in pure.parts[:-1]
        or stem == "test"
        or stem.startswith("test-")
        or stem.endswith((".test", "-test", "_test"))
    )


def _java_framework(facts: _Facts) -> tuple[str, str] | None:
    if facts.has("pom.xml"):
        return "maven", "pom.xml"
    if facts.has("build.gradle") or facts.has("build.gradle.kts"):
        return "gradle", "build.gradle"
    return None


def _ruby_framework(facts: _Facts) -> tuple[str, str] | None:
    if any(f.endswith("_spec.rb") for f in facts.files):
        return "rspec", "*_spec.rb files"
    if facts.has("Rakefile") and any(f.endswith(".rb") and is_test_path(f) for f in facts.files):
        return "rake", "Rakefile and test files"
    return None


def _bats_files(files: Iterable[str]) -> list[str]:
    """`.bats` files that are tests, not fixtures (which may be broken on purpose)."""
    return [f for f in files if f.endswith(".bats") and not FIXTURE_DIRS & set(f.split("/")[:-1])]


def _bats_dirs(files: Iterable[str]) -> list[str]:
    """The directories holding test `.bats` files: bats runs a directory's files, and only
    `-r` (which would reach fixtures too) goes deeper."""
    return sorted({PurePosixPath(f).parent.as_posix() for f in _bats_files(files)})


def _argv_for(
    framework: str,
    facts: _Facts,
    python: str | None,
    package_manager: str | None,
    test_dirs: list[str],
) -> list[str] | None:
    """The usual command line for `framework` in this project."""
    if framework in ("pytest", "unittest"):
        if python is None:
            return None
        if framework == "pytest":
            ignores = read_collection(facts.target).fixture_ignores(list(facts.files))
            ignored = [f"--ignore={d}" for d in ignores]
            return [python, "-m", "pytest", *ignored, *_with_unnamed_suites(facts, [])]
        return [python, "-m", "unittest", *_unittest_args(facts, test_dirs)]
    if framework in (*JS_FRAMEWORKS, "node-test", "npm-script"):
        script = "test" if _test_script(facts.package_json()) else None
        return _js_argv(framework, facts, package_manager, script, ())
    fixed = {
        "go-test": ["go", "test", "./..."],
        "cargo-test": ["cargo", "test"],
        "rspec": ["bundle", "exec", "rspec"],
        "rake": ["bundle", "exec", "rake", "test"],
        "tox": ["tox"],
        "nox": ["nox"],
        "make": ["make", "test"],
        "just": ["just", "test"],
        "task": ["task", "test"],
    }
    if framework in fixed:
        return fixed[framework]
    if framework == "maven":
        return ["./mvnw", "-q", "test"] if facts.has("mvnw") else ["mvn", "-q", "test"]
    if framework == "gradle":
        return ["./gradlew", "test"] if facts.has("gradlew") else ["gradle", "test"]
    if framework == "bats":
        return ["bats", *(_bats_dirs(facts.files) or ["."])]
    if framework == "ctest":
        found = _ctest(facts)
        return found[0] if found else None
    return None


def _argv_for_invocation(
    runner: Invocation, facts: _Facts, python: str | None, package_manager: str | None
) -> list[str] | None:
    """The command line for a runner the project declares: its own program and paths."""
    args = list(runner.args)
    if runner.framework == "unittest" and args and runner.program[1:] == (args[0],):
        return None if python is None else [python, args[0]]  # a test file run as a script
    if runner.framework == "pytest":
        return (
            None if python is None else [python, "-m", "pytest", *_with_unnamed_suites(facts, args)]
        )
    if runner.framework == "unittest":
        return None if python is None else [python, "-m", "unittest", *args]
    if runner.framework in (*JS_FRAMEWORKS, "node-test"):
        return _js_argv(runner.framework, facts, package_manager, runner.npm_script, args)
    if runner.framework == "maven":
        return [*runner.program, "-q", *args]
    if runner.framework == "go-test" and not args:
        return ["go", "test", "."]  # what `go test` alone tests
    return [*runner.program, *args]


def _unittest_args(facts: _Facts, test_dirs: list[str]) -> list[str]:
    pattern = _unittest_pattern(facts.files)
    for d in test_dirs:
        if f"{d}/__init__.py" not in facts.files and any(
            f.startswith(d + "/") and f.endswith(".py") for f in facts.files
        ):
            return ["discover", "-s", d, "-t", d, *pattern]
    top = _unreached_import_root(facts.files)
    return ["discover", "-s", top, "-t", top, *pattern] if top else ["discover", *pattern]


def _unreached_import_root(listed: Iterable[str]) -> str | None:
    """The directory holding the test packages when discover from the root cannot reach them.

    discover descends only into packages (directories with `__init__.py`), so test packages
    under a plain `src/` (isodate 0.6.1's `src/isodate/tests/`) are never found from `.`."""
    files = set(listed)
    roots = set()
    for f in files:
        if f.endswith(".py") and is_test_path(f):
            parts = PurePosixPath(f).parent.parts
            while parts and "/".join(parts) + "/__init__.py" in files:
                parts = parts[:-1]
            roots.add("/".join(parts))
    return None if not roots or "" in roots else sorted(roots)[0]


def _unittest_pattern(files: Iterable[str]) -> list[str]:
    """`-p *_test.py` where the test modules are named that way and none `test*.py`:
    discover's default pattern would find no test at all (colorama 0.4.6's `ansi_test.py`)."""
    names = [PurePosixPath(f).name for f in files if f.endswith(".py")]
    if any(fnmatch(n, "test*.py") for n in names):
        return []
    return ["-p", "*_test.py"] if any(n.endswith("_test.py") for n in names) else []


def _js_argv(
    framework: str,
    facts: _Facts,
    package_manager: str | None,
    script: str | None,
    args: Sequence[str],
) -> list[str]:
    """Through the package script that runs the framework (so its options and hooks apply),
    else the project's installed runner with `args`."""
    pm = package_manager if package_manager in ("npm", "pnpm", "yarn", "bun") else "npm"
    if script == "test":
        return [pm, "run", "test"] if pm == "bun" else [pm, "test"]
    if script:
        return [pm, "run", script]
    if framework == "node-test":
        return ["node", "--test", *args]
    local = f"node_modules/.bin/{framework}"
    runner = (
        [local] if (facts.target / local).exists() else ["npm", "exec", "--no", "--", framework]
    )
    return [*runner, "run", *args] if framework == "vitest" else [*runner, *args]


# --------------------------------------------------------------------------- tests found


CTEST_BUILD_DIRS = ("build", "_build", "cmake-build-debug", "cmake-build-release", "out/build")
CODE_SUFFIXES = frozenset(EXTENSIONS) | {
    ".c", ".cc", ".cpp", ".cxx", ".h", ".hpp", ".cs", ".php", ".swift", ".scala", ".ex", ".exs",
    ".lua", ".pl", ".t", ".zig", ".nim", ".dart", ".r", ".R", ".jl", ".clj", ".hs", ".ml",
}  # fmt: skip


def _ctest(facts: _Facts) -> tuple[list[str], str] | None:
    """CTest, when CMake declares tests and a configured build directory holds them."""
    if not facts.has("CMakeLists.txt") or not re.search(
        r"\b(enable_testing|add_test)\s*\(", facts.text("CMakeLists.txt")
    ):
        return None
    for build in CTEST_BUILD_DIRS:
        if (facts.target / build / "CTestTestfile.cmake").is_file():
            why = f"CMakeLists.txt declares tests; {build}/ is configured"
            return ["ctest", "--test-dir", build], why
    return None


def tests_found(files: list[str], test_dirs: Iterable[str], target: Path) -> list[str]:
    """What looks like tests in the project, for saying so when no runner was found."""
    found: list[str] = []
    dirs = [d for d in dict.fromkeys([*test_dirs, "tests", "test"]) if d]
    for d in dirs:
        code = [
            f for f in files if f.startswith(d + "/") and PurePosixPath(f).suffix in CODE_SUFFIXES
        ]
        if code:
            found.append(f"{d}/ with {len(code)} code file(s)")
    patterns = (
        ("*_test.go", lambda n: n.endswith("_test.go")),
        ("*.bats", lambda n: n.endswith(".bats")),
        # a code file (`a.spec.ts`), not an RPM spec template (`libbash.spec.in`)
        ("*.spec.*", lambda n: ".spec." in n and PurePosixPath(n).suffix in CODE_SUFFIXES),
        ("*.test.*", lambda n: ".test." in n and PurePosixPath(n).suffix in CODE_SUFFIXES),
    )
    for label, match in patterns:
        count = sum(1 for f in files if match(PurePosixPath(f).name))
        if count:
            found.append(f"{count} {label} file(s)")
    if "CMakeLists.txt" in files and re.search(
        r"\badd_test\s*\(", _read(target / "CMakeLists.txt")
    ):
        found.append(
            "CMakeLists.txt declares tests (add_test) but no build directory is configured "
            "(cmake -B build && cmake --build build)"
        )
    return found


def _read(path: Path) -> str:
    return read_text(path)  # a regular file inside the target only
