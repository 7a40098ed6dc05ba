"""The fused `logsumexp` node and `nn.cross_entropy` built on it: values and gradients against
PyTorch (float64, 1e-9), second derivatives against finite differences and PyTorch, edges,
errors, modes and views."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import (
    AnomalyError,
    Value,
    backward_order,
    detect_anomaly,
    explain,
    grad,
    hessian,
    logsumexp,
    no_grad,
)
from autograd.nn import cross_entropy, softmax

logits = st.lists(st.floats(-30.0, 30.0), min_size=1, max_size=8)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def torch_or_skip() -> Any:
    return pytest.importorskip("torch")


def by_hand(xs: list[float]) -> float:
    return math.log(math.fsum(math.exp(x) for x in xs))


# ---------------------------------------------------------------------------------------------
# First order


@given(logits)
def test_value_and_gradient_are_log_sum_exp_and_softmax(xs: list[float]) -> None:
    leaves = [Value(x) for x in xs]
    out = logsumexp(leaves)
    assert out.op == "logsumexp" and out.parents == tuple(leaves)
    assert math.isclose(out.data, by_hand(xs), rel_tol=1e-12, abs_tol=1e-12)
    out.backward()
    probs = [math.exp(x - by_hand(xs)) for x in xs]
    assert all(math.isclose(v.grad, p, rel_tol=1e-9, abs_tol=1e-15)
               for v, p in zip(leaves, probs, strict=True))
    assert math.isclose(sum(v.grad for v in leaves), 1.0, rel_tol=1e-12)


@settings(max_examples=50, deadline=None)
@given(logits, st.data())
def test_against_torch_with_plain_numbers_among_the_values(xs: list[float],
                                                           data: st.DataObject) -> None:
    torch = torch_or_skip()
    is_value = [True] + [data.draw(st.booleans()) for _ in xs[1:]]
    items: list[Any] = [Value(x) if v else x for x, v in zip(xs, is_value, strict=True)]
    out = logsumexp(items)
    out.backward()
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=v)
          for x, v in zip(xs, is_value, strict=True)]
    t_out = torch.logsumexp(torch.stack(ts), 0)
    t_out.backward()
    assert close(out.data, t_out.item())
    for item, t in zip(items, ts, strict=True):
        if isinstance(item, Value):
            assert close(item.grad, t.grad.item())
    assert len(out.parents) == sum(is_value) == len(out.local_grads)
    assert out.operands == (tuple(items) if not all(is_value) else tuple(items))


def test_large_values_do_not_overflow() -> None:
    a, b = Value(1000.0), Value(1000.0 + math.log(3.0))
    out = logsumexp([a, b])
    assert math.isclose(out.data, 1000.0 + math.log(4.0), rel_tol=1e-15)
    out.backward()
    assert (a.grad, b.grad) == pytest.approx((0.25, 0.75), rel=1e-12)
    assert logsumexp([Value(-1000.0), Value(-1000.0)]).data == pytest.approx(-1000 + math.log(2))


@pytest.mark.parametrize("xs", [[math.inf, 1.0], [-math.inf, -math.inf], [-math.inf, 0.0],
                                [math.nan, 1.0], [1.0, math.nan], [math.inf, -math.inf]])
def test_infinities_and_nan_give_what_torch_gives(xs: list[float]) -> None:
    torch = torch_or_skip()
    leaves = [Value(x) for x in xs]
    out = logsumexp(leaves)
    out.backward()
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    t_out = torch.logsumexp(torch.stack(ts), 0)
    t_out.backward()
    assert repr(out.data) == repr(t_out.item())
    assert [repr(v.grad) for v in leaves] == [repr(t.grad.item()) for t in ts]


def test_plain_numbers_only_give_a_constant() -> None:
    out = logsumexp([0.0, math.log(3.0)])
    assert out.is_leaf and out.data == pytest.approx(math.log(4.0))


def test_errors_name_the_op() -> None:
    with pytest.raises(ValueError, match="^logsumexp: no values"):
        logsumexp([])
    with pytest.raises(TypeError, match="^logsumexp: unsupported operand of type 'str'"):
        logsumexp([Value(1.0), "2"])  # type: ignore[list-item]
    assert autograd.ops.get("logsumexp")(1.0, 2.0) == pytest.approx(by_hand([1.0, 2.0]), rel=1e-15)
    with pytest.raises(TypeError, match=r"^logsumexp\(\) takes at least one argument"):
        autograd.ops.get("logsumexp")()


def test_no_grad_and_detect_anomaly() -> None:
    with no_grad():
        out = logsumexp([Value(1.0), Value(2.0)])
    assert out.is_leaf and out.data == pytest.approx(by_hand([1.0, 2.0]))
    with detect_anomaly(), pytest.raises(AnomalyError, match="^logsumexp: produced inf"):
        logsumexp([Value(math.inf), Value(1.0)])


# ---------------------------------------------------------------------------------------------
# Second order: create_graph runs the rule exp(x_i - out) on Values


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-3.0, 3.0), min_size=2, max_size=4))
def test_hessian_against_finite_differences(xs: list[float]) -> None:
    def f(*vs: Value) -> Value:
        return logsumexp(vs) * logsumexp([v * v for v in vs])

    def first(at: list[float]) -> list[float]:
        leaves = [Value(x) for x in at]
        f(*leaves).backward()
        return [v.grad for v in leaves]

    h = hessian(f, xs)
    eps = 1e-6
    for j in range(len(xs)):
        up, down = list(xs), list(xs)
        up[j] += eps
        down[j] -= eps
        column = [(a - b) / (2 * eps) for a, b in zip(first(up), first(down), strict=True)]
        assert [row[j] for row in h] == pytest.approx(column, rel=1e-5, abs=1e-6)


def test_hessian_is_diag_p_minus_p_pt_and_agrees_with_torch() -> None:
    torch = torch_or_skip()
    xs = [0.3, -1.2, 2.0]
    h = hessian(lambda *vs: logsumexp(vs), xs)
    t = torch.autograd.functional.hessian(lambda v: torch.logsumexp(v, 0),
                                          torch.tensor(xs, dtype=torch.float64))
    p = [math.exp(x - by_hand(xs)) for x in xs]
    for i in range(3):
        for j in range(3):
            assert close(h[i][j], t[i][j].item())
            assert math.isclose(h[i][j], p[i] * ((i == j) - p[j]), rel_tol=1e-9)


def test_third_derivative_through_the_rule() -> None:
    x = Value(0.5)
    y = Value(-0.25)
    (g,) = grad(logsumexp([x, y]), [x], create_graph=True)  # sigmoid(x - y)
    (g2,) = grad(g, [x], create_graph=True)
    (g3,) = grad(g2, [x])
    s = 1.0 / (1.0 + math.exp(-(0.5 + 0.25)))
    assert math.isclose(g.data, s, rel_tol=1e-12)
    assert math.isclose(g2.data, s * (1 - s), rel_tol=1e-12)
    assert math.isclose(g3.data, s * (1 - s) * (1 - 2 * s), rel_tol=1e-9)


# ---------------------------------------------------------------------------------------------
# nn.cross_entropy on it


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.floats(-20.0, 20.0), min_size=3, max_size=3), min_size=1,
                max_size=4), st.data())
def test_cross_entropy_against_torch(rows: list[list[float]], data: st.DataObject) -> None:
    torch = torch_or_skip()
    targets = [data.draw(st.integers(0, 2)) for _ in rows]
    leaves = [[Value(x) for x in row] for row in rows]
    loss = cross_entropy(leaves, targets)
    loss.backward()
    t = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    t_loss = torch.nn.functional.cross_entropy(t, torch.tensor(targets))
    t_loss.backward()
    assert close(loss.data, t_loss.item())
    for row, t_row in zip(leaves, t.grad.tolist(), strict=True):
        assert all(close(v.grad, g) for v, g in zip(row, t_row, strict=True))


def test_cross_entropy_of_one_sample_is_two_nodes() -> None:
    row = [Value(x) for x in (2.0, -1.0, 0.5, 3.0)]
    loss = cross_entropy(row, 1)
    assert [v.op for v in backward_order(loss)] == ["-", "logsumexp"]
    assert loss.data == pytest.approx(by_hand([2.0, -1.0, 0.5, 3.0]) + 1.0)


def test_cross_entropy_second_derivative_through_the_fused_node() -> None:
    h = hessian(lambda a, b, c: cross_entropy([a, b, c], 0), [1.0, 0.0, -1.0])
    p = softmax([1.0, 0.0, -1.0])
    for i in range(3):
        for j in range(3):
            want = p[i].data * ((i == j) - p[j].data)
            assert math.isclose(h[i][j], want, rel_tol=1e-9, abs_tol=1e-15)


def test_views_read_the_node() -> None:
    a, b = Value(1.0, "a"), Value(2.0, "b")
    out = logsumexp([a, b])
    out.label = "lse"
    e = explain(out, a)
    assert e.value == pytest.approx(math.exp(1.0 - out.data))
    assert "lse" in str(e) and "a" in str(e)
    assert "logsumexp" in autograd.draw(out).source
    assert "logsumexp(a, b)" in autograd.tree(out)


# ---------------------------------------------------------------------------------------------
# Forward mode: Duals go through plain arithmetic, as for sum and dot


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-30.0, 30.0), min_size=1, max_size=6), st.data())
def test_forward_mode_tangent_is_the_softmax_weighted_tangents(xs: list[float],
                                                              data: st.DataObject) -> None:
    from autograd.forward import Dual

    tangents = [data.draw(st.floats(-2.0, 2.0)) for _ in xs]
    out = logsumexp([Dual(x, t) for x, t in zip(xs, tangents, strict=True)])
    assert isinstance(out, Dual)
    assert math.isclose(out.primal, by_hand(xs), rel_tol=1e-12, abs_tol=1e-12)
    probs = [math.exp(x - by_hand(xs)) for x in xs]
    want = math.fsum(p * t for p, t in zip(probs, tangents, strict=True))
    assert math.isclose(out.tangent, want, rel_tol=1e-9, abs_tol=1e-12)
    mixed = logsumexp([2.0, Dual(1000.0, 1.0)])  # a plain number among them; no overflow
    assert mixed.primal == pytest.approx(1000.0) and mixed.tangent == pytest.approx(1.0)
    with pytest.raises(TypeError, match="^logsumexp: unsupported operand of type 'Dual'"):
        logsumexp([Value(1.0), Dual(1.0, 1.0)])
