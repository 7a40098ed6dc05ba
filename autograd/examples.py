"""Ready-made examples from the tutorials the project follows (see the README's References),
labeled the way the tutorials label them:

- `two_layer_sigmoid`: the 2-2-2 sigmoid network with inputs 0.10 and 0.20 that a tutorial
  backpropagates by hand, every quantity a labeled Value;
- `pigs_sold`: y = 5x₁² + 8x₂ + 35x₃ + 30, the partial derivatives example (∂y/∂x₃ = 35);
- `parabola`: f(x) = 2x² − 12x + 20, the gradient descent example (its minimum is 2, at x = 3).

`pigs_sold` and `parabola` are plain functions: they work on Values (building a graph) and on
numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from .core import Value

__all__ = ["WORKED_WEIGHTS", "TwoLayerSigmoid", "parabola", "pigs_sold", "two_layer_sigmoid"]

N = TypeVar("N", Value, float)


def pigs_sold(x1: N, x2: N, x3: N) -> N:
    """y = 5x₁² + 8x₂ + 35x₃ + 30: pigs a farmer sells, as a function of three causes (x₃: the
    employees). One variable at a time: ∂y/∂x₁ = 10x₁, ∂y/∂x₂ = 8, ∂y/∂x₃ = 35."""
    return 5 * x1**2 + 8 * x2 + 35 * x3 + 30


def parabola(x: N) -> N:
    """f(x) = 2x² − 12x + 20; f'(x) = 4x − 12 is 0 at x = 3, where f(3) = 2 is the minimum."""
    return 2 * x**2 - 12 * x + 20


@dataclass
class TwoLayerSigmoid:
    """The two-layer sigmoid network worked by hand, one labeled Value per quantity: inputs i1,
    i2; hidden layer l_h1, l_h2 (weighted sums) and out_h1, out_h2 (their sigmoids); output
    layer l_o1, l_o2 and out_o1, out_o2; errors E_o1, E_o2 and their sum E_total."""

    i1: Value
    i2: Value
    w1: Value
    w2: Value
    w3: Value
    w4: Value
    w5: Value
    w6: Value
    w7: Value
    w8: Value
    b1: Value
    b2: Value
    l_h1: Value
    l_h2: Value
    out_h1: Value
    out_h2: Value
    l_o1: Value
    l_o2: Value
    out_o1: Value
    out_o2: Value
    E_o1: Value
    E_o2: Value
    E_total: Value

    def weights(self) -> list[Value]:
        """w1..w8: the weights the worked example updates by gradient descent."""
        return [self.w1, self.w2, self.w3, self.w4, self.w5, self.w6, self.w7, self.w8]

    def parameters(self) -> list[Value]:
        """w1..w8, b1, b2: everything a framework would train (the biases too)."""
        return [*self.weights(), self.b1, self.b2]


WORKED_WEIGHTS: dict[str, float] = {
    "w1": 0.05, "w2": 0.15, "w3": 0.10, "w4": 0.20, "b1": 0.35,
    "w5": 0.25, "w6": 0.35, "w7": 0.30, "w8": 0.40, "b2": 0.50,
}
"""The weights and biases of the network worked by hand, by label."""


def two_layer_sigmoid(targets: tuple[float, float] = (0.85, 0.30), *,
                      weights: Mapping[str, float] | None = None) -> TwoLayerSigmoid:
    """Build the network: inputs 0.10, 0.20; w1..w4 = 0.05, 0.15, 0.10, 0.20, b1 = 0.35;
    w5..w8 = 0.25, 0.35, 0.30, 0.40, b2 = 0.50; sigmoid everywhere; E = sum of 1/2 (t - o)^2
    with targets 0.85 and 0.30.

    ``weights`` replaces some of them by label (``{"w5": 0.268375021}``): the same network
    after a step of gradient descent, say. Every op is written out (no fused nodes), so the
    graph shows each step of the derivation.
    """
    given = dict(weights or {})
    unknown = sorted(set(given) - set(WORKED_WEIGHTS))
    if unknown:
        raise ValueError(f"two_layer_sigmoid: no weight named {', '.join(unknown)}; the "
                         f"network's are {', '.join(WORKED_WEIGHTS)}")
    p = {k: Value(x, k) for k, x in {**WORKED_WEIGHTS, **given}.items()}
    i1, i2 = Value(0.10, "i1"), Value(0.20, "i2")
    w1, w2, w3, w4, w5, w6, w7, w8 = (p[f"w{k}"] for k in range(1, 9))
    b1, b2 = p["b1"], p["b2"]

    def named(v: Value, label: str) -> Value:
        v.label = label
        return v

    l_h1 = named(w1 * i1 + w2 * i2 + b1, "l_h1")
    l_h2 = named(w3 * i1 + w4 * i2 + b1, "l_h2")
    out_h1 = named(l_h1.sigmoid(), "out_h1")
    out_h2 = named(l_h2.sigmoid(), "out_h2")
    l_o1 = named(w5 * out_h1 + w6 * out_h2 + b2, "l_o1")
    l_o2 = named(w7 * out_h1 + w8 * out_h2 + b2, "l_o2")
    out_o1 = named(l_o1.sigmoid(), "out_o1")
    out_o2 = named(l_o2.sigmoid(), "out_o2")
    E_o1 = named(0.5 * (targets[0] - out_o1) ** 2, "E_o1")
    E_o2 = named(0.5 * (targets[1] - out_o2) ** 2, "E_o2")
    E_total = named(E_o1 + E_o2, "E_total")
    return TwoLayerSigmoid(i1, i2, w1, w2, w3, w4, w5, w6, w7, w8, b1, b2, l_h1, l_h2, out_h1,
                           out_h2, l_o1, l_o2, out_o1, out_o2, E_o1, E_o2, E_total)
