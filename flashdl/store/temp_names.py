"""Names of the hidden files a write goes through before its rename (``.NAME.XXXXXXXX.tmp``)."""

from __future__ import annotations

import os

NAME_MAX = 255  # bytes in one file name on Linux, macOS and Windows file systems
TEMP_TAIL = len("XXXXXXXX.tmp")  # what tempfile.mkstemp adds after the prefix, with suffix=".tmp"


def hidden_prefix(name: str, tail: int) -> str:
    """``.NAME.``, with NAME cut so that ``tail`` more bytes still make a legal file name.

    A legal output name of 242 bytes or more made the temporary name too long, and the export
    or backup failed with "File name too long" naming a file the user had never heard of.
    """
    encoded = os.fsencode(name)[: max(NAME_MAX - 2 - tail, 1)]
    return "." + os.fsdecode(encoded) + "."
