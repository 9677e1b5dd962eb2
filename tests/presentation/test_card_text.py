"""Card sides as both front ends show them: plain text exactly as written, LaTeX readable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashdl.deck.model import Erratum
from flashdl.presentation.card_text import engine_text, render_plain, render_side
from flashdl.presentation.latex_text import latex_to_unicode, plain_text

# Text from the source documents that Markdown used to eat (issue 11 §2).
PLAIN_EXAMPLES = [
    "(1*1) + (2*0)",
    "- # channels\n- # filters",
    "*not emphasis* and _not either_ and **nor this**",
    "Var(w) = 1/n\nTherefore the variance is kept",
    "a line\n\n\nthree breaks, `backticks`, <b>tags</b> & > quotes\n    indented",
    "1. first\n2) second\n| a | b |\n[link](x)",
]


@pytest.mark.parametrize("text", PLAIN_EXAMPLES)
def test_plain_text_is_shown_character_for_character(text: str) -> None:
    shown = render_side(text, markup="plain", side="back")
    assert shown.markdown is False
    assert shown.text == text


@given(st.text(alphabet=st.characters(blacklist_characters="$", blacklist_categories=("Cs",))))
def test_plain_text_without_dollars_comes_out_identical(text: str) -> None:
    assert render_plain(text) == text
    assert render_side(text, markup="plain").text == text.rstrip()
    assert engine_text(text) == text.rstrip()


@given(st.text(alphabet=st.characters(blacklist_characters="$\\{}", blacklist_categories=("Cs",))),
       st.text(alphabet=st.characters(blacklist_characters="$\\{}", blacklist_categories=("Cs",))))
def test_only_the_math_of_plain_text_changes(before: str, after: str) -> None:
    """Around a formula every character stays; the formula becomes its Unicode."""
    text = f"{before} $\\alpha^2$ {after}"
    assert render_plain(text) == f"{before} α² {after}"


def test_plain_math_is_converted_in_place_and_dollars_stay() -> None:
    assert render_plain("loss $L=-\\log{x_y}$ (1*1)\nnext") == "loss L=-log x_y (1*1)\nnext"
    assert render_plain("$$\\frac{a+b}{c}$$ then") == "(a+b)/c then"
    assert render_plain("costs $5 and $6") == "costs $5 and $6"
    assert render_plain(r"a literal \$ sign") == "a literal $ sign"


def test_markdown_decks_keep_their_meaning() -> None:
    shown = render_side("**Bold** and $w_{ij} * x$", markup="markdown")
    assert shown.markdown is True
    assert shown.text == "**Bold** and w\\_ij \\* x"


def test_corrections_of_a_plain_card_are_plain_lines_under_their_side() -> None:
    errata = (Erratum(note="2ⁿ sub-networks, not 2n", field="back", original="2n"),
              Erratum(note="asked *twice*", field="front"))
    back = render_side("$2^n$ (1*1)\n", markup="plain", errata=errata, side="back")
    assert back.text == "2ⁿ (1*1)\n\n✎ Corrected: 2ⁿ sub-networks, not 2n"
    front = render_side("Q?", markup="plain", errata=errata, side="front")
    assert front.text == "Q?\n\n✎ Corrected: asked *twice*"


def test_browse_previews_of_plain_cards_keep_their_characters() -> None:
    assert plain_text("(1*1) + (2*0)\n- # channels", markup="plain") == "(1*1) + (2*0) - # channels"
    assert plain_text("(1*1) + (2*0)") == "(11) + (20)"  # Markdown previews drop the marks


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"L=-\log{x_y}", "L=-log x_y"),  # an operator name and its argument stay apart
        (r"\exp{z} + \log(x)", "exp z + log(x)"),
        (r"\mathrm{Var}(a)", "Var(a)"),
        (r"\mathrm{Var}{a}", "Var(a)"),
        (r"Var{a_{out}}=FVar(W)Var(a_{in})", "Var(a_out)=FVar(W)Var(a_in)"),
        (r"a_{out} = \sum_{i=1}^F W_ia_i", "a_out = ∑_(i=1)^F W_i a_i"),  # limits kept, W_i a_i
        (r"\sum_{i=1}^{n} x_i", "∑_(i=1)ⁿ x_i"),
        (r"W_{ij} \sim \mathcal{N}(0, 0.0001)", "W_ij ∼ 𝒩(0, 0.0001)"),
        (r"\|x\|_2", "‖x‖₂"),
        (r"x \in \mathbb{R}^{n \times m}", "x ∈ ℝ^(n × m)"),
        (r"a \quad b", "a b"),
        (r"x^ny", "xⁿy"),
    ],
)
def test_formulas_of_the_decks_read_as_written(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected
