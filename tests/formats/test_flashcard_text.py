"""Flashcard-export text: each layout variant, and the boundary traps, on small hand-written fixtures."""

from __future__ import annotations

import textwrap

import pytest

from flashdl.deck.model import TAG_INCOMPLETE, TAG_MISSING_FIGURE
from flashdl.errors import InputError
from flashdl.formats import ParseResult, parse_source

FOOTER = "How well did you know this?\n1\nNot at all\n2\n3\n4\n5\nPerfectly\n"


def parse(text: str) -> ParseResult:
    return parse_source(textwrap.dedent(text), "cards.txt", "brainscape")


def sides(result: ParseResult) -> list[tuple[str, str, str]]:
    return [(card.id, card.front, card.back) for card in result.deck.cards]


def test_numbered_cards_with_markers_and_rating_footer() -> None:
    text = (
        "Pooling Basics Flashcards\n\n"
        "1\nQ\n\nWhat does max pooling keep?\n\nA\n\nThe largest value in each window\n\n" + FOOTER
        + "2\nQ\n\nPooling layer facts\n\nA\n  • no weights\n  • reduces size\n    • by the stride\n"
        + FOOTER
    )
    result = parse(text)
    assert result.deck.name == "Pooling Basics Flashcards"
    assert result.deck.id == "pooling-basics-flashcards"
    assert sides(result) == [
        ("001", "What does max pooling keep?", "The largest value in each window"),
        ("002", "Pooling layer facts", "- no weights\n- reduces size\n  - by the stride"),
    ]
    assert [card.line for card in result.deck.cards] == [3, 20]
    assert result.skipped == () and result.warnings == ()


def test_numbered_cards_with_markers_without_footer() -> None:
    result = parse(
        """\
        Deck
        1
        Q

        Stride?

        A

        Step of the window
        2
        Q

        Padding?

        A
          • zeros around the border
        """
    )
    assert sides(result) == [
        ("001", "Stride?", "Step of the window"),
        ("002", "Padding?", "- zeros around the border"),
    ]


def test_terse_numbered_cards_one_line_each() -> None:
    result = parse(
        """\
        Deck
        1
        What is a kernel?
        A small matrix of weights
        2
        How many params in max pooling?
        0
        3
        Output size of 4x4 input, 2x2 kernel, stride 2?
        2x2
        """
    )
    assert sides(result) == [
        ("001", "What is a kernel?", "A small matrix of weights"),
        ("002", "How many params in max pooling?", "0"),
        ("003", "Output size of 4x4 input, 2x2 kernel, stride 2?", "2x2"),
    ]


def test_unnumbered_markers_get_sequence_ids() -> None:
    result = parse(
        """\
        Deck
        Q
        Dropout at test time?
        A
        Off
        Q
        Bias in batch norm?
        A
        Replaced by beta
        """
    )
    assert sides(result) == [
        ("001", "Dropout at test time?", "Off"),
        ("002", "Bias in batch norm?", "Replaced by beta"),
    ]


def test_marked_cards_then_terse_cards_after_a_footer() -> None:
    text = "Deck\n1\nQ\nFirst?\nA\nOne\n" + FOOTER + "2\nSecond?\nTwo\n3\nThird?\nThree\n"
    assert sides(parse(text)) == [
        ("001", "First?", "One"),
        ("002", "Second?", "Two"),
        ("003", "Third?", "Three"),
    ]


def test_footer_on_some_cards_only() -> None:
    text = "Deck\n1\nQ\nA?\nA\nyes\n" + FOOTER + "2\nQ\nB?\nA\nno\n3\nQ\nC?\nA\nmaybe\n" + FOOTER
    assert [back for _, _, back in sides(parse(text))] == ["yes", "no", "maybe"]


def test_answer_ending_in_the_next_card_number_is_not_a_boundary() -> None:
    # Card 2's answer is the number 3, right before card 3 starts.
    result = parse(
        """\
        Deck
        1
        Q
        Count the layers
        A
        2
        2
        Q
        How many channels does RGB have?
        A
        3
        3
        Q
        Last
        A
        end
        """
    )
    assert sides(result) == [
        ("001", "Count the layers", "2"),
        ("002", "How many channels does RGB have?", "3"),
        ("003", "Last", "end"),
    ]


def test_digit_lines_and_numbered_lists_stay_in_the_answer() -> None:
    result = parse(
        """\
        Deck
        1
        Q
        Steps of transfer learning
        A
          1. Train on a big dataset
          2. Fine-tune
        2
        3

        5
        2
        Q
        Next
        A
        done
        """
    )
    assert sides(result) == [
        ("001", "Steps of transfer learning", "1. Train on a big dataset\n2. Fine-tune\n2\n3\n\n5"),
        ("002", "Next", "done"),
    ]


def test_terse_answer_equal_to_the_next_number() -> None:
    result = parse(
        """\
        Deck
        6
        What is 3 + 4?
        7
        7
        What is 2 x 4?
        8
        """
    )
    assert sides(result) == [("006", "What is 3 + 4?", "7"), ("007", "What is 2 x 4?", "8")]


def test_question_over_several_lines_with_a_hint_line() -> None:
    result = parse(
        """\
        Deck
        1
        Q

        Deeper networks are ___ sensitive to initialization

        (more or less?)

        A
          • more
        """
    )
    assert result.deck.cards[0].front == (
        "Deeper networks are ___ sensitive to initialization\n\n(more or less?)"
    )


def test_markdown_lists_from_bullets_and_paragraphs_kept() -> None:
    result = parse(
        """\
        Deck
        1
        Q
        Pooling
        A

        Two kinds:

          • max
            • keeps the largest
              • per window
          • average
        """
    )
    assert result.deck.cards[0].back == (
        "Two kinds:\n\n- max\n  - keeps the largest\n    - per window\n- average"
    )


def test_one_empty_side_is_kept_and_tagged_incomplete() -> None:
    result = parse("Deck\n1\nQ\nWhat does ReLU look like?\nA\n2\nQ\nLast\nA\nend\n")
    card = result.deck.cards[0]
    assert (card.front, card.back) == ("What does ReLU look like?", "")
    assert TAG_INCOMPLETE in card.tags
    assert [note.line for note in result.warnings] == [2]


def test_both_sides_empty_is_skipped_and_reported() -> None:
    result = parse("Deck\n1\nQ\nFirst\nA\none\n2\nQ\nA\n3\nQ\nThird\nA\nthree\n")
    assert [card.id for card in result.deck.cards] == ["001", "003"]
    assert len(result.skipped) == 1
    assert result.skipped[0].line == 7
    assert "card 2" in result.skipped[0].message


def test_numbering_gap_before_a_marked_card_is_a_warning() -> None:
    result = parse("Deck\n1\nQ\nOne\nA\n1\n3\nQ\nThree\nA\n3\n")
    assert [card.id for card in result.deck.cards] == ["001", "003"]
    assert "jump from 1 to 3" in result.warnings[0].message


def test_figure_references_are_tagged() -> None:
    result = parse(
        "Deck\n1\nQ\nWhat do the gates in this LSTM diagram do?\nA\ngate\n"
        "2\nQ\nComplete picture of the model?\nA\nwhite-box\n"
    )
    assert [TAG_MISSING_FIGURE in card.tags for card in result.deck.cards] == [True, False]


def test_crlf_and_trailing_blanks_are_normalised() -> None:
    result = parse_source("Deck\r\n1\r\nQ  \r\nWhy?   \r\nA\r\nBecause\r\n", "cards.txt")
    assert sides(result) == [("001", "Why?", "Because")]


def test_export_without_a_title_is_named_after_its_file() -> None:
    result = parse_source("1\nQ\nWhy?\nA\nBecause\n", "exports/pooling.txt", "brainscape")
    assert (result.deck.name, result.deck.id) == ("pooling", "pooling")
    assert sides(result) == [("001", "Why?", "Because")]
    assert "no title line" in result.warnings[0].message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Just a title\n", "no cards after the title"),
        ("Title\nsome prose\nmore prose\n", "not a flashcard export"),
        ("Title\n1\nQ\nA\n", "no cards with text"),
    ],
)
def test_not_a_flashcard_export(text: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem) as error:
        parse_source(text, "cards.txt", "brainscape")
    assert error.value.file == "cards.txt"
    assert error.value.line is not None


def test_terse_card_after_a_marked_card_without_footer_is_its_own_card_and_noted() -> None:
    """Regression (issue 11 §4): the terse card used to be swallowed into card 1's answer, silently."""
    result = parse("Deck\n1\nQ\nStride?\nA\nStep of the window\n2\nPadding?\nZeros\n3\nQ\nKernel?\nA\nWeights\n")
    assert sides(result) == [
        ("001", "Stride?", "Step of the window"),
        ("002", "Padding?", "Zeros"),
        ("003", "Kernel?", "Weights"),
    ]
    assert [note.line for note in result.warnings] == [7]
    assert result.warnings[0].message.startswith("card 2 has no Q/A lines and follows card 1's answer")


def test_number_lines_inside_an_answer_stay_in_it_when_the_count_says_so() -> None:
    """"2 / x / y" inside card 1's answer is no card 2: the next card is numbered 2."""
    result = parse("Deck\n1\nQ\nSteps?\nA\n2\nforward\nbackward\n2\nQ\nNext?\nA\nYes\n")
    assert sides(result) == [("001", "Steps?", "2\nforward\nbackward"), ("002", "Next?", "Yes")]
    assert result.warnings == ()


def test_unnumbered_card_inside_a_numbered_export_takes_the_next_number() -> None:
    result = parse("Deck\n1\nQ\nOne?\nA\nyes\n" + FOOTER + "Q\nTwo?\nA\nno\n3\nQ\nThree?\nA\nmaybe\n")
    assert sides(result) == [("001", "One?", "yes"), ("002", "Two?", "no"), ("003", "Three?", "maybe")]
    assert any("without a number line" in note.message for note in result.warnings)
