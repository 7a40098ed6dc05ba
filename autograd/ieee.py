"""IEEE floats: how a rule is read at a domain edge, where Python's float arithmetic raises.

Python raises on ``0.5 / 0.0``; IEEE 754 (and PyTorch) give ``inf``. A derivative rule read on
plain floats at a domain edge (``sqrt'(0) = 0.5 / out``) is read again on `IEEE` numbers, which
give IEEE's results.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

__all__ = ["IEEE", "ieee_divide", "ieee_power"]

inf, nan = math.inf, math.nan


def ieee_divide(x: float, y: float) -> float:
    """x / y as IEEE 754 divides: ±inf or NaN where Python's ``/`` raises."""
    if y != 0.0:
        return x / y
    if x != x or x == 0.0:
        return nan
    return math.copysign(inf, x) * math.copysign(1.0, y)


def ieee_power(x: float, y: float) -> float:
    """x ** y as IEEE 754 (and C's pow) gives it: ±inf at 0 ** negative and on overflow, NaN
    for a negative base to a fractional power, where Python raises or turns complex."""
    try:
        out = x**y
    except ZeroDivisionError:  # 0 ** negative: a pole
        return -inf if math.copysign(1.0, x) < 0.0 and _odd(y) else inf
    except OverflowError:
        return -inf if x < 0.0 and _odd(y) else inf
    return out if type(out) is float else nan  # a complex result: negative base, fraction


def _odd(y: float) -> bool:
    return y.is_integer() and y % 2.0 == 1.0


class IEEE(float):
    """A float whose arithmetic gives IEEE 754's results where Python's raises: ``x / 0`` is
    ±inf or NaN, ``0 ** -1`` is inf. Registry ops applied to it give their (IEEE) values."""

    @staticmethod
    def __autograd_op__(op: Any, args: Sequence[Any]) -> IEEE:
        return IEEE(op.value(*[float(a) for a in args]))

    def __add__(self, other: float) -> IEEE:
        return IEEE(float(self) + other)

    __radd__ = __add__

    def __sub__(self, other: float) -> IEEE:
        return IEEE(float(self) - other)

    def __rsub__(self, other: float) -> IEEE:
        return IEEE(other - float(self))

    def __mul__(self, other: float) -> IEEE:
        return IEEE(float(self) * other)

    __rmul__ = __mul__

    def __truediv__(self, other: float) -> IEEE:
        return IEEE(ieee_divide(float(self), float(other)))

    def __rtruediv__(self, other: float) -> IEEE:
        return IEEE(ieee_divide(float(other), float(self)))

    def __pow__(self, other: float) -> IEEE:  # type: ignore[override]
        return IEEE(ieee_power(float(self), float(other)))

    def __rpow__(self, other: float) -> IEEE:  # type: ignore[override]
        return IEEE(ieee_power(float(other), float(self)))

    def __neg__(self) -> IEEE:
        return IEEE(-float(self))
