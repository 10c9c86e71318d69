"""ESLint runs on what the project's package.json lint scripts name (commander.js' layout)."""

from __future__ import annotations

import json
from pathlib import Path

from ai_workflow.lint.eslint_scripts import WHOLE_PROJECT, eslint_invocations


def _project(tmp_path: Path, scripts: dict[str, str]) -> Path:
    (tmp_path / "package.json").write_text(json.dumps({"name": "p", "scripts": scripts}))
    return tmp_path


def test_the_files_the_lint_scripts_name(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "lint": "npm run lint:javascript && npm run lint:typescript",
            "lint:javascript": 'eslint index.js esm.mjs "lib/*.js" "tests/**/*.js"',
            "lint:typescript": "eslint typings/*.ts tests/*.ts",
            "test": "jest",
        },
    )
    assert eslint_invocations(root) == [
        ("index.js", "esm.mjs", "lib/*.js", "tests/**/*.js"),
        ("typings/*.ts", "tests/*.ts"),
    ]


def test_what_would_write_is_dropped_and_file_choices_are_kept(tmp_path: Path) -> None:
    script = (
        "npx eslint --fix --cache --cache-location .cache -f stylish -o out.txt "
        "--ext .js,.ts --max-warnings 0 --rule 'no-console: 2' src"
    )
    root = _project(tmp_path, {"lint": script, "fmt": "prettier --write ."})
    assert eslint_invocations(root) == [("--ext", ".js,.ts", "--rule", "no-console: 2", "src")]


def test_without_a_script_naming_files_the_whole_project(tmp_path: Path) -> None:
    assert eslint_invocations(_project(tmp_path, {"lint": "eslint --fix"})) == [WHOLE_PROJECT]
    assert eslint_invocations(_project(tmp_path, {"test": "mocha"})) == [WHOLE_PROJECT]
    (tmp_path / "package.json").write_text("{not json")
    assert eslint_invocations(tmp_path) == [WHOLE_PROJECT]
