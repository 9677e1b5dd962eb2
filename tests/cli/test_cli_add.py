"""``flashdl add``: the card lands in the deck's YAML file and in the store, history kept."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cli_helpers import NOW, deck_text, dump, flashdl_process, run, run_json

from flashdl.deck import dump_deck
from flashdl.deck.files import bundled_decks_dir, load_deck_file
from flashdl.deck.model import Card, Deck


@pytest.fixture
def deck_file(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "quiz.yaml"
    path.write_text(deck_text("quiz", 3))
    assert run(capsys, "import", str(path), "--now", NOW)[0] == 0
    assert run(capsys, "review", "--card", "quiz/002", "--grade", "4", "--now", NOW)[0] == 0
    return path


def test_add_appends_to_the_file_and_keeps_history(deck_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before_cards = load_deck_file(deck_file).cards
    before_show = run_json(capsys, "show", "quiz/002", "--now", NOW)
    proc = flashdl_process("add", "quiz", "--front", "What is $\\sigma(0)$?\nTwo lines: yes",
                           "--back", "1/2 — \"half\"", "--tag", "sigmoid", "--tag", "act", "--json",
                           "--now", NOW)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert json.loads(out) == {"card": "quiz/004"}
    after = load_deck_file(deck_file)
    assert after.cards[:3] == before_cards  # the other cards, byte for byte in meaning
    assert after.cards[3] == Card(id="004", front="What is $\\sigma(0)$?\nTwo lines: yes",
                                  back="1/2 — \"half\"", tags=("sigmoid", "act"))
    assert deck_file.read_text().startswith(deck_text("quiz", 3))  # appended, nothing rewritten
    assert run_json(capsys, "show", "quiz/002", "--now", NOW) == before_show  # history kept
    shown = run_json(capsys, "show", "quiz/004", "--now", NOW)
    assert shown["front"].startswith("What is") and shown["tags"] == ["sigmoid", "act"]


@pytest.mark.parametrize(("argv", "message"), [
    (["nope", "--front", "f", "--back", "b"], "nope"),
    (["quiz", "--front", " ", "--back", "b"], "non-empty"),
    (["quiz", "--front", "f", "--back", "b", "--tag", "two words"], "tag"),
    (["quiz", "--front", "f", "--back", "b", "--tag", "t", "--tag", "t"], "a tag is given twice"),
    # named as the argument it is, not as a line of the deck file it never reached
    (["quiz", "--front", "a\x01b", "--back", "b"], "front: control character U+0001"),
    (["quiz", "--front", "f", "--back", "\x7f"], "back: control character U+007F"),
])
def test_add_refuses_bad_input_and_changes_nothing(
    deck_file: Path, db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str,
) -> None:
    text, before = deck_file.read_text(), dump(db)
    code, out, err = run(capsys, "add", *argv, "--now", NOW)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and message in err
    assert ".yaml:" not in err
    assert deck_file.read_text() == text and dump(db) == before


def test_add_to_a_bundled_deck_goes_to_the_users_copy(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "import", "--bundled", "--now", NOW)[0] == 0
    first = sorted(bundled_decks_dir().glob("*.yaml"))[0]
    release = load_deck_file(first)
    text = first.read_text()
    shown = run_json(capsys, "add", release.id, "--front", "f", "--back", "b", "--now", NOW)
    ids = [card.id for card in release.cards]
    assert all(i.isdigit() for i in ids)  # the file's own scheme: the next number, as wide
    new_id = f"{max(map(int, ids)) + 1:0{len(ids[0])}d}"
    assert shown == {"card": f"{release.id}/{new_id}"}
    assert first.read_text() == text  # the installed package is never written
    copy = Path(str(db) + ".decks") / first.name
    assert load_deck_file(copy).cards == (*release.cards, Card(id=new_id, front="f", back="b"))
    assert run_json(capsys, "show", f"{release.id}/{new_id}", "--now", NOW)["front"] == "f"


def test_add_to_a_deck_with_word_ids_block_text_and_computed_cards(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "sample.yaml"
    path.write_text((Path(__file__).parents[1] / "tui" / "decks" / "tui-sample.yaml").read_text())
    assert run(capsys, "import", str(path), "--now", NOW)[0] == 0
    before = load_deck_file(path).cards
    assert run_json(capsys, "add", "tui-sample", "--front", "a: b", "--back", "- x", "--now", NOW) == {
        "card": "tui-sample/card-6"
    }
    after = load_deck_file(path).cards
    assert after[:-1] == before and after[-1] == Card(id="card-6", front="a: b", back="- x")


def test_adds_at_once_from_several_processes_keep_every_card(
    deck_file: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Six `flashdl add` processes on one deck at once (found by a concurrency review: with
    eight, three cards were kept, and two processes were told the same new id): each gets its
    own id, and every card is in the file and in the database."""
    procs = [flashdl_process("add", "quiz", "--front", f"Race {i}", "--back", "b", "--json", "--now", NOW)
             for i in range(6)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out)["card"])
    assert len(set(results)) == 6
    in_file = {f"quiz/{card.id}": card.front for card in load_deck_file(deck_file).cards}
    assert {in_file[card] for card in results} == {f"Race {i}" for i in range(6)}
    for card in results:  # the database holds each card as its id says
        assert run_json(capsys, "show", card, "--now", NOW)["front"] == in_file[card]


def test_a_new_card_never_takes_a_retired_cards_id_and_history(
        tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """quiz/003 reviewed, then dropped from the file (retired, its history kept): `add` took the
    next id after the file's cards, 003, and the new card came in with 003's ease, due date and
    review log, never shown as new."""
    path = tmp_path / "quiz.yaml"
    path.write_text(deck_text("quiz", 3))
    assert run(capsys, "import", str(path), "--now", NOW)[0] == 0
    for _ in range(2):
        assert run(capsys, "review", "--card", "quiz/003", "--grade", "1", "--now", NOW)[0] == 0
    path.write_text(deck_text("quiz", 2))
    assert run(capsys, "import", str(path), "--now", NOW)[0] == 0   # 003 retired
    added = run_json(capsys, "add", "quiz", "--front", "Brand new", "--back", "B", "--json", "--now", NOW)
    assert added == {"card": "quiz/004"}
    shown = run_json(capsys, "show", "quiz/004", "--json", "--now", NOW)
    assert shown["front"] == "Brand new"
    assert (shown["schedule"]["due"], shown["schedule"]["repetitions"], shown["schedule"]["ease"]) == (None, 0, 2.5)
    with sqlite3.connect(db) as con:   # 003 keeps its two reviews; the new card has none
        logged = dict(con.execute("SELECT c.slug, count(r.id) FROM card c LEFT JOIN review_log r "
                                  "ON r.card_id = c.id GROUP BY c.slug"))
    assert logged == {"001": 0, "002": 0, "003": 2, "004": 0}
    assert [card.id for card in load_deck_file(path).cards] == ["001", "002", "004"]


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_a_deck_from_another_format_says_how_to_make_it_editable(
        tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str], suffix: str) -> None:
    """`add` on a deck imported from a CSV said "relu.csv:1:1: a deck file must be a mapping with
    id, name and cards" (the CSV read as YAML). It now says what the deck is and how to make it a
    YAML deck, changing nothing; doing what it says keeps the card's history and lets `add` work."""
    separator = "," if suffix == ".csv" else "\t"
    source = tmp_path / f"relu{suffix}"
    source.write_text(f'What is ReLU?{separator}"max(0, x)"\nSigmoid range{separator}"(0, 1)"\n')
    assert run(capsys, "import", str(source), "--now", NOW)[0] == 0
    card = run_json(capsys, "due", "relu", "--json", "--now", NOW)[0]["card"]
    assert run(capsys, "review", "--card", card, "--grade", "4", "--now", NOW)[0] == 0
    before, source_bytes = dump(db), source.read_bytes()
    code, out, err = run(capsys, "add", "relu", "--front", "Q", "--back", "A", "--now", NOW)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert f"was imported from {source}, not a flashdl YAML deck" in err
    assert "flashdl export relu --format yaml --out relu.yaml, then flashdl import relu.yaml" in err
    assert dump(db) == before and source.read_bytes() == source_bytes
    yaml_file = tmp_path / "relu.yaml"
    assert run(capsys, "export", "relu", "--format", "yaml", "--out", str(yaml_file), "--now", NOW)[0] == 0
    assert run(capsys, "import", str(yaml_file), "--now", NOW)[0] == 0
    added = run_json(capsys, "add", "relu", "--front", "Q", "--back", "A", "--json", "--now", NOW)
    assert added["card"].startswith("relu/")
    assert run_json(capsys, "show", card, "--json", "--now", NOW)["schedule"]["repetitions"] == 1
    assert source.read_bytes() == source_bytes


@pytest.mark.parametrize("back", ["ends in a blank line\n\n", "code:\n\n    x = 1\n\n\n", "one break\n"])
def test_add_after_a_last_card_that_ends_in_blank_lines(
        tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str], back: str) -> None:
    """A deck flashdl wrote itself (`export --format yaml`, a bundled copy after a merge) whose last
    card's text ends in blank lines ends with a `|+` block and YAML's document end `...`: `add`
    appended after the `...` (or trimmed the block's blank lines) and refused with "11:1: did not
    find expected <document start>", a line the file does not have. Now the card goes after the
    last one, whose text and every other byte stay as they were."""
    path = tmp_path / "keep.yaml"
    cards = (Card(id="1", front="q", back=back), Card(id="2", front="q2", back=back))
    path.write_text(dump_deck(Deck(id="keep", name="Keep", cards=cards)))
    text = path.read_text()
    assert run(capsys, "import", str(path), "--now", NOW)[0] == 0
    assert run_json(capsys, "add", "keep", "--front", "new", "--back", "card\n\n", "--json", "--now", NOW) == {
        "card": "keep/3"}
    assert run_json(capsys, "add", "keep", "--front", "newer", "--back", "b", "--json", "--now", NOW) == {
        "card": "keep/4"}
    assert load_deck_file(path).cards == (*cards, Card(id="3", front="new", back="card\n\n"),
                                          Card(id="4", front="newer", back="b"))
    assert path.read_text().startswith(text.removesuffix("...\n"))


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
def test_add_keeps_the_files_line_breaks_and_bom(
        tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str], newline: bytes, bom: bytes) -> None:
    """A CRLF deck file (written on Windows) came back from `add` with every line break LF, and
    its BOM gone: the whole file changed. Now the file is kept byte for byte and the new card's
    lines have the file's own line breaks."""
    path = tmp_path / "quiz.yaml"
    raw = bom + deck_text("quiz", 2).encode().replace(b"\n", newline)
    path.write_bytes(raw)
    assert run(capsys, "import", str(path), "--now", NOW)[0] == 0
    assert run_json(capsys, "add", "quiz", "--front", "Two\nlines", "--back", "b", "--json", "--now", NOW) == {
        "card": "quiz/003"}
    added = b"  - id: '003'\n    front: |-\n      Two\n      lines\n    back: b\n".replace(b"\n", newline)
    assert path.read_bytes() == raw + added


def test_add_to_a_deck_whose_file_now_holds_another_deck_changes_nothing(
        deck_file: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The file's `id: quiz` changed by hand to `quiz-9`, not yet imported: `add quiz` wrote the
    card into the file, imported it as deck quiz-9 and retired every card of quiz (its reviewed
    002 gone from study), reporting "added quiz-9/004". Now it is refused, as `edit` is."""
    deck_file.write_text(deck_file.read_text().replace("id: quiz\n", "id: quiz-9\n"))
    text, before = deck_file.read_text(), dump(db)
    code, out, err = run(capsys, "add", "quiz", "--front", "f", "--back", "b", "--now", NOW)
    assert code == 2 and out == "" and "holds deck 'quiz-9' now, not 'quiz'" in err
    assert deck_file.read_text() == text and dump(db) == before


@pytest.mark.parametrize(("written", "after"), [
    ("id: mine\nname: Mine\ncards: []\n", "id: mine\nname: Mine\ncards:\n{entry}"),
    ("id: mine\ncards: []  # none yet\ntags: [cnn]", "id: mine\ncards:  # none yet\n{entry}tags: [cnn]"),
])
def test_add_to_an_empty_deck(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str], written: str,
                              after: str) -> None:
    """A new deck written as the docs say (`cards: []`, what `export` writes for an empty deck) could
    never get a card: `add` refused with "cannot append a card to this file's layout (cards: must be
    the last key)". Now the empty list becomes a block list holding the card."""
    path = tmp_path / "mine.yaml"
    path.write_text(written)
    assert run(capsys, "import", str(path), "--now", NOW)[0] == 0
    assert run_json(capsys, "add", "mine", "--front", "Q", "--back", "A", "--json", "--now", NOW) == {
        "card": "mine/card-1"}
    assert path.read_text() == after.format(entry="- id: 'card-1'\n  front: Q\n  back: A\n")
    assert load_deck_file(path).cards == (Card(id="card-1", front="Q", back="A"),)
    assert run_json(capsys, "show", "mine/card-1", "--now", NOW)["front"] == "Q"


@pytest.mark.parametrize("after_cards", [
    "tags: [x, y]\n",
    "\n# the deck's own keys after its cards\ndescription: |\n  Two lines\n  of text\ntags:\n  - x\n",
    "markup: plain\n",
])
@pytest.mark.parametrize("last", ["    back: b\n", "    back: |\n      b\n      c\n\n", "    back: b  # note\n"])
def test_add_when_the_deck_keys_come_after_its_cards(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str], after_cards: str, last: str,
) -> None:
    """A hand-written deck may put ``tags:`` or ``description:`` after ``cards:``; ``add`` (and the
    TUI's new card) refused it ("cards: must be the last key"). The card now goes right after
    the last card; every other byte of the file stays."""
    head = "id: mine\nname: Mine\ncards:\n  - id: '1'\n    front: a\n" + last
    path = tmp_path / "mine.yaml"
    path.write_text(head + after_cards)
    assert run(capsys, "import", str(path), "--now", NOW)[0] == 0
    before = load_deck_file(path)
    code, out, err = run(capsys, "add", "mine", "--front", "new front", "--back", "new back", "--tag", "t",
                         "--now", NOW)
    assert code == 0, err
    text = path.read_text()
    assert text.startswith(head.rstrip("\n")) and text.endswith(after_cards)
    after = load_deck_file(path)
    assert after.cards[:-1] == before.cards
    assert after.cards[-1] == Card(id="2", front="new front", back="new back", tags=("t",))
    assert (after.name, after.tags, after.description, after.markup) == (
        before.name, before.tags, before.description, before.markup)
    assert [c["card"] for c in run_json(capsys, "due", "mine", "--now", NOW)] == ["mine/1", "mine/2"]
