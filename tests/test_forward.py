"""Forward mode (`autograd.forward.Dual`, `jvp`), `vjp`, `jacobian` in both modes, and
`grad` of several outputs. The cross-checks against PyTorch are in test_forward_torch.py."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import autograd.math as amath
from autograd import Dual, Value, grad, jacobian, jvp, ops, vjp
from autograd.examples import pigs_sold
from autograd.testing import OPS, Expression, expressions, single_ops, values


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def unit(n: int, j: int) -> list[float]:
    return [float(i == j) for i in range(n)]


def backward_gradient(program: Any, inputs: tuple[float, ...]) -> list[float]:
    leaves = [Value(x) for x in inputs]
    out = program(*leaves)
    out.backward()
    return [v.grad for v in leaves]


# ---------------------------------------------------------------------------------------------
# The pig-sales example: one partial derivative per forward pass, all of them in one reverse pass


@given(values(), values(), values())
def test_pigs_sold_one_input_at_a_time_and_all_at_once(x1: float, x2: float, x3: float) -> None:
    point = (x1, x2, x3)
    partials = [jvp(pigs_sold, point, unit(3, j))[1] for j in range(3)]
    assert partials == [10 * x1, 8.0, 35.0]
    output, vjp_fn = vjp(pigs_sold, *point)
    assert output == jvp(pigs_sold, point, (0.0, 0.0, 0.0))[0] == pigs_sold(x1, x2, x3)
    assert list(vjp_fn(1.0)) == partials
    assert jacobian(pigs_sold, point, mode="forward") == partials
    assert jacobian(pigs_sold, point, mode="reverse") == partials


# ---------------------------------------------------------------------------------------------
# Every op of the registry in forward mode, with no code of its own


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_every_op_gives_backwards_gradient_in_forward_mode(name: str,
                                                          data: st.DataObject) -> None:
    program, inputs = data.draw(single_ops([name]))
    expected = backward_gradient(program, inputs)
    n = len(inputs)
    for j in range(n):
        value, tangent = jvp(program, inputs, unit(n, j))
        assert value == program(*inputs)
        assert close(tangent, expected[j]), (str(program), inputs, j, tangent, expected)


@given(expressions(), st.data())
def test_random_programs_forward_equals_reverse(expr: Expression, data: st.DataObject) -> None:
    program, inputs = expr
    tangents = [data.draw(values()) for _ in inputs]
    value, tangent = jvp(program, inputs, tangents)
    gradient = backward_gradient(program, inputs)
    assert value == program(*inputs)
    dot = math.fsum(g * t for g, t in zip(gradient, tangents, strict=True))
    scale = math.fsum(abs(g * t) for g, t in zip(gradient, tangents, strict=True))
    assert abs(tangent - dot) <= 1e-12 + 1e-12 * scale, (str(program), tangent, dot)


WITH_EDGES = [o.name for o in ops.registered(builtin=True) if o.edges]


def outcome(op: ops.Op, point: tuple[float, ...], at: list[int], forward: bool) -> Any:
    """(value, derivatives) of op at point, with the operands at positions `at` as Duals or
    Values (one jvp per position, or one backward pass), or the type and op of the error."""
    def operands(make: Any) -> list[Any]:
        return [make(x, i) if i in at else x for i, x in enumerate(point)]

    try:
        if forward:
            outs = [op(*operands(lambda x, i, k=k: Dual(x, float(i == k)))) for k in at]
            return [repr(outs[0].primal), [repr(d.tangent) for d in outs]]
        leaves: dict[int, Value] = {}
        out = op(*operands(lambda x, i: leaves.setdefault(i, Value(x))))
        out.backward()
        return [repr(out.data), [repr(leaves[i].grad) for i in at]]
    except (ArithmeticError, ValueError) as e:
        return type(e).__name__, str(e).split(":")[0]


def tangents_from(op: ops.Op, point: tuple[float, ...], at: list[int]) -> Any:
    """What forward mode must give for the unit tangent of each position in `at`: the IEEE
    sum of local derivative × tangent, from the node the Value path makes (0 × inf is NaN, as
    in PyTorch), or the Value path's error."""
    try:
        out = op(*[Value(x) if i in at else x for i, x in enumerate(point)])
    except (ArithmeticError, ValueError) as e:
        return type(e).__name__, str(e).split(":")[0]
    columns = [sum(out.partials[i] * float(i == k) for i in at) for k in at]
    return [repr(out.data), [repr(c) for c in columns]]


@pytest.mark.parametrize("name", WITH_EDGES)
def test_edges_give_the_same_outcome_in_forward_mode(name: str) -> None:
    """At the domain edges (sqrt at 0, 1 / 0, log at 0, x ** y at x <= 0): the same value,
    the same derivative (inf, 0) or the same error naming the op, in both modes; where an
    infinite derivative meets a zero tangent, forward mode gives IEEE's NaN, as PyTorch."""
    op = ops.get(name)
    for point in op.edges:
        for constant in (None, *(range(len(point)) if len(point) == 2 else ())):
            at = [i for i in range(len(point)) if i != constant and i not in op.numbers_only]
            if at:
                forward, backward = (outcome(op, point, at, f) for f in (True, False))
                assert forward == tangents_from(op, point, at), (name, point, constant)
                if "nan" not in str(forward):
                    assert forward == backward, (name, point, constant)


def test_domain_errors_name_the_op_and_the_operand() -> None:
    with pytest.raises(autograd.DomainError, match=r"^log: undefined for x=-1\.0; needs x > 0"):
        jvp(amath.log, (-1.0,), (1.0,))
    with pytest.raises(autograd.PoleError, match=r"^/: undefined for 1\.0 / 0\.0"):
        jvp(lambda x, y: x / y, (1.0, 0.0), (1.0, 0.0))
    with pytest.raises(autograd.DomainError, match=r"^\*\*: the derivative with respect to y"):
        jvp(lambda x, y: x**y, (-2.0, 2.0), (1.0, 0.0))
    with pytest.raises(TypeError, match="leaky_relu: slope must be a plain number, not a Dual"):
        amath_leaky = ops.get("leaky_relu")
        amath_leaky(Dual(1.0), Dual(0.1))
    with pytest.raises(TypeError, match=r"a Value and a Dual in one op"):
        jvp(lambda x: x * Value(2.0), (1.0,), (1.0,))
    with pytest.raises(TypeError, match="float\\(\\) of a Dual would drop its tangent"):
        jvp(lambda x: math.exp(x), (1.0,), (1.0,))
    assert jvp(amath.sqrt, 0.0, 1.0) == (0.0, math.inf)  # sqrt'(0) = inf, as on Values
    assert jvp(lambda x: x.exp(), 1000.0, 1.0) == (math.inf, math.inf)  # IEEE, as on Values


def test_duals_behave_like_values() -> None:
    x = Dual(3.0, 1.0)
    assert (x**2).tangent == 6.0 and (2**x).tangent == 8 * math.log(2)
    assert (1 / x).tangent == -1 / 9 and (2 - x).tangent == -1.0 and (-x).tangent == -1.0
    assert abs(-x).tangent == 1.0 and (+x) is x
    assert x.relu().tangent == 1.0 and Dual(-3.0, 1.0).leaky_relu(0.1).tangent == 0.1
    for method in ("sigmoid", "tanh", "exp", "log", "sin", "cos", "sqrt"):
        leaf = Value(3.0)
        getattr(leaf, method)().backward()
        assert getattr(x, method)().tangent == leaf.grad, method
    assert x > 2 and x >= 3.0 and x < 4 and x <= Dual(3.0) and max(x, 1.0) is x
    assert f"{x:.2f}" == "3.00" and repr(x) == "Dual(primal=3.0, tangent=1.0)"
    with pytest.raises(TypeError, match="Dual: the primal must be a real number .*, not str"):
        Dual("3")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Dual: the tangent must be a real number .*, not Value"):
        Dual(3.0, Value(1.0))  # type: ignore[arg-type]


def test_a_subclass_of_dual_stays_itself() -> None:
    class Counting(Dual):
        __slots__ = ()
        ops = 0

        @staticmethod
        def __autograd_op__(op: ops.Op, args: Any) -> Dual:
            Counting.ops += 1
            return autograd.forward.apply(op, args)

    y = pigs_sold(Counting(1.0, 1.0), 2.0, 3.0)  # 5 * x1 ** 2 + 8 * x2 + 35 * x3 + 30
    assert isinstance(y, Counting) and y.tangent == 10.0
    assert Counting.ops == 5  # x1 ** 2, 5 * that, three +: 8 * x2 and 35 * x3 are numbers


@pytest.fixture
def softplus() -> Iterator[ops.Op]:
    @autograd.op(derivative=lambda x, out: 1 - amath.exp(-out))
    def softplus(x: float) -> float:
        return math.log1p(math.exp(x))

    yield softplus
    ops.unregister("softplus")


def test_user_ops_work_in_forward_mode_with_no_code_of_their_own(softplus: ops.Op) -> None:
    value, tangent = jvp(softplus, (0.5,), (2.0,))
    assert value == softplus(0.5)
    assert close(tangent, 2.0 / (1.0 + math.exp(-0.5)))

    @given(expressions(ops=[*OPS, "softplus"], max_ops=10), st.data())
    def random_programs(expr: Expression, data: st.DataObject) -> None:
        program, inputs = expr
        rows = jacobian(program, inputs, mode="forward")
        assert all(close(a, b) for a, b in zip(rows, backward_gradient(program, inputs),
                                                strict=True))

    random_programs()


# ---------------------------------------------------------------------------------------------
# Fused nodes take Duals by plain arithmetic


@given(st.lists(values(), min_size=1, max_size=5), st.data())
def test_fused_nodes_take_duals(xs: list[float], data: st.DataObject) -> None:
    ws = [data.draw(values()) for _ in xs]
    duals = [Dual(x, 1.0) for x in xs]
    s = autograd.sum(duals, 1.0)
    assert isinstance(s, Dual) and close(s.primal, 1.0 + math.fsum(xs)) and s.tangent == len(xs)
    from_iterator = autograd.sum(iter([2.0, *duals]))
    assert close(from_iterator.primal, 2.0 + math.fsum(xs))
    d = autograd.dot(ws, duals, Dual(0.5, 1.0))
    assert close(d.primal, math.fsum(w * x for w, x in zip(ws, xs, strict=True)) + 0.5)
    assert close(d.tangent, math.fsum(ws) + 1.0)
    rows = autograd.linear([ws, [1.0] * len(xs)], duals, [0.0, Dual(1.0, 2.0)])
    assert [r.tangent for r in rows] == [pytest.approx(math.fsum(ws)), len(xs) + 2.0]
    assert autograd.dot([1.0, 2.0], [3.0, 4.0], Dual(1.0, 1.0)).tangent == 1.0


def test_fused_nodes_still_refuse_what_is_not_a_number() -> None:
    for bad in (lambda: autograd.sum([1.0, "a"]), lambda: autograd.dot([1.0], ["a"]),
                lambda: autograd.dot([1.0], [1.0], "a"), lambda: autograd.linear([[1.0]], ["a"])):
        with pytest.raises(TypeError, match="unsupported operand of type 'str'"):
            bad()
    with pytest.raises(TypeError):
        autograd.sum([Value(1.0), Dual(1.0)])


# ---------------------------------------------------------------------------------------------
# No backward pass in forward mode


def test_forward_mode_runs_no_backward_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("forward mode recorded a node or ran backwards")

    monkeypatch.setattr(autograd.core, "node", refuse)  # every node is made here
    monkeypatch.setattr(autograd.core, "apply", refuse)
    monkeypatch.setattr(autograd.fused, "node", refuse)
    monkeypatch.setattr(autograd.core, "backward_pass", refuse)
    monkeypatch.setattr(autograd.functional, "backprop", refuse)
    monkeypatch.setattr(Value, "backward", refuse)
    seen: list[Any] = []

    def f(x: Any, y: Any) -> Any:
        seen.extend((x, y))
        h = autograd.dot([x, y], [y, 2.0], 1.0)
        return [amath.sin(h) * y, autograd.sum([h, x, y]).sigmoid()]

    with pytest.raises(AssertionError, match="recorded a node"):
        f(Value(1.0), Value(2.0))  # the trap works
    seen.clear()
    rows = jacobian(f, (0.3, -0.7), mode="forward")
    assert len(rows) == 2 and all(len(r) == 2 for r in rows)
    assert jvp(f, (0.3, -0.7), (1.0, 0.0))[1] == [rows[0][0], rows[1][0]]
    assert seen and all(type(v) is Dual for v in seen)
    assert jacobian(lambda x: [x, x * x, x * x * x], 2.0) == [1.0, 4.0, 12.0]  # auto: forward


# ---------------------------------------------------------------------------------------------
# Jacobians: both modes, the layouts, and grad of several outputs


def polar(r: Any, theta: Any) -> list[Any]:
    return [r * amath.cos(theta), r * amath.sin(theta)]


@pytest.mark.parametrize("mode", ["auto", "forward", "reverse"])
def test_jacobian_layouts_follow_torch(mode: str) -> None:
    r, t = 2.0, 0.5
    expected = [[math.cos(t), -r * math.sin(t)], [math.sin(t), r * math.cos(t)]]
    assert jacobian(polar, (r, t), mode) == expected  # rows are outputs
    assert jacobian(polar, [r, t], mode) == expected
    assert jacobian(lambda x: (x, 3.0 * x, 7.0), 2.0, mode) == [1.0, 3.0, 0.0]  # a column
    assert jacobian(lambda x, y: x * y, (2.0, 5.0), mode) == [5.0, 2.0]  # a row
    assert jacobian(lambda x: x * x, 3.0, mode) == 6.0
    assert jacobian(lambda x, y: [x], (1.0, 2.0), mode) == [[1.0, 0.0]]
    assert jacobian(lambda x, y: 4.0, (1.0, 2.0), mode) == [0.0, 0.0]


@given(expressions(max_ops=15))
def test_jacobian_both_modes_agree_on_every_register(expr: Expression) -> None:
    program, inputs = expr
    n = program.n_inputs

    def registers(*xs: Any) -> list[Any]:
        return program.run(list(xs))[n:]

    forward = jacobian(registers, inputs, mode="forward")
    reverse = jacobian(registers, inputs, mode="reverse")
    auto = jacobian(registers, inputs)
    assert auto == (forward if n < len(forward) or n == 1 else reverse)
    for row_f, row_r in zip(forward, reverse, strict=True):
        scale = max(1.0, *map(abs, row_r))
        assert all(abs(a - b) <= 1e-12 * scale for a, b in zip(row_f, row_r, strict=True))


def test_jacobian_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="mode must be 'auto', 'forward' or 'reverse'"):
        jacobian(polar, (1.0, 2.0), mode="backward")
    with pytest.raises(TypeError, match=r"jacobian: xs\[1\] is str; expected a real number"):
        jacobian(polar, (1.0, "2"))
    with pytest.raises(TypeError, match="jacobian: the function returned str"):
        jacobian(lambda x: ["no"], (1.0,), mode="reverse")
    with pytest.raises(TypeError, match="jacobian: the function returned str"):
        jacobian(lambda x: ["no"], (1.0,), mode="forward")
    with pytest.raises(ValueError, match="jvp: 2 primals but 1 tangents"):
        jvp(polar, (1.0, 2.0), (1.0,))
    with pytest.raises(ValueError, match="jvp: the function returned an empty list"):
        jvp(lambda x: [], (1.0,), (1.0,))


@given(values(0.1, 3.0), values(-3.0, 3.0), values(), values())
def test_vjp_of_several_outputs(r: float, t: float, c1: float, c2: float) -> None:
    output, vjp_fn = vjp(polar, (r, t))
    assert output == [r * math.cos(t), r * math.sin(t)]
    rows = jacobian(polar, (r, t), mode="forward")
    ours = vjp_fn([c1, c2])
    assert isinstance(ours, tuple) and len(ours) == 2
    for j in range(2):
        assert close(ours[j], c1 * rows[0][j] + c2 * rows[1][j])
    assert vjp_fn((1.0, 0.0)) == vjp_fn([1.0, 0.0])  # again: the graph is kept
    with pytest.raises(ValueError, match="vjp_fn: 2 outputs but 1 cotangents"):
        vjp_fn([1.0])
    assert vjp(lambda x: (x, 2.0), 1.0)[0] == (1.0, 2.0)


def test_grad_of_several_outputs_is_a_vector_jacobian_product() -> None:
    x, y = Value(2.0, "x"), Value(3.0, "y")
    p, s = x * y, x + y
    assert [g.data for g in grad([p, s], [x, y])] == [4.0, 3.0]
    assert [g.data for g in grad([p, s], [x, y], [2.0, -1.0])] == [5.0, 3.0]
    assert [g.data for g in grad((p, p), [x, y], (1.0, 1.0))] == [6.0, 4.0]  # repeated
    q = p * s  # the outputs depend on each other
    assert [g.data for g in grad([q, p], [x, y])] == [3.0 * 5 + 6.0 + 3.0, 2 * 5 + 6.0 + 2.0]
    assert [g.data for g in grad(p, [x, y], grad_output=2.0)] == [6.0, 4.0]  # one output
    assert [g.data for g in grad(p, [x, y], 2.0)] == [6.0, 4.0]
    assert x.grad == y.grad == 0.0
    (gx,) = grad([p * p, s], [x], create_graph=True)  # 2 p y + 1, differentiable again
    assert gx.data == 37.0 and grad(gx, [x])[0].data == 2 * 3.0 * 3.0
    with pytest.raises(TypeError, match=r"grad: outputs\[1\] must be a Value, not float"):
        grad([p, 1.0], [x])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="grad: 2 outputs but 3 grad_outputs"):
        grad([p, s], [x], [1.0, 1.0, 1.0])
    with pytest.raises(TypeError, match="2 outputs need a list of 2 grad_outputs"):
        grad([p, s], [x], 1.0)
    with pytest.raises(TypeError, match="give grad_outputs or grad_output, not both"):
        grad(p, [x], 1.0, grad_output=1.0)
    with pytest.raises(TypeError, match="not an empty list"):
        grad([], [x])
    with pytest.raises(ValueError, match="input 0 'x' is not used"):
        grad([y * 2.0, y + 1.0], [x])
