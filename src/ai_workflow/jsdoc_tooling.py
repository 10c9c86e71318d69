"""Whether a JavaScript/TypeScript project's own tooling asks for `/** doc comments */`.

It asks when its ESLint configuration (a config file or package.json's `eslintConfig`) turns on
`require-jsdoc`/`valid-jsdoc` or eslint-plugin-jsdoc/-tsdoc (or package.json declares that
plugin), when TSLint's `completed-docs` is on, when a script runs an API documentation
generator (typedoc, jsdoc, jsdoc2md, documentation.js, api-extractor), or when such a generator
is a dependency with its configuration file. Without any of these the project documents its API
elsewhere (a README), and a missing doc comment is not something it would fix.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.techstack import LINTER_FILES
from ai_workflow.textfiles import read_json, read_text

_LINT_RULE_RE = re.compile(
    r"""(require-jsdoc|valid-jsdoc|jsdoc/[\w-]+|tsdoc/syntax|plugin:jsdoc/[\w-]+|"""
    r"""jsdoc\.configs|eslint-plugin-(?:jsdoc|tsdoc)|completed-docs)"""
    r"""(["']?\s*:\s*\[?\s*(["']?)(off|false|0)\3(?![\w-]))?"""
)
_DOC_SCRIPT_RE = re.compile(
    r"(?:^|[\s;&|/(\"'])(typedoc|jsdoc|jsdoc2md|api-extractor|documentation\s+(?:build|lint|readme))"
    r"(?![\w-])"
)
LINT_PLUGINS = ("eslint-plugin-jsdoc", "eslint-plugin-tsdoc")
GENERATOR_CONFIGS: dict[str, tuple[str, ...]] = {
    "typedoc": ("typedoc.json", "typedoc.jsonc", "typedoc.config.js", "typedoc.config.cjs",
                "typedoc.config.mjs", ".typedoc.json"),
    "jsdoc": ("jsdoc.json", ".jsdoc.json", "jsdoc.conf.json", ".jsdoc.js", "jsdoc.config.js",
              ".jsdocrc", ".jsdocrc.json"),
    "documentation": ("documentation.yml", ".documentation.yml", "documentation.json"),
    "@microsoft/api-extractor": ("api-extractor.json",),
}  # fmt: skip
SKIPPED_DIRS = frozenset({"node_modules", "test", "tests", "fixtures", "__fixtures__", "examples"})


def doc_comment_tooling(target: Path, files: list[str]) -> str | None:
    """What in the project asks for doc comments ("eslint-plugin-jsdoc in package.json"), or
    None when nothing does."""
    kept = [f for f in files if not SKIPPED_DIRS & set(f.split("/")[:-1])]
    names = {PurePosixPath(f).name: f for f in kept}
    for path in kept:
        name = PurePosixPath(path).name
        if name in LINTER_FILES["eslint"] or name in ("tslint.json", "tsdoc.json"):
            rule = _lint_rule(read_text(target / path, root=target))
            if rule or name == "tsdoc.json":
                return f"{rule or 'tsdoc'} in {path}"
    for path in (f for f in kept if PurePosixPath(f).name == "package.json"):
        data = read_json(target / path, root=target)
        if isinstance(data, dict):
            found = _package_asks(data, names)
            if found:
                return f"{found} in {path}"
    return None


def _lint_rule(text: str) -> str | None:
    """The first doc-comment rule or plugin the config turns on (not one set to "off")."""
    return next((m.group(1) for m in _LINT_RULE_RE.finditer(text) if not m.group(4)), None)


def _package_asks(data: dict[str, Any], names: dict[str, str]) -> str | None:
    config = data.get("eslintConfig")
    rule = _lint_rule(json.dumps(config)) if isinstance(config, dict) else None
    if rule:
        return f"{rule} (eslintConfig)"
    declared: set[str] = set()
    for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        if isinstance(data.get(key), dict):
            declared.update(data[key])
    plugin = next((p for p in LINT_PLUGINS if p in declared), None)
    if plugin:
        return plugin
    scripts = data.get("scripts")
    for command in scripts.values() if isinstance(scripts, dict) else ():
        match = _DOC_SCRIPT_RE.search(command) if isinstance(command, str) else None
        if match:
            return f"a script running {match.group(1).split()[0]}"
    for tool, configs in GENERATOR_CONFIGS.items():
        config_file = next((names[c] for c in configs if c in names), None)
        if tool in declared and config_file:
            return f"{tool} with {config_file}"
    return None
