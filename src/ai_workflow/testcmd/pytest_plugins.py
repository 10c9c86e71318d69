"""A pytest usage error that is a plugin missing from this environment, not a project defect.

A project's pytest configuration may pass a plugin's options in `addopts` (wcwidth's tox.ini
passes pytest-cov's `--cov=wcwidth`): where the plugin is not installed, pytest stops at
argument parsing with "unrecognized arguments" and runs nothing. When every unrecognized
argument is an option of a well-known plugin, that is this machine's environment, reported as
"tests could not run" with the plugin to install; any other unrecognized argument (a typo in
the configuration or the test command) stays the project's usage error.
"""

from __future__ import annotations

import re

from ai_workflow.testcmd.environment import Unavailable

_UNRECOGNIZED = re.compile(r"error: unrecognized arguments: (.+)$", re.MULTILINE)
# option prefixes of widely used plugins -> the distribution that provides them
_PLUGIN_OPTIONS: tuple[tuple[str, str], ...] = (
    ("--cov", "pytest-cov"),
    ("--no-cov", "pytest-cov"),
    ("--numprocesses", "pytest-xdist"),
    ("--dist", "pytest-xdist"),
    ("--timeout", "pytest-timeout"),
    ("--benchmark-", "pytest-benchmark"),
    ("--reruns", "pytest-rerunfailures"),
    ("--randomly-", "pytest-randomly"),
    ("--doctest-plus", "pytest-doctestplus"),
    ("--doctest-rst", "pytest-doctestplus"),
    ("--mypy", "pytest-mypy"),
    ("--flake8", "pytest-flake8"),
    ("--black", "pytest-black"),
    ("--isort", "pytest-isort"),
    ("--html", "pytest-html"),
    ("--asyncio-mode", "pytest-asyncio"),
    ("--mpl", "pytest-mpl"),
)


def _plugin(argument: str) -> str | None:
    option = argument.split("=", 1)[0]
    for prefix, plugin in _PLUGIN_OPTIONS:
        if option == prefix.rstrip("-") or option.startswith(prefix.rstrip("-") + "-"):
            return plugin
    return None


def missing_pytest_plugins(output: str) -> Unavailable | None:
    """The plugins whose options pytest did not recognize, when they explain all of them."""
    found = _UNRECOGNIZED.search(output)
    if found is None:
        return None
    arguments = found.group(1).split()
    plugins = [_plugin(argument) for argument in arguments]
    if not arguments or None in plugins:
        return None
    names = ", ".join(sorted({p for p in plugins if p}))
    return Unavailable(
        f"pytest does not know the options {' '.join(arguments)} (the plugin {names} is not "
        "installed in this environment)",
        f"install {names} in the project's environment",
    )
