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

The same program runs on plain floats, on forward mode's dual numbers (`autograd.jvp`) and on
PyTorch tensors (``program(*tensors)``), so one drawn example can be checked by the engine in
both modes, by finite differences and by torch.

The ops come from the registry (`autograd.ops`): by default every built-in op; an op of your
own joins when you name it (``expressions(ops=[*OPS, "softplus"])``), and its ``smooth``
predicate, if you gave one, keeps the inputs where finite differences work.

What "smooth and inside its domain" means here: every op's operands satisfy its ``smooth``
predicate (relu / abs / leaky_relu inputs at least `KINK_MARGIN` from 0; log, division and
fractional powers at least `DOMAIN_MARGIN` from their edge; see `autograd.ops`); every
intermediate value stays within ``±VALUE_BOUND`` (so exp never overflows) and a bound on its
sensitivity to the inputs (sum of |d value / d input|) stays below `SENSITIVITY_BOUND`: moving an
input by gradcheck's ``eps = 1e-6`` moves no operand across a kink or domain edge, and the
finite differences stay accurate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st

from . import ops
from .core import Value
from .ops import DOMAIN_MARGIN, KINK_MARGIN
from .ops import Op as RegistryOp
from .programs import Expression, Op, Program, float_rule, float_value, registry_op

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
    "OpCheckError",
    "binary_ops",
    "check_op",
    "expressions",
    "single_ops",
    "unary_ops",
    "values",
]

_BUILTIN = ops.registered(builtin=True)
UNARY_OPS = tuple(o.name for o in _BUILTIN if o.arity == 1)
"""The built-in ops of one input, from the registry."""
BINARY_OPS = tuple(o.name for o in _BUILTIN if o.arity == 2)
"""The built-in ops of two inputs: Python's operators, and functions such as ``atan2``; two
Values, or a Value and a plain number (``leaky_relu``'s slope is always a number)."""
NARY_OPS = tuple(o.name for o in _BUILTIN if o.arity == ops.VARIADIC)
"""The engine's fused nodes: `autograd.sum`, `autograd.dot`, `autograd.logsumexp`."""
OPS = UNARY_OPS + BINARY_OPS + NARY_OPS

VALUE_BOUND = 100.0
SENSITIVITY_BOUND = 1000.0
PROBE = 1e-4
"""`expressions` checks each result's gradient against finite differences at this step (100
times gradcheck's eps), so that gradcheck's own finite differences are accurate."""

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
    """Names of the one-input built-in ops, `UNARY_OPS`."""
    return st.sampled_from(UNARY_OPS)


def binary_ops() -> st.SearchStrategy[str]:
    """Names of the two-input built-in ops, `BINARY_OPS`."""
    return st.sampled_from(BINARY_OPS)


_NICE = (2.0, 3.0, -1.0, -2.0, 0.5, 1.5, -0.5, 0.0, 1.0)  # whole exponents, simple constants


def _smooth(op: Op, xs: Sequence[float]) -> bool:
    """Are the operands (registers' values `xs`, constants included) where the op is smooth:
    its ``smooth`` predicate holds, and moving any register by `KINK_MARGIN` either way keeps
    its value finite (so no domain edge is near, whatever the op declares)?"""
    if op.name in NARY_OPS:
        return True
    reg = registry_op(op.name)
    operands = op.operands(list(xs))
    if reg.smooth is not None and not reg.smooth(*operands):
        return False
    at = range(len(operands)) if op.const is None else [1 if op.const_first else 0]
    for i in at:
        for step in (-KINK_MARGIN, KINK_MARGIN):
            moved = list(operands)
            moved[i] += step
            out = reg.value(*moved)
            if not math.isfinite(out):
                return False
            try:  # the derivatives too: x ** y has a value at x < 0, y = 1, but no ∂/∂y
                partials = reg.partials(moved, out)
                if not all(math.isfinite(partials[j]) for j in at):
                    return False
            except (ArithmeticError, ValueError, TypeError):  # TypeError: a complex number
                return False
    return True


def _draw_shape(draw: st.DrawFn, name: str) -> tuple[Op, int]:
    """An instruction without operands yet (its constant drawn), and how many registers it reads."""
    weights: tuple[float, ...] = ()
    if name in ("sum", "logsumexp"):
        return Op(name, ()), draw(st.integers(2, 5))
    if name == "dot":  # 1 to 4 pairs (or Values against plain-number weights), perhaps a bias
        pairs = draw(st.integers(1, 4))
        if draw(st.booleans()):
            weights = tuple(draw(values()) for _ in range(pairs))
        n = (pairs if weights else 2 * pairs) + draw(st.booleans())
        return Op(name, (), weights=weights), n
    reg = registry_op(name)
    if reg.arity != 2 or not (bool(reg.numbers_only) or draw(st.booleans())):
        return Op(name, ()), reg.arity
    const = draw(st.one_of(st.sampled_from(_NICE), values()))
    first = 0 in reg.numbers_only or (1 not in reg.numbers_only and draw(st.booleans()))
    return Op(name, (), const, first), 1


def _checked(op: Op, vals: Sequence[float], sens: Sequence[float]) -> tuple[float, float] | None:
    """(value, sensitivity) of op on the registers' values, or None if out of bounds."""
    xs = [vals[i] for i in op.args]
    if not _smooth(op, xs):
        return None
    try:
        out, local = float_rule(op, xs)
    except (ArithmeticError, ValueError):
        return None
    s = math.fsum(abs(d) * sens[i] for d, i in zip(local, op.args, strict=True))
    if not (abs(out) <= VALUE_BOUND and s <= SENSITIVITY_BOUND):
        return None
    return out, s


def expressions(
    n_inputs: int | None = None,
    min_ops: int = 1,
    max_ops: int = 50,
    ops: Iterable[str | RegistryOp] | None = None,
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
    regs = _Registers(xs)
    program: list[Op] = []
    for _ in range(draw(lengths)):
        program.append(_draw_instruction(draw, names, regs))
    used = {i for op in program for i in op.args}
    unused = tuple(i for i in range(n, len(regs.vals)) if i not in used)
    if len(unused) > 1:
        program.append(Op("sum", unused))
    return Expression(Program(n, tuple(program)), tuple(xs))


class _Registers:
    """The registers of a program being drawn: values, sensitivities (sum of |d value / d
    input|), gradients (carried forward), and values with each input moved by ±`PROBE`."""

    def __init__(self, xs: Sequence[float]) -> None:
        n = len(xs)
        self.vals = list(xs)
        self.sens = [1.0] * n
        self.grads = [[float(i == j) for j in range(n)] for i in range(n)]
        self.moved = [[x + step * (i == j) for i, x in enumerate(xs)]
                      for j in range(n) for step in (-PROBE, PROBE)]

    def add(self, op: Op) -> bool:
        """Append op's register if it is well-behaved (see `_checked`) and finite differences
        at ±PROBE already agree with its gradient (so at gradcheck's far smaller eps they are
        accurate: no huge higher derivatives hide between the points); else change nothing."""
        checked = _checked(op, self.vals, self.sens)
        if checked is None:
            return False
        out, s = checked
        local = float_rule(op, [self.vals[i] for i in op.args])[1]
        n = len(self.grads[0])
        grad = [math.fsum(d * self.grads[i][j] for d, i in zip(local, op.args, strict=True))
                for j in range(n)]
        moved = [float_value(op, [m[i] for i in op.args]) for m in self.moved]
        for j in range(n):
            numeric = (moved[2 * j + 1] - moved[2 * j]) / (2.0 * PROBE)
            if not abs(numeric - grad[j]) <= 1e-5 + 1e-3 * abs(grad[j]):
                return False
        self.vals.append(out)
        self.sens.append(s)
        self.grads.append(grad)
        for m, x in zip(self.moved, moved, strict=True):
            m.append(x)
        return True


def _known(name: str) -> bool:
    return ops.lookup(name) is not None


def _op_names(chosen: Iterable[str | RegistryOp] | None) -> tuple[str, ...]:
    if chosen is None:
        return OPS
    names = tuple(o.name if isinstance(o, RegistryOp) else o for o in chosen)
    unknown = [n for n in names if not _known(n)]
    if unknown or not names:
        raise ValueError(f"unknown ops {unknown}; choose from {OPS} or ops of your own")
    return names


def _draw_instruction(draw: st.DrawFn, names: tuple[str, ...], regs: _Registers) -> Op:
    """One well-behaved instruction over the registers so far, appended to them. Operands are
    drawn most recent first (shrinking makes chains); a few tries, then reject."""
    vals = regs.vals
    recent_first = range(len(vals) - 1, -1, -1)
    for _attempt in range(8):
        op, arity = _draw_shape(draw, draw(st.sampled_from(names)))
        args = []
        for position in range(arity):
            fits = [i for i in recent_first if arity > 1 or _smooth(op, [vals[i]])]
            if not fits:
                break
            near = position == 0 and draw(st.booleans())  # deepen: often the latest results
            last = min(2, len(fits) - 1) if near else len(fits) - 1
            args.append(fits[draw(st.integers(0, last))])
        else:
            op = Op(op.name, tuple(args), op.const, op.const_first, op.weights)
            if regs.add(op):
                return op
    reject()


def single_ops(
    ops: Iterable[str | RegistryOp] | None = None,
    inputs: st.SearchStrategy[float] | None = None,
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
    for _attempt in range(10):  # an op with a narrow domain (log_base) needs a few tries
        xs = [draw(inputs) for _ in range(arity)]
        if _checked(op, xs, [1.0] * arity) is not None:
            return Expression(Program(arity, (op,)), tuple(xs))
    reject()


# ---------------------------------------------------------------------------------------------
# Checking one op


class OpCheckError(AssertionError):
    """`check_op` found an op whose derivatives disagree with finite differences, or whose
    create_graph derivative differs from the one `backward()` uses."""


def check_op(
    op: RegistryOp | str,
    args: Sequence[float],
    *,
    constant: int | None = None,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check an op of the registry at one point, in both orders: True, or `OpCheckError` naming
    the op, the order and the input when something disagrees (as `gradcheck` does).

    - first order: ``backward()``'s gradient against central finite differences of the op's
      value;
    - ``grad(create_graph=True)``'s first derivative equals ``backward()``'s, bit for bit (the
      same rule, on Values instead of floats);
    - second order: the create_graph derivatives differentiated again, against central finite
      differences of ``backward()``'s gradient;
    - the partials the node records for operands that are numbers only (a ``leaky_relu``'s
      slope): no gradient flows through them, but ``v.partials`` shows them, so they are
      checked against finite differences too.

    ``args`` are the operands; ``constant`` is the position of one to pass as a plain number
    (the 2 of ``x ** 2``). Choose points where the op is smooth (its ``smooth`` predicate).
    """
    from .functional import grad

    reg = registry_op(op) if isinstance(op, str) else op
    xs = [float(x) for x in args]
    at = [i for i in range(len(xs)) if i != constant and i not in reg.numbers_only]

    def gradient(point: Sequence[float]) -> list[float]:
        leaves, out = _applied(reg, point, at)
        out.backward()
        return [v.grad for v in leaves]

    def fail(what: str, i: int, ours: float, theirs: float) -> OpCheckError:
        where = ", ".join(f"{p}={x!r}" for p, x in zip(reg.params, xs, strict=True))
        return OpCheckError(f"{reg.name}: {what} with respect to {reg.params[i]} at {where}: "
                            f"{ours!r}, finite differences give {theirs!r}")

    first = gradient(xs)
    for k, i in enumerate(at):
        numeric = (reg.value(*_moved(xs, i, eps)) - reg.value(*_moved(xs, i, -eps))) / (2 * eps)
        if not abs(first[k] - numeric) <= atol + rtol * abs(numeric):
            raise fail("the derivative", i, first[k], numeric)
    leaves, out = _applied(reg, xs, at)
    for i in sorted(reg.numbers_only):
        numeric = (reg.value(*_moved(xs, i, eps)) - reg.value(*_moved(xs, i, -eps))) / (2 * eps)
        if not abs(out.partials[i] - numeric) <= atol + rtol * abs(numeric):
            raise fail("the recorded derivative", i, out.partials[i], numeric)
    symbolic = grad(out, leaves, create_graph=True, allow_unused=True)
    if [g.data for g in symbolic] != first:
        raise OpCheckError(f"{reg.name}: create_graph's first derivatives "
                           f"{[g.data for g in symbolic]} differ from backward()'s {first}")
    for k, i in enumerate(at):
        row = [0.0] * len(at) if symbolic[k].is_leaf else \
            [h.data for h in grad(symbolic[k], leaves, allow_unused=True)]
        for m, j in enumerate(at):
            numeric = (gradient(_moved(xs, j, eps))[k] - gradient(_moved(xs, j, -eps))[k]) / \
                (2 * eps)
            if not abs(row[m] - numeric) <= atol + rtol * abs(numeric):
                raise fail(f"the second derivative (after {reg.params[j]})", i, row[m], numeric)
    return True


def _moved(xs: Sequence[float], i: int, step: float) -> list[float]:
    return [x + step if k == i else x for k, x in enumerate(xs)]


def _applied(reg: RegistryOp, point: Sequence[float], at: Sequence[int]) -> tuple[
        list[Value], Value]:
    """Fresh leaves for the operands at positions `at`, and the op applied to the operands."""
    leaves = [Value(point[i], reg.params[i]) for i in at]
    operands: list[Any] = list(point)
    for leaf, i in zip(leaves, at, strict=True):
        operands[i] = leaf
    out = reg(*operands)
    if not isinstance(out, Value):
        raise OpCheckError(f"{reg.name}: gave {type(out).__name__} on Values, not a Value")
    return leaves, out
