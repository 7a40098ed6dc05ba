"""``autograd demo``: the two-layer sigmoid network worked by hand, done by the engine step by
step; then a small network trained; then pictures of both and the step-through page."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .core import Value
from .examples import TwoLayerSigmoid, two_layer_sigmoid
from .files import check_target, write_atomic
from .inspect import backward_steps, explain, fmt
from .modes import no_grad

__all__ = ["ascii_map", "check_folder", "demo", "demo_page", "two_layer_page"]


def _title(text: str) -> None:
    print(f"\n== {text} ==\n")


def demo(out: Path) -> int:
    """``autograd demo``: the worked two-layer network's derivation as the engine does it, a
    small network trained, and the pictures written into `out`."""
    try:  # before any work: a path that cannot be a folder of pictures is refused now
        check_folder(out, "--out")
    except OSError as e:  # the message names --out, the option to change
        print(f"autograd demo: {e}", file=sys.stderr)
        return 2
    print("autograd demo: backpropagation on the two-layer sigmoid network worked by hand (2 "
          "inputs,\n2 hidden sigmoid neurons, 2 sigmoid outputs, squared error), computed by "
          "the engine, step by step.")
    net = two_layer_sigmoid()
    _demo_by_hand(net)
    score, sample = _demo_training()
    try:
        _demo_pictures(out, net, score, sample)
    except (OSError, RuntimeError) as e:  # a full disk, Graphviz failing or too slow
        print(f"autograd demo: cannot write the pictures into {out}: {e}", file=sys.stderr)
        return 1
    return 0


def check_folder(out: Path, option: str) -> None:
    """Refuse, with an OSError naming `option`, a path that cannot be the folder of the
    pictures: a file, or a place where no file can be written."""
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{option} {out}: a file of that name exists; the pictures need a "
                              "folder (give another name)")
    check_target(out / "two_layer.svg", option)


def _demo_by_hand(net: TwoLayerSigmoid) -> None:
    """Sections 1 to 4: forward, backward step by step, the chain rule, one update."""
    _title("1. Forward pass")
    for v in (net.l_h1, net.out_h1, net.l_h2, net.out_h2, net.l_o1, net.out_o1, net.l_o2,
              net.out_o2, net.E_o1, net.E_o2, net.E_total):
        print(f"{v.label:>8} = {fmt(v.data)}")
    _title("2. Backward pass, one node at a time: backward_steps(E_total)")
    print("Each step takes a node's gradient (upstream) and sends local × upstream to its "
          "parents;\nthe local derivative is shown with its rule. Unlabeled nodes are named by "
          "their op and a\nnumber (mul#3).\n")
    for step in backward_steps(net.E_total):
        print(step)
    _title("3. The chain rule, as the derivation by hand writes it: explain(E_total, w5), "
           "explain(E_total, w1)")
    print(explain(net.E_total, net.w5))
    print()
    print(explain(net.E_total, net.w1))
    _title("4. One step of gradient descent, learning rate η = 1: w⁺ = w - η ∂E/∂w")
    eta = 1.0
    print("As in the derivation by hand, the weights w1..w8 move and the biases b1, b2 stay.\n")
    for w in net.weights():
        print(f"{w.label:>3}⁺ = {fmt(w.data)} - {fmt(eta)} × ({fmt(w.grad)}) = "
              f"{fmt(w.data - eta * w.grad)}")
    stepped = two_layer_sigmoid(weights={w.label: w.data - eta * w.grad for w in net.weights()})
    print(f"\nE_total: {fmt(net.E_total.data)} -> {fmt(stepped.E_total.data)} after this one "
          "step: the outputs moved toward the targets.")
    print("\n(The derivation by hand rounds each intermediate result to 9 decimals before using "
          "it, so it\nwrites 0.209071672, -0.018375021 and w5⁺ = 0.268375021 where full precision "
          f"gives\n{net.out_o1.local_grads[0]:.10f}, {net.w5.grad:.10f} and "
          f"{net.w5.data - eta * net.w5.grad:.10f}.)")


def _demo_training() -> tuple[Value, list[Value]]:
    """Section 5: MLP(2, [8, 8, 1]) trained on two moons; the chain rule inside it."""
    from .data import make_moons
    from .nn import MLP
    from .optim import Adam
    from .train import accuracy, fit

    _title("5. A small network learns two moons: MLP(2, [8, 8, 1]), hinge loss, Adam")
    X, labels = make_moons(100, noise=0.1, seed=0)
    y = [2.0 * t - 1.0 for t in labels]  # the hinge loss wants -1 / +1
    model = MLP(2, [8, 8, 1], activation="relu", seed=0)
    history = fit(model, X, y, loss="hinge", optimizer=Adam(model.parameters(), lr=0.05),
                  epochs=100, progress=sys.stdout.isatty())
    print(f"loss {history[0]['loss']:.4f} in epoch 1 -> {history[-1]['loss']:.4f} in epoch "
          f"{len(history)}; the trained model classifies {accuracy(model, X, y):.0%} of the "
          f"{len(X)} training points right\n(the progress bar's acc is measured during each "
          "epoch, before its updates).\n")
    print("The plane as the model sees it: '·' where it says class 1, blank where it says "
          "class 0;\nthe training points drawn as 'o' (class 0) and 'x' (class 1).")
    print(ascii_map(model, X, labels))
    sample = [Value(X[0][0], "x1"), Value(X[0][1], "x2")]
    score = model(sample)
    assert isinstance(score, Value)  # one output
    score.label = "score"
    first_layer = model.layers[0].parameters()
    chain = next((e for e in (explain(score, p) for p in first_layer) if e.value != 0.0), None)
    if chain is not None:
        print(f"\nThe same chain rule inside the trained network, at the point "
              f"({fmt(X[0][0])}, {fmt(X[0][1])}):\nhow its score depends on the first-layer "
              f"weight {chain.wrt.label} (a relu that is off passes 0).\n")
        print(chain)
    model.zero_grad()  # the last batch's gradients: the picture shows d score / d w alone
    score.backward()
    return score, sample


def _demo_pictures(out: Path, net: TwoLayerSigmoid, score: Value, sample: list[Value]) -> None:
    """Section 6: SVG pictures (or DOT files without Graphviz) in `out`."""
    from .viz import GraphvizNotFoundError, draw, save_svg

    _title(f"6. Pictures of the graphs (SVG) in {out}")
    roles: dict[str, Any] = {"params": net.parameters(), "inputs": [net.i1, net.i2]}
    pictures: list[tuple[str, Value, dict[str, Any]]] = [
        ("two_layer.svg", net.E_total, roles),
        ("two_layer_w1.svg", net.E_total, {**roles, "highlight": net.w1}),
        ("mlp_neurons.svg", score, {"inputs": sample, "collapse": "neuron"}),
    ]
    for filename, root, options in pictures:
        try:
            save_svg(root, out / filename, **options)
            print(f"wrote {out / filename}")
        except GraphvizNotFoundError as e:
            dot_file = (out / filename).with_suffix(".dot")
            write_atomic(dot_file, draw(root, **options).source.encode("utf-8"),
                         what="--out", make_folders=True)
            print(f"wrote {dot_file} (no SVG: {e})")
    demo_page(out, net)
    print(f"\nOutput folder: {out.resolve()}")


def two_layer_page(out: Path, net: TwoLayerSigmoid) -> Path:
    """Write the step-through page of the two-layer network, ``out/two_layer.html``."""
    from .page import save_html

    return save_html(net.E_total, out / "two_layer.html", rankdir="TB",
                     params=net.parameters(), inputs=[net.i1, net.i2])


def demo_page(out: Path, net: TwoLayerSigmoid) -> None:
    """The step-through page of the two-layer network, next to the pictures."""
    from .viz import GraphvizNotFoundError

    try:
        two_layer_page(out, net)
    except GraphvizNotFoundError as e:
        print(f"no two_layer.html (the step-through page): {e}")
        return
    print(f"wrote {out / 'two_layer.html'} (open it in a browser: backpropagation step by "
          "step, with → and ←)")


def ascii_map(model: Callable[[list[float]], Any], X: Sequence[Sequence[float]],
               labels: Sequence[int], width: int = 60, height: int = 16) -> str:
    """The plane as text: the model's two regions (' ' and '·'), the points as 'o' and 'x'."""
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    x0, x1, y0, y1 = min(xs) - 0.2, max(xs) + 0.2, min(ys) - 0.2, max(ys) + 0.2
    cell = [[" "] * width for _ in range(height)]
    with no_grad():
        for r in range(height):
            for c in range(width):
                point = [x0 + (c + 0.5) * (x1 - x0) / width, y1 - (r + 0.5) * (y1 - y0) / height]
                cell[r][c] = "·" if model(point).data > 0 else " "
    for (px, py), t in zip(X, labels, strict=True):
        r = min(height - 1, int((y1 - py) / (y1 - y0) * height))
        c = min(width - 1, int((px - x0) / (x1 - x0) * width))
        cell[r][c] = "x" if t else "o"
    return "\n".join("|" + "".join(row) + "|" for row in cell)
