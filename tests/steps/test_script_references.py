"""Step 3 end to end: commands in docs, Makefile, package.json and CI; script hygiene."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ai_workflow.engine.step import StepOutcome, StepResult, StepStatus
from ai_workflow.findings import Severity
from ai_workflow.steps import (
    consistency,
    directory_structure,
    documentation,
    markdown_lint,
    pre_analysis,
    script_references,
)
from ai_workflow.steps.script_references import (
    Command,
    _line_commands,
    makefile_targets,
    path_patterns,
)
from tests.helpers import commit_all, make_repo, step_context

README = """\
# proj

## Install

```bash
./scripts/setup.sh
./scripts/missing.sh --flag
bash scripts/build.sh
python tools/gen.py
python -m proj.cli
python -m proj.nope
python -m pytest -q
make test
make deploy
npm run build
npm run lint
yarn start
source .venv/bin/activate
cd web && npm run dev
```

Then run `./scripts/noexec.sh` and see `scripts/noshebang.sh`.

```console
$ proj --help
$ make -C sub all
usage: proj [-h]
```
"""

SHEBANG = "#!/usr/bin/env bash\nset -eu\n"

WORKFLOW = """\
name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          ./scripts/ci-only.sh
          bash scripts/also-missing.sh
      - name: single
        run: make test
"""

PACKAGE = """\
{
  "name": "proj",
  "bin": {"proj-js": "bin/proj.js"},
  "scripts": {
    "build": "node tools/build.js",
    "test": "node --test"
  }
}
"""

PYPROJECT = """\
[project]
name = "proj"
version = "1.0"

[project.scripts]
proj = "proj.cli:main"
proj-old = "proj.old:main"
broken-attr = "proj.cli:nomain"
"""


def _project(tmp_path: Path) -> Path:
    root = make_repo(
        tmp_path / "p",
        {
            "README.md": README,
            "pyproject.toml": PYPROJECT,
            "package.json": PACKAGE,
            "web/package.json": '{"scripts": {"dev": "vite"}}\n',
            "Makefile": ".PHONY: test\ntest:\n\tpytest\n\nbuild:\n\t./scripts/gone.sh\n",
            "src/proj/__init__.py": "",
            "src/proj/cli.py": "def main():\n    pass\n",
            "scripts/setup.sh": SHEBANG + "source lib/common.sh\n",
            "scripts/noexec.sh": SHEBANG,
            "scripts/build.sh": SHEBANG,
            "scripts/orphan.sh": SHEBANG,
            "scripts/ci-only.sh": SHEBANG,
            "scripts/noshebang.sh": "echo hi\n",
            "lib/common.sh": "helper() { :; }\n",
            ".github/workflows/ci.yml": WORKFLOW,
            ".gitignore": "*.pyc\n",  # a repository: its CI's missing script is missing
        },
    )
    for name in ("setup.sh", "orphan.sh", "ci-only.sh", "noshebang.sh"):
        os.chmod(root / "scripts" / name, 0o755)
    commit_all(root, "modes")
    return root


def _run(root: Path) -> StepOutcome:
    return script_references.run(step_context(root, script_references.SPEC))


def _found(outcome: StepOutcome, rule: str) -> set[tuple[str | None, int | None, str]]:
    return {(f.path, f.line, f.severity.value) for f in outcome.findings if f.rule == rule}


def test_planted_command_and_script_defects(tmp_path: Path) -> None:
    outcome = _run(_project(tmp_path))
    assert _found(outcome, "scripts/missing-script") == {
        ("README.md", 7, "error"),  # ./scripts/missing.sh
        ("README.md", 9, "error"),  # python tools/gen.py
        ("Makefile", 6, "error"),  # ./scripts/gone.sh
        ("package.json", 5, "error"),  # node tools/build.js
        ("package.json", 3, "error"),  # bin/proj.js
        (".github/workflows/ci.yml", 10, "error"),  # bash scripts/also-missing.sh
    }
    assert _found(outcome, "scripts/missing-module") == {("README.md", 11, "error")}
    assert _found(outcome, "scripts/missing-make-target") == {("README.md", 14, "error")}
    assert _found(outcome, "scripts/missing-npm-script") == {
        ("README.md", 16, "error"),  # npm run lint
        ("README.md", 17, "error"),  # yarn start
    }
    assert _found(outcome, "scripts/missing-makefile") == {("README.md", 26, "error")}
    assert _found(outcome, "scripts/broken-entry-point") == {
        ("pyproject.toml", 7, "error"),
        ("pyproject.toml", 8, "error"),
    }
    assert _found(outcome, "scripts/not-executable") == {("README.md", 22, "error")}
    # lib/common.sh is a library that scripts/setup.sh sources: no shebang or docs needed
    assert _found(outcome, "scripts/missing-shebang") == {("scripts/noshebang.sh", 1, "warning")}
    assert _found(outcome, "scripts/unreferenced") == {("scripts/orphan.sh", None, "info")}
    assert _found(outcome, "scripts/undocumented") == {("scripts/ci-only.sh", None, "info")}
    message = next(f.message for f in outcome.findings if f.line == 7 and f.path == "README.md")
    assert "scripts/missing.sh" in message and "./scripts/missing.sh --flag" in message
    assert outcome.data["console_scripts"] == ["broken-attr", "proj", "proj-old"]
    assert "scripts/setup.sh" in outcome.data["scripts"]
    assert outcome.data["commands"]["CI"] == 3


def test_clean_project_has_no_error_findings(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "clean",
        {
            "README.md": "# c\n\n```sh\n$ ./run.sh\n$ make check\n$ npm test\n```\n\n"
            "Or `bash scripts/lint.sh`.\n",
            "run.sh": SHEBANG,
            "scripts/lint.sh": SHEBANG,
            "Makefile": "check: lint\nlint:\n\tbash scripts/lint.sh\n",
            "package.json": '{"scripts": {"test": "node --test"}}\n',
        },
    )
    os.chmod(root / "run.sh", 0o755)
    commit_all(root, "exec")
    outcome = _run(root)
    assert outcome.findings == []
    assert outcome.data["scripts"] == ["run.sh", "scripts/lint.sh"]


def test_bare_script_names_are_judged_leniently(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "bare",
        {
            "README.md": "# b\n\n```\nnode split.js\npython hello.py\n```\n",
            "examples/split.js": "console.log(1);\n",
        },
    )
    assert _found(_run(root), "scripts/missing-script") == {("README.md", 5, "info")}


READER_PIPES = """\
# harness

Reporters: tap-spec-not-installed-here, faucet.

To use them, try `node test/index.js | tap-spec-not-installed-here`.

Our own reporter: `node test/suite.js | tap-parser`.

Or plain: `node test/missing.js`.

Piped into a shell tool: `node test/gone.js | cat`.
"""


def test_a_missing_file_piped_into_a_program_the_project_does_not_have_is_the_readers(
    tmp_path: Path,
) -> None:
    """tape's readme: "To use them, try `node test/index.js | tap-spec`": tap-spec is a TAP
    reporter the reader installs (none of tape's dependencies, not installed here), and
    test/index.js the reader's test file: info. The same missing file piped into the project's
    own devDependency, into a program on PATH, or run alone, stays an error."""
    root = make_repo(
        tmp_path / "harness",
        {
            "README.md": READER_PIPES,
            "package.json": '{"name": "harness", "devDependencies": {"tap-parser": "1"}}\n',
            "test/other.js": "console.log(1);\n",
        },
    )
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-script") == {
        ("README.md", 5, "info"),
        ("README.md", 7, "error"),  # tap-parser is the project's devDependency
        ("README.md", 9, "error"),  # nothing piped
        ("README.md", 11, "error"),  # cat is on PATH: any reader has it
    }
    info = next(f for f in outcome.findings if f.severity.value == "info")
    assert "`tap-spec-not-installed-here`" in info.message


def test_untracked_script_mode_comes_from_the_file_system(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "u", {"README.md": "# u\n\nRun `./new.sh`.\n"})
    (root / "new.sh").write_text(SHEBANG, encoding="utf-8")
    assert _found(_run(root), "scripts/not-executable") == {("README.md", 3, "error")}
    os.chmod(root / "new.sh", 0o755)
    assert not _found(_run(root), "scripts/not-executable")


def test_command_splitting_and_makefile_targets(tmp_path: Path) -> None:
    commands = list(_line_commands("A=1 sudo -E ./x.sh && make t | tee log; cd d", "f", 3, "", "d"))
    assert [c.argv for c in commands] == [
        ("A=1", "sudo", "-E", "./x.sh"),
        ("make", "t"),
        ("tee", "log"),
        ("cd", "d"),
    ]
    assert all(isinstance(c, Command) and c.line == 3 for c in commands)
    assert next(_line_commands("echo 'unbalanced", "f", 1, "", "d")).argv[0] == "echo"
    (tmp_path / "inc.mk").write_text("included:\n\ttrue\n", encoding="utf-8")
    (tmp_path / "Makefile").write_text(
        "VAR := 1\nOTHER ?= 2\ninclude inc.mk\na b: c\n%.o: %.c\n$(GEN): x\nd::\n\techo e: f\n",
        encoding="utf-8",
    )
    targets, dynamic = makefile_targets(tmp_path / "Makefile")
    assert {"a", "b", "included", "%.o", "d"} <= targets
    assert "VAR" not in targets and "OTHER" not in targets and "echo" not in targets
    assert dynamic


def test_severities_are_never_errors_for_hygiene_only(tmp_path: Path) -> None:
    outcome = _run(_project(tmp_path))
    hygiene = {"scripts/missing-shebang", "scripts/unreferenced", "scripts/undocumented"}
    assert all(f.severity != Severity.ERROR for f in outcome.findings if f.rule in hygiene)


def test_clean_shell_project_has_no_errors_in_any_documentation_step(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "sh",
        {
            "README.md": "# shtool\n\nVersion 1.0.0.\n\n## Install\n\n```sh\n./install.sh\n```\n\n"
            "## Usage\n\n`bin/shtool --help`; tests are in `test/` ([how](docs/testing.md)).\n",
            "docs/testing.md": "# Testing\n\nRun `bats test/shtool.bats`.\n",
            "CHANGELOG.md": "# Changelog\n\n## 1.0.0\n\n- First release.\n",
            "install.sh": SHEBANG + 'cp bin/shtool "$HOME/bin"\n',
            "bin/shtool": SHEBANG + "echo shtool\n",
            "test/shtool.bats": "@test 'runs' {\n  run bin/shtool\n}\n",
        },
    )
    os.chmod(root / "install.sh", 0o755)
    os.chmod(root / "bin/shtool", 0o755)
    commit_all(root, "modes")
    pre = StepResult.for_spec(pre_analysis.SPEC, StepStatus.PASSED)
    pre.data = {"changed_files": ["install.sh", "README.md"]}
    for module in (documentation, consistency, script_references, directory_structure):
        outcome = module.run(step_context(root, module.SPEC, results={"pre_analysis": pre}))
        assert [f for f in outcome.findings if f.severity == Severity.ERROR] == [], module
        assert outcome.tool_error is None
    lint = markdown_lint.run(step_context(root, markdown_lint.SPEC))
    assert lint.findings == [] and lint.data["files"] == 3
    refs = script_references.run(step_context(root, script_references.SPEC))
    assert refs.findings == [] and refs.data["scripts"] == ["bin/shtool", "install.sh"]


def test_function_calls_in_scripts_and_libraries_loaded_through_variables(tmp_path: Path) -> None:
    """Found on real projects: `node -e "require('./package.json')"` runs no file, and
    libraries that a suffix-less libexec script or a test helper sources need no exec bit."""
    package = {
        "name": "p",
        "version": "1.0.0",
        "scripts": {
            "postversion": 'git tag "v$(node -e "console.log(require(\'./package.json\').version)")"',
            "gen": "echo $(./gen.sh)",
        },
    }
    files = {
        "README.md": "# p\n\nRun `bin/tool`.\n",
        "package.json": json.dumps(package, indent=2) + "\n",
        "gen.sh": SHEBANG + "echo generated\n",
        "bin/tool": SHEBANG + 'exec "$(dirname "$0")/../libexec/tool-run" "$@"\n',
        "libexec/tool-run": SHEBANG + 'source "$ROOT/lib/core.bash"\n',
        "lib/core.bash": SHEBANG + "core() { :; }\n",
        "lib/test_helpers.bash": SHEBANG + '. "$ROOT/lib/extra.bash"\n',
        "lib/extra.bash": "extra() { :; }\n",
    }
    root = make_repo(tmp_path / "p", files)
    for name in ("gen.sh", "bin/tool", "libexec/tool-run"):
        (root / name).chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert not _found(outcome, "scripts/not-executable")  # not ./package.json, not the libraries
    assert not _found(outcome, "scripts/missing-shebang")
    assert not _found(outcome, "scripts/unreferenced")
    assert outcome.data["references"] >= 1  # `./gen.sh` inside `$(...)` is still checked


def test_a_library_sourced_after_a_quoted_directory_needs_no_shebang(tmp_path: Path) -> None:
    """kworkflow's `. "$src_script_path"/mk.sh --source-only`: the word is the quoted directory
    and the name after it, so mk.sh (executable, no shebang) is a library; an executable file
    without a shebang that nothing sources is still reported."""
    files = {
        "README.md": "# kw\n\nRun `kw`.\n",
        "kw": SHEBANG + '. "$src_script_path"/mk.sh --source-only\nmk_build\n',
        "src/mk.sh": "mk_build() { :; }\n",
        "src/orphan.sh": "orphan() { :; }\n",
    }
    root = make_repo(tmp_path / "kw", files)
    for name in ("kw", "src/mk.sh", "src/orphan.sh"):
        (root / name).chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-shebang") == {("src/orphan.sh", 1, "warning")}


def test_a_library_sourced_under_a_computed_name_needs_no_shebang(tmp_path: Path) -> None:
    """spaceship-prompt 4.22.5 (held-out 132, wrong): lib/core.zsh loads each prompt section with
    `builtin source "$SPACESHIP_ROOT/sections/$section.zsh"`, and sections/char.zsh, executable
    by mistake, has no shebang: a sourced library. An executable file without a shebang in a
    folder no computed `source` names (tools/), and one whose suffix the pattern does not allow
    (sections/notes.sh), keep the warning; so does one sourced only as `. "$ROOT/$lib"`, which
    names no folder."""
    files = {
        "README.md": "# prompt\n\nSource `prompt.zsh` from your zshrc.\n",
        "prompt.zsh": "#!/usr/bin/env zsh\n"
        'for lib in $LIBS; do . "$ROOT/$lib"; done\n'
        "load() {\n  for section in $ORDER; do\n"
        '    builtin source "$PROMPT_ROOT/sections/$section.zsh"\n  done\n}\n',
        "sections/char.zsh": "char() { :; }\n",
        "sections/notes.sh": "notes() { :; }\n",
        "tools/orphan.zsh": "orphan() { :; }\n",
    }
    root = make_repo(tmp_path / "prompt", files)
    for name in ("prompt.zsh", "sections/char.zsh", "sections/notes.sh", "tools/orphan.zsh"):
        (root / name).chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-shebang") == {
        ("sections/notes.sh", 1, "warning"),
        ("tools/orphan.zsh", 1, "warning"),
    }


def test_a_library_that_a_zsh_theme_sources_needs_no_shebang(tmp_path: Path) -> None:
    """powerlevel9k 0.6.7: `powerlevel9k.zsh-theme` (no shebang; oh-my-zsh sources it) loads
    `source "${p9k_directory}/functions/vcs.zsh"`, an executable library without a shebang; a
    suffix-less file whose first line is a shell modeline (`# vim:ft=zsh`, a zsh prompt setup
    file) is shell code that sources too. An executable `.zsh` file that nothing sources keeps
    the warning, and so does one named in a theme's comment only."""
    files = {
        "README.md": "# theme\n\nSource `mytheme.zsh-theme` from your zshrc.\n",
        "mytheme.zsh-theme": "# vim:ft=zsh ts=2 sw=2\n"
        'source "${dir}/functions/vcs.zsh"\n# colors are set in functions/orphan.zsh\n',
        "prompt_mytheme_setup": "# vim:ft=zsh ts=2\nsource ${0:h}/functions/icons.zsh\n",
        "functions/vcs.zsh": "# vim:ft=zsh\nvcs_info() { :; }\n",
        "functions/icons.zsh": "# vim:ft=zsh\nicons() { :; }\n",
        "functions/orphan.zsh": "# vim:ft=zsh\norphan() { :; }\n",
    }
    root = make_repo(tmp_path / "theme", files)
    for name in ("functions/vcs.zsh", "functions/icons.zsh", "functions/orphan.zsh"):
        (root / name).chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-shebang") == {("functions/orphan.zsh", 1, "warning")}


def test_a_fragment_sourced_through_a_variable_that_holds_its_path_needs_no_shebang(
    tmp_path: Path,
) -> None:
    """makeself's `HEADER=`dirname "$0"`/makeself-header.sh`, then `. "$HEADER"`: the variable's
    assignment names the file, so the executable header without a shebang is a sourced fragment.
    A file only run through a variable (`RUN=./tools/run.sh; "$RUN"`) and one whose name no
    sourced variable holds (`. "$CONF"` with `CONF="$1"`) keep the warning."""
    files = {
        "README.md": "# mk\n\nRun `./mk.sh`.\n",
        "mk.sh": SHEBANG
        + 'HEADER=`dirname "$0"`/header.sh\nCONF="$1"\n. "$CONF"\narchname=out\n. "$HEADER"\n'
        + 'RUN=./tools/run.sh\n"$RUN"\n',
        "header.sh": 'cat << EOF > "$archname"\n#!/bin/sh\necho stub\nEOF\n',
        "tools/run.sh": "echo run\n",
        "conf.sh": "echo conf\n",
    }
    root = make_repo(tmp_path / "mk", files)
    for name in files:
        if name.endswith(".sh"):
            (root / name).chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-shebang") == {
        ("tools/run.sh", 1, "warning"),
        ("conf.sh", 1, "warning"),
    }


def test_a_library_a_script_looks_up_on_path_and_sources_needs_no_shebang(
    tmp_path: Path,
) -> None:
    """strike 0.1.73's bin/bake (held-out 127, wrong): `boilerplate=$( command -v
    boilerplate.sh ) \\` and on the next line `&& . "$boilerplate"`: bin/boilerplate.sh is a
    library it finds on PATH and sources. tools/run.sh, looked up the same way but run
    (`"$runner"`), keeps the warning."""
    files = {
        "README.md": "# bk\n\nRun `./bin/bk`.\n",
        "bin/bk": SHEBANG
        + "boilerplate=$( command -v boilerplate.sh ) \\\n"
        + '  && . "$boilerplate" && unset boilerplate \\\n'
        + '  || { echo "fatal"; exit 1; }\n'
        + 'runner=$(which run.sh)\n"$runner"\n',
        "bin/boilerplate.sh": "set -o nounset\nboilerplate() { :; }\n",
        "tools/run.sh": "echo run\n",
    }
    root = make_repo(tmp_path / "bk", files)
    for name in ("bin/bk", "bin/boilerplate.sh", "tools/run.sh"):
        (root / name).chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-shebang") == {("tools/run.sh", 1, "warning")}


def test_a_library_a_script_writes_a_source_line_for_needs_no_shebang(tmp_path: Path) -> None:
    """npm-completion 2.0.6's setup (held-out 131, wrong): `for LINE in ...
    "source \\$PATH_TO_NPM_COMPLETION/npm-completion.sh"; do printf "\\n$LINE" >> $SOURCE_FILE`
    writes the line that makes bash or zsh source the executable npm-completion.sh, which has no
    shebang: a library. tools/run.sh, which setup's printed hint runs (`"run ./tools/run.sh"`),
    and an executable file no line names keep the warning."""
    files = {
        "README.md": "# nc\n\nRun `./setup`.\n",
        "setup": "#!/bin/sh\n"
        + 'DIR=$(cd $(dirname $0) && pwd)\nRC="$HOME/.bashrc"\n'
        + 'for LINE in "DIR=\\"$DIR\\"" "source \\$DIR/completion.sh"; do\n'
        + '  printf "\\n$LINE" >> "$RC"\ndone\n'
        + "echo 'then . the shell, and run ./tools/run.sh'\n",
        "completion.sh": "type complete > /dev/null 2>&1\n_nc() { :; }\n",
        "tools/run.sh": "echo run\n",
        "orphan.sh": "echo orphan\n",
    }
    root = make_repo(tmp_path / "nc", files)
    for name in files:
        if name != "README.md":
            (root / name).chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-shebang") == {
        ("tools/run.sh", 1, "warning"),
        ("orphan.sh", 1, "warning"),
    }


def test_an_inline_path_given_as_an_example_is_information_when_missing(tmp_path: Path) -> None:
    """makeself's README: "if you wish to execute a program contained in this directory, you
    must prefix your command with `./`. For example, `./program` will be fine." -- a name the
    reader picks inside their own archive, not a script of the project: information. An inline
    path in a sentence that is no example (`./build.sh`) is still an error when missing, and an
    example that exists is not reported."""
    files = {
        "README.md": (
            "# mk\n\nThe startup script runs from the extracted directory, so prefix your "
            "command with `./`. For example, `./program` will be fine.\n\n"
            "Build with `./build.sh` first. For example, `./mk.sh` makes one.\n"
        ),
        "mk.sh": SHEBANG + "echo mk\n",
    }
    root = make_repo(tmp_path / "mk", files)
    (root / "mk.sh").chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-script") == {
        ("README.md", 3, "info"),
        ("README.md", 5, "error"),
    }
    example = next(f for f in outcome.findings if f.line == 3).message
    assert "gives it as an example" in example


def test_a_configure_of_a_project_without_autoconf_inputs_is_another_packages(
    tmp_path: Path,
) -> None:
    """ruby-build 20241225.2's README lists what it does to install a Ruby: "Downloads an
    official tarball of Ruby source code; ... Executes `./configure --prefix=/path/to/
    destination` in the source code". ruby-build has no configure and no configure.ac or
    configure.in: nothing of the project can write one, so the configure is the downloaded
    package's: information. The same line in a project with a configure.ac (configure not
    committed) stays an error, and so does a missing `./install.sh` beside it."""
    readme = (
        "# rb\n\nWhat rb does:\n\n- Extracts the archive into a temporary directory;\n"
        "- Executes `./configure --prefix=/path/to/destination` in the source code;\n\n"
        "Install rb with `./install.sh`.\n"
    )
    files = {"README.md": readme, "bin/rb": SHEBANG + "echo rb\n", "Makefile": "all:\n"}
    root = make_repo(tmp_path / "rb", files)
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-script") == {
        ("README.md", 6, "info"),
        ("README.md", 8, "error"),
    }
    note = next(f for f in outcome.findings if f.line == 6).message
    assert "another package's source" in note
    autoconf = make_repo(tmp_path / "ac", {**files, "configure.ac": "AC_INIT([rb], [1.0])\n"})
    assert ("README.md", 6, "error") in _found(_run(autoconf), "scripts/missing-script")


def test_a_configure_the_ignore_file_leaves_out_beside_its_configure_ac_is_generated(
    tmp_path: Path,
) -> None:
    """strike 0.1.73's INSTALL.md (held-out 127, wrong): "Installation is performed using
    `./configure`, `make` and `make install`"; the npm package ships configure.ac and
    Makefile.am, and its .npmignore lists `configure`: Autoconf makes it and the project leaves
    it out on purpose, so the missing `./configure` is information. The same line where no
    ignore file lists `configure` stays an error, as does a missing `./install.sh` beside it."""
    install = "# Installation\n\nRun `./configure`, then `make`.\n\nOr run `./install.sh`.\n"
    files = {
        "INSTALL.md": install,
        "configure.ac": "AC_INIT([s], [1.0])\n",
        "Makefile.am": "bin_SCRIPTS = s\n",
        "s": SHEBANG + "echo s\n",
    }
    ignored = make_repo(tmp_path / "ignored", {**files, ".npmignore": "node_modules\nconfigure\n"})
    outcome = _run(ignored)
    assert _found(outcome, "scripts/missing-script") == {
        ("INSTALL.md", 3, "info"),
        ("INSTALL.md", 5, "error"),
    }
    note = next(f for f in outcome.findings if f.line == 3).message
    assert "leaves the generated `configure` out on purpose" in note
    kept = make_repo(tmp_path / "kept", {**files, ".npmignore": "node_modules\n"})
    assert ("INSTALL.md", 3, "error") in _found(_run(kept), "scripts/missing-script")


def test_a_script_the_document_calls_generated_is_the_programs_output(tmp_path: Path) -> None:
    """strike 0.1.73's task-deploy(7) (held-out 127, wrong) lists what its bundle holds
    ("`install.sh`: The generated deployment script"), says "the deployment may still be
    performed using `./install.sh`" and "The generated *install.sh* script attempts to
    rollback": a file the task writes into the archive it builds. A missing `./setup.sh` the
    same page runs, which it never calls generated, stays an error."""
    page = (
        "# deploy\n\n"
        "A makefile is generated in the archive. Without make use `./install.sh`.\n\n"
        "Run `./setup.sh` first.\n\n"
        "The generated *install.sh* script rolls back on failure.\n"
    )
    outcome = _run(make_repo(tmp_path / "p", {"doc/deploy.md": page, "p": SHEBANG}))
    assert _found(outcome, "scripts/missing-script") == {
        ("doc/deploy.md", 3, "info"),
        ("doc/deploy.md", 5, "error"),
    }
    note = next(f for f in outcome.findings if f.line == 3).message
    assert "calls `install.sh` generated" in note


def test_a_root_command_package_json_bin_maps_to_a_shipped_file_is_the_packs_lost_link(
    tmp_path: Path,
) -> None:
    """strike 0.1.73 (held-out 127, noise): its README and package.json's `"test": "./bake
    test"` run `./bake`, a root link to bin/bake in a checkout; package.json maps `"bake":
    "./bin/bake"` and `npm pack` packs no symbolic link, so the missing `./bake` is
    information. A missing `./other` no `bin` names stays an error, and so does `./tool`,
    whose `bin` file is missing too."""
    readme = "# P\n\nRun `./bake test`.\n\nThen `./other build`.\n\nOr `./tool`.\n"
    package = {
        "name": "p",
        "version": "1.0.0",
        "scripts": {"test": "./bake test"},
        "bin": {"bake": "./bin/bake", "tool": "./bin/tool"},
    }
    root = make_repo(
        tmp_path / "p",
        {
            "README.md": readme,
            "package.json": json.dumps(package, indent=2) + "\n",
            "bin/bake": SHEBANG + "echo bake\n",
        },
    )
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-script") == {
        ("README.md", 3, "info"),
        ("package.json", 5, "info"),  # the test script's `./bake test`
        ("README.md", 5, "error"),
        ("README.md", 7, "error"),
        ("package.json", 9, "error"),  # bin 'tool' points at a missing file
    }
    note = next(f for f in outcome.findings if f.path == "README.md" and f.line == 3).message
    assert "maps `bake` to bin/bake" in note


def test_a_file_the_code_looks_for_in_a_directory_it_is_given_is_the_users(
    tmp_path: Path,
) -> None:
    """gradle-completion 1.3.1's README: "zsh completion using `./gradlew` may not work on
    Linux". gradlew is the wrapper of the user's Gradle build: gradle-completion.bash tests
    `[[ -x "$project_root_dir/gradlew" ]]` and registers `complete -F _gradle ./gradlew`, so
    the missing `./gradlew` is the user's file: information. A `./install.sh` beside it, which
    the code never looks for, stays an error, and so does `./gradlew` in a project whose code
    does not look for one."""
    readme = (
        "# completion\n\nCompletion using `./gradlew` may not work without `.` on PATH.\n\n"
        "Install it with `./install.sh`.\n"
    )
    script = (
        "_gradle() {\n"
        '    local project_root_dir="$1"\n'
        '    if [[ -x "$project_root_dir/gradlew" ]]; then\n'
        '        gradle_cmd="$project_root_dir/gradlew"\n'
        "    fi\n"
        "}\n"
        "complete -F _gradle gradle\n"
    )
    files = {"README.md": readme, "completion.bash": script}
    outcome = _run(make_repo(tmp_path / "c", files))
    assert _found(outcome, "scripts/missing-script") == {
        ("README.md", 3, "info"),
        ("README.md", 5, "error"),
    }
    note = next(f for f in outcome.findings if f.line == 3).message
    assert '`[[ -x "$project_root_dir/gradlew"`' in note
    completes = {"README.md": readme, "completion.bash": "complete -F _gradle ./gradlew\n"}
    found = _found(_run(make_repo(tmp_path / "d", completes)), "scripts/missing-script")
    assert ("README.md", 3, "info") in found
    plain = {"README.md": readme, "completion.bash": "complete -F _gradle gradle\n"}
    found = _found(_run(make_repo(tmp_path / "e", plain)), "scripts/missing-script")
    assert ("README.md", 3, "error") in found


def _shown(outcome: StepOutcome) -> set[tuple[str, str | None, int | None, str]]:
    return {
        (f.rule, f.path, f.line, f.severity.value)
        for f in outcome.findings
        if f.severity != Severity.INFO and f.rule.startswith("scripts/missing")
    }


def test_changelogs_tutorials_and_other_programs_are_not_instructions(tmp_path: Path) -> None:
    """Found on express (History.md), bats-core (tutorial.rst) and cobra (active_help.md):
    a changelog, a tutorial building the reader's project and a transcript of another program
    name commands that are not this project's. The README's instructions still are."""
    files = {
        "README.md": "# p\n\n## Deploy\n\n```bash\n./scripts/deploy.sh\nmake test\n```\n",
        "CHANGELOG.md": "# Changes\n\n## 0.1\n\n- `make install` replaced by `./old.sh`\n\n"
        "```\nmake test\n./examples/say\n```\n",
        "docs/tutorial.md": "# Tutorial\n\nAdd bats to your project:\n\n```console\n"
        "$ git submodule add https://x/bats-core.git test/bats\n$ ./test/bats/bin/bats test/t.bats\n"
        " ✓ runs\n```\n\n```bash\n@test 'x' {\n  ./project.sh\n}\n```\n",
        "docs/completion.md": "# Completion\n\nFor example,\n\n```console\n"
        "$ helm repo add [tab]\nYou must choose a name\n$ bin/helm package [tab]\n"
        "bin/  internal/  pkg/\n```\n",
    }
    root = make_repo(tmp_path / "p", files)
    assert _shown(_run(root)) == {
        ("scripts/missing-script", "README.md", 6, "error"),  # ./scripts/deploy.sh
        ("scripts/missing-makefile", "README.md", 7, "error"),  # make test
    }


def test_a_path_beside_the_checkout_is_not_checked(tmp_path: Path) -> None:
    """funcoeszz's release/README.md: "update the site, in `../funcoeszz.github.io`", read
    from the root, leaves the repository (a checkout beside it on the maintainer's machine):
    info. A document's `../` that lands in one of the project's directories, or on a script
    at its root, and a root README's missing `./` script stay errors."""
    files = {
        "README.md": "# p\n\nRun `./scripts/gone.sh` first.\n",
        "release/README.md": "# Release\n\nUpdate the site, in `../project.github.io`:\n",
        "docs/build.md": "# Build\n\nRun `../scripts/missing.sh` then `../build.sh`.\n",
        "scripts/present.sh": "#!/bin/sh\n",
    }
    outcome = _run(make_repo(tmp_path / "p", files))
    assert _shown(outcome) == {
        ("scripts/missing-script", "README.md", 3, "error"),
        ("scripts/missing-script", "docs/build.md", 3, "error"),
    }
    missing = [f for f in outcome.findings if f.rule == "scripts/missing-script"]
    assert len([f for f in missing if f.path == "docs/build.md"]) == 2
    beside = [f for f in missing if f.path == "release/README.md"]
    assert [f.severity for f in beside] == [Severity.INFO]
    assert "outside the repository" in beside[0].message


def test_an_install_location_is_not_a_script_to_run(tmp_path: Path) -> None:
    """recap's README: 'Main scripts are installed on in "`./sbin`" by default, this can be
    overriden with `BINDIR`', and the plugins 'are installed on top of `PREFIX` in
    "`./recap/plugins-available`"': directories of the installed system under a prefix, not
    scripts of the repository. A `./` script the same README says to run after installing
    stays an error."""
    files = {
        "README.md": (
            "# p\n\n"
            'Main scripts are installed in "`./sbin`" by default, this can be overridden '
            "with `BINDIR`.\n"
            "The plugins are installed on top of `PREFIX` into `./p/plugins-available`.\n"
            "Once installed, run `./scripts/check.sh` to see it work.\n"
        ),
        "Makefile": "install:\n\tinstall -Dm0755 p $(DESTDIR)$(PREFIX)/sbin/p\n",
        "p": "#!/bin/sh\n",
    }
    outcome = _run(make_repo(tmp_path / "p", files))
    assert _found(outcome, "scripts/missing-script") == {("README.md", 5, "error")}


def test_an_options_default_value_is_not_a_script_to_run(tmp_path: Path) -> None:
    """strike 0.1.73's task-latex(7) (held-out 127, wrong): "`-d | --dir [directory]`:
    Specifies an alternative directory to search for source `.tex` files. Default is
    `./doc/latex`.": a place in the reader's project the option names by default, not a
    script of the repository. A missing `./` script the same page says to run by default
    stays an error."""
    files = {
        "doc/task.md": (
            "# task\n\n"
            "* `-d | --dir [directory]`:\n\n"
            "\tSpecifies an alternative directory. Default is `./doc/latex`.\n\n"
            "* `-o | --out [dir]`: where output goes (default: `./build/out`).\n\n"
            "By default, run `./scripts/latex.sh` to compile.\n"
        ),
        "p": "#!/bin/sh\n",
    }
    outcome = _run(make_repo(tmp_path / "p", files))
    assert _found(outcome, "scripts/missing-script") == {("doc/task.md", 9, "error")}


def test_a_file_the_program_writes_to_is_not_a_script_to_run(tmp_path: Path) -> None:
    """ncp's README: "the error messages will be logged to `stdout` and to
    `./ncp-debug.log`": a file the program creates in the reader's directory when it runs,
    not a script of the repository. A missing `./` script the same paragraph says to run, and
    one named after an output in another sentence, stay errors."""
    files = {
        "README.md": (
            "# p\n\n"
            "If there are errors, the messages will be logged to `stdout` and to "
            "`./p-debug.log`.\n"
            "The report is written into `./report.txt`; run `./tools/check.sh` to read it.\n"
            "The log is kept. `./tools/rotate.sh` rotates it.\n"
        ),
        "p": "#!/bin/sh\n",
    }
    outcome = _run(make_repo(tmp_path / "p", files))
    assert _found(outcome, "scripts/missing-script") == {
        ("README.md", 4, "error"),
        ("README.md", 5, "error"),
    }
    messages = " ".join(f.message for f in outcome.findings)
    assert "p-debug.log" not in messages and "report.txt" not in messages


def test_what_a_session_produced_and_go_package_patterns_are_not_missing(tmp_path: Path) -> None:
    """Found on bats-core's CI (`./shfmt` downloaded, `./usr/local/bin/kcov` extracted by an
    earlier step of the job) and cobra's Makefile (`go test $(FLAGS) ./...`)."""
    workflow = """\
on: push
jobs:
  fmt:
    runs-on: ubuntu-latest
    steps:
      - run: |
          curl https://x/shfmt -o shfmt
          chmod a+x shfmt
      - run: ./shfmt --diff .
  coverage:
    runs-on: ubuntu-latest
    steps:
      - run: |
          wget https://x/kcov-amd64.tar.gz
          tar -xf kcov-amd64.tar.gz
      - run: ./usr/local/bin/kcov ./bin/tool
      - run: ./scripts/ci-missing.sh
  other:
    runs-on: ubuntu-latest
    steps:
      - run: ./shfmt --diff .
"""
    files = {
        "README.md": "# p\n\nRun `make test`.\n",
        "Makefile": "FLAGS := -race\ntest:\n\tgo test -v $(FLAGS) ./...\n\t./scripts/gone.sh\n"
        "tool:\n\tgo build -o bin/tool .\n",
        ".github/workflows/ci.yml": workflow,
        ".gitignore": "/out/\n",
        "scripts/ok.sh": SHEBANG,
        "docs/build.md": "# Build\n\n```sh\n./out/tool --help\n./bin/tool\n```\n",
    }
    root = make_repo(tmp_path / "p", files)
    outcome = _run(root)
    assert _shown(outcome) == {
        ("scripts/missing-script", "Makefile", 4, "error"),  # ./scripts/gone.sh
        ("scripts/missing-script", ".github/workflows/ci.yml", 17, "error"),  # ci-missing.sh
        ("scripts/missing-script", ".github/workflows/ci.yml", 21, "error"),  # other job
    }
    infos = {(f.path, f.line) for f in outcome.findings if f.severity == Severity.INFO}
    assert (".github/workflows/ci.yml", 16) in infos  # kcov: maybe from the archive
    assert ("docs/build.md", 4) in infos  # ./out/tool: .gitignore says build output
    assert ("docs/build.md", 5) in infos  # ./bin/tool: the Makefile's `go build -o` makes it


def test_a_clone_of_this_project_and_its_own_program_with_the_readers_files(
    tmp_path: Path,
) -> None:
    """Found on bats-core: `git clone .../bats-core.git; cd bats-core; ./install.sh` runs the
    root's install.sh; `bats test/a.bats ...` names the reader's test files; the README of
    express: `cd /tmp/foo` ending one block holds for `npm install` and `npm start` in the
    next ones."""
    files = {
        "package.json": '{"name": "bats", "bin": {"bats": "bin/bats"}}\n',
        "bin/bats": SHEBANG,
        "install.sh": SHEBANG,
        "docs/install.md": "# Install\n\n```\n$ git clone https://github.com/o/bats-core.git\n"
        "$ cd bats-core\n$ ./install.sh /usr/local\n$ ./uninstall.sh\n```\n\n"
        "## Other\n\n```\ngit clone https://github.com/o/helper.git\ncd helper\n./setup.sh\n```\n",
        "docs/faq.md": "# FAQ\n\n```bash\n$ bats test/a.bats test/b.bats ...\n"
        "$ bash scripts/missing.sh\n```\n",
        "README.md": "# bats\n\n## Quick start\n\n```bash\nexpress /tmp/foo && cd /tmp/foo\n```\n\n"
        "```bash\nnpm install\n```\n\n```bash\nnpm start\n```\n\n"
        "## Dev\n\n```bash\nnpm run lint\n```\n",
    }
    root = make_repo(tmp_path / "bats-core", files)
    for name in ("bin/bats", "install.sh"):
        (root / name).chmod(0o755)
    commit_all(root, "modes")
    assert _shown(_run(root)) == {
        ("scripts/missing-script", "docs/install.md", 7, "error"),  # ./uninstall.sh
        ("scripts/missing-script", "docs/faq.md", 5, "error"),  # bash scripts/missing.sh
        ("scripts/missing-npm-script", "README.md", 20, "error"),  # npm run lint
    }


def test_scripts_that_tooling_runs_are_referenced(tmp_path: Path) -> None:
    """Found on flask: `.devcontainer/on-create-command.sh` is what devcontainer.json runs.
    A script nothing runs is still reported; a script tooling names but lacks is an error."""
    files = {
        "README.md": "# p\n",
        ".devcontainer/devcontainer.json": '{\n  // dev\n  "onCreateCommand": '
        '".devcontainer/on-create.sh",\n  "postCreateCommand": "./scripts/gone.sh",\n}\n',
        ".devcontainer/on-create.sh": SHEBANG,
        "justfile": "lint:\n    ./scripts/lint.sh\n",
        "scripts/lint.sh": SHEBANG,
        "scripts/orphan.sh": SHEBANG,
    }
    root = make_repo(tmp_path / "p", files)
    for name in (".devcontainer/on-create.sh", "scripts/lint.sh", "scripts/orphan.sh"):
        (root / name).chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _found(outcome, "scripts/unreferenced") == {("scripts/orphan.sh", None, "info")}
    assert _found(outcome, "scripts/undocumented") == {
        (".devcontainer/on-create.sh", None, "info"),
        ("scripts/lint.sh", None, "info"),
    }
    assert _shown(outcome) == {
        ("scripts/missing-script", ".devcontainer/devcontainer.json", 4, "error")
    }


def test_plain_text_readme_and_manual_page_document_scripts(tmp_path: Path) -> None:
    """Found on dphys-swapfile 20100506: its one script, which the Makefile installs, is
    described by README, FAQ and INSTALL (plain text, no suffix) and by its roff manual page
    dphys-swapfile.8, none of them Markdown. A script that only the Makefile names, and one
    that only a file which is no document (a changelog, roff without `.TH`) names, stays
    undocumented."""
    makefile = (
        "install:\n\tinstall -m 755 tool $(DESTDIR)/sbin/tool\n"
        "\tinstall -m 755 helper $(DESTDIR)/sbin/helper\n"
        "\tinstall -m 755 other $(DESTDIR)/sbin/other\n"
        "\tinstall -m 755 extra $(DESTDIR)/sbin/extra\n"
    )
    files = {
        "README": "tool - sets things up\nrun tool setup as root\n",
        "doc/INSTALL.txt": "copy helper to /sbin\n",
        "other.8": '.TH OTHER 8 "2010"\n.SH NAME\nother \\- does the rest\n',
        "notes.1": "extra is mentioned here, but this is no manual page\n",
        "ChangeLog": "2010: extra fixed\n",
        "Makefile": makefile,
        "tool": SHEBANG,
        "helper": SHEBANG,
        "other": SHEBANG,
        "extra": SHEBANG,
    }
    root = make_repo(tmp_path / "p", files)
    for name in ("tool", "helper", "other", "extra"):
        (root / name).chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _found(outcome, "scripts/undocumented") == {("extra", None, "info")}


def test_computed_paths_placeholders_and_contributed_scripts(tmp_path: Path) -> None:
    """Found on password-store (a Makefile installs `src/platform/$(shell uname ...).sh`,
    contrib/ holds contributed importers) and urfave/cli (`source path/to/cli/script`)."""
    makefile = (
        "PLATFORMFILE := src/platform/$(shell uname | cut -d _ -f 1 | tr '[:upper:]' "
        "'[:lower:]').sh\n"
        'install:\n\tinstall -m 0644 "$(PLATFORMFILE)" "$(DESTDIR)$(LIBDIR)/platform.sh"\n'
        "lint:\n\tshellcheck tools/*.sh\n"
    )
    readme = (
        "# p\n\n```\nsource path/to/cli/autocomplete/bash_autocomplete\n"
        "source your-app/completion.sh\nsource autocomplete/zsh_gone\n```\n"
    )
    files = {
        "README.md": readme,
        "Makefile": makefile,
        "autocomplete/bash_autocomplete": "complete -F _cli cli\n",
        "src/platform/darwin.sh": "GETOPT=getopt\n",
        "tools/lint-helper.sh": SHEBANG,
        "contrib/importers/old2new.sh": SHEBANG,
        "other/orphan.sh": SHEBANG,
    }
    root = make_repo(tmp_path / "p", files)
    for name in ("tools/lint-helper.sh", "contrib/importers/old2new.sh", "other/orphan.sh"):
        (root / name).chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _shown(outcome) == {("scripts/missing-script", "README.md", 6, "error")}
    assert _found(outcome, "scripts/unreferenced") == {
        ("other/orphan.sh", None, "info"),
        ("contrib/importers/old2new.sh", None, "info"),
    }
    contributed = next(f for f in outcome.findings if f.path == "contrib/importers/old2new.sh")
    assert "contributed extra" in contributed.message
    assert _found(outcome, "scripts/undocumented") == {
        ("src/platform/darwin.sh", None, "info"),
        ("tools/lint-helper.sh", None, "info"),
    }


_SEGMENT = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)


@given(folder=st.lists(_SEGMENT, min_size=1, max_size=3), stem=_SEGMENT, other=_SEGMENT)
def test_a_computed_path_matches_the_files_it_can_expand_to(
    folder: list[str], stem: str, other: str
) -> None:
    directory = "/".join(folder)
    assume(f"{other}x" != directory)  # another directory, not this one by chance ("a" + "x")
    for text in (f"install {directory}/$(shell uname | tr A-Z a-z).sh", f"lint {directory}/*.sh"):
        patterns = path_patterns(text)
        assert any(p.fullmatch(f"{directory}/{stem}.sh") for p in patterns)
        assert not any(p.fullmatch(f"{directory}/{stem}/{other}.sh") for p in patterns)
        assert not any(p.fullmatch(f"{other}x/{stem}.sh") for p in patterns)


@pytest.mark.parametrize(
    "generator", ["configure.ac", "Makefile.am", "CMakeLists.txt", "meson.build", "configure"]
)
def test_a_generated_makefile_is_not_missing(tmp_path: Path, generator: str) -> None:
    """bash-completion's README: `./configure && make && make install` (autotools writes the
    Makefile); the same README without a build system that writes one stays an error."""
    readme = "# p\n\n## Install\n\n```shell\n./configure\nmake\nmake install\n```\n"
    root = make_repo(tmp_path / "gen", {"README.md": readme, generator: "# build\n"})
    assert not _found(_run(root), "scripts/missing-makefile")
    bare = make_repo(tmp_path / "bare", {"README.md": readme.replace("./configure\n", "")})
    assert ("README.md", 6, "error") in _found(_run(bare), "scripts/missing-makefile")


def test_node_resolves_a_script_named_without_its_extension(tmp_path: Path) -> None:
    """resolve's `pretests-only`: `cd fixture && node mylib/sync` runs fixture/mylib/sync.js;
    a script that does not exist under any name node tries is still an error."""
    scripts = {
        "pretest": "cd ./test/fixture && node mylib/sync && node mylib && node mylib/gone",
    }
    root = make_repo(
        tmp_path / "node",
        {
            "package.json": json.dumps({"scripts": scripts}),
            "test/fixture/mylib/sync.js": "module.exports = 1;\n",
            "test/fixture/mylib/index.js": "module.exports = 2;\n",
        },
    )
    outcome = _run(root)
    missing = [f for f in outcome.findings if f.rule == "scripts/missing-script"]
    assert [(f.severity.value, "mylib/gone" in f.message) for f in missing] == [("error", True)]


def test_a_script_linked_to_an_executable_file_is_executable(tmp_path: Path) -> None:
    """rbenv's bin/rbenv is a symbolic link to libexec/rbenv (100755): not "no executable bit";
    a link to a file without the bit still is."""
    root = make_repo(
        tmp_path / "links",
        {
            "libexec/tool": SHEBANG,
            "libexec/plain": SHEBANG,
            "README.md": "# t\n\nRun `bin/tool`.\n",
        },
    )
    os.chmod(root / "libexec/tool", 0o755)
    (root / "bin").mkdir()
    os.symlink("../libexec/tool", root / "bin/tool")
    os.symlink("../libexec/plain", root / "bin/plain")
    commit_all(root, "links")
    flagged = {f.path for f in _run(root).findings if f.rule == "scripts/not-executable"}
    assert "bin/tool" not in flagged
    assert "bin/plain" in flagged


def test_a_script_nothing_runs_directly_needs_no_executable_bit(tmp_path: Path) -> None:
    """git-secret's command fragments (concatenated by `make build`) and scripts its Makefile
    runs as `"${SHELL}" docs/build.sh`: info; a script a document runs as `./x.sh` stays an
    error."""
    root = make_repo(
        tmp_path / "frag",
        {
            "src/commands/add.sh": SHEBANG,
            "run.sh": SHEBANG,
            "README.md": "# t\n\nRun `./run.sh`.\n",
            "Makefile": "build:\n\tcat src/commands/*.sh > tool\n",
        },
    )
    found = {
        (f.path, f.severity.value)
        for f in _run(root).findings
        if f.rule == "scripts/not-executable"
    }
    assert ("src/commands/add.sh", "info") in found
    assert ("README.md", "error") in found


def test_make_after_a_cd_relative_to_an_earlier_directory(tmp_path: Path) -> None:
    """dracut's docs/HACKING.md runs the testsuite from test/ (`cd test`, `make check`), then in
    a later block `cd TEST-01-BASIC` and `make clean setup run`: test/TEST-01-BASIC/Makefile is
    there, so the `cd` is relative to test/, not the root. A `cd` into a directory holding no
    Makefile anywhere in the tree is still reported."""
    hacking = (
        "# Hacking\n\nRun the testsuite:\n\n```\n# cd test\n# make check\n```\n\n"
        "Debug a specific test case:\n```\n$ cd TEST-01-BASIC\n$ sudo make clean setup run\n```\n"
        "\nBuild a tool:\n```\n$ cd tools\n$ make\n```\n"
    )
    root = make_repo(
        tmp_path / "p",
        {
            "docs/HACKING.md": hacking,
            "test/Makefile": "check:\n\t@echo check\n",
            "test/TEST-01-BASIC/Makefile": "clean setup run:\n\t@echo $@\n",
            "tools/helper.sh": "#!/bin/sh\n",
        },
    )
    assert _found(_run(root), "scripts/missing-makefile") == {("docs/HACKING.md", 19, "error")}


def test_make_in_a_document_of_a_subdirectory_runs_there(tmp_path: Path) -> None:
    """liquidprompt's docs/README.md: "try the HTML target: `make html`" means docs/Makefile
    (Sphinx's, with its catch-all `%:` target); a subdirectory document naming a target no
    Makefile has, or `make` where there is no Makefile at all, is still reported."""
    sphinx_makefile = (
        "help:\n\t@sphinx-build -M help . _build\n\n%: Makefile\n\t@sphinx-build -M $@ . _build\n"
    )
    docs_readme = (
        "Build docs\n==========\n\nTry the HTML target: `make html`.\n\n```shell\nmake lint\n```\n"
    )
    root = make_repo(
        tmp_path / "p",
        {
            "docs/README.md": docs_readme,
            "docs/Makefile": sphinx_makefile,
            "tools/README.md": "# Tools\n\n```shell\nmake tools\n```\n",
            "Makefile": "lint:\n\t@echo lint\n",
        },
    )
    outcome = _run(root)
    # lint: the root Makefile; html: docs/Makefile; tools: in neither
    assert _found(outcome, "scripts/missing-make-target") == {("tools/README.md", 4, "error")}
    bare = make_repo(
        tmp_path / "bare",
        {
            "docs/README.md": docs_readme,
            "tools/README.md": "# Tools\n\n```shell\nmake tools\n```\n",
        },
    )
    assert _found(_run(bare), "scripts/missing-makefile") == {
        ("docs/README.md", 4, "error"),
        ("docs/README.md", 7, "error"),
        ("tools/README.md", 4, "error"),
    }
    strict = make_repo(
        tmp_path / "strict",
        {"docs/README.md": docs_readme, "docs/Makefile": "html:\n\t@echo html\n"},
    )
    assert _found(_run(strict), "scripts/missing-make-target") == {("docs/README.md", 7, "error")}


GIT_FTP_TESTS_README = """\
Testing Environment
===================

The linux binary was compiled with:

```sh
wget https://security.appspot.com/downloads/vsftpd-3.0.3.tar.gz
tar xzf vsftpd-3.0.3.tar.gz
cd vsftpd-3.0.3
make
```

Run the unit tests by executing `make`.

```sh
make
make {target}
```
"""


def test_make_in_source_a_block_unpacks_is_not_ours_and_its_cd_ends_with_the_block(
    tmp_path: Path,
) -> None:
    """git-ftp's tests/README.md: the `make` after `cd vsftpd-3.0.3` (unpacked by the block)
    builds vsftpd, and the next block's `make` runs in tests/ (its Makefile), not in the
    vsftpd source. A target tests/Makefile lacks, and `cd docs && make html` into a directory
    of the project without a Makefile, stay errors."""
    files = {
        "tests/README.md": GIT_FTP_TESTS_README.format(target="all"),
        "tests/Makefile": "all:\n\t./git-ftp-test.sh\n",
        "tests/git-ftp-test.sh": SHEBANG,
    }
    outcome = _run(make_repo(tmp_path / "ok", files))
    assert not _found(outcome, "scripts/missing-makefile")
    assert not _found(outcome, "scripts/missing-make-target")
    files["tests/README.md"] = GIT_FTP_TESTS_README.format(target="gone")
    files["README.md"] = "# p\n\n## Docs\n\n```sh\ncd docs && make html\n```\n"
    files["docs/index.md"] = "# Docs\n"
    outcome = _run(make_repo(tmp_path / "bad", files))
    assert _found(outcome, "scripts/missing-make-target") == {("tests/README.md", 17, "error")}
    assert _found(outcome, "scripts/missing-makefile") == {("README.md", 6, "error")}


def test_npm_in_a_document_of_a_subdirectory_reads_the_package_json_beside_it(
    tmp_path: Path,
) -> None:
    readme = "# Site\n\n```shell\nnpm run serve\nnpm run deploy\n```\n"
    package = '{"name": "site", "scripts": {"serve": "vite"}}\n'
    root = make_repo(tmp_path / "p", {"site/README.md": readme, "site/package.json": package})
    assert _found(_run(root), "scripts/missing-npm-script") == {("site/README.md", 5, "error")}


def test_npm_script_names_with_a_colon_are_checked(tmp_path: Path) -> None:
    """split2 4.2.0's `"test:report": "npm run lint && npm run unit:report"` runs a script its
    package.json does not define (it has `unit`): an error, as for any missing script. The
    grouping colon is part of a name (`npm run test:unit`), so a defined one is found."""
    package = (
        "{\n"
        '  "name": "p",\n'
        '  "scripts": {\n'
        '    "lint": "standard",\n'
        '    "unit": "tape test.js",\n'
        '    "test:report": "npm run lint && npm run unit:report",\n'
        '    "test": "npm run lint && npm run unit"\n'
        "  }\n"
        "}\n"
    )
    readme = "# p\n\n```sh\nnpm run test:report\n```\n"
    root = make_repo(tmp_path / "p", {"package.json": package, "README.md": readme})
    assert _found(_run(root), "scripts/missing-npm-script") == {("package.json", 6, "error")}


BUG_REPORT = """\
# Do NOT error on failed commands
set +e

if ! (return 0 2>/dev/null); then
  printf 'Error: script must be sourced\\n' >&2
  exit 1
fi
printf '%q\\n' "${PROMPT_COMMAND[@]}"
"""


@pytest.mark.parametrize(
    "guard",
    [
        "",  # held-out 5: liquidprompt's tools/bug-report.sh
        '[[ "${BASH_SOURCE[0]}" == "$0" ]] && { echo "source me, do not run me" >&2; exit 1; }\n',
    ],
)
def test_a_script_that_refuses_to_run_unless_sourced_needs_no_shebang(
    tmp_path: Path, guard: str
) -> None:
    files = {
        "README.md": "# p\n\nAttach a bug report to each issue.\n",
        "tools/bug-report.sh": guard + BUG_REPORT if guard else BUG_REPORT,
        # the true positive beside it: an executable script without a guard or a shebang
        "tools/release.sh": "set -e\nprintf 'sourced config: %s\\n' \"$CONFIG\"\ngit tag v1\n",
    }
    root = make_repo(tmp_path / "p", files)
    for name in files:
        if name.startswith("tools/"):
            (root / name).chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-shebang") == {("tools/release.sh", 1, "warning")}


GOG_COMPLETION = """\
_gog() {
  local word=${COMP_WORDS[COMP_CWORD]}
  local completions=$(ls /usr/local/lib/gog)
  COMPREPLY=( $(compgen -W "$completions" -- "$word") )
  return 0
}

complete -F _gog gog
"""


def test_a_completion_script_needs_no_shebang(tmp_path: Path) -> None:
    """gog 0.0.12's bin/gog.bash defines _gog and registers it with `complete -F _gog gog`;
    gog-install appends `source '$bin/gog.bash'` to ~/.bash_profile (a string the sourcing
    reader cannot follow): completion works only in the shell that sources it, so no shebang
    is read, even with its executable bit. An executable script in bin/ without one still
    needs it."""
    files = {
        "README.md": "# gog\n\nRun `gog <script>`; completion comes with `gog.bash`.\n",
        "bin/gog.bash": GOG_COMPLETION,
        "bin/gog-clean.sh": 'rm -rf "/usr/local/lib/gog/$1"\necho "removed $1"\n',
        "zsh/_gog.zsh": "_gog() { _files }\ncompdef _gog gog\n",
    }
    root = make_repo(tmp_path / "gog", files)
    for name in ("bin/gog.bash", "bin/gog-clean.sh"):
        (root / name).chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-shebang") == {("bin/gog-clean.sh", 1, "warning")}


def test_a_file_whose_headings_repeat_a_scripts_lines_is_no_transcript(tmp_path: Path) -> None:
    """A Markdown file beside an executable script, whose headings (`# make html`) name the
    script's commands, shows no prompt: the script is no replayed session and still needs a
    shebang."""
    files = {
        "README.md": "# paint\n\nSee docs.\n",
        "docs/build.sh": "make html\n",
        "docs/build.md": "# make html\n\nBuilds the pages.\n",
    }
    root = make_repo(tmp_path / "paint", files)
    (root / "docs/build.sh").chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-shebang") == {("docs/build.sh", 1, "warning")}


def test_a_session_its_transcript_replays_needs_no_shebang(tmp_path: Path) -> None:
    """coloredlogs 15.0.1's docs/examples/custom-log-format.sh (mode 755) is fed line by line
    to `bash -` by the maintainer's screenshot script, which writes each line as `$ <line>`,
    then the output, into custom-log-format.txt beside it: a session to replay, where a shebang
    would be one more typed command (info). An executable script whose lines its transcript
    does not show typed, or with no transcript, still needs one."""
    files = {
        "README.md": "# paint\n\nSee docs/examples.\n",
        "docs/examples/custom.sh": (
            "export PAINT_FORMAT='%(asctime)s %(message)s'\n\npaint --demo\n"
        ),
        "docs/examples/custom.txt": (
            "$ export PAINT_FORMAT='%(asctime)s %(message)s'\n"
            "$ paint --demo\n15:45:23 message with level spam (5)\n"
        ),
        "docs/examples/other.sh": "paint --demo --all\n",
        "docs/examples/other.txt": "$ paint --demo\n15:45:23 message with level spam (5)\n",
        "docs/examples/alone.sh": "paint --demo\n",
    }
    root = make_repo(tmp_path / "paint", files)
    for name in files:
        if name.endswith(".sh"):
            (root / name).chmod(0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-shebang") == {
        ("docs/examples/custom.sh", 1, "info"),
        ("docs/examples/other.sh", 1, "warning"),
        ("docs/examples/alone.sh", 1, "warning"),
    }
    replayed = next(f for f in outcome.findings if f.path == "docs/examples/custom.sh")
    assert "typed at the prompt of docs/examples/custom.txt" in replayed.message


SEMVER_DOC_RST = """\
Documenting semver
==================

An appropriate docstring looks like this::

     def to_tuple(self) -> VersionTuple:
        \"\"\"
        Convert the Version object to a tuple.

        .. versionadded:: 2.10.0
           Renamed ``VersionInfo._astuple`` to ``VersionInfo.to_tuple`` to
           make this function available in the public API.
        \"\"\"

A session in Python::

    >>> import semver
    >>> make = semver.Version.parse
    >>> make("1.2.3")

Build the documentation with::

    make docs
"""

EXAMPLE_MD = """\
# Example

```
class Config:
    make sure the default is set
```

```
make release
```
"""


def test_python_source_in_a_block_of_no_language_is_not_a_command(tmp_path: Path) -> None:
    """Found on semver 3.0.2 (docs/contribute/doc-semver.rst): an rST literal block after
    "looks like this::" is a Python function whose docstring says `make this function available
    in the public API.`, prose, not `make` with six targets. A block of no language whose
    content is Python (a `def`/`class` header, a `>>>` session) holds no shell commands; a
    literal block or unlabelled fence of commands beside it is still checked."""
    root = make_repo(
        tmp_path / "p",
        {
            "docs/doc-semver.rst": SEMVER_DOC_RST,
            "EXAMPLE.md": EXAMPLE_MD,
            "Makefile": "sdist:\n\tpython -m build\n",
        },
    )
    assert _found(_run(root), "scripts/missing-make-target") == {
        ("docs/doc-semver.rst", 23, "error"),  # make docs
        ("EXAMPLE.md", 9, "error"),  # make release
    }


def test_a_file_the_make_line_before_writes_with_its_variables_is_not_missing(
    tmp_path: Path,
) -> None:
    """txt2regex's README: `make install BINDIR=. LOCALEDIR=po`, then `LANG=es_ES ./txt2regex`.
    Its install-bin recipe writes `$(SCRIPT) > $(BINDIR)/$(NAME)` with NAME = txt2regex, so
    with BINDIR=. on the command line the make line makes ./txt2regex. The same section's
    `make install` without it writes below /usr/bin, and ./tool then is still missing."""
    makefile = (
        "NAME = tool\nSCRIPT = $(NAME).sh\nDESTDIR =\nBINDIR = $(DESTDIR)/usr/bin\n\n"
        "install: install-bin\n\n"
        "install-bin:\n"
        "\ttest -d $(BINDIR) || mkdir -p $(BINDIR); \\\n"
        "\tsed -e 's/x/y/' \\\n"
        "\t\t$(SCRIPT) > $(BINDIR)/$(NAME) && \\\n"
        "\tchmod +x $(BINDIR)/$(NAME)\n"
    )
    readme = (
        "# tool\n\n## Local\n\n```sh\nmake install BINDIR=.\nLANG=es_ES ./tool\n```\n\n"
        "## System\n\n```sh\nmake install\n./tool --help\n```\n"
    )
    root = make_repo(
        tmp_path / "p", {"README.md": readme, "Makefile": makefile, "tool.sh": SHEBANG}
    )
    os.chmod(root / "tool.sh", 0o755)
    commit_all(root, "modes")
    assert _shown(_run(root)) == {("scripts/missing-script", "README.md", 14, "error")}


def test_a_file_list_continued_in_a_makefile_variable_is_not_run(tmp_path: Path) -> None:
    """backup-manager's Makefile lists its sourced libraries in `SHFILES=\\` continued over
    tab-indented lines: nothing runs them (no error, no shebang wanted); a library a recipe
    runs as `lib/run.sh` stays "run directly but has no executable bit"."""
    root = make_repo(
        tmp_path / "cont",
        {
            "Makefile": (
                "SHFILES=\\\n\tlib/externals.sh \\\n\tlib/files.sh\n\n"
                "install:\n\tinstall -m0644 $(SHFILES) /usr/lib\n\tlib/run.sh\n"
            ),
            "lib/externals.sh": "zip=$(which zip) || true\n",
            "lib/files.sh": "f() { :; }\n",
            "lib/run.sh": SHEBANG,
            "tool": SHEBANG + 'source "$libdir/externals.sh"\nsource "$libdir/files.sh"\n',
        },
    )
    os.chmod(root / "tool", 0o755)
    commit_all(root, "modes")
    outcome = _run(root)
    assert _found(outcome, "scripts/not-executable") == {("Makefile", 7, "error")}
    shebang = _found(outcome, "scripts/missing-shebang")
    assert not {f for f in shebang if f[0] == "lib/externals.sh" and f[2] != "info"}


def test_a_file_git_archive_leaves_out_is_not_missing_in_an_export(tmp_path: Path) -> None:
    """Found on due 3.0.0's orig tarball: its docs say `make install` (from the master
    branch), its .gitattributes says `Makefile export-ignore` ("debian/rules replaces
    makefile"), so the `git archive` export has no Makefile while the repository has one:
    information, and so for a script it marks. A checkout of the repository (it tracks a file
    marked export-ignore) and a Makefile nothing marks keep the error."""
    readme = "# p\n\n## Install\n\n```sh\nmake install\n./tools/release.sh\n./tools/gone.sh\n```\n"
    attributes = "# skip when generating the tarball\nMakefile export-ignore\n/tools/release.sh export-ignore\n"
    export = make_repo(tmp_path / "export", {"README.md": readme, ".gitattributes": attributes})
    outcome = _run(export)
    infos = {(f.rule, f.line) for f in outcome.findings if f.severity == Severity.INFO}
    assert ("scripts/missing-makefile", 6) in infos
    assert ("scripts/missing-script", 7) in infos
    assert _shown(outcome) == {("scripts/missing-script", "README.md", 8, "error")}
    note = next(f.message for f in outcome.findings if f.rule == "scripts/missing-makefile")
    assert "export-ignore" in note and note.startswith("Makefile ")
    # a checkout of the repository: .gitignore is tracked and marked, so nothing is an export
    checkout = make_repo(
        tmp_path / "checkout",
        {
            "README.md": readme,
            ".gitattributes": attributes + ".gitignore export-ignore\n",
            ".gitignore": "*.o\n",
        },
    )
    assert _shown(_run(checkout)) == {
        ("scripts/missing-makefile", "README.md", 6, "error"),
        ("scripts/missing-script", "README.md", 7, "error"),
        ("scripts/missing-script", "README.md", 8, "error"),
    }
    # an export whose attributes leave out something else: the Makefile is missing
    other = make_repo(
        tmp_path / "other", {"README.md": readme, ".gitattributes": "/docs export-ignore\n"}
    )
    assert ("scripts/missing-makefile", "README.md", 6, "error") in _shown(_run(other))


def test_a_programs_own_manual_runs_it_where_it_is_installed(tmp_path: Path) -> None:
    """Found on due 3.0.0: templates/debian-package/duebuild-readme.md shows duebuild's
    --help examples as `./duebuild --cbuild`, while duebuild is the template's
    filesystem/usr/local/bin/duebuild (the container's /usr/local/bin): information naming
    that file. Another document's `./duebuild`, a manual of a program the project does not
    have, and a same-named file without a shebang keep the error."""
    manual = "# duebuild\n\n## Examples\n\n`./duebuild --cbuild`\n\n`./duebuild --default`\n"
    guide = "# Guide\n\n## Build\n\n`./duebuild --cbuild`\n"
    files = {
        "templates/pkg/duebuild-readme.md": manual,
        "templates/pkg/filesystem/usr/local/bin/duebuild": SHEBANG,
        "templates/base/filesystem/usr/local/bin/duebuild": SHEBANG,
        "templates/pkg/guide.md": guide,
        "templates/tool/other-readme.md": manual.replace("duebuild", "other"),
        "templates/tool/bin/other": "not a script\n",
        "docs/gone.md": manual.replace("duebuild", "gone"),
    }
    outcome = _run(make_repo(tmp_path / "p", files))
    infos = {
        (f.path, f.line): f.message
        for f in outcome.findings
        if f.severity == Severity.INFO and f.rule == "scripts/missing-script"
    }
    assert set(infos) == {
        ("templates/pkg/duebuild-readme.md", 5),
        ("templates/pkg/duebuild-readme.md", 7),
    }
    assert (
        "templates/pkg/filesystem/usr/local/bin/duebuild"
        in infos[("templates/pkg/duebuild-readme.md", 5)]
    )
    assert _shown(outcome) == {
        ("scripts/missing-script", "templates/pkg/guide.md", 5, "error"),
        ("scripts/missing-script", "templates/tool/other-readme.md", 5, "error"),
        ("scripts/missing-script", "templates/tool/other-readme.md", 7, "error"),
        ("scripts/missing-script", "docs/gone.md", 5, "error"),
        ("scripts/missing-script", "docs/gone.md", 7, "error"),
    }


def test_the_binary_go_build_makes_from_a_main_package_is_not_missing(tmp_path: Path) -> None:
    """Found on dgrijalva/jwt-go 3.2.0: cmd/jwt/README.md runs `./jwt -key ../../test/sample_key
    -sign -`, the binary `go build` writes from the main package cmd/jwt (named after its
    directory; the root's after its go.mod module without `/v2`): information naming the
    package. A name no main package builds, a library package's directory name (its one
    `package main` file is `//go:build ignore`, a generator) and a path with a directory keep
    the error."""
    readme = (
        "# jwt\n\n```sh\necho {} | ./jwt -key ../../test/sample_key -sign -\n```\n\n"
        "```sh\n./jwtx -show -\n```\n\n```sh\n./parse --help\n```\n\n"
        "```sh\n./bin/jwt -show -\n```\n"
    )
    files = {
        "go.mod": "module example.com/tool/v2\n\ngo 1.13\n",
        "main.go": "package main\n\nfunc main() {}\n",
        "main_test.go": "package main_test\n",
        "internal/parse/parse.go": "// Package parse.\npackage parse\n",
        "internal/parse/gen.go": "//go:build ignore\n\npackage main\n\nfunc main() {}\n",
        "cmd/jwt/app.go": "// A useful example app.\npackage main\n\nfunc main() {}\n",
        "cmd/jwt/README.md": readme,
        "README.md": "# tool\n\n```sh\ngo build && ./tool -h\n./tool -v\n```\n",
    }
    outcome = _run(make_repo(tmp_path / "p", files))
    infos = {
        (f.path, f.line): f.message
        for f in outcome.findings
        if f.severity == Severity.INFO and f.rule == "scripts/missing-script"
    }
    made = "`go build` makes it from the Go main package cmd/jwt/"
    assert made in infos[("cmd/jwt/README.md", 4)]
    assert "the root's Go main package" in infos[("README.md", 5)]
    assert _shown(outcome) == {
        ("scripts/missing-script", "cmd/jwt/README.md", 8, "error"),  # ./jwtx
        ("scripts/missing-script", "cmd/jwt/README.md", 12, "error"),  # ./parse: a library
        ("scripts/missing-script", "cmd/jwt/README.md", 16, "error"),  # ./bin/jwt
    }


def test_script_documented_under_the_name_the_build_makes_of_it(tmp_path: Path) -> None:
    """Found on git-dpm 0.10.0: Makefile.am's `git-dpm: git-dpm.sh Makefile` rule (sed writes
    the version in) makes the installed command git-dpm, which README and the manual page
    document; git-dpm.sh itself is named by no document. A script built under its own name
    without the suffix counts as documented when that name is (also from a Makefile.am in a
    subdirectory, through `$(srcdir)/`); one whose built name no document mentions, and one
    that a rule of another target names (`all: helper.sh`, the docs saying "helper"), stay
    undocumented."""
    makefile = (
        "all: tool other helper.sh\n"
        "tool: tool.sh Makefile\n\tsed -e 's/@V@/1.0/' $< > $@\n"
        "other: other.sh\n\tsed -e 's/@V@/1.0/' $< > $@\n"
    )
    files = {
        "README": "tool - sets things up\nRun tool --help, or the helper.\n",
        "Makefile": makefile,
        "tool.sh": SHEBANG,
        "other.sh": SHEBANG,
        "helper.sh": SHEBANG,
        "sub/Makefile.am": "bin_SCRIPTS = gen\ngen: $(srcdir)/gen.sh Makefile\n\tcp $< $@\n",
        "sub/gen.sh": SHEBANG,
        "doc/gen.1": '.TH GEN 1 "2016"\n.SH NAME\ngen \\- generates\n',
    }
    root = make_repo(tmp_path / "p", files)
    outcome = _run(root)
    assert _found(outcome, "scripts/undocumented") == {
        ("other.sh", None, "info"),
        ("helper.sh", None, "info"),
    }
    assert not _found(outcome, "scripts/unreferenced")


def test_a_script_the_ci_runs_is_left_out_of_an_export_without_gitignore(tmp_path: Path) -> None:
    """Found on cdist 7.0.0's Debian orig tarball (held-out 91): .gitlab-ci.yml runs
    `./bin/build-helper test` and its install guide `./bin/build-helper version`, but the
    tarball, which tracks no .gitignore, left the helper out: information at both places. A
    script the CI does not run (a stale `./scripts/dump` in a guide) stays an error, and so
    does the CI's script in a checkout of the repository (a .gitignore tracked)."""
    files = {
        ".gitlab-ci.yml": "unit_tests:\n  stage: test\n  script:\n    - ./bin/build-helper test\n",
        "docs/install.md": "# Install\n\n```sh\n./bin/build-helper version\n./scripts/dump -h\n```\n",
        "bin/tool": SHEBANG,
    }
    export = make_repo(tmp_path / "export", files)
    outcome = _run(export)
    infos = {(f.path, f.line) for f in outcome.findings if f.severity == Severity.INFO}
    assert {(".gitlab-ci.yml", 4), ("docs/install.md", 4)} <= infos
    assert _shown(outcome) == {("scripts/missing-script", "docs/install.md", 5, "error")}
    note = next(f.message for f in outcome.findings if (f.path, f.line) == ("docs/install.md", 4))
    assert "CI" in note and ".gitignore" in note
    checkout = make_repo(tmp_path / "checkout", {**files, ".gitignore": "*.pyc\n"})
    assert _shown(_run(checkout)) == {
        ("scripts/missing-script", ".gitlab-ci.yml", 4, "error"),
        ("scripts/missing-script", "docs/install.md", 4, "error"),
        ("scripts/missing-script", "docs/install.md", 5, "error"),
    }


def test_a_redirected_descriptor_is_not_a_make_target(tmp_path: Path) -> None:
    """e-wrapper 0.2's README shows `make 2>&1 >/dev/null|grep error:|e -::` inline: the `2`
    of `2>&1` is the descriptor the shell redirects, not a target, and a bare inline `make`
    (the reader's own build, piped into the project's program) is too vague to check. A
    documented `make test 2>&1 | tee log` in a project with no Makefile stays an error."""
    readme = "# e\n\nPipelines such as:\n * `make 2>&1 >/dev/null|grep error:|e -::`\n"
    root = make_repo(tmp_path / "e", {"README.md": readme, "e": "#!/usr/bin/perl\n"})
    assert not _found(_run(root), "scripts/missing-makefile")
    block = "# p\n\n```\nmake test 2>&1 | tee log\n```\n"
    bare = make_repo(tmp_path / "bare", {"README.md": block})
    assert _found(_run(bare), "scripts/missing-makefile") == {("README.md", 4, "error")}


def test_a_module_of_a_namespace_package_exists(tmp_path: Path) -> None:
    """virtualenvwrapper 6.1.1 (held-out 111, three false errors): its docs run
    `python -m virtualenvwrapper.hook_loader -h`, and virtualenvwrapper/hook_loader.py exists
    in a directory without `__init__.py` (a PEP 420 namespace package, which plugins share):
    the module exists. A module that is in no file of the package stays an error."""
    readme = "# nsp\n\n```\npython -m nsp.loader -h\n```\n\n```\npython -m nsp.gone -h\n```\n"
    root = make_repo(
        tmp_path / "ns",
        {
            "README.md": readme,
            "pyproject.toml": '[project]\nname = "nsp"\nversion = "1.0"\n',
            "nsp/loader.py": "def main():\n    pass\n",
            ".gitignore": "*.pyc\n",
        },
    )
    outcome = _run(root)
    assert _found(outcome, "scripts/missing-module") == {("README.md", 8, "error")}


NODEENV_README = """\
# p

Configuration
-------------

These are the available options and their defaults::

    [p]
    node = 'latest'
    make = '{value}'
    jobs = '2'

Build it with::

    make {target}
"""


def test_a_key_named_make_in_a_listed_configuration_runs_no_make(tmp_path: Path) -> None:
    """nodeenv 1.12.0 (held-out 116, a false error): README.rst lists ~/.nodeenvrc's options
    in a literal block, `make = 'make'` among them, the key naming the make program; that was
    read as `make` run with the target `make`, which the Makefile lacks. A word followed by
    `=` (or `:=`, `+=`, `?=`) is an assignment, not a command; a `make` of a target the
    Makefile lacks stays an error."""
    files = {
        "README.md": NODEENV_README.format(value="make", target="all"),
        "Makefile": "all:\n\ttrue\n",
    }
    outcome = _run(make_repo(tmp_path / "ok", files))
    assert not _found(outcome, "scripts/missing-make-target")
    files["README.md"] = NODEENV_README.format(value="gmake", target="gone")
    outcome = _run(make_repo(tmp_path / "bad", files))
    assert _found(outcome, "scripts/missing-make-target") == {("README.md", 15, "error")}


EXAMPLE_PACKAGE_README = """\
# tool

```diff
package.json
{{
  "name": "{name}"
  "scripts": {{
    "watch": "parcel index.html",
-   "start": "tmux new-session 'npm run watch'"
+   "start": "tool -n watch"
  }}
}}
```

With tool, `npm run start` runs `watch` in a pane.
"""


def test_npm_script_of_the_documents_example_package_json_is_info(tmp_path: Path) -> None:
    """A README that shows the reader's own package.json (another `"name"`) defining a
    `"start"` script, then says "`npm run start` ...", names the reader's script: info naming
    the example's line. The same document showing this package's own package.json with a
    script the real one lacks, or a script no example defines, stays an error."""
    package = '{"name": "tool", "bin": {"tool": "tool"}, "scripts": {"test": "bats t"}}\n'
    files = {"package.json": package, "tool": "#!/bin/sh\n"}
    files["README.md"] = EXAMPLE_PACKAGE_README.format(name="special-project")
    outcome = _run(make_repo(tmp_path / "example", files))
    found = [f for f in outcome.findings if f.rule == "scripts/missing-npm-script"]
    assert [(f.path, f.line, f.severity) for f in found] == [("README.md", 15, Severity.INFO)]
    assert "example package.json (line 9)" in found[0].message
    files["README.md"] = EXAMPLE_PACKAGE_README.format(name="tool")
    outcome = _run(make_repo(tmp_path / "own", files))
    assert _found(outcome, "scripts/missing-npm-script") == {("README.md", 15, "error")}
    files["README.md"] = EXAMPLE_PACKAGE_README.format(name="special-project").replace(
        "`npm run start`", "`npm run serve`"
    )
    outcome = _run(make_repo(tmp_path / "other", files))
    assert _found(outcome, "scripts/missing-npm-script") == {("README.md", 15, "error")}


def test_a_ci_job_runs_what_its_piped_installer_put_in_bin(tmp_path: Path) -> None:
    """stretchr/objx 0.5.0's go.yml installs Task with `curl -sL .../install.sh | sh` (it writes
    ./bin/task) and then runs `./bin/task test-coverage`. A program the installer's URL does
    not name, or one run in another job, is still missing."""
    workflow = """name: Go
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: |
          curl -sL https://taskfile.dev/install.sh | sh
      - run: ./bin/task test-coverage
      - run: ./bin/lint-all
  other:
    runs-on: ubuntu-latest
    steps:
      - run: ./bin/task test
"""
    files = {
        "README.md": "# p\n",
        ".github/workflows/go.yml": workflow,
        ".gitignore": "*.out\n",
    }
    outcome = _run(make_repo(tmp_path / "p", files))
    assert _shown(outcome) == {
        ("scripts/missing-script", ".github/workflows/go.yml", 10, "error"),  # ./bin/lint-all
        ("scripts/missing-script", ".github/workflows/go.yml", 14, "error"),  # other job
    }
