"""The home table after a resize: its columns were fitted once, at the width the app started
with. Narrowed from 80 to 60 columns, the Due and Total counts went off the right edge (behind
a horizontal scrollbar); widened, the names stayed cut. Now they are fitted anew, the cursor
staying on its deck."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable
from tui_helpers import build_app, decks_listed, import_decks, settle, shown

NAME = "Lesson 6 - Learning & Optimization Flashcards"  # 45 characters: cut at 80 columns


async def test_a_resize_fits_the_columns_anew(tmp_path: Path) -> None:
    files = []
    for deck_id, name in (("a-deck", "Activations"), ("long", NAME), ("z-deck", "Zoo of layers")):
        path = tmp_path / f"{deck_id}.yaml"
        path.write_text(f"id: {deck_id}\nname: {name}\ncards:\n  - id: a\n    front: f\n    back: b\n",
                        encoding="utf-8")
        files.append(path)
    db = tmp_path / "flashdl.sqlite3"
    import_decks(db, *files)
    app = build_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await decks_listed(pilot)
        table = pilot.app.screen.query_one("#decks", DataTable)
        await pilot.press("down")
        assert pilot.app.screen.selected_deck() == "long"
        for width, whole_name in ((60, False), (40, False), (120, True), (80, False)):
            await pilot.resize_terminal(width, 24)
            await settle(pilot)
            lines = shown(table).splitlines()
            heading = lines[0].split()
            assert heading == ["Deck", "New", "Learn", "Due", "Total", "Today"][:len(heading)]
            if width >= 60:  # every count on screen, none behind a scrollbar
                assert heading[-1] == "Today", (width, lines[0])
                row = next(line for line in lines if "Lesson 6" in line).split()
                assert row[-5:] == ["1", "0", "0", "1", "–"], (width, row)
            assert (NAME in shown(table)) is whole_name, (width, shown(table))
            assert pilot.app.screen.selected_deck() == "long"
