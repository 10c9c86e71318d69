"""Tell a machine that cannot provide a project's dependencies from a project whose tests fail.

A runner that could not fetch or find what the project declares (no network to the Go module
proxy or a package registry, `node_modules` never installed, a declared Python dependency or
pytest missing from the interpreter) has tested nothing: the step reports "tests could not run"
with the reason and how to provide the environment, never a failing project. When only some go
packages could not be built for want of their modules while the others ran, those packages are
one such warning (`go_partial_download`) and the tests that ran keep their results. A program
that a command we cannot look into (`make test`) says it could not find, which is not on PATH
here and not the project's own, is one too (`program_not_on_path`), as is a package that a test
fixture's own package.json declares and nothing installed, and a library the build the command
starts with asks pkg-config for and this machine lacks (`missing_system_library`). What the
project itself must provide stays a real failure: a missing module of its own, a relative
import, an import of something it does not declare, a `go.sum` entry it lacks, a program it
ships.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ai_workflow.deps.distributions import IMPORT_ALIASES
from ai_workflow.deps.manifests import is_requirements_dir, manifest_kind, read_manifest
from ai_workflow.deps.model import Report, canonical
from ai_workflow.testcmd.ci_packages import COMMAND_NOT_FOUND_STATUS
from ai_workflow.testcmd.submodules import describe as describe_submodules
from ai_workflow.testcmd.submodules import names_unfetched
from ai_workflow.testcmd.tox_env import tox_deps
from ai_workflow.textfiles import read_json

NETWORK = re.compile(
    r"dial tcp|no such host|name resolution|could not resolve host|couldn't resolve host|"
    r"network is unreachable|connection refused|connection timed out|i/o timeout|proxyconnect|"
    r"TLS handshake timeout|getaddrinfo|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|"
    r"UnknownHostException|unknown host|name or service not known|NewConnectionError|"
    r"Max retries exceeded|offline mode|--offline",
    re.IGNORECASE,
)
GO_FETCH = re.compile(r'(?:Get|reading|verifying|downloading|finding) "?https?://|verifying ')
GO_FIX = (
    "download the modules where the module proxy is reachable (`go mod download`), or point "
    "GOPROXY at a reachable proxy, or vendor them (`go mod vendor`, then GOFLAGS=-mod=vendor)"
)
GOPATH_FIX = "fetch them into GOPATH where the network is reachable (`go get -d -t ./...`)"
CARGO_DOWNLOAD = re.compile(
    r"^(?:error|warning): .*(?:failed to (?:get|download|load source for|update|query)"
    r"|attempting to make an HTTP request, but --offline was specified).*$",
    re.MULTILINE,
)
CARGO_FIX = (
    "fetch the crates where the registry is reachable (`cargo fetch`), or vendor them "
    "(`cargo vendor`)"
)
JVM_DOWNLOAD = re.compile(
    r"^.*(?:Could not transfer artifact|Could not resolve dependencies|Could not resolve all "
    r"(?:files|dependencies)|Could not GET|Could not download|Downloading https?://"
    r"services\.gradle\.org).*$",
    re.MULTILINE,
)
JVM_FIX = (
    "resolve the dependencies where the repository is reachable (`mvn dependency:go-offline`, "
    "`./gradlew dependencies`), or configure a reachable mirror"
)
OFFLINE_DOWNLOAD = re.compile(
    r"(?:curl: \(\d+\) (?:Could not resolve (?:host|proxy)|Failed to connect|"
    r"Couldn't connect|Connection timed out|Resolving timed out)"
    r"|wget: unable to resolve host address"
    r"|Resolving \S+ \([^)]*\)?\.*\s*failed: (?:Name or service not known|Temporary failure)"
    r"|fatal: unable to access '[^']+': (?:Could not resolve host|Failed to connect)).*$",  # not
    # from the line's start: curl's progress meter, ended by \r, comes before its message
    re.MULTILINE | re.IGNORECASE,
)
OFFLINE_FIX = (
    "run them where the network is reachable, or put what the test command downloads in place first"
)
NODE_MISSING = re.compile(
    r"Cannot find (?:module|package) '(?P<module>[^']+)'"
    r"|(?:^|\s)(?P<bin>[\w.@/-]+): (?:command )?not found",
    re.MULTILINE,
)
PY_MISSING = re.compile(r"No module named '(?P<module>[\w.]+)'")


# Commands that may run any ecosystem's build: configured ones, entry points we cannot read.
OPAQUE = frozenset({"", "make", "automake", "just", "task", "script", "tox", "nox", "npm-script"})


@dataclass(frozen=True)
class Unavailable:
    """Why the tests could not run on this machine, and how to let them."""

    reason: str
    fix: str

    def message(self) -> str:
        return f"the tests could not run: {self.reason}; to run them, {self.fix}"


def download_failure(framework: str, output: str) -> Unavailable | None:
    """A runner that stopped because it could not download the project's dependencies (for a
    command we cannot look into, such as `make test`, any ecosystem's way of saying so, and a
    download of its own by curl, wget or git that found no network: a test script that fetches
    its test framework, like liquidprompt's `tests.sh` fetching shunit2, tested nothing)."""
    known = framework in ("go-test", "cargo-test", "maven", "gradle")
    if not known and framework not in OPAQUE:
        return None  # runners that download nothing themselves (pytest, bats, node)
    if framework == "go-test" or not known:
        line = _go_download_error(output)
        if line:
            return Unavailable(f"go could not download modules ({_clip(line)})", GO_FIX)
    network = NETWORK.search(output) is not None
    if (framework == "cargo-test" or not known) and network:
        found = CARGO_DOWNLOAD.search(output)
        if found:
            reason = f"cargo could not download crates ({_clip(found.group(0))})"
            return Unavailable(reason, CARGO_FIX)
    if (framework in ("maven", "gradle") or not known) and network:
        found = JVM_DOWNLOAD.search(output)
        if found:
            tool = framework if known else "the build"
            reason = f"{tool} could not download dependencies ({_clip(found.group(0))})"
            return Unavailable(reason, JVM_FIX)
    found = None if known else OFFLINE_DOWNLOAD.search(output)
    if found:
        reason = (
            "the test command downloads what it needs (curl, wget, git) and this machine "
            f"has no network ({_clip(found.group(0))})"
        )
        return Unavailable(reason, OFFLINE_FIX)
    return None


# A program named in a runner's output as missing. `Q` is an optional quote around the name;
# the "X not found" / "cannot find X" phrasings, which also say it of files, keys and tests, need
# the name first on its line (after `error:`-like prefixes) and no common noun (NOT_PROGRAMS).
_Q = "[`'\"\u2018\u2019\u201c\u201d]?"
_X = r"(?P<name>[A-Za-z0-9][\w+-]*)"
_KIND = r"(?:program|command|executable|binary|tool)"
_PREFIXES = r"^[ \t]*(?:[^\n:]{1,40}:[ \t]*)*"
PROGRAM_NOT_FOUND = tuple(
    re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    for pattern in (
        rf"(?:^|[\s:(]){_Q}{_X}{_Q}: (?:command )?not found\b(?!:)",  # bash, dash, make
        rf"\bcommand not found: {_Q}{_X}{_Q}",  # zsh
        rf"\bwhich: no {_X} in \(",
        rf"\benv: {_Q}{_X}{_Q}: No such file or directory",  # a shebang's interpreter
        rf"\bmake(?:\[\d+\])?: {_X}: (?:No such file or directory|Command not found)",
        rf"\b{_Q}{_X}{_Q}: executable file not found in \$PATH",
        rf"(?:could not|couldn't|cannot|can't|can not|unable to) (?:find|locate) (?:the )?"
        rf"(?:{_KIND} )?{_Q}{_X}{_Q}(?: {_KIND})?"
        r"(?=[ \t]*(?:$|[.,;!](?:\s|$)|\(| (?:in|on) (?:your )?\$?PATH))",
        rf"{_PREFIXES}(?:the )?(?:{_KIND} )?{_Q}{_X}{_Q}(?: {_KIND})? (?:was |is )?not found\b",
        rf"{_PREFIXES}(?:the )?(?:{_KIND} )?{_Q}{_X}{_Q}(?: {_KIND})? "
        r"(?:is not|isn't|not|does not seem to be) installed\b",
    )
)
NOT_PROGRAMS = frozenset(
    {
        "file", "files", "module", "modules", "package", "packages", "key", "test", "tests",
        "page", "path", "directory", "dir", "folder", "target", "config", "configuration", "entry",
        "record", "item", "resource", "user", "host", "symbol", "function", "class", "method",
        "object", "value", "variable", "name", "image", "document", "url", "route", "index",
        "field", "section", "option", "version", "commit", "branch", "tag", "ref", "remote",
        "repository", "repo", "project", "source", "input", "output", "template", "plugin",
        "extension", "library", "header", "data", "match", "pattern", "token", "id", "element",
        "node", "process", "service", "table", "column", "row", "argument", "parameter",
        "property", "attribute", "label", "translation", "locale", "font", "asset", "script",
        "binary", "executable", "program", "command", "tool", "it", "this", "that", "one",
        "fixture", "snapshot", "suite", "case", "spec", "mock", "device", "account", "session",
        "environment", "env",
    }
)  # fmt: skip
FAILED_ASSERTION = re.compile(
    r"\bAssertionError\b|\bassert(?:ion)? failed\b|^not ok\b|^\s*(?:E\s+)?assert\s"
    r"|\bexpected\b.{0,80}\b(?:got|but (?:was|got)|to (?:equal|be))\b",
    re.IGNORECASE | re.MULTILINE,
)
"""A test that ran and failed: beside it, a missing program does not explain the run."""


@dataclass(frozen=True)
class NotOnPath:
    """Programs a test command says it could not find, which are not installed here."""

    programs: tuple[str, ...]
    line: str  # the first output line that says so

    def unavailable(self, ci_file: str | None = None) -> Unavailable:
        names = ", ".join(f"`{name}`" for name in self.programs)
        what = "the program" if len(self.programs) == 1 else "the programs"
        them = "it" if len(self.programs) == 1 else "them"
        return Unavailable(
            f"the test command needs {what} {names}, not on PATH here ({_clip(self.line)})",
            f"install {them} or put {them} on PATH"
            + (f", as the project's CI does ({ci_file})" if ci_file else ""),
        )


def program_not_on_path(
    framework: str, output: str, project_names: Collection[str]
) -> NotOnPath | None:
    """The programs the output of a test command we cannot look into (`make test`, a script,
    an npm script: OPAQUE) says could not be found (`Could not find pass command`, `x: command
    not found`, `which: no x in (...)`, `x is not installed`), when none of them is on PATH
    here nor one of the project's own files (`project_names`, base names): its CI puts them in
    place (pass-otp's CI downloads password-store and links `pass` onto PATH), so the run
    tested nothing. A program that is on PATH, or that the project ships (`./bin/foo: not
    found`), is the project's failure, and so is a run whose output shows a failed assertion
    too."""
    if framework not in OPAQUE:
        return None
    if FAILED_ASSERTION.search(output):
        return None
    found: dict[str, str] = {}
    for pattern in PROGRAM_NOT_FOUND:
        for match in pattern.finditer(output):
            name = match.group("name")
            if name.lower() in NOT_PROGRAMS or name in found:
                continue
            if _absent_program(name, project_names):
                found[name] = _line_at(output, match.start("name"))
    if not found:
        return None
    first = min(found.values(), key=output.find)
    return NotOnPath(tuple(found), first)


PKG_CONFIG_MISSING = tuple(
    re.compile(pattern, re.MULTILINE)
    for pattern in (
        r"^Package (?P<name>[\w.+-]+) was not found in the pkg-config search path",
        r"^Package '(?P<name>[\w.+-]+)', required by '[^']*', not found",
        r"\bNo package '(?P<name>[\w.+-]+)' found",  # pkg-config before 0.29, autoconf
        r"\bDependency \"?(?P<name>[\w.+-]+)\"? not found, tried pkg-?config",  # meson
    )
)
"""What pkg-config (alone, under autoconf's PKG_CHECK_MODULES or meson) says of a library whose
development files (its `.pc`) are not installed."""


def missing_system_library(
    framework: str, output: str, project_names: Collection[str]
) -> Unavailable | None:
    """A library that the build a test command starts with (`./configure`, meson) asked
    pkg-config for and this machine lacks: dracut's tools/test-github.sh runs `./configure`,
    which stops on "Package libkmod was not found in the pkg-config search path" before any
    test; its CI's containers install libkmod-devel. Nothing was tested. A library whose `.pc`
    (or `.pc.in`) the project ships is its own, and a run that shows a failed assertion ran
    tests: both stay the project's failure."""
    if framework not in OPAQUE or FAILED_ASSERTION.search(output):
        return None
    names: dict[str, str] = {}
    for pattern in PKG_CONFIG_MISSING:
        for match in pattern.finditer(output):
            name = match.group("name")
            if not {f"{name}.pc", f"{name}.pc.in"} & set(project_names):
                names.setdefault(name, _line_at(output, match.start("name")))
    if not names:
        return None
    listed = ", ".join(f"`{name}`" for name in names)
    return Unavailable(
        f"the build the test command starts could not find the library {listed} "
        f"(pkg-config: {_clip(next(iter(names.values())))})",
        "install its development package (the one holding its .pc file), as the project's CI "
        "or build instructions do, or point PKG_CONFIG_PATH at it",
    )


def _line_at(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text[start : end if end >= 0 else len(text)].strip()


def _go_download_error(output: str) -> str | None:
    """The `go: ...` line saying a module could not be fetched (not one saying it does not
    exist: a version the proxy answers 404 for is the project's to fix)."""
    for line in output.splitlines():
        if "module lookup disabled by GOPROXY=off" in line:
            return line
        if GO_FETCH.search(line) and NETWORK.search(line):
            return line
    return None


GO_PACKAGE_HEADER = re.compile(r"^# (?P<package>\S+)")
GO_PACKAGE_FAILED = re.compile(r"^FAIL\s+(?P<package>\S+) \[(?:setup|build) failed\]", re.MULTILINE)
GO_MODULE = re.compile(r"(?P<module>[\w.~/-]+@v[\w.+-]+): ")


@dataclass(frozen=True)
class GoDownloads:
    """`go test` packages that could not be built because their modules could not be
    downloaded, beside packages that built and ran; `others` failed to build for another
    reason (the project's own)."""

    packages: tuple[str, ...]
    modules: tuple[str, ...]
    others: tuple[str, ...]
    gopath: bool = False  # GOPATH mode: the packages of other repositories it needs are absent

    def unavailable(self) -> Unavailable:
        shown = ", ".join(self.packages[:5]) + (
            f" and {len(self.packages) - 5} more" if len(self.packages) > 5 else ""
        )
        modules = f" ({', '.join(self.modules)})" if self.modules else ""
        if self.gopath:
            return Unavailable(
                f"{len(self.packages)} package(s) could not be built, because the packages of "
                f"other repositories they import are not in GOPATH and go (in GOPATH mode) "
                f"fetches nothing{modules}: {shown}",
                GOPATH_FIX,
            )
        return Unavailable(
            f"{len(self.packages)} package(s) could not be built, because go could not "
            f"download the modules they need{modules}: {shown}",
            GO_FIX,
        )


def go_partial_download(output: str, gopath_root: str | None = None) -> GoDownloads | None:
    """The packages of a `go test` run (whose other packages ran) that failed to build only
    because a module could not be downloaded here (no network to the module proxy), read
    from go's `# package` blocks (text, or `build-output` events of `go test -json`). None
    when no package failed that way: a compile error, a missing `go.sum` entry or a module
    the proxy does not have is the project's. `gopath_root`: the project's import path when go
    ran in GOPATH mode (`testcmd.gopath`), where a package of another repository that is not
    in GOPATH counts too (`_gopath_absent`)."""
    text = _go_build_text(output)
    blocks: dict[str, list[str]] = {}
    package = ""
    for line in text.splitlines():
        header = GO_PACKAGE_HEADER.match(line)
        if header:
            package = header.group("package").split(" ", 1)[0]
            blocks.setdefault(package, [])
        elif package:
            blocks[package].append(line)
    downloads = {
        name: [line for line in lines if _go_download_error(line)] for name, lines in blocks.items()
    }
    absent = {
        name: _gopath_absent(lines, gopath_root) if gopath_root else []
        for name, lines in blocks.items()
    }
    packages = sorted(name for name in blocks if downloads[name] or absent[name])
    if not packages:
        return None
    modules = sorted(
        {
            m.group("module")
            for name in packages
            for line in downloads[name]
            for m in GO_MODULE.finditer(line)
        }
        | {path for name in packages for path in absent[name]}
    )
    failed = {m.group("package") for m in GO_PACKAGE_FAILED.finditer(text)} | set(blocks)
    others = sorted(failed - set(packages))
    gopath = not any(downloads[name] for name in packages)
    return GoDownloads(tuple(packages), tuple(modules), tuple(others), gopath)


GOPATH_MISSING = re.compile(r'cannot find package "(?P<path>[^"]+)" in any of:')
GO_POSITION = re.compile(r"\.go:\d+(?::\d+)?: ")


def gopath_absent_only(output: str, gopath_root: str | None) -> Unavailable | None:
    """A GOPATH-mode `go test` that stopped before any test because packages of other
    repositories that the project imports are not in GOPATH (`_gopath_absent`, read over the
    whole output): Go 1.19 prints the load errors of `go test ./...` with no `# package`
    header and runs nothing (fatih/color 1.7.0, whose color.go imports go-colorable and
    go-isatty that its CI fetched). None when a missing package is the project's own, or go
    reported any other error at a line of a Go file."""
    if gopath_root is None:
        return None
    absent = _gopath_absent(_go_build_text(output).splitlines(), gopath_root)
    if not absent:
        return None
    names = ", ".join(dict.fromkeys(absent))
    return Unavailable(
        f"the packages of other repositories that the project imports are not in GOPATH and "
        f"go (in GOPATH mode) fetches nothing ({names})",
        GOPATH_FIX,
    )


def _gopath_absent(lines: list[str], root: str) -> list[str]:
    """The packages of other repositories that a GOPATH-mode build of one package (its
    `lines`) found nowhere (`cannot find package "golang.org/x/net/html" in any of: ...
    (from $GOPATH)`): GOPATH mode downloads nothing, the project's CI fetched them first
    (`go get`), and this machine cannot. Empty when a package it lacks is the project's own
    (under its import path `root`: that one is the project's to fix), or when the block
    reports another error at a line of a Go file (a compile error)."""
    if not any("(from $GOPATH)" in line for line in lines):
        return []
    found = []
    for line in lines:
        missing = GOPATH_MISSING.search(line)
        if missing is None:
            if GO_POSITION.search(line):
                return []  # another build error of the package's own
            continue
        path = missing.group("path")
        if "." not in path.split("/", 1)[0] or path == root or path.startswith(f"{root}/"):
            return []
        found.append(path)
    return found


def _go_build_text(output: str) -> str:
    """go's build output as text: `build-output` events of `go test -json` (Go 1.24 and
    later) become the `# package` blocks older versions print."""
    lines = []
    for line in output.splitlines():
        event = None
        if line.startswith("{"):
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                event = None
        if not isinstance(event, dict):
            lines.append(line)
        elif "Test" not in event and event.get("Action") in ("build-output", "output"):
            lines.append(str(event.get("Output", "")).rstrip("\n"))
    return "\n".join(lines)


def missing_node_packages(target: Path, output: str) -> Unavailable | None:
    """Packages the project declares in package.json that are not installed, as the output of
    a failed run names them (`Cannot find module 'x'`, `mocha: not found`). A module that a
    file of the project requires (node's `Require stack:`) counts too when the package.json
    nearest that file, a fixture's own below the root, declares it: resolve's pretest runs
    `test/resolver/nested_symlinks/mylib`, whose package.json declares `buffer`, which only an
    `npm install` in that directory provides."""
    declared = _npm_declared(target)
    missing: list[str] = []
    fixtures: list[str] = []  # directories whose own package.json declares what is missing
    for match in NODE_MISSING.finditer(output):
        module, binary = match.group("module"), match.group("bin")
        if module and not module.startswith((".", "/")):
            package = _npm_package(module)
            if package in declared and not (target / "node_modules" / package).is_dir():
                missing.append(package)
                continue
            fixture = _fixture_declaring(target, _requirer(output, match.end()), package)
            if fixture is not None:
                missing.append(package)
                fixtures.append(fixture)
        elif binary in declared and not (target / "node_modules" / ".bin" / binary).exists():
            missing.append(binary)
    if not missing:
        return None
    names = ", ".join(dict.fromkeys(missing))
    fix = "install them (`npm ci`, or `npm install` / `pnpm install` / `yarn install`)"
    if fixtures:
        where = ", ".join(f"{rel}/node_modules" for rel in dict.fromkeys(fixtures))
        return Unavailable(
            f"packages that the project's test fixtures declare are not installed ({names}: "
            f"not in {where})",
            f"install them (`npm install` in {', '.join(dict.fromkeys(fixtures))})",
        )
    where = (
        "node_modules is missing"
        if not (target / "node_modules").is_dir()
        else "not in node_modules"
    )
    return Unavailable(f"the project's declared packages are not installed ({names}: {where})", fix)


REQUIRE_STACK = re.compile(r"\s*Require stack:\s*\n\s*- (?P<file>[^\n]+)")


def _requirer(output: str, end: int) -> str | None:
    """The file that required the missing module: the first entry of node's require stack
    right after the `Cannot find module` message."""
    found = REQUIRE_STACK.match(output, end)
    return found.group("file").strip() if found else None


def _fixture_declaring(target: Path, requirer: str | None, package: str) -> str | None:
    """The directory below the project's root (relative) whose package.json is the nearest to
    `requirer` and declares `package`, when no node_modules on node's way up from there to
    the root has it (None: the module is the project's, or undeclared: a real failure)."""
    if not requirer:
        return None
    root = target.resolve()
    try:
        start = Path(requirer).resolve().parent
        start.relative_to(root)
    except (OSError, ValueError):
        return None
    for directory in (start, *start.parents):
        if directory == root:
            return None
        if (directory / "package.json").is_file():
            if package not in _npm_declared(directory, root):
                return None
            break
    else:
        return None
    if any((d / "node_modules" / package).is_dir() for d in (start, *start.parents)):
        return None  # installed: not what failed
    return directory.relative_to(root).as_posix()


def _npm_declared(directory: Path, root: Path | None = None) -> set[str]:
    package = read_json(directory / "package.json", root=root or directory)
    if not isinstance(package, dict):
        return set()
    names: set[str] = set()
    for section in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
        value = package.get(section)
        if isinstance(value, dict):
            names.update(value)
    return names


def _npm_package(specifier: str) -> str:
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") else parts[0]


def python_declared(target: Path, files: Iterable[str]) -> set[str]:
    """Canonical names of the Python distributions the project's top-level manifests declare,
    and the requirements files of a top-level `requirements/` directory (soupsieve's
    requirements/tests.txt names beautifulsoup4, which its tests import and tox installs), and
    the `deps` of tox's base `[testenv]` (honcho's tox.ini installs `mock` for its tests). A
    manifest deeper in the tree (an example's, a fixture's, a vendored project's) is not the
    project's declaration."""
    names = {canonical(name) for name in tox_deps(target)}
    for rel in files:
        if "/" in rel and not _requirements_dir_file(rel):
            continue
        manifest = read_manifest(target, rel, Report())
        if manifest is not None and manifest.kind != "package.json":
            names.update(d.key for d in manifest.dependencies if d.ecosystem == "python")
    return names


def _requirements_dir_file(rel: str) -> bool:
    """A requirements file directly in a top-level requirements directory (`requirements/`,
    `py.requirements/`: `deps.manifests.is_requirements_dir`)."""
    directory, _, name = rel.partition("/")
    in_dir = is_requirements_dir(directory) and "/" not in name
    return in_dir and manifest_kind(rel) == "requirements"


def missing_python_module(message: str, declared: set[str]) -> str | None:
    """The declared distribution a `No module named 'x'` message says is not installed (None:
    the module is the project's own, or nothing declares it: a real failure). A distribution
    named otherwise than its module counts through the known aliases (`bs4` is
    beautifulsoup4's, `sklearn` scikit-learn's), and so does one named after its module with
    a `.py` (delegator.py's `delegator`) or a pytest plugin's `pytest-` (pytest-xprocess's
    `xprocess`)."""
    found = PY_MISSING.search(message)
    if found is None:
        return None
    top = found.group("module").split(".")[0]
    candidates = (top, f"python-{top}", f"py{top}", f"{top}.py", f"pytest-{top}")
    for name in (*candidates, *IMPORT_ALIASES.get(top, ())):
        if canonical(name) in declared:
            return canonical(name)
    return None


def missing_conftest_module(output: str, declared: set[str]) -> Unavailable | None:
    """pytest's usage error "ImportError while loading conftest" on a module of a distribution
    the project declares (`python_declared`) and this environment lacks: cachelib's
    tests/conftest.py imports `xprocess`, from pytest-xprocess, which its requirements/tests.txt
    lists. The tests could not run here; a module nothing declares stays the project's error."""
    if "ImportError while loading conftest" not in output:
        return None
    name = missing_python_module(output, declared)
    if name is None:
        return None
    return Unavailable(
        f"the tests' conftest imports a module of {name}, which the project declares and "
        "this environment does not have",
        f"install {name} (the project's test requirements) in the project's environment",
    )


def _clip(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- one failed test

TIMED_OUT = re.compile(
    r"\bpexpect(?:\.exceptions)?\.TIMEOUT\b|\bsubprocess\.TimeoutExpired\b|"
    r"^(?:E\s+)?(?:[\w.]*\.)?TimeoutError\b|\bFailed: Timeout >|"
    r"\bTimeout of \d+ ?ms exceeded|\bExceeded timeout of \d+ ?ms|\btest timed out after\b",
    re.IGNORECASE | re.MULTILINE,
)
MISSING_PROGRAM = re.compile(
    r"\[Errno 2\] No such file or directory: '(?P<py>[^'/]+)'"
    r"|\b(?:sh|bash|dash|zsh|ksh)(?::\s*(?:line\s+)?\d+)?:\s+"
    r"(?P<sh>[\w.+-]+): (?:command )?not found"
    r"|(?P<cmd>[\w.+-]+): command not found"
    r'|exec: "(?P<go>[^"/]+)": executable file not found'
    r"|\bspawn (?P<node>[^\s/]+) ENOENT\b"
    r'|Cannot run program "(?P<jvm>[^"/]+)"',
)
SPAWNED = re.compile(r"\b_execute_child\b|\bsubprocess\.|\bPopen\b|\bos\.exec\w*|\bpexpect\b")
NO_DISPLAY = re.compile(
    r"cannot open display|no display name|could not connect to display|"
    r"\$DISPLAY (?:is not set|environment variable)",
    re.IGNORECASE,
)
NO_NAME_RESOLUTION = re.compile(
    r"Temporary failure in name resolution|Name or service not known|"
    r"nodename nor servname provided|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|"
    r"Could not resolve host|Network is unreachable|dial tcp: lookup \S+: no such host",
    re.IGNORECASE,
)

NO_DAEMON = re.compile(
    r"Cannot connect to the (?P<docker>Docker) daemon at unix://(?P<docker_socket>/[^\s?]+?)\.?(?:\s|$)"
    r"|Can't connect to local (?P<mysql>MySQL) server through socket '(?P<mysql_socket>/[^']+)'"
    r"|connection to server on socket \"(?P<postgresql_socket>/[^\"]+)\" failed"
    r"|Is the server running locally and accepting\s+connections on Unix domain socket "
    r"\"(?P<postgres_socket>/[^\"]+)\"",
)
"""A daemon the tests talk to through its Unix socket, which the failure says it could not
reach: Docker's (`docker ps` with no daemon), MySQL's, PostgreSQL's. Put down to this machine
only when that socket does not exist here (a CI service, Travis' `services: docker`)."""

NO_LOCALE = re.compile(
    r"\blocale\.Error: unsupported locale setting|"
    r"\bsetlocale: LC_\w+: cannot change locale\b",
)
"""A locale the test sets that this machine has not generated (Python's `locale.setlocale`,
the shell's): natsort's fixtures set en_US.UTF-8, which `locale -a` does not list here."""
LOCALE_LACK = (
    "a locale the tests set (`locale.Error: unsupported locale setting`; `locale -a` lists the "
    "locales installed, `locale-gen` adds one)"
)


STDLIB_EXTENSIONS = frozenset({"readline", "zlib", "pyexpat"})
"""Standard-library extension modules without a leading underscore that a Python build
leaves out when the library it wraps is missing (the others are named `_dbm`, `_lzma` …)."""
STDLIB_LACK = (
    "the standard-library extension module `{module}`, which this Python was built without "
    "(build it with the library's development headers, or run a Python that has it)"
)


def missing_stdlib_extension(headline: str) -> str | None:
    """The standard-library extension module a failure's message says is missing (`No module
    named '_dbm'`): a C module of the standard library (`_dbm`, `_gdbm`, `_tkinter`, `_lzma`,
    `_sqlite3`, `readline`) that the interpreter running the tests was built without, because
    the library it wraps was not installed when it was compiled (six 1.16.0's
    `test_move_items[dbm_ndbm]` imports `dbm.ndbm` under a Python built without `_dbm`). A
    dotted name, and any module not in the standard library (the project's own, a dependency,
    a Python 2 name such as `urllib2`), is None: what the project must provide."""
    found = PY_MISSING.search(headline)
    if found is None:
        return None
    module = found.group("module")
    if module not in sys.stdlib_module_names:  # top-level names only: a dotted name is absent
        return None
    return module if module.startswith("_") or module in STDLIB_EXTENSIONS else None


PLUGIN_FIXTURES: dict[str, str] = {
    "benchmark": "pytest-benchmark",
    "mocker": "pytest-mock",
    "class_mocker": "pytest-mock",
    "module_mocker": "pytest-mock",
    "package_mocker": "pytest-mock",
    "session_mocker": "pytest-mock",
    "httpserver": "pytest-httpserver",
    "httpx_mock": "pytest-httpx",
    "requests_mock": "requests-mock",
    "respx_mock": "respx",
    "freezer": "pytest-freezer",
    "time_machine": "time-machine",
    "datadir": "pytest-datadir",
    "shared_datadir": "pytest-datadir",
    "original_datadir": "pytest-datadir",
    "aiohttp_client": "pytest-aiohttp",
    "aiohttp_server": "pytest-aiohttp",
    "aiohttp_raw_server": "pytest-aiohttp",
    "xprocess": "pytest-xprocess",
    "qtbot": "pytest-qt",
    "qapp": "pytest-qt",
    "fs": "pyfakefs",
    "faker": "Faker",
    "docker_services": "pytest-docker",
    "postgresql": "pytest-postgresql",
    "redisdb": "pytest-redis",
    "admin_client": "pytest-django",
    "django_user_model": "pytest-django",
    "django_db_blocker": "pytest-django",
    "celery_app": "celery (its pytest plugin, `celery[pytest]`)",
    "celery_worker": "celery (its pytest plugin, `celery[pytest]`)",
}
"""Fixtures that only a well-known pytest plugin provides, and the distribution that
provides it. A test that asks for one of them fails on setup with `fixture 'benchmark' not
found` where the plugin is not installed (filetype 1.2.0's tests/test_benchmark.py takes
pytest-benchmark's `benchmark`, and its sdist declares no test requirements): the machine
lacks the plugin, the test is fine. A fixture no plugin here is known for (a typo, one the
project forgot to define) stays the project's error."""

FIXTURE_NOT_FOUND = re.compile(r"\bfixture '(?P<name>\w+)' not found\b")

PLUGIN_MARKERS: dict[str, str] = {
    "benchmark": "pytest-benchmark or pytest-codspeed",
    "asyncio": "pytest-asyncio",
    "trio": "pytest-trio",
    "django_db": "pytest-django",
    "timeout": "pytest-timeout",
    "flaky": "pytest-rerunfailures",
    "order": "pytest-order",
    "run": "pytest-ordering",
    "dependency": "pytest-dependency",
    "vcr": "pytest-recording",
    "default_cassette": "pytest-recording",
    "block_network": "pytest-recording",
    "httpx_mock": "pytest-httpx",
    "freeze_time": "pytest-freezer",
    "mpl_image_compare": "pytest-mpl",
    "forked": "pytest-forked",
    "xdist_group": "pytest-xdist",
    "no_cover": "pytest-cov",
    "datafiles": "pytest-datafiles",
    "celery": "celery (its pytest plugin, `celery[pytest]`)",
}
"""Markers that a well-known pytest plugin registers, and the distribution that registers
them. Under strict markers (`--strict-markers`, or pytest 9's `strict = true`) a module that
uses one fails to collect with "'benchmark' not found in `markers` configuration option"
where the plugin is not installed (jsonpath-ng 1.16.0's tests/benchmarks/ mark their tests
`@pytest.mark.benchmark(group=...)`, pytest-codspeed's, a plugin of its `test` dependency
group): the machine lacks the plugin, the module is fine. A marker no plugin here is known
for (a typo, one the project forgot to register) stays the project's error."""

MARKER_NOT_FOUND = re.compile(r"'(?P<name>\w+)' not found in `markers` configuration option")


def missing_pytest_plugin(text: str) -> str | None:
    """What this machine lacks when a pytest failure's text says a fixture of a well-known
    plugin (`PLUGIN_FIXTURES`) was not found, or that a marker of one (`PLUGIN_MARKERS`) is
    not registered, described for a message; None otherwise."""
    found = FIXTURE_NOT_FOUND.search(text)
    if found is not None and found.group("name") in PLUGIN_FIXTURES:
        name = found.group("name")
        return (
            f"the pytest plugin {PLUGIN_FIXTURES[name]}, whose `{name}` fixture the tests take "
            f"(pytest says `fixture '{name}' not found`; install the plugin into the test "
            "environment)"
        )
    marked = MARKER_NOT_FOUND.search(text)
    if marked is not None and marked.group("name") in PLUGIN_MARKERS:
        name = marked.group("name")
        return (
            f"the pytest plugin {PLUGIN_MARKERS[name]}, whose `{name}` marker the tests use "
            f"(under strict markers pytest says the `{name}` marker is not found in its "
            "`markers` option; install the plugin into the test environment)"
        )
    return None


@dataclass(frozen=True)
class MachineCause:
    """Why one test failed because of this machine, not the project: `kind` is `timeout`
    (it did not finish in its time on this machine: a slow or loaded machine, or a hang),
    `program` (a program it starts is not installed here), `packages`, `display`, `network`,
    `locale`, `daemon` (a service it talks to, Docker's, a database's, runs not here),
    `stdlib` (a standard-library extension module the interpreter was built without),
    `plugin` (a pytest plugin whose fixture the test takes is not installed here),
    `submodule` (a git submodule it loads is not fetched here), `extra` (an optional extra
    of the project its ImportError names, not installed: `testcmd.extras`), `perl` (a Perl
    module that a package the CI installs provides, `missing_perl_module`) or `archive` (a
    project file the release archive does not ship, `steps.test_execution`)."""

    kind: str  # timeout, program, packages (the CI installs them), display, network, submodule,
    # locale, daemon, archive, stdlib, plugin (pytest's), extra, perl, node (its module loader,
    # `steps.test_execution`)
    detail: str


def machine_cause(
    headline: str,
    project_names: Collection[str],
    text: str = "",
    lacking_packages: Sequence[str] = (),
    *,
    unfetched: Sequence[str] = (),
    target: Path | None = None,
    test_name: str = "",
) -> MachineCause | None:
    """What this machine lacks, read from the failure's own message (the exception or error
    that ended the test, its first line), or None: a failed assertion, and anything else, is
    the project's.

    A program counts as missing only when its name has no path and no extension (a data file
    opened by name is the project's own) and it is neither on PATH nor the base name of one of
    the project's files (`project_names`); Python's `[Errno 2]`, which opening a missing file
    raises too, only when the failure's whole `text` shows a subprocess starting it.

    `lacking_packages` are packages the project's CI installs and this machine lacks
    (`ci_packages`): a failure whose text says a command exited 127 ("command not found") is
    then theirs, though it does not name the program.

    A daemon (Docker's, MySQL's, PostgreSQL's) counts as not running here when the failure's
    `text` says its Unix socket could not be reached and that socket does not exist on this
    machine: a test that checks the project's own message about a missing daemon, on a
    machine that has one, stays the project's.

    A missing standard-library extension module (`No module named '_dbm'`,
    `missing_stdlib_extension`) is the interpreter's build, not the project. A fixture only a
    well-known pytest plugin provides, not found (`missing_pytest_plugin`), is that plugin
    missing here.

    `unfetched` are the git submodules absent or empty in the checkout at `target`
    (`submodules.unfetched_submodules`): a failure none of the above explains whose name or
    text names a path in one of them is put down to that submodule (`testcmd.submodules`).
    """
    if TIMED_OUT.search(headline):
        return MachineCause("timeout", _clip(headline, 120))
    for match in MISSING_PROGRAM.finditer(headline):
        name = next(group for group in match.groups() if group)
        if match.group("py") and not SPAWNED.search(text):
            continue
        if _absent_program(name, project_names):
            return MachineCause("program", name)
    if lacking_packages and COMMAND_NOT_FOUND_STATUS.search(text or headline):
        return MachineCause("packages", ", ".join(lacking_packages))
    if NO_DISPLAY.search(headline):
        return MachineCause("display", "a display (X11/Wayland) to open windows on")
    if NO_NAME_RESOLUTION.search(headline):
        return MachineCause("network", "a network connection (host names do not resolve)")
    if NO_LOCALE.search(headline):
        return MachineCause("locale", LOCALE_LACK)
    extension = missing_stdlib_extension(headline)
    if extension is not None:
        return MachineCause("stdlib", STDLIB_LACK.format(module=extension))
    daemon = absent_daemon(text or headline)
    if daemon is not None:
        return MachineCause("daemon", daemon)
    plugin = missing_pytest_plugin(f"{headline}\n{text}")
    if plugin is not None:
        return MachineCause("plugin", plugin)
    submodule = names_unfetched(f"{test_name}\n{text}", unfetched, target) if unfetched else None
    if submodule is not None:
        return MachineCause("submodule", describe_submodules([submodule]))
    return None


def absent_daemon(text: str) -> str | None:
    """The daemon a failure's text says it could not reach through a Unix socket that does
    not exist on this machine, described for a message; None otherwise."""
    for match in NO_DAEMON.finditer(text):
        groups = {k: v for k, v in match.groupdict().items() if v}
        socket = next(v for k, v in groups.items() if k.endswith("_socket"))
        if Path(socket).exists():
            continue
        name = groups.get("docker") or groups.get("mysql") or "PostgreSQL"
        return f"a running {name} daemon (its socket {socket} does not exist)"
    return None


MISSING_FILE = re.compile(
    r"\[Errno 2\] No such file or directory: '(?P<py>[^']+)'"
    r"|\bENOENT: no such file or directory, \w+ '(?P<node>[^']+)'"
    r"|\bopen (?P<go>\S+): no such file or directory",
)
"""A file or directory a test opened that does not exist: Python's `FileNotFoundError`
(`[Errno 2]`), Node's `ENOENT` (`fs` calls), Go's `os.Open`."""


def missing_file(headline: str, text: str = "") -> str | None:
    """The path a failure's message (the exception or error that ended the test, its first
    line) says does not exist, as the test named it (relative or absolute); None when the
    message is no missing file, or names a bare program the failure's whole `text` shows a
    subprocess starting (looked up on PATH, not in the project: `machine_cause`'s)."""
    match = MISSING_FILE.search(headline)
    if match is None:
        return None
    named = next(group for group in match.groups() if group)
    return None if "/" not in named and SPAWNED.search(text) else named


def _absent_program(name: str, project_names: Collection[str]) -> bool:
    if "." in name or not re.fullmatch(r"[\w+-]+", name) or name in project_names:
        return False
    return shutil.which(name) is None


PERL_FAILED_TEST = re.compile(r"^#\s+Failed test(?: '(?P<name>.*)')?", re.MULTILINE)
"""Test::More's diagnostic of a failed test, on stderr: `#   Failed test 'name'`."""
PERL_CANT_LOCATE = re.compile(r"Can't locate (?P<file>[\w/]+)\.pm in @INC")
PERL_MODULE_LACK = re.compile(
    r"^(?=.*\b[A-Z]\w*(?:::\w+)+\b)(?:.*\bneither\b.*\bavailable\b|.*\b(?:not available|"
    r"not installed|is required|required module|cannot be loaded|could not be loaded)\b).*$",
    re.MULTILINE | re.IGNORECASE,
)
PERL_MODULE = re.compile(r"\b[A-Z]\w*(?:::\w+)+\b")
PERL_PACKAGE = re.compile(r"^lib[a-z0-9.+-]+-perl$")
"""Debian's name of a packaged Perl module (libyaml-libyaml-perl)."""


def missing_perl_module(
    stderr: str, test_name: str, lacking_packages: Sequence[str], files: Collection[str]
) -> str | None:
    """The Perl modules a failed Test::More test says are missing, described for a message,
    when this machine lacks Perl packages the project's CI installs (`lacking_packages`,
    Debian's `lib*-perl`): the diagnostics that follow the test's `#   Failed test 'name'`
    on stderr (up to the next one) say `Can't locate Foo/Bar.pm in @INC` or name modules
    `Foo::Bar` as not available, and none of them loads here nor is a file of the project
    (`files`). obs-build's t/flatpak.t dies 'Neither YAML::PP nor YAML::XS available' where
    its CI installs libyaml-libyaml-perl. None otherwise: a module of the project's own, one
    installed here, or a CI that installs no Perl package leaves the failure the project's."""
    perl = [name for name in lacking_packages if PERL_PACKAGE.match(name)]
    if not perl or not stderr or shutil.which("perl") is None:
        return None
    modules = _perl_lack_in(_perl_diagnostics(stderr, test_name))
    if not modules:
        return None
    own = {rel for rel in files if rel.endswith(".pm")}
    for module in modules:
        path = module.replace("::", "/") + ".pm"
        if any(rel == path or rel.endswith("/" + path) for rel in own) or _perl_loads(module):
            return None
    return f"the Perl module(s) {', '.join(modules)} (the project's CI installs {', '.join(perl)})"


def _perl_diagnostics(stderr: str, test_name: str) -> str:
    marks = list(PERL_FAILED_TEST.finditer(stderr))
    for index, mark in enumerate(marks):
        if (mark.group("name") or "") == test_name:
            end = marks[index + 1].start() if index + 1 < len(marks) else len(stderr)
            return stderr[mark.end() : end]
    return ""


def _perl_lack_in(text: str) -> list[str]:
    found = [m.group("file").replace("/", "::") for m in PERL_CANT_LOCATE.finditer(text)]
    for line in PERL_MODULE_LACK.finditer(text):
        found.extend(PERL_MODULE.findall(line.group(0)))
    return list(dict.fromkeys(found))


def _perl_loads(module: str) -> bool:
    try:
        done = subprocess.run(
            ["perl", f"-M{module}", "-e1"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return True  # cannot tell: the failure stays the project's
    return done.returncode == 0
