"""`autograd.compile`: the same numbers as the eager engine, guarded branches, readable code."""

from __future__ import annotations

import math
import random
import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import autograd.math as amath
from autograd import Value, nn, optim
from autograd.compile import compile
from autograd.examples import two_layer_sigmoid
from autograd.testing import Expression, expressions, values


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def same(a: float, b: float) -> bool:
    """Equal as floats, or both NaN."""
    return a == b or (a != a and b != b)


def eager(fn: Any, *args: float) -> tuple[float, list[float]]:
    leaves = [Value(x, f"x{i}") for i, x in enumerate(args)]  # as compile labels them
    out = fn(*leaves)
    out.backward()
    return out.data, [v.grad for v in leaves]


@given(expressions(max_ops=30))
def test_random_programs_give_the_eager_numbers(expr: Expression) -> None:
    program, inputs = expr
    f = compile(program)
    want = eager(program, *inputs)
    for _ in range(2):  # the trace, then the compiled code
        value, grads = f(*inputs)
        assert same(value, want[0])
        assert all(map(same, grads, want[1])), (str(program), grads, want[1])


@given(expressions(max_ops=20), st.lists(values(), min_size=4, max_size=4))
def test_compiled_code_runs_at_other_points(expr: Expression, other: list[float]) -> None:
    """Traced at one point, run at another: the eager numbers there, or its error."""
    program, inputs = expr
    f = compile(program)
    f(*inputs)
    point = other[: len(inputs)]
    try:
        want = eager(program, *point)
    except (ArithmeticError, ValueError) as e:
        with pytest.raises(type(e)) as info:
            f(*point)
        assert str(info.value) == str(e)
        return
    value, grads = f(*point)
    assert same(value, want[0]) and all(map(same, grads, want[1]))


def network(w: list[float], i: list[float]) -> Value:
    """The two-layer sigmoid network worked by hand, its weights and inputs as arguments."""
    h1 = (w[0] * i[0] + w[1] * i[1] + w[8]).sigmoid()
    h2 = (w[2] * i[0] + w[3] * i[1] + w[8]).sigmoid()
    h1.label, h2.label = "out_h1", "out_h2"
    o1 = (w[4] * h1 + w[5] * h2 + w[9]).sigmoid()
    o2 = (w[6] * h1 + w[7] * h2 + w[9]).sigmoid()
    o1.label, o2.label = "out_o1", "out_o2"
    loss = 0.5 * (0.85 - o1) ** 2 + 0.5 * (0.30 - o2) ** 2
    loss.label = "E_total"
    return loss


WEIGHTS = [0.05, 0.15, 0.10, 0.20, 0.25, 0.35, 0.30, 0.40, 0.35, 0.50]


def test_the_worked_network_gives_the_numbers_by_hand() -> None:
    f = compile(network)
    for _ in range(3):
        loss, (dw, di) = f(WEIGHTS, [0.10, 0.20])
        assert f"{loss:.9f}" == "0.096867268"
        assert f"{dw[4]:.9f}" == "-0.018375022"  # ∂E/∂w5 (by hand, rounded: -0.018375021)
        assert f"{dw[0]:.9f}" == "0.000425237"  # ∂E/∂w1
        assert isinstance(dw, list) and isinstance(di, list) and len(di) == 2
    net = two_layer_sigmoid()
    net.E_total.backward()
    assert dw[4] == net.w5.grad and dw[0] == net.w1.grad


def test_the_code_reads_as_the_derivation() -> None:
    f = compile(network)
    f(WEIGHTS, [0.10, 0.20])
    code = f.source
    assert "out_h1 = " in code and "E_total = " in code
    assert "d_out_o1 = -d_sub_1" in code or "d_out_o1 = " in code
    assert "# ∂out_o1/∂add#6 = out_o1·(1 − out_o1)" in code
    assert str(f) == code and "compiled network" in repr(f)


def test_parameters_are_read_at_each_call_and_accumulate_like_backward() -> None:
    model = nn.MLP(2, [4, 1], activation="tanh", seed=3)
    xs = [[0.5, -1.0], [1.5, 0.25], [-0.3, 0.8]]
    ys = [1.0, -1.0, 1.0]

    def loss(x: list[Any], y: list[float]) -> Value:
        return nn.mse_loss([model(row) for row in x], y)

    f = compile(loss)
    opt = optim.SGD(model.parameters(), lr=0.1)
    twin = nn.MLP(2, [4, 1], activation="tanh", seed=3)
    twin_opt = optim.SGD(twin.parameters(), lr=0.1)
    for _ in range(4):
        value, _ = f(xs, ys)
        opt.step()
        opt.zero_grad()
        twin_loss = nn.mse_loss([twin(row) for row in xs], ys)
        twin_loss.backward()
        twin_opt.step()
        twin_opt.zero_grad()
        assert value == twin_loss.data
        assert [p.data for p in model.parameters()] == [p.data for p in twin.parameters()]
    f(xs, ys)
    f(xs, ys)  # two calls without zero_grad: the gradients add up, as backward() adds them
    twin_loss = nn.mse_loss([twin(row) for row in xs], ys)
    twin_loss.backward()
    twin_loss = nn.mse_loss([twin(row) for row in xs], ys)
    twin_loss.backward()
    assert [p.grad for p in model.parameters()] == [p.grad for p in twin.parameters()]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu"])
def test_mlps_with_every_activation(activation: str) -> None:
    rng = random.Random(activation)
    model = nn.MLP(3, [5, 4, 3], activation=activation, seed=1)
    xs = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(4)]

    def loss(x: list[Any]) -> Value:
        return nn.cross_entropy([model(row) for row in x], [0, 1, 2, 1])

    f = compile(loss)
    for _ in range(2):
        value, (grads,) = f(xs)
        model.zero_grad()
        leaves = [[Value(c) for c in row] for row in xs]
        out = nn.cross_entropy([model(row) for row in leaves], [0, 1, 2, 1])
        out.backward()
        assert value == out.data
        assert [[g for g in row] for row in grads] == [[v.grad for v in row] for row in leaves]


def test_fused_ops_pow_with_a_value_exponent_and_user_ops() -> None:
    @autograd.op(derivative=lambda x, y, out: (amath.exp(x - out), amath.exp(y - out)))
    def smooth_max(x: float, y: float) -> float:
        m = max(x, y)
        return m + math.log(math.exp(x - m) + math.exp(y - m))

    try:
        def fn(a: Value, b: Value, c: Value) -> Value:
            s = autograd.logsumexp([a, b, c]) + autograd.dot([a, b], [c, 2.0], 0.5)
            return smooth_max(s, a ** b) + autograd.sum([a, b, c]) * c.tanh()

        f = compile(fn)
        for point in ([0.5, 1.5, -0.25], [0.5, 1.5, -0.25], [1.25, 0.75, 0.5]):
            assert f(*point) == (eager(fn, *point)[0], tuple(eager(fn, *point)[1]))
        assert "smooth_max" in f.source  # a user op: called through its value function
    finally:
        autograd.ops.unregister("smooth_max")


def test_domain_errors_are_the_eager_errors() -> None:
    f = compile(lambda x: (x * 2.0).log())
    assert f(1.0)[0] == math.log(2.0)
    with pytest.raises(autograd.DomainError) as compiled:
        f(-1.0)
    with pytest.raises(autograd.DomainError) as eagerly:
        eager(lambda x: (x * 2.0).log(), -1.0)
    assert str(compiled.value) == str(eagerly.value)
    g = compile(lambda x: x.sqrt())  # sqrt'(0) is inf: the rule read at an edge, as eagerly
    g(4.0)
    assert g(0.0) == (0.0, (math.inf,))


def test_a_branch_on_a_value_is_guarded_both_ways() -> None:
    def fn(x: Value) -> Value:
        return x * 3.0 if x > 0 else x * x

    f = compile(fn)
    assert f(2.0) == (6.0, (3.0,))
    assert f(-2.0) == (4.0, (-4.0,))  # the other branch: traced again, not the first code
    assert f(5.0) == (15.0, (3.0,))
    assert sum(map(len, f.traces.values())) == 2


def test_max_and_sorted_are_guarded() -> None:
    def fn(a: Value, b: Value, c: Value) -> Value:
        ordered = sorted([a, b, c])
        return max(a, b, c) * 2.0 + ordered[0]

    f = compile(fn)
    for point in ([1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [2.0, 3.0, 1.0], [1.0, 2.0, 3.0]):
        assert f(*point) == (eager(fn, *point)[0], tuple(eager(fn, *point)[1]))


def test_bool_of_a_value_is_refused_at_trace_time() -> None:
    f = compile(lambda x: x if x else -x)
    with pytest.raises(TypeError, match="bool"):
        f(1.0)


def test_a_hostile_label_never_reaches_the_code() -> None:
    def fn(x: Value) -> Value:
        y = x * 2.0
        y.label = "x); import os #\n__import__('os').system('echo owned')"
        z = y + 1.0
        z.label = "z\u2028print(1)"
        return z

    f = compile(fn)
    assert f(1.0) == (3.0, (2.0,))
    assert f(2.0) == (5.0, (2.0,))
    code_lines = [line.split("#")[0] for line in f.source.splitlines()]
    assert not any("import" in line or "system" in line for line in code_lines)
    assert "\u2028" not in f.source


def test_arguments_are_numbers_or_nested_lists() -> None:
    f = compile(lambda xs, t: (xs[0][0] * xs[1][1] + xs[0][1]) * t[0])
    assert f([[1.0, 2.0], [3.0, 4.0]], (0.5,)) == (3.0, ([[2.0, 0.5], [0.0, 0.5]], (6.0,)))
    assert f([[1.0, 2.0], [3.0, 5.0]], (1.0,)) == (7.0, ([[5.0, 1.0], [0.0, 1.0]], (7.0,)))
    with pytest.raises(TypeError, match="argument 0"):
        f("1.0", (1.0,))
    assert f([[1.0, 2.0, 9.0], [3.0, 4.0]], (1.0,)) == (6.0, ([[4.0, 1.0, 0.0], [0.0, 1.0]],
                                                              (6.0,)))  # another layout
    assert len(f.traces) == 2


def test_the_function_must_return_a_value() -> None:
    with pytest.raises(TypeError, match="returns one Value"):
        compile(lambda x: [x, x])(1.0)


def test_hooks_and_detect_anomaly_are_honoured_on_every_call() -> None:
    w = Value(3.0, "w")

    def loss(x: Value) -> Value:
        return w * x

    f = autograd.compile(loss)
    with w.register_hook(lambda g: 10 * g):
        for _ in range(3):  # the trace, then calls that must not skip the hook
            w.grad = 0.0
            f(2.0)
            assert w.grad == 20.0
    w.grad = 0.0
    f(2.0)  # the hook is gone: the compiled code again
    assert w.grad == 2.0

    g = autograd.compile(lambda x: x * x)
    g(1.0)  # traced: the next calls run the code, unless detect_anomaly() watches
    assert math.isnan(g(float("nan"))[0])
    with autograd.detect_anomaly(), pytest.raises(autograd.AnomalyError):
        g(float("nan"))


def test_wide_graphs_compile_and_agree_to_the_bit() -> None:
    def fn(x: Value, ys: list[Value]) -> Value:  # x used 3,000 times; one sum of 3,000
        return autograd.sum([x * y for y in ys]) + autograd.dot(ys[:100], ys[100:200])

    ys = [0.001 * k - 1.1 for k in range(3000)]
    f = autograd.compile(fn)
    f(0.5, ys)  # the trace
    value, (dx, dys) = f(0.75, ys)  # the code
    x, leaves = Value(0.75), [Value(y) for y in ys]
    out = fn(x, leaves)
    out.backward()
    assert bits(value) == bits(out.data) and bits(dx) == bits(x.grad)
    assert [bits(g) for g in dys] == [bits(v.grad) for v in leaves]
    assert "d_x = d_x + " in f.source  # x's 3,000 terms over several lines, in order


def test_names_come_from_labels_and_never_clash_with_the_code_s_own() -> None:
    model_w = Value(0.5, "L1.N1.w1")  # a parameter's code name is L1_N1_w1, read as L1_N1_w1_leaf
    clash = Value(2.0, "w_leaf")  # a label that looks like such a name is renamed

    def fn(x: Value) -> Value:
        y = model_w * x * clash
        y.label = "h[3]"
        return y

    f = autograd.compile(fn)
    f(1.5)
    value, (dx,) = f(2.5)
    assert (value, dx) == (0.5 * 2.5 * 2.0, 0.5 * 2.0)
    assert "    h_3 = mul_1 * v_w_leaf\n" in f.source
    assert "d_L1_N1_w1 = L1_N1_w1_leaf.grad + " in f.source
