"""Tell a Go test that failed because this machine cannot resolve host names.

A Go test of a function that looks a host name up (`net.LookupMX`, `net.LookupIP`,
`net.Dial`, `http.Get`, ...) fails on a machine without a network, and its message is the
test's own assertion, no resolver error: asaskevich/govalidator's TestIsExistingEmail expects
`IsExistingEmail("foo@bar.com")` true and gets false, because IsExistingEmail answers with
`net.LookupMX` and `net.LookupIP` of the domain. When the failed test's function reaches such
a call (itself, or through functions of its package, a few calls deep) and host names do not
resolve on this machine, the failure is the machine's: `steps.test_execution` reports it with
the other tests this machine cannot run, not as the project's failure. A test that reaches no
network call, and every failure on a machine where host names resolve, stays the project's.
"""

from __future__ import annotations

import re
import socket
import threading
from pathlib import Path

from ai_workflow.testcmd.reports import FailedTest
from ai_workflow.textfiles import read_utf8

NETWORK_CALL = re.compile(
    r"\bnet\.(?:Lookup\w+|Dial\w*|Resolve\w+Addr)\s*\(|"
    r"\bhttp\.(?:Get|Head|Post|PostForm)\s*\(|\bnet\.DefaultResolver\b"
)
"""A Go call that needs host names to resolve (or a network to reach)."""
GO_FUNC = re.compile(r"^func\s+(?:\([^)]*\)\s*)?(?P<name>[A-Za-z_]\w*)\s*[\[(]")
TEST_NAME = re.compile(r"(?:^|\.)(?P<name>(?:Test|Example)\w*)(?:/|$)")
CALLED = re.compile(r"\b(?P<name>[A-Za-z_]\w*)\s*\(")
DEPTH = 3
PROBE_HOST = "example.com"  # IANA's reserved example domain: it resolves wherever DNS works
PROBE_SECONDS = 5.0


def host_names_resolve(host: str = PROBE_HOST, timeout: float = PROBE_SECONDS) -> bool:
    """True when `host` resolves on this machine within `timeout` seconds."""
    answer: list[bool] = []

    def look_up() -> None:
        try:
            socket.getaddrinfo(host, 443)
        except (OSError, UnicodeError):
            answer.append(False)
        else:
            answer.append(True)

    worker = threading.Thread(target=look_up, daemon=True)
    worker.start()
    worker.join(timeout)
    return bool(answer and answer[0])


def offline_caused(target: Path, failure: FailedTest, *, offline: bool | None = None) -> str | None:
    """How the failed Go test reaches the network (`TestX looks host names up with
    net.LookupMX through F`) when host names do not resolve here (`offline`, default: probed
    once the test is found to reach such a call); None when it reaches none, the failure is
    no Go test's, or host names resolve."""
    if failure.path is None or not failure.path.endswith("_test.go"):
        return None
    named = TEST_NAME.search(failure.name)
    if named is None:
        return None
    package = (target / failure.path).parent
    bodies = _functions(target, package)
    test = named.group("name")
    reached = _network_call(bodies, test, DEPTH, ())
    if reached is None:
        return None
    if offline is None:
        offline = not host_names_resolve()
    if not offline:
        return None
    call, through = reached
    via = f" through {' and '.join(through)}" if through else ""
    return f"{test} looks host names up with {call}{via}"


def _functions(target: Path, package: Path) -> dict[str, str]:
    """The bodies of the functions and methods the Go files of `package` define, by name (a
    gofmt'ed function ends at the first `}` at the start of a line)."""
    bodies: dict[str, str] = {}
    if not package.is_dir():
        return bodies
    for path in sorted(package.glob("*.go")):
        text = read_utf8(path, root=target)
        if text is None:
            continue
        lines = text.splitlines()
        for start, line in enumerate(lines):
            found = GO_FUNC.match(line)
            if found is None:
                continue
            end = next((n for n in range(start, len(lines)) if lines[n].rstrip() == "}"), start)
            bodies.setdefault(found.group("name"), "\n".join(lines[start : end + 1]))
    return bodies


def _network_call(
    bodies: dict[str, str], name: str, depth: int, through: tuple[str, ...]
) -> tuple[str, tuple[str, ...]] | None:
    """The network call function `name` makes, itself or through the package's functions it
    calls (`depth` calls deep), and the functions it goes through; None when it makes none."""
    body = bodies.get(name)
    if body is None:
        return None
    own = NETWORK_CALL.search(body)
    if own is not None:
        return own.group(0).rstrip("( \t"), through
    if depth == 0:
        return None
    for called in dict.fromkeys(m.group("name") for m in CALLED.finditer(body)):
        if called == name or called in through:
            continue
        reached = _network_call(bodies, called, depth - 1, (*through, called))
        if reached is not None:
            return reached
    return None
