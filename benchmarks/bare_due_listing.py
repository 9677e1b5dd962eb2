"""The floor for `flashdl due` on the synthetic collection: a bare sqlite3 loop printing the same lines.

Usage: python bare_due_listing.py DB DAY CARD_WIDTH FRONT_WIDTH

Every synthetic card is a review of one deck, with no pictures in its front, and the column widths
are given (bench_cli_startup.py reads them off `flashdl due`'s own dashes), so this is only the
query, the folding of each front onto one line and the printing: what any listing of every due card
must do at least. The output is byte for byte `flashdl due`'s on that collection (the benchmark checks).
"""

from __future__ import annotations

import sqlite3
import sys

# The plan flashdl picks when every card is due (`queries.listed_reviews`): the table read through
# and sorted, which beats the queue index's order there (108 ms against 194 ms for the query alone).
QUERY = (
    "SELECT d.slug || '/' || c.slug, c.due, c.front FROM card AS c NOT INDEXED JOIN deck AS d ON d.id = c.deck_id "
    "WHERE c.due <= ?1 AND c.retired = 0 AND c.suspended = 0 AND (c.buried_until IS NULL OR c.buried_until <= ?1) "
    "ORDER BY c.due, c.deck_id, c.position, c.id"
)


def main() -> None:
    db_path, day, card_width, front_width = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    write = sys.stdout.write
    write(f"{'card':<{card_width}}  kind    due         front\n")
    write(f"{'-' * card_width}  ------  ----------  {'-' * front_width}\n")
    for name, due, front in sqlite3.connect(db_path).execute(QUERY, (day,)):
        line = " ".join(front.split())
        if len(line) > 60:
            line = line[:59] + "…"
        write(f"{name:<{card_width}}  review  {due}  {line}\n")


if __name__ == "__main__":
    main()
