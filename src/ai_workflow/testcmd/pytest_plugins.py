"""A pytest usage error that is a plugin missing from this environment, not a project defect.

A project's pytest configuration may pass a plugin's options in `addopts` (wcwidth's tox.ini
passes pytest-cov's `--cov=wcwidth`): where the plugin is not installed, pytest stops at
argument parsing with "unrecognized arguments" and runs nothing. When every unrecognized
argument is an option of a well-known plugin, that is this machine's environment, reported as
"tests could not run" with the plugin to install; any other unrecognized argument (a typo in
the configuration or the test command) stays the project's usage error. A word after a plugin's
option is that option's value: parse_type 0.6.4's pytest.ini passes pytest-metadata's
`--metadata PACKAGE_UNDER_TEST parse_type` with pytest-html's `--html=... --self-contained-html`
(its `testing` extra, which a plain `pip install -e . pytest` leaves out).

An installed plugin may also not be the version the project tests with. blinker 1.7.0 pins
pytest-asyncio 0.21.1 (requirements/tests.txt, what its tox env installs) and sets
`filterwarnings = ["error"]`; pytest-asyncio 1.x warns in its `pytest_configure` that an option
is unset, the filter makes that warning an exception, and pytest stops with an INTERNALERROR
before collecting anything. When the traceback's every frame is in installed packages
(`site-packages`, `dist-packages`), the frame that raised is a plugin's (not pytest's or pluggy's
own) and what it raised is a warning, the plugin version is this environment's, not a defect of
the project: "tests could not run", naming the plugin. An internal error with a frame in the
project's files (its conftest.py warning or raising), or one that is not a warning, stays the
project's.

An installed plugin may also not fit the installed pytest at all: dictdiffer 0.9.0's pytest.ini
passes `--pydocstyle`, and the newest pytest-pydocstyle (2.4.0) declares
`pytest_collect_file(file_path, path, parent)`, whose `path` pytest 9 removed; pluggy rejects
the plugin as pytest loads its `pytest11` entry points ("Error while loading plugin",
`PluginValidationError: Plugin 'pydocstyle' for hook 'pytest_collect_file'`) and nothing runs.
The project tested with a pytest of its time (its CI's Pythons, 3.5-3.9, get pytest 8 or
older): the plugin and pytest versions are this environment's, "tests could not run", naming
the plugin. A project that declares a `pytest11` entry point itself (a pytest plugin's own
repository) may be the plugin that pytest rejects: that stays the project's error, as does a
plugin load error with a traceback frame in the project's files.
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
    ("--self-contained-html", "pytest-html"),
    ("--metadata", "pytest-metadata"),
    ("--asyncio-mode", "pytest-asyncio"),
    ("--mpl", "pytest-mpl"),
)


_INTERNAL = "INTERNALERROR> "
_FRAME = re.compile(r'^\s*File "(?P<path>[^"]+)", line \d+')
_RAISED = re.compile(r"^(?:[\w.]+\.)?(?P<name>\w*Warning): (?P<text>.*)$")
_INSTALLED = ("site-packages", "dist-packages")
_PYTEST_CORE = frozenset({"_pytest", "pytest", "pluggy"})


def _installed_package(path: str) -> str | None:
    """The top-level package an installed file belongs to (None: not an installed file)."""
    parts = path.replace("\\", "/").split("/")
    for index, part in enumerate(parts[:-1]):
        if part in _INSTALLED:
            name = parts[index + 1]
            return name[:-3] if name.endswith(".py") else name
    return None


def plugin_warning_error(output: str) -> Unavailable | None:
    """An INTERNALERROR that is an installed plugin's warning made an error by the project's
    warning filters, every frame in installed packages (None: it is not that)."""
    lines = [line[len(_INTERNAL) :] for line in output.splitlines() if line.startswith(_INTERNAL)]
    packages: list[str | None] = []
    raised = None
    for line in lines:
        frame = _FRAME.match(line)
        if frame:
            packages.append(_installed_package(frame.group("path")))
            raised = None
        elif packages and raised is None and not line.startswith((" ", "\t")):
            raised = _RAISED.match(line)
    if not packages or raised is None or None in packages:
        return None
    plugin = packages[-1]
    if plugin in _PYTEST_CORE:
        return None
    warning = f"{raised.group('name')}: {raised.group('text')}"[:200]
    return Unavailable(
        f"pytest stopped at an internal error: the installed plugin {plugin} warns ({warning}) "
        "and the project's warning filters make warnings errors; this environment's "
        f"{plugin} is not the version the project tests with",
        "install the plugin versions the project pins (its test requirements, tox or nox "
        "deps) in the project's environment",
    )


_PLUGIN_LOAD = re.compile(r'^Error while loading plugin "(?P<group>[^"]+)"\.', re.MULTILINE)
_REJECTED = re.compile(
    r"PluginValidationError: Plugin '(?P<plugin>[^']+)' for hook '(?P<hook>\w+)'"
    r"(?:\s*\nhookimpl definition: (?P<definition>[^\n]+))?"
    r"(?:\s*\n(?P<why>[^\n]+))?"
)
ENTRY_POINT_GROUP = "pytest11"


def rejected_installed_plugin(output: str, declares_plugin: bool) -> Unavailable | None:
    """pytest stopped because pluggy rejected a plugin it loaded from an installed package's
    `pytest11` entry point (None: it is not that, the project declares such an entry point
    itself, or a traceback frame is outside installed packages)."""
    loading = _PLUGIN_LOAD.search(output)
    rejected = _REJECTED.search(output)
    if loading is None or rejected is None or declares_plugin:
        return None
    if loading.group("group") != ENTRY_POINT_GROUP:
        return None
    frames = [_FRAME.match(line) for line in output.splitlines()]
    if any(f and _installed_package(f.group("path")) is None for f in frames):
        return None
    plugin, hook = rejected.group("plugin"), rejected.group("hook")
    detail = "; ".join(
        part.strip() for part in (rejected.group("definition"), rejected.group("why")) if part
    )
    return Unavailable(
        f"pytest stopped before collecting: pluggy rejected the installed plugin {plugin}, "
        f"whose {hook} hook does not fit this pytest"
        + (f" ({detail[:200]})" if detail else "")
        + f"; this environment's {plugin} and pytest are not versions the project tests with",
        "install the pytest and plugin versions the project tests with (its CI's Python and "
        "test requirements) in the project's environment",
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
    plugins: list[str | None] = []
    for argument in arguments:
        if not argument.startswith("-") and plugins and plugins[-1] is not None:
            continue  # the value of the plugin option before it
        plugins.append(_plugin(argument))
    if not plugins or None in plugins:
        return None
    distinct = sorted({p for p in plugins if p})
    names = ", ".join(distinct)
    which = f"the plugins {names} are" if len(distinct) > 1 else f"the plugin {names} is"
    return Unavailable(
        f"pytest does not know the options {' '.join(arguments)} ({which} not "
        "installed in this environment)",
        f"install {names} in the project's environment",
    )
