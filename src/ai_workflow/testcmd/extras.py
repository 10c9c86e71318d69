"""Tell a test that failed because an optional extra of the project is not installed here.

A library keeps an optional feature's dependency out of its requirements and names the extra
that brings it when the feature is used without it: validators 0.36.0's `eth_address` raises
``ImportError("Do `pip install validators[crypto-eth-addresses]` to perform `eth_address`
validation.")`` when eth-hash is absent, and its tox environment installs that extra for the
unit tests (`extras = ["crypto-eth-addresses"]`). Where the tests run without it, each test of
the feature fails with that ImportError: this machine lacks a declared optional dependency,
nothing of the project is broken. Such a failure is put down to the machine when its
ImportError names an extra that the project's own top-level manifest declares
(`[project.optional-dependencies]`, `extras_require`) and the test interpreter lacks a
requirement of that extra. An ImportError naming an extra the project does not declare, or
one whose requirements are all installed (the feature is broken though its dependency is
there), stays the project's failure.

A test may say so in its own words instead: ConfigArgParse 1.7.1's YAML test turns a failed
`import yaml` into `AssertionError("WARNING: PyYAML not installed. ...")`, and its setup.py
declares PyYAML in the `yaml` and `test` extras. A failure whose message says a distribution
is "not installed" is put down to the machine the same way when that distribution is a
requirement of a declared extra and the test interpreter lacks it; a name no extra declares,
or one that is installed, stays the project's failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ai_workflow.deps.distributions import target_environment
from ai_workflow.deps.manifests import read_manifest
from ai_workflow.deps.model import Report, canonical
from ai_workflow.engine.step import StepContext
from ai_workflow.project_files import project_files
from ai_workflow.testcmd.environment import MachineCause
from ai_workflow.testcmd.reports import FailedTest

IMPORT_ERROR = re.compile(r"\b(?:ImportError|ModuleNotFoundError)\b:(?P<said>.*)")
EXTRA_NAMED = re.compile(r"(?P<dist>[A-Za-z0-9][\w.-]*)\[(?P<extras>[\w.-]+(?:\s*,\s*[\w.-]+)*)\]")
"""`dist[extra]` or `dist[a,b]`, as a pip requirement names a distribution's extras."""
NOT_INSTALLED = re.compile(r"\b(?P<dist>[A-Za-z][\w.-]*[A-Za-z0-9]) (?:is )?not installed\b")
"""`PyYAML not installed`, `numpy is not installed`: a test's own words for a missing package."""
EXTRA_SECTIONS = ("optional-dependencies.", "extras_require.")


def declared_extras(target: Path, files: Iterable[str]) -> dict[str, set[str]]:
    """`project[extra]` (names canonical) -> the canonical names of the extra's requirements,
    from the project's top-level Python manifests (one deeper in the tree is a fixture's or an
    example's, not the project's)."""
    extras: dict[str, set[str]] = {}
    for rel in files:
        if "/" in rel:
            continue
        manifest = read_manifest(target, rel, Report())
        if manifest is None or manifest.kind == "package.json" or not manifest.project_name:
            continue
        project = canonical(manifest.project_name)
        for dependency in manifest.dependencies:
            extra = _extra_of(dependency.section)
            if dependency.group == "optional" and extra and dependency.ecosystem == "python":
                extras.setdefault(f"{project}[{canonical(extra)}]", set()).add(dependency.key)
    return extras


def _extra_of(section: str) -> str | None:
    for prefix in EXTRA_SECTIONS:
        if section.startswith(prefix):
            return section[len(prefix) :] or None
    return None


def named_extras(message: str) -> list[str]:
    """The `dist[extra]` keys (canonical) that the ImportError lines of a failure's message
    name, in their order."""
    keys: list[str] = []
    for line in message.splitlines():
        said = IMPORT_ERROR.search(line)
        if said is None:
            continue
        for match in EXTRA_NAMED.finditer(said.group("said")):
            dist = canonical(match.group("dist"))
            for extra in match.group("extras").split(","):
                keys.append(f"{dist}[{canonical(extra.strip())}]")
    return list(dict.fromkeys(keys))


def absent_extra_causes(
    ctx: StepContext, failures: Sequence[FailedTest]
) -> dict[int, MachineCause]:
    """For each failure (by `id`) whose ImportError names a declared extra of the project with
    a requirement the test interpreter lacks, that extra as what this machine lacks."""
    asking = {id(f): named_extras(f.message) for f in failures}
    asking = {key: names for key, names in asking.items() if names}
    saying = {id(f): said_not_installed(f.message) for f in failures if id(f) not in asking}
    saying = {key: names for key, names in saying.items() if names}
    if not asking and not saying:
        return {}
    extras = declared_extras(ctx.target, project_files(ctx))
    for key, dists in saying.items():
        keys = [extra for extra, wants in extras.items() if wants & set(dists)]
        if keys:
            asking[key] = keys
    wanted = sorted({r for names in asking.values() for n in names for r in extras.get(n, ())})
    absent = _absent_distributions(ctx, wanted)
    causes: dict[int, MachineCause] = {}
    for key, names in asking.items():
        for name in names:
            lacking = sorted(extras.get(name, set()) & absent)
            if key in saying:  # only what the test said it lacks
                lacking = sorted(set(lacking) & set(saying[key]))
            if lacking:
                causes[key] = MachineCause("extra", _describe(name, lacking))
                break
    return causes


def _absent_distributions(ctx: StepContext, names: list[str]) -> set[str]:
    """The names the test interpreter has no distribution of (`deps.distributions`' answer of
    that interpreter, asked once per run); none when it cannot be asked (then nothing is put
    down to the machine)."""
    if not names:
        return set()
    env = target_environment(ctx)
    if env.interpreter is None:
        return set()
    return {name for name in map(canonical, names) if name not in env.distributions}


def _describe(key: str, lacking: list[str]) -> str:
    extra = key[key.index("[") + 1 : -1]
    return (
        f"the project's optional extra `{key}` ({', '.join(lacking)} not installed; "
        f"`pip install -e '.[{extra}]'` installs it)"
    )


def said_not_installed(message: str) -> list[str]:
    """The distributions (canonical) a failure's message says are not installed."""
    names = (canonical(m.group("dist")) for m in NOT_INSTALLED.finditer(message))
    return list(dict.fromkeys(names))
