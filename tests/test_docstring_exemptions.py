"""Missing docstrings where the project's ruff configuration ignores the D rule are no finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_workflow.docstring_exemptions import DocstringExemptions
from ai_workflow.pysource import python_symbols
from ai_workflow.steps import documentation
from tests.helpers import make_repo, step_context

DOCUMENTED = "".join(f'def f{i}():\n    """Doc."""\n\n\n' for i in range(20))
PYPROJECT = """\
[project]
name = "pkg"
version = "1.0"

[tool.ruff.lint]
select = ["E", "F", "D"]
ignore = ["D100"]

[tool.ruff.lint.per-file-ignores]
"pkg/scripts/*" = ["D"]
"**/cli.py" = ["D103"]
"""


def _project(tmp_path: Path) -> Path:
    return make_repo(
        tmp_path / "p",
        {
            "pyproject.toml": PYPROJECT,
            "README.md": "# pkg\n\n## Install\n\n## Usage\n",
            "pkg/__init__.py": '"""Pkg."""\n',
            "pkg/api.py": f"{DOCUMENTED}def public():\n    pass\n\n\nclass Thing:\n    pass\n",
            "pkg/cli.py": '"""CLI."""\n\n\ndef run():\n    pass\n\n\nclass Parser:\n    pass\n',
            "pkg/scripts/tool.py": "def go():\n    pass\n",
        },
    )


def test_ruff_ignored_docstrings_give_no_finding_beside_those_it_asks_for(tmp_path: Path) -> None:
    outcome = documentation.run(step_context(_project(tmp_path), documentation.SPEC))
    missing = {
        (f.path, f.extra["symbol"], f.severity.value)
        for f in outcome.findings
        if f.rule == "docs/missing-docstring"
    }
    assert missing == {
        ("pkg/api.py", "public", "warning"),  # ruff asks for D103 here
        ("pkg/api.py", "Thing", "warning"),
        ("pkg/cli.py", "Parser", "warning"),  # cli.py is exempt from D103 only, not D101
    }
    # ignore = ["D100"]: no module docstring finding anywhere (api.py and tool.py have none)
    assert not [f for f in outcome.findings if f.rule == "docs/missing-module-docstring"]
    stats = outcome.data["docstrings"]
    assert (stats["public_symbols"], stats["documented"]) == (23, 20)  # run, go left out
    assert any("2 undocumented left out" in line for line in outcome.checked)


@pytest.mark.parametrize(
    ("config", "rel", "exempt"),
    [
        ('[lint.per-file-ignores]\n"tests/*" = ["D"]\n', "tests/a/test_x.py", True),
        ('[lint.per-file-ignores]\n"tests/*" = ["D"]\n', "src/x.py", False),
        ('[lint.per-file-ignores]\n"!src/*" = ["D103"]\n', "tools/x.py", True),
        ('[lint.per-file-ignores]\n"!src/*" = ["D103"]\n', "src/x.py", False),
        ('[lint.per-file-ignores]\n"x.py" = ["D1"]\n', "deep/down/x.py", True),  # by name
        ('[lint.per-file-ignores]\n"x.py" = ["D101"]\n', "x.py", False),  # another code
        ('ignore = ["D10"]\n', "x.py", True),  # the older top-level key
        ('extend = "base.toml"\n', "x.py", True),  # base.toml ignores D
        ('extend = "base.toml"\n[lint]\nselect = ["D"]\n', "x.py", False),  # select resets it
    ],
)
def test_which_files_ruff_exempts(tmp_path: Path, config: str, rel: str, exempt: bool) -> None:
    repo = make_repo(tmp_path / "p", {"ruff.toml": config, "base.toml": 'ignore = ["D"]\n'})
    symbol = python_symbols("def f():\n    pass\n")[0]
    reason = DocstringExemptions(repo).symbol_reason(rel, symbol)
    assert (reason is not None) is exempt
    if exempt:
        assert reason is not None and reason.startswith("ruff.toml ignores D103")


def test_the_closest_configuration_decides(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "p",
        {
            "pyproject.toml": '[tool.ruff]\nlint.ignore = ["D"]\n',
            "sub/pyproject.toml": '[tool.ruff.lint]\nselect = ["D"]\n',
            "other/pyproject.toml": "[project]\nname = 'x'\n",  # no ruff table: not a config
        },
    )
    exemptions = DocstringExemptions(repo)
    assert exemptions.module_reason("a.py") == "pyproject.toml ignores D100"
    assert exemptions.module_reason("other/__init__.py") == "pyproject.toml ignores D104"
    assert exemptions.module_reason("sub/deeper/a.py") is None
    assert DocstringExemptions(make_repo(tmp_path / "bare")).module_reason("a.py") is None
