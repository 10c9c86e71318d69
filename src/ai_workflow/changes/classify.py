"""One category per changed file, from per-language tech-stack rules plus the user's globs.

Order of the rules (first match wins), so that e.g. `tests/conftest.py` is `tests`, not `code`:
user globs (`smart_execution.categories`) > deps (manifests, lockfiles) > tests > config (tool
and CI configuration) > shell scripts > code (by extension; web styles and templates inside a
docs directory are docs) > test data (any other file under a test-data directory such as
`fixtures/` or `__snapshots__/`, or a `.snap`/`.golden` file: `tests`) > docs (a doc extension
or name inside a source directory or Python package, outside a docs directory, is package
data: `code`, with `docs` as a second role) > scripts (Makefile, `scripts/`, `bin/`) > assets >
config formats at the top level > anything else inside a source directory or Python package
(package data is code) > other.

A file those rules call `docs` that the project's tests or code read is not documentation
(`ai_workflow.changes.test_inputs`, with a target): one a Go `//go:embed` line embeds is `code`,
one a Python test names by a string literal is `tests`; both keep `docs` as a second role.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ai_workflow.changes.globs import compile_globs
from ai_workflow.changes.test_inputs import TestInputs
from ai_workflow.ci_files import AZURE_PIPELINES, CI_FILE_NAMES, CI_TOP_DIRS
from ai_workflow.config import Config
from ai_workflow.project_files import list_project_files
from ai_workflow.testsource.data_dirs import TEST_DATA_SUFFIXES, in_test_data_dir

CATEGORIES = ("docs", "code", "tests", "deps", "config", "scripts", "assets", "other")


@dataclass(frozen=True)
class LanguageRules:
    """File-name globs (matched against the base name) of one language's ecosystem."""

    code: tuple[str, ...] = ()  # extensions
    tests: tuple[str, ...] = ()
    deps: tuple[str, ...] = ()
    config: tuple[str, ...] = ()


# fmt: off
LANGUAGES: dict[str, LanguageRules] = {
    "python": LanguageRules(
        code=(".py", ".pyi", ".pyx", ".pxd", ".ipynb"),
        tests=("test_*.py", "*_test.py", "tests.py", "test.py", "conftest.py"),
        deps=(
            "pyproject.toml", "setup.py", "setup.cfg", "requirements*.txt", "requirements*.in",
            "*-requirements.txt", "*_requirements.txt", "constraints*.txt", "Pipfile",
            "Pipfile.lock", "poetry.lock", "pdm.lock", "uv.lock", "environment.yml",
            "environment.yaml", "MANIFEST.in",
        ),
        config=(
            "tox.ini", "noxfile.py", "pytest.ini", "mypy.ini", ".mypy.ini", "ruff.toml",
            ".ruff.toml", ".flake8", ".pylintrc", "pylintrc", ".isort.cfg", ".coveragerc",
            "pyrightconfig.json", ".python-version", ".bandit",
        ),
    ),
    "javascript": LanguageRules(
        code=(
            ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".vue", ".svelte",
            ".astro", ".html", ".htm", ".css", ".scss", ".sass", ".less",
        ),
        tests=("*.test.*", "*.spec.*"),
        deps=(
            "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
            "pnpm-lock.yaml", "pnpm-workspace.yaml", "bun.lockb", "bun.lock", ".npmrc",
            ".yarnrc", ".yarnrc.yml",
        ),
        config=(
            "tsconfig*.json", "jsconfig.json", ".eslintrc*", "eslint.config.*", ".eslintignore",
            ".prettierrc*", "prettier.config.*", ".prettierignore", "jest.config.*",
            "vitest.config.*", "babel.config.*", ".babelrc*", "webpack.config.*", "vite.config.*",
            "rollup.config.*", "karma.conf.*", "playwright.config.*", ".stylelintrc*",
            ".browserslistrc", ".nvmrc", ".node-version", ".swcrc",
        ),
    ),
    "go": LanguageRules(
        code=(".go",),
        tests=("*_test.go",),
        deps=("go.mod", "go.sum", "go.work", "go.work.sum"),
        config=(".golangci.yml", ".golangci.yaml", ".golangci.toml"),
    ),
    "rust": LanguageRules(
        code=(".rs",),
        tests=("*_test.rs",),
        deps=("Cargo.toml", "Cargo.lock"),
        config=("rustfmt.toml", ".rustfmt.toml", "clippy.toml", "rust-toolchain*"),
    ),
    "java": LanguageRules(
        code=(".java", ".kt", ".kts", ".scala", ".groovy", ".clj", ".cljs"),
        tests=("*Test.java", "*Tests.java", "*IT.java", "*Test.kt", "*Tests.kt", "*Spec.scala"),
        deps=(
            "pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle",
            "settings.gradle.kts", "gradle.properties", "gradle.lockfile", "build.sbt",
            "gradle-wrapper.properties",
        ),
        config=("checkstyle*.xml", ".sdkmanrc"),
    ),
    "ruby": LanguageRules(
        code=(".rb", ".rake", ".erb"),
        tests=("*_spec.rb", "*_test.rb"),
        deps=("Gemfile", "Gemfile.lock", "*.gemspec"),
        config=(".rubocop*.yml", ".ruby-version", ".rspec"),
    ),
    "cpp": LanguageRules(
        code=(".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx", ".ipp", ".m", ".mm"),
        tests=("*_test.c", "*_test.cc", "*_test.cpp", "*_unittest.cc"),
        deps=("conanfile.txt", "conanfile.py", "vcpkg.json"),
        config=("CMakeLists.txt", "*.cmake", "meson.build", ".clang-format", ".clang-tidy"),
    ),
    "bash": LanguageRules(
        code=(),  # shell files are the `scripts` category
        tests=("*.bats", "*_test.sh", "test_*.sh"),
        config=(".shellcheckrc",),
    ),
    "other": LanguageRules(
        code=(
            ".cs", ".fs", ".vb", ".swift", ".php", ".pl", ".pm", ".lua", ".r", ".dart", ".ex",
            ".exs", ".erl", ".hrl", ".hs", ".ml", ".mli", ".zig", ".nim", ".jl", ".sql",
            ".proto", ".graphql", ".gql", ".thrift", ".j2", ".jinja", ".jinja2", ".ejs", ".hbs",
            ".mustache", ".twig", ".wasm",
        ),
        tests=("*Test.php", "*Tests.cs", "*Test.cs", "*Tests.swift"),
        deps=(
            "composer.json", "composer.lock", "Package.swift", "Package.resolved", "mix.exs",
            "mix.lock", "pubspec.yaml", "pubspec.lock", "*.csproj", "*.fsproj",
            "packages.config", "Directory.Packages.props", "*.cabal", "stack.yaml", "*.nimble",
        ),
    ),
}

TEST_DIRS = frozenset({"tests", "test", "__tests__", "spec", "specs", "testdata", "e2e", "cypress"})
CONFIG_NAMES = (
    ".gitignore", ".gitattributes", ".gitmodules", ".editorconfig", ".pre-commit-config.yaml",
    ".pre-commit-hooks.yaml", "pre-commit.yaml", *sorted(CI_FILE_NAMES),
    f"*{AZURE_PIPELINES}*.y*ml", "codecov.yml", ".codecov.yml", ".dockerignore", "Dockerfile",
    "Dockerfile.*", "*.dockerfile", "Containerfile", "docker-compose*.y*ml", "compose.y*ml",
    ".workflow-config.y*ml", ".markdownlint*", ".pymarkdown*", ".mdlrc", ".yamllint*",
    ".rumdl.toml", "rumdl.toml",
    "renovate.json", ".renovaterc*", ".releaserc*", ".tool-versions", "Vagrantfile", "Procfile",
    ".env.example", "sonar-project.properties", "netlify.toml", "vercel.json",
)
CONFIG_TOP_DIRS = CI_TOP_DIRS | frozenset(
    {".devcontainer", ".vscode", ".idea", ".husky", ".cargo", ".config", ".teamcity", ".azure",
     ".mvn", ".yarn"}
)
SHELL_EXT = frozenset({".sh", ".bash", ".zsh", ".ksh"})
OTHER_SCRIPT_EXT = frozenset({".bat", ".cmd", ".ps1", ".psm1", ".fish", ".mk"})
SCRIPT_NAMES = frozenset(
    {"Makefile", "makefile", "GNUmakefile", "justfile", "Justfile", ".justfile", "Taskfile.yml",
     "Taskfile.yaml", "Rakefile"}
)
SCRIPT_TOP_DIRS = frozenset({"scripts", "script", "bin", "hack"})
WEB_EXT = frozenset({".html", ".htm", ".css", ".scss", ".sass", ".less", ".j2", ".jinja"})
DOC_NAMES = (
    "readme*", "changes*", "changelog*", "history*", "news*", "license*", "licence*",
    "copying*", "authors*", "contributors*", "contributing*", "code_of_conduct*", "security*",
    "support*", "notice*", "maintainers*", "citation*", ".readthedocs.y*ml", "readthedocs.y*ml",
    "mkdocs.y*ml",
)
DOC_EXT = frozenset(
    {".md", ".markdown", ".mdx", ".rst", ".txt", ".adoc", ".asciidoc", ".org", ".tex", ".rtf",
     ".pod", ".rdoc", ".texi"}
)
DOC_DIRS = frozenset({"docs", "doc", "documentation", "man"})
ASSET_EXT = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".icns", ".webp", ".bmp", ".tif", ".tiff",
     ".avif", ".psd", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".wav", ".ogg",
     ".webm", ".mov", ".avi", ".pdf", ".eps", ".sketch", ".fig"}
)
ASSET_DIRS = frozenset({"assets", "static", "public", "images", "img", "media", "fonts"})
TOP_CONFIG_EXT = frozenset(
    {".toml", ".ini", ".cfg", ".conf", ".yaml", ".yml", ".json", ".jsonc", ".json5", ".xml",
     ".properties", ".env"}
)
SOURCE_TOP_DIRS = frozenset({"src", "lib", "app", "pkg", "internal", "cmd", "source", "sources"})
TOOL_CONFIG_MANIFESTS = frozenset({"pyproject.toml", "setup.cfg", "package.json", "Cargo.toml"})
# fmt: on


@dataclass(frozen=True)
class _NameFacts:
    deps: bool
    tests: bool
    config: bool
    ext: str


@dataclass(frozen=True)
class _DirFacts:
    top: bool = False  # the project root itself
    deps: bool = False
    tests: bool = False
    config: bool = False
    docs: bool = False
    scripts: bool = False
    assets: bool = False
    test_data: bool = False  # a test-data directory (or one inside it): files are test inputs
    source: bool = False  # a source directory or Python package: unknown files are code


class _NameMatcher:
    """Base-name globs: literal names in a set, wildcard globs in one regex."""

    def __init__(self, globs: Iterable[str], *, fold_case: bool = False) -> None:
        self.fold_case = fold_case
        globs = [g.lower() if fold_case else g for g in globs]
        self.names = frozenset(g for g in globs if not any(c in g for c in "*?["))
        wild = tuple(g for g in globs if any(c in g for c in "*?["))
        self.regex = compile_globs(wild)

    def matches(self, name: str) -> bool:
        if self.fold_case:
            name = name.lower()
        return name in self.names or (self.regex is not None and self.regex.match(name) is not None)


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _prefixes(dirs: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(d.strip("/") + "/" for d in dirs or () if d.strip("/"))


class Classifier:
    """Classifies relative POSIX paths. Cheap per path: set look-ups and a few regexes."""

    def __init__(self, config: Config | None = None, target: Path | None = None) -> None:
        config = config or Config()
        self.target = target
        self.user = [
            (name, compile_globs(tuple(globs)))
            for name, globs in config.smart_execution.categories.items()
        ]
        langs = LANGUAGES.values()
        self.deps = _NameMatcher(g for lang in langs for g in lang.deps)
        self.tests = _NameMatcher(g for lang in langs for g in lang.tests)
        self.config = _NameMatcher([*CONFIG_NAMES, *(g for lang in langs for g in lang.config)])
        self.code_ext = frozenset(ext for lang in langs for ext in lang.code)
        self.doc_names = _NameMatcher(DOC_NAMES, fold_case=True)
        structure = config.structure
        self.test_prefixes = _prefixes(structure.test_dirs)
        self.doc_prefixes = _prefixes(structure.docs_dirs)
        self.source_prefixes = _prefixes(structure.source_dirs)
        self.exclude_dirs = tuple(structure.exclude_dirs)
        self._inputs: TestInputs | None = None  # scanned once, on the first doc-like file
        self._names: dict[str, _NameFacts] = {}
        self._dirs: dict[str, _DirFacts] = {}

    @property
    def categories(self) -> tuple[str, ...]:
        """Every category name this classifier can return."""
        extra = tuple(name for name, _ in self.user if name not in CATEGORIES)
        return CATEGORIES + extra

    def classify(self, path: str) -> str:
        for category, regex in self.user:
            if regex is not None and regex.match(path):
                return category
        category = self._by_rules(path)
        if category == "docs":
            return self._read_as_input(path) or category
        return category

    def _by_rules(self, path: str) -> str:
        """The category from the path alone (no user globs, no scan of the project)."""
        parent, _, name = path.rpartition("/")
        where, what = self._dir(parent), self._name(name)
        if what.deps or where.deps:
            return "deps"
        if what.tests or where.tests:
            return "tests"
        if what.config or where.config:
            return "config"
        return self._by_kind(name, what.ext, where)

    def categories_of(self, path: str) -> tuple[str, ...]:
        """The category, then the other roles the file plays, for deciding which steps read it.

        A manifest that also configures tools (`pyproject.toml`: ruff, pytest...) is `deps` and
        `config`; a deps or config file written in a programming language (`setup.py`,
        `noxfile.py`, `jest.config.ts`) is also `code`; a doc-like file inside a package
        (`src/pkg/data.txt`, `src/pkg/README.md`) is `code` (its code may read it) and `docs`;
        so is a doc-like file a Go package embeds, and one a Python test names is `tests` and
        `docs`.
        User globs decide alone.
        """
        primary = self.classify(path)
        if primary not in ("deps", "config", "code", "tests"):
            return (primary,)
        if any(regex is not None and regex.match(path) for _, regex in self.user):
            return (primary,)
        if primary in ("code", "tests") and self._by_rules(path) == "docs":
            return (primary, "docs")  # documentation the tests or the code read
        if primary == "tests":
            return (primary,)
        parent, _, name = path.rpartition("/")
        if primary == "code":
            return ("code", "docs") if self._package_doc(name, self._dir(parent)) else (primary,)
        roles = [primary]
        if name in TOOL_CONFIG_MANIFESTS and primary == "deps":
            roles.append("config")
        if _suffix(name) in self.code_ext:
            roles.append("code")
        return tuple(roles)

    def _by_kind(self, name: str, ext: str, where: _DirFacts) -> str:
        if ext in SHELL_EXT:
            return "scripts"
        if ext in self.code_ext:
            return "docs" if where.docs and ext in WEB_EXT else "code"
        if where.test_data or ext in TEST_DATA_SUFFIXES:
            return "tests"
        if where.docs:
            return "docs"
        if ext in DOC_EXT or self.doc_names.matches(name):
            return "code" if where.source else "docs"
        if ext in OTHER_SCRIPT_EXT or name in SCRIPT_NAMES or where.scripts:
            return "scripts"
        if ext in ASSET_EXT or where.assets:
            return "assets"
        if where.top:
            return "config" if ext in TOP_CONFIG_EXT else "other"
        return "code" if where.source else "other"

    def _package_doc(self, name: str, where: _DirFacts) -> bool:
        """A doc extension or name inside a source directory or package, not a docs directory."""
        ext = _suffix(name)
        if not where.source or where.docs or ext in self.code_ext:
            return False
        return ext in DOC_EXT or self.doc_names.matches(name)

    def _name(self, name: str) -> _NameFacts:
        facts = self._names.get(name)
        if facts is None:
            facts = _NameFacts(
                deps=self.deps.matches(name),
                tests=self.tests.matches(name),
                config=self.config.matches(name),
                ext=_suffix(name),
            )
            self._names[name] = facts
        return facts

    def _dir(self, parent: str) -> _DirFacts:
        """What a directory says about the files in it (cached: many files share one)."""
        facts = self._dirs.get(parent)
        if facts is None:
            facts = self._dir_facts(parent)
            self._dirs[parent] = facts
        return facts

    def _dir_facts(self, parent: str) -> _DirFacts:
        if not parent:
            return _DirFacts(top=True)
        dirs = parent.split("/")
        inside = parent + "/"
        return _DirFacts(
            deps="requirements" in dirs,
            tests=any(d in TEST_DIRS for d in dirs) or inside.startswith(self.test_prefixes),
            config=dirs[0] in CONFIG_TOP_DIRS,
            docs=any(d in DOC_DIRS for d in dirs) or inside.startswith(self.doc_prefixes),
            scripts=dirs[0] in SCRIPT_TOP_DIRS,
            assets=any(d in ASSET_DIRS for d in dirs),
            test_data=in_test_data_dir(dirs),
            source=dirs[0] in SOURCE_TOP_DIRS
            or inside.startswith(self.source_prefixes)
            or self._is_package(dirs[0]),
        )

    def _read_as_input(self, path: str) -> str | None:
        """`code` or `tests` for a doc-like file the code embeds or a test names (None: it is
        documentation, or there is no target to scan)."""
        if self.target is None:
            return None
        if self._inputs is None:
            files = list_project_files(self.target, self.exclude_dirs)
            self._inputs = TestInputs(self.target, files, lambda f: self._by_rules(f) == "tests")
        return self._inputs.role(path)

    def _is_package(self, top: str) -> bool:
        """A top-level directory with `__init__.py` on disk: a Python package (flat layout)."""
        return self.target is not None and os.path.isfile(
            os.path.join(self.target, top, "__init__.py")
        )

    def classify_all(self, paths: Iterable[str]) -> dict[str, list[str]]:
        """Paths grouped by category, each list sorted; empty categories left out."""
        grouped: dict[str, list[str]] = {}
        for path in paths:
            grouped.setdefault(self.classify(path), []).append(path)
        return {cat: sorted(grouped[cat]) for cat in self.categories if cat in grouped}

    def roles_all(self, paths: Iterable[str]) -> dict[str, list[str]]:
        """Paths under every category they play a role in (see `categories_of`)."""
        grouped: dict[str, list[str]] = {}
        for path in paths:
            for category in self.categories_of(path):
                grouped.setdefault(category, []).append(path)
        return {cat: sorted(grouped[cat]) for cat in self.categories if cat in grouped}
