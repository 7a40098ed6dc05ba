"""Draw the computation graph with Graphviz: `draw` (or ``v.draw()``) returns a
`graphviz.Digraph`, `save_svg` writes an SVG file.

What the picture shows:

- One box per Value: its label (when set), a badge with the op that made it (``+``, ``* 0.5``,
  ``0.5 *`` for ``0.5 * x``, ``0.85 -`` for ``0.85 - x``, ``** 2``, ``sigmoid``...: a plain
  number stands where the code wrote it), then its data and grad (4 significant digits;
  negative numbers with a typographic minus, −0.5446, where the text views keep the hyphen you
  can paste back into Python). The root has a double border.
- Leaves have no op; their badge and colour say what they are. *Parameters* (orange): leaves
  with an owner (`Value.owner`: the weights and biases of an `autograd.nn` model), and any
  Value passed in ``params=``. *Inputs* (blue): the Values passed in ``inputs=``. Every other
  leaf is a plain *leaf* (grey). Nothing else is guessed: a leaf is an input only when you say
  so.
- An edge goes from an operand to its result and carries the local derivative
  d result / d operand, written ``×0.2411``: the factor `backward()` multiplies the result's
  grad by (`Value.local_grads`). A node's grad is the sum, over the paths from the root, of the
  products of these factors. Shown by default when at most 60 boxes and 60 edges are drawn;
  each factor is underlined and tied to the middle of its own edge by a thin line.
- ``highlight=w1`` draws the paths from the root down to ``w1`` in red, with their factors, and
  the caption adds them up: it is d root / d w1.
- The direction: ``rankdir='LR'`` puts the inputs on the left and the root on the right,
  ``'TB'`` the inputs on top. By default (``None``) a model of `autograd.nn` is drawn ``'LR'``,
  and any other graph ``'LR'`` unless that would be wider than a screen while ``'TB'`` is
  narrower (the two-layer network worked by hand: 13 ranks deep, 7 boxes wide).

Models. The nodes of an `autograd.nn` model are found from the structure nn leaves on them
(`autograd.viz_models`), whatever the labels say, so an output renamed ``score`` is still its
neuron's.

- Every node: clusters ``layer i`` > ``layer i / neuron j``; the neurons of a layer in index
  order from top to bottom (left to right with ``'TB'``), and inside a neuron w1, w2..., b.
  A model of more than 150 boxes warns (`LargeDrawingWarning`): a 2-16-16-1 MLP is a column
  30,000 points tall.
- ``collapse='neuron'``: each call of a neuron is one box, ``layer i / neuron j`` (its dot
  node and its parameters folded in: ``w1, w2, b folded in``), in index order inside its layer
  and call. The box lists the edges into it, one row each with the factor d out / d input
  (through the folded nodes), and each edge ends at its row, so that a factor belongs to one
  edge however the edges cross. Two dense layers of 3 neurons or more with more than 12 edges
  between them are joined by one thick edge ``16×16`` between their frames
  (`autograd.viz_plan.BUNDLE_ABOVE`): Graphviz would route their edges in loops around the
  frames.
- ``collapse='layer'``: each call of a layer (on one sample) is one box: ``layer i``, its
  activation, its sizes ``16 → 16`` (inputs → neurons), its weights and biases folded in (and
  the data and grad of its output when it has one). The edge from another box into it stands
  for ``a×b`` edges: a values, each read by its b neurons; the edges out of it go to the nodes
  that read its outputs (one edge ``k×1`` for k outputs into one node).

Every label is user text: it goes into Graphviz as an HTML-like label, HTML-escaped, so it
cannot end the label or the DOT statement, and Graphviz writes it into the SVG as text. The
parts: `autograd.viz_models` (finding a model's calls), `autograd.viz_plan` (what to draw),
`autograd.viz_text`, `autograd.viz_dot` and `autograd.viz_edges` (the DOT),
`autograd.viz_render` (rendering).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .core import Value
from .files import FileTargetError, check_target, write_atomic
from .graph import topological
from .viz_dot import Scene, add_boxes, clusters_of, new_graph, port_rows
from .viz_edges import add_bundles, add_edges, add_legend, bundle_skips, legend_notes
from .viz_models import position_of
from .viz_plan import Plan, make_plan, paths_to
from .viz_render import RENDER_TIMEOUT, GraphvizNotFoundError, RenderTimeoutError
from .viz_text import Number, fmt4, op_badge, picture_number

if TYPE_CHECKING:
    from graphviz import Digraph  # type: ignore[import-untyped,unused-ignore]

__all__ = [
    "EDGE_LABELS_UP_TO",
    "GRAPH_FORMATS",
    "MAX_EDGES",
    "MAX_NODES",
    "RENDER_TIMEOUT",
    "WARN_ABOVE",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "LargeDrawingWarning",
    "RenderTimeoutError",
    "draw",
    "draw_with",
    "graph_format",
    "op_text",
    "save_svg",
]

MAX_NODES = 2000
"""Default size guard: `draw` refuses graphs with more boxes than this."""

MAX_EDGES = 5000
"""Default size guard: `draw` refuses drawings with more edges than this."""

EDGE_LABELS_UP_TO = 60
"""``edge_labels=None`` shows the edge factors when at most this many boxes and edges are drawn."""

WARN_ABOVE = 150
"""An uncollapsed drawing of an `autograd.nn` model with more boxes than this warns
(`LargeDrawingWarning`): it comes out as a column thousands of points tall."""

SCREEN_WIDTH = 1050
"""Points (1,400 pixels): ``rankdir=None`` draws a graph top to bottom when left to right would
be wider than this and top to bottom narrower."""


class GraphTooLargeError(ValueError):
    """`draw` was asked for more boxes than ``max_nodes``."""

    __module__ = "autograd"  # tracebacks name it as users import it


class LargeDrawingWarning(UserWarning):
    """`draw` of an `autograd.nn` model, every node drawn, would be a very tall picture; the
    message says how many boxes ``collapse='neuron'`` and ``collapse='layer'`` would draw.
    ``warnings.simplefilter('ignore', autograd.viz.LargeDrawingWarning)`` silences it."""

    __module__ = "autograd.viz"


def op_text(v: Value) -> str:
    """The op badge of a Value: ``+``, ``* 0.5``, ``0.5 *`` (for ``0.5 * x``), ``0.85 -``,
    ``** 2``, ``sigmoid``, ``leaky_relu(·, 0.1)``: the op, with its plain-number operand where
    the code wrote it."""
    return op_badge(v, fmt4)


def draw(
    root: Value,
    *,
    params: Iterable[Value] = (),
    inputs: Iterable[Value] = (),
    highlight: Value | None = None,
    edge_labels: bool | None = None,
    collapse: Literal["neuron", "layer"] | None = None,
    clusters: bool = True,
    legend: bool = True,
    rankdir: Literal["LR", "TB", "RL", "BT"] | None = None,
    max_nodes: int = MAX_NODES,
    max_edges: int = MAX_EDGES,
    timeout: float = RENDER_TIMEOUT,
) -> Digraph:
    """The graph of `root` as a `graphviz.Digraph` (the module docstring says what it shows);
    ``root.draw(...)`` is the same.

    In Jupyter the result displays itself; ``.pipe(format='svg')``, ``.render(...)`` and
    ``.source`` work as usual; `save_svg` writes a file; its repr says how many boxes and
    edges it has.

    - ``params`` / ``inputs``: Values to draw as parameters / inputs (the
      leaves with an owner, which `autograd.nn` makes, are parameters anyway).
    - ``highlight``: a node of the graph, usually a leaf: the paths from the root to it stand
      out, with their factors, and the caption adds them up.
    - ``edge_labels``: write d result / d operand on the edges; ``None`` (default): only when
      at most 60 boxes and 60 edges are drawn.
    - ``collapse='neuron'``: one box per neuron call of an `autograd.nn` model (two dense
      layers are joined by one thick edge ``16×16``; ``.bundles`` lists what it stands for);
      ``collapse='layer'``: one box per layer call (a layer applied to one sample), for big
      models. ``draw(...).node_ids`` then maps every output of a layer call to its box.
      Without collapse, a model of more than 150 boxes warns (`LargeDrawingWarning`).
    - ``clusters``: group nn Values by layer and neuron. ``legend``: add a caption.
    - ``rankdir``: ``'LR'`` (inputs left) or ``'TB'`` (inputs on top); ``None`` (default)
      chooses: ``'TB'`` for a graph too deep to fit a screen's width left to right.
    - ``max_nodes`` / ``max_edges``: refuse, with `GraphTooLargeError` (a ValueError), to draw
      more boxes / edges (a collapsed dense layer can have few boxes and very many edges).
    - ``timeout``: seconds Graphviz may take when the drawing is rendered (`RenderTimeoutError`).
    """
    return draw_with(root, params=params, inputs=inputs, highlight=highlight,
                     edge_labels=edge_labels, collapse=collapse, clusters=clusters,
                     legend=legend, rankdir=rankdir, max_nodes=max_nodes, max_edges=max_edges,
                     timeout=timeout)


def draw_with(root: Value, *, grad_text: Mapping[Value, str] | None = None,
              number: Number = picture_number, **options: Any) -> Digraph:
    """`draw(root, **options)`, with `grad_text` written as the grad of these boxes instead of
    their number, and every number written by `number`. The step-through page (`autograd.page`)
    writes the text views' numbers (`autograd.text.fmt`) and lays the boxes out with room for
    the gradients its script writes in; ``.node_ids`` gives the box of each Value."""
    return _draw(root, dict(grad_text or {}), number, **options)


def _draw(
    root: Value,
    grad_text: dict[Value, str],
    number: Number,
    *,
    params: Iterable[Value] = (),
    inputs: Iterable[Value] = (),
    highlight: Value | None = None,
    edge_labels: bool | None = None,
    collapse: Literal["neuron", "layer"] | None = None,
    clusters: bool = True,
    legend: bool = True,
    rankdir: Literal["LR", "TB", "RL", "BT"] | None = None,
    max_nodes: int = MAX_NODES,
    max_edges: int = MAX_EDGES,
    timeout: float = RENDER_TIMEOUT,
) -> Any:
    _check_options(root, collapse, rankdir, max_nodes, highlight, max_edges, timeout)
    plan = _sized_plan(root, collapse, max_nodes, max_edges)
    n_edges = plan.edge_count()
    on_path, n_paths, total = _highlighted(root, highlight, plan)
    if edge_labels is None:
        edge_labels = len(plan.boxes) <= EDGE_LABELS_UP_TO and n_edges <= EDGE_LABELS_UP_TO

    # Leaves first, then the results, each in reading order: Graphviz keeps the order it is
    # given where it need not change it.
    boxes = [v for v in plan.boxes if v.is_leaf] + [v for v in plan.boxes if v.parents]
    ids = {v: f"n{i}" for i, v in enumerate(boxes)}
    # Without clusters, bundled layers get frames all the same, invisible: a bundle joins two.
    bundled = {out for pair in plan.dense for lc in pair for out in lc.outs}
    scene = Scene(root, plan, ids, number, grad_text, set(params), set(inputs), highlight,
                  on_path, edge_labels, clusters_of(boxes, plan, None if clusters else bundled),
                  bundle_skips(plan.dense))
    scene.rankdir = rankdir or _direction(plan)
    graph = new_graph(scene.rankdir, keep_order=bool(plan.layers) and bool(scene.cluster_of))
    graph.timeout = timeout
    graph.node_ids = {**{out: ids[box] for box, lc in plan.layer_boxes.items() for out in lc.outs},
                      **ids}
    graph.boxes, graph.edges = len(boxes), n_edges
    graph.title = repr(root.label) if root.label else "the graph"
    roles = add_boxes(graph, scene, boxes, framed=clusters)
    graph.bundles = add_bundles(graph, scene)
    add_edges(graph, scene, boxes)
    if legend:
        rows = any(port_rows(scene, v) for v in plan.collapsed)
        add_legend(graph, scene, roles, edge_labels or bool(on_path), n_paths, total,
                   legend_notes(plan, rows))
    return graph


def _direction(plan: Plan) -> str:
    """``'TB'`` for a graph that is not a model and is too deep to fit `SCREEN_WIDTH` drawn
    left to right, when top to bottom is narrower; else ``'LR'``. A rank left to right takes
    about 130 points (a box and its edge labels), a box in a rank top to bottom about 90."""
    if plan.layers:
        return "LR"
    rank: dict[Value, int] = {}
    for v in plan.boxes:  # reading order: operands first
        rank[v] = 1 + max((rank[p] for p, _ in plan.edges.get(v, ()) if p in rank), default=0)
    depth = max(rank.values(), default=1)
    breadth = max(Counter(rank.values()).values(), default=1)
    wide, tall = 130 * depth, 90 * breadth
    return "TB" if wide > SCREEN_WIDTH and tall < wide else "LR"


def _sized_plan(root: Value, collapse: str | None, max_nodes: int, max_edges: int) -> Plan:
    """The plan after the size guards; warns of a very tall uncollapsed drawing of a model."""
    order = topological(root)  # cheap: count before any other work
    if len(order) > max_nodes and collapse is None:
        raise GraphTooLargeError(_too_large(root, order, max_nodes))
    plan = make_plan(order, collapse)
    if len(plan.boxes) > max_nodes:
        raise GraphTooLargeError(_too_large(root, order, max_nodes, len(plan.boxes), collapse))
    _check_edges(plan.edge_count(), len(plan.boxes), max_edges, collapse)
    if collapse is None and plan.calls and len(plan.boxes) > WARN_ABOVE:
        _warn_large(order, len(plan.boxes))
    return plan


def _too_large(root: Value, nodes: list[Value], max_nodes: int,
               collapsed: int | None = None, collapse: str | None = None) -> str:
    """The size guard's message: how many nodes, and what to do about it."""
    n = len(nodes)
    graph = f"the graph of {root.label!r}" if root.label else "the graph"
    if collapsed is not None and collapse is not None:
        return (f"draw: {graph} has {n} value nodes, and collapse={collapse!r} still draws "
                f"{collapsed} boxes, more than max_nodes={max_nodes}; Graphviz would take very "
                f"long to lay them out. Draw a smaller part of the graph (fewer samples)"
                + (", or collapse='layer'" if collapse == "neuron" else "")
                + f", or pass max_nodes={collapsed} or more to draw it anyway.")
    msg = (f"draw: {graph} has {n} value nodes, more than max_nodes={max_nodes}; Graphviz "
           "would take very long to lay it out. ")
    if not any(position_of(v) is not None for v in nodes):
        msg += ("collapse='neuron' would not help (no autograd.nn model in it): draw a "
                "smaller part of the graph, or ")
    elif n <= 50 * max_nodes:  # small enough to count the boxes quickly
        neurons, layers = (len(make_plan(nodes, c).boxes) for c in ("neuron", "layer"))
        msg += (f"Pass collapse='neuron' to draw each nn neuron call as one box ({neurons} "
                f"boxes) or collapse='layer' each layer call ({layers} boxes), or ")
    else:
        msg += ("Pass collapse='neuron' to draw each nn neuron call as one box, or "
                "collapse='layer' each layer call, or ")
    return msg + f"pass max_nodes={n} or more to draw it anyway."


def _warn_large(order: list[Value], n_boxes: int) -> None:
    """Warn (`LargeDrawingWarning`, as from the first caller outside autograd) that drawing
    every node of an nn model makes a very tall picture; name the collapsed box counts."""
    neurons, layers = (len(make_plan(order, c).boxes) for c in ("neuron", "layer"))
    level, frame = 1, sys._getframe(0)
    package = os.path.dirname(os.path.abspath(__file__))
    while frame.f_back is not None and os.path.abspath(frame.f_code.co_filename).startswith(
            package):
        level, frame = level + 1, frame.f_back
    warnings.warn(LargeDrawingWarning(
        f"draw: {n_boxes} boxes, an autograd.nn model drawn node by node: a picture thousands "
        f"of points tall. collapse='neuron' draws {neurons} boxes (one per neuron call), "
        f"collapse='layer' {layers} (one per layer call, a picture only: no step-through "
        "page)."), stacklevel=level)


def _check_edges(n_edges: int, n_boxes: int, max_edges: int, collapse: str | None) -> None:
    if n_edges > max_edges:
        raise GraphTooLargeError(
            f"draw: the drawing would have {n_edges:,} edges between {n_boxes:,} boxes, "
            f"more than max_edges={max_edges:,}; Graphviz would take very long to route them. "
            + ("Draw fewer samples or a smaller part of the graph" if collapse else
               "collapse='neuron' draws each nn neuron call as one box, collapse='layer' each "
               "layer call; or draw a smaller part")
            + f", or pass max_edges={n_edges} to draw it anyway.")


def _describe(v: Value) -> str:
    return repr(v.label) if v.label else repr(v)


def _highlighted(root: Value, highlight: Value | None,
                 plan: Plan) -> tuple[set[Value], int, float]:
    """(the nodes and boxes on a path from the root to `highlight`, the number of paths,
    d root / d highlight); nothing without a highlight."""
    if highlight is None:
        return set(), 0, 0.0
    on_path, n_paths, total = paths_to(root, highlight)
    if highlight not in on_path:
        raise ValueError(f"draw: highlight={_describe(highlight)} is not in the graph of "
                         f"the root {_describe(root)}")
    on_path |= {plan.box_of[v] for v in on_path if v in plan.box_of}
    return on_path, n_paths, total


def _check_options(root: Value, collapse: object, rankdir: object, max_nodes: object,
                   highlight: object, max_edges: object = MAX_EDGES,
                   timeout: object = RENDER_TIMEOUT) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"draw: root must be a Value, not {type(root).__name__}")
    if collapse not in (None, "neuron", "layer"):
        raise ValueError(f"draw: collapse must be None (every node), 'neuron' (one box per "
                         f"neuron call) or 'layer' (one box per layer call), not {collapse!r}")
    if rankdir not in (None, "LR", "TB", "RL", "BT"):
        raise ValueError(f"draw: rankdir must be None (chosen), 'LR', 'TB', 'RL' or 'BT', not "
                         f"{rankdir!r}")
    for name, limit in (("max_nodes", max_nodes), ("max_edges", max_edges)):
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"draw: {name} must be a positive int, not {limit!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"draw: timeout must be a number of seconds > 0, not {timeout!r}")
    if highlight is not None and not isinstance(highlight, Value):
        raise TypeError(f"draw: highlight must be a Value, not {type(highlight).__name__}")


# ---------------------------------------------------------------------------------------------
# Files.


GRAPH_FORMATS = ("svg", "png", "pdf", "dot")
"""What `save_svg` writes, by the file's suffix (no suffix: SVG)."""


def graph_format(path: str | os.PathLike[str]) -> str:
    """The format a drawing saved at `path` is written in, from its suffix; a ValueError for a
    suffix that is none of `GRAPH_FORMATS` (an SVG written into ``out.png`` would be wrong)."""
    suffix = Path(os.fsdecode(path)).suffix.lower().lstrip(".")
    if not suffix:
        return "svg"
    if suffix not in GRAPH_FORMATS:
        raise ValueError(f"cannot write a drawing as .{suffix}: the file's suffix chooses the "
                         f"format, one of {', '.join('.' + f for f in GRAPH_FORMATS)}")
    return suffix


def save_svg(root: Value, path: str | os.PathLike[str], **options: Any) -> Path:
    """Render `draw(root, **options)` and write it to `path`: SVG, or PNG, PDF or the DOT source
    as the suffix says (`graph_format`). Written atomically (`autograd.files.write_atomic`: a
    reader never sees half a file, a failed render leaves an existing file untouched, a device
    or FIFO is refused, an existing file keeps its permissions, a symbolic link stays one and
    its target is written). A path that names a folder (``out/``, or an existing folder) is
    refused (`autograd.files.FileTargetError`). Creates missing parent folders. Returns the
    path."""
    if isinstance(path, (str, bytes, os.PathLike)) \
            and os.path.basename(text := os.fsdecode(path)) in ("", ".", ".."):
        raise FileTargetError(f"save_svg: {text!r} names a folder, not a file; give the "
                              f"file's name too, e.g. {os.path.join(text, 'graph.svg')!r}")
    kind = graph_format(path)
    check_target(path, "save_svg")  # before the work of rendering
    drawing = draw(root, **options)
    data: bytes = drawing.source.encode("utf-8") if kind == "dot" else drawing.pipe(format=kind)
    return Path(write_atomic(path, data, what="save_svg", make_folders=True))


def _value_draw(self: Value, **options: Any) -> Digraph:
    """The picture of this Value's graph: `autograd.draw(self, **options)` (in Jupyter it shows
    itself; `autograd.save_svg(v, path)` writes it)."""
    return draw(self, **options)


setattr(Value, "draw", _value_draw)  # noqa: B010 - declared in autograd.core
