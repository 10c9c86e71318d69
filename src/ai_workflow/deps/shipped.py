"""The top-level modules and packages a Python project's distribution ships, from its manifest.

A Python file at the project root, or under a top-level directory that is no package (`dev/`,
`ci/`), belongs to the distribution only when the build ships it: setuptools' `py-modules` /
`packages` (pyproject.toml, setup.cfg, literal `setup.py` arguments or `find_packages()` with
literal ones, `find:` with its `include`), flit's module (`[tool.flit.module]`, else the
project name), hatch's wheel `packages` / `only-include` (else the project name), poetry's
`packages` (else its name), every module a `[project.scripts]` / `[tool.poetry.scripts]` or
`setup(entry_points=...)` entry point runs, and `setup(scripts=...)`. Anything else
there is the maintainer's tooling (pathspec's `prebuild.py`, its release-time generator of
README-dist.rst). When the manifest leaves the answer to code or to a backend not read here
(a `setup.py` with computed arguments, setuptools' automatic discovery, maturin), the answer
is unknown (None) and every file counts as shipped.
"""

from __future__ import annotations

import ast
import configparser
import fnmatch
import re
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.nested import dig_table
from ai_workflow.pysource import called_name
from ai_workflow.textfiles import read_text, read_toml

_SPLIT = re.compile(r"[\s,]+")


def shipped_names(target: Path) -> frozenset[str] | None:
    """Top-level import names the distribution ships; None when the manifest does not say."""
    pyproject = read_toml(target / "pyproject.toml", root=target)
    try:
        answers = [_backend_names(pyproject), _setup_cfg_names(target), _setup_py_names(target)]
    except _Unknown:
        return None
    known = [a for a in answers if a is not None]
    if not known:
        return None
    names = set().union(*known) | _entry_point_modules(pyproject)
    return frozenset(n for n in names if n)


class _Unknown(Exception):
    """A manifest ships what is not read here (computed, or another backend's rules)."""


def _normal(name: object) -> str:
    return re.sub(r"[-.]+", "_", name).lower() if isinstance(name, str) else ""


def _top(entry: object) -> str:
    """`pkg/sub`, `src/pkg`, `mod.py`, `pkg.sub` -> the top-level import name."""
    if not isinstance(entry, str):
        return ""
    parts = [p for p in entry.strip("/").split("/") if p and p != "."]
    if len(parts) > 1 and parts[0] in ("src", "lib", "python"):
        parts = parts[1:]
    first = parts[0] if parts else ""
    return first.removesuffix(".py").split(".")[0]


def _backend_names(data: dict[str, Any]) -> set[str] | None:
    """What pyproject.toml's build backend ships (None: pyproject.toml builds nothing)."""
    backend = str(dig_table(data, "build-system").get("build-backend", ""))
    tool = dig_table(data, "tool")
    name = _normal(dig_table(data, "project").get("name"))
    if backend.startswith("flit"):
        return {_normal(dig_table(tool, "flit", "module").get("name")) or name}
    if backend.startswith("hatchling"):
        wheel = dig_table(tool, "hatch", "build", "targets", "wheel")
        listed = [*_list(wheel.get("packages")), *_list(wheel.get("only-include"))]
        return {_top(p) for p in listed} if listed else {name}
    if backend.startswith("poetry"):
        poetry = dig_table(tool, "poetry")
        packages = poetry.get("packages")
        if isinstance(packages, list):
            return {_top(p.get("include")) for p in packages if isinstance(p, dict)}
        return {_normal(poetry.get("name")) or name}
    if not backend or backend.startswith("setuptools"):
        # None: setup.cfg or setup.py says, or automatic discovery does
        return _setuptools_table(dig_table(tool, "setuptools"))
    raise _Unknown(backend)


def _setuptools_table(table: dict[str, Any]) -> set[str] | None:
    modules = _list(table.get("py-modules"))
    packages = table.get("packages")
    if isinstance(packages, list):
        return {_top(p) for p in [*modules, *packages]}
    find = dig_table(table, "packages", "find")
    if "find" in dig_table(table, "packages") and _list(find.get("include")):
        return {_top(p) for p in [*modules, *_list(find.get("include"))]}
    return {_top(m) for m in modules} if modules else None


def _list(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _setup_cfg_names(target: Path) -> set[str] | None:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(read_text(target / "setup.cfg", root=target))
    except configparser.Error:
        return None
    if not parser.has_section("options"):
        return None
    options = parser["options"]
    modules = _SPLIT.split(options.get("py_modules", "").strip())
    packages = options.get("packages", "").strip()
    names = {_top(m) for m in modules if m}
    if packages.startswith("find"):
        include = parser.get("options.packages.find", "include", fallback="")
        if not include.strip():
            found = _found_packages(target, parser)
            return None if found is None else found | names
        return names | {_top(p) for p in _SPLIT.split(include.strip()) if p}
    names |= {_top(p) for p in _SPLIT.split(packages) if p}
    return names or None


def _found_packages(target: Path, parser: configparser.RawConfigParser) -> set[str] | None:
    """`packages = find:` without `include`: every package under `where`."""
    where = parser.get("options.packages.find", "where", fallback="").strip() or "."
    return _packages_under(target, where)


def _packages_under(target: Path, where: str) -> set[str] | None:
    """The packages (directories with `__init__.py`) right under `where`, a directory of the
    project; unknown (None) when `where` leads out of it (`..`, an absolute path)."""
    relative = PurePosixPath(where)
    if relative.is_absolute() or ".." in relative.parts:
        return None
    return {p.parent.name for p in (target / relative).glob("*/__init__.py")}


def _setup_py_names(target: Path) -> set[str] | None:
    """Literal `py_modules=` / `packages=` of a `setup(...)` call, or `packages=` from
    `find_packages(...)` with literal arguments (`_found_by_call`); unknown when computed
    otherwise."""
    text = read_text(target / "setup.py", root=target)
    if not text:
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as exc:
        raise _Unknown("setup.py does not parse") from exc
    names: set[str] | None = None
    ran: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or called_name(node.func) != "setup":
            continue
        for keyword in node.keywords:
            if keyword.arg is None:
                raise _Unknown("setup(**options)")
            if keyword.arg == "packages" and isinstance(keyword.value, ast.Call):
                names = (names or set()) | _found_by_call(keyword.value, target)
            elif keyword.arg in ("py_modules", "packages"):
                names = (names or set()) | _literal_names(keyword.value)
            elif keyword.arg in ("scripts", "entry_points"):
                ran.update(_run_names(keyword.arg, keyword.value))
    return None if names is None else names | ran


def _run_names(argument: str, value: ast.expr) -> set[str]:
    """What `setup(scripts=[...])` installs (`bin/tool`: `bin`) and the modules
    `entry_points={"console_scripts": ["x = mod:main"]}` runs: shipped too."""
    try:
        given = ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError) as exc:
        raise _Unknown(f"computed setup({argument}=...)") from exc
    if argument == "scripts":
        return {_top(v) for v in given} if _patterns(given) else set()
    if isinstance(given, str):
        lines = given.splitlines()
    elif isinstance(given, dict):
        lines = [
            v for group in given.values() for v in ([group] if isinstance(group, str) else group)
        ]
    else:
        raise _Unknown("setup(entry_points=...) not read here")
    return {
        _top(line.split("=", 1)[1].split(":")[0].strip())
        for line in lines
        if isinstance(line, str) and "=" in line
    }


def _found_by_call(call: ast.Call, target: Path) -> set[str]:
    """The top-level packages `find_packages(where, exclude, include)` finds, its arguments
    literal: each directory under `where` with an `__init__.py` (h11's `find_packages()`:
    `h11`; a `fuzz/` harness directory without one is no package) whose name `exclude` does
    not match and `include` (default every name) matches, itself or through a subpackage
    pattern (`pkg.*`). Another call (`find_namespace_packages`, which takes any directory) or
    computed arguments: unknown."""
    if called_name(call.func) != "find_packages":
        if _NAMESPACE_FINDERS.search(ast.unparse(call)) or _defines_namespace_finder(target):
            raise _Unknown("packages from a call not read here")
        return {EVERY_PACKAGE}
    given = dict(zip(("where", "exclude", "include"), call.args, strict=False))
    given.update((k.arg, k.value) for k in call.keywords if k.arg is not None)
    if any(k.arg is None for k in call.keywords) or set(given) - {"where", "exclude", "include"}:
        raise _Unknown("find_packages() arguments not read here")
    try:
        where = ast.literal_eval(given["where"]) if "where" in given else "."
        exclude = ast.literal_eval(given["exclude"]) if "exclude" in given else ()
        include = ast.literal_eval(given["include"]) if "include" in given else ("*",)
    except (ValueError, SyntaxError, TypeError) as exc:
        raise _Unknown("computed find_packages() arguments") from exc
    if not isinstance(where, str) or not _patterns(exclude) or not _patterns(include):
        raise _Unknown("find_packages() arguments not read here")
    found = _packages_under(target, where)
    if found is None:
        raise _Unknown("find_packages() looks outside the project")
    return {
        name
        for name in found
        if not any(fnmatch.fnmatchcase(name, pattern) for pattern in exclude)
        and any(fnmatch.fnmatchcase(name, pattern.split(".")[0]) for pattern in include)
    }


EVERY_PACKAGE = "*"
"""In `shipped_names`: `setup(packages=...)` from a call not read here (parse_type 0.6.4's
`find_packages_by_root_package("parse_type")`, a function its setup.py defines). Whatever it
returns, `packages` lists packages: it may ship any top-level directory with an `__init__.py`,
never one without (`bin/`, `dev/`, whose Python files are then the maintainer's tooling). A
setup.py that names a namespace-package finder (`find_namespace_packages`,
`PEP420PackageFinder`), which takes any directory, stays unknown."""
_NAMESPACE_FINDERS = re.compile(r"find_namespace_packages|PEP420PackageFinder|namespace")


def _defines_namespace_finder(target: Path) -> bool:
    return bool(_NAMESPACE_FINDERS.search(read_text(target / "setup.py", root=target)))


def _patterns(value: object) -> bool:
    """A list or tuple of strings (an empty one too)."""
    return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)


def _literal_names(value: ast.expr) -> set[str]:
    try:
        listed = ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError) as exc:
        raise _Unknown("computed setup() arguments") from exc
    if not isinstance(listed, list | tuple):
        raise _Unknown("computed setup() arguments")
    return {_top(v) for v in listed}


def _entry_point_modules(data: dict[str, Any]) -> set[str]:
    """Modules a console or GUI script entry point runs (`mod:main`)."""
    tables = [
        dig_table(data, "project", "scripts"),
        dig_table(data, "project", "gui-scripts"),
        dig_table(data, "tool", "poetry", "scripts"),
    ]
    return {
        _top(ref.split(":")[0])
        for table in tables
        for ref in table.values()
        if isinstance(ref, str)
    }
