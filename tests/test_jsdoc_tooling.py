"""What in a JavaScript/TypeScript project asks for doc comments (`doc_comment_tooling`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_workflow.jsdoc_tooling import doc_comment_tooling


@pytest.mark.parametrize(
    ("extra_files", "asked"),
    [
        ({}, None),
        (
            {"eslint.config.mjs": "import jsdoc from 'eslint-plugin-jsdoc';\n"},
            "eslint-plugin-jsdoc",
        ),
        ({"tslint.json": '{"rules": {"completed-docs": true}}'}, "completed-docs"),
        ({"tslint.json": '{"rules": {"completed-docs": false}}'}, None),
        ({"typedoc.json": "{}"}, None),  # a config without the tool
        ({"test/fixtures/.eslintrc.json": '{"rules": {"valid-jsdoc": 2}}'}, None),
    ],
)
def test_doc_comment_tooling(
    tmp_path: Path, extra_files: dict[str, str], asked: str | None
) -> None:
    files = {"package.json": '{"name": "p"}', "index.js": "", **extra_files}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = doc_comment_tooling(tmp_path, sorted(files))
    assert (found and found.split(" in ")[0]) == asked


def test_a_generator_declared_with_its_config_asks_for_doc_comments(tmp_path: Path) -> None:
    package = '{"name": "p", "devDependencies": {"typedoc": "^0.25.0"}}'
    (tmp_path / "package.json").write_text(package, encoding="utf-8")
    (tmp_path / "typedoc.json").write_text("{}", encoding="utf-8")
    found = doc_comment_tooling(tmp_path, ["package.json", "typedoc.json"])
    assert found == "typedoc with typedoc.json in package.json"


def test_a_script_running_a_generator_asks_and_a_word_in_a_script_does_not(
    tmp_path: Path,
) -> None:
    asks = '{"scripts": {"docs": "npx jsdoc -c conf.json lib"}}'
    (tmp_path / "package.json").write_text(asks, encoding="utf-8")
    assert (
        doc_comment_tooling(tmp_path, ["package.json"]) == "a script running jsdoc in package.json"
    )
    plain = '{"scripts": {"lint": "eslint --plugin eslint-plugin-jsdocish .", "docs": "echo documentation"}}'
    (tmp_path / "package.json").write_text(plain, encoding="utf-8")
    assert doc_comment_tooling(tmp_path, ["package.json"]) is None
