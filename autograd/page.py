"""The step-through page: the graph in a browser, `backward()` replayed one node at a time.

`save_html(root, path)` writes one self-contained HTML file (the SVG, the script and the style
inline, nothing fetched from the network, works from ``file://``); `show(root)` gives an object
that Jupyter (classic, JupyterLab, VS Code) displays inline. The page shows `draw(root)` and
replays `backward_steps(root)`: buttons, a slider and the keyboard (→ next, ← back, Home, End)
move through the steps. At each step the node's box and the edges its gradient flows back along
are highlighted, the panel shows the step as its text view (`str(step)`) writes it, and every
box shows its gradient as it is after that step (none before the first step). Clicking a leaf
or a labelled box shows `explain(root, node)` and highlights its paths.

Everything is computed here, in Python; the script only replays it. The numbers are
`backward_steps`'s own, with its formatting (`autograd.inspect.fmt`, 9 decimals). The page shows
one backward pass from zero gradients, as on a fresh graph; the Values' ``.grad`` are left as
they were.

With ``collapse='neuron'`` the page replays every step all the same, over the boxes drawn: the
step of a node folded into a neuron's box (its ``dot`` node) highlights that box, and a neuron's
box shows the grad of the neuron's output. Folded parameters have no box; their gradients are
in the step's text. Where two dense layers are joined by one thick edge (a bundle, see
`autograd.draw`), a step that sends gradients along any of the edges it stands for highlights
the bundle. ``collapse='layer'`` has no page (a ValueError): a layer's box shows no
gradients to step through.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from .core import Value
from .files import write_atomic
from .graph import topological, walk
from .inspect import Step, backward_steps, explain, fmt
from .viz import MAX_NODES, GraphTooLargeError, draw, draw_with

__all__ = ["EXPLAIN_UP_TO", "StepPage", "save_html", "show"]

EXPLAIN_UP_TO = 200
"""The page carries `explain` for at most this many boxes: the labelled ones first (in the
order backward visits them), then the unlabelled leaves (in the order the code used them).
`explain(root, node)` in Python gives the others."""

_MINUS_WIDTH = {"-": 0.6, ".": 0.5, "e": 1.0}  # rough glyph widths relative to a digit


@dataclass(frozen=True)
class StepPage:
    """The step-through page of one graph. ``html`` is the whole page; `save` writes it;
    in Jupyter it shows inline (in an iframe, so that its script runs on its own)."""

    html: str
    height: int
    """A good height in pixels for the inline frame."""

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to `path` atomically (see `save_html`); return the path."""
        return Path(write_atomic(path, self.html.encode("utf-8"), what="save_html",
                                 make_folders=True))

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
                f'style="width: 100%; height: {self.height}px; border: 1px solid #ddd" '
                'sandbox="allow-scripts" title="autograd: backpropagation step by step">'
                "</iframe>")

    def __repr__(self) -> str:
        return f"<StepPage: {len(self.html):,} characters of HTML; .save(path) writes it>"


def save_html(root: Value, path: str | os.PathLike[str], **draw_options: Any) -> Path:
    """Write the step-through page of `root` to `path` (see the module's docstring).

    ``draw_options`` go to `draw`: ``rankdir='TB'``, ``params``, ``inputs``, ``collapse``,
    ``max_nodes``... Above ``max_nodes`` it refuses as `draw` does (`GraphTooLargeError`);
    ``collapse='neuron'`` draws each neuron call of an `autograd.nn` model as one box. Needs
    Graphviz's ``dot`` program. The file is written with `autograd.files.write_atomic`
    (missing folders are created). Returns the path.
    """
    return _page(root, draw_options, "save_html").save(path)


def show(root: Value, **draw_options: Any) -> StepPage:
    """The step-through page of `root`, to display in Jupyter: ``autograd.show(loss)`` as the
    last line of a cell. Same options as `save_html`; ``.save(path)`` writes the file."""
    return _page(root, draw_options, "show")


# ---------------------------------------------------------------------------------------------
# The data the page replays.


def _page(root: Value, options: dict[str, Any], what: str) -> StepPage:
    if not isinstance(root, Value):
        raise TypeError(f"{what}: root must be a Value, not {type(root).__name__}")
    if options.get("collapse") == "layer":
        raise ValueError(f"{what}: collapse='layer' has no step-through page (a layer's box "
                         "shows no gradients to step through); use collapse='neuron', or "
                         "draw(root, collapse='layer') for the picture")
    nodes = walk(root)
    limit = options.get("max_nodes", MAX_NODES)
    try:
        if options.get("collapse") is None and isinstance(limit, int) and len(nodes) > limit:
            draw(root, **options)  # refuses with draw's own message, before any other work
        steps, texts = _replay(root, nodes)
        shown = _shown_grads(steps)
        room = {v: _widest(shown.get(v, ())) for v in nodes}  # the grad text to lay out
        graph = draw_with(root, grad_text=room, **options)
        ids = graph.node_ids
    except GraphTooLargeError as e:
        raise GraphTooLargeError(f"{what}: {str(e).removeprefix('draw: ')}") from None
    svg = _svg_element(graph.pipe(format="svg").decode("utf-8"))
    edges = _edges(svg, getattr(graph, "bundles", {}))
    box = _box_finder(nodes, ids)
    data = {
        "title": root.label or "the graph",
        "root": ids.get(root),
        "steps": [_step_record(s, t, ids, box, edges) for s, t in zip(steps, texts, strict=True)],
        "widest": {i: room[v] for v, i in ids.items()},
        "names": {i: _name(v, steps) for v, i in ids.items()},
        **_explanations(root, ids, edges),
    }
    return StepPage(_html(data, svg), _height(svg))


def _replay(root: Value, nodes: list[Value]) -> tuple[list[Step], list[str]]:
    """`backward_steps(root)` from zero gradients (leaves too), and each step's text; every
    ``.grad`` is put back as it was."""
    saved = [(v, v.grad) for v in nodes]
    try:
        for v in nodes:
            if v.is_leaf:
                v.grad = 0.0
        steps = list(backward_steps(root))
        texts = [str(s) for s in steps]  # in order: unlabelled nodes are numbered as met
    finally:
        for v, g in saved:
            v.grad = g
    return steps, texts


def _shown_grads(steps: list[Step]) -> dict[Value, list[str]]:
    """Every text each Value's box will show as its grad, over all the steps."""
    shown: dict[Value, list[str]] = {}
    for s in steps:
        shown.setdefault(s.node, []).append(fmt(s.grad))
        for p in s.parents:
            shown.setdefault(p.parent, []).append(fmt(p.after))
    return shown


def _widest(texts: Iterable[str]) -> str:
    """The text that needs the most room (digits are all as wide; ``-`` and ``.`` are not)."""
    return max(texts, key=lambda t: sum(_MINUS_WIDTH.get(c, 1.0) for c in t), default="0")


def _name(v: Value, steps: list[Step]) -> str:
    """The name the steps' texts give `v`: its label, else (or when another node has the same
    label) the label or op with a number, ``mul#3``."""
    return steps[0].names(v) if steps else v.label


_SVG_START = re.compile(r"<svg[\s>]")
_SVG_NS = "{http://www.w3.org/2000/svg}"


def _svg_element(svg: str) -> str:
    """The ``<svg>`` element alone (no XML declaration, doctype or comments before it)."""
    found = _SVG_START.search(svg)
    if found is None:
        raise ValueError("Graphviz returned no SVG element")
    return svg[found.start():].strip()


def _edges(svg: str,
           bundles: Mapping[str, list[tuple[str, str]]]) -> list[tuple[str, str, str]]:
    """(id, tail box, head box) of each edge drawn in the SVG (ids ``n3-n5-k``, from draw); a
    bundle (one edge drawn for two dense layers) once for each edge it stands for."""
    out = []
    for g in ElementTree.fromstring(svg).iter(f"{_SVG_NS}g"):
        name = g.get("id", "")
        parts = name.split("-")
        if g.get("class") != "edge":
            continue
        if name in bundles:
            out += [(name, tail, head) for tail, head in bundles[name]]
        elif len(parts) == 3:
            out.append((name, parts[0], parts[1]))
    return out


def _box_finder(nodes: list[Value], ids: Mapping[Value, str]) -> dict[Value, str]:
    """The box of every node: its own, or for a node folded into a neuron's box (its dot
    node), the box of the nearest drawn node that uses it."""
    users: dict[Value, list[Value]] = {}
    for v in nodes:
        for p in v.parents:
            users.setdefault(p, []).append(v)
    box = dict(ids)
    for v in nodes:
        queue, seen = deque(users.get(v, ())), {v}
        while v not in box and queue:
            u = queue.popleft()
            if u in box:
                box[v] = box[u]
            elif u not in seen:
                seen.add(u)
                queue.extend(users.get(u, ()))
    return box


def _step_record(s: Step, text: str, ids: Mapping[Value, str], box: Mapping[Value, str],
                 edges: list[tuple[str, str, str]]) -> dict[str, Any]:
    """What the page needs of one step: its text, the boxes to highlight, the grads to set."""
    here = box.get(s.node)
    sources = {box[p.parent] for p in s.parents if p.parent in box} - {here}
    record: dict[str, Any] = {
        "text": text,
        "box": here,
        "to": sorted(sources, key=lambda i: int(i[1:])),
        "edges": list(dict.fromkeys(e for e, tail, head in edges
                                    if head == here and tail in sources)),
        "set": [[ids[s.node], fmt(s.grad)]] if s.node in ids else [],
    }
    record["set"] += [[ids[p.parent], fmt(p.after)] for p in s.parents if p.parent in ids]
    if s.node not in ids and here is not None:
        record["note"] = ("(This node is folded into the highlighted neuron box, which shows "
                          "the grad of the neuron's output.)")
    return record


def _explanations(root: Value, ids: Mapping[Value, str],
                  edges: list[tuple[str, str, str]]) -> dict[str, Any]:
    """`explain(root, node)` and its paths for the boxes one can click (see EXPLAIN_UP_TO)."""
    order = topological(root)
    drawn = [v for v in order if v in ids]
    leaves = [v for v in reversed(drawn) if v.is_leaf and not v.label]  # in reading order
    wanted = [v for v in drawn if v.label] + leaves
    chosen = wanted[:EXPLAIN_UP_TO]
    explained: dict[str, Any] = {}
    for target in chosen:
        on = {target}
        for v in reversed(order):  # parents before users
            if any(p in on for p in v.parents):
                on.add(v)
        boxes = {ids[v] for v in on if v in ids}
        explained[ids[target]] = {
            "text": str(explain(root, target)),
            "boxes": sorted(boxes, key=lambda i: int(i[1:])),
            "edges": list(dict.fromkeys(e for e, tail, _ in edges if tail in boxes)),
        }
    note = ""
    if len(wanted) > len(chosen):
        note = (f"Explanations are included for {len(chosen)} of the {len(wanted)} labelled "
                "or leaf boxes (the labelled ones first); explain(root, node) in Python gives "
                "the others.")
    return {"explain": explained, "explainNote": note}


# ---------------------------------------------------------------------------------------------
# The page.


def _asset(name: str) -> str:
    return resources.files("autograd").joinpath(name).read_text(encoding="utf-8")


def _script_json(data: Mapping[str, Any]) -> str:
    """JSON that cannot end its ``<script>`` element: ``< > &`` (and the line separators that
    old JavaScript parsers choke on) are written as ``\\u`` escapes, which JSON reads back."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for c in "<>&\u2028\u2029":
        text = text.replace(c, f"\\u{ord(c):04x}")
    return text


_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "img-src data:")


def _html(data: Mapping[str, Any], svg: str) -> str:
    title = html.escape(f"Backpropagation step by step: {data['title']}")
    n = len(data["steps"])
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{_asset("page.css")}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
<div class="controls">
<button id="ag-start" type="button" title="Home">« Start</button>
<button id="ag-back" type="button" title="←">‹ Back</button>
<button id="ag-next" type="button" title="→">Next ›</button>
<button id="ag-end" type="button" title="End">End »</button>
<input id="ag-slider" type="range" min="0" max="{n}" value="0" step="1"
 aria-label="step">
<span id="ag-counter" aria-live="polite">step 0 of {n}</span>
<span class="zoom">zoom <button id="ag-zoom-out" type="button" title="smaller">−</button>
<button id="ag-zoom" type="button" title="actual size">100%</button>
<button id="ag-zoom-in" type="button" title="larger">+</button>
<button id="ag-fit" type="button" title="fit the graph in the window">fit</button></span>
</div>
<div class="legend">
<span><span class="swatch current"></span>this step's node</span>
<span><span class="swatch to"></span>its operands, receiving local × upstream</span>
<span><span class="changed-sample">0.25</span> a grad set in this step</span>
<span><span class="swatch path"></span>the paths of an explanation</span>
<span class="keys">Keys: → next step, ← back, Home, End. Click a leaf or a labelled box
for its chain rule.</span>
</div>
<div class="panels">
<section class="panel"><h2>Step</h2><div class="text" id="ag-step"></div></section>
<section class="panel" id="ag-explain-panel" hidden><h2>Chain rule
<button id="ag-explain-close" type="button" title="Escape">close</button></h2>
<div class="text" id="ag-explain"></div></section>
</div>
</header>
<main id="ag-graph">
{svg}
</main>
<script type="application/json" id="ag-data">{_script_json(data)}</script>
<script>
{_asset("page.js")}
</script>
</body>
</html>
"""


_SVG_HEIGHT = re.compile(r'<svg[^>]*?\sheight="([\d.]+)pt"')


def _height(svg: str) -> int:
    """A height for the inline frame: the page's header and the graph, within reason."""
    found = _SVG_HEIGHT.search(svg)
    graph = float(found.group(1)) * 4 / 3 if found else 500.0
    return int(min(900, max(480, 330 + graph)))
