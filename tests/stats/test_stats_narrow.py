"""The statistics screen in a narrow terminal (the README's minimum is 80 columns; students also
use split panes of 60 and 40). The year's heat map (58 columns) and the 40-cell bars were drawn
at their full width whatever the width, so every weekday's row of the heat map, and every bar
row, wrapped onto the next line. Now the heat map shows the latest weeks that fit, and bars are
as long as fits; at 80 columns and more nothing changes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from test_stats_screen import NOW, make_history, settle
from textual.geometry import Region
from textual.widget import Widget

from flashdl.clock import FixedClock
from flashdl.tui.app import make_app
from flashdl.tui.screens.stats import BarChart, HeatMap, StatsScreen


def drawn(widget: Widget) -> list[str]:
    """The lines the widget draws now, trailing blanks dropped."""
    lines = [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, *widget.outer_size))]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def test_charts_fit_the_width(db_path: Path) -> None:
    make_history(db_path)  # 21 reviews in the 20 days up to NOW, a Monday
    assert NOW.weekday() == 0

    async def scenario() -> None:
        app = make_app(db_path, FixedClock(NOW), import_bundled=False)
        async with app.run_test(size=(120, 80)) as pilot:
            await settle(pilot)
            await pilot.press("t", "d", "d")  # all decks
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, StatsScreen) and screen.deck is None
            rows = 0
            for width in (120, 80, 60, 40):
                await pilot.resize_terminal(width, 80)
                await settle(pilot)
                heat = screen.query_one("#calendar", HeatMap)
                lines = drawn(heat)
                # months, Mon..Sun, the legend: one line each, none wrapped
                assert len(lines) == 9, (width, lines)
                assert [line[:4].strip() for line in lines[1:8]] == ["Mon", "", "Wed", "", "Fri", "", "Sun"]
                assert all(len(line) <= heat.content_size.width for line in lines), (width, lines)
                weeks = len(lines[1]) - 5
                assert weeks == min(53, heat.content_size.width - 5), (width, lines)
                # the last column is this week: Monday NOW was studied, the rest of the week to come
                assert lines[1][-1] != "·" and all(len(line) == len(lines[1]) - 1 for line in lines[2:8])
                # the 20 days studied are the last 20 cells by date, read column by column
                cells = [lines[1 + day][5 + week] for week in range(weeks) for day in range(7)
                         if not (week == weeks - 1 and day > 0)]
                studied = min(20, len(cells))
                assert all(c != "·" for c in cells[-studied:]) and all(c == "·" for c in cells[:-20]), lines

                bars = screen.query_one("#intervals", BarChart)
                lines = drawn(bars)
                rows = rows or len(lines)  # at 120 columns, as many lines as rows
                assert len(lines) == rows, (width, lines)  # none wrapped
                assert all(len(line) <= bars.content_size.width for line in lines), (width, lines)
                labels = [line.split("█")[0] for line in lines if "█" in line]
                counts = [int(line.rsplit(" ", 1)[1]) for line in lines]
                longest = max(line.count("█") for line in lines)
                assert longest == min(40, bars.content_size.width - max(map(len, labels))
                                      - 1 - len(str(max(counts)))), (width, lines)

    asyncio.run(scenario())
