"""Formulas of plain characters and symbol macros skip pylatexenc: the same text as pylatexenc's, always."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from flashdl.presentation.latex_text import KEPT_OUT, SYMBOL_MACROS, _converted, _symbols_only, latex_to_unicode

REPO = Path(__file__).resolve().parents[2]
MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", re.DOTALL)


@pytest.mark.parametrize("name", sorted(SYMBOL_MACROS))
def test_each_symbol_is_what_pylatexenc_writes(name: str) -> None:
    assert _converted("\\" + name) == SYMBOL_MACROS[name]
    assert _converted(f"a \\{name} b") == _symbols_only(f"a \\{name} b")


def deck_formulas() -> list[str]:
    found = []
    for path in sorted([*REPO.glob("cards/*.yaml"), *REPO.glob("flashdl/bundled_decks/*.yaml")]):
        for card in yaml.safe_load(path.read_text(encoding="utf-8"))["cards"]:
            for side in ("front", "back"):
                found += [a or b for a, b in MATH.findall(str(card.get(side, "")))]
    return found


def test_every_formula_of_the_decks_converts_as_pylatexenc_converts_it() -> None:
    formulas = deck_formulas()
    simple = [f for f in formulas if _symbols_only(f) is not None]
    assert len(simple) > 100  # the fast path is worth having: ~40 % of them
    assert [_symbols_only(f) for f in simple] == [_converted(f) for f in simple]


PIECES = st.one_of(
    st.sampled_from([*SYMBOL_MACROS]).map(lambda name: "\\" + name),
    st.sampled_from(list("aAzZx019 \t\n+-=()[],./*<>|!?:;'") + ["--", "''", "\\", "\\q", "{", "}", "_", "^",
                                                                     "~", "&", "%", "\\ne", "\\,", "`", '"']),
    st.text(alphabet="abcxyzXY0123456789 ", max_size=4),
)


# mostly macros and blanks: where pylatexenc's spacing rules live
MACRO_HEAVY = st.one_of(
    st.sampled_from([*SYMBOL_MACROS]).map(lambda name: "\\" + name),
    st.sampled_from([" ", "  ", "\t", "\n", " \n ", "\n\n", "a", "1", "(", ")", "-", "'", "x y", "=", ",", "|"]),
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(PIECES, MACRO_HEAVY), max_size=12).map("".join))
@example("32 \\times 32")
@example("\\alpha \\alpha")  # found by hypothesis: blanks between two macros are dropped
@example(" \\to\\alpha")  # and blanks before a first macro
@example("\\alpha \n\n\\alpha")  # a blank line is a paragraph
@example("\\mu  v")
@example(" \\alpha ")
@example("a \n b")
@example("\\partial L")
@example("x \\in R")
def test_a_formula_either_goes_to_pylatexenc_or_reads_exactly_as_pylatexenc_reads_it(latex: str) -> None:
    fast = _symbols_only(latex)
    if fast is not None:
        assert fast == _converted(latex)
    assert latex_to_unicode(latex) == _converted(latex)


def test_a_simple_formula_does_not_import_pylatexenc() -> None:
    code = ("import sys\nfrom flashdl.presentation.latex_text import latex_to_unicode\n"
            "print(latex_to_unicode('H \\\\cdot W = 32 \\\\times 3'), 'pylatexenc' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "H · W = 32 × 3 False"


@pytest.mark.parametrize(("latex", "shown"), [("a \\ne b", "a ≠ b"), ("\\det A", "det A"),
                                              ("\\argmax_x f", "argmax_x f"), ("\\argmin_{w} L", "argmin_w L"),
                                              ("P \\implies Q", "P ⟹ Q"), ("\\Pr(A)", "Pr(A)"),
                                              ("\\operatorname{softmax}(z)", "softmax(z)"),
                                              ("\\left( x \\right)", "( x )")])
def test_operators_pylatexenc_does_not_know_are_not_dropped(latex: str, shown: str) -> None:
    # pylatexenc drops a macro it has no rule for: `a \ne b` read "a b" before flashdl named these
    assert _converted(latex) == shown


# The macros of amsmath/amssymb a deck is likely to use, beyond the decks' own.
COMMON_MACROS = (  # one string, split below
    "alpha beta gamma delta epsilon varepsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau "
    "upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega "
    "times cdot div pm mp le leq ge geq ne neq approx equiv sim simeq cong propto in notin ni subset subseteq "
    "supset supseteq cup cap setminus emptyset varnothing forall exists neg land lor to rightarrow leftarrow "
    "Rightarrow Leftarrow leftrightarrow Leftrightarrow iff implies mapsto infty partial nabla sum prod int oint "
    "ldots cdots vdots ddots dots star ast circ bullet odot otimes oplus mid parallel perp top bot intercal dagger "
    "ell hbar Re Im log ln exp max min sup inf lim limsup liminf det arg argmax argmin Pr sgn diag tr rank trace "
    "sin cos tan tanh sinh cosh lfloor rfloor lceil rceil langle rangle lvert rvert lVert rVert vert Vert "
    "coloneqq triangleq models colon cdotp prime degree checkmark ll gg lll ggg prec succ preceq succeq"
)


@pytest.mark.parametrize("name", COMMON_MACROS.split())
def test_no_common_macro_that_carries_meaning_vanishes(name: str) -> None:
    assert name not in KEPT_OUT
    assert _converted(f"a \\{name} b").replace(" ", "") not in ("ab", "a b")


@pytest.mark.parametrize(("latex", "shown"), [
    ("a \\llbracket x \\rrbracket b", "a \\llbracket x \\rrbracket b"),
    ("\\widecheck{x} + 1", "\\widecheck x + 1"),
    ("f = \\nosuchmacro", "f = \\nosuchmacro"),
])
def test_a_macro_nobody_knows_is_shown_as_written_not_dropped(latex: str, shown: str) -> None:
    assert _converted(latex) == shown


@pytest.mark.parametrize("name", sorted(KEPT_OUT))
def test_macros_that_only_set_type_are_dropped_and_their_arguments_kept(name: str) -> None:
    assert _converted(f"\\{name}{{x}} + 1") == "x + 1"
