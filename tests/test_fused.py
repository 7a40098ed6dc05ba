"""Fused n-ary nodes: dot's fast path for neurons and linear() agree with the general path."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot, linear
from autograd.functional import hessian

small = st.floats(-3.0, 3.0)


def grads_of(build: object, leaves: list[Value]) -> list[float]:
    for v in leaves:
        v.grad = 0.0
    out = build()  # type: ignore[operator]
    total = out if isinstance(out, Value) else sum(out[1:], out[0])
    total.backward()
    return [v.grad for v in leaves]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(small, small, st.booleans(), st.booleans()), min_size=1, max_size=6),
       small, st.booleans())
def test_dot_paths_agree_with_products(
    terms: list[tuple[float, float, bool, bool]], b: float, b_is_value: bool
) -> None:
    """Every mix of Values and numbers on either side, with and without a Value bias."""
    ws = [Value(w) if wv else w for w, _, wv, _ in terms]
    xs = [Value(x) if xv else x for _, x, _, xv in terms]
    bias: Value | float = Value(b) if b_is_value else b
    leaves = [v for v in (*ws, *xs, bias) if isinstance(v, Value)]
    node = dot(ws, xs, bias)
    expected = sum(w * x for w, x, _, _ in terms) + b
    assert math.isclose(node.data, expected, rel_tol=1e-12, abs_tol=1e-12)
    if not leaves:
        assert node.parents == node.local_grads == ()
        return
    fused = grads_of(lambda: dot(ws, xs, bias), leaves)
    by_hand = grads_of(lambda: sum((w * x for w, x in zip(ws, xs, strict=True)), bias), leaves)
    assert fused == pytest.approx(by_hand, rel=1e-12, abs=1e-12)
    assert len(node.parents) == len(leaves) == len(node.local_grads)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(0, 4), st.booleans(),
       st.sampled_from(["value", "none", "float"]), st.booleans(), st.data())
def test_linear_is_one_dot_per_row(
    nout: int, nin: int, x_values: bool, bias_kind: str, plain_weight: bool, data: st.DataObject
) -> None:
    """linear reads the inputs once for all rows; each node it makes is the node `dot` makes,
    field by field, whatever mix of Values, numbers and biases it is given."""
    weight: list[list[Value | float]] = [
        [Value(data.draw(small)) for _ in range(nin)] for _ in range(nout)]
    if plain_weight and nin:
        weight[0][0] = data.draw(small)
    bias: list[Value | float] | None = (
        None if bias_kind == "none" else
        [Value(data.draw(small)) if bias_kind == "value" else data.draw(small)
         for _ in range(nout)])
    xs = [Value(data.draw(small)) if x_values else data.draw(small) for _ in range(nin)]
    if not nin and bias is None:
        return  # dot of nothing: a constant, tested below
    outs = linear(weight, xs, bias)
    rows = [dot(row, xs, b) for row, b in zip(weight, bias or [None] * nout, strict=True)]
    assert [o.data for o in outs] == [r.data for r in rows]
    assert [o.operands for o in outs] == [r.operands for r in rows]
    assert [o.partials for o in outs] == [r.partials for r in rows]
    assert [o.parents for o in outs] == [r.parents for r in rows]
    assert [str(o.op) for o in outs] == [str(r.op) for r in rows]


def test_linear_without_bias_and_with_plain_weights() -> None:
    x = Value(2.0)
    out = linear([[1.0, Value(3.0)], [Value(-1.0), 0.5]], [x, 4.0])
    assert [o.data for o in out] == [14.0, 0.0]


def test_linear_errors_name_the_op() -> None:
    with pytest.raises(ValueError, match="linear: 2 weight rows but 1 biases"):
        linear([[Value(1.0)], [Value(2.0)]], [1.0], [Value(0.0)])
    with pytest.raises(ValueError, match="dot: 2 weights but 1 inputs"):
        linear([[Value(1.0), Value(2.0)]], [1.0], [Value(0.0)])
    with pytest.raises(TypeError, match="dot: unsupported operand of type 'str'"):
        linear([[Value(1.0)]], ["a"], [Value(0.0)])  # type: ignore[list-item]


def test_second_derivatives_through_the_fast_path() -> None:
    # d2/dw dx of (w*x + b) is 1; through a neuron-shaped dot (Value weights, inputs and bias)
    h = hessian(lambda w, x, b: dot([w], [x], b) * dot([w], [x], b), [0.5, 2.0, 0.25])
    z = 0.5 * 2.0 + 0.25
    assert h == [[2 * 2.0 * 2.0, 2 * (0.5 * 2.0 + z), 2 * 2.0],
                 [2 * (0.5 * 2.0 + z), 2 * 0.5 * 0.5, 2 * 0.5],
                 [2 * 2.0, 2 * 0.5, 2.0]]
