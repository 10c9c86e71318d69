"""Version numbers compared the way their ecosystem defines them, never as strings.

Python versions follow PEP 440 (`packaging.version`: `1.2` == `1.2.0`, `3.2.0.dev1` is a
pre-release of `3.2.0`); JavaScript versions follow Semantic Versioning 2.0.0 (`semver`:
`1.0.0-alpha.beta` < `1.0.0-beta`, build metadata ignored). A leading `v` is allowed in both.
A value the scheme cannot parse compares as nothing: callers report no mismatch for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import total_ordering
from typing import Any, Literal

import semver
from packaging.version import InvalidVersion
from packaging.version import Version as Pep440Version

Scheme = Literal["pep440", "semver"]


@total_ordering
@dataclass(frozen=True, eq=False)
class ParsedVersion:
    """A version in one scheme: ordered, with its final release and pre-release flag."""

    text: str
    scheme: Scheme
    key: Any  # packaging's Version or semver's Version: both totally ordered within a scheme
    release_key: Any
    is_prerelease: bool  # pre-release or development release (`rc1`, `.dev0`, `-beta.2`)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ParsedVersion) or other.scheme != self.scheme:
            return NotImplemented
        return bool(self.key == other.key)

    def __lt__(self, other: ParsedVersion) -> bool:
        if other.scheme != self.scheme:
            return NotImplemented
        return bool(self.key < other.key)

    def __hash__(self) -> int:
        return hash((self.scheme, str(self.key)))

    def release(self) -> ParsedVersion:
        """The final release this version leads to: `3.2.0.dev1` -> `3.2.0`."""
        return ParsedVersion(self.text, self.scheme, self.release_key, self.release_key, False)


def parse_version(value: str, scheme: Scheme) -> ParsedVersion | None:
    """`value` in `scheme`, or None when it is not a valid version there."""
    text = value.strip()
    if scheme == "pep440":
        try:
            version = Pep440Version(text)
        except InvalidVersion:
            return None
        final = Pep440Version(version.base_version)
        return ParsedVersion(text, scheme, version, final, version.is_prerelease)
    try:
        sem = semver.Version.parse(text.removeprefix("v").removeprefix("V"), True)
    except (ValueError, TypeError):
        return None
    final_sem = sem.finalize_version()
    return ParsedVersion(text, scheme, sem, final_sem, sem.prerelease is not None)


def same_version(a: str, b: str, scheme: Scheme) -> bool | None:
    """Whether two versions are equal in `scheme`; None when either does not parse."""
    left, right = parse_version(a, scheme), parse_version(b, scheme)
    if left is None or right is None:
        return None
    return left == right
