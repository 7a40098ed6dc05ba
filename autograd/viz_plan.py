"""What a drawing draws: which boxes, which edges into each, what each folded box stands for.
Pure Python, no Graphviz (`autograd.viz_dot` turns a plan into DOT).

Without ``collapse`` every node is a box and every operand an edge. ``collapse='neuron'``
folds each neuron call of an `autograd.nn` model (its dot node and its parameters) into its
output's box, whose edges carry d out / d input through the folded nodes; ``collapse='layer'``
folds each layer call into one box, whose edges carry shapes (``16×16``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .core import Value
from .graph import backprop, between, users
from .viz_models import Call, LayerCall, layer_calls, neuron_calls

__all__ = ["BUNDLE_ABOVE", "Edge", "Plan", "make_plan", "paths_to"]

BUNDLE_ABOVE = 12
"""``collapse='neuron'``: two dense layers of 3 neurons or more, joined by more edges than this
(every neuron of one reads every output of the other: 4×4 and up), are joined by one thick edge
labelled ``16×16``. Graphviz routes such edges between two layers' frames in loops from 4×4 on;
a layer of one or two neurons fans in or out without crossings, its edges drawn one by one."""

Edge = tuple[Value, float | str]
"""An edge into a box: (the box it comes from, d result / d operand or a shape ``16×16``)."""


@dataclass
class Plan:
    """The boxes and edges of one drawing."""

    boxes: list[Value]
    """The nodes drawn as boxes, in reading order (`autograd.core.topological_order`)."""
    edges: dict[Value, list[Edge]]
    """Result -> the edges into it, in operand order."""
    calls: dict[Value, Call] = field(default_factory=dict)
    """Every neuron call, by its output node."""
    layers: list[LayerCall] = field(default_factory=list)
    """Every layer call, in reading order."""
    collapsed: dict[Value, list[Value]] = field(default_factory=dict)
    """Each box that stands for folded nodes (a neuron call's out node, or the node that
    stands for a layer call) -> the parameters folded into it."""
    layer_boxes: dict[Value, LayerCall] = field(default_factory=dict)
    """collapse='layer': the node that stands for each layer call's box -> the layer call."""
    box_of: dict[Value, Value] = field(default_factory=dict)
    """Each folded node -> the node whose box it is drawn in."""
    dense: list[tuple[LayerCall, LayerCall]] = field(default_factory=list)
    """collapse='neuron': pairs of layer calls (a, b) joined by more than `BUNDLE_ABOVE`
    edges, every neuron of b reading every output of a."""

    def edge_count(self) -> int:
        """How many edges are drawn: a pair of dense layers is joined by one."""
        n = sum(map(len, self.edges.values()))
        return n - sum(len(a.calls) * len(b.calls) - 1 for a, b in self.dense)


def make_plan(order: list[Value], collapse: str | None) -> Plan:
    """What to draw for the nodes `order` (`autograd.graph.topological`: the root first)."""
    calls = neuron_calls(order)
    reading = order[::-1]  # the order the code computed them in
    at = {v: i for i, v in enumerate(reading)}
    layers = layer_calls(sorted(calls.values(), key=lambda c: at[c.out]))
    if collapse is None:
        edges = {v: _operands(v, {}) for v in order if v.parents}
        return Plan(reading, edges, calls, layers)
    groups = _groups(layers, collapse, at)
    stand_for = {o for lc in layers for o in lc.outs if o not in groups}  # 'layer' only
    hidden = _hidden(order, groups, stand_for)
    plan = Plan([v for v in reading if v not in hidden], {}, calls, layers)
    plan.box_of = {m: box for box, members in groups.items() for m in members if m in hidden}
    if collapse == "layer":
        plan.layer_boxes = {box: lc for lc in layers for box in lc.outs if box in groups}
    else:
        plan.dense = _dense(layers)
    position = {v: i for i, v in enumerate(order)}
    for v in plan.boxes:
        if v in groups:
            inside = {v, *(m for m in groups[v] if m in hidden)}
            plan.collapsed[v] = [n for n in reading if n in inside and n.is_leaf]
            lc = plan.layer_boxes.get(v)
            plan.edges[v] = (_layer_inputs(lc, inside, plan.box_of) if lc is not None else
                             _through(v, inside, position))
        elif v.parents:
            plan.edges[v] = _operands(v, plan.box_of)
    return plan


def _dense(layers: list[LayerCall]) -> list[tuple[LayerCall, LayerCall]]:
    """The pairs (a, b) of layer calls where b reads exactly the outputs of a (so every neuron
    of b reads every output of a: its neurons read the same inputs), with more than
    `BUNDLE_ABOVE` edges between them and at least 3 neurons in each."""
    made_by = {out: lc for lc in layers for out in lc.outs}
    pairs = []
    for b in layers:
        reads = b.calls[0].reads
        a = made_by.get(reads[0]) if reads and isinstance(reads[0], Value) else None
        if a is not None and len(a.calls) * len(b.calls) > BUNDLE_ABOVE \
                and min(len(a.calls), len(b.calls)) > 2 \
                and set(reads) == set(a.outs) and len(reads) == len(a.outs):
            pairs.append((a, b))
    return pairs


def _groups(layers: list[LayerCall], collapse: str,
            at: Mapping[Value, int]) -> dict[Value, list[Value]]:
    """The node that stands for each box of folded nodes -> the nodes that may fold into it.
    'neuron': a neuron call's out node; its dot node and parameters. 'layer': the out node of
    a layer call read last (the root, when the root is one); the layer call's other out
    nodes, its dot nodes and parameters."""
    groups: dict[Value, list[Value]] = {}
    for lc in layers:
        if collapse == "neuron":
            for c in lc.calls:
                groups[c.out] = [c.z, *c.params] if c.z is not c.out else list(c.params)
            continue
        box = max(lc.outs, key=at.__getitem__)
        groups[box] = [n for c in lc.calls for n in (c.out, c.z, *c.params) if n is not box]
    return groups


def _hidden(order: list[Value], groups: Mapping[Value, list[Value]],
            stand_for: set[Value]) -> set[Value]:
    """The nodes folded away: those of `stand_for` (collapse='layer': the out nodes a layer's
    box stands for), and a member of a group whose every use is inside boxes it belongs to (a
    parameter shared by several calls, one per sample, folds into each)."""
    members: dict[Value, set[Value]] = {}  # member -> the boxes it may fold into
    for box, group in groups.items():
        for m in group:
            members.setdefault(m, set()).add(box)
    used_by = users(order[0])
    hidden: set[Value] = set()
    for v in order[1:]:  # users before the nodes they use; the root is always drawn
        boxes = members.get(v)
        if v in stand_for or boxes and all(u in boxes or (u in hidden and members[u] & boxes)
                                           for u in used_by[v]):
            hidden.add(v)
    return hidden


def _operands(v: Value, box_of: Mapping[Value, Value]) -> list[Edge]:
    """The edges into a drawn node from its operands' boxes: each with its factor, except that
    k > 1 operands drawn in one layer's box make one edge ``k×1``."""
    pairs = list(zip(v.parents, v.local_grads, strict=True))
    if not box_of:
        return list(pairs)
    sources: dict[Value, set[Value]] = {}
    for p, _ in pairs:
        sources.setdefault(box_of.get(p, p), set()).add(p)
    edges: list[Edge] = []
    for p, d in pairs:
        box = box_of.get(p, p)
        if len(sources[box]) == 1:
            edges.append((box, d))
        elif all(b is not box for b, _ in edges):
            edges.append((box, f"{len(sources[box])}×1"))
    return edges


def _through(v: Value, inside: set[Value], position: Mapping[Value, int]) -> list[Edge]:
    """The edges into a neuron's box: d out / d x for each x outside the nodes folded into it,
    through them (backprop from v over `inside`, ordered by `position`: v first)."""
    through: dict[Value, Any] = {v: 1.0}
    for _ in backprop(sorted(inside, key=position.__getitem__), through):
        pass
    return [(p, g) for p, g in through.items() if p not in inside]


def _layer_inputs(lc: LayerCall, inside: set[Value],
                  box_of: Mapping[Value, Value]) -> list[Edge]:
    """The edges into a layer's box: one from each box its neurons read, labelled ``a×b``: a
    values read, by b neurons (16×16 from a layer of 16 into a layer of 16)."""
    feeds: dict[Value, tuple[set[Value], set[Value]]] = {}
    for c in lc.calls:
        for p in c.z.parents:
            if p not in inside:
                read, readers = feeds.setdefault(box_of.get(p, p), (set(), set()))
                read.add(p)
                readers.add(c.out)
    return [(box, f"{len(read)}×{len(readers)}") for box, (read, readers) in feeds.items()]


def paths_to(root: Value, target: Value) -> tuple[set[Value], int, float]:
    """(the nodes on a path from `root` to `target`; the number of such paths; d root / d target,
    the sum over those paths of the products of the local derivatives). The set is empty when
    `root` does not depend on `target`."""
    nodes = between(root, target)
    if not nodes:
        return set(), 0, 0.0
    on_path = set(nodes)
    ahead = [v for v in nodes if v is not target]
    count: dict[Value, Any] = {root: 1}
    for _ in backprop(ahead, count, local=lambda v: [1] * len(v.parents), within=on_path):
        pass
    total: dict[Value, Any] = {root: 1.0}
    for _ in backprop(ahead, total, within=on_path):
        pass
    return on_path, count[target], total[target]
