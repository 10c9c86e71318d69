"""Test reports into counts and failures: JUnit XML (pytest, node, vitest, mocha, bats,
Surefire, Gradle, CTest), jest's and RSpec's JSON, `go test -json` events, TAP, and the text
summaries of unittest, libtest (`cargo test`), Minitest, mocha's reporters and node:test's
line reporter.

A failure's location is the innermost frame of the project a traceback or stack trace names
(never a dependency's); `strip_ansi` removes a terminal's escape sequences from any text that
becomes a message.
"""

from __future__ import annotations

import io
import json
import os
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from junitparser import Attr, Error, Failure, IntAttr, JUnitXml, Skipped, TestCase, TestSuite
from junitparser.junitparser import JUnitXmlError
from rich.text import Text

from ai_workflow.project_files import ALWAYS_EXCLUDED_DIRS
from ai_workflow.textfiles import read_bytes, read_text, why_unreadable

Innermost = Literal["first", "last"]  # where a runner prints the innermost stack frame
CODE_EXT = r"(?:py|js|mjs|cjs|jsx|ts|mts|cts|tsx|go|rs|rb|sh|bats)"
_LOCATION_RE = re.compile(
    r'File "(?P<py>[^"]+)", line (?P<pyline>\d+)'
    r"|in (?:test|setup_suite|teardown_suite) file (?P<bats>\S+), line (?P<batsline>\d+)"
    rf"|(?P<path>(?:file://)?[^\s():'\"<>\[\]]+\.{CODE_EXT}):(?P<line>\d+)"
)


# --------------------------------------------------------------------------- results


@dataclass
class TestCounts:
    __test__ = False  # not a pytest test class

    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    xfailed: int = 0  # expected failures (pytest xfail, unittest expectedFailure)

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors + self.skipped + self.xfailed

    def to_dict(self) -> dict[str, int]:
        return {**asdict(self), "total": self.total}


@dataclass
class FailedTest:
    name: str
    kind: Literal["failed", "error"]
    message: str
    path: str | None = None
    line: int | None = None
    # the test's names as a JUnit report gives them, (classname, name), from which a runner's
    # own selection picks it again (pytest's node id, mocha's full title); () when unknown
    case: tuple[str, ...] = field(default=(), compare=False)


@dataclass
class TestReport:
    __test__ = False  # not a pytest test class

    counts: TestCounts = field(default_factory=TestCounts)
    failures: list[FailedTest] = field(default_factory=list)
    source: str = ""  # where the figures come from


class ReportError(Exception):
    """A report file that exists but cannot be read."""


# --------------------------------------------------------------------------- text


def strip_ansi(text: str) -> str:
    """`text` as a terminal would show it, without colours, cursor moves or hyperlinks."""
    return Text.from_ansi(text.replace("\r\n", "\n")).plain


# --------------------------------------------------------------------------- locations


def locate(text: str, target: Path, innermost: Innermost = "last") -> tuple[str | None, int | None]:
    """The innermost `file:line` of the project named in a traceback or stack trace."""
    found: list[tuple[str, int]] = []
    for match in _LOCATION_RE.finditer(text):
        raw = match.group("py") or match.group("bats") or match.group("path")
        line = int(match.group("pyline") or match.group("batsline") or match.group("line"))
        rel = project_path(raw, target)
        if rel is not None:
            found.append((rel, line))
    if not found:
        return None, None
    return found[-1] if innermost == "last" else found[0]


def project_path(raw: str, target: Path) -> str | None:
    """`raw` as a path relative to the target, if it names a project file (not a dependency)."""
    raw = raw.removeprefix("file://")
    path = Path(raw)
    root = target.resolve()
    if path.is_absolute():
        try:
            rel = path.resolve().relative_to(root)
        except (ValueError, OSError):
            return None
    else:
        if not (root / path).is_file():
            return None
        rel = Path(os.path.normpath(path))
    if rel.parts and (rel.parts[0] == ".." or set(rel.parts[:-1]) & ALWAYS_EXCLUDED_DIRS):
        return None
    return rel.as_posix()


# --------------------------------------------------------------------------- JUnit XML


class _Case(TestCase):
    """A testcase with the `file` and `line` attributes some runners (pytest) write."""

    file = Attr()
    line = IntAttr()


def parse_junit(
    path: Path, target: Path, *, innermost: Innermost = "last", zero_based_lines: bool = False
) -> TestReport:
    """Counts and failures from a JUnit/xUnit XML file (nested suites included)."""
    try:
        xml = read_junit(path, target)
    except (ET.ParseError, JUnitXmlError, OSError, ValueError) as exc:
        raise ReportError(f"cannot read the JUnit report {path.name}: {exc}") from None
    report = TestReport(source=f"JUnit XML {path.name}")
    for chain, case in _walk(xml, ()):
        _add_case(report, chain, case, target, innermost, zero_based_lines)
    return report


def parse_junit_files(paths: Iterable[Path], target: Path) -> TestReport | None:
    """One report from several JUnit files (Surefire, Gradle: one per test class)."""
    merged: TestReport | None = None
    for path in sorted(paths):
        part = parse_junit(path, target)
        if merged is None:
            merged = TestReport(source=f"JUnit XML {path.parent.name}/*.xml")
        for name in ("passed", "failed", "errors", "skipped", "xfailed"):
            setattr(merged.counts, name, getattr(merged.counts, name) + getattr(part.counts, name))
        merged.failures += part.failures
    return merged


def _walk(node: Any, chain: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], _Case]]:
    for case in node.iterchildren(_Case):
        yield chain, case
    for suite in node.iterchildren(TestSuite):
        yield from _walk(suite, (*chain, suite.name or ""))


def _add_case(
    report: TestReport,
    chain: tuple[str, ...],
    case: _Case,
    target: Path,
    innermost: Innermost,
    zero_based_lines: bool,
) -> None:
    results = list(case.result)
    problems = [r for r in results if isinstance(r, Failure | Error)]
    if not problems:
        skipped = [r for r in results if isinstance(r, Skipped)]
        if not skipped:
            report.counts.passed += 1
        elif (skipped[0].type or "") == "pytest.xfail":
            report.counts.xfailed += 1
        else:
            report.counts.skipped += 1
        return
    name = _case_name(chain, case)
    for problem in problems:
        kind: Literal["failed", "error"] = "error" if isinstance(problem, Error) else "failed"
        if kind == "error":
            report.counts.errors += 1
        else:
            report.counts.failed += 1
        text = "\n".join(p for p in (problem.message, problem.text) if p)
        path, line = locate(text, target, innermost)
        if path is None and case.file:
            path = project_path(case.file, target)
            if path is not None and case.line is not None:
                line = case.line + 1 if zero_based_lines else case.line
        message = _failure_text(problem, kind)
        names = (case.classname or "", case.name or "")
        report.failures.append(FailedTest(name, kind, message, path, line, names))


_LOCATION_ONLY = re.compile(r'^(?P<when>failed on \w+) with "file [^"\n]*, line \d+"?$')
"""pytest's message for an error in a test's setup that is a place, not a reason: a fixture
lookup error (`failed on setup with "file tests/test_x.py, line 13`), whose reason is the
`E       fixture 'sampel' not found` line below it."""


def _failure_text(problem: Failure | Error, kind: str) -> str:
    """The runner's message, with the reason from the output when the message is only a label
    (pytest's "collection failure") or a place (`_LOCATION_ONLY`), then the full output: the
    first line is the finding."""
    message = (problem.message or "").strip()
    output = (problem.text or "").strip()
    reasons = [ln[1:].strip() for ln in output.splitlines() if ln.startswith("E ")]
    if reasons and not _worded(reasons[-1]) and reasons[-1] not in message:
        # the last line, which would be the headline, only marks a column of the line above
        # it (pytest-mypy-plugins' `^`)
        reasons = [_marked_reason([r for r in reasons if _worded(r)], message)]
    headline = message.splitlines()[0] if message else ""
    if reasons and reasons[-1] not in message:
        headline = f"{headline}: {reasons[-1]}" if headline else reasons[-1]
    located = _LOCATION_ONLY.match(headline)
    if located is not None:
        said = [ln[1:].strip() for ln in message.splitlines() if ln.startswith("E ")] or reasons
        if said:
            headline = f"{located.group('when')}: {said[0]}"
    headline = headline or (output.splitlines()[0] if output else kind)
    rest = [part for part in (message, output) if part and part not in headline]
    return "\n".join([headline, *rest])


def _worded(line: str) -> bool:
    return any(char.isalnum() for char in line)


def _marked_reason(reasons: list[str], message: str) -> str:
    """What a failure whose output ends in a column marker says: the first lines of its
    `Expected:` and `Actual:` blocks after its exception line, unless the runner's message
    already has that line (pytest-mypy-plugins' "Invalid output"), else its last worded line."""
    blocks: dict[str, str] = {}
    for label, first in pairwise(reasons):
        key = label.removesuffix(":").lower()
        if label.endswith(":") and key in ("expected", "actual") and key not in blocks:
            blocks[key] = first
    if len(blocks) < 2:
        return reasons[-1] if reasons else ""
    compared = f"expected `{blocks['expected']}`, got `{blocks['actual']}`"
    head = reasons[0].removesuffix(":").strip()
    if head.lower() in ("expected", "actual") or head in message:
        return compared
    return f"{head}: {compared}"


def _case_name(chain: tuple[str, ...], case: _Case) -> str:
    classname = case.classname or ""
    if classname and classname != "test":
        return f"{classname}.{case.name}"
    suites = [s for s in chain if s]
    return " > ".join([*suites, case.name or "?"])


# --------------------------------------------------------------------------- other formats


_TAP_RESULT_RE = re.compile(
    r"^(?P<not>not )?ok\b(?: \d+)?(?: -)? ?(?P<name>[^#\n]*?)[ \t]*"
    r"(?:#[ \t]*(?P<directive>\w+)[^\n]*)?$",
    re.MULTILINE | re.IGNORECASE,
)


def parse_tap_output(text: str, target: Path) -> TestReport | None:
    """TAP (tape, node-tap, bats, `node --test` with the tap reporter). The counts are those of
    the leaf results, as the runners count them: a result with indented subtests before it is
    their parent, not a test of its own (node-tap prints one top-level `ok` per file: generic-pool
    3.9.0's 7 files hold the 118 that `tap` reports passing); the lines of YAML diagnostics
    blocks are none. A failure is reported per top-level `not ok`, with its subtests'
    diagnostics, and a failed parent none of whose subtests failed counts as that one failure.
    `# SKIP` and `# TODO` count apart, a parent's for its subtests too.
    None when the output holds no TAP plan or result lines."""
    if not re.search(r"^(?:TAP version \d+|1\.\.\d+)\s*$", text, re.MULTILINE):
        return None
    report = TestReport(source="TAP output")
    results = list(_TAP_RESULT_RE.finditer(text))
    if not results:
        return None
    _count_tap_leaves(report.counts, text)
    for index, match in enumerate(results):
        if match.group("not") and _tap_directive(match) not in ("skip", "todo"):
            end = results[index + 1].start() if index + 1 < len(results) else len(text)
            body = _own_body(text[match.end() : end])
            path, line = locate(body, target, "first")
            name = match.group("name").strip() or "?"
            subtests = _subtests_before(text, match.start())
            expired = _TAP_YAML_EXPIRED.search(body)
            if name == "timeout!" and expired:
                name = expired.group(1)  # node-tap 16's own result for the file it stopped
            message = tap_message(body, subtests)
            report.failures.append(FailedTest(name, "failed", message, path, line))
    return report


_TAP_ANY_RESULT_RE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<not>not )?ok\b(?: \d+)?(?: -)? ?(?P<name>[^#\n]*?)[ \t]*"
    r"(?:#[ \t]*(?P<directive>\w+)[^\n]*)?$",
    re.IGNORECASE,
)


def _tap_results(text: str) -> list[tuple[int, re.Match[str]]]:
    """The results at any depth with their indentation, leaving out the lines of the YAML
    diagnostics blocks (`---` under a result, to its `...`): a block's text may hold `ok` lines
    (an expected or actual value of a test of TAP output) that are no results."""
    results: list[tuple[int, re.Match[str]]] = []
    yaml_indent: int | None = None  # inside a block: the indentation of its `---`
    result_indent: int | None = None  # the result on the line before
    for line in text.splitlines():
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        if yaml_indent is not None:
            if line.strip() == "..." and indent == yaml_indent:
                yaml_indent = None
                continue
            if not line.strip() or indent >= yaml_indent:
                continue
            yaml_indent = None  # a block left open ends where its indentation does
        if line.strip() == "---" and result_indent is not None and indent > result_indent:
            yaml_indent, result_indent = indent, None
            continue
        match = _TAP_ANY_RESULT_RE.match(line)
        result_indent = indent if match else None
        if match:
            results.append((indent, match))
    return results


def _count_tap_leaves(counts: TestCounts, text: str) -> None:
    """Count the results, at any depth, that are no subtest's parent. A parent's line follows
    its subtests, so a result is a parent when the result just before it is indented deeper; a
    subtest with no result of its own (`1..0`) is a leaf, as node-tap counts it. A parent's
    `# TODO` or `# SKIP` is its subtests' (their failures are expected), and a parent that
    failed with none of its subtests failing (node-tap's file that exited non-zero after
    them, a plan they did not meet) counts as the one failure it is reported as."""
    results = _tap_results(text)
    directives = [_tap_directive(match) for _, match in results]
    failed = [bool(match.group("not")) for _, match in results]
    parents: list[tuple[int, range]] = []
    for index, (indent, _) in enumerate(results):
        first = index
        while first > 0 and results[first - 1][0] > indent:
            first -= 1
        if first < index:
            parents.append((index, range(first, index)))
    for index, children in parents:
        if directives[index] in ("skip", "todo"):
            for child in children:
                if directives[child] not in ("skip", "todo"):  # `# time=3ms` is no directive
                    directives[child] = directives[index]
    parent_lines = {index for index, _ in parents}
    for index in range(len(results)):
        if index not in parent_lines:
            _count_tap_result(counts, directives[index], failed[index])
    for index, children in parents:
        # a failure below (a subtest's, or a nested parent's counted here) is the one reported
        if (
            failed[index]
            and directives[index] not in ("skip", "todo")
            and not any(failed[c] and directives[c] not in ("skip", "todo") for c in children)
        ):
            counts.failed += 1


def _tap_directive(match: re.Match[str]) -> str:
    return (match.group("directive") or "").lower()


def _count_tap_result(counts: TestCounts, directive: str, failed: bool) -> None:
    if directive == "skip":
        counts.skipped += 1
    elif directive == "todo":
        counts.xfailed += 1
    elif failed:
        counts.failed += 1
    else:
        counts.passed += 1


_TAP_NEXT_SUBTEST = re.compile(r"^# Subtest: ", re.MULTILINE)
_TAP_YAML_TIMEOUT = re.compile(r"^\s*failure:\s*['\"]?timeout['\"]?\s*$", re.MULTILINE)
_TAP_YAML_LIMIT = re.compile(r"^\s*timeout:\s*(\d+)\s*$", re.MULTILINE)
# node-tap 16 (libtap): the file's own report of the SIGTERM its runner sent at the per-file
# timeout, `not ok N - timeout!` with `expired: <file>` in its YAML block
_TAP_TIMEOUT_RESULT = re.compile(r"^[ \t]+not ok\b(?: \d+)?(?: -)? ?timeout!\s*$", re.MULTILINE)
_TAP_YAML_EXPIRED = re.compile(r"^[ \t]+expired:\s*(\S.*?)\s*$", re.MULTILINE)
_TAP_YAML_SIGTERM = re.compile(r"^\s*signal:\s*['\"]?SIGTERM['\"]?\s*$", re.MULTILINE)
_TAP_NESTED_FAILURE = re.compile(r"^[ \t]+not ok\b", re.MULTILINE)


def _subtests_before(text: str, start: int) -> str:
    """The indented subtests node-tap prints before a file's top-level result: from the file's
    `# Subtest: name` line at the left margin to the result (empty when there is none)."""
    opened = [m.end() for m in _TAP_NEXT_SUBTEST.finditer(text, 0, start)]
    return text[opened[-1] : start] if opened else ""


def _timed_out(body: str, subtests: str) -> bool:
    """Whether node-tap stopped the file at its per-file timeout: `failure: timeout` in the
    result's YAML block (node-tap 18 and later); or, node-tap 16, `expired: <file>` in it
    (libtap sets `expired` only when it times a test out: a top-level `not ok - timeout!`
    after the file's own result), the file's own `not ok - timeout!` with `expired:` among its
    subtests, or `signal: SIGTERM` in the result's block
    (with its `timeout:` limit) when none of its subtests failed: libtap sends SIGTERM only at
    the timeout ("SIGTERM means being forcibly killed, almost always by timeout"), and a file
    whose tests all passed before it is no failed test (the limit counts from the spawn, so a
    TypeScript file that ts-node compiles for 20 s on a loaded machine has 10 s left to run)."""
    if _TAP_YAML_TIMEOUT.search(body) or _TAP_YAML_EXPIRED.search(body):
        return True
    if _TAP_TIMEOUT_RESULT.search(subtests) and _TAP_YAML_EXPIRED.search(subtests):
        return True
    return bool(
        _TAP_YAML_SIGTERM.search(body)
        and _TAP_YAML_LIMIT.search(body)
        and not _TAP_NESTED_FAILURE.search(subtests)
    )


_TAP_PLAN_LINE = re.compile(r"^1\.\.\d+[ \t]*(?:#.*)?$", re.MULTILINE)
_TAP_YAML_OPEN = re.compile(r"\A\s*\n?([ \t]+)---[ \t]*\n")
_TAP_YAML_CLOSE = re.compile(r"^[ \t]+\.\.\.[ \t]*$", re.MULTILINE)


def _own_body(body: str) -> str:
    """What follows a failed TAP result up to the next test: node-tap announces each file with
    a `# Subtest: name` line at the left margin, which begins the next test's output. The
    run's closing plan (`1..4` at the left margin) ends it too: what follows is the runner's
    summary (tape's `# tests 4`, `# pass 3`, `# fail 1`), not the last failure's diagnostics.
    A result whose diagnostics are a YAML block (tape, node-tap) owns that block alone: a `# `
    line after its `...` is the next test's header (tape's `# name` of each test)."""
    nxt = _TAP_NEXT_SUBTEST.search(body)
    body = body if nxt is None else body[: nxt.start()]
    plan = _TAP_PLAN_LINE.search(body)
    body = body if plan is None else body[: plan.start()]
    if _TAP_YAML_OPEN.match(body) and (close := _TAP_YAML_CLOSE.search(body)):
        body = body[: close.end()]
    return body


_TAP_FAILED_COMMAND = re.compile(r"^`.*' failed\b")  # bats: "`[ "$status" -eq 0 ]' failed"
_TAP_LOCATION = re.compile(r"^\(?(?:from function|in (?:test|setup_suite|teardown_suite) file)")
_TAP_YAML_MESSAGE = re.compile(r"^(?:message|error):\s*(['\"]?)(?P<text>[^|>].*?)\1$")
# A YAML block's one-line compared values: tape's `expected:`/`actual:`, node-tap's
# `wanted:`/`found:` (a `|` or `>` value spans lines and is left to the details).
_TAP_YAML_VALUE = re.compile(r"^(?P<key>expected|actual|wanted|found):[ \t]*(?P<value>[^|>\s].*)$")


def tap_message(body: str, subtests: str = "") -> str:
    """A failed TAP test's message: its headline, then its diagnostics (the `# ` lines, or a
    TAP 13 YAML block). The headline is the failed command bats names, else that node-tap
    stopped the file at its timeout (`_timed_out`, `subtests` being the indented results
    before a file's top-level one), else the first diagnostic that is no location (`(in test
    file x.bats, line 12)`), else the YAML `message` or `error`; empty (a blank first line)
    when none says more than the test's name."""
    lines = [ln.strip() for ln in body.strip("\n").splitlines()]
    # `#\t` lines are a test's script as sharness echoes it: no diagnostic of what failed
    comments = [ln[1:].strip() for ln in lines if ln.startswith("#") and not ln.startswith("#\t")]
    texts = [ln.removeprefix("#").strip() for ln in lines if ln not in ("---", "...")]
    headline = next((t for t in texts if _TAP_FAILED_COMMAND.match(t)), None)
    if headline is None and _timed_out(body, subtests):
        # node-tap killed the file at its per-file timeout (`failure: timeout`, SIGTERM)
        limit = _TAP_YAML_LIMIT.search(body)
        after = f"{limit.group(1)} ms" if limit else "the runner's per-file limit"
        headline = f"test timed out after {after}: the runner stopped it (failure: timeout)"
    if headline is None:
        useful = (c for c in comments if c and not _TAP_LOCATION.match(c))
        yaml = (m.group("text") for t in texts if (m := _TAP_YAML_MESSAGE.match(t)))
        headline = next(useful, None) or next(yaml, "") or _tap_compared(texts)
    rest = [t for t in texts if t]
    if headline in rest:
        rest.remove(headline)  # the details follow the headline, not repeat it
    return "\n".join([headline, *rest]).rstrip()


def _tap_compared(texts: list[str]) -> str:
    """What a failed comparison expected and got, from its YAML block's one-line values
    (tape's `expected: '2,1'` and `actual: '1,2'`): "expected '2,1', actual '1,2'"; empty
    when the block does not give both."""
    values: dict[str, str] = {}
    for text in texts:
        if (match := _TAP_YAML_VALUE.match(text)) is not None:
            values.setdefault(match.group("key"), match.group("value").strip())
    expected = values.get("expected", values.get("wanted"))
    actual = values.get("actual", values.get("found"))
    if expected is None or actual is None:
        return ""
    return f"expected {expected}, actual {actual}"


def parse_unittest_output(text: str, target: Path) -> TestReport | None:
    """unittest's text summary: `Ran N tests` and `FAILED (failures=1, errors=2, ...)`."""
    ran = re.search(r"^Ran (\d+) tests? in ", text, re.MULTILINE)
    if ran is None:
        return None
    total = int(ran.group(1))
    summary = re.search(r"^(OK|FAILED|NO TESTS RAN)\b(?: \((.*)\))?\s*$", text, re.MULTILINE)
    figures = dict.fromkeys(("failures", "errors", "skipped", "expected failures"), 0)
    if summary and summary.group(2):
        for part in summary.group(2).split(","):
            key, _, value = part.strip().partition("=")
            if key in figures and value.isdigit():
                figures[key] = int(value)
    counts = TestCounts(
        failed=figures["failures"],
        errors=figures["errors"],
        skipped=figures["skipped"],
        xfailed=figures["expected failures"],
    )
    counts.passed = max(0, total - counts.failed - counts.errors - counts.skipped - counts.xfailed)
    report = TestReport(counts, source="unittest output")
    block = re.compile(
        r"^(?P<kind>FAIL|ERROR): (?P<name>.+?)\n-{70}\n(?P<body>.*?)(?=^={70}$|^-{70}$)",
        re.MULTILINE | re.DOTALL,
    )
    for match in block.finditer(text):
        body = match.group("body").strip()
        path, line = locate(body, target, "last")
        message = body.splitlines()[-1] if body else match.group("kind")
        kind: Literal["failed", "error"] = "failed" if match.group("kind") == "FAIL" else "error"
        report.failures.append(FailedTest(match.group("name"), kind, message, path, line))
    return report


_MOCHA_PASSING = re.compile(
    r"^ {2}(\d+) passing \(\d+(?:\.\d+)?(?:ms|s|m|h)\)[ \t]*$", re.MULTILINE
)
_MOCHA_FIGURE = re.compile(r"^ {2}(\d+) (pending|failing)[ \t]*$", re.MULTILINE)
_MOCHA_FAILURE = re.compile(r"^ {2}(\d+)\) (.*)$", re.MULTILINE)
_NODE_WARNING = re.compile(
    r"^\(node:\d+\) (?:\[\w+\] )?\w*Warning: .*\n?"
    r"|^\(Use `node --trace-[\w-]+ \.\.\.` to show where the warning was created\)[ \t]*\n?",
    re.MULTILINE,
)
"""The lines Node writes to stderr for a process warning (`(node:28055) [DEP0005]
DeprecationWarning: Buffer() is deprecated ...` and its `(Use `node --trace-deprecation ...` ...)`
hint), which land anywhere in mocha's output when both streams are read together."""


def parse_mocha_epilogue(text: str, target: Path) -> TestReport | None:
    """The summary every mocha reporter built on its Base prints at the end (spec, dot, list):
    `N passing (Ts)`, `N pending`, `N failing`, then each failure numbered, its title path
    over several lines ending with `:`, then its error and stack. Read when no report file
    was written (a package script run as it is); the epilogues of several mocha runs add up.
    None when there is no epilogue, or when the numbered failures do not match the count
    `N failing` gives (output we do not read right is not guessed at). Node's process warnings
    are left out first: fd-slicer 1.1.0's DEP0005 lines came between `15 passing (7s)` and
    `3 failing`, which hid the failures."""
    text = _NODE_WARNING.sub("", text)
    summaries = list(_MOCHA_PASSING.finditer(text))
    if not summaries:
        return None
    report = TestReport(source="mocha's summary")
    for index, summary in enumerate(summaries):
        end = summaries[index + 1].start() if index + 1 < len(summaries) else len(text)
        block = text[summary.end() : end]
        report.counts.passed += int(summary.group(1))
        failing = 0
        position = 0
        for figure in _MOCHA_FIGURE.finditer(block):
            if block[position : figure.start()].strip():
                break  # only the lines right under `N passing` are the summary's
            position = figure.end()
            if figure.group(2) == "pending":
                report.counts.skipped += int(figure.group(1))
            else:
                failing = int(figure.group(1))
        failures = _mocha_failures(block[position:], target) if failing else []
        if len(failures) != failing:
            return None
        report.counts.failed += failing
        report.failures += failures
    return report


def _mocha_failures(text: str, target: Path) -> list[FailedTest]:
    """The numbered failures of a mocha epilogue (`  1) suite` ... `title:`, then the error)."""
    starts = [m for m in _MOCHA_FAILURE.finditer(text) if not m.group(2).startswith(" ")]
    failures = []
    for number, match in enumerate(starts, 1):
        if int(match.group(1)) != number:
            return []
        end = starts[number].start() if number < len(starts) else len(text)
        lines = text[match.start(2) : end].splitlines()
        title = next((n for n, line in enumerate(lines) if line.rstrip().endswith(":")), None)
        if title is None:
            return []
        name = " ".join(line.strip() for line in lines[: title + 1]).removesuffix(":").strip()
        body = "\n".join(line.strip() for line in lines[title + 1 :] if line.strip())
        path, line = locate(body, target, "first")
        failures.append(FailedTest(name, "failed", body, path, line))
    return failures


_LINE_TOTALS = re.compile(r"^Passed: (\d+)\nFailed: (\d+)\nTotal: (\d+)[ \t]*$", re.MULTILINE)
_LINE_FAILED = re.compile(r"^Failed tests:[ \t]*$", re.MULTILINE)
_LINE_ENTRY = re.compile(
    r"^(\S[^\n]*)\n\tline: (\d+), column: \d+\n((?:\t[^\n]*\n?|\n)*)", re.MULTILINE
)


def parse_line_reporter(text: str, target: Path) -> TestReport | None:
    """The closing summary of a node:test line reporter (borp's `--reporter=@jsumners/
    line-reporter`, as avvio 9.3.1's `npm test` runs it): `Failed tests:`, then per failure
    the test file, `\tline: L, column: C` and the indented error, then `Passed: N`,
    `Failed: N`, `Total: N`. Read when no report file was written (a package script run as
    it is); None when there is no such summary, or when the failures listed do not match
    the count `Failed: N` gives (output we do not read right is not guessed at)."""
    totals = list(_LINE_TOTALS.finditer(text))
    if len(totals) != 1:
        return None
    passed, failed, total = (int(g) for g in totals[0].groups())
    if passed + failed != total:
        return None
    report = TestReport(TestCounts(passed=passed, failed=failed), source="the line reporter")
    listed = _LINE_FAILED.search(text, 0, totals[0].start())
    section = text[listed.end() : totals[0].start()] if listed else ""
    for entry in _LINE_ENTRY.finditer(section):
        path = project_path(entry.group(1).strip(), target)
        name = f"{path or entry.group(1).strip()}:{entry.group(2)}"
        body = "\n".join(line.strip() for line in entry.group(3).splitlines() if line.strip())
        report.failures.append(FailedTest(name, "failed", body, path, int(entry.group(2))))
    return report if len(report.failures) == failed else None


def parse_cargo_output(text: str, target: Path) -> TestReport | None:
    """`cargo test` summaries (one per test binary) and the panics of failing tests."""
    results = re.findall(
        r"^test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored", text, re.MULTILINE
    )
    if not results:
        return None
    counts = TestCounts()
    for passed, failed, ignored in results:
        counts.passed += int(passed)
        counts.failed += int(failed)
        counts.skipped += int(ignored)
    report = TestReport(counts, source="cargo test output")
    for name in re.findall(r"^test (\S+) \.\.\. FAILED$", text, re.MULTILINE):
        panic = re.search(
            rf"thread '{re.escape(name)}'(?: \(\d+\))? panicked at "
            r"(?P<file>[^\n:]+):(?P<line>\d+):\d+:\n(?P<msg>[^\n]*)",
            text,
        )
        path, line, message = None, None, "failed"
        if panic:
            path = project_path(panic.group("file"), target)
            line = int(panic.group("line")) if path else None
            message = panic.group("msg")
        report.failures.append(FailedTest(name, "failed", message, path, line))
    return report


GO_BUILD_FAILED = re.compile(r"^FAIL\t(\S+) \[(?:build|setup) failed\]")
GO_BINARY_STOPPED = re.compile(r"^(?:panic: |fatal error: |flag provided but not defined: )")
GO_BUILD_HEADER = re.compile(r"^# (\S+)")  # `# example.com/m [example.com/m.test]`
GO_BUILD_ERROR = re.compile(
    r"^(?:\./|\.\./)?(?P<file>[\w./-]+\.go):(?P<line>\d+)(?::\d+)?: (?P<msg>.+)"
)


def parse_go_json(text: str, target: Path, module: str | None = None) -> TestReport | None:
    """`go test -json` events: the last action of each test, its output on failure; a package
    whose build failed, with the compiler's or vet's first complaint (printed outside the
    events before go 1.24, as `build-output` events since)."""
    module = module or _go_module(target)  # a GOPATH package's import path (no go.mod)
    final: dict[tuple[str, str], str] = {}
    output: dict[tuple[str, str], list[str]] = {}
    broken: dict[str, list[str]] = {}
    build: dict[str, list[str]] = {}  # package -> its build's complaints
    building: str | None = None
    for raw in text.splitlines():
        try:
            event = json.loads(raw)
        except json.JSONDecodeError:
            failed_build = GO_BUILD_FAILED.match(raw)  # go < 1.24 prints no event for it
            header = GO_BUILD_HEADER.match(raw)
            if failed_build:
                broken.setdefault(failed_build.group(1), []).extend([raw.strip(), "\0failed"])
            elif header:
                building = header.group(1)
            elif building:
                build.setdefault(building, []).append(raw)
            continue
        if not isinstance(event, dict):
            continue
        package, test, action = event.get("Package", ""), event.get("Test"), event.get("Action")
        if action == "build-output":
            path = str(event.get("ImportPath", "")).split(" ", 1)[0]
            build.setdefault(path, []).append(str(event.get("Output", "")))
        elif test:
            key = (package, test)
            if action in ("pass", "fail", "skip"):
                final[key] = action
            elif action == "output":
                output.setdefault(key, []).append(event.get("Output", ""))
        elif action == "output":
            broken.setdefault(package, []).append(event.get("Output", ""))
        elif action == "fail":
            broken.setdefault(package, [])
            broken[package].append("\0failed")
    if not final and not broken:
        return None
    report = TestReport(source="go test -json")
    for (package, test), action in sorted(final.items()):
        if action == "pass":
            report.counts.passed += 1
        elif action == "skip":
            report.counts.skipped += 1
        else:
            report.counts.failed += 1
            failure = _go_failure(package, test, output.get((package, test), []), module)
            if not _failed_through_subtests(failure, package, test, final):
                report.failures.append(failure)
    for package, lines in sorted(broken.items()):
        if "\0failed" in lines and not any(p == package for p, _ in final):
            report.counts.errors += 1
            report.failures.append(
                _go_broken(package, lines, build.get(package, []), target, module)
            )
    return report


def _failed_through_subtests(
    failure: FailedTest, package: str, test: str, final: dict[tuple[str, str], str]
) -> bool:
    """A parent test go marks failed only because a subtest of it failed: no message of its
    own (no `file:line:` it printed, no example output), and a failed subtest reported apart
    (xo/terminfo's TestOpen, whose only body is a `t.Run` per terminfo file). Reporting it too
    shows one failure twice; a parent that failed by itself (`t.Errorf` around its `t.Run`s)
    keeps its own finding. Go counts it among the failed, as `go test -v` does."""
    if failure.message != "failed" or failure.path is not None:
        return False
    prefix = f"{test}/"
    return any(p == package and t.startswith(prefix) and a == "fail" for (p, t), a in final.items())


def _go_broken(
    package: str, lines: list[str], build: list[str], target: Path, module: str | None
) -> FailedTest:
    """A package that failed without a test failing: its build's first complaint, located in
    the project, when go printed one; else what stopped the test binary before its tests, the
    first `panic: ...`, `fatal error: ...` or `flag provided but not defined: ...` line (a test
    file's init that calls flag.Parse before the testing package has registered its flags:
    boltdb/bolt 1.3.1's quick_test.go on Go >= 1.13, whose last line is only go's
    `FAIL\t<package>\t0.008s`); else the package's last line of output."""
    for line in build:
        match = GO_BUILD_ERROR.match(line.strip())
        if match:
            file, number = match.group("file"), int(match.group("line"))
            message = f"build failed: {file}:{number}: {match.group('msg')}"
            path = _go_file(target, package, file, module)
            return FailedTest(package, "error", message, path, number if path else None)
    text_out = "".join(line for line in lines if line != "\0failed").strip()
    said = text_out.splitlines()
    stopped = next((line.strip() for line in said if GO_BINARY_STOPPED.match(line)), None)
    return FailedTest(package, "error", stopped or (said[-1] if said else "failed"))


def _go_file(target: Path, package: str, file: str, module: str | None) -> str | None:
    """The project path of a file go names in a build complaint: relative to where go ran (the
    module root, `calc/calc_test.go`), or, in GOPATH mode, to the package's directory."""
    if posixpath.isabs(file):
        return None  # a file outside the checkout (GOROOT, a GOPATH copy)
    candidates = [posixpath.normpath(file)]
    if module and package.startswith(module + "/"):
        candidates.append(posixpath.normpath(f"{package[len(module) + 1 :]}/{file}"))
    for path in candidates:
        if not path.startswith("..") and (target / path).is_file():
            return path
    return None


def _go_module(target: Path) -> str | None:
    text = read_text(target / "go.mod", root=target)
    match = re.search(r"^module\s+(\S+)", text, re.MULTILINE)
    return match.group(1) if match else None


def _go_failure(package: str, test: str, lines: list[str], module: str | None) -> FailedTest:
    directory = ""
    if module and package.startswith(module + "/"):
        directory = package[len(module) + 1 :] + "/"
    for line in lines:
        match = re.match(r"^\s+(?P<file>[\w.-]+\.go):(?P<line>\d+): (?P<msg>.*)", line)
        if match:
            return FailedTest(
                f"{package}.{test}",
                "failed",
                match.group("msg").strip(),
                directory + match.group("file") if module else None,
                int(match.group("line")) if module else None,
            )
    return FailedTest(f"{package}.{test}", "failed", _go_example_diff(lines) or "failed")


def _go_example_diff(lines: list[str]) -> str | None:
    """A failed example's `got:`/`want:` block (go prints its output and the `// Output:` it
    expected, no file:line): `output differs: got X, want Y` for the first line that differs,
    then the block; None when the output has no such block."""
    text = [line.rstrip("\n") for line in lines if not line.startswith(("--- FAIL", "=== RUN"))]
    if "got:" not in text or "want:" not in text:
        return None
    got_at, want_at = text.index("got:"), text.index("want:")
    if want_at < got_at:
        return None
    got, want = text[got_at + 1 : want_at], text[want_at + 1 :]
    pairs = zip(got + [""] * len(want), want + [""] * len(got), strict=False)
    first = next(((g, w) for g, w in pairs if g != w), ("", ""))
    block = "\n".join(text[got_at:]).strip()
    return f"example output differs: got `{first[0].strip()}`, want `{first[1].strip()}`\n{block}"


def _report_json(path: Path, target: Path, runner: str) -> Any:
    """A runner's JSON report (in the work directory, or the target): a regular file that
    does not lead out of the target; ReportError otherwise."""
    data = read_bytes(path, root=_report_root(path, target))
    try:
        if data is None:
            raise ValueError(why_unreadable(path, _report_root(path, target)) or "unreadable")
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ReportError(f"cannot read the {runner} report {path.name}: {exc}") from None


def _report_root(path: Path, target: Path) -> Path:
    """Where a report may lead: the target, or the directory a report the tool asked for
    was written to (the work directory can be outside the target)."""
    return target if _under(path, target) else path.parent


def _under(path: Path, base: Path) -> bool:
    try:
        path.absolute().relative_to(base.absolute())
    except ValueError:
        return False
    return True


def read_junit(path: Path, target: Path) -> JUnitXml:
    """A JUnit XML file read like `_report_json` (never a FIFO, never a link out)."""
    data = read_bytes(path, root=_report_root(path, target))
    if data is None:
        raise OSError(why_unreadable(path, _report_root(path, target)) or "unreadable")
    # raw read: bytes already read by read_bytes
    return JUnitXml.fromfile(io.BytesIO(data))


def parse_jest_json(path: Path, target: Path) -> TestReport:
    """jest's `--json --outputFile` report."""
    data = _report_json(path, target, "jest")
    report = TestReport(source=f"jest JSON {path.name}")
    for suite in data.get("testResults", []):
        file_path = project_path(str(suite.get("name", "")), target)
        assertions = suite.get("assertionResults", [])
        if not assertions and suite.get("status") == "failed":
            report.counts.errors += 1
            message = str(suite.get("message") or "the test file failed to run").strip()
            report.failures.append(FailedTest(file_path or "?", "error", message, file_path))
        for case in assertions:
            _add_jest_case(report, case, file_path, target)
    return report


def _add_jest_case(
    report: TestReport, case: dict[str, Any], file_path: str | None, target: Path
) -> None:
    status = case.get("status")
    if status == "passed":
        report.counts.passed += 1
    elif status in ("pending", "skipped", "todo", "disabled"):
        report.counts.skipped += 1
    elif status == "failed":
        report.counts.failed += 1
        text = "\n".join(str(m) for m in case.get("failureMessages", []))
        path, line = locate(text, target, "first")
        if path is None:
            path = file_path
            line = (case.get("location") or {}).get("line")
        message = text.strip().splitlines()[0] if text.strip() else "failed"
        report.failures.append(
            FailedTest(str(case.get("fullName", "?")), "failed", message, path, line)
        )


def parse_rspec_json(path: Path, target: Path) -> TestReport:
    """RSpec's `--format json` report."""
    data = _report_json(path, target, "RSpec")
    report = TestReport(source=f"RSpec JSON {path.name}")
    for example in data.get("examples", []):
        status = example.get("status")
        if status == "passed":
            report.counts.passed += 1
        elif status == "pending":
            report.counts.skipped += 1
        elif status == "failed":
            report.counts.failed += 1
            exception = example.get("exception") or {}
            trace = "\n".join(str(line) for line in exception.get("backtrace") or [])
            path_, line = locate(trace, target, "first")
            if path_ is None:
                path_ = project_path(str(example.get("file_path", "")), target)
                line = example.get("line_number") if path_ else None
            message = f"{exception.get('class', 'failed')}: {exception.get('message', '')}"
            name = str(example.get("full_description") or example.get("id") or "?")
            report.failures.append(FailedTest(name, "failed", message.strip(), path_, line))
    outside = int((data.get("summary") or {}).get("errors_outside_of_examples_count") or 0)
    for message in (data.get("messages") or [])[:outside]:
        report.counts.errors += 1
        path_, line = locate(str(message), target, "first")
        report.failures.append(
            FailedTest("rspec (outside examples)", "error", str(message), path_, line)
        )
    return report


_MINITEST_SUMMARY = re.compile(
    r"^(\d+) (?:runs|tests), \d+ assertions, (\d+) failures, (\d+) errors, (\d+) skips",
    re.MULTILINE,
)
_MINITEST_FAILURE = re.compile(
    r"^\s*\d+\) (?P<kind>Failure|Error):\n(?P<name>[^\n]+?)(?: \[(?P<where>[^\]]+)\])?:\n"
    r"(?P<body>.*?)(?=^\s*\d+\) (?:Failure|Error):|^\d+ (?:runs|tests), |\Z)",
    re.MULTILINE | re.DOTALL,
)


def parse_minitest_output(text: str, target: Path) -> TestReport | None:
    """Minitest's (`rake test`) summaries and its numbered failures."""
    summaries = _MINITEST_SUMMARY.findall(text)
    if not summaries:
        return None
    report = TestReport(source="Minitest output")
    for runs, failures, errors, skips in summaries:
        report.counts.failed += int(failures)
        report.counts.errors += int(errors)
        report.counts.skipped += int(skips)
        report.counts.passed += int(runs) - int(failures) - int(errors) - int(skips)
    for match in _MINITEST_FAILURE.finditer(text):
        where = match.group("where") or match.group("body")
        path_, line = locate(where, target, "first")
        kind: Literal["failed", "error"] = "failed" if match.group("kind") == "Failure" else "error"
        body = match.group("body").strip()
        message = body.splitlines()[0] if body else kind
        report.failures.append(FailedTest(match.group("name").strip(), kind, message, path_, line))
    return report
