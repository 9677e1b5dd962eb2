"""Anki's HTML fields and flashdl's Markdown text, both ways.

Cards in flashdl are Markdown with ``$...$`` LaTeX; Anki fields are HTML with
MathJax's ``\\(...\\)`` and ``\\[...\\]``. Export renders the small subset
flashdl decks use (line breaks, bold, code, images, math) deterministically,
so an unchanged field can be recognised on the way back. Import takes three
roads, cheapest first, because a large collection has a few hundred thousand
fields: plain text (no ``<`` or ``&``) is kept as it is; HTML made only of
the simple inline tags Anki's editor writes is rewritten with regular
expressions; anything richer (lists, tables) goes through ``markdownify``.
Math is set aside before conversion so that nothing escapes its ``_`` or ``*``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

# ``$$display$$`` or ``$inline$`` not after a ``\`` or ``$``; the leading ``\$`` is
# shared (the look-behind then spans it) so that the engine skips to each ``$``. The rule flashdl
# shows cards by (``card_text``, ``latex_text``): no blank just inside the dollars, no digit right
# after the closing one, ``\$`` inside (Anki got "from $5-$10" as math ``\(5-\)10``).
_MATH_MD = re.compile(  # no span opens at an escaped dollar: card_text's rule, where ``\$`` is one character
    r"(?<!\\)\$(?:\$(.+?)\$\$|(?<![\\$]\$)(?!\s)((?:\\\$|[^$\n])+?)(?<![\s\\])\$(?!\d))", re.DOTALL)
_CODE_MD = re.compile(r"`([^`\n]+)`")
_BOLD_MD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_IMAGE_MD = re.compile(r"!\[([^\]\n]*)\]\(([^)\s]+)\)")
# MathJax ``\(..\)``, ``\[..\]``, and Anki's older LaTeX tags ``[$]..[/$]``, ``[$$]..[/$$]``
# (math too; Anki renders them as pictures): groups 1, 3 inline, 2, 4 display
_MATH_HTML = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\[\$\](.+?)\[/\$\]|\[\$\$\](.+?)\[/\$\$\]",
                        re.DOTALL)
_SIMPLE_TAG = re.compile(
    r"<(/?)(br|div|p|b|strong|i|em|u|code|span|font|img)\b([^>]*)>", re.IGNORECASE
)
_ANY_TAG = re.compile(r"<[^>]*>")
_IMG_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_IMG_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_BLANK_RUN = re.compile(r"\n{3,}")
_PLACEHOLDER = "\x00{}\x00"
_PLACEHOLDER_RE = re.compile("\x00(\\d+)\x00")


_SPECIAL = frozenset("$`*![<>&\n")
# Many texts are rendered as one: joined by a character none of them holds, with
# every pattern kept from crossing it, each pass runs once over all of them.
_JOIN = "\x02"  # not whitespace for ``\s``, so the lookarounds see it as they see text
_MATH_MANY = re.compile(r"(?<!\\)\$(?:\$([^\x02]+?)\$\$|(?<![\\$]\$)(?!\s)((?:\\\$|[^$\n\x02])+?)(?<![\s\\])\$(?!\d))")
_CODE_MANY = re.compile(r"`([^`\n\x02]+)`")
_BOLD_MANY = re.compile(r"\*\*(?=\S)([^\n\x02]+?)(?<=\S)\*\*")
_IMAGE_MANY = re.compile(r"!\[([^\]\n\x02]*)\]\(([^)\s\x02]+)\)")
_HELD = "\x00"  # where a math span was set aside
_PATTERNS = (_MATH_MD, _CODE_MD, _BOLD_MD, _IMAGE_MD)
_PATTERNS_MANY = (_MATH_MANY, _CODE_MANY, _BOLD_MANY, _IMAGE_MANY)


def markdown_to_html(text: str) -> str:
    """The HTML an Anki field gets for a flashdl Markdown text (a deterministic subset).

    Escaping first (math keeps its escaped ``<``), then math, code, bold,
    images, line breaks; each pass only when its marker occurs.
    """
    if _SPECIAL.isdisjoint(text):
        return text  # most card text: nothing to escape or render
    return _render(text, _PATTERNS)


def markdown_to_html_many(texts: list[str]) -> list[str]:
    """``markdown_to_html`` of each text, rendered together (a large export has 200,000).

    The texts are joined by a character none of them holds, and each pass
    runs once over all of them with patterns that never cross it; texts
    holding that character or a NUL are rendered one at a time instead.
    Measured (CPU time, 2026-12-03): the 200,000 texts of ``bench_transfer.py``'s 100,000-note
    export take 0.17-0.18 s this way and 0.40-0.41 s one at a time, 15% of that export's figure.
    """
    joined = _JOIN.join(texts)
    if not texts or _HELD in joined or joined.count(_JOIN) != len(texts) - 1:
        return [markdown_to_html(text) for text in texts]
    return _render(joined, _PATTERNS_MANY).split(_JOIN)


def _render(text: str, patterns: tuple[re.Pattern[str], ...]) -> str:
    """The passes of ``markdown_to_html``, each one ``re.split`` put back together with
    C-level ``str.format``: no Python call per match. Math spans are set aside as
    one NUL each (the text's own NULs dropped first) and put back in order, so
    no later pass touches their ``*`` or `````. Measured (CPU time, 2026-12-03): the 200,000
    texts of a 100,000-note export, one at a time, take 0.40 s this way and 0.78-0.82 s with
    ``re.sub`` and a callback per match (the reference in tests/transfer/test_apkg_fast_paths.py)."""
    math, code, bold, image = patterns
    out = text
    if "&" in out:
        out = out.replace("&", "&amp;")
    if "<" in out:
        out = out.replace("<", "&lt;")
    if ">" in out:
        out = out.replace(">", "&gt;")
    maths: list[str] = []
    if "$" in out:
        if _HELD in out:
            out = out.replace(_HELD, "")
        pieces = math.split(out)
        if len(pieces) > 1:
            maths = [f"\\[{display}\\]" if display is not None else f"\\({inline}\\)"
                     for display, inline in zip(pieces[1::3], pieces[2::3])]
            out = _HELD.join(pieces[0::3])
    if "`" in out:
        out = _wrap(code, out, "<code>{}</code>")
    if "**" in out:
        out = _wrap(bold, out, "<b>{}</b>")
    numbered = False
    if "![" in out:
        if maths and _HELD in out:
            # the tag writes src before alt: a formula in each would come back in the wrong one if
            # the spans were put back in order (`![$0$]($1$)`), so they are numbered first
            held = out.split(_HELD)
            out = "".join(piece + (_PLACEHOLDER.format(k) if k < len(held) - 1 else "")
                          for k, piece in enumerate(held))
            numbered = True
        pieces = image.split(out)
        pieces[1::3] = map('<img src="{1}" alt="{0}">'.format, pieces[1::3], pieces[2::3])
        del pieces[2::3]
        out = "".join(pieces)
    if "\n" in out:
        out = out.replace("\n", "<br>")  # (not inside math, restored after: MathJax reads newlines)
    if numbered:
        out = _PLACEHOLDER_RE.sub(lambda m: maths[int(m.group(1))], out)
    elif maths:
        pieces = out.split(_HELD)
        merged = [""] * (2 * len(pieces) - 1)
        merged[0::2] = pieces
        merged[1::2] = maths
        out = "".join(merged)
    return out


_PLAIN_SPECIAL = frozenset("$&<>\n")
_SPACE_RUN = re.compile(r"(?<=\n) +| {2,}")  # an indent or a run of spaces: HTML would fold it


def plain_to_html(text: str) -> str:
    """The HTML an Anki field gets for a card of ``markup: plain`` (shown exactly as written).

    Every character is kept: ``&``, ``<`` and ``>`` escaped, line breaks as
    ``<br>``, runs of spaces and indents as no-break spaces (HTML would fold
    them); ``$...$`` math becomes MathJax's ``\\(...\\)`` as for Markdown
    cards, and ``\\$`` a dollar. Nothing else is read as markup: ``*``,
    ``_``, ``#`` and backticks stay characters.
    """
    if _PLAIN_SPECIAL.isdisjoint(text) and "  " not in text and not text.startswith(" "):
        return text
    out = html.escape(text.replace(_HELD, ""), quote=False)
    if out.startswith(" "):
        out = "\n" + out  # so the first line's indent is found as every other line's (removed below)
    pieces = _MATH_MD.split(out) if "$" in out else [out]
    parts: list[str] = []
    for index in range(0, len(pieces), 3):
        piece = pieces[index].replace("\\$", "$")
        piece = _SPACE_RUN.sub(lambda m: "&nbsp;" * len(m.group()), piece)
        parts.append(piece.replace("\n", "<br>"))
        if index + 2 < len(pieces):
            display, inline = pieces[index + 1], pieces[index + 2]
            parts.append(f"\\[{display}\\]" if display is not None else f"\\({inline}\\)")
    joined = "".join(parts)
    return joined[4:] if text.startswith(" ") else joined


def _wrap(pattern: re.Pattern[str], text: str, template: str) -> str:
    """``pattern.sub`` with ``template`` around group 1, without a Python call per match."""
    pieces = pattern.split(text)
    pieces[1::2] = map(template.format, pieces[1::2])
    return "".join(pieces)


def is_plain(text: str) -> bool:
    """Whether ``markdown_to_html`` leaves ``text`` as it is (and an Anki field holds it verbatim)."""
    return _SPECIAL.isdisjoint(text)


# Tags whose meaning plain text keeps: line breaks and blocks become line breaks, scripts become
# math or ``^(..)``, and span/font/u styling has no word in Markdown either.
_PLAIN_TAGS = frozenset(("br", "div", "p", "span", "font", "u", "sup", "sub"))
_TAG_NAME = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9]*)")


def needs_markdown(field: str) -> bool:
    """Whether an Anki field (HTML) holds formatting only Markdown can carry: bold, italics,
    code, pictures, lists, links, tables. A field without any is plain text for flashdl
    (``markup: plain``), shown exactly as Anki shows it: read as Markdown, ``# of layers``
    became a heading, ``__init__`` bold and ``2*3*4`` an italic 3 in the terminal UI."""
    if "<" not in field:
        return False
    unmathed = _MATH_HTML.sub("", field)
    return any(name.lower() not in _PLAIN_TAGS for name in _TAG_NAME.findall(unmathed))


def reads_as_plain(fields: Iterable[str], texts: Iterable[str]) -> bool:
    """Whether a card from Anki ``fields`` (HTML), converted to ``texts``, is plain text: no field
    ``needs_markdown`` and no formula kept as MathJax ``\\(..\\)`` (``_as_dollars``), which only
    the Markdown renderer reads."""
    return not any(map(needs_markdown, fields)) and not any("\\(" in text or "\\[" in text for text in texts)


def html_to_markdown(text: str) -> str:
    """Markdown for an Anki field's HTML (math back to ``$...$``)."""
    if "<" not in text and "&" not in text:
        return mathjax_to_dollars(text).strip() if "\\" in text or "[$" in text else text.strip()
    text = text.replace("\x00", "")
    maths: list[str] = []

    def hold(match: re.Match[str]) -> str:
        inline = match.group(1) if match.group(1) is not None else match.group(3)
        body = html.unescape(_ANY_TAG.sub("", next(g for g in match.groups() if g is not None)))
        maths.append(_as_dollars(body, inline is not None, match))
        return _PLACEHOLDER.format(len(maths) - 1)

    held = _MATH_HTML.sub(hold, text)
    if "<su" in held or "<SU" in held:
        held = _scripts_held(held, maths)
    tags = {m.group(2).lower() for m in _SIMPLE_TAG.finditer(held)}
    if len(_ANY_TAG.findall(held)) == sum(1 for _ in _SIMPLE_TAG.finditer(held)):
        out = _simple_html_to_markdown(held, tags)
    else:
        out = _rich_html_to_markdown(held)
    out = _BLANK_RUN.sub("\n\n", out.replace("\xa0", " ")).strip()
    return _PLACEHOLDER_RE.sub(lambda m: maths[int(m.group(1))], out)


# Superscripts and subscripts (the editor's x² and x₂ buttons) have no Markdown: dropping the
# tags read 10<sup>-3</sup> as "10-3" and mc<sup>2</sup> as "mc2". Short scripts become LaTeX
# (``$^{-3}$``, shown as ⁻³ and sent back to Anki as MathJax); anything else ``^(...)``.
_SCRIPT = re.compile(r"<(sup|sub)\b[^>]*>([^<>]*)</\1\s*>", re.IGNORECASE)
_HELD_AT_END = re.compile("\x00(\\d+)\x00$")
_SCRIPT_LATEX = re.compile(r"[A-Za-z0-9+\-=()\[\],.*' ]{1,40}")


def _scripts_held(text: str, maths: list[str]) -> str:
    """``text`` with each ``<sup>``/``<sub>`` (without tags inside) set aside in ``maths`` as
    its placeholder. A script right after inline math (MathJax or another script) joins it:
    ``$x$$^{2}$`` would read as display math."""
    out: list[str] = []
    pos = 0
    for match in _SCRIPT.finditer(text):
        body = " ".join(html.unescape(match.group(2)).split())
        mark = "^" if match.group(1).lower() == "sup" else "_"
        before = text[pos:match.start()]
        out.append(before)
        pos = match.end()
        if not body:
            continue
        last = _HELD_AT_END.search(before or "".join(out[-2:]))
        index = int(last.group(1)) if last else -1
        after = maths[index] if last else ""  # what the script follows, if math
        if _SCRIPT_LATEX.fullmatch(body) and not after.startswith("$$"):
            if after.startswith("$"):
                maths[index] = f"{after[:-1]}{mark}{{{body}}}$"
            else:
                maths.append(f"${mark}{{{body}}}$")
                out.append(_PLACEHOLDER.format(len(maths) - 1))
        else:
            maths.append(f"{mark}({body})")
            out.append(_PLACEHOLDER.format(len(maths) - 1))
    out.append(text[pos:])
    return "".join(out)


# Markdown's ``**``/``*`` must hug their words: Anki's editor writes ``<b>word </b>``,
# ``<b></b>`` and ``<i>a</i><i>b</i>``, which read as literal asterisks once written
# ``**word **``, ``****`` or ``*a**b*``. The space goes outside, empty and split runs go.
_EMPHASIS = r"(?:b|strong|i|em)"
_SPACE = r"(?:\s|&nbsp;|&#160;|<br\s*/?>)+"
_OPEN_SPACE = re.compile(rf"(<{_EMPHASIS}\b[^>]*>)({_SPACE})", re.IGNORECASE)
_SPACE_CLOSE = re.compile(rf"({_SPACE})(</{_EMPHASIS}\s*>)", re.IGNORECASE)
_EMPTY_OR_SPLIT = re.compile(r"<(?:b|strong|i|em)\b[^>]*></(?:b|strong|i|em)\s*>"  # (tags balance)
                             r"|</(?:b|strong)\s*><(?:b|strong)\b[^>]*>|</(?:i|em)\s*><(?:i|em)\b[^>]*>",
                             re.IGNORECASE)


_NEEDS_HUG = re.compile("|".join(p.pattern for p in (_OPEN_SPACE, _SPACE_CLOSE, _EMPTY_OR_SPLIT)),
                        re.IGNORECASE)


def _hug_emphasis(text: str) -> str:
    """``text`` with no space just inside an emphasis tag, no empty emphasis and no two runs of
    one emphasis side by side (each pass may expose another: nested tags)."""
    while _NEEDS_HUG.search(text):  # one search for the usual field, which needs nothing
        text = _EMPTY_OR_SPLIT.sub("", _SPACE_CLOSE.sub(r"\2\1", _OPEN_SPACE.sub(r"\2\1", text)))
    return text


def _simple_html_to_markdown(text: str, tags: set[str]) -> str:
    if not tags.isdisjoint(("b", "strong", "i", "em")):
        text = _hug_emphasis(text)

    def tag(match: re.Match[str]) -> str:
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
        if name == "br":
            return "\n"
        if name in ("div", "p"):
            return "" if closing else ("\n\n" if name == "p" else "\n")
        if name in ("b", "strong"):
            return "**"
        if name in ("i", "em"):
            return "*"
        if name == "code":
            return "`"
        if name == "img" and not closing:
            src, alt = _IMG_SRC.search(attrs), _IMG_ALT.search(attrs)
            if src:
                text = next((g for g in alt.groups() if g is not None), "") if alt else ""
                return f"![{text}]({next(g for g in src.groups() if g is not None)})"
        return ""  # span, font, u: formatting Markdown has no word for

    out = _SIMPLE_TAG.sub(tag, text) if tags else text
    return html.unescape(out)


def _rich_html_to_markdown(text: str) -> str:
    from markdownify import markdownify

    out = markdownify(text, escape_underscores=False, escape_asterisks=False,
                      heading_style="ATX", bullets="-")
    return out.replace("  \n", "\n")


def mathjax_to_dollars(text: str) -> str:
    """MathJax's ``\\(..\\)`` and ``\\[..\\]`` (and Anki's ``[$]..[/$]``, ``[$$]..[/$$]``) as
    flashdl's ``$..$`` and ``$$..$$`` (text, not HTML)."""
    return _MATH_HTML.sub(_dollars, text)


def _dollars(match: re.Match[str]) -> str:
    body = next(g for g in match.groups() if g is not None)
    inline = match.group(1) is not None or match.group(3) is not None
    return _as_dollars(body, inline, match)


def _as_dollars(body: str, inline: bool, match: re.Match[str]) -> str:
    """A MathJax formula (``match``) as flashdl's ``$..$`` (``$$..$$`` displayed). MathJax reads
    ``\\( x \\)`` with blanks inside, on two lines, before a digit or next to another formula; as
    ``$ x $``, ``$x$5`` or ``$a$$b$`` flashdl showed dollars and LaTeX (its rule for what is math:
    no blank inside the dollars, no digit after, no ``$`` before them). The blanks go; a formula
    that would still not read as one keeps MathJax's ``\\(..\\)``, which flashdl's Markdown
    renderer reads too."""
    if not inline:
        return f"$${body}$$"
    body = body.strip()
    if not body:
        return ""  # an empty formula shows nothing in Anki either
    before, after = match.string[:match.start()][-1:], match.string[match.end():match.end() + 1]
    if "\n" in body or after.isdigit() or "$" in body.replace("\\$", "") or (
            before == "\\" or match.string.startswith(("\\(", "[$"), match.end())):
        return f"\\({body}\\)"
    return f"${body}$"


def media_references(text: str) -> list[str]:
    """File names a field refers to: ``<img src>`` and ``[sound:...]``."""
    names = [next(g for g in m.groups() if g is not None) for m in _IMG_SRC.finditer(text)]
    names += re.findall(r"\[sound:([^\]]+)\]", text)
    return [html.unescape(name) for name in names if "://" not in name]
