"""How numbers and labels are printed by every text view (`repr`, `tree`, `backward_steps`,
`explain`, the command line and the step-through page): one setting, `set_printoptions`."""

from __future__ import annotations

import math

__all__ = ["fmt", "get_printoptions", "printable", "set_printoptions"]

_precision = 9


def set_printoptions(precision: int = 9) -> None:
    """How many decimals the text views print (PyTorch's name). The default, 9, is what the
    derivations by hand print: 0.595078474, -0.018375022."""
    global _precision
    if isinstance(precision, bool) or not isinstance(precision, int) or not 1 <= precision <= 17:
        raise ValueError(f"set_printoptions: precision must be an int from 1 to 17, "
                         f"not {precision!r}")
    _precision = precision


def get_printoptions() -> dict[str, int]:
    """The current settings, as `set_printoptions` takes them."""
    return {"precision": _precision}


def fmt(x: float) -> str:
    """A number as a derivation by hand prints it: `set_printoptions`'s decimals (9), trailing
    zeros dropped (0.1, -0.018375021, 1). Very small or very large numbers use the exponent form
    (1.23456789e-07)."""
    if not math.isfinite(x):
        return str(x)
    if x == 0.0:
        return "0"
    if 10.0 ** -min(_precision, 4) <= abs(x) < 1e12:
        return f"{x:.{_precision}f}".rstrip("0").rstrip(".")
    return f"{x:.{_precision}g}"


def printable(label: str) -> str:
    """A label as text views show it: characters that are not printable (an escape sequence
    that would clear the terminal, a newline) appear as Python escapes, ``\\x1b``."""
    if label.isprintable():
        return label
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in label)
