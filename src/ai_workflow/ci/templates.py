"""The CI and hook files `ai-workflow init` writes (the README shows the same ones).

`ACTION` names the repository that holds ai-workflow's `action.yml`: where a team gets
ai-workflow from is theirs to say (`init --action`), so the default is a placeholder the
written file and `init` both point out.
"""

from __future__ import annotations

from ai_workflow.workdir import DEFAULT_WORKDIR

ACTION = "OWNER/ai-workflow@main"
PACKAGE = "ai-workflow"
GITLAB_JOB_FILE = ".gitlab/ai-workflow.gitlab-ci.yml"
GITHUB_WORKFLOW_FILE = ".github/workflows/ai-workflow.yml"
PRE_COMMIT_FILE = ".pre-commit-config.yaml"
HOOK_IDS = ("ai-workflow", "ai-workflow-full")

SETUP_HINTS: dict[str, tuple[str, ...]] = {
    "python": (
        "- uses: actions/setup-python@v5",
        '  with: {python-version: "3.12"}',
        "- run: python -m venv .venv && .venv/bin/pip install -e . pytest",
    ),
    "javascript": ("- uses: actions/setup-node@v4", "- run: npm ci"),
    "typescript": ("- uses: actions/setup-node@v4", "- run: npm ci"),
    "go": ("- uses: actions/setup-go@v5", "  with: {go-version-file: go.mod}"),
    "shell": ("- run: sudo apt-get install -y bats",),
}
"""Commented-out setup steps by primary language: the tests need the project's dependencies."""
GENERIC_SETUP = ("- run: <install the project's dependencies>",)


def github_workflow(action: str = ACTION, primary_language: str | None = None) -> str:
    """`.github/workflows/ai-workflow.yml`: the workflow on pull requests and pushes, findings
    uploaded to code scanning."""
    hint = SETUP_HINTS.get(primary_language or "", GENERIC_SETUP)
    setup = "\n".join(f"      # {line}" for line in hint)
    return f"""\
# ai-workflow on every pull request and push: job summary, annotations, code scanning.
name: ai-workflow
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
  security-events: write   # upload-sarif
jobs:
  ai-workflow:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0   # the whole history: the change base of a pull request or push
      # Step 7 runs the project's tests: install what they need first, for example
{setup}
      - id: ai-workflow
        uses: {action}   # the repository holding ai-workflow's action.yml
        # with:
        #   fail-on: error          # error | warning | never: what fails the job
        #   steps: documentation,consistency,code_quality
        #   smart-execution: true   # skip steps the change does not touch
      - if: ${{{{ !cancelled() && steps.ai-workflow.outputs.sarif != '' }}}}
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: ${{{{ steps.ai-workflow.outputs.sarif }}}}
          category: ai-workflow
"""


def gitlab_job(package: str = PACKAGE, workdir: str = DEFAULT_WORKDIR) -> str:
    """`.gitlab/ai-workflow.gitlab-ci.yml`: a job whose Code Quality report GitLab shows in
    merge requests. `workdir`: the project's work directory, relative to it (`init` passes the
    one a run would use: `.ai-workflow` where git tracks `.ai_workflow/`)."""
    workdir = workdir.strip("/")
    return f"""\
# ai-workflow in GitLab CI: include it from .gitlab-ci.yml with
#   include:
#     - local: {GITLAB_JOB_FILE}
ai-workflow:
  stage: test
  image: python:3.12   # has git; add what the project's tests need (step 7 runs them)
  variables:
    GIT_DEPTH: 0   # the whole history: the change base of a merge request or push
    AIW_PACKAGE: "{package}"   # what pip installs: a git URL, a wheel or a package name
  script:
    - python -m venv /tmp/ai-workflow
    - /tmp/ai-workflow/bin/pip install --quiet "$AIW_PACKAGE"
    - /tmp/ai-workflow/bin/ai-workflow run --auto
  after_script:
    - run_dir="$(ls -td {workdir}/backlog/workflow_*/ | head -n 1)"
    - cp "${{run_dir}}findings.codequality.json" gl-code-quality-report.json || true
  artifacts:
    when: always
    reports:
      codequality: gl-code-quality-report.json
    paths:
      - {workdir}/backlog/
"""


def gitlab_include() -> str:
    """A `.gitlab-ci.yml` for a project that has none: it includes the job."""
    return f"include:\n  - local: {GITLAB_JOB_FILE}\n"


def pre_commit_repo_entry() -> str:
    """The `repos:` item (a list item at indentation 0, re-indented by the caller)."""
    return """\
- repo: local   # the ai-workflow installed here; or the repository holding .pre-commit-hooks.yaml
  hooks:
    - id: ai-workflow
      name: ai-workflow (quick checks of the committed files)
      entry: ai-workflow ci pre-commit
      language: system
      pass_filenames: true
      require_serial: true
      stages: [pre-commit, pre-merge-commit, manual]
    - id: ai-workflow-full
      name: ai-workflow (every step)
      entry: ai-workflow ci pre-commit --full
      language: system
      pass_filenames: false
      always_run: true
      require_serial: true
      stages: [pre-push, manual]
"""


def pre_commit_config() -> str:
    return "repos:\n" + pre_commit_repo_entry()
