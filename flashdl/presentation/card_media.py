"""Pictures and sounds on cards, as a line of text where they cannot be shown.

Imported Anki cards hold Markdown images (``![](x.png)``, from ``<img>``) and
Anki's ``[sound:x.mp3]`` tags, naming files in the data directory's
``media/`` folder. The line mode, ``flashdl show`` and the browse list print
each as a line of its own: ``[image: x.png]``, or ``[image missing: x.png]``
/ ``[image unreadable: x.png]`` when the folder is known and the file is not
there or is not a picture; ``[sound: x.mp3]``. The TUI draws the picture
where it can (``flashdl.tui.widgets.card_face``) and falls back to the same
line. Only plain file names are looked up, never a path: nothing outside the
media folder is ever opened.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from flashdl.formats.anki_media import IMAGE_REF, safe_media_name

_SOUND_SPACED = re.compile(r"\s*\[sound:[ \t]*([^\]\n]+?)[ \t]*\]\s*")  # idempotent
MISSING, UNREADABLE, UNKNOWN, OK = "missing", "unreadable", "unknown", "ok"


@dataclass(frozen=True)
class Picture:
    """An image reference of a card: its name, its file (when safe to look up) and its state."""

    name: str
    path: Path | None
    status: str  # OK, MISSING, UNREADABLE, or UNKNOWN (no media folder, or a URL)

    @property
    def line(self) -> str:
        if self.status in (MISSING, UNREADABLE):
            return f"[image {self.status}: {self.name}]"
        return f"[image: {self.name}]"


def has_media(text: str) -> bool:
    return "![" in text or "[sound:" in text


def picture(name: str, media_dir: Path | None) -> Picture:
    """What ``name`` is in ``media_dir``: a readable picture, missing, or unreadable."""
    if media_dir is None or "://" in name:
        return Picture(name, None, UNKNOWN)
    if name != safe_media_name(name):
        return Picture(name, None, MISSING)  # never a path: import only makes safe names
    path = media_dir / name
    try:
        info = os.lstat(path)
    except OSError:
        return Picture(name, None, MISSING)
    if not stat.S_ISREG(info.st_mode):
        return Picture(name, None, UNREADABLE)
    try:
        from PIL import Image

        with Image.open(path) as image:
            image.size  # noqa: B018 - the header is read: enough to know it is a picture
    except ImportError:
        return Picture(name, path, UNKNOWN)
    except Exception:  # PIL raises many kinds for a damaged or foreign file
        return Picture(name, None, UNREADABLE)
    return Picture(name, path, OK)


def split_pictures(text: str, media_dir: Path | None) -> list[str | Picture]:
    """``text`` as Markdown pieces and the pictures between them (sounds made lines)."""
    text = sound_lines(text)
    pieces: list[str | Picture] = []
    last = 0
    for found in IMAGE_REF.finditer(text):
        pieces.append(text[last:found.start()].rstrip(" \t"))
        pieces.append(picture(found.group(2), media_dir))
        last = found.end()
    pieces.append(text[last:].lstrip(" \t") if last else text)
    return [piece for piece in pieces if not isinstance(piece, str) or piece.strip()]


def sound_lines(text: str) -> str:
    if "[sound:" not in text:
        return text
    return _SOUND_SPACED.sub(lambda m: f"\n\n[sound: {m.group(1)}]\n\n", text).strip()


def media_lines(text: str, media_dir: Path | None = None) -> str:
    """``text`` with every picture and sound as a line of its own (see the module docstring)."""
    if not has_media(text):
        return text
    parts = [piece if isinstance(piece, str) else piece.line for piece in split_pictures(text, media_dir)]
    return "\n\n".join(part.strip() for part in parts)
