"""The engine: every op's value and local derivatives, backward, accumulation, modes, the seeds."""

from __future__ import annotations

import asyncio
import contextlib
import math
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import autograd
from autograd import Value, backward_order, detect_anomaly, dot, is_grad_enabled, no_grad, walk
from autograd import sum as vsum
from autograd.examples import TwoLayerSigmoid

# ---------------------------------------------------------------------------------------------
# Leaves


def test_a_leaf() -> None:
    x = Value(2, label="x")
    assert type(x.data) is float and x.data == 2.0
    assert (x.grad, x.label, x.op) == (0.0, "x", "")
    assert x.is_leaf and x.parents == () and x.local_grads == () and x.constant is None
    x.label = "renamed"
    assert x.label == "renamed"
    assert f"{x:.1f}" == "2.0"
    with pytest.raises(TypeError, match=r"leave the graph.*v\.data.*\(2\.0\).*autograd\.math\.exp"):
        float(x)  # what math.exp(x) would do: drop out of the graph silently
    assert "renamed" in repr(x)


@pytest.mark.parametrize(
    "number, expected",
    [(3, 3.0), (2.5, 2.5), (np.float64(0.25), 0.25), (np.float32(0.5), 0.5), (np.int64(7), 7.0)],
)
def test_leaf_accepts_real_numbers(number: object, expected: float) -> None:
    v = Value(number)
    assert type(v.data) is float and v.data == expected


# ---------------------------------------------------------------------------------------------
# Every op: value, op name, parents, local derivatives (computed by hand), constant.

A, B = 3.0, -2.0
S = 1.0 / (1.0 + math.exp(2.0))  # sigmoid(-2)
T = math.tanh(-2.0)

# (id, build from a=3 ('a') and b=-2 ('b'), value, op, parent names, local derivatives, constant)
OP_TABLE: list[tuple[str, Callable[[Value, Value], Value], float, str, str, tuple[float, ...],
                     float | None]] = [
    ("a+b", lambda a, b: a + b, 1.0, "+", "ab", (1.0, 1.0), None),
    ("a+2", lambda a, b: a + 2, 5.0, "+", "a", (1.0,), 2.0),
    ("2+a", lambda a, b: 2 + a, 5.0, "+", "a", (1.0,), 2.0),
    ("a-b", lambda a, b: a - b, 5.0, "-", "ab", (1.0, -1.0), None),
    ("a-2", lambda a, b: a - 2, 1.0, "-", "a", (1.0,), 2.0),
    ("2-a", lambda a, b: 2 - a, -1.0, "-", "a", (-1.0,), 2.0),
    ("a*b", lambda a, b: a * b, -6.0, "*", "ab", (-2.0, 3.0), None),
    ("a*2", lambda a, b: a * 2, 6.0, "*", "a", (2.0,), 2.0),
    ("2*a", lambda a, b: 2 * a, 6.0, "*", "a", (2.0,), 2.0),
    ("a/b", lambda a, b: a / b, -1.5, "/", "ab", (-0.5, -0.75), None),  # 1/b, -a/b²
    ("a/2", lambda a, b: a / 2, 1.5, "/", "a", (0.5,), 2.0),
    ("2/a", lambda a, b: 2 / a, 2 / 3, "/", "a", (-2 / 9,), 2.0),  # -2/a²
    ("a**2", lambda a, b: a**2, 9.0, "**", "a", (6.0,), 2.0),
    ("a**0.5", lambda a, b: a**0.5, math.sqrt(3), "**", "a", (0.5 / math.sqrt(3),), 0.5),
    ("a**b", lambda a, b: a**b, 1 / 9, "**", "ab", (-2 / 27, math.log(3) / 9), None),
    ("2**a", lambda a, b: 2**a, 8.0, "**", "a", (8 * math.log(2),), 2.0),
    ("-a", lambda a, b: -a, -3.0, "neg", "a", (-1.0,), None),
    ("abs(a)", lambda a, b: abs(a), 3.0, "abs", "a", (1.0,), None),
    ("abs(b)", lambda a, b: abs(b), 2.0, "abs", "b", (-1.0,), None),
    ("exp(a)", lambda a, b: a.exp(), math.e**3, "exp", "a", (math.e**3,), None),
    ("log(a)", lambda a, b: a.log(), math.log(3), "log", "a", (1 / 3,), None),
    ("sigmoid(b)", lambda a, b: b.sigmoid(), S, "sigmoid", "b", (S * (1 - S),), None),
    ("tanh(b)", lambda a, b: b.tanh(), T, "tanh", "b", (1 - T * T,), None),
    ("relu(a)", lambda a, b: a.relu(), 3.0, "relu", "a", (1.0,), None),
    ("relu(b)", lambda a, b: b.relu(), 0.0, "relu", "b", (0.0,), None),
    ("leaky_relu(a)", lambda a, b: a.leaky_relu(), 3.0, "leaky_relu", "a", (1.0,), 0.01),
    ("leaky_relu(b)", lambda a, b: b.leaky_relu(), -0.02, "leaky_relu", "b", (0.01,), 0.01),
    ("leaky_relu(b,.2)", lambda a, b: b.leaky_relu(0.2), -0.4, "leaky_relu", "b", (0.2,), 0.2),
]


@pytest.mark.parametrize(
    "build, value, op, parents, local, const", [row[1:] for row in OP_TABLE],
    ids=[row[0] for row in OP_TABLE],
)
def test_op_value_and_local_derivatives(
    build: Callable[[Value, Value], Value],
    value: float,
    op: str,
    parents: str,
    local: tuple[float, ...],
    const: float | None,
) -> None:
    a, b = Value(A, "a"), Value(B, "b")
    out = build(a, b)
    assert out.data == pytest.approx(value, rel=1e-15)
    assert out.op == op and not out.is_leaf
    assert [p.label for p in out.parents] == list(parents)
    assert out.local_grads == pytest.approx(local, rel=1e-15)
    assert out.constant == const
    # the operands in call order: a number given first (2 - a) stays first
    shown = [x.label if isinstance(x, Value) else x for x in out.operands]
    expected = [*parents] if const is None else [const, *parents]
    if const is not None and not str(build).startswith("2") and len(shown) == 2:
        expected = [*parents, const]
    assert sorted(map(str, shown)) == sorted(map(str, expected))
    assert (shown[0] == const) == (out.operands[0] is not a and out.operands[0] is not b)
    # backward applies exactly these local derivatives
    out.backward()
    for p, d in zip(out.parents, local, strict=True):
        assert p.grad == pytest.approx(d, rel=1e-15)


def test_conventions_at_kinks() -> None:
    zero = Value(0.0)
    assert zero.relu().local_grads == (0.0,)  # relu'(0) = 0, as PyTorch
    assert abs(zero).local_grads == (0.0,)  # sign(0) = 0, as PyTorch
    assert zero.leaky_relu(0.1).local_grads == (0.1,)  # the slope, as PyTorch
    assert (zero**0).data == 1.0 and (zero**0).local_grads == (0.0,)
    assert (zero**2).local_grads == (0.0,)
    assert (zero ** Value(2.0)).local_grads == (0.0, 0.0)
    assert (zero**0.5).local_grads == (math.inf,)  # d/dx sqrt(x) is unbounded at 0


def test_value_to_a_value_power() -> None:
    # d/db a^b = a^b ln a ; d/da a^b = b a^(b-1)
    a, b = Value(2.0, "a"), Value(3.0, "b")
    c = a**b
    c.backward()
    assert c.data == 8.0
    assert a.grad == 12.0
    assert b.grad == pytest.approx(8 * math.log(2), rel=1e-15)


def test_micrograd_readme_example() -> None:
    """micrograd's README example runs unchanged and gives its printed numbers."""
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    assert f"{g.data:.4f}" == "24.7041"
    g.backward()
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


# ---------------------------------------------------------------------------------------------
# Operand types


@pytest.mark.parametrize("number", [2, 2.0, np.float64(2.0), np.float32(2.0), np.int64(2)])
def test_numbers_on_either_side(number: float) -> None:
    x = Value(3.0)
    assert [v.data for v in (x + number, number + x)] == [5.0, 5.0]
    assert [v.data for v in (x - number, number - x)] == [1.0, -1.0]
    assert [v.data for v in (x * number, number * x)] == [6.0, 6.0]
    assert [v.data for v in (x / number, number / x)] == [1.5, 2 / 3]
    assert [v.data for v in (x**number, number**x)] == [9.0, 8.0]
    for v in (number + x, number * x, number / x, number**x):
        assert isinstance(v, Value) and type(v.data) is float


def test_bool_counts_as_a_number() -> None:
    # bool is a numbers.Real subclass; the engine accepts it as 0 or 1
    assert (Value(2.0) + True).data == 3.0


BAD = [("str", "1"), ("NoneType", None), ("list", [1.0]), ("complex", 1j),
       ("complex128", np.complex128(1))]
OPERATORS: list[tuple[str, Callable[[object, object], object]]] = [
    ("+", lambda x, y: x + y),
    ("-", lambda x, y: x - y),
    ("*", lambda x, y: x * y),
    ("/", lambda x, y: x / y),
    ("**", lambda x, y: x**y),
]


@pytest.mark.parametrize("type_name, bad", BAD, ids=[b[0] for b in BAD])
@pytest.mark.parametrize("op, apply", OPERATORS, ids=[o[0] for o in OPERATORS])
def test_bad_operand_type_names_type_and_op(
    type_name: str, bad: object, op: str, apply: Callable[[object, object], object]
) -> None:
    x = Value(3.0, "x")
    for left, right in ((x, bad), (bad, x)):
        with pytest.raises(TypeError) as info:
            apply(left, right)
        message = str(info.value)
        assert message.startswith(f"{op}:"), message
        # numpy hands a complex128 on the left over as a Python complex
        assert f"'{type_name}'" in message or type_name == "complex128" and "'complex'" in message


@pytest.mark.parametrize(
    "call, op",
    [
        (lambda: Value("1"), "Value"),
        (lambda: Value(None), "Value"),
        (lambda: Value(1.0).leaky_relu("0.1"), "leaky_relu"),
        (lambda: Value(1.0).backward(grad="1"), "backward"),
        (lambda: vsum([Value(1.0), "2"]), "sum"),
        (lambda: dot([Value(1.0)], ["2"]), "dot"),
        (lambda: Value(1.0) < "2", "<"),
    ],
)
def test_other_bad_types(call: Callable[[], object], op: str) -> None:
    with pytest.raises(TypeError, match=f"^{op}:.*'?str'?|^{op}:.*'?NoneType'?"):
        call()


def test_label_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="label must be a str, not int"):
        Value(1.0, label=3)


# ---------------------------------------------------------------------------------------------
# backward: shared nodes, accumulation, seeds, zero_grad


def test_reused_non_leaf_accumulates() -> None:
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0
    assert b.grad == 2.0


def test_diamond_graph() -> None:
    x = Value(2.0, "x")
    y = x * x  # 4, dy/dx = 4
    z = y.exp() + y.log() * y  # dz/dy = e^y + log y + 1
    z.backward()
    assert x.grad == pytest.approx((math.exp(4) + math.log(4) + 1) * 4, rel=1e-14)


def test_leaf_gradients_accumulate_across_backward_calls() -> None:
    x = Value(3.0, "x")
    z = x * x
    y = z * 2.0  # dy/dx = 4x = 12, dy/dz = 2
    y.backward()
    assert (x.grad, z.grad, y.grad) == (12.0, 2.0, 1.0)
    y.backward()
    assert x.grad == 24.0  # leaves accumulate, as in PyTorch
    assert (z.grad, y.grad) == (2.0, 1.0)  # non-leaves hold the latest pass
    other = x + 1.0
    other.backward()
    assert x.grad == 25.0


def test_zero_grad_resets_the_whole_graph() -> None:
    x, w = Value(3.0, "x"), Value(-1.0, "w")
    h = x * w
    y = h.tanh()
    y.backward()
    assert x.grad != 0.0 and w.grad != 0.0 and h.grad != 0.0
    y.zero_grad()
    assert [v.grad for v in (x, w, h, y)] == [0.0, 0.0, 0.0, 0.0]
    y.backward()
    assert x.grad == pytest.approx(-(1 - math.tanh(-3.0) ** 2))


def test_backward_seed() -> None:
    x = Value(3.0)
    y = x * x
    y.backward(grad=2.0)
    assert (y.grad, x.grad) == (2.0, 12.0)
    leaf = Value(1.0)
    leaf.backward(0.5)
    leaf.backward()
    assert leaf.grad == 1.5  # d leaf / d leaf, accumulated


def test_backward_order_and_walk() -> None:
    x, w = Value(1.0, "x"), Value(2.0, "w")
    h = x * w
    h.label = "h"
    out = h + h.exp()
    out.label = "out"
    e = out.parents[1]
    out.backward()
    order = backward_order(out)
    assert order[0] is out
    assert set(order) == {out, h, e} and len(order) == 3
    assert order.index(e) < order.index(h)  # every node before its parents
    assert all(v.grad == 0.0 for v in order)  # reset on the way, as backward does
    assert x.grad != 0.0  # leaves are not in the order, so not reset
    everything = walk(out)
    assert everything[0] is out and set(everything) == {out, h, e, x, w}
    assert len(everything) == 5
    assert backward_order(x) == [] and walk(x) == [x]


def test_backward_order_without_reset_keeps_grads() -> None:
    x = Value(2.0)
    y = x * 3.0
    y.backward()
    assert backward_order(y, reset=False) == [y] and y.grad == 1.0


# ---------------------------------------------------------------------------------------------
# no_grad and detach


def test_no_grad_context_manager() -> None:
    x = Value(2.0, "x")
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        y = x * 3.0 + x.exp()
        with no_grad():
            pass
        assert not is_grad_enabled()  # leaving an inner block keeps the outer one
    assert is_grad_enabled()
    assert y.data == 6.0 + math.exp(2.0)
    assert y.is_leaf and y.op == "" and y.parents == () and y.local_grads == ()
    y.backward()
    assert x.grad == 0.0
    z = x * 3.0
    assert z.parents == (x,)


def test_no_grad_is_restored_after_an_exception() -> None:
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError("boom")
    assert is_grad_enabled()


def test_no_grad_decorator() -> None:
    @no_grad()
    def update(w: Value) -> Value:
        assert not is_grad_enabled()
        return w - 0.1 * w.grad

    w = Value(1.0)
    (w * w).backward()
    w2 = update(w)
    assert w2.is_leaf and w2.data == pytest.approx(0.8)
    assert update.__name__ == "update"
    assert is_grad_enabled()


def test_no_grad_in_one_thread_does_not_leak_into_another() -> None:
    barrier = threading.Barrier(2, timeout=30)
    seen: dict[str, tuple[bool, bool]] = {}

    def quiet() -> None:
        with no_grad():
            barrier.wait()  # 1: this thread is inside no_grad now
            barrier.wait()  # 2: the other thread has computed meanwhile
            seen["quiet"] = (is_grad_enabled(), (Value(1.0) * 2).is_leaf)

    def loud() -> None:
        barrier.wait()
        seen["loud"] = (is_grad_enabled(), (Value(1.0) * 2).is_leaf)
        barrier.wait()

    threads = [threading.Thread(target=quiet), threading.Thread(target=loud)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert seen == {"quiet": (False, True), "loud": (True, False)}


def test_no_grad_in_one_asyncio_task_does_not_leak_into_another() -> None:
    async def main() -> list[tuple[bool, bool]]:
        entered, release = asyncio.Event(), asyncio.Event()

        async def quiet() -> tuple[bool, bool]:
            with no_grad():
                entered.set()
                await release.wait()  # suspended inside no_grad while the other task runs
                return is_grad_enabled(), (Value(1.0) * 2).is_leaf

        async def loud() -> tuple[bool, bool]:
            await entered.wait()
            result = is_grad_enabled(), (Value(1.0) * 2).is_leaf
            release.set()
            return result

        @no_grad()
        async def decorated() -> bool:
            await asyncio.sleep(0)
            return is_grad_enabled()

        results = await asyncio.gather(quiet(), loud())
        assert await decorated() is False
        assert is_grad_enabled()
        return list(results)

    assert asyncio.run(main()) == [(False, True), (True, False)]


def test_detach() -> None:
    x = Value(2.0, "x")
    h = x * 3.0
    h.label = "h"
    d = h.detach()
    assert d.is_leaf and d.data == 6.0 and d.label == "h" and d is not h
    y = d * x
    y.backward()
    assert x.grad == 6.0  # only the direct path: the detached branch carries no gradient
    assert d.grad == 2.0 and h.grad == 0.0


# ---------------------------------------------------------------------------------------------
# Fused nodes: sum and dot


def test_sum_node() -> None:
    a, b, c = Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c")
    s = vsum([a, b, 4.0, c], start=10.0)
    assert s.data == 20.0 and s.op == "sum"
    assert s.parents == (a, b, c) and s.local_grads == (1.0, 1.0, 1.0)
    (s * s).backward()
    assert a.grad == b.grad == c.grad == 40.0
    twice = vsum([a, a])
    twice.backward()
    assert a.grad == 42.0


def test_dot_node_of_values() -> None:
    w1, w2, x1, x2, bias = (Value(v, k) for v, k in
                            ((0.5, "w1"), (-1.0, "w2"), (2.0, "x1"), (3.0, "x2"), (0.25, "b")))
    z = dot([w1, w2], [x1, x2], bias)
    assert z.data == 0.5 * 2.0 - 3.0 + 0.25 and z.op == "dot"
    assert [p.label for p in z.parents] == ["w1", "w2", "x1", "x2", "b"]
    assert z.local_grads == (2.0, 3.0, 0.5, -1.0, 1.0)  # d/dw = x, d/dx = w, d/db = 1
    z.backward()
    assert [v.grad for v in (w1, w2, x1, x2, bias)] == [2.0, 3.0, 0.5, -1.0, 1.0]


def test_dot_with_numbers_on_one_side_or_mixed() -> None:
    w1, w2 = Value(0.5, "w1"), Value(-1.0, "w2")
    z = dot([w1, w2], [2.0, 3.0], 1.0)  # a neuron on data: only the weights are parents
    assert z.data == -1.0 and z.parents == (w1, w2) and z.local_grads == (2.0, 3.0)
    x = Value(4.0, "x")
    m = dot([w1, 2.0], [3.0, x])
    assert m.data == 9.5 and m.parents == (w1, x) and m.local_grads == (3.0, 2.0)
    m.backward()
    assert (w1.grad, x.grad) == (3.0, 2.0)
    square = dot([x], [x])  # the same Value on both sides
    square.backward()
    assert square.data == 16.0 and x.grad == 2.0 + 8.0


def test_dot_of_plain_numbers_only() -> None:
    # nothing to differentiate: a node without parents, and backward must still work
    z = dot([1.0, 2.0], [3.0, 4.0], 0.5)
    assert z.data == 11.5
    assert all(isinstance(p, Value) for p in z.parents)
    assert walk(z) == [z]
    z.backward()
    s = vsum([1.0, 2.0])
    assert s.data == 3.0 and s.parents == ()
    s.backward()


def test_dot_length_mismatch() -> None:
    with pytest.raises(ValueError, match=r"dot: 2 weights but 1 inputs"):
        dot([Value(1.0), Value(2.0)], [Value(1.0)])


# ---------------------------------------------------------------------------------------------
# The seeds' numbers


def test_pigs_sold_partial_derivatives() -> None:
    # y = f(x) = 10x + 30: the derivative is 10 (10 pigs a year)
    x = Value(4.0)
    (10 * x + 30).backward()
    assert x.grad == 10.0
    # y = 5x₁² + 8x₂ + 35x₃ + 30: ∂y/∂x₃ = 35, ∂y/∂x₂ = 8, ∂y/∂x₁ = 10x₁
    x1, x2, x3 = Value(2.0, "x1"), Value(5.0, "x2"), Value(7.0, "x3")
    y = 5 * x1**2 + 8 * x2 + 35 * x3 + 30
    assert y.data == 5 * 4 + 40 + 245 + 30
    y.backward()
    assert x3.grad == 35.0
    assert x2.grad == 8.0
    assert x1.grad == 20.0


def test_pigs_sold_sigmoid_derivative_formula() -> None:
    # f'(x) = f(x) * [1 - f(x)]
    for x in (-3.0, 0.0, 0.5, 4.0):
        v = Value(x)
        s = v.sigmoid()
        s.backward()
        assert v.grad == pytest.approx(s.data * (1 - s.data), rel=1e-15)


def test_parabola_gradient_descent_reaches_the_minimum() -> None:
    # f(x) = 2x² − 12x + 20; f'(x) = 4x − 12 = 0 at x = 3, where f(3) = 2 (seed 002 §4.01).
    # The seed gives no learning rate or start: we take x = 0 and η = 0.1 (x ← 0.6x + 1.2).
    def f(x: Value) -> Value:
        return 2 * x**2 - 12 * x + 20

    x = Value(0.0, "x")
    lr = 0.1
    for step in range(200):
        y = f(x)
        y.zero_grad()
        y.backward()
        if step == 0:
            assert (y.data, x.grad) == (20.0, -12.0)
        with no_grad():
            x.data -= lr * x.grad
        if step == 0:
            assert x.data == pytest.approx(1.2)
    assert round(x.data, 9) == 3.0
    assert round(f(x).data, 9) == 2.0


def test_parabola_partial_derivatives_section_402() -> None:
    # f(x, y) = 2x² + 2y + 4xy: ∂f/∂x = 4x + 4y, ∂f/∂y = 2 + 4x
    x, y = Value(1.5, "x"), Value(-2.0, "y")
    (2 * x**2 + 2 * y + 4 * x * y).backward()
    assert (x.grad, y.grad) == (4 * 1.5 - 8.0, 2 + 6.0)


# Seed 004, section 2.2. Every number the seed prints, with the digits it prints. The seed rounds
# most of them; five it truncates (it multiplies its own rounded factors), noted below.
SEED004_FORWARD = {
    "l_h1": (0.385, 3),
    "l_h2": (0.400, 3),
    "out_h1": (0.595078474, 9),
    "out_h2": (0.598687660, 9),
    "l_o1": (0.8583102995, 10),
    "l_o2": (0.9179986062, 10),
    "out_o1": (0.702307507, 9),
    "out_o2": (0.714634132, 9),
    "E_o1": (0.010906536, 9),
    "E_total": (0.096867268, 9),
}


def test_two_layer_forward_values(net: TwoLayerSigmoid) -> None:
    for name, (number, digits) in SEED004_FORWARD.items():
        assert round(getattr(net, name).data, digits) == number, name
    # E_o2 = 0.085960731: the seed truncates (exactly 0.0859607319...)
    assert math.trunc(net.E_o2.data * 1e9) == 85960731
    assert net.E_total.data == net.E_o1.data + net.E_o2.data


def test_two_layer_gradients(net: TwoLayerSigmoid) -> None:
    net.E_total.backward()
    # ∂E/∂w1 = 0.017647595 × 0.240960084 × 0.1 = 0.000425237
    assert round(net.w1.grad, 9) == 0.000425237
    assert round(net.out_h1.grad, 9) == 0.017647595  # ∂E/∂out_h1, the sum of two paths
    assert round(net.out_h1.local_grads[0], 9) == 0.240960084  # out_h1 (1 - out_h1)
    # the two paths into out_h1: ∂E_o1/∂out_h1 = -0.007719579, ∂E_o2/∂out_h1 = 0.025367174
    assert round(net.l_o1.grad * net.w5.data, 9) == -0.007719579
    assert round(net.l_o2.grad * net.w7.data, 9) == 0.025367174
    # ∂E/∂out_o1 = out_o1 - 0.85 = -0.147692493
    assert round(net.out_o1.grad, 9) == -0.147692493
    # ∂E/∂w5 = -0.147692493 × 0.209071672 × 0.595078474 = -0.018375021. The engine's exact
    # -0.01837502154... agrees to the seed's 9 digits, which truncate (so do the factor
    # 0.209071672 = 0.2090716727... and ∂E_o1/∂l_o1 = -0.030878316 = -0.0308783166...).
    assert math.trunc(net.w5.grad * 1e9) == -18375021
    assert math.trunc(net.out_o1.local_grads[0] * 1e9) == 209071672
    assert math.trunc(net.l_o1.grad * 1e9) == -30878316
    assert abs(net.w5.grad - -0.018375021) < 1e-9  # within one unit of the seed's last digit
    (w5_times_out_h1,) = [v for v in walk(net.l_o1) if v.parents == (net.w5, net.out_h1)]
    assert w5_times_out_h1.local_grads[0] == net.out_h1.data  # ∂l_o1/∂w5 = out_h1 = 0.595078474
    # one step of gradient descent with η = 1: w1⁺ = 0.049574763, w5⁺ = 0.268375021 (truncated)
    with no_grad():
        for w in net.weights():
            w.data -= 1.0 * w.grad
    assert round(net.w1.data, 9) == 0.049574763
    assert math.trunc(net.w5.data * 1e9) == 268375021


def test_two_layer_one_step_lowers_the_error(net: TwoLayerSigmoid) -> None:
    before = net.E_total.data
    net.E_total.backward()
    with no_grad():
        for w in net.weights():
            w.data -= 1.0 * w.grad
    h1 = (net.w1 * net.i1 + net.w2 * net.i2 + net.b1).sigmoid()
    h2 = (net.w3 * net.i1 + net.w4 * net.i2 + net.b1).sigmoid()
    o1 = (net.w5 * h1 + net.w6 * h2 + net.b2).sigmoid()
    o2 = (net.w7 * h1 + net.w8 * h2 + net.b2).sigmoid()
    after = 0.5 * (0.85 - o1) ** 2 + 0.5 * (0.30 - o2) ** 2
    assert after.data < before


# ---------------------------------------------------------------------------------------------
# Deep graphs: no recursion anywhere


@contextlib.contextmanager
def recursion_limit(limit: int) -> Iterator[None]:
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _recursive_depth(v: Value) -> int:
    """A naive recursive walk, as micrograd's topological sort: it needs one frame per level."""
    return 1 + max((_recursive_depth(p) for p in v.parents), default=0)


@pytest.mark.slow
def test_a_million_node_chain() -> None:
    x = Value(1.0, "x")
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert y.data == 1_000_001.0
    assert x.grad == 1.0


def test_no_recursion_in_backward_order_walk_zero_grad() -> None:
    x = Value(0.5, "x")
    chain = x
    for _ in range(5_000):
        chain = (chain + chain) * 0.5  # shared operand at every level: 10,000 nodes
    with recursion_limit(100):
        with pytest.raises(RecursionError):  # the limit bites: a recursive walk fails here
            _recursive_depth(chain)
        chain.backward()
        order = backward_order(chain, reset=False)
        nodes = walk(chain)
        chain.zero_grad()
        with detect_anomaly():
            chain.backward()
    assert chain.data == 0.5 and x.grad == 1.0
    assert len(order) == 10_000 and len(nodes) == 10_001


# ---------------------------------------------------------------------------------------------
# No silent zero: 0 × inf in the backward pass is NaN, as in PyTorch and IEEE 754


def test_zero_times_an_infinite_local_derivative_is_nan() -> None:
    x = Value(1000.0)
    y = (x.exp() + 1).log()  # exp overflows: d log / d (e^x + 1) = 0, d e^x / dx = inf
    y.backward()
    assert math.isnan(x.grad)
    t = Value(1e-320)
    z = 1 / (1 / t)  # 1 / 1e-320 overflows to inf
    z.backward()
    assert math.isnan(t.grad)


def test_a_zero_gradient_is_skipped_only_where_nothing_would_change() -> None:
    """The backward loop skips a node whose gradient is 0 only when all its local derivatives
    are finite (0 × a finite number adds 0): every gradient equals the unskipped sum."""
    x, w = Value(-2.0, "x"), Value(0.5, "w")
    h = (x * w).relu()  # relu at a negative number: its gradient is 0
    out = h * 3.0 + w
    out.backward()
    assert (x.grad, w.grad) == (0.0, 1.0)
    steps = list(backward_steps_of(out))
    assert any(s.grad == 0.0 for s in steps)  # the zero node is still a step: nothing hidden


def backward_steps_of(root: Value) -> list[Any]:
    root.zero_grad()
    return list(autograd.backward_steps(root))
