"""The fast deck reader hands libyaml exactly the texts with a character it may not read line by line."""

from __future__ import annotations

import re

from yaml.reader import Reader

from flashdl.deck.yaml_canonical import _UNPRINTABLE

# libyaml's line breaks other than LF, and the byte-order mark: the reader's patterns know neither.
NOT_LINE_BY_LINE = "\r\x85\u2028\u2029\ufeff"


def test_the_unprintable_set_is_pyyaml_s_plus_the_other_line_breaks_on_every_code_point() -> None:
    every = "".join(map(chr, range(0x110000)))
    expected = {m.start() for m in Reader.NON_PRINTABLE.finditer(every)} | {ord(c) for c in NOT_LINE_BY_LINE}
    assert {m.start() for m in _UNPRINTABLE.finditer(every)} == expected


def test_the_set_is_the_complement_of_what_the_reader_reads() -> None:
    # the form the reader had before (the printable ranges, negated), held equal as well
    printable = re.compile("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
    every = "".join(map(chr, range(0x110000)))
    assert [m.start() for m in _UNPRINTABLE.finditer(every)] == [m.start() for m in printable.finditer(every)]
