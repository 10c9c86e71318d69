"""The files a project's own shellcheck runs check (ai_workflow.lint.shellcheck_runs)."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.lint.shellcheck_runs import shellcheck_dialect, shellcheck_scope
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


def _dialect(tmp_path: Path, files: dict[str, str]) -> tuple[str, frozenset[str] | None] | None:
    root = make_repo(tmp_path / "p", {**{s: "#!/bin/sh\n" for s in SCRIPTS}, **files})
    dialect = shellcheck_dialect(root, sorted([*SCRIPTS, *files]), SCRIPTS)
    return None if dialect is None else (dialect.shell, dialect.paths)


def test_every_run_naming_one_dialect(tmp_path: Path) -> None:
    make = "lint:\n\tshellcheck -x -sdash bin/tool\n\tshellcheck --shell dash lib/*.sh\n"
    assert _dialect(tmp_path / "a", {"Makefile": make}) == ("dash", {"bin/tool", "lib/a.sh"})
    found = "lint:\n\tshellcheck -as dash $(find . -name '*.sh')\n"
    assert _dialect(tmp_path / "b", {"Makefile": found}) == ("dash", None)
    salsa = "sc:\n  script:\n    - shellcheck --shell=dash $(find scripts -type f)\n"
    assert _dialect(tmp_path / "c", {"debian/salsa-ci.yml": salsa}) == ("dash", None)
    rc = {
        ".shellcheckrc": "shell=dash\n",
        "Makefile": "l:\n\tshellcheck -s dash bin/tool\n\tshellcheck lib/a.sh\n",
    }
    assert _dialect(tmp_path / "d", rc) == ("dash", {"bin/tool", "lib/a.sh"})


def test_runs_naming_no_or_different_dialects_name_none(tmp_path: Path) -> None:
    two = "lint:\n\tshellcheck -s dash bin/tool\n\tshellcheck -s sh lib/a.sh\n"
    assert _dialect(tmp_path / "a", {"Makefile": two}) is None
    one_plain = "lint:\n\tshellcheck -s dash bin/tool\n\tshellcheck lib/a.sh\n"
    assert _dialect(tmp_path / "b", {"Makefile": one_plain}) is None
    assert _dialect(tmp_path / "c", {"Makefile": "lint:\n\tshellcheck bin/tool\n"}) is None
    assert (
        _dialect(tmp_path / "d", {".shellcheckrc": "shell=dash\n"}) is None
    )  # shellcheck reads it
    action = "jobs:\n  l:\n    steps:\n      - uses: ludeeus/action-shellcheck@master\n"
    make = "lint:\n\tshellcheck -s dash bin/tool\n"
    assert _dialect(tmp_path / "e", {".github/workflows/l.yml": action, "Makefile": make}) is None
    assert (
        _dialect(tmp_path / "f", {"Makefile": "lint:\n\tshellcheck -Swarning bin/tool\n"}) is None
    )


def test_a_severity_value_is_no_check_sourced_flag(tmp_path: Path) -> None:
    """`-Swarning` holds an `a`, but in its value: not `-a` (--check-sourced)."""
    root = make_repo(
        tmp_path / "p",
        {
            "bin/tool": "#!/bin/sh\n. lib/a.sh\n",
            "lib/a.sh": "x=1\n",
            "Makefile": "l:\n\tshellcheck -Swarning bin/tool\n",
        },
    )
    scope = shellcheck_scope(root, ["Makefile", "bin/tool", "lib/a.sh"], ["bin/tool", "lib/a.sh"])
    assert scope is not None and scope.paths == {"bin/tool"}
