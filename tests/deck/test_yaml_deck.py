"""Deck file format (DESIGN §2): validation, positions of errors, round trips."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.deck import Card, Deck, EngineSpec, Erratum, dump_deck, parse_deck
from flashdl.deck.model import MARKUPS
from flashdl.errors import InputError

VALID = textwrap.dedent(
    """\
    format: flashdl-deck/1
    id: quiz-3
    name: Quiz 3 Flashcards
    source: 001_2c970f0f399beb0a.txt
    tags: [cnn]
    cards:
      - id: "082"
        front: |
          Given input 32x32x3, kernel 5x5, padding 2, stride 1 and 10 filters, how many parameters?
        back: |
          760 = (3·5·5 + 1)·10
        tags: [parameters]
        engine:
          family: conv2d_param_count
          params: {in_channels: 3, out_channels: 10, kernel: [5, 5], bias: true}
          vary: true
      - id: 083
        front: What is a stride?
        back: The step of the sliding window.
    """
)


def parse(text: str) -> Deck:
    return parse_deck(textwrap.dedent(text), "deck.yaml")


def test_design_example_parses_into_the_model() -> None:
    deck = parse_deck(VALID, "quiz-3.yaml")
    assert (deck.id, deck.name, deck.tags) == ("quiz-3", "Quiz 3 Flashcards", ("cnn",))
    first, second = deck.cards
    assert first.id == "082" and first.tags == ("parameters",)
    assert first.engine == EngineSpec(
        "conv2d_param_count", {"in_channels": 3, "out_channels": 10, "kernel": [5, 5], "bias": True}, True
    )
    # An unquoted id with a leading zero stays text (YAML 1.1 would have read 083 as a string
    # but 010 as eight; deck files use the 1.2 core schema where neither is surprising).
    assert second.id == "083"
    assert deck.full_id(second) == "quiz-3/083"


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("id: d\ncards:\n  - id: a\n    front: x\n    back: y\n    colour: red\n", 6, 5, "unknown key 'colour'"),
        ("id: d\ncards:\n  - id: a\n    back: y\n", 3, 5, "has no 'front'"),
        ("id: d\ncards:\n  - id: a\n    front: x\n    back: y\n  - id: a\n    front: z\n    back: w\n",
         6, 9, "duplicate card id 'a'"),
        ("id: d\ncards:\n  - id: a\n    front: [x]\n    back: y\n", 4, 12, "'front' must be text"),
        ("id: d\ncards:\n  - id: a\n    front: x\n    back: y\n    engine: {params: {}}\n", 6, 13, "needs 'family'"),
        ("id: d\ncards:\n  - id: a\n    front: x\n    back: y\n    engine: {family: f, vary: maybe}\n",
         6, 31, "'vary' must be true or false"),
        ("id: d\ncards:\n  - id: a\n    front: x\n    back: 0.10\n", 5, 11, "quote it"),
        ("id: d\ncards:\n  - id: 'a b'\n    front: x\n    back: y\n", 3, 9, "must be letters"),
        ("id: d\ncards:\n  - id: a\n    front: ''\n    back: ''\n", 3, 5, "neither front nor back"),
        ("id: d\ncards:\n  - id: a\n    front: x\n    back: y\n    tags: cnn\n", 6, 11, "'tags' must be a list"),
        ("id: d\ncards: [1, 2]\n", 2, 9, "a card must be a mapping"),
        ("id: d\nmarkup: html\ncards: []\n", 2, 9, "'markup' must be markdown or plain"),
        ("id: d\ncards:\n  - id: a\n    front: x\n    back: y\n    markup: true\n", 6, 13,
         "'markup' must be markdown or plain"),
        ("id: d\nname: D\n", 1, 1, "missing key 'cards'"),
        ("format: flashdl-deck/9\nid: d\ncards: []\n", 1, 9, "unknown format"),
        ("id: d\nid: e\ncards: []\n", 2, 1, "duplicate key 'id'"),
        ("id: d\ncards: [\n", 3, 1, "expected"),
        ("- just\n- a list\n", 1, 1, "must be a mapping"),
    ],
)
def test_errors_name_line_column_and_problem(text: str, line: int, column: int, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_deck(text, "bad.yaml")
    error = caught.value
    assert error.file == "bad.yaml"
    assert (error.position.line, error.position.column) == (line, column)
    assert fragment in error.message


def test_unknown_engine_family_is_rejected_when_families_are_known() -> None:
    text = "id: d\ncards:\n  - id: a\n    front: x\n    back: y\n    engine: {family: nope}\n"
    assert parse_deck(text, "d.yaml").cards[0].engine.family == "nope"
    with pytest.raises(InputError, match="unknown engine family 'nope'"):
        parse_deck(text, "d.yaml", known_families={"conv2d_output_size"})


@pytest.mark.parametrize(
    "text",
    [
        "id: d\ncards: !!python/object/apply:os.system ['echo pwned']\n",
        "!!python/object:collections.OrderedDict {}\n",
        "id: d\ncards:\n  - id: a\n    front: !!python/name:os.system x\n    back: y\n",
    ],
)
def test_python_tags_are_refused_not_constructed(text: str) -> None:
    with pytest.raises(InputError, match="not allowed: deck files hold plain data only"):
        parse_deck(text, "evil.yaml")


def test_alias_bomb_is_refused_quickly() -> None:
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 12):
        prev, cur = chr(ord("a") + level - 1), chr(ord("a") + level)
        bomb.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    text = "id: d\ncards: []\n" + "\n".join(bomb) + "\n"
    with pytest.raises(InputError, match="aliases"):
        parse_deck(text, "bomb.yaml")


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_empty_files_are_an_error(text: str) -> None:
    with pytest.raises(InputError):
        parse_deck(text, "empty.yaml")


def test_yaml_1_1_traps_do_not_apply() -> None:
    deck = parse(
        """\
        id: d
        cards:
          - id: "1"
            front: no
            back: 010
          - id: "2"
            front: on
            back: 1_000
        """
    )
    assert [(c.front, c.back) for c in deck.cards] == [("no", "010"), ("on", "1_000")]


# -- round trips ---------------------------------------------------------------------------

_text = st.lists(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029"),
        max_size=6,
    )
    | st.sampled_from(["\n", "  ", "$\\frac{a}{b}$", "- ", "#", ": ", "'", '"', "|", "\t"]),
    max_size=10,
).map("".join)
_ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,8}", fullmatch=True)
_tags = st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True), max_size=3).map(tuple)
_scalars = st.one_of(st.integers(-99, 99), st.booleans(),
                     st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8),
                     st.floats(allow_nan=False, allow_infinity=False, width=32))
_params = st.dictionaries(
    st.from_regex(r"[a-z_]{1,10}", fullmatch=True),
    st.one_of(_scalars, st.lists(st.lists(st.integers(-3, 3), max_size=4), max_size=4)),
    max_size=4,
)


@st.composite
def cards(draw: st.DrawFn, card_id: str) -> Card:
    front, back = draw(_text), draw(_text)
    if not front.strip() and not back.strip():
        front = "front"
    engine = draw(st.none() | st.builds(EngineSpec, st.sampled_from(["conv2d_output_size"]), _params,
                                         st.booleans()))
    errata = draw(st.lists(st.builds(Erratum, _text.filter(str.strip), st.just("back"), _text), max_size=2))
    markup = draw(st.sampled_from([None, None, None, "markdown", "plain"]))
    return Card(card_id, front, back, draw(_tags), engine, tuple(errata), markup=markup)


@st.composite
def decks(draw: st.DrawFn) -> Deck:
    ids = draw(st.lists(_ids, unique=True, max_size=6))
    return Deck(
        id=draw(_ids),
        name=draw(_text.filter(lambda t: t.strip() and "\n" not in t)),
        cards=tuple(draw(cards(card_id)) for card_id in ids),
        source=draw(st.none() | _ids),
        description=draw(st.none() | _text.filter(str.strip)),
        tags=draw(_tags),
        markup=draw(st.sampled_from(MARKUPS)),
    )


@pytest.mark.slow   # 10 s
@settings(max_examples=200, deadline=None)
@given(decks())
def test_dump_then_parse_is_identity(deck: Deck) -> None:
    assert parse_deck(dump_deck(deck), "roundtrip.yaml") == deck


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_either_parses_or_raises_input_error(text: str) -> None:
    try:
        parse_deck(text, "fuzz.yaml")
    except InputError as error:
        assert error.file == "fuzz.yaml" and error.message


# -- markup -----------------------------------------------------------------------------------


def test_markup_is_optional_per_deck_and_per_card() -> None:
    text = ("format: flashdl-deck/1\nid: d\nname: D\nmarkup: plain\ncards:\n"
            "- id: a\n  front: (1*1) + (2*0)\n  back: '- # channels'\n"
            "- id: b\n  front: '**bold**'\n  back: y\n  markup: markdown\n")
    deck = parse_deck(text, "d.yaml")
    assert deck.markup == "plain"
    assert [card.markup for card in deck.cards] == [None, "markdown"]
    assert [deck.markup_of(card) for card in deck.cards] == ["plain", "markdown"]
    old = parse_deck("id: d\ncards:\n- id: a\n  front: x\n  back: y\n", "old.yaml")
    assert old.markup == "markdown" and old.markup_of(old.cards[0]) == "markdown"  # the default


def test_markup_is_written_back_after_the_name_and_only_when_not_the_default() -> None:
    deck = Deck(id="d", name="D", cards=(Card("a", "x", "y", markup="markdown"),), markup="plain")
    text = dump_deck(deck)
    assert text.startswith("format: flashdl-deck/1\nid: d\nname: D\nmarkup: plain\n")
    assert "  markup: markdown\n" in text
    assert "markup" not in dump_deck(Deck(id="d", name="D", cards=(Card("a", "x", "y"),)))
    assert parse_deck(text, "d.yaml") == deck
# -- progress --------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", ["block", "flow"])
def test_progress_is_reported_while_a_large_deck_is_read(layout: str) -> None:
    from flashdl.deck.yaml_deck import dump_deck, parse_deck

    deck = Deck(id="big", name="Big", cards=tuple(Card(f"{i}", f"q {i}", f"a {i}", ("t",))
                                                  for i in range(30_000)))
    text = dump_deck(deck)
    if layout == "flow":  # one card per line in flow style: libyaml reads it all
        text = "id: big\nname: Big\ncards:\n" + "".join(
            f'- {{id: "{c.id}", front: "{c.front}", back: "{c.back}", tags: [t]}}\n' for c in deck.cards)
    calls: list[tuple[int, int]] = []
    assert parse_deck(text, "big.yaml", progress=lambda done, total: calls.append((done, total))) == deck
    assert len(calls) >= 3 and calls[-1] == (len(text), len(text))
    assert all(total == len(text) and 0 <= done <= total for done, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
