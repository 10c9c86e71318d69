"""A failed test command whose every error is in installed packages, none in the project.

A project released without a lockfile gets today's versions of its dependencies' dependencies
on a fresh `npm install`. escape-string-regexp 4.0.0's `npm test` is `xo && ava && tsd`: xo and
ava's tests pass, then tsd 0.11, with its own TypeScript 3.x, type-checks the `@types/node` and
`undici-types` declarations resolved today, written for a newer TypeScript, and prints thousands
of errors, every one located in `node_modules/`. The command failed, but nothing in the
project's files did: the installed packages do not fit its pinned tools. A failure that cites
one of the project's own files (a test, its `index.d.ts`), or only a crash's stack frames,
stays the project's.

One crash is the install's too: an ESLint rule that throws while linting (ESLint adds
`Occurred while linting FILE` and `Rule: "NAME"` to the error) with every stack frame in
installed packages. A rule must not throw on any source (bad code is a parse error, bad rule
options a configuration error), so a throw inside node_modules is plugins that do not fit the
ESLint the install resolved: camelcase 7.0.0's xo 0.49 crashes in unicorn/expiring-todo-comments
under eslint 8.57. A rule of the project's own (its frames in the project's files) stays its.

Another is TypeScript's internal assertion, `Error: Debug Failure.` (its `Debug.fail`), with
every stack frame in installed packages. TypeScript reports bad source as diagnostics with a
place (`lib/x.ts(3,5): error TS2322`), never as a Debug Failure, so the assertion is the
compiler's or a transformer's misuse of its API: yargs-parser 21.1.1's pretest bundles with
rollup-plugin-ts and ts-transform-default-export 1.0.3, which calls the deprecated
`ts.createExportAssignment`, and under the TypeScript 4.9 that `typescript ^4.0.0` resolves today
the emitter stops on `Debug Failure. Unhandled SyntaxKind: Unknown.` before a test runs. A frame
in the project's files (its own transformer) keeps it the project's.

A crash with no error place, only stack frames, is the project's in general (a runner that
throws on the project's bad configuration shows only its own frames); `runner_crash` names such
a crash (its error line, the packages of its frames) for a caller that has another reason to
doubt it: archy 1.0.0's `tap test` runs tap 0.3.3, whose runner passes `Array.map`'s index and
array to `path.resolve`, which a Node.js newer than its CI's (0.6, 0.8) rejects with
`TypeError [ERR_INVALID_ARG_TYPE]` before a test file runs; each of them passes under `node`.

A place where a tool only warns is not an error place: xo prints `index.js:13:3` over a block
of `⚠` lines (its TODO-comment warnings) before tsd's errors in node_modules, as quick-lru
6.1.1's `npm test` does; ESLint's stylish format says `warning` in its severity column. A block
with one error mark (`✖`, `error`) stays the project's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# a diagnostic's place: `path/file.ext:LINE:COL` (ESLint, tsd, stack traces) or tsc's
# `path/file.ext(LINE,COL)`; node's own `node:internal/...:1:2` has no extension
LOCATION = re.compile(
    r"(?<![\w@.+/-])(?P<path>/?(?:[\w@.+-]+/)*[\w@.+-]+\.[A-Za-z][\w]*)(?::\d+:\d+|\(\d+,\d+\))"
)
INSTALLED = "node_modules/"
STACK_FRAME = re.compile(r"^\s*at\s")  # a crash's frames are where it ran, not what is wrong
WARNING_MARK = re.compile(r"⚠|^\s*(?:\S+:)?\d+:\d+\s+warning\b|\bwarning:", re.I)
ERROR_MARK = re.compile(r"[✖✗]|^\s*(?:\S+:)?\d+:\d+\s+error\b|\berror\b", re.I)
RULE_CRASH = re.compile(r"^\s*Occurred while linting \S.*\n\s*Rule: \"(?P<rule>[^\"]+)\"", re.M)
THROWN = re.compile(r"^\s*(?:Uncaught )?(?P<error>[A-Z]\w*(?:Error|Exception)\b.*)$", re.M)
TEST_RESULT = re.compile(
    r"^\s*(?:not )?ok\b|^\s*# (?:pass|fail|tests)\b|\b\d+ (?:passing|failing)\b", re.M
)
TS_ASSERTION = re.compile(r"\bError: Debug Failure\.(?P<what>[^\n]*)")


@dataclass(frozen=True)
class DependencyErrors:
    """The error places a failed command printed, all in installed packages."""

    places: int
    packages: tuple[str, ...]  # in the order the output first names them
    crashed_rule: str | None = None  # the ESLint rule that threw, when that is the error
    assertion: str | None = None  # TypeScript's Debug Failure, when that is the error

    def detail(self) -> str:
        """How many places (or a crash's frames) in which packages."""
        what = "stack frames" if self.crashed_rule or self.assertion else "error places"
        return f"{self.places} {what} in {', '.join(self.packages)}"

    def describe(self, shown: int = 3) -> str:
        """What happened, the same from one run to the next: no count, and the packages the
        output names first (a runner that exits while its output goes to a pipe can lose its
        end, as tsd does: 44 places in one run, 52 in the next)."""
        more = ", ..." if len(self.packages) > shown else ""
        where = f"(node_modules: {', '.join(self.packages[:shown])}{more})"
        if self.crashed_rule:
            return (
                f"the lint rule {self.crashed_rule} crashed while linting, every frame of it in "
                f"installed packages {where}, none in the project's files"
            )
        if self.assertion is not None:
            return (
                f"TypeScript stopped on an internal assertion (Debug Failure.{self.assertion}), "
                f"every frame of it in installed packages {where}, none in the project's files"
            )
        return (
            "every error place it printed is in installed packages, none in the project's "
            f"files {where}"
        )


def dependency_errors(output: str) -> DependencyErrors | None:
    """The installed packages that hold every error place in `output` (None: it cites none, or
    a file of the project's own). Stack frames are not error places: a tool that crashed
    inside itself on the project's bad configuration shows only its own frames."""
    paths = [
        found.group("path")
        for line in _error_lines(output)
        if not STACK_FRAME.match(line)
        for found in LOCATION.finditer(line)
    ]
    if not paths:
        return _rule_crash(output) or _compiler_assertion(output)
    if any(INSTALLED not in path for path in paths):
        return None
    return DependencyErrors(len(paths), tuple(dict.fromkeys(_package(path) for path in paths)))


@dataclass(frozen=True)
class RunnerCrash:
    """A crash before any test result, every stack frame of it in installed packages."""

    error: str  # the thrown error's line: `TypeError [ERR_INVALID_ARG_TYPE]: The "paths[3]" ...`
    packages: tuple[str, ...]  # the frames' packages, in the order of the trace

    def describe(self) -> str:
        """The error and where it was thrown, for a finding's message."""
        return (
            f"its test runner crashed before any test result ({self.error}), every stack frame "
            f"in installed packages (node_modules: {', '.join(self.packages)}), none in the "
            "project's files"
        )


def runner_crash(output: str) -> RunnerCrash | None:
    """The crash in `output` when it printed no test result and no error place outside
    installed packages, and its stack frames name files, all under node_modules (None
    otherwise: a frame in a test or source file of the project's is the project's crash)."""
    if TEST_RESULT.search(output) or dependency_errors(output) is not None:
        return None
    thrown = THROWN.search(output)
    frames = [
        place.group("path")
        for line in output.splitlines()
        if STACK_FRAME.match(line)
        for place in LOCATION.finditer(line)
    ]
    if thrown is None or not frames or any(INSTALLED not in path for path in frames):
        return None
    packages = tuple(dict.fromkeys(_package(path) for path in frames))
    return RunnerCrash(thrown.group("error").strip()[:160], packages)


def _error_lines(output: str) -> list[str]:
    """The lines of `output` that may hold an error place: not a line that is a warning, nor a
    block's heading place (`index.js:13:3` alone on its line) when every mark of the block under
    it, up to the next blank line, is a warning's."""
    lines = output.splitlines()
    kept = []
    for number, line in enumerate(lines):
        if WARNING_MARK.search(line) and not ERROR_MARK.search(line):
            continue
        if LOCATION.fullmatch(line.strip()):
            block = []
            for below in lines[number + 1 :]:
                if not below.strip():
                    break
                block.append(below)
            warns = any(WARNING_MARK.search(b) for b in block)
            if warns and not any(ERROR_MARK.search(b) for b in block):
                continue
        kept.append(line)
    return kept


def _rule_crash(output: str) -> DependencyErrors | None:
    """An ESLint rule that threw while linting, all its stack frames in installed packages."""
    found = RULE_CRASH.search(output)
    if found is None:
        return None
    frames = [
        place.group("path")
        for line in output[found.end() :].splitlines()
        if STACK_FRAME.match(line)
        for place in LOCATION.finditer(line)
    ]
    if not frames or any(INSTALLED not in path for path in frames):
        return None
    packages = tuple(dict.fromkeys(_package(path) for path in frames))
    return DependencyErrors(len(frames), packages, crashed_rule=found.group("rule"))


def _compiler_assertion(output: str) -> DependencyErrors | None:
    """TypeScript's internal assertion (`Error: Debug Failure.`) with every stack frame under
    it in installed packages."""
    found = TS_ASSERTION.search(output)
    if found is None:
        return None
    frames: list[str] = []
    for line in output[found.end() :].splitlines()[1:]:
        if not STACK_FRAME.match(line):
            if frames:
                break  # the trace ended
            continue
        frames += [place.group("path") for place in LOCATION.finditer(line)]
    if not frames or any(INSTALLED not in path for path in frames):
        return None
    packages = tuple(dict.fromkeys(_package(path) for path in frames))
    what = found.group("what").rstrip()
    return DependencyErrors(len(frames), packages, assertion=what)


def _package(path: str) -> str:
    """`@types/node` of `.../node_modules/@types/node/dns.d.ts`: the last node_modules' package."""
    parts = path.rsplit(INSTALLED, 1)[1].split("/")
    return "/".join(parts[:2]) if parts[0].startswith("@") and len(parts) > 1 else parts[0]
