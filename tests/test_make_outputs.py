"""What a `make` command line writes: its targets' recipes, with the command line's variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_workflow.make_outputs import UNKNOWN, MadeByMake, Makefile, MakeOutputs

MAKEFILE = """\
NAME = tool
SCRIPT = $(NAME).sh
DESTDIR =
BINDIR ?= $(DESTDIR)/usr/bin
OUT := build
SRCS = a.c \\
       b.c

all: $(OUT)/$(NAME)

$(OUT)/$(NAME): $(SRCS)
\tmkdir -p $(OUT)
\tcc -o $@ $^

install: install-bin
install-bin:
\t@sed -e 's/$$x/y/' $(SCRIPT) > $(BINDIR)/$(NAME)

docs:
\tcp README.md $(DOCDIR)/README.md
\t-cp README.md $(shell pwd)/x
"""


@pytest.mark.parametrize(
    ("text", "overrides", "expanded"),
    [
        ("$(BINDIR)/$(NAME)", {}, "/usr/bin/tool"),
        ("$(BINDIR)/$(NAME)", {"BINDIR": "."}, "./tool"),
        ("${OUT}/$(SCRIPT)", {"NAME": "other"}, "build/other.sh"),
        ("$(SRCS)", {}, "a.c b.c"),
        ("$$x $(UNSET)/y", {}, f"$x {UNKNOWN}/y"),
        ("$(patsubst %.c,%.o,$(SRCS))", {}, UNKNOWN),
    ],
)
def test_expansion(text: str, overrides: dict[str, str], expanded: str) -> None:
    assert Makefile.parse(MAKEFILE).expand(text, overrides) == expanded


@pytest.mark.parametrize(
    ("args", "written"),
    [
        ([], {"build", "build/tool"}),  # the first target: `cc -o $@`
        (["install", "BINDIR=."], {"tool"}),
        (["install"], set()),  # /usr/bin/tool: outside the repository
        (["-C", "sub", "install", "BINDIR=."], set()),  # no Makefile in sub/
        (["docs"], set()),  # unassigned DOCDIR, $(shell ...): unknown, nothing claimed
    ],
)
def test_what_a_make_line_writes(tmp_path: Path, args: list[str], written: set[str]) -> None:
    (tmp_path / "Makefile").write_text(MAKEFILE)
    outputs = MakeOutputs(tmp_path, lambda path: (tmp_path / path).exists())
    assert set(outputs(args, "")) == written


def test_files_the_makefiles_make(tmp_path: Path) -> None:
    """Targets, files recipes write and pattern rules whose prerequisites exist for the stem;
    not `.PHONY` targets, targets make cannot name, nor a pattern without such a prerequisite."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "types" / "__user").mkdir(parents=True)
    (tmp_path / "types" / "__user" / "man.rst").write_text("x\n")
    (tmp_path / "docs" / "Makefile").write_text(
        ".PHONY: clean\n"
        "$(error Sphinx was not found: see http://sphinx-doc.org/)\n"
        "MAN = man7\n"
        "$(MAN)/type%.rst: ../types/%/man.rst\n\tln -sf $< $@\n"
        "%.html:\n\ttouch $@\n"
        "ref.rst: ref.rst.sh\n\t./ref.rst.sh\n"
        "skel:\n\tcp -f ../skel.cfg ./\n"
        "clean:\n\trm -f ref.rst\n"
        "$(UNSET)/x.rst:\n\ttouch $@\n"
    )
    files = ["docs/Makefile", "types/__user/man.rst"]
    made = MadeByMake(tmp_path, files)
    assert made("docs/man7/type__user.rst")
    assert made("docs/ref.rst")
    assert made("docs/skel.cfg")
    assert not made("docs/man7/type__other.rst")  # no types/__other/man.rst
    assert not made("docs/page.html")  # a pattern without a `%` prerequisite
    assert not made("docs/clean")
    assert not made("docs/Sphinx")  # the `$(error ...)` line is no rule
    assert not made("docs/x.rst")
    assert made.made_from("types/__user/man.rst") == ["docs/man7/type__user.rst"]
    assert made.made_from("other/__user/man.rst") == []
