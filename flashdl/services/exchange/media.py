"""Media files of Anki packages: extracted into the data directory on import, read back on export.

Import: every file the cards refer to is streamed out of the zip (through
``safe_zip``'s checks, then this module's caps per file and in total) into a
staging folder that ``tempfile`` makes inside the data directory, under names
of ours (``0``, ``1``...). Only then are final names chosen
(``anki_media.safe_media_name``, told apart by content hash) and, once the
database transaction has committed, the files are hard-linked (or copied)
into ``media/`` with ``O_EXCL``: an existing name is never replaced, a link
or device in the way is never followed, and the staging folder is removed
whatever happens. A refused package leaves the data directory as it was.

Export: the files a deck's cards refer to go back into the package as
numbered members with a ``media`` map; missing ones are left out, and said.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flashdl.errors import InputError, SourcePosition
from flashdl.formats.anki_media import distinct_name, safe_media_name
from flashdl.formats.anki_package import LATEST
from flashdl.formats.safe_zip import CHUNK, DEFAULT_LIMITS, SafeZip, ZipLimits


@dataclass(frozen=True)
class MediaLimits:
    """Caps for the media of one import (Anki's own limit for a synced file is 100 MB)."""

    max_file_bytes: int = 100 << 20
    max_total_bytes: int = 2 << 30
    max_files: int = 50_000


DEFAULT_MEDIA_LIMITS = MediaLimits()


@dataclass(frozen=True)
class PendingMedia:
    """The media files one package carries that its cards refer to."""

    package: Path
    layout: int
    files: tuple[tuple[str, str], ...]  # (zip member, the name the cards use)


@dataclass
class StagedMedia:
    """Files extracted and named, waiting in ``staging`` for the import to commit."""

    media_dir: Path
    staging: Path | None = None
    renames: dict[str, str] = field(default_factory=dict)  # name in the cards -> file name used
    new_files: list[tuple[Path, str]] = field(default_factory=list)  # staged file -> final name
    count: int = 0  # files the cards can now show (new or already there)

    def commit(self) -> None:
        """Put the new files into ``media/`` (never over an existing name), then clean up."""
        try:
            for staged, name in self.new_files:
                _place(staged, self.media_dir / name)
        except OSError as error:  # a full disk, a folder made read-only meanwhile
            raise InputError(f"{self.media_dir}: media files could not be written ({error.strerror or error}); "
                             "the decks were imported, import the package again to retry") from None
        finally:
            self.discard()

    def discard(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


def stage_media(pending: Iterable[PendingMedia], media_dir: Path,
                limits: MediaLimits | None = None) -> StagedMedia:
    """Extract and name the media of ``pending`` (raises ``InputError``, leaving nothing behind)."""
    limits = limits or DEFAULT_MEDIA_LIMITS
    pending = [item for item in pending if item.files]
    staged = StagedMedia(media_dir)
    if not pending:
        return staged
    _check_media_dir(media_dir)
    data_dir = media_dir.parent
    try:
        staged.staging = Path(tempfile.mkdtemp(prefix=".flashdl-media-", dir=data_dir))
        extracted = _extract_all(pending, staged.staging, limits)
        _choose_names(staged, extracted)
    except OSError as error:  # not the package's fault: the data folder cannot be written
        staged.discard()
        raise InputError(f"{data_dir}: media files cannot be written there "
                         f"({error.strerror or error}); nothing imported") from None
    except BaseException:
        staged.discard()
        raise
    return staged


def _check_media_dir(media_dir: Path) -> None:
    try:
        info = os.lstat(media_dir)
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(info.st_mode):
        raise InputError(f"{media_dir} is not a folder (a link or a file?); media are not "
                         "written there: move it away and import again")


def _extract_all(pending: list[PendingMedia], staging: Path,
                 limits: MediaLimits) -> list[tuple[str, Path, str, str]]:
    """``(name in cards, staged file, sha256, package)`` of every file, in package order."""
    out: list[tuple[str, Path, str, str]] = []
    total = [0]
    count = sum(len(item.files) for item in pending)
    if count > limits.max_files:
        raise InputError(f"the cards refer to {count} media files; the limit is {limits.max_files}",
                         SourcePosition(str(pending[0].package)))
    zip_limits = ZipLimits(max_member_bytes=min(DEFAULT_LIMITS.max_member_bytes, limits.max_file_bytes),
                           max_total_bytes=DEFAULT_LIMITS.max_total_bytes)
    for item in pending:
        where = str(item.package)
        with SafeZip(str(item.package), where, zip_limits) as archive:
            for member, name in item.files:
                if member not in archive:
                    continue  # listed in the map but not carried: shown as missing
                if item.layout != LATEST and archive.declared_size(member) > limits.max_file_bytes:
                    raise _too_large(name, where, limits)
                target = staging / str(len(out))
                chunks = archive.stream(member)
                if item.layout == LATEST:
                    chunks = _unzstd(chunks, where, member)
                digest = _write_capped(chunks, target, where, name, limits, total)
                out.append((name, target, digest, where))
    return out


def _unzstd(chunks: Iterator[bytes], where: str, member: str) -> Iterator[bytes]:
    """Decompress a zstd stream chunk by chunk (the caller caps what comes out)."""
    import zstandard

    class Source:  # the member's chunks as the file-like object zstandard reads from
        buffer = b""

        def read(self, size: int = -1) -> bytes:
            size = size if size >= 0 else 1 << 62
            while len(self.buffer) < size:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                self.buffer += chunk
            out, self.buffer = self.buffer[:size], self.buffer[size:]
            return out

    try:  # never more than CHUNK bytes at a time, however well the data compresses
        yield from zstandard.ZstdDecompressor().read_to_iter(Source(), read_size=CHUNK,  # type: ignore[arg-type]
                                                             write_size=CHUNK)
    except zstandard.ZstdError as error:
        raise InputError(f"media member {member!r} is not valid zstd data ({error})",
                         SourcePosition(where)) from None


def _write_capped(chunks: Iterable[bytes], target: Path, where: str, name: str,
                  limits: MediaLimits, total: list[int]) -> str:
    digest = hashlib.sha256()
    size = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    with os.fdopen(os.open(target, flags, 0o644), "wb") as out:
        for chunk in chunks:
            size += len(chunk)
            total[0] += len(chunk)
            if size > limits.max_file_bytes:
                raise _too_large(name, where, limits)
            if total[0] > limits.max_total_bytes:
                raise InputError(f"the media files come to more than {_mb(limits.max_total_bytes)}, "
                                 "the limit for one import; nothing imported", SourcePosition(where))
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _too_large(name: str, where: str, limits: MediaLimits) -> InputError:
    return InputError(f"media file {name!r} is larger than {_mb(limits.max_file_bytes)}, the limit for one "
                      "media file; nothing imported", SourcePosition(where))


def _mb(size: int) -> str:
    return f"{size / 1e6:.0f} MB" if size >= 10**6 else f"{size:,} bytes"


def _choose_names(staged: StagedMedia, extracted: list[tuple[str, Path, str, str]]) -> None:
    claimed: dict[str, str] = {}  # casefolded final name -> sha256 (case-insensitive file systems)
    existing: dict[str, str | None] = {}  # name in media/ -> its sha256, None if not a regular file

    def held_by(name: str) -> str | None | bool:
        """The sha256 a name holds already, None for something not a file, False if free."""
        if name.casefold() in claimed:
            return claimed[name.casefold()]
        if name not in existing:
            path = staged.media_dir / name
            try:
                info = os.lstat(path)
            except FileNotFoundError:
                return False
            existing[name] = _file_sha256(path) if stat.S_ISREG(info.st_mode) else None
        return existing[name]

    seen: set[str] = set()
    for name, path, digest, _where in extracted:
        if name in seen:
            continue
        seen.add(name)
        def taken(candidate: str, own: str = digest) -> bool:
            return held_by(candidate) not in (False, own)

        final = distinct_name(safe_media_name(name), digest, taken)
        if held_by(final) is False:
            staged.new_files.append((path, final))
        claimed[final.casefold()] = digest
        if final != name:
            staged.renames[name] = final
        staged.count += 1


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _place(staged: Path, target: Path) -> None:
    """``staged`` at ``target``, which must not exist (an existing name is never replaced)."""
    target.parent.mkdir(exist_ok=True)
    try:
        os.link(staged, target, follow_symlinks=False)
        return
    except FileExistsError:
        return  # appeared while importing (another import?): left as it is, never replaced
    except (OSError, NotImplementedError):
        pass  # no hard links here (FAT, some network folders, no follow_symlinks): copy instead
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    with staged.open("rb") as source, os.fdopen(os.open(target, flags, 0o644), "wb") as out:
        shutil.copyfileobj(source, out, CHUNK)


def media_members(names: Iterable[str], media_dir: Path) -> tuple[list[tuple[str, bytes]], list[str]]:
    """For an export: the zip members (``media`` map first, then ``0``, ``1``...) of the named
    files that exist as regular files in ``media_dir``, and the names that do not."""
    carried: list[tuple[str, bytes]] = []
    found: list[str] = []
    missing: list[str] = []
    for name in names:
        if name != safe_media_name(name):
            missing.append(name)  # not a name import gives a file: never looked up as a path
            continue
        path = media_dir / name
        try:
            info = os.lstat(path)
        except OSError:
            missing.append(name)
            continue
        if not stat.S_ISREG(info.st_mode):
            missing.append(name)
            continue
        carried.append((str(len(found)), path.read_bytes()))
        found.append(name)
    if not found:
        return [], missing
    from flashdl.formats.anki_media import media_map_json

    return [("media", media_map_json(found)), *carried], missing
