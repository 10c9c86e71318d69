"""Secret redaction: what never leaves the machine in a prompt, a cache entry, a log or a file.

Two layers. Files on the deny-list (`.env*`, keys, certificates, credential files, plus the
user's `ai.exclude` globs) are never read into a prompt at all. In everything else, values that
look like secrets are replaced by `[REDACTED:<kind>]`: provider-specific token formats (after
gitleaks' well-known rules), private-key blocks, passwords in URLs (an empty user too), netrc
entries, and values given to secret-sounding names or with high entropy. A value given to a
secret-sounding name in any other syntax (`--password VALUE`, `<token>VALUE</token>`,
`ENV DB_PASSWORD VALUE`) is redacted when it looks random, as detect-secrets' keyword and
entropy checks decide: letters and digits, at least 3 bits of entropy per character.
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

DENIED_NAME_GLOBS: tuple[str, ...] = (
    ".env",
    ".env.*",
    "*.env",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.kdbx",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    ".netrc",
    "*.netrc",
    "_netrc",
    ".git-credentials",
    "kubeconfig",
    "kubeconfig.*",
    "*.kubeconfig",
    ".pgpass",
    ".pypirc",
    ".npmrc",
    ".htpasswd",
    "credentials",
    "credentials.*",
    "*credentials*.json",
    "service-account*.json",
    "secrets.*",
    "*.secrets",
    "*.tfvars",
    "*.tfstate",
)
"""Basenames whose files are never put in a prompt."""

MARKER = "[REDACTED:{kind}]"
_PLACEHOLDER = re.compile(r"^(\[REDACTED|\$\{?|<|\{\{|%\(|xxx|changeme|example|dummy)", re.I)
_NAME_CHAR = r"[A-Za-z0-9_.\-]"
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_SECRET_WORDS = (
    r"passw(?:or)?d|pwd|secret|token|api[_\-]?key|apikey|access[_\-]?key|auth[_\-]?key"
    r"|credential|private[_\-]?key|client[_\-]?secret"
)
# A match starts at the secret word (what precedes it in the name is read by `_full_name`), and
# name tails are bounded and taken without backtracking (possessive `{m,n}+`): a 200 KB token in
# a diff or in test output costs linear time, where `[...]*` prefixes took minutes to fail.
_SECRET_NAME = rf"(?:{_SECRET_WORDS}){_NAME_CHAR}{{0,64}}+"
"""From a secret word to the end of its name (`token` in `api_token_v2`)."""
_SECRET_WORD = rf"(?:{_SECRET_WORDS})\b"
_QUOTE_AFTER_NAME = r"\\?[\"']?"
"""A name's closing quote, escaped or not: `"password":` and `\\"password\\":` in a string."""
_OPEN_QUOTE = r"(?P<esc>\\?)(?P<quote>[\"'`]?)"
"""A value's opening quote, escaped or not (the same closes it)."""
_UNQUOTED = r"(?(esc)[^\s\"'`,;\\]|[^\s\"'`,;]){{{n}}}"
"""Value characters: up to a quote, space or separator (and a backslash, after an escaped
quote: it starts the escaped closing quote)."""
"""A secret word that ends its name: `db_password`, not `password_prompt`."""
SECRET_NAME_WORDS = (
    "passw",
    "pwd",
    "secret",
    "token",
    "api",
    "access",
    "auth",
    "credential",
    "private",
    "client",
)
"""One of these is in every name `_SECRET_NAME` and `_SECRET_WORD` match (lowercased)."""
NAME_LOOKBACK = 64


def _full_name(match: re.Match[str]) -> str:
    """The whole name a match's `name` group ends: with the part before the secret word."""
    text, start = match.string, match.start("name")
    first = start
    while first > 0 and start - first < NAME_LOOKBACK and text[first - 1] in _NAME_CHARS:
        first -= 1
    return text[first : match.end("name")]


_TOKEN_CHARS = re.compile(r"[A-Za-z0-9+/=_\-]+")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")  # POSTGRES_PASSWORD: configuration, not code
_CODE_VALUE = re.compile(r"[()\[\]{}]|://|^(?:os|process|env|settings|config|self|getenv)\b")
_WORD = re.compile(r"[A-Za-z]{4,}")
_HASH_NAME = re.compile(r"(hash|sha\d*|digest|checksum|integrity|commit|etag|uuid)", re.I)


_DENIED_NAME_RE = re.compile("|".join(fnmatch.translate(glob) for glob in DENIED_NAME_GLOBS))
"""`DENIED_NAME_GLOBS` as one pattern (a prompt checks hundreds of paths against all of them)."""


def is_denied(path: str, extra_globs: Iterable[str] = ()) -> bool:
    """True when `path` (relative, POSIX) must never be read into a prompt."""
    name = PurePosixPath(path).name
    if _DENIED_NAME_RE.match(name):
        return True
    parts = PurePosixPath(path).parts
    if ".ssh" in parts or ".aws" in parts or ".gnupg" in parts or ".kube" in parts:
        return True
    return any(fnmatchcase(path, glob) or fnmatchcase(name, glob) for glob in extra_globs)


def shannon_entropy(value: str) -> float:
    """Bits per character of `value`."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


@dataclass
class Redaction:
    """The redacted text and how many values of each kind were replaced."""

    text: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    group: int | str = 0  # the group holding the secret; 0 = the whole match
    accept: Callable[[re.Match[str]], bool] | None = None
    # Literals the pattern cannot match without (one of them is in every match), lowercase
    # when the pattern ignores case: a text without any skips the rule. Redaction runs on
    # every finding and prompt piece, most of which hold none.
    needs: tuple[str, ...] = ()
    folded: bool = False

    def may_match(self, text: str, lowered: str) -> bool:
        haystack = lowered if self.folded else text
        return not self.needs or any(literal in haystack for literal in self.needs)


def _looks_secret(match: re.Match[str]) -> bool:
    """A quoted literal, or an unquoted token-like value (not code such as `a.b` or `f(x)`)."""
    value = match.group("value")
    if _PLACEHOLDER.match(value):
        return False
    if match.group("quote"):
        return True
    if _CODE_VALUE.search(value):
        return False  # os.environ["X"], get_secret(), a URL without a password
    if _ENV_NAME.fullmatch(_full_name(match)):
        return True  # DB_PASSWORD=SuperSecretPassword, PASSWORD=p@ss:word!
    if not _TOKEN_CHARS.fullmatch(value):
        return False
    if value.isidentifier() and (value.islower() or value.isupper()):
        return False  # a variable or constant name such as `api_token2`
    return any(c.isdigit() for c in value) and shannon_entropy(value) >= 3.0


def _random_looking(value: str) -> bool:
    """A value that is no word, name or placeholder: letters and digits mixed, at least three
    bits of entropy per character (detect-secrets' threshold for hex strings)."""
    if _PLACEHOLDER.match(value) or _CODE_VALUE.search(value):
        return False
    if value.isidentifier() and (value.islower() or value.isupper()) and _WORD.search(value):
        return False  # a name such as `tokenizer123` or `API_TOKEN_2`
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return has_digit and has_alpha and shannon_entropy(value) >= 3.0


def _high_entropy(match: re.Match[str]) -> bool:
    if _HASH_NAME.search(_full_name(match)):
        return False
    value = match.group("value")
    if _PLACEHOLDER.match(value):
        return False
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return has_digit and has_alpha and shannon_entropy(value) >= 4.0


_RULES: tuple[_Rule, ...] = (
    _Rule(
        "private-key",
        re.compile(
            r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----.*?"
            r"(?:-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
            re.S,
        ),
        needs=("-----BEGIN",),
    ),
    _Rule(
        "aws-access-key",
        re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b"),
        needs=("AKIA", "ASIA", "ABIA", "ACCA", "A3T"),
    ),
    _Rule(
        "github-token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"),
        needs=("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    _Rule("anthropic-key", re.compile(r"\bsk-ant-[A-Za-z0-9_\-]{20,}"), needs=("sk-ant-",)),
    _Rule(
        "openai-key",
        re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}"),
        needs=("sk-",),
    ),
    _Rule("slack-token", re.compile(r"\bxox[abposr]-[A-Za-z0-9\-]{10,}"), needs=("xox",)),
    _Rule("google-api-key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"), needs=("AIza",)),
    _Rule(
        "stripe-key",
        re.compile(r"\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}\b"),
        needs=("_live_", "_test_"),
    ),
    _Rule("gitlab-token", re.compile(r"\bglpat-[0-9A-Za-z_\-]{20,}\b"), needs=("glpat-",)),
    _Rule(
        "jwt",
        re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"),
        needs=("eyJ",),
    ),
    _Rule(
        "url-password",
        re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]{0,30}://[^/\s:@]{0,256}:([^@\s/]{1,256})@"),
        group=1,
        accept=lambda m: not _PLACEHOLDER.match(m.group(1)),
        needs=("://",),
    ),
    _Rule(
        "netrc-password",
        re.compile(
            r"(?im)(?:\bmachine\s+\S+|^[ \t]*default)(?:\s+(?:login|account)\s+\S+)*"
            r"\s+password\s+(?P<value>\S+)"
        ),
        group=1,
        accept=lambda m: not _PLACEHOLDER.match(m.group("value")),
        needs=("password",),
        folded=True,
    ),
    _Rule(
        "secret-assignment",
        re.compile(
            rf"(?i)(?P<name>{_SECRET_NAME}){_QUOTE_AFTER_NAME}\s*(?::=|=>|[:=])\s*"
            rf"{_OPEN_QUOTE}(?P<value>{_UNQUOTED.format(n='6,')})(?P=esc)(?P=quote)"
        ),
        group="value",
        accept=_looks_secret,
        needs=SECRET_NAME_WORDS,
        folded=True,
    ),
    _Rule(
        "bearer-token",
        re.compile(r"(?i)\bbearer\s+([A-Za-z0-9._~+/\-]{12,}=*)"),
        group=1,
        accept=lambda m: any(c.isdigit() for c in m.group(1)) or len(m.group(1)) >= 24,
        needs=("bearer",),
        folded=True,
    ),
    _Rule(
        "authorization-header",
        re.compile(
            r"(?i)\bauthorization[\"']?\s*[:=]\s*[\"']?(?:basic|bearer|token)?\s*([^\s\"']{8,})"
        ),
        group=1,
        accept=lambda m: (
            not m.group(1).startswith("[REDACTED") and not _PLACEHOLDER.match(m.group(1))
        ),
        needs=("authorization",),
        folded=True,
    ),
    _Rule(
        "secret-assignment",
        re.compile(
            rf"(?i)(?P<name>{_SECRET_WORD}){_QUOTE_AFTER_NAME}\s*(?::=|=>|[:=])\s*"
            r"(?P<esc>\\?)(?P<quote>[\"'`])(?P<value>[^\"'`\n]*?\s[^\"'`\n]*?)(?P=esc)(?P=quote)"
        ),
        group="value",
        accept=lambda m: (
            len(m.group("value").strip()) >= 6 and not _PLACEHOLDER.match(m.group("value"))
        ),
        needs=SECRET_NAME_WORDS,
        folded=True,
    ),
    _Rule(
        "secret-assignment",
        re.compile(
            rf"(?i)(?P<name>{_SECRET_WORD}){_QUOTE_AFTER_NAME}(?:[ \t]+|[ \t]*(?:->|>)[ \t]*)"
            rf"{_OPEN_QUOTE}(?P<value>(?(esc)[^\s\"'`<>,;\\]|[^\s\"'`<>,;]){{8,}})(?P=esc)(?P=quote)"
        ),
        group="value",
        accept=lambda m: _random_looking(m.group("value")),
        needs=SECRET_NAME_WORDS,
        folded=True,
    ),
    _Rule(
        "high-entropy",
        re.compile(
            rf"(?P<name>[A-Za-z_]{_NAME_CHAR}{{0,127}}+){_QUOTE_AFTER_NAME}\s*(?::=|=>|[:=])\s*"
            rf"{_OPEN_QUOTE}(?P<value>[A-Za-z0-9+/=_\-]{{20,}})(?P=esc)(?P=quote)"
        ),
        group="value",
        accept=_high_entropy,
        needs=(":", "="),
    ),
)


def _apply(rule: _Rule, text: str, counts: Counter[str]) -> str:
    marker = MARKER.format(kind=rule.kind)

    def replace(match: re.Match[str]) -> str:
        if rule.accept is not None and not rule.accept(match):
            return match.group(0)
        counts[rule.kind] += 1
        if rule.group == 0:
            return marker
        start, end = match.span(rule.group)
        offset = match.start()
        whole = match.group(0)
        return whole[: start - offset] + marker + whole[end - offset :]

    return rule.pattern.sub(replace, text)


def redact(text: str) -> Redaction:
    """Replace every secret-looking value in `text` by `[REDACTED:<kind>]`."""
    counts: Counter[str] = Counter()
    lowered = text.lower()
    for rule in _RULES:
        if rule.may_match(text, lowered):
            text = _apply(rule, text, counts)
            lowered = text.lower() if counts else lowered
    return Redaction(text, counts)
