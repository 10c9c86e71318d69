"""Which ruff findings a project asked for, per file, by ruff's own configuration discovery."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.lint.ruff_scope import CLASSIC_DEFAULT_RULES, RuffScopes, RuleScope
from tests.helpers import write_files


class _Scope:
    """`keeps(path, code)` over RuffScopes, as code_quality asks it."""

    def __init__(self, target: Path) -> None:
        self.scopes = RuffScopes(target)

    def keeps(self, rel: str, code: str) -> bool:
        return self.scopes.for_file(rel).keeps(code)


def test_no_configuration_keeps_only_the_conservative_defaults(tmp_path: Path) -> None:
    scope = _Scope(tmp_path)
    assert scope.keeps("pkg/mod.py", "F401")
    assert scope.keeps("pkg/mod.py", "E902")
    assert not scope.keeps("pkg/mod.py", "I001")
    assert not scope.keeps("pkg/mod.py", "C408")


def test_explicit_select_keeps_everything_ruff_reported(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": '[tool.ruff.lint]\nselect = ["I", "UP"]\n'})
    assert _Scope(tmp_path).keeps("src/a.py", "I001")


def test_nested_config_without_select_falls_back_to_defaults(tmp_path: Path) -> None:
    """flask: the root selects I, but examples/tutorial has its own [tool.ruff] without select."""
    write_files(
        tmp_path,
        {
            "pyproject.toml": '[tool.ruff.lint]\nselect = ["B", "E", "F", "I"]\n',
            "examples/tutorial/pyproject.toml": '[project]\nname = "x"\n[tool.ruff]\nsrc = ["src"]\n',
            "examples/plain/pyproject.toml": '[project]\nname = "y"\n',
        },
    )
    scope = _Scope(tmp_path)
    assert scope.keeps("src/flask/app.py", "I001")
    assert not scope.keeps("examples/tutorial/flaskr/db.py", "I001")
    assert scope.keeps("examples/tutorial/flaskr/db.py", "F401")
    # a pyproject.toml without [tool.ruff] does not govern: the root does
    assert scope.keeps("examples/plain/app.py", "I001")


def test_extend_select_adds_to_the_defaults_and_extend_inherits(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "ruff.toml": 'extend-select = ["UP"]\n',
            "sub/.ruff.toml": 'extend = "../ruff.toml"\n[lint]\nextend-select = ["B"]\n',
        },
    )
    scope = _Scope(tmp_path)
    assert scope.keeps("a.py", "UP006") and not scope.keeps("a.py", "B006")
    assert scope.keeps("sub/b.py", "UP006") and scope.keeps("sub/b.py", "B006")
    assert not scope.keeps("sub/b.py", "I001")


def test_unparsable_configuration_keeps_everything(tmp_path: Path) -> None:
    """ruff itself reports the broken file; nothing is filtered on a guess."""
    write_files(tmp_path, {"ruff.toml": "select = [\n"})
    assert _Scope(tmp_path).keeps("a.py", "I001")


def _ruff_codes(cwd: Path, *args: str) -> set[tuple[str, str]]:
    ruff = Path(sys.executable).with_name("ruff")
    out = subprocess.run(
        [
            str(ruff),
            "check",
            "--no-fix",
            "--no-cache",
            "--exit-zero",
            "--output-format",
            "json",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {(Path(i["filename"]).relative_to(cwd).as_posix(), i["code"]) for i in json.loads(out)}


def test_agrees_with_ruff_run_with_the_conservative_defaults(tmp_path: Path) -> None:
    """What the scope keeps of a run with the bundled ruff's defaults equals what ruff reports
    when told to use the conservative defaults for that nested project."""
    write_files(
        tmp_path,
        {
            "pyproject.toml": '[tool.ruff.lint]\nselect = ["I"]\n',
            "nested/pyproject.toml": "[tool.ruff]\nline-length = 100\n",
            "nested/mod.py": "import sys\nimport os\n\nx = dict(a=1)\ntry:\n    pass\nexcept:\n    pass\n",
        },
    )
    scope = _Scope(tmp_path)
    kept = {(p, c) for p, c in _ruff_codes(tmp_path, ".") if scope.keeps(p, c)}
    conservative = _ruff_codes(tmp_path, "--select", ",".join(CLASSIC_DEFAULT_RULES), "nested")
    assert kept == conservative
    assert ("nested/mod.py", "F401") in kept


@given(st.from_regex(r"[A-Z]{1,4}", fullmatch=True), st.from_regex(r"[0-9]{1,4}", fullmatch=True))
def test_explicit_select_never_drops_and_defaults_are_the_classic_set(
    linter: str, number: str
) -> None:
    code = linter + number
    assert RuleScope(None, True).keeps(code)
    classic = linter == "F" or (linter == "E" and number[0] in "479")
    assert RuleScope(None, False).keeps(code) == classic
