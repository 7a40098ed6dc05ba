"""The op registry, walked: every op, in both orders, against finite differences and PyTorch.

Nothing here lists ops: the tests are parametrized over `autograd.ops.registered()`, so an op
added to the registry is checked without another edit, and one whose rule is wrong fails.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd
import autograd.math as amath
from autograd import Value, backprop, backward_order, grad, ops, symbolic
from autograd.testing import (
    Expression,
    OpCheckError,
    check_op,
    expressions,
    single_ops,
)

BUILTIN = [o.name for o in ops.registered(builtin=True)]
ELEMENTARY = [o.name for o in ops.registered(builtin=True) if o.arity != ops.VARIADIC]
WITH_EDGES = [o.name for o in ops.registered(builtin=True) if o.edges]


def point_of(expr: Expression) -> tuple[ops.Op, list[float], int | None]:
    """The op, its operands and the position of its plain-number operand, of a one-op program."""
    program, inputs = expr
    instruction = program.ops[0]
    operands = instruction.operands(list(inputs))
    constant = None
    if instruction.const is not None:
        constant = 0 if instruction.const_first else 1
    return ops.get(instruction.name), operands, constant


# ---------------------------------------------------------------------------------------------
# Every op: first order against finite differences, create_graph equal to backward, second order


@pytest.mark.parametrize("name", ELEMENTARY)
@given(data=st.data())
def test_every_op_in_both_orders(name: str, data: st.DataObject) -> None:
    op, operands, constant = point_of(data.draw(single_ops([name])))
    check_op(op, operands, constant=constant)


@pytest.mark.parametrize("name", [n for n in BUILTIN if n not in ELEMENTARY])
@given(data=st.data())
def test_fused_nodes_in_both_orders(name: str, data: st.DataObject) -> None:
    program, inputs = data.draw(single_ops([name]))
    leaves = [Value(x) for x in inputs]
    out = program(*leaves)
    out.backward()
    symbolic = grad(program(*leaves), leaves, create_graph=True, allow_unused=True)
    assert [g.data for g in symbolic] == [v.grad for v in leaves]

    def first(xs: list[float]) -> list[float]:
        vs = [Value(x) for x in xs]
        return [g.data for g in grad(program(*vs), vs, allow_unused=True)]

    eps = 1e-5
    for i, g in enumerate(symbolic):  # second derivatives against differences of the first
        row = [0.0] * len(leaves) if g.is_leaf else [h.data for h in grad(g, leaves,
                                                                            allow_unused=True)]
        for j in range(len(leaves)):
            up, down = list(inputs), list(inputs)
            up[j] += eps
            down[j] -= eps
            want = (first(up)[i] - first(down)[i]) / (2 * eps)
            assert row[j] == pytest.approx(want, rel=1e-5, abs=1e-6), (name, i, j)
        if name in ("sum", "dot"):  # linear in each operand: 0, 1 or 2 exactly
            assert all(h in (0.0, 1.0, 2.0) for h in row)


# ---------------------------------------------------------------------------------------------
# Domain edges: the same outcome in both orders


def outcome(build: Callable[[], tuple[list[Value], Value]], create_graph: bool) -> Any:
    """(value, gradients) of what build makes, or the type and op of the error it raises."""
    try:
        leaves, out = build()
        if create_graph:
            grads = [g.data for g in grad(out, leaves, create_graph=True, allow_unused=True)]
        else:
            out.backward()
            grads = [v.grad for v in leaves]
    except (ArithmeticError, ValueError) as e:
        return type(e).__name__, str(e).split(":")[0]
    return [repr(out.data), [repr(g) for g in grads]]  # repr: NaN equals NaN, -0.0 is not 0.0


@pytest.mark.parametrize("name", WITH_EDGES)
def test_edges_give_the_same_outcome_in_both_orders(name: str) -> None:
    op = ops.get(name)
    for point in op.edges:
        for constant in (None, *(range(len(point)) if len(point) == 2 else ())):
            at = [i for i in range(len(point)) if i != constant and i not in op.numbers_only]
            if not at:
                continue

            def build(at: list[int] = at, point: tuple[float, ...] = point) -> tuple[
                    list[Value], Value]:
                leaves = [Value(point[i]) for i in at]
                operands: list[Any] = list(point)
                for leaf, i in zip(leaves, at, strict=True):
                    operands[i] = leaf
                return leaves, op(*operands)

            assert outcome(build, False) == outcome(build, True), (name, point, constant)


def test_square_root_at_zero_is_infinite_in_both_orders() -> None:
    """The disagreement the registry fixed: x ** 0.5 at 0 gave inf, and ZeroDivisionError under
    create_graph. One rule now gives inf in both, as PyTorch does."""
    for build in (lambda x: x**0.5, lambda x: x.sqrt(), lambda x: amath.pow(x, 0.5)):
        x = Value(0.0)
        build(x).backward()
        assert x.grad == math.inf
        x = Value(0.0)
        (g,) = grad(build(x), [x], create_graph=True)
        assert g.data == math.inf


# ---------------------------------------------------------------------------------------------
# The hand-written fast paths are their rules, bit for bit


def same(a: float, b: float) -> bool:
    return struct.pack("<d", a) == struct.pack("<d", b)


NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0]))


@given(NUMBERS, NUMBERS, st.sampled_from(["vv", "vn", "nv"]))
def test_operators_are_their_registry_rules(x: float, y: float, kinds: str) -> None:
    for symbol, python in (("+", lambda a, b: a + b), ("-", lambda a, b: a - b),
                           ("*", lambda a, b: a * b), ("/", lambda a, b: a / b)):
        op = ops.get(symbol)
        a = Value(x) if kinds[0] == "v" else x
        b = Value(y) if kinds[1] == "v" else y
        try:
            fast = python(a, b)
        except ZeroDivisionError as e:
            with pytest.raises(type(e)):
                op(a, b)
            continue
        generic = op(a, b)  # the registry's op, applied by autograd.core.apply
        assert fast.op == generic.op
        assert fast.constant is generic.constant is None or same(fast.constant, generic.constant)
        assert same(fast.data, generic.data)
        assert all(map(same, fast.local_grads, generic.local_grads)), (symbol, x, y, kinds)


@given(NUMBERS)
def test_negation_and_relu_are_their_registry_rules(x: float) -> None:
    for fast, op in ((lambda v: -v, ops.get("neg")), (lambda v: v.relu(), ops.get("relu"))):
        a, b = fast(Value(x)), op(Value(x))
        assert a.op == b.op and same(a.data, b.data)
        assert all(map(same, a.local_grads, b.local_grads))


@given(expressions())
def test_backward_is_the_generic_walk(expr: Expression) -> None:
    """backward()'s hand-tuned loop gives what `backprop`, the walk the views share, gives."""
    program, inputs = expr
    leaves = [Value(x) for x in inputs]
    out = program(*leaves)
    out.backward()
    table: dict[Value, Any] = {out: 1.0}
    for _ in backprop(backward_order(out, reset=False), table):
        pass
    assert [v.grad for v in leaves] == [table.get(v, 0.0) for v in leaves]


# ---------------------------------------------------------------------------------------------
# autograd.math is math on floats


MATH_FUNCTIONS = [n for n in amath.__all__ if callable(getattr(amath, n))]
EDGE_NUMBERS = [0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -2.5, 710.0, -710.0, 1e308, math.inf,
                -math.inf, math.nan, 1e-320]


def call(f: Callable[..., Any], args: tuple[float, ...]) -> Any:
    try:
        return f(*args)
    except (ArithmeticError, ValueError) as e:
        return e


@pytest.mark.parametrize("name", MATH_FUNCTIONS)
@given(data=st.data())
def test_every_math_function_is_maths_float(name: str, data: st.DataObject) -> None:
    ours, theirs = getattr(amath, name), getattr(math, name)
    n = 2 if name in ("atan2", "hypot", "pow") else 1
    numbers = st.one_of(st.floats(), st.sampled_from(EDGE_NUMBERS), st.integers(-5, 5))
    args = tuple(data.draw(numbers) for _ in range(n))
    if name == "log" and data.draw(st.booleans()):
        args = (*args, data.draw(numbers))  # math.log(x, base)
    want, got = call(theirs, args), call(ours, args)
    if isinstance(want, Exception):
        assert isinstance(got, type(want)), (name, args, want, got)  # DomainError is a ValueError
        assert str(got).startswith(("log", "log_base") if name == "log" else ours.name)
        assert "math domain error" not in str(got)
    else:
        assert not isinstance(got, Exception), (name, args, got)
        assert type(got) is float and (same(got, want) or math.isnan(got) and math.isnan(want))


@pytest.mark.parametrize("name", MATH_FUNCTIONS)
def test_every_math_function_records_its_op_on_values(name: str) -> None:
    f = getattr(amath, name)
    args = (0.3, 0.6) if name in ("atan2", "hypot", "pow") else (0.3,)
    out = f(*(Value(x) for x in args))
    assert isinstance(out, Value) and not out.is_leaf
    assert out.data == f(*args)
    assert ops.lookup(out.op) is not None


def test_math_constants() -> None:
    assert (amath.pi, amath.e, amath.tau) == (math.pi, math.e, math.tau)
    assert amath.inf == math.inf and math.isnan(amath.nan)


# ---------------------------------------------------------------------------------------------
# The check fails on a wrong rule (so the tests above could fail)


def flipped(op: ops.Op) -> ops.Op:
    """A copy of op whose derivative rule has the wrong sign, registered as a user op."""

    def wrong(*args: Any) -> Any:
        partials = op.partials(args[:-1], args[-1])
        return tuple(-d for d in partials) if op.arity > 1 else -partials[0]

    return ops.register(ops.Op(op.value, wrong, name=f"flipped_{op.word}", domain=op.domain,
                               smooth=op.smooth), replace=True)


@pytest.mark.parametrize("name", ELEMENTARY)
@given(data=st.data())
def test_a_rule_with_the_wrong_sign_fails_the_check(name: str, data: st.DataObject) -> None:
    op, operands, constant = point_of(data.draw(single_ops([name])))
    at = [i for i in range(op.arity) if i != constant and i not in op.numbers_only]
    partials = op.partials(operands, op.value(*operands))
    assume(any(abs(partials[i]) > 1e-3 for i in at))  # a zero derivative has no sign to flip
    wrong = flipped(op)
    try:
        with pytest.raises(OpCheckError, match=f"^{wrong.name}: the derivative"):
            check_op(wrong, operands, constant=constant)
    finally:
        ops.unregister(wrong.name)


def test_a_numbers_only_partial_with_the_wrong_sign_fails_the_check() -> None:
    """No gradient flows into a leaky_relu's slope (a number, never a Value), so a wrong sign
    in d/d slope changed no gradient of the suite; check_op compares it too (issue 23, 15)."""
    op = ops.get("leaky_relu")

    def wrong_slope(x: Any, slope: Any, out: Any) -> tuple[Any, Any]:
        d_x, d_slope = op.partials([x, slope], out)
        return d_x, -d_slope

    bad = ops.register(ops.Op(op.value, wrong_slope, name="leaky_relu_wrong_slope",
                              numbers_only=[1], smooth=op.smooth), replace=True)
    try:
        assert check_op(op, [-1.5, 0.1])
        with pytest.raises(OpCheckError, match="^leaky_relu_wrong_slope: the recorded "
                                               "derivative with respect to slope at x=-1.5"):
            check_op(bad, [-1.5, 0.1])
        assert check_op(bad, [1.5, 0.1])  # d/d slope is 0 for x > 0: no sign to get wrong
    finally:
        ops.unregister(bad.name)


def test_the_registry_names_every_op_once() -> None:
    names = [o.name for o in ops.registered()]
    assert len(names) == len(set(names))
    for o in ops.registered(builtin=True):
        assert ops.lookup(o.name) is o
        read = symbolic.derivatives(o, 3 if o.arity == ops.VARIADIC else 0)
        assert read is not None, f"{o.name}: its rule cannot be read on symbols"
        assert o.__doc__, f"{o.name} has no docstring"
    assert autograd.ops is ops
