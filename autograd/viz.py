"""Draw the computation graph with Graphviz: `draw` returns a `graphviz.Digraph`, `save_svg`
writes an SVG file.

What the picture shows (``rankdir='LR'``, the default: inputs on the left, the root on the right;
``'TB'``, inputs on top, suits deep graphs such as seed 004's):

- One box per Value: its label (when set), a badge with the op that made it (``+``, ``* 0.5``,
  ``0.85 -`` for ``0.85 - x``, ``** 2``, ``sigmoid``...), then its data and grad (4 significant
  digits). The root has a double border.
- Leaves have no op; their badge and colour say what they are. *Parameters* (orange): leaves
  labeled the way `autograd.nn` labels its parameters (``L1.N2.w3``, ``L1.N2.b``), and any Value
  passed in ``params=``. *Inputs* (blue): the Values passed in ``inputs=``. Every other leaf is a
  plain *leaf* (grey). Nothing else is guessed: a leaf is an input only when you say so.
- An edge goes from an operand to its result and carries the local derivative
  d result / d operand, written ``×0.2411``: the factor `backward()` multiplies the result's
  grad by (`Value.local_grads`). A node's grad is the sum, over the paths from the root, of the
  products of these factors. Shown by default when at most 60 boxes and 60 edges are drawn.
- ``highlight=w1`` draws the paths from the root down to ``w1`` in red, with their factors, and
  the caption adds them up: it is d root / d w1.
- Values that `autograd.nn` made (labels ``L{i}.N{j}.w{k}|b|z|out``) are grouped in clusters
  ``layer i`` > ``layer i / neuron j``. ``collapse='neuron'`` draws each call of a neuron as one
  box (its ``z`` node and its parameters folded in); the edges into it then carry
  d out / d input through the folded nodes.

Every label is user text: it goes into Graphviz as an HTML-like label, HTML-escaped, so it
cannot end the label or the DOT statement, and Graphviz writes it into the SVG as text.
"""

from __future__ import annotations

import contextlib
import functools
import html
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from .engine import Value, walk

if TYPE_CHECKING:
    from graphviz import Digraph  # type: ignore[import-untyped,unused-ignore]

__all__ = [
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "draw",
    "op_text",
    "save_svg",
    "write_gallery",
]

MAX_NODES = 2000
"""Default size guard: `draw` refuses graphs with more boxes than this."""

EDGE_LABELS_UP_TO = 60
"""``edge_labels=None`` shows the edge factors when at most this many boxes and edges are drawn."""

PARAM_LABEL = re.compile(r"L[1-9]\d*\.N[1-9]\d*\.(?:w[1-9]\d*|b)")
NN_LABEL = re.compile(r"L([1-9]\d*)\.N([1-9]\d*)\.(w[1-9]\d*|b|z|out)")

INSTALL_GRAPHVIZ = (
    "rendering needs the Graphviz program `dot`, which is not on PATH (the DOT text, "
    "draw(...).source, works without it). Install Graphviz: `apt-get install graphviz` "
    "(Debian, Ubuntu), `brew install graphviz` (macOS), `conda install -c conda-forge graphviz`, "
    "or see https://graphviz.org/download/ ; then restart Python (or the Jupyter kernel)."
)


class GraphTooLargeError(ValueError):
    """`draw` was asked for more boxes than ``max_nodes``."""


class GraphvizNotFoundError(RuntimeError):
    """Rendering needs Graphviz's `dot` program and it is not installed (or not on PATH)."""


# ---------------------------------------------------------------------------------------------
# Colours and text.

_FILL = {"param": "#fdd9a8", "input": "#cfe3fb", "leaf": "#e6e6e6", "op": "#ffffff"}
_BADGE = {"param": "#f9b86b", "input": "#8fbff2", "leaf": "#c4c4c4", "op": "#fff0b3"}
_ROOT_FILL = "#d9f2d0"
_RED = "#d62728"
_EDGE = "#7f7f7f"
_FADED = "#c8c8c8"
_FONT = "Helvetica"

# One-parent ops whose plain number stands on the left: 0.85 - x, 2 / x, 2 ** x.
_CONSTANT_LEFT = {"rsub": "-", "rdiv": "/", "rpow": "**"}


def _fmt(x: float) -> str:
    """4 significant digits: 0.5951, -0.01838, 0.0004252, 1e-10, inf."""
    return f"{x:.4g}"


def _text(s: str, limit: int = 60) -> str:
    """User text made safe for an HTML-like label: characters that are not printable are shown
    as Python escapes (``\\n``, ``\\x00``; the SVG stays well-formed XML), very long text is cut,
    then ``& < > " '`` are escaped."""
    s = "".join(c if c.isprintable() else repr(c)[1:-1] for c in s)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return html.escape(s, quote=True)


def op_text(v: Value) -> str:
    """The op badge of a Value: ``+``, ``* 0.5``, ``0.85 -`` (rsub), ``** 2``, ``sigmoid``."""
    c = v.constant
    if c is None:
        return v.op
    if v.op in _CONSTANT_LEFT:
        return f"{_fmt(c)} {_CONSTANT_LEFT[v.op]}"
    if v.op == "leaky_relu":
        return f"leaky_relu({_fmt(c)})"
    return f"{v.op} {_fmt(c)}"


def _name(v: Value, default: str) -> str:
    return v.label or default


def _describe(v: Value) -> str:
    return repr(v.label) if v.label else repr(v)


# ---------------------------------------------------------------------------------------------
# The plan: which boxes and edges to draw. Pure Python, no Graphviz.


@dataclass
class _Plan:
    boxes: list[Value]  # the nodes drawn as boxes, in `order`
    edges: dict[Value, list[tuple[Value, float]]]  # result -> [(operand, d result / d operand)]
    neurons: dict[Value, tuple[int, int, int]] = field(default_factory=dict)
    """collapse='neuron': each neuron call's out node -> (layer, neuron, number of params)."""


def _topo(root: Value) -> list[Value]:
    """Every node `root` depends on, root first, each node before its parents (iterative)."""
    post: list[Value] = []
    seen: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            post.append(v)
        elif v not in seen:
            seen.add(v)
            stack.append((v, True))
            stack.extend((p, False) for p in reversed(v.parents) if p not in seen)
    post.reverse()
    return post


def _nn_key(v: Value) -> tuple[int, int, str] | None:
    m = NN_LABEL.fullmatch(v.label) if v.label else None
    return (int(m[1]), int(m[2]), m[3]) if m else None


def _plan(order: list[Value], collapse: str | None) -> _Plan:
    """What to draw for the nodes `order` (as `_topo` lists them, the root first)."""
    root = order[0]
    edges: dict[Value, list[tuple[Value, float]]] = {}
    if collapse is None:
        for v in order:
            if v.parents:
                edges[v] = list(zip(v.parents, v.local_grads, strict=True))
        return _Plan(order, edges)

    # Each neuron call: its `out` node and the nodes above it that carry the same L{i}.N{j}.
    groups: dict[Value, set[Value]] = {}
    member_of: dict[Value, list[Value]] = {}
    for v in order:
        key = _nn_key(v)
        if key is None or key[2] != "out":
            continue
        prefix = f"L{key[0]}.N{key[1]}."
        members: set[Value] = set()
        todo = [v]
        while todo:
            for p in todo.pop().parents:
                if (p not in members and p.label.startswith(prefix)
                        and p.label != prefix + "out"):  # another call's out stays outside
                    members.add(p)
                    todo.append(p)
        groups[v] = members
        for m in members:
            member_of.setdefault(m, []).append(v)

    children: dict[Value, list[Value]] = {m: [] for m in member_of}
    for v in order:
        for p in v.parents:
            if p in children:
                children[p].append(v)

    # A member is folded away when everything that uses it is inside its neuron calls.
    hidden: set[Value] = set()
    for v in order:  # children before parents
        outs = member_of.get(v)
        if not outs or v is root or v in groups:
            continue
        if all(
            c in outs or (c in hidden and any(o in outs for o in member_of[c]))
            for c in children[v]
        ):
            hidden.add(v)

    position = {v: i for i, v in enumerate(order)}
    neurons: dict[Value, tuple[int, int, int]] = {}
    for v in order:
        if v in hidden:
            continue
        if v not in groups:
            edges[v] = list(zip(v.parents, v.local_grads, strict=True))
            continue
        # d out / d x for every x outside the folded nodes: sum over paths through them.
        folded = groups[v] & hidden
        through = {v: 1.0}
        outside: dict[Value, float] = {}
        for u in sorted(folded | {v}, key=position.__getitem__):
            g = through.get(u)
            if g is None:
                continue
            for p, d in zip(u.parents, u.local_grads, strict=True):
                bucket = through if p in folded else outside
                bucket[p] = bucket.get(p, 0.0) + g * d
        edges[v] = list(outside.items())
        key = _nn_key(v)
        assert key is not None
        neurons[v] = (key[0], key[1], sum(1 for m in folded if m.is_leaf))
    boxes = [v for v in order if v not in hidden]
    return _Plan(boxes, edges, neurons)


def _paths_to(order: list[Value], target: Value) -> tuple[set[Value], int, float]:
    """(the nodes on a path from the root, order[0], to target; the number of such paths;
    d root / d target, the sum over those paths of the products of the local derivatives).
    The set is empty when target is not in the graph."""
    if target not in set(order):
        return set(), 0, 0.0
    root = order[0]
    on_path = {target}
    for v in reversed(order):  # parents before children
        if any(p in on_path for p in v.parents):
            on_path.add(v)
    count = {root: 1}
    total = {root: 1.0}
    for v in order:
        if v is target or v not in on_path:
            continue
        for p, d in zip(v.parents, v.local_grads, strict=True):
            if p in on_path:
                count[p] = count.get(p, 0) + count[v]
                total[p] = total.get(p, 0.0) + total[v] * d
    return on_path, count[target], total[target]


# ---------------------------------------------------------------------------------------------
# Graphviz.


def _graphviz() -> Any:
    try:
        import graphviz
    except ImportError as e:  # pragma: no cover - graphviz is a dependency
        raise ModuleNotFoundError(
            "draw: the Python package `graphviz` is missing: pip install graphviz"
        ) from e
    return graphviz


@functools.cache
def _drawing_class() -> type[Any]:
    """`graphviz.Digraph`, except that rendering without `dot` says how to install it."""
    graphviz = _graphviz()
    digraph: Any = graphviz.Digraph

    class Drawing(digraph):  # type: ignore[misc]
        """A `graphviz.Digraph` made by `autograd.draw`."""

        def pipe(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().pipe(*args, **kwargs)
            except graphviz.ExecutableNotFound as e:
                raise GraphvizNotFoundError(INSTALL_GRAPHVIZ) from e

        def render(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().render(*args, **kwargs)
            except graphviz.ExecutableNotFound as e:
                raise GraphvizNotFoundError(INSTALL_GRAPHVIZ) from e

    Drawing.__module__ = __name__
    Drawing.__qualname__ = "Drawing"
    return Drawing


def _table(rows: Sequence[str]) -> str:
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
        + "".join(rows)
        + "</TABLE>>"
    )


def _box_label(title: str, badge: str, badge_colour: str, data: float, grad: float,
               extra: str = "") -> str:
    rows = []
    if title:
        rows.append(f'<TR><TD COLSPAN="2"><B>{_text(title)}</B></TD></TR>')
    rows.append(f'<TR><TD COLSPAN="2" BGCOLOR="{badge_colour}">{_text(badge)}</TD></TR>')
    if extra:
        rows.append(f'<TR><TD COLSPAN="2"><I>{_text(extra)}</I></TD></TR>')
    for name, x in (("data", data), ("grad", grad)):
        rows.append(
            f'<TR><TD ALIGN="LEFT">{name}</TD><TD ALIGN="RIGHT">{_text(_fmt(x))}</TD></TR>'
        )
    return _table(rows)


def draw(
    root: Value,
    *,
    params: Iterable[Value] = (),
    inputs: Iterable[Value] = (),
    highlight: Value | None = None,
    edge_labels: bool | None = None,
    collapse: Literal["neuron"] | None = None,
    clusters: bool = True,
    legend: bool = True,
    rankdir: Literal["LR", "TB", "RL", "BT"] = "LR",
    max_nodes: int = MAX_NODES,
) -> Digraph:
    """The graph of `root` as a `graphviz.Digraph` (the module docstring says what it shows).

    In Jupyter the result displays itself; ``.pipe(format='svg')``, ``.render(...)`` and
    ``.source`` work as usual; `save_svg` writes a file.

    - ``params`` / ``inputs``: Values to draw as parameters / inputs (parameters are also
      recognised by their nn labels ``L{i}.N{j}.w{k}`` and ``L{i}.N{j}.b``).
    - ``highlight``: a node of the graph, usually a leaf: the paths from the root to it stand
      out, with their factors, and the caption adds them up.
    - ``edge_labels``: write d result / d operand on the edges; ``None`` (default): only when
      at most 60 boxes and 60 edges are drawn.
    - ``collapse='neuron'``: one box per neuron call of an `autograd.nn` model.
    - ``clusters``: group nn Values by layer and neuron. ``legend``: add a caption.
    - ``rankdir``: ``'LR'`` (inputs left) or ``'TB'`` (inputs on top; better for deep graphs).
    - ``max_nodes``: refuse, with `GraphTooLargeError` (a ValueError), to draw more boxes.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw: root must be a Value, not {type(root).__name__}")
    if collapse not in (None, "neuron"):
        raise ValueError(f"draw: collapse must be None or 'neuron', not {collapse!r}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"draw: rankdir must be 'LR', 'TB', 'RL' or 'BT', not {rankdir!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"draw: max_nodes must be a positive int, not {max_nodes!r}")
    if highlight is not None and not isinstance(highlight, Value):
        raise TypeError(f"draw: highlight must be a Value, not {type(highlight).__name__}")

    nodes = walk(root)  # cheap: count before any other work
    if len(nodes) > max_nodes and collapse is None:
        raise GraphTooLargeError(_too_large(root, nodes, max_nodes))
    order = _topo(root)
    plan = _plan(order, collapse)
    if len(plan.boxes) > max_nodes:
        raise GraphTooLargeError(_too_large(root, nodes, max_nodes, len(plan.boxes)))
    on_path: set[Value] = set()
    if highlight is not None:
        on_path, n_paths, total = _paths_to(order, highlight)
        if highlight not in on_path:
            raise ValueError(f"draw: highlight={_describe(highlight)} is not in the graph of "
                             f"the root {_describe(root)}")
    if edge_labels is None:
        n_edges = sum(map(len, plan.edges.values()))
        edge_labels = len(plan.boxes) <= EDGE_LABELS_UP_TO and n_edges <= EDGE_LABELS_UP_TO

    graph = _drawing_class()(name="autograd", format="svg")
    graph.attr(rankdir=rankdir, bgcolor="white", fontname=_FONT, fontsize="10",
               nodesep="0.18", ranksep="0.35")
    if collapse and not edge_labels and not on_path:
        # Dense layers of neuron boxes: bundle the parallel edges, or Graphviz routes them in
        # loops several times the drawing's height. (Bundled edges could not carry factors.)
        graph.attr(concentrate="true")
    graph.attr("node", shape="box", style="rounded,filled", fontname=_FONT, fontsize="10",
               margin="0.04", color="#555555", penwidth="1")
    graph.attr("edge", fontname=_FONT, fontsize="9", arrowsize="0.6", color=_EDGE,
               fontcolor="#444444")

    # Operands first (leaves in operand order): Graphviz keeps that order when it can.
    boxes = plan.boxes[::-1]
    ids = {v: f"n{i}" for i, v in enumerate(boxes)}
    cluster_of: dict[Value, tuple[int, int]] = {}  # (layer, neuron); neuron 0: the layer
    for v in boxes if clusters else ():
        key = _nn_key(v)
        if key is not None:  # a collapsed neuron call sits in its layer's cluster
            cluster_of[v] = (key[0], 0 if v in plan.neurons else key[1])

    roles: set[str] = set()
    in_clusters: dict[tuple[int, int], list[tuple[str, dict[str, str]]]] = {}
    for v in boxes:
        short = cluster_of.get(v, (0, 0))[1] != 0  # inside a neuron's cluster: w1, b, z, out
        attrs = _box(v, plan, set(params), set(inputs), roles, short)
        if v is root:
            attrs.update(peripheries="2", fillcolor=_ROOT_FILL)
        if v in on_path:
            attrs.update(color=_RED, penwidth="3" if v is highlight else "2")
        elif on_path:
            attrs.update(color=_FADED, fontcolor="#777777")
        if v in cluster_of:
            in_clusters.setdefault(cluster_of[v], []).append((ids[v], attrs))
        else:
            graph.node(ids[v], **attrs)
    _add_clusters(graph, in_clusters)

    for v in boxes:
        for p, d in plan.edges.get(v, ()):
            attrs = {}
            if cluster_of.get(p, (0, 0))[0] != cluster_of.get(v, (0, 0))[0]:
                attrs["minlen"] = "2"  # room between layers, so that clusters need not stagger
            if p in on_path:  # then v is on a path too
                attrs.update(label=f"<<B>×{_text(_fmt(d))}</B>>", color=_RED, fontcolor=_RED,
                             penwidth="2.2")
            else:
                if edge_labels:
                    attrs["label"] = f"<×{_text(_fmt(d))}>"
                if on_path:
                    attrs.update(color=_FADED, fontcolor="#999999")
            graph.edge(ids[p], ids[v], **attrs)

    if legend:
        top = _name(root, "root")
        lines = [f"grad: ∂{top} / ∂node"]
        if edge_labels or on_path:
            lines.append("edge ×f: local derivative ∂result / ∂operand; "
                         "backward multiplies the result's grad by f")
        colours = {"param": "orange: parameter", "input": "blue: input", "leaf": "grey: leaf"}
        lines.append("; ".join([", ".join(colours[r] for r in colours if r in roles),
                                "double border: root"]).lstrip("; "))
        if highlight is not None:
            low = _name(highlight, "the red node")
            lines.append(f"red: the {n_paths} path{'s' * (n_paths != 1)} from {top} to {low}; "
                         f"multiply the factors along each path, add the paths: "
                         f"∂{top} / ∂{low} = {_fmt(total)}")
        graph.attr(label=_table([f'<TR><TD ALIGN="LEFT">{_text(t, 300)}</TD></TR>'
                                 for t in lines]),
                   labelloc="b", labeljust="l")
    return graph


def _box(v: Value, plan: _Plan, params: set[Value], inputs: set[Value], roles: set[str],
         short: bool) -> dict[str, str]:
    """Graphviz attributes of one box; adds the leaf role it shows to `roles`."""
    if v in plan.neurons:
        layer, neuron, n_params = plan.neurons[v]
        act = "linear" if v.op == "dot" else op_text(v)
        folded = f"{n_params} param{'s' * (n_params != 1)} folded in"
        label = _box_label(f"layer {layer} / neuron {neuron}", act, _BADGE["op"], v.data, v.grad,
                           folded)
        return {"label": label, "fillcolor": _FILL["op"]}
    if v in params or (v.is_leaf and PARAM_LABEL.fullmatch(v.label)):
        role = "param"
    elif v in inputs:
        role = "input"
    elif v.is_leaf:
        role = "leaf"
    else:
        role = "op"
    if role != "op":
        roles.add(role)
    badge = role if v.is_leaf else op_text(v)
    title = v.label.rsplit(".", 1)[1] if short else v.label
    return {"label": _box_label(title, badge, _BADGE[role], v.data, v.grad),
            "fillcolor": _FILL[role]}


def _add_clusters(graph: Any,
                  nodes: dict[tuple[int, int], list[tuple[str, dict[str, str]]]]) -> None:
    """Clusters ``layer i`` containing ``layer i / neuron j`` (neuron 0: the layer itself)."""
    for layer in sorted({key[0] for key in nodes}):
        with graph.subgraph(name=f"cluster_L{layer}") as outer:
            outer.attr(label=f"layer {layer}", style="rounded,dashed", color="#999999",
                       fontcolor="#555555", labeljust="l")
            for name, attrs in nodes.get((layer, 0), ()):
                outer.node(name, **attrs)
            for neuron in sorted(j for i, j in nodes if i == layer and j):
                with outer.subgraph(name=f"cluster_L{layer}_N{neuron}") as inner:
                    inner.attr(label=f"layer {layer} / neuron {neuron} (L{layer}.N{neuron})",
                               style="rounded",
                               color="#bbbbbb", bgcolor="#fafafa")
                    for name, attrs in nodes[(layer, neuron)]:
                        inner.node(name, **attrs)


def _too_large(root: Value, nodes: list[Value], max_nodes: int,
               collapsed: int | None = None) -> str:
    """The size guard's message: how many nodes, and what to do about it."""
    n = len(nodes)
    graph = f"the graph of {root.label!r}" if root.label else "the graph"
    if collapsed is not None:  # collapse='neuron' was given
        return (f"draw: {graph} has {n} value nodes, and collapse='neuron' still draws "
                f"{collapsed} boxes, more than max_nodes={max_nodes}; Graphviz would take very "
                f"long to lay them out. Draw a smaller part of the graph (fewer samples), or "
                f"pass max_nodes={collapsed} or more to draw it anyway.")
    msg = (f"draw: {graph} has {n} value nodes, more than max_nodes={max_nodes}; Graphviz "
           "would take very long to lay it out. ")
    if not any(v.label and NN_LABEL.fullmatch(v.label) for v in nodes):
        msg += ("collapse='neuron' would not help (no autograd.nn labels found): draw a "
                "smaller part of the graph, or ")
    elif n <= 50 * max_nodes:  # small enough to count the boxes quickly
        boxes = len(_plan(_topo(root), "neuron").boxes)
        msg += f"Pass collapse='neuron' to draw each nn neuron call as one box ({boxes} boxes), or "
    else:
        msg += "Pass collapse='neuron' to draw each nn neuron call as one box, or "
    return msg + f"pass max_nodes={n} or more to draw it anyway."


# ---------------------------------------------------------------------------------------------
# Files.


def save_svg(root: Value, path: str | os.PathLike[str], **options: Any) -> Path:
    """Render `draw(root, **options)` to SVG and write it to `path` atomically: the SVG goes to
    a temporary file in the same folder, then replaces `path` in one step, so a reader never
    sees half a file and a failed render leaves an existing file untouched. Creates missing
    parent folders. Returns the path."""
    target = Path(path)
    svg: bytes = draw(root, **options).pipe(format="svg")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(svg)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def write_gallery(outdir: str | os.PathLike[str]) -> list[Path]:
    """Write the project's pictures into `outdir` and return their paths (``autograd svgs DIR``
    and ``make svg`` call this; the README shows them from docs/img):

    - ``seed004.svg``: seed 004's network after ``E_total.backward()``, every factor on its edge;
    - ``seed004_w1.svg``: the same, with the two paths from E_total to w1 highlighted;
    - ``mlp.svg``: ``MLP(2, [3, 3, 1], activation='tanh')`` on two samples with the hinge loss,
      after backward, clustered by layer and neuron;
    - ``mlp_neurons.svg``: the same graph with ``collapse='neuron'``.
    """
    from .examples import seed004
    from .nn import MLP, hinge_loss

    out = Path(outdir)
    net = seed004()
    net.E_total.backward()
    roles: dict[str, Any] = {"params": net.weights(), "inputs": [net.i1, net.i2]}
    paths = [
        save_svg(net.E_total, out / "seed004.svg", rankdir="TB", **roles),
        save_svg(net.E_total, out / "seed004_w1.svg", rankdir="TB", highlight=net.w1, **roles),
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
    paths.append(save_svg(loss, out / "mlp.svg", inputs=inputs))
    paths.append(save_svg(loss, out / "mlp_neurons.svg", inputs=inputs, collapse="neuron"))
    return paths
