"""Higher-order derivatives: grad(create_graph=True), derivative, gradient, hessian."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot
from autograd import sum as vsum
from autograd.functional import derivative, grad, gradient, hessian


def seed002_f(x: Any) -> Any:
    return 2 * x**2 - 12 * x + 20


def test_parabola_first_and_second_derivative() -> None:
    df = derivative(seed002_f)
    d2f = derivative(df)
    assert df(3.0) == 0.0  # the minimum of seed 002: f'(3) = 0
    assert seed002_f(3.0) == 2.0
    for x in (-5.0, 0.0, 1.5, 3.0, 10.0):
        assert d2f(x) == 4.0  # f''(x) = 4 > 0 everywhere: x = 3 is a minimum
    assert derivative(d2f)(1.0) == 0.0


def test_newton_reaches_the_minimum_in_one_step() -> None:
    df, d2f = derivative(seed002_f), derivative(derivative(seed002_f))
    x = 0.0
    x = x - df(x) / d2f(x)
    assert x == 3.0
    assert seed002_f(x) == 2.0


def test_hessian_of_the_tutorials_example() -> None:
    # seed 002 §4.02: f(x, y) = 2x² + 2y + 4xy
    h = hessian(lambda x, y: 2 * x**2 + 2 * y + 4 * x * y, [1.0, -2.0])
    assert h == [[4.0, 4.0], [4.0, 0.0]]


def test_gradient_function() -> None:
    assert gradient(lambda x, y: 2 * x**2 + 2 * y + 4 * x * y)(1.0, 2.0) == [12.0, 6.0]


def test_grad_does_not_touch_dot_grad() -> None:
    x, y = Value(2.0, "x"), Value(3.0, "y")
    z = x * y + x.exp()
    gx, gy = grad(z, [x, y])
    assert (gx.data, gy.data) == (3.0 + math.exp(2.0), 2.0)
    assert x.grad == y.grad == z.grad == 0.0
    assert gx.is_leaf


def test_grad_matches_backward() -> None:
    x, y = Value(0.3), Value(-1.2)
    z = (x * y).tanh() / (1 + y**2) + (x - y).sigmoid()
    gs = [g.data for g in grad(z, [x, y])]
    z.backward()
    assert gs == [x.grad, y.grad]


def test_third_derivative_of_exp_and_sin_like() -> None:
    d3 = derivative(derivative(derivative(lambda x: (2 * x).exp())))
    assert math.isclose(d3(0.5), 8 * math.exp(1.0), rel_tol=1e-12)
    t3 = derivative(derivative(derivative(lambda x: x.tanh())))
    t = math.tanh(0.4)
    assert math.isclose(t3(0.4), -2 * (1 - t * t) * (1 - 3 * t * t), rel_tol=1e-12)


def test_unused_input() -> None:
    x, y = Value(1.0, "x"), Value(2.0, "y")
    with pytest.raises(ValueError, match="input 1 'y' is not used"):
        grad(x * 2, [x, y])
    assert [g.data for g in grad(x * 2, [x, y], allow_unused=True)] == [2.0, 0.0]


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="grad: output must be a Value"):
        grad(1.0, [Value(1.0)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="grad: inputs must be Values"):
        grad(Value(1.0) * 2, [1.0])  # type: ignore[list-item]


# -- random expressions: second derivatives against finite differences and torch -------------
# A program is a list of steps; each step applies a smooth op to earlier results, so kinks and
# domain edges never occur (log and ** see 1 + v², division sees 1 + v²).

STEP_OPS = ["add", "sub", "mul", "div", "sigmoid", "tanh", "exp_tanh", "log1p2", "pow", "rpow",
            "neg_const", "dot", "sum"]

steps = st.lists(
    st.tuples(st.sampled_from(STEP_OPS), st.integers(0, 10**6), st.integers(0, 10**6),
              st.floats(-2.0, 2.0)),
    min_size=1, max_size=12,
)
points = st.lists(st.floats(-1.5, 1.5), min_size=2, max_size=2)


def run(program: list[tuple[str, int, int, float]], xs: list[Any], lib: Any) -> Any:
    """Evaluate the program on `xs` with `lib` giving sigmoid/tanh/exp/log for the number type."""
    nodes = list(xs)
    for op, i, j, c in program:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if op == "add":
            r = a + b
        elif op == "sub":
            r = a - b
        elif op == "mul":
            r = a * b
        elif op == "div":
            r = a / (1 + b * b)
        elif op == "sigmoid":
            r = lib.sigmoid(a)
        elif op == "tanh":
            r = lib.tanh(a)
        elif op == "exp_tanh":
            r = lib.exp(lib.tanh(a))
        elif op == "log1p2":
            r = lib.log(1 + a * a)
        elif op == "pow":
            r = (1 + a * a) ** (1.5 + c / 4)
        elif op == "rpow":
            r = (2.0 + c / 2) ** lib.tanh(a)
        elif op == "neg_const":
            r = c - a
        elif op == "dot":
            r = lib.dot([a, b, c], [b, a, a], a)
        else:
            r = lib.sum([a, b, a])
        nodes.append(r)
    return nodes[-1] if len(nodes) > len(xs) else nodes[0] * nodes[1]


class EngineLib:
    sigmoid = staticmethod(lambda v: v.sigmoid())
    tanh = staticmethod(lambda v: v.tanh())
    exp = staticmethod(lambda v: v.exp())
    log = staticmethod(lambda v: v.log())
    dot = staticmethod(dot)
    sum = staticmethod(vsum)


def program_fn(program: list[tuple[str, int, int, float]]) -> Callable[..., Value]:
    return lambda *xs: run(program, list(xs), EngineLib)


@settings(max_examples=60, deadline=None)
@given(steps, points)
def test_second_derivatives_match_finite_differences(program: Any, xs: list[float]) -> None:
    f = program_fn(program)
    h = hessian(f, xs)
    eps = 1e-5
    for j in range(2):
        plus, minus = list(xs), list(xs)
        plus[j] += eps
        minus[j] -= eps
        gp, gm = gradient(f)(*plus), gradient(f)(*minus)
        for i in range(2):
            numeric = (gp[i] - gm[i]) / (2 * eps)
            assert math.isclose(h[i][j], numeric, rel_tol=1e-4, abs_tol=1e-5), (i, j, h, numeric)
    assert math.isclose(h[0][1], h[1][0], rel_tol=1e-9, abs_tol=1e-12)  # symmetry


def test_second_derivatives_agree_with_torch() -> None:
    torch = pytest.importorskip("torch")

    class TorchLib:
        sigmoid = staticmethod(torch.sigmoid)
        tanh = staticmethod(torch.tanh)
        exp = staticmethod(torch.exp)
        log = staticmethod(torch.log)
        dot = staticmethod(lambda ws, xs, b: sum((w * x for w, x in zip(ws, xs, strict=True)), b))
        sum = staticmethod(lambda vs: vs[0] + vs[1] + vs[2])

    @settings(max_examples=60, deadline=None)
    @given(steps, points)
    def check(program: Any, xs: list[float]) -> None:
        ours = hessian(program_fn(program), xs)
        tx = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
        out = run(program, tx, TorchLib)
        first = torch.autograd.grad(out, tx, create_graph=True, allow_unused=True)
        for i, g in enumerate(first):
            row = ([0.0, 0.0] if g is None or not g.requires_grad else
                   [0.0 if r is None else float(r)
                    for r in torch.autograd.grad(g, tx, retain_graph=True, allow_unused=True)])
            for j in range(2):
                assert math.isclose(ours[i][j], row[j], rel_tol=1e-9, abs_tol=1e-12), (
                    i, j, ours, row)

    check()
