"""The files a `make` command line writes in the repository: what the recipes of the targets it
names (and of their prerequisites) write, read with the Makefile's own variables and the
command line's assignments, which take precedence over them, as in make.

txt2regex's README says `make install BINDIR=. LOCALEDIR=po`, then `LANG=es_ES ./txt2regex`:
its Makefile's install-bin recipe writes `$(SCRIPT) > $(BINDIR)/$(NAME)` with `NAME =
txt2regex`, so with `BINDIR=.` the command makes ./txt2regex, which the next line runs. Without
the assignment the same recipe writes below `$(DESTDIR)/usr/bin`, outside the repository, and
nothing here is made.

Only what can be read for certain counts: a variable the Makefile does not assign (nor the
command line) and make's functions (`$(shell ...)`, `$(wildcard ...)`) stay unknown, so a path
built from them is not claimed; `$@`, `$<` and `$^` are the rule's target and prerequisites.
Each logical recipe line is its own shell, as in make, and is read by the same shell session
rules as documents (`> file`, `cp a b`, `install -m755 a b`, `-o out`, `mkdir`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ai_workflow.automation import MAKEFILE_NAMES, UNKNOWN_DIR
from ai_workflow.shell_commands import Session, join
from ai_workflow.textfiles import read_text

UNKNOWN = "$MAKEVAR"  # what an expansion that cannot be known becomes (a word `_made` skips)
_PENDING_UNKNOWN = "\x01"  # UNKNOWN while expanding, so that no pass reads it as `$M`
_ASSIGNMENT = re.compile(
    r"^(?:override\s+|export\s+)*([A-Za-z_][\w.-]*)\s*(::?=|:::=|\?=|\+=|!=|=)\s*(.*)$"
)
_RULE = re.compile(r"^([^\s:=#][^:=#]*?)\s*(::?)(?!=)\s*([^;]*)(?:;(.*))?$")
_REFERENCE = re.compile(r"\$(?:\(([^()$]*)\)|\{([^{}$]*)\}|([^({]))")
# a line that only calls a function (`$(error Sphinx was not found: see http://...)`): no rule
_FUNCTION_CALL = re.compile(r"^\$[({](?:error|warning|info|eval|call|foreach)\s")
_DIRECTIVES = ("ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "include", "-include",
               "sinclude", "vpath", "unexport", "export", "override", "undefine")  # fmt: skip
# make's options that take a value in the next word (`-C dir`, `-f file`, `-j 4`...)
_VALUE_OPTIONS = frozenset({"-C", "-f", "-I", "-o", "-W", "--directory", "--file",
                            "--makefile", "--include-dir", "--old-file", "--new-file"})  # fmt: skip
_MAX_RULES = 200  # a walk through the prerequisites stops there


@dataclass
class Rule:
    prerequisites: list[str] = field(default_factory=list)  # unexpanded
    recipe: list[str] = field(default_factory=list)  # logical lines, unexpanded


@dataclass
class Makefile:
    variables: dict[str, str] = field(default_factory=dict)  # name -> unexpanded value
    rules: dict[str, list[Rule]] = field(default_factory=dict)  # target (unexpanded) -> rules
    first_target: str = ""

    @classmethod
    def parse(cls, text: str) -> Makefile:
        makefile = cls()
        current: list[Rule] = []
        define = ""
        continued = False  # the recipe line before ends in `\\`: this one goes on with it
        for line in _logical_lines(text):
            if define:
                define = "" if line.strip() == "endef" else define
                continue
            if line.startswith("\t"):
                recipe = line[1:] if continued else line[1:].lstrip("@-+ ")
                continued = line.endswith("\\")
                for rule in current:
                    rule.recipe.append(recipe)
                continue
            continued = False
            stripped = line.split("#", 1)[0].strip()
            if not stripped:
                continue
            if stripped.startswith("define "):
                define = stripped
                continue
            assignment = _ASSIGNMENT.match(stripped)
            if assignment:
                makefile._assign(*assignment.groups())
                current = []
                continue
            if stripped.split(None, 1)[0] in _DIRECTIVES or _FUNCTION_CALL.match(stripped):
                continue
            rule_match = _RULE.match(stripped)
            if rule_match is None:
                current = []
                continue
            targets, _, prerequisites, inline = rule_match.groups()
            rule = Rule(prerequisites.split(), [inline.strip()] if inline else [])
            current = []
            for name in targets.split():
                if not makefile.first_target and not name.startswith(".") and "%" not in name:
                    makefile.first_target = name
                makefile.rules.setdefault(name, []).append(rule)
            current.append(rule)
        return makefile

    def _assign(self, name: str, operator: str, value: str) -> None:
        if operator == "?=" and name in self.variables:
            return
        if operator == "+=" and name in self.variables:
            self.variables[name] = f"{self.variables[name]} {value}"
        elif operator == "!=":
            self.variables[name] = "$(shell)"  # the output of a shell command: unknown
        else:
            self.variables[name] = value

    def expand(
        self, text: str, overrides: dict[str, str], automatic: dict[str, str] | None = None
    ) -> str:
        """`text` as make hands it to the shell: its references expanded (the command line's
        variables first, then the Makefile's; anything else, an unassigned variable or a
        function, is UNKNOWN) and `$$` as `$`."""
        expanded = self._expand(text.replace("$$", "\0"), overrides, automatic or {}, 0)
        return expanded.replace("\0", "$").replace(_PENDING_UNKNOWN, UNKNOWN)

    def _expand(
        self, text: str, overrides: dict[str, str], automatic: dict[str, str], depth: int
    ) -> str:
        """Expansion with `$$` kept as NUL; the innermost references first, so that
        `$(patsubst %.c,%.o,$(SRC))` becomes a function of known words, then UNKNOWN."""
        if depth > 20:
            return _PENDING_UNKNOWN

        def one(match: re.Match[str]) -> str:
            name = next(g for g in match.groups() if g is not None)
            if name in automatic:
                return automatic[name]
            if name in overrides:
                return overrides[name].replace("$$", "\0")
            if name in self.variables and not re.search(r"[\s,]", name):
                value = self.variables[name].replace("$$", "\0")
                return self._expand(value, overrides, {}, depth + 1)
            return _PENDING_UNKNOWN

        for _ in range(20):
            expanded = _REFERENCE.sub(one, text)
            if expanded == text:
                break
            text = expanded
        return text


def _logical_lines(text: str) -> list[str]:
    """The Makefile's lines with backslash continuations of assignments and rule lines joined
    by one space, as make does; recipe lines keep theirs (the shell reads them)."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        if raw.startswith("\t") and not pending:
            lines.append(raw)
            continue
        if raw.endswith("\\") and (pending or not raw.startswith("\t")):
            pending += (raw[:-1].strip() if pending else raw[:-1].rstrip()) + " "
            continue
        lines.append(pending + raw.strip() if pending else raw)
        pending = ""
    if pending:
        lines.append(pending)
    return lines


def _arguments(args: list[str]) -> tuple[str, str, dict[str, str], list[str]]:
    """make's command line: its directory (-C), file (-f), assignments and targets."""
    directory, file, overrides, targets = "", "", {}, []
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg in _VALUE_OPTIONS and index < len(args):
            value = args[index]
            index += 1
            if arg in ("-C", "--directory"):
                directory = join(directory, value) if directory else value
            elif arg in ("-f", "--file", "--makefile"):
                file = value
        elif arg.startswith(("--directory=", "--file=", "--makefile=")):
            name, value = arg.split("=", 1)
            if name == "--directory":
                directory = value
            else:
                file = value
        elif arg.startswith("-C") and len(arg) > 2:
            directory = arg[2:]
        elif arg.startswith("-f") and len(arg) > 2:
            file = arg[2:]
        elif arg.startswith("-"):
            continue
        elif re.match(r"^[A-Za-z_][\w.-]*:?=", arg):
            name, value = arg.split("=", 1)
            overrides[name.rstrip(":")] = value
        else:
            targets.append(arg)
    return directory, file, overrides, targets


class MakeOutputs:
    """`make_outputs(args, cwd)` for a shell session (see the module docstring): the
    repository paths that `make ARGS`, run in `cwd`, writes. Parsed Makefiles are kept."""

    def __init__(self, target: Path, exists: Callable[[str], bool]) -> None:
        self._target = target
        self._exists = exists
        self._parsed: dict[str, Makefile] = {}

    def __call__(self, args: list[str], cwd: str) -> Iterable[str]:
        if cwd == UNKNOWN_DIR:
            return set()
        directory, file, overrides, targets = _arguments(args)
        if directory.startswith(("/", "~", "$")):
            return set()
        where = join(cwd, directory) if directory else cwd
        if where == UNKNOWN_DIR:
            return set()
        names = [file] if file else list(MAKEFILE_NAMES)
        path = next((join(where, n) for n in names if self._exists(join(where, n))), None)
        if path is None or path == UNKNOWN_DIR:
            return set()
        makefile = self._parsed.get(path)
        if makefile is None:
            makefile = self._parsed[path] = Makefile.parse(
                read_text(self._target / path, root=self._target)
            )
        goals = targets or [makefile.first_target]
        return _written(makefile, goals, overrides, where, self._exists)


def _written(
    makefile: Makefile,
    goals: list[str],
    overrides: dict[str, str],
    where: str,
    exists: Callable[[str], bool],
) -> set[str]:
    """What the recipes of `goals` and of their prerequisites write, run in `where`."""
    by_name = {makefile.expand(name, overrides): rules for name, rules in makefile.rules.items()}
    session = Session(exists=exists)
    seen: set[str] = set()
    todo = [goal for goal in goals if goal]
    while todo and len(seen) < _MAX_RULES:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        for rule in by_name.get(name, []):
            prerequisites = makefile.expand(" ".join(rule.prerequisites), overrides).split()
            todo += prerequisites
            automatic = {
                "@": name,
                "<": prerequisites[0] if prerequisites else "",
                "^": " ".join(prerequisites),
            }
            lines = [
                (number, makefile.expand(text, overrides, automatic))
                for number, text in enumerate(rule.recipe, 1)
            ]
            for _ in session.run(lines, "Makefile", "Makefile", keep_cwd=False, cwd=where):
                pass
    return set(session.made)


_MAX_MAKEFILES = 50  # a tree with more is not read for what its builds make


@dataclass(frozen=True)
class _PatternRule:
    target: str  # repository-relative, one `%`
    prerequisites: tuple[str, ...]  # repository-relative, the ones with a `%`


class MadeByMake:
    """`made(path)`: whether one of the project's Makefiles makes the repository file `path`
    when its targets are built: a rule's target (`docs/src/man7/ref.rst: ref.rst.sh`), a file
    a recipe writes (`cp -f "$(SKEL)" "$(DOCS)/"` writes `$(DOCS)/<its name>`), or a target of
    a pattern rule whose prerequisites exist for that stem (`$(MAN)/type%.rst:
    $(TYPEDIR)/%/man.rst` makes `man7/type__user.rst` when `type/__user/man.rst` exists, as
    make itself would decide). What a docs build writes before Sphinx reads it is then no
    broken link. A target make cannot name for certain (a variable nobody assigns, a function)
    is not claimed, nor are `.PHONY` targets. Makefiles are read on the first question."""

    def __init__(self, target: Path, files: Iterable[str]) -> None:
        self._target = target
        self._makefiles = sorted(f for f in files if f.rsplit("/", 1)[-1] in MAKEFILE_NAMES)[
            :_MAX_MAKEFILES
        ]
        self._files = files if isinstance(files, (set, frozenset)) else set(files)
        self._made: set[str] | None = None
        self._patterns: list[_PatternRule] = []

    def __call__(self, path: str) -> bool:
        if self._made is None:
            self._read()
        assert self._made is not None
        return path in self._made or any(self._by_pattern(rule, path) for rule in self._patterns)

    def _exists(self, path: str) -> bool:
        return path in self._files or (self._target / path).exists()

    def made_from(self, path: str) -> list[str]:
        """What pattern rules make from the file `path` (a prerequisite of theirs for some
        stem, the rule's other `%` prerequisites existing for it): `type/__user/man.rst`
        becomes `man7/type__user.rst` by `man7/type%.rst: type/%/man.rst`."""
        if self._made is None:
            self._read()
        made = []
        for rule in self._patterns:
            for prerequisite in rule.prerequisites:
                prefix, suffix = prerequisite.split("%", 1)
                if not (path.startswith(prefix) and path.endswith(suffix)):
                    continue
                stem = path[len(prefix) : len(path) - len(suffix)]
                if stem and len(path) >= len(prefix) + len(suffix):
                    made_path = rule.target.replace("%", stem, 1)
                    if self._by_pattern(rule, made_path):
                        made.append(made_path)
        return made

    def _by_pattern(self, rule: _PatternRule, path: str) -> bool:
        prefix, suffix = rule.target.split("%", 1)
        if not (path.startswith(prefix) and path.endswith(suffix)):
            return False
        stem = path[len(prefix) : len(path) - len(suffix)]
        if not stem or len(path) < len(prefix) + len(suffix):
            return False
        return all(self._exists(p.replace("%", stem, 1)) for p in rule.prerequisites)

    def _read(self) -> None:
        self._made = set()
        for path in self._makefiles:
            where = path.rsplit("/", 1)[0] if "/" in path else ""
            try:
                makefile = Makefile.parse(read_text(self._target / path, root=self._target))
            except (OSError, ValueError):
                continue
            phony = {
                makefile.expand(p, {})
                for rule in makefile.rules.get(".PHONY", [])
                for p in rule.prerequisites
            }
            goals: list[str] = []
            for name, rules in makefile.rules.items():
                expanded = makefile.expand(name, {})
                if UNKNOWN in expanded or (expanded.startswith(".") and "/" not in expanded):
                    continue  # unknown, or a special target (`.PHONY`, `.SUFFIXES`)
                if expanded in phony:
                    continue
                if "%" not in expanded:
                    goals.append(expanded)
                    relative = join(where, expanded)
                    if relative and relative != UNKNOWN_DIR and not expanded.startswith("/"):
                        self._made.add(relative)
                    continue
                for rule in rules:  # each pattern rule is an alternative of its own
                    pattern = self._pattern(makefile, where, expanded, rule)
                    if pattern is not None:
                        self._patterns.append(pattern)
            self._made |= _written(makefile, goals, {}, where, self._exists)

    @staticmethod
    def _pattern(makefile: Makefile, where: str, target: str, rule: Rule) -> _PatternRule | None:
        """A pattern rule whose target and `%` prerequisites (one at least) are known paths."""
        if target.count("%") != 1 or target.startswith("/"):
            return None
        relative = join(where, target)
        if not relative or relative == UNKNOWN_DIR:
            return None
        prerequisites: list[str] = []
        for word in makefile.expand(" ".join(rule.prerequisites), {}).split():
            if "%" not in word:
                continue
            if UNKNOWN in word or word.startswith("/"):
                return None
            joined = join(where, word)
            if not joined or joined == UNKNOWN_DIR:
                return None
            prerequisites.append(joined)
        return _PatternRule(relative, tuple(prerequisites)) if prerequisites else None
