"""Tell a test that failed because the suite ran as root from a test that failed.

Root ignores file permissions: a directory made read-only with `chmod -w` stays writable for it,
and a file with mode 000 stays readable. A test that checks that the project refuses or reports
such a file ("isn't writable", `Permission denied`, `EACCES`) expects a denial that never comes
when the suite runs as root (a container, CI image or this machine), and it fails although the
project is right. Such a failure is the machine's, not the project's: when the process runs as
uid 0 and the failed test is about permissions (its message says so, or its own code removes a
permission with chmod before the failing line), the step reports it as a warning that names root
as the cause. Any other failure, and every failure of a run as a normal user, stays an error.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ai_workflow.testcmd.reports import FailedTest
from ai_workflow.textfiles import read_utf8

PERMISSION_WORDS = re.compile(
    r"permission denied|\bEACCES\b|\bEPERM\b|PermissionError|operation not permitted|"
    r"\b(?:not |non-?|un|isn't |is not )(?:writ(?:e)?able|readable|executable)\b",
    re.IGNORECASE,
)
CHMOD = re.compile(r"\bchmod\b(?P<rest>[^\n]*)")
SYMBOLIC_REMOVAL = re.compile(r"(?:^|[\s'\",(])[ugoa]*-[rwxX]+\b")
OCTAL_MODE = re.compile(r"(?:^|[\s'\",(])(?:0o)?(?P<mode>[0-7]{1,4})\b")
TEST_START = re.compile(
    r"^\s*(?:@test\b|(?:async\s+)?def\s+test|func\s+Test|(?:it|test|describe)\s*\(|"
    r"#\[test\]|class\s+Test)"
)
MAX_TEST_LINES = 200
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
    message is about permissions, or the test's code removes a permission with chmod."""
    if not (running_as_root() if as_root is None else as_root):
        return False
    if PERMISSION_WORDS.search(f"{failure.name}\n{failure.message}"):
        return True
    code = _test_code(target, failure)
    return any(_removes_permission(m.group("rest")) for m in CHMOD.finditer(code))


def _removes_permission(arguments: str) -> bool:
    """A chmod's arguments take a permission away from the owner (`-w`, `a-r`, `000`, `0o444`)."""
    if SYMBOLIC_REMOVAL.search(arguments):
        return True
    for match in OCTAL_MODE.finditer(arguments):
        owner = int(match.group("mode")[-3:].rjust(3, "0")[0], 8)
        if owner & 0o6 != 0o6:  # the owner cannot read or cannot write
            return True
    return False


def _test_code(target: Path, failure: FailedTest) -> str:
    """The failed test's own lines: from the start of the test that holds the failing line to
    that line (nothing when the report gives no place in a readable file of the project)."""
    if failure.path is None or failure.line is None:
        return ""
    text = read_utf8(target / failure.path, root=target)
    if text is None:
        return ""
    lines = text.splitlines()[: failure.line]
    for start in range(len(lines) - 1, max(-1, len(lines) - 1 - MAX_TEST_LINES), -1):
        if TEST_START.match(lines[start]):
            return "\n".join(lines[start:])
    return ""
