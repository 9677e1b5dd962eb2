"""Tab completion (``flashdl completion SHELL``): commands, options, deck and card ids, families.

The references are independent of flashdl's code: DESIGN §3's command list, the deck files'
own ids read with PyYAML, the engine family names ``flashdl engine families --json`` prints,
and bash itself running the shell code ``flashdl completion bash`` prints."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import argcomplete
import pytest
import yaml
from cli_helpers import NOW, REPO, run
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.cli import build_parser
from flashdl.commands.completion import complete

DECK_A = """\
id: nets
name: Nets
tags: [course]
cards:
  - id: conv-1
    front: "What does a 3x3 kernel see?"
    back: "A 3x3 patch"
    tags: [cnn, "cnn::sizes"]
  - id: conv-2
    front: "Stride?"
    back: "Step"
  - id: rnn-1
    front: "RNN?"
    back: "Recurrent"
    tags: [rnn]
"""
DECK_B = """\
id: notes
name: Notes
cards:
  - id: "001"
    front: "a"
    back: "b"
  - id: "002"
    front: "c"
    back: "d"
"""
# DESIGN §3's commands (and `card` and `completion`, added since)
COMMANDS = ["study", "practice", "decks", "due", "show", "review", "add", "import", "export", "stats",
            "check", "db", "engine", "deck", "card", "scheduler", "completion"]


class Done(Exception):
    pass


def _exit(code: int) -> None:
    raise Done(code)


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    """A database of two decks, and each deck's card ids as its file lists them."""
    folder = tmp_path_factory.mktemp("completion")
    ids: dict[str, list[str]] = {}
    for name, text in (("nets.yaml", DECK_A), ("notes.yaml", DECK_B)):
        (folder / name).write_text(text)
        data = yaml.safe_load(text)
        ids[data["id"]] = [f"{data['id']}/{card['id']}" for card in data["cards"]]
    db = folder / "c.sqlite3"
    result = subprocess.run([sys.executable, "-m", "flashdl.cli", "--db", str(db), "--now", NOW, "import",
                             str(folder / "nets.yaml"), str(folder / "notes.yaml")],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return db, ids


def candidates(line: str, monkeypatch: pytest.MonkeyPatch, **env: str) -> list[str]:
    """What argcomplete prints for ``line`` with the cursor at its end, in this process."""
    monkeypatch.setenv("_ARGCOMPLETE", "1")
    monkeypatch.setenv("COMP_LINE", line)
    monkeypatch.setenv("COMP_POINT", str(len(line)))
    monkeypatch.setenv("_ARGCOMPLETE_SUPPRESS_SPACE", "1")
    monkeypatch.delenv("FLASHDL_DB", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # argcomplete writes its debug output to file descriptor 9, which in pytest is faulthandler's
    # (closing it ends pytest with EBADF); its docstring says to override this under pytest
    monkeypatch.setattr(argcomplete.CompletionFinder, "_init_debug_stream", lambda self: None)
    out = io.StringIO()
    with pytest.raises(Done):
        complete(build_parser(), exit_method=_exit, output_stream=out)
    text = out.getvalue()
    return [] if not text else [word.rstrip(" ") for word in text.split("\013")]


def test_a_bare_tab_lists_the_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    assert candidates("flashdl ", monkeypatch) == COMMANDS


def test_options_once_a_dash_is_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    assert set(candidates("flashdl due --", monkeypatch)) == {"--help", "--db", "--now", "--limit", "--json"}
    assert candidates("flashdl due ", monkeypatch, FLASHDL_DB="/nonexistent/x.sqlite3") == []


def test_deck_ids(collection: tuple[Path, dict[str, list[str]]], monkeypatch: pytest.MonkeyPatch) -> None:
    db, ids = collection
    assert candidates(f"flashdl --db {db} due ", monkeypatch) == sorted(ids)
    assert candidates(f"flashdl --db {db} stats no", monkeypatch) == ["notes"]
    assert candidates("flashdl deck options ne", monkeypatch, FLASHDL_DB=str(db)) == ["nets"]
    assert candidates(f"flashdl --db {db} import x.apkg --deck n", monkeypatch) == sorted(ids)


def test_card_ids_deck_first_then_its_cards_in_file_order(
        collection: tuple[Path, dict[str, list[str]]], monkeypatch: pytest.MonkeyPatch) -> None:
    db, ids = collection
    assert candidates(f"flashdl --db {db} show ", monkeypatch) == [f"{deck}/" for deck in sorted(ids)]
    assert candidates(f"flashdl --db {db} show nets/", monkeypatch) == ids["nets"]
    assert candidates(f"flashdl show --db {db} nets/conv", monkeypatch) == ids["nets"][:2]
    assert candidates(f"flashdl --db={db} review --card notes/00", monkeypatch) == ids["notes"]


@settings(max_examples=60, deadline=None)
@given(prefix=st.text(alphabet="netsor/-0123456789cvx_%", max_size=9).filter(lambda p: not p.startswith("-")))
def test_card_ids_are_exactly_those_the_prefix_begins(
        collection: tuple[Path, dict[str, list[str]]], prefix: str) -> None:
    db, ids = collection
    every = [card for deck in sorted(ids) for card in ids[deck]]
    if "/" in prefix:
        expected = [card for card in every if card.startswith(prefix)]
    else:
        expected = [f"{deck}/" for deck in sorted(ids) if deck.startswith(prefix)]
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert candidates(f"flashdl --db {db} show {prefix}", monkeypatch) == expected


def test_tags_include_the_decks_own(collection: tuple[Path, dict[str, list[str]]],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    db, _ids = collection
    tags = set()
    for text in (DECK_A, DECK_B):
        data = yaml.safe_load(text)
        tags.update(data.get("tags", []))
        for card in data["cards"]:
            tags.update(card.get("tags", []))
    assert candidates(f"flashdl --db {db} practice --tag ", monkeypatch) == sorted(tags)
    assert candidates(f"flashdl --db {db} add nets --tag cnn", monkeypatch) == ["cnn", "cnn::sizes"]


def test_retired_cards_are_not_offered(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    deck, db = tmp_path / "notes.yaml", tmp_path / "r.sqlite3"
    deck.write_text(DECK_B)
    assert run(capsys, "--db", str(db), "--now", NOW, "import", str(deck))[0] == 0
    deck.write_text(DECK_B.split('  - id: "002"')[0])  # 002 taken out of the file: retired
    assert run(capsys, "--db", str(db), "--now", NOW, "import", str(deck))[0] == 0
    assert candidates(f"flashdl --db {db} show notes/", monkeypatch) == ["notes/001"]


def test_engine_families(monkeypatch: pytest.MonkeyPatch) -> None:
    listed = subprocess.run([sys.executable, "-m", "flashdl.cli", "engine", "families", "--json"], cwd=REPO,
                            capture_output=True, text=True, check=True)
    names = sorted(entry["family"] for entry in json.loads(listed.stdout))
    assert candidates("flashdl engine generate ", monkeypatch) == names
    assert candidates("flashdl practice --family conv2d_o", monkeypatch) == ["conv2d_output_size"]


def test_choices_grades_and_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert candidates("flashdl export d --format ", monkeypatch) == ["yaml", "apkg", "csv", "tsv", "revlog"]
    assert candidates("flashdl review --card d/1 --grade ", monkeypatch) == list("012345")
    assert candidates("flashdl completion ", monkeypatch) == ["bash", "zsh", "fish"]
    (tmp_path / "deck.yaml").write_text(DECK_B)
    assert candidates(f"flashdl import {tmp_path}/de", monkeypatch) == [f"{tmp_path}/deck.yaml"]
    assert candidates("flashdl study --search ", monkeypatch) == []  # not the folder's files


@pytest.mark.parametrize("content", [None, b"not a database at all", b""], ids=["missing", "garbage", "empty"])
def test_a_database_that_cannot_be_read_offers_nothing_and_is_left_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes | None) -> None:
    db = tmp_path / "x.sqlite3"
    if content is not None:
        db.write_bytes(content)
    assert candidates(f"flashdl --db {db} show ", monkeypatch) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if content is None else ["x.sqlite3"])
    if content is not None:
        assert db.read_bytes() == content


def test_an_older_schema_offers_nothing_and_is_not_upgraded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "old.sqlite"
    shutil.copyfile(REPO / "tests" / "fixtures" / "schema-1.sqlite", db)
    before = db.read_bytes()
    assert candidates(f"flashdl --db {db} show ", monkeypatch) == []
    assert db.read_bytes() == before


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_runs_the_printed_shell_code(collection: tuple[Path, dict[str, list[str]]], tmp_path: Path) -> None:
    """End to end: bash sources `flashdl completion bash`, and its completion function, run as
    bash runs it at a tab press, calls `flashdl` (a shim for this interpreter) and fills COMPREPLY."""
    db, ids = collection
    shim = tmp_path / "bin" / "flashdl"
    shim.parent.mkdir()
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m flashdl.cli \"$@\"\n")
    shim.chmod(0o755)
    script = (
        'eval "$(flashdl completion bash)"\n'
        "complete_line() {\n"
        '  COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< "$1"\n'
        '  [[ "$1" == *" " ]] && COMP_WORDS+=("")\n'
        "  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_TYPE=9; COMPREPLY=()\n"
        '  _python_argcomplete flashdl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"\n'
        "  printf '%s\\n' \"${COMPREPLY[@]}\"; echo ---\n"
        "}\n"
        f"complete_line 'flashdl --db {db} show no'\n"
        f"complete_line 'flashdl --db {db} show notes/'\n"
        "complete_line 'flashdl sta'\n"
    )
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    env.pop("FLASHDL_DB", None)
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    blocks = [block.split() for block in result.stdout.split("---\n")[:-1]]
    assert blocks == [["notes/"], ids["notes"], ["stats"]]


def test_the_shell_code_for_each_shell(capsys: pytest.CaptureFixture[str]) -> None:
    for shell, marker in (("bash", "complete "), ("zsh", "#compdef flashdl"), ("fish", "complete --command flashdl")):
        code, out, err = run(capsys, "completion", shell)
        assert code == 0, err
        assert marker in out and "_ARGCOMPLETE" in out
    code, _out, err = run(capsys, "completion", "powershell")
    assert code == 2 and err.count("\n") == 1 and "invalid choice" in err


@pytest.mark.skipif(shutil.which("fish") is None, reason="needs fish")
def test_fish_runs_the_printed_shell_code(collection: tuple[Path, dict[str, list[str]]], tmp_path: Path) -> None:
    """fish's `complete -C LINE` asks the registered completion as a tab press would."""
    db, ids = collection
    shim = tmp_path / "bin" / "flashdl"
    shim.parent.mkdir()
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m flashdl.cli \"$@\"\n")
    shim.chmod(0o755)
    script = (f'flashdl completion fish | source; complete -C "flashdl --db {db} show notes/"; echo ---; '
              'complete -C "flashdl engine generate conv2d_o"')
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(["fish", "--no-config", "-c", script], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    cards, families = (block.split() for block in result.stdout.split("---\n"))
    assert cards == ids["notes"]
    assert families == ["conv2d_output_size"]


def test_card_actions_take_card_ids(collection: tuple[Path, dict[str, list[str]]],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    db, ids = collection
    assert candidates(f"flashdl --db {db} card ", monkeypatch) == ["forget", "set-due", "suspend", "unsuspend"]
    assert candidates(f"flashdl --db {db} card forget notes/001 notes/", monkeypatch) == ids["notes"]
