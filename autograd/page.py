"""The step-through page: the graph in a browser, `backward()` replayed one node at a time.

`save_html(root, path)` writes one self-contained HTML file (the SVG, the script and the style
inline, nothing fetched from the network, works from ``file://``); `show(root)` gives an object
that Jupyter (classic, JupyterLab, VS Code) displays inline. The page shows `draw(root)` and
replays `backward_steps(root)`: buttons, a slider and the keyboard (→ next, ← back, Home, End)
move through the steps. At each step the node's box and the edges its gradient flows back along
are highlighted, the panel shows the step as its text view (`str(step)`) writes it, and every
box shows its gradient as it is after that step (none before the first step); after the last
step the panel sums up the finished pass. Under each step's text, the lines of the generated
backward code that the node runs (`autograd.source.Source`, the code `autograd.compile` runs).
Clicking a leaf or a labelled box (or Tab to it, then Enter) shows `explain(root, node)` and
highlights its paths.

With ``practice=True`` the page asks instead of telling (`autograd.page_questions`): at each
step, the gradient that flows into each operand, typed into a field and checked on Enter as
`autograd.practice` checks it; a wrong answer gets a hint beside the node (the rule, then the
numbers, then the answer) and keeps the step, a right one plays it. The steps open as they are
answered, the explanations at the end; the edges' factors are not drawn (``edge_labels``).
``practice`` may also be the questions of a practice session (`Practice.save_html` passes its
own, with a step of gradient descent).

Everything is computed in Python (`autograd.page_data`); the script only replays it. The
numbers are `backward_steps`'s own, and every number on the page, the boxes' data and the
edges' factors too, is written as the text views write it (`autograd.text.fmt`, 9 decimals,
the ASCII hyphen). The page shows one backward pass from zero gradients, as on a fresh graph;
the Values' ``.grad`` are left as they were, and a note under the title says when they differ
from what the page shows (no ``backward()`` yet, or several). Labels appear as the pictures
show them: escaped where not printable, cut past 60 characters.

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
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .core import Value
from .files import write_atomic
from .graph import walk
from .names import Names
from .page_data import (
    EXPLAIN_UP_TO,
    box_finder,
    code_lines,
    explanations,
    held_note,
    practice_record,
    replay,
    replaying,
    shown_grads,
    step_record,
    summary,
    svg_edges,
    svg_element,
    widest,
)
from .page_questions import Question, questions
from .text import fmt
from .viz import MAX_NODES, GraphTooLargeError, draw, draw_with
from .viz_text import shorten, visible

__all__ = ["EXPLAIN_UP_TO", "StepPage", "save_html", "show"]



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

    ``practice=True`` writes the practice page: the learner computes each step. The other
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
# The data the page replays (`autograd.page_data`).


def _page(root: Value, options: dict[str, Any], what: str) -> StepPage:
    if not isinstance(root, Value):
        raise TypeError(f"{what}: root must be a Value, not {type(root).__name__}")
    practice = _practice(root, options.pop("practice", False), what)
    if practice is not None:
        options.setdefault("edge_labels", False)  # the edges' factors are half the answers
    if options.get("collapse") == "layer":
        raise ValueError(f"{what}: collapse='layer' has no step-through page (a layer's box "
                         "shows no gradients to step through); use collapse='neuron', or "
                         "draw(root, collapse='layer') for the picture")
    nodes = walk(root)
    limit = options.get("max_nodes", MAX_NODES)
    try:
        if options.get("collapse") is None and isinstance(limit, int) and len(nodes) > limit:
            draw(root, **options)  # refuses with draw's own message, before any other work
        with replaying(nodes) as held:  # questions of their own, with the labels cut
            asked = questions(root, what=what) if practice is True else practice or None
            data, svg = _data(root, nodes, held, options, asked)
    except GraphTooLargeError as e:
        raise GraphTooLargeError(f"{what}: {str(e).removeprefix('draw: ')}") from None
    return StepPage(_html(data, svg), _height(svg))


def _practice(root: Value, practice: object, what: str) -> list[Question] | bool | None:
    """The questions the page asks: none, those of `root`'s backward pass (True: made
    inside `replaying`), or the ones given (a practice session's, `autograd.practice`)."""
    if practice is False or practice is None:
        return None
    if practice is True:
        questions(root, what=what)  # refused before any other work (hooks, a leaf root)
        return True
    if isinstance(practice, (list, tuple)) and practice and \
            all(isinstance(q, Question) and q.node in set(walk(root)) for q in practice):
        return list(practice)
    raise TypeError(f"{what}: practice must be True, False, or the questions of a practice "
                    f"session of this graph (Practice.questions), not {practice!r:.60}")


def _data(root: Value, nodes: list[Value], held: dict[Value, float],
          options: dict[str, Any], asked: list[Question] | None
          ) -> tuple[dict[str, Any], str]:
    """The page's data and its SVG, inside `replaying` (labels cut, leaves from zero)."""
    steps, texts = replay(root)
    shown = shown_grads(steps)
    room = {v: widest(shown.get(v, ())) for v in nodes}  # the grad text to lay out
    graph = draw_with(root, grad_text=room, number=fmt, **options)
    ids: dict[Value, str] = graph.node_ids
    svg = svg_element(graph.pipe(format="svg").decode("utf-8"))
    edges = svg_edges(svg, getattr(graph, "bundles", {}))
    box = box_finder(root, ids)
    names = Names(root)
    code = code_lines(root)
    records = [step_record(s, t, ids, box, edges) for s, t in zip(steps, texts, strict=True)]
    for s, record in zip(steps, records, strict=True):
        record["code"] = code.get(s.node, [])
    data = {
        "title": root.label or "the graph",
        "root": ids.get(root),
        "steps": records,
        "widest": {i: room[v] for v, i in ids.items()},
        "names": {i: names(v) for v, i in ids.items()},
        "summary": summary(root, steps),
        "note": held_note(root, held, names),
        **explanations(root, ids, edges, EXPLAIN_UP_TO),
        "practice": None if asked is None else practice_record(asked, ids, box),
    }
    return data, svg


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
    # A lone surrogate cannot be written in UTF-8: as a JSON escape it reads back the same.
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "img-src data:")


def _html(data: Mapping[str, Any], svg: str) -> str:
    # The label is the user's: shown as the SVG shows it (escapes for what is not printable,
    # a lone surrogate, NUL, a right-to-left override; cut when very long), then HTML-escaped.
    heading = "Backpropagation, your turn" if data["practice"] else \
        "Backpropagation step by step"
    title = html.escape(f"{heading}: {shorten(visible(data['title']))}")
    note = (f'<p class="ag-note" id="ag-note">{html.escape(data["note"])}</p>\n'
            if data["note"] and not data["practice"] else "")
    n = len(data["steps"])
    practice = _PRACTICE if data["practice"] else ""
    keys = ("Practice: type the number asked and press Enter (Check); a wrong answer gets a "
            "hint beside the node. The steps open as you answer them; the explanations when "
            "you are done." if data["practice"] else
            "Click a leaf or a labelled box (or reach it with Tab, then Enter) for its chain "
            "rule.")
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
{note}<div class="controls">
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
<button id="ag-fit" type="button"
 title="fit the graph in the window, or its width when the whole would be too small to read"
 >fit</button></span>
</div>
<details class="legend" id="ag-legend" open><summary>Legend and keys</summary>
<span><span class="swatch current"></span>this step's node</span>
<span><span class="swatch to"></span>its operands, receiving local × upstream</span>
<span><span class="changed-sample">0.25</span> a grad set in this step</span>
<span><span class="swatch path"></span>the paths of an explanation</span>
<span class="keys">Keys: → next step, ← back, Home, End. {keys}</span>
</details>
<div class="panels">
{practice}<section class="panel"><h2>Step</h2><div class="text"><div id="ag-step"></div>
<div class="ag-code" id="ag-code" hidden></div></div></section>
<section class="panel" id="ag-explain-panel" hidden><h2>Chain rule
<button id="ag-explain-close" type="button" title="Escape">close</button></h2>
<div class="text" id="ag-explain"></div></section>
</div>
</header>
<main id="ag-graph">
{svg}
<div class="ag-hint" id="ag-hint" role="note" aria-live="polite" hidden></div>
</main>
<script type="application/json" id="ag-data">{_script_json(data)}</script>
<script>
{_asset("page.js")}
</script>
</body>
</html>
"""


_PRACTICE = """<section class="panel ag-practice" id="ag-practice"><h2>Your turn
<span id="ag-score"></span></h2><div class="text" id="ag-question"></div>
<div class="ag-answer-row" id="ag-answer-row"><label for="ag-answer" id="ag-asks"></label>
<input id="ag-answer" type="text" inputmode="decimal" autocomplete="off" spellcheck="false"
 aria-describedby="ag-question">
<button id="ag-check" type="button" title="Enter">Check</button>
<button id="ag-reveal" type="button">Show the answer</button></div>
<div class="text ag-feedback" id="ag-feedback" aria-live="polite"></div></section>
"""

_SVG_HEIGHT = re.compile(r'<svg[^>]*?\sheight="([\d.]+)pt"')


def _height(svg: str) -> int:
    """A height for the inline frame: the page's header and the graph, within reason."""
    found = _SVG_HEIGHT.search(svg)
    graph = float(found.group(1)) * 4 / 3 if found else 500.0
    return int(min(900, max(480, 330 + graph)))
