"""Shell sessions: simple commands, working directories and what earlier commands produced."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.shell_commands import UNKNOWN_DIR, Command, Session, join, split_line


def _run(lines: list[str], prompt_only: bool = False, keep_cwd: bool = True) -> list[Command]:
    session = Session(lambda url: url.endswith("/proj.git"))
    numbered = list(enumerate(lines, start=1))
    return list(session.run(numbered, "doc.md", "docs", prompt_only=prompt_only, keep_cwd=keep_cwd))


def test_split_keeps_substitutions_and_redirections_apart() -> None:
    assert [(c.argv, c.outputs) for c in split_line("echo $(./gen.sh) > out/x.txt 2>&1")] == [
        (["./gen.sh"], []),
        (["echo", "$SUBSTITUTION"], ["out/x.txt"]),
    ]
    # e-wrapper's README: `make 2>&1 >/dev/null|grep error:|e -::`: `2` is the descriptor
    # redirected, not a target; a number with a space before `>` is an argument, and one in
    # quotes is text
    assert [c.argv for c in split_line("make 2>&1 >/dev/null|grep error:|e -::")] == [
        ["make"],
        ["grep", "error:"],
        ["e", "-::"],
    ]
    assert [c.argv for c in split_line("make 2 > log")] == [["make", "2"]]
    assert [c.argv for c in split_line("echo '2>&1' x2>y")] == [["echo", "2>&1", "x2"]]
    assert [c.argv for c in split_line("go test $MAKEVAR ./... && make")] == [
        ["go", "test", "$MAKEVAR", "./..."],
        ["make"],
    ]


def test_downloads_and_created_files_exist_for_later_commands() -> None:
    commands = _run(
        [
            "curl https://x/shfmt -o shfmt",
            "chmod +x shfmt && ./shfmt -d .",
            "mkdir -p build && echo hi > build/out.txt",
            "git submodule add https://x/bats-core.git test/bats",
            "./test/bats/bin/bats test",
            "./never-made.sh",
        ]
    )
    run_shfmt = next(c for c in commands if c.argv[0] == "./shfmt")
    assert run_shfmt.produced("shfmt") and not run_shfmt.produced("other")
    bats = next(c for c in commands if c.argv[0].startswith("./test/bats"))
    assert bats.produced("test/bats/bin/bats") and bats.produced("build/out.txt")
    assert not commands[-1].produced("never-made.sh")


def test_extracted_archives_may_hold_anything_below_their_directory() -> None:
    commands = _run(["wget https://x/kcov.tar.gz", "tar -xf kcov.tar.gz -C opt", "./opt/bin/kcov"])
    assert commands[-1].maybe_from("opt/bin/kcov") == "tar -xf kcov.tar.gz -C opt"
    assert commands[-1].maybe_from("bin/kcov") is None
    assert commands[-1].produced("kcov.tar.gz")


def test_cd_into_a_clone_of_this_project_is_the_root_and_of_another_is_unknown() -> None:
    ours = _run(["git clone https://github.com/o/proj.git", "cd proj", "./install.sh"])
    assert ours[-1].cwd == ""
    theirs = _run(["git clone https://github.com/o/other.git", "cd other/", "./install.sh"])
    assert theirs[-1].cwd == UNKNOWN_DIR
    assert _run(["cd /tmp/foo && npm start"])[0].cwd == UNKNOWN_DIR
    assert _run(["cd docs", "make html"])[0].cwd == "docs"
    each_line_alone = _run(["cd docs", "make html"], keep_cwd=False)
    assert each_line_alone[0].cwd == ""


def test_cd_into_what_the_session_unpacked_or_made_is_unknown_unless_the_project_has_it() -> None:
    """git-ftp's tests/README.md: `wget .../vsftpd-3.0.3.tar.gz; tar xzf ...; cd vsftpd-3.0.3;
    make` builds another project's source; `cd` into a directory the repository has stays
    known even after an archive was unpacked or a `mkdir -p` of it."""
    vsftpd = _run(
        [
            "wget https://x/vsftpd-3.0.3.tar.gz",
            "tar xzf vsftpd-3.0.3.tar.gz",
            "cd vsftpd-3.0.3",
            "make",
        ]
    )
    assert vsftpd[-1].cwd == UNKNOWN_DIR
    assert _run(["mkdir build && cd build", "cmake .. && make"])[-1].cwd == UNKNOWN_DIR
    in_repo = Session(exists=lambda path: path == "docs")
    lines = list(enumerate(["tar xzf assets.tar.gz", "mkdir -p docs", "cd docs", "make html"], 1))
    assert list(in_repo.run(lines, "doc.md", "docs"))[-1].cwd == "docs"
    assert _run(["cd docs", "make html"])[-1].cwd == "docs"  # nothing made it: the project's


def test_here_documents_and_output_lines_are_not_commands() -> None:
    commands = _run(["cat > run.sh <<EOF", "./inside-heredoc.sh", "EOF", "./run.sh"])
    assert [c.argv[0] for c in commands] == ["cat", "./run.sh"]
    assert commands[-1].produced("run.sh")
    transcript = _run(["$ ./tool.sh", "./printed/by/tool", "$ make"], prompt_only=True)
    assert [c.argv[0] for c in transcript] == ["./tool.sh", "make"]


@given(st.lists(st.sampled_from(["a", "b", "..", ".", ""]), max_size=6))
def test_join_never_leaves_the_repository(parts: list[str]) -> None:
    joined = join("x", "/".join(parts))
    assert joined == UNKNOWN_DIR or not joined.startswith(("/", ".."))


def test_a_piped_installer_writes_the_program_its_url_names_to_bin() -> None:
    """stretchr/objx's CI: `curl -sL https://taskfile.dev/install.sh | sh`, then `./bin/task`."""
    commands = _run(
        [
            "curl -sL https://taskfile.dev/install.sh | sh",
            "./bin/task test-coverage",
            "curl -sSfL https://x/golangci-lint/install.sh | sh -s -- -b tools v1.55.2",
            "./tools/golangci-lint run",
        ]
    )
    task = next(c for c in commands if c.argv[0] == "./bin/task")
    assert task.produced("bin/task")
    assert not task.produced("bin/lint")  # a name the installer's URL does not hold
    assert not task.produced("bin/sub/task") and not task.produced("task")
    assert commands[-1].produced("tools/golangci-lint")
    assert not commands[-1].produced("bin/golangci-lint")  # `-b tools` put it elsewhere


def test_a_download_saved_or_run_as_a_file_installs_nothing_into_bin() -> None:
    commands = _run(
        [
            "curl -sL https://taskfile.dev/install.sh -o install.sh && sh install.sh",
            "wget https://taskfile.dev/install.sh && sh",
            "curl -sL https://taskfile.dev/install.sh | sh ./local.sh",
            "./bin/task",
        ]
    )
    assert not commands[-1].produced("bin/task")
    assert commands[-1].produced("install.sh")
