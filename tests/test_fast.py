"""The generated operators of `Value` (`autograd.fast`) make exactly the node that the
definition makes (`autograd.operators.Arithmetic`, through `apply`): the same fields, bit for
bit, or the same error, on random and edge inputs."""

from __future__ import annotations

import math
import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, fast
from autograd.operators import Arithmetic

EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e-320, -1e-320, 1e308, -1e308, 700.0, 800.0,
         -800.0, math.inf, -math.inf, math.nan]
NUMBERS = st.one_of(st.sampled_from(EDGES), st.floats(allow_nan=True, allow_infinity=True))
UNARY = [n for n in fast.INSTALLED if n in ("__neg__", "__abs__", "exp", "log", "sqrt", "tanh",
                                              "sigmoid", "relu", "sin", "cos")]
BINARY = [n for n in fast.INSTALLED if n not in UNARY and n != "leaky_relu"]


def bits(x: Any) -> Any:
    return struct.pack("<d", x) if isinstance(x, float) else x


def fields(v: Value) -> tuple[Any, ...]:
    return (bits(v.data), v.grad, v.op, tuple(x if isinstance(x, Value) else bits(x)
                                                for x in v.operands),
            tuple(bits(d) for d in v.partials), v.label, type(v))


def outcome(method: Any, *args: Any) -> Any:
    try:
        return fields(method(*args))
    except Exception as e:  # noqa: BLE001 - the error is the outcome compared
        return type(e), str(e)


def test_every_operator_and_method_is_generated() -> None:
    assert set(UNARY) | set(BINARY) | {"leaky_relu"} == set(fast.INSTALLED)
    assert {"__mul__", "__rsub__", "__pow__", "__rpow__", "relu", "exp"} <= set(fast.INSTALLED)


@pytest.mark.parametrize("name", UNARY)
@given(x=NUMBERS)
def test_unary_methods_make_the_defined_node(name: str, x: float) -> None:
    v = Value(x, "x")
    assert outcome(getattr(Value, name), v) == outcome(getattr(Arithmetic, name), v)


@pytest.mark.parametrize("name", BINARY)
@given(x=NUMBERS, y=NUMBERS, other_is_value=st.booleans(), as_int=st.booleans())
def test_binary_operators_make_the_defined_node(name: str, x: float, y: float,
                                                other_is_value: bool, as_int: bool) -> None:
    v = Value(x, "x")
    other: Any = Value(y, "y") if other_is_value else (
        int(y) if as_int and math.isfinite(y) and abs(y) < 1e15 else y)
    assert outcome(getattr(Value, name), v, other) == outcome(getattr(Arithmetic, name), v,
                                                              other)


@given(x=NUMBERS, slope=st.sampled_from([0.01, 0.2, -0.5, 0.0]))
def test_leaky_relu_makes_the_defined_node(x: float, slope: float) -> None:
    v = Value(x, "x")
    assert outcome(Value.leaky_relu, v, slope) == outcome(Arithmetic.leaky_relu, v, slope)


def test_a_mode_sees_the_generated_nodes_as_it_sees_apply_s() -> None:
    a = Value(2.0, "a")
    with autograd.no_grad():
        for made in (a * 3.0, a.relu(), a + a):
            assert made.is_leaf and made.partials == ()
