"""Which project tooling asks for docstrings (`ai_workflow.docstring_tooling`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_workflow.docstring_tooling import asked_by, docstrings_asked_by

TOX_DOCSTRING_STYLE_ONLY = """\
[testenv:pep8]
deps = flake8
       flake8-docstrings
commands = flake8

[flake8]
ignore = D100,D101,D102,D103,D104,D105,D107,G200,W503
"""


@pytest.mark.parametrize(
    ("texts", "asked"),
    [
        ({"pyproject.toml": '[tool.ruff.lint]\nselect = ["E", "D"]\n'}, True),
        ({"pyproject.toml": '[tool.ruff]\nextend-select = ["D103"]\n'}, True),
        ({"ruff.toml": '[lint]\nselect = ["ALL"]\nignore = ["D101"]\n'}, True),  # D103 stays
        ({"ruff.toml": '[lint]\nselect = ["ALL"]\nignore = ["D1"]\n'}, False),
        ({"pyproject.toml": '[tool.ruff.lint]\nselect = ["E", "F", "DTZ", "DJ"]\n'}, False),
        ({"pyproject.toml": "[tool.interrogate]\nfail-under = 90\n"}, True),
        ({"setup.cfg": "[flake8]\ndocstring-convention = google\n"}, True),
        ({"requirements-dev.txt": "pytest\npydocstyle==6.3\n"}, True),
        ({".pylintrc": "[MESSAGES CONTROL]\ndisable = fixme\n"}, True),
        ({".pylintrc": "[MESSAGES CONTROL]\ndisable = fixme,\n  missing-docstring\n"}, False),
        ({"pyproject.toml": '[tool.pylint."messages control"]\ndisable = ["C0116"]\n'}, False),
        ({"setup.cfg": "[flake8]\nmax-line-length = 100\n"}, False),
        # tenacity 8.2.3: tox.ini installs flake8-docstrings, its [flake8] ignores D101, D103
        ({"tox.ini": TOX_DOCSTRING_STYLE_ONLY}, False),
        ({"tox.ini": TOX_DOCSTRING_STYLE_ONLY.replace("D103,", "")}, True),  # D103 asked
        ({"setup.cfg": "[flake8]\ndocstring-convention = google\nextend-ignore = D1\n"}, False),
        ({"setup.cfg": "[flake8]\ndocstring-convention = google\nextend-ignore = D2\n"}, True),
        # pydocstyle named itself is not flake8's to silence
        ({"tox.ini": "[testenv]\ncommands = pydocstyle src\n[flake8]\nignore = D\n"}, True),
        ({"pyproject.toml": '[project]\nname = "x"\n'}, False),
    ],
)
def test_asked_by(texts: dict[str, str], asked: bool) -> None:
    reason = asked_by(texts)
    assert (reason is not None) is asked
    if reason:
        assert next(iter(texts)) in reason


def test_reads_only_the_projects_tooling(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/notes.md").write_text("we might run pydocstyle one day\n")
    (tmp_path / "tox.ini").write_text("[tox]\n[testenv]\ncommands = pytest\n")
    files = ["docs/notes.md", "tox.ini"]
    assert docstrings_asked_by(tmp_path, files) is None
    (tmp_path / "tox.ini").write_text("[tox]\n[testenv:docs]\ncommands = pydocstyle src\n")
    assert docstrings_asked_by(tmp_path, files) == "tox.ini names pydocstyle"


GENERATED_RC = """\
[MESSAGES CONTROL]
# You can also use "--disable=all" to disable everything first and then re-enable
# specific checks.
disable=raw-checker-failed,
        locally-disabled
"""


@pytest.mark.parametrize(
    ("name", "text", "asked"),
    [
        # the convention category (or `all`) takes missing-docstring with it
        (".pylintrc", "[MESSAGES CONTROL]\ndisable=C,R\n", False),
        (".pylintrc", "[MESSAGES CONTROL]\ndisable=R,W0511\n", True),  # beside it: still on
        ("pyproject.toml", '[tool.pylint.messages_control]\ndisable = ["convention"]\n', False),
        ("pyproject.toml", '[tool.pylint.messages_control]\ndisable = ["refactor"]\n', True),
        ("setup.cfg", "[pylint.messages control]\ndisable = all\nenable = W0611\n", False),
        ("setup.cfg", "[pylint.messages control]\ndisable = all\nenable = C0116\n", True),
        # only pylint's options count: not a comment, not another tool's section
        ("pylintrc", GENERATED_RC, True),
        ("setup.cfg", "[pylint]\njobs = 2\n[tool:other]\ndisable = all\n", True),
        ("setup.cfg", "[tool:other]\ndisable = fixme\n", False),  # no pylint section at all
        ("pylintrc", "disable=fixme\n", True),  # no section header: pylint's own file still
    ],
)
def test_pylint_asks_only_where_its_options_leave_docstrings_on(
    name: str, text: str, asked: bool
) -> None:
    reason = asked_by({name: text})
    assert (reason == f"{name} configures pylint, which checks missing-docstring") is asked
