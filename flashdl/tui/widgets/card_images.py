"""Pictures on cards in the terminal, through ``textual-image`` when it is ready.

``textual_image.renderable`` asks the terminal, when first imported, whether
it speaks Sixel or Kitty's graphics protocol; once Textual runs the terminal's
answers go to Textual instead. So ``prepare`` imports it before the app
starts, and only when the data directory's media folder holds files (most
users have no pictures and pay nothing). ``picture_renderable`` then draws a
picture with what was found: Kitty's protocol, or half blocks (also for a
Sixel terminal: a Sixel picture needs a widget of its own, and card sides
are one ``Static``; and for no terminal at all, where the package would
pick shaded characters), or None when the module was never prepared (tests, or
no media) and the card shows its ``[image: NAME]`` line instead.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

MAX_PICTURE_CELLS = 60  # a picture's width in cells at most: the card's text stays in view


def prepare(db_path: Path) -> None:
    """Import ``textual-image`` (asking the terminal) if the media folder has anything in it."""
    from flashdl.formats.anki_media import media_dir_for

    try:
        if not any(media_dir_for(db_path).iterdir()):
            return
        import textual_image.renderable  # noqa: F401 - queries the terminal now, before Textual
    except Exception:  # no folder, or the package missing or failing: pictures stay lines
        return


def media_dir_of(app: Any) -> Path | None:
    """The media folder of the app's database (None for an app without one)."""
    collection = getattr(app, "collection", None)
    db_path = getattr(collection, "db_path", None)
    if db_path is None:
        return None
    from flashdl.formats.anki_media import media_dir_for

    return media_dir_for(Path(db_path))


def picture_renderable(path: Path | None, width: int) -> Any | None:
    """A Rich renderable drawing the picture at ``path``, or None to show its line."""
    module = sys.modules.get("textual_image.renderable")
    if module is None or path is None:
        return None
    from textual_image.renderable.halfcell import Image as HalfcellImage
    from textual_image.renderable.tgp import Image as TGPImage

    kind = module.Image if module.Image is TGPImage else HalfcellImage
    cells = max(8, min(MAX_PICTURE_CELLS, width - 2 if width > 2 else MAX_PICTURE_CELLS))
    try:
        with path.open("rb") as handle:
            from PIL import Image

            picture = Image.open(handle)
            picture.load()
        columns = min(cells, max(picture.width // 8, 4))
        return kind(picture, width=columns, height="auto")
    except Exception:  # a damaged file that passed the header check: the line instead
        return None
