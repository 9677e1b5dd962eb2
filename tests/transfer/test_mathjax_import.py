"""Anki's MathJax comes into flashdl as formulas flashdl shows as math, never as dollars and LaTeX."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashdl.formats.html_markdown import html_to_markdown, mathjax_to_dollars
from flashdl.presentation.card_text import render_side


def _shown(field: str) -> str:
    return render_side(html_to_markdown(field), markup="markdown", rendered=False).text


@pytest.mark.parametrize(("field", "shown"), [
    # Anki's editor leaves blanks inside: flashdl showed "What is $ x^2 $ at 3?"
    ("What is \\( x^2 \\) at 3?", "What is x² at 3?"),
    ("<b>Loss</b>: \\( -\\log p \\)", "**Loss**: -log p"),
    # a digit right after: flashdl showed "$x^2$5 is nine"
    ("\\(x^2\\)5 is nine", "x²5 is nine"),
    # two formulas side by side: "$a$$b$" showed "a$b$"
    ("\\(a\\)\\(b\\)", "ab"),
    ("a \\(x\\) b \\(y\\)", "a x b y"),
])
def test_a_mathjax_formula_is_shown_as_its_unicode(field: str, shown: str) -> None:
    assert _shown(field) == shown


def test_a_formula_that_reads_as_dollars_is_written_with_dollars() -> None:
    assert html_to_markdown("What is \\( x^2 \\) at 3?") == "What is $x^2$ at 3?"
    assert mathjax_to_dollars("\\( \\alpha \\) and \\[ x \\]") == "$\\alpha$ and $$ x $$"


@given(st.lists(st.tuples(st.sampled_from([" ", "", "  "]), st.sampled_from(["x", "a+b", "\\alpha"]),
                          st.sampled_from([" ", "", "\t"])), min_size=1, max_size=3),
       st.lists(st.sampled_from(["", " ", "5", " 5 ", "is", ", "]), min_size=4, max_size=4))
def test_no_formula_of_a_field_is_shown_with_its_dollars_or_backslashes(formulas: list[tuple[str, str, str]],
                                                                        between: list[str]) -> None:
    """Every formula, whatever its blanks or neighbours, is converted (a literal ``$`` next to
    one is another matter: flashdl reads ``$..$`` in an imported field as math)."""
    field = between[0] + "".join(f"\\({a}{body}{b}\\){between[i + 1]}" for i, (a, body, b) in enumerate(formulas))
    shown = _shown(field)
    assert "\\(" not in shown and "\\alpha" not in shown
    assert "$" not in shown
