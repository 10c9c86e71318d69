"""The paths a project's tooling runs its Python linter on (`ai_workflow.lint.linter_scope`)."""

from __future__ import annotations

from ai_workflow.lint.linter_scope import linted_paths, within

TOX = (
    "[tox]\nenvlist = py{27,37}-flake8,docstrings\n\n[gh-actions]\npython =\n"
    "    3.7: py37, py37-flake8\n\n[testenv:py37-flake8]\ndeps =\n    flake8\n"
    "commands = flake8 {posargs} requests_toolbelt\n\n[testenv:docstrings]\n"
    "deps =\n    flake8\n    flake8-docstrings\ncommands = python -m flake8 ./requests_toolbelt/\n"
)


def test_every_run_naming_its_paths_limits_the_linter_to_them() -> None:
    """requests-toolbelt 1.0.0's tox.ini: flake8 in deps, envlist and environment names, and
    two runs on requests_toolbelt: the linter covers that package alone."""
    files = {"tox.ini": TOX, "dev-requirements.txt": "pytest\nflake8\n"}
    assert linted_paths(files) == ("requests_toolbelt",)
    assert within("requests_toolbelt/adapters/x509.py", ("requests_toolbelt",))
    assert not within("tests/test_dump.py", ("requests_toolbelt",))
    ruff = {"Makefile": "lint:\n\truff check src tests\n"}
    assert linted_paths(ruff) == ("src", "tests")


def test_a_run_on_the_whole_project_or_an_unread_mention_means_everywhere() -> None:
    """A run with no path or on `.`, a pre-commit hook, a [flake8] section, an option that
    may take the next word: the linter may cover any file (None)."""
    assert linted_paths({"tox.ini": TOX.replace("./requests_toolbelt/", ".")}) is None
    assert linted_paths({"tox.ini": TOX.replace("{posargs} requests_toolbelt", "")}) is None
    hook = {"tox.ini": TOX, ".pre-commit-config.yaml": "hooks:\n  - id: flake8\n"}
    assert linted_paths(hook) is None
    assert linted_paths({"tox.ini": TOX + "\n[flake8]\nmax-line-length = 100\n"}) is None
    assert linted_paths({"Makefile": "lint:\n\tflake8 --config setup.cfg pkg\n"}) is None
    assert linted_paths({"requirements-dev.txt": "flake8\n"}) is None


def test_a_tox_substitution_is_read_or_makes_the_paths_unsure() -> None:
    """`{posargs}` alone adds no path and `{toxinidir}/tests` is tests; `{posargs:src tests}`
    (its default names the paths: not `tests}`), or another substitution, is not read: the
    linter may cover any file (None)."""
    run = "[testenv:lint]\ncommands = flake8 {}\n"
    assert linted_paths({"tox.ini": run.format("{posargs} pkg {toxinidir}/tests")}) == (
        "pkg",
        "tests",
    )
    assert linted_paths({"tox.ini": run.format("{posargs:src tests}")}) is None
    assert linted_paths({"tox.ini": run.format("pkg {env:EXTRA}")}) is None


def test_ruff_format_lints_nothing() -> None:
    """`ruff format tests` formats, it is no lint run: `format` is no path, and tests are
    not linted for it; a `ruff format` line with no lint run anywhere leaves no limit."""
    make = {"Makefile": "lint:\n\truff check src\n\truff format src tests\n"}
    assert linted_paths(make) == ("src",)
    assert linted_paths({"Makefile": "fmt:\n\truff format src\n"}) is None
