"""Which lockfile serves a manifest, and whether a project keeps none on purpose.

A manifest is locked by the lockfile in its own directory, or by an ancestor's lockfile when it
is a member of that ancestor's workspace: uv's `[tool.uv.workspace]` members (minus `exclude`),
npm/yarn `workspaces`, `pnpm-workspace.yaml` packages, or a lockfile that records the
directory (a uv/poetry/pdm path or editable source, uv's `[manifest] members`, a
package-lock.json `packages` entry, a pnpm importer, a yarn `@workspace:` entry). Any other
nested manifest (an example app, a test fixture) is a project of its own: an ancestor's
lockfile says nothing about it.
"""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ai_workflow.deps.lockfiles import PYTHON_LOCKFILES, parse_toml
from ai_workflow.deps.model import canonical
from ai_workflow.engine.step import StepContext
from ai_workflow.nested import dig, dig_table
from ai_workflow.textfiles import read_utf8

SOURCE_PATH_KEYS = ("editable", "virtual", "directory", "path", "url")
"""Keys of a TOML lockfile's package (or its `source` table) that name a local directory."""


def serving_lockfile(
    target: Path,
    manifest: str,
    names: Iterable[str],
    files: set[str],
    project_name: str | None = None,
) -> str | None:
    """The lockfile (one of `names`) that locks the manifest at `manifest`, if any: the first
    found in its directory or an ancestor that counts it as a member."""
    member = PurePosixPath(manifest).parent
    names = tuple(names)
    for ancestor in (member, *member.parents):
        for name in names:
            lock = (ancestor / name).as_posix().removeprefix("./")
            if lock not in files:
                continue
            if ancestor == member or is_member(target, ancestor, member, lock, project_name):
                return lock
    return None


def is_member(
    target: Path,
    root: PurePosixPath,
    member: PurePosixPath,
    lock: str,
    project_name: str | None = None,
) -> bool:
    """True when the project in `root` declares `member` a workspace member, or its lockfile
    `lock` records the directory `member`."""
    rel = member.relative_to(root).as_posix()
    lock_name = PurePosixPath(lock).name
    if lock_name in PYTHON_LOCKFILES:
        return _uv_member(target / root, rel) or _toml_lock_records(
            target / lock, rel, project_name
        )
    return _js_member(target / root, rel) or _js_lock_records(target / lock, rel)


def workspace_root(target: Path, manifest: str) -> str | None:
    """The directory above `manifest` whose workspace declares it a member (uv workspace
    members for a pyproject.toml; npm/yarn workspaces or pnpm-workspace.yaml for a
    package.json), or None."""
    member = PurePosixPath(manifest).parent
    declares = _js_member if PurePosixPath(manifest).name == "package.json" else _uv_member
    for ancestor in member.parents:
        if declares(target / ancestor, member.relative_to(ancestor).as_posix()):
            return ancestor.as_posix()
    return None


# --------------------------------------------------------------------------- Python


def _uv_member(root: Path, rel: str) -> bool:
    data = _load(root / "pyproject.toml", tomllib.loads)
    workspace = dig_table(data, "tool", "uv", "workspace")
    return matches_globs(
        rel, _strings(workspace.get("members")), _strings(workspace.get("exclude"))
    )


def _toml_lock_records(lock: Path, rel: str, project_name: str | None) -> bool:
    data = _load(lock, parse_toml)
    if project_name and canonical(project_name) in {
        canonical(m) for m in _strings(dig(data, "manifest", "members"))
    }:
        return True
    packages = data.get("package") if isinstance(data, dict) else None
    if not isinstance(packages, list):
        return False
    return any(_same_dir(path, rel) for package in packages for path in _package_paths(package))


def _package_paths(package: Any) -> Iterator[str]:
    """Local directories a TOML lockfile's package entry comes from."""
    for table in (package, dig(package, "source")):
        if isinstance(table, dict):
            for key in SOURCE_PATH_KEYS:
                value = table.get(key)
                if isinstance(value, str):
                    yield value.removeprefix("file://")


# --------------------------------------------------------------------------- JavaScript


def _js_member(root: Path, rel: str) -> bool:
    package = _load(root / "package.json", json.loads)
    workspaces = dig(package, "workspaces")
    if isinstance(workspaces, dict):  # yarn classic: {"packages": [...], "nohoist": [...]}
        workspaces = workspaces.get("packages")
    globs = _strings(workspaces)
    pnpm = _load(root / "pnpm-workspace.yaml", yaml.safe_load)
    globs += _strings(dig(pnpm, "packages"))
    include = [g for g in globs if not g.startswith("!")]
    exclude = [g[1:] for g in globs if g.startswith("!")]
    return matches_globs(rel, include, exclude)


def _js_lock_records(lock: Path, rel: str) -> bool:
    name = lock.name
    if name in ("package-lock.json", "npm-shrinkwrap.json"):
        return rel in dig_table(_load(lock, json.loads), "packages")
    if name == "pnpm-lock.yaml":
        return rel in dig_table(_load(lock, yaml.safe_load), "importers")
    if name == "yarn.lock":
        text = _text(lock) or ""
        return re.search(rf"@workspace:{re.escape(rel)}[\"',:\s]", text) is not None
    return False


# --------------------------------------------------------------------------- helpers


def matches_globs(rel: str, include: Iterable[str], exclude: Iterable[str] = ()) -> bool:
    """True when the relative directory `rel` matches an include glob and no exclude glob."""
    return any(glob_match(rel, g) for g in include) and not any(glob_match(rel, g) for g in exclude)


def glob_match(rel: str, pattern: str) -> bool:
    """Path-aware glob match: `*` stays within one path part, `**` spans any number of them."""
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    globs = [g for g in pattern.strip().rstrip("/").split("/") if g not in ("", ".")]
    return _match_parts(parts, globs)


def _match_parts(parts: list[str], globs: list[str]) -> bool:
    if not globs:
        return not parts
    if globs[0] == "**":
        return any(_match_parts(parts[i:], globs[1:]) for i in range(len(parts) + 1))
    return (
        bool(parts)
        and fnmatch.fnmatchcase(parts[0], globs[0])
        and _match_parts(parts[1:], globs[1:])
    )


def _same_dir(path: str, rel: str) -> bool:
    return PurePosixPath(path).as_posix().removeprefix("./").rstrip("/") == rel


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _text(path: Path) -> str | None:
    return read_utf8(path)  # a regular file inside the target only


def _load(path: Path, loader: Any) -> Any:
    """The parsed document at `path`; None when it is missing or does not parse."""
    text = _text(path)
    if text is None:
        return None
    try:
        return loader(text)
    except (ValueError, yaml.YAMLError):  # JSON and TOML errors are ValueErrors
        return None


# --------------------------------------------------------------------------- no lockfile


NPMRC_NO_LOCK = re.compile(r"^\s*package-lock\s*=\s*false\s*$", re.M)
YARNRC_NO_LOCK = re.compile(r"^\s*--?(install\.)?no-lockfile\s+true\s*$", re.M)


def lockfile_declined(ctx: StepContext, manifest: str, lockfiles: Iterable[str]) -> str | None:
    """Why the project keeps no lockfile on purpose, or None: `package-lock=false` in an
    .npmrc (or `--no-lockfile` in a .yarnrc) in the manifest's directory or above, or
    .gitignore rules that exclude the lockfiles."""
    directory = PurePosixPath(manifest).parent
    lockfiles = tuple(lockfiles)
    if any(name in ("package-lock.json", "yarn.lock") for name in lockfiles):
        for ancestor in (directory, *directory.parents):
            for rc, pattern, setting in (
                (".npmrc", NPMRC_NO_LOCK, "package-lock=false"),
                (".yarnrc", YARNRC_NO_LOCK, "--no-lockfile"),
            ):
                text = _text(ctx.target / ancestor / rc)
                if text and pattern.search(text):
                    return f"{(ancestor / rc).as_posix().removeprefix('./')} sets {setting}"
    candidates = [(directory / name).as_posix().removeprefix("./") for name in lockfiles]
    result = ctx.run_command(["git", "check-ignore", "--", *candidates], timeout=30)
    ignored = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    if result.returncode == 0 and ignored:
        return f"git ignores {', '.join(ignored)}"
    return None
