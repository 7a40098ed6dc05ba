"""Bad numbers: every error names the op, the operand values and their labels."""

from __future__ import annotations

import math
import pickle
import re
import traceback
from collections.abc import Callable

import numpy as np
import pytest

import autograd
from autograd import (
    AnomalyError,
    DomainError,
    GradcheckError,
    Value,
    detect_anomaly,
    gradcheck,
    no_grad,
)


def raises(kind: type[Exception], call: Callable[[], object], *parts: str) -> str:
    """Run call, expect `kind`, check that every part is in the message; return the message."""
    with pytest.raises(kind) as info:
        call()
    message = str(info.value)
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"
    assert "math domain error" not in message
    return message


# ---------------------------------------------------------------------------------------------
# Stable where they can be


def test_sigmoid_and_tanh_are_stable_for_huge_inputs() -> None:
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-1e308).sigmoid().data == 0.0
    assert Value(1000.0).tanh().data == 1.0
    assert Value(-1000.0).tanh().data == -1.0
    for x in (-1000.0, 1000.0):
        v = Value(x)
        out = v.sigmoid() + v.tanh()
        out.backward()
        assert v.grad == 0.0  # saturated: finite, zero slope


def test_largest_exp_is_fine() -> None:
    assert Value(709.0).exp().data == math.exp(709.0)


# ---------------------------------------------------------------------------------------------
# Errors with their messages


def test_overflow_gives_inf_and_detect_anomaly_names_it() -> None:
    """One policy for every op: IEEE's inf, as PyTorch gives; detect_anomaly() raises."""
    z, big = Value(1000.0, "z"), Value(10.0, "big")
    overflows = [
        (lambda: z.exp(), "exp", math.inf),
        (lambda: big**400, "**", math.inf),
        (lambda: (-big) ** 401, "**", -math.inf),
        (lambda: 10 ** Value(400.0, "k"), "**", math.inf),
        (lambda: big ** Value(400.0, "k"), "**", math.inf),
        (lambda: Value(1e308, "m") * 10, "*", math.inf),
        (lambda: Value(1e308, "m") + Value(1e308, "n"), "+", math.inf),
        (lambda: 1 / Value(1e-320, "tiny"), "/", math.inf),
    ]
    for build, op, expected in overflows:
        assert build().data == expected
        with detect_anomaly():
            raises(AnomalyError, build, op, "inf")


def test_math_functions_on_floats_raise_where_math_raises() -> None:
    import autograd.math as amath

    raises(OverflowError, lambda: amath.exp(1000.0), "exp", "1000.0")
    raises(OverflowError, lambda: amath.pow(10.0, 400.0), "**", "10.0", "400.0")
    raises(DomainError, lambda: amath.log(-1.0), "log", "-1.0")
    raises(DomainError, lambda: amath.sqrt(-1.0), "sqrt", "-1.0")
    raises(DomainError, lambda: amath.asin(2.0), "asin", "2.0")
    assert amath.exp(709.0) == math.exp(709.0)


@pytest.mark.parametrize("x", [0.0, -0.0, -1.0, -1e-300])
def test_log_of_a_non_positive_number(x: float) -> None:
    message = raises(DomainError, lambda: Value(x, "p").log(), "log", repr(x), "'p'")
    assert message.startswith("log:")
    assert issubclass(DomainError, ValueError)


PUBLIC_ERRORS = ["DomainError", "PoleError", "AnomalyError", "GradcheckError",
                 "GraphTooLargeError", "GraphvizNotFoundError"]


@pytest.mark.parametrize("name", PUBLIC_ERRORS)
def test_errors_are_named_as_users_import_them(name: str) -> None:
    kind = getattr(autograd, name)
    assert name in autograd.__all__
    assert repr(kind) == f"<class 'autograd.{name}'>"


def test_a_traceback_says_autograd_domain_error() -> None:
    with pytest.raises(DomainError) as info:
        Value(-2.0, label="x").log()
    last = traceback.format_exception(info.type, info.value, info.tb)[-1]
    assert last == "autograd.DomainError: log: undefined for x=-2.0 ('x'); needs x > 0\n"
    again = pickle.loads(pickle.dumps(info.value))  # the name leads back to the class
    assert type(again) is DomainError and str(again) == str(info.value)


def test_division_by_zero_both_ways() -> None:
    a, zero = Value(1.5, "a"), Value(0.0, "zero")
    for call in (lambda: a / zero, lambda: a / 0, lambda: a / np.float32(0.0)):
        raises(ZeroDivisionError, call, "/", "1.5", "'a'", "0.0")
    raises(ZeroDivisionError, lambda: a / zero, "'zero'")
    raises(ZeroDivisionError, lambda: 2 / zero, "/", "2.0", "0.0", "'zero'")
    raises(ZeroDivisionError, lambda: 2 / Value(-0.0), "/", "2.0", "-0.0")


def test_negative_base_to_a_fractional_power() -> None:
    n = Value(-8.0, "n")
    raises(DomainError, lambda: n**0.5, "**", "-8.0", "'n'", "0.5", "negative base")
    raises(DomainError, lambda: n ** Value(0.5, "e"), "**", "-8.0", "'n'", "0.5", "'e'")
    raises(DomainError, lambda: (-8) ** Value(0.5, "e"), "**", "-8.0", "0.5", "'e'")
    assert (n**2).data == 64.0 and (n**3.0).data == -512.0  # whole powers are fine


def test_negative_base_with_a_value_exponent_has_no_exponent_derivative() -> None:
    # (-2) ** b is real for whole b, but d/db needs log(-2): refused while recording a graph
    b = Value(2.0, "b")
    raises(DomainError, lambda: Value(-2.0, "a") ** b, "**", "'b'", "-2.0", "'a'")
    raises(DomainError, lambda: (-2.0) ** b, "**", "-2.0", "'b'")
    with no_grad():  # no derivative needed, so the value is given
        assert (Value(-2.0) ** b).data == 4.0
        assert ((-2.0) ** b).data == 4.0


def test_zero_to_a_negative_power() -> None:
    z = Value(0.0, "z")
    raises(ZeroDivisionError, lambda: z**-1, "**", "0.0", "'z'", "-1")
    raises(ZeroDivisionError, lambda: z ** Value(-1.0, "k"), "**", "0.0", "'z'", "-1.0", "'k'")
    raises(ZeroDivisionError, lambda: 0 ** Value(-1.0, "k"), "**", "0.0", "-1.0", "'k'")


# ---------------------------------------------------------------------------------------------
# detect_anomaly


def test_anomaly_in_the_forward_pass() -> None:
    p, q = Value(1e200, "p"), Value(1e200, "q")
    with detect_anomaly():
        raises(AnomalyError, lambda: p * q, "*", "inf", "'p'", "'q'")
        inf, minus_inf = Value(math.inf, "up"), Value(-math.inf, "down")
        raises(AnomalyError, lambda: inf + minus_inf, "+", "nan", "'up'", "'down'")
        raises(AnomalyError, lambda: inf.exp(), "exp", "'up'")
    assert issubclass(AnomalyError, FloatingPointError)
    # outside detect_anomaly the same ops just give inf and nan
    assert (p * q).data == math.inf
    assert math.isnan((Value(math.inf) + Value(-math.inf)).data)


def test_anomaly_in_the_backward_pass() -> None:
    def build() -> tuple[Value, Value]:
        x = Value(0.0, "x")
        root = x**0.5  # d/dx sqrt(x) = inf at 0; the value 0 is fine
        root.label = "root"
        out = root * 3.0 + 1.0
        out.label = "out"
        return x, out

    x, out = build()
    with detect_anomaly():
        message = raises(AnomalyError, out.backward, "**", "inf", "'x'", "out -> root")
    assert message.startswith("backward through **")
    x, out = build()
    out.backward()  # outside detect_anomaly: no error, the gradient is infinite
    assert x.grad == math.inf


def test_detect_anomaly_as_a_decorator() -> None:
    @detect_anomaly()
    def square(v: Value) -> Value:
        return v * v

    with pytest.raises(AnomalyError):
        square(Value(1e200))
    assert square.__name__ == "square"
    assert (Value(1e200) * Value(1e200)).data == math.inf  # switched off again


# ---------------------------------------------------------------------------------------------
# gradcheck: misuse and the mismatch table


def test_gradcheck_passes_and_fails() -> None:
    assert gradcheck(lambda x, y: (x * y).tanh() + x.exp(), [0.3, -1.2]) is True
    w = Value(2.0, "w1")

    def broken(x: Value, y: Value) -> Value:
        return x * y.data + y.exp()  # y.data leaves the graph: d/dy misses x

    with pytest.raises(GradcheckError) as info:
        gradcheck(broken, [w, 0.5])
    assert isinstance(info.value, AssertionError)
    message = str(info.value)
    lines = message.splitlines()
    assert lines[0].startswith("gradcheck: 1 of 2 gradients disagree")
    assert re.split(r"\s{2,}", lines[1].strip()) == [
        "input", "label", "value", "analytic", "numeric", "abs err", "rel err"
    ]
    row = re.split(r"\s{2,}", lines[2].strip())
    assert row[:3] == ["1", "x1", "0.5"]
    assert float(row[3]) == pytest.approx(math.exp(0.5))  # analytic: the graph lost x
    assert float(row[4]) == pytest.approx(2.0 + math.exp(0.5), rel=1e-8)  # numeric
    assert float(row[5]) == pytest.approx(2.0, rel=1e-6)
    assert len(lines) == 3  # input 0 agrees, so it is not listed
    (index, label, value, analytic, numeric) = info.value.rows[0]
    assert (index, label, value) == (1, "x1", 0.5)
    assert w.grad == 0.0  # the caller's Values are not touched


def test_gradcheck_tolerances_and_eps() -> None:
    def f(x: Value) -> Value:
        return x**3

    assert gradcheck(f, 1.0)  # a single number stands for a list of one
    assert gradcheck(f, [Value(1.0)], eps=1e-3, rtol=1e-5)  # error eps² = 1e-6 < 3e-5
    with pytest.raises(GradcheckError):
        gradcheck(f, [1.0], eps=1e-2, atol=0.0, rtol=1e-6)  # error 1e-4 > 3e-6


def test_gradcheck_labels_and_zero_gradients() -> None:
    def f(x: Value, y: Value) -> Value:
        return (x * 0.0 + y).relu() * 1.0

    assert gradcheck(f, [Value(1.0, "unused"), Value(2.0, "y")])
    with pytest.raises(GradcheckError, match=r"\n  0\s+kinked\s+0\s"):
        gradcheck(lambda x: x.relu(), [Value(0.0, "kinked")])  # at the kink: 0 against 0.5


@pytest.mark.parametrize(
    "call, kind, text",
    [
        (lambda: gradcheck(lambda: Value(1.0), []), ValueError, "no inputs"),
        (lambda: gradcheck(lambda x: 1.0, [1.0]), TypeError, "must return a Value"),
        (lambda: gradcheck(lambda x: [x], [1.0]), TypeError, "returned list"),
        (lambda: gradcheck(lambda x: x, ["1"]), TypeError, "input 0 is of type str"),
        (lambda: gradcheck(lambda x: x, "12"), TypeError, "not str"),
        (lambda: gradcheck(lambda x: x, None), TypeError, "not NoneType"),
        (lambda: gradcheck(lambda x: x, [math.nan]), ValueError, "not finite"),
        (lambda: gradcheck(lambda x: x, [1.0], eps=0.0), ValueError, "eps must be"),
        (lambda: gradcheck(lambda x: x, [1.0], atol=-1.0), ValueError, "atol must be"),
        (lambda: gradcheck(lambda x: x, [1.0], rtol=math.inf), ValueError, "rtol must be"),
    ],
)
def test_gradcheck_misuse(call: Callable[[], object], kind: type[Exception], text: str) -> None:
    raises(kind, call, "gradcheck", text)


def test_gradcheck_refuses_no_grad() -> None:
    with no_grad():
        raises(ValueError, lambda: gradcheck(lambda x: x * x, [1.0]), "no_grad")


def test_gradcheck_lets_errors_of_f_through() -> None:
    # log near 0: the moved point x - eps leaves the domain, and the engine says where
    raises(DomainError, lambda: gradcheck(lambda x: x.log(), [Value(1e-7, "tiny")]),
           "log", "'tiny'")
