"""``flashdl card suspend|unsuspend DECK/CARD...``: the study queue and the counts follow (read back
through ``due`` and ``decks`` and with plain sqlite3), all cards in one transaction, bad input exit 2."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cli_helpers import NOW, deck_text, dump, run, run_json


@pytest.fixture
def imported(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "quiz.yaml"
    path.write_text(deck_text("quiz", 5))
    code, _out, err = run(capsys, "import", str(path), "--now", NOW)
    assert code == 0, err
    return db


def suspended_column(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        return dict(con.execute("SELECT d.slug || '/' || c.slug, c.suspended FROM card c "
                                "JOIN deck d ON d.id = c.deck_id ORDER BY c.position"))
    finally:
        con.close()


def test_suspend_takes_cards_out_of_the_queue_and_unsuspend_puts_them_back(
        imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = [item["card"] for item in run_json(capsys, "due", "--now", NOW)]
    assert before == [f"quiz/{i:03d}" for i in range(1, 6)]
    code, out, err = run(capsys, "card", "suspend", "quiz/002", "quiz/004", "quiz/002", "--json", "--now", NOW)
    assert code == 0, err
    assert [json.loads(line) for line in out.splitlines()] == [
        {"card": "quiz/002", "suspended": True}, {"card": "quiz/004", "suspended": True}]
    assert [item["card"] for item in run_json(capsys, "due", "--now", NOW)] == ["quiz/001", "quiz/003", "quiz/005"]
    assert run_json(capsys, "decks", "--now", NOW)[0]["suspended"] == 2
    assert suspended_column(imported) == {"quiz/001": 0, "quiz/002": 1, "quiz/003": 0, "quiz/004": 1, "quiz/005": 0}
    assert run_json(capsys, "show", "quiz/004", "--now", NOW)["schedule"]["suspended"] is True
    code, out, err = run(capsys, "card", "unsuspend", "quiz/004", "quiz/002", "--now", NOW)
    assert code == 0, err
    assert out == "quiz/004: unsuspended\nquiz/002: unsuspended\n"
    assert [item["card"] for item in run_json(capsys, "due", "--now", NOW)] == before


@pytest.mark.parametrize("bad", ["quiz/999", "nope/001", "quiz"])
def test_a_bad_card_changes_nothing(imported: Path, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    before = dump(imported)
    code, out, err = run(capsys, "card", "suspend", "quiz/001", bad, "--now", NOW)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and bad in err
    assert dump(imported) == before


def test_a_retired_card_is_refused(imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "quiz.yaml").write_text(deck_text("quiz", 4))  # 005 leaves the file: retired
    assert run(capsys, "import", str(tmp_path / "quiz.yaml"), "--now", NOW)[0] == 0
    before = dump(imported)
    code, _out, err = run(capsys, "card", "suspend", "quiz/005", "--now", NOW)
    assert code == 2 and "retired" in err and err.count("\n") == 1
    assert dump(imported) == before


def test_card_alone_names_every_action(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "card")
    assert code == 2
    assert all(action in err for action in ("forget", "set-due", "suspend", "unsuspend"))
