"""Read dependency manifests: pyproject.toml, requirements*.txt/.in, setup.cfg, setup.py
(`install_requires`, `extras_require` and `tests_require` given as literals or as a
module-level list of literals only), package.json, go.mod and Cargo.toml.

A manifest that does not parse is `deps/invalid-manifest` and an unparsable requirement is
`deps/invalid-requirement` (errors), noted in the `Report` the parser is given; each declared
dependency keeps the line it is declared on.
"""

from __future__ import annotations

import ast
import configparser
import json
import re
import tomllib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from ai_workflow.deps.model import Dependency, Manifest, Report, canonical
from ai_workflow.findings import Severity
from ai_workflow.nested import dig_table
from ai_workflow.pysource import PySyntaxError, parse_python
from ai_workflow.textfiles import read_utf8, why_unreadable

REQUIREMENTS_NAME = re.compile(r"(^|[-_.])requirements?([-_.][\w.-]*)?\.(txt|in)$")
REQUIREMENTS_DIR = re.compile(r"(?:^|[-_.])requirements?(?:\.d)?$")
"""A directory of requirements files: `requirements/`, parse_type's `py.requirements/`
(`develop.txt`, `docs.txt`...), `requirements.d/`; its `.txt` files are requirements files
whatever their name."""
DEV_GROUP_WORDS = re.compile(
    r"dev|test|lint|doc|ci|build|typ(?:e|ing)|check|bench|tools|packaging|release|publish",
    re.IGNORECASE,
)
"""Words in a requirements file's name that make it development-only: `requirements/typing.txt`
(click's, for tox's typing env: mypy and pyright run as commands), `requirements-types.txt` or
`requirements/tools.txt` (soupsieve's, pygithub alone: the maintainer's repository tools),
`py.requirements/packaging.txt` (parse_type's: build, setuptools-scm, wheel, which build the
package as commands and build backends), `requirements-release.txt` (twine and the like)."""
DEV_DIR_WORDS = frozenset(
    {"dev", "docs", "doc", "documentation", "test", "tests", "testing", "ci", "lint", "bench"}
    | {"benchmark", "benchmarks", "typing", "build", "tasks"}
)
"""Words in a directory name that make the requirements files inside it development-only
(`docs/source/requirements.txt` builds the documentation, `ci/requirements.txt` runs CI,
`tasks/py.requirements.txt` runs parse_type's invoke build tasks)."""
INCLUDE_OPTION = re.compile(r"(?:-r|--requirement)(?:\s*=\s*|\s+|(?=[^\s=-]))(?P<path>\S+)")
"""pip's option that includes another requirements file: `-r x.txt`, `-rx.txt`, `--requirement
x.txt`, `--requirement=x.txt`."""
TEST_RUNNERS = frozenset({"pytest", "tox", "nox", "nose", "nose2"})
"""Distributions only a development environment installs: a requirements file that lists one
is the developers' environment (pytest beside black, tox, twine), not what the code needs."""
NPM_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
TOML_LINE = re.compile(r"at line (\d+)")


def manifest_kind(path: str) -> str | None:
    """The kind of manifest a project file is, if it is one."""
    name = PurePosixPath(path).name
    if name in ("pyproject.toml", "setup.cfg", "setup.py", "package.json", "go.mod", "Cargo.toml"):
        return name
    parent = PurePosixPath(path).parent.name
    if REQUIREMENTS_NAME.search(name) or (is_requirements_dir(parent) and name.endswith(".txt")):
        return "requirements"
    return None


def is_requirements_dir(name: str) -> bool:
    """Whether a directory named `name` holds requirements files (`REQUIREMENTS_DIR`)."""
    return bool(REQUIREMENTS_DIR.search(name))


def read_manifest(target: Path, rel: str, report: Report) -> Manifest | None:
    """The manifest at `rel` parsed, or None when the file is not a manifest."""
    kind = manifest_kind(rel)
    if kind is None:
        return None
    text = read_utf8(target / rel, root=target)
    if text is None:
        problem = why_unreadable(target / rel, target) or "unreadable or not UTF-8"
        report.add("deps/invalid-manifest", Severity.ERROR, f"cannot read: {problem}", rel, None)
        return Manifest(rel, kind, valid=False)
    parser = PARSERS[kind]
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

    def find_line(self, whole: str, start: int = 0) -> int | None:
        """1-based number of the first unused line at or after `start` that is `whole` once
        stripped (`pytest`, not the `pytest-cov` under it), else the first with it inside."""
        for index in range(max(start, 0), len(self.lines)):
            if self.lines[index].strip() == whole and not self.used[index, whole]:
                self.used[index, whole] += 1
                return index + 1
        return self.find(whole, start=start)

    def key(self, section: str, key: str) -> int:
        """0-based index of `key = ` in the INI `[section]` (0 if none): where its value is."""
        start = self.section(rf"^\[{re.escape(section)}\]\s*$")
        pattern = re.compile(rf"^{re.escape(key)}\s*[=:]")
        return next(
            (i for i in range(start, len(self.lines)) if pattern.match(self.lines[i])), start
        )

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
    extras = frozenset(canonical(extra) for extra in req.extras)
    return Dependency(req.name, spec, rel, line, group, "python", markers, section, extras=extras)


# ----- requirements files


def parse_requirements(rel: str, text: str, report: Report) -> Manifest:
    """pip requirements: one PEP 508 requirement a line; options, includes and paths skipped."""
    manifest = Manifest(rel, "requirements")
    group = "dev" if _development_requirements(rel) else "runtime"
    transitive = _transitive_pins(text)
    for line_no, line in _logical_lines(text):
        if group == "runtime" and _includes_development(rel, line):
            group = "dev"
            manifest.dependencies = [replace(d, group="dev") for d in manifest.dependencies]
        if not line or line.startswith("-") or _is_local_path(line):
            continue  # -r/-c/-e/--index-url..., ./pkg, file paths: nothing to check here
        line = re.sub(r"\s--hash[= ]\S+", "", line).strip()
        dep = _pep508(line, rel, line_no, group, "", report)
        if dep:
            manifest.dependencies.append(replace(dep, transitive=line_no in transitive))
    if group == "runtime" and any(d.key in TEST_RUNNERS for d in manifest.dependencies):
        manifest.dependencies = [replace(d, group="dev") for d in manifest.dependencies]
    return manifest


def _transitive_pins(text: str) -> set[int]:
    """Lines of pins that pip-compile annotates as wanted only by other packages (`# via
    requests`, no `-r file.in` among the reasons): locked transitive dependencies, which the
    project does not import itself (wcwidth's requirements-update.txt pins certifi for requests)."""
    reasons: dict[int, list[str]] = {}
    current, in_via = 0, False
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped and not stripped.startswith("#") and not raw[0].isspace():
            current, in_via = number, False
            reasons[current] = []
            stripped = stripped.partition(" #")[2].strip()  # --annotation-style=line
            stripped = f"# {stripped}" if stripped else ""
        if not stripped.startswith("#") or not current:
            continue
        if not raw[0].isspace() and raw.lstrip().startswith("#"):
            in_via = False  # a comment of the file's own, not an annotation of the pin above
            continue
        comment = stripped.lstrip("#").strip()
        if comment.startswith("via"):
            in_via = True
            comment = comment[3:].strip()
        if in_via and comment:
            reasons[current] += [r.strip() for r in comment.split(",") if r.strip()]
    return {
        line
        for line, why in reasons.items()
        if why and not any(r.startswith(("-r", "-c")) for r in why)
    }


def _includes_development(rel: str, line: str) -> bool:
    """Whether `line` includes a development requirements file (`-r requirements-tests.txt`,
    `--requirement=requirements-checks.txt`): the including file installs a development
    environment on top of it (humanfriendly's requirements-travis.txt, the CI's: the test and
    check requirements plus coveralls), so what it adds is development too. Including the
    runtime requirements (`-r requirements.txt` in requirements-dev.txt) says nothing."""
    found = INCLUDE_OPTION.match(line)
    if found is None:
        return False
    included = PurePosixPath(rel).parent / found.group("path").strip("'\"")
    return _development_requirements(included.as_posix())


def _development_requirements(rel: str) -> bool:
    """True for requirements files of development work: named so (`requirements-dev.txt`,
    `requirements/test.txt`) or inside a development directory (`docs/requirements.txt`)."""
    if DEV_GROUP_WORDS.search(_requirements_label(rel)):
        return True
    parts = PurePosixPath(rel).parent.parts
    return any(w in DEV_DIR_WORDS for part in parts for w in re.split(r"[-_.]", part.lower()))


def _requirements_label(rel: str) -> str:
    """The part of a requirements file's path that says what it is for."""
    path = PurePosixPath(rel)
    name = path.name.split(".")[0]
    return f"{path.parent.as_posix()}/{name}" if is_requirements_dir(path.parent.name) else name


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
    poetry = dig_table(data, "tool", "poetry")
    manifest = Manifest(rel, "pyproject.toml")
    manifest.project_name = dig_table(data, "project").get("name") or poetry.get("name")
    requires_python = dig_table(data, "project").get("requires-python")
    manifest.requires_python = requires_python if isinstance(requires_python, str) else ""
    if not manifest.requires_python:
        manifest.requires_python = _poetry_python(poetry)
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


POETRY_CARET = re.compile(r"^\s*[\^~](?=\s*\d)")


def _poetry_python(poetry: Mapping[str, Any]) -> str:
    """Poetry's `[tool.poetry.dependencies] python = "^3.7"` as a PEP 440 specifier (a caret or
    tilde constraint's floor: `>=3.7`); empty when Poetry declares none."""
    value = dig_table(poetry, "dependencies").get("python")
    if not isinstance(value, str):
        return ""
    return ",".join(POETRY_CARET.sub(">=", part) for part in value.split(","))


def _pep621_requirements(data: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(group, section, requirement) from [project], [dependency-groups] and tool dev lists."""
    for raw in _strings(dig_table(data, "project").get("dependencies")):
        yield "runtime", "project.dependencies", raw
    tables = [
        ("optional", "optional-dependencies", dig_table(data, "project", "optional-dependencies")),
        ("dev", "dependency-groups", dig_table(data, "dependency-groups")),
        ("dev", "tool.pdm.dev-dependencies", dig_table(data, "tool", "pdm", "dev-dependencies")),
        (
            "dev",
            "tool.uv",
            {"dev-dependencies": dig_table(data, "tool", "uv").get("dev-dependencies")},
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
        ("runtime", "tool.poetry.dependencies", dig_table(poetry, "dependencies")),
        ("dev", "tool.poetry.dev-dependencies", dig_table(poetry, "dev-dependencies")),
    ]
    for name, group in dig_table(poetry, "group").items():
        tables.append(
            ("dev", f"tool.poetry.group.{name}.dependencies", dig_table(group, "dependencies"))
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
    manifest.requires_python = parser.get("options", "python_requires", fallback="").strip()
    lines = _Lines(text)
    entries = [
        (
            "runtime",
            "install_requires",
            parser.get("options", "install_requires", fallback=""),
            lines.key("options", "install_requires"),
        ),
        (
            "dev",
            "tests_require",
            parser.get("options", "tests_require", fallback=""),
            lines.key("options", "tests_require"),
        ),
    ]
    if parser.has_section("options.extras_require"):
        entries += [
            ("optional", f"extras_require.{k}", v, lines.key("options.extras_require", k))
            for k, v in parser.items("options.extras_require")
        ]
    for group, section, block, start in entries:
        if block.strip().startswith("file:"):
            report.skipped(f"{rel}: requirements read from a file ({block.strip()})")
            continue
        for raw in _setup_cfg_list(block):
            if not raw.startswith("#"):
                line = lines.find_line(raw, start) or lines.find(raw)
                dep = _pep508(_drop_comment(raw), rel, line, group, section, report)
                if dep:
                    manifest.dependencies.append(dep)
    return manifest


def _setup_cfg_list(block: str) -> list[str]:
    """The requirements of a setup.cfg value as setuptools reads them (its `list-semi` type): one
    a line when the value spans lines, else split on `;` (`tests = pytest; pytest-cov` is two
    requirements, and `foo; python_version<"3"` on one line is two as well, the second invalid)."""
    parts = block.splitlines() if "\n" in block else block.split(";")
    return [part.strip() for part in parts if part.strip()]


def _drop_comment(requirement: str) -> str:
    """The requirement without a trailing ` # comment`, which setuptools drops from each line of
    setup.cfg's requirement lists (`dnspython>=2.0.0 # optional`); a `#` with no blank before
    it (a URL's `#sha256=` fragment) stays."""
    return re.sub(r"\s#.*$", "", requirement).rstrip()


def _ini_error(exc: configparser.Error) -> tuple[int | None, str]:
    """The first bad line of a configparser error and a one-line description."""
    errors = getattr(exc, "errors", None)
    if errors:
        bad = int(errors[0][0])
        return bad, f"line {bad} is neither a [section] nor a 'key = value' line"
    lineno = getattr(exc, "lineno", None)
    return (int(lineno) if lineno else None), str(exc).splitlines()[0]


SETUP_ARGUMENTS = frozenset(
    {"install_requires", "extras_require", "tests_require", "name", "python_requires"}
)
"""The `setup(...)` keywords read: requirements (`tests_require` is what the test suite imports
beyond them: num2words' `tests_require=['delegator.py']`), the name, the Python floor."""


def parse_setup_py(rel: str, text: str, report: Report) -> Manifest:
    """`install_requires`/`extras_require` of a `setup(...)` call, when they are literals. An
    `extras_require` dict is read entry by entry: pathvalidate's `{"docs": docs_requires,
    "readme": ["readmemaker>=1.2.0", "path>=13,<18"], "test": TESTS_REQUIRES}` computes two
    extras from requirements files and writes the third out; that one is read (`_literal_extras`).
    """
    manifest = Manifest(rel, "setup.py")
    try:
        tree = parse_python(text, rel)
    except PySyntaxError as exc:
        return _invalid(rel, "setup.py", f"invalid Python: {exc.message}", exc.line, report)
    call = next((n for n in ast.walk(tree) if _is_setup_call(n)), None)
    if not isinstance(call, ast.Call):
        return manifest
    lines = _Lines(text)
    lists = _module_lists(tree)
    named: dict[str, Any] = {**lists, **_module_dicts(tree, lists)}
    for keyword in call.keywords:
        if keyword.arg not in SETUP_ARGUMENTS:
            continue
        try:
            value = ast.literal_eval(keyword.value)
        except (ValueError, TypeError, SyntaxError, RecursionError):
            value = None
            if isinstance(keyword.value, ast.Name) and keyword.value.id in named:
                value = named[keyword.value.id]
            extras = _dict_display(keyword.value)
            if keyword.arg == "extras_require" and extras is not None:
                value = _literal_extras(rel, extras, report, lists)
            if value is None:
                report.skipped(f"{rel}: {keyword.arg} is computed, not a literal; not read")
                if keyword.arg == "install_requires":
                    manifest.unread.append(f"{rel}'s {keyword.arg}")
                continue
        if keyword.arg == "name" and isinstance(value, str):
            manifest.project_name = value
        if keyword.arg == "python_requires" and isinstance(value, str):
            manifest.requires_python = value
        for group, section, raw in _setup_entries(keyword.arg, value):
            start = keyword.value.lineno
            line = lines.find(f'"{raw}"', f"'{raw}'", start=start - 1) or start
            dep = _pep508(raw, rel, line, group, section, report)
            if dep:
                manifest.dependencies.append(dep)
    return manifest


def _module_lists(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level names of setup.py that hold a list of requirement strings built from
    literals only: `required = ['six>=1.8.0']`, then `required.append('ordereddict')`,
    `.extend([...])` or `required += [...]`, at the top level or under an `if`/`try`/`with`
    (orderedmultidict's `install_requires=required`). An item added under
    `if sys.version_info < (2, 7):` gets that condition as its marker (`python_version < "2.7"`).
    A name assigned twice, from anything but a literal, or changed in any other way (in a loop,
    a function, handed to a call) is left out, as computed."""
    lists: dict[str, list[str]] = {}
    computed: set[str] = set()

    def add(name: str, node: ast.expr, marker: str) -> None:
        value = _literal(node)
        items = [value] if isinstance(value, str) else value
        if name not in lists or not isinstance(items, list | tuple):
            computed.add(name)
            return
        if not all(isinstance(v, str) for v in items):
            computed.add(name)
            return
        lists[name].extend(_with_marker(v, marker) for v in items)

    def visit(body: list[ast.stmt], marker: str) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
                if isinstance(target, ast.Name):
                    if target.id in lists or marker:
                        computed.add(target.id)
                    lists[target.id] = []
                    add(target.id, stmt.value, marker)
            elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
                if isinstance(stmt.op, ast.Add):
                    add(stmt.target.id, stmt.value, marker)
                else:
                    computed.add(stmt.target.id)
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                func = stmt.value.func
                if (
                    isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and func.value.id in lists
                ):
                    name, args = func.value.id, stmt.value.args
                    if func.attr in ("append", "extend") and len(args) == 1:
                        node = ast.List([args[0]]) if func.attr == "append" else args[0]
                        add(name, node, marker)
                    else:
                        computed.add(name)
                elif not _is_setup_call(stmt.value):
                    unread(stmt)  # `more(required)` may change the list it is handed
            elif isinstance(stmt, ast.If):
                visit(stmt.body, _version_marker(stmt.test) or marker or "?")
                visit(stmt.orelse, marker or "?")
            elif isinstance(stmt, ast.Try):
                visit(stmt.body, marker)
                for block in (*(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody):
                    visit(block, marker or "?")
            elif isinstance(stmt, ast.With):
                visit(stmt.body, marker)
            else:  # a loop, a function, a `del`...: how it changes a list is not read
                unread(stmt)

    def unread(stmt: ast.stmt) -> None:
        computed.update(n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and n.id in lists)

    visit(tree.body, "")
    return {
        name: [v for v in values if v] for name, values in lists.items() if name not in computed
    }


VERSION_OPERATORS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def _version_marker(test: ast.expr) -> str:
    """`sys.version_info < (2, 7)` (or `sys.version_info[:2]`) as the PEP 508 marker
    `python_version < "2.7"`; "" for any other condition."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return ""
    left = test.left.value if isinstance(test.left, ast.Subscript) else test.left
    if not (isinstance(left, ast.Attribute) and left.attr == "version_info"):
        return ""
    operator = VERSION_OPERATORS.get(type(test.ops[0]))
    try:
        version = ast.literal_eval(test.comparators[0])
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return ""
    if operator is None or not isinstance(version, tuple) or not version:
        return ""
    if not all(isinstance(v, int) for v in version):
        return ""
    return f'python_version {operator} "{".".join(str(v) for v in version[:2])}"'


def _with_marker(requirement: str, marker: str) -> str:
    """The requirement with the marker of the condition it was added under; `?` is a condition
    that is no Python version test, kept as the requirement alone (declared, whatever it is)."""
    if not marker or marker == "?":
        return requirement
    if ";" in requirement:
        name, own = requirement.split(";", 1)
        return f"{name}; ({own.strip()}) and {marker}"
    return f"{requirement}; {marker}"


def _literal_extras(
    rel: str, node: ast.Dict, report: Report, lists: Mapping[str, list[str]]
) -> dict[str, Any] | None:
    """The extras of an `extras_require={...}` display whose key is a literal and whose value is
    a literal or a module-level list of literals (`"test": TESTS_REQUIRE`, `_module_lists`);
    each computed one (`"docs": docs_requires` read from a file, `**more`) is reported skipped.
    None when no entry is read."""
    extras: dict[str, Any] = {}
    for key, value in zip(node.keys, node.values, strict=True):
        name = _literal(key) if key is not None else None
        if not isinstance(name, str):
            report.skipped(f"{rel}: extras_require has a computed key; that entry is not read")
            continue
        found = _extra_value(value, lists)
        if found is None:
            report.skipped(f"{rel}: extras_require[{name!r}] is computed, not a literal; not read")
        else:
            extras[name] = found
    return extras or None


def _literal(node: ast.expr) -> Any:
    """The value of a literal expression; None for anything computed."""
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return None


def _extra_value(node: ast.expr, lists: Mapping[str, list[str]]) -> Any:
    """An extra's requirements: a literal, or the name of a module-level list of literals."""
    if isinstance(node, ast.Name):
        return lists.get(node.id)
    return _literal(node)


def _dict_display(node: ast.expr) -> ast.Dict | None:
    """`{...}`, or `dict(key=value, ...)` as the display it stands for (None: neither)."""
    if isinstance(node, ast.Dict):
        return node
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return None
    if node.func.id != "dict" or node.args:
        return None
    keys: list[ast.expr | None] = [
        ast.Constant(k.arg) if k.arg is not None else None for k in node.keywords
    ]
    return ast.Dict(keys=keys, values=[k.value for k in node.keywords])


DICT_CHANGES = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__"})


def _module_dicts(tree: ast.Module, lists: Mapping[str, list[str]]) -> dict[str, dict[str, Any]]:
    """Module-level names of setup.py that hold a dict of extras built from literals:
    `EXTRAS = {"test": ["pytest"], "docs": DOCS}` (or `dict(test=[...])`), then
    `setup(extras_require=EXTRAS)`; a value may name a module-level list (`_module_lists`). A
    key set later at the top level (`EXTRAS["all"] = [...]`) is added; one whose value or key is
    computed (`EXTRAS["all"] = sum(EXTRAS.values(), [])`, the union of the others) is left out
    and the others kept. A name assigned twice, or changed in any other way (`EXTRAS.update(...)`,
    `del EXTRAS[k]`, in a function or a loop), is left out, as computed."""
    dicts: dict[str, dict[str, Any]] = {}
    computed: set[str] = set()
    for stmt in tree.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
            continue
        target = stmt.targets[0]
        display = _dict_display(stmt.value)
        if isinstance(target, ast.Name) and display is not None:
            if target.id in dicts:
                computed.add(target.id)
            dicts[target.id] = _dict_entries(display, lists)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            entries = dicts.get(target.value.id)
            key, value = _literal(target.slice), _extra_value(stmt.value, lists)
            if entries is not None and isinstance(key, str) and value is not None:
                entries[key] = value
    for node in ast.walk(tree):
        computed.update(_changed_dict(node, dicts, tree.body))
    return {name: entries for name, entries in dicts.items() if name not in computed}


def _dict_entries(node: ast.Dict, lists: Mapping[str, list[str]]) -> dict[str, Any]:
    """The entries of a dict display whose key is a literal string and whose value is read."""
    entries: dict[str, Any] = {}
    for key, value in zip(node.keys, node.values, strict=True):
        name = _literal(key) if key is not None else None
        found = _extra_value(value, lists)
        if isinstance(name, str) and found is not None:
            entries[name] = found
    return entries


def _changed_dict(node: ast.AST, dicts: Mapping[str, Any], top: list[ast.stmt]) -> Iterator[str]:
    """The names of `dicts` that `node` changes in a way `_module_dicts` does not read: a
    mutating method, `del`, `+=`, a second assignment of the name, or a key set anywhere but at
    the top level."""
    if isinstance(node, ast.Attribute) and node.attr in DICT_CHANGES:
        if isinstance(node.value, ast.Name) and node.value.id in dicts:
            yield node.value.id
        return
    if isinstance(node, ast.Delete | ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AugAssign):
        targets = [node.target]
    else:
        return
    for target in targets:
        keyed = isinstance(target, ast.Subscript)
        inner = target.value if isinstance(target, ast.Subscript) else target
        if not (isinstance(inner, ast.Name) and inner.id in dicts):
            continue
        read = isinstance(node, ast.Assign) and node in top  # a top-level assignment
        if not keyed:  # of the name: read when it is a dict display
            read = read and _dict_display(node.value) is not None  # type: ignore[union-attr]
        if not read:
            yield inner.id


def _is_setup_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr == "setup"
    return isinstance(func, ast.Name) and func.id == "setup"


def _setup_entries(arg: str | None, value: Any) -> Iterator[tuple[str, str, str]]:
    if arg == "install_requires":
        yield from (("runtime", "install_requires", v) for v in _requirement_list(value))
    elif arg == "tests_require":
        yield from (("dev", "tests_require", v) for v in _requirement_list(value))
    elif arg == "extras_require" and isinstance(value, dict):
        for extra, values in value.items():
            section = f"extras_require.{extra}"
            yield from (("optional", section, v) for v in _requirement_list(values))


def _requirement_list(value: Any) -> list[str]:
    """setuptools takes a list of requirements or one string of them, one a line (wcwidth's
    `install_requires=('backports.functools-lru-cache>=1.2.1;' 'python_version < "3.2"')` is a
    parenthesised string, not a tuple)."""
    if isinstance(value, str):
        lines = (line.split(" #", 1)[0].strip() for line in value.splitlines())
        return [line for line in lines if line and not line.startswith("#")]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


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
            elif block == "replace":
                _go_replace(line, manifest)
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
        if words[0] == "replace":
            _go_replace(requirement, manifest)
    return manifest


_GO_DIRECTORY = re.compile(r"^(?:\.\.?(?:[/\\]|$)|/|[A-Za-z]:[/\\])")


def _go_replace(line: str, manifest: Manifest) -> None:
    """Note `old [version] => new [version]`; a malformed one is left to the go tool."""
    old, arrow, new = line.partition("=>")
    left = [w.strip('"') for w in old.split()]
    right = [w.strip('"') for w in new.split()]
    if not arrow or len(left) not in (1, 2) or len(right) not in (1, 2):
        return
    key = (left[0], left[1] if len(left) == 2 else "")
    if len(right) == 1 and _GO_DIRECTORY.match(right[0]):
        manifest.replacements[key] = None
    elif len(right) == 2:
        manifest.replacements[key] = (right[0], right[1])


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
    manifest = Manifest(rel, "Cargo.toml", project_name=dig_table(data, "package").get("name"))
    lines = _Lines(text)
    for section, group in CARGO_SECTIONS:
        start = lines.section(rf"^\[{re.escape(section)}\]")
        for name, value in dig_table(data, *section.split(".")).items():
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


PARSERS = {
    "requirements": parse_requirements,
    "pyproject.toml": parse_pyproject,
    "setup.cfg": parse_setup_cfg,
    "setup.py": parse_setup_py,
    "package.json": parse_package_json,
    "go.mod": parse_go_mod,
    "Cargo.toml": parse_cargo_toml,
}


# ----- the Python versions a project supports

FLOOR_OPERATORS = frozenset({">=", ">", "~=", "==", "==="})


def python_floor(manifests: list[Manifest]) -> tuple[int, ...] | None:
    """The oldest Python the project supports, from `requires-python` / `python_requires`
    (`>=3.8` gives (3, 8)); the lowest when manifests differ, None when none says."""
    floors = []
    for manifest in manifests:
        try:
            specifiers = SpecifierSet(manifest.requires_python)
        except InvalidSpecifier:
            continue
        bounds = [_release(s.version) for s in specifiers if s.operator in FLOOR_OPERATORS]
        bounds = [b for b in bounds if b]
        if bounds:
            floors.append(max(bounds))
    return min(floors) if floors else None


def _release(version: str) -> tuple[int, ...]:
    """(3, 8) of "3.8", "3.8.*" or "3.8.1rc1" (the numbers before any other part)."""
    numbers = []
    for part in version.split("."):
        digits = re.match(r"\d+", part)
        if digits is None:
            break
        numbers.append(int(digits.group()))
        if digits.group() != part:
            break
    return tuple(numbers)
