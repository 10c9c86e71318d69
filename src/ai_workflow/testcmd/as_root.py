"""Tell a test that failed because the suite ran as root from a test that failed.

Root ignores file permissions: a directory made read-only with `chmod -w` stays writable for it,
and a file with mode 000 stays readable. A test that checks that the project refuses or reports
such a file ("isn't writable", `Permission denied`, `EACCES`) expects a denial that never comes
when the suite runs as root (a container, CI image or this machine), and it fails although the
project is right. Such a failure is the machine's, not the project's: when the process runs as
uid 0 and the failed test is about permissions (its message says so; or its own code, before the
failing line, removes a permission with chmod or makes a file or directory with a mode that
denies its owner reading or writing, `fs.mkdirSync(dir, 0o0)`, `os.mkdir(p, 0o000)`, `mkdir -m
000`; or the test class or suite its name gives calls a chmod helper of the same file:
argparse.js's TestFileTypeW sets up a 0o400 file through `create_readonly_file`), the step
reports it as info that names root as the cause. Any other failure, and every failure of a run
as a normal user, stays an error.

Root may also change any file's owner: `chown` never fails with EPERM for it, and a project may
treat an EPERM from chown differently when it is root (graceful-fs 4.2.10's `chownErOk` ignores
EPERM/EINVAL only for a non-root user, and its test/chown-er-ok.js expects the non-root
behaviour). A failure whose message names an ownership call (`syscall: chown`), or whose test
code both calls one (chown, lchown, fchown, setuid...) and names a permission error (EPERM,
EACCES, ...), is put down to root too. A test file with no test function (a TAP script that
asserts at its top level) is read from its start to the failing line. When the runner writes no
report the step reads (node-tap's classic reporter behind `| tap -c -`), the `not ok` blocks of
its output are the failures (`failures_in_output`), and so are the `✖` marks of a reporter that
prettifies TAP (`tape tests/*.js | tap-spec`, faucet): the command's failure is root's only when
every one of them is. Such a failure often names no line of the test (tape's `plan != count`
is placed in the helper that ends the test), so the test is also found by the title the output
gives it (tape's `# title` comment, tap-spec's heading): klaw 4.0.1's test('walk directory, if
error on readdir, at least end') makes its directory with `fs.chmodSync(dir, '0222')`.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path, PurePosixPath

from ai_workflow.project_files import list_project_files
from ai_workflow.testcmd.reports import FailedTest
from ai_workflow.textfiles import read_utf8

PERMISSION_WORDS = re.compile(
    r"permission denied|\bEACCES\b|\bEPERM\b|PermissionError|operation not permitted|"
    r"\b(?:not |non-?|un|isn't |is not )(?:writ(?:e)?able|readable|executable)\b",
    re.IGNORECASE,
)
OWNERSHIP = re.compile(
    r"\b(?:l|f)?chown(?:Sync|at)?\b|\bset(?:e|re|res)?[ug]id\b",
    re.IGNORECASE,
)
"""A call that changes a file's owner or the process's user: only root may do it freely."""
CHMOD = re.compile(r"\b(?:l|f)?(?:chmod|Chmod)(?:Sync)?\b(?P<rest>[^\n]*)")
"""chmod in a shell, Python's `os.chmod`/`Path.chmod`, Node's `fs.chmodSync`, Go's `os.Chmod`."""
CREATED_WITH_MODE = re.compile(
    r"\b(?:mkdir|makedirs|mkdirSync|Mkdir|MkdirAll|os\.open|openSync|OpenFile|writeFileSync|"
    r"WriteFile)\s*\([^\n]*?(?:,\s*|\bmode\s*[:=]\s*)(?P<mode>0(?:o?[0-7]{1,4})?)\s*[,)}]"
)
"""A file or directory made with an octal mode argument (a literal with a leading 0):
Python's `os.mkdir(p, 0o000)` or `Path.mkdir(mode=0o500)`, Node's `fs.mkdirSync(p, 0o0)` or
`{ mode: 0o400 }`, Go's `os.Mkdir(p, 0)`/`os.WriteFile(p, b, 0o444)`. Made so, it is as
unreadable or unwritable for its owner as after a chmod."""
SHELL_CREATED_WITH_MODE = re.compile(
    r"\b(?:mkdir|install)\b[^\n;|&]*?\s-m\s*(?P<mode>[0-7]{3,4}|[ugoa]*[-=][rwxX]*)(?=\s)"
)
"""`mkdir -m 000 dir`, `install -m 0444 ...` in a shell test."""
SYMBOLIC_REMOVAL = re.compile(r"(?:^|[\s'\",(])[ugoa]*-[rwxX]+\b")
OCTAL_MODE = re.compile(r"(?:^|[\s'\",(])(?:0o)?(?P<mode>[0-7]{1,4})\b")
TEST_START = re.compile(
    r"^\s*(?:@test\b|(?:async\s+)?def\s+test|func\s+Test|(?:it|test|describe)\s*\(|"
    r"#\[test\]|class\s+Test)"
)
MAX_TEST_LINES = 200
MAX_BLOCK_LINES = 400
CALLED = re.compile(r"\b(?P<name>[A-Za-z_]\w*)\s*\(")
HELPER_DEPTH = 2
ROOT_NOTE = (
    "run as root: root ignores file permissions, so a test expecting a permission denial "
    "fails; run the tests as a normal user to check it"
)


def running_as_root() -> bool:
    """True when this process runs with uid 0 (where the platform has uids)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def root_caused(target: Path, failure: FailedTest, *, as_root: bool | None = None) -> bool:
    """True when `failure` is a permission test that failed only because the suite ran as
    root: the process is root (`as_root`, default: this process) and the failure's name or
    message is about permissions, or the test's code removes a permission with chmod or makes
    a file or directory with a mode that denies its owner."""
    if not (running_as_root() if as_root is None else as_root):
        return False
    said = f"{failure.name}\n{failure.message}"
    if PERMISSION_WORDS.search(said) or OWNERSHIP.search(said):
        return True
    text = _file_text(target, failure)
    if text is None:
        return _titled_permission_test(target, failure)
    lines = text.splitlines()
    own = _test_code(lines, failure.line) or "\n".join(lines[: failure.line or 0])
    if own and (_takes_permission(lines, own, HELPER_DEPTH, made=True) or _expects_denial(own)):
        return True
    # a suite's block also holds its other tests: a mode-0 directory one of them makes says
    # nothing of the rest, so only a chmod (a setUp's or a helper's) counts there
    suites = _suites(lines, failure.name)
    return any(
        _takes_permission(lines, suite, HELPER_DEPTH, made=False) or _expects_denial(suite)
        for suite in suites
        if suite
    ) or _titled_permission_test(target, failure)


def _titled_permission_test(target: Path, failure: FailedTest) -> bool:
    return titled_permission_file(target, failure) is not None


def titled_permission_file(target: Path, failure: FailedTest) -> str | None:
    """The test file whose test the failure's title names (`test('title', ...)` in a
    JavaScript or TypeScript test file of the project) when that test removes a permission or
    expects a denial, itself or through a function of its file; else None."""
    if not failure.case:
        return None
    call = re.compile(TITLED_CALL.format(re.escape(failure.case[0])))
    for rel in _test_files(target):
        text = read_utf8(target / rel, root=target)
        if text is None or failure.case[0] not in text:
            continue
        lines = text.splitlines()
        for number, line in enumerate(lines):
            if call.search(line):
                block = _block(lines, number)
                if _takes_permission(lines, block, HELPER_DEPTH, made=True):
                    return rel
                if _expects_denial(block):
                    return rel
    return None


@functools.lru_cache(maxsize=8)
def _test_files(target: Path) -> list[str]:
    """The project's JavaScript and TypeScript files under a test directory or named as tests
    (listed once per project: a run asks for each of its failures)."""
    found = [
        rel
        for rel in list_project_files(target)
        if PurePosixPath(rel).suffix in TEST_SUFFIXES and TEST_PATH.search(rel)
    ]
    return found[:MAX_TITLE_FILES]


def _expects_denial(code: str) -> bool:
    """`code` changes an owner (chown) and names the permission error it handles (EPERM)."""
    return bool(OWNERSHIP.search(code) and PERMISSION_WORDS.search(code))


NOT_OK = re.compile(r"^(?P<indent>[ \t]*)not ok\b[ \t]*(?:\d+\b)?[ \t-]*(?P<name>.*)$", re.M)
CROSS = re.compile(r"^(?P<indent>[ \t]*)[✖✗\u00d7][ \t]+(?P<name>\S.*)$", re.M)
"""A failed assertion as tap-spec and faucet print it: `✖ plan != count`."""
MARKS = "✔✓✖✗\u00d7"
"""The marks a prettified TAP reporter puts before an assertion (passed or failed)."""
SUMMARY = re.compile(r"^\s*(?:Failed Tests:|[✖✗] failing tests:)", re.M)
"""The closing list that repeats every failure: tap-spec's, and Node's test runner's (spec)."""
TAP_TITLE = re.compile(r"^#[ \t]+(?:Subtest:[ \t]*)?(?P<title>\S.*?)\s*$", re.M)
TAP_TALLY = re.compile(r"(?:tests|pass|fail|skip|todo|ok)\b(?:\s+\d+)?$")
YAML_FILE = re.compile(r"^\s*file:\s*['\"]?(?P<file>[^'\"\s]+)", re.M)
YAML_LINE = re.compile(r"^\s*line:\s*(?P<line>\d+)\s*$", re.M)
AT_PLACE = re.compile(r"^\s*at:\s*(?:[^\n(]*\()?(?P<file>[^\s():]+):(?P<line>\d+):\d+\)?\s*$", re.M)
"""tape's `at: <anonymous> (/path/test.js:18:51)`."""
TITLED_CALL = r"""(?:^|[\s;(])(?:test|it|tape|specify|t\.test)(?:\.\w+)?\s*\(\s*(['"`]){}\1"""
"""A test call with the title in `{}`: `test('title', ...)`, `it.only("title", ...)`."""
TEST_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"})
MAX_TITLE_FILES = 400
TEST_PATH = re.compile(r"(?:^|/)(?:tests?|specs?|__tests__)/|[._-](?:test|spec)\.[cm]?[jt]sx?$")


def failures_in_output(output: str) -> list[FailedTest]:
    """The `not ok` blocks of a TAP-like output (node-tap's classic reporter included), else
    the `✖` marks of a prettified one (tap-spec): each one's name, its indented diagnostics as
    the message, the `file:`/`line:` or `at:` place it names, and the title of the test that
    holds it (`case`: tape's last `# title` comment, tap-spec's heading above the mark)."""
    found = [
        _failure(output, match, _tap_title(output[: match.start()]))
        for match in NOT_OK.finditer(output)
    ]
    if found:
        return found
    end = SUMMARY.search(output)
    body = output[: end.start()] if end else output
    return [_failure(body, match, _heading(body, match)) for match in CROSS.finditer(body)]


def _failure(output: str, match: re.Match[str], title: str | None) -> FailedTest:
    indent = len(match.group("indent"))
    lines = []
    for text in output[match.end() :].split("\n")[1:]:
        ruled = set(text.strip()) == {"-"}  # tap-spec's rule under the mark
        if text.strip() and len(text) - len(text.lstrip()) <= indent and not ruled:
            break
        lines.append(text)
    message = "\n".join(lines)
    place = YAML_FILE.search(message)
    line = YAML_LINE.search(message)
    if place is None and (at := AT_PLACE.search(message)) is not None:
        place, line = at, at
    return FailedTest(
        match.group("name").strip() or "?",
        "failed",
        message,
        place.group("file") if place else None,
        int(line.group("line")) if line and place else None,
        case=(title,) if title else (),
    )


def _tap_title(before: str) -> str | None:
    """The last `# title` comment (tape's test title) before a `not ok`, not a tally."""
    titles = [m["title"] for m in TAP_TITLE.finditer(before) if not TAP_TALLY.match(m["title"])]
    return titles[-1] if titles else None


def _heading(output: str, match: re.Match[str]) -> str | None:
    """The nearest line above a `✖` mark that is indented less and is no mark itself."""
    indent = len(match.group("indent"))
    for text in reversed(output[: match.start()].split("\n")):
        stripped = text.strip()
        if stripped and len(text) - len(text.lstrip()) < indent and stripped[0] not in MARKS:
            return stripped
    return None


def _takes_permission(lines: list[str], code: str, depth: int, *, made: bool) -> bool:
    """`code` removes a permission with chmod (or, when `made`, makes a file or directory
    with a mode that denies its owner), itself or through a function of the same file that it
    calls (followed `depth` calls deep)."""
    if any(_removes_permission(m.group("rest")) for m in CHMOD.finditer(code)):
        return True
    if made and any(_denies_owner(m["mode"]) for m in CREATED_WITH_MODE.finditer(code)):
        return True
    if made and any(_denies_owner(m["mode"]) for m in SHELL_CREATED_WITH_MODE.finditer(code)):
        return True
    if depth == 0:
        return False
    called = dict.fromkeys(m.group("name") for m in CALLED.finditer(code))
    return any(
        _takes_permission(lines, body, depth - 1, made=made)
        for name in called
        if (body := _definition(lines, name)) is not None
    )


def _removes_permission(arguments: str) -> bool:
    """A chmod's arguments take a permission away from the owner (`-w`, `a-r`, `000`, `0o444`)."""
    if SYMBOLIC_REMOVAL.search(arguments):
        return True
    return any(_owner_lacks_rw(match.group("mode")) for match in OCTAL_MODE.finditer(arguments))


def _denies_owner(mode: str) -> bool:
    """A creation mode (`0o0`, `0`, `000`, `0444`, `a-w`, `u=r`) leaves the owner without read
    or write."""
    symbolic = re.fullmatch(r"(?P<who>[ugoa]*)(?P<op>[-=])(?P<perms>[rwxX]*)", mode)
    if symbolic is not None:
        if symbolic["who"] and not set(symbolic["who"]) & {"u", "a"}:
            return False
        perms = symbolic["perms"]
        if symbolic["op"] == "-":
            return bool(set(perms) & {"r", "w"})
        return not {"r", "w"} <= set(perms)
    return _owner_lacks_rw(mode[2:] if mode.startswith("0o") else mode)


def _owner_lacks_rw(digits: str) -> bool:
    """An octal mode's digits (`444`, `0`, `0755`) leave the owner unable to read or write."""
    owner = int(digits[-3:].rjust(3, "0")[0], 8)
    return owner & 0o6 != 0o6


def _file_text(target: Path, failure: FailedTest) -> str | None:
    """The text of the file the report places the failure in (None: no place, or unreadable)."""
    if failure.path is None or failure.line is None:
        return None
    return read_utf8(target / failure.path, root=target)


def _test_code(lines: list[str], line: int | None) -> str:
    """The failed test's own lines: from the start of the test that holds the failing line to
    that line."""
    lines = lines[: line or 0]
    for start in range(len(lines) - 1, max(-1, len(lines) - 1 - MAX_TEST_LINES), -1):
        if TEST_START.match(lines[start]):
            return "\n".join(lines[start:])
    return ""


def _suites(lines: list[str], name: str) -> list[str]:
    """The blocks of the test classes or suites the failure's name gives (`TestFileTypeW` of
    `TestFileTypeW.test_failures_one_group_listargs`) that this file defines."""
    parts = [p for p in re.split(r"\.|::|/| > ", name)[:-1] if re.fullmatch(r"[A-Za-z_]\w*", p)]
    blocks = []
    for part in dict.fromkeys(parts):
        start = re.compile(
            rf"^\s*(?:.*\bclass\s+{part}\b|(?:describe|context|suite)\s*\(\s*['\"`]{part}['\"`]"
            rf"|func\s+{part}\b)"
        )
        found = next((n for n, text in enumerate(lines) if start.match(text)), None)
        if found is not None:
            blocks.append(_block(lines, found))
    return blocks


def _definition(lines: list[str], name: str) -> str | None:
    """The body of the function or method `name` this file defines (`def name(`, `function
    name(`, `func name(`, a method `name(args) {`), or None."""
    start = re.compile(
        rf"^\s*(?:(?:async|static|public|private|protected)\s+)*"
        rf"(?:(?:def|function\*?|func(?:\s*\([^)]*\))?)\s+{name}\s*\(|{name}\s*\([^)]*\)\s*\{{)"
    )
    found = next((n for n, text in enumerate(lines) if start.match(text)), None)
    return None if found is None else _block(lines, found)


def _block(lines: list[str], start: int) -> str:
    """The block that starts at line `start`: the lines up to the next one indented no deeper
    (a closing bracket at the same depth included)."""
    depth = _indent(lines[start])
    end = start + 1
    while end < min(len(lines), start + MAX_BLOCK_LINES):
        text = lines[end]
        if text.strip() and _indent(text) <= depth:
            if text.lstrip()[:1] in ")]}":
                end += 1
            break
        end += 1
    return "\n".join(lines[start:end])


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())
