"""Commands of build, CI and tooling files: what runs, at which line, where, in which session."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ai_workflow.automation import (
    UNKNOWN_DIR,
    ScriptBlock,
    automation_blocks,
    is_automation_file,
    make_recipe_line,
    travis_jobs,
)
from tests.helpers import write_files

GITHUB = """\
on: push
defaults: {}
jobs:
  lint:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: web
    steps:
      - uses: actions/checkout@v4
        with:
          path: vendor/lib
      - run: |
          curl -o shfmt https://x/shfmt
          ./shfmt -d .
      - run: ./check.sh
        working-directory: ${{ github.workspace }}/tools
      - run: Write-Host hi
        shell: pwsh
"""

GITLAB = """\
stages: [test]
.base: &base
  before_script:
    - ./scripts/setup.sh
test:
  <<: *base
  script:
    - make test
    - - ./scripts/nested.sh
"""

CIRCLE = """\
version: 2.1
jobs:
  build:
    steps:
      - checkout
      - run: ./ci/one.sh
      - run:
          name: two
          command: |
            ./ci/two.sh
          working_directory: sub
"""

AZURE = """\
stages:
  - stage: s
    jobs:
      - job: j
        steps:
          - script: ./az/one.sh
          - bash: ./az/two.sh
            workingDirectory: $(Build.SourcesDirectory)/pkg
          - task: Something@1
"""

BUILDKITE = """\
steps:
  - command: ./bk/one.sh
  - group: g
    steps:
      - commands:
          - ./bk/two.sh
"""

TASKFILE = """\
version: '3'
tasks:
  build:
    dir: app
    cmds:
      - ./build.sh
      - cmd: ./post.sh
  short: ./short.sh
"""

PRE_COMMIT = """\
repos:
  - repo: local
    hooks:
      - id: mine
        name: mine
        entry: scripts/hook.sh
        language: script
      - id: sys
        name: sys
        entry: ./scripts/sys.sh --fix
        language: system
      - id: py
        name: py
        entry: some-python-tool
        language: python
  - repo: https://github.com/x/y
    rev: v1
    hooks:
      - id: remote
"""

DEVCONTAINER = """\
{
  // comments and trailing commas are allowed
  "name": "dev",
  "onCreateCommand": ".devcontainer/on-create.sh",
  "postCreateCommand": ["bash", "scripts/post.sh"],
  "postStartCommand": {"a": "./scripts/a.sh", "b": "./scripts/b.sh",},
}
"""

TASKS = """\
{
  "version": "2.0.0",
  "tasks": [
    {"label": "t", "type": "shell", "command": "./scripts/task.sh", "args": ["--x"],
     "options": {"cwd": "${workspaceFolder}/sub"}},
    {"label": "n", "type": "npm", "script": "build"},
  ]
}
"""

JUSTFILE = """\
set shell := ["bash", "-c"]
version := "1"

# build it
build target:
    @./scripts/build.sh {{target}}
    cd sub && ./run.sh

py:
    #!/usr/bin/env python3
    print("hi")
"""

TOX = """\
[tox]
envlist = py

[testenv]
changedir = {toxinidir}/tests
commands =
    pytest {posargs}
    - ./tox-helper.sh
"""

NOXFILE = """\
import nox


@nox.session
def tests(session):
    session.install("pytest")
    session.run("./scripts/nox.sh", "--flag")
    session.run("pytest", *session.posargs)


@nox.session
def docs(session):
    session.chdir("docs")
    session.run("make", "html")
"""


def _blocks(tmp_path: Path, files: dict[str, str]) -> list[ScriptBlock]:
    write_files(tmp_path, files)
    return automation_blocks(tmp_path, sorted(files))


def _lines(blocks: list[ScriptBlock]) -> list[tuple[int, str]]:
    return [line for block in blocks for line in block.lines]


def test_github_workflow_steps_with_lines_directories_and_checkout_paths(tmp_path: Path) -> None:
    blocks = _blocks(tmp_path, {".github/workflows/ci.yml": GITHUB})
    assert _lines(blocks) == [
        (14, "curl -o shfmt https://x/shfmt"),
        (15, "./shfmt -d ."),
        (16, "./check.sh"),
    ]
    assert [b.cwd for b in blocks if b.lines] == ["web", "tools"]
    assert blocks[0].produces == ("vendor/lib",) and not blocks[0].lines
    assert {b.session for b in blocks} == {"lint"}


def test_gitlab_circleci_azure_and_buildkite(tmp_path: Path) -> None:
    gitlab = _blocks(tmp_path / "g", {".gitlab-ci.yml": GITLAB})
    assert [(b.session, b.lines) for b in gitlab if b.session == "test"] == [
        ("test", ((4, "./scripts/setup.sh"), (8, "make test"), (9, "./scripts/nested.sh")))
    ]
    salsa = _blocks(tmp_path / "s", {"debian/salsa-ci.yml": GITLAB})  # Salsa's CI path
    assert [b.lines for b in salsa if b.session == "test"] == [
        b.lines for b in gitlab if b.session == "test"
    ]
    assert _blocks(tmp_path / "d", {"debian/other.yml": GITLAB}) == []
    circle = _blocks(tmp_path / "c", {".circleci/config.yml": CIRCLE})
    assert [(b.lines, b.cwd) for b in circle] == [
        (((6, "./ci/one.sh"),), ""),
        (((10, "./ci/two.sh"),), "sub"),
    ]
    azure = _blocks(tmp_path / "a", {"azure-pipelines.yml": AZURE})
    assert [(b.lines, b.cwd) for b in azure] == [
        (((6, "./az/one.sh"),), ""),
        (((7, "./az/two.sh"),), "pkg"),
    ]
    buildkite = _blocks(tmp_path / "b", {".buildkite/pipeline.yml": BUILDKITE})
    assert _lines(buildkite) == [(2, "./bk/one.sh"), (6, "./bk/two.sh")]
    assert len({b.session for b in buildkite}) == 2  # each step runs on its own agent


def test_task_runners_hooks_and_editor_tooling(tmp_path: Path) -> None:
    blocks = _blocks(
        tmp_path,
        {
            "Taskfile.yml": TASKFILE,
            ".pre-commit-config.yaml": PRE_COMMIT,
            ".devcontainer/devcontainer.json": DEVCONTAINER,
            ".vscode/tasks.json": TASKS,
            "justfile": JUSTFILE,
            "tox.ini": TOX,
            "noxfile.py": NOXFILE,
        },
    )
    by_file: dict[str, list[tuple[int, str, str]]] = {}
    for block in blocks:
        for line, text in block.lines:
            by_file.setdefault(block.path, []).append((line, text, block.cwd))
    assert by_file["Taskfile.yml"] == [
        (6, "./build.sh", "app"),
        (7, "./post.sh", "app"),
        (8, "./short.sh", ""),
    ]
    assert by_file[".pre-commit-config.yaml"] == [
        (6, "./scripts/hook.sh", ""),
        (10, "./scripts/sys.sh --fix", ""),
    ]
    assert by_file[".devcontainer/devcontainer.json"] == [
        (4, ".devcontainer/on-create.sh", ""),
        (5, "bash scripts/post.sh", ""),
        (6, "./scripts/a.sh", ""),
        (6, "./scripts/b.sh", ""),
    ]
    assert by_file[".vscode/tasks.json"] == [
        (4, "./scripts/task.sh --x", "sub"),
        (6, "npm run build", ""),
    ]
    assert by_file["justfile"] == [
        (6, "./scripts/build.sh $target", ""),
        (7, "cd sub && ./run.sh", ""),
    ]
    assert next(b for b in blocks if b.path == "justfile").keep_cwd is False
    assert by_file["tox.ini"] == [(7, "pytest {posargs}", "tests"), (8, "./tox-helper.sh", "tests")]
    assert by_file["noxfile.py"] == [
        (7, "./scripts/nox.sh --flag", ""),
        (8, "pytest", ""),
        (14, "make html", UNKNOWN_DIR),
    ]


def test_broken_files_run_nothing_and_automation_files_are_recognised(tmp_path: Path) -> None:
    blocks = _blocks(
        tmp_path,
        {
            ".github/workflows/bad.yml": "jobs: [unclosed\n",
            ".devcontainer/devcontainer.json": "{ not json",
            "noxfile.py": "def (:\n",
            "tox.ini": "no section header\n",
        },
    )
    assert blocks == []
    for path in (".devcontainer/devcontainer.json", ".vscode/tasks.json", "justfile", "Taskfile.yml",
                 "azure-pipelines.yml", ".buildkite/pipeline.yml", "Dockerfile", ".gitlab-ci.yml"):  # fmt: skip
        assert is_automation_file(path), path
    assert not is_automation_file("docs/tasks.json") and not is_automation_file("src/a.yml")


def test_make_expansions_become_one_word() -> None:
    assert make_recipe_line("go test -v $(GO_TEST_FLAGS) ./...") == "go test -v $MAKEVAR ./..."
    assert make_recipe_line("echo $${HOME} $(call f,$(X)) $@") == "echo ${HOME} $MAKEVAR $MAKEVAR"


TOOLING_PATHS = [
    ".github/workflows/ci.yml",
    ".gitlab-ci.yml",
    ".circleci/config.yml",
    "azure-pipelines.yml",
    ".buildkite/pipeline.yml",
    "Taskfile.yml",
    ".pre-commit-config.yaml",
    ".devcontainer/devcontainer.json",
    ".vscode/tasks.json",
    "justfile",
    "tox.ini",
    "noxfile.py",
    "Makefile",
    "package.json",
]
FRAGMENTS = ["jobs:", "  a:", "    steps:", "      - run: x", "tasks:", "[", "{", '"k": 1', "- 1",
             "script:", "  - ./a.sh", "[testenv]", "commands = ./x", "def f(s):", "  s.run('a')",
             "\tcmd", "x:", "*", "&a", "<<: *a", "null", "", "    "]  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(TOOLING_PATHS), st.lists(st.sampled_from(FRAGMENTS), max_size=12))
def test_any_content_parses_or_runs_nothing(tmp_path: Path, path: str, lines: list[str]) -> None:
    write_files(tmp_path, {path: "\n".join(lines) + "\n"})
    for block in automation_blocks(tmp_path, [path]):
        assert all(isinstance(line, int) and line >= 1 for line, _ in block.lines)


TRAVIS = """\
install: pip install .
script:
  - pytest
  - |
    make docs
    make lint
jobs:
  include:
    - name: docs
      <<: &check
        script: tox -e docs
    - install: npm ci
    - {}
matrix:
  include:
    - *check
"""


def test_travis_jobs_are_the_top_and_each_include_entry_named_by_their_phases() -> None:
    """One walker for the commands' reader (every phase) and the test runner (the `script`
    phase): a job with no line of the phases asked for is left out."""
    assert travis_jobs(TRAVIS, ("script",)) == [
        ("build", [(3, "pytest"), (5, "make docs"), (6, "make lint")]),
        ("docs", [(11, "tox -e docs")]),
        ("matrix.0", [(11, "tox -e docs")]),  # an alias: the anchor's lines
    ]
    every = travis_jobs(TRAVIS)
    assert [name for name, _ in every] == ["build", "docs", "jobs.1", "matrix.0"]
    assert every[0][1][0] == (1, "pip install .") and every[2][1] == [(12, "npm ci")]


def test_a_continued_variable_assignment_is_not_a_recipe(tmp_path: Path) -> None:
    """backup-manager's `SHFILES=\\` continued over tab-indented lines (`\\tlib/externals.sh \\`)
    is one assignment, not recipe lines; a recipe line's own continuation stays a recipe."""
    write_files(
        tmp_path,
        {
            "Makefile": (
                "SHFILES=\\\n\tlib/a.sh \\\n\tlib/b.sh\n\n"
                "install:\n\tinstall -m0644 $(SHFILES) /usr/lib \\\n\t\t--verbose\n\tlib/run.sh\n"
            )
        },
    )
    [block] = automation_blocks(tmp_path, ["Makefile"])
    assert [number for number, _ in block.lines] == [6, 7, 8]
    assert block.lines[-1] == (8, "lib/run.sh")
