"""Property tests (hypothesis): gradients agree with finite differences on random ops and graphs."""

from __future__ import annotations

import doctest
import importlib
import math
import subprocess
import sys

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import Value, backward_order, gradcheck, no_grad, ops, topological, walk
from autograd.testing import (
    DOMAIN_MARGIN,
    KINK_MARGIN,
    OPS,
    VALUE_BOUND,
    Expression,
    Op,
    Program,
    expressions,
    single_ops,
    values,
)

# ---------------------------------------------------------------------------------------------
# Every op, and random graphs, against central finite differences


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_every_op_agrees_with_finite_differences(name: str, data: st.DataObject) -> None:
    program, inputs = data.draw(single_ops([name]))
    assert program.ops[0].name == name
    assert gradcheck(program, inputs)


@given(expressions())
def test_random_graphs_agree_with_finite_differences(expr: Expression) -> None:
    program, inputs = expr
    assert gradcheck(program, inputs)


@given(expressions(n_inputs=1, min_ops=20, max_ops=50, ops=["+", "*", "tanh", "sigmoid", "**"]))
def test_deep_graphs_of_one_input(expr: Expression) -> None:
    program, inputs = expr
    assert gradcheck(program, inputs)


def test_users_can_check_their_own_function() -> None:
    """The example of autograd.testing's docstring."""

    def softplus(x: Value) -> Value:
        return (1 + x.exp()).log()

    @given(values(-5.0, 5.0))
    def check(x: float) -> None:
        assert gradcheck(softplus, [x])

    check()


def test_gradcheck_docstring_example() -> None:
    result = doctest.testmod(importlib.import_module("autograd.gradcheck"))
    assert result.attempted >= 1 and result.failed == 0


# ---------------------------------------------------------------------------------------------
# Structure of backward


@given(expressions())
def test_backward_order_is_a_topological_order(expr: Expression) -> None:
    program, inputs = expr
    out = program(*[Value(x, f"x{i}") for i, x in enumerate(inputs)])
    out.backward()
    order = backward_order(out)
    nodes = walk(out)
    assert order[0] is out
    assert len(set(order)) == len(order)  # each once
    assert set(order) == {v for v in nodes if not v.is_leaf}  # every non-leaf, no leaf
    assert len(set(nodes)) == len(nodes)
    position = {v: k for k, v in enumerate(order)}
    for v in order:
        for p in v.parents:
            assert p.is_leaf or position[v] < position[p]  # every node before its parents
    assert all(v.grad == 0.0 for v in order)  # reset on the way


def doubling_is_exact(out: Value) -> bool:
    """Must doubling the seed of the backward pass just run on `out` double every gradient
    exactly? Yes when no product ``partial × gradient`` of the pass was rounded in the subnormal
    range (a product that is 0 has a factor that is 0; any other is above the smallest normal
    float: then the product of the doubled gradient is rounded on the doubled grid) and no sum
    can overflow once doubled. Sums need nothing more: two floats whose sum is subnormal add
    exactly. At the smallest normal float, 2.2250738585072014e-308, a gradient can be subnormal
    or underflow to 0, and the claim is false there (test_doubling_is_not_exact_below_normal)."""
    received: dict[Value, float] = {}  # the sum of |product| each operand receives
    for v in topological(out):
        g = v.grad
        for x, d in zip(v.operands, v.partials, strict=True):
            if not isinstance(x, Value):
                continue
            product = d * g
            if not math.isfinite(product):
                return False
            if d != 0.0 and g != 0.0 and not abs(product) > sys.float_info.min:
                return False  # rounded to a subnormal, to the smallest normal or to 0
            received[x] = received.get(x, 0.0) + abs(product)
    return all(total <= sys.float_info.max / 2 for total in received.values())


@given(expressions())
def test_seed_scales_gradients_exactly(expr: Expression) -> None:
    """Doubling the seed doubles every gradient exactly: each product and sum is scaled by a
    power of 2, which IEEE arithmetic does exactly where `doubling_is_exact` says."""
    program, inputs = expr
    once = [Value(x) for x in inputs]
    out = program(*once)
    out.backward()
    assume(doubling_is_exact(out))
    twice = [Value(x) for x in inputs]
    program(*twice).backward(grad=2.0)
    assert [2.0 * v.grad for v in once] == [v.grad for v in twice]  # powers of 2 scale exactly


@pytest.mark.parametrize("a, b, exact", [
    (2.2250738585072014e-308, 1e-16, False),  # a·b underflows to 0; a·2b is 5e-324
    (2.2250738585072014e-308, 0.1, False),  # a·b is subnormal, a·2b normal: other grids
    (4.450147717014403e-308, 2.0, True),  # every product above the smallest normal
    (1.5, 1e-16, True),
])
def test_doubling_is_not_exact_below_normal(a: float, b: float, exact: bool) -> None:
    """The claim's edge: out = (a·c)·b, whose gradient for c is a·b."""
    program = Program(3, (Op("*", (0, 2)), Op("*", (3, 1))))
    once = [Value(x) for x in (a, b, 1.0)]
    out = program(*once)
    out.backward()
    assert doubling_is_exact(out) is exact
    twice = [Value(x) for x in (a, b, 1.0)]
    program(*twice).backward(grad=2.0)
    doubled = [2.0 * v.grad for v in once] == [v.grad for v in twice]
    assert doubled if exact else not doubled


@given(expressions())
def test_values_floats_and_no_grad_agree(expr: Expression) -> None:
    program, inputs = expr
    graph = program.run([Value(x) for x in inputs])
    with no_grad():
        plain = program.run([Value(x) for x in inputs])
    floats = program.run(list(inputs))
    assert [v.data for v in graph] == [v.data for v in plain] == floats
    assert all(v.is_leaf for v in plain)


@given(expressions())
def test_expressions_keep_their_promises(expr: Expression) -> None:
    program, inputs = expr
    assert 1 <= program.n_inputs <= 4 and 1 <= len(program.ops) <= 51
    regs = program.run(list(inputs))
    used: set[int] = set()
    for k, op in enumerate(program.ops, program.n_inputs):
        assert all(i < k for i in op.args)  # reads earlier registers only
        used.update(op.args)
        if op.name in ("sum", "dot"):
            continue
        reg = ops.get(op.name)
        operands = op.operands([regs[i] for i in op.args])
        assert reg.smooth is None or reg.smooth(*operands)  # away from kinks and edges
        if op.name in ("abs", "relu", "leaky_relu"):
            assert abs(operands[0]) >= KINK_MARGIN
        if op.name == "log":
            assert operands[0] >= DOMAIN_MARGIN
        if op.name == "/":
            assert abs(operands[1]) >= DOMAIN_MARGIN
        if op.name == "**" and not float(operands[1]).is_integer():
            assert operands[0] >= DOMAIN_MARGIN
        if k < program.size - 1 or op.name != "sum":
            assert abs(regs[k]) <= VALUE_BOUND
    assert set(range(program.n_inputs, program.size - 1)) <= used  # every result counts


def test_expressions_share_subexpressions() -> None:
    shared: list[bool] = []

    @given(expressions(min_ops=10))
    def collect(expr: Expression) -> None:
        reads = [i for op in expr.program.ops for i in op.args]
        shared.append(any(reads.count(i) > 1 for i in set(reads)))

    collect()
    assert sum(shared) > len(shared) // 2


def test_program_listing() -> None:
    program = Program(
        2,
        (
            Op("*", (0, 1)),
            Op("-", (2,), 2.5, const_first=True),
            Op("leaky_relu", (3,), 0.1),
            Op("dot", (0, 1, 2, 3, 4)),
            Op("dot", (0, 1), weights=(0.5,)),
            Op("sum", (4, 5, 6)),
        ),
    )
    assert str(program).splitlines() == [
        "v2 = x0 * x1",
        "v3 = 2.5 - v2",
        "v4 = leaky_relu(v3, 0.1)",
        "v5 = dot([x0, x1], [v2, v3], bias=v4)",
        "v6 = dot([0.5], [x0], bias=x1)",
        "v7 = sum(v4, v5, v6)",
    ]
    assert program(1.0, 2.0) == program(Value(1.0), Value(2.0)).data
    assert "v3 = 2.5 - v2" in repr(program)


def test_strategy_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown ops"):
        expressions(ops=["sinus"])
    with pytest.raises(ValueError, match="min_ops"):
        expressions(min_ops=5, max_ops=2)
    with pytest.raises(TypeError, match="takes 2 inputs, got 1"):
        Program(2, (Op("+", (0, 1)),))(1.0)
    with pytest.raises(TypeError, match="cannot run on inputs of type str"):
        Program(1, (Op("neg", (0,)),))("x")


def test_importing_autograd_does_not_import_hypothesis() -> None:
    code = "import sys, autograd; print('hypothesis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_finite_differences_are_honest_about_kinks() -> None:
    """The margins matter: at a kink gradcheck fails, as it should."""
    program = Program(1, (Op("relu", (0,)),))
    with pytest.raises(AssertionError):
        gradcheck(program, [0.0])
    assert math.isclose(program(2.0), 2.0)
