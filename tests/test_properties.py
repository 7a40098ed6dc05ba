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


@given(expressions())
def test_seed_scales_gradients_exactly(expr: Expression) -> None:
    """Doubling the seed doubles every gradient exactly: each product and sum is scaled by a
    power of 2, which is exact in IEEE arithmetic as long as no number involved is subnormal
    (below 2.2e-308 doubling adds bits, so the claim is only made for normal numbers)."""
    program, inputs = expr
    once = [Value(x) for x in inputs]
    out = program(*once)
    out.backward()
    numbers = [x for v in topological(out) for x in (v.grad, *(d * v.grad for d in v.partials))]
    assume(all(x == 0.0 or abs(x) >= sys.float_info.min or not math.isfinite(x)
               for x in numbers))
    twice = [Value(x) for x in inputs]
    program(*twice).backward(grad=2.0)
    assert [2.0 * v.grad for v in once] == [v.grad for v in twice]  # powers of 2 scale exactly


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
