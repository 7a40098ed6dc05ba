"""What the step-through page replays, computed in Python: the steps of one backward pass from
zero gradients, the boxes and edges each step lights, the explanations, the summary of the
finished pass, and a note when the gradients shown are not what ``.grad`` holds.

The pass is replayed with `backward_steps` on the user's graph itself, inside `replaying`:
every node's ``.grad`` and label are saved, the leaves' gradients set to 0 (so that nothing is
added to gradients a ``backward()`` left there), long labels cut as the pictures cut them, and
all of it put back on the way out, whatever happens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from xml.etree import ElementTree

from .core import Value
from .graph import between, topological, users
from .inspect import Step, backward_steps, explain, fmt
from .page_questions import MOST_CHARS, NUMBER, Question, invalid_messages
from .source import Source
from .viz_text import shorten, visible

__all__ = ["EXPLAIN_UP_TO", "SUMMARY_UP_TO", "box_finder", "code_lines", "explanations",
           "held_note", "practice_record", "replay", "replaying", "shown_grads", "step_record",
           "summary", "svg_edges", "svg_element", "widest"]

EXPLAIN_UP_TO = 200
"""The page carries `explain` for at most this many boxes: the labelled ones first (in the
order backward visits them), then the unlabelled leaves (in the order the code used them).
`explain(root, node)` in Python gives the others."""

SUMMARY_UP_TO = 12
"""The summary of the finished pass lists at most this many leaves' gradients."""

_WIDTH = {"-": 0.6, ".": 0.5, "e": 1.0}  # rough glyph widths relative to a digit


@contextmanager
def replaying(nodes: list[Value]) -> Iterator[dict[Value, float]]:
    """Inside: the leaves among `nodes` hold no gradient and every label is at most as long as
    a picture shows it (`autograd.viz_text.shorten` of its `visible` text). Gives the
    gradients the nodes held; on the way out, every ``.grad`` and label is put back."""
    saved = [(v, v.grad, v.label) for v in nodes]
    try:
        for v in nodes:
            if v.is_leaf:
                v.grad = 0.0
            if v.label:
                v.label = shorten(visible(v.label))
        yield {v: g for v, g, _ in saved}
    finally:
        for v, g, label in saved:
            v.grad, v.label = g, label


def replay(root: Value) -> tuple[list[Step], list[str]]:
    """`backward_steps(root)` to the end (inside `replaying`), and each step's text."""
    steps = list(backward_steps(root))
    return steps, [str(s) for s in steps]  # in order: unlabelled nodes are numbered as met


def shown_grads(steps: list[Step]) -> dict[Value, list[str]]:
    """Every text each Value's box will show as its grad, over all the steps."""
    shown: dict[Value, list[str]] = {}
    for s in steps:
        shown.setdefault(s.node, []).append(fmt(s.grad))
        for p in s.parents:
            shown.setdefault(p.parent, []).append(fmt(p.after))
    return shown


def widest(texts: Iterable[str]) -> str:
    """The text that needs the most room (digits are all as wide; ``-`` and ``.`` are not)."""
    return max(texts, key=lambda t: sum(_WIDTH.get(c, 1.0) for c in t), default="0")


def summary(root: Value, steps: list[Step]) -> str:
    """What the panel adds after the last step: the pass is done, and the leaves' gradients."""
    if not steps:
        return ""
    names = steps[0].names
    leaves = [v for v in topological(root)[::-1] if v.is_leaf]  # in the order the code used them
    lines = [f"The backward pass is complete: {len(steps)} steps. Every box shows "
             f"∂{names.sym(root)}/∂node, what one backward() leaves in .grad. The leaves:"]
    lines += [f"  {names(v)}.grad = {fmt(v.grad)}" for v in leaves[:SUMMARY_UP_TO]]
    if len(leaves) > SUMMARY_UP_TO:
        lines.append(f"  … and {len(leaves) - SUMMARY_UP_TO} more (click a box for its chain "
                     "rule)")
    return "\n".join(lines)


def held_note(root: Value, held: Mapping[Value, float], names: Any) -> str:
    """A note when the ``.grad`` the nodes hold (`held`) differ from this pass's gradients,
    which they hold now (inside `replaying`, after `replay`); empty when they are the same."""
    differ = [v for v, g in held.items() if fmt(g) != fmt(v.grad)]
    if not differ:
        return ""
    if all(g == 0.0 for g in held.values()):
        return ("backward() has not run on this graph: its .grad are all 0. The page shows "
                "what one backward() gives.")
    differing = set(differ)
    order = [v for v in topological(root)[::-1] if v in differing]
    order.sort(key=lambda v: not v.is_leaf)  # the leaves first: what accumulates
    shown = "; ".join(f"{names(v)}.grad holds {fmt(held[v])} (one pass: {fmt(v.grad)})"
                      for v in order[:2])
    more = f", and {len(order) - 2} more" if len(order) > 2 else ""
    return (f"The .grad of your Values differ from the gradients shown: {shown}{more}. The "
            "page replays one backward pass from zero; gradients add up over backward() calls "
            "until zero_grad().")


_SVG_START = re.compile(r"<svg[\s>]")
_SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_element(svg: str) -> str:
    """The ``<svg>`` element alone (no XML declaration, doctype or comments before it)."""
    found = _SVG_START.search(svg)
    if found is None:
        raise ValueError("Graphviz returned no SVG element")
    return svg[found.start():].strip()


def svg_edges(svg: str,
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


def box_finder(root: Value, ids: Mapping[Value, str]) -> dict[Value, str]:
    """The box of every node: its own, or for a node folded into a neuron's box (its dot
    node, its parameters), the box of a node that uses it (users come first in
    `topological`, so theirs is known)."""
    used_by = users(root)
    box = dict(ids)
    for v in topological(root):
        if v not in box:
            found = next((box[u] for u in used_by[v] if u in box), None)
            if found is not None:
                box[v] = found
    return box


def step_record(s: Step, text: str, ids: Mapping[Value, str], box: Mapping[Value, str],
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


def explanations(root: Value, ids: Mapping[Value, str],
                 edges: list[tuple[str, str, str]], up_to: int = EXPLAIN_UP_TO
                 ) -> dict[str, Any]:
    """`explain(root, node)` and its paths for the boxes one can click (see EXPLAIN_UP_TO)."""
    drawn = [v for v in topological(root) if v in ids]
    leaves = [v for v in reversed(drawn) if v.is_leaf and not v.label]  # in reading order
    wanted = [v for v in drawn if v.label] + leaves
    chosen = wanted[:up_to]
    explained: dict[str, Any] = {}
    for target in chosen:
        boxes = {ids[v] for v in between(root, target) if v in ids}
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


def code_lines(root: Value) -> dict[Value, list[str]]:
    """The lines of the generated backward code (`autograd.source.Source`, the code
    `autograd.compile` runs) that each node with operands runs: its step in code. The leaves
    are the code's inputs, so that each gradient is written from this pass alone."""
    leaves = [v for v in topological(root)[::-1] if v.is_leaf]
    steps = Source(root, leaves).step_lines()
    return {v: [ln for line in lines for ln in line.split("\n")] for v, lines in steps.items()}


def practice_record(asked: Sequence[Question], ids: Mapping[Value, str],
                    box: Mapping[Value, str]) -> dict[str, Any]:
    """What the page needs to ask `asked` (`autograd.page_questions`) and grade the answers
    as `check` does: the numbers and tolerances, the texts, the boxes; the pattern and the
    messages for answers that are not numbers."""
    records = []
    for q in asked:
        records.append({
            "step": q.step, "asks": q.asks, "text": q.text, "answer": q.answer,
            "tolerance": q.tolerance, "near": q.near, "worked": q.worked,
            "hints": list(q.hints), "mistakes": [list(m) for m in q.mistakes],
            "node": box.get(q.node), "operand": box.get(q.operand),
            "set": [ids[q.operand], fmt(q.answer)] if q.step and q.operand in ids else None,
        })
    return {"questions": records, "pattern": NUMBER, "most": MOST_CHARS,
            "messages": invalid_messages(), "steps": max((q.step for q in asked), default=0)}
