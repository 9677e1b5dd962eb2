"""Random arguments and random small files, to every command (issue 15: never a traceback).

For each example: a fresh copy of a small studied database, a folder of
random files (random bytes, or fragments of the formats flashdl reads), and
a command line built from each command's options with hostile values
(huge numbers, calendar edges, lone surrogates, special files). The promise:
exit code 0, 1 or 2; an exception never escapes ``main`` (in a real process
that would be a traceback); on exit 2 the database is unchanged.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import NOW, deck_text, dump
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashdl.cli import main

pytestmark = pytest.mark.slow

SUFFIXES = [".yaml", ".yml", ".csv", ".tsv", ".apkg", ".txt", ".jsonl", ".json", ""]
FRAGMENTS = [
    "id: q\ncards:\n  - id: \"001\"\n    front: F\n    back: B\n",
    "id: z\nname: Z\ncards:\n  - {id: a, front: '1e400', back: " + "9" * 400 + "}\n",
    '{"card": "q/001", "grade": 4, "at": "2024-03-01T10:00:00+00:00"}\n',
    '{"card": "q/002", "grade": 9}\n', '{"card": "q/003", "grade": 3, "at": "0001-01-01"}\n',
    "[" * 3000, "#separator:tab\n#html:false\nfront\tback\n", "id,cid,ease,ivl\n1,2,3,4\n",
    "review_time,review_rating,card_id\n1e15,3,q/001\n", "\x00\x01\x02", "\ufeffid: a\n",
    "PK\x03\x04", "SQLite format 3\x00", "cards: &a [*a]\n", "\udcff",
]
HOSTILE = ["0", "-1", "1", "3", str(10**23), "1e400", "nan", "\udcff", "q/\udcff", "q/001", "q/002",
           "q", "nope", "q/001\n", "", " ", "-", "--", "2024-03-01T10:00:00+00:00", "0001-01-01",
           "9999-12-31T23:59:59", "[" * 200, '{"a":' * 50, "x" * 5000, "conv2d_param_count"]


def hostile() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12),
                     st.integers(min_value=-(2**70), max_value=2**70).map(str))


def a_file() -> st.SearchStrategy[tuple[str, bytes]]:
    content = st.one_of(
        st.binary(max_size=120),
        st.lists(st.sampled_from(FRAGMENTS), max_size=4).map(
            lambda parts: "".join(parts).encode("utf-8", "surrogateescape")),
    )
    return st.tuples(st.sampled_from(SUFFIXES), content)


@st.composite
def command_line(draw: st.DrawFn, files: list[str]) -> list[str]:
    path = st.sampled_from([*files, "missing.yaml", "sub", "pipe", "/dev/zero"])
    out = st.sampled_from(["out.yaml", "out.csv", "out.apkg", "sub", "pipe", "new/dir.yaml",
                           "link-to-pipe"])
    commands: dict[str, st.SearchStrategy[list[str]]] = {
        "decks": st.just(["decks"]),
        "due": st.lists(st.sampled_from(["q", "--json"]), max_size=2).flatmap(
            lambda a: st.one_of(st.just(["due", *a]), hostile().map(lambda n: ["due", *a, "--limit", n]))),
        "show": hostile().map(lambda c: ["show", c, "--json"]),
        "review": st.one_of(
            st.tuples(hostile(), hostile()).map(lambda t: ["review", "--card", t[0], "--grade", t[1]]),
            path.map(lambda p: ["review", "--batch", p, "--json"])),
        "import": st.tuples(st.lists(path, min_size=1, max_size=2),
                            st.sampled_from(["auto", "yaml", "apkg", "csv", "tsv", "revlog", "notes"]),
                            st.booleans()).map(
            lambda t: ["import", *t[0], "--format", t[1], *(["--with-history"] if t[2] else [])]),
        "export": st.tuples(st.sampled_from(["q", "nope"]),
                            st.sampled_from(["yaml", "apkg", "csv", "tsv", "revlog"]), out,
                            st.booleans()).map(
            lambda t: ["export", t[0], "--format", t[1], "--out", t[2],
                       *(["--with-history"] if t[3] else [])]),
        "stats": hostile().map(lambda n: ["stats", "--json", "--days", n]),
        "check": st.lists(path, min_size=1, max_size=2).map(lambda p: ["check", "--json", *p]),
        "engine": st.one_of(
            st.just(["engine", "families"]),
            hostile().map(lambda s: ["engine", "generate", "conv2d_param_count", "--seed", s]),
            st.tuples(hostile(), hostile()).map(
                lambda t: ["engine", "check", "conv2d_param_count", "--params", t[0], "--answer", t[1]])),
        "practice": st.tuples(st.sampled_from([[], ["q"], ["nope"]]), hostile()).map(
            lambda t: ["practice", *t[0], "--plain", "--count", t[1]]),
        "deck": st.one_of(
            st.sampled_from(["q", "nope"]).map(lambda d: ["deck", "options", d, "--json"]),
            st.tuples(st.sampled_from(["--new-per-day", "--reviews-per-day", "--leech-threshold",
                                       "--desired-retention", "--fsrs-parameters", "--scheduler",
                                       "--new-order", "--leech-action"]), hostile()).map(
                lambda t: ["deck", "options", "q", t[0], t[1]])),
        "scheduler": st.one_of(
            st.sampled_from(["optimize", "evaluate"]).map(lambda c: ["scheduler", c, "q", "--json"]),
            hostile().map(lambda n: ["scheduler", "simulate", "q", "--days", n, "--json"]),
            hostile().map(lambda r: ["scheduler", "simulate", "q", "--desired-retention", r])),
        "db": st.one_of(st.just(["db", "check"]), out.map(lambda o: ["db", "backup", o]),
                        path.map(lambda p: ["db", "restore", p])),
    }
    argv = draw(st.sampled_from(sorted(commands)).flatmap(lambda name: commands[name]))
    if draw(st.booleans()):
        argv += ["--now", draw(st.one_of(st.just(NOW), hostile()))]
    return argv


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    db = folder / "flashdl.sqlite3"
    deck = folder / "q.yaml"
    deck.write_text(deck_text("q", 3))
    os.environ["FLASHDL_DB"] = str(db)
    try:
        assert main(["import", str(deck), "--now", NOW]) == 0
        assert main(["review", "--card", "q/001", "--grade", "4", "--now", NOW]) == 0
    finally:
        del os.environ["FLASHDL_DB"]
    return db


@contextlib.contextmanager
def sandbox(template: Path, files: list[tuple[str, bytes]]) -> Iterator[tuple[Path, list[str]]]:
    """A fresh folder holding a copy of the database and the files; the working directory."""
    old_cwd, old_db = os.getcwd(), os.environ.get("FLASHDL_DB")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        db = folder / "flashdl.sqlite3"
        shutil.copy(template, db)
        names = []
        for i, (suffix, content) in enumerate(files):
            (folder / f"f{i}{suffix}").write_bytes(content)
            names.append(f"f{i}{suffix}")
        (folder / "sub").mkdir()
        os.mkfifo(folder / "pipe")
        (folder / "link-to-pipe").symlink_to(folder / "pipe")
        os.chdir(folder)
        os.environ["FLASHDL_DB"] = str(db)
        try:
            yield db, names
        finally:
            os.chdir(old_cwd)
            if old_db is None:
                os.environ.pop("FLASHDL_DB", None)
            else:
                os.environ["FLASHDL_DB"] = old_db


EXAMPLES = int(os.environ.get("FLASHDL_FUZZ_EXAMPLES", "60"))  # ~3 s; 2,000 locally: ~25 s


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(a_file(), min_size=1, max_size=3), data=st.data())
def test_every_command_fails_cleanly(
    template: Path, files: list[tuple[str, bytes]], data: st.DataObject,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with sandbox(template, files) as (db, names):
        argv = data.draw(command_line(names), label="argv")
        before = dump(db)
        capsys.readouterr()
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse
            code = int(exit_.code or 0)
        _out, err = capsys.readouterr()
        assert code in (0, 1, 2), (argv, err)
        assert "Traceback" not in err
        if code == 2:
            assert dump(db) == before, (argv, err)
            assert err.strip(), argv
        assert Path("/dev/zero").is_char_device()
