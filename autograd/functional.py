"""Gradients as functions, and derivatives of derivatives.

`grad(output, inputs)` works like ``torch.autograd.grad``: it returns d output / d input for
each input and leaves every ``.grad`` alone. With ``create_graph=True`` the local derivatives
are rebuilt from the engine's own ops (the table `_RULES` below), so the gradients it returns
are Values with graphs of their own, which can be differentiated again, to any order.

`derivative(f)`, `gradient(f)` and `hessian(f, xs)` wrap this for functions of plain numbers.
The first-order `Value.backward()` does not use any of this: it multiplies the floats stored
at forward time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from .engine import Value, backward_order

__all__ = ["derivative", "grad", "gradient", "hessian"]

Number = Value | float


# d node / d parent for every op, written with the engine's ops so that the result is itself
# differentiable. `v` is the node; `p` its parents; `c` its plain-number operand (Value.constant);
# `d` its stored local derivatives. A plain float means "constant: its derivative is 0".
def _dot_rule(v: Value) -> tuple[Number, ...]:
    p, d = v.parents, list(v.local_grads)
    k = v._db  # Value-Value pairs come first: (w_1..w_k, x_1..x_k, ...), see engine.dot
    return (*p[k : 2 * k], *p[:k], *d[2 * k :])


def _pow_rule(v: Value) -> tuple[Number, ...]:
    if len(v.parents) == 1:  # x ** c
        (x,), c = v.parents, v.constant
        assert c is not None
        return (0.0 if c == 0.0 else c * x ** (c - 1.0),)
    a, b = v.parents  # a ** b
    da: Number = 0.0 if b.data == 0.0 else b * a ** (b - 1.0)
    return (da, v * a.log() if a.data > 0.0 else 0.0)


def _rpow_rule(v: Value) -> tuple[Number, ...]:
    c = v.constant
    assert c is not None
    return (v * math.log(c) if c > 0.0 else 0.0,)


def _same_floats(v: Value) -> tuple[Number, ...]:
    return v.local_grads  # ops whose local derivatives do not depend on the operands


def _mul_rule(v: Value) -> tuple[Number, ...]:
    if len(v.parents) == 1:
        return v.local_grads
    a, b = v.parents
    return (b, a)


def _div_rule(v: Value) -> tuple[Number, ...]:
    if len(v.parents) == 1:
        return v.local_grads
    _, b = v.parents
    return (1.0 / b, -v / b)


_RULES: dict[str, Callable[[Value], tuple[Number, ...]]] = {
    "+": _same_floats,
    "-": _same_floats,
    "rsub": _same_floats,
    "neg": _same_floats,
    "abs": _same_floats,
    "relu": _same_floats,
    "leaky_relu": _same_floats,
    "sum": _same_floats,
    "*": _mul_rule,
    "/": _div_rule,
    "rdiv": lambda v: (-v / v.parents[0],),
    "**": _pow_rule,
    "rpow": _rpow_rule,
    "exp": lambda v: (v,),
    "log": lambda v: (1.0 / v.parents[0],),
    "sigmoid": lambda v: (v * (1.0 - v),),
    "tanh": lambda v: (1.0 - v * v,),
    "dot": _dot_rule,
}


def grad(
    output: Value,
    inputs: Value | Sequence[Value],
    grad_output: float = 1.0,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> list[Value]:
    """d output / d input for each input, as a list of Values; no ``.grad`` is touched.

    ``create_graph=True``: the returned Values are built from the inputs by the engine's ops, so
    ``grad`` (or ``backward``) can be applied to them again. Otherwise they are leaves.
    An input that `output` does not depend on raises ValueError, or gets 0 with
    ``allow_unused=True`` (PyTorch would give None).
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, not {type(output).__name__}")
    wanted = [inputs] if isinstance(inputs, Value) else list(inputs)
    for x in wanted:
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs must be Values, not {type(x).__name__}")
    grads: dict[Value, Number] = {output: float(grad_output)}
    for v in backward_order(output, reset=False):
        g = grads.get(v)
        if g is None:
            continue
        local = _RULES[v.op](v) if create_graph else v.local_grads
        for p, d in zip(v.parents, local, strict=True):
            contribution = d * g
            grads[p] = grads[p] + contribution if p in grads else contribution
    result: list[Value] = []
    for i, x in enumerate(wanted):
        if x not in grads and not allow_unused:
            name = f" {x.label!r}" if x.label else ""
            raise ValueError(
                f"grad: input {i}{name} is not used to compute the output "
                "(pass allow_unused=True to get 0)"
            )
        g = grads.get(x, 0.0)
        result.append(g if isinstance(g, Value) and create_graph else Value(float(g)))
    return result


def derivative(f: Callable[[Value], Number]) -> Callable[[Number], Number]:
    """f' as a new function: ``derivative(f)(3.0)``. Composable: ``derivative(derivative(f))``.

    Called with a float it returns a float; called with a Value (as an outer `derivative`
    does) it returns a Value whose graph can be differentiated again.
    """

    def df(x: Number) -> Number:
        if isinstance(x, Value):
            y = f(x)
            if not isinstance(y, Value):
                return 0.0
            return grad(y, [x], create_graph=True, allow_unused=True)[0]
        xv = Value(float(x), "x")
        y = f(xv)
        if not isinstance(y, Value):
            return 0.0
        return grad(y, [xv], allow_unused=True)[0].data

    df.__name__ = f"d_{getattr(f, '__name__', 'f')}"
    return df


def gradient(f: Callable[..., Number]) -> Callable[..., list[float]]:
    """The gradient of a function of several numbers: ``gradient(f)(x, y) == [df/dx, df/dy]``."""

    def gf(*xs: float) -> list[float]:
        vs = [Value(float(x), f"x{i}") for i, x in enumerate(xs, 1)]
        y = f(*vs)
        if not isinstance(y, Value):
            return [0.0] * len(vs)
        return [g.data for g in grad(y, vs, allow_unused=True)]

    return gf


def hessian(f: Callable[..., Value], xs: Sequence[float]) -> list[list[float]]:
    """The matrix of second derivatives d2 f / dx_i dx_j at `xs`; ``f(*values) -> Value``.

    One `grad` with ``create_graph=True`` for the gradient, then one per row.
    """
    vs = [Value(float(x), f"x{i}") for i, x in enumerate(xs, 1)]
    first = grad(f(*vs), vs, create_graph=True, allow_unused=True)
    rows = []
    for g in first:
        if g.is_leaf:  # a constant partial derivative: its row is 0
            rows.append([0.0] * len(vs))
        else:
            rows.append([h.data for h in grad(g, vs, allow_unused=True)])
    return rows
