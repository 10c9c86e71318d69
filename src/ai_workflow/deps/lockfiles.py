"""Read lockfiles: what package-lock.json, yarn.lock, pnpm-lock.yaml and the TOML lockfiles
(poetry.lock, uv.lock, pdm.lock, Cargo.lock) record, and which lockfile serves a manifest."""

from __future__ import annotations

import functools
import hashlib
import json
import math
import threading
import tomllib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import Any

import yaml

from ai_workflow.deps.manifests import NPM_SECTIONS
from ai_workflow.deps.model import canonical
from ai_workflow.nested import dig_table

NPM_LOCKFILES = (
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "bun.lock",
)
PYTHON_LOCKFILES = ("poetry.lock", "uv.lock", "pdm.lock")
ALL_LOCKFILES = frozenset({*NPM_LOCKFILES, *PYTHON_LOCKFILES, "go.sum", "Cargo.lock"})


def nearest_lockfile(rel_dir: PurePosixPath, names: Iterable[str], files: set[str]) -> str | None:
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


ANY_SPEC = "*"
"""In a lockfile reading: the lockfile records the package but not the range it was asked for."""


def npm_locked(text: str, importer: str = ".") -> dict[str, set[str]] | None:
    """name -> ranges package-lock.json records for the manifest in directory `importer`."""
    data = _object(text, json.loads, json.JSONDecodeError)
    if data is None:
        return None
    packages = data.get("packages")
    if isinstance(packages, dict):
        root = packages.get("" if importer == "." else importer)
        out: dict[str, set[str]] = {}
        for section in NPM_SECTIONS:
            for key, value in dig_table(root, section).items():
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
    data = _object(text, yaml.safe_load, yaml.YAMLError)
    if data is None:
        return None
    node: Any = data
    if isinstance(data.get("importers"), dict):
        node = data["importers"].get(importer) or {}
    if not isinstance(node, dict):
        return {}
    specifiers = dig_table(node, "specifiers")
    out: dict[str, set[str]] = {}
    for section in NPM_SECTIONS:
        for name, value in dig_table(node, section).items():
            spec = value.get("specifier") if isinstance(value, dict) else specifiers.get(name)
            out.setdefault(name, set()).add(str(spec) if spec is not None else ANY_SPEC)
    return out


def _object(
    text: str, load: Callable[[str], Any], errors: type[Exception]
) -> dict[str, Any] | None:
    """The document's top-level object; None when it does not parse or is not an object."""
    try:
        data = load(text)
    except errors:
        return None
    return data if isinstance(data, dict) else None


_remembered = threading.local()


@contextmanager
def remembered_toml(known: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Within the block, in this thread, `parse_toml` answers a text it parsed before (by the
    SHA-256 of the text) from `known`, and parses the others. Yields the texts parsed in the
    block (by digest) whose documents are plain JSON (a date or a time is not: such a text is
    parsed again next time), for the caller to keep for the next run."""
    used: dict[str, Any] = {}
    parse_toml.cache_clear()  # every text parsed in the block passes through `used`
    _remembered.active = (known, used)
    try:
        yield used
    finally:
        _remembered.active = None
        parse_toml.cache_clear()  # its answers came from `known`: not for another block


@functools.lru_cache(maxsize=8)
def parse_toml(text: str) -> dict[str, Any]:
    """`tomllib.loads`, once per distinct text: several checks read the same lockfile (a
    large uv.lock takes longer to parse than the rest of the step). Read the result only."""
    active: tuple[dict[str, Any], dict[str, Any]] | None = getattr(_remembered, "active", None)
    if active is None:
        return tomllib.loads(text)
    known, used = active
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    found = known.get(key)
    if not isinstance(found, dict):
        found = tomllib.loads(text)
    if is_plain_json(found):
        used[key] = found
    return found


def is_plain_json(value: Any) -> bool:
    """Whether `value` reads back from JSON as itself: strings, finite numbers, booleans,
    lists and string-keyed tables (TOML's dates and times are not)."""
    if isinstance(value, str | bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(is_plain_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_plain_json(v) for k, v in value.items())
    return False


def lock_package_names(text: str) -> set[str] | None:
    """Canonical names of `[[package]]` entries of a TOML lockfile (poetry, uv, pdm, Cargo)."""
    try:
        data = parse_toml(text)
    except tomllib.TOMLDecodeError:
        return None
    packages = data.get("package")
    if not isinstance(packages, list):
        return set()
    return {canonical(str(p.get("name", ""))) for p in packages if isinstance(p, dict)}
