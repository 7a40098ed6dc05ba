"""Gradients as functions, and derivatives of derivatives.

`grad(output, inputs)` works like ``torch.autograd.grad``: it returns d output / d input for
each input and leaves every ``.grad`` alone. With ``create_graph=True`` the local derivatives
are rebuilt from each op's derivative rule in the registry (`autograd.ops`), evaluated on
Values (`autograd.engine.rule_locals`), so the gradients it returns are Values with graphs of
their own, which can be differentiated again, to any order.

`derivative(f)`, `gradient(f)` and `hessian(f, xs)` wrap this for functions of plain numbers.
The first-order `Value.backward()` does not use any of this: it multiplies the floats stored
at forward time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .engine import Value, backprop, rule_locals, topological

__all__ = ["derivative", "grad", "gradient", "hessian"]

Number = Value | float


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
    grads: dict[Value, Any] = {output: float(grad_output)}
    nodes = topological(output)
    order = [v for v in nodes if not v.is_leaf] + [v for v in nodes if v.is_leaf and v.hooks]
    for _ in backprop(order, grads, local=rule_locals if create_graph else None, hooks=True):
        pass
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


def _one_output(y: Any, where: str) -> Value | None:
    """The output of a function of one output: a Value, or None for a constant (a number)."""
    if isinstance(y, Value):
        return y
    if isinstance(y, (int, float)) and not isinstance(y, bool):
        return None
    if isinstance(y, (list, tuple)):
        raise TypeError(f"{where}: the function returned a {type(y).__name__} of {len(y)}; "
                        f"{where} needs a function of one output (use autograd.jacobian for "
                        "several outputs)")
    raise TypeError(f"{where}: the function must return a Value or a number, not "
                    f"{type(y).__name__}")


def derivative(f: Callable[[Value], Number]) -> Callable[[Number], Number]:
    """f' as a new function: ``derivative(f)(3.0)``. Composable: ``derivative(derivative(f))``.

    Called with a float it returns a float; called with a Value (as an outer `derivative`
    does) it returns a Value whose graph can be differentiated again. A function that
    returns a constant has derivative 0.
    """

    def df(x: Number) -> Number:
        if isinstance(x, Value):
            y = _one_output(f(x), "derivative")
            if y is None:
                return 0.0
            return grad(y, [x], create_graph=True, allow_unused=True)[0]
        xv = Value(x, "x")
        y = _one_output(f(xv), "derivative")
        if y is None:
            return 0.0
        return grad(y, [xv], allow_unused=True)[0].data

    df.__name__ = f"d_{getattr(f, '__name__', 'f')}"
    return df


def gradient(f: Callable[..., Number]) -> Callable[..., list[float]]:
    """The gradient of a function of several numbers: ``gradient(f)(x, y) == [df/dx, df/dy]``."""

    def gf(*xs: float) -> list[float]:
        vs = [Value(x, f"x{i}") for i, x in enumerate(xs, 1)]
        y = _one_output(f(*vs), "gradient")
        if y is None:
            return [0.0] * len(vs)
        return [g.data for g in grad(y, vs, allow_unused=True)]

    return gf


def hessian(f: Callable[..., Value], xs: Sequence[float]) -> list[list[float]]:
    """The matrix of second derivatives d2 f / dx_i dx_j at `xs`; ``f(*values) -> Value``.

    One `grad` with ``create_graph=True`` for the gradient, then one per row.
    """
    vs = [Value(x, f"x{i}") for i, x in enumerate(xs, 1)]
    y = _one_output(f(*vs), "hessian")
    if y is None:
        return [[0.0] * len(vs) for _ in vs]
    first = grad(y, vs, create_graph=True, allow_unused=True)
    rows = []
    for g in first:
        if g.is_leaf:  # a constant partial derivative: its row is 0
            rows.append([0.0] * len(vs))
        else:
            rows.append([h.data for h in grad(g, vs, allow_unused=True)])
    return rows
