"""Secret forms that used to pass redaction, and the ordinary text next to them that must not
be touched."""

from __future__ import annotations

import time

import pytest

from ai_workflow.ai.redact import is_denied, redact

LEAKED_BEFORE = [
    # a URL password with an empty user
    ("redis://:pw@host", "pw"),
    ("REDIS_URL=redis://:S3cretPass@cache:6379/0", "S3cretPass"),
    # netrc entries, on one line or several
    ("machine api.example.com login alice password hunter22x", "hunter22x"),
    ("machine h\n  login u\n  password p4ss\n", "p4ss"),
    ("machine h password Zq9xW2 login u", "Zq9xW2"),
    ("default login anonymous password 9fQ2kLm8Zx", "9fQ2kLm8Zx"),
    # a secret-sounding name followed by a random-looking value, in other syntaxes
    ("mysql --user root --password S3cr3tV4lue1 db", "S3cr3tV4lue1"),
    ("<password>S3cr3tV4lue1</password>", "S3cr3tV4lue1"),
    ("ENV DB_PASSWORD Zx81kLm2Qp0Rt7Yv", "Zx81kLm2Qp0Rt7Yv"),
    ("api_token -> Zx81kLm2Qp0Rt7Yv", "Zx81kLm2Qp0Rt7Yv"),
    ("client_secret\tq1w2e3r4t5y6", "q1w2e3r4t5y6"),
    # quotes escaped inside a string: test source, JSON in a log line (found by torture.py)
    ('print("DB_PASSWORD = \\"snULgM0Uqbq99vhz\\"")', "snULgM0Uqbq99vhz"),
    ('"{\\"api_key\\": \\"Zx81kLm2Qp0Rt7Yv\\"}"', "Zx81kLm2Qp0Rt7Yv"),
    ('x = "password = \\"correct horse battery\\""', "correct horse"),
]

HELD_BEFORE = [
    ("postgres://admin:Tr0ub4dor3xyz@db.local:5432/app", "Tr0ub4dor3xyz"),
    ("password: 'correct horse battery'", "correct horse"),
    ('db_password = "hunter2hunter2"', "hunter2hunter2"),
    ("api_key=9fQ2kLm8ZxP4rT7v", "9fQ2kLm8ZxP4rT7v"),
    ("PASSWORD=p@ss:word!", "p@ss:word!"),
    ("POSTGRES_PASSWORD: mysecretpassword", "mysecretpassword"),
    ("Authorization: Bearer abcdefghij1234567890XYZ", "abcdefghij1234567890XYZ"),
    ('"token": "Zx81kLm2Qp0Rt7Yv3Wn5"', "Zx81kLm2Qp0Rt7Yv3Wn5"),
    ("my.Access-Key => 'q1w2e3r4t5'", "q1w2e3r4t5"),
]


@pytest.mark.parametrize(("text", "secret"), LEAKED_BEFORE + HELD_BEFORE)
def test_the_secret_is_redacted_and_redaction_is_idempotent(text: str, secret: str) -> None:
    once = redact(text)
    assert secret not in once.text
    assert once.total >= 1
    twice = redact(once.text)
    assert (twice.text, twice.total) == (once.text, 0)


@pytest.mark.parametrize(
    "text",
    [
        "def check_token(token: str) -> bool:",
        "for token in tokens:",
        "password hashing with bcrypt",
        "token tokenizer123",
        "the default password is changeme",
        "the login form password input",
        "api_key apikey_value_here",
        "see token TOKEN_NAME_HERE",
        "the password 12345678 is rejected",
        "https://[::1]:8080/",
        "http://host:8080/x@y",
        "secret <placeholder>",
        "password = password_input",
        "ssh://git@example.com:22/repo.git",
    ],
)
def test_ordinary_text_next_to_them_is_left_alone(text: str) -> None:
    assert redact(text).text == text


@pytest.mark.parametrize("name", [".netrc", "_netrc", "ci.netrc", "home/user/.netrc"])
def test_netrc_files_are_secret_files(name: str) -> None:
    assert is_denied(name)
    assert not is_denied("netrc.md")


@pytest.mark.parametrize(
    "text",
    [
        "x" * 200_000 + " token: Zx81kLm2Qp0Rt7Yv3Wn5",
        "a_" * 100_000 + "=api_key",
        '{"summary": "' + "token" * 40_000 + '"}',
        "https://" * 20_000 + "x",
    ],
)
def test_long_tokens_cost_linear_time(text: str) -> None:
    """A minified file, a base64 blob or a huge answer must not stall redaction (the name
    patterns used to backtrack quadratically: 20 s for 20 KB)."""
    start = time.monotonic()
    redact(text)
    assert time.monotonic() - start < 5
