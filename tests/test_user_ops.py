"""Ops of one's own (`autograd.op`), `autograd.math`, and no silent escapes from the graph."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given

import autograd
import autograd.math as amath
from autograd import (
    GradcheckError,
    Value,
    derivative,
    detect_anomaly,
    draw,
    explain,
    grad,
    gradcheck,
    gradient,
    hessian,
    no_grad,
    ops,
    tree,
)
from autograd.inspect import backward_steps
from autograd.testing import OPS, check_op, expressions, single_ops, values


@pytest.fixture
def softplus() -> Iterator[ops.Op]:
    """The issue's example, word for word."""

    @autograd.op(derivative=lambda x, out: 1 - amath.exp(-out), formula="1 − e^(−out)")
    def softplus(x: float) -> float:
        return math.log1p(math.exp(x))

    yield softplus
    ops.unregister("softplus")


@pytest.fixture
def logaddexp() -> Iterator[ops.Op]:
    """An op of two inputs: log(e^x + e^y), written stably."""

    @autograd.op(derivative=lambda x, y, out: (amath.exp(x - out), amath.exp(y - out)),
                 formula=("e^(x − out)", "e^(y − out)"),
                 smooth=lambda x, y: True)
    def logaddexp(x: float, y: float) -> float:
        m = max(x, y)
        return m + math.log(math.exp(x - m) + math.exp(y - m))

    yield logaddexp
    ops.unregister("logaddexp")


def test_a_user_op_takes_floats_and_values(softplus: ops.Op) -> None:
    assert softplus(0.0) == math.log(2.0) and type(softplus(1)) is float
    x = Value(0.5, "x")
    y = softplus(x)
    assert isinstance(y, Value) and y.op == "softplus" and y.parents == (x,)
    assert y.data == math.log1p(math.exp(0.5))
    y.backward()
    assert x.grad == pytest.approx(1 / (1 + math.exp(-0.5)), rel=1e-15)  # sigmoid(x)
    assert "op='softplus'" in repr(y)


def test_a_user_op_in_every_view(softplus: ops.Op) -> None:
    x = Value(0.5, "x")
    z = softplus(x * 2.0)
    z.label = "z"
    assert "z = softplus(mul#" in tree(z)
    step = next(backward_steps(z))
    assert re.search(r"∂z/∂mul#\d+ = 1 − e\^\(−z\) = 0\.731058579 × upstream 1", str(step))
    text = str(explain(z, x))
    assert text.splitlines()[2].endswith("= 1.462117157")
    assert re.search(r"with ∂z/∂mul#\d+ = 1 − e\^\(−z\) = 0\.731058579", text)
    source = draw(z).source
    assert "softplus" in source


def test_user_ops_agree_with_torch_to_1e9(softplus: ops.Op, logaddexp: ops.Op) -> None:
    torch = pytest.importorskip("torch")
    tf = {"softplus": torch.nn.functional.softplus, "logaddexp": torch.logaddexp}
    for op, args in ((softplus, (0.7,)), (softplus, (-3.2,)), (logaddexp, (0.3, -1.1)),
                     (logaddexp, (2.0, 2.5))):
        leaves = [Value(a) for a in args]
        out = op(*leaves)
        ts = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in args]
        tout = tf[op.name](*ts)
        assert math.isclose(out.data, tout.item(), rel_tol=1e-9)
        first = grad(out, leaves, create_graph=True)
        tfirst = torch.autograd.grad(tout, ts, create_graph=True)
        for g, tg in zip(first, tfirst, strict=True):
            assert math.isclose(g.data, tg.item(), rel_tol=1e-9)
        ours = hessian(op, list(args))
        for i, tg in enumerate(tfirst):
            row = torch.autograd.grad(tg, ts, retain_graph=True)
            for j, h in enumerate(row):
                assert math.isclose(ours[i][j], h.item(), rel_tol=1e-9, abs_tol=1e-12)


def test_user_ops_pass_the_registry_check(softplus: ops.Op, logaddexp: ops.Op) -> None:
    check_op(softplus, [0.4])
    check_op(logaddexp, [0.3, -1.1])
    check_op(logaddexp, [0.3, -1.1], constant=0)
    assert gradcheck(lambda a, b: softplus(a * b) + logaddexp(a, b), [0.5, -2.0])


def test_a_wrong_derivative_is_caught_and_named() -> None:
    @autograd.op(derivative=lambda x, out: amath.exp(-out))  # forgot the 1 -
    def softplus_wrong(x: float) -> float:
        return math.log1p(math.exp(x))

    try:
        with pytest.raises(GradcheckError) as info:
            gradcheck(lambda x: softplus_wrong(x) * 2.0, [1.0])
        assert info.value.ops == ["softplus_wrong"]
        assert "the op 'softplus_wrong' itself is wrong" in str(info.value)
        with pytest.raises(AssertionError, match="softplus_wrong: the derivative"):
            check_op(softplus_wrong, [1.0])
    finally:
        ops.unregister("softplus_wrong")


def test_user_ops_with_no_grad_detect_anomaly_and_create_graph(softplus: ops.Op) -> None:
    x = Value(0.5)
    with no_grad():
        assert softplus(x).is_leaf
    with detect_anomaly(), pytest.raises(autograd.AnomalyError, match="softplus"):
        softplus(Value(math.nan))
    d2 = derivative(derivative(softplus))
    s = 1 / (1 + math.exp(-0.5))
    assert d2(0.5) == pytest.approx(s * (1 - s), rel=1e-12)  # sigmoid'(x)


def test_user_ops_join_the_hypothesis_strategies(softplus: ops.Op,
                                                 logaddexp: ops.Op) -> None:
    seen: set[str] = set()

    @given(expressions(ops=[*OPS, "softplus", logaddexp], max_ops=10))
    def among_all(expr: Any) -> None:  # 2 of 35 ops: drawn now and then, not in every run
        assert gradcheck(*expr)

    @given(expressions(ops=["softplus", logaddexp, "+", "*", "exp"], max_ops=10))
    def among_few(expr: Any) -> None:  # 2 of 5 ops: drawn in every run
        program, inputs = expr
        seen.update(op.name for op in program.ops)
        assert gradcheck(program, inputs)

    @given(single_ops(["softplus"]))
    def alone(expr: Any) -> None:
        assert gradcheck(*expr)

    among_all()
    among_few()
    alone()
    assert {"softplus", "logaddexp"} <= seen


def test_rules_that_leave_the_graph_are_refused_under_create_graph() -> None:
    @autograd.op(derivative=lambda x, out: math.cos(x))  # math, not autograd.math
    def sine(x: float) -> float:
        return math.sin(x)

    try:
        x = Value(0.3)
        sine(x).backward()
        assert x.grad == math.cos(0.3)  # first order: the rule runs on floats
        with pytest.raises(TypeError, match="autograd.math") as refused:
            grad(sine(x), [x], create_graph=True)
        message = str(refused.value)  # names the op whose rule is at fault, then says why
        assert message.startswith("sine: its derivative rule failed on Values")
        assert "float() of a Value would leave the graph" in message
        with pytest.raises(TypeError, match="^sine: its derivative rule failed on Values"):
            hessian(lambda t: sine(t), [0.3])
    finally:
        ops.unregister("sine")


def test_op_definitions_are_checked() -> None:
    with pytest.raises(ValueError, match="taken by the built-in op 'exp'"):
        autograd.op(lambda x: x, derivative=lambda x, out: 1.0, name="exp")
    with pytest.raises(ValueError, match="give the op a name"):
        autograd.op(lambda x: x, derivative=lambda x, out: 1.0)
    with pytest.raises(TypeError, match="plain positional parameters"):
        autograd.op(lambda *xs: 0.0, derivative=lambda *a: 0.0, name="many")
    with pytest.raises(ValueError, match="1 input.* but 2 formula"):
        autograd.op(lambda x: x, derivative=lambda x, out: 1.0, name="f", formula=("a", "b"))

    @autograd.op(derivative=lambda x, y, out: 1.0)  # one number for two inputs
    def pair(x: float, y: float) -> float:
        return x + y

    @autograd.op(derivative=lambda x, out: 1.0)
    def fails(x: float) -> float:
        return math.exp(x)

    try:
        with pytest.raises(TypeError, match="pair: derivative must return a tuple of 2"):
            pair(Value(1.0), Value(2.0))
        with pytest.raises(TypeError, match=r"pair\(\) takes 2 argument"):
            pair(Value(1.0))
        with pytest.raises(OverflowError, match=r"fails: math range error for x=1000\.0"):
            fails(Value(1000.0))
    finally:
        ops.unregister("pair")
        ops.unregister("fails")


def test_running_a_definition_again_replaces_it() -> None:
    for k in (1.0, 2.0):
        @autograd.op(derivative=lambda x, out, k=k: k)
        def scale(x: float) -> float:
            return x

        x = Value(1.0)
        scale(x).backward()
        assert x.grad == k
    ops.unregister("scale")
    assert ops.lookup("scale") is None


# ---------------------------------------------------------------------------------------------
# No silent escapes


def test_math_on_a_value_raises_and_says_what_to_do() -> None:
    x = Value(1.0, "x")
    for escape in (math.exp, math.sin, float, math.sqrt):
        with pytest.raises(TypeError) as info:
            escape(x)
        message = str(info.value)
        assert "leave the graph" in message and "v.data" in message and "(1.0)" in message
        assert "autograd.math.exp" in message


def test_derivative_helpers_refuse_instead_of_giving_zeros() -> None:
    with pytest.raises(TypeError, match="leave the graph"):
        derivative(lambda x: math.sin(x))(1.0)
    with pytest.raises(TypeError, match="leave the graph"):
        hessian(lambda x, y: math.exp(x) * y, [0.0, 1.0])
    with pytest.raises(TypeError, match="returned a list of 2.*autograd.jacobian"):
        gradient(lambda x, y: [x * y, x + y])(1.0, 2.0)
    with pytest.raises(TypeError, match="derivative: .*returned a tuple"):
        derivative(lambda x: (x, x))(1.0)
    with pytest.raises(TypeError, match="hessian: .*returned a list"):
        hessian(lambda x: [x], [1.0])
    assert derivative(lambda x: 3.0)(1.0) == 0.0  # a constant has derivative 0
    assert derivative(amath.sin)(1.0) == math.cos(1.0)
    assert hessian(lambda x, y: amath.exp(x) * y, [0.0, 1.0]) == [[1.0, 1.0], [1.0, 0.0]]


@given(values(-3.0, 3.0))
def test_amath_turns_existing_formulas_differentiable(x: float) -> None:
    def formula(m: Any, v: Any) -> Any:  # written once, for the math module m
        return m.sin(v) * m.exp(-v * v / 2) + m.atan2(v, 2.0) - m.log(m.hypot(v, 1.0), 10)

    assert formula(amath, x) == pytest.approx(formula(math, x), rel=1e-15, abs=1e-15)
    v = Value(x)
    formula(amath, v).backward()
    h = 1e-6
    numeric = (formula(math, x + h) - formula(math, x - h)) / (2 * h)
    assert v.grad == pytest.approx(numeric, rel=1e-6, abs=1e-7)


def test_value_methods_for_the_common_functions() -> None:
    x = Value(0.64)
    assert x.sin().data == math.sin(0.64) and x.cos().data == math.cos(0.64)
    assert x.sqrt().data == 0.8
    with pytest.raises(autograd.DomainError, match=r"sqrt: undefined for x=-1\.0"):
        Value(-1.0).sqrt()


@given(single_ops(["sqrt", "asin", "atan2"]))
def test_gradcheck_on_math_ops(expr: Any) -> None:
    assert gradcheck(*expr)


def test_cli_knows_the_registry_functions(capsys: pytest.CaptureFixture[str]) -> None:
    from autograd.cli import main

    assert main(["grad", "sin(x) * sqrt(y) + atan2(x, y) + erf(x)", "x=0.5", "y=4"]) == 0
    out = capsys.readouterr().out
    expected = math.cos(0.5) * 2 + 4 / 16.25 + 2 / math.sqrt(math.pi) * math.exp(-0.25)
    assert f"∂f/∂x = {autograd.inspect.fmt(expected)}" in out
    assert main(["grad", "sigmod(x)", "x=1"]) == 2
    assert "did you mean sigmoid?" in capsys.readouterr().err
    assert main(["grad", "pi * x + e", "x=2"]) == 0
    assert "f = pi * x + e = " in capsys.readouterr().out
