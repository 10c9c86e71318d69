"""The exception a failed pytest test's captured output ends with, for its finding's message.

A test that drives a subprocess fails where it waits, not where the subprocess died: hupper
1.12's `test_myapp_reloads_when_touching_ini` fails with "RuntimeError: timeout waiting for
change to file=..." in tests/util.py, and the cause, the test app's
`ModuleNotFoundError: No module named 'pytest_cov.embed'`, is only in the test's
"Captured stderr teardown" section of pytest's terminal report (the JUnit report leaves
captured output out). The last exception line of a failed test's captured sections is named
beside the failure; a test whose captured output shows no exception keeps its message.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^_{3,} (?P<name>\S.*?) _{3,}$")
_CAPTURED = re.compile(r"^-{3,} Captured (?:stderr|stdout|log) (?:setup|call|teardown) -{3,}$")
_SECTION = re.compile(r"^={3,}")
_EXCEPTION = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Exit): \S.*$")


def captured_exceptions(output: str) -> dict[str, str]:
    """By the name in each failure's header of pytest's terminal report (`test_x`,
    `TestCase.test_x`, `test_x[param]`), the last exception line of its captured sections."""
    found: dict[str, str] = {}
    name: str | None = None
    captured = False
    for raw in output.splitlines():
        line = raw.rstrip()
        header = _HEADER.match(line)
        if header and not line.startswith("_ _"):
            name, captured = header.group("name"), False
        elif _SECTION.match(line):
            name, captured = None, False
        elif _CAPTURED.match(line):
            captured = True
        elif name is not None and captured and _EXCEPTION.match(line):
            found[name] = line
    return found


def captured_cause(found: dict[str, str], case: tuple[str, ...]) -> str | None:
    """The exception line captured for the test a JUnit report names (classname, name)."""
    if len(case) != 2 or not case[1]:
        return None
    classname, name = case
    for header in (name, f"{classname.rsplit('.', 1)[-1]}.{name}"):
        if header in found:
            return found[header]
    return None
