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
of a domain (``sqrt'(0)``) the tangent is infinite, as the Value path and PyTorch give it. A
zero tangent carries nothing, not even ``0 × inf``, as a zero gradient in `Value.backward`.

Tangents are plain floats: forward mode here gives first derivatives, not derivatives of
derivatives (for those use `autograd.hessian` or ``grad(create_graph=True)``). A Dual and a
`Value` cannot meet in one op: a function is run in one mode or the other.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any, Union

from . import math as amath
from . import ops
from .engine import Value, float_partials
from .ops import DomainError, Op, number

__all__ = ["Dual", "apply"]

_isfinite = math.isfinite
_new = object.__new__

Operand = Union["Dual", float]
"""What Dual arithmetic accepts: a Dual, or a real number (int, float)."""


class Dual:
    """A dual number ``primal + tangent·ε``: a value and its derivative along one direction.

    ``Dual(3.0, 1.0)`` is x = 3 moving at speed 1. Arithmetic, `autograd.math` functions and
    every registry op (yours too) carry the tangent along: ``(Dual(3.0, 1.0) ** 2).tangent``
    is 6.0, the derivative of x² at 3. Results of an op have the type of its first Dual
    operand, so a subclass (one that counts operations, say) stays itself throughout.
    """

    __slots__ = ("primal", "tangent")

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

    # -- arithmetic: each operator is its registry op ------------------------------------------

    def __add__(self, other: Operand) -> Dual:
        return self.__autograd_op__(_ADD, (self, other))

    def __radd__(self, other: Operand) -> Dual:
        return self.__autograd_op__(_ADD, (other, self))

    def __sub__(self, other: Operand) -> Dual:
        return self.__autograd_op__(_SUB, (self, other))

    def __rsub__(self, other: Operand) -> Dual:
        return self.__autograd_op__(_SUB, (other, self))

    def __mul__(self, other: Operand) -> Dual:
        return self.__autograd_op__(_MUL, (self, other))

    def __rmul__(self, other: Operand) -> Dual:
        return self.__autograd_op__(_MUL, (other, self))

    def __truediv__(self, other: Operand) -> Dual:
        return self.__autograd_op__(_DIV, (self, other))

    def __rtruediv__(self, other: Operand) -> Dual:
        return self.__autograd_op__(_DIV, (other, self))

    def __pow__(self, other: Operand) -> Dual:
        return self.__autograd_op__(amath.pow, (self, other))

    def __rpow__(self, other: Operand) -> Dual:
        return self.__autograd_op__(amath.pow, (other, self))

    def __neg__(self) -> Dual:
        return self.__autograd_op__(ops.neg, (self,))

    def __pos__(self) -> Dual:
        return self

    def __abs__(self) -> Dual:
        return self.__autograd_op__(amath.fabs, (self,))

    # -- the methods a Value has, so that code written for Values runs on Duals ----------------

    def relu(self) -> Dual:
        """max(0, x); its derivative at 0 is 0, as in PyTorch."""
        return self.__autograd_op__(ops.relu, (self,))

    def leaky_relu(self, slope: float = 0.01) -> Dual:
        """x for x > 0, else slope * x."""
        return self.__autograd_op__(ops.leaky_relu, (self, slope))

    def sigmoid(self) -> Dual:
        """1 / (1 + e ** -x)."""
        return self.__autograd_op__(ops.sigmoid, (self,))

    def tanh(self) -> Dual:
        """The hyperbolic tangent."""
        return self.__autograd_op__(amath.tanh, (self,))

    def exp(self) -> Dual:
        """e ** x."""
        return self.__autograd_op__(amath.exp, (self,))

    def log(self) -> Dual:
        """The natural logarithm."""
        return self.__autograd_op__(_LOG, (self,))

    def sin(self) -> Dual:
        """The sine (radians)."""
        return self.__autograd_op__(amath.sin, (self,))

    def cos(self) -> Dual:
        """The cosine (radians)."""
        return self.__autograd_op__(amath.cos, (self,))

    def sqrt(self) -> Dual:
        """The square root."""
        return self.__autograd_op__(amath.sqrt, (self,))

    # -- comparisons (by primal; equality stays identity, as for Values) and conversions -------

    def __lt__(self, other: Operand) -> bool:
        return self.primal < _primal(other, "<")

    def __le__(self, other: Operand) -> bool:
        return self.primal <= _primal(other, "<=")

    def __gt__(self, other: Operand) -> bool:
        return self.primal > _primal(other, ">")

    def __ge__(self, other: Operand) -> bool:
        return self.primal >= _primal(other, ">=")

    def __float__(self) -> float:
        raise TypeError(
            f"float() of a Dual would drop its tangent, and the derivative would silently "
            f"miss it: this is what math.exp(d) does. Use d.primal for the number "
            f"({self.primal!r}), or autograd.math (autograd.math.exp instead of math.exp)"
        )

    def __format__(self, spec: str) -> str:
        return format(self.primal, spec) if spec else repr(self)

    def __repr__(self) -> str:
        return f"Dual(primal={self.primal!r}, tangent={self.tangent!r})"


_ADD, _SUB, _MUL, _DIV = (ops.get(s) for s in "+-*/")
_LOG = ops.get("log")


def _primal(x: Operand, op: str) -> float:
    return x.primal if isinstance(x, Dual) else number(x, op)


def apply(op: Op, args: Sequence[Any]) -> Dual:
    """Registry op `op` on `args`, at least one of them a Dual: the op's value on the primals,
    and the tangent Σ ∂out/∂input_i × tangent_i from the op's partial derivatives."""
    if op.fused is not None:
        raise TypeError(f"{op.name}: a fused node; call autograd.{op.name} to make one")
    if len(args) != op.arity:
        args = op.complete(tuple(args))
    xs: list[float] = []
    tangents: list[float | None] = []  # None for a plain-number operand
    kind: type[Dual] | None = None  # the type of the first Dual: the result's
    for i, a in enumerate(args):
        if isinstance(a, Dual):
            if i in op.numbers_only:
                raise TypeError(f"{op.name}: {op.params[i]} must be a plain number, not a Dual")
            kind = kind or type(a)
            xs.append(a.primal)
            tangents.append(a.tangent)
        elif isinstance(a, Value):
            raise TypeError(f"{op.name}: a Value and a Dual in one op; forward mode (Duals) and "
                            "reverse mode (Values) cannot be mixed in one computation")
        else:
            xs.append(number(a, op.name))
            tangents.append(None)
    out = op.evaluate(xs, xs)
    if not _isfinite(out):
        error = op.domain_error(xs, out, xs)
        if error is not None:
            raise error
    tangent = 0.0
    for i, (d, t) in enumerate(zip(float_partials(op, xs, out), tangents, strict=True)):
        if t is None:
            continue
        if d != d and all(map(_isfinite, xs)):
            raise DomainError(f"{op.name}: the derivative with respect to {op.params[i]} is "
                              f"undefined at {op.at(xs)}")
        if t != 0.0:
            tangent += d * t
    result: Dual = _new(kind or Dual)
    result.primal = out
    result.tangent = tangent
    return result
