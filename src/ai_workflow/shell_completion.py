"""Shell completion scripts for bash, zsh and fish, generated from the argparse parser.

Static scripts rather than `argcomplete`: no extra dependency, no Python start-up (and no import
of every subcommand) on each Tab press, and zsh and fish get native scripts with descriptions.
What they complete: subcommands at any depth, each command's options, option values with fixed
choices (`--format`, `--fail-on`), the built-in step ids for `--steps`/`--force-steps`,
directories for `--target` and files for `--config`. Custom steps of a project's configuration
are not known to a static script. Regenerate the script after upgrading ai-workflow.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

PROG = "ai-workflow"
DIRECTORY_OPTIONS = frozenset({"--target"})
FILE_OPTIONS = frozenset({"--config"})
STEP_OPTIONS = frozenset({"--steps", "--force-steps"})


@dataclass(frozen=True)
class Option:
    flags: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...] = ()


@dataclass
class Command:
    """One command (the root, `run`, `ci github`, ...) as completion sees it."""

    path: tuple[str, ...]
    options: list[Option] = field(default_factory=list)
    subcommands: dict[str, str] = field(default_factory=dict)  # name -> help
    files: bool = False  # takes file names as positional arguments

    @property
    def key(self) -> str:
        return " ".join(self.path)


def commands(parser: argparse.ArgumentParser) -> list[Command]:
    """Every command reachable from `parser`, the root first."""
    found: list[Command] = []
    _walk(parser, (), found)
    return found


def _walk(parser: argparse.ArgumentParser, path: tuple[str, ...], out: list[Command]) -> None:
    command = Command(path)
    out.append(command)
    children: list[tuple[str, argparse.ArgumentParser]] = []
    words: list[str] = []
    for action in parser._actions:
        if action.option_strings:
            if action.help == argparse.SUPPRESS:
                continue
            choices = tuple(str(c) for c in action.choices or ())
            command.options.append(
                Option(tuple(action.option_strings), _help(action.help), action.nargs != 0, choices)
            )
        elif isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: _help(a.help) for a in action._choices_actions}
            for name, sub in action.choices.items():
                command.subcommands[name] = helps.get(name, "")
                children.append((name, sub))
        elif action.choices:  # a positional with fixed values (`cache stats`): same options
            for choice in action.choices:
                command.subcommands[str(choice)] = _help(action.help)
                words.append(str(choice))
        elif action.nargs in ("*", "+") and action.dest == "files":
            command.files = True
    for word in words:
        out.append(Command((*path, word), options=command.options))
    for name, sub in children:
        _walk(sub, (*path, name), out)


def _help(text: Any) -> str:
    return " ".join(str(text or "").split())


def _value_kind(option: Option) -> str:
    flags = set(option.flags)
    if flags & DIRECTORY_OPTIONS:
        return "directory"
    if flags & FILE_OPTIONS:
        return "file"
    if flags & STEP_OPTIONS:
        return "steps"
    return "choices" if option.choices else "any"


def _words(items: Iterable[str]) -> str:
    return " ".join(items)


# --------------------------------------------------------------------------- bash


@dataclass(frozen=True)
class _Dialect:
    """How one shell's completion script spells the arms of its `case` statements."""

    subcommands: Callable[[Command], str]
    options: Callable[[Command], str]
    words: Callable[[list[str]], str]
    actions: Callable[[Option, Sequence[str]], dict[str, str]]
    value_end: str


def _case_arms(
    cmds: Sequence[Command], step_ids: Sequence[str], dialect: _Dialect
) -> dict[str, str]:
    """The template's case arms: subcommands, options, value-taking options and value actions."""
    subs, opts, value_opts, values = [], [], [], []
    for cmd in cmds:
        key = shlex.quote(cmd.key)
        if cmd.subcommands:
            subs.append(f"        {key}) {dialect.subcommands(cmd)} ;;")
        opts.append(f"        {key}) {dialect.options(cmd)} ;;")
        taking = [f for o in cmd.options if o.takes_value for f in o.flags]
        if taking:
            value_opts.append(f"        {key}) {dialect.words(taking)} ;;")
        for option in cmd.options:
            kind = _value_kind(option)
            if not option.takes_value or kind == "any":
                continue
            pattern = "|".join(shlex.quote(f"{cmd.key}|{flag}") for flag in option.flags)
            action = dialect.actions(option, step_ids)[kind]
            values.append(f"        {pattern}) {action}{dialect.value_end} ;;")
    return {
        "subcommands": "\n".join(subs),
        "options": "\n".join(opts),
        "value_options": "\n".join(value_opts),
        "values": "\n".join(values),
        "file_paths": "|".join(shlex.quote(c.key) for c in cmds if c.files) or "''",
    }


def _bash_actions(option: Option, step_ids: Sequence[str]) -> dict[str, str]:
    return {
        "directory": "_ai_workflow_files -d",
        "file": "_ai_workflow_files -f",
        "steps": f"_ai_workflow_words {shlex.quote(_words(step_ids))}",
        "choices": f"_ai_workflow_words {shlex.quote(_words(option.choices))}",
    }


_BASH = _Dialect(
    subcommands=lambda cmd: f"echo {shlex.quote(_words(cmd.subcommands))}",
    options=lambda cmd: f"echo {shlex.quote(_words(f for o in cmd.options for f in o.flags))}",
    words=lambda flags: f"echo {shlex.quote(_words(flags))}",
    actions=_bash_actions,
    value_end="",
)


def bash_script(cmds: Sequence[Command], step_ids: Sequence[str], version: str) -> str:
    return BASH_TEMPLATE.format(version=version, **_case_arms(cmds, step_ids, _BASH))


BASH_TEMPLATE = """\
# bash completion for ai-workflow {version}, generated by `ai-workflow completion bash`.
# Load it with: source <(ai-workflow completion bash)
# or install it (bash-completion): ai-workflow completion bash \
#   > ~/.local/share/bash-completion/completions/ai-workflow

_ai_workflow_subcommands() {{
    case "$1" in
{subcommands}
    esac
}}

_ai_workflow_options() {{
    case "$1" in
{options}
    esac
}}

_ai_workflow_value_options() {{
    case "$1" in
{value_options}
    esac
}}

_ai_workflow_words() {{
    local IFS=$' \\t\\n'
    COMPREPLY=($(compgen -W "$1" -- "$cur"))
}}

_ai_workflow_files() {{
    local IFS=$'\\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen "$1" -- "$cur"))
}}

_ai_workflow() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" path="" word i
    local -a words=("${{COMP_WORDS[@]:1:COMP_CWORD-1}}")
    for ((i = 0; i < ${{#words[@]}}; i++)); do
        word="${{words[i]}}"
        if [[ "$word" == -* ]]; then
            [[ " $(_ai_workflow_value_options "$path") " == *" $word "* ]] && ((i++))
        elif [[ " $(_ai_workflow_subcommands "$path") " == *" $word "* ]]; then
            path="${{path:+$path }}$word"
        fi
    done
    if ((COMP_CWORD > 1)); then
        local prev="${{COMP_WORDS[COMP_CWORD-1]}}"
        if [[ "$prev" == -* && " $(_ai_workflow_value_options "$path") " == *" $prev "* ]]; then
            case "$path|$prev" in
{values}
                *) COMPREPLY=() ;;
            esac
            return 0
        fi
    fi
    if [[ "$cur" == -* ]]; then
        _ai_workflow_words "$(_ai_workflow_options "$path")"
        return 0
    fi
    local subcommands
    subcommands="$(_ai_workflow_subcommands "$path")"
    if [[ -n "$subcommands" ]]; then
        _ai_workflow_words "$subcommands"
        return 0
    fi
    case "$path" in
        {file_paths}) _ai_workflow_files -f ;;
        *) COMPREPLY=() ;;
    esac
    return 0
}}

complete -F _ai_workflow ai-workflow
"""


# --------------------------------------------------------------------------- zsh


def _zsh_item(name: str, text: str) -> str:
    return shlex.quote(name.replace(":", "\\:") + (":" + text if text else ""))


def _zsh_actions(option: Option, step_ids: Sequence[str]) -> dict[str, str]:
    return {
        "directory": "_files -/",
        "file": "_files",
        "steps": f"compadd -- {_words(step_ids)}",
        "choices": f"compadd -- {_words(shlex.quote(c) for c in option.choices)}",
    }


_ZSH = _Dialect(
    subcommands=lambda cmd: (
        "reply=(" + " ".join(_zsh_item(n, h) for n, h in cmd.subcommands.items()) + ")"
    ),
    options=lambda cmd: (
        "reply=(" + " ".join(_zsh_item(f, o.help) for o in cmd.options for f in o.flags) + ")"
    ),
    words=lambda flags: f"reply=({_words(flags)})",
    actions=_zsh_actions,
    value_end="; return",
)


def zsh_script(cmds: Sequence[Command], step_ids: Sequence[str], version: str) -> str:
    return ZSH_TEMPLATE.format(version=version, **_case_arms(cmds, step_ids, _ZSH))


ZSH_TEMPLATE = """\
#compdef ai-workflow
# zsh completion for ai-workflow {version}, generated by `ai-workflow completion zsh`.
# Load it with: source <(ai-workflow completion zsh)
# or install it as a file named _ai-workflow in a directory of $fpath.

_ai_workflow_subcommands() {{
    reply=()
    case "$1" in
{subcommands}
    esac
}}

_ai_workflow_options() {{
    reply=()
    case "$1" in
{options}
    esac
}}

_ai_workflow_value_options() {{
    reply=()
    case "$1" in
{value_options}
    esac
}}

_ai_workflow() {{
    local path_="" word i
    local -a reply items
    for ((i = 2; i < CURRENT; i++)); do
        word="${{words[i]}}"
        if [[ "$word" == -* ]]; then
            _ai_workflow_value_options "$path_"
            (( ${{reply[(Ie)$word]}} )) && ((i++))
        else
            _ai_workflow_subcommands "$path_"
            items=("${{(@)reply%%:*}}")
            (( ${{items[(Ie)$word]}} )) && path_="${{path_:+$path_ }}$word"
        fi
    done
    if (( CURRENT > 2 )); then
        local prev="${{words[CURRENT-1]}}"
        _ai_workflow_value_options "$path_"
        if [[ "$prev" == -* ]] && (( ${{reply[(Ie)$prev]}} )); then
            case "$path_|$prev" in
{values}
            esac
            return
        fi
    fi
    if [[ "$PREFIX" == -* ]]; then
        _ai_workflow_options "$path_"
        _describe -t options option reply
        return
    fi
    _ai_workflow_subcommands "$path_"
    if (( ${{#reply}} )); then
        _describe -t commands command reply
        return
    fi
    case "$path_" in
        {file_paths}) _files ;;
    esac
}}

if [[ "${{funcstack[1]}}" == "_ai_workflow" ]]; then
    _ai_workflow "$@"
else
    compdef _ai_workflow ai-workflow
fi
"""


# --------------------------------------------------------------------------- fish


def _fish(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fish_script(cmds: Sequence[Command], step_ids: Sequence[str], version: str) -> str:
    subcommand_list = [f"{c.key}|{name}" for c in cmds for name in c.subcommands]
    value_list = [f"{c.key}|{f}" for c in cmds for o in c.options if o.takes_value for f in o.flags]
    lines = [
        FISH_HEADER.format(version=version),
        f"set -g __ai_workflow_subcommands {' '.join(_fish(s) for s in subcommand_list)}",
        f"set -g __ai_workflow_value_options {' '.join(_fish(v) for v in value_list)}",
        FISH_FUNCTIONS,
        "complete -c ai-workflow -f",
    ]
    for cmd in cmds:
        at = _fish(f"__ai_workflow_at {_fish(cmd.key)}")
        for name, text in cmd.subcommands.items():
            lines.append(f"complete -c ai-workflow -n {at} -a {_fish(name)} -d {_fish(text)}")
        for option in cmd.options:
            lines.append(_fish_option(at, option, step_ids))
        if cmd.files:
            lines.append(f"complete -c ai-workflow -n {at} -F")
    return "\n".join(lines) + "\n"


def _fish_option(at: str, option: Option, step_ids: Sequence[str]) -> str:
    parts = [f"complete -c ai-workflow -n {at}"]
    for flag in option.flags:
        if flag.startswith("--"):
            parts.append(f"-l {flag[2:]}")
        elif len(flag) == 2:
            parts.append(f"-s {flag[1]}")
    if option.takes_value:
        kind = _value_kind(option)
        if kind == "directory":
            parts.append("-x -a '(__fish_complete_directories)'")
        elif kind == "file":
            parts.append("-r -F")
        elif kind == "steps":
            parts.append(f"-x -a {_fish(_words(step_ids))}")
        elif kind == "choices":
            parts.append(f"-x -a {_fish(_words(option.choices))}")
        else:
            parts.append("-x")
    if option.help:
        parts.append(f"-d {_fish(option.help)}")
    return " ".join(parts)


FISH_HEADER = """\
# fish completion for ai-workflow {version}, generated by `ai-workflow completion fish`.
# Load it with: ai-workflow completion fish | source
# or install it: ai-workflow completion fish > ~/.config/fish/completions/ai-workflow.fish"""

FISH_FUNCTIONS = """\
function __ai_workflow_path
    set -l path ''
    set -l skip 0
    for token in (commandline -opc)[2..-1]
        if test $skip -eq 1
            set skip 0
        else if string match -q -- '-*' $token
            contains -- "$path|$token" $__ai_workflow_value_options; and set skip 1
        else if contains -- "$path|$token" $__ai_workflow_subcommands
            set path (string trim -- "$path $token")
        end
    end
    echo $path
end

function __ai_workflow_at
    set -l here (__ai_workflow_path)
    test "$here" = "$argv[1]"
end"""


SHELLS = {"bash": bash_script, "zsh": zsh_script, "fish": fish_script}
