"""Values and gradients agree with PyTorch (float64) to 1e-9 relative. Skipped without torch."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import Value, grad
from autograd.examples import TwoLayerSigmoid
from autograd.testing import OPS, Expression, Program, expressions, single_ops

torch = pytest.importorskip("torch")


def close(ours: float, theirs: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-12)


def tensor(x: float) -> Any:
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def crosscheck(program: Program, inputs: tuple[float, ...]) -> None:
    """Run program on Values and on tensors; compare every register's value and gradient."""
    ours = program.run([Value(x) for x in inputs])
    theirs = program.run([tensor(x) for x in inputs])
    for t in theirs[program.n_inputs :]:
        t.retain_grad()
    ours[-1].backward()
    theirs[-1].backward()
    names = program.names()
    for name, v, t in zip(names, ours, theirs, strict=True):
        assert t.dtype == torch.float64
        assert close(v.data, t.item()), (name, v.data, t.item())
        g = 0.0 if t.grad is None else t.grad.item()  # an unused input has no gradient in torch
        assert close(v.grad, g), (name, v.grad, g)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_every_op_agrees_with_torch(name: str, data: st.DataObject) -> None:
    program, inputs = data.draw(single_ops([name]))
    crosscheck(program, inputs)


@given(expressions())
def test_random_graphs_agree_with_torch(expr: Expression) -> None:
    crosscheck(*expr)


def hessian_both_ways(program: Program, inputs: tuple[float, ...]) -> tuple[
        list[list[float]], list[list[float]]]:
    """The Hessian of a program's output by this engine (create_graph) and by PyTorch."""
    leaves = [Value(x) for x in inputs]
    first = grad(program(*leaves), leaves, create_graph=True, allow_unused=True)
    ours = [[0.0] * len(leaves) if g.is_leaf else
             [h.data for h in grad(g, leaves, allow_unused=True)] for g in first]
    ts = [tensor(x) for x in inputs]
    tfirst = torch.autograd.grad(program(*ts), ts, create_graph=True, allow_unused=True)
    theirs = []
    for g in tfirst:
        if g is None or not g.requires_grad:
            theirs.append([0.0] * len(ts))
            continue
        row = torch.autograd.grad(g, ts, allow_unused=True, retain_graph=True)
        theirs.append([0.0 if h is None else h.item() for h in row])
    return ours, theirs


def torch_masks_it(program: Program, inputs: tuple[float, ...]) -> bool:
    """Two edges of x ** y where PyTorch's masks give other second derivatives than the true
    ones this engine gives: a tensor y exactly 0 (its where(y == 0, 0, ...) makes ∂²/∂x∂y 0, the
    truth is 1/x), and a base exactly 0 with a tensor exponent (0 ** y is 0 for y > 0, so its
    second derivative is 0; PyTorch's masked x^y ln x gives NaN)."""
    op = program.ops[0]
    if op.name != "**":
        return False
    operands = op.operands(list(inputs))
    exponent_is_a_tensor = op.const is None or op.const_first
    return exponent_is_a_tensor and (operands[1] == 0.0 or operands[0] == 0.0)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_every_op_agrees_with_torch_in_second_derivatives(name: str,
                                                          data: st.DataObject) -> None:
    program, inputs = data.draw(single_ops([name]))
    assume(not torch_masks_it(program, inputs))
    ours, theirs = hessian_both_ways(program, inputs)
    for row, trow in zip(ours, theirs, strict=True):
        for h, th in zip(row, trow, strict=True):
            assert close(h, th), (str(program), inputs, ours, theirs)


@given(expressions(max_ops=12))
def test_random_graphs_agree_with_torch_in_second_derivatives(expr: Expression) -> None:
    program, inputs = expr
    assume(not any(op.name == "**" and op.const is None for op in program.ops))
    ours, theirs = hessian_both_ways(program, inputs)
    for row, trow in zip(ours, theirs, strict=True):
        for h, th in zip(row, trow, strict=True):
            assert math.isclose(h, th, rel_tol=1e-9, abs_tol=1e-9), (str(program), ours, theirs)


def leaky_relu(x: Any, slope: float) -> Any:
    return x.leaky_relu(slope) if isinstance(x, Value) else torch.nn.functional.leaky_relu(x, slope)


@pytest.mark.parametrize(
    "build",
    [
        lambda x: x.relu(),  # relu'(0) = 0
        lambda x: abs(x),  # sign(0) = 0
        lambda x: leaky_relu(x, 0.1),  # the slope at 0
        lambda x: x**0,  # d/dx x⁰ = 0, also at 0
        lambda x: x**2,
        lambda x: x**0.5,  # unbounded at 0: inf in both
        lambda x: x * 0.0 + 1.0,
    ],
    ids=["relu", "abs", "leaky_relu", "x**0", "x**2", "x**0.5", "times 0"],
)
def test_conventions_at_zero_match_torch(build: Any) -> None:
    x, t = Value(0.0), tensor(0.0)
    out, tout = build(x), build(t)
    out.backward()
    tout.backward()
    assert out.data == tout.item()
    assert x.grad == t.grad.item()


def test_zero_to_a_value_power_matches_torch() -> None:
    # d/db 0^b for b > 0 is 0 (PyTorch's convention too)
    a, b = Value(0.0), Value(2.0)
    ta, tb = tensor(0.0), tensor(2.0)
    (a**b).backward()
    (ta**tb).backward()
    assert (a.grad, b.grad) == (ta.grad.item(), tb.grad.item()) == (0.0, 0.0)


@pytest.mark.parametrize("x", [-1000.0, -40.0, 40.0, 1000.0])
def test_saturated_sigmoid_and_tanh_match_torch(x: float) -> None:
    for method in ("sigmoid", "tanh"):
        v, t = Value(x), tensor(x)
        out, tout = getattr(v, method)(), getattr(t, method)()
        out.backward()
        tout.backward()
        assert close(out.data, tout.item()) and close(v.grad, t.grad.item())


def test_two_layer_agrees_with_torch(net: TwoLayerSigmoid) -> None:
    names = ["i1", "i2", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2"]
    t = {name: tensor(getattr(net, name).data) for name in names}
    h1 = (t["w1"] * t["i1"] + t["w2"] * t["i2"] + t["b1"]).sigmoid()
    h2 = (t["w3"] * t["i1"] + t["w4"] * t["i2"] + t["b1"]).sigmoid()
    o1 = (t["w5"] * h1 + t["w6"] * h2 + t["b2"]).sigmoid()
    o2 = (t["w7"] * h1 + t["w8"] * h2 + t["b2"]).sigmoid()
    error = 0.5 * (0.85 - o1) ** 2 + 0.5 * (0.30 - o2) ** 2
    error.backward()
    net.E_total.backward()
    assert close(net.E_total.data, error.item())
    for name in names:
        assert close(getattr(net, name).grad, t[name].grad.item()), name
