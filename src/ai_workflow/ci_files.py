"""The configuration files of CI services: the one list every reader of them uses.

Read by the change classifier (a CI file is configuration), the commit-message type (`ci:`),
the readers of the commands a CI runs (`automation`) and of what it installs and declares
(`testcmd`). Each reader matches by its own rule (a reader of commands needs a file it can
parse, a commit type any file of the CI), from these names.
"""

from __future__ import annotations

from pathlib import PurePosixPath

GITHUB_WORKFLOWS = ".github/workflows"
GITHUB_ACTIONS = ".github/actions"
GITLAB_CI = ".gitlab-ci.yml"
GITLAB_DIR = ".gitlab"
"""GitLab CI includes YAML files from anywhere in it; it holds issue templates too."""
GITLAB_CI_DIR = f"{GITLAB_DIR}/ci"
TRAVIS_CI = ".travis.yml"
CIRCLECI_DIR = ".circleci"
AZURE_PIPELINES = "azure-pipelines"
"""The stem of Azure Pipelines' files, and one of its directories."""
AZURE_DIRS = (".azure-pipelines", AZURE_PIPELINES, ".azuredevops")
BUILDKITE = "buildkite"
BUILDKITE_DIR = ".buildkite"
DRONE_CI = (".drone.yml", ".drone.yaml")
SOURCEHUT_DIR = ".builds"

CI_FILES = (
    GITLAB_CI, TRAVIS_CI, f"{CIRCLECI_DIR}/config.yml", f"{AZURE_PIPELINES}.yml", ".cirrus.yml",
    "appveyor.yml", ".appveyor.yml", "bitbucket-pipelines.yml", *DRONE_CI, "Jenkinsfile",
)  # fmt: skip
"""Each service's main configuration file, from the repository's root."""
CI_DIRS = (
    GITHUB_WORKFLOWS, GITHUB_ACTIONS, GITLAB_CI_DIR, CIRCLECI_DIR, BUILDKITE_DIR, *AZURE_DIRS,
    SOURCEHUT_DIR,
)  # fmt: skip
"""Directories whose every file configures a CI (or is an action or script its jobs run)."""
CI_FILE_NAMES = frozenset(name for name in CI_FILES if "/" not in name)
"""The main configuration files that sit at the root, by name."""
CI_TOP_DIRS = frozenset(PurePosixPath(d).parts[0] for d in (*CI_DIRS, GITLAB_DIR))
"""The top-level directories that hold CI configuration (with other files: `.github`)."""


def is_ci_file(path: str) -> bool:
    """A repository-relative POSIX path that configures a CI: a main configuration file's name
    (wherever it is: a monorepo's part keeps its own) or a file in a CI directory."""
    return PurePosixPath(path).name in CI_FILE_NAMES or path.startswith(
        tuple(f"{d}/" for d in CI_DIRS)
    )
