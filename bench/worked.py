"""The two-layer sigmoid network worked by hand, four ways: one forward and backward pass each.

The network of `autograd.examples.two_layer_sigmoid`: inputs 0.10 and 0.20, a hidden layer of
two sigmoid neurons (w1..w4, b1), an output layer of two (w5..w8, b2), the squared error against
targets 0.85 and 0.30. Each way computes the error and its gradient with respect to the ten
parameters (eight weights, two biases), in the order of `PARAMS`:

- `floor`: plain floats, the backward pass written by hand (the floor of any engine);
- `eager`: the network on Values, then ``backward()``;
- `compiled`: the same function through ``autograd.compile`` (its code is the floor's, written
  by the engine);
- `tangent_ad`: plain floats differentiated by tangent-ad (source-to-source autodiff; optional),
  the gradient only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PARAMS = ("w1", "w2", "w3", "w4", "b1", "w5", "w6", "w7", "w8", "b2")
START = (0.05, 0.15, 0.10, 0.20, 0.35, 0.25, 0.35, 0.30, 0.40, 0.50)
I1, I2, T1, T2 = 0.10, 0.20, 0.85, 0.30

Gradients = tuple[float, list[float]]


def floor(p: list[float]) -> Gradients:
    """The error and its gradient in plain floats, backward by hand (the chain rule)."""
    from math import exp

    w1, w2, w3, w4, b1, w5, w6, w7, w8, b2 = p
    h1 = 1.0 / (1.0 + exp(-(w1 * I1 + w2 * I2 + b1)))
    h2 = 1.0 / (1.0 + exp(-(w3 * I1 + w4 * I2 + b1)))
    o1 = 1.0 / (1.0 + exp(-(w5 * h1 + w6 * h2 + b2)))
    o2 = 1.0 / (1.0 + exp(-(w7 * h1 + w8 * h2 + b2)))
    e = 0.5 * (T1 - o1) ** 2 + 0.5 * (T2 - o2) ** 2
    d1 = (o1 - T1) * o1 * (1.0 - o1)  # ∂E/∂l_o1
    d2 = (o2 - T2) * o2 * (1.0 - o2)  # ∂E/∂l_o2
    g1 = (d1 * w5 + d2 * w7) * h1 * (1.0 - h1)  # ∂E/∂l_h1
    g2 = (d1 * w6 + d2 * w8) * h2 * (1.0 - h2)  # ∂E/∂l_h2
    return e, [g1 * I1, g1 * I2, g2 * I1, g2 * I2, g1 + g2,
               d1 * h1, d1 * h2, d2 * h1, d2 * h2, d1 + d2]


def network(p: list[Any]) -> Any:
    """The error on Values (or anything with their arithmetic and `.sigmoid()`)."""
    w1, w2, w3, w4, b1, w5, w6, w7, w8, b2 = p
    h1 = (w1 * I1 + w2 * I2 + b1).sigmoid()
    h2 = (w3 * I1 + w4 * I2 + b1).sigmoid()
    o1 = (w5 * h1 + w6 * h2 + b2).sigmoid()
    o2 = (w7 * h1 + w8 * h2 + b2).sigmoid()
    return 0.5 * (T1 - o1) ** 2 + 0.5 * (T2 - o2) ** 2


def eager() -> Callable[[list[float]], Gradients]:
    import autograd

    def call(p: list[float]) -> Gradients:
        leaves = [autograd.Value(x) for x in p]
        out = network(leaves)
        out.backward()
        return out.data, [v.grad for v in leaves]

    return call


def compiled() -> Callable[[list[float]], Gradients]:
    """The compiled function itself (no wrapper: its call is what is timed); it returns
    ``(error, (gradients,))``, the gradients in the layout of its one argument."""
    import autograd

    f = autograd.compile(network)  # type: ignore[attr-defined, unused-ignore]
    f(list(START))  # the trace
    return f  # type: ignore[no-any-return]


def tangent_ad() -> Callable[[list[float]], list[float]]:
    """tangent-ad's gradient of the same network on floats (it differentiates numpy's exp). Its
    gradient function runs the forward pass too, but gives only the gradient (its option to
    keep the value fails on numpy scalars in 0.4.0), so this way returns the gradient alone."""
    import numpy as np
    import tangent as tg

    def error(w1: float, w2: float, w3: float, w4: float, b1: float,
              w5: float, w6: float, w7: float, w8: float, b2: float) -> float:
        h1 = 1.0 / (1.0 + np.exp(-(w1 * I1 + w2 * I2 + b1)))
        h2 = 1.0 / (1.0 + np.exp(-(w3 * I1 + w4 * I2 + b1)))
        o1 = 1.0 / (1.0 + np.exp(-(w5 * h1 + w6 * h2 + b2)))
        o2 = 1.0 / (1.0 + np.exp(-(w7 * h1 + w8 * h2 + b2)))
        return 0.5 * (T1 - o1) ** 2 + 0.5 * (T2 - o2) ** 2

    grad = tg.grad(error, wrt=tuple(range(len(PARAMS))))

    def call(p: list[float]) -> list[float]:
        return [float(g) for g in grad(*p)]

    return call
