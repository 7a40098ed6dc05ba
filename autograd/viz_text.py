"""The text of a drawing: numbers, op badges, user text made safe, and the HTML-like labels of
the boxes (Graphviz's tables).

Every label is user text: it goes into Graphviz as an HTML-like label, HTML-escaped, so it
cannot end the label or the DOT statement, and Graphviz writes it into the SVG as text.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from .core import Value
from .names import op_of

__all__ = ["LABEL_LIMIT", "Number", "box_label", "fmt4", "op_badge", "picture_number",
           "safe_text", "shorten", "table", "visible"]

Number = Callable[[float], str]
"""How a drawing writes a number: `picture_number` in pictures, the text views' `fmt` on the
step-through page."""

LABEL_LIMIT = 60
"""Labels longer than this many characters are cut (…) in boxes and in the page's data."""

NAME_GREY = "#666666"


def fmt4(x: float) -> str:
    """4 significant digits: 0.5951, -0.01838, 0.0004252, 1e-10, inf; 0 for -0.0 (a relu that
    is off passes -0.0 × w: no sign worth showing)."""
    return f"{x + 0.0:.4g}"


def picture_number(x: float) -> str:
    """A number as the pictures write it: `fmt4` with a typographic minus, −0.5446 (the text
    views keep the ASCII hyphen, which one can copy back into Python)."""
    return fmt4(x).replace("-", "\u2212")


def visible(s: str) -> str:
    """`s` with every character that is not printable shown as its Python escape (``\\n``,
    ``\\x00``, ``\\u202e`` for a right-to-left override, ``\\udfff`` for a lone surrogate, which
    cannot be encoded): text that is safe to write into any UTF-8 document and reads as it is
    stored."""
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in s)


def shorten(s: str, limit: int = LABEL_LIMIT) -> str:
    """`s` cut to `limit` characters (the last one an ellipsis) when it is longer."""
    return s if len(s) <= limit else s[: limit - 1] + "…"


def safe_text(s: str, limit: int = LABEL_LIMIT) -> str:
    """User text made safe for an HTML-like label: `visible` (the SVG stays well-formed XML),
    cut to `limit` characters, then ``& < > " '`` escaped, and ``[ ]`` too (Graphviz 2.43
    rejects some text made of ``]``: ``]`` alone, ``]]``)."""
    s = shorten(visible(s), limit)
    return html.escape(s, quote=True).replace("[", "&#91;").replace("]", "&#93;")


def op_badge(v: Value, number: Number) -> str:
    """The op badge of a Value with its plain-number operand written by `number`, where it
    stands: ``0.5 *`` for ``0.5 * x``, ``** 2``, ``sigmoid``, ``leaky_relu(·, 0.1)``."""
    op = op_of(v)
    numbers = [(i, x) for i, x in enumerate(v.operands) if not isinstance(x, Value)]
    if op is None or len(numbers) != 1 or len(v.operands) != 2:
        return str(v.op)
    position, c = numbers[0]
    if op.symbol is not None:
        return f"{number(c)} {op.symbol}" if position == 0 else f"{op.symbol} {number(c)}"
    slots = ["·", number(c)] if position == 1 else [number(c), "·"]
    return op.show(slots)


def table(rows: Sequence[str]) -> str:
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
        + "".join(rows)
        + "</TABLE>>"
    )


def box_label(title: str, badge: str, badge_colour: str,
              values: Sequence[tuple[str, str]], notes: Sequence[str] = (),
              name: str = "", inputs: Sequence[tuple[str, str, str]] = (),
              port: str = "") -> str:
    """A box: its title (bold; the user's label) and its `name` (grey: the node's name in the
    text views where the label alone does not give it, ``mul#4``, ``[2]``), its badge, notes
    (italic), `inputs` (port, name, factor: one row per edge into a folded box, where that edge
    ends), then name / value rows (the values already written as text). `port` names the
    title's row, where edges out of the box start."""
    rows = []
    grey = f'<FONT COLOR="{NAME_GREY}">{safe_text(name)}</FONT>' if name else ""
    if title or name:
        bold = f"<B>{safe_text(title)}</B>" if title else ""
        at = f' PORT="{port}"' if port else ""
        rows.append(f'<TR><TD COLSPAN="2"{at}>{bold}{grey}</TD></TR>')
    rows.append(f'<TR><TD COLSPAN="2" BGCOLOR="{badge_colour}">{safe_text(badge)}</TD></TR>')
    rows += [f'<TR><TD COLSPAN="2"><I>{safe_text(note)}</I></TD></TR>' for note in notes]
    for port, source, factor in inputs:
        rows.append(
            f'<TR><TD PORT="{port}" ALIGN="LEFT"><FONT COLOR="{NAME_GREY}" POINT-SIZE="9">'
            f"{safe_text(source, 24)}</FONT></TD>"
            f'<TD ALIGN="RIGHT"><FONT POINT-SIZE="9">{safe_text(factor)}</FONT></TD></TR>'
        )
    for key, text in values:
        rows.append(f'<TR><TD ALIGN="LEFT">{key}</TD><TD ALIGN="RIGHT">{safe_text(text)}</TD>'
                    "</TR>")
    return table(rows)
