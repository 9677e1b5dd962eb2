"""No letter or digit of a formula is lost, added or reordered on its way to Unicode.

Formulas are built from the constructs cards use (fractions, roots, accents, fonts, scripts,
unbraced script macros, sums, norms, cases, matrices, binomials, primes). Read back with NFKD
(``²`` is 2, ``𝐱`` is x, ``ℝ`` is R, ``x̂`` is x), the output's ASCII letters and digits must be
the source's, in order, once macro names are taken out; and no backslash is ever shown.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.presentation.latex_text import latex_to_unicode

WORD = st.text(alphabet="abcxyzKLNW019", min_size=1, max_size=3)


def _constructs(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    one_argument = st.sampled_from([r"\sqrt", r"\hat", r"\bar", r"\tilde", r"\vec", r"\overline", r"\widehat",
                                    r"\underline", r"\mathbf", r"\mathrm", r"\mathbb", r"\mathcal", r"\text",
                                    r"\operatorname", r"\operatorname*", r"\boldsymbol"])
    return st.one_of(
        st.tuples(st.sampled_from([r"\frac", r"\dfrac", r"\binom"]), inner, inner).map(
            lambda t: f"{t[0]}{{{t[1]}}}{{{t[2]}}}"),
        st.tuples(one_argument, inner).map(lambda t: f"{t[0]}{{{t[1]}}}"),
        st.tuples(inner, st.sampled_from(["_", "^"]), inner).map(lambda t: f"{t[0]}{t[1]}{{{t[2]}}}"),
        st.tuples(inner, st.sampled_from(["_", "^"]), st.sampled_from([r"\text", r"\mathrm", r"\hat", r"\sqrt"]),
                  inner).map(lambda t: f"{t[0]}{t[1]}{t[2]}{{{t[3]}}}"),
        st.tuples(inner, st.sampled_from([" ", "+", " - ", "=", r" \cdot ", r" \le ", ",", r"\,", r" \times ",
                                          r" \to "]), inner).map("".join),
        st.tuples(st.sampled_from([r"\sum_", r"\prod_"]), inner).map(lambda t: f"{t[0]}{{{t[1]}}}"),
        inner.map(lambda t: f"\\left({t}\\right)"), inner.map(lambda t: f"\\|{t}\\|"), inner.map(lambda t: f"|{t}|"),
        inner.map(lambda t: f"{t}'"), inner.map(lambda t: f"{t}''"),
        st.tuples(inner, inner).map(lambda t: f"\\begin{{cases}} {t[0]} & {t[1]} \\\\ {t[1]} & {t[0]} \\end{{cases}}"),
        st.tuples(inner, inner).map(lambda t: f"\\begin{{pmatrix}} {t[0]} & {t[1]} \\end{{pmatrix}}"),
    )


FORMULA = st.recursive(WORD, _constructs, max_leaves=8)


def _letters_shown(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isascii() and c.isalnum()).replace("choose", "")  # \binom's word


def _letters_written(latex: str) -> str:
    latex = re.sub(r"\\(?:begin|end)\{[a-z]+\}|\\[A-Za-z]+", "", latex)
    return "".join(c for c in latex if c.isascii() and c.isalnum())


@settings(max_examples=600, deadline=None)
@given(FORMULA)
def test_no_letter_or_digit_of_a_formula_is_lost(latex: str) -> None:
    shown = latex_to_unicode(latex)
    assert _letters_shown(shown) == _letters_written(latex)
    assert "\\" not in shown
