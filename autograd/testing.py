"""Hypothesis strategies for property-testing code built on `autograd`.

Needs `hypothesis` (``pip install 'autograd-scalar[test]'``); ``import autograd`` alone never
imports it. Test your own function against central finite differences at random points::

    from hypothesis import given
    from autograd import gradcheck
    from autograd.testing import values

    def softplus(x):
        return (1 + x.exp()).log()

    @given(values(-5.0, 5.0))
    def test_softplus_gradient(x):
        assert gradcheck(softplus, [x])

or let hypothesis write the functions: `expressions()` draws a random program (a list of op
instructions over the inputs and earlier results, shared subexpressions included) together with
input values at which every op is smooth and well inside its domain::

    from autograd.testing import expressions

    @given(expressions(max_ops=30))
    def test_random_graphs(expr):
        program, inputs = expr
        print(program)                    # one line per instruction: v2 = x0 * x1 ...
        assert gradcheck(program, inputs)  # a Program is a function of Values

The same program runs on plain floats and on PyTorch tensors (``program(*tensors)``), so one
drawn example can be checked by the engine, by finite differences and by torch.

What "smooth and inside its domain" means here: relu / abs / leaky_relu inputs are at least
`KINK_MARGIN` from 0; log, division and fractional powers see operands at least `DOMAIN_MARGIN`
from 0 (bases positive); every intermediate value stays within ``±VALUE_BOUND`` (so exp never
overflows) and a bound on its sensitivity to the inputs (sum of |d value / d input|) stays
below `SENSITIVITY_BOUND`: moving an input by gradcheck's ``eps = 1e-6`` moves no operand across
a kink or domain edge, and the finite differences stay accurate.
"""

from __future__ import annotations

import builtins
import functools
import math
import numbers
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from hypothesis import assume, reject
from hypothesis import strategies as st

from . import engine
from .engine import Value

__all__ = [
    "BINARY_OPS",
    "DOMAIN_MARGIN",
    "KINK_MARGIN",
    "NARY_OPS",
    "OPS",
    "SENSITIVITY_BOUND",
    "UNARY_OPS",
    "VALUE_BOUND",
    "Expression",
    "Op",
    "Program",
    "binary_ops",
    "expressions",
    "single_ops",
    "unary_ops",
    "values",
]

UNARY_OPS = ("neg", "abs", "exp", "log", "sigmoid", "tanh", "relu", "leaky_relu")
"""Ops of one Value (``leaky_relu`` carries its slope as `Op.const`)."""
BINARY_OPS = ("+", "-", "*", "/", "**")
"""Python's operators: two Values, or a Value and a plain number on either side."""
NARY_OPS = ("sum", "dot")
"""The engine's fused nodes, `autograd.sum` and `autograd.dot`."""
OPS = UNARY_OPS + BINARY_OPS + NARY_OPS

KINK_MARGIN = 0.05
DOMAIN_MARGIN = 0.1
VALUE_BOUND = 100.0
SENSITIVITY_BOUND = 1000.0

T = TypeVar("T")


# ---------------------------------------------------------------------------------------------
# Programs


@dataclass(frozen=True)
class Op:
    """One instruction: op ``name`` applied to registers ``args``.

    Registers ``0 .. n_inputs-1`` hold the inputs; instruction k writes register ``n_inputs + k``.
    ``const`` is the plain-number operand (the 2.5 of ``x * 2.5``, the slope of leaky_relu),
    written on the left when ``const_first`` (``2.5 - x``). ``dot`` reads its registers as
    ws then xs, or, when ``weights`` (plain numbers) are given, as xs only; one register more
    than that is the bias.
    """

    name: str
    args: tuple[int, ...]
    const: float | None = None
    const_first: bool = False
    weights: tuple[float, ...] = ()

    def format(self, names: Sequence[str]) -> str:
        """This instruction's right-hand side, for example ``2.5 - x0`` or ``exp(v3)``."""
        a = [names[i] for i in self.args]
        if self.name in BINARY_OPS:
            if self.const is None:
                return f"{a[0]} {self.name} {a[1]}"
            c = repr(self.const)
            return f"{c} {self.name} {a[0]}" if self.const_first else f"{a[0]} {self.name} {c}"
        if self.name == "dot":
            ws, xs, bias = _dot_parts(self, a)
            tail = f", bias={bias}" if bias is not None else ""
            return f"dot([{', '.join(map(str, ws))}], [{', '.join(xs)}]{tail})"
        if self.name == "leaky_relu":
            return f"leaky_relu({a[0]}, {self.const!r})"
        return f"{self.name}({', '.join(a)})"


@dataclass(frozen=True)
class Program:
    """A straight-line program over ``n_inputs`` inputs; the last instruction is the output.

    ``program(*inputs)`` runs it on Values (building a graph for the engine), on plain floats,
    or on PyTorch tensors, and returns the output; `run` returns every register.
    """

    n_inputs: int
    ops: tuple[Op, ...]

    def __call__(self, *inputs: T) -> T:
        return self.run(inputs)[-1]

    def run(self, inputs: Sequence[T]) -> list[T]:
        """Every register: the inputs, then each instruction's result, in order."""
        if len(inputs) != self.n_inputs:
            raise TypeError(f"Program: takes {self.n_inputs} inputs, got {len(inputs)}")
        backend = _backend_for(inputs)
        regs: list[Any] = list(inputs)
        for k, op in enumerate(self.ops, self.n_inputs):
            out = backend(op, [regs[i] for i in op.args])
            if isinstance(out, Value):
                out.label = f"v{k}"
            regs.append(out)
        return regs

    def names(self) -> list[str]:
        """Register names: x0, x1, ... for the inputs, v<n> for results."""
        return [f"x{i}" if i < self.n_inputs else f"v{i}" for i in range(self.size)]

    @property
    def size(self) -> int:
        """Number of registers."""
        return self.n_inputs + len(self.ops)

    def __str__(self) -> str:
        names = self.names()
        lines = [f"{names[k]} = {op.format(names)}" for k, op in enumerate(self.ops, self.n_inputs)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        body = "".join(f"\n    {line}" for line in str(self).splitlines())
        return f"<Program of {self.n_inputs} inputs, output last:{body}>"


class Expression(NamedTuple):
    """What `expressions()` draws: a program and input values where it is well-behaved."""

    program: Program
    inputs: tuple[float, ...]


# ---------------------------------------------------------------------------------------------
# The rules: each op's value and local derivatives on plain floats (used by the float backend
# and by the generator to keep values, domains and sensitivities in range).


def _sigmoid(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _unary_rule(name: str, x: float, c: float | None) -> tuple[float, float]:
    if name == "neg":
        return -x, -1.0
    if name == "abs":
        return abs(x), (1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0)
    if name == "exp":
        return math.exp(x), math.exp(x)
    if name == "log":
        return math.log(x), 1.0 / x
    if name == "sigmoid":
        s = _sigmoid(x)
        return s, s * (1.0 - s)
    if name == "tanh":
        t = math.tanh(x)
        return t, 1.0 - t * t
    if name == "relu":
        return (x, 1.0) if x > 0.0 else (0.0, 0.0)
    if name == "leaky_relu":
        assert c is not None
        return (x, 1.0) if x > 0.0 else (c * x, c)
    raise ValueError(f"unknown op {name!r}")


def _binary_rule(name: str, x: float, y: float) -> tuple[float, float, float]:
    """(x op y, d/dx, d/dy)."""
    if name == "+":
        return x + y, 1.0, 1.0
    if name == "-":
        return x - y, 1.0, -1.0
    if name == "*":
        return x * y, y, x
    if name == "/":
        return x / y, 1.0 / y, -x / (y * y)
    if x < 0.0 and not float(y).is_integer():
        raise ValueError(f"**: a negative base to a fractional power: {x!r} ** {y!r}")
    out = x**y
    dx = 0.0 if y == 0.0 else y * x ** (y - 1.0)
    dy = out * math.log(x) if x > 0.0 else 0.0
    return out, dx, dy


def _float_rule(op: Op, xs: Sequence[float]) -> tuple[float, list[float]]:
    """(value, local derivative per register of op.args) on plain floats."""
    c = op.const
    if op.name in UNARY_OPS:
        out, d = _unary_rule(op.name, xs[0], c)
        return out, [d]
    if op.name in BINARY_OPS:
        if c is None:
            out, dx, dy = _binary_rule(op.name, xs[0], xs[1])
            return out, [dx, dy]
        if op.const_first:
            out, _, dy = _binary_rule(op.name, c, xs[0])
            return out, [dy]
        out, dx, _ = _binary_rule(op.name, xs[0], c)
        return out, [dx]
    if op.name == "sum":
        return functools.reduce(operator.add, xs, 0.0), [1.0] * len(xs)  # as engine.sum adds
    if op.name == "dot":  # the same arithmetic as engine.dot
        ws, vs, bias = _dot_parts(op, list(xs))
        out = builtins.sum(map(operator.mul, ws, vs))
        local = ([] if op.weights else list(vs)) + list(ws) + [1.0] * (bias is not None)
        return (out if bias is None else out + bias), local
    raise ValueError(f"unknown op {op.name!r}")


# ---------------------------------------------------------------------------------------------
# Backends: how one instruction runs on Values, floats or torch tensors.

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}


def _dot_parts(op: Op, args: list[Any]) -> tuple[list[Any], list[Any], Any]:
    """(ws, xs, bias or None) of a dot instruction."""
    if op.weights:
        n = len(op.weights)
        return list(op.weights), args[:n], args[n] if len(args) > n else None
    n = len(args) // 2
    return args[:n], args[n : 2 * n], args[-1] if len(args) % 2 else None


def _generic(op: Op, args: list[Any], leaky_relu: Callable[[Any, float], Any]) -> Any:
    """Values and tensors: Python operators and methods of the same names."""
    name, c = op.name, op.const
    if name in _OPERATORS:
        f = _OPERATORS[name]
        if c is None:
            return f(args[0], args[1])
        return f(c, args[0]) if op.const_first else f(args[0], c)
    if name == "neg":
        return -args[0]
    if name == "abs":
        return abs(args[0])
    if name == "leaky_relu":
        assert c is not None
        return leaky_relu(args[0], c)
    if name == "sum":
        return functools.reduce(operator.add, args)
    if name == "dot":  # left to right, as engine.dot adds (on Python <= 3.11)
        ws, xs, bias = _dot_parts(op, args)
        out = functools.reduce(operator.add, map(operator.mul, ws, xs))
        return out if bias is None else out + bias
    return getattr(args[0], name)()


def _values(op: Op, args: list[Any]) -> Any:
    if op.name == "sum":
        return engine.sum(args)
    if op.name == "dot":
        ws, xs, bias = _dot_parts(op, args)
        return engine.dot(ws, xs, bias)
    return _generic(op, args, lambda x, c: x.leaky_relu(c))


def _torch(op: Op, args: list[Any]) -> Any:
    import torch.nn.functional as F  # noqa: N812 - the usual name

    return _generic(op, args, lambda x, c: F.leaky_relu(x, c))


def _floats(op: Op, args: list[Any]) -> Any:
    return _float_rule(op, [float(a) for a in args])[0]


def _backend_for(inputs: Sequence[object]) -> Callable[[Op, list[Any]], Any]:
    """Values if any input is a Value, torch if any is a tensor, else floats."""
    for x in inputs:
        if isinstance(x, Value):
            return _values
        if type(x).__module__.split(".")[0] == "torch":
            return _torch
        if not isinstance(x, numbers.Real):
            raise TypeError(
                f"Program: cannot run on inputs of type {type(x).__name__}; "
                "expected Values, floats or torch tensors"
            )
    return _floats


# ---------------------------------------------------------------------------------------------
# Strategies


def values(
    min_value: float = -3.0, max_value: float = 3.0, *, away_from_zero: float = 0.0
) -> st.SearchStrategy[float]:
    """Finite floats in [min_value, max_value] (no NaN, infinity or subnormal), optionally at
    least ``away_from_zero`` from 0."""
    floats = st.floats(
        min_value, max_value, allow_nan=False, allow_infinity=False, allow_subnormal=False
    )
    return floats.filter(lambda x: abs(x) >= away_from_zero) if away_from_zero else floats


def unary_ops() -> st.SearchStrategy[str]:
    """Names of the one-operand ops, `UNARY_OPS`."""
    return st.sampled_from(UNARY_OPS)


def binary_ops() -> st.SearchStrategy[str]:
    """Names of the operators, `BINARY_OPS`."""
    return st.sampled_from(BINARY_OPS)


_EXPONENTS = (2.0, 3.0, -1.0, -2.0, 0.5, 1.5, -0.5, 0.0, 1.0)


def _operand_ok(op: Op, position: int, x: float) -> bool:
    """May register value x be operand ``position`` of op (no kink or domain edge nearby)?"""
    name, c = op.name, op.const
    if name in ("abs", "relu", "leaky_relu"):
        return abs(x) >= KINK_MARGIN
    if name == "log":
        return x >= DOMAIN_MARGIN
    if name == "exp":
        return x <= math.log(VALUE_BOUND)
    if name == "/" and (op.const_first or (c is None and position == 1)):
        return abs(x) >= DOMAIN_MARGIN
    if name == "**" and position == 0 and not op.const_first:
        if c is not None and float(c).is_integer():
            return c >= 0.0 or abs(x) >= DOMAIN_MARGIN
        return x >= DOMAIN_MARGIN
    return True


def _draw_shape(draw: st.DrawFn, name: str) -> tuple[Op, int]:
    """An instruction without operands yet (its constant drawn), and how many registers it reads."""
    const: float | None = None
    const_first = False
    weights: tuple[float, ...] = ()
    if name == "leaky_relu":
        const = draw(st.floats(0.01, 0.5))
    elif name in BINARY_OPS and draw(st.booleans()):
        const_first = draw(st.booleans())
        if name == "**":
            const = draw(st.floats(0.2, 4.0)) if const_first else draw(st.sampled_from(_EXPONENTS))
        elif name == "/" and not const_first:
            const = draw(values(-3.0, 3.0, away_from_zero=0.5))
        else:
            const = draw(values())
    if name in UNARY_OPS:
        n = 1
    elif name in BINARY_OPS:
        n = 1 if const is not None else 2
    elif name == "sum":
        n = draw(st.integers(2, 5))
    else:  # dot: 1 to 4 pairs (or Values against plain-number weights), perhaps a bias
        pairs = draw(st.integers(1, 4))
        if draw(st.booleans()):
            weights = tuple(draw(values()) for _ in range(pairs))
        n = (pairs if weights else 2 * pairs) + draw(st.booleans())
    return Op(name, (), const, const_first, weights), n


def _checked(op: Op, vals: Sequence[float], sens: Sequence[float]) -> tuple[float, float] | None:
    """(value, sensitivity) of op on the registers' values, or None if out of bounds."""
    if not all(_operand_ok(op, p, vals[i]) for p, i in enumerate(op.args)):
        return None
    out, local = _float_rule(op, [vals[i] for i in op.args])
    s = math.fsum(abs(d) * sens[i] for d, i in zip(local, op.args, strict=True))
    if not (abs(out) <= VALUE_BOUND and s <= SENSITIVITY_BOUND):
        return None
    return out, s


def expressions(
    n_inputs: int | None = None,
    min_ops: int = 1,
    max_ops: int = 50,
    ops: Iterable[str] | None = None,
    inputs: st.SearchStrategy[float] | None = None,
) -> st.SearchStrategy[Expression]:
    """Random programs of ``min_ops .. max_ops`` instructions over ``n_inputs`` inputs (1 to 4
    when None), and input values where they are well-behaved (see the module's docstring).

    Each instruction is drawn from ``ops`` (default: all of `OPS`) and reads earlier registers,
    so results are shared by later instructions. When more than one result is left unused, a
    final ``sum`` of them is the output, so every instruction counts.
    """
    names = _op_names(ops)
    if n_inputs is not None and n_inputs < 1 or not 1 <= min_ops <= max_ops:
        raise ValueError("expressions: needs n_inputs >= 1 and 1 <= min_ops <= max_ops")
    sizes = st.just(n_inputs) if n_inputs is not None else st.integers(1, 4)
    return _expressions(sizes, st.integers(min_ops, max_ops), names, inputs or values())


@st.composite
def _expressions(
    draw: st.DrawFn,
    sizes: st.SearchStrategy[int],
    lengths: st.SearchStrategy[int],
    names: tuple[str, ...],
    inputs: st.SearchStrategy[float],
) -> Expression:
    n = draw(sizes)
    xs = [draw(inputs) for _ in range(n)]
    vals, sens = list(xs), [1.0] * n
    program: list[Op] = []
    for _ in range(draw(lengths)):
        op, value, sensitivity = _draw_instruction(draw, names, vals, sens)
        program.append(op)
        vals.append(value)
        sens.append(sensitivity)
    used = {i for op in program for i in op.args}
    unused = tuple(i for i in range(n, len(vals)) if i not in used)
    if len(unused) > 1:
        program.append(Op("sum", unused))
    return Expression(Program(n, tuple(program)), tuple(xs))


def _op_names(ops: Iterable[str] | None) -> tuple[str, ...]:
    names = tuple(ops) if ops is not None else OPS
    unknown = [name for name in names if name not in OPS]
    if unknown or not names:
        raise ValueError(f"unknown ops {unknown}; choose from {OPS}")
    return names


def _draw_instruction(
    draw: st.DrawFn, names: tuple[str, ...], vals: list[float], sens: list[float]
) -> tuple[Op, float, float]:
    """One well-behaved instruction over the registers so far, with its value and sensitivity.
    Operands are drawn most recent first (shrinking makes chains); a few tries, then reject."""
    recent_first = range(len(vals) - 1, -1, -1)
    for _attempt in range(8):
        op, arity = _draw_shape(draw, draw(st.sampled_from(names)))
        args = []
        for position in range(arity):
            fits = [i for i in recent_first if _operand_ok(op, position, vals[i])]
            if not fits:
                break
            near = position == 0 and draw(st.booleans())  # deepen: often the latest results
            last = min(2, len(fits) - 1) if near else len(fits) - 1
            args.append(fits[draw(st.integers(0, last))])
        else:
            op = Op(op.name, tuple(args), op.const, op.const_first, op.weights)
            result = _checked(op, vals, sens)
            if result is not None:
                return op, *result
    reject()


def single_ops(
    ops: Iterable[str] | None = None, inputs: st.SearchStrategy[float] | None = None
) -> st.SearchStrategy[Expression]:
    """A one-instruction program of one of ``ops`` (default: all) over distinct inputs, with
    inputs in its domain and away from its kinks: for checking each op on its own."""
    return _single_ops(_op_names(ops), inputs or values())


@st.composite
def _single_ops(
    draw: st.DrawFn, names: tuple[str, ...], inputs: st.SearchStrategy[float]
) -> Expression:
    op, arity = _draw_shape(draw, draw(st.sampled_from(names)))
    op = Op(op.name, tuple(range(arity)), op.const, op.const_first, op.weights)
    xs = [draw(inputs) for _ in range(arity)]
    assume(_checked(op, xs, [1.0] * arity) is not None)
    return Expression(Program(arity, (op,)), tuple(xs))
