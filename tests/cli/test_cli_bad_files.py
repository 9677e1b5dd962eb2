"""Issue 2's bad input, through `flashdl import`: one clear line on stderr, exit 2, no deck."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from cli_helpers import NOW, dump, run

GOOD = "id: good\ncards:\n  - id: a\n    front: f\n    back: b\n"


def _alias_bomb() -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        prev, cur = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    return "id: bomb\ncards: []\n" + "\n".join(lines) + "\n"


def _fifty_megabytes() -> str:
    rng = random.Random(3)
    return "".join(rng.choices(string.ascii_letters + " \n", k=1_000_000)) * 50


BAD_FILES = {
    "broken.yaml": ("id: x\ncards: [\n", "broken.yaml:3:1"),
    "alias-bomb.yaml": (_alias_bomb(), "aliases"),
    "python-tag.yaml": ("id: x\ncards: !!python/object/apply:os.system ['true']\n", "not allowed"),
    "empty.yaml": ("", "empty"),
    "binary.yaml": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "utf16.yaml": (GOOD.encode("utf-16"), "utf16.yaml: UTF-16 text; flashdl reads UTF-8"),  # was "binary"
    "unknown.txt": ("just some prose\nwith no cards in it\n", "unknown layout"),
    "fifty.txt": (None, "unknown layout"),
    # a computed card is held to what `check` holds it to (it was studied as plain, silently)
    "unknown-family.yaml": ("id: x\ncards:\n  - id: a\n    front: f\n    back: b\n"
                            "    engine:\n      family: nope\n      params: {}\n",
                            "unknown-family.yaml:7:15: unknown engine family 'nope'"),
    "bad-params.yaml": ("id: x\ncards:\n  - id: a\n    front: f\n    back: b\n    engine:\n"
                        "      family: conv2d_output_size\n      params: {input: [2, 2], kernel: 5}\n",
                        "bad-params.yaml:8: card 'a': param 'kernel'"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_one_clear_line_exit_2_and_nothing_imported(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "flashdl.sqlite3"
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    assert run(capsys, "--db", str(db), "import", str(good), "--now", NOW)[0] == 0
    before = dump(db)

    content, expected = BAD_FILES[name]
    bad = tmp_path / name
    if content is None:
        content = _fifty_megabytes()
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    # A deck file goes in together with a new, valid deck: the import is all-or-nothing.
    fresh = tmp_path / "fresh.yaml"
    fresh.write_text(GOOD.replace("id: good", "id: fresh"))
    others = [str(fresh)] if bad.suffix == ".yaml" else []
    code, out, err = run(capsys, "--db", str(db), "import", str(bad), *others, "--now", NOW)

    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert name in err and expected in err
    assert dump(db) == before
