"""The one list of CI configuration files, and the readers that take their names from it."""

from __future__ import annotations

import pytest

from ai_workflow.changes.classify import Classifier
from ai_workflow.ci_files import CI_TOP_DIRS, is_ci_file
from ai_workflow.config import Config
from ai_workflow.steps.git_finalization import categorize
from ai_workflow.testcmd.ci_packages import OTHER_CI_FILES


@pytest.mark.parametrize(
    "path",
    [
        ".travis.yml",
        ".cirrus.yml",
        ".drone.yaml",
        "Jenkinsfile",
        "services/api/.gitlab-ci.yml",  # a monorepo part's own configuration
        ".github/workflows/tests.yml",
        ".github/actions/setup/action.yml",
        ".gitlab/ci/build.yml",
        ".circleci/config.yml",
        ".buildkite/pipeline.yml",
        ".azuredevops/build.yml",
        ".builds/alpine.yml",
    ],
)
def test_a_ci_services_file_is_ci(path: str) -> None:
    assert is_ci_file(path)
    assert categorize(path) == "ci"


@pytest.mark.parametrize(
    "path",
    [
        ".github/dependabot.yml",  # .github holds more than CI
        ".gitlab/issue_templates/bug.md",  # so does .gitlab
        "docs/travis.md",
        "ci.yml",
        ".travis.yml.orig",
    ],
)
def test_a_file_beside_the_ci_is_not_ci(path: str) -> None:
    assert not is_ci_file(path)
    assert categorize(path) != "ci"


def test_every_ci_directory_is_configuration_for_the_classifier() -> None:
    classifier = Classifier(Config())
    assert {".github", ".gitlab", ".circleci", ".builds"} <= CI_TOP_DIRS
    for top in CI_TOP_DIRS:
        assert classifier.classify(f"{top}/x/run.yml") == "config"
    assert classifier.classify(".cirrus.yml") == "config"
    assert classifier.classify("src/cirrus.yml") != "config"


def test_ci_packages_reads_every_service_but_the_ones_it_parses() -> None:
    assert ".travis.yml" in OTHER_CI_FILES and ".circleci/config.yml" in OTHER_CI_FILES
    assert ".gitlab-ci.yml" not in OTHER_CI_FILES
