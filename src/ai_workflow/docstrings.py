"""Which missing Python docstrings a project would act on (used by the documentation step).

- Inherited docstrings: a class whose project base class has a docstring, and a method that
  overrides a documented method of a project base class, show that docstring in `help()` and
  in Sphinx (`inspect.getdoc`, `autodoc_inherit_docstrings`): they are documented.
- The documented API: a project that lists its API in its docs (Sphinx `auto*` directives,
  `autosummary`, mkdocstrings `:::` blocks) says which functions and classes are its public
  API; a function or class it does not name there (nor a module it documents with `:members:`)
  is an internal helper. Projects whose API pages are generated (sphinx-apidoc, sphinx-autoapi,
  mkdocs gen-files) name nothing by hand and are not judged this way.

Everything is read with `ast` and regular expressions; nothing is imported or run.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.pysource import PySyntaxError, parse_python, read_source
from ai_workflow.textfiles import read_text

MAX_ALIAS_HOPS = 8
_Ref = tuple[str, str]  # (dotted module, name in it)


@dataclass
class _ClassFacts:
    documented: bool
    methods: dict[str, bool]  # method name -> has a docstring of its own
    bases: list[str | None]  # dotted names (None: an expression that is no name)


@dataclass
class ModuleFacts:
    """What one module tells about its classes: for "does it inherit a docstring?"."""

    package: str  # what relative imports start from
    classes: dict[str, _ClassFacts] = field(default_factory=dict)  # by qualname
    aliases: dict[str, _Ref] = field(default_factory=dict)  # `from m import X as Y`: Y -> (m, X)
    modules: dict[str, str] = field(default_factory=dict)  # `import a.b as c`: c -> a.b

    def to_json(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "classes": {q: [c.documented, c.methods, c.bases] for q, c in self.classes.items()},
            "aliases": {k: list(v) for k, v in self.aliases.items()},
            "modules": self.modules,
        }

    @classmethod
    def from_json(cls, value: Any) -> ModuleFacts:
        classes = {
            str(q): _ClassFacts(
                _typed(d, bool),
                {str(k): _typed(v, bool) for k, v in _typed(m, dict).items()},
                [None if n is None else _typed(n, str) for n in _typed(b, list)],
            )
            for q, (d, m, b) in _typed(value["classes"], dict).items()
        }
        aliases = {
            str(k): (_typed(m, str), _typed(n, str)) for k, (m, n) in value["aliases"].items()
        }
        modules = {str(k): _typed(v, str) for k, v in _typed(value["modules"], dict).items()}
        return cls(_typed(value["package"], str), classes, aliases, modules)


def _typed(value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        raise TypeError(f"stored class facts: {kind.__name__} expected")
    return value


ModuleFactsReader = Callable[[Path, str], "tuple[ModuleFacts | None] | None"]
"""A file's class facts: `module_facts`, or a store of its earlier results."""


def module_facts(target: Path, path: str) -> tuple[ModuleFacts | None] | None:
    """The classes, imports and aliases of the module at `path` (which has a `module_name`);
    `(None,)` when it does not parse, None when it cannot be read. Depends on the path and
    content alone."""
    module = module_name(path) or ""
    try:
        text = read_source(target / path)
    except OSError:
        return None
    try:
        tree = parse_python(text, path)
    except PySyntaxError:
        return (None,)
    is_package = PurePosixPath(path).name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    return (_module_facts(tree, package),)


@dataclass
class InheritanceIndex:
    """The classes of a project's Python modules, for "does it inherit a docstring?"."""

    modules: dict[str, ModuleFacts] = field(default_factory=dict)

    @classmethod
    def build(
        cls, target: Path, paths: Iterable[str], reader: ModuleFactsReader | None = None
    ) -> InheritanceIndex:
        """The index of the modules at `paths`; `reader` reads one (default `module_facts`)."""
        read = reader or module_facts
        index = cls()
        for path in paths:
            module = module_name(path)
            if module is None:
                continue
            found = read(target, path)
            if found is None or found[0] is None:
                continue
            index.modules[module] = found[0]
        return index

    def documented_base(self, module: str, qualname: str, kind: str) -> str | None:
        """The project base class whose docstring the class (or the method, by name) `qualname`
        of `module` inherits, or None."""
        owner, _, method = qualname.rpartition(".") if kind == "method" else (qualname, "", "")
        start = self._class(module, owner)
        if start is None:
            return None
        seen: set[_Ref] = set()
        queue = [ref for base in start[1].bases if (ref := self._resolve(start[0], base))]
        while queue:
            ref = queue.pop(0)
            found = self._class(*ref)
            if ref in seen or found is None:
                continue
            seen.add(ref)
            facts = found[1]
            if (facts.methods.get(method) if method else facts.documented) is True:
                return ref[1]
            queue += [r for base in facts.bases if (r := self._resolve(found[0], base))]
        return None

    def _class(self, module: str, name: str) -> tuple[str, _ClassFacts] | None:
        """The class `name` of `module`, following re-exports (`from .app import Flask`)."""
        for _ in range(MAX_ALIAS_HOPS):
            facts = self.modules.get(module)
            if facts is None:
                return None
            if name in facts.classes:
                return module, facts.classes[name]
            head, _, rest = name.partition(".")
            if head not in facts.aliases:
                return None
            module, first = facts.aliases[head]
            name = f"{first}.{rest}" if rest else first
            if f"{module}.{first}" in self.modules and rest:  # `from pkg import mod`
                module, name = f"{module}.{first}", rest
        return None

    def _resolve(self, module: str, dotted: str | None) -> _Ref | None:
        """The (module, name) a base class of `module` (its dotted name) refers to."""
        if dotted is None:
            return None
        facts = self.modules[module]
        head, _, rest = dotted.partition(".")
        if head in facts.modules and rest:
            target, _, name = f"{facts.modules[head]}.{rest}".rpartition(".")
            return target, name
        return module, dotted


def _module_facts(tree: ast.Module, package: str) -> ModuleFacts:
    facts = ModuleFacts(package)
    for node in _top_level(tree.body):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(node, package)
            for alias in node.names:
                if source and alias.name != "*":
                    facts.aliases[alias.asname or alias.name] = (source, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                facts.modules[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ClassDef):
            _add_class(node, "", facts)
    return facts


def _add_class(node: ast.ClassDef, prefix: str, facts: ModuleFacts) -> None:
    methods = {
        child.name: ast.get_docstring(child, clean=False) is not None
        for child in node.body
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    documented = ast.get_docstring(node, clean=False) is not None
    facts.classes[prefix + node.name] = _ClassFacts(
        documented, methods, [_dotted_name(b) for b in node.bases]
    )
    for child in node.body:
        if isinstance(child, ast.ClassDef):
            _add_class(child, f"{prefix}{node.name}.", facts)


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, including those inside `if`/`try` (version shims)."""
    for node in body:
        if isinstance(node, ast.If | ast.Try | ast.TryStar):
            yield from _top_level(node.body)
            yield from _top_level(node.orelse)
            if isinstance(node, ast.Try | ast.TryStar):
                for handler in node.handlers:
                    yield from _top_level(handler.body)
        else:
            yield node


def _absolute(node: ast.ImportFrom, package: str) -> str | None:
    if not node.level:
        return node.module
    parts = package.split(".") if package else []
    if node.level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])]) or None


def _dotted_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Subscript):  # Generic[T], Base[int]
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted_name(node.value)
        return f"{owner}.{node.attr}" if owner else None
    return None


def module_name(path: str) -> str | None:
    """The dotted name of a Python file (`src/` layouts included), None if it has none."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


# --------------------------------------------------------------------------- documented API

_AUTODOC = re.compile(
    r"^(?P<indent>[ \t]*)\.\.[ \t]+(?:py:)?auto(?P<kind>\w+)::[ \t]*(?P<name>[\w.]*)", re.M
)
_MKDOCSTRINGS = re.compile(r"^[ \t]*:::[ \t]+(?P<name>[\w.]+)", re.M)
_GENERATED_API = re.compile(r"autoapi|apidoc|gen[-_]files|api[-_]autonav|automodapi")
DOC_SUFFIXES = (".rst", ".md", ".txt")
GENERATOR_FILES = ("conf.py", "mkdocs.yml", "mkdocs.yaml")


@dataclass(frozen=True)
class ApiDocs:
    """The functions and classes a project's docs name explicitly."""

    names: frozenset[str]  # last parts of the documented dotted names
    modules: frozenset[str]  # modules documented with `:members:`

    def names_symbol(self, module: str, qualname: str) -> bool:
        """True when the docs document the function or class `qualname` of `module`."""
        if any(part in self.names for part in qualname.split(".")):
            return True
        return module in self.modules or any(module.endswith("." + m) for m in self.modules)


def documented_api(target: Path, files: Iterable[str]) -> ApiDocs | None:
    """What the docs name with autodoc/autosummary/mkdocstrings; None when they name nothing
    or the API pages are generated (then every public symbol may be documented)."""
    names: set[str] = set()
    modules: set[str] = set()
    for path in files:
        pure = PurePosixPath(path)
        if pure.name in GENERATOR_FILES:
            if _GENERATED_API.search(_read(target / path)):
                return None
        elif pure.suffix in DOC_SUFFIXES:
            _collect_api(_read(target / path), names, modules)
    if not names and not modules:
        return None
    return ApiDocs(frozenset(names), frozenset(modules))


def _collect_api(text: str, names: set[str], modules: set[str]) -> None:
    if "auto" not in text and ":::" not in text:
        return
    lines = text.splitlines()
    for match in _AUTODOC.finditer(text):
        kind, name = match.group("kind"), match.group("name")
        block = _directive_body(lines, text.count("\n", 0, match.start()), match.group("indent"))
        if kind == "summary":
            names.update(n.split(".")[-1] for n in block if n and not n.startswith(":"))
        elif kind == "module" and name:
            if any(line.startswith(":members:") for line in block):
                modules.add(name)
        elif name:
            names.add(name.split(".")[-1])
    for match in _MKDOCSTRINGS.finditer(text):
        name = match.group("name")
        modules.add(name)
        names.add(name.split(".")[-1])


def _directive_body(lines: list[str], start: int, indent: str) -> list[str]:
    """The stripped lines indented under the directive on line index `start`."""
    body = []
    for line in lines[start + 1 :]:
        if line.strip() and len(line) - len(line.lstrip()) <= len(indent):
            break
        body.append(line.strip())
    return body


def _read(path: Path) -> str:
    return read_text(path)  # a regular file inside the target only
