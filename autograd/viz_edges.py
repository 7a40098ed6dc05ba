"""The edges of a drawing, the thick edges that stand for two dense layers, and the caption."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .core import Value
from .viz_dot import FADED, RED, Scene, port_rows
from .viz_models import LayerCall
from .viz_plan import Plan
from .viz_text import safe_text, table

__all__ = ["add_bundles", "add_edges", "add_legend", "bundle_skips", "legend_notes"]


def add_edges(graph: Any, scene: Scene, boxes: list[Value]) -> None:
    """One edge per operand drawn (``n3-n5-k``: into box n5, its k-th), but those drawn as a
    bundle. An edge into a neuron's box that lists its inputs ends at the row of its factor."""
    ids, on_path, cluster_of = scene.ids, scene.on_path, scene.cluster_of
    for v in boxes:
        ports = port_rows(scene, v)
        for k, (p, d) in enumerate(scene.plan.edges.get(v, ())):
            if (p, v) in scene.skip:
                continue
            attrs = {"id": f"{ids[p]}-{ids[v]}-{k}"}
            if cluster_of.get(p, (0, 0))[0] != cluster_of.get(v, (0, 0))[0]:
                attrs["minlen"] = "2"  # room between layers, so that clusters need not stagger
            shape = isinstance(d, str)  # many edges in one: always labelled
            text = safe_text(d if isinstance(d, str) else f"×{scene.number(d)}")
            if shape:
                attrs["penwidth"] = "2"
            if p in on_path and v in on_path:
                attrs.update(color=RED, fontcolor=RED, penwidth="2.2")
                if k not in ports:  # a row of the box shows it otherwise
                    attrs["label"] = f"<<B>{text}</B>>"
            else:
                if (scene.edge_labels or shape) and k not in ports:
                    attrs["label"] = f"<{text}>"
                if on_path:
                    attrs.update(color=FADED, fontcolor="#999999")
            head, tail = ids[v], ids[p]
            if k in ports:  # into the row's left side; left to right, out of the right side
                head = f"{head}:{ports[k]}:w"
                if scene.rankdir == "LR":  # from a neuron's box, level with its title
                    tail += ":out:e" if p in scene.plan.collapsed else ":e"
            graph.edge(tail, head, **attrs)


def add_bundles(graph: Any, scene: Scene) -> dict[str, list[tuple[str, str]]]:
    """One thick edge ``a×b`` from layer call a's cluster to b's for each pair of dense layers
    (from the middle neuron box of one to that of the other, clipped at the clusters' frames).
    Returns each such edge's id -> the (tail, head) box ids of the edges it stands for."""
    bundled: dict[str, list[tuple[str, str]]] = {}
    ids, pairs = scene.ids, scene.plan.dense
    if pairs:
        graph.attr(compound="true")
    for a, b in pairs:
        tail, head = a.outs[len(a.outs) // 2], b.outs[len(b.outs) // 2]
        name = f"bundle-{ids[tail]}-{ids[head]}"
        red = any(p in scene.on_path for p in a.outs) and any(v in scene.on_path for v in b.outs)
        graph.edge(ids[tail], ids[head], id=name, label=f"<{len(a.outs)}×{len(b.outs)}>",
                   ltail=f"cluster_L{a.layer}", lhead=f"cluster_L{b.layer}", minlen="2",
                   penwidth="5" if red else "4", arrowsize="0.9", fontsize="11",
                   **({"color": RED, "fontcolor": RED} if red else {}))
        bundled[name] = [(ids[p], ids[v]) for v in b.outs for p in a.outs]
        for v in b.outs:  # what the bundle stands for, for the layout: b's order, its rank
            graph.edge(ids[tail], ids[v], style="invis", minlen="2")
    return bundled


def bundle_skips(pairs: list[tuple[LayerCall, LayerCall]]) -> set[tuple[Value, Value]]:
    """The (operand, result) pairs that bundles stand for."""
    return {(p, v) for a, b in pairs for p in a.outs for v in b.outs}


def legend_notes(plan: Plan, rows: bool) -> list[str]:
    """What the caption says about the boxes and edges that stand for many (`rows`: some
    neuron box lists the factors of its inputs)."""
    notes = []
    if plan.collapsed and not plan.layer_boxes:
        notes.append("layer i / neuron j: one call of a neuron, out = activation(w·x + b), its "
                     "weights w1, w2... and bias b folded into the box")
    if rows:
        notes.append("in a neuron's box, each row ×f: the factor ∂out/∂input of the edge that "
                     "ends at that row (through the folded weight and the activation)")
    if plan.dense:
        notes.append("thick edge a×b from one layer to the next: each of the a neurons of one "
                     "feeds each of the b neurons of the next (a·b edges drawn as one)")
    if plan.layer_boxes:
        notes.append("layer i: one call of a layer (on one sample), inputs → neurons, its "
                     "weights and biases folded in")
    if any(isinstance(d, str) for edges in plan.edges.values() for _, d in edges):
        notes.append("edge a×b: a values, each read by b neurons or nodes (a·b edges drawn "
                     "as one)")
    return notes


def add_legend(graph: Any, scene: Scene, roles: set[str], factors: bool, n_paths: int,
               total: float, notes: Sequence[str]) -> None:
    """The caption: what grad means, what the edges carry, the colours, the sum of the paths
    to the highlighted node."""
    top = scene.root.label or "root"
    lines = [f"grad: ∂{top} / ∂node"]
    if factors:
        lines.append("edge ×f: local derivative ∂result / ∂operand; "
                     "backward multiplies the result's grad by f")
    lines += notes
    colours = {"param": "orange: parameter", "input": "blue: input", "leaf": "grey: leaf"}
    lines.append("; ".join([", ".join(colours[r] for r in colours if r in roles),
                            "double border: root"]).lstrip("; "))
    if scene.highlight is not None:
        low = scene.highlight.label or "the red node"
        lines.append(f"red: the {n_paths} path{'s' * (n_paths != 1)} from {top} to {low}; "
                     f"multiply the factors along each path, add the paths: "
                     f"∂{top} / ∂{low} = {scene.number(total)}")
    graph.attr(label=table([f'<TR><TD ALIGN="LEFT">{safe_text(t, 300)}</TD></TR>'
                            for t in lines]),
               labelloc="b", labeljust="l")
