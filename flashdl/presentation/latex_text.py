"""LaTeX in card text, turned into Unicode a terminal can show.

Cards are Markdown with ``$...$`` (inline) and ``$$...$$`` (display) math.
A terminal cannot typeset LaTeX, so each math span is converted with
pylatexenc's ``LatexNodes2Text`` plus a few rules that keep formulas
unambiguous on one line:

- ``\\frac{a+b}{c}`` becomes ``(a+b)/c`` (pylatexenc alone gives ``a+b/c``,
  which reads as a different formula); single symbols stay bare: ``2/n``.
- ``x^2``, ``W^T``, ``e^{-x}`` use superscript characters when every
  character has one (``x²``, ``Wᵀ``, ``e⁻ˣ``), else ``x^(n+1)``, ``e^(iπ)``; subscripts of
  digits become ``x₁``, other subscripts keep the underscore: ``w_ij``,
  ``x_(i+1)``.
- Spacing follows the source (``a \\times b`` stays ``a × b``).

Code spans and fenced code blocks are left as they are; ``\\$`` is a dollar.
Pure functions, no Textual: ``latex_to_unicode`` for one formula,
``render_math(markdown)`` for a whole card side (Markdown in, Markdown out),
``plain_text(markdown)`` for one-line previews (browse lists).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from flashdl.deck.model import MARKUP_MARKDOWN, MARKUP_PLAIN

if TYPE_CHECKING:
    from pathlib import Path

SUPERSCRIPTS = str.maketrans(  # ⊤ (`x^\\top`) is the transpose, as `x^T`
    "0123456789+-=()niTxajklmoprstuvwyz⊤",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀˣᵃʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷʸᶻᵀ",
)
SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SUPERSCRIPT_SOURCE = frozenset("0123456789+-=()niTxajklmoprstuvwyz⊤")
# An exponent shown after ``^`` without parentheses: one symbol (with its accents), a number, or
# a bracketed group. ``e^{i\\pi}`` as "e^iπ" read (e^i)·π.
_ONE_EXPONENT = re.compile(r"\S[\u0300-\u036f\u20d0-\u20ff]*|\d+(?:\.\d+)?|\([^()]*\)|\[[^\[\]]*\]")
_SUBSCRIPT_SOURCE = frozenset("0123456789+-=()")
_ATOM = re.compile(r"[∂∇√∛∜]?[\w.′']+|\([^()]*\)|\[[^\[\]]*\]|⌊[^⌊⌋]*⌋|⌈[^⌈⌉]*⌉|√\([^()]*\)", re.UNICODE)

# Math spans: $$...$$ first, then $...$ (pandoc's rule: no space just inside the
# dollars, no digit right after the closing one, so "costs $5 and $6" stays text).
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?=\S)((?:\\\$|[^$\n])+?)(?<=\S)(?<!\\)\$(?!\d)")
_PAREN_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)
# Characters that can be Markdown syntax; text without any is its own rendering.
_MARKDOWN_MARKS = re.compile(r"[\\`*_#>\[\]<!&|~=+-]|^ {4}|\d[.)]", re.MULTILINE)
_CODE = re.compile(r"(^```.*?^```[ \t]*$|^~~~.*?^~~~[ \t]*$|`[^`\n]+`)", re.DOTALL | re.MULTILINE)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _is_atom(text: str) -> bool:
    return bool(_ATOM.fullmatch(text))


def _tidy(text: str) -> str:
    """``\\partial L`` reads ∂L, relations are spaced, brackets hug; runs of spaces become one."""
    text = re.sub(r"([∂∇√]) (?=\w)", r"\1", text)
    # `a \times b`: a space on both sides when the source has one on either (pylatexenc drops the
    # blank after a macro before another macro: `F \cdot \mathrm{Var}` read "F ·Var")
    text = re.sub(r"(?<=\S) ([×·±∓÷∘⊙⊗⊕]) ?(?=\S)", r" \1 ", text)
    text = re.sub(r"(?<=\S)([×·±∓÷∘⊙⊗⊕]) (?=\S)", r" \1 ", text)
    # relations and arrows are always spaced: `x_i \le y` read "x_i≤ y", `W \sim N`, `x \in R`
    text = re.sub(r"\s*([≤≥≠≈≡→←⇒⇔∼∈∉∝⊂⊆≪≫↦])\s*", r" \1 ", text)
    text = re.sub(r"([⌊⌈⟨])[ \t]+|[ \t]+([⌋⌉⟩])", r"\1\2", text)  # `\lfloor x \rfloor`: ⌊x⌋
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _wrap(text: str) -> str:
    """``text`` as one operand: parenthesized unless it already is one symbol or group."""
    text = _tidy(text)
    return text if _is_atom(text) else f"({text})"


def superscript(text: str) -> str:
    text = text.strip()
    if text and set(text) <= _SUPERSCRIPT_SOURCE:
        return text.translate(SUPERSCRIPTS)
    if text and set(text) <= {"'", "′"}:  # `f^{\\prime\\prime}` is f''
        return text
    text = _tidy(text)
    return "^" + (text if _ONE_EXPONENT.fullmatch(text) else f"({text})")


def subscript(text: str) -> str:
    text = text.strip()
    if text and set(text) <= _SUBSCRIPT_SOURCE:
        return text.translate(SUBSCRIPTS)
    if _SCRIPT_CHARS.intersection(text):  # `x_{i^2}` read "x_i²", as `x_i^2` (x_i)² reads
        return f"_({_tidy(text)})"
    return "_" + _wrap(text)


# Accents, as the combining mark each letter of their argument gets. pylatexenc drops the wide ones
# and the over/underlines (`\\overline{x}`, a mean, read "x") and marks every character,
# scripts too (`\\hat{y_i}` read "ŷ_̂î").
ACCENTS: dict[str, str] = {
    "hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303", "widetilde": "\u0303", "bar": "\u0305",
    "overline": "\u0305", "underline": "\u0332", "vec": "\u20d7", "overrightarrow": "\u20d7",
    "overleftarrow": "\u20d6", "dot": "\u0307", "ddot": "\u0308", "check": "\u030c", "breve": "\u0306",
    "acute": "\u0301", "grave": "\u0300",
}
_SCRIPT_CHARS = frozenset("_^" + "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀˣᵃʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷʸᶻ" + "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")


def accented(text: str, mark: str) -> str:
    """``text`` with ``mark`` on each character before its first script: ``\\hat{W_{ij}}`` is Ŵ_ij."""
    import unicodedata

    text = text.strip()
    end = next((index for index, char in enumerate(text) if char in _SCRIPT_CHARS), len(text))
    body = "".join(char if char.isspace() else char + mark for char in text[:end])
    return unicodedata.normalize("NFC", body) + text[end:]


# Macros pylatexenc has no rule for and would drop, as they read.
_UNKNOWN_TO_PYLATEXENC: dict[str, str] = {
    "ne": "≠", "iff": "⇔", "implies": "⟹", "coloneqq": "≔", "models": "⊨", "colon": ":", "cdotp": "·",
    "lll": "⋘", "ggg": "⋙", "Re": "ℜ", "Im": "ℑ", "degree": "°", "checkmark": "✓", "clubsuit": "♣",
    "spadesuit": "♠", "det": "det", "argmax": "argmax", "argmin": "argmin", "Pr": "Pr", "arg": "arg",
    "sgn": "sgn", "diag": "diag", "tr": "tr", "rank": "rank", "trace": "trace", "neg": "¬", "land": "∧",
    "lor": "∨", "bot": "⊥",
}
# Macros that only set type: dropped (their arguments are still shown).
KEPT_OUT = frozenset({"operatorname", "boldsymbol", "bm", "left", "right", "big", "Big", "bigl", "bigr",
                      "displaystyle", "textstyle", "limits", "nolimits", "mathop", "mathbin", "mathrel",
                      "mathord", "texttt", "textsf", "textnormal", "textup", "textsl", "textsc"})


def _unknown_macro(node: Any, macroname: str, l2tobj: Any) -> str:
    """A macro with no rule, as its source, with the arguments pylatexenc read for it (it passes
    the name and converter by keyword; `\\texttt{x}` read "\\texttt", its argument lost); the
    space keeps it apart from an argument group after it (`\\widecheck{x}` reads "\\widecheck x")."""
    args = node.nodeargd.argnlist if node.nodeargd and node.nodeargd.argnlist else []
    shown = [str(l2tobj.nodelist_to_text([arg])).strip() for arg in args if arg is not None]
    return " ".join(["\\" + macroname, *filter(None, shown)]) + " "


@lru_cache(maxsize=1)
def _converter() -> Any:
    """A LatexNodes2Text with flashdl's rules (built once; ~5 ms)."""
    from pylatexenc import latexwalker, macrospec  # type: ignore[import-untyped]
    from pylatexenc.latex2text import (  # type: ignore[import-untyped]
        EnvironmentTextSpec,
        LatexNodes2Text,
        MacroTextSpec,
        SpecialsTextSpec,
    )
    from pylatexenc.latex2text import get_default_latex_context_db as text_db

    walker_db = latexwalker.get_default_latex_context_db()
    walker_db.add_context_category(
        "flashdl-scripts",
        prepend=True,
        specials=[
            macrospec.SpecialsSpec("^", args_parser=macrospec.MacroStandardArgsParser("{")),
            macrospec.SpecialsSpec("_", args_parser=macrospec.MacroStandardArgsParser("{")),
        ],
        macros=[
            *(macrospec.MacroSpec(name, "{{") for name in ("frac", "dfrac", "tfrac")),
            macrospec.MacroSpec("sqrt", "[{"),
            macrospec.MacroSpec("operatorname", "*{"),
            *(macrospec.MacroSpec(name, "{{") for name in ("binom", "dbinom", "tbinom")),
        ],
    )

    def argument(node: Any, l2tobj: Any, index: int) -> str:
        args = node.nodeargd.argnlist if node.nodeargd else []
        if index >= len(args) or args[index] is None:
            return ""
        return str(l2tobj.nodelist_to_text([args[index]]))

    # pylatexenc passes arguments by name: the converter must be called ``l2tobj``.
    def fraction(node: Any, l2tobj: Any) -> str:   # marked: its neighbours decide (`_place_fractions`)
        return f"{_FRACTION_START}{_wrap(argument(node, l2tobj, 0))}/{_wrap(argument(node, l2tobj, 1))}{_FRACTION_END}"

    def binomial(node: Any, l2tobj: Any) -> str:  # `\\binom{n}{k}` read "\\binom nk"
        return f"({_tidy(argument(node, l2tobj, 0))} choose {_tidy(argument(node, l2tobj, 1))})"

    def root(node: Any, l2tobj: Any) -> str:
        degree = argument(node, l2tobj, 0).strip()
        sign = {"": "√", "3": "∛", "4": "∜"}.get(degree, f"{degree}√")
        return sign + _wrap(argument(node, l2tobj, 1))

    def script(node: Any, l2tobj: Any) -> str:
        body = argument(node, l2tobj, 0)
        text = superscript(body) if node.specials_chars == "^" else subscript(body)
        args = node.nodeargd.argnlist if node.nodeargd else []
        spaced = bool(args) and bool(getattr(args[0], "macro_post_space", ""))
        return text + " " if spaced else text  # `\nabla_\theta J` keeps its space

    db = text_db()
    def rows(node: Any, l2tobj: Any) -> list[list[str]]:
        """The cells of an environment's rows (``&`` between cells, ``\\\\`` between rows)."""
        table: list[list[str]] = [[]]
        cell: list[Any] = []
        for child in node.nodelist:
            if child.isNodeType(latexwalker.LatexSpecialsNode) and child.specials_chars == "&":
                table[-1].append(_tidy(str(l2tobj.nodelist_to_text(cell))))
                cell = []
            elif child.isNodeType(latexwalker.LatexMacroNode) and child.macroname == "\\":
                table[-1].append(_tidy(str(l2tobj.nodelist_to_text(cell))))
                table.append([])
                cell = []
            else:
                cell.append(child)
        table[-1].append(_tidy(str(l2tobj.nodelist_to_text(cell))))
        return [row for row in table if any(row)]

    def cases(node: Any, l2tobj: Any) -> str:
        """`{ 1, y = k; 0, otherwise }`: the value and its condition read "1 y = k" on one line."""
        return "{ " + "; ".join(", ".join(cell.rstrip(",") if index == 0 else cell
                                          for index, cell in enumerate(row) if cell)
                                for row in rows(node, l2tobj)) + " }"

    def matrix(node: Any, l2tobj: Any, left: str, right: str) -> str:
        """`[ a b; c d ]`, as pylatexenc writes a pmatrix; plain and v-matrices read "a b \\n c d"."""
        return f"{left} " + "; ".join(" ".join(row) for row in rows(node, l2tobj)) + f" {right}"

    db.add_context_category(
        "flashdl-scripts",
        prepend=True,
        environments=[
            *(EnvironmentTextSpec(name, simplify_repl=cases) for name in ("cases", "dcases")),
            *(EnvironmentTextSpec(name, simplify_repl=lambda node, l2tobj, marks=marks: matrix(
                node, l2tobj, *marks)) for name, marks in (
                    ("matrix", "[]"), ("vmatrix", "||"), ("Vmatrix", "‖‖"), ("smallmatrix", "[]"))),
        ],
        macros=[
            *(MacroTextSpec(name, simplify_repl=fraction) for name in ("frac", "dfrac", "tfrac")),
            MacroTextSpec("sqrt", simplify_repl=root),
            *(MacroTextSpec(name, simplify_repl=lambda node, l2tobj, mark=mark: accented(
                argument(node, l2tobj, 0), mark)) for name, mark in ACCENTS.items()),
            MacroTextSpec("|", "‖"),  # a norm, ‖x‖ (pylatexenc drops it)
            # pylatexenc drops a macro it has no rule for: `a \ne b` would read "a b", `P \implies Q`
            # "P Q". These carry meaning; the ones it may drop only set type (``KEPT_OUT``).
            *(MacroTextSpec(name, text) for name, text in _UNKNOWN_TO_PYLATEXENC.items()),
            *(MacroTextSpec(name, discard=False) for name in KEPT_OUT - {"operatorname"}),
            # `\\operatorname*{argmax}` (limits below) read "*argmax": the star is no argument
            MacroTextSpec("operatorname", simplify_repl=lambda node, l2tobj: argument(node, l2tobj, 1)),
            *(MacroTextSpec(name, simplify_repl=binomial) for name in ("binom", "dbinom", "tbinom")),
            MacroTextSpec("quad", " "),
            MacroTextSpec("qquad", "  "),
        ],
        specials=[SpecialsTextSpec("^", simplify_repl=script), SpecialsTextSpec("_", simplify_repl=script),
                  # text typography, not math: `f''(x)` read f”(x), `x--y` x–y
                  *(SpecialsTextSpec(chars, chars) for chars in ("''", "``", "--", "---", "!`", "?`"))],
    )
    # Any other macro pylatexenc does not know is shown as written (`\\llbracket`), not dropped:
    # a student then sees that something is there.
    db.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_unknown_macro))

    class Converter(LatexNodes2Text):  # type: ignore[misc]
        def chars_node_to_text(self, node: Any, textcol: int = 0) -> str:
            """Blanks between two constructs as one space, where pylatexenc drops them: `\\sum_i
            \\exp(x_i)` read "∑_iexp(x_i)", one subscript, and `x_i \\le y` "x_i≤ y"."""
            text = str(super().chars_node_to_text(node, textcol=textcol))
            return " " if not text and node.chars else text

    converter = Converter(latex_context=db, math_mode="text", strict_latex_spaces="based-on-source")
    converter._flashdl_walker_db = walker_db
    return converter


# Operator names (``\\log``) take no argument in LaTeX, so ``\\log{x}`` would run together
# as "logx": a control space keeps them apart, as the typeset formula does.
# So are an operator name and a macro the source keeps apart (`\\log \\sum_i` read "log∑_i").
OPERATOR_NAMES = ("log", "ln", "lg", "exp", "sin", "cos", "tan", "sinh", "cosh", "tanh", "max", "min",
                  "arg", "argmax", "argmin", "det", "sup", "inf", "Pr")
_OPERATOR_GROUP = re.compile(
    rf"\\({'|'.join(OPERATOR_NAMES)})(?![A-Za-z])"
    r"(?:\s*(?=\{)|[ \t]+(?=\\(?!(?:left|right|big|Big|bigl|bigr|limits|nolimits)(?![A-Za-z]))[A-Za-z]))"
)
# A word written right before a brace group (``Var{a_{out}}``) is a function applied to it:
# "Var(a_out)", not "Vara_out".
_WORD_BEFORE_GROUP = re.compile(
    r"(?:(?<![\\A-Za-z])[A-Za-z]{2,}|\\(?:mathrm|operatorname|text|textrm|mathit)\{[A-Za-z]{2,}\})\{"
)
# A one-letter script right before another letter (``W_ia_i``): LaTeX scripts just the one
# letter; a space keeps "W_i a_i" from reading as "W_(ia_i)".
_SCRIPT_BEFORE_LETTER = re.compile(r"([_^])([A-Za-z])(?=[A-Za-z0-9\\])")


def _matching_brace(text: str, start: int) -> int:
    """The index of the ``}`` closing the ``{`` at ``start`` (-1 if unbalanced)."""
    depth = 0
    index = start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


# A script that is a macro with arguments, unbraced (`x_\\text{max}`, `x^\\frac{1}{2}`): TeX scripts
# the whole macro; the parser took the bare macro alone ("x_()max", "x^(()/())12").
_ARGUMENTS_OF = {**dict.fromkeys(("frac", "dfrac", "tfrac", "binom"), 2), **dict.fromkeys((
    "text", "textrm", "textbf", "textit", "textsf", "texttt", "mathrm", "mathbf", "mathit", "mathsf",
    "mathtt", "mathcal", "mathbb", "mathfrak", "mathscr", "operatorname", "boldsymbol", "bm", "sqrt",
    *ACCENTS), 1)}
_SCRIPT_MACRO = re.compile(rf"[_^][ \t]*\\({'|'.join(_ARGUMENTS_OF)})(?![A-Za-z])[ \t]*(?=\{{)")


def _braced_script_macros(latex: str) -> str:
    """``x_\\text{max}`` as ``x_{\\text{max}}``: the macro and its argument groups are the script."""
    found = _SCRIPT_MACRO.search(latex)
    while found is not None:
        end = found.end()
        for _ in range(_ARGUMENTS_OF[found.group(1)]):
            end += len(latex[end:]) - len(latex[end:].lstrip(" \t"))
            closing = _matching_brace(latex, end) if latex[end:end + 1] == "{" else -1
            if closing < 0:
                break
            end = closing + 1
        latex = f"{latex[:found.start() + 1]}{{{latex[found.start(1) - 1:end]}}}{latex[end:]}"
        found = _SCRIPT_MACRO.search(latex, found.start() + 2)
    return latex


def _prepare(latex: str) -> str:
    """Source rewrites that keep a formula readable once it is on one line (see above)."""
    latex = _braced_script_macros(latex) if "_" in latex or "^" in latex else latex
    latex = _OPERATOR_GROUP.sub(lambda m: f"\\{m.group(1)}\\ ", latex)
    found = _WORD_BEFORE_GROUP.search(latex)
    while found is not None:
        opening = found.end() - 1
        closing = _matching_brace(latex, opening)
        if closing < 0:
            break
        latex = f"{latex[:opening]}\\left({latex[opening + 1:closing]}\\right){latex[closing + 1:]}"
        found = _WORD_BEFORE_GROUP.search(latex, opening)
    return _SCRIPT_BEFORE_LETTER.sub(
        lambda m: m.group(0) if _scripts_cleanly(m.group(1), m.group(2)) else f"{m.group(1)}{m.group(2)} ",
        latex,
    )


def _scripts_cleanly(mark: str, letter: str) -> bool:
    """A letter that becomes a Unicode superscript needs no space after it (``x^ny``)."""
    return mark == "^" and letter in _SUPERSCRIPT_SOURCE


# Symbol macros as pylatexenc (with the rules above) writes them; a formula of these and plain
# characters only is converted without pylatexenc (``_symbols_only``). Importing it and
# building the converter take ~10 ms, a tenth of a `flashdl show`, and 40 % of the decks'
# formulas are this simple (``32 \times 32``, ``H \cdot W``, ``\alpha``).
# tests/presentation/test_latex_symbols_only.py holds each entry, and the whole conversion, to
# pylatexenc's.
SYMBOL_MACROS: dict[str, str] = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "times": "×", "cdot": "·", "div": "÷", "pm": "±", "mp": "∓", "le": "≤", "leq": "≤",
    "ge": "≥", "geq": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "equiv": "≡", "sim": "∼",
    "propto": "∝", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "ll": "≪", "gg": "≫",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "mapsto": "↦",
    "infty": "∞", "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫",
    "ldots": "…", "cdots": "⋯", "dots": "…", "star": "⋆", "circ": "∘", "odot": "⊙",
    "otimes": "⊗", "oplus": "⊕", "mid": "|", "forall": "∀", "exists": "∃",
    "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "langle": "⟨", "rangle": "⟩",
    "log": "log", "ln": "ln", "exp": "exp", "max": "max", "min": "min", "det": "det",
    "argmax": "argmax", "argmin": "argmin",
    "sin": "sin", "cos": "cos", "tan": "tan", "tanh": "tanh", "sinh": "sinh", "cosh": "cosh",
}
# ASCII letters, digits, spaces and the punctuation pylatexenc copies as it is, and macros
# made of letters; not the pairs it turns into typography (``--``, ``''``), nor line breaks
# (a blank line is a paragraph to pylatexenc).
_SYMBOLS_ONLY = re.compile(r"(?:[A-Za-z0-9 \t+=()\[\],./*<>|!?:;]|-(?!-)|'(?!')|\\[A-Za-z]+)*")
# The blanks after a macro are dropped before another macro (`\eta \nabla` reads "η∇"), kept otherwise
# and after an operator name (`\log \sigma`: "log σ", as `_prepare` keeps them).
_SYMBOL_MACRO = re.compile(r"\\([A-Za-z]+)(?:[ \t]+(?=\\[A-Za-z]))?")


def _symbols_only(latex: str) -> str | None:
    """``latex`` converted as pylatexenc would, when it is plain characters and symbol macros."""
    if not _SYMBOLS_ONLY.fullmatch(latex):
        return None
    names = _SYMBOL_MACRO.findall(latex)
    if not all(name in SYMBOL_MACROS for name in names):
        return None
    if not names:
        return _tidy(latex)
    stripped = latex.lstrip(" \t")
    if stripped.startswith("\\"):  # blanks before a first macro are dropped as well
        latex = stripped
    return _tidy(_SYMBOL_MACRO.sub(lambda m: SYMBOL_MACROS[m.group(1)] + (
        " " if m.group(1) in OPERATOR_NAMES and m.group(0) != "\\" + m.group(1) else ""), latex))


@lru_cache(maxsize=4096)
def latex_to_unicode(latex: str) -> str:
    """One LaTeX formula (without its ``$``) as readable Unicode text."""
    simple = _symbols_only(latex)
    return simple if simple is not None else _converted(latex)


def _converted(latex: str) -> str:
    """``latex_to_unicode`` through pylatexenc: any formula."""
    from pylatexenc.latexwalker import LatexWalker  # type: ignore[import-untyped]

    converter = _converter()
    # the fraction marks are control characters no formula shows: a stray one (pasted) is dropped
    latex = _prepare(latex.replace(_FRACTION_START, "").replace(_FRACTION_END, ""))
    try:
        walker = LatexWalker(latex, latex_context=converter._flashdl_walker_db, tolerant_parsing=True)
        nodes, _, _ = walker.get_latex_nodes()
        text = converter.nodelist_to_text(nodes)
    except Exception:  # pylatexenc raises bare Exceptions on odd input: show the source
        return latex.strip()
    return _tidy(_place_fractions(str(text)))


# A fraction is converted between these marks, then parenthesized where it touches a term:
# `\frac{1}{2} \Delta^T H` as "1/2Δᵀ H" read 1/(2Δᵀ), two fractions in a row ran together.
_FRACTION_START, _FRACTION_END = "\x02", "\x03"
_INNERMOST_FRACTION = re.compile("\x02([^\x02\x03]*)\x03")
_TERM_AFTER = "([[⌊⌈∂∇√∛∜∫∑∏‖|" + _FRACTION_START
_TERM_BEFORE = ")]⌋⌉′'!‖|" + _FRACTION_END


def _place_fractions(text: str) -> str:
    """Each marked fraction as ``a/b``, or ``(a/b)`` where a term is next to it (a letter, a
    digit, a bracket, ∂, another fraction …): ``= 1/2 + x`` stays, ``(1/2)Δᵀ`` and
    ``(∂L/∂f)(∂f/∂W)`` are wrapped."""
    while True:
        def placed(match: re.Match[str]) -> str:
            before = match.string[: match.start()].rstrip()
            after = match.string[match.end():].lstrip()
            touches = (bool(before) and (before[-1].isalnum() or before[-1] in _TERM_BEFORE)) or (
                bool(after) and (after[0].isalnum() or after[0] in _TERM_AFTER))
            return f"({match.group(1)})" if touches else match.group(1)

        text, count = _INNERMOST_FRACTION.subn(placed, text)
        if not count:   # every mark placed (a mark with no partner cannot stay: dropped)
            return text.replace(_FRACTION_START, "").replace(_FRACTION_END, "")


def warm_up() -> None:
    """Build the converter ahead of the first formula (pylatexenc import ~0.1 s): call from a worker."""
    latex_to_unicode(r"\frac{a}{b}")


def _replace_math(text: str, convert: Any) -> str:
    text = _DISPLAY_MATH.sub(lambda m: convert(m.group(1), display=True), text)
    text = _PAREN_MATH.sub(
        lambda m: convert(m.group(1) or m.group(2), display=m.group(2) is not None), text
    )
    return _INLINE_MATH.sub(lambda m: convert(m.group(1), display=False), text)


def _outside_code(markdown: str, transform: Any) -> str:
    """Apply ``transform`` to the parts of ``markdown`` that are not code."""
    parts = _CODE.split(markdown)
    return "".join(part if index % 2 else transform(part) for index, part in enumerate(parts))


def render_math(markdown: str, *, escape: bool = True) -> str:
    """A card side with every math span turned into Unicode, still valid Markdown.

    Converted formulas are escaped so Markdown shows them literally
    (``w_ij * x`` must not become emphasis); display math gets its own line.
    ``escape=False``: for text printed as it is (line mode, ``show``), where
    those backslashes would be read out, not rendered.
    """
    if "$" not in markdown and "\\(" not in markdown and "\\[" not in markdown:
        return markdown

    def convert(latex: str, *, display: bool) -> str:
        text = latex_to_unicode(latex)
        if escape:
            text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
        return f"\n\n{text}\n\n" if display else text

    def transform(part: str) -> str:
        return _replace_math(part, convert).replace("\\$", "$")

    return _outside_code(markdown, transform)


def plain_text(markdown: str, *, width: int | None = None, markup: str = MARKUP_MARKDOWN,
               media_dir: Path | None = None) -> str:
    """One line of readable text (math converted, Markdown marks dropped) for lists.

    Text of ``markup: plain`` keeps every character (only its math is converted). Pictures
    are ``[image: NAME]``; with ``media_dir``, ``[image missing: NAME]`` or ``[image
    unreadable: NAME]`` when the file is absent or no picture (``card_media``).
    """

    if "![" in markdown or "[sound:" in markdown:  # pictures and sounds as "[image: NAME]"
        from flashdl.presentation.card_media import media_lines

        markdown = media_lines(markdown, media_dir)
    if markup == MARKUP_PLAIN:
        from flashdl.presentation.card_text import render_plain

        text = render_plain(markdown)
    else:
        text = _markdown_words(render_math(markdown))
    text = " ".join(text.split())
    if width is not None and len(text) > width:
        text = text[: max(width - 1, 0)] + "…"
    return text


@lru_cache(maxsize=1)
def _markdown_parser() -> Any:
    """The parser the study screen's Markdown widget uses (rich's settings), built once."""
    from markdown_it import MarkdownIt

    return MarkdownIt().enable("strikethrough").enable("table")


def _markdown_words(markdown: str) -> str:
    """The text a reader sees in rendered Markdown: marks dropped by the Markdown parser itself,
    so ``x > 0``, ``# of channels`` or a lone ``*`` stay as written (a regex cannot tell)."""
    if not _MARKDOWN_MARKS.search(markdown):
        return markdown
    words: list[str] = []
    for token in _markdown_parser().parse(markdown):
        if token.type in ("fence", "code_block", "html_block"):
            words.append(token.content)
        for child in token.children or ():
            if child.type in ("text", "code_inline", "html_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
            elif child.type == "image":
                words.append(f"[image: {child.attrs.get('src', '')}]")
        words.append(" ")
    return "".join(words)
