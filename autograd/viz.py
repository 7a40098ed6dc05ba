"""Draw the computation graph with Graphviz: `draw` returns a `graphviz.Digraph`, `save_svg`
writes an SVG file.

What the picture shows (``rankdir='LR'``, the default: inputs on the left, the root on the right;
``'TB'``, inputs on top, suits deep graphs such as the two-layer network worked by hand):

- One box per Value: its label (when set), a badge with the op that made it (``+``, ``* 0.5``,
  ``0.85 -`` for ``0.85 - x``, ``** 2``, ``sigmoid``...), then its data and grad (4 significant
  digits; negative numbers with a typographic minus, −0.5446, where the text views keep the
  hyphen you can paste back into Python). The root has a double border.
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

Models. The nodes of an `autograd.nn` model are found from the structure nn leaves on them (its
parameters know their neuron and its place; a neuron call is the `dot` node of its weights and
bias, then its activation; a layer call is the calls of one layer's neurons that read the same
inputs), whatever the labels say, so an output renamed ``score`` is still its neuron's.

- Every node: clusters ``layer i`` > ``layer i / neuron j``; the neurons of a layer in index
  order from top to bottom (left to right with ``'TB'``), and inside a neuron w1, w2..., b.
  A model of more than 150 boxes warns (`LargeDrawingWarning`): a 2-16-16-1 MLP is a column
  30,000 points tall.
- ``collapse='neuron'``: each call of a neuron is one box (its dot node and its parameters
  folded in), in index order inside its layer and call; the edges into it carry d out / d input
  through the folded nodes. Two dense layers of 3 neurons or more with more than 12 edges
  between them are joined by one thick edge ``16×16`` between their frames (`BUNDLE_ABOVE`):
  Graphviz would route their edges in loops around the frames.
- ``collapse='layer'``: each call of a layer (on one sample) is one box: ``layer i``, its
  activation, its sizes ``16 → 16`` (inputs → neurons), its parameters folded in (and the data
  and grad of its output when it has one). The edge from another box into it stands for
  ``a×b`` edges: a values, each read by its b neurons; the edges out of it go to the nodes that
  read its outputs (one edge ``k×1`` for k outputs into one node).

Every label is user text: it goes into Graphviz as an HTML-like label, HTML-escaped, so it
cannot end the label or the DOT statement, and Graphviz writes it into the SVG as text.
"""

from __future__ import annotations

import functools
import html
import itertools
import os
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from .core import Value, topological_order
from .files import check_target, write_atomic
from .graph import backprop, topological, walk
from .names import Names, op_of
from .text import printable

if TYPE_CHECKING:
    from graphviz import Digraph  # type: ignore[import-untyped,unused-ignore]

__all__ = [
    "GRAPH_FORMATS",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "LargeDrawingWarning",
    "RenderTimeoutError",
    "draw",
    "graph_format",
    "op_text",
    "save_svg",
    "write_gallery",
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

BUNDLE_ABOVE = 12
"""``collapse='neuron'``: two dense layers of 3 neurons or more, joined by more edges than this
(every neuron of one reads every output of the other: 4×4 and up), are joined by one thick edge
labelled ``16×16``. Graphviz routes such edges between two layers' frames in loops from 4×4 on;
a layer of one or two neurons fans in or out without crossings, its edges drawn one by one."""

INSTALL_GRAPHVIZ = (
    "rendering needs the Graphviz program `dot`, which is not on PATH (the DOT text, "
    "draw(...).source, works without it). Install Graphviz: `apt-get install graphviz` "
    "(Debian, Ubuntu), `brew install graphviz` (macOS), `conda install -c conda-forge graphviz`, "
    "or see https://graphviz.org/download/ ; then restart Python (or the Jupyter kernel)."
)


class GraphTooLargeError(ValueError):
    """`draw` was asked for more boxes than ``max_nodes``."""

    __module__ = "autograd"  # tracebacks name it as users import it


class LargeDrawingWarning(UserWarning):
    """`draw` of an `autograd.nn` model, every node drawn, would be a very tall picture; the
    message says how many boxes ``collapse='neuron'`` and ``collapse='layer'`` would draw.
    ``warnings.simplefilter('ignore', autograd.viz.LargeDrawingWarning)`` silences it."""

    __module__ = "autograd.viz"


class GraphvizNotFoundError(RuntimeError):
    """Rendering needs Graphviz's `dot` program and it is not installed (or not on PATH)."""

    __module__ = "autograd"


# ---------------------------------------------------------------------------------------------
# Colours and text.

_FILL = {"param": "#fdd9a8", "input": "#cfe3fb", "leaf": "#e6e6e6", "op": "#ffffff"}
_BADGE = {"param": "#f9b86b", "input": "#8fbff2", "leaf": "#c4c4c4", "op": "#fff0b3"}
_ROOT_FILL = "#d9f2d0"
_RED = "#d62728"
_EDGE = "#7f7f7f"
_FADED = "#c8c8c8"
_FONT = "Helvetica"
_NAME_GREY = "#666666"


def _fmt(x: float) -> str:
    """4 significant digits: 0.5951, -0.01838, 0.0004252, 1e-10, inf."""
    return f"{x:.4g}"


def _num(x: float) -> str:
    """A number as the pictures write it: `_fmt` with a typographic minus, −0.5446 (the text
    views keep the ASCII hyphen, which one can copy back into Python)."""
    return _fmt(x).replace("-", "\u2212")


def _text(s: str, limit: int = 60) -> str:
    """User text made safe for an HTML-like label: characters that are not printable are shown
    as Python escapes (``\\n``, ``\\x00``; the SVG stays well-formed XML), very long text is cut,
    then ``& < > " '`` are escaped, and ``[ ]`` too (Graphviz 2.43 rejects some text made of
    ``]``: ``]`` alone, ``]]``)."""
    s = "".join(c if c.isprintable() else repr(c)[1:-1] for c in s)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return html.escape(s, quote=True).replace("[", "&#91;").replace("]", "&#93;")


def op_text(v: Value) -> str:
    """The op badge of a Value: ``+``, ``* 0.5``, ``0.85 -`` (rsub), ``** 2``, ``sigmoid``,
    ``leaky_relu(·, 0.1)``: the op, with its plain-number operand where it stands."""
    return _op_text(v, _fmt)


def _op_text(v: Value, number: Callable[[float], str]) -> str:
    """`op_text` with the plain number written by `number` (pictures: `_num`)."""
    op = op_of(v)
    numbers = [(i, x) for i, x in enumerate(v.operands) if not isinstance(x, Value)]
    if op is None or len(numbers) != 1 or len(v.operands) != 2:
        return str(v.op)
    position, c = numbers[0]
    if op.symbol is not None:
        return f"{number(c)} {op.symbol}" if position == 0 else f"{op.symbol} {number(c)}"
    slots = ["·", number(c)] if position == 1 else [number(c), "·"]
    return op.show(slots)


def _name(v: Value, default: str) -> str:
    return v.label or default


def _describe(v: Value) -> str:
    return repr(v.label) if v.label else repr(v)


# ---------------------------------------------------------------------------------------------
# Models: the neuron calls of autograd.nn, found from structure.


@dataclass
class _Call:
    """One call of an nn neuron: its dot node ``z``, its output ``out`` (z itself for a linear
    neuron), the neuron's (layer, neuron) position, the parameters the call reads, its number
    of inputs, and what it reads: its operands that are not its parameters (or, when the
    inputs are plain numbers, those numbers)."""

    z: Value
    out: Value
    position: tuple[int, int]
    params: list[Value]
    nin: int
    reads: tuple[object, ...]


@dataclass
class _LayerCall:
    """One call of an nn layer (on one sample): the calls of its neurons that read the same
    inputs, in neuron order."""

    layer: int
    calls: list[_Call]

    @property
    def outs(self) -> list[Value]:
        return [c.out for c in self.calls]


def _position(v: Value) -> tuple[int, int] | None:
    """(layer, neuron) of a parameter whose owner (an nn neuron) sits in a model."""
    position = getattr(v.owner, "position", None)
    return cast(tuple[int, int], position) if isinstance(position, tuple) else None


def _neuron_calls(order: list[Value]) -> dict[Value, _Call]:
    """Each neuron call in the graph, keyed by its output: a `dot` node whose last parent is a
    neuron's bias, and the activation node that is its only use (when the neuron has one)."""
    users: dict[Value, list[Value]] = {}
    for v in order:
        for p in v.parents:
            if p.op == "dot":
                users.setdefault(p, []).append(v)
    calls: dict[Value, _Call] = {}
    for z in order:
        if z.op != "dot":
            continue
        bias = z.parents[-1]
        owner = bias.owner
        position = _position(bias)
        if position is None or getattr(owner, "b", None) is not bias:
            continue
        params = [p for p in z.parents if p.owner is owner]
        reads: tuple[object, ...] = tuple(p for p in z.parents if p.owner is not owner)
        if not reads:  # the inputs were plain numbers: d z / d w_k = x_k
            reads = tuple(d for p, d in zip(z.parents, z.local_grads, strict=True)
                          if p is not bias)
        out = z
        uses = users.get(z, [])
        if len(uses) == 1 and uses[0].op == getattr(owner, "activation", None) \
                and uses[0].parents == (z,):
            out = uses[0]
        calls[out] = _Call(z, out, position, params, getattr(owner, "nin", len(params) - 1),
                           reads)
    return calls


def _layer_calls(calls: Iterable[_Call]) -> list[_LayerCall]:
    """The layer calls made of `calls` (given in reading order), in that order:
    the calls of one layer's neurons that read the same inputs; a neuron called twice on the
    same inputs (two identical samples) starts a second layer call."""
    found: dict[tuple[int, tuple[object, ...]], list[tuple[_LayerCall, set[int]]]] = {}
    layer_calls: list[_LayerCall] = []
    for call in calls:
        same = found.setdefault((call.position[0], call.reads), [])
        neuron = call.position[1]
        entry = next((e for e in same if neuron not in e[1]), None)
        if entry is None:
            entry = (_LayerCall(call.position[0], []), set())
            same.append(entry)
            layer_calls.append(entry[0])
        entry[0].calls.append(call)
        entry[1].add(neuron)
    for lc in layer_calls:
        lc.calls.sort(key=lambda c: c.position[1])
    return layer_calls


# ---------------------------------------------------------------------------------------------
# The plan: which boxes and edges to draw. Pure Python, no Graphviz.


def _reading_order(root: Value) -> list[Value]:
    """Every node `root` depends on, each once, operands before results and the operands of a
    node in their order (sample 1 before sample 2, x1 before x2): the order one reads the
    computation in, `autograd.core.topological_order`."""
    return topological_order(root)


_Edge = tuple[Value, float | str]
"""An edge into a box: (the box it comes from, d result / d operand or a shape ``16×16``)."""


@dataclass
class _Plan:
    boxes: list[Value]  # the nodes drawn as boxes, in reading order (`_reading_order`)
    edges: dict[Value, list[_Edge]]  # result -> the edges into it, in operand order
    calls: dict[Value, _Call] = field(default_factory=dict)
    """Every neuron call, by its output node."""
    layers: list[_LayerCall] = field(default_factory=list)
    """Every layer call, in reading order."""
    collapsed: dict[Value, int] = field(default_factory=dict)
    """Each box that stands for folded nodes (a neuron call's out node, or the node that
    stands for a layer call) -> the number of parameters folded into it."""
    layer_boxes: dict[Value, _LayerCall] = field(default_factory=dict)
    """collapse='layer': the node that stands for each layer call's box -> the layer call."""
    box_of: dict[Value, Value] = field(default_factory=dict)
    """Each folded node -> the node whose box it is drawn in."""
    dense: list[tuple[_LayerCall, _LayerCall]] = field(default_factory=list)
    """collapse='neuron': pairs of layer calls (a, b) joined by more than `BUNDLE_ABOVE`
    edges, every neuron of b reading every output of a."""


def _plan(order: list[Value], collapse: str | None) -> _Plan:
    """What to draw for the nodes `order` (`topological`: the root first)."""
    calls = _neuron_calls(order)
    reading = _reading_order(order[0])
    at = {v: i for i, v in enumerate(reading)}
    layers = _layer_calls(sorted(calls.values(), key=lambda c: at[c.out]))
    if collapse is None:
        edges = {v: _operands(v, {}) for v in order if v.parents}
        return _Plan(reading, edges, calls, layers)
    groups = _groups(layers, collapse, at)
    stand_for = {o for lc in layers for o in lc.outs if o not in groups}  # 'layer' only
    hidden = _hidden(order, groups, stand_for)
    plan = _Plan([v for v in reading if v not in hidden], {}, calls, layers)
    plan.box_of = {m: box for box, members in groups.items() for m in members if m in hidden}
    if collapse == "layer":
        plan.layer_boxes = {box: lc for lc in layers for box in lc.outs if box in groups}
    else:
        plan.dense = _dense(layers)
    position = {v: i for i, v in enumerate(order)}
    for v in plan.boxes:
        if v in groups:
            inside = {v, *(m for m in groups[v] if m in hidden)}
            plan.collapsed[v] = sum(1 for n in inside if n.is_leaf)
            lc = plan.layer_boxes.get(v)
            plan.edges[v] = (_layer_inputs(lc, inside, plan.box_of) if lc is not None else
                             _through(v, inside, position))
        elif v.parents:
            plan.edges[v] = _operands(v, plan.box_of)
    return plan


def _dense(layers: list[_LayerCall]) -> list[tuple[_LayerCall, _LayerCall]]:
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


def _groups(layers: list[_LayerCall], collapse: str,
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
    used_by: dict[Value, list[Value]] = {m: [] for m in members}
    for v in order:
        for p in v.parents:
            if p in used_by:
                used_by[p].append(v)
    hidden: set[Value] = set()
    for v in order[1:]:  # users before the nodes they use; the root is always drawn
        boxes = members.get(v)
        if v in stand_for or boxes and all(u in boxes or (u in hidden and members[u] & boxes)
                                           for u in used_by[v]):
            hidden.add(v)
    return hidden


def _operands(v: Value, box_of: Mapping[Value, Value]) -> list[_Edge]:
    """The edges into a drawn node from its operands' boxes: each with its factor, except that
    k > 1 operands drawn in one layer's box make one edge ``k×1``."""
    pairs = list(zip(v.parents, v.local_grads, strict=True))
    if not box_of:
        return list(pairs)
    sources: dict[Value, set[Value]] = {}
    for p, _ in pairs:
        sources.setdefault(box_of.get(p, p), set()).add(p)
    edges: list[_Edge] = []
    for p, d in pairs:
        box = box_of.get(p, p)
        if len(sources[box]) == 1:
            edges.append((box, d))
        elif all(b is not box for b, _ in edges):
            edges.append((box, f"{len(sources[box])}×1"))
    return edges


def _through(v: Value, inside: set[Value], position: Mapping[Value, int]) -> list[_Edge]:
    """The edges into a neuron's box: d out / d x for each x outside the nodes folded into it,
    through them (backprop from v over `inside`)."""
    through = {v: 1.0}
    for _ in backprop(sorted(inside, key=position.__getitem__), through):
        pass
    return [(p, g) for p, g in through.items() if p not in inside]


def _layer_inputs(lc: _LayerCall, inside: set[Value],
                  box_of: Mapping[Value, Value]) -> list[_Edge]:
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


def _paths_to(order: list[Value], target: Value) -> tuple[set[Value], int, float]:
    """(the nodes on a path from the root, order[0], to target; the number of such paths;
    d root / d target, the sum over those paths of the products of the local derivatives).
    The set is empty when target is not in the graph."""
    if target not in set(order):
        return set(), 0, 0.0
    on_path = {target}
    for v in reversed(order):  # parents before children
        if any(p in on_path for p in v.parents):
            on_path.add(v)
    ahead = [v for v in order if v in on_path and v is not target]
    count: dict[Value, Any] = {order[0]: 1}
    for _ in backprop(ahead, count, local=lambda v: [1] * len(v.parents), within=on_path):
        pass
    total: dict[Value, Any] = {order[0]: 1.0}
    for _ in backprop(ahead, total, within=on_path):
        pass
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


RENDER_TIMEOUT = 60.0
"""Seconds Graphviz may take to lay out a drawing before `RenderTimeoutError` (``draw(...,
timeout=)`` changes it for one drawing)."""


class RenderTimeoutError(TimeoutError):
    """Graphviz's `dot` took longer than the time limit to lay out a drawing."""

    __module__ = "autograd"


@functools.cache
def _drawing_class() -> type[Any]:
    """`graphviz.Digraph`, except that rendering runs `dot` with a time limit and, without
    `dot`, says how to install it."""
    graphviz = _graphviz()
    digraph: Any = graphviz.Digraph

    class Drawing(digraph):  # type: ignore[misc]
        """A `graphviz.Digraph` made by `autograd.draw`. ``node_ids`` maps each Value drawn
        to its Graphviz node name (``n0``, ``n1``...), which is also the ``id`` of its box in
        the SVG; the edge into box ``n5`` from its operand ``n3`` (the k-th operand drawn) has
        the ``id`` ``n3-n5-k``. ``bundles`` maps the ``id`` of each edge drawn for two dense
        layers (``bundle-n3-n20``) to the (tail, head) box names of the edges it stands
        for."""

        bundles: dict[str, list[tuple[str, str]]] = {}

        timeout: float = RENDER_TIMEOUT

        def pipe(self, format: str | None = None, renderer: str | None = None,  # noqa: A002
                 formatter: str | None = None, neato_no_op: Any = None, quiet: bool = False,
                 *, engine: str | None = None, encoding: str | None = None) -> Any:
            kind = ":".join(p for p in (format or self.format, renderer, formatter) if p)
            command = [engine or self.engine, f"-T{kind}"]
            try:
                done = subprocess.run(command, input=self.source.encode("utf-8"),
                                      capture_output=True, timeout=self.timeout, check=False)
            except FileNotFoundError as e:
                raise GraphvizNotFoundError(INSTALL_GRAPHVIZ) from e
            except subprocess.TimeoutExpired:
                raise RenderTimeoutError(
                    f"Graphviz took more than {self.timeout:g} s to lay out this drawing "
                    f"({self.source.count(' -> '):,} edges); draw a smaller graph "
                    "(collapse='neuron', fewer samples), or allow more time with draw(..., "
                    "timeout=SECONDS)") from None
            if done.returncode != 0:
                message = done.stderr.decode("utf-8", "replace").strip()
                raise RuntimeError(f"Graphviz's {command[0]} failed: {message}")
            return done.stdout.decode(encoding) if encoding else done.stdout

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


_GRAD_TEXT: ContextVar[Mapping[Value, str] | None] = ContextVar("autograd_grad_text",
                                                                 default=None)
"""Text shown as the grad of these boxes instead of their number (see `_drawing`)."""


def _drawing(root: Value, grad_text: Mapping[Value, str],
             **options: Any) -> tuple[Digraph, dict[Value, str]]:
    """`draw(root, **options)` with `grad_text` written as the grad of these boxes, and the
    node name (SVG id) of each Value drawn. `autograd.page` lays the boxes out with room for
    the 9-decimal gradients its script writes in."""
    token = _GRAD_TEXT.set(grad_text)
    try:
        graph = draw(root, **options)
    finally:
        _GRAD_TEXT.reset(token)
    return graph, graph.node_ids


def _box_label(title: str, badge: str, badge_colour: str,
               values: Sequence[tuple[str, float | str]], notes: Sequence[str] = (),
               name: str = "") -> str:
    """A box: its title (bold; the user's label) and its `name` (grey: the node's name in the
    text views where the label alone does not give it, ``mul#4``, ``[2]``), its badge, notes
    (italic), then name / value rows."""
    rows = []
    grey = f'<FONT COLOR="{_NAME_GREY}">{_text(name)}</FONT>' if name else ""
    if title or name:
        bold = f"<B>{_text(title)}</B>" if title else ""
        rows.append(f'<TR><TD COLSPAN="2">{bold}{grey}</TD></TR>')
    rows.append(f'<TR><TD COLSPAN="2" BGCOLOR="{badge_colour}">{_text(badge)}</TD></TR>')
    rows += [f'<TR><TD COLSPAN="2"><I>{_text(note)}</I></TD></TR>' for note in notes]
    for name, x in values:
        rows.append(
            f'<TR><TD ALIGN="LEFT">{name}</TD><TD ALIGN="RIGHT">'
            f'{_text(x if isinstance(x, str) else _num(x))}</TD></TR>'
        )
    return _table(rows)


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
    rankdir: Literal["LR", "TB", "RL", "BT"] = "LR",
    max_nodes: int = MAX_NODES,
    max_edges: int = MAX_EDGES,
    timeout: float = RENDER_TIMEOUT,
) -> Digraph:
    """The graph of `root` as a `graphviz.Digraph` (the module docstring says what it shows).

    In Jupyter the result displays itself; ``.pipe(format='svg')``, ``.render(...)`` and
    ``.source`` work as usual; `save_svg` writes a file.

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
    - ``rankdir``: ``'LR'`` (inputs left) or ``'TB'`` (inputs on top; better for deep graphs).
    - ``max_nodes`` / ``max_edges``: refuse, with `GraphTooLargeError` (a ValueError), to draw
      more boxes / edges (a collapsed dense layer can have few boxes and very many edges).
    - ``timeout``: seconds Graphviz may take when the drawing is rendered (`RenderTimeoutError`).
    """
    _check_options(root, collapse, rankdir, max_nodes, highlight, max_edges, timeout)
    order, plan, n_edges = _sized_plan(root, collapse, max_nodes, max_edges)
    bundles = plan.dense
    on_path, n_paths, total = _highlighted(root, order, highlight, plan)
    if edge_labels is None:
        edge_labels = len(plan.boxes) <= EDGE_LABELS_UP_TO and n_edges <= EDGE_LABELS_UP_TO

    # Leaves first, then the results, each in reading order: Graphviz keeps the order it is
    # given where it need not change it.
    boxes = [v for v in plan.boxes if v.is_leaf] + [v for v in plan.boxes if v.parents]
    ids = {v: f"n{i}" for i, v in enumerate(boxes)}
    # Without clusters, bundled layers get frames all the same, invisible: a bundle joins two.
    bundled = {out for pair in bundles for lc in pair for out in lc.outs}
    cluster_of = _clusters(boxes, plan, None if clusters else bundled)
    graph = _new_graph(rankdir, keep_order=bool(plan.layers) and bool(cluster_of))
    graph.timeout = timeout
    graph.node_ids = {**{out: ids[box] for box, lc in plan.layer_boxes.items() for out in lc.outs},
                      **ids}
    roles = _add_boxes(graph, boxes, ids, plan, cluster_of, root, highlight, on_path,
                       set(params), set(inputs), framed=clusters)
    graph.bundles = _add_bundles(graph, ids, bundles, on_path)
    skip = {(p, v) for a, b in bundles for p in a.outs for v in b.outs}
    _add_edges(graph, boxes, ids, plan, cluster_of, on_path, edge_labels, skip)
    if legend:
        _add_legend(graph, root, highlight, roles, edge_labels or bool(on_path), n_paths, total,
                    _legend_notes(plan, bool(bundles)))
    return graph


def _sized_plan(root: Value, collapse: str | None, max_nodes: int,
                max_edges: int) -> tuple[list[Value], _Plan, int]:
    """(`topological(root)`, the plan, the number of edges drawn) after the size guards; warns
    of a very tall uncollapsed drawing of a model."""
    nodes = walk(root)  # cheap: count before any other work
    if len(nodes) > max_nodes and collapse is None:
        raise GraphTooLargeError(_too_large(root, nodes, max_nodes))
    order = topological(root)
    plan = _plan(order, collapse)
    if len(plan.boxes) > max_nodes:
        raise GraphTooLargeError(_too_large(root, nodes, max_nodes, len(plan.boxes), collapse))
    # Dense layers are joined by one edge each (`_add_bundles`).
    n_edges = sum(map(len, plan.edges.values()))
    n_edges -= sum(len(a.calls) * len(b.calls) - 1 for a, b in plan.dense)
    _check_edges(n_edges, len(plan.boxes), max_edges, collapse)
    if collapse is None and plan.calls and len(plan.boxes) > WARN_ABOVE:
        _warn_large(order, len(plan.boxes))
    return order, plan, n_edges


def _warn_large(order: list[Value], n_boxes: int) -> None:
    """Warn (`LargeDrawingWarning`, as from the first caller outside autograd) that drawing
    every node of an nn model makes a very tall picture; name the collapsed box counts."""
    neurons, layers = (len(_plan(order, c).boxes) for c in ("neuron", "layer"))
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


def _add_bundles(graph: Any, ids: Mapping[Value, str],
                 bundles: list[tuple[_LayerCall, _LayerCall]],
                 on_path: set[Value]) -> dict[str, list[tuple[str, str]]]:
    """One thick edge ``a×b`` from layer call a's cluster to b's for each pair of dense layers
    (from the middle neuron box of one to that of the other, clipped at the clusters' frames).
    Returns each such edge's id -> the (tail, head) box ids of the edges it stands for."""
    bundled: dict[str, list[tuple[str, str]]] = {}
    if bundles:
        graph.attr(compound="true")
    for a, b in bundles:
        tail, head = a.outs[len(a.outs) // 2], b.outs[len(b.outs) // 2]
        name = f"bundle-{ids[tail]}-{ids[head]}"
        red = any(p in on_path for p in a.outs) and any(v in on_path for v in b.outs)
        graph.edge(ids[tail], ids[head], id=name, label=f"<{len(a.outs)}×{len(b.outs)}>",
                   ltail=f"cluster_L{a.layer}", lhead=f"cluster_L{b.layer}", minlen="2",
                   penwidth="5" if red else "4", arrowsize="0.9", fontsize="11",
                   **({"color": _RED, "fontcolor": _RED} if red else {}))
        bundled[name] = [(ids[p], ids[v]) for v in b.outs for p in a.outs]
        for v in b.outs:  # what the bundle stands for, for the layout: b's order, its rank
            graph.edge(ids[tail], ids[v], style="invis", minlen="2")
    return bundled


def _legend_notes(plan: _Plan, bundled: bool) -> list[str]:
    """What the caption says about the boxes and edges that stand for many."""
    notes = []
    if bundled:
        notes.append("thick edge a×b from one layer to the next: each of the a neurons of one "
                     "feeds each of the b neurons of the next (a·b edges drawn as one)")
    if plan.layer_boxes:
        notes.append("layer i: one call of a layer (on one sample), inputs → neurons, its "
                     "parameters folded in")
    if any(isinstance(d, str) for edges in plan.edges.values() for _, d in edges):
        notes.append("edge a×b: a values, each read by b neurons or nodes (a·b edges drawn "
                     "as one)")
    return notes


def _highlighted(root: Value, order: list[Value], highlight: Value | None,
                 plan: _Plan) -> tuple[set[Value], int, float]:
    """(the nodes and boxes on a path from the root to `highlight`, the number of paths,
    d root / d highlight); nothing without a highlight."""
    if highlight is None:
        return set(), 0, 0.0
    on_path, n_paths, total = _paths_to(order, highlight)
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
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"draw: rankdir must be 'LR', 'TB', 'RL' or 'BT', not {rankdir!r}")
    for name, limit in (("max_nodes", max_nodes), ("max_edges", max_edges)):
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"draw: {name} must be a positive int, not {limit!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"draw: timeout must be a number of seconds > 0, not {timeout!r}")
    if highlight is not None and not isinstance(highlight, Value):
        raise TypeError(f"draw: highlight must be a Value, not {type(highlight).__name__}")


def _new_graph(rankdir: str, keep_order: bool) -> Any:
    graph = _drawing_class()(name="autograd", format="svg")
    graph.attr(rankdir=rankdir, bgcolor="white", fontname=_FONT, fontsize="10",
               nodesep="0.18", ranksep="0.35")
    if keep_order:
        # Neurons in index order: inside clusters Graphviz (2.43 at least) ignores `ordering`
        # and invisible same-rank edges, and its crossing reduction shuffles the equally good
        # orders of dense layers. Few of its passes keep the order the boxes are given in.
        graph.attr(mclimit="0.01")
    graph.attr("node", shape="box", style="rounded,filled", fontname=_FONT, fontsize="10",
               margin="0.04", color="#555555", penwidth="1")
    # decorate: a label is underlined and tied to the middle of its edge by a line, so that
    # it belongs to one edge where several pass close by.
    graph.attr("edge", fontname=_FONT, fontsize="9", arrowsize="0.6", color=_EDGE,
               fontcolor="#444444", decorate="true")
    return graph


def _clusters(boxes: list[Value], plan: _Plan,
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
        elif (position := _position(v)) is not None:
            cluster_of[v] = position
    return cluster_of


def _add_boxes(graph: Any, boxes: list[Value], ids: dict[Value, str], plan: _Plan,
               cluster_of: dict[Value, tuple[int, int]], root: Value, highlight: Value | None,
               on_path: set[Value], params: set[Value], inputs: set[Value],
               framed: bool) -> set[str]:
    """Add one node per box (clusters included, `framed` or invisible); return the leaf roles
    shown."""
    roles: set[str] = set()
    in_clusters: dict[tuple[int, int], list[tuple[str, dict[str, str]]]] = {}
    keys = _order_keys(plan)
    names = Names(root)
    for v in sorted(boxes, key=lambda v: keys.get(v, ())):  # stable: others keep their order
        short = cluster_of.get(v, (0, 0))[1] != 0  # inside a neuron's cluster: w1, b, z, out
        attrs = _box(v, plan, params, inputs, roles, short, names(v))
        attrs["id"] = ids[v]
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
    in_layers: dict[int, list[list[str]]] = {}  # layer -> its calls' neuron boxes, in order
    for lc in plan.layers:
        chain = [ids[v] for v in lc.outs if v in ids]
        where = cluster_of.get(lc.outs[0])
        if len(chain) < 2:
            continue
        if where is None:
            _add_chain(graph, chain)
        elif where[1] == 0:  # collapsed: in the layer's cluster
            in_layers.setdefault(where[0], []).append(chain)
    _add_clusters(graph, in_clusters, in_layers, framed)
    return roles


def _order_keys(plan: _Plan) -> dict[Value, tuple[int, ...]]:
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


def _add_chain(graph: Any, names: list[str]) -> None:
    """Boxes in one rank, in this order (top to bottom with rankdir LR): invisible edges
    between boxes of one rank order them, where Graphviz respects them (outside clusters)."""
    with graph.subgraph() as same:
        same.attr(rank="same")
        for tail, head in itertools.pairwise(names):
            same.edge(tail, head, style="invis")


def _add_edges(graph: Any, boxes: list[Value], ids: dict[Value, str], plan: _Plan,
               cluster_of: dict[Value, tuple[int, int]], on_path: set[Value],
               edge_labels: bool, skip: set[tuple[Value, Value]]) -> None:
    """One edge per operand drawn (``n3-n5-k``: into box n5, its k-th), but those in `skip`
    (drawn as a bundle)."""
    for v in boxes:
        for k, (p, d) in enumerate(plan.edges.get(v, ())):
            if (p, v) in skip:
                continue
            attrs = {"id": f"{ids[p]}-{ids[v]}-{k}"}
            if cluster_of.get(p, (0, 0))[0] != cluster_of.get(v, (0, 0))[0]:
                attrs["minlen"] = "2"  # room between layers, so that clusters need not stagger
            shape = isinstance(d, str)  # many edges in one: always labelled
            text = _text(d if isinstance(d, str) else f"×{_num(d)}")
            if shape:
                attrs["penwidth"] = "2"
            if p in on_path and v in on_path:
                attrs.update(label=f"<<B>{text}</B>>", color=_RED, fontcolor=_RED,
                             penwidth="2.2")
            else:
                if edge_labels or shape:
                    attrs["label"] = f"<{text}>"
                if on_path:
                    attrs.update(color=_FADED, fontcolor="#999999")
            graph.edge(ids[p], ids[v], **attrs)


def _add_legend(graph: Any, root: Value, highlight: Value | None, roles: set[str],
                factors: bool, n_paths: int, total: float, notes: Sequence[str]) -> None:
    top = _name(root, "root")
    lines = [f"grad: ∂{top} / ∂node"]
    if factors:
        lines.append("edge ×f: local derivative ∂result / ∂operand; "
                     "backward multiplies the result's grad by f")
    lines += notes
    colours = {"param": "orange: parameter", "input": "blue: input", "leaf": "grey: leaf"}
    lines.append("; ".join([", ".join(colours[r] for r in colours if r in roles),
                            "double border: root"]).lstrip("; "))
    if highlight is not None:
        low = _name(highlight, "the red node")
        lines.append(f"red: the {n_paths} path{'s' * (n_paths != 1)} from {top} to {low}; "
                     f"multiply the factors along each path, add the paths: "
                     f"∂{top} / ∂{low} = {_num(total)}")
    graph.attr(label=_table([f'<TR><TD ALIGN="LEFT">{_text(t, 300)}</TD></TR>' for t in lines]),
               labelloc="b", labeljust="l")


def _box(v: Value, plan: _Plan, params: set[Value], inputs: set[Value], roles: set[str],
         short: bool, name: str) -> dict[str, str]:
    """Graphviz attributes of one box (`name`: its name in the text views); adds the leaf role
    it shows to `roles`."""
    texts = _GRAD_TEXT.get()
    grad = v.grad if texts is None else texts.get(v, v.grad)
    values: list[tuple[str, float | str]] = [("data", v.data), ("grad", grad)]
    if v in plan.collapsed:
        n_params = plan.collapsed[v]
        folded = f"{n_params} param{'s' * (n_params != 1)} folded in"
        lc = plan.layer_boxes.get(v)
        if lc is None:
            layer, neuron = plan.calls[v].position
            title, notes = f"layer {layer} / neuron {neuron}", [folded]
        else:  # a layer's box shows its one output's numbers, or none
            title, notes = f"layer {lc.layer}", [f"{lc.calls[0].nin} → {len(lc.calls)}", folded]
            values = values if len(lc.calls) == 1 else []
        act = "linear" if v.op == "dot" else _op_text(v, _num)
        label = _box_label(title, act, _BADGE["op"], values, notes)
        return {"label": label, "fillcolor": _FILL["op"]}
    if v in params or v.owner is not None:
        role = "param"
    elif v in inputs:
        role = "input"
    elif v.is_leaf:
        role = "leaf"
    else:
        role = "op"
    if role != "op":
        roles.add(role)
    badge = role if v.is_leaf else _op_text(v, _num)
    title = v.label.rsplit(".", 1)[-1] if short else v.label
    # A label several nodes carry (a model called on a batch) is named label[k] (sample k).
    extra = name[len(printable(v.label)):] if v.label else name
    return {"label": _box_label(title, badge, _BADGE[role], values, name=extra),
            "fillcolor": _FILL[role]}


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
                _add_chain(outer, chain)
            for neuron in sorted(j for i, j in nodes if i == layer and j):
                with outer.subgraph(name=f"cluster_L{layer}_N{neuron}") as inner:
                    inner.attr(label=f"layer {layer} / neuron {neuron} (L{layer}.N{neuron})",
                               style="rounded",
                               color="#bbbbbb", bgcolor="#fafafa")
                    for name, attrs in nodes[(layer, neuron)]:
                        inner.node(name, **attrs)


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
    if not any(_position(v) is not None for v in nodes):
        msg += ("collapse='neuron' would not help (no autograd.nn model in it): draw a "
                "smaller part of the graph, or ")
    elif n <= 50 * max_nodes:  # small enough to count the boxes quickly
        order = topological(root)
        neurons, layers = (len(_plan(order, c).boxes) for c in ("neuron", "layer"))
        msg += (f"Pass collapse='neuron' to draw each nn neuron call as one box ({neurons} "
                f"boxes) or collapse='layer' each layer call ({layers} boxes), or ")
    else:
        msg += ("Pass collapse='neuron' to draw each nn neuron call as one box, or "
                "collapse='layer' each layer call, or ")
    return msg + f"pass max_nodes={n} or more to draw it anyway."


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
    its target is written). Creates missing parent folders. Returns the path."""
    kind = graph_format(path)
    check_target(path, "save_svg")  # before the work of rendering
    drawing = draw(root, **options)
    data: bytes = drawing.source.encode("utf-8") if kind == "dot" else drawing.pipe(format=kind)
    return Path(write_atomic(path, data, what="save_svg", make_folders=True))


def write_gallery(outdir: str | os.PathLike[str]) -> list[Path]:
    """Write the project's pictures into `outdir` and return their paths (``autograd svgs DIR``
    and ``make svg`` call this; the README shows them from docs/img):

    - ``two_layer.svg``: the two-layer sigmoid network worked by hand, after
      ``E_total.backward()``, every factor on its edge;
    - ``two_layer_w1.svg``: the same, with the two paths from E_total to w1 highlighted;
    - ``mlp.svg``: ``MLP(2, [3, 3, 1], activation='tanh')`` on two samples with the hinge loss,
      after backward, clustered by layer and neuron;
    - ``mlp_neurons.svg``: the same graph with ``collapse='neuron'``;
    - ``mlp_16x16_neurons.svg``: ``MLP(2, [16, 16, 1])`` (relu) on one sample with the hinge
      loss, after backward, ``collapse='neuron'``: 16 neurons a layer, in order, the two hidden
      layers joined by one edge ``16×16``;
    - ``mlp_16x16_layers.svg``: the same graph with ``collapse='layer'``.
    """
    from .examples import two_layer_sigmoid
    from .nn import MLP, hinge_loss

    out = Path(outdir)
    net = two_layer_sigmoid()
    net.E_total.backward()
    roles: dict[str, Any] = {"params": net.parameters(), "inputs": [net.i1, net.i2]}
    paths = [
        save_svg(net.E_total, out / "two_layer.svg", rankdir="TB", **roles),
        save_svg(net.E_total, out / "two_layer_w1.svg", rankdir="TB", highlight=net.w1, **roles),
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

    big = MLP(2, [16, 16, 1], seed=4)
    x = [Value(0.5, "x1"), Value(-1.0, "x2")]
    loss = hinge_loss(cast(Value, big(x)), 1.0)
    loss.label = "loss"
    loss.backward()
    for mode in ("neuron", "layer"):
        paths.append(save_svg(loss, out / f"mlp_16x16_{mode}s.svg", inputs=x, collapse=mode))
    return paths
