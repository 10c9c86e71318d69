"""ruff's F821 on a name inside a string, a forward reference nothing evaluates when the
module runs, is a warning (ai_workflow.lint.ruff_forward_refs); an undefined name the code
reads stays an error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ai_workflow.findings import Finding, Severity
from ai_workflow.lint.ruff_forward_refs import string_references_as_warnings
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context
from tests.lint.undefined_names import undefined_name_severities

GENERIC = """\
from typing import Generic, TypeVar, cast

TObject = TypeVar("TObject", bound="Foo")


class Base(Generic[TObject]):
    def size(self, other: "Bar") -> int:
        return cast("Baz", other).total


def total():
    return missing_value + 1
"""


def test_an_undefined_name_in_a_string_is_a_warning_and_a_read_one_an_error(
    tmp_path: Path,
) -> None:
    """overrides 7.7.0 (held-out 144): `TypeVar("TObject", bound="Foo")` with no `Foo`
    anywhere; the module imports fine, so the string bound, the annotation `"Bar"` and the
    `cast("Baz", ...)` are warnings. `missing_value`, read when total() runs, stays an
    error."""
    root = make_repo(tmp_path / "p", {"pkg/generic.py": GENERIC, "pkg/__init__.py": ""})
    imported = subprocess.run(
        [sys.executable, "-c", "import pkg.generic"], cwd=root, capture_output=True, text=True
    )
    assert imported.returncode == 0, imported.stderr  # the strings raise nothing at import
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    graded = undefined_name_severities(outcome)
    assert graded == {
        (3, "Foo"): Severity.WARNING,
        (7, "Bar"): Severity.WARNING,
        (8, "Baz"): Severity.WARNING,
        (12, "missing_value"): Severity.ERROR,
    }
    notes = [f.extra.get("forward_reference") for f in outcome.findings if f.line == 3]
    assert notes and "forward reference" in str(notes[0])


FORMATTED = """\
def greet(name: "Person") -> str:
    return f"hello {missing_greeting} {name}, and bye"
"""


def test_an_undefined_name_in_an_f_string_field_stays_an_error(tmp_path: Path) -> None:
    """An f-string's `{missing_greeting}` is read when the line runs (NameError): an error,
    though on Python < 3.12 ast gives the f-string's literal parts the whole f-string's span.
    The annotation `"Person"` next to it stays a warning."""
    root = make_repo(tmp_path / "p", {"pkg/greet.py": FORMATTED, "pkg/__init__.py": ""})
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    graded = undefined_name_severities(outcome)
    assert graded == {(1, "Person"): Severity.WARNING, (2, "missing_greeting"): Severity.ERROR}


def test_many_undefined_names_in_a_long_module_are_each_placed(tmp_path: Path) -> None:
    """1000 F821s in a 1000-line module (a Python 2 module's `unicode`s): each is placed
    against the module's strings found once, not by walking the whole tree per finding (once
    over 40 s). The name in the string annotation is a warning, the reads stay errors."""
    lines = [f"x{i} = [unicode(a) for a in range({i})]\n" for i in range(1000)]
    lines.append('def f(v: "Missing") -> None: ...\n')
    (tmp_path / "m.py").write_text("".join(lines), encoding="utf-8")
    findings = [
        Finding(
            "ruff/F821",
            Severity.ERROR,
            "Undefined name `unicode`",
            "m.py",
            i + 1,
            extra={"column": 7},
        )
        for i in range(1000)
    ]
    findings.append(
        Finding(
            "ruff/F821",
            Severity.ERROR,
            "Undefined name `Missing`",
            "m.py",
            1001,
            extra={"column": 11},
        )
    )
    graded = string_references_as_warnings(findings, ParsedFiles(tmp_path))
    assert [f.severity for f in graded] == [Severity.ERROR] * 1000 + [Severity.WARNING]
