"""Which modules a JavaScript/TypeScript package exposes (`PublicModules`)."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.js_public import PublicModules


def _modules(root: Path, files: dict[str, str]) -> PublicModules:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return PublicModules(root, sorted(files))


def test_reexports_and_required_exports_are_exposed_helpers_are_not(tmp_path: Path) -> None:
    files = {
        "package.json": '{"name": "p", "module": "esm/index.mjs", "main": "index.js"}',
        "index.js": "const loader = require('./lib/loader');\nconst util = require('./lib/util');\n"
        "module.exports.load = loader.load;\nmodule.exports.types = {\n"
        "  binary: require('./lib/binary'),\n};\n",
        "esm/index.mjs": "export { dump } from '../lib/dumper.js';\nimport './side.js';\n",
        "lib/loader.js": "exports.load = () => 1;\n",
        "lib/binary.js": "module.exports = {};\n",
        "lib/dumper.js": "export const dump = () => 1;\n",
        "lib/util.js": "exports.isObject = () => true;\n",
        "esm/side.js": "",
    }
    public = _modules(tmp_path, files)
    exposed = {path for path in files if public.exposed(path)}
    assert exposed == {
        "index.js",
        "esm/index.mjs",
        "lib/loader.js",
        "lib/binary.js",
        "lib/dumper.js",
    }


def test_a_module_that_exports_nothing_readable_exposes_what_it_imports(tmp_path: Path) -> None:
    """express's `lib/application.js` builds `exports = module.exports = {}` by assignment: we
    cannot read what it passes on, so everything it imports counts as exposed."""
    files = {
        "package.json": '{"name": "e"}',
        "index.js": "Object.assign(module.exports, require('./lib/all'));\n",
        "lib/all.js": "exports.x = 1;\n",
    }
    assert _modules(tmp_path, files).exposed("lib/all.js")


def test_subpath_patterns_and_unresolved_entries(tmp_path: Path) -> None:
    """An `exports` pattern exposes its whole directory; a package whose entry names no file of
    the repository (a build not committed, no `src/` twin) leaves every module exposed."""
    files = {
        "package.json": '{"name": "s", "exports": {"./features/*": "./features/*.js"}}',
        "features/a.js": "export const a = 1;\n",
        "other/b.js": "export const b = 1;\n",
        "pkgs/built/package.json": '{"name": "b", "main": "dist/index.js"}',
        "pkgs/built/lib/c.js": "export const c = 1;\n",
    }
    public = _modules(tmp_path, files)
    assert public.exposed("features/a.js")
    assert not public.exposed("other/b.js")
    assert public.exposed("pkgs/built/lib/c.js")
