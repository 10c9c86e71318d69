"""Step 8: Dependency Validation: manifests, lockfiles, pins and the imports of Python code.

Never uses the network. Checks:
- manifests parse: pyproject.toml, requirements*.txt/.in, setup.cfg, setup.py (literal
  `install_requires` only), package.json, go.mod, Cargo.toml (`deps/invalid-manifest`, error;
  an unparsable requirement is `deps/invalid-requirement`, error);
- a lockfile exists and lists what the manifest declares (`deps/missing-lockfile`,
  `deps/lockfile-out-of-date`, warnings): package-lock.json, yarn.lock, pnpm-lock.yaml for
  package.json; poetry.lock, uv.lock, pdm.lock for pyproject.toml; go.sum; Cargo.lock;
- requirements without any version constraint (`deps/unpinned`: warning in requirements files
  and package.json, info in pyproject/setup.cfg where ranges are the norm) and the same
  requirement declared twice (`deps/duplicate`, warning);
- Python imports (by `ast`) that no declared distribution provides (`deps/undeclared-import`:
  warning for runtime code, info for tests and tooling), and runtime distributions never
  imported (`deps/unused-dependency`: warning, info when the target's environment shows the
  distribution installs commands or plugins; `deps/test-only-dependency`, info, when only tests
  import it). `dependencies.ignore_missing` / `ignore_unused` in the configuration silence them.

Import names map to distributions through the target interpreter's
`importlib.metadata.packages_distributions()` when the project has an interpreter, the
`IMPORT_ALIASES` table, and the rule that `foo_bar` is provided by a distribution `foo-bar`.
"""

from __future__ import annotations

import ast
import configparser
import json
import re
import sys
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.findings import Severity
from ai_workflow.project_files import project_files
from ai_workflow.pysource import PySyntaxError, parse_python
from ai_workflow.techstack import detect_stack, is_test_path
from ai_workflow.tools import target_python

SPEC = StepSpec(
    id="dependencies",
    number=8,
    name="Dependency Validation",
    description="Manifests parse, lockfiles agree, requirements pinned, imports declared.",
    depends_on=("pre_analysis",),
    categories=("deps",),
    estimate_s=60.0,
    persona="DevOps and package management specialist",
)

ENV_TIMEOUT_S = 60.0

# Import name -> distributions that provide it, where the names differ (checked when the target
# has no interpreter to ask, and in addition to what it says).
IMPORT_ALIASES: dict[str, tuple[str, ...]] = {
    "yaml": ("PyYAML",),
    "PIL": ("Pillow",),
    "bs4": ("beautifulsoup4",),
    "sklearn": ("scikit-learn",),
    "skimage": ("scikit-image",),
    "dateutil": ("python-dateutil",),
    "dotenv": ("python-dotenv",),
    "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python"),
    "attr": ("attrs",),
    "jwt": ("PyJWT",),
    "jose": ("python-jose",),
    "magic": ("python-magic",),
    "multipart": ("python-multipart",),
    "slugify": ("python-slugify",),
    "docx": ("python-docx",),
    "pptx": ("python-pptx",),
    "serial": ("pyserial",),
    "usb": ("pyusb",),
    "zmq": ("pyzmq",),
    "Crypto": ("pycryptodome", "pycrypto"),
    "Cryptodome": ("pycryptodomex",),
    "OpenSSL": ("pyOpenSSL",),
    "nacl": ("PyNaCl",),
    "git": ("GitPython",),
    "github": ("PyGithub",),
    "MySQLdb": ("mysqlclient",),
    "psycopg2": ("psycopg2", "psycopg2-binary"),
    "google": ("protobuf",),
    "grpc": ("grpcio",),
    "pkg_resources": ("setuptools",),
    "fitz": ("PyMuPDF",),
    "dns": ("dnspython",),
    "kafka": ("kafka-python",),
    "websocket": ("websocket-client",),
    "socks": ("PySocks",),
    "gi": ("PyGObject",),
    "wx": ("wxPython",),
    "Bio": ("biopython",),
    "markdown_it": ("markdown-it-py",),
    "mdit_py_plugins": ("mdit-py-plugins",),
    "Levenshtein": ("python-Levenshtein", "Levenshtein"),
    "ldap": ("python-ldap",),
    "telegram": ("python-telegram-bot",),
    "discord": ("discord.py",),
    "faiss": ("faiss-cpu", "faiss-gpu"),
    "umap": ("umap-learn",),
    "igraph": ("python-igraph", "igraph"),
    "win32api": ("pywin32",),
    "win32com": ("pywin32",),
    "pythoncom": ("pywin32",),
    "lxml": ("lxml",),
    "jinja2": ("Jinja2",),
    "markupsafe": ("MarkupSafe",),
    "flask_sqlalchemy": ("Flask-SQLAlchemy",),
    "rest_framework": ("djangorestframework",),
    "tomli_w": ("tomli-w",),
    "pydantic_core": ("pydantic-core", "pydantic"),
}
# Distributions named `<prefix>-<rest>` that install into the `<prefix>` namespace package.
NAMESPACE_PREFIXES = frozenset(
    {"google", "azure", "zope", "jaraco", "backports", "sphinxcontrib", "opentelemetry", "ruamel"}
)
# Files that are development tooling, not shipped code (their imports are checked leniently).
DEV_DIRS = frozenset(
    {"docs", "doc", "examples", "example", "bench", "benchmarks", "benchmark", "scripts", "tools"}
)
DEV_FILES = frozenset(
    {"setup.py", "noxfile.py", "tasks.py", "fabfile.py", "dodo.py", "conftest.py", "conf.py"}
)
BUILD_MODULES = frozenset({"setuptools", "pkg_resources", "wheel"})
IMPORT_ROOTS = ("", "src", "lib", "python")
GUARD_EXCEPTIONS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})

REQUIREMENTS_NAME = re.compile(r"(^|[-_.])requirements?([-_.][\w.-]*)?\.(txt|in)$")
DEV_GROUP_WORDS = re.compile(r"dev|test|lint|doc|ci|build|type|check|bench", re.IGNORECASE)
NPM_LOCKFILES = (
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "bun.lock",
)
PYTHON_LOCKFILES = ("poetry.lock", "uv.lock", "pdm.lock")
NPM_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
NPM_UNPINNED = frozenset({"", "*", "latest", "x", "next"})
TOML_LINE = re.compile(r"at line (\d+)")


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Dependency:
    """One declared dependency. `group`: runtime, optional, dev or peer."""

    name: str
    spec: str  # version constraint as written ("" when none)
    path: str  # manifest, relative to the target
    line: int | None
    group: str = "runtime"
    ecosystem: str = "python"
    markers: str = ""
    section: str = ""  # where in the manifest: "optional-dependencies.ai", "devDependencies"

    @property
    def key(self) -> str:
        return _canonical(self.name) if self.ecosystem == "python" else self.name


@dataclass
class Manifest:
    """A parsed manifest: its dependencies, or why it could not be read."""

    path: str
    kind: str
    dependencies: list[Dependency] = field(default_factory=list)
    project_name: str | None = None
    valid: bool = True
    expected_lock: str | None = None  # a lockfile the manifest's tool always writes


@dataclass(frozen=True)
class ImportUse:
    """A top-level module name imported by a file."""

    module: str
    path: str
    line: int
    optional: bool  # inside try/except ImportError or `if TYPE_CHECKING:`


class Report:
    """Collects findings and notes, then becomes the step's outcome."""

    def __init__(self) -> None:
        self.outcome = StepOutcome()

    def add(
        self, rule: str, severity: Severity, message: str, path: str | None, line: int | None
    ) -> None:
        self.outcome.add(rule, severity, message, path, line)

    def checked(self, text: str) -> None:
        self.outcome.checked.append(text)

    def skipped(self, text: str) -> None:
        self.outcome.skipped_checks.append(text)


# --------------------------------------------------------------------------- step


def run(ctx: StepContext) -> StepOutcome:
    report = Report()
    files = project_files(ctx)
    manifests = [m for m in (_read_manifest(ctx.target, f, report) for f in files) if m]
    if not manifests:
        report.skipped(
            "dependencies: no manifest found (pyproject.toml, requirements*.txt, setup.cfg, "
            "setup.py, package.json, go.mod, Cargo.toml)"
        )
    for manifest in manifests:
        _check_duplicates(manifest, report)
        _check_unpinned(manifest, report)
        _check_lockfiles(ctx.target, manifest, set(files), report)
    python = analyse_python_imports(ctx, files, manifests, report)
    report.outcome.data = {
        "manifests": [
            {"path": m.path, "kind": m.kind, "valid": m.valid, "dependencies": len(m.dependencies)}
            for m in manifests
        ],
        "lockfiles": [f for f in files if PurePosixPath(f).name in _ALL_LOCKFILES],
        "python": python,
    }
    counts = f"{len(manifests)} manifest(s), {len(report.outcome.findings)} finding(s)"
    report.outcome.summary = counts
    return report.outcome


_ALL_LOCKFILES = frozenset({*NPM_LOCKFILES, *PYTHON_LOCKFILES, "go.sum", "Cargo.lock"})


# --------------------------------------------------------------------------- manifests


def manifest_kind(path: str) -> str | None:
    """The kind of manifest a project file is, if it is one."""
    name = PurePosixPath(path).name
    if name in ("pyproject.toml", "setup.cfg", "setup.py", "package.json", "go.mod", "Cargo.toml"):
        return name
    parent = PurePosixPath(path).parent.name
    if REQUIREMENTS_NAME.search(name) or (parent == "requirements" and name.endswith(".txt")):
        return "requirements"
    return None


def _read_manifest(target: Path, rel: str, report: Report) -> Manifest | None:
    kind = manifest_kind(rel)
    if kind is None:
        return None
    try:
        text = (target / rel).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        report.add("deps/invalid-manifest", Severity.ERROR, f"cannot read: {exc}", rel, None)
        return Manifest(rel, kind, valid=False)
    parser = _PARSERS[kind]
    manifest = parser(rel, text, report)
    if manifest.valid:
        report.checked(f"{rel}: {len(manifest.dependencies)} dependencies declared")
    return manifest


def _invalid(rel: str, kind: str, message: str, line: int | None, report: Report) -> Manifest:
    report.add("deps/invalid-manifest", Severity.ERROR, message, rel, line)
    return Manifest(rel, kind, valid=False)


class _Lines:
    """Line lookups in a manifest's text. A line is handed out once, so repeats get their own."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.used: Counter[tuple[int, str]] = Counter()

    def find(self, *needles: str, start: int = 0) -> int | None:
        """1-based number of the first line at or after `start` with an unused needle."""
        for index in range(max(start, 0), len(self.lines)):
            for needle in needles:
                if self.lines[index].count(needle) > self.used[index, needle]:
                    self.used[index, needle] += 1
                    return index + 1
        return None

    def section(self, pattern: str) -> int:
        """0-based index of the first line matching `pattern` (0 if none): where to look."""
        regex = re.compile(pattern)
        return next((i for i, line in enumerate(self.lines) if regex.search(line)), 0)


def _pep508(
    raw: str, rel: str, line: int | None, group: str, section: str, report: Report
) -> Dependency | None:
    try:
        req = Requirement(raw)
    except InvalidRequirement as exc:
        message = f"invalid requirement {raw!r}: {exc}"
        report.add("deps/invalid-requirement", Severity.ERROR, message, rel, line)
        return None
    spec = str(req.specifier) or (f"@ {req.url}" if req.url else "")
    markers = str(req.marker or "")
    return Dependency(req.name, spec, rel, line, group, "python", markers, section)


# ----- requirements files


def parse_requirements(rel: str, text: str, report: Report) -> Manifest:
    """pip requirements: one PEP 508 requirement a line; options, includes and paths skipped."""
    group = "dev" if DEV_GROUP_WORDS.search(_requirements_label(rel)) else "runtime"
    manifest = Manifest(rel, "requirements")
    for line_no, line in _logical_lines(text):
        if not line or line.startswith("-") or _is_local_path(line):
            continue  # -r/-c/-e/--index-url..., ./pkg, file paths: nothing to check here
        line = re.sub(r"\s--hash[= ]\S+", "", line).strip()
        dep = _pep508(line, rel, line_no, group, "", report)
        if dep:
            manifest.dependencies.append(dep)
    return manifest


def _requirements_label(rel: str) -> str:
    """The part of a requirements file's path that says what it is for."""
    path = PurePosixPath(rel)
    name = path.name.split(".")[0]
    return f"{path.parent.as_posix()}/{name}" if path.parent.name == "requirements" else name


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, content) with comments stripped and `\\` continuations joined."""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield start, (pending + line).strip()
        pending = ""
    if pending:
        yield start, pending.strip()


def _is_local_path(line: str) -> bool:
    return line.startswith((".", "/", "~")) or re.match(r"^[\w+]+://", line) is not None


# ----- pyproject.toml


def _toml(rel: str, kind: str, text: str, report: Report) -> dict[str, Any] | Manifest:
    """The parsed document, or an invalid Manifest after reporting where the TOML breaks."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = TOML_LINE.search(str(exc))
        line = int(match.group(1)) if match else None
        return _invalid(rel, kind, f"invalid TOML: {exc}", line, report)


def parse_pyproject(rel: str, text: str, report: Report) -> Manifest:
    data = _toml(rel, "pyproject.toml", text, report)
    if isinstance(data, Manifest):
        return data
    lines = _Lines(text)
    poetry = _table(data, "tool", "poetry")
    manifest = Manifest(rel, "pyproject.toml")
    manifest.project_name = _table(data, "project").get("name") or poetry.get("name")
    for group, section, raw in _pep621_requirements(data):
        line = lines.find(f'"{raw}"', f"'{raw}'")
        dep = _pep508(raw, rel, line, group, section, report)
        if dep:
            manifest.dependencies.append(dep)
    poetry_deps = _poetry_dependencies(rel, poetry, lines)
    manifest.dependencies += poetry_deps
    if poetry_deps:
        manifest.expected_lock = "poetry.lock"
    return manifest


def _canonical(name: str) -> str:
    return str(canonicalize_name(name))


def _table(data: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    node: Any = data
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def _pep621_requirements(data: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(group, section, requirement) from [project], [dependency-groups] and tool dev lists."""
    for raw in _strings(_table(data, "project").get("dependencies")):
        yield "runtime", "project.dependencies", raw
    tables = [
        ("optional", "optional-dependencies", _table(data, "project", "optional-dependencies")),
        ("dev", "dependency-groups", _table(data, "dependency-groups")),
        ("dev", "tool.pdm.dev-dependencies", _table(data, "tool", "pdm", "dev-dependencies")),
        (
            "dev",
            "tool.uv",
            {"dev-dependencies": _table(data, "tool", "uv").get("dev-dependencies")},
        ),
    ]
    for group, prefix, table in tables:
        for name, values in table.items():
            for raw in _strings(values):
                yield group, f"{prefix}.{name}", raw


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _poetry_dependencies(rel: str, poetry: dict[str, Any], lines: _Lines) -> list[Dependency]:
    tables: list[tuple[str, str, dict[str, Any]]] = [
        ("runtime", "tool.poetry.dependencies", _table(poetry, "dependencies")),
        ("dev", "tool.poetry.dev-dependencies", _table(poetry, "dev-dependencies")),
    ]
    for name, group in _table(poetry, "group").items():
        tables.append(
            ("dev", f"tool.poetry.group.{name}.dependencies", _table(group, "dependencies"))
        )
    out = []
    for group, section, table in tables:
        start = lines.section(rf"^\[{re.escape(section)}\]")
        for name, value in table.items():
            if name.lower() == "python":
                continue
            spec = value if isinstance(value, str) else _table_spec(value)
            optional = isinstance(value, dict) and bool(value.get("optional"))
            line = lines.find(f"{name} =", f'"{name}" =', f"{name}=", start=start)
            kind = "optional" if optional else group
            out.append(Dependency(name, spec, rel, line, kind, "python", "", section))
    return out


# ----- setup.cfg and setup.py


def parse_setup_cfg(rel: str, text: str, report: Report) -> Manifest:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=rel)
    except configparser.Error as exc:
        line, detail = _ini_error(exc)
        return _invalid(rel, "setup.cfg", f"invalid setup.cfg: {detail}", line, report)
    manifest = Manifest(rel, "setup.cfg")
    manifest.project_name = parser.get("metadata", "name", fallback=None)
    lines = _Lines(text)
    entries = [
        ("runtime", "install_requires", parser.get("options", "install_requires", fallback=""))
    ]
    if parser.has_section("options.extras_require"):
        entries += [
            ("optional", f"extras_require.{k}", v)
            for k, v in parser.items("options.extras_require")
        ]
    for group, section, block in entries:
        if block.strip().startswith("file:"):
            report.skipped(f"{rel}: requirements read from a file ({block.strip()})")
            continue
        for raw in (r.strip() for r in block.splitlines()):
            if raw and not raw.startswith("#"):
                dep = _pep508(raw, rel, lines.find(raw), group, section, report)
                if dep:
                    manifest.dependencies.append(dep)
    return manifest


def _ini_error(exc: configparser.Error) -> tuple[int | None, str]:
    """The first bad line of a configparser error and a one-line description."""
    errors = getattr(exc, "errors", None)
    if errors:
        bad = int(errors[0][0])
        return bad, f"line {bad} is neither a [section] nor a 'key = value' line"
    lineno = getattr(exc, "lineno", None)
    return (int(lineno) if lineno else None), str(exc).splitlines()[0]


def parse_setup_py(rel: str, text: str, report: Report) -> Manifest:
    """`install_requires`/`extras_require` of a `setup(...)` call, when they are literals."""
    manifest = Manifest(rel, "setup.py")
    try:
        tree = parse_python(text, rel)
    except PySyntaxError as exc:
        return _invalid(rel, "setup.py", f"invalid Python: {exc.message}", exc.line, report)
    call = next((n for n in ast.walk(tree) if _is_setup_call(n)), None)
    if not isinstance(call, ast.Call):
        return manifest
    lines = _Lines(text)
    for keyword in call.keywords:
        if keyword.arg not in ("install_requires", "extras_require", "name"):
            continue
        try:
            value = ast.literal_eval(keyword.value)
        except (ValueError, TypeError, SyntaxError, RecursionError):
            report.skipped(f"{rel}: {keyword.arg} is computed, not a literal; not read")
            continue
        if keyword.arg == "name" and isinstance(value, str):
            manifest.project_name = value
        for group, section, raw in _setup_entries(keyword.arg, value):
            start = keyword.value.lineno
            line = lines.find(f'"{raw}"', f"'{raw}'", start=start - 1) or start
            dep = _pep508(raw, rel, line, group, section, report)
            if dep:
                manifest.dependencies.append(dep)
    return manifest


def _is_setup_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr == "setup"
    return isinstance(func, ast.Name) and func.id == "setup"


def _setup_entries(arg: str | None, value: Any) -> Iterator[tuple[str, str, str]]:
    if arg == "install_requires" and isinstance(value, list | tuple):
        yield from (("runtime", "install_requires", v) for v in value if isinstance(v, str))
    elif arg == "extras_require" and isinstance(value, dict):
        for extra, values in value.items():
            if isinstance(values, list | tuple):
                section = f"extras_require.{extra}"
                yield from (("optional", section, v) for v in values if isinstance(v, str))


# ----- package.json

NPM_GROUPS = {
    "dependencies": "runtime",
    "devDependencies": "dev",
    "optionalDependencies": "optional",
    "peerDependencies": "peer",
}


def parse_package_json(rel: str, text: str, report: Report) -> Manifest:
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in items:
            if key in seen:
                duplicates.append(key)
            seen[key] = value
        return seen

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        return _invalid(rel, "package.json", f"invalid JSON: {exc.msg}", exc.lineno, report)
    if not isinstance(data, dict):
        return _invalid(rel, "package.json", "the top level is not an object", 1, report)
    lines = _Lines(text)
    manifest = Manifest(rel, "package.json", project_name=data.get("name"))
    for section in NPM_SECTIONS:
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        start = lines.section(rf'"{section}"\s*:')
        for name, spec in table.items():
            line = lines.find(f'"{name}"', start=start)
            group = NPM_GROUPS[section]
            dep = Dependency(name, str(spec), rel, line, group, "javascript", "", section)
            manifest.dependencies.append(dep)
    for key in duplicates:  # json keeps the last value: the repeat is the first unused line
        report.add(
            "deps/duplicate",
            Severity.WARNING,
            f"key {key!r} appears twice",
            rel,
            lines.find(f'"{key}"'),
        )
    return manifest


# ----- go.mod and Cargo.toml

_GO_DIRECTIVES = frozenset(
    {"module", "go", "toolchain", "require", "replace", "exclude", "retract", "godebug", "tool"}
)


def parse_go_mod(rel: str, text: str, report: Report) -> Manifest:
    manifest = Manifest(rel, "go.mod")
    block: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if block is not None:
            if line == ")":
                block = None
            elif block == "require" and not _go_require(rel, number, line, manifest, report):
                return manifest
            continue
        words = line.split()
        if words[0] not in _GO_DIRECTIVES:
            return _invalid(rel, "go.mod", f"unknown directive {words[0]!r}", number, report)
        if words[0] == "module" and len(words) > 1:
            manifest.project_name = words[1].strip('"')
        if len(words) > 1 and words[1] == "(":
            block = words[0]
            continue
        requirement = " ".join(words[1:])
        if words[0] == "require" and not _go_require(rel, number, requirement, manifest, report):
            return manifest
    return manifest


def _go_require(rel: str, number: int, line: str, manifest: Manifest, report: Report) -> bool:
    words = line.split()
    if len(words) < 2 or not words[1].startswith("v"):
        message = f"bad require line: {line!r}"
        report.add("deps/invalid-manifest", Severity.ERROR, message, rel, number)
        manifest.valid = False
        return False
    dep = Dependency(words[0], words[1], rel, number, "runtime", "go", "", "require")
    manifest.dependencies.append(dep)
    return True


CARGO_SECTIONS = (
    ("dependencies", "runtime"),
    ("dev-dependencies", "dev"),
    ("build-dependencies", "dev"),
    ("workspace.dependencies", "runtime"),
)


def parse_cargo_toml(rel: str, text: str, report: Report) -> Manifest:
    data = _toml(rel, "Cargo.toml", text, report)
    if isinstance(data, Manifest):
        return data
    manifest = Manifest(rel, "Cargo.toml", project_name=_table(data, "package").get("name"))
    lines = _Lines(text)
    for section, group in CARGO_SECTIONS:
        start = lines.section(rf"^\[{re.escape(section)}\]")
        for name, value in _table(data, *section.split(".")).items():
            spec = value if isinstance(value, str) else _table_spec(value)
            line = lines.find(f"{name} =", f"{name}=", start=start)
            dep = Dependency(name, spec, rel, line, group, "rust", "", section)
            manifest.dependencies.append(dep)
    return manifest


def _table_spec(value: Any) -> str:
    """The constraint of a table-form dependency (`{version = "1"}`, `{path = "../x"}`)."""
    if not isinstance(value, dict):
        return ""
    for key in ("version", "path", "git"):
        if key in value:
            return f"{key} {value[key]}" if key != "version" else str(value[key])
    return "workspace" if value.get("workspace") else ""


_PARSERS = {
    "requirements": parse_requirements,
    "pyproject.toml": parse_pyproject,
    "setup.cfg": parse_setup_cfg,
    "setup.py": parse_setup_py,
    "package.json": parse_package_json,
    "go.mod": parse_go_mod,
    "Cargo.toml": parse_cargo_toml,
}


# --------------------------------------------------------------------------- duplicates, pins


def _check_duplicates(manifest: Manifest, report: Report) -> None:
    seen: dict[tuple[str, str, str], Dependency] = {}
    npm_groups: dict[str, Dependency] = {}
    for dep in manifest.dependencies:
        key = (dep.key, dep.section, dep.markers)
        if key in seen:
            first = seen[key]
            message = f"{dep.name} is declared twice (also line {first.line}: {first.spec!r})"
            report.add("deps/duplicate", Severity.WARNING, message, dep.path, dep.line)
        seen.setdefault(key, dep)
        if manifest.kind == "package.json" and dep.group in ("runtime", "dev"):
            other = npm_groups.get(dep.key)
            if other is not None and other.group != dep.group:
                message = f"{dep.name} is in both {other.group} and {dep.group} dependencies"
                report.add("deps/duplicate", Severity.WARNING, message, dep.path, dep.line)
            npm_groups.setdefault(dep.key, dep)


def _check_unpinned(manifest: Manifest, report: Report) -> None:
    if manifest.kind in ("go.mod",):
        return
    strict = manifest.kind in ("requirements", "package.json")
    severity = Severity.WARNING if strict else Severity.INFO
    for dep in manifest.dependencies:
        if dep.group == "peer":
            continue  # a peer range of "*" is the norm
        spec = dep.spec.strip()
        unpinned = spec in NPM_UNPINNED if dep.ecosystem != "python" else spec in ("", "*")
        if unpinned:
            message = f"{dep.name} has no version constraint"
            report.add("deps/unpinned", severity, message, dep.path, dep.line)


# --------------------------------------------------------------------------- lockfiles


def _nearest(rel_dir: PurePosixPath, names: Iterable[str], files: set[str]) -> str | None:
    """The first of `names` in `rel_dir` or its ancestors (within the project)."""
    current = rel_dir
    while True:
        for name in names:
            candidate = (current / name).as_posix().removeprefix("./")
            if candidate in files:
                return candidate
        if current == PurePosixPath(".") or current == current.parent:
            return None
        current = current.parent


def _check_lockfiles(target: Path, manifest: Manifest, files: set[str], report: Report) -> None:
    if not manifest.valid:
        return
    where = PurePosixPath(manifest.path).parent
    if manifest.kind == "package.json":
        _check_npm_lock(target, manifest, _nearest(where, NPM_LOCKFILES, files), report)
    elif manifest.kind == "pyproject.toml":
        lock = _nearest(where, PYTHON_LOCKFILES, files)
        _check_python_lock(target, manifest, lock, report)
    elif manifest.kind == "go.mod":
        _check_go_sum(target, manifest, _nearest(where, ("go.sum",), files), report)
    elif manifest.kind == "Cargo.toml":
        _check_cargo_lock(target, manifest, _nearest(where, ("Cargo.lock",), files), report)


def _installable(manifest: Manifest) -> list[Dependency]:
    return [d for d in manifest.dependencies if d.group != "peer"]


def _missing_lock(manifest: Manifest, expected: str, severity: Severity, report: Report) -> None:
    message = f"no lockfile ({expected}) for {len(manifest.dependencies)} declared dependencies"
    report.add("deps/missing-lockfile", severity, message, manifest.path, None)


def _out_of_date(dep: Dependency, lock: str, detail: str, report: Report) -> None:
    message = f"{dep.name} {dep.spec} {detail} in {lock}: the lockfile is out of date"
    report.add("deps/lockfile-out-of-date", Severity.WARNING, message, dep.path, dep.line)


def _read_lock(target: Path, lock: str, report: Report) -> str | None:
    try:
        return (target / lock).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        report.add("deps/invalid-lockfile", Severity.ERROR, f"cannot read: {exc}", lock, None)
        return None


def _check_npm_lock(target: Path, manifest: Manifest, lock: str | None, report: Report) -> None:
    deps = _installable(manifest)
    if not deps:
        return
    if lock is None:
        expected = "package-lock.json, yarn.lock or pnpm-lock.yaml"
        return _missing_lock(manifest, expected, Severity.WARNING, report)
    name = PurePosixPath(lock).name
    if name in ("bun.lockb", "bun.lock"):
        report.checked(f"{lock}: present (bun lockfiles are not compared)")
        return None
    text = _read_lock(target, lock, report)
    if text is None:
        return None
    importer = PurePosixPath(manifest.path).parent.relative_to(PurePosixPath(lock).parent)
    reader = {"yarn.lock": yarn_locked, "pnpm-lock.yaml": pnpm_locked}.get(name, npm_locked)
    locked = reader(text, importer.as_posix())
    if locked is None:
        report.add("deps/invalid-lockfile", Severity.ERROR, f"{name} cannot be parsed", lock, None)
        return None
    stale = 0
    for dep in deps:
        specs = locked.get(dep.name)
        if specs is None:
            _out_of_date(dep, lock, "is missing", report)
            stale += 1
        elif ANY_SPEC not in specs and dep.spec not in specs:
            _out_of_date(dep, lock, f"is locked as {' or '.join(sorted(specs))}", report)
            stale += 1
    if not stale:
        report.checked(f"{lock} agrees with {manifest.path} ({len(deps)} dependencies)")
    return None


ANY_SPEC = "*"
"""In a lockfile reading: the lockfile records the package but not the range it was asked for."""


def npm_locked(text: str, importer: str = ".") -> dict[str, set[str]] | None:
    """name -> ranges package-lock.json records for the manifest in directory `importer`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    packages = data.get("packages")
    if isinstance(packages, dict):
        root = packages.get("" if importer == "." else importer)
        out: dict[str, set[str]] = {}
        for section in NPM_SECTIONS:
            table = root.get(section) if isinstance(root, dict) else None
            if isinstance(table, dict):
                for key, value in table.items():
                    out.setdefault(key, set()).add(str(value))
        return out
    legacy = data.get("dependencies")  # lockfileVersion 1: versions only
    return {k: {ANY_SPEC} for k in legacy} if isinstance(legacy, dict) else {}


def yarn_locked(text: str, importer: str = ".") -> dict[str, set[str]]:
    """name -> ranges from yarn.lock entry keys (`"a@^1", a@^1.2:`; berry's `a@npm:^1`)."""
    out: dict[str, set[str]] = {}
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line[0].isspace() or line.startswith("#") or not line.endswith(":"):
            continue
        for entry in line[:-1].split(","):
            entry = entry.strip().strip('"')
            at = entry.rfind("@")
            if at > 0:
                out.setdefault(entry[:at], set()).add(entry[at + 1 :].removeprefix("npm:"))
    return out


def pnpm_locked(text: str, importer: str = ".") -> dict[str, set[str]] | None:
    """name -> specifier from pnpm-lock.yaml (v5 `specifiers`, v6+ `importers`/`specifier`)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    node: Any = data
    if isinstance(data.get("importers"), dict):
        node = data["importers"].get(importer) or {}
    if not isinstance(node, dict):
        return {}
    specifiers = _table(node, "specifiers")
    out: dict[str, set[str]] = {}
    for section in NPM_SECTIONS:
        table = node.get(section)
        if not isinstance(table, dict):
            continue
        for name, value in table.items():
            spec = value.get("specifier") if isinstance(value, dict) else specifiers.get(name)
            out.setdefault(name, set()).add(str(spec) if spec is not None else ANY_SPEC)
    return out


def _lock_package_names(text: str) -> set[str] | None:
    """Canonical names of `[[package]]` entries of a TOML lockfile (poetry, uv, pdm, Cargo)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    packages = data.get("package")
    if not isinstance(packages, list):
        return set()
    return {_canonical(str(p.get("name", ""))) for p in packages if isinstance(p, dict)}


def _check_python_lock(target: Path, manifest: Manifest, lock: str | None, report: Report) -> None:
    if lock is None:
        if manifest.expected_lock and manifest.dependencies:
            _missing_lock(manifest, manifest.expected_lock, Severity.WARNING, report)
        return
    text = _read_lock(target, lock, report)
    if text is None:
        return
    names = _lock_package_names(text)
    if names is None:
        report.add("deps/invalid-lockfile", Severity.ERROR, "invalid TOML", lock, None)
        return
    own = _canonical(manifest.project_name or "")
    stale = [d for d in manifest.dependencies if d.key not in names and d.key != own]
    for dep in stale:
        _out_of_date(dep, lock, "is missing", report)
    if not stale:
        report.checked(f"{lock} lists every dependency of {manifest.path}")


def _check_go_sum(target: Path, manifest: Manifest, lock: str | None, report: Report) -> None:
    if not manifest.dependencies:
        return
    if lock is None:
        return _missing_lock(manifest, "go.sum", Severity.WARNING, report)
    text = _read_lock(target, lock, report)
    if text is None:
        return None
    recorded = {tuple(line.split()[:2]) for line in text.splitlines() if line.strip()}
    recorded |= {(m, v.removesuffix("/go.mod")) for m, v in list(recorded)}
    stale = [d for d in manifest.dependencies if (d.name, d.spec) not in recorded]
    for dep in stale:
        _out_of_date(dep, lock, "has no checksum", report)
    if not stale:
        report.checked(f"{lock} has checksums for every requirement of {manifest.path}")
    return None


def _check_cargo_lock(target: Path, manifest: Manifest, lock: str | None, report: Report) -> None:
    if not manifest.dependencies:
        return
    if lock is None:
        _missing_lock(manifest, "Cargo.lock", Severity.INFO, report)
        return
    text = _read_lock(target, lock, report)
    names = _lock_package_names(text) if text is not None else None
    if names is None:
        return
    stale = [d for d in manifest.dependencies if _canonical(d.name) not in names]
    for dep in stale:
        _out_of_date(dep, lock, "is missing", report)
    if not stale:
        report.checked(f"{lock} lists every dependency of {manifest.path}")


# --------------------------------------------------------------------------- python imports


def imports_of(tree: ast.Module, path: str, source: str = "") -> list[ImportUse]:
    """Absolute imports (top-level names). Imports under `try: ... except ImportError` or
    `if TYPE_CHECKING:` are optional, as are `importlib.import_module("x")` literals (which are
    only looked for when `source` mentions them)."""
    uses: list[ImportUse] = []
    _visit_statements(tree.body, path, False, uses)
    if "import_module" in source or "__import__" in source:
        uses += [u for n in ast.walk(tree) if (u := _dynamic_import(n, path)) is not None]
    return uses


def _visit_statements(
    body: list[ast.stmt], path: str, optional: bool, uses: list[ImportUse]
) -> None:
    """Walk statements only (imports are statements): much cheaper than a full `ast.walk`."""
    for stmt in body:
        if isinstance(stmt, ast.Import):
            uses += [
                ImportUse(a.name.split(".")[0], path, stmt.lineno, optional) for a in stmt.names
            ]
        elif isinstance(stmt, ast.ImportFrom):
            if stmt.level == 0 and stmt.module:
                uses.append(ImportUse(stmt.module.split(".")[0], path, stmt.lineno, optional))
        elif isinstance(stmt, ast.Try | ast.TryStar):
            guarded = optional or any(_catches_import_error(h) for h in stmt.handlers)
            _visit_statements(stmt.body, path, guarded, uses)
            for part in [*(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody]:
                _visit_statements(part, path, optional, uses)
        elif isinstance(stmt, ast.If):
            _visit_statements(stmt.body, path, optional or _is_type_checking(stmt.test), uses)
            _visit_statements(stmt.orelse, path, optional, uses)
        elif isinstance(stmt, ast.Match):
            for case in stmt.cases:
                _visit_statements(case.body, path, optional, uses)
        else:
            for field_name in ("body", "orelse", "finalbody"):
                nested = getattr(stmt, field_name, None)
                if isinstance(nested, list):
                    _visit_statements(nested, path, optional, uses)


def _is_type_checking(test: ast.expr) -> bool:
    name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
    return name == "TYPE_CHECKING"


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (n.id if isinstance(n, ast.Name) else getattr(n, "attr", "")) in GUARD_EXCEPTIONS
        for n in names
    )


def _dynamic_import(node: ast.AST, path: str) -> ImportUse | None:
    """`importlib.import_module("x.y")` / `__import__("x")` with a literal name."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    dynamic = (isinstance(func, ast.Name) and func.id in ("__import__", "import_module")) or (
        isinstance(func, ast.Attribute) and func.attr == "import_module"
    )
    first = node.args[0]
    name = first.value if isinstance(first, ast.Constant) else None
    if not dynamic or not isinstance(name, str) or not name or name.startswith("."):
        return None
    return ImportUse(name.split(".")[0], path, node.lineno, True)


@dataclass
class PythonEnvironment:
    """What the target's own interpreter knows about installed distributions."""

    interpreter: str | None = None
    packages: dict[str, list[str]] = field(default_factory=dict)  # import name -> dists
    entry_points: dict[str, list[str]] = field(default_factory=dict)  # canonical dist -> groups


_ENV_SCRIPT = """
import json, importlib.metadata as m
try:
    packages = m.packages_distributions()
except AttributeError:
    packages = {}
eps = {}
for dist in m.distributions():
    name = dist.metadata["Name"]
    groups = sorted({ep.group for ep in dist.entry_points})
    files = dist.files or []
    if any(f.parts[:1] == ("..",) and "bin" in f.parts for f in files):
        groups.append("scripts")
    if name and groups:
        eps[name] = groups
print(json.dumps({"packages": packages, "entry_points": eps}))
"""


def target_environment(ctx: StepContext) -> PythonEnvironment:
    """Ask the target's own interpreter (see `tools.target_python`) once per run."""

    def ask() -> PythonEnvironment:
        python = target_python(ctx.target, ctx.config.tech_stack.python)
        if python is None:
            return PythonEnvironment()
        argv = [str(python), "-I", "-c", _ENV_SCRIPT]
        result = ctx.run_command(argv, timeout=ENV_TIMEOUT_S)
        if not result.ok:
            return PythonEnvironment()
        try:
            raw = json.loads(result.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return PythonEnvironment()
        packages = {str(k): [str(d) for d in v] for k, v in raw.get("packages", {}).items()}
        eps = {_canonical(k): list(v) for k, v in raw.get("entry_points", {}).items()}
        return PythonEnvironment(str(python), packages, eps)

    return ctx.memo.get("dependencies:target_environment", ask)


def providers(module: str, env: PythonEnvironment) -> set[str]:
    """Canonical names of distributions that may provide the top-level import `module`."""
    names = {_canonical(module)}
    names |= {_canonical(d) for d in env.packages.get(module, ())}
    names |= {_canonical(d) for d in IMPORT_ALIASES.get(module, ())}
    return names


def provided_modules(dist: str, env: PythonEnvironment) -> set[str]:
    """Top-level import names a declared distribution is known or guessed to provide."""
    key = _canonical(dist)
    modules = {key.replace("-", "_"), dist.replace("-", "_"), dist.split(".")[0]}
    modules |= {m for m, dists in env.packages.items() if key in map(_canonical, dists)}
    modules |= {m for m, dists in IMPORT_ALIASES.items() if key in map(_canonical, dists)}
    prefix = key.split("-", 1)[0]
    if prefix in NAMESPACE_PREFIXES:
        modules.add(prefix)
    return modules


def is_dev_file(path: str, test_dirs: Iterable[str] = ()) -> bool:
    """Tests and tooling (docs, examples, benchmarks, scripts, setup.py...): not shipped code."""
    pure = PurePosixPath(path)
    if pure.name in DEV_FILES or any(part in DEV_DIRS for part in pure.parts[:-1]):
        return True
    return is_test_path(path, test_dirs)


def local_modules(python_files: Iterable[str]) -> set[str]:
    """Top-level names importable from the project itself (root, src/, lib/, python/)."""
    names: set[str] = set()
    for rel in python_files:
        parts = PurePosixPath(rel).with_suffix("").parts
        for root in IMPORT_ROOTS:
            prefix = tuple(PurePosixPath(root).parts)
            if parts[: len(prefix)] == prefix and len(parts) > len(prefix):
                names.add(parts[len(prefix)])
    return names


def _sibling_modules(python_files: Iterable[str]) -> dict[str, set[str]]:
    """Directory -> module and package names in it (scripts import their neighbours)."""
    siblings: dict[str, set[str]] = defaultdict(set)
    for rel in python_files:
        pure = PurePosixPath(rel)
        siblings[pure.parent.as_posix()].add(pure.stem)
        if pure.parent.parent != pure.parent:
            siblings[pure.parent.parent.as_posix()].add(pure.parent.name)
    return siblings


def _nested_project_dirs(manifests: list[Manifest]) -> list[str]:
    return [
        PurePosixPath(m.path).parent.as_posix()
        for m in manifests
        if m.kind in ("pyproject.toml", "setup.py", "setup.cfg") and "/" in m.path
    ]


def _root_python_manifests(manifests: list[Manifest]) -> list[Manifest]:
    """Python manifests of the project at the root (requirements in root or requirements/)."""
    out = []
    for m in manifests:
        if m.kind == "package.json" or m.kind in ("go.mod", "Cargo.toml"):
            continue
        parent = PurePosixPath(m.path).parent.as_posix()
        in_root = parent == "." or (m.kind == "requirements" and parent == "requirements")
        dev_requirements = m.kind == "requirements" and parent in DEV_DIRS
        if in_root or dev_requirements:
            out.append(m)
    return out


@dataclass
class ImportScan:
    """Third-party imports of the project, split into shipped code and tests/tooling."""

    runtime: list[ImportUse] = field(default_factory=list)
    dev: list[ImportUse] = field(default_factory=list)
    runtime_files: int = 0


def analyse_python_imports(
    ctx: StepContext, files: list[str], manifests: list[Manifest], report: Report
) -> dict[str, Any]:
    """Undeclared imports and unused declared distributions of the root Python project."""
    nested = _nested_project_dirs(manifests)
    py_files = [
        f for f in files if f.endswith(".py") and not any(f.startswith(d + "/") for d in nested)
    ]
    if not py_files:
        report.skipped("python imports: no Python files")
        return {}
    roots = _root_python_manifests(manifests)
    declared = [d for m in roots for d in m.dependencies]
    own = {_canonical(m.project_name) for m in roots if m.project_name}
    scan = scan_imports(ctx.target, py_files, detect_stack(ctx).test_dirs, own)
    if not scan.runtime_files:
        report.skipped("unused dependencies: no runtime Python code (only tests and tooling)")
    # The target's interpreter can only resolve more: ask it only when something is unresolved.
    env = PythonEnvironment()
    if _import_findings(ctx, scan, declared, env, own, Report()) != ([], []):
        env = target_environment(ctx)
    missing, unused = _import_findings(ctx, scan, declared, env, own, report)
    source = (
        f"the target's interpreter {env.interpreter}, the alias table"
        if env.interpreter
        else "the alias table"
    )
    report.checked(
        f"python imports: {len(py_files)} files against {len(declared)} declared requirements "
        f"(import names from {source} and distribution names)"
    )
    return {
        "declared": sorted({d.key for d in declared}),
        "imported": sorted({u.module for u in scan.runtime + scan.dev}),
        "missing": missing,
        "unused": unused,
        "interpreter": env.interpreter,
    }


def _import_findings(
    ctx: StepContext,
    scan: ImportScan,
    declared: list[Dependency],
    env: PythonEnvironment,
    own: set[str],
    report: Report,
) -> tuple[list[str], list[str]]:
    """(undeclared modules, unused distributions), reported into `report`."""
    missing = _report_missing(ctx, scan, declared, env, report)
    unused = _report_unused(ctx, scan, declared, env, own, report) if scan.runtime_files else []
    return missing, unused


def scan_imports(
    target: Path, py_files: list[str], test_dirs: list[str], own: Iterable[str] = ()
) -> ImportScan:
    """Imports of modules that are neither standard library nor part of the project."""
    local = local_modules(py_files) | {n.replace("-", "_") for n in own}
    siblings = _sibling_modules(py_files)
    scan = ImportScan()
    for rel in py_files:
        try:
            text = (target / rel).read_bytes().decode("utf-8", errors="replace")
            tree = parse_python(text, rel)
        except (OSError, PySyntaxError):
            continue  # code_quality reports syntax errors
        dev = is_dev_file(rel, test_dirs)
        scan.runtime_files += not dev
        here = siblings.get(PurePosixPath(rel).parent.as_posix(), set())
        for use in imports_of(tree, rel, text):
            name = use.module
            if name in sys.stdlib_module_names or name in local or name in here:
                continue
            if dev and name in BUILD_MODULES:
                continue  # setup.py and friends get setuptools from the build system
            (scan.dev if dev else scan.runtime).append(use)
    return scan


def _ignored(names: Iterable[str], ignore: Iterable[str]) -> bool:
    keys = {_canonical(n) for n in ignore}
    return any(_canonical(n) in keys for n in names)


def _by_module(uses: Iterable[ImportUse]) -> dict[str, list[ImportUse]]:
    grouped: dict[str, list[ImportUse]] = defaultdict(list)
    for use in uses:
        if not use.optional:
            grouped[use.module].append(use)
    return grouped


def _report_missing(
    ctx: StepContext,
    scan: ImportScan,
    declared: list[Dependency],
    env: PythonEnvironment,
    report: Report,
) -> list[str]:
    runtime_keys = {d.key for d in declared if d.group in ("runtime", "optional")}
    all_keys = {d.key for d in declared}
    runtime, dev = _by_module(scan.runtime), _by_module(scan.dev)
    missing = []
    for module in sorted(set(runtime) | set(dev)):
        dists = providers(module, env)
        if _ignored([module, *dists], ctx.config.dependencies.ignore_missing):
            continue
        if module in runtime and not dists & runtime_keys:
            dev_only = bool(dists & all_keys)
            _missing(module, runtime[module], Severity.WARNING, dev_only, bool(declared), report)
            missing.append(module)
        elif module not in runtime and not dists & all_keys:
            _missing(module, dev[module], Severity.INFO, False, bool(declared), report)
            missing.append(module)
    return missing


def _missing(
    module: str,
    uses: list[ImportUse],
    severity: Severity,
    dev_only: bool,
    any_declared: bool,
    report: Report,
) -> None:
    first = uses[0]
    if dev_only:
        why = "is declared only as a development dependency"
    elif any_declared:
        why = "is not provided by any declared dependency"
    else:
        why = "is imported but the project declares no dependencies"
    more = f" (and {len(uses) - 1} more import(s))" if len(uses) > 1 else ""
    message = f"import {module!r} {why}{more}"
    report.add("deps/undeclared-import", severity, message, first.path, first.line)


def _report_unused(
    ctx: StepContext,
    scan: ImportScan,
    declared: list[Dependency],
    env: PythonEnvironment,
    own: set[str],
    report: Report,
) -> list[str]:
    runtime_modules = {u.module for u in scan.runtime}
    dev_modules = {u.module for u in scan.dev}
    unused = []
    for dep in declared:
        if dep.group != "runtime" or dep.key in own:
            continue
        if _ignored([dep.name], ctx.config.dependencies.ignore_unused):
            continue
        modules = provided_modules(dep.name, env)
        if modules & runtime_modules:
            continue
        if modules & dev_modules:
            message = f"{dep.name} is a runtime dependency but only tests or tooling import it"
            report.add("deps/test-only-dependency", Severity.INFO, message, dep.path, dep.line)
            continue
        groups = env.entry_points.get(dep.key, [])
        message = f"{dep.name} is declared but never imported{_installs(groups)}"
        severity = Severity.INFO if groups else Severity.WARNING
        report.add("deps/unused-dependency", severity, message, dep.path, dep.line)
        unused.append(dep.name)
    return unused


def _installs(groups: list[str]) -> str:
    """Why a never-imported distribution may still be used, from its entry-point groups."""
    commands = {"scripts", "console_scripts", "gui_scripts"}
    if commands & set(groups):
        return " (it installs commands: used as a tool?)"
    if groups:
        return f" (it registers plugins: {', '.join(groups)})"
    return ""
