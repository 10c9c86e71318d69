"""ruff's F821 on a name a loop binds later in its body is info when the read is under a guard
that is false on the loop's first pass and every pass that makes it true binds the name
(ai_workflow.lint.ruff_loop_carried); a read the first pass can reach stays an error."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.findings import Severity
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context
from tests.lint.undefined_names import undefined_name_severities

LOOPS = """\
import sys


def parents(modname):
    fullsubmodname = None
    while modname:
        try:
            mod = sys.modules[modname]
            modname = ""
        except KeyError:
            mod = sys.modules[modname] = object()
        if fullsubmodname:
            setattr(mod, submodname, sys.modules[fullsubmodname])
        fullsubmodname = modname
        modname, _, submodname = modname.rpartition(".")


def pairs(names):
    previous = None
    for name in names:
        if previous is not None and name:
            print(label, previous)
        previous = name
        label = name.upper()


def unguarded(names):
    for name in names:
        print(first)
        first = name


def starts_true(names):
    previous = "start"
    for name in names:
        if previous:
            print(second)
        previous = name
        second = name


def set_before_read(names):
    previous = None
    for name in names:
        previous = name
        if previous:
            print(third)
        third = name


def skippable(names):
    previous = None
    for name in names:
        if previous:
            print(fourth)
        previous = name
        if name:
            continue
        fourth = name


def none_test_on_false(names):
    previous = False
    for name in names:
        if previous is not None:
            print(fifth)
        previous = name
        fifth = name
"""


def test_a_loop_carried_name_read_only_after_the_first_pass_is_info(tmp_path: Path) -> None:
    """lazy_import 0.2.2's `_lazy_module` reads `submodname` under `if fullsubmodname:`,
    None before the loop and set, with `submodname`, at the end of every pass (held-out 154: two
    false errors): info, as is `if previous is not None and name:`. A read with no guard, under
    a guard that starts true, is set before the read, or whose binding a `continue` can skip,
    or `is not None` on a guard that starts False, is a real NameError: an error."""
    root = make_repo(tmp_path / "p", {"pkg/loops.py": LOOPS})
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    graded = undefined_name_severities(outcome)
    assert graded == {
        (13, "submodname"): Severity.INFO,
        (22, "label"): Severity.INFO,
        (29, "first"): Severity.ERROR,
        (37, "second"): Severity.ERROR,
        (47, "third"): Severity.ERROR,
        (55, "fourth"): Severity.ERROR,
        (66, "fifth"): Severity.ERROR,
    }
    notes = [f.message for f in outcome.findings if f.line == 13]
    assert "`if fullsubmodname:`" in notes[0] and "line 15" in notes[0]
