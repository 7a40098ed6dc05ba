"""One rule, four readings: change a built-in op's derivative rule, and every reading changes.

If a derivative were written a second time anywhere (a hand-written fast operator, a fused
node's own arithmetic, forward mode's own table, a formula typed by hand), changing the rule in
the registry would leave that copy unchanged, and one of these readings would keep the old
number. For every built-in op, the rule is flipped in sign (and, separately, scaled by 3) in
place, the generated operators are written again from it, and then:

- ``backward()`` (through the operator or method a user writes) gives the new partials;
- ``grad(create_graph=True)`` (the rule read on Values) gives them too;
- forward mode (``jvp``, the rule on floats carried by dual numbers) gives them too;
- the formula the views print (the rule read on symbols) changes.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import autograd
from autograd import Dual, Value, fast, grad, ops, symbolic
from autograd.names import Names, edge_formula

BUILTIN = ops.registered(builtin=True)
CANDIDATES = [(0.3,), (0.7,), (1.3,), (-0.6,), (2.0,)]

# how a user applies each op: Python's operators and Value's methods where there are some
SYNTAX: dict[str, Callable[..., Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "**": operator.pow, "neg": operator.neg, "abs": abs,
    "exp": lambda x: x.exp(), "log": lambda x: x.log(), "sqrt": lambda x: x.sqrt(),
    "tanh": lambda x: x.tanh(), "sigmoid": lambda x: x.sigmoid(), "relu": lambda x: x.relu(),
    "sin": lambda x: x.sin(), "cos": lambda x: x.cos(),
    "leaky_relu": lambda x, slope: x.leaky_relu(slope),
    "sum": lambda *xs: autograd.sum(xs), "logsumexp": lambda *xs: autograd.logsumexp(xs),
    "dot": lambda *a: autograd.dot(a[: len(a) // 2], a[len(a) // 2 :]),
}


def point(op: ops.Op) -> tuple[float, ...]:
    """Inputs where the op is smooth and every partial derivative is far from 0."""
    n = 4 if op.arity == ops.VARIADIC else op.arity
    for base in CANDIDATES:
        xs = tuple(base[0] + 0.37 * i for i in range(n))
        if op.smooth is not None and not op.smooth(*xs):
            continue
        try:
            partials = ops.partials_at(op, xs, op.value(*xs))
        except (ArithmeticError, ValueError):
            continue
        wrt = [i for i in range(n) if i not in op.numbers_only]
        if all(math.isfinite(d) and abs(d) > 1e-3 for i, d in enumerate(partials) if i in wrt):
            return xs
    raise AssertionError(f"{op.name}: no point with non-zero partials among the candidates")


@pytest.fixture
def mutated() -> Iterator[Callable[[ops.Op, float], None]]:
    """Scale an op's rule by a factor, in place; everything is restored afterwards (the very
    method objects of Value too: a model may hold one, as nn's activations do)."""
    saved: list[tuple[ops.Op, Any]] = []
    methods = {name: vars(Value)[name] for name in fast.INSTALLED}

    def mutate(op: ops.Op, factor: float) -> None:
        rule = op.derivative
        saved.append((op, rule))

        def changed(*args: Any) -> Any:
            got = rule(*args)
            return tuple(factor * d for d in got) if isinstance(got, tuple) else factor * got

        op.derivative = changed
        op.__dict__.pop("_readings", None)  # read it again on symbols
        fast.install()

    yield mutate
    for op, rule in reversed(saved):
        op.derivative = rule
        op.__dict__.pop("_readings", None)
    for name, method in methods.items():
        setattr(Value, name, method)


def readings(op: ops.Op, xs: tuple[float, ...]) -> dict[str, list[float] | str]:
    """The op's local derivatives at xs as backward, create_graph and forward mode give them,
    and its formula as the views print it."""
    wrt = [i for i in range(len(xs)) if i not in op.numbers_only]
    leaves = {i: Value(x, f"x{i}") for i, x in enumerate(xs) if i in wrt}
    args = [leaves.get(i, x) for i, x in enumerate(xs)]
    call = SYNTAX.get(op.name, op)
    out = call(*args)
    out.backward()
    backward = [leaves[i].grad for i in wrt]
    out2 = call(*[Value(x, f"x{i}") if i in wrt else x for i, x in enumerate(xs)])
    create_graph = [g.data for g in grad(out2, [p for p in out2.parents],
                                         create_graph=True, allow_unused=True)]
    forward = []
    for i in wrt:
        dual = call(*[Dual(x, float(k == i)) if k in wrt else x for k, x in enumerate(xs)])
        forward.append(dual.tangent)
    names = Names(out)
    formulas = " | ".join(str(edge_formula(out, k, names)) for k in range(len(out.parents)))
    return {"backward": backward, "create_graph": create_graph, "forward": forward,
            "formula": formulas}


@pytest.mark.parametrize("op", BUILTIN, ids=[o.name for o in BUILTIN])
@pytest.mark.parametrize("factor", [-1.0, 3.0])
def test_every_reading_of_a_rule_follows_the_rule(op: ops.Op, factor: float,
                                                  mutated: Callable[[ops.Op, float], None]
                                                  ) -> None:
    xs = point(op)
    before = readings(op, xs)
    mutated(op, factor)
    after = readings(op, xs)
    for reading in ("backward", "create_graph", "forward"):
        want = [factor * d for d in before[reading]]  # type: ignore[union-attr]
        assert after[reading] == pytest.approx(want, rel=1e-12), (op.name, reading)
    assert after["formula"] != before["formula"], (op.name, before["formula"])
    assert symbolic.derivatives(op, 4 if op.arity == ops.VARIADIC else 0) is not None


def test_the_reference_operators_are_the_generated_ones_restored() -> None:
    """After the mutations above, the operators are generated again from the real rules."""
    x, y = Value(2.0), Value(3.0)
    assert (x * y).partials == (3.0, 2.0) and (x - y).partials == (1.0, -1.0)
    assert set(fast.INSTALLED) <= set(vars(Value))
