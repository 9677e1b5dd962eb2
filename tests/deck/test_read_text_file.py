"""``read_text_file`` refuses what is not a regular file with a message naming the path.

A folder used to fail inside ``os.fdopen`` with ``IsADirectoryError`` whose file name was the
descriptor: ``flashdl: 6: Is a directory`` (seen when a deck copy's base was a folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flashdl.deck.files import read_text_file
from flashdl.errors import InputError


def test_a_folder_is_named_as_one(tmp_path: Path) -> None:
    folder = tmp_path / "deck.yaml"
    folder.mkdir()
    with pytest.raises(InputError) as caught:
        read_text_file(folder)
    assert str(caught.value) == f"{folder}: is a directory, not a file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "deck.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as caught:
        read_text_file(fifo)
    assert str(caught.value) == f"{fifo}: not a regular file (a device, FIFO or socket)"


def test_a_regular_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "deck.yaml"
    path.write_bytes("id: x\r\nname: é\n".encode())
    assert read_text_file(path).replace("\r\n", "\n") == "id: x\nname: é\n"
