"""Where the own nn.MLP training step spends its time, next to the plain-float floor.

``python bench/nn_parts.py [BATCH]`` times, with the collector on unless said otherwise (median
CPU time of 15 interleaved repeats), on workload 2 of ``bench/run.py`` (2-16-16-1 relu MLP,
hinge + L2 loss, SGD):

- the whole step, with the collector on and off;
- its parts: the forward pass (building the graph), ``backward_order`` (the topological sort)
  and ``backward()`` (which includes that sort);
- the step of the same MLP without activation nodes (``activation='linear'``): a bound on what
  fusing each neuron's relu into its ``dot`` node could save;
- the plain-float floor.

It answers "how far can the step get towards the floor": the forward pass alone is compared
with the whole floor.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import run as bench  # noqa: E402  (bench/run.py: the workload and the floor)

import autograd  # noqa: E402
from autograd import nn, optim  # noqa: E402
from autograd.engine import backward_order  # noqa: E402

REPEATS = 15


def model_and_loss(activation: str, X: Any, Y: Any, W: Any, B: Any) -> tuple[
        list[autograd.Value], Callable[[], autograd.Value]]:
    model = nn.MLP(2, [16, 16, 1], activation=activation)
    params = model.parameters()
    bench.set_params(params, bench.flat_floats(W, B))

    def loss() -> autograd.Value:
        scores: list[Any] = [model(x) for x in X]
        return nn.hinge_loss(scores, Y) + bench.ALPHA * autograd.dot(params, params)

    return params, loss


def training_step(params: list[autograd.Value], loss: Callable[[], autograd.Value]) -> Callable[
        [], float]:
    opt = optim.SGD(params, lr=bench.LR)

    def step() -> float:
        opt.zero_grad()
        value = loss()
        value.backward()
        opt.step()
        return value.data

    return step


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1e3


def main(batch: int) -> None:
    X, Y = bench.moons(batch)
    W, B = bench.init_weights()
    fW, fB = bench.copy_weights(W, B)
    relu_params, relu_loss = model_and_loss("relu", X, Y, W, B)
    cases: dict[str, Callable[[], Any]] = {
        "nn.MLP step (relu)": training_step(relu_params, relu_loss),
        "nn.MLP step, no activation nodes": training_step(*model_and_loss("linear", X, Y, W, B)),
        "plain-float floor": lambda: bench.floor_step(fW, fB, X, Y),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    parts: dict[str, list[float]] = {"forward": [], "backward_order": [], "backward()": []}
    off: list[float] = []
    for _ in range(REPEATS):
        for name, case in cases.items():
            start = time.process_time()
            case()
            times[name].append(time.process_time() - start)
        start = time.process_time()
        root = relu_loss()
        parts["forward"].append(time.process_time() - start)
        start = time.process_time()
        backward_order(root)
        parts["backward_order"].append(time.process_time() - start)
        start = time.process_time()
        root.backward()
        parts["backward()"].append(time.process_time() - start)
        del root
        gc.disable()
        try:
            start = time.process_time()
            cases["nn.MLP step (relu)"]()
            off.append(time.process_time() - start)
        finally:
            gc.enable()
    floor = median_ms(times["plain-float floor"])
    print(f"batch {batch}, median CPU time of {REPEATS} repeats, collector on unless said")
    for name, t in times.items():
        print(f"  {name:36} {median_ms(t):7.2f} ms  {median_ms(t) / floor:5.2f}x the floor")
    print(f"  {'nn.MLP step (relu), collector off':36} {median_ms(off):7.2f} ms  "
          f"{median_ms(off) / floor:5.2f}x the floor")
    for name, t in parts.items():
        print(f"  part: {name:30} {median_ms(t):7.2f} ms  {median_ms(t) / floor:5.2f}x the floor")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
