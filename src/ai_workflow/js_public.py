"""Which JavaScript/TypeScript modules a package exposes: those its entry reaches.

A package's API is what `main`, `module`, `types`/`typings`, `browser` and `exports` name
(Node's default `index.js` without them), and the modules whose exports those files pass on
(`export ... from`, `exports.load = loader.load`, `picomatch.scan = scan`), in turn. A module
only imported for the package's own use (picomatch's `lib/utils.js`) is internal: its exports
are for the package itself. An entry naming a build output the repository does not hold
(`dist/index.js`) is looked for in `src/` (TypeScript sources); a package whose entry resolves
to no file leaves its modules unknown, so they count as exposed.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.testsource.jsmodules import JS_SUFFIXES, JsModule, JsProject
from ai_workflow.textfiles import read_json, read_text

ENTRY_FIELDS = ("main", "module", "types", "typings", "browser")
BUILD_DIRS = ("dist/", "lib/", "build/", "out/", "esm/", "cjs/")
NOT_PACKAGES = frozenset(
    {"node_modules", "test", "tests", "__tests__", "fixtures", "__fixtures__", "examples"}
)


_REEXPORT_RE = re.compile(
    r"""^\s*export\s*(?:type\s*)?(?:\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})\s*from\s*["']([^"']+)["']""",
    re.M,
)
_REQUIRE_RE = re.compile(r"""\brequire\(\s*["']([^"']+)["']\s*\)""")
_PASSED = r"""[A-Za-z_$][\w$.]*|require\(\s*["'][^"']+["']\s*\)"""  # a name, not a function
_WORD_RE = re.compile(r"""require\(\s*["'][^"']+["']\s*\)|[A-Za-z_$][\w$]*""")


def _export_words(module: JsModule, text: str) -> set[str]:
    """Identifiers (and `require(...)` calls) in what the module exports: the exported values,
    properties set to a name on an exported function (`picomatch.scan = scan`; not a wrapper
    function, which carries the API's doc comment itself) and the object literal an exported
    name is (`const JSON5 = { parse, stringify }`)."""
    values = [v if isinstance(v, str) else "" for v in module.exports.values()]
    locals_ = [v for v in values if re.fullmatch(r"[A-Za-z_$][\w$]*", v)]
    if locals_:
        names = "|".join(re.escape(n) for n in locals_)
        values += re.findall(rf"^\s*(?:{names})\.[\w$]+\s*=\s*({_PASSED})\s*;?\s*$", text, re.M)
        values += re.findall(
            rf"^\s*(?:const|let|var)\s+(?:{names})\s*=\s*(\{{[^}}]*\}})", text, re.M
        )
    return {w for v in values for w in _WORD_RE.findall(v)}


class PublicModules:
    """`exposed(path)`: whether a module is reached from its package's entry (or unknown)."""

    def __init__(self, target: Path, files: list[str]) -> None:
        self.project = JsProject(target, files)
        self.reached: set[str] = set()
        self.prefixes: list[str] = []  # require('./commands/' + name): all of that directory
        self.known: list[str] = []  # package directories whose entries resolved
        manifests = [
            f
            for f in files
            if PurePosixPath(f).name == "package.json" and not NOT_PACKAGES & set(f.split("/"))
        ]
        self._packages = sorted((posixpath.dirname(m) for m in manifests), key=len, reverse=True)
        for manifest in manifests:
            self._walk_package(target, manifest)

    def exposed(self, path: str) -> bool:
        owner = next((d for d in self._packages if _inside(path, d)), None)
        if owner is None or owner not in self.known:
            return True
        return path in self.reached or any(path.startswith(p) for p in self.prefixes)

    def describe(self) -> str:
        return f"{len(self.reached)} module(s) reached from {len(self.known)} package entry(ies)"

    def _walk_package(self, target: Path, manifest: str) -> None:
        data = read_json(target / manifest, root=target)
        if not isinstance(data, dict):
            return
        patterns = len(self.prefixes)
        entries = [self._resolve(manifest, spec) for spec in _entry_specs(data)]
        found = [e for e in entries if e]
        if not found and len(self.prefixes) == patterns:
            return
        self.known.append(posixpath.dirname(manifest))
        pending = list(found)
        while pending:
            path = pending.pop()
            if path in self.reached:
                continue
            self.reached.add(path)
            pending += self._exposed_by(path)

    def _exposed_by(self, path: str) -> list[str]:
        """The project modules whose exports `path` passes on (re-exports, `exports.x = y`
        where `y` was required); every module it imports when it exports nothing we can read."""
        module = self.project.module(path) if path.endswith(JS_SUFFIXES) else None
        if module is None:
            return []
        text = read_text(self.project.target / path, root=self.project.target)
        specs = _REEXPORT_RE.findall(text)
        words = _export_words(module, text)
        specs += _REQUIRE_RE.findall(" ".join(words))
        specs += [spec for local, (spec, _) in module.bindings.items() if local in words]
        if not module.exports and not specs:
            specs = list(module.specifiers)
            directory = posixpath.dirname(path)
            self.prefixes += [
                posixpath.normpath(posixpath.join(directory, p)) + "/"
                for p in module.prefixes
                if p.startswith(".")
            ]
        return [r for s in specs if (r := self.project.resolve(path, s))]

    def _resolve(self, manifest: str, spec: str) -> str | None:
        spec = spec if spec.startswith(".") else f"./{spec}"
        if "*" in spec:  # a subpath pattern: the whole directory before it
            directory = posixpath.dirname(manifest)
            prefix = posixpath.normpath(posixpath.join(directory, spec.split("*")[0]))
            self.prefixes.append(prefix.rstrip("/") + "/")
            return None
        found = self.project.resolve(manifest, spec)
        if found:
            return found
        bare = spec[2:]
        for build in BUILD_DIRS:
            if bare.startswith(build):
                stem = bare[len(build) :].removesuffix(".d.ts")
                return self.project.resolve(manifest, f"./src/{stem}")
        return None


def _entry_specs(data: dict[str, Any]) -> list[str]:
    specs = [data[k] for k in ENTRY_FIELDS if isinstance(data.get(k), str)]
    specs += _strings(data.get("exports"))
    return specs or ["."]


PUBLISHED_FIELDS = (*ENTRY_FIELDS, "unpkg", "jsdelivr")
"""package.json fields naming a file the published package serves (CDNs read unpkg/jsdelivr)."""


def published_paths(data: Any) -> set[str]:
    """Repository-relative paths a package.json names as what the package serves: its entry
    fields, `exports` and `bin` (`./dist/diff.js` -> `dist/diff.js`)."""
    if not isinstance(data, dict):
        return set()
    named = [data.get(k) for k in PUBLISHED_FIELDS]
    named += _strings(data.get("exports")) + _strings(data.get("bin"))
    return {
        posixpath.normpath(value.strip().removeprefix("./"))
        for value in named
        if isinstance(value, str) and value.strip() and not value.strip().startswith(("/", ".."))
    }


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


def _inside(path: str, directory: str) -> bool:
    return not directory or path.startswith(f"{directory}/")
