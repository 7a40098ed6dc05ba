"""Forward mode: dual numbers that carry a tangent through every op of the registry.

A `Dual` is a number and its rate of change, ``primal + tangent·ε`` with ε² = 0. Every op
applied to Duals computes its value and, from the op's own partial derivatives in the registry
(`autograd.ops`), the tangent of its result::

    tangent(out) = Σ ∂out/∂input_i × tangent(input_i)

This is the chain rule read from the inputs towards the output, one op at a time, as the
result is computed: no graph is recorded and nothing runs backwards. Seed one input's tangent
with 1 and the others with 0, and the output's tangent is the partial derivative with respect
to that input (`autograd.jvp` does this; `autograd.jacobian` does it once per input).

Because the tangent comes from `Op.partials`, every op works in forward mode with no code of
its own: the operators, `autograd.math`, and ops you define with `autograd.op`. Domain errors
name the op and the operand, as on Values; a partial derivative that is undefined at the
point (``d/dy x ** y`` at x < 0) raises as on Values; where a rule divides by zero at the edge
of a domain (``sqrt'(0)``) the tangent is infinite, as the Value path and PyTorch give it, and
a zero tangent times it is NaN, as in PyTorch (and as a zero gradient in `Value.backward`).

Tangents are plain floats: forward mode here gives first derivatives, not derivatives of
derivatives (for those use `autograd.hessian` or ``grad(create_graph=True)``). A Dual and a
`Value` cannot meet in one op: a function is run in one mode or the other.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any, Union

from .core import Value
from .operators import Arithmetic
from .ops import Op, complete, evaluate, number, partials_at

__all__ = ["Dual", "apply"]

_isfinite = math.isfinite
_new = object.__new__

Operand = Union["Dual", float]
"""What Dual arithmetic accepts: a Dual, or a real number (int, float)."""


class Dual(Arithmetic):
    """A dual number ``primal + tangent·ε``: a value and its derivative along one direction.

    ``Dual(3.0, 1.0)`` is x = 3 moving at speed 1. Arithmetic, `autograd.math` functions and
    every registry op (yours too) carry the tangent along: ``(Dual(3.0, 1.0) ** 2).tangent``
    is 6.0, the derivative of x² at 3. Results of an op have the type of its first Dual
    operand, so a subclass (one that counts operations, say) stays itself throughout. Its
    operators and methods are those of a Value (`autograd.operators`), each applying its op.
    """

    __slots__ = ("primal", "tangent")
    _number_field = "primal"
    _leaving = "drop its tangent, and the derivative would silently miss it"

    primal: float
    tangent: float

    def __init__(self, primal: float, tangent: float = 0.0) -> None:
        given: tuple[tuple[str, object], ...] = (("primal", primal), ("tangent", tangent))
        for name, x in given:
            if not isinstance(x, numbers.Real):
                raise TypeError(f"Dual: the {name} must be a real number (int, float), not "
                                f"{type(x).__name__}")
        self.primal = float(primal)
        self.tangent = float(tangent)

    @staticmethod
    def __autograd_op__(op: Op, args: Sequence[Any]) -> Dual:
        """How a registry op applies to Duals (see `autograd.ops`): `apply`."""
        return apply(op, args)

    def __format__(self, spec: str) -> str:
        return format(self.primal, spec) if spec else repr(self)

    def __repr__(self) -> str:
        return f"Dual(primal={self.primal!r}, tangent={self.tangent!r})"


def apply(op: Op, args: Sequence[Any]) -> Dual:
    """Registry op `op` on `args`, at least one of them a Dual: the op's value on the primals,
    and the tangent Σ ∂out/∂input_i × tangent_i from the op's partial derivatives."""
    args = complete(op, tuple(args))
    xs: list[float] = []
    tangents: list[float | None] = []  # None for a plain-number operand
    kind: type[Dual] | None = None  # the type of the first Dual: the result's
    for a in args:
        if isinstance(a, Dual):
            kind = kind or type(a)
            xs.append(a.primal)
            tangents.append(a.tangent)
        elif isinstance(a, Value):
            raise TypeError(f"{op.name}: a Value and a Dual in one op; forward mode (Duals) and "
                            "reverse mode (Values) cannot be mixed in one computation")
        else:
            xs.append(number(a, op.name))
            tangents.append(None)
    out = evaluate(op, xs, args)
    tangent = 0.0
    for d, t in zip(partials_at(op, xs, out, args), tangents, strict=True):
        if t is not None:
            tangent += d * t
    result: Dual = _new(kind or Dual)
    result.primal = out
    result.tangent = tangent
    return result
