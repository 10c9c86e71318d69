"""shellcheck findings whose level the script's context settles (noise classes of issue 9):
each test runs the code-quality step on a small project holding the false positive and the
true positive beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_workflow.findings import Severity
from ai_workflow.lint.shellcheck_alpine import runs_on_alpine_only
from ai_workflow.lint.shellcheck_initramfs import initramfs_scripts, knows_busybox
from ai_workflow.lint.shellcheck_joined import compares_with_words
from ai_workflow.lint.shellcheck_kernel_names import kernel_directory
from ai_workflow.lint.shellcheck_literal_calls import constructed_call, literal_calls
from ai_workflow.lint.shellcheck_tests import empties_compared
from ai_workflow.lint.shellcheck_traps import trap_signals
from ai_workflow.lint.shellcheck_words import one_word_command
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

RUNS_SHELLCHECK = {".shellcheckrc": "# the project runs shellcheck: its own levels apply\n"}


def _severities(
    tmp_path: Path, files: dict[str, str]
) -> dict[tuple[str, str | None, int | None], Severity]:
    """Each finding's severity, by (rule, path, line), in a project that runs shellcheck."""
    target = make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK})
    outcome = code_quality.run(step_context(target, code_quality.SPEC))
    return {(f.rule, f.path, f.line): f.severity for f in outcome.findings}


def test_untrappable_signal_in_an_exit_cleanup_is_information(tmp_path: Path) -> None:
    """bilibop's `trap "rm -f ${TEMPOUT}" 0 2 3 6 9 15`: the list holds EXIT, the handler is the
    exit cleanup, KILL in it is inert (SC2173): info. backup-manager's `trap clean_exit SIGINT
    SIGTERM SIGKILL`, a handler for signals one of which never comes: still a warning."""
    files = {
        "gen.sh": ('#!/bin/sh\ntmp=$(mktemp)\ntrap "rm -f ${tmp}" 0 2 3 6 9 15\necho x > "$tmp"\n'),
        "backup.sh": (
            "#!/bin/bash\nclean_exit() { rm -f /tmp/lock; exit 1; }\n"
            "trap clean_exit SIGINT SIGTERM SIGKILL\nsleep 1\n"
        ),
    }
    severity = _severities(tmp_path, files)
    assert severity[("shellcheck/SC2173", "gen.sh", 3)] is Severity.INFO
    assert severity[("shellcheck/SC2173", "backup.sh", 3)] is Severity.WARNING


@pytest.mark.parametrize(
    ("line", "signals"),
    [
        ('trap "rm -f $t" 0 2 3 6 9 15', ["0", "2", "3", "6", "9", "15"]),
        ("  trap 'tput reset' EXIT HUP KILL; echo x", ["EXIT", "HUP", "KILL"]),
        ('[ -n "$t" ] && trap cleanup SIGINT sigkill', ["INT", "KILL"]),
        ("trap cleanup", None),
        ('trap "rm -f $t', None),
        ("echo trap", None),
    ],
)
def test_trap_signals(line: str, signals: list[str] | None) -> None:
    assert trap_signals(line) == signals


def test_arguments_compared_with_several_words_is_information(tmp_path: Path) -> None:
    """openvpn-systemd-resolved's fake busctl, `[[ "${ip_ifindex} ${DNS}" == "${@}" ]]`: the
    arguments joined by spaces compared with the argument list written out (SC2199): info.
    Compared with one word (`[[ "$@" != "-a" ]]`), a pattern, a regular expression or searched
    with `=~` for a quoted literal (kworkflow's `[[ "$@" =~ "-f" ]]`, a substring of the joined
    arguments, true for `t.sh my-file`): still a warning."""
    files = {
        "fake.sh": (
            "#!/bin/bash\n"
            'want="1 2"\n'
            '[[ "${want} ${DNS}" == "${@}" ]] || echo bad\n'
            '[[ "${@}x" == "${want} ${DNS}x" ]] && echo good\n'
            'if [[ "$@" != "-a" ]]; then echo usage; exit 2; fi\n'
            "if [[ $@ == *-v* ]]; then echo verbose; fi\n"
            'if [[ "$@" =~ "-f" ]]; then echo force; fi\n'
            'if [[ "$@" =~ ^-f$ ]]; then echo force; fi\n'
        ),
    }
    severity = _severities(tmp_path, files)
    assert severity[("shellcheck/SC2199", "fake.sh", 3)] is Severity.INFO
    assert severity[("shellcheck/SC2199", "fake.sh", 4)] is Severity.INFO
    assert severity[("shellcheck/SC2199", "fake.sh", 5)] is Severity.WARNING
    assert severity[("shellcheck/SC2199", "fake.sh", 6)] is Severity.WARNING
    assert severity[("shellcheck/SC2199", "fake.sh", 7)] is Severity.WARNING
    assert severity[("shellcheck/SC2199", "fake.sh", 8)] is Severity.WARNING


@pytest.mark.parametrize(
    ("test", "meant"),
    [
        ('"${a} ${b}" == "${@}"', True),
        ("\"$@\" = '-s -a'", True),
        ('"$@" != "-a"', False),
        ('"$@" == "${a}${b}"', False),
        ('$@ == "a b"', False),
        ('"$@" == "a b" && -n "$x"', False),
        ('-n "$@"', False),
        ('"$@" =~ "-f"', False),
    ],
)
def test_compares_with_words(test: str, meant: bool) -> None:
    assert compares_with_words(test) is meant


def test_masked_status_in_a_test_script_is_information(tmp_path: Path) -> None:
    """makeself's test/whitespacetest, `local archive_dir="$(mktemp -dt ...)"` under `set -eu`
    (SC2155): a failed setup fails the test's next step: info. The same line in a script of
    the project under `set -e`, which goes on with an empty value: still a warning."""
    body = '#!/bin/bash\nset -eu\nsetup() {\n  local dir="$(mktemp -d)"\n  echo "$dir"\n}\nsetup\n'
    files = {"test/whitespacetest": body, "tests/copy_test.sh": body, "bin/install.sh": body}
    severity = _severities(tmp_path, files)
    assert severity[("shellcheck/SC2155", "test/whitespacetest", 4)] is Severity.INFO
    assert severity[("shellcheck/SC2155", "tests/copy_test.sh", 4)] is Severity.INFO
    assert severity[("shellcheck/SC2155", "bin/install.sh", 4)] is Severity.WARNING
    # compared with another substitution's value, or tested for emptiness: two failures give
    # two empty strings and the test passes silently, the warning stays
    same = (
        "#!/bin/bash\nset -eu\ntest_same() {\n"
        '  local want="$(./tool --version)"\n  local got="$(./tool -V)"\n'
        '  [ "$want" = "$got" ] || exit 1\n}\n'
        'test_set() {\n  local out="$(./tool run)"\n  [ -z "$out" ] && exit 1\n}\n'
        "test_same\ntest_set\n"
    )
    severity = _severities(tmp_path / "compared", {"tests/same_test.sh": same})
    assert severity[("shellcheck/SC2155", "tests/same_test.sh", 4)] is Severity.WARNING
    assert severity[("shellcheck/SC2155", "tests/same_test.sh", 5)] is Severity.WARNING
    assert severity[("shellcheck/SC2155", "tests/same_test.sh", 9)] is Severity.WARNING


@pytest.mark.parametrize(
    ("script", "line", "compared"),
    [
        ('local got="$(a)"\nlocal want="$(b)"\n[ "$want" = "$got" ] || fail\n', 1, True),
        ('local got="$(a)"\n[ -z "$got" ] && fail\n', 1, True),
        ('local got="$(a)"\nassertEquals "$want" "$got"\nwant=$(x)\n', 1, True),
        ('local got="$(a)"\n[[ $got ]] || fail\n', 1, True),
        ('local got="$(a)"\n[ "$got" = "abc" ] || fail\n', 1, False),
        ('local got="$(a)"\nwant=1\n[ "$want" = "$got" ] || fail\n', 1, False),
        ('local dir="$(mktemp -d)"\necho "$dir"\n', 1, False),
    ],
)
def test_empties_compared(script: str, line: int, compared: bool) -> None:
    assert empties_compared(script.splitlines(), line) is compared


INITRAMFS_CONTROL = (
    "Source: live\nSection: misc\n\nPackage: live\nArchitecture: all\nDepends: ${misc:Depends}\n"
    "\nPackage: live-initramfs-tools\nArchitecture: all\n"
    "Depends:\n busybox | busybox-initramfs,\n initramfs-tools,\n ${misc:Depends},\n"
)
BOOT_SCRIPT = (
    "#!/bin/sh\n"
    'echo -n "Waiting for link... "\n'
    'echo -e "\\nLink is up"\n'
    'check_dev() {\n  [ -b "$1" ] || continue\n  echo "$1"\n}\n'
    'for dev in /dev/sd*; do check_dev "$dev"; done\n'
)
HOOK = '#!/bin/sh\n. /usr/share/initramfs-tools/hook-functions\necho -e "copy\\tx"\n'
# live-boot's: components/* into a directory the hook copies into the initramfs, bin/* to /bin
INSTALL = (
    "install:\n\tmkdir -p $(DESTDIR)/lib/live/boot\n\tcp components/* $(DESTDIR)/lib/live/boot\n"
    "\tfor f in backend/*.script; do \\\n"
    "\t\tcp $${f} $(DESTDIR)/usr/share/initramfs-tools/scripts/$$(basename $${f} .script); \\\n"
    "\tdone\n\tcp bin/* $(DESTDIR)/bin\n"
)
LIVE_HOOK = HOOK + 'mkdir -p "${DESTDIR}/lib/live"\ncp -a /lib/live/boot "${DESTDIR}/lib/live"\n'


def test_initramfs_scripts_of_a_busybox_package_are_checked_as_busybox(tmp_path: Path) -> None:
    """live-boot's components, run in the initramfs of a package that Depends on busybox and
    initramfs-tools: `echo -n`/`echo -e` are busybox's (no SC3037 with --shell=busybox) and
    `continue` in a function continues the caller's loop (SC2104): info. Its initramfs-tools
    hook runs on the host under dash: `echo -e` there keeps SC3037, and so does a host tool
    the Makefile installs into /bin, which no hook copies into the initramfs (`echo -e "a\tb"`
    prints "-e" under dash), and a script whose destination nothing names."""
    files = {
        "debian/control": INITRAMFS_CONTROL,
        "Makefile": INSTALL,
        "components/9990-select-eth-device.sh": BOOT_SCRIPT,
        "backend/live.script": BOOT_SCRIPT,
        "backend/initramfs-tools/live": HOOK,
        "hooks/live": HOOK,
        "backend/live.hook": LIVE_HOOK.replace("echo -e", "echo"),
        "bin/host-tool.sh": '#!/bin/sh\necho -e "a\\tb"\n',
        "tools/unnamed.sh": '#!/bin/sh\necho -e "a\\tb"\n',
    }
    target = make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK})
    outcome = code_quality.run(step_context(target, code_quality.SPEC))
    boot = "components/9990-select-eth-device.sh"
    shown = {(f.rule, f.path, f.line): f.severity for f in outcome.findings}
    assert ("shellcheck/SC3037", boot, 2) not in shown
    assert ("shellcheck/SC3037", boot, 3) not in shown
    assert shown[("shellcheck/SC2104", boot, 5)] is Severity.INFO
    assert shown[("shellcheck/SC3037", "backend/initramfs-tools/live", 3)] is not Severity.INFO
    assert shown[("shellcheck/SC3037", "hooks/live", 3)] is not Severity.INFO
    assert ("shellcheck/SC3037", "backend/live.script", 3) not in shown
    assert shown[("shellcheck/SC3037", "bin/host-tool.sh", 2)] is Severity.WARNING
    assert shown[("shellcheck/SC3037", "tools/unnamed.sh", 2)] is Severity.WARNING
    assert any("checked as busybox sh" in c for c in outcome.checked)


def test_initramfs_scripts_named_by_debian_install(tmp_path: Path) -> None:
    """bilibop's way: debian/*.install names each file and its destination; only those
    installed into an initramfs-tools scripts directory run in the initramfs."""
    (tmp_path / "debian").mkdir()
    (tmp_path / "debian" / "x.install").write_text(
        "scripts/init-top/x\tusr/share/initramfs-tools/scripts/init-top\nusr/bin/x-tool\tusr/bin\n",
        encoding="utf-8",
    )
    scripts = ["scripts/init-top/x", "usr/bin/x-tool"]
    assert initramfs_scripts(tmp_path, scripts) == {"scripts/init-top/x"}


def test_sh_scripts_of_a_package_without_busybox_keep_their_warnings(tmp_path: Path) -> None:
    """The same script in a package that does not pull busybox into the initramfs runs under
    dash, where `echo -e` prints "-e" and `continue` in a function does nothing: SC3037 and
    SC2104 stay warnings."""
    control = INITRAMFS_CONTROL.replace(" busybox | busybox-initramfs,\n", "")
    files = {"debian/control": control, "components/select-eth-device.sh": BOOT_SCRIPT}
    severity = _severities(tmp_path, files)
    assert severity[("shellcheck/SC3037", "components/select-eth-device.sh", 3)] is (
        Severity.WARNING
    )
    assert severity[("shellcheck/SC2104", "components/select-eth-device.sh", 5)] is (
        Severity.WARNING
    )


ALPINE_SCRIPT = (
    "#!/bin/sh\n"
    "# the Alpine flavour; apt-get and dpkg have their own scripts\n"
    'APK_CMD="/sbin/apk"\n'
    "refresh() {\n  $APK_CMD update\n}\n"
    'installed() {\n  grep -q "^$1" /etc/apk/world\n}\n'
    'proxy="/etc/profile.d/proxy.sh"\n'
    "[ -r $proxy ] && source $proxy\n"
    'check() {\n  [ -b "$1" ] || continue\n  echo "$1"\n}\n'
    'for dev in /dev/sd*; do check "$dev"; done\n'
)


def test_sh_scripts_that_run_on_alpine_only_are_checked_as_busybox(tmp_path: Path) -> None:
    """apt-dater-host's apk/apt-dater-host runs `/sbin/apk` and reads /etc/apk/world: it runs on
    Alpine, whose /bin/sh is busybox ash, which has `source` (no SC3046 with --shell=busybox)
    and applies `continue` in a function to the caller's loop (SC2104: info). The same code
    in a script that also drives apt-get (a multi-distribution installer, run by dash on
    Debian), in one that names apk only in a comment, and in a bash script keeps its
    warnings."""
    line = ALPINE_SCRIPT.splitlines().index("[ -r $proxy ] && source $proxy") + 1
    loop = line + 2
    both = ALPINE_SCRIPT.replace("$APK_CMD update", "$APK_CMD update || apt-get update")
    commented = (
        ALPINE_SCRIPT.replace('APK_CMD="/sbin/apk"', "# like /sbin/apk")
        .replace("$APK_CMD update", "true")
        .replace("/etc/apk/world", "/var/lib/world")
    )
    files = {
        "apk/host-helper": ALPINE_SCRIPT,
        "multi/host-helper": both,
        "plain/host-helper": commented,
    }
    target = make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK})
    outcome = code_quality.run(step_context(target, code_quality.SPEC))
    shown = {(f.rule, f.path, f.line): f.severity for f in outcome.findings}
    assert ("shellcheck/SC3046", "apk/host-helper", line) not in shown
    assert shown[("shellcheck/SC2104", "apk/host-helper", loop)] is Severity.INFO
    for kept in ("multi/host-helper", "plain/host-helper"):
        assert shown[("shellcheck/SC3046", kept, line)] is Severity.WARNING
        assert shown[("shellcheck/SC2104", kept, loop)] is Severity.WARNING
    assert any("as they run on Alpine" in c for c in outcome.checked)


@pytest.mark.parametrize(
    ("code", "alpine"),
    [
        ("#!/bin/sh\napk add --no-cache curl\n", True),
        ("#!/bin/sh\nset -e\nsudo apk -U upgrade\n", True),
        ("#!/bin/sh\nif x; then apk del foo; fi\n", True),
        ('#!/bin/sh\nAPK_CMD="/sbin/apk"\n$APK_CMD upgrade\n', True),
        ('#!/bin/sh\ngrep -q "$1" /etc/apk/world\n', False),
        ('#!/bin/sh\nAPK="$(command -v apk)"\napk add curl\n', False),
        ('#!/bin/sh\n"$dest"/sbin/apk.static --version\n', False),
        ('#!/bin/sh\napk add --root "$rootfs" alpine-base\n', False),
        ("#!/bin/sh\napk add curl || apt-get install -y curl\n", False),
        ("#!/bin/sh\napk add curl\nrpm -qa\n", False),
        ("#!/bin/sh\napk add curl\napt install -y curl\n", False),
        ("#!/bin/sh\n# run apk add curl first\necho hi\n", False),
        ("#!/bin/sh\necho apk\n", False),
        ("#!/bin/sh\npkg=apk; echo $pkg\n", False),
    ],
)
def test_runs_on_alpine_only(code: str, alpine: bool) -> None:
    assert runs_on_alpine_only(code) is alpine


@pytest.mark.parametrize(
    ("version", "knows"),
    [("0.11.0", True), ("0.10.0", True), ("0.9.0", False), ("1.0", True), (None, False)],
)
def test_knows_busybox(version: str | None, knows: bool) -> None:
    assert knows_busybox(version) is knows


def test_substitution_of_one_word_or_echoed_is_information(tmp_path: Path) -> None:
    """live-boot: `[ $(stat -fc%d:%D "$d") != ... ]` and `mount -t $(get_fstype "$dev")`, a
    function of a sibling script whose body is `blkid -s TYPE -o value $1`, and `$(uname -r)`
    (one word each): SC2046 info. `basename $path` (a path with blanks), `blkid -s LABEL` (a
    label with blanks), a function of several commands, `getconf -a`, and an `echo $(cmd)`
    argument (echo joins the words again, but they are globbed first: `echo $(row)` with
    `a * b` prints file names): still warnings."""
    files = {
        "lib.sh": (
            "#!/bin/sh\n"
            "get_fstype ()\n{\n\tblkid -s TYPE -o value $1 2>/dev/null\n}\n"
            "get_label () { blkid -s LABEL -o value $1; }\n"
            'list () {\n\tls "$1"\n\techo done\n}\n'
        ),
        "mount.sh": (
            "#!/bin/sh\n"
            'mount -t $(get_fstype "${dev}") -o ro "${dev}" /mnt\n'
            "echo $(setup_loop $1 loop) $(uname -r)\n"
            '[ $(stat -fc%d:%D "$d") != $(stat -fc%d:%D "$d/..") ] && echo mountpoint\n'
            "test `basename ${path}`x = digestx && echo digest\n"
            'mount -L $(get_label "$dev") /mnt\n'
            "rm $(list /tmp)\n"
            "row() { printf 'a * b\\n'; }; echo $(row)\n"
            "echo $(getconf -a)\n"
        ),
    }
    target = make_repo(tmp_path / "proj", {**files, **RUNS_SHELLCHECK})
    outcome = code_quality.run(step_context(target, code_quality.SPEC))
    severity = {(f.rule, f.path, f.line): f.severity for f in outcome.findings}
    severities = {
        f.extra.get("column"): f.severity
        for f in outcome.findings
        if (f.rule, f.path, f.line) == ("shellcheck/SC2046", "mount.sh", 3)
    }
    assert severity[("shellcheck/SC2046", "mount.sh", 2)] is Severity.INFO
    assert severities == {6: Severity.WARNING, 28: Severity.INFO}
    assert severity[("shellcheck/SC2046", "mount.sh", 4)] is Severity.INFO
    assert severity[("shellcheck/SC2046", "mount.sh", 5)] is Severity.WARNING
    assert severity[("shellcheck/SC2046", "mount.sh", 6)] is Severity.WARNING
    assert severity[("shellcheck/SC2046", "mount.sh", 7)] is Severity.WARNING
    assert severity[("shellcheck/SC2046", "mount.sh", 8)] is Severity.WARNING
    assert severity[("shellcheck/SC2046", "mount.sh", 9)] is Severity.WARNING


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ('stat -c "%s" "$f"', "stat"),
        ("stat --format=%Y f", "stat"),
        ("stat -c %n f", None),
        ("stat -c %y f", None),
        ("date +%Y-%m-%d", "date"),
        ("date '+%d %b'", None),
        ("id -un", "id"),
        ("uname -a", None),
        ("nproc", "nproc"),
        ("cat f | head -1", None),
        ("helper x", "helper (`id -u`)"),
    ],
)
def test_one_word_command(body: str, word: str | None) -> None:
    assert one_word_command(body, {"helper": "id -u"}) == word


def test_arguments_of_a_private_function_called_with_literal_words_are_information(
    tmp_path: Path,
) -> None:
    """bilibop's library: `_list_other() { for TAG in $@ ; do ...` called only as
    `_list_other "BILIBOP" "INSIDEV" ;;` in a case branch (SC2068): nothing to split, info. A
    public library function (other programs may call it) and a private one also called with
    an expansion keep the warning."""
    files = {
        "lib/filter.sh": (
            "# a library\n"
            '[ "${DEBUG}" = "true" ] || DEBUG="false"\n'
            "_list_other() {\n"
            '    ${DEBUG} && echo "> _list_other $@" >&2\n'
            "    for TAG in $@ ; do\n"
            '        [ -e "/run/udev/tags/${TAG}" ] && echo "$TAG"\n'
            "    done\n"
            "}\n"
            "list_public() {\n"
            '    for TAG in $@ ; do echo "$TAG"; done\n'
            "}\n"
            "_list_any() {\n"
            '    for TAG in $@ ; do echo "$TAG"; done\n'
            "}\n"
            'case "$1" in\n'
            "    other)\n"
            '        _list_other "BILIBOP" "INSIDEV" ;;\n'
            "    public)\n"
            "        list_public BILIBOP ;;\n"
            "    any)\n"
            '        _list_any "$2" ;;\n'
            "esac\n"
        ),
    }
    severity = _severities(tmp_path, files)
    assert severity[("shellcheck/SC2068", "lib/filter.sh", 5)] is Severity.INFO
    assert severity[("shellcheck/SC2068", "lib/filter.sh", 10)] is Severity.WARNING
    assert severity[("shellcheck/SC2068", "lib/filter.sh", 13)] is Severity.WARNING
    # a script that runs a command by a constructed name (`"_list_$what"`) may call any of
    # them with anything: the warning stays
    files["bin/run.sh"] = '#!/bin/sh\n. lib/filter.sh\nwhat=$1; shift\n"_list_$what" "$@"\n'
    severity = _severities(tmp_path / "dynamic", files)
    assert severity[("shellcheck/SC2068", "lib/filter.sh", 5)] is Severity.WARNING


@pytest.mark.parametrize(
    ("script", "where"),
    [
        ('[ "${DEBUG}" = true ] || DEBUG="false"\n${DEBUG} && echo "> $@"\n', None),
        ('HELPER="pvf"\ncase "$1" in\n  ${DISK}*) ;;\nesac\n${HELPER} --init\n', None),
        ('x=$(foo); i=$(($i - 1))\necho "a; $b" | grep c\n"$dir/tool" a \\\n  "$c"\n', None),
        ('sub=$1\n"cmd_$sub" "$@"\n', "s:2"),
        ("h=$1; $h x\n", "s:1"),
        ("for h in a b; do $h; done\n", "s:1"),
        ("${DEBUG} && echo x\n", "s:1"),
        ('run() { "$@"; }\n', "s:1"),
        ('eval "$cmd"\n', "s:1"),
    ],
)
def test_constructed_call(script: str, where: str | None) -> None:
    assert constructed_call({"s": script}) == where


@pytest.mark.parametrize(
    ("script", "calls"),
    [
        ("f() {\n  echo $@\n}\nf a b\nx && f 'c' \"d\"\n", "2 calls, the first at s:4"),
        ('f() {\n  echo $@\n}\nf "a b"\n', None),
        ("f() {\n  echo $@\n}\nf a\ntrap f 0\n", None),
        ("f() {\n  echo $@\n}\n", None),
        ('f() {\n  echo $@\n}\necho "f is a function"\nf x\n', "1 call, the first at s:5"),
    ],
)
def test_literal_calls(script: str, calls: str | None) -> None:
    assert literal_calls("f", {"s": script}) == calls


def test_ls_grep_over_kernel_names_is_information(tmp_path: Path) -> None:
    """live-boot's `$(cd /sys/class/net/ && ls -d * 2>/dev/null | grep -v "lo")` and `ls
    /sys/block | grep -v loop`: interface and device names hold no blank (SC2010): info. `ls
    | grep` over the user's directory keeps the warning, and so do a long listing (`ls -l
    /proc/self/fd`: symlink targets, the user's file names) and the cgroup tree."""
    files = {
        "net.sh": (
            "#!/bin/sh\n"
            'ifaces="$(cd /sys/class/net/ && ls -d * 2>/dev/null | grep -v "lo")"\n'
            "disks=$(ls /sys/block | grep -v loop)\n"
            'pics=$(ls "$HOME" | grep jpg)\n'
            "open=$(ls -l /proc/self/fd | grep deleted)\n"
            "groups=$(ls /sys/fs/cgroup/user.slice | grep scope)\n"
            'echo "$ifaces $disks $pics $open $groups"\n'
        ),
    }
    severity = _severities(tmp_path, files)
    assert severity[("shellcheck/SC2010", "net.sh", 2)] is Severity.INFO
    assert severity[("shellcheck/SC2010", "net.sh", 3)] is Severity.INFO
    assert severity[("shellcheck/SC2010", "net.sh", 4)] is Severity.WARNING
    # a long listing shows symlink targets (the user's file names), cgroups are user-named
    assert severity[("shellcheck/SC2010", "net.sh", 5)] is Severity.WARNING
    assert severity[("shellcheck/SC2010", "net.sh", 6)] is Severity.WARNING


@pytest.mark.parametrize(
    ("line", "where"),
    [
        ("cd /sys/class/net && ls | grep -v lo", "/sys/class/net"),
        ("ls /proc/ | grep '^[0-9]'", "/proc/"),
        ("cd /tmp && ls | grep a", None),
        ("cd /sys && ls ../home | grep a", None),
        ("ls /proc /home | grep a", None),
        ("ls $dir | grep x", None),
        ("ls -la /proc/self/fd | grep x", None),
        ("ls --format=long /sys/block | grep x", None),
        ("ls -1 /sys/block | grep -v loop", "/sys/block"),
        ("cd /sys/fs/cgroup && ls | grep x", None),
        ("ls /proc/1/cwd | grep x", None),
    ],
)
def test_kernel_directory(line: str, where: str | None) -> None:
    assert kernel_directory(line) == where
