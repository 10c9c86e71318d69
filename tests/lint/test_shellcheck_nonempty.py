"""SC2115 on a variable that cannot be empty where it is read (ai_workflow.lint.
shellcheck_nonempty), through step 9 on fixture projects with the real shellcheck; beside each,
a variable that may be empty keeps its warning."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

RUNS_SHELLCHECK = {".shellcheckrc": "# the project runs shellcheck: its own levels apply\n"}

MAIN = """\
#!/bin/bash
readonly TARGET_ROOT="/mnt/local"
readonly EMPTY_ROOT=""
for stage in stages/*.sh ; do source "$stage" ; done
"""

STAGE = """\
#!/bin/bash
local saved_dir="$VAR_DIR/saved_original_files/"
saved_dir="${saved_dir#/}"
local other_dir="$VAR_DIR"
for file in "$@" ; do
    rm -rf "$saved_dir/$file"
    rm -rf "$other_dir/$file"
done
move_dir="${MOVE_AWAY_DIRECTORY#/}"
test "$move_dir" || exit 0
for file in "$@" ; do
    rel="${file#/}"
    test -e $rel || continue
    rm -rf $move_dir/$rel
    rm -rf $rel/*
done
rm -rf $TARGET_ROOT/$1
rm -rf $EMPTY_ROOT/$1
"""


def _levels(root: Path) -> dict[int | None, str]:
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    return {
        f.line: f.severity.value
        for f in outcome.findings
        if f.rule == "shellcheck/SC2115" and f.path == "stages/restore.sh"
    }


def test_a_variable_that_cannot_be_empty_is_info(tmp_path: Path) -> None:
    """saved_dir is only ever literal text (less a leading slash), move_dir is tested before
    (`test "$move_dir" || exit 0`) and TARGET_ROOT is readonly "/mnt/local" in the main script:
    SC2115 at info. other_dir (a variable alone), rel (tested with `test -e`, true when it is
    empty) and EMPTY_ROOT (readonly, but empty) keep the warning."""
    root = make_repo(
        tmp_path / "p",
        {"main.sh": MAIN, "stages/restore.sh": STAGE, **RUNS_SHELLCHECK},
    )
    assert _levels(root) == {
        6: "info",
        7: "warning",
        14: "info",
        15: "warning",
        17: "info",
        18: "warning",
    }


FUNCTIONS = """\
#!/bin/bash
check() {
    test "$work_dir" || return 1
    rm -rf "$work_dir/"*
}
clean() {
    rm -rf "$work_dir/"*
}
rm -rf "$work_dir/"*
"""


def test_a_guard_in_another_function_does_not_make_the_variable_non_empty(
    tmp_path: Path,
) -> None:
    """check() leaves when work_dir is empty, so its own rm is info; clean() can be called
    without check() running, and the top-level rm after both runs with or without them: they
    keep the warning."""
    root = make_repo(tmp_path / "p", {"stages/restore.sh": FUNCTIONS, **RUNS_SHELLCHECK})
    assert _levels(root) == {4: "info", 7: "warning", 9: "warning"}
