"""Tell a Go test that failed because the checkout's directory is not named as the module path
ends from a test that failed.

A Go package that prints where a call was made (go-stack/stack's `%+s`, a logger's caller field)
often builds the path from the function's import path and the last segments of the file's path
on disk; that GOPATH habit assumes the directory holding the package is named as its import path
ends (`github.com/go-stack/stack` in `.../stack`), as it is after `git clone`, `go get` or in a
GOPATH or distribution build tree. In a checkout named otherwise (a release tarball unpacked into
`go-stack/`, a worktree named after a branch) the tests that compare such paths print
`github.com/go-stack/go-stack/stack_test.go` where they expect
`github.com/go-stack/stack/stack_test.go`, and fail although the project is right. When the
project is a Go module whose last path element (a `/vN` major suffix skipped) differs from the
checkout's directory name, and every path a failure's message shows under the directory's name
(`github.com/go-stack/go-stack/stack_test.go:209`) is, under the module's name, a path the message
also names (`github.com/go-stack/stack/stack_test.go:209`, what the test wanted), the paths differ
by the directory alone: the step reports the failure as info that names the directory as the
cause. Any other failure stays an error (a path test that wants another file or line), and so
does every failure in a checkout named as the module path ends.
"""

from __future__ import annotations

import re
from pathlib import Path

from ai_workflow.testcmd.reports import FailedTest
from ai_workflow.textfiles import read_text

MODULE = re.compile(r"^module\s+\"?(?P<path>[^\s\"]+)", re.MULTILINE)
MAJOR = re.compile(r"^v\d+$")
PATH_REST = r"[\w.~+/-]*(?::\d+)?"
"""The rest of a path after the directory (a file, maybe `:line`)."""


def _whole(path: str, message: str) -> bool:
    """True when the message names this path, not only a longer one that begins with it."""
    return re.search(re.escape(path) + r"(?![\w.~+/:-])", message) is not None


def module_path(target: Path) -> str | None:
    """The module path of the go.mod at the target's root, or None."""
    match = MODULE.search(read_text(target / "go.mod", root=target))
    return match.group("path") if match else None


def checkout_note(target: Path, failure: FailedTest) -> str | None:
    """The note that puts a failure down to the checkout's directory name, or None when the
    failure does not show the directory's name in place of the module path's last element."""
    module = module_path(target)
    if module is None or "/" not in module:
        return None
    parts = module.split("/")
    if MAJOR.match(parts[-1]) and len(parts) > 2:
        parts = parts[:-1]
    name, parent = parts[-1], "/".join(parts[:-1])
    here = target.resolve().name
    if here == name:
        return None
    message = failure.message
    shown = re.findall(re.escape(f"{parent}/{here}/") + PATH_REST, message)
    # every path under the directory's name is, under the module's name, one the message
    # expects: the paths differ by the directory alone, not by a file or line
    expected = [f"{parent}/{name}/" + path.split(f"{parent}/{here}/", 1)[1] for path in shown]
    if not shown or not all(_whole(path, message) for path in expected):
        return None
    return (
        f"the checkout's directory is named {here}, not {name} as the module path {module} "
        f"ends: the test expects paths under the module's name; run it in a directory named "
        f"{name} to check it"
    )
