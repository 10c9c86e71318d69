"""Test selection for `go test`: the packages a change can affect, from the package graph.

`go list -test -json PATTERNS` (the test command's own patterns and build flags) gives every
package with its files (Go, cgo, assembly, embedded, test and external-test files) and its
dependencies, those of its tests included. A changed file selects the package that owns it (a
file under `testdata/`, or any other file in the package's directory, belongs to the nearest
package above it: its tests run there); the selection is those packages plus every package
whose tests (transitively) import one of them, plus the packages that failed last time. Only
those are handed to `go test`.

Every package runs, and the step says why, when: go.mod, go.sum, go.work or go.work.sum
changes; anything under a vendor/ directory changes; a changed file has build constraints
(`//go:build`, `// +build`, or is left out of this build) or uses cgo (`import "C"`, C, C++,
assembly and other non-Go sources); a changed file lies outside every package's directory
(documentation excepted); a package's directory is gone; `go list` fails; the base is unknown;
the test command cannot be read (a shell command, an unknown flag, `-C`); or the Go toolchain,
the test command or the Go environment differs from the last run's (or no run recorded them).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

MODULE_FILES = frozenset({"go.mod", "go.sum", "go.work", "go.work.sum"})
# the package's files as `go list` names them (relative to its directory)
OWN_FILES = (
    "GoFiles", "CgoFiles", "TestGoFiles", "XTestGoFiles", "IgnoredGoFiles", "IgnoredOtherFiles",
    "CFiles", "CXXFiles", "MFiles", "HFiles", "FFiles", "SFiles", "SwigFiles", "SwigCXXFiles",
    "SysoFiles", "EmbedFiles", "TestEmbedFiles", "XTestEmbedFiles",
)  # fmt: skip
NATIVE_FILES = (
    "CgoFiles", "CFiles", "CXXFiles", "MFiles", "HFiles", "FFiles", "SFiles", "SwigFiles",
    "SwigCXXFiles", "SysoFiles", "IgnoredOtherFiles",
)  # fmt: skip
GO_FILES = ("GoFiles", "TestGoFiles", "XTestGoFiles")
DOC_SUFFIXES = (".md", ".markdown", ".rst", ".adoc")
ENV_KEYS = (
    "GOFLAGS", "GOWORK", "GOOS", "GOARCH", "CGO_ENABLED", "GOEXPERIMENT", "GOAMD64", "GOARM",
)  # fmt: skip
# go test's and go build's flags that take a value (as `-flag value`)
_VALUE = """run skip bench benchtime count cpu parallel timeout shuffle fuzz fuzztime
fuzzminimizetime list coverprofile covermode coverpkg blockprofile blockprofilerate cpuprofile
memprofile memprofilerate mutexprofile mutexprofilefraction outputdir trace o exec p tags mod
modfile overlay pkgdir toolexec vet ldflags gcflags asmflags gccgoflags compiler installsuffix
buildmode pgo"""
VALUE_FLAGS = frozenset(_VALUE.split())
_BOOL = "v json short failfast race msan asan cover benchmem a n x work trimpath linkshared i"
BOOL_FLAGS = frozenset([*_BOOL.split(), "modcacherw"])
LIST_FLAGS = frozenset({"tags", "mod", "modfile", "overlay"})  # they change the package graph
SHELL_CHARS = frozenset("\\'\"$`;&|<>()*?[]{}~#!\n")
BUILD_FAILED = re.compile(r"^FAIL\t(\S+) \[(?:build|setup) failed\]")
CONSTRAINT = re.compile(r"^\s*//(go:build\s|\s*\+build\s)", re.MULTILINE)
CGO_IMPORT = re.compile(r'^\s*import\s*(\(\s*)?(\w+\s+)?"C"', re.MULTILINE)


class GoSelectError(Exception):
    """Selection cannot be done safely: every package runs, for this reason."""


@dataclass
class Command:
    """`go test` split into what precedes the packages, the patterns, and what follows."""

    head: list[str]  # ["go", "test", flags...]
    patterns: list[str]
    tail: list[str]  # flags after the patterns, and -args ...
    list_flags: list[str] = field(default_factory=list)

    def with_packages(self, packages: Iterable[str], run: str | None = None) -> list[str]:
        """The command for these packages; with `run`, only the tests that pattern matches."""
        flags = ["-run", run] if run is not None else []
        return [*self.head, *flags, *packages, *self.tail]

    @property
    def selects_tests(self) -> bool:
        """Whether the command already picks its tests (`-run`)."""
        return any(
            w.lstrip("-").split("=", 1)[0].removeprefix("test.") == "run"
            for w in self.head + self.tail
            if w.startswith("-")
        )


def words(command: list[str] | str) -> list[str] | None:
    """The command's words; a configured command line only when it is plain words (no quoting,
    variables or shell operators: split, it runs the same without a shell)."""
    if isinstance(command, list):
        return list(command)
    split = command.split()
    if any(c in command for c in SHELL_CHARS) or not split or "=" in split[0]:
        return None
    return split


def parse_command(argv: list[str]) -> Command:
    """The patterns of a `go test` command line; GoSelectError when a flag is unknown."""
    if len(argv) < 2 or PurePosixPath(argv[0]).name != "go" or argv[1] != "test":
        raise GoSelectError("the test command is not `go test ...`")
    head: list[str] = list(argv[:2])
    patterns: list[str] = []
    tail: list[str] = []
    list_flags: list[str] = []
    index = 2
    while index < len(argv):
        word = argv[index]
        if word in ("-args", "--args"):
            tail.extend(argv[index:])
            break
        if not word.startswith("-") or word == "-":
            if tail:
                raise GoSelectError(f"the test command names packages after flags ({word})")
            patterns.append(word)
            index += 1
            continue
        flag = word.lstrip("-").split("=", 1)[0].removeprefix("test.")
        if flag == "C":
            raise GoSelectError("the test command changes directory (-C)")
        if flag in BOOL_FLAGS or "=" in word:
            taken = [word]
        elif flag in VALUE_FLAGS and index + 1 < len(argv):
            taken = [word, argv[index + 1]]
        else:
            raise GoSelectError(f"the test command has a flag selection does not know ({word})")
        (tail if patterns else head).extend(taken)
        if flag in LIST_FLAGS:
            list_flags.extend(taken)
        index += len(taken)
    if not any(w in ("-json", "-json=true", "--json") for w in head + tail):
        raise GoSelectError("the test command does not print `go test -json` events")
    return Command(head, patterns or ["."], tail, list_flags)


# --------------------------------------------------------------------------- the graph


@dataclass
class Package:
    path: str  # import path
    dir: str  # relative to the target, "" for the target itself
    files: set[str] = field(default_factory=set)  # relative to the target
    native: set[str] = field(default_factory=set)  # cgo and non-Go sources
    ignored: set[str] = field(default_factory=set)  # Go files this build leaves out
    go_files: set[str] = field(default_factory=set)  # its Go files in this build, tests' too
    deps: set[str] = field(default_factory=set)  # import paths, its tests' included


@dataclass
class Graph:
    packages: dict[str, Package]
    by_dir: dict[str, str]  # directory -> import path

    def owners(self, rel: str) -> set[str]:
        return {p.path for p in self.packages.values() if rel in p.files}

    def enclosing(self, rel: str) -> str | None:
        """The package whose directory is the nearest above `rel` (testdata/ included)."""
        parent = PurePosixPath(rel).parent
        while True:
            key = "" if str(parent) == "." else str(parent)
            if key in self.by_dir:
                return self.by_dir[key]
            if key == "":
                return None
            parent = parent.parent


def parse_list(text: str, target: str) -> Graph:
    """The packages of `go list -test -json` output (a stream of JSON objects)."""
    entries = _objects(text)
    packages: dict[str, Package] = {}
    for entry in entries:
        if entry.get("ForTest") or entry.get("Standard"):
            continue
        path = _str(entry.get("ImportPath"))
        directory = _str(entry.get("Dir"))
        if not path or not directory or " " in path:
            continue
        if path.endswith(".test") and _str(entry.get("Name")) == "main":
            continue  # the generated test main, handled below
        rel = _relative(directory, target)
        if rel is None:
            continue  # outside the target: not the project's
        packages[path] = Package(path, rel)
    for entry in entries:
        owner = _owner(entry, packages)
        if owner is None:
            continue
        pkg = packages[owner]
        generated = entry.get("ForTest") is None and owner != _str(entry.get("ImportPath"))
        if not generated:
            for key in OWN_FILES:
                names = {_join(pkg.dir, n) for n in _strs(entry.get(key))}
                pkg.files |= names
                if key in NATIVE_FILES:
                    pkg.native |= names
                if key == "IgnoredGoFiles":
                    pkg.ignored |= names
                if key in GO_FILES:
                    pkg.go_files |= names
        pkg.deps |= {d.split(" ", 1)[0] for d in _strs(entry.get("Deps"))}
    by_dir = {p.dir: p.path for p in packages.values()}
    return Graph(packages, by_dir)


def _owner(entry: Mapping[str, Any], packages: Mapping[str, Package]) -> str | None:
    """The package an entry belongs to: itself, the package it is a test variant for, or the
    package whose generated test main it is."""
    for_test = _str(entry.get("ForTest"))
    if for_test:
        return for_test if for_test in packages else None
    path = _str(entry.get("ImportPath"))
    if path in packages:
        return path
    if path.endswith(".test") and path[: -len(".test")] in packages:
        return path[: -len(".test")]
    return None


def _objects(text: str) -> list[dict[str, Any]]:
    decoder = json.JSONDecoder()
    out: list[dict[str, Any]] = []
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return out
        try:
            value, index = decoder.raw_decode(text, index)
        except ValueError as exc:
            raise GoSelectError(f"`go list` printed what is not JSON ({exc})") from exc
        if isinstance(value, dict):
            out.append(value)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strs(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _relative(directory: str, target: str) -> str | None:
    rel = os.path.relpath(directory, target)
    if rel == ".":
        return ""
    if rel.startswith(".."):
        return None
    return PurePosixPath(*PurePosixPath(rel.replace(os.sep, "/")).parts).as_posix()


def _join(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory else name


# --------------------------------------------------------------------------- the choice


@dataclass
class Choice:
    packages: list[str]  # import paths to test, sorted
    changed: int  # changed files that select something
    touched: dict[str, set[str]] = field(default_factory=dict)  # package -> its changed files


def affected(
    graph: Graph,
    changed: Mapping[str, str | None],
    failed: Iterable[str] = (),
) -> Choice:
    """The packages to test for these changes (path -> text of the file now, or at the base when
    it is gone; None when unreadable). GoSelectError when every package must run."""
    touched: dict[str, set[str]] = {}
    counted = 0
    for rel, text in sorted(changed.items()):
        owners = _attribute(graph, rel, text)
        if owners:
            counted += 1
        for owner in owners:
            touched.setdefault(owner, set()).add(rel)
    chosen = {p.path for p in graph.packages.values() if p.path in touched or p.deps & set(touched)}
    chosen |= {f for f in failed if f in graph.packages}
    return Choice(sorted(chosen), counted, touched)


def _attribute(graph: Graph, rel: str, text: str | None) -> set[str]:
    path = PurePosixPath(rel)
    if path.name in MODULE_FILES:
        raise GoSelectError(f"{rel} changed (the module's requirements)")
    if "vendor" in path.parts[:-1]:
        raise GoSelectError(f"{rel} changed (vendored code)")
    owners = graph.owners(rel)
    for pkg in (graph.packages[o] for o in owners):
        if rel in pkg.native:
            raise GoSelectError(f"{rel} changed (cgo or a non-Go source)")
        if rel in pkg.ignored:
            raise GoSelectError(f"{rel} changed (a file this build leaves out)")
    if path.suffix == ".go" and "testdata" not in path.parts:
        if text is None:
            raise GoSelectError(f"{rel} changed and cannot be read")
        if CONSTRAINT.search(_header(text)):
            raise GoSelectError(f"{rel} changed (it has build constraints)")
        if CGO_IMPORT.search(text):
            raise GoSelectError(f"{rel} changed (it uses cgo)")
    if owners:
        return owners
    if path.suffix == ".go" and "testdata" not in path.parts:
        directory = "" if str(path.parent) == "." else str(path.parent)
        if directory in graph.by_dir:
            return {graph.by_dir[directory]}  # a file deleted from the package
        raise GoSelectError(f"{rel} changed and belongs to no package `go list` knows")
    enclosing = graph.enclosing(rel)
    if enclosing is not None:
        return {enclosing}
    if path.suffix.lower() in DOC_SUFFIXES:
        return set()
    raise GoSelectError(f"{rel} changed, outside every package's directory")


def _header(text: str) -> str:
    """A Go file's text before its package clause (where build constraints go)."""
    match = re.search(r"^\s*package\s", text, re.MULTILINE)
    return text[: match.start()] if match else text


# --------------------------------------------------------------------------- the last run


def outcomes(stdout: str) -> tuple[set[str], set[str], dict[str, int]]:
    """From `go test -json` output: the packages that passed (or had no tests), those that
    failed, and how many tests (subtests included) each ran."""
    passed: set[str] = set()
    failed: set[str] = set()
    tests: dict[str, set[str]] = {}
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            event = {}
            if match := BUILD_FAILED.match(line):  # go < 1.24 prints no event for it
                event = {"Package": match.group(1), "Action": "fail"}
        if not isinstance(event, dict):
            continue
        package, test, action = (_str(event.get(k)) for k in ("Package", "Test", "Action"))
        if not package:
            continue
        if test and action in ("pass", "fail", "skip"):
            tests.setdefault(package, set()).add(test)
        elif not test and action in ("pass", "skip"):
            passed.add(package)
        elif not test and action == "fail":
            failed.add(package)
    return passed - failed, failed, {p: len(t) for p, t in tests.items()}


def read_state(raw: Any) -> dict[str, Any]:
    """The last run's record, each field checked (a damaged one reads as none)."""
    if not isinstance(raw, dict):
        return {}
    out: dict[str, Any] = {}
    for key in ("go", "command"):
        if isinstance(raw.get(key), str):
            out[key] = raw[key]
    out["failed"] = _strs(raw.get("failed"))
    counts = raw.get("tests")
    out["tests"] = (
        {k: v for k, v in counts.items() if isinstance(k, str) and isinstance(v, int) and v >= 0}
        if isinstance(counts, dict)
        else {}
    )
    return out


def command_key(argv: list[str], env: Mapping[str, str]) -> str:
    """The test command and the Go environment it runs in, as one string."""
    settings = {k: env[k] for k in ENV_KEYS if k in env}
    return json.dumps({"argv": argv, "env": settings}, sort_keys=True)
