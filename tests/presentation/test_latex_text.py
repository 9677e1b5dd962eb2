"""LaTeX in card text becomes readable Unicode, with no raw backslashes left."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from flashdl.presentation.latex_text import latex_to_unicode, plain_text, render_math


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"\frac{N+2P-F}{S}+1", "(N+2P-F)/S+1"),
        (r"\frac{1}{2}", "1/2"),
        (r"\sigma(x)=\frac{1}{1+e^{-x}}", "σ(x)=1/(1+e⁻ˣ)"),
        (r"W_{out} = \lfloor \frac{W-K+2P}{S} \rfloor + 1", "W_out = ⌊(W-K+2P)/S⌋ + 1"),
        (r"\mathrm{Var}(W) = \frac{2}{n_{in}+n_{out}}", "Var(W) = 2/(n_in+n_out)"),
        (r"\frac{\partial L}{\partial W}", "∂L/∂W"),
        (r"\frac{1}{\sqrt{t}}", "1/√t"),
        (r"\sqrt{\frac{2}{n_{in}}}", "√(2/n_in)"),
        (r"x^2 + y^{10}", "x² + y¹⁰"),
        (r"W^T x", "Wᵀ x"),
        (r"x_1 + x_{i+1}", "x₁ + x_(i+1)"),
        (r"e^{x_i}", "e^(x_i)"),
        (r"\hat{y}_i = \sum_j w_{ij} x_j", "ŷ_i = ∑_j w_ij x_j"),
        (r"a \times b \leq \alpha \cdot \beta", "a × b ≤ α·β"),
        (r"\nabla_\theta J", "∇_θ J"),
        (r"O(\frac{1}{t^2})", "O(1/t²)"),
    ],
)
def test_formulas_read_unambiguously(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


def test_the_issue_example_has_no_backslashes() -> None:
    text = render_math(r"The output width is $\frac{N+2P-F}{S}+1$.")
    assert text == "The output width is (N+2P-F)/S+1."
    assert "\\" not in text


def test_broken_latex_falls_back_to_its_source() -> None:
    assert latex_to_unicode(r"\frac{1}{") != ""


def test_markdown_around_math_is_kept_and_math_is_escaped() -> None:
    text = render_math("**Bold** and $w_{ij} * x$ and `$code$`")
    assert text.startswith("**Bold** and w\\_ij \\* x")  # shown literally, not as emphasis
    assert text.endswith("`$code$`")  # code is left alone


def test_display_math_gets_its_own_paragraph() -> None:
    assert render_math("Before $$\\alpha$$ after") == "Before \n\nα\n\n after"


def test_dollar_amounts_are_not_math() -> None:
    assert render_math("It costs $5 and $6.") == "It costs $5 and $6."
    assert render_math(r"A literal \$ sign") == "A literal $ sign"


def test_fenced_code_is_not_converted() -> None:
    text = "```\n$\\frac{a}{b}$\n```\nthen $\\frac{a}{b}$"
    assert render_math(text) == "```\n$\\frac{a}{b}$\n```\nthen a/b"


def test_plain_text_is_one_line_without_markdown_marks() -> None:
    assert plain_text("**Output** size:\n\n$\\frac{N+2P-F}{S}+1$", width=20) == "Output size: (N+2P-…"


def test_plain_text_keeps_characters_that_are_not_markdown_marks() -> None:
    # What CommonMark renders (worked by hand): a ">" inside a line, a "#" not followed by a
    # heading's space-at-line-start, a lone "*" and escaped marks are text, not syntax.
    assert plain_text("keep units with x > 0 and # of channels") == "keep units with x > 0 and # of channels"
    assert plain_text("a * b and 2 * 3") == "a * b and 2 * 3"
    assert plain_text("a\\*b\\*c") == "a*b*c"
    assert plain_text("> quoted **bold** `x>1`") == "quoted bold x>1"
    assert plain_text("# Heading\n\nbody") == "Heading body"


@pytest.mark.parametrize(("latex", "expected"), [
    # csw182-notes/004: "1/2Δᵀ H Δ" read as 1/(2Δᵀ)
    (r"L(w) + g^T\Delta + \frac{1}{2} \Delta^T H \Delta", "L(w) + gᵀΔ + (1/2) Δᵀ H Δ"),
    # csw182-notes/058: two fractions ran together into "∂L/∂f_i∂f_i/∂W_j"
    (r"\sum_{i=1}^k \frac{\partial L}{\partial f_i} \frac{\partial f_i}{\partial W_j}",
     "∑_(i=1)ᵏ (∂L/∂f_i) (∂f_i/∂W_j)"),
    (r"L = \frac{1}{2}(wx - y)^2", "L = (1/2)(wx - y)²"),
    (r"2\frac{1}{2}", "2(1/2)"),
    (r"\int \frac{1}{x} dx", "∫(1/x) dx"),
    # alone, or between operators, a fraction needs no parentheses
    (r"x = \frac{a}{b}", "x = a/b"),
    (r"\frac{a+b}{c} + 1", "(a+b)/c + 1"),
    (r"\frac{\frac{a}{b}}{c}", "(a/b)/c"),
])
def test_a_fraction_next_to_a_term_is_parenthesized(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


def test_the_bundled_cards_with_a_fraction_before_a_term_read_unambiguously() -> None:
    from pathlib import Path

    import yaml

    cards = {card["id"]: card for card in yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "cards" / "csw182-notes.yaml").read_text())["cards"]}
    assert "(1/2) Δᵀ H Δ" in render_math(cards["004"]["back"] + cards["004"]["front"], escape=False)
    assert "(∂L/∂f_i) (∂f_i/∂W_j)" in render_math(cards["058"]["back"] + cards["058"]["front"], escape=False)


@pytest.mark.parametrize(("latex", "expected"), [
    ("a\x02b", "ab"), ("a\x03b", "ab"), ("\\frac{a\x03}{b}", "a/b"), ("\\frac{a}{b\x02}", "a/b"),
])
def test_a_stray_fraction_mark_in_the_source_is_dropped(latex: str, expected: str) -> None:
    """The fraction marks are control characters; one pasted into a formula looped the edit
    preview forever (`\\x02`) or paired with the wrong fraction (`\\x03`)."""
    assert latex_to_unicode(latex) == expected


@pytest.mark.parametrize(("latex", "expected"), [
    (r"\frac{1}{n}\|y-\hat{y}\|^2", "(1/n)‖y-ŷ‖²"),
    (r"\frac{1}{m}|x|", "(1/m)|x|"),
])
def test_a_fraction_before_a_norm_or_an_absolute_value_is_parenthesized(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


@pytest.mark.parametrize(("latex", "expected"), [
    # the blank after a script was dropped: "∑_iexp(x_i)" reads as one subscript "iexp"
    (r"\log \sum_i \exp(x_i)", "log ∑_i exp(x_i)"),  # an operator name stays a word: was "log∑"
    (r"\max \sigma", "max σ"),
    (r"\log\alpha", "logα"),  # (no blank in the source, none made up)
    (r"x_i \le y", "x_i ≤ y"),  # was "x_i≤ y"
    (r"x_i \leq \frac{a}{b}", "x_i ≤ a/b"),  # was "x_i≤a/b", as if x_(i≤a)/b
    (r"F_H \times F_W \times C", "F_H × F_W × C"),  # csw182-notes/028: was "F_H× F_W× C"
    (r"\mathrm{Var}(a_{out}) = F \cdot \mathrm{Var}(W)", "Var(a_out) = F · Var(W)"),  # was "F ·Var(W)"
    (r"\hat{y} \ne y", "ŷ ≠ y"),  # was "ŷ≠ y"
    (r"y^{(k)} = \gamma^{(k)} \hat{x}^{(k)}", "y⁽ᵏ⁾ = γ⁽ᵏ⁾ x̂⁽ᵏ⁾"),  # csw182-notes/029: was "γ⁽ᵏ⁾x̂⁽ᵏ⁾"
    (r"\alpha \cdot \beta", "α·β"),  # as typeset: no blank is made up
])
def test_blanks_around_scripts_and_relations_are_kept(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


OPERANDS = {  # LaTeX, and how it reads alone (by hand)
    "x_i": "x_i", r"\hat{y}": "ŷ", r"\gamma^{(k)}": "γ⁽ᵏ⁾", r"\mathrm{Var}(W)": "Var(W)", "F_H": "F_H",
    r"\frac{a}{b}": "a/b", r"\|w\|_2": "‖w‖₂", "W^T": "Wᵀ", r"\sum_i w_i": "∑_i w_i", "e^{-x}": "e⁻ˣ",
    r"\sqrt{d_k}": "√d_k", "a": "a", r"\alpha": "α", "n_{in}": "n_in",
}
RELATIONS = {"le": "≤", "ge": "≥", "ne": "≠", "approx": "≈", "times": "×", "cdot": "·", "to": "→",
             "leftarrow": "←", "sim": "∼", "in": "∈", "equiv": "≡", "pm": "±", "circ": "∘", "odot": "⊙"}


@given(st.sampled_from(sorted(OPERANDS)), st.sampled_from(sorted(RELATIONS)), st.sampled_from(sorted(OPERANDS)))
def test_a_spaced_relation_between_two_terms_reads_term_relation_term(left: str, relation: str,
                                                                      right: str) -> None:
    """`A \\le B` written with blanks reads "A ≤ B", whatever A and B end or start with (an
    operator between two symbols stays tight, as typeset: `\\alpha \\cdot \\beta` is "α·β")."""
    assume(not (relation in ("times", "cdot", "pm", "circ", "odot") and left == r"\alpha" and right.startswith("\\")))
    shown = latex_to_unicode(f"{left} \\{relation} {right}")
    assert shown == f"{OPERANDS[left]} {RELATIONS[relation]} {OPERANDS[right]}"


@pytest.mark.parametrize(("latex", "expected"), [
    (r"e^{i\pi}", "e^(iπ)"),  # was "e^iπ": (e^i)·π
    (r"h^{enc}", "h^(enc)"),  # was "h^enc"
    (r"x^{2.5}", "x^2.5"),  # a number, a symbol or a bracket needs no parentheses
    (r"x^*", "x^*"),  # was "x^(*)"
    (r"W^{[l]}", "W^[l]"),
    (r"x^{\top} W", "xᵀ W"),  # the transpose, as x^T: was "x^(⊤) W"
    (r"QK^\top", "QKᵀ"),
    (r"f''(x)", "f''(x)"),  # the second derivative: was "f”(x)", a closing quote
    (r"f'''(x)", "f'''(x)"),  # was "f”'(x)"
    (r"f^{\prime\prime}(x)", "f''(x)"),  # was "f^''(x)"
    (r"x--y", "x--y"),  # x minus minus y: was "x–y", an en dash
])
def test_exponents_and_primes_read_as_written(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


@given(st.text(alphabet="abhnxyzT0123+-", min_size=2, max_size=5))
def test_a_longer_exponent_is_all_superscripts_or_in_parentheses(exponent: str) -> None:
    """Never "x^ab" (x^a times b?): every character raised, or the whole exponent parenthesized."""
    shown = latex_to_unicode(f"y^{{{exponent}}}")
    raised = shown[1:]
    assert shown == f"y^({exponent})" or (
        shown[0] == "y" and len(raised) == len(exponent) and not any(c.isascii() for c in raised))


@pytest.mark.parametrize(("latex", "expected"), [
    (r"\overline{x}", "x\u0305"),  # a mean: was "x", the variable itself
    (r"\widehat{y}", "ŷ"),  # was "y"
    (r"\widetilde{x}", "x̃"),  # was "x"
    (r"\overrightarrow{AB}", "A\u20d7B\u20d7"),  # was "AB"
    (r"\underline{x}", "x\u0332"),
    (r"\hat{y_i}", "ŷ_i"),  # was "ŷ_̂î": the hat on the subscript too
    (r"\hat{W_{ij}}", "Ŵ_ij"),
    (r"\tilde{x^2}", "x̃²"),
    (r"\bar{x}^2", "x\u0305²"),
])
def test_accents_keep_their_mark_on_the_letter_only(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


MARKS = {"hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303", "bar": "\u0305", "overline": "\u0305",
         "vec": "\u20d7", "dot": "\u0307"}  # the combining characters, from the Unicode charts


@given(st.sampled_from(sorted(MARKS)), st.sampled_from("xyWθ"), st.text(alphabet="ijkt12", min_size=1, max_size=3))
def test_an_accented_letter_with_a_script_is_the_letter_marked_then_its_script(accent: str, letter: str,
                                                                              script: str) -> None:
    import unicodedata

    letter_tex = {"θ": r"\theta"}.get(letter, letter)
    shown = latex_to_unicode(f"\\{accent}{{{letter_tex}_{{{script}}}}}")
    unaccented = latex_to_unicode(f"{letter_tex}_{{{script}}}")
    assert shown == unicodedata.normalize("NFC", letter + MARKS[accent]) + unaccented[1:]


@pytest.mark.parametrize(("latex", "expected"), [
    (r"\operatorname*{argmax}_x f(x)", "argmax_x f(x)"),  # was "*argmax_x f(x)"
    (r"\mathop{\mathrm{argmax}}_x f", "argmax_x f"),  # was "\mathop argmax_x f"
    (r"\texttt{x} + 1", "x + 1"),  # was "\texttt + 1": the argument lost
    (r"a \xrightarrow{f} b", r"a \xrightarrow f b"),  # no rule: shown as written, argument kept
    (r"\binom{n}{k} p^k", "(n choose k) pᵏ"),  # was "\binom nk pᵏ"
])
def test_macros_with_arguments_show_their_arguments(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


@pytest.mark.parametrize(("latex", "expected"), [
    # was "1 y = k \n 0 otherwise": the value ran into its condition, and a line broke mid-formula
    (r"\begin{cases} 1 & y = k \\ 0 & \text{otherwise} \end{cases}", "{ 1, y = k; 0, otherwise }"),
    (r"f(x) = \begin{cases} x, & x > 0 \\ \alpha(e^x - 1), & x \le 0 \end{cases}",
     "f(x) = { x, x > 0; α(eˣ - 1), x ≤ 0 }"),
    (r"\det \begin{vmatrix} a & b \\ c & d \end{vmatrix}", "det | a b; c d |"),  # was "a b \n c d"
    (r"\begin{matrix} a & b \end{matrix}", "[ a b ]"),
    (r"\begin{pmatrix} 10 & 2 \\ 3 & 4 \end{pmatrix}", "[ 10 2; 3 4 ]"),
])
def test_cases_and_matrices_read_row_by_row_on_one_line(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


@pytest.mark.parametrize(("latex", "expected"), [
    # an unbraced macro as a script is the whole macro, as TeX and MathJax read it
    (r"x_\text{max}", "x_max"),  # was "x_()max"
    (r"W_\mathrm{out} + y_\text {min}", "W_out + y_min"),
    (r"x_\hat{a}", "x_â"),  # was "x_()a", the hat lost
    (r"x^\frac{1}{2}", "x^(1/2)"),  # was "x^(()/())12"
    (r"e^\sqrt{x}", "e^(√x)"),  # was "e^(√())x"
    # a script inside a subscript: "x_i²" read as (x_i)², which `x_i^2` is
    (r"x_{i^2}", "x_(i²)"),
    (r"x_i^2", "x_i²"),
    (r"x_{y_a}", "x_(y_a)"),  # was "x_y_a"
    (r"W_{i_1}", "W_(i₁)"),  # was "W_i₁"
])
def test_a_script_reads_as_the_one_tex_typesets(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected
