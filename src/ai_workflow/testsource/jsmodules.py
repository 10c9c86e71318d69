"""JavaScript/TypeScript modules parsed by tree-sitter: bindings, functions, exports, imports.

`JsProject` parses each file once and resolves `require`/`import` specifiers the way Node and
bundlers do for the cases that stay inside the project: relative paths (with extensions,
`index` files, a directory's `package.json` `main`, TypeScript's `./x.js` meaning `./x.ts`) and
the name of any package the repository itself holds (workspaces, self-reference).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ai_workflow.pysource import read_source
from ai_workflow.testsource import treesitter as ts
from ai_workflow.testsource.treesitter import Node
from ai_workflow.textfiles import read_json

FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "generator_function",
    }
)
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts")
RESOLVE_SUFFIXES = ("", *JS_SUFFIXES, ".d.ts", ".json", ".node")
NODE_BUILTINS = frozenset(
    {
        "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants",
        "crypto", "dgram", "diagnostics_channel", "dns", "domain", "events", "fs", "http",
        "http2", "https", "inspector", "module", "net", "os", "path", "perf_hooks", "process",
        "punycode", "querystring", "readline", "repl", "stream", "string_decoder", "sys",
        "timers", "tls", "trace_events", "tty", "url", "util", "v8", "vm", "wasi",
        "worker_threads", "zlib",
    }
)  # fmt: skip
DEFINITION_PARENTS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "function",
        "class_declaration",
        "class",
        "method_definition",
    }
)


USE_TYPES = frozenset({"identifier", "property_identifier", "shorthand_property_identifier"})
COLLECTED_TYPES = DEFINITION_PARENTS | {
    "pair",
    "variable_declarator",
    "formal_parameters",
    "catch_clause",
    "import_statement",
    "export_statement",
    "assignment_expression",
    "call_expression",
}


@dataclass
class JsModule:
    path: str
    root: Node
    functions: dict[str, Node] = field(default_factory=dict)  # name -> function node
    bindings: dict[str, tuple[str, str | None]] = field(
        default_factory=dict
    )  # name -> (spec, export)
    declared: set[str] = field(default_factory=set)
    exports: dict[str, Node | str] = field(
        default_factory=dict
    )  # name -> function node or local name
    specifiers: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)  # identifiers used, definition sites excluded
    calls: list[Node] = field(default_factory=list)  # every call expression, in source order
    methods: dict[str, list[Node]] = field(default_factory=dict)  # class and object methods
    named_files: list[str] = field(default_factory=list)  # strings that look like JS file paths
    prefixes: list[str] = field(
        default_factory=list
    )  # require('./commands/' + name) -> './commands/'

    @property
    def has_error(self) -> bool:
        return bool(self.root.has_error)


def parse_module(path: str, text: str) -> JsModule | None:
    root = ts.parse(text, path)
    if root is None:
        return None
    module = JsModule(path, root)
    skip: set[tuple[int, int]] = set()  # definition sites: not uses of the name
    names: list[Node] = []
    for node in ts.walk(root):
        kind = node.type
        if kind in USE_TYPES:
            names.append(node)
        elif kind == "string_fragment":
            fragment = ts.text(node)
            module.used.update(_words(fragment))
            if fragment.endswith(JS_SUFFIXES):
                module.named_files.append(fragment)
        elif kind in COLLECTED_TYPES:
            _collect(module, node, skip)
    module.used |= {ts.text(n) for n in names if (n.start_byte, n.end_byte) not in skip}
    return module


def _words(text: str) -> list[str]:
    out, word = [], []
    for ch in text + " ":
        if ch.isalnum() or ch in "_$":
            word.append(ch)
        elif word:
            out.append("".join(word))
            word = []
    return out


def _collect(module: JsModule, node: Node, skip: set[tuple[int, int]]) -> None:
    kind = node.type
    if kind in DEFINITION_PARENTS:
        name = node.child_by_field_name("name")
        if name is not None:
            skip.add((name.start_byte, name.end_byte))
            module.declared.add(ts.text(name))
            if kind in FUNCTION_TYPES and kind.endswith("declaration"):
                module.functions.setdefault(ts.text(name), node)
            elif kind == "method_definition":
                module.methods.setdefault(ts.text(name), []).append(node)
    elif kind == "pair":  # { check: function () {...} }: a method of an object literal
        key, value = node.child_by_field_name("key"), node.child_by_field_name("value")
        if key is not None and value is not None and value.type in FUNCTION_TYPES:
            module.methods.setdefault(ts.text(key), []).append(value)
    elif kind == "variable_declarator":
        _declarator(module, node, skip)
    elif kind in ("formal_parameters", "catch_clause"):
        module.declared |= _pattern_names(node)
    elif kind == "import_statement":
        _import(module, node)
    elif kind == "export_statement":
        _export(module, node, skip)
    elif kind == "assignment_expression":
        _commonjs_export(module, node, skip)
    elif kind == "call_expression":
        module.calls.append(node)
        spec = required(node)
        if spec is not None:
            module.specifiers.append(spec)
        else:
            prefix = _computed_prefix(node)
            if prefix:
                module.prefixes.append(prefix)


def _declarator(module: JsModule, node: Node, skip: set[tuple[int, int]]) -> None:
    name = node.child_by_field_name("name")
    value = node.child_by_field_name("value")
    if name is None:
        return
    if name.type == "identifier":
        skip.add((name.start_byte, name.end_byte))  # declaring a name is not using it
    module.declared |= _pattern_names(name)
    if value is None:
        return
    if name.type == "identifier" and value.type in FUNCTION_TYPES:
        module.functions.setdefault(ts.text(name), value)
        return
    spec, member = _required_member(value)
    if spec is None:
        return
    if name.type == "identifier":
        module.bindings[ts.text(name)] = (spec, member)
    elif name.type == "object_pattern":
        for child in name.named_children:
            if child.type == "shorthand_property_identifier_pattern":
                module.bindings[ts.text(child)] = (spec, ts.text(child))
            elif child.type == "pair_pattern":
                key, local = child.child_by_field_name("key"), child.child_by_field_name("value")
                if key is not None and local is not None and local.type == "identifier":
                    module.bindings[ts.text(local)] = (spec, ts.text(key))


def required(node: Node) -> str | None:
    """The specifier of `require('x')` or `import('x')` (a literal string only)."""
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if function is None or arguments is None or ts.text(function) not in ("require", "import"):
        return None
    first = arguments.named_children[0] if arguments.named_children else None
    return ts.string_value(first) if first is not None else None


def _computed_prefix(node: Node) -> str | None:
    """The literal head of `require('./cmd/' + name)` or `import(`./cmd/${name}`)`."""
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if function is None or arguments is None or ts.text(function) not in ("require", "import"):
        return None
    first = arguments.named_children[0] if arguments.named_children else None
    if first is None:
        return None
    if first.type == "binary_expression":
        left = first.child_by_field_name("left")
        return ts.string_value(left) if left is not None else None
    if first.type == "template_string" and first.named_children:
        head = first.named_children[0]
        return ts.text(head) if head.type == "string_fragment" else None
    return None


def _required_member(value: Node) -> tuple[str | None, str | None]:
    """`require('x')` -> ('x', None); `require('x').y` -> ('x', 'y'); else (None, None)."""
    if value.type == "await_expression" and value.named_children:
        value = value.named_children[0]
    if value.type == "call_expression":
        return required(value), None
    if value.type == "member_expression":
        obj, prop = value.child_by_field_name("object"), value.child_by_field_name("property")
        if obj is not None and prop is not None and obj.type == "call_expression":
            spec = required(obj)
            return (spec, ts.text(prop)) if spec is not None else (None, None)
    return None, None


def _pattern_names(node: Node) -> set[str]:
    return {
        ts.text(n)
        for n in ts.walk(node)
        if n.type in ("identifier", "shorthand_property_identifier_pattern")
        and (
            n.parent is None
            or n.parent.type != "pair_pattern"
            or n.parent.child_by_field_name("value") == n
        )
    }


def _import(module: JsModule, node: Node) -> None:
    source = node.child_by_field_name("source")
    spec = ts.string_value(source) if source is not None else None
    if spec is None:
        return
    module.specifiers.append(spec)
    for clause in node.named_children:
        if clause.type != "import_clause":
            continue
        for part in clause.named_children:
            if part.type == "identifier":
                module.bindings[ts.text(part)] = (spec, "default")
            elif part.type == "namespace_import":
                for ident in part.named_children:
                    module.bindings[ts.text(ident)] = (spec, None)
            elif part.type == "named_imports":
                for spec_node in part.named_children:
                    name = spec_node.child_by_field_name("name")
                    alias = spec_node.child_by_field_name("alias") or name
                    if name is not None and alias is not None:
                        module.bindings[ts.text(alias)] = (spec, ts.text(name))
    module.declared |= set(module.bindings)


def _export(module: JsModule, node: Node, skip: set[tuple[int, int]]) -> None:
    source = node.child_by_field_name("source")
    if source is not None and ts.string_value(source) is not None:
        module.specifiers.append(str(ts.string_value(source)))
    declaration = node.child_by_field_name("declaration")
    default = any(c.type == "default" for c in node.children)
    if declaration is not None:
        for name, value in _declared_functions(declaration):
            module.exports["default" if default else name] = value
    value = node.child_by_field_name("value")
    if value is not None and default:
        module.exports["default"] = value if value.type in FUNCTION_TYPES else ts.text(value)
    for clause in node.named_children:
        if clause.type == "export_clause":
            for spec_node in clause.named_children:
                name = spec_node.child_by_field_name("name")
                alias = spec_node.child_by_field_name("alias") or name
                if name is not None and alias is not None:
                    module.exports[ts.text(alias)] = ts.text(name)
                    skip.add((name.start_byte, name.end_byte))


def _declared_functions(declaration: Node) -> list[tuple[str, Node | str]]:
    if declaration.type in FUNCTION_TYPES or declaration.type.startswith("class"):
        name = declaration.child_by_field_name("name")
        return [(ts.text(name), declaration)] if name is not None else []
    found: list[tuple[str, Node | str]] = []
    for child in declaration.named_children:
        if child.type == "variable_declarator":
            name, value = child.child_by_field_name("name"), child.child_by_field_name("value")
            if name is not None and name.type == "identifier":
                found.append((ts.text(name), value if value is not None else ts.text(name)))
    return found


def _commonjs_export(module: JsModule, node: Node, skip: set[tuple[int, int]]) -> None:
    """`exports.x = ...`, `module.exports.x = ...`, `module.exports = {...} | function`."""
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None or left.type != "member_expression":
        return
    target = ts.text(left)
    prop = left.child_by_field_name("property")
    obj = left.child_by_field_name("object")
    if target == "module.exports":
        if right.type == "object":
            for pair in right.named_children:
                _object_export(module, pair, skip)
        else:
            module.exports["default"] = right if right.type in FUNCTION_TYPES else ts.text(right)
        return
    if prop is not None and obj is not None and ts.text(obj) in ("exports", "module.exports"):
        skip.add((prop.start_byte, prop.end_byte))
        module.exports[ts.text(prop)] = right if right.type in FUNCTION_TYPES else ts.text(right)


def _object_export(module: JsModule, pair: Node, skip: set[tuple[int, int]]) -> None:
    if pair.type == "shorthand_property_identifier":
        skip.add((pair.start_byte, pair.end_byte))
        module.exports[ts.text(pair)] = ts.text(pair)
    elif pair.type == "pair":
        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if key is not None and value is not None:
            skip.add((key.start_byte, key.end_byte))
            module.exports[ts.text(key)] = value if value.type in FUNCTION_TYPES else ts.text(value)


# --------------------------------------------------------------------------- the project


class JsProject:
    """Every JS/TS file of the project, parsed on demand, and specifier resolution."""

    def __init__(self, target: Path, files: list[str]) -> None:
        self.target = target
        self.files = set(files)
        self._modules: dict[str, JsModule | None] = {}
        self.packages: dict[str, str] = {}  # package name -> its directory ("" for the root)
        self.dependencies: set[str] = set()
        self._mains: dict[str, str | None] = {}
        for manifest in sorted(f for f in files if PurePosixPath(f).name == "package.json"):
            self._read_manifest(manifest)

    def _read_manifest(self, manifest: str) -> None:
        data = read_json(self.target / manifest, root=self.target)
        if not isinstance(data, dict):
            return
        directory = posixpath.dirname(manifest)
        if isinstance(data.get("name"), str):
            self.packages.setdefault(data["name"], directory)
        main = data.get("main")
        self._mains[directory] = main if isinstance(main, str) else None
        for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
            if isinstance(data.get(key), dict):
                self.dependencies.update(data[key])

    def module(self, path: str) -> JsModule | None:
        if path not in self._modules:
            try:
                text = read_source(self.target / path)
            except OSError:
                self._modules[path] = None
            else:
                self._modules[path] = parse_module(path, text)
        return self._modules[path]

    def resolve(self, importer: str, spec: str) -> str | None:
        """The project file `spec` names from `importer`, or None (external or missing)."""
        if spec.startswith((".", "/")):
            base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
            return None if base.startswith("..") else self._file_or_directory(base)
        name, rest = _package_name(spec)
        if name in self.packages:
            directory = self.packages[name]
            base = posixpath.normpath(posixpath.join(directory, rest)) if rest else directory
            return self._file_or_directory(base or ".")
        return None

    def is_external(self, spec: str) -> bool:
        """A bare specifier naming a Node builtin or a declared dependency (not an alias)."""
        if spec.startswith(("node:", "bun:")):
            return True
        name, _ = _package_name(spec)
        return name in NODE_BUILTINS or name in self.dependencies

    def _file_or_directory(self, base: str) -> str | None:
        base = "" if base == "." else base
        for suffix in RESOLVE_SUFFIXES:
            if base and f"{base}{suffix}" in self.files:
                return f"{base}{suffix}"
        stem, suffix = posixpath.splitext(base)
        if suffix in (".js", ".jsx", ".mjs", ".cjs"):  # TypeScript sources imported as .js
            for ts_suffix in (".ts", ".tsx", ".mts", ".cts"):
                if f"{stem}{ts_suffix}" in self.files:
                    return f"{stem}{ts_suffix}"
        main = self._mains.get(base)
        if main:
            found = self._file_or_directory(posixpath.normpath(posixpath.join(base, main)))
            if found:
                return found
        for suffix in JS_SUFFIXES:
            candidate = posixpath.join(base, f"index{suffix}") if base else f"index{suffix}"
            if candidate in self.files:
                return candidate
        return None


def _package_name(spec: str) -> tuple[str, str]:
    parts = spec.split("/")
    count = 2 if spec.startswith("@") else 1
    return "/".join(parts[:count]), "/".join(parts[count:])
