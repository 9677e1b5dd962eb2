"""Reading Anki packages (.apkg/.colpkg) of every layout (INTEROP §3a).

Layouts: LEGACY_1 (``collection.anki2``), LEGACY_2 (``collection.anki21``)
and LATEST (``meta`` says version 3; ``collection.anki21b`` is zstd). The
collection member is streamed, through the zip checks of ``safe_zip``, into
a private temporary folder under a fixed name of ours (never the member's
name), decompressed there with a cap, and opened read-only; the folder is
removed whatever happens. Media files are not read here: only the map of
their names (``media_map``); ``flashdl.services.exchange.media`` extracts them.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from flashdl import bounded_json
from flashdl.errors import InputError, SourcePosition
from flashdl.formats.anki_collection import (
    AnkiCollection,
    proto_fields,
    proto_items,
)
from flashdl.formats.safe_zip import (
    CHUNK,
    DEFAULT_LIMITS,
    SafeZip,
    ZipLimits,
    bounded_zstd,
)

LEGACY_1, LEGACY_2, LATEST = 1, 2, 3
MEMBER_FOR_LAYOUT = {LEGACY_1: "collection.anki2", LEGACY_2: "collection.anki21",
                     LATEST: "collection.anki21b"}
MAX_ZSTD_RATIO = 500  # SQLite pages compress well, but not this well
MAX_MEDIA_MAP_BYTES = 64 << 20
MAX_MEDIA_MAP_DEPTH = 4


@dataclass(frozen=True)
class AnkiPackage:
    layout: int
    collection: AnkiCollection
    media: tuple[str, ...]  # media file names the package carries
    media_members: tuple[tuple[str, str], ...] = ()  # (zip member, media file name), in map order


class CollectionReader(Protocol):
    """The store's reader of a collection file (``flashdl.store.anki_collection.read_collection``),
    passed in because the core does not open databases."""

    def __call__(self, path: Path, package: str, member: str, *,
                 with_reviews: bool) -> AnkiCollection: ...


def read_package(source: Path | BinaryIO, name: str, *, read_collection: CollectionReader,
                 with_reviews: bool = False, limits: ZipLimits = DEFAULT_LIMITS) -> AnkiPackage:
    """Read the notes (and, if asked, the review log) of an Anki package."""
    archive = SafeZip(source if not isinstance(source, Path) else str(source), name, limits)
    with archive, tempfile.TemporaryDirectory(prefix="flashdl-apkg-") as folder:
        layout = package_layout(archive)
        member = MEMBER_FOR_LAYOUT[layout]
        if member not in archive:
            raise archive.error(f"is an Anki package without its collection ({member})")
        target = Path(folder) / "collection.sqlite"
        if layout == LATEST:
            packed = Path(folder) / "collection.zst"
            with packed.open("wb") as out:
                archive.copy_to(member, out)
            _unzstd_file(packed, target, name, member, limits.max_member_bytes)
            packed.unlink()
        else:
            with target.open("wb") as out:
                archive.copy_to(member, out)
        collection = read_collection(target, name, member, with_reviews=with_reviews)
        members = media_map(archive, layout)
    return AnkiPackage(layout, collection, tuple(name for _, name in members), tuple(members))


def package_layout(archive: SafeZip) -> int:
    """Which layout an archive has (the ``meta`` member decides when present)."""
    if "meta" in archive:
        meta = archive.read("meta")
        version = proto_fields(meta).get(1, LEGACY_1)
        if version not in MEMBER_FOR_LAYOUT:
            raise archive.error(f"is an Anki package of unknown version {version!r} (meta)")
        return int(version)
    if "collection.anki21" in archive:
        return LEGACY_2
    if "collection.anki2" in archive:
        return LEGACY_1
    raise archive.error("is not an Anki package (no collection.anki2, .anki21 or .anki21b inside)")


def _unzstd_file(packed: Path, target: Path, name: str, member: str, limit: int) -> None:
    import zstandard

    cap = min(limit, max(packed.stat().st_size, 1) * MAX_ZSTD_RATIO)
    produced = 0
    try:
        with (packed.open("rb") as raw, target.open("wb") as out,
              zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True) as reader):
            while chunk := reader.read(CHUNK):
                produced += len(chunk)
                if produced > cap:
                    raise InputError(
                        f"member {member!r} decompresses to more than {cap / 1e6:.0f} MB "
                        "(zstd bomb?)", SourcePosition(name))
                out.write(chunk)
    except zstandard.ZstdError as error:
        raise InputError(f"member {member!r} is not valid zstd data ({error})",
                         SourcePosition(name)) from None


def media_map(archive: SafeZip, layout: int) -> list[tuple[str, str]]:
    """``(zip member, file name)`` of each media file the package's map lists.

    Legacy packages map member names to file names in JSON (``{"0": "a.png"}``);
    the latest layout lists ``MediaEntry`` messages whose position is the member name.
    """
    if "media" not in archive:
        return []
    raw = archive.read("media", limit=MAX_MEDIA_MAP_BYTES)  # either layout: the same cap
    if layout == LATEST:
        data = bounded_zstd(raw, archive.name, "media", limit=MAX_MEDIA_MAP_BYTES)
        return [(str(index), name) for index, name in enumerate(_media_entry_names(data))]
    try:  # {"0": "name.jpg", ...}: one level deep
        mapping = bounded_json.loads(raw.decode("utf-8") or "{}", max_depth=MAX_MEDIA_MAP_DEPTH)
    except ValueError as error:  # UnicodeDecodeError and too deep included
        raise archive.error(f"member 'media' is not a JSON media map ({error})") from None
    if not isinstance(mapping, dict):
        raise archive.error("member 'media' is not a JSON media map")
    return [(str(key), str(value)) for key, value in mapping.items()]


def _media_entry_names(data: bytes) -> list[str]:
    """``MediaEntries { repeated MediaEntry entries = 1 }``, ``MediaEntry { string name = 1 }``."""
    names = []
    for number, entry in proto_items(data):
        if number == 1 and isinstance(entry, bytes):
            value = proto_fields(entry).get(1)
            if isinstance(value, bytes):
                names.append(value.decode("utf-8", "replace"))
    return names
