"""Never silently wrong: conversions, hooks, redefined ops, user ops that fail, modes across
tasks. Each test fails on the engine before these rules."""

from __future__ import annotations

import asyncio
import math
import threading

import numpy as np
import pytest

import autograd
import autograd.math as amath
from autograd import Value, grad, hessian, no_grad, ops
from autograd.optim import SGD

# ---------------------------------------------------------------------------------------------
# One behaviour for comparisons and conversions


def test_comparisons_compare_numbers_and_equality_with_a_number_is_refused() -> None:
    zero = Value(0.0)
    assert zero >= 0 and zero <= 0 and not zero > 0 and not zero < 0
    with pytest.raises(TypeError, match=r"v\.data == 0"):
        _ = zero == 0
    with pytest.raises(TypeError, match=r"v\.data == 0\.0"):
        _ = zero != 0.0
    assert zero == zero and zero != Value(0.0)  # Values are compared by identity
    assert len({zero, Value(0.0)}) == 2


@pytest.mark.parametrize("convert", [float, int, round, bool, math.exp, math.floor])
def test_conversions_that_would_leave_the_graph_are_refused(convert: object) -> None:
    with pytest.raises(TypeError, match=r"v\.data"):
        convert(Value(0.5))  # type: ignore[operator]


def test_if_v_is_refused() -> None:
    with pytest.raises(TypeError, match=r"bool\(\)"):
        if Value(1.0):
            pass


def test_value_of_a_string_says_what_is_wrong() -> None:
    with pytest.raises(TypeError, match="^Value: data must be a number, not str$"):
        Value("3")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="^Value: label must be a str, not int$"):
        Value(3.0, 4)  # type: ignore[arg-type]


def test_numpy_defers_to_value_and_both_orders_give_one_clear_error() -> None:
    v = Value(2.0)
    for product in (lambda: np.array([1.0, 2.0]) * v, lambda: v * np.array([1.0, 2.0])):
        with pytest.raises(TypeError, match="ndarray"):
            product()
    assert (np.float64(3.0) * v).data == 6.0  # a numpy scalar is a number


# ---------------------------------------------------------------------------------------------
# Hooks: .grad and .data stay floats


def test_a_hook_returning_a_value_gives_its_number() -> None:
    x = Value(2.0, "x")
    out = x * x
    out.register_hook(lambda g: g * Value(0.5))
    out.backward()
    assert type(x.grad) is float and x.grad == 2.0
    SGD([x], lr=0.1).step()
    assert type(x.data) is float and x.data == 1.8
    assert type((x * 3.0).exp().data) is float


def test_hooks_that_return_garbage_are_named() -> None:
    x = Value(1.0, "x")
    y = x * 2.0
    with y.register_hook(lambda g: 10**400), pytest.raises(OverflowError, match="hook '<lambda>'"):
        y.backward()
    with y.register_hook(lambda: 1.0), pytest.raises(TypeError, match="hook '<lambda>' on"):
        y.backward()


# ---------------------------------------------------------------------------------------------
# Ops defined again keep their nodes; ops that fail say so


def test_a_node_keeps_the_op_it_was_made_with_in_every_reading() -> None:
    try:
        @autograd.op(derivative=lambda x, out: 3 * x)
        def f(x: float) -> float:
            return 1.5 * x * x

        x = Value(2.0, "x")
        old = f(x)

        @autograd.op(derivative=lambda x, out: 2 * x)  # noqa: F811 - a notebook cell run again
        def f(x: float) -> float:
            return x * x

        old.backward()
        assert x.grad == 6.0
        (again,) = grad(old, [x], create_graph=True)
        assert again.data == 6.0  # not the new rule's 4.0
        assert f(Value(2.0)).op is not old.op and f(x).partials == (4.0,)
    finally:
        ops.unregister("f")


def test_redefining_an_op_with_another_number_of_inputs_takes_no_other_op() -> None:
    try:
        @autograd.op(derivative=lambda x, y, out: (y, x))
        def foo(x: float, y: float) -> float:
            return x * y

        @autograd.op(derivative=lambda x, out: 1.0)
        def foo(x: float) -> float:  # noqa: F811 - one input now
            return x

        assert ops.lookup("rfoo") is None and ops.get("foo") is foo
        assert hessian(lambda a: foo(a) * a, [3.0]) == [[2.0]]
    finally:
        ops.unregister("foo")


def test_redefining_an_op_with_two_inputs_takes_no_other_op_s_node_kind() -> None:
    """Issue 23, item 3, as it was found: ``foo`` redefined with two inputs took the node kind
    ``rfoo`` (``2 - x`` is kind ``rsub``) from the op of that name, and hessian used foo's
    rule for rfoo's nodes."""
    try:
        @autograd.op(derivative=lambda x, out: 1.0)
        def foo(x: float) -> float:
            return x

        @autograd.op(derivative=lambda x, out: 3 * x * x)
        def rfoo(x: float) -> float:
            return x**3

        @autograd.op(derivative=lambda x, y, out: (1.0, -2.0))
        def foo(x: float, y: float) -> float:  # noqa: F811 - two inputs now
            return x - 2 * y

        assert hessian(lambda a: rfoo(a), [2.0]) == [[12.0]]
        assert hessian(lambda a: foo(a, 1.0) * a, [3.0]) == [[2.0]]
        assert ops.get("rfoo") is rfoo and ops.get("foo") is foo
    finally:
        ops.unregister("foo")
        ops.unregister("rfoo")


def test_ops_defined_in_threads_are_their_own() -> None:
    made: list[tuple[float, float]] = []

    def define(k: int) -> None:
        op = ops.Op(lambda x: x * k, lambda x, out, k=k: float(k), name=f"times{k}")
        for _ in range(50):
            v = op(Value(1.0))
            v.backward()
            made.append((float(k), v.operands[0].grad))  # type: ignore[union-attr]

    threads = [threading.Thread(target=define, args=(k,)) for k in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 400 and all(k == g for k, g in made)


def test_one_name_defined_in_several_threads_keeps_each_node_s_rule() -> None:
    """Issue 23, item 4: threads that define an op under one name (a cell run in several
    threads) each get their own op, even when every definition comes before any use (an op
    found again by its name was the last one defined)."""
    barrier = threading.Barrier(8)
    made: list[tuple[float, float, float]] = []

    def define(k: int) -> None:
        def times(x: float) -> float:
            return k * x

        op = autograd.op(times, derivative=lambda x, out: float(k), name="times")
        barrier.wait()  # all eight are defined now; the registry holds one of them
        x = Value(1.0)
        v = op(x)
        (again,) = grad(v, [x], create_graph=True)  # the rule read again, on Values
        v.backward()
        made.append((v.data, x.grad, again.data))

    threads = [threading.Thread(target=define, args=(k,)) for k in range(1, 9)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(made) == [(float(k),) * 3 for k in range(1, 9)]
    finally:
        ops.unregister("times")


def test_a_user_op_that_gives_nan_is_one_clear_error_on_floats_and_values() -> None:
    try:
        @autograd.op(derivative=lambda x, out: 1.0)
        def broken(x: float) -> float:
            return math.nan

        for call in (lambda: broken(1.0), lambda: broken(Value(1.0, "x"))):
            with pytest.raises(autograd.DomainError, match="^broken: its function gave nan"):
                call()
    finally:
        ops.unregister("broken")


def test_a_user_op_that_overflows_is_one_error_naming_it() -> None:
    try:
        @autograd.op(derivative=lambda x, out: 1 - amath.exp(-out))
        def softplus(x: float) -> float:
            return math.log1p(math.exp(x))  # overflows past x = 709

        with pytest.raises(OverflowError, match=r"^softplus: .* for x=800\.0") as info:
            softplus(Value(800.0))
        assert info.value.__cause__ is None and info.value.__suppress_context__
    finally:
        ops.unregister("softplus")


def test_rules_and_values_giving_huge_ints_or_taking_the_wrong_inputs_are_named() -> None:
    try:
        huge = ops.Op(lambda x: 10**400, lambda x, out: 1.0, name="huge_value")
        with pytest.raises(OverflowError, match="^huge_value: "):
            huge(Value(1.0))
        steep = ops.Op(lambda x: x, lambda x, out: 10**400, name="huge_rule")
        with pytest.raises(OverflowError, match="^huge_rule: "):
            steep(Value(1.0))
        short = ops.Op(lambda x: x, lambda x: 1.0, name="short_rule")  # forgot `out`
        with pytest.raises(TypeError, match="^short_rule: its derivative rule failed"):
            short(Value(1.0))
    finally:
        pass


def test_a_rule_that_leaves_the_graph_is_refused_in_second_derivatives() -> None:
    try:
        def rule(x: object, out: object) -> object:
            with no_grad():
                return 2 * x  # type: ignore[operator]

        @autograd.op(derivative=rule)
        def square(x: float) -> float:
            return x * x

        assert autograd.derivative(square)(3.0) == 6.0  # first order: fine
        with pytest.raises(TypeError, match="^square: .*leaves the graph"):
            hessian(lambda a: square(a), [3.0])
    finally:
        ops.unregister("square")


def test_a_rule_that_reads_data_is_refused_naming_the_op() -> None:
    """The other way out of the graph (issue 23, item 5): ``x.data`` in a rule. Rules are given
    numbers, so it fails at once, naming the op, in first and in second derivatives."""
    try:
        @autograd.op(derivative=lambda x, out: 2 * x.data)
        def square(x: float) -> float:
            return x * x

        for call in (lambda: square(Value(3.0)).backward(),
                     lambda: hessian(lambda a: square(a), [3.0])):
            with pytest.raises(TypeError, match="^square: its derivative rule failed: .*"
                                                "a rule is given numbers, not Values"):
                call()
    finally:
        ops.unregister("square")


def test_relu_at_nan_passes_the_gradient_as_pytorch() -> None:
    x = Value(math.nan)
    x.relu().backward()
    assert x.grad == 1.0
    y = Value(0.0)
    y.relu().backward()
    assert y.grad == 0.0


def test_control_characters_in_an_op_name_are_escaped_in_the_text_views() -> None:
    """Issue 23, item 9: labels were escaped, op names were not (an escape sequence in the name
    of a user op cleared the terminal from tree, explain and the steps)."""
    double = ops.Op(lambda x: 2 * x, lambda x, out: 2.0, name="dbl\x1b[2J")  # not registered
    x = Value(1.0, "x")
    z = double(x) * 3.0
    z.label = "z"
    views = [str(z.tree()), str(z.explain(x)), *map(str, z.backward_steps())]
    assert all("\x1b" not in text for text in views)
    assert all("dbl\\x1b[2J" in text for text in views)


# ---------------------------------------------------------------------------------------------
# The chain rule adds; every partial a node records is right (issue 23, item 15)


def test_backward_at_one_node_adds_into_what_each_operand_holds() -> None:
    """The micrograd lecture's ``o.grad = 1.0; o._backward()``: each operand's share is added,
    once per slot it fills, to what it holds (``p.grad = d * g`` would give 3.0 and 1.5)."""
    a = Value(1.5, "a")
    b = a * a  # a fills both slots of the product: d b / d a = 2a
    b.grad = 1.0
    b._backward()
    assert a.grad == 3.0
    a.grad = 10.0  # held from before, as after an earlier pass
    b._backward()
    assert a.grad == 13.0


def test_leaky_relu_records_its_derivative_in_the_slope_too() -> None:
    """d/d slope of leaky_relu(x, slope) is x for x <= 0 and 0 above: no gradient flows into a
    slope (a number), but the node records it, and the views read it."""
    assert Value(-2.0).leaky_relu(0.1).partials == (0.1, -2.0)
    assert Value(3.0).leaky_relu(0.1).partials == (1.0, 0.0)
    rule = ops.get("leaky_relu")
    assert rule.partials([-2.0, 0.25], rule.value(-2.0, 0.25)) == (0.25, -2.0)


# ---------------------------------------------------------------------------------------------
# Modes across asyncio tasks


def test_no_grad_left_in_another_task_is_a_clear_error() -> None:
    switch = no_grad()

    async def enter() -> None:
        switch.__enter__()

    async def leave() -> None:
        switch.__exit__(None, None, None)

    async def main() -> None:
        await asyncio.create_task(enter())
        await asyncio.create_task(leave())

    with pytest.raises(RuntimeError, match="no_grad: exited in another"):
        asyncio.run(main())
