"""Media file names of Anki packages, made safe, and the card text that refers to them.

A package's media map names files as the author's machine named them; on
ours a name becomes a file in the data directory's ``media/`` folder, so it
is cleaned first (``safe_media_name``): no path separators, no ``..``, no
leading dots, none of the characters Windows refuses, no device names, at
most ``MAX_NAME_BYTES``. Two files that end up with one name (or a name
already taken by other bytes) are told apart by their content's hash
(``distinct_name``), so the same package always gives the same names; cards
are then rewritten to the names actually used (``rename_references``).
Pure functions: the files themselves are written by
``flashdl.services.exchange.media``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

MAX_NAME_BYTES = 120
MEDIA_FOLDER = "media"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\<>:"|?*()\[\]\s]')
_WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                              *(f"lpt{i}" for i in range(10))})
# What cards hold after import: Markdown images (the HTML ``<img>`` converted) and Anki's sound tags.
IMAGE_REF = re.compile(r"!\[([^\]\n]*)\]\(([^)\n]+)\)")
SOUND_REF = re.compile(r"\[sound:([^\]\n]+)\]")


def media_dir_for(db_path: Path | str) -> Path:
    """The media folder of a database: ``media/`` beside it, in the data directory. Here, not in
    ``services.exchange.media``, so that showing a card need not import the package machinery."""
    return Path(db_path).expanduser().parent / MEDIA_FOLDER


def safe_media_name(name: str) -> str:
    """A file name safe in any folder on any system, close to ``name`` (never empty)."""
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name))
    if not cleaned.isprintable():  # other control and format characters, unpaired surrogates
        cleaned = "".join(ch if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF else "_"
                          for ch in cleaned)
    cleaned = cleaned.lstrip(".").rstrip(". ")
    stem, dot, ext = cleaned.rpartition(".")
    if not dot:
        stem, ext = cleaned, ""
    if not stem:
        stem = "file"
    if stem.split(".")[0].lower() in _WINDOWS_DEVICES:
        stem = "_" + stem
    ext = _cut(ext, 16)
    suffix = f".{ext}" if ext else ""
    return _cut(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))) + suffix


def distinct_name(name: str, digest: str, taken: Callable[[str], bool]) -> str:
    """``name``, or ``stem-<hash>.ext`` (then ``-2``, ``-3``...) when ``taken(name)``.

    ``taken`` says whether a name already holds other bytes; the hash is the
    file's own, so the choice does not depend on the order files come in.
    """
    if not taken(name):
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    base = _cut(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8")) - 12) + "-" + digest[:8]
    candidate, number = base + suffix, 1
    while taken(candidate):
        number += 1
        candidate = f"{base}-{number}{suffix}"
    return candidate


def rename_references(text: str, renames: Mapping[str, str]) -> str:
    """``text`` with its image and sound references to renamed files pointing at the new names."""
    if not renames or ("](" not in text and "[sound:" not in text):
        return text
    text = IMAGE_REF.sub(lambda m: f"![{m.group(1)}]({renames.get(m.group(2), m.group(2))})", text)
    return SOUND_REF.sub(lambda m: f"[sound:{renames.get(m.group(1), m.group(1))}]", text)


def referenced_media(texts: Iterable[str]) -> list[str]:
    """Local file names the Markdown texts refer to (images and sounds), each once, in order."""
    found: dict[str, None] = {}
    for text in texts:
        if "](" in text:
            found.update((m.group(2), None) for m in IMAGE_REF.finditer(text) if "://" not in m.group(2))
        if "[sound:" in text:
            found.update((m.group(1), None) for m in SOUND_REF.finditer(text))
    return list(found)


def media_map_json(names: Iterable[str]) -> bytes:
    """A legacy package's ``media`` member: ``{"0": "a.png", "1": ...}`` (members ``0``, ``1``...)."""
    return json.dumps({str(index): name for index, name in enumerate(names)},
                      ensure_ascii=False).encode("utf-8")


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:max(limit, 0)].decode("utf-8", "ignore")
