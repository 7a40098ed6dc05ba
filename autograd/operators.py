"""Python's operators and the math methods, for every kind of number that applies registry ops.

`Value` (which records a node), forward mode's `Dual` (which carries a tangent) and
`autograd.symbolic`'s symbols (which build a formula) share this one table: ``x * y`` is the
registry's ``*`` applied to ``(x, y)``, and the op asks the type how to apply it
(``__autograd_op__``). No op is restated here; each method names its op of `autograd.math`.

Comparisons compare the numbers held (so ``max``, ``sorted`` and ``if v > 0`` work). Equality
is identity, so that Values can be keys of sets and dicts; against a plain number it is refused
(``Value(0.0) == 0`` would be False while ``>= 0`` and ``<= 0`` are True). Conversions that
would take the number out of the graph (``float(v)``, ``int(v)``, ``round(v)``, ``bool(v)``,
which ``math.exp(v)`` and ``if v:`` call) are refused with directions, and NumPy defers to these
operators, so ``np.array([1.0]) * v`` is refused as ``v * np.array([1.0])`` is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from . import math as m
from .ops import number

__all__ = ["COMPARISONS", "Arithmetic"]

T = TypeVar("T", bound="Arithmetic")

COMPARISONS: list[Callable[[Any, str, Any, bool], None]] = []
"""Functions told of each comparison of numbers of this kind and its outcome, ``(a, "<", b,
True)``: `autograd.compile` guards the branches of a trace with them."""


class Arithmetic:
    """The operators and methods of `Value`, `autograd.forward.Dual` and symbols."""

    __slots__ = ()
    _number_field = "data"  # the attribute that holds the number: v.data (d.primal for Duals)
    _leaving = "leave the graph, and the gradient would silently miss it"  # what float() would do

    def _number(self) -> float:
        return cast(float, getattr(self, self._number_field))

    def __add__(self: T, other: Any) -> T:
        return cast(T, m.add(self, other))

    def __radd__(self: T, other: Any) -> T:
        return cast(T, m.add(other, self))

    def __sub__(self: T, other: Any) -> T:
        return cast(T, m.sub(self, other))

    def __rsub__(self: T, other: Any) -> T:
        return cast(T, m.sub(other, self))

    def __mul__(self: T, other: Any) -> T:
        return cast(T, m.mul(self, other))

    def __rmul__(self: T, other: Any) -> T:
        return cast(T, m.mul(other, self))

    def __truediv__(self: T, other: Any) -> T:
        return cast(T, m.div(self, other))

    def __rtruediv__(self: T, other: Any) -> T:
        return cast(T, m.div(other, self))

    def __pow__(self: T, other: Any) -> T:
        return cast(T, m.pow(self, other))

    def __rpow__(self: T, other: Any) -> T:
        return cast(T, m.pow(other, self))

    def __neg__(self: T) -> T:
        return cast(T, m.neg(self))

    def __pos__(self: T) -> T:
        return self

    def __abs__(self: T) -> T:
        return cast(T, m.fabs(self))

    def exp(self: T) -> T:
        """e ** self."""
        return cast(T, m.exp(self))

    def log(self: T) -> T:
        """The natural logarithm (a `DomainError` for x <= 0)."""
        return cast(T, m.log(self))

    def sqrt(self: T) -> T:
        """The square root (a `DomainError` for x < 0; the derivative at 0 is inf)."""
        return cast(T, m.sqrt(self))

    def tanh(self: T) -> T:
        """The hyperbolic tangent."""
        return cast(T, m.tanh(self))

    def sigmoid(self: T) -> T:
        """1 / (1 + e ** -x), without overflow for any x."""
        return cast(T, m.sigmoid(self))

    def relu(self: T) -> T:
        """max(0, x), NaN for NaN; the derivative is 0 for x <= 0, as in PyTorch."""
        return cast(T, m.relu(self))

    def leaky_relu(self: T, slope: float = 0.01) -> T:
        """x for x > 0, else slope * x (derivative at 0: slope)."""
        return cast(T, m.leaky_relu(self, slope))

    def sin(self: T) -> T:
        """The sine (radians)."""
        return cast(T, m.sin(self))

    def cos(self: T) -> T:
        """The cosine (radians)."""
        return cast(T, m.cos(self))

    # -- comparisons and conversions -------------------------------------------------------------

    def __lt__(self, other: Any) -> bool:
        return _told(self, "<", other, self._number() < _number_of(other, "<"))

    def __le__(self, other: Any) -> bool:
        return _told(self, "<=", other, self._number() <= _number_of(other, "<="))

    def __gt__(self, other: Any) -> bool:
        return _told(self, ">", other, self._number() > _number_of(other, ">"))

    def __ge__(self, other: Any) -> bool:
        return _told(self, ">=", other, self._number() >= _number_of(other, ">="))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (int, float)):
            raise TypeError(self._refusal(f"== {other!r}", "is identity (Values are keys of "
                                          "sets and dicts), so it would not compare numbers",
                                          f"v.{self._number_field} == {other!r}"))
        return self is other

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = object.__hash__

    def __float__(self) -> float:
        raise TypeError(self._refusal("float()", f"would {self._leaving}: this is what "
                                      "math.exp(v) does"))

    def __int__(self) -> int:
        raise TypeError(self._refusal("int()", "would leave the graph"))

    def __round__(self, ndigits: int | None = None) -> Any:
        raise TypeError(self._refusal("round()", "would leave the graph"))

    def __bool__(self) -> bool:
        raise TypeError(self._refusal("bool() (`if v:`, `v or ...`)", "has no meaning here",
                                      f"v.{self._number_field} != 0, or a comparison such as "
                                      "v > 0,"))

    def _refusal(self, what: str, why: str, instead: str = "") -> str:
        field, kind = self._number_field, type(self).__name__
        where = "" if instead else (", or autograd.math (autograd.math.exp instead of math.exp)"
                                    " to stay in the graph")
        return (f"{what} of a {kind} {why}. Use {instead or f'v.{field}'} for the number "
                f"({self._number()!r}){where}")

    def __format__(self, spec: str) -> str:
        return format(self._number(), spec) if spec else repr(self)

    __array_ufunc__ = None  # NumPy defers to these operators instead of making object arrays


def _told(a: Any, sign: str, b: Any, outcome: bool) -> bool:
    for tell in COMPARISONS:
        tell(a, sign, b, outcome)
    return outcome


def _number_of(x: Any, op: str) -> float:
    return x._number() if isinstance(x, Arithmetic) else number(x, op)
