"""Python files a package ships as data: read as text by its code, never imported.

vulture 2.16 keeps whitelists, Python files that name the attributes of a library its users
use (`vulture/whitelists/pint_whitelist.py`: `import pint`, `ureg = pint.UnitRegistry()`), in a
directory with no `__init__.py`, ships them with `[tool.setuptools.package-data] vulture =
["whitelists/*.py"]`, and reads each with `pkgutil.get_data("vulture", path)` to hand its text
to its own parser. Such a file's `import pint` never runs, so it needs no dependency.

A Python file is *package data* when all of these hold:

- the setuptools configuration lists it as package data: `[tool.setuptools.package-data]` in
  pyproject.toml, `[options.package_data]` in setup.cfg, or a literal `package_data=` of
  setup.py's `setup()` call, a glob relative to the package's directory (`""` or `"*"` for
  every package; the package's directory at the root or under `src/`);
- its directory holds no `__init__.py`, so it is no subpackage `find_packages` would ship as
  code (data of the package proper, `vulture/x.py` beside `vulture/__init__.py`, is a module);
- no other Python file of the project imports it by its module name.

A module of a subpackage, and a data file some code imports, stay code.
"""

from __future__ import annotations

import ast
import configparser
import fnmatch
import re
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.textfiles import read_utf8

_IMPORTED = re.compile(
    r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+([^\n#;]*)|import[ \t]+([^\n#;]*))", re.M
)
_WORD = re.compile(r"[A-Za-z_]\w*")


def package_data_modules(
    target: Path, files: Iterable[str], read: Callable[[str], str] | None = None
) -> set[str]:
    """The Python files among `files` (relative paths) that the project ships as package data."""
    files = list(files)
    text_of = read or (lambda rel: read_utf8(target / rel, root=target) or "")
    patterns = _package_data(text_of, set(files))
    if not patterns:
        return set()
    present = set(files)
    candidates = {
        f
        for f in files
        if f.endswith(".py")
        and PurePosixPath(f).name != "__init__.py"
        and (PurePosixPath(f).parent / "__init__.py").as_posix() not in present
        and _listed(f, patterns, present)
    }
    if not candidates:
        return set()
    imported = _imported_names(
        [f for f in files if f.endswith(".py") and f not in candidates], text_of
    )
    return {f for f in candidates if PurePosixPath(f).stem not in imported}


def _package_data(text_of: Callable[[str], str], present: set[str]) -> dict[str, list[str]]:
    """Package name ("" for every package) -> its package-data globs, from every setuptools
    configuration the project has."""
    found: dict[str, list[str]] = {}

    def add(mapping: Any) -> None:
        if not isinstance(mapping, dict):
            return
        for package, globs in mapping.items():
            if isinstance(globs, str):
                globs = [g.strip() for g in re.split(r"[\n,]", globs) if g.strip()]
            if isinstance(package, str) and isinstance(globs, list | tuple):
                key = "" if package in ("", "*") else package
                found.setdefault(key, []).extend(g for g in globs if isinstance(g, str))

    if "pyproject.toml" in present:
        try:
            pyproject = tomllib.loads(text_of("pyproject.toml"))
        except tomllib.TOMLDecodeError:
            pyproject = {}
        tool = pyproject.get("tool", {})
        setuptools = tool.get("setuptools", {}) if isinstance(tool, dict) else {}
        if isinstance(setuptools, dict):
            add(setuptools.get("package-data"))
    if "setup.cfg" in present:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text_of("setup.cfg"))
        except configparser.Error:
            pass
        else:
            if parser.has_section("options.package_data"):
                add(dict(parser.items("options.package_data")))
    if "setup.py" in present:
        add(_setup_py_package_data(text_of("setup.py")))
    return found


def _setup_py_package_data(text: str) -> Any:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "package_data":
                    try:
                        return ast.literal_eval(keyword.value)
                    except (ValueError, TypeError, SyntaxError, RecursionError):
                        return None
    return None


def _listed(path: str, patterns: dict[str, list[str]], present: set[str]) -> bool:
    """Whether a glob of a package whose directory holds `path` matches it."""
    for package, globs in patterns.items():
        for directory in _package_dirs(path, package, present):
            relative = path[len(directory) + 1 :] if directory else path
            if any(fnmatch.fnmatchcase(relative, glob) for glob in globs):
                return True
    return False


def _package_dirs(path: str, package: str, present: set[str]) -> list[str]:
    """The directories of `package` (every package when "") that hold `path`: a directory with
    an `__init__.py`, at the root or under `src/`."""
    parents = [p.as_posix() for p in PurePosixPath(path).parents if p.as_posix() != "."]
    packages = [d for d in parents if f"{d}/__init__.py" in present]
    if not package:
        return packages
    dotted = package.replace(".", "/")
    return [d for d in packages if d in (dotted, f"src/{dotted}")]


def _imported_names(python: list[str], text_of: Callable[[str], str]) -> set[str]:
    """Every name in an import statement of the project's other Python files."""
    names: set[str] = set()
    for path in python:
        for source, imported, plain in _IMPORTED.findall(text_of(path)):
            names.update(_WORD.findall(f"{source} {imported} {plain}"))
    return names
