"""`flashdl check`: deck validation and the audit of stated answers (DESIGN §3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import REPO, run

CHECK_KEYS = {"decks", "cards", "errors", "audit"}
AUDIT_KEYS = {"card", "family", "stated", "computed", "verdict"}


def _deck(path: Path, back: str, *, family: str = "conv2d_param_count") -> Path:
    # 3 input channels, 10 filters of 5x5 with bias: 3*5*5*10 + 10 = 760 (by hand).
    path.write_text(
        "id: mine\n"
        "cards:\n"
        "  - id: p1\n"
        "    front: How many parameters?\n"
        f"    back: '{back}'\n"
        "    engine:\n"
        f"      family: {family}\n"
        "      params: {in_channels: 3, out_channels: 10, kernel: [5, 5], bias: true}\n"
    )
    return path


def test_bundled_decks_are_valid_and_hold_no_wrong_answer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", str(REPO / "cards"), "--json")
    report = json.loads(out)
    assert set(report) == CHECK_KEYS
    assert report["errors"] == [] and err == ""
    assert report["decks"] == len(list((REPO / "cards").glob("*.yaml"))) and report["cards"] >= 300
    assert [e for e in report["audit"] if e["verdict"] != "ok"] == []  # issue 12: every computed card audited
    assert len(report["audit"]) >= 50
    assert report["audit"], "the bundled decks have computed cards"
    assert all(set(entry) == AUDIT_KEYS for entry in report["audit"])
    assert [e for e in report["audit"] if e["verdict"] == "wrong"] == []
    assert code == 0


def test_a_right_stated_answer_is_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(_deck(tmp_path / "d.yaml", "760 = (3·5·5 + 1)·10")), "--json")
    (entry,) = json.loads(out)["audit"]
    assert (entry["card"], entry["verdict"]) == ("mine/p1", "ok")
    assert code == 0


def test_a_wrong_stated_answer_is_reported_with_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(_deck(tmp_path / "d.yaml", "750")), "--json")
    (entry,) = json.loads(out)["audit"]
    assert entry["verdict"] == "wrong" and "760" in str(entry["computed"])
    assert code == 1
    code, out, _ = run(capsys, "check", str(tmp_path / "d.yaml"))
    assert code == 1 and "wrong" in out and "mine/p1" in out


def test_invalid_decks_are_errors_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _deck(tmp_path / "a.yaml", "760", family="no_such_family")
    (tmp_path / "b.yaml").write_text("id: other\ncards:\n  - id: x\n    front: f\n")
    code, out, _ = run(capsys, "check", str(tmp_path), "--json")
    errors = json.loads(out)["errors"]
    assert code == 1
    assert [(Path(e["file"]).name, e["line"]) for e in errors] == [("a.yaml", 7), ("b.yaml", 3)]
    assert "unknown engine family 'no_such_family'" in errors[0]["message"]
    assert "has no 'back'" in errors[1]["message"]


def test_duplicate_deck_ids_across_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text("id: same\ncards: []\n")
    code, out, _ = run(capsys, "check", str(tmp_path), "--json")
    (error,) = json.loads(out)["errors"]
    assert code == 1 and "also used by" in error["message"] and error["line"] == 1


@pytest.mark.parametrize("bad", ["    colour: red\n", "    tags: [two words]\n", "    front: [a, b]\n"])
def test_check_names_the_position_import_names(tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    """deck-format.md: errors name file:line:column. ``import`` did; ``check`` dropped the column."""
    path = tmp_path / "deck.yaml"
    path.write_text("id: t\nname: T\ncards:\n  - id: a\n    back: y\n" + bad +
                    ("    front: x\n" if "front" not in bad else ""))
    code, _out, err = run(capsys, "--db", str(tmp_path / "db.sqlite3"), "import", str(path))
    assert code == 2
    position = err.removeprefix("flashdl: ").split(": ")[0]  # PATH:LINE:COLUMN as import says it
    assert position.count(":") == 2
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1 and f"error  {position}: " in out
    code, out, _ = run(capsys, "check", str(path), "--json")
    (error,) = json.loads(out)["errors"]
    assert f"{error['file']}:{error['line']}:{error['column']}" == position
