"""Shell lines as commands: split into simple commands, each with the directory it runs in and
what earlier commands of the same session produced.

A session is what runs in order in one place: one CI job, one task, the shell blocks of one
section of a document. Within it `cd` changes where later lines run (unless every line is its
own shell, as in make), and a path that an earlier command produced is not missing when a
later command runs it: downloaded (`curl -o`, `wget`), created (`mkdir`, `touch`, `> file`,
the target of `cp`/`mv`/`ln`, `-o out` of a compiler), cloned (`git clone`, `git submodule
add`), built by `make` (the files the recipes of the targets it names write, with the
variables of its command line: `make install BINDIR=.`, see `ai_workflow.make_outputs`) or
extracted (`tar -x`, `unzip`: anything may then appear in that directory, so what is below it
is only "maybe there"). `cd` into a fresh clone of this very project goes back to the
repository root; into a clone of anything else, to an unknown directory; so does `cd` into a
directory the session itself made or unpacked and the repository does not have (`tar xzf
vsftpd-3.0.3.tar.gz && cd vsftpd-3.0.3 && make` builds another project's source).
"""

from __future__ import annotations

import re
import shlex
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ai_workflow.automation import UNKNOWN_DIR

__all__ = [
    "UNKNOWN_DIR",
    "Command",
    "Session",
    "join",
    "remembered_splits",
    "split_line",
    "strip_prompt",
    "unwrap",
]

WRAPPERS = frozenset({"sudo", "time", "env", "exec", "nohup", "command", "xargs", "npx"})
_PROMPT_RE = re.compile(r"^(?:\([\w.-]+\)\s*)?[\w@.~:/-]*[$%\u276f]\s+(.*)$")
_OPERATORS = re.compile(r"&&|\|\||;;|>>|&>|>&|>\||<<<|<<|[;&|()<>]")
_HEREDOC = re.compile(r"(?<!<)<<-?\s*(['\"]?)([\w.-]+)\1")
_OUTPUT_OPTIONS = frozenset({"-o", "--output", "--out", "--outfile", "--out-file", "--output-file"})
_COPIES = frozenset({"cp", "mv", "ln", "install", "rsync"})


@dataclass(frozen=True)
class Command:
    """One command line a project file tells someone (or something) to run."""

    argv: tuple[str, ...]
    path: str  # file that names it
    line: int
    cwd: str  # repository-relative directory it runs in ("" = root, UNKNOWN_DIR = unknown)
    origin: str  # "docs", "Makefile", "package.json", "CI", "tooling"
    inline: bool = False  # from inline code in prose (a mention as much as a command)
    made: frozenset[str] = frozenset()  # paths earlier commands of its session produced
    extracted: tuple[tuple[str, str], ...] = ()  # (directory, command) archives unpacked into
    example: bool = False  # inline code a sentence gives as an example ("For example, `./x`")
    installs: tuple[tuple[str, str], ...] = ()  # (directory, URL) of piped installers run before

    def produced(self, path: str) -> bool:
        if any(path == m or path.startswith(m + "/") for m in self.made):
            return True
        return any(_installed_there(path, where, url) for where, url in self.installs)

    def maybe_from(self, path: str, exists: Callable[[str], bool] = lambda p: False) -> str | None:
        """The extraction that may have put `path` there, if one ran before in its directory
        and the entry it would have added there is not one of the repository's (`exists`)."""
        for directory, what in self.extracted:
            if directory and not path.startswith(directory + "/"):
                continue
            entry = join(directory, path[len(directory) :].lstrip("/").split("/")[0])
            if not exists(entry):
                return what
        return None


@dataclass
class SimpleCommand:
    argv: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)  # files written by `>` and `>>`


def strip_prompt(text: str) -> str | None:
    """The command of a prompt line (`$ make`, `(venv) ~/p$ make`, `% make`), else None."""
    match = _PROMPT_RE.match(text)
    return match.group(1) if match else None


Splits = list[list[list[str]]]
"""A line's simple commands as JSON: `[[argv, outputs], ...]`."""
_remembered = threading.local()


@contextmanager
def remembered_splits(known: dict[str, Splits]) -> Iterator[dict[str, Splits]]:
    """Within the block, in this thread, `split_line` answers a line it was given before from
    `known` (`split_line` is a function of the line alone, so the answer is the same) and
    splits the others. Yields the lines split in the block with their splits (from `known` or
    new), for the caller to keep for the next run."""
    used: dict[str, Splits] = {}
    _remembered.active = (known, used)
    try:
        yield used
    finally:
        _remembered.active = None


def split_line(text: str) -> list[SimpleCommand]:
    """The simple commands of one shell line (`a && b | c; d`, `x $(y) > out`): the inner
    command of a substitution comes first and leaves a word in the outer one."""
    active: tuple[dict[str, Splits], dict[str, Splits]] | None = getattr(
        _remembered, "active", None
    )
    if active is None:
        return _split_line(text)
    known, used = active
    found = known.get(text)
    if found is None:
        found = [[list(c.argv), list(c.outputs)] for c in _split_line(text)]
    used[text] = found
    return [SimpleCommand(list(argv), list(outputs)) for argv, outputs in found]


def _without_descriptor_numbers(text: str) -> str:
    """`text` without the file descriptor numbers of its redirections (`2>&1`, `1>out`,
    `0<in`): a number written against `>` or `<` (nothing between them), starting a word, is
    the descriptor the shell redirects, never an argument; shlex splits `2>&1` into `2`, `>&`
    and `1`, and would make `make 2>&1 | grep error:` run a target `2`. A number followed by
    a space (`echo 2 > out`), inside a word (`x2>out`) or inside quotes stays."""
    out: list[str] = []
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char.isdigit() and (index == 0 or text[index - 1] in " \t;&|("):
            end = index
            while end < len(text) and text[end].isdigit():
                end += 1
            if end < len(text) and text[end] in "<>":
                index = end
                continue
        out.append(char)
        index += 1
    return "".join(out)


def _split_line(text: str) -> list[SimpleCommand]:
    text = _without_descriptor_numbers(text)
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|()<>")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        tokens = text.split()
    done: list[SimpleCommand] = []
    outer: list[SimpleCommand] = []
    current = SimpleCommand()
    redirect: str | None = None
    call_depth = 0  # inside `name(...)`: a function call in an -e/-c string, not a subshell
    for token in [*tokens, ";"]:
        if call_depth:
            call_depth = max(call_depth + token.count("(") - token.count(")"), 0)
            continue
        if not token or not set(token) <= set(";&|()<>"):
            if redirect == "out" and not token.isdigit() and not token.startswith("&"):
                current.outputs.append(token)
            elif redirect is None:
                current.argv.append(token)
            redirect = None
            continue
        for op in _OPERATORS.findall(token):
            if op in (">", ">>", "&>", ">|"):
                redirect = "out"
            elif op in ("<", "<<", "<<<", ">&"):
                redirect = "in"
            elif op == "(" and current.argv and current.argv[-1].endswith("$"):
                current.argv[-1] = current.argv[-1][:-1] + "$SUBSTITUTION"
                outer.append(current)  # `$(`: a command substitution
                current = SimpleCommand()
            elif op == "(" and current.argv:
                call_depth = max(token.count("(") - token.count(")"), 0)
                break  # a subshell `(` never follows words of its command: a function call
            elif op == ")" and outer:
                if current.argv:
                    done.append(current)
                current = outer.pop()
            elif current.argv or current.outputs:
                done.append(current)
                current = SimpleCommand()
    return [c for c in done if c.argv]


def unwrap(argv: list[str]) -> list[str]:
    """Drop `VAR=x`, `sudo -E`, `env`, `time` and the like in front of the real command."""
    while argv:
        head = argv[0]
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", head):
            argv = argv[1:]
        elif head in WRAPPERS:
            argv = argv[1:]
            while argv and argv[0].startswith("-"):
                argv = argv[1:]
        else:
            break
    return argv


def _installed_there(path: str, where: str, url: str) -> bool:
    """Whether a piped installer run into `where` from `url` wrote `path`: a program straight
    in that directory whose name the URL holds (`bin/task` from taskfile.dev/install.sh)."""
    name = path[len(where) + 1 :] if path.startswith(where + "/") else ""
    return bool(name) and "/" not in name and name.lower() in url.lower()


def _basename(url: str) -> str:
    return re.split(r"[/:]", url.rstrip("/"))[-1].split("?")[0].removesuffix(".git")


class Session:
    """Commands that run one after another in one place (see the module docstring)."""

    def __init__(
        self,
        is_this_project: Callable[[str], bool] = lambda url: False,
        exists: Callable[[str], bool] = lambda path: False,
        make_outputs: Callable[[list[str], str], Iterable[str]] = lambda args, cwd: (),
    ) -> None:
        self.cwd = ""
        self.made: set[str] = set()
        self.extracted: dict[str, str] = {}
        self.clones: dict[str, str] = {}  # directory -> URL
        self._is_this_project = is_this_project
        self._exists = exists  # whether a repository-relative path is in the project
        self._make_outputs = make_outputs  # what `make ARGS` run in a directory writes there
        self.ends_in_cd = False  # the last command was a `cd`: it moved there for what follows
        self.installs: list[tuple[str, str]] = []  # (directory, URL) of piped installers

    def run(
        self,
        lines: Iterable[tuple[int, str]],
        path: str,
        origin: str,
        *,
        prompt_only: bool = False,
        keep_cwd: bool = True,
        cwd: str | None = None,
    ) -> Iterator[Command]:
        """The commands of a script-like block. `cwd` starts the block in that directory;
        `prompt_only`: only `$ ` lines are commands (the rest is their output)."""
        if cwd is not None:
            self.cwd = cwd
        start_cwd = self.cwd
        pending, start, heredoc = "", 0, ""
        for number, raw in lines:
            text = raw.strip()
            if heredoc:
                heredoc = "" if text == heredoc else heredoc
                continue
            if not pending:
                start = number
                stripped = strip_prompt(text)
                if stripped is None and prompt_only:
                    continue
                text = stripped if stripped is not None else text
            if text.endswith("\\"):
                pending += text[:-1] + " "
                continue
            text, pending = pending + text, ""
            if not keep_cwd:
                self.cwd = start_cwd
            opened = _HEREDOC.search(text)
            heredoc = opened.group(2) if opened else ""
            yield from self.line(text, path, start, origin)

    def line(
        self, text: str, path: str, number: int, origin: str, inline: bool = False
    ) -> Iterator[Command]:
        text = text.strip()
        if not text or text.startswith("#"):
            return
        previous: list[str] = []
        for simple in split_line(text):
            argv = unwrap(simple.argv)
            self._piped_installer(previous, argv)
            previous = argv
            self.ends_in_cd = bool(argv) and argv[0] in ("cd", "pushd", "popd")
            if self.ends_in_cd:
                self.cwd = self._cd(argv[1:] if argv[0] != "popd" else ["-"])
                continue
            if argv:
                yield Command(
                    tuple(simple.argv),
                    path,
                    number,
                    self.cwd,
                    origin,
                    inline,
                    frozenset(self.made),
                    tuple(self.extracted.items()),
                    installs=tuple(self.installs),
                )
            self._record(argv, simple.outputs)

    def _piped_installer(self, download: list[str], argv: list[str]) -> None:
        """Remember `curl -sL URL | sh` (`sh -s -- -b DIR`): a downloaded installer run from its
        standard input. The usual one (Task's, golangci-lint's, goreleaser's godownloader)
        writes its program to ./bin, or to `-b DIR`."""
        if argv[:1] not in (["sh"], ["bash"]) or download[:1] not in (["curl"], ["wget"]):
            return
        if download[0] == "curl" and set(download) & (_OUTPUT_OPTIONS | {"-O", "--remote-name"}):
            return  # it wrote a file: the shell reads no script from it
        to_stdout = any(a.endswith("O-") for a in download) or "-" in download
        if download[0] == "wget" and not to_stdout:
            return
        args = argv[1:]
        if args and not args[0].startswith("-"):
            return  # `sh script.sh`: the shell runs a file, not the download
        url = next((w for w in download if "://" in w), "")
        where = _option_value(args, ("-b",)) or "bin"
        if url and self.cwd != UNKNOWN_DIR and not where.startswith(("/", "~", "$")):
            self.installs.append((join(self.cwd, where), url))

    def produce(self, paths: Iterable[str]) -> None:
        """Paths made before the next commands (a CI checkout into `path:`)."""
        for path in paths:
            self._made(path)

    # ------------------------------------------------------------------ effects

    def _cd(self, args: list[str]) -> str:
        if not args or args[0].startswith(("/", "~", "-", "$")) or self.cwd == UNKNOWN_DIR:
            return UNKNOWN_DIR  # outside the repository, or somewhere we cannot know
        target = join(self.cwd, args[0])
        if target in self.clones:
            return "" if self._is_this_project(self.clones[target]) else UNKNOWN_DIR
        if self._session_made(target) and not self._exists(target):
            return UNKNOWN_DIR  # not the project's directory: what runs there is not ours
        return target

    def _session_made(self, directory: str) -> bool:
        """Whether an earlier command made `directory` (`mkdir`, a download) or may have
        unpacked it (below a directory an archive was extracted into)."""
        if any(directory == m or directory.startswith(m + "/") for m in self.made):
            return True
        return any(
            directory != where and (not where or directory.startswith(where + "/"))
            for where in self.extracted
        )

    def _made(self, path: str) -> None:
        if self.cwd != UNKNOWN_DIR and path and not path.startswith(("/", "~", "$", "-")):
            joined = join(self.cwd, path)
            if joined and joined != UNKNOWN_DIR:
                self.made.add(joined)

    def _record(self, argv: list[str], outputs: list[str]) -> None:
        """Remember what this command produces for the commands after it."""
        for output in outputs:
            self._made(output)
        if not argv:
            return
        head, args = argv[0], argv[1:]
        words = [a for a in args if not a.startswith("-")]
        for index, arg in enumerate(args[:-1]):
            if arg in _OUTPUT_OPTIONS or (head == "wget" and arg in ("-O", "-P")):
                self._made(args[index + 1])
        for arg in args:
            if arg.startswith(tuple(o + "=" for o in _OUTPUT_OPTIONS)):
                self._made(arg.split("=", 1)[1])
        if head in ("mkdir", "touch"):
            for word in words:
                self._made(word)
        elif head in _COPIES and len(words) >= 2:
            self._made(words[-1])
            if words[-1].endswith("/") and head in ("cp", "mv", "ln", "install"):
                for source in words[:-1]:  # `cp a b dir/` makes dir/a and dir/b
                    self._made(words[-1] + _basename(source))
        elif head in ("curl", "wget") and ("-O" in args or head == "wget"):
            for url in (w for w in words if "://" in w):
                self._made(_basename(url))
        elif head == "git" and words[:1] == ["clone"] and len(words) >= 2:
            directory = words[2] if len(words) > 2 else _basename(words[1])
            self._made(directory)
            if self.cwd != UNKNOWN_DIR:
                self.clones[join(self.cwd, directory)] = words[1]
        elif head == "git" and words[:2] == ["submodule", "add"] and len(words) >= 3:
            self._made(words[3] if len(words) > 3 else _basename(words[2]))
        elif head in ("tar", "bsdtar") and args and _extracts(args):
            self._extract(_option_value(args, ("-C", "--directory")), " ".join(argv))
        elif head == "unzip":
            self._extract(_option_value(args, ("-d",)), " ".join(argv))
        elif head in ("gunzip", "bunzip2", "unxz") or (head in ("gzip", "xz") and "-d" in args):
            for word in words:
                self._made(re.sub(r"\.(?:gz|bz2|xz)$", "", word))
        elif head in ("npm", "yarn", "pnpm", "bun") and words[:1] in (["install"], ["ci"], ["i"]):
            self._made("node_modules")
        elif head in ("make", "gmake") and self.cwd != UNKNOWN_DIR:
            self.made.update(self._make_outputs(args, self.cwd))  # repository-relative paths

    def _extract(self, directory: str | None, what: str) -> None:
        if self.cwd == UNKNOWN_DIR:
            return
        where = join(self.cwd, directory) if directory else self.cwd
        if where != UNKNOWN_DIR:
            self.extracted[where] = what


def _extracts(args: list[str]) -> bool:
    first = args[0]
    return (
        "--extract" in args
        or "--get" in args
        or (
            "x" in first
            and not first.startswith("--")
            and re.fullmatch(r"-?[a-zA-Z]+", first) is not None
        )
    )


def _option_value(args: list[str], names: tuple[str, ...]) -> str | None:
    for index, arg in enumerate(args):
        if arg in names and index + 1 < len(args):
            return args[index + 1]
        for name in names:
            if arg.startswith(name) and len(arg) > len(name) and not name.startswith("--"):
                return arg[len(name) :]
    return None


def join(cwd: str, path: str) -> str:
    """`path` relative to the repository root when run in `cwd`; UNKNOWN_DIR if it leaves it."""
    if cwd == UNKNOWN_DIR:
        return UNKNOWN_DIR
    parts = [p for p in cwd.split("/") if p]
    for part in path.split("/"):
        if part == "..":
            if not parts:
                return UNKNOWN_DIR
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)
