"""What the test readers return, and how partial verdicts combine."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

Verdict = bool | None  # True: checks something; False: provably nothing; None: cannot tell


@dataclass
class FoundTest:
    """One test: where it is and whether it checks anything (None: not judged)."""

    name: str
    line: int
    asserts: Verdict
    skipped: bool = False
    intent: str = ""  # what the test says it checks (a Python docstring, a JS/TS title)
    empty: bool = False  # no statement at all besides a docstring, `pass` or `...`
    comments: str = ""  # the comments in its body, one a line (Python, Go)
    # Python, asserting nothing: a container it fills and never reads ("" when none), and
    # whether it is a smoke test (it runs code and keeps no result it could have checked)
    unread: str = ""
    smoke: bool = False
    # Python, asserting nothing: a value `parametrize` gives it under an expectation's name
    # (`expected`) that it never reads ("" when none): the comparison that went missing
    ignored: str = ""
    # Go, asserting nothing: how it shows a result only in its log (`t.Logf` in the branch of
    # an `if`, or of a value the code returned), "" when it does not
    logged: str = ""
    # Python, an empty test method: the base class whose test of the same name, one that runs
    # code, it overrides (switching that inherited test off for its class), "" when none
    overrides: str = ""


def combine(verdicts: Iterable[Verdict]) -> Verdict:
    """Any check makes a check; otherwise anything unknown leaves the whole unknown."""
    unknown = False
    for verdict in verdicts:
        if verdict is True:
            return True
        if verdict is None:
            unknown = True
    return None if unknown else False


NO_CRASH_RE = re.compile(
    r"\b(?:not|never|without|\w+n't|cannot)\s+(?:\w+\s+){0,2}?"
    r"(?:throw|raise|crash|panic|fail|error|overflow|hang|blow|blocking|deadlock)"
    r"|\bno\s+(?:panic|crash|throw|raise|exception|deadlock)|\bsmoke\b"
    # "test for non-panic" (hyphen read as a space): mattn/go-isatty's TestTerminal
    r"|\bnon\s+(?:panic|crash)"
    # a test that fails by blocking into the timeout: "doesn't block", "never blocks"
    r"|\b(?:not|never|\w+n't)\s+blocks?\b"
    # a termination test ("will complete quickly"): it fails by hanging into the timeout
    r"|\b(?:complete|finish|terminate|return)s?\s+(?:quickly|fast|promptly|in\s+time)\b"
)
WORKS_RE = re.compile(
    r"\b(?:works?|succeeds?|can\s+(?:be\s+)?\w+"
    r"|(?:is|are|it's|it\s+is)\s+(?:possible|legal|allowed|accepted|fine|ok|valid))\b",
    re.IGNORECASE,
)


def states_it_works(doc: str) -> bool:
    """The test's docstring says that doing something works ("Instantiation works.", "It's
    possible to subclass ...", "X can create ...", "... doesn't cause a crash"): a test without
    an assertion then checks exactly that, by not failing."""
    return bool(WORKS_RE.search(doc)) or states_no_crash(doc)


WOULD_FAIL_RE = re.compile(r"\bwould\s+(?:\w+\s+)?(?:throw|raise|crash|panic|fail|error)", re.I)


def comments_say_no_crash(comments: str) -> bool:
    """A comment in the test says that not failing is the check: "without @consumer, would
    raise TypeError", "must not raise", "mustn't panic"."""
    return any(
        WOULD_FAIL_RE.search(line) or states_no_crash(re.sub(r"[^\w\s']", " ", line))
        for line in comments.splitlines()
    )


def states_no_crash(name: str) -> bool:
    """The test's name says that not crashing is what it checks ("should not throw if ...",
    `test_does_not_raise`, `TestNoPanicOnEmpty`): asserting nothing else is then its point."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name).replace("_", " ").replace("-", " ")
    return bool(NO_CRASH_RE.search(words.lower()))
