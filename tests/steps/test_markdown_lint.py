"""Step 12 end to end: rumdl over the project's Markdown, with the project's configuration."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ai_workflow.config import Config
from ai_workflow.engine.step import StepOutcome
from ai_workflow.steps import markdown_lint
from ai_workflow.steps.markdown_lint import (
    LintConfig,
    Suppressions,
    _strip_json_comments,
    load_lint_config,
    parse_output,
    rule_id,
    selected_rules,
    translate_markdownlint,
    translate_pymarkdown,
)
from tests.helpers import make_repo, step_context, write_files

LONG = "word " * 20  # 100 characters

README = f"""\
# Title

#Broken heading

{LONG.strip()}

## Hello:

<b>inline html</b>

<!-- markdownlint-disable-next-line MD033 -->
<i>allowed here</i>
"""


def _run(root: Path) -> StepOutcome:
    return markdown_lint.run(step_context(root, markdown_lint.SPEC))


def _found(outcome: StepOutcome) -> set[tuple[str, str | None, int | None, str]]:
    return {(f.rule, f.path, f.line, f.severity.value) for f in outcome.findings}


BROKEN_RENDERING = """\
# Broken rendering

(reversed)[https://example.com] link, an [empty link]() and a [dead one](#).

#123 was fixed. A #hashtag is no heading either:
#Continued paragraph line

| a | b |
|---|---|
| 1 | 2 | 3 |

[broken fragment](#nowhere)
"""


def test_unconfigured_project_runs_only_rules_that_find_broken_rendering(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "p",
        {
            "README.md": README,
            "docs/broken.md": BROKEN_RENDERING,
            "CHANGES.markdown": "# Changes\n\n* a\n+ b\n",
            "docs/ok.md": "# Fine\n\nShort text.\n",
        },
    )
    write_files(root, {".ai_workflow/backlog/x.md": "#bad\n"})
    outcome = _run(root)
    assert _found(outcome) == {
        ("md/MD018", "README.md", 3, "warning"),  # `#Broken heading` starts a block
        ("md/MD011", "docs/broken.md", 3, "warning"),
        ("md/MD042", "docs/broken.md", 3, "warning"),
        ("md/MD056", "docs/broken.md", 10, "warning"),
    }
    md042 = [f for f in outcome.findings if f.rule == "md/MD042"]
    assert len(md042) == 2  # `[]()` and `[](#)`
    # no style rules (MD013 line length, MD026, MD033, MD004), no `#123`/`#hashtag` lines, and
    # no MD051: link fragments are step 2's (links/broken-anchor), reported once
    assert outcome.data["version"] and outcome.data["configured"] is False
    assert any("MD011, MD018, MD020, MD042, MD056" in line for line in outcome.checked)
    assert any(line.startswith("rumdl ") and "4 Markdown files" in line for line in outcome.checked)
    column = next(f for f in outcome.findings if f.rule == "md/MD018").extra["column"]
    assert column == 2  # where the missing space goes


def test_rules_select_turns_on_style_rules_but_never_link_fragments(tmp_path: Path) -> None:
    myst = "(intro-label)=\n# Introduction\n\nText.\n"
    files = {"README.md": README, "docs/intro.md": myst, "docs/broken.md": BROKEN_RENDERING}
    root = make_repo(tmp_path / "sel", files)
    one = Config.model_validate({"rules": {"select": ["md/MD013"]}})
    outcome = markdown_lint.run(step_context(root, markdown_lint.SPEC, config=one))
    rules = {f.rule for f in outcome.findings}
    assert "md/MD013" in rules and "md/MD033" not in rules and "md/MD018" in rules
    assert outcome.data["selected"] == ["MD013"]

    every = Config.model_validate({"rules": {"select": ["md/"]}})
    outcome = markdown_lint.run(step_context(root, markdown_lint.SPEC, config=every))
    found = _found(outcome)
    assert ("md/MD026", "README.md", 7, "warning") in found
    assert ("md/MD033", "README.md", 9, "warning") in found
    assert not any(f[0] == "md/MD033" and f[2] == 12 for f in found)  # inline directive
    assert outcome.data["suppressed"] == 0  # rumdl honours the directives itself
    assert ("md/MD041", "docs/broken.md", 1, "warning") not in found  # it starts with a heading
    assert not any(f[0] == "md/MD041" and f[1] == "docs/intro.md" for f in found)  # MyST label
    assert not any(f[0] == "md/MD051" for f in found)
    # selected explicitly, MD018 is reported as the linter finds it, `#123` included
    assert ("md/MD018", "docs/broken.md", 5, "warning") in found


def test_selected_rules_matching() -> None:
    assert selected_rules(["md/MD013"]) == {"MD013"}
    assert selected_rules(["MD/md013", "md/MD999", "links/"]) == {"MD013"}
    assert (
        selected_rules(["md/"]) == selected_rules(["md"]) == set(markdown_lint.MARKDOWNLINT_ALIASES)
    )
    assert selected_rules([]) == set()


def test_markdownlint_yaml_config_is_honoured(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "cfg",
        {
            "README.md": README,
            ".markdownlint.yaml": "default: true\nMD013:\n  line_length: 120\n"
            "no-trailing-punctuation: false\nwhitespace: false\n",
        },
    )
    outcome = _run(root)
    rules = {f.rule for f in outcome.findings}
    assert "md/MD013" not in rules and "md/MD026" not in rules
    assert ("md/MD018", "README.md", 3, "warning") in _found(outcome)
    assert ("md/MD033", "README.md", 9, "warning") in _found(outcome)
    assert outcome.data["config_sources"] == [".markdownlint.yaml"]
    assert not any(f.rule == "md/MD051" for f in outcome.findings)
    assert any("not translated: whitespace" in line for line in outcome.checked)


def test_default_false_and_jsonc(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "jsonc",
        {
            "README.md": README,
            ".markdownlint.jsonc": '{\n  // only broken headings\n  "default": false,\n'
            '  "no-missing-space-atx": true, /* alias */\n}\n',
        },
    )
    outcome = _run(root)
    assert _found(outcome) == {("md/MD018", "README.md", 3, "warning")}


def test_pymarkdown_own_configuration_in_pyproject(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "pyproj",
        {
            "README.md": f"# T\n\n{LONG.strip()}\n\n#Broken\n",
            "pyproject.toml": "[tool.pymarkdown]\nplugins.md013.enabled = false\n",
        },
    )
    outcome = _run(root)
    # a configured project: every rule but the one it turns off (MD018 still found)
    assert _found(outcome) == {("md/MD018", "README.md", 5, "warning")}
    assert outcome.data["config_sources"] == ["pyproject.toml [tool.pymarkdown]"]


def test_native_rumdl_configuration_is_passed_as_it_is(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "native",
        {
            "README.md": f"# T\n\n{LONG.strip()}\n\n#Broken\n",
            ".rumdl.toml": '[global]\ndisable = ["MD018"]\n\n[MD013]\nline-length = 40\n',
        },
    )
    outcome = _run(root)
    assert _found(outcome) == {("md/MD013", "README.md", 3, "warning")}
    assert outcome.data["config_sources"] == [".rumdl.toml"]
    assert not (root / ".rumdl_cache").exists()  # rumdl never writes into the project


def test_clean_project_and_no_markdown(tmp_path: Path) -> None:
    clean = make_repo(tmp_path / "clean", {"README.md": "# Clean\n\nAll good.\n"})
    outcome = _run(clean)
    assert outcome.findings == [] and outcome.status().value == "passed"
    empty = make_repo(tmp_path / "empty", {"main.py": "x = 1\n"})
    assert _run(empty).checked == ["no Markdown files in the project"]


def test_undecodable_file_is_skipped_not_fatal(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "bad", {"README.md": "#Broken\n"})
    (root / "latin1.md").write_bytes(b"# caf\xe9\n")
    outcome = _run(root)
    assert ("md/MD018", "README.md", 1, "warning") in _found(outcome)
    assert any("latin1.md" in s for s in outcome.skipped_checks)
    assert outcome.tool_error is None


def test_a_file_name_with_a_line_break_is_linted_not_misread(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "nl", {"README.md": "# Fine\n"})
    (root / "new\nline.md").write_text("#Broken\n")
    (root / "line.md").write_text("# Fine too\n")
    outcome = _run(root)
    assert _found(outcome) == {("md/MD018", "new\nline.md", 1, "warning")}


def test_missing_linter_is_a_skipped_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bare = tmp_path / "bare-env" / "bin"
    bare.mkdir(parents=True)
    os.symlink(sys.executable, bare / "python")
    root = make_repo(tmp_path / "p", {"README.md": "#Broken\n"})
    monkeypatch.setattr(sys, "executable", str(bare / "python"))
    monkeypatch.setenv("PATH", str(bare))
    outcome = _run(root)
    assert outcome.findings == [] and outcome.tool_error is None
    assert any("rumdl is not installed" in s for s in outcome.skipped_checks)


def test_suppression_comments() -> None:
    text = "\n".join(
        [
            "a",  # 1
            "<!-- markdownlint-disable MD013 line-length -->",  # 2
            "b",  # 3
            "<!-- markdownlint-enable MD013 -->",  # 4
            "<!-- markdownlint-disable -->",  # 5
            "<!-- markdownlint-enable no-bare-urls -->",  # 6
            "c",  # 7
            "<!-- markdownlint-enable -->",  # 8
            "d <!-- markdownlint-disable-line MD009 -->",  # 9
        ]
    )
    s = Suppressions(text)
    assert not s.suppressed("MD013", 1) and s.suppressed("MD013", 3)
    assert not s.suppressed("MD013", 4)
    assert s.suppressed("MD013", 7) and not s.suppressed("MD034", 7)
    assert not s.suppressed("MD013", 8)
    assert s.suppressed("MD009", 9) and not s.suppressed("MD010", 9)
    whole = Suppressions("x\n<!-- markdownlint-disable-file MD041 -->\n")
    assert whole.suppressed("MD041", 1) and not whole.suppressed("MD013", 1)


def test_config_translation_and_helpers(tmp_path: Path) -> None:
    config = LintConfig()
    translate_markdownlint(
        {"default": False, "MD033": {"allowed_elements": ["br", "img"]}, "header-style": "error"},
        config,
    )
    assert config.rules == {
        "default": False,
        "MD033": {"allowed_elements": ["br", "img"]},
        "MD003": True,
    }
    translate_pymarkdown(
        {"plugins": {"line-length": {"line_length": 120}, "md041": {"enabled": False}}}, config
    )
    assert config.rules["MD013"] == {"line_length": 120} and config.rules["MD041"] is False
    assert rule_id("Line-Length") == "MD013" and rule_id("md001") == "MD001"
    assert rule_id("whitespace") is None
    assert _strip_json_comments('{"a": "//x", /* c */ "b": [1,],}') == '{"a": "//x",  "b": [1]}'
    (tmp_path / ".markdownlint-cli2.yaml").write_text("config:\n  MD013: false\n", "utf-8")
    (tmp_path / ".pymarkdown.json").write_text(
        '{"plugins": {"md001": {"enabled": false}}}', "utf-8"
    )
    loaded = load_lint_config(tmp_path, [])
    assert loaded.sources == [".markdownlint-cli2.yaml", ".pymarkdown.json"]
    assert loaded.markdownlint_json() == {"MD013": False, "MD001": False}
    out = parse_output(
        f'[{{"file": "{tmp_path}/docs/a.md", "line": 3, "column": 1, "rule": "MD013", '
        '"message": "Line length"}]',
        tmp_path,
    )
    assert [(f.path, f.line, f.rule, f.message) for f in out] == [
        ("docs/a.md", 3, "MD013", "Line length")
    ]


def test_extends_is_resolved_relative_to_the_configuration(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "ext",
        {
            "README.md": f"# T\n\n{LONG.strip()}\n\n#Broken\n",
            "config/base.json": '{"default": false, "MD013": {"line_length": 40}}',
            ".markdownlint.json": '{"extends": "config/base.json", "MD018": true}',
        },
    )
    outcome = _run(root)
    assert _found(outcome) == {
        ("md/MD013", "README.md", 3, "warning"),
        ("md/MD018", "README.md", 5, "warning"),
    }


GROUPED_TABLE = """\
# Containers

| **Data** | **Structure** | **Ordered** |
| :--- | :--- | :---: |
| [Lists](#lists) |
|   | [ArrayList](#arraylist) | yes |
| [Sets](#sets) |
|   | [HashSet](#hashset) | no |
| forgotten | no |
| too | many | cells | here |
"""


def test_a_one_cell_group_row_is_no_broken_table_but_a_short_or_long_row_is(
    tmp_path: Path,
) -> None:
    """gods' overview table groups its rows under `| [Lists](#lists) |`, a row of one cell: GFM
    pads it with empty cells, a label over the rows under it, nothing shifted nor lost. A row of
    two cells under three headers (one forgotten, the rest shifted) and a row of four (the last
    one dropped) stay reported, and a project that configures MD056 gets every row."""
    root = make_repo(tmp_path / "p", {"README.md": GROUPED_TABLE})
    assert {(f.rule, f.line) for f in _run(root).findings} == {("md/MD056", 9), ("md/MD056", 10)}
    write_files(root, {".markdownlint.json": '{"default": false, "MD056": true}'})
    lines = {f.line for f in _run(root).findings if f.rule == "md/MD056"}
    assert lines == {5, 7, 9, 10}


STRAY_PIPE_TABLE = """\
# Strategies

| Strategy Name | Description |
|---------------|-------------|
|`truncate_middle`|Truncates the middle part of a folder.|
|`truncate_to_first_and_last`|Truncate middle directories, e.g. `~/../p9k`.||
|`truncate_absolute`|Keeps the last characters.| dropped text |
"""


def test_a_row_whose_extra_cells_are_empty_is_no_broken_table(tmp_path: Path) -> None:
    """powerlevel9k 0.6.7's README: a strategy row ends `...powerlevel9k`.||`, one extra cell
    that is empty; GFM ignores cells beyond the header's count, and an empty one loses nothing.
    A row whose extra cell holds text (dropped on rendering) stays reported, and a project that
    configures MD056 gets both."""
    root = make_repo(tmp_path / "p", {"README.md": STRAY_PIPE_TABLE})
    assert {(f.rule, f.line) for f in _run(root).findings} == {("md/MD056", 7)}
    write_files(root, {".markdownlint.json": '{"default": false, "MD056": true}'})
    lines = {f.line for f in _run(root).findings if f.rule == "md/MD056"}
    assert lines == {6, 7}


BADGES = """\
# Tool

[![](https://img.shields.io/badge/OS-macOS-blue.svg?longCache=True)]()

[![build](https://ci.example.org/badge.svg)](#)

Documentation is published with [mkdocs]().

[![no source]()]()
"""


def test_a_badge_in_an_empty_link_is_no_broken_link_but_an_empty_text_link_is(
    tmp_path: Path,
) -> None:
    """mac-appify's README opens with `[![](https://img.shields.io/badge/OS-macOS-...)]()`: a
    static badge wrapped in an empty link, as badges are written; the image renders and the
    empty target keeps the reader on the page. A text link with no target (`[mkdocs]()`, the
    real finding of an earlier set) and an image with no source stay reported, and a project
    that configures MD042 gets the badges too."""
    root = make_repo(tmp_path / "p", {"README.md": BADGES})
    assert {(f.rule, f.line) for f in _run(root).findings} == {("md/MD042", 7), ("md/MD042", 9)}
    write_files(root, {".markdownlint.json": '{"default": false, "MD042": true}'})
    lines = {f.line for f in _run(root).findings if f.rule == "md/MD042"}
    assert lines == {3, 5, 7, 9}


UNEVEN_TABLE = "| One | Two | Three |\n|-----|-----|-------|\n| A   | B+C |\n"
BASELINE_TEST = """\
import glob
import os


def test_all():
    for fn in glob.glob("%s/*.html" % os.path.dirname(__file__)):
        expected = open(os.path.splitext(fn)[0] + ".md").read()
        assert convert(open(fn).read()) == expected
"""


def test_the_expected_output_a_test_reads_beside_its_input_is_not_linted(tmp_path: Path) -> None:
    """html2text's `test/pad_table.md` is what `test/test_html2text.py` expects from
    `test/pad_table.html` (it globs `*.html` and reads `splitext(fn)[0] + ".md"`): the short row
    is the converter's output for a colspan cell, not a broken document. The same row in a
    Markdown file of the test directory with no input of its stem, and in a document when the
    test names no `.md`, stays reported. A file in a test-data directory is input too."""
    files = {
        "README.md": "# Converter\n",
        "test/test_convert.py": BASELINE_TEST,
        "test/pad_table.html": "<table><tr><td>A</td><td colspan=2>B+C</td></tr></table>\n",
        "test/pad_table.md": UNEVEN_TABLE,
        "test/notes.md": UNEVEN_TABLE,
        "parser/testdata/table.md": UNEVEN_TABLE,  # a test-data directory's file: input too
    }
    root = make_repo(tmp_path / "p", files)
    assert {(f.path, f.line) for f in _run(root).findings} == {("test/notes.md", 3)}
    write_files(root, {"test/test_convert.py": BASELINE_TEST.replace('".md"', '".txt"')})
    found = {(f.path, f.line) for f in _run(root).findings}
    assert found == {("test/notes.md", 3), ("test/pad_table.md", 3)}
