"""Test selection for jest and vitest: the runner's own related-tests mode.

`jest --findRelatedTests FILES` and `vitest related FILES --run` run the test files that
import the changed files (through the module graph the runner builds itself). They know only
source files: a change to anything else (package.json, a lockfile, the runner's or the
compiler's configuration, a fixture or a snapshot) runs every test.
"""

from __future__ import annotations

from pathlib import PurePosixPath

SOURCE_SUFFIXES = (
    ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".vue", ".svelte",
)  # fmt: skip
CONFIG_MARKERS = ("jest.config", "vitest.config", "vite.config", "babel.config", "tsconfig")


def related_argv(
    framework: str, argv: list[str], changed: list[str], failed_files: list[str]
) -> tuple[list[str] | None, str]:
    """The command that runs the tests related to `changed` (None: run all) and why."""
    for path in changed:
        name = PurePosixPath(path).name
        if name.startswith(CONFIG_MARKERS) or name.startswith(".babelrc"):
            return None, f"the runner's configuration {path} changed"
        if not name.endswith(SOURCE_SUFFIXES):
            return None, f"{path} changed: {framework} relates only source files to tests"
    files = sorted(set(changed) | set(failed_files))
    if framework == "jest":
        return _jest(argv, files), ""
    if framework == "vitest":
        command = _vitest(argv, files)
        if command is None:
            return None, "vitest runs through a script: `vitest related` cannot be added to it"
        return command, ""
    return None, f"{framework} has no related-tests mode: every test runs"


def _jest(argv: list[str], files: list[str]) -> list[str]:
    extra = ["--passWithNoTests", "--findRelatedTests", *files]
    if argv[0] == "npm" and "--" in argv:
        return [*argv, *extra]
    if argv[0] == "npm":
        return [*argv, "--", *extra]
    return [*argv, *extra]


def _vitest(argv: list[str], files: list[str]) -> list[str] | None:
    for index, word in enumerate(argv):
        if PurePosixPath(word).name == "vitest":
            rest = [w for w in argv[index + 1 :] if w != "run"]
            return [*argv[: index + 1], "related", "--run", *files, *rest]
        if word in ("npm", "yarn", "pnpm"):
            return None
    return None
