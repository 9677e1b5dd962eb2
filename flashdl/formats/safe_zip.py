"""Reading untrusted zip archives (Anki packages) without trusting what they claim.

A zip's central directory states each member's sizes; a hostile archive can
lie about them or compress gigabytes of zeros into kilobytes. So every member
is checked twice: its declared size against the limits before reading, and
the bytes actually produced while streaming (never more than declared, never
past the limit, never above the compression ratio cap). Member names are only
ever looked up, never used as paths; names that would escape a folder are
refused anyway, because no honest package has them.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, BinaryIO

from flashdl.errors import InputError, SourcePosition

CHUNK = 1 << 20


@dataclass(frozen=True)
class ZipLimits:
    """Caps for one archive. A 100,000-note collection is ~25 MB uncompressed."""

    max_members: int = 100_000
    max_member_bytes: int = 2 << 30  # one member (the collection) at most 2 GiB
    max_total_bytes: int = 4 << 30  # everything read from one archive
    max_ratio: int = 200  # uncompressed / compressed, for members over RATIO_FLOOR
    ratio_floor: int = 1 << 20  # small members may compress arbitrarily well


DEFAULT_LIMITS = ZipLimits()
_DRIVE = re.compile(r"^[A-Za-z]:")


class SafeZip:
    """An open archive whose members are read through the size checks."""

    def __init__(self, source: BinaryIO | str, name: str, limits: ZipLimits = DEFAULT_LIMITS) -> None:
        self.name = name
        self.limits = limits
        self._read_total = 0
        try:
            self._zip = zipfile.ZipFile(source)
        except zipfile.BadZipFile as error:
            raise self.error(f"not a zip archive ({error})") from None
        except OSError as error:
            raise self.error(f"cannot read ({error})") from None
        infos = self._zip.infolist()
        if len(infos) > limits.max_members:
            raise self.error(f"has {len(infos)} members; the limit is {limits.max_members}")
        self._members: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            check_member_name(info.filename, name)
            if info.filename in self._members:
                raise self.error(f"member {info.filename!r} appears twice")
            self._members[info.filename] = info
            declared += info.file_size
        if declared > limits.max_total_bytes:
            raise self.error(
                f"declares {declared / 1e9:.1f} GB of contents; the limit is "
                f"{limits.max_total_bytes / 1e9:.1f} GB"
            )

    def error(self, message: str) -> InputError:
        return InputError(message, SourcePosition(self.name))

    def names(self) -> list[str]:
        return list(self._members)

    def declared_size(self, member: str) -> int:
        """The uncompressed size the central directory states (a claim: ``stream`` checks it)."""
        return self._members[member].file_size

    def __contains__(self, member: str) -> bool:
        return member in self._members

    def read(self, member: str, *, limit: int | None = None) -> bytes:
        """The whole member, checked while it streams (and refused past ``limit`` bytes)."""
        if limit is None:
            return b"".join(self.stream(member))
        chunks, size = [], 0
        for chunk in self.stream(member):
            size += len(chunk)
            if size > limit:
                raise self.error(f"member {member!r} is larger than {limit / 1e6:.0f} MB, "
                                 "far more than it can hold")
            chunks.append(chunk)
        return b"".join(chunks)

    def copy_to(self, member: str, out: IO[bytes]) -> int:
        """Stream a member into ``out``; returns the byte count."""
        count = 0
        for chunk in self.stream(member):
            out.write(chunk)
            count += len(chunk)
        return count

    def stream(self, member: str) -> Iterator[bytes]:
        info = self._members.get(member)
        if info is None:
            raise self.error(f"has no member {member!r}")
        limits = self.limits
        if info.file_size > limits.max_member_bytes:
            raise self.error(
                f"member {member!r} declares {info.file_size / 1e9:.1f} GB; the limit is "
                f"{limits.max_member_bytes / 1e9:.1f} GB"
            )
        self._check_ratio(info, info.file_size)
        produced = 0
        try:
            with self._zip.open(info) as handle:
                while chunk := handle.read(CHUNK):
                    produced += len(chunk)
                    self._read_total += len(chunk)
                    if produced > info.file_size:
                        raise self.error(f"member {member!r} is larger than it declares (zip bomb?)")
                    if self._read_total > limits.max_total_bytes:
                        raise self.error("contents exceed the size limit (zip bomb?)")
                    self._check_ratio(info, produced)
                    yield chunk
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, RuntimeError,
                NotImplementedError, ValueError) as error:
            raise self.error(f"member {member!r} cannot be read ({error})") from None
        except Exception as error:  # zlib.error, lzma.LZMAError, ...: a damaged stream
            if isinstance(error, InputError):
                raise
            raise self.error(f"member {member!r} is damaged ({error})") from None

    def _check_ratio(self, info: zipfile.ZipInfo, size: int) -> None:
        if size <= self.limits.ratio_floor:
            return
        if size > max(info.compress_size, 1) * self.limits.max_ratio:
            raise self.error(
                f"member {info.filename!r} expands more than {self.limits.max_ratio}:1 (zip bomb?)"
            )

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_member_name(member: str, archive: str) -> None:
    """Refuse names that are absolute or climb out of a folder (``../x``, ``/etc/x``, ``C:x``)."""
    parts = member.replace("\\", "/").split("/")
    if member.startswith(("/", "\\")) or _DRIVE.match(member) or ".." in parts or "\x00" in member:
        raise InputError(f"unsafe member name {member!r} (absolute path or '..')",
                         SourcePosition(archive))


def bounded_zstd(data: bytes, archive: str, member: str, *, limit: int, max_ratio: int = 200) -> bytes:
    """Decompress a zstd frame, refusing output beyond ``limit`` or ``max_ratio``."""
    import zstandard

    where = SourcePosition(archive)

    cap = min(limit, max(len(data), 1) * max_ratio)
    out: list[bytes] = []
    produced = 0
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(data, read_across_frames=True)
        with reader:
            while chunk := reader.read(CHUNK):
                produced += len(chunk)
                if produced > cap:
                    raise InputError(
                        f"member {member!r} decompresses to more than {cap / 1e6:.0f} MB (zstd bomb?)",
                        where,
                    )
                out.append(chunk)
    except zstandard.ZstdError as error:
        raise InputError(f"member {member!r} is not valid zstd data ({error})", where) from None
    return b"".join(out)
