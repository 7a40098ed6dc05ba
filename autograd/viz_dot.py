"""A plan (`autograd.viz_plan`) turned into Graphviz: the graph's style, one node per box, the
clusters of a model's layers and neurons (`autograd.viz_edges` adds the edges and the
caption).

Everything one drawing needs to know is in its `Scene`, passed explicitly: the root, the plan,
the node name of each box, the roles given, the highlighted paths, how numbers are written, and
the text to show as some boxes' grad (the step-through page writes its own there).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .core import Value
from .names import Names
from .text import printable
from .viz_models import position_of
from .viz_plan import Plan
from .viz_render import drawing_class
from .viz_text import Number, box_label, op_badge

__all__ = ["BADGE", "EDGE", "FADED", "FILL", "INPUT_ROWS_UP_TO", "RED", "ROOT_FILL", "Scene",
           "add_boxes", "clusters_of", "new_graph", "port_rows"]

FILL = {"param": "#fdd9a8", "input": "#cfe3fb", "leaf": "#e6e6e6", "op": "#ffffff"}
BADGE = {"param": "#f9b86b", "input": "#8fbff2", "leaf": "#c4c4c4", "op": "#fff0b3"}
ROOT_FILL = "#d9f2d0"
RED = "#d62728"
EDGE = "#7f7f7f"
FADED = "#c8c8c8"
FONT = "Helvetica"

INPUT_ROWS_UP_TO = 32
"""A neuron's box (``collapse='neuron'``) lists the factors of the edges into it, one row each,
where each edge ends, when at most this many are drawn one by one (and edge labels are on)."""


@dataclass
class Scene:
    """One drawing's settings and what was worked out for it."""

    root: Value
    plan: Plan
    ids: dict[Value, str]
    number: Number
    """How the numbers are written (`autograd.viz_text.picture_number` in pictures)."""
    grad_text: Mapping[Value, str] = field(default_factory=dict)
    """Text shown as the grad of these boxes instead of their number."""
    params: set[Value] = field(default_factory=set)
    inputs: set[Value] = field(default_factory=set)
    highlight: Value | None = None
    on_path: set[Value] = field(default_factory=set)
    edge_labels: bool = True
    cluster_of: dict[Value, tuple[int, int]] = field(default_factory=dict)
    skip: set[tuple[Value, Value]] = field(default_factory=set)
    """The (operand, result) pairs drawn as a bundle, not one by one."""
    rankdir: str = "LR"
    names: Names = field(init=False)

    def __post_init__(self) -> None:
        self.names = Names(self.root)


def new_graph(rankdir: str, keep_order: bool) -> Any:
    graph = drawing_class()(name="autograd", format="svg")
    graph.attr(rankdir=rankdir, bgcolor="white", fontname=FONT, fontsize="10",
               nodesep="0.18", ranksep="0.35")
    if keep_order:
        # Neurons in index order: inside clusters Graphviz (2.43 at least) ignores `ordering`
        # and invisible same-rank edges, and its crossing reduction shuffles the equally good
        # orders of dense layers. Few of its passes keep the order the boxes are given in.
        graph.attr(mclimit="0.01")
    graph.attr("node", shape="box", style="rounded,filled", fontname=FONT, fontsize="10",
               margin="0.04", color="#555555", penwidth="1")
    # decorate: a label is underlined and tied to the middle of its edge by a line, so that
    # it belongs to one edge where several pass close by.
    graph.attr("edge", fontname=FONT, fontsize="9", arrowsize="0.6", color=EDGE,
               fontcolor="#444444", decorate="true")
    return graph


def clusters_of(boxes: list[Value], plan: Plan,
                only: set[Value] | None = None) -> dict[Value, tuple[int, int]]:
    """(layer, neuron) of each box that belongs to a neuron (neuron 0: a collapsed call, which
    sits in its layer's cluster); with `only`, of those boxes only."""
    where: dict[Value, tuple[int, int]] = {}
    for call in plan.calls.values():
        for v in (call.z, call.out, *call.params):
            where[v] = call.position
    cluster_of: dict[Value, tuple[int, int]] = {}
    for v in boxes if only is None else [v for v in boxes if v in only]:
        if v in plan.layer_boxes:  # a layer's box is its own frame
            continue
        if v in plan.collapsed:
            cluster_of[v] = (plan.calls[v].position[0], 0)
        elif v in where:
            cluster_of[v] = where[v]
        elif (position := position_of(v)) is not None:
            cluster_of[v] = position
    return cluster_of


def port_rows(scene: Scene, v: Value) -> dict[int, str]:
    """For a neuron's box: the k-th edge into it -> the port of the row that shows its factor
    (``i0``, ``i1``...); empty for every other box, and when the rows would be too many."""
    if v not in scene.plan.collapsed or v in scene.plan.layer_boxes or not scene.edge_labels:
        return {}
    edges = scene.plan.edges.get(v, [])
    shown = [k for k, (p, d) in enumerate(edges)
             if not isinstance(d, str) and (p, v) not in scene.skip]
    if not shown or len(shown) > INPUT_ROWS_UP_TO:
        return {}
    return {k: f"i{k}" for k in shown}


def add_boxes(graph: Any, scene: Scene, boxes: list[Value], framed: bool) -> set[str]:
    """Add one node per box (clusters included, `framed` or invisible); return the leaf roles
    shown."""
    roles: set[str] = set()
    in_clusters: dict[tuple[int, int], list[tuple[str, dict[str, str]]]] = {}
    keys = _order_keys(scene.plan)
    ids, on_path, cluster_of = scene.ids, scene.on_path, scene.cluster_of
    for v in sorted(boxes, key=lambda v: keys.get(v, ())):  # stable: others keep their order
        short = cluster_of.get(v, (0, 0))[1] != 0  # inside a neuron's cluster: w1, b, z, out
        attrs = _box(scene, v, roles, short)
        attrs["id"] = ids[v]
        if v is scene.root:
            attrs.update(peripheries="2", fillcolor=ROOT_FILL)
        if v in on_path:
            attrs.update(color=RED, penwidth="3" if v is scene.highlight else "2")
        elif on_path:
            attrs.update(color=FADED, fontcolor="#777777")
        if v in cluster_of:
            in_clusters.setdefault(cluster_of[v], []).append((ids[v], attrs))
        else:
            graph.node(ids[v], **attrs)
    in_layers: dict[int, list[list[str]]] = {}  # layer -> its calls' neuron boxes, in order
    for lc in scene.plan.layers:
        chain = [ids[v] for v in lc.outs if v in ids]
        where = cluster_of.get(lc.outs[0])
        if len(chain) < 2:
            continue
        if where is None:
            add_chain(graph, chain)
        elif where[1] == 0:  # collapsed: in the layer's cluster
            in_layers.setdefault(where[0], []).append(chain)
    _add_clusters(graph, in_clusters, in_layers, framed)
    return roles


def _order_keys(plan: Plan) -> dict[Value, tuple[int, ...]]:
    """Where each nn box goes among the boxes of its cluster: a neuron's parameters first (w1,
    w2..., b), then its dot and output nodes, call by call; a layer's neuron boxes by call of
    the layer, then by neuron."""
    keys: dict[Value, tuple[int, ...]] = {}
    for i, lc in enumerate(plan.layers):
        for c in lc.calls:
            keys[c.z] = (1, i, c.position[1], 0)
            keys[c.out] = (1, i, c.position[1], 1)
            for k, p in enumerate(c.params):
                keys.setdefault(p, (0, c.position[1], k))
    return keys


def add_chain(graph: Any, names: list[str]) -> None:
    """Boxes in one rank, in this order (top to bottom with rankdir LR): invisible edges
    between boxes of one rank order them, where Graphviz respects them (outside clusters)."""
    with graph.subgraph() as same:
        same.attr(rank="same")
        for tail, head in itertools.pairwise(names):
            same.edge(tail, head, style="invis")


def _folded(params: list[Value]) -> str:
    """What a box folds in: ``w1, w2, b folded in``, ``w1…w16, b folded in``."""
    short = [p.label.rsplit(".", 1)[-1] if p.label else "param" for p in params]
    weights, rest = short[:-1], short[-1:]
    if len(weights) > 3:
        weights = [f"{weights[0]}…{weights[-1]}"]
    return f"{', '.join(weights + rest)} folded in"


def _box(scene: Scene, v: Value, roles: set[str], short: bool) -> dict[str, str]:
    """Graphviz attributes of one box; adds the leaf role it shows to `roles`."""
    plan, number = scene.plan, scene.number
    grad = scene.grad_text.get(v)
    values = [("data", number(v.data)), ("grad", number(v.grad) if grad is None else grad)]
    if v in plan.collapsed:
        params = plan.collapsed[v]
        lc = plan.layer_boxes.get(v)
        if lc is None:
            layer, neuron = plan.calls[v].position
            title, notes = f"layer {layer} / neuron {neuron}", [_folded(params)]
        else:  # a layer's box shows its one output's numbers, or none
            n_b = sum(1 for p in params if getattr(p.owner, "b", None) is p)
            n_w = len(params) - n_b
            title = f"layer {lc.layer}"
            notes = [f"{lc.calls[0].nin} → {len(lc.calls)}",
                     f"{n_w} weight{'s' * (n_w != 1)}, {n_b} bias{'es' * (n_b != 1)} folded in"]
            values = values if len(lc.calls) == 1 else []
        act = "linear" if v.op == "dot" else op_badge(v, number)
        edges = plan.edges.get(v, [])
        rows = [(port, scene.names(edges[k][0]), f"×{number(float(edges[k][1]))}")
                for k, port in port_rows(scene, v).items()]
        label = box_label(title, act, BADGE["op"], values, notes, inputs=rows, port="out")
        return {"label": label, "fillcolor": FILL["op"]}
    if v in scene.params or v.owner is not None:
        role = "param"
    elif v in scene.inputs:
        role = "input"
    elif v.is_leaf:
        role = "leaf"
    else:
        role = "op"
    if role != "op":
        roles.add(role)
    badge = role if v.is_leaf else op_badge(v, number)
    title = v.label.rsplit(".", 1)[-1] if short else v.label
    # A label several nodes carry (a model called on a batch) is named label[k] (sample k).
    name = scene.names(v)
    extra = name[len(printable(v.label)):] if v.label else name
    return {"label": box_label(title, badge, BADGE[role], values, name=extra),
            "fillcolor": FILL[role]}


def _add_clusters(graph: Any, nodes: dict[tuple[int, int], list[tuple[str, dict[str, str]]]],
                  chains: dict[int, list[list[str]]], framed: bool = True) -> None:
    """Clusters ``layer i`` containing ``layer i / neuron j`` (neuron 0: the layer itself,
    whose `chains` are boxes to keep in one rank, in order); not `framed`: invisible."""
    for layer in sorted({key[0] for key in nodes}):
        with graph.subgraph(name=f"cluster_L{layer}") as outer:
            if framed:
                outer.attr(label=f"layer {layer}", style="rounded,dashed", color="#999999",
                           fontcolor="#555555", labeljust="l")
            else:
                outer.attr(style="invis")
            for name, attrs in nodes.get((layer, 0), ()):
                outer.node(name, **attrs)
            for chain in chains.get(layer, ()):
                add_chain(outer, chain)
            for neuron in sorted(j for i, j in nodes if i == layer and j):
                with outer.subgraph(name=f"cluster_L{layer}_N{neuron}") as inner:
                    inner.attr(label=f"layer {layer} / neuron {neuron} (L{layer}.N{neuron})",
                               style="rounded",
                               color="#bbbbbb", bgcolor="#fafafa")
                    for name, attrs in nodes[(layer, neuron)]:
                        inner.node(name, **attrs)
