"""The pictures of the documentation (docs/img): which graphs, drawn how. ``autograd svgs DIR``
and ``make svg`` write them with `write_gallery`; the README and docs/graphs.md show them.

It lives among the applications, not in `autograd.viz`: it builds its graphs with the examples
and `autograd.nn`, which the drawing code does not depend on.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

from .core import Value
from .examples import two_layer_sigmoid
from .nn import MLP, hinge_loss
from .viz import save_svg

__all__ = ["pictures", "write_gallery"]


def pictures() -> list[tuple[str, Value, dict[str, Any]]]:
    """(file name, root, `draw` options) of each picture, after backward:

    - ``two_layer.svg``: the two-layer sigmoid network worked by hand, every factor on its
      edge, top to bottom;
    - ``two_layer_w1.svg``: the same, with the two paths from E_total to w1 highlighted;
    - ``mlp.svg``: ``MLP(2, [3, 3, 1], activation='tanh')`` on two samples with the hinge loss,
      clustered by layer and neuron;
    - ``mlp_neurons.svg``: the same graph with ``collapse='neuron'``;
    - ``mlp_16x16_neurons.svg``: ``MLP(2, [16, 16, 1])`` (relu) on one sample with the hinge
      loss, ``collapse='neuron'``: 16 neurons a layer, in order, the two hidden layers joined
      by one edge ``16×16``;
    - ``mlp_16x16_layers.svg``: the same graph with ``collapse='layer'``.
    """
    net = two_layer_sigmoid()
    net.E_total.backward()
    roles: dict[str, Any] = {"params": net.parameters(), "inputs": [net.i1, net.i2]}
    made: list[tuple[str, Value, dict[str, Any]]] = [
        ("two_layer.svg", net.E_total, {"rankdir": "TB", **roles}),
        ("two_layer_w1.svg", net.E_total, {"rankdir": "TB", "highlight": net.w1, **roles}),
    ]

    model = MLP(2, [3, 3, 1], activation="tanh", seed=4)
    samples = [([0.5, -1.0], 1.0), ([-0.3, 0.8], -1.0)]
    xs = [[Value(x, f"s{s}.x{i}") for i, x in enumerate(row, 1)]
          for s, (row, _) in enumerate(samples, 1)]
    scores = [cast(Value, model(x)) for x in xs]  # one output: a Value
    loss = hinge_loss(scores, [y for _, y in samples])
    loss.label = "loss"
    loss.backward()
    inputs = [x for row in xs for x in row]
    made.append(("mlp.svg", loss, {"inputs": inputs}))
    made.append(("mlp_neurons.svg", loss, {"inputs": inputs, "collapse": "neuron"}))

    big = MLP(2, [16, 16, 1], activation="relu", seed=4)
    x = [Value(0.5, "x1"), Value(-1.0, "x2")]
    loss = hinge_loss(cast(Value, big(x)), 1.0)
    loss.label = "loss"
    loss.backward()
    for mode in ("neuron", "layer"):
        made.append((f"mlp_16x16_{mode}s.svg", loss, {"inputs": x, "collapse": mode}))
    return made


def write_gallery(outdir: str | os.PathLike[str]) -> list[Path]:
    """Write the `pictures` into `outdir` (created when missing) and return their paths."""
    out = Path(outdir)
    return [save_svg(root, out / name, **options) for name, root, options in pictures()]
