"""Go packages from before modules: no go.mod, built under GOPATH at their import path.

A Go project with no go.mod (davecgh/go-spew 1.1.1, most Go code before 2019) fails in module
mode ("go.mod file not found"); its CI ran it inside GOPATH at its import path (Travis CI's
`go_import_path`), and its external tests import the package by that path
(`github.com/davecgh/go-spew/spew` from `spew/common_test.go`). `go test` runs it the same way in
GOPATH mode: `GO111MODULE=off`, a GOPATH in the work directory whose `src/<import path>` is a
symbolic link to the project, and the command started there. The import path comes from, in
order: the CI's `go_import_path`, an import comment (`package spew // import "..."`), the
project's own directories as its Go files import them (never a file's own directory, unless the
file is a test: Go allows no import cycle; a package under `testdata/` counts, which a test may
import by its path though `./...` skips it), or the README's `import "..."` or
`go get ...` of the root package (kballard/go-shellquote's godoc README: `import
"github.com/kballard/go-shellquote"`; the last element must name the root's package, so a
dependency the README mentions is not taken for it), or else its link to the package's
documentation on godoc.org or pkg.go.dev, whose path is the import path (docker/go-units:
`[![GoDoc](https://godoc.org/github.com/docker/go-units?status.svg)](...)`, `package units`).
A package that none of these names and that imports the standard library only (spaolacci/murmur3
1.1) builds at any path: it runs at `local/<its package>`.

A project's own test entry point (govaluate's `test.sh`, which its CI runs: it exports GOPATH,
links the tree under it and runs `go test`) was written for the go of its time, which built a
tree without go.mod in GOPATH mode (GO111MODULE unset meant `auto` until Go 1.16); since Go 1.16
go stops there ("cannot find main module"). Such an entry point runs with `GO111MODULE=auto`
(`gopath_era_env`), unless the environment sets GO111MODULE itself: go then still builds a
module wherever a go.mod is, and GOPATH mode only where there is none.

In GOPATH mode nothing declares, and so nothing here fetches, a package from outside the project:
a package directory that imports one cannot be built, and go stops `go test ./...` before any
test when it loads it (mgutz/str 1.2.0: its Gododir/main.go, the godo task runner's build script,
imports gopkg.in/godo.v2, so str_test.go never ran). `buildable_packages` leaves such directories
out of `./...` when others remain; the tests of those run.
"""

from __future__ import annotations

import re
import shlex
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from ai_workflow.textfiles import read_text

TRAVIS_IMPORT_PATH = re.compile(r"^go_import_path:\s*['\"]?(?P<path>[\w.~/-]+)", re.MULTILINE)
IMPORT_COMMENT = re.compile(r'^package\s+\w+\s*//\s*import\s+"(?P<path>[^"]+)"', re.MULTILINE)
IMPORT_BLOCK = re.compile(r"^import\s*\((?P<body>.*?)^\)", re.MULTILINE | re.DOTALL)
IMPORT_LINE = re.compile(r'^import\s+(?:[\w.]+\s+)?"(?P<path>[^"]+)"', re.MULTILINE)
QUOTED = re.compile(r'"(?P<path>[^"]+)"')
README_IMPORT = re.compile(
    r'(?:^|\s)(?:import\s+"(?P<imported>[\w.~/-]+)"|go\s+get\s+(?:-\w+\s+)*(?P<got>[\w.~/-]+))',
    re.MULTILINE,
)
# a README's example import block, as Go writes it or indented as a Markdown code block
README_IMPORT_BLOCK = re.compile(
    r"^[ \t]*import\s*\((?P<body>[^()]*?)^[ \t]*\)", re.MULTILINE | re.DOTALL
)
# one import of such a block: an optional name (`.`, `_`, an alias), then the quoted path
README_BLOCK_PATH = re.compile(r'^[ \t]*(?:[\w.]+[ \t]+)?"(?P<path>[\w.~/-]+)"', re.MULTILINE)
# the documentation of a package on godoc.org or pkg.go.dev: the URL's path is its import path
README_DOC_LINK = re.compile(
    r"\b(?:godoc\.org|pkg\.go\.dev)/(?!badge/)(?P<doc>[\w.~-]+\.[\w.~-]+(?:/[\w.~-]+)+)"
)
PACKAGE = re.compile(r"^package\s+(?P<name>\w+)", re.MULTILINE)
READMES = ("README", "README.md", "README.markdown", "README.txt", "README.rst")


def gopath_era(files: Sequence[str]) -> bool:
    """Whether the project is Go from before modules: Go files of its own (not vendored, not
    test data) and no go.mod or go.work anywhere (a module below the root is not GOPATH's)."""
    if any(PurePosixPath(f).name in ("go.mod", "go.work") for f in files):
        return False
    return any(f.endswith(".go") and not _vendored(f) for f in files)


def gopath_era_env(files: Sequence[str], environ: Mapping[str, str]) -> dict[str, str]:
    """What a project's own test entry point needs to run as the go of its time did: for a
    GOPATH-era project (`gopath_era`), `GO111MODULE=auto`, unless `environ` sets GO111MODULE;
    else nothing."""
    if "GO111MODULE" in environ or not gopath_era(files):
        return {}
    return {"GO111MODULE": "auto"}


def gopath_import_path(target: Path, files: Sequence[str]) -> tuple[str, str] | None:
    """The import path of a Go project that has no go.mod, and where it comes from (None: it
    has a go.mod, at its root or below, no Go files, or no way to tell)."""
    if not gopath_era(files):
        return None  # modules: run in module mode (a module below the root is not GOPATH's)
    go_files = [f for f in files if f.endswith(".go") and not _vendored(f)]
    travis = TRAVIS_IMPORT_PATH.search(read_text(target / ".travis.yml", root=target))
    if travis and ".travis.yml" in files:
        return travis.group("path").rstrip("/"), ".travis.yml go_import_path"
    dirs = {str(PurePosixPath(f).parent) for f in go_files if not f.endswith("_test.go")}
    dirs |= _testdata_packages(files)
    texts = {rel: read_text(target / rel, root=target) for rel in go_files}
    for rel, text in texts.items():
        found = IMPORT_COMMENT.search(text)
        if found:
            root = _root_of(found.group("path"), str(PurePosixPath(rel).parent))
            if root:
                return root, f"the import comment in {rel}"
    roots = Counter(
        root
        for rel, text in texts.items()
        for path in _imports(text)
        for directory in dirs - _own_directory(rel)
        if directory != "." and (root := _root_of(path, directory))
    )
    if roots:
        root, _ = roots.most_common(1)[0]
        return root, "the project's own packages as its Go files import them"
    tested = _root_tested_by_path(texts)
    if tested:
        return tested
    return _readme_import_path(target, files, texts) or _self_contained_path(texts)


EXTERNAL_TEST = re.compile(r"^package\s+(?P<name>\w+)_test\b", re.MULTILINE)


def _root_tested_by_path(texts: dict[str, str]) -> tuple[str, str] | None:
    """The root package's import path as a file at the root outside that package imports
    it, by `<host>/.../<name>`: an external test, a `package <name>_test` file beside the
    root's `package <name>` (danwakefield/fnmatch's fnmatch_test.go, `package fnmatch_test`,
    imports `github.com/danwakefield/fnmatch`), or a program go never builds with the
    package (`//go:build ignore`, run with `go run`: ianlancetaylor/demangle's c++filt.go,
    `package main`, imports `github.com/ianlancetaylor/demangle`). An import whose last
    element is not the root's package name is a dependency, not the root."""
    names = _package_names(texts, {"."})
    if len(names) != 1:
        return None
    [name] = names
    for rel, text in texts.items():
        if str(PurePosixPath(rel).parent) != ".":
            continue
        if BUILD_IGNORE.search(text):
            what = f"the program {rel} (built only by `go run`), which imports the package"
        elif rel.endswith("_test.go") and (found := EXTERNAL_TEST.search(text)):
            if found.group("name") != name:
                continue
            what = f"the external test {rel}, which imports the package it tests"
        else:
            continue
        for path in _imports(text):
            if _hosted(path) and path.rsplit("/", 1)[-1] == name:
                return path, what
    return None


SELF_CONTAINED_ROOT = "local"
"""Where a self-contained package goes under GOPATH (`local/murmur3`): no standard library
package's path begins with it, so the package cannot shadow one, nor be shadowed."""


def _self_contained_path(texts: dict[str, str]) -> tuple[str, str] | None:
    """A path under GOPATH for a package at the root that no source names and that needs
    none: every Go file of the project imports the standard library only (no path with a host,
    so no package of its own by its path, no dependency), and the root's non-test files declare
    one package. spaolacci/murmur3 1.1: murmur*.go and murmur_test.go, all `package murmur3`,
    import fmt, hash, testing...; its .travis.yml runs `go test` where Travis put it. It builds
    at any path, so it runs at `local/<package>`. So does a root with no Go file whose one
    package is in one directory below it (bgentry/go-netrc: netrc/netrc.go and netrc_test.go,
    `package netrc`): the tree runs at `local/<package>`, the package at `local/<package>/<dir>`."""
    names = _package_names(texts, {"."}) or _package_names(texts, _package_directories(texts))
    if len(names) != 1:
        return None
    if any(
        _hosted(path) or path.startswith(".") for text in texts.values() for path in _imports(text)
    ):
        return None
    [name] = names
    return (
        f"{SELF_CONTAINED_ROOT}/{name}",
        "no import path given, and its Go files import the standard library only",
    )


def _package_directories(texts: dict[str, str]) -> set[str]:
    """The directories that hold the project's non-test Go files; empty unless there is one
    (two directories are two packages that may import each other by a path none gives)."""
    directories = {str(PurePosixPath(rel).parent) for rel in texts if not rel.endswith("_test.go")}
    return directories if len(directories) == 1 else set()


def _package_names(texts: dict[str, str], directories: set[str]) -> set[str]:
    """The package names the non-test Go files in `directories` declare; a file go never
    builds (`//go:build ignore`: a program beside the package, run with `go run`) is in no
    package of the directory's."""
    return {
        found.group("name")
        for rel, text in texts.items()
        if str(PurePosixPath(rel).parent) in directories and not rel.endswith("_test.go")
        if not BUILD_IGNORE.search(text) and (found := PACKAGE.search(text))
    }


def _hosted(import_path: str) -> bool:
    """Whether an import path begins with a host (`github.com/...`): not the standard
    library's."""
    return "." in import_path.split("/", 1)[0]


def _readme_import_path(
    target: Path, files: Sequence[str], texts: dict[str, str]
) -> tuple[str, str] | None:
    """The project's import path as the README gives it (`import "..."`, `go get ...`, an
    `import ( ... )` block's path, then a godoc.org or pkg.go.dev link): the root package's,
    or a package's below the root whose directory ends the path (pmezard/go-difflib:
    `go get github.com/pmezard/go-difflib/difflib` for difflib/)."""
    names = {
        found.group("name")
        for rel, text in texts.items()
        if "/" not in rel and not rel.endswith("_test.go")
        if (found := PACKAGE.search(text))
    }
    below = {  # directories below the root that hold a package of the project's (not tests)
        str(PurePosixPath(rel).parent)
        for rel in texts
        if "/" in rel and not rel.endswith("_test.go")
    }
    for readme in READMES:
        if readme not in files:
            continue
        text = read_text(target / readme, root=target)
        named = [m.group("imported") or m.group("got") for m in README_IMPORT.finditer(text)]
        docs = [m.group("doc") for m in README_DOC_LINK.finditer(text)]
        blocks = [(given, True) for given in _readme_block_imports(text)]
        for given, in_block in [*((g, False) for g in named), *blocks, *((g, False) for g in docs)]:
            path = given.rstrip("/").removesuffix("/...")
            last = re.sub(r"\.v\d+$", "", path.rsplit("/", 1)[-1]).lower().replace("-", "")
            if _root_of(path, ".") and any(name.lower() in last for name in names):
                return path, f"the import path in {readme}"
            if in_block:
                continue  # a block's other paths are the example's dependencies
            for directory in sorted(below, key=len, reverse=True):
                if root := _root_of(path, directory):
                    return root, f"the import path of {directory}/ in {readme}"
    return None


def _readme_block_imports(text: str) -> list[str]:
    """The paths a README's example imports in a parenthesised block (voxelbrain/goptions
    2.5.11: `import (` then `"github.com/voxelbrain/goptions"`, `"os"` on lines of their own),
    in order; the caller keeps the one whose last element names the root's package, so the
    example's dependencies and standard library imports are passed by (none is taken for the
    path of a directory below the root whose name ends it, as a `go get` of it is)."""
    return [
        found.group("path")
        for block in README_IMPORT_BLOCK.finditer(text)
        for found in README_BLOCK_PATH.finditer(block.group("body"))
    ]


def gopath_command(argv: Sequence[str], workdir: Path, target: Path, import_path: str) -> str:
    """`argv` as a shell command that runs it in GOPATH mode at `import_path` (with the env of
    `gopath_env`): a symbolic link `<workdir>/gopath/src/<import path>` to the project, made
    here, is where it starts."""
    link = workdir / "gopath" / "src" / import_path
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target.resolve(), target_is_directory=True)
    return f"cd {shlex.quote(str(link))} && {shlex.join(argv)}"


def gopath_env(workdir: Path) -> dict[str, str]:
    return {"GO111MODULE": "off", "GOPATH": str(workdir / "gopath"), "GOFLAGS": ""}


BUILD_IGNORE = re.compile(r"^//\s*(?:\+build|go:build)\s+ignore\b", re.MULTILINE)
"""A file go never builds (`//go:build ignore`, a generator run with `go run`)."""


def buildable_packages(
    target: Path, files: Sequence[str], import_path: str
) -> tuple[list[str], dict[str, list[str]]] | None:
    """For `go test ./...` in GOPATH mode at `import_path`: the package directories to test
    instead (`.`, `sub`) and, by directory, the packages from outside the project that those
    left out import (nothing provides them: no go.mod declares them and GOPATH holds only the
    project, with its vendor/). None when every directory can be built, or none can (then go's
    own complaint is the finding)."""
    go_files = [f for f in files if f.endswith(".go") and not _vendored(f)]
    imports: dict[str, set[str]] = {}
    for rel in go_files:
        text = read_text(target / rel, root=target)
        directory = str(PurePosixPath(rel).parent)
        if any(part.startswith(("_", ".")) for part in PurePosixPath(directory).parts):
            continue  # go's `./...` skips directories whose name begins with _ or .
        found = imports.setdefault(directory, set())
        if not BUILD_IGNORE.search(text):
            found.update(path for path in _imports(text) if _hosted(path))
    missing = {
        directory: sorted(path for path in paths if not _provided(target, import_path, path))
        for directory, paths in imports.items()
    }
    missing = {directory: paths for directory, paths in missing.items() if paths}
    kept = sorted(set(imports) - set(missing))
    if not missing or not kept:
        return None
    return kept, missing


def _provided(target: Path, import_path: str, path: str) -> bool:
    """Whether GOPATH mode finds `path`: the project's own package, or one in its vendor/."""
    own = path == import_path or path.startswith(import_path + "/")
    return own or (target / "vendor" / path).is_dir()


def _root_of(import_path: str, directory: str) -> str | None:
    """The project's import path when `import_path` names its `directory` (`.`: the root)."""
    if directory == ".":
        return import_path if "." in import_path.split("/", 1)[0] else None
    suffix = "/" + directory
    if not import_path.endswith(suffix):
        return None
    root = import_path[: -len(suffix)]
    return root if "." in root.split("/", 1)[0] else None  # a host: github.com/...


def _testdata_packages(files: Sequence[str]) -> set[str]:
    """The directories under a `testdata/` that hold a package (non-test Go files) of the
    project's. `go test ./...` passes them by, but a test may import one by its full path:
    d4l3k/messagediff 1.2.1's messagediff_test.go imports
    `github.com/d4l3k/messagediff/testdata`, so that is where the project builds, whatever
    other path its README's `import "gopkg.in/d4l3k/messagediff.v1"` gives."""
    return {
        str(PurePosixPath(f).parent)
        for f in files
        if f.endswith(".go") and not f.endswith("_test.go")
        if "testdata" in PurePosixPath(f).parts and "vendor" not in PurePosixPath(f).parts
    }


def _own_directory(rel: str) -> set[str]:
    """The directory whose package a Go file `rel` cannot import: its own, unless it is a test
    (an external test, `package x_test`, imports the package of its directory). A command in
    cronexpr/ (gorhill/cronexpr's `package main`) that imports `github.com/gorhill/cronexpr`
    imports the root package, not itself: Go allows no import cycle."""
    return set() if rel.endswith("_test.go") else {str(PurePosixPath(rel).parent)}


def _imports(text: str) -> list[str]:
    found = [m.group("path") for m in IMPORT_LINE.finditer(text)]
    for block in IMPORT_BLOCK.finditer(text):
        found += [m.group("path") for m in QUOTED.finditer(block.group("body"))]
    return found


def _vendored(rel: str) -> bool:
    return "vendor" in PurePosixPath(rel).parts or "testdata" in PurePosixPath(rel).parts
