"""ruff's RUF023 (unsorted `__slots__`) in a package that reads slots by position is info
(ai_workflow.lint.ruff_slots); an unsorted `__slots__` nothing reads by position stays."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.findings import Severity
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

PYPROJECT = '[project]\nname = "p"\nversion = "1"\n\n[tool.ruff.lint]\nselect = ["RUF023"]\n'

BASE = """\
class Immutable:
    __slots__: tuple[str, ...] = ("_hash",)

    def __repr__(self) -> str:
        return ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__[:-1])


def _pickle(p):
    return p.__class__, tuple([getattr(p, s) for s in p.__slots__[:-1]])
"""

TYPES = """\
from .base import Immutable


class Tag(Immutable):
    __slots__ = ("name", "prefix", "_hash")

    def __init__(self, name, prefix):
        self.name = name
        self.prefix = prefix
        self._hash = hash((name, prefix))
"""

OTHER = """\
class Point:
    __slots__ = ("y", "x")

    def __init__(self, y, x):
        self.y = y
        self.x = x
"""


def test_unsorted_slots_read_by_position_are_info(tmp_path: Path) -> None:
    """soupsieve 2.5 (held-out 71, noise): css_types.Immutable pickles and prints an object
    through `p.__slots__[:-1]`, the constructor's arguments in order, so sorting a subclass's
    slots (in css_types.py or css_match.py) would break it: info. A class in a package that
    never reads its slots by position keeps the warning."""
    files = {
        "pyproject.toml": PYPROJECT,
        "pkg/__init__.py": "",
        "pkg/base.py": BASE,
        "pkg/types.py": TYPES,
        "other/__init__.py": "",
        "other/point.py": OTHER,
    }
    root = make_repo(tmp_path / "p", files)
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    graded = {f.path: f for f in outcome.findings if f.rule == "ruff/RUF023"}
    assert {path: f.severity for path, f in graded.items()} == {
        "pkg/types.py": Severity.INFO,
        "other/point.py": Severity.WARNING,
    }
    assert "pkg/base.py line 5 reads `__slots__` by position" in graded["pkg/types.py"].message
