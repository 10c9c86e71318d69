"""Versions compared in their ecosystem's scheme: PEP 440 for Python, SemVer 2.0.0 for JS."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.version_schemes import Scheme, parse_version, same_version

SEMVER_PRECEDENCE = [  # the ordering example of the Semantic Versioning 2.0.0 specification
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "2.0.0",
    "2.1.0",
    "2.1.1",
]


def test_semver_precedence_follows_the_specification() -> None:
    parsed = [parse_version(v, "semver") for v in SEMVER_PRECEDENCE]
    assert all(p is not None for p in parsed)
    for left, right in itertools.pairwise(parsed):
        assert left is not None and right is not None
        assert left < right
    assert same_version("1.0.0+build.5", "1.0.0", "semver")  # build metadata has no precedence
    assert same_version("v2.1", "2.1.0", "semver")
    beta = parse_version("1.0.0-alpha.beta", "semver")
    assert (
        beta is not None
        and beta.is_prerelease
        and beta.release() == parse_version("1.0.0", "semver")
    )


def test_pep440_development_and_pre_releases() -> None:
    dev = parse_version("3.2.0.dev", "pep440")
    final = parse_version("3.2.0", "pep440")
    assert dev is not None and final is not None
    assert dev.is_prerelease and dev < final and dev.release() == final
    assert same_version("v1.2", "1.2.0", "pep440")
    assert same_version("1.0rc1", "1.0.0-rc.1", "pep440")  # PEP 440 normalises both spellings
    assert same_version("not a version", "1.0", "pep440") is None
    assert same_version("1.0.0.1", "1.0.0", "semver") is None  # not SemVer: no answer


@given(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99), st.integers(0, 9))
def test_a_pre_release_precedes_its_release_in_both_schemes(
    major: int, minor: int, patch: int, n: int
) -> None:
    base = f"{major}.{minor}.{patch}"
    cases: list[tuple[Scheme, str]] = [
        ("pep440", f"{base}.dev{n}"),
        ("pep440", f"{base}rc{n}"),
        ("semver", f"{base}-beta.{n}"),
    ]
    for scheme, pre in cases:
        early, release = parse_version(pre, scheme), parse_version(base, scheme)
        assert early is not None and release is not None
        assert early < release and early.is_prerelease and not release.is_prerelease
        assert early.release() == release
        assert not same_version(pre, base, scheme)
