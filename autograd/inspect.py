"""Seeing the chain rule: `explain`, `tree`, and `backward_steps` (from `autograd.steps`).

- `backward_steps(root)` runs `backward()` one node at a time (`autograd.steps`).
- `explain(root, wrt)` writes d root / d wrt as the chain rule, the way the tutorials derive it by
  hand: the paths from root to wrt, each a product of local derivatives, and their sum. It
  counts paths with dynamic programming and lists only the largest, so a graph with 2**40 paths
  is explained as quickly as one with two.
- `tree(root)` draws the graph as indented text, for terminals without Graphviz.

Every view reads the numbers the engine left on the graph (`Value.operands`, `Value.partials`),
names nodes through `autograd.names`, and walks the graph through `autograd.graph`.
"""

from __future__ import annotations

import gc
import heapq
import html
import math
from dataclasses import dataclass, field

from . import graph
from .core import Value
from .names import (
    Names,
    count,
    elide,
    expr_text,
    is_sum,
    path_formula,
    sum_text,
    worth_showing,
)
from .steps import BackwardSteps, ParentStep, Step, backward_steps
from .text import fmt

__all__ = [
    "BackwardSteps",
    "Explanation",
    "ParentStep",
    "Path",
    "Segment",
    "Step",
    "backward_steps",
    "explain",
    "fmt",
    "tree",
]


@dataclass(frozen=True, slots=True)
class Path:
    """One path of the chain rule: ``nodes[0] → … → nodes[-1]``; ``factors[i]`` is
    ∂nodes[i]/∂nodes[i+1] and ``product`` their product (left to right)."""

    nodes: tuple[Value, ...]
    factors: tuple[float, ...]
    product: float


@dataclass(frozen=True, slots=True)
class Segment:
    """∂start/∂end where every path from the root to wrt passes through both: ``value`` sums
    ``n_paths`` paths, of which ``paths`` holds the largest (by absolute product)."""

    start: Value
    end: Value
    value: float
    n_paths: int
    paths: tuple[Path, ...]


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Explanation:
    """∂root/∂wrt as the chain rule; ``str()`` writes the derivation, Jupyter shows a table.

    - ``value``: the gradient (the same number `backward()` gives).
    - ``n_paths``: how many paths lead from root to wrt (exact); ``paths``: the largest of them
      by absolute product, largest first, at most ``top``.
    - ``chain``: the factorisation at the nodes every path passes through (for w1 of the
      two-layer network worked by hand:
      ∂E_total/∂out_h1 × ∂out_h1/∂l_h1 × ∂l_h1/∂w1), each a `Segment`.
    - ``folded``: True when unlabeled intermediate nodes were folded into the factors between
      labeled ones (then a factor is the partial derivative between two labeled nodes, and
      ``n_paths`` counts paths between labeled nodes; ``n_node_paths`` counts them node by node).

    Its repr is the derivation too, so that ``explain(loss, w)`` in the REPL shows it.
    """

    root: Value
    wrt: Value
    value: float
    n_paths: int
    paths: tuple[Path, ...]
    chain: tuple[Segment, ...]
    folded: bool
    n_node_paths: int
    names: Names = field(repr=False)

    def __repr__(self) -> str:
        return str(self)

    def __str__(self) -> str:
        n = self.names
        head = f"∂{n.sym(self.root)}/∂{n.sym(self.wrt)}"
        if self.n_paths == 0:
            return (f"{head} = 0: {n(self.root)} does not depend on {n(self.wrt)} "
                    f"(no path leads from {n(self.root)} down to {n(self.wrt)}).")
        if self.wrt is self.root:
            return f"{head} = 1 ({n(self.wrt)} is the root itself)."
        pad = " " * len(head)
        lines: list[str] = []
        if len(self.chain) > 1:
            sums = [s.n_paths > 1 and len(s.paths) == s.n_paths <= 3 for s in self.chain]
            lines.append(f"{head} = " + elide(
                [f"∂{n.sym(s.start)}/∂{n.sym(s.end)}" for s in self.chain], " × "))
            lines.append(f"{pad} = " + elide(
                [sum_text([p.product for p in s.paths]) if is_sum else fmt(s.value)
                 for s, is_sum in zip(self.chain, sums, strict=True)], " × "))
            if any(sums):
                lines.append(f"{pad} = " + elide([fmt(s.value) for s in self.chain], " × "))
            lines.append(f"{pad} = {fmt(self.value)}")
            detailed = [s for s in self.chain if s.n_paths > 1]
        else:
            lines.append(f"{head} = {fmt(self.value)}")
            detailed = [s for s in self.chain if len(s.paths[0].factors) > 1 or s.n_paths > 1]
        most = 4
        for s in detailed[:most]:
            what = f"∂{n.sym(s.start)}/∂{n.sym(s.end)}"
            if s.n_paths == 1:
                lines.append(f"where {what} follows one path:")
            elif len(s.paths) < s.n_paths:
                lines.append(f"where {what} = {fmt(s.value)} sums {count(s.n_paths)} paths; "
                             f"the {len(s.paths)} largest:")
            else:
                lines.append(f"where {what} = {fmt(s.value)} sums {s.n_paths} paths:")
            lines.extend("  " + self._path_line(p) for p in s.paths)
        if len(detailed) > most:
            lines.append(f"… and {len(detailed) - most} more factors that sum several paths "
                         "(see .chain)")
        rules = [(s, path_formula(s.start, s.end, n)) for s in self.chain if s.n_paths == 1]
        rules = [(s, f) for s, f in rules if worth_showing(f, s.value)]
        for i, (s, formula) in enumerate(rules):
            lead = "with " if i == 0 else "     "
            lines.append(f"{lead}∂{n.sym(s.start)}/∂{n.sym(s.end)} = {formula} = {fmt(s.value)}")
        if self.n_paths > 1:
            lines.append(f"{count(self.n_paths)} paths from {n(self.root)} to {n(self.wrt)} "
                         f"in all; their products sum to the gradient, {fmt(self.value)}.")
        if self.n_node_paths != self.n_paths:
            why = ("Unlabeled nodes are folded into these factors" if self.folded else
                   "An operand used twice by one node (x*x) gives one factor, the sum of both")
            lines.append(f"({why}; node by node there are {count(self.n_node_paths)} paths.)")
        return "\n".join(lines)

    def _path_line(self, p: Path) -> str:
        nodes = elide([self.names(v) for v in p.nodes], " → ")
        return f"{nodes}:  {elide([fmt(f) for f in p.factors], ' × ')} = {fmt(p.product)}"

    def _repr_html_(self) -> str:
        esc, n = html.escape, self.names
        head = esc(f"∂{n.sym(self.root)}/∂{n.sym(self.wrt)} = {fmt(self.value)}")
        rows = "".join(
            f"<tr><td>{esc(elide([n(v) for v in p.nodes], ' → '))}</td>"
            f"<td>{esc(elide([fmt(f) for f in p.factors], ' × '))}</td>"
            f"<td>{esc(fmt(p.product))}</td></tr>"
            for p in self.paths
        )
        shown = f"the {len(self.paths)} largest of " if len(self.paths) < self.n_paths else ""
        return (
            f"<pre>{esc(str(self))}</pre>"
            f"<table><caption>{head}: {shown}{esc(count(self.n_paths))} paths</caption>"
            "<tr><th>path</th><th>factors</th><th>product</th></tr>"
            f"{rows}<tr><td colspan='2'>sum over all {esc(count(self.n_paths))} paths</td>"
            f"<td>{esc(fmt(self.value))}</td></tr></table>"
        )


Edges = dict[Value, dict[Value, float]]


def explain(root: Value, wrt: Value, *, top: int = 10, fold: bool | None = None) -> Explanation:
    """∂root/∂wrt as the chain rule: paths, factors, products and their sum.

    Needs no prior `backward()` and changes no ``.grad``. With ``fold`` (the default when some
    node between root and wrt has a label), unlabeled nodes are folded into the factor between
    the labeled nodes around them; ``fold=False`` shows every node. Cost: linear in the size
    of the graph, whatever the number of paths (plus ``top``-best bookkeeping).
    """
    paused = gc.isenabled()  # many small objects and no cycles: the collector only costs time
    gc.disable()
    try:
        return _explain(root, wrt, top, fold)
    finally:
        if paused:
            gc.enable()


def _explain(root: Value, wrt: Value, top: int, fold: bool | None) -> Explanation:
    for what, v in (("root", root), ("wrt", wrt)):
        if not isinstance(v, Value):
            raise TypeError(f"explain: {what} must be a Value, not {type(v).__name__}")
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"explain: top must be an int >= 1, not {top!r}")
    names = Names(root)
    if wrt is root:
        return Explanation(root, wrt, 1.0, 1, (Path((root,), (), 1.0),), (), False, 1, names)
    between = graph.between(root, wrt)  # root first, wrt last
    if not between:
        return Explanation(root, wrt, 0.0, 0, (), (), False, 0, names)
    count: dict[Value, int] = {wrt: 1}  # how many paths lead from a node down to wrt
    for v in reversed(between[:-1]):
        count[v] = sum(count.get(p, 0) for p in v.parents)

    # The gradient: the chain rule restricted to the nodes between root and wrt.
    adjoint = {root: 1.0}
    for _ in graph.backprop(between, adjoint, within=count):
        pass
    value = adjoint.get(wrt, 0.0)

    if fold is None:
        fold = any(v.label for v in between[1:-1])
    edges = _fold(between, count, fold) if fold else None
    if edges is None:
        fold = False
        edges = _fold(between, count, False)
    assert edges is not None
    total, paths, chain = _factorise(between, edges, top)
    return Explanation(root, wrt, value, total, paths, chain, fold, count[root], names)


def _factorise(between: list[Value], edges: Edges, top: int) -> tuple[
        int, tuple[Path, ...], tuple[Segment, ...]]:
    """(number of paths, the largest paths, the chain of factors) of ∂root/∂wrt over the graph
    of stops: the chain cuts at the nodes every path passes through (dominators)."""
    root, wrt = between[0], between[-1]
    stops = [v for v in between if v in edges]
    # Paths over the stops: down to wrt (below), from root (above); dominators have all of them.
    below: dict[Value, int] = {wrt: 1}
    for a in reversed(stops[:-1]):
        below[a] = sum(below[b] for b in edges[a])
    above: dict[Value, int] = {root: 1}
    for a in stops:
        for b in edges[a]:
            above[b] = above.get(b, 0) + above[a]
    total = below[root]
    cuts = [a for a in stops if above[a] * below[a] == total]
    # Every labeled node on the chain is a factor, except a term of a loss that is a sum (a
    # single edge of exactly 1 from the root): ∂E_total/∂E_o1 × ∂E_o1/∂out_o1 reads
    # ∂E_total/∂out_o1, as the derivation of the two-layer network by hand writes it.
    inner = [d for prev, d in zip(cuts, cuts[1:-1], strict=False)
             if not (prev is root and is_sum(prev) and below[prev] == below[d]
                     and edges[prev][d] == 1.0)]
    kept = [cuts[0], *inner, cuts[-1]]
    index = {d: i for i, d in enumerate(kept)}
    part: dict[Value, int] = {}
    members: list[list[Value]] = [[d] for d in kept[:-1]]
    for a in stops:
        i = index[a] if a in index else part[a]
        if a not in index:
            members[i].append(a)
        for b in edges[a]:
            if b not in index:
                part[b] = i
    reading = {v: -i for i, v in enumerate(between)}  # operands in the order the code gave them

    def listed(nodes: list[Value], n: int) -> tuple[Path, ...]:
        paths = _best_paths(nodes, edges, top)  # the largest first, but when all are there,
        if 1 < len(paths) == n:  # list them in operand order, as a derivation by hand does
            paths = tuple(sorted(paths, key=lambda p: [reading[v] for v in p.nodes]))
        return paths

    chain = []
    for i, nodes in enumerate(members):
        end = kept[i + 1]
        if len(nodes) == 1:  # a single edge (the common case in a long chain)
            w = edges[nodes[0]][end]
            chain.append(Segment(nodes[0], end, w, 1, (Path((nodes[0], end), (w,), w),)))
            continue
        nodes.append(end)
        n = below[nodes[0]] // below[end]
        chain.append(Segment(nodes[0], end, _sum_paths(nodes, edges), n, listed(nodes, n)))
    paths = chain[0].paths if len(chain) == 1 else listed(stops, total)
    return total, paths, tuple(chain)


def _fold(between: list[Value], count: dict[Value, int], fold: bool) -> Edges | None:
    """The graph over the 'stops' (root, wrt and, when folding, the labeled nodes; else every
    node): edge a → b carries ∂a/∂b summed over the paths whose inner nodes are not stops.

    Returns None when folding would cost more than a few passes over the graph (many labeled
    nodes above one big unlabeled region), so that explain() falls back to every node.
    """
    root, wrt = between[0], between[-1]
    stops = {v for v in between if not fold or v is root or v is wrt or v.label}
    pos = {v: i for i, v in enumerate(between)}
    budget = 8 * len(between) + 10_000
    edges: Edges = {}
    for a in between:
        if a not in stops:
            continue
        below = graph.region(a, count, stops)  # reached without passing another stop
        budget -= len(below)
        if budget < 0:
            return None
        acc = {a: 1.0}
        for _ in graph.backprop(sorted(below, key=pos.__getitem__), acc, within=count):
            pass
        edges[a] = {p: g for p, g in acc.items() if p in stops and p is not a}
    return edges


def _sum_paths(nodes: list[Value], edges: Edges) -> float:
    """∂nodes[0]/∂nodes[-1] over the edges among `nodes` (in topological order)."""
    acc = {nodes[0]: 1.0}
    for a in nodes[:-1]:
        g = acc.get(a, 0.0)
        for b, w in edges[a].items():
            acc[b] = acc.get(b, 0.0) + w * g
    return acc.get(nodes[-1], 0.0)


def _log_abs(w: float) -> float:
    size = abs(w)
    if 0.0 < size < math.inf:
        return math.log(size)
    return -math.inf if size == 0.0 else math.inf  # NaN sorts first: anomalies are news


def _best_paths(nodes: list[Value], edges: Edges, k: int) -> tuple[Path, ...]:
    """The k paths from nodes[0] to nodes[-1] with the largest |product|, by dynamic programming
    over the topological order (k partial paths per node, never all of them)."""
    # A partial path is (log |product|, product, node, factor into node, previous partial).
    Entry = tuple[float, float, Value, float, object]
    start, end = nodes[0], nodes[-1]
    best: dict[Value, list[Entry]] = {start: [(0.0, 1.0, start, 1.0, None)]}
    for a in nodes[:-1]:
        here = best.pop(a, [])
        for b, w in edges[a].items():
            lw = _log_abs(w)
            there = best.setdefault(b, [])
            for e in here:
                key = e[0] + lw
                there.append((math.inf if key != key else key, e[1] * w, b, w, e))
            if len(there) > 4 * k:
                there[:] = heapq.nlargest(k, there, key=lambda e: e[0])
    paths = []
    for e in heapq.nlargest(k, best.get(end, []), key=lambda e: e[0]):
        product, chain_nodes, factors = e[1], [], []
        entry: Entry | None = e
        while entry is not None:
            chain_nodes.append(entry[2])
            factors.append(entry[3])
            entry = entry[4]  # type: ignore[assignment]
        paths.append(Path(tuple(reversed(chain_nodes)), tuple(reversed(factors[:-1])), product))
    return tuple(paths)


# ---------------------------------------------------------------------------------------------
# tree


_DEEPEST = 60  # characters of indentation tree() shows; deeper levels say their depth


class Tree(str):
    """The text of `tree`: its repr is the text itself, so that ``tree(v)`` in a REPL shows
    the lines, not one quoted string."""

    def __repr__(self) -> str:
        return str(self)


def tree(root: Value, max_depth: int | None = None, max_nodes: int = 500) -> Tree:
    """The graph as indented text: each node with its expression, data and grad, its parents
    indented below it. A node met again is not repeated (``↑ see above``); past `max_depth`
    levels or `max_nodes` lines the output is cut, with a note."""
    if not isinstance(root, Value):
        raise TypeError(f"tree: expected a Value, not {type(root).__name__}")
    name = Names(root)
    lines: list[str] = []
    skip_below: int | None = None  # below a node cut at max_depth: skip its subtree
    for v, depth, again, lasts in graph.outline(root):
        if skip_below is not None:
            if depth > skip_below:
                continue
            skip_below = None
        if len(lines) >= max_nodes:
            lines.append(f"… cut at {max_nodes} lines; the graph has {len(graph.walk(root))} "
                         "nodes (tree(v, max_nodes=...) shows more)")
            break
        lead = "".join("   " if last else "│  " for last in lasts[:-1])
        lead += ("└─ " if lasts[-1] else "├─ ") if lasts else ""
        if len(lead) > _DEEPEST:  # linear in the lines shown: the indentation is capped
            lead = f"[depth {depth}] " + lead[-_DEEPEST:]
        if again:
            lines.append(f"{lead}{name(v)}  ↑ see above")
            continue
        line = f"{lead}{name(v)}"
        if not v.is_leaf:
            line += f" = {expr_text(v, name)}"
        line += f"    data {fmt(v.data)}  grad {fmt(v.grad)}"
        if v.parents and max_depth is not None and depth >= max_depth:
            lines.append(f"{line}  (… {len(v.parents)} parents below max_depth)")
            skip_below = depth
            continue
        lines.append(line)
    return Tree("\n".join(lines))


setattr(Value, "explain", explain)  # noqa: B010 - declared in autograd.core: v.explain(w)
setattr(Value, "tree", tree)  # noqa: B010
