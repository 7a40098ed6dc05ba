"""autograd.viz: the graph drawn through Graphviz, checked on the SVG that `dot` writes."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import graphviz
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, dot, walk
from autograd.examples import two_layer_sigmoid
from autograd.nn import Parameter
from autograd.viz import (
    GraphTooLargeError,
    GraphvizNotFoundError,
    draw,
    op_text,
    save_svg,
)

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
RED = "#d62728"
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's `dot` program is not installed (apt-get install graphviz)",
)


# ---------------------------------------------------------------------------------------------
# Helpers: render, parse, look things up in the SVG.


def render(root: Value, **options: object) -> ET.Element:
    svg: bytes = draw(root, **options).pipe(format="svg")
    return ET.fromstring(svg)


def groups(svg: ET.Element, kind: str) -> list[ET.Element]:
    """Graphviz writes each node, edge and cluster as <g class="node|edge|cluster">."""
    return [g for g in svg.iter(f"{SVG}g") if g.get("class") == kind]


def texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in element.iter(f"{SVG}text")]


def node_with(svg: ET.Element, text: str) -> ET.Element:
    """The one node box that shows `text`."""
    found = [g for g in groups(svg, "node") if text in texts(g)]
    assert len(found) == 1, f"{len(found)} nodes show {text!r}"
    return found[0]


def fill(node: ET.Element) -> str | None:
    return node.find(f"{SVG}path").get("fill")  # type: ignore[union-attr]


def num(x: float) -> str:
    """A number as the pictures write it: 4 significant digits, a typographic minus."""
    return f"{x:.4g}".replace("-", "\u2212")


def red_edges(svg: ET.Element) -> list[ET.Element]:
    return [g for g in groups(svg, "edge") if g.find(f"{SVG}path").get("stroke") == RED]  # type: ignore[union-attr]


def network_after_backward() -> autograd.examples.TwoLayerSigmoid:
    net = two_layer_sigmoid()
    net.E_total.backward()
    return net


def mini_mlp(samples: list[list[float]], sizes: list[int], act: str = "tanh") -> tuple[
        Value, list[Value], list[Value]]:
    """An autograd.nn MLP with known weights (w = 0.1 (i + j + k) - 0.3, b = 0.05 j for layer i,
    neuron j, weight k; the last layer linear) on `samples` (inputs labeled s{s}.x{k}), the loss
    sum((out - 1)²) after backward. Returns (loss, params, inputs)."""
    from autograd.nn import MLP

    model = MLP(len(samples[0]), sizes, activation=act, seed=0)
    state = {}
    for i, layer in enumerate(model.layers, 1):
        state[f"L{i}.weight"] = [[0.1 * (i + j + k) - 0.3 for k in range(1, layer.nin + 1)]
                                 for j in range(1, layer.nout + 1)]
        state[f"L{i}.bias"] = [0.05 * j for j in range(1, layer.nout + 1)]
    model.load_state_dict(state)
    inputs: list[Value] = []
    outs = []
    for s, row in enumerate(samples, 1):
        x = [Value(v, f"s{s}.x{k}") for k, v in enumerate(row, 1)]
        inputs += x
        outs.append(model(x))
    loss = autograd.sum([(o - 1.0) ** 2 for o in outs])
    loss.label = "loss"
    loss.backward()
    return loss, model.parameters(), inputs


def cluster_members(source: str) -> list[tuple[str, tuple[str, ...]]]:
    """DOT source -> [(node title shown in bold, enclosing subgraph names, outermost first)]."""
    stack: list[str] = []
    where: list[tuple[str, tuple[str, ...]]] = []
    for line in source.splitlines():
        line = line.strip()
        if m := re.match(r"subgraph (\w+) \{", line):
            stack.append(m[1])
        elif line == "{":  # an anonymous subgraph (rank=same)
            stack.append("")
        elif line == "}":
            if stack:
                stack.pop()
        elif m := re.match(r"n\d+ \[label=<.*?<B>(.*?)</B>", line):
            where.append((m[1], tuple(name for name in stack if name)))
    return where


# ---------------------------------------------------------------------------------------------
# What the boxes and edges show.


def test_op_text_shows_the_plain_number_operand() -> None:
    x, y = Value(3.0, "x"), Value(4.0, "y")
    assert op_text(x + y) == "+"
    assert op_text(x * 0.5) == "* 0.5"
    assert op_text(0.5 * x) == "0.5 *"  # in call order, as written
    assert op_text(0.85 - x) == "0.85 -"
    assert op_text(x - 1) == "- 1"
    assert op_text(x**2) == "** 2"
    assert op_text(2**x) == "2 **"
    assert op_text(2 / x) == "2 /"
    assert op_text(x / 4) == "/ 4"
    assert op_text(x.leaky_relu(0.1)) == "leaky_relu(·, 0.1)"
    assert op_text(autograd.math.atan2(2.0, x)) == "atan2(2, ·)"
    assert op_text(-x) == "neg"
    assert op_text(x.sigmoid()) == "sigmoid"
    assert op_text(dot([x], [y])) == "dot"


def test_draw_returns_a_graphviz_digraph_whose_source_names_every_node() -> None:
    net = network_after_backward()
    g = draw(net.E_total)
    assert isinstance(g, graphviz.Digraph)
    assert g.source.startswith("digraph autograd {")
    n_nodes = len(re.findall(r"^\s*n\d+ \[", g.source, re.M))
    assert n_nodes == len(walk(net.E_total)) == 39


@needs_dot
def test_two_layer_svg_has_one_box_per_value_and_one_edge_per_operand() -> None:
    net = network_after_backward()
    svg = render(net.E_total)
    nodes = walk(net.E_total)
    assert len(groups(svg, "node")) == len(nodes) == 39
    assert len(groups(svg, "edge")) == sum(len(v.parents) for v in nodes) == 44


@needs_dot
def test_two_layer_svg_shows_labels_data_grads_ops_and_factors() -> None:
    net = network_after_backward()
    svg = render(net.E_total, params=net.weights(), inputs=[net.i1, net.i2])
    every_text = texts(svg)
    for name in ("i1", "i2", *(f"w{k}" for k in range(1, 9)), "b1", "b2", "l_h1", "l_h2",
                 "out_h1", "out_h2", "l_o1", "l_o2", "out_o1", "out_o2", "E_o1", "E_o2",
                 "E_total"):
        assert name in every_text
    # The seed's numbers, to the 4 significant digits the boxes show.
    assert "0.5951" in texts(node_with(svg, "out_h1"))  # out_h1 = 0.595078474
    assert "0.7023" in texts(node_with(svg, "out_o1"))  # out_o1 = 0.702307507
    assert "0.09687" in texts(node_with(svg, "E_total"))  # E_total = 0.096867268
    assert "\u22120.01838" in texts(node_with(svg, "w5"))  # dE/dw5 = -0.018375021
    assert "0.0004252" in texts(node_with(svg, "w1"))  # dE/dw1 = 0.000425237
    # Op badges, with the plain numbers of E = 1/2 (t - o)^2.
    for op in ("+", "*", "sigmoid", "0.85 -", "0.3 -", "** 2", "0.5 *"):
        assert op in every_text
    assert texts(node_with(svg, "out_o1"))[:2] == ["out_o1", "sigmoid"]
    # Edge factors: d out_h1 / d l_h1 = 0.240960084, d (w5 * out_h1) / d w5 = out_h1.
    edge_texts = [t for g in groups(svg, "edge") for t in texts(g)]
    assert "×0.241" in edge_texts
    assert "×0.5951" in edge_texts
    assert len(edge_texts) == 44


@needs_dot
def test_leaf_roles_and_root_are_told_apart() -> None:
    net = network_after_backward()
    svg = render(net.E_total, params=net.weights(), inputs=[net.i1])
    assert fill(node_with(svg, "w1")) == "#fdd9a8"  # parameter
    assert "param" in texts(node_with(svg, "w1"))
    assert fill(node_with(svg, "i1")) == "#cfe3fb"  # input
    assert "input" in texts(node_with(svg, "i1"))
    assert fill(node_with(svg, "i2")) == "#e6e6e6"  # a leaf nobody described
    assert "leaf" in texts(node_with(svg, "i2"))
    root = node_with(svg, "E_total")
    assert len(root.findall(f"{SVG}path")) == 2  # double border
    assert len(node_with(svg, "E_o1").findall(f"{SVG}path")) == 1
    # A leaf with an owner is a parameter without params=; a label is only text.
    w = Parameter(0.5, "L1.N2.w3", owner="a model")
    assert fill(node_with(render(w * 2.0, clusters=False), "L1.N2.w3")) == "#fdd9a8"
    assert fill(node_with(render(Value(0.5, "L1.N2.w3") * 2.0), "L1.N2.w3")) == "#e6e6e6"
    from autograd.nn import Layer

    in_a_model = Layer(3, 2).neurons[1].w[2]  # layer 1, neuron 2, weight 3
    svg = render(in_a_model * 2.0)
    assert fill(node_with(svg, "w3")) == "#fdd9a8"  # in the cluster of layer 1 / neuron 2
    assert "layer 1 / neuron 2 (L1.N2)" in texts(svg)


@needs_dot
def test_edge_labels_default_on_for_small_graphs_and_can_be_switched() -> None:
    x = Value(2.0, "x")
    small = x * 3.0 + x
    assert len(texts(groups(render(small), "edge")[0])) == 1
    assert all(not texts(g) for g in groups(render(small, edge_labels=False), "edge"))
    big = x
    for _ in range(31):  # 63 boxes, 62 edges: too many for labels by default
        big = (big * 1.01).tanh()
    assert all(not texts(g) for g in groups(render(big, legend=False), "edge"))
    labeled = groups(render(big, edge_labels=True), "edge")
    assert len(labeled) == 62
    assert all(len(texts(g)) == 1 and texts(g)[0].startswith("×") for g in labeled)


def test_draw_leaves_the_gradients_alone() -> None:
    net = network_after_backward()
    before = [(v.data, v.grad) for v in walk(net.E_total)]
    draw(net.E_total, highlight=net.w1)
    draw(net.E_total, collapse="neuron")
    assert [(v.data, v.grad) for v in walk(net.E_total)] == before


# ---------------------------------------------------------------------------------------------
# Hostile labels stay text.

HOSTILE = [
    '"] ; x [label="pwn',
    "<script>alert(1)</script>",
    "a\\",
    "\\\"",
    "&amp; &lt;b&gt; <B>bold</B>",
    "]]> <!-- -->",
    "'single' \"double\"",
    "</TD></TR></TABLE>>",
]


@needs_dot
@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_appear_as_literal_text(label: str) -> None:
    x = Value(1.0, label)
    y = Value(2.0, "y")
    root = x * y
    source = draw(root).source
    assert len(re.findall(r"^\s*n\d+ \[", source, re.M)) == 3
    assert source.count("->") == 2
    svg = render(root)
    assert len(groups(svg, "node")) == 3
    assert len(groups(svg, "edge")) == 2
    assert not [e for e in svg.iter() if e.tag.rsplit("}", 1)[-1] in ("script", "B", "TD")]
    assert label in texts(svg)


@needs_dot
def test_control_characters_are_shown_escaped_and_long_labels_cut() -> None:
    root = Value(1.0, "a\nb\x00c") + Value(2.0, "x" * 100)
    svg = render(root)  # parses: no raw control characters in the XML
    assert "a\\nb\\x00c" in texts(svg)
    assert "x" * 59 + "…" in texts(svg)


@needs_dot
@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_any_label_is_text_in_the_svg(label: str) -> None:
    root = Value(1.0, label) * Value(2.0, "y")
    svg = render(root, legend=False)
    assert len(groups(svg, "node")) == 3
    assert not [e for e in svg.iter() if e.tag.rsplit("}", 1)[-1] == "script"]
    shown = label if label.isprintable() else None
    if shown and shown == " ".join(shown.split()):  # Graphviz trims and squeezes spaces
        assert shown in texts(svg)


@needs_dot
@pytest.mark.parametrize("label", ["]", "]]", "[", "[x]", "]x", "a]"])
def test_brackets_in_a_label_render(label: str) -> None:
    # Graphviz 2.43 fails with "syntax error" on an HTML-like label that starts with ]
    root = Value(1.0, label) * Value(2.0, "y")
    assert label in texts(render(root, legend=False))


# ---------------------------------------------------------------------------------------------
# highlight=


@needs_dot
def test_highlight_marks_the_paths_to_w1_with_their_factors() -> None:
    net = network_after_backward()
    svg = render(net.E_total, highlight=net.w1)
    red = red_edges(svg)
    # w1 -> w1*i1 -> + -> l_h1 -> out_h1, then two branches of 8 edges to E_total.
    assert len(red) == 4 + 2 * 8
    factors = [t for g in red for t in texts(g)]
    assert len(factors) == len(red)
    for f in ("×0.1", "×0.241", "×0.25", "×0.3", "×0.2091", "×0.2039", "×\u22121", "×0.5"):
        assert f in factors
    # The boxes on the paths have red borders; the others do not.
    on_path = ("w1", "l_h1", "out_h1", "out_o1", "out_o2", "E_total")
    for name in on_path:
        assert node_with(svg, name).find(f"{SVG}path").get("stroke") == RED  # type: ignore[union-attr]
    for name in ("w2", "i2", "l_h2", "out_h2", "b1", "w5"):
        assert node_with(svg, name).find(f"{SVG}path").get("stroke") != RED  # type: ignore[union-attr]
    caption = " ".join(texts(svg))
    assert "the 2 paths from E_total to w1" in caption
    assert "∂E_total / ∂w1 = 0.0004252" in caption  # the seed: 0.000425237


def test_highlight_factors_are_the_ones_explain_multiplies() -> None:
    from autograd.inspect import explain

    net = network_after_backward()
    why = explain(net.E_total, net.w1, fold=False)
    assert why.n_paths == 2
    source = draw(net.E_total, highlight=net.w1).source
    red = set(re.findall(r'label=<<B>(×[^<]*)</B>>', source))
    assert red == {f"×{num(f)}" for path in why.paths for f in path.factors}
    assert f"= {num(why.value)}" in source


def test_highlight_must_be_in_the_graph() -> None:
    net = two_layer_sigmoid()
    with pytest.raises(ValueError, match="'stray' is not in the graph"):
        draw(net.E_total, highlight=Value(1.0, "stray"))
    with pytest.raises(TypeError, match="highlight must be a Value"):
        draw(net.E_total, highlight="w1")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# nn modules: clusters and collapse='neuron'.


@needs_dot
def test_nn_values_are_clustered_by_layer_and_neuron() -> None:
    loss, params, inputs = mini_mlp([[0.5, -1.0]], [3, 2, 1])
    g = draw(loss, inputs=inputs)
    members = cluster_members(g.source)
    assert ("s1.x1", ()) in members
    assert ("loss", ()) in members
    # Inside a neuron's cluster the boxes show the short names w1, b, z, out.
    assert ("w1", ("cluster_L1", "cluster_L1_N1")) in members
    assert ("z", ("cluster_L2", "cluster_L2_N2")) in members
    svg = ET.fromstring(g.pipe(format="svg"))
    clusters = groups(svg, "cluster")
    assert len(clusters) == 3 + (3 + 2 + 1)
    titles = {c.findtext(f"{SVG}title") for c in clusters}
    assert titles == {"cluster_L1", "cluster_L2", "cluster_L3", "cluster_L1_N1", "cluster_L1_N2",
                      "cluster_L1_N3", "cluster_L2_N1", "cluster_L2_N2", "cluster_L3_N1"}
    assert "layer 1 / neuron 3 (L1.N3)" in texts(svg)
    assert "layer 2" in texts(svg)
    # Every Value is still drawn once.
    assert len(groups(svg, "node")) == len(walk(loss))
    # Each cluster holds its neuron's parameters, z and out: 3 + 1 + 1 for layer 1.
    in_l1n1 = [name for name, stack in members if stack[-1:] == ("cluster_L1_N1",)]
    assert sorted(in_l1n1) == ["b", "out", "w1", "w2", "z"]
    flat = cluster_members(draw(loss, clusters=False).source)
    assert ("L1.N1.b", ()) in flat
    assert all(stack == () for _, stack in flat)


@needs_dot
def test_collapse_neuron_draws_one_box_per_neuron_call() -> None:
    loss, params, inputs = mini_mlp([[0.5, -1.0], [0.2, 0.4]], [3, 1])
    svg = render(loss, inputs=inputs, collapse="neuron", edge_labels=True)
    names = [t for g in groups(svg, "node") for t in texts(g)[:1]]
    assert names.count("layer 1 / neuron 2") == 2  # one per sample
    assert names.count("layer 2 / neuron 1") == 2
    assert not [n for n in names if n.startswith("L1.")]  # parameters and z folded in
    calls = 2 * (3 + 1)
    loss_boxes = 2 * 2 + 1  # (o - 1), ** 2 per sample; the sum
    assert len(groups(svg, "node")) == len(inputs) + calls + loss_boxes
    assert len(groups(svg, "edge")) == 2 * (3 * 2 + 3) + 2 * 2 + 2
    assert "w1, w2, b folded in" in texts(svg)  # what a box folds in, by name
    assert "w1, w2, w3, b folded in" in texts(svg)
    # The edge from s1.x1 into layer 1 / neuron 1 carries d out / d x1 = tanh'(z) * w1: the
    # box lists it in a row where that edge ends (not on the edge, where edges cross).
    w1 = params[0]
    out = next(v for v in walk(loss) if v.label == "L1.N1.out" and v.parents[0].parents[2]
               is inputs[0])
    factor = f"×{num((1.0 - out.data**2) * w1.data)}"
    assert factor not in [t for g in groups(svg, "edge") for t in texts(g)]
    box = draw(loss, inputs=inputs, collapse="neuron").node_ids[out]
    (neuron,) = [g for g in groups(svg, "node") if g.get("id") == box]
    row = texts(neuron).index("s1.x1")
    assert texts(neuron)[row + 1] == factor
    assert "in a neuron's box, each row ×f" in " ".join(texts(svg))
    # The collapsed layer boxes sit in layer clusters.
    assert {c.findtext(f"{SVG}title") for c in groups(svg, "cluster")} == {"cluster_L1",
                                                                           "cluster_L2"}


def test_collapse_keeps_a_parameter_that_is_also_used_outside_its_neuron() -> None:
    loss, params, inputs = mini_mlp([[0.5, -1.0]], [2, 1])
    reg = loss + 0.01 * params[0] ** 2  # L2 penalty on L1.N1.w1
    members = cluster_members(draw(reg, collapse="neuron").source)
    assert ("w1", ("cluster_L1", "cluster_L1_N1")) in members
    assert not [name for name, _ in members if name == "w2"]


def test_collapse_is_checked() -> None:
    for wrong in ("layers", "Neuron", True, ["neuron"]):
        with pytest.raises(ValueError, match=r"collapse must be None \(every node\), 'neuron' "
                           r"\(one box per neuron call\) or 'layer' \(one box per layer call\), "
                           f"not {re.escape(repr(wrong))}"):
            draw(Value(1.0), collapse=wrong)  # type: ignore[arg-type]


@needs_dot
def test_with_autograd_nn_when_it_is_there() -> None:
    nn = pytest.importorskip("autograd.nn")
    model = nn.MLP(2, [3, 3, 1], activation="tanh", seed=0)
    xs = [Value(0.5, "x1"), Value(-1.0, "x2")]
    loss = nn.mse_loss(model(xs), 1.0)
    loss.backward()
    svg = render(loss, inputs=xs)
    assert len(groups(svg, "node")) == len(walk(loss))
    assert len(groups(svg, "cluster")) == 3 + 7
    folded = render(loss, inputs=xs, collapse="neuron")
    assert len(groups(folded, "node")) == len(walk(loss)) - len(model.parameters()) - 6


# ---------------------------------------------------------------------------------------------
# The size guard.


def chain(n: int) -> Value:
    v = Value(1.0, "x0")
    for _ in range(n - 1):
        v = v * 1.0
    return v


def test_size_guard_says_how_many_nodes_and_what_to_do() -> None:
    with pytest.raises(GraphTooLargeError, match=r"30 value nodes, more than max_nodes=10") as e:
        draw(chain(30), max_nodes=10)
    assert isinstance(e.value, ValueError)
    assert "max_nodes=30" in str(e.value)
    loss, _, _ = mini_mlp([[0.5, -1.0]] * 4, [4, 4, 1])
    n = len(walk(loss))
    with pytest.raises(GraphTooLargeError, match=f"has {n} value nodes") as e:
        draw(loss, max_nodes=50)
    assert "collapse='neuron'" in str(e.value)
    collapsed = len(re.findall(r"^\s*n\d+ \[", draw(loss, collapse="neuron").source, re.M))
    assert f"({collapsed} boxes)" in str(e.value)
    assert "the graph of 'loss' has" in str(e.value)
    with pytest.raises(GraphTooLargeError, match=f"collapse='neuron' still draws {collapsed} "):
        draw(loss, collapse="neuron", max_nodes=10)
    assert len(re.findall(r"^\s*n\d+ \[", draw(loss, max_nodes=n).source, re.M)) == n


def test_size_guard_default_stops_a_deep_graph_before_graphviz() -> None:
    with pytest.raises(GraphTooLargeError, match="the graph has 20000 value nodes"):
        draw(chain(20_000))  # no RecursionError either: the walk is iterative
    with pytest.raises(ValueError, match="max_nodes must be a positive int"):
        draw(chain(2), max_nodes=0)


# ---------------------------------------------------------------------------------------------
# Files, and life without Graphviz.


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PATH", "")
    yield


def check_install_hint(message: str) -> None:
    assert "apt-get install graphviz" in message
    assert "brew install graphviz" in message
    assert "https://graphviz.org/download/" in message


def test_without_dot_source_works_and_rendering_says_how_to_install(no_dot: None,
                                                                      tmp_path: Path) -> None:
    g = draw(two_layer_sigmoid().E_total)
    assert "E_total" in g.source
    with pytest.raises(GraphvizNotFoundError) as e:
        g.pipe(format="svg")
    assert isinstance(e.value, RuntimeError)
    check_install_hint(str(e.value))
    with pytest.raises(GraphvizNotFoundError):
        g.render(tmp_path / "g", format="svg")
    with pytest.raises(GraphvizNotFoundError):  # what Jupyter calls to show it inline
        g._repr_mimebundle_()


@needs_dot
def test_save_svg_writes_atomically_and_creates_folders(tmp_path: Path) -> None:
    net = network_after_backward()
    target = tmp_path / "a" / "b" / "net.svg"
    path = save_svg(net.E_total, target, highlight=net.w1)
    assert path == target
    svg = ET.parse(path).getroot()
    assert len(groups(svg, "node")) == 39
    assert len(red_edges(svg)) == 20
    assert os.listdir(target.parent) == ["net.svg"]
    assert target.stat().st_mode & 0o777 == 0o644
    save_svg(net.E_total, str(target))  # overwrite, str path
    assert not red_edges(ET.parse(target).getroot())
    assert os.listdir(target.parent) == ["net.svg"]


def test_save_svg_failing_render_leaves_the_old_file(no_dot: None, tmp_path: Path) -> None:
    target = tmp_path / "net.svg"
    target.write_text("old")
    with pytest.raises(GraphvizNotFoundError) as e:
        save_svg(two_layer_sigmoid().E_total, target)
    check_install_hint(str(e.value))
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["net.svg"]


@needs_dot
def test_save_svg_failing_rename_leaves_no_temporary_file(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    target = tmp_path / "net.svg"
    target.write_text("old")

    def broken(src: str, dst: str) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk on fire"):
        save_svg(Value(1.0, "x") * 2.0, target)
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["net.svg"]


@needs_dot
def test_write_gallery_writes_the_committed_pictures(tmp_path: Path) -> None:
    from autograd.gallery import write_gallery  # the pictures' graphs are apps' (nn, examples)

    paths = write_gallery(tmp_path)
    assert [p.name for p in paths] == ["two_layer.svg", "two_layer_w1.svg", "mlp.svg",
                                       "mlp_neurons.svg", "mlp_16x16_neurons.svg",
                                       "mlp_16x16_layers.svg"]
    seed, seed_w1, mlp, neurons, big, layers = (ET.parse(p).getroot() for p in paths)
    assert len(groups(seed, "node")) == 39
    assert len(red_edges(seed_w1)) == 20
    assert "layer 2 / neuron 3 (L2.N3)" in texts(mlp)
    assert "layer 2 / neuron 3" in texts(neurons)
    assert top_to_bottom(big, "node", 2) == list(range(1, 17))
    assert "16×16" in texts(big)
    assert float(big.get("height", "0pt")[:-2]) < 2500  # pt; every node drawn: 30,000
    assert [t for g in groups(layers, "node") for t in texts(g) if "→" in t] == [
        "2 → 16", "16 → 16", "16 → 1"]
    committed = ROOT / "docs" / "img"
    if committed.is_dir():  # the committed copies are the gallery's files
        assert {p.name for p in committed.glob("*.svg")} >= {p.name for p in paths}


def test_import_autograd_does_not_import_graphviz() -> None:
    code = "import sys, autograd; assert 'graphviz' not in sys.modules, 'graphviz imported'"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_public_names() -> None:
    assert autograd.draw is draw
    assert autograd.save_svg is save_svg


@needs_dot
def test_dense_collapsed_layers_are_joined_by_one_labelled_edge() -> None:
    """16×16 neuron boxes: one thick edge "16×16" between the layers' frames instead of 256
    crossing edges; up to 12 edges (3×4), or a layer of one or two neurons, are drawn one by
    one, with their factors."""
    loss, inputs = mlp_graph([16, 16, 1])
    g = draw(loss, inputs=inputs, collapse="neuron")
    svg = ET.fromstring(g.pipe(format="svg"))
    layer = {n.get("id"): int(m[1]) for n in groups(svg, "node")
             if (m := re.match(r"layer (\d) / neuron", texts(n)[0]))}
    between = [e for e in groups(svg, "edge")
               if [layer.get(end) for end in (e.get("id") or "").split("-")[-2:]] == [1, 2]]
    (bundle,) = between
    assert (bundle.get("id") or "").startswith("bundle-")
    assert texts(bundle) == ["16×16"]
    assert float(bundle.find(f"{SVG}path").get("stroke-width", "1")) >= 4  # type: ignore[union-attr]
    assert len(groups(svg, "edge")) == 2 * 16 + 1 + 16 + 3
    assert len(g.bundles[bundle.get("id")]) == 256  # the edges it stands for, by box ids
    assert "thick edge a×b from one layer to the next" in " ".join(texts(svg))
    assert "compound=true" in g.source and "lhead=cluster_L2" in g.source
    # Bundled or not, the neuron boxes keep their order (test_collapsed_neurons_...).
    assert top_to_bottom(svg, "node", 2) == list(range(1, 17))
    # 3×4 = 12 edges, and 16 into one output: drawn one by one, each with its factor.
    small, inputs = mlp_graph([3, 4, 1])
    svg = render(small, inputs=inputs, collapse="neuron")
    assert not [e for e in groups(svg, "edge") if "bundle" in (e.get("id") or "")]
    assert len(groups(svg, "edge")) == 2 * 3 + 12 + 4 + 3
    # Each factor is written in the row of the neuron's box where its edge ends, or on the
    # edges into the loss nodes, which list nothing.
    labelled = [e for e in groups(svg, "edge") if texts(e)]
    assert all(texts(e)[0].startswith("×") for e in labelled) and len(labelled) == 3
    rows = [t for g in groups(svg, "node") if texts(g)[0].startswith("layer")
            for t in texts(g) if t.startswith("×")]
    assert len(rows) == 2 * 3 + 12 + 4
    four, inputs = mlp_graph([4, 4, 2, 1])
    svg = render(four, inputs=inputs, collapse="neuron")
    assert [texts(e) for e in groups(svg, "edge") if "bundle" in (e.get("id") or "")] == [
        ["4×4"]]  # 4×2 = 8 edges, 2×1: one by one


@needs_dot
def test_bundles_in_highlights_and_without_clusters() -> None:
    loss, inputs = mlp_graph([16, 16, 1])
    svg = render(loss, inputs=inputs, collapse="neuron", highlight=inputs[0])
    (bundle,) = [e for e in groups(svg, "edge") if "bundle" in (e.get("id") or "")]
    assert bundle.find(f"{SVG}path").get("stroke") == RED  # type: ignore[union-attr]
    # Without clusters, the bundle joins two invisible frames, and the neurons keep their order.
    flat = ET.fromstring(draw(loss, inputs=inputs, collapse="neuron",
                              clusters=False).pipe(format="svg"))
    (bundle,) = [e for e in groups(flat, "edge") if "bundle" in (e.get("id") or "")]
    assert texts(bundle) == ["16×16"]
    assert not [t for c in groups(flat, "cluster") for t in texts(c)]  # no frame, no title
    assert all(p.get("stroke") in (None, "none", "transparent")
               for c in groups(flat, "cluster") for p in c.iter(f"{SVG}path"))
    assert top_to_bottom(flat, "node", 1) == top_to_bottom(flat, "node", 2) == list(range(1, 17))
    layers = draw(loss, inputs=inputs, collapse="layer")
    assert "bundle" not in layers.source and "concentrate" not in layers.source


# ---------------------------------------------------------------------------------------------
# Numbers and edge labels in pictures.


def bezier_points(d: str, steps: int = 200) -> list[tuple[float, float]]:
    """Points along a Graphviz edge path ``M x,y C x,y x,y x,y ...`` (cubic Bézier pieces)."""
    xy = [(float(a), float(b)) for a, b in re.findall(r"(-?[\d.]+),(-?[\d.]+)", d)]
    points = []
    for i in range(0, len(xy) - 3, 3):
        p0, p1, p2, p3 = xy[i:i + 4]
        for k in range(steps + 1):
            t = k / steps
            points.append(tuple(
                (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t ** 2 * c + t ** 3 * e
                for a, b, c, e in zip(p0, p1, p2, p3, strict=True)))
    return points  # type: ignore[return-value]


@needs_dot
def test_pictures_write_negative_numbers_with_a_typographic_minus() -> None:
    x = Value(-0.5446, "x")
    y = x * -2.0 - 3.0
    y.backward()
    svg = render(y, edge_labels=True)
    every_text = texts(svg)
    assert "\u22120.5446" in every_text  # x's data
    assert "* \u22122" in every_text  # the badge's plain number
    assert "\u22121.911" in every_text  # y = 1.0892 - 3
    assert "×\u22122" in [t for g in groups(svg, "edge") for t in texts(g)]  # d(x * -2) / dx
    assert not [t for t in every_text if re.search(r"-\d", t)]  # no hyphen before a digit
    assert "- 3" in every_text  # an op's symbol stays as Python writes it
    from autograd.inspect import fmt

    assert fmt(-0.5) == "-0.5"  # the text views keep the ASCII hyphen


@needs_dot
def test_each_edge_label_is_tied_to_its_own_edge() -> None:
    loss, _, inputs = mini_mlp([[0.5, -1.0]], [3, 3, 1], act="relu")
    svg = render(loss, inputs=inputs, edge_labels=True)
    labelled = [g for g in groups(svg, "edge") if texts(g)]
    assert len(labelled) == len(groups(svg, "edge")) > 40
    for g in labelled:
        path = g.find(f"{SVG}path")
        line = g.find(f"{SVG}polyline")  # the underline and the tie to the edge
        assert path is not None and line is not None
        xy = [tuple(map(float, p.split(","))) for p in (line.get("points") or "").split()]
        end = xy[-1]
        nearest = min(math.dist(end, p) for p in bezier_points(path.get("d") or ""))
        assert nearest < 2.0, f"the label of {g.get('id')} is tied {nearest:.1f} pt off its edge"


# ---------------------------------------------------------------------------------------------
# Neurons in index order, top to bottom.


def mlp_graph(sizes: list[int], samples: int = 1, act: str = "relu") -> tuple[Value, list[Value]]:
    """A 2-input autograd.nn MLP on `samples` samples with the hinge loss, after backward."""
    from autograd.nn import MLP, hinge_loss

    model = MLP(2, sizes, activation=act, seed=1)
    xs = [[Value(0.48 - 0.3 * s, f"s{s}.x1"), Value(-0.01 + 0.2 * s, f"s{s}.x2")]
          for s in range(1, samples + 1)]
    loss = hinge_loss([model(x) for x in xs], [(-1.0) ** s for s in range(samples)])
    loss.label = "loss"
    loss.backward()
    return loss, [v for x in xs for v in x]


def top_to_bottom(svg: ET.Element, kind: str, layer: int) -> list[int]:
    """The neuron numbers of the boxes (kind 'node') or clusters titled "layer i / neuron j"
    of one layer, read from top to bottom (the y of their title)."""
    found = []
    for g in groups(svg, kind):
        title = g.find(f"{SVG}text")
        if title is None:
            continue
        m = re.fullmatch(rf"layer {layer} / neuron (\d+)( \(.*\))?", "".join(title.itertext()))
        if m:
            found.append((float(title.get("y", "0")), int(m[1])))
    return [j for _, j in sorted(found)]


@needs_dot
def test_collapsed_neurons_come_in_index_order() -> None:
    loss, inputs = mlp_graph([16, 16, 1])
    for clusters in (True, False):
        svg = render(loss, inputs=inputs, collapse="neuron", clusters=clusters)
        assert top_to_bottom(svg, "node", 1) == list(range(1, 17))
        assert top_to_bottom(svg, "node", 2) == list(range(1, 17))
    two, inputs = mlp_graph([8, 8, 1], samples=2)
    svg = render(two, inputs=inputs, collapse="neuron")
    assert top_to_bottom(svg, "node", 1) == [*range(1, 9), *range(1, 9)]  # sample by sample
    assert top_to_bottom(svg, "node", 2) == [*range(1, 9), *range(1, 9)]


@needs_dot
def test_uncollapsed_neurons_and_their_parameters_come_in_index_order() -> None:
    loss, inputs = mlp_graph([3, 3, 1], samples=2, act="tanh")
    svg = render(loss, inputs=inputs)
    assert top_to_bottom(svg, "cluster", 1) == [1, 2, 3]
    assert top_to_bottom(svg, "cluster", 2) == [1, 2, 3]
    # Inside layer 2 / neuron 2: w1, w2, w3, b from top to bottom.
    source = draw(loss, inputs=inputs).source
    inner = source.split("subgraph cluster_L2_N2 {")[1].split("}")[0]
    ids = dict(re.findall(r"(n\d+) \[label=<.*?<B>(\w+)</B>", inner))
    y = {g.get("id"): float(g.find(f"{SVG}text").get("y", "0"))  # type: ignore[union-attr]
         for g in groups(svg, "node")}
    params = sorted((i for i in ids if ids[i] in ("w1", "w2", "w3", "b")), key=y.__getitem__)
    assert [ids[i] for i in params] == ["w1", "w2", "w3", "b"]
    inputs_y = {texts(g)[0]: y[g.get("id")] for g in groups(svg, "node")
                if texts(g)[0].startswith(("s1.", "s2."))}
    assert sorted(inputs_y, key=inputs_y.__getitem__) == ["s1.x1", "s1.x2", "s2.x1", "s2.x2"]


@needs_dot
def test_collapse_recognises_an_output_the_user_renamed() -> None:
    """The demo names its output (score.label = "score"): the output neuron is found from
    structure all the same, and drawn as one box, its parameters folded in."""
    from autograd.nn import MLP

    model = MLP(2, [8, 8, 1], seed=0)
    sample = [Value(0.3, "x1"), Value(-0.7, "x2")]
    score = model(sample)
    assert isinstance(score, Value)
    score.label = "score"
    score.backward()
    svg = render(score, inputs=sample, collapse="neuron")
    nodes = groups(svg, "node")
    assert not [g for g in nodes if "param" in texts(g)]  # no parameter boxes at all
    assert len(nodes) == 2 + 8 + 8 + 1
    (root,) = [g for g in nodes if len(g.findall(f"{SVG}path")) == 2]  # double border
    assert "layer 3 / neuron 1" in texts(root)
    assert "w1…w8, b folded in" in texts(root)  # 8 weights and a bias


# ---------------------------------------------------------------------------------------------
# collapse='layer'


def edge_labels_by_ends(svg: ET.Element) -> dict[tuple[str, str], list[str]]:
    """(tail box's title, head box's title) -> the labels of the edges between them."""
    title = {g.get("id"): texts(g)[0] for g in groups(svg, "node")}
    ends: dict[tuple[str, str], list[str]] = {}
    for g in groups(svg, "edge"):
        tail, head, _ = (g.get("id") or "").split("-")
        ends.setdefault((title[tail], title[head]), []).extend(texts(g))
    return ends


@needs_dot
def test_collapse_layer_draws_one_box_per_layer_call() -> None:
    loss, inputs = mlp_graph([16, 16, 1])
    svg = render(loss, inputs=inputs, collapse="layer")
    nodes = groups(svg, "node")
    assert [texts(g)[0] for g in nodes if texts(g)[0].startswith("layer")] == [
        "layer 1", "layer 2", "layer 3"]
    assert len(nodes) == 2 + 3 + 3  # inputs, layers, the hinge loss (* -1, 1 -, relu)
    layer = {texts(g)[0]: texts(g) for g in nodes}
    assert layer["layer 1"][1:4] == ["relu", "2 → 16", "32 weights, 16 biases folded in"]
    assert layer["layer 2"][1:4] == ["relu", "16 → 16", "256 weights, 16 biases folded in"]
    assert layer["layer 3"][1:4] == ["linear", "16 → 1", "16 weights, 1 bias folded in"]
    assert "data" not in layer["layer 2"]  # 16 outputs: no one number to show
    assert "data" in layer["layer 3"]  # one output: its data and grad
    ends = edge_labels_by_ends(svg)
    assert ends[("s1.x1", "layer 1")] == ["1×16"]
    assert ends[("s1.x2", "layer 1")] == ["1×16"]
    assert ends[("layer 1", "layer 2")] == ["16×16"]
    assert ends[("layer 2", "layer 3")] == ["16×1"]
    assert ends[("layer 3", "mul#1")] == ["×1"]  # one output: a factor, d (y * out) / d out
    assert len(groups(svg, "edge")) == 2 + 1 + 1 + 3
    assert not groups(svg, "cluster")
    caption = " ".join(texts(svg))
    assert "edge a×b: a values, each read by b neurons or nodes" in caption


@needs_dot
def test_collapse_layer_one_box_per_sample_and_the_ids_of_its_outputs() -> None:
    loss, inputs = mlp_graph([4, 3, 1], samples=2)
    g = draw(loss, inputs=inputs, collapse="layer")
    svg = ET.fromstring(g.pipe(format="svg"))
    titles = [texts(n)[0] for n in groups(svg, "node")]
    assert sorted(t for t in titles if t.startswith("layer")) == ["layer 1", "layer 1",
                                                                 "layer 2", "layer 2",
                                                                 "layer 3", "layer 3"]
    # Each sample's inputs feed their own layer 1 box, which feeds its own layer 2 box.
    box = {n.get("id"): texts(n)[0] for n in groups(svg, "node")}
    feeds = [(box[t], box[h]) for t, h, _ in
             ((e.get("id") or "").split("-") for e in groups(svg, "edge"))]
    assert feeds.count(("layer 1", "layer 2")) == 2
    assert feeds.count(("s1.x1", "layer 1")) == feeds.count(("s2.x2", "layer 1")) == 1
    # node_ids: every output of a layer call is drawn in its layer's box.
    outs = [v for v in walk(loss) if v.label == "L2.N2.out"]
    assert len(outs) == 2
    assert {g.node_ids[o] for o in outs} <= {n.get("id") for n in groups(svg, "node")
                                           if texts(n)[0] == "layer 2"}
    assert g.node_ids[outs[0]] != g.node_ids[outs[1]]


@needs_dot
def test_collapse_layer_edges_into_other_nodes_and_shared_parameters() -> None:
    from autograd.nn import MLP

    model = MLP(2, [4, 3], seed=2)
    x = [Value(0.5, "x1"), Value(-0.2, "x2")]
    outs = model(x)
    assert isinstance(outs, list)
    w = model.layers[0].neurons[0].w[0]
    root = autograd.sum(outs) + 0.01 * w * w  # three outputs into one sum; w used outside
    root.backward()
    svg = render(root, inputs=x, collapse="layer")
    ends = edge_labels_by_ends(svg)
    assert ends[("layer 2", "sum#1")] == ["3×1"]
    assert ends[("w1", "layer 1")] == ["1×1"]  # still read by its neuron
    assert "8 weights, 4 biases folded in" not in texts(svg)  # w1 is drawn, not folded
    assert "7 weights, 4 biases folded in" in texts(svg)
    assert "12 weights, 3 biases folded in" in texts(svg)  # layer 2: 3 × (4 + 1)


@needs_dot
def test_collapse_layer_root_and_highlight() -> None:
    from autograd.nn import MLP

    model = MLP(2, [5, 1], seed=3)
    x = [Value(0.5, "x1"), Value(-0.2, "x2")]
    score = model(x)
    assert isinstance(score, Value)
    score.label = "score"
    score.backward()
    svg = render(score, inputs=x, collapse="layer", highlight=x[0])
    root = node_with(svg, "layer 2")
    assert len(root.findall(f"{SVG}path")) == 2  # the root's double border
    assert f"{score.data:.4g}".replace("-", "\u2212") in texts(root)
    assert len(red_edges(svg)) == 2  # x1 -> layer 1 -> layer 2
    assert f"= {x[0].grad:.4g}".replace("-", "\u2212") in " ".join(texts(svg))


def test_the_page_has_no_collapse_layer() -> None:
    loss, inputs = mlp_graph([3, 1])
    with pytest.raises(ValueError, match="collapse='layer' has no step-through page"):
        autograd.show(loss, collapse="layer")


# ---------------------------------------------------------------------------------------------
# A drawing too tall to read: a warning that names the collapsed sizes.


def test_drawing_a_big_model_node_by_node_warns_with_the_collapsed_sizes(
        tmp_path: Path) -> None:
    from autograd.viz import LargeDrawingWarning

    loss, inputs = mlp_graph([16, 16, 1])
    with pytest.warns(LargeDrawingWarning) as caught:
        g = draw(loss, inputs=inputs)
    (w,) = caught
    assert str(w.message) == (
        "draw: 407 boxes, an autograd.nn model drawn node by node: a picture thousands of "
        "points tall. collapse='neuron' draws 38 boxes (one per neuron call), collapse='layer' "
        "8 (one per layer call, a picture only: no step-through page).")
    assert w.filename == __file__  # it points at the caller's line, not into autograd
    assert len(re.findall(r"^\s*n\d+ \[", g.source, re.M)) == 407  # drawn all the same
    for collapse, boxes in (("neuron", 38), ("layer", 8)):
        assert len(re.findall(r"^\s*n\d+ \[", draw(loss, collapse=collapse).source, re.M)) == boxes
    with pytest.warns(LargeDrawingWarning) as caught:
        save_svg(loss, tmp_path / "big.dot")
    assert caught[0].filename == __file__
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none of these warn
        draw(loss, collapse="neuron")
        draw(loss, collapse="layer")
        draw(mlp_graph([3, 3, 1], samples=2)[0])  # 100-odd boxes: fine
        draw(chain(400))  # a tall column, but no model to collapse


def test_layer_calls_on_plain_number_inputs_one_per_sample() -> None:
    """Inputs given as plain numbers leave no input nodes: a layer call is told apart by the
    numbers it reads, and a sample given twice still makes two calls."""
    from autograd.nn import MLP

    model = MLP(2, [4, 4, 1], seed=5)
    outs = [model(row) for row in ([0.5, -1.0], [0.5, -1.0], [0.2, 0.3])]
    root = autograd.sum(outs)  # type: ignore[arg-type]
    titles = re.findall(r"<B>(layer \d)</B>", draw(root, collapse="layer").source)
    assert sorted(titles) == ["layer 1"] * 3 + ["layer 2"] * 3 + ["layer 3"] * 3
    assert "2 → 4" in draw(root, collapse="layer").source


# ---------------------------------------------------------------------------------------------
# From the object; the direction chosen; paths that name a folder.


def test_value_draw_is_draw_and_the_drawing_says_what_it_is() -> None:
    net = network_after_backward()
    drawing = net.E_total.draw(rankdir="TB")
    assert drawing.source == draw(net.E_total, rankdir="TB").source
    text = repr(drawing)
    assert text.startswith("<Drawing of 'E_total': 39 boxes, 44 edges.")
    assert drawing.boxes == 39 and drawing.edges == len(re.findall(" -> ", drawing.source))
    assert "save_svg(" in text and ".source" in text and "Jupyter" in text
    assert "<Drawing of the graph: 2 boxes, 1 edges." in repr(draw(Value(2.0) * 3.0))
    assert hasattr(drawing, "_repr_svg_") or hasattr(drawing, "_repr_mimebundle_")


@needs_dot
def test_a_deep_graph_is_drawn_top_to_bottom_to_fit_a_screen() -> None:
    """The two-layer network left to right is 1,698 pt (2,264 px) wide; drawn top to bottom it
    is 604 pt wide. Without rankdir, draw chooses the one that fits; a model stays left to
    right, and a shallow graph too."""
    net = network_after_backward()
    chosen = draw(net.E_total)
    assert "rankdir=TB" in chosen.source
    width = float(ET.fromstring(chosen.pipe(format="svg")).get("width", "0pt")[:-2])
    assert width < 1050
    assert "rankdir=LR" in draw(net.E_total, rankdir="LR").source
    assert "rankdir=LR" in draw(Value(2.0, "x") * 3.0 + 1.0).source
    loss, _, _ = mini_mlp([[0.5, -1.0]], [3, 3, 1])
    assert "rankdir=LR" in draw(loss).source
    with pytest.raises(ValueError, match="rankdir must be None"):
        draw(net.E_total, rankdir="up")  # type: ignore[arg-type]


@needs_dot
def test_negative_zero_is_written_0() -> None:
    x = Value(-1.0, "x")
    y = (x.relu() * 2.0)  # relu is off: d y / d x = 2 × -0.0
    y.backward()
    assert math.copysign(1.0, x.grad) == -1.0 or x.grad == 0.0
    assert "\u22120" not in " ".join(texts(render(y)))


@pytest.mark.parametrize("name", ["out/", "out/.", "out/.."])
def test_save_svg_refuses_a_path_that_names_a_folder(tmp_path: Path, name: str) -> None:
    target = f"{tmp_path}/{name}"
    with pytest.raises(autograd.files.FileTargetError,
                       match=f"save_svg: '{re.escape(target)}' names a folder, not a file; "
                             "give the file's name too"):
        save_svg(Value(1.0, "x") * 2.0, target)
    assert os.listdir(tmp_path) == []  # no file named out


@needs_dot
@pytest.mark.parametrize("label", ["\udfff", "a\x00b", "\u202eevil"])
def test_labels_that_cannot_be_written_as_they_are_render(tmp_path: Path, label: str) -> None:
    """A lone surrogate (which UTF-8 cannot encode), NUL, a right-to-left override: the SVG
    shows their Python escapes."""
    y = Value(2.0, label) * 3.0
    path = save_svg(y, tmp_path / "odd.svg")
    shown = label.encode("unicode_escape").decode("ascii")
    assert shown in texts(ET.parse(path).getroot())
