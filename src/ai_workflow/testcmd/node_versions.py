"""The Node.js versions a project's CI runs its tests on, next to the one on this machine.

finalhandler 1.2.0's CI matrix (.github/workflows/ci.yml) runs Node 0.8 to 17; under Node 20
one of its tests sends the raw request line `GET /foo%20§` and expects finalhandler's 404, but
Node 18's stricter HTTP parser answers 400 before the server's handler is called: the failure
comes from the machine's Node, newer than any the project tests on, not from the project. A
failure under a Node the CI covers stays the project's; so does every failure when the CI names
no version, or one we cannot order (`lts/*`, `latest`, `node`: the newest, whatever it is).

Read from GitHub Actions workflows (`node-version:` inputs of setup-node, and the matrix values
a `${{ matrix.x }}` there names) and Travis CI (`node_js:`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ai_workflow.textfiles import read_text

MAJOR = re.compile(r"^v?(\d+)(?:\.(?:\d+|x)){0,2}$")
"""`17`, `17.x`, `v16.20.2`, `0.8`: a version we can order by its major."""
MATRIX_REFERENCE = re.compile(r"^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$")
NODE_KEYS = ("node-version", "node_js")


@dataclass(frozen=True)
class CiNode:
    """The newest Node.js major a CI file runs the tests on."""

    major: int
    path: str


def ci_newest_node(target: Path, files: Sequence[str]) -> CiNode | None:
    """The newest Node major the project's CI runs, across its GitHub workflows and Travis
    file; None when none names a Node version or one cannot be ordered (`lts/*`, `latest`)."""
    newest: CiNode | None = None
    for rel in files:
        path = PurePosixPath(rel)
        workflow = path.parent == PurePosixPath(".github/workflows") and path.suffix in (
            ".yml",
            ".yaml",
        )
        if not workflow and rel != ".travis.yml":
            continue
        try:
            document = yaml.safe_load(read_text(target / rel, root=target))
        except yaml.YAMLError:
            continue
        values = list(_node_versions(document))
        if not values:
            continue
        majors = [_major(value) for value in values]
        if any(major is None for major in majors):
            return None  # `lts/*`, `latest`: the CI runs the newest Node, whatever it is
        top = max(major for major in majors if major is not None)
        if newest is None or top > newest.major:
            newest = CiNode(top, rel)
    return newest


def node_major(version: str | None) -> int | None:
    """The major of a version string (`20.20.2`, `v20.20.2`); None when it is none."""
    return _major(version) if version else None


def _major(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    found = MAJOR.match(value.strip())
    return int(found.group(1)) if found else None


def _node_versions(document: Any) -> Iterator[Any]:
    """Every Node version the document names for its runs: the values of `node-version` and
    `node_js`, and for `node-version: ${{ matrix.x }}` the values of `x` in its matrices."""
    referenced: set[str] = set()
    for key, value in _pairs(document):
        if key not in NODE_KEYS:
            continue
        if isinstance(value, str) and (found := MATRIX_REFERENCE.match(value.strip())):
            referenced.add(found.group(1))
        else:
            yield from value if isinstance(value, list) else [value]
    for matrix in _matrices(document):
        for name in referenced:
            value = matrix.get(name)
            if value is not None:
                yield from value if isinstance(value, list) else [value]
            for entry in matrix.get("include") or []:
                if isinstance(entry, dict) and entry.get(name) is not None:
                    yield entry[name]


def _pairs(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key), value
            yield from _pairs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _pairs(item)


def _matrices(node: Any) -> Iterator[dict[str, Any]]:
    for key, value in _pairs(node):
        if key == "matrix" and isinstance(value, dict):
            yield value
