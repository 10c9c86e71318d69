"""What the dependency readers produce: declared dependencies, parsed manifests, and the
`Report` they note problems in (it becomes the dependencies step's outcome)."""

from __future__ import annotations

from dataclasses import dataclass, field

from packaging.utils import canonicalize_name

from ai_workflow.engine.step import StepOutcome
from ai_workflow.findings import Severity


def canonical(name: str) -> str:
    """The PEP 503 normalised name of a Python distribution."""
    return str(canonicalize_name(name))


@dataclass(frozen=True)
class Dependency:
    """One declared dependency. `group`: runtime, optional, dev or peer."""

    name: str
    spec: str  # version constraint as written ("" when none)
    path: str  # manifest, relative to the target
    line: int | None
    group: str = "runtime"
    ecosystem: str = "python"
    markers: str = ""
    section: str = ""  # where in the manifest: "optional-dependencies.ai", "devDependencies"
    transitive: bool = False  # pinned only for another requirement (pip-compile's `# via pkg`)
    extras: frozenset[str] = frozenset()  # a Python requirement's `name[extra,...]`

    @property
    def key(self) -> str:
        return canonical(self.name) if self.ecosystem == "python" else self.name


@dataclass
class Manifest:
    """A parsed manifest: its dependencies, or why it could not be read."""

    path: str
    kind: str
    dependencies: list[Dependency] = field(default_factory=list)
    project_name: str | None = None
    valid: bool = True
    expected_lock: str | None = None  # a lockfile the manifest's tool always writes
    # go.mod `replace`: (module, version or "" for all) -> what is fetched instead (module,
    # version), or None for a local directory, which is never fetched, so go.sum has no sum of it
    replacements: dict[tuple[str, str], tuple[str, str] | None] = field(default_factory=dict)
    requires_python: str = ""  # the Python versions it supports, as declared (">=3.8")
    # runtime requirement keywords it has but could not read (setup.py's computed
    # `install_requires`): what it declares is not all known
    unread: list[str] = field(default_factory=list)


class Report:
    """Collects findings and notes, then becomes the step's outcome."""

    def __init__(self) -> None:
        self.outcome = StepOutcome()

    def add(
        self, rule: str, severity: Severity, message: str, path: str | None, line: int | None
    ) -> None:
        self.outcome.add(rule, severity, message, path, line)

    def checked(self, text: str) -> None:
        self.outcome.checked.append(text)

    def skipped(self, text: str) -> None:
        self.outcome.skipped_checks.append(text)
