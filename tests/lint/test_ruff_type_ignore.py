"""ruff's F821 on a line whose comment silences the type checker's undefined-name error is info
(ai_workflow.lint.ruff_type_ignore); an undefined name without that comment, or with a comment
that silences another code or no code in particular, stays an error."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.findings import Severity
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context
from tests.lint.undefined_names import undefined_name_severities

REMOTE_MODULE = """\
import os


def listdir(path):
    return os.listdir(path)


if __name__ == "__channelexec__":
    for item in channel:  # type: ignore[name-defined]
        channel.send(eval(item))  # type: ignore[name-defined, no-untyped-call]
    reply(host)  # pyright: ignore[reportUndefinedVariable]
    answer(item)  # type: ignore[attr-defined]
    finish(item)  # type: ignore
    missing(item)
    text = "# type: ignore[name-defined]"; gone(text)
"""


def test_an_undefined_name_the_line_silences_for_mypy_is_info(tmp_path: Path) -> None:
    """execnet 2.1.2's doc/example/remotecmd.py reads `channel`, which `gw.remote_exec(module)`
    puts in its globals, as `for item in channel:  # type: ignore[name-defined]` (held-out 142:
    four false errors): info, as is pyright's reportUndefinedVariable. A line whose comment
    silences attr-defined only, a bare `# type: ignore`, no comment, or the words inside a
    string keep the error."""
    root = make_repo(tmp_path / "p", {"doc/example/remotecmd.py": REMOTE_MODULE})
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    graded = undefined_name_severities(outcome)
    assert graded == {
        (9, "channel"): Severity.INFO,
        (10, "channel"): Severity.INFO,
        (11, "reply"): Severity.INFO,
        (11, "host"): Severity.INFO,
        (12, "answer"): Severity.ERROR,
        (13, "finish"): Severity.ERROR,
        (14, "missing"): Severity.ERROR,
        (15, "gone"): Severity.ERROR,
    }
    notes = [f.message for f in outcome.findings if f.line == 9 and f.rule == "ruff/F821"]
    assert "# type: ignore[name-defined]" in notes[0]
