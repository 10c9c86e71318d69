"""A release archive committed as is: a reference to a missing file may be the archive's choice.

Debian packaging repositories and vendor imports commit a project's source distribution
unchanged. Such an archive holds what its build tool chose to ship (flit's `sdist.include`,
setuptools' `MANIFEST.in`): the documentation often comes along while the `examples/`,
`AUTHORS.rst` or benchmark directory it links to stays in the project's repository. "X does
not exist" is then true of the archive only; the maintainer, whose repository has X, would not
act on it. The sign is the one every Python source distribution carries and a repository does
not: a `PKG-INFO` file (core metadata, `Metadata-Version: ...`) tracked at the top level.
A published npm package carries no such file; its sign is that package.json has a `files` list
and every tracked file is one npm ships (`files`, `main`, `bin`, and the package.json, README,
LICENSE and CHANGELOG npm always adds): a repository tracks more (its tests, .gitignore, CI
files, the lockfile), the tarball `npm pack` writes tracks nothing else (n ships `bin/n` while
its README links `docs/` and `npm test` runs `test/bin/run-all-tests`). A package.json without
`files` is packed by the project's `.npmignore` (or `.gitignore`), and npm never packs those
nor package-lock.json: a named, versioned package that tracks none of the three is the tarball
(diff 9.0.0's README shows images/ and its scripts run test/, both left out), a repository
tracks at least its `.gitignore`.

In such a target, a finding of `MISSING_PATH_RULES` (a link, script or documented path that
does not exist) becomes info, and its message says the archive may leave the file out. So does a
committed `*.egg-info` directory (`structure/committed-artifact`): setuptools writes it into
every source distribution it builds (cachetools' `src/cachetools.egg-info`), so in the archive
it is expected, while the project's repository does not track it. So do `structure/no-tests`
and the test review's `tests/no-tests`: an archive may leave the tests out (the test step does
not run a test command whose tests are not in the archive: `ai_workflow.steps.test_execution`).
So does `deps/missing-lockfile`: build backends often leave the lockfile out (iso8601 2.1.0's
repository tracks poetry.lock, which poetry-core's sdist never ships; hatchling's sdist takes
every file git does not ignore, so it does ship a tracked one). So does
`scripts/not-executable`: an archive keeps the modes of the machine that built it
(sniffio 1.3.1's sdist has `ci.sh` without the bit its CI workflow needs, and `docs/make.bat`
with one), the repository keeps its own. The rule policy makes this decision
(`ai_workflow.rules.policy`), for every step at once; `rules.severity` still raises the rule.
Other findings are unchanged: a broken anchor in a shipped document, a test that fails or a
syntax error is as real in the archive as in the repository, and so is any other committed
artefact (bytecode or a cache has no business in an archive either). Its message says where the
fix is, though: the archive's manifest took it (inflection 0.5.1's `graft docs` ships the
`docs/__pycache__` a local Sphinx build left), which `git rm --cached` would not change
(`shipped_artefact_note`).

A published npm package without a `files` list carries its build output when a script npm
runs before packing builds it (object.assign 4.1.7's `prepublishOnly` writes dist/browser.js);
the tree is the package, not the repository, when it tracks none of the files npm never packs
(a .gitignore, the lockfile). Such output is information (`published_build`).

A third kind of archive is a `git archive` export (a GitHub tag's tarball, a Debian orig tarball
made from the tag): it carries no sign of its own, but the project's `.gitattributes` says what
it leaves out. A path marked `export-ignore` is in the repository and never in such an archive
(due's `Makefile export-ignore`, "debian/rules replaces makefile, so skip it when generating the
tarball", while its docs say to run `make install` from the master branch). `export_ignored`
tells which missing paths are those, in a tree that tracks no export-ignored file (a checkout of
the repository does: there a missing path is missing).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

from ai_workflow.gitutil import GitError, git
from ai_workflow.textfiles import read_head, read_utf8

MARKER = "PKG-INFO"
METADATA_PREFIX = b"Metadata-Version:"
MISSING_PATH_RULES = frozenset(
    {
        "links/broken-link",
        "scripts/missing-script",
        "scripts/missing-makefile",
        "structure/documented-path-missing",
        "docs/stale-file-reference",
    }
)
"""Rules whose finding says a file or directory the project names does not exist."""
ARTEFACT_RULE = "structure/committed-artifact"
NO_TESTS_RULE = "structure/no-tests"
NO_TEST_FILES_RULE = "tests/no-tests"  # the test review's "no test files found"
MODE_RULE = "scripts/not-executable"
LOCKFILE_RULE = "deps/missing-lockfile"
NPM_MANIFEST = "package.json"
NPM_ALWAYS = ("package.json", "npm-shrinkwrap.json", "readme", "license", "licence", "changelog")
"""Top-level files npm packs whatever `files` says (names compared lower-case, by prefix)."""
SDIST_METADATA_SUFFIX = ".egg-info"  # setuptools' metadata directory, in every sdist it builds
EXPORT_IGNORE = "export-ignore"
ATTRIBUTES = ".gitattributes"
PUBLISH_HOOKS = ("prepublishOnly", "prepack", "prepublish", "prepare")
"""package.json scripts npm runs before it packs the package."""
NEVER_PACKED = (".gitignore", ".npmignore", "package-lock.json")
"""Files npm never puts in a package, and an npm project's repository tracks (node_modules
stays out by its .gitignore)."""
NPM_RUN = re.compile(r"\b(?:npm|yarn|pnpm) run(?:-script)? ([\w:.-]+)")


def release_archive(target: Path) -> str | None:
    """Why `target` is a release archive committed as is (None: it is not, as far as we can
    tell): a tracked top-level `PKG-INFO` that starts with `Metadata-Version:`, or a published
    npm package (`npm_package`)."""
    head = read_head(target / MARKER, 64, target)
    if not head or not head.lstrip().startswith(METADATA_PREFIX):
        return npm_package(target)
    if not _tracked(target, MARKER):
        return None
    return f"a source distribution committed as is (tracked {MARKER})"


def npm_package(target: Path) -> str | None:
    """Why `target` is a published npm package committed as is: package.json lists `files`
    and every tracked file is one npm packs (None: it is not, as far as we can tell)."""
    try:
        data = json.loads(read_utf8(target / NPM_MANIFEST, root=target) or "")
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    tracked = _tracked(target)
    if NPM_MANIFEST not in tracked:
        return None
    name = f"{data.get('name')}@{data.get('version')}"
    if not isinstance(data.get("files"), list):
        return _packed_without_files(data, tracked, name)
    if not all(_packed(path, data) for path in tracked):
        return None
    return f"the published npm package {name} committed as is (it tracks only what `files` ships)"


def _packed_without_files(data: dict[str, object], tracked: list[str], name: str) -> str | None:
    """A package.json without `files` is packed by its ignore files, which npm never packs
    (nor package-lock.json): a tree of a named, versioned package that tracks none of them
    is the tarball (diff 9.0.0 ships dist/, libcjs/, libesm/ and its docs), while the
    repository tracks its `.gitignore` (node_modules/ at least) or `.npmignore`."""
    if not (isinstance(data.get("name"), str) and isinstance(data.get("version"), str)):
        return None
    if any(PurePosixPath(path).name in NEVER_PACKED for path in tracked):
        return None
    return (
        f"the published npm package {name} committed as is (package.json lists no `files`, and "
        f"it tracks none of {', '.join(NEVER_PACKED)}, which npm never packs)"
    )


def published_build(target: Path, directory: str, tracked: Collection[str]) -> str | None:
    """Why the build output `directory` (`dist`) is the published npm package's (None: it is
    not, as far as we can tell): the package.json beside it builds it in a script npm runs
    before packing (object.assign 4.1.7's `prepublishOnly` runs `npm run build`, `mkdir -p dist
    && browserify browserShim.js > dist/browser.js`), and the tree tracks none of the files npm
    never packs (a .gitignore, the lockfile): it is the package, not the repository, which
    does not track the output. A repository that commits its build output has a .gitignore."""
    parent = PurePosixPath(directory).parent
    manifest = (parent / NPM_MANIFEST).as_posix()
    never = {(parent / name).as_posix() for name in NEVER_PACKED} | set(NEVER_PACKED)
    if manifest not in tracked or never & set(tracked):
        return None
    try:
        data = json.loads(read_utf8(target / manifest, root=target) or "")
    except ValueError:
        return None
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict):
        return None
    name = re.escape(PurePosixPath(directory).name)
    writes = re.compile(rf"(?:^|[\s=>'\"])(?:\./)?{name}(?:/|\s|$)")
    for hook in PUBLISH_HOOKS:
        for command in _script_commands(scripts, hook):
            if writes.search(command):
                package = f"{data.get('name')}@{data.get('version')}"
                return (
                    f"the published npm package {package} committed as is (it tracks no "
                    f".gitignore nor lockfile, which npm never packs): its `{hook}` script "
                    f"builds {directory}/ before packing (`{command}`)"
                )
    return None


def _script_commands(scripts: dict[str, object], name: str, depth: int = 0) -> Iterable[str]:
    """The command of package.json script `name` and of the scripts it runs (`npm run build`)."""
    command = scripts.get(name)
    if not isinstance(command, str) or depth > 4:
        return
    yield command
    for called in NPM_RUN.findall(command):
        yield from _script_commands(scripts, called, depth + 1)


def packed_bin_link(target: Path, path: str) -> str | None:
    """The file the root package.json's `bin` maps the missing root command `path` (`bake`,
    run as `./bake`) to, when that file exists elsewhere in the tree (None otherwise): a
    checkout keeps the package's program at its root as a link to it, and `npm pack` packs no
    symbolic link, so the package runs `./bake` (strike 0.1.73's `"test": "./bake test"`,
    `"bin": {"bake": "./bin/bake"}`) that only its repository has."""
    name = path.removeprefix("./")
    if not name or "/" in name or (target / name).exists():
        return None
    try:
        data = json.loads(read_utf8(target / NPM_MANIFEST, root=target) or "")
    except ValueError:
        return None
    bins = data.get("bin") if isinstance(data, dict) else None
    if isinstance(bins, str) and isinstance(data.get("name"), str):
        bins = {str(data["name"]).split("/")[-1]: bins}
    mapped = bins.get(name) if isinstance(bins, dict) else None
    if not isinstance(mapped, str):
        return None
    cleaned = mapped.removeprefix("./")
    if not cleaned or cleaned == name or "\0" in cleaned or not (target / cleaned).is_file():
        return None
    return cleaned


def export_ignored(target: Path, paths: Iterable[str]) -> set[str]:
    """Which of `paths` (files the tree does not have) `git archive` leaves out of every release
    archive: the project's top-level `.gitattributes` marks them `export-ignore` and the tree
    tracks no file so marked, so it is itself such an export. Empty in a checkout of the
    repository (it tracks the export-ignored files: due's repository has its Makefile) and
    without a `.gitattributes`."""
    unique = sorted({p for p in paths if p and "\0" not in p and not p.startswith("/")})[:500]
    if not unique or not (target / ATTRIBUTES).is_file():
        return set()
    try:
        if git(target, "ls-files", "-z", "--", f":(attr:{EXPORT_IGNORE})").strip("\0"):
            return set()
        listed = git(target, "check-attr", "-z", EXPORT_IGNORE, "--", *unique)
    except GitError:
        return set()
    fields = listed.split("\0")
    return {
        fields[index]
        for index in range(0, len(fields) - 2, 3)
        if fields[index + 2] in ("set", "true")
    }


def _tracked(target: Path, *paths: str) -> list[str]:
    try:
        listed = git(target, "ls-files", "-z", "--", *paths)
    except GitError:
        return []
    return [path for path in listed.split("\0") if path]


def _packed(path: str, manifest: dict[str, object]) -> bool:
    """Whether `npm pack` ships `path` under this package.json."""
    if "/" not in path and path.lower().startswith(NPM_ALWAYS):
        return True
    entries: list[object] = [manifest.get("main")]
    bin_ = manifest.get("bin")
    entries += list(bin_.values()) if isinstance(bin_, dict) else [bin_]
    files = manifest.get("files")
    entries += files if isinstance(files, list) else []
    return any(
        isinstance(entry, str) and not entry.startswith("!") and _covers(entry, path)
        for entry in entries
    )


def _covers(entry: str, path: str) -> bool:
    """A `files` (or `main`, `bin`) entry names `path`: itself, a directory above it, a glob."""
    pattern = entry.strip().removeprefix("./").strip("/")
    if not pattern:
        return False
    return path == pattern or path.startswith(f"{pattern}/") or fnmatchcase(path, pattern)


def archive_explains(rule: str, path: str | None) -> bool:
    """Whether a finding of `rule` at `path` may be the release archive's doing: a named file
    or the tests missing, or the `*.egg-info` directory the archive's build wrote."""
    if rule in MISSING_PATH_RULES or rule in (
        NO_TESTS_RULE,
        NO_TEST_FILES_RULE,
        MODE_RULE,
        LOCKFILE_RULE,
    ):
        return True
    return rule == ARTEFACT_RULE and PurePosixPath(path or "").name.endswith(SDIST_METADATA_SUFFIX)


def shipped_artefact_note(reason: str, rule: str, path: str | None) -> str:
    """What a committed artefact the archive does not explain (bytecode, a cache) says in a
    release archive: the build that made the archive shipped it, so the fix is where the
    archive's contents are chosen; empty for any other finding."""
    if rule != ARTEFACT_RULE or archive_explains(rule, path):
        return ""
    return (
        f" [this is {reason}: the archive ships it, so exclude it where the archive's contents "
        "are chosen (MANIFEST.in, the build backend's sdist settings, package.json `files`)]"
    )


def archive_note(reason: str, rule: str = "") -> str:
    """What a finding the archive explains says in a release archive."""
    if rule == ARTEFACT_RULE:
        return (
            f" [this is {reason}: setuptools writes the *.egg-info metadata into every source "
            "distribution it builds; the project's repository does not track it]"
        )
    if rule == MODE_RULE:
        return (
            f" [this is {reason}: an archive keeps the file modes of the machine that built it, "
            "while the project's repository may have the executable bit]"
        )
    if rule == LOCKFILE_RULE:
        return (
            f" [this is {reason}: build backends often leave the lockfile out of the archive "
            "(poetry-core and flit_core ship the package, setuptools what its manifest lists, "
            "npm never publishes package-lock.json), while the project's repository may keep one]"
        )
    if rule in (NO_TESTS_RULE, NO_TEST_FILES_RULE):
        return (
            f" [this is {reason}: a release archive may leave the tests out while the "
            "project's repository has them]"
        )
    return (
        f" [this is {reason}: a release archive may leave the file out while the project's "
        "repository has it]"
    )
