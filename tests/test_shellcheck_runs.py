"""The files a project's own shellcheck runs check (ai_workflow.lint.shellcheck_runs)."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.lint.shellcheck_runs import shellcheck_scope
from tests.helpers import make_repo

SCRIPTS = ["bin/tool", "lib/a.sh", "lib/deep/b.sh", "tests/t.sh"]


def _scope(tmp_path: Path, files: dict[str, str]) -> frozenset[str] | None:
    root = make_repo(tmp_path / "p", {**{s: "#!/bin/bash\n" for s in SCRIPTS}, **files})
    scope = shellcheck_scope(root, sorted([*SCRIPTS, *files]), SCRIPTS)
    return None if scope is None else scope.paths


def test_a_ci_step_with_options_and_globs(tmp_path: Path) -> None:
    ci = "jobs:\n  l:\n    steps:\n      - run: shellcheck -x -e SC2155 -s bash bin/tool lib/*.sh\n"
    assert _scope(tmp_path, {".github/workflows/l.yml": ci}) == {"bin/tool", "lib/a.sh"}


def test_globstar_and_a_directive_outside_the_run(tmp_path: Path) -> None:
    ci = "jobs:\n  l:\n    steps:\n      - run: shellcheck lib/**/*.sh\n"
    directive = "#!/bin/bash\n# shellcheck disable=SC2086\necho $x\n"
    paths = _scope(tmp_path, {".github/workflows/l.yml": ci, "tests/t.sh": directive})
    assert paths == {"lib/a.sh", "lib/deep/b.sh", "tests/t.sh"}


def test_files_that_cannot_be_known_mean_no_scope(tmp_path: Path) -> None:
    variable = "lint:\n\tshellcheck $(SCRIPTS)\n"
    assert _scope(tmp_path, {"Makefile": variable}) is None
    action = "jobs:\n  l:\n    steps:\n      - uses: ludeeus/action-shellcheck@master\n"
    assert _scope(tmp_path / "a", {".github/workflows/l.yml": action}) is None
    assert _scope(tmp_path / "none", {}) is None
