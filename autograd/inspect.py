"""Seeing the chain rule: `backward_steps`, `explain` and `tree`.

Every view reads the numbers the engine left on the graph (`Value.parents`, `Value.local_grads`):

- `backward_steps(root)` runs `backward()` one node at a time and yields a `Step` per node: its
  upstream gradient and, for each parent, ``local × upstream`` and the parent's grad before and
  after. Exhausted, it leaves exactly the gradients `backward()` leaves.
- `explain(root, wrt)` writes d root / d wrt as the chain rule, the way the tutorials derive it by
  hand: the paths from root to wrt, each a product of local derivatives, and their sum. It
  counts paths with dynamic programming and lists only the largest, so a graph with 2**40 paths
  is explained as quickly as one with two.
- `tree(root)` draws the graph as indented text, for terminals without Graphviz.

All walks are iterative: a graph a million nodes deep is fine.
"""

from __future__ import annotations

import gc
import heapq
import html
import math
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .engine import Value, backprop, backward_order, is_anomaly_enabled, topological, walk
from .ops import Op, lookup, number
from .text import fmt, printable

__all__ = [
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

# ---------------------------------------------------------------------------------------------
# Numbers and names.


def _count(n: int) -> str:
    """A path count: exact up to a million, then 1.1e12 style (works past the float range)."""
    if n < 10**6:
        return f"{n:,}"
    if n < 10**300:
        return f"{float(n):.2g}".replace("e+", "e")
    return f"about 10^{int(n.bit_length() * math.log10(2))}"


_PLAIN = re.compile(r"[\w.#']+")


class _Names:
    """The names of the nodes of one graph, the same in every view of the same root: a node's
    label; a label that several nodes carry (a model called on a batch) gets ``[k]``, the
    k-th such node in the order they were computed (sample k); an unlabeled node is named by
    its op, numbered per op in that order (``mul#3``: the third multiplication), a leaf
    ``leaf#k``. Characters that are not printable are escaped (`autograd.text.printable`)."""

    def __init__(self, root: Value) -> None:
        self._root = root
        self._names: dict[Value, str] | None = None

    def _name_all(self) -> dict[Value, str]:
        computed = _reading_order(self._root)
        labels: dict[str, int] = {}
        for v in computed:
            if v.label:
                labels[v.label] = labels.get(v.label, 0) + 1
        seen: dict[str, int] = {}
        names: dict[Value, str] = {}
        for v in computed:
            key = v.label or _word(v)
            seen[key] = seen.get(key, 0) + 1
            if not v.label:
                names[v] = f"{key}#{seen[key]}"
            else:
                names[v] = printable(key) + (f"[{seen[key]}]" if labels[key] > 1 else "")
        return names

    def __call__(self, v: Value) -> str:
        if self._names is None:
            self._names = self._name_all()
        name = self._names.get(v)
        if name is None:  # not below the root: name it apart
            name = self._names[v] = printable(v.label) or f"{_word(v)}#?"
        return name

    def sym(self, v: Value) -> str:
        """The name as it goes into ∂a/∂b: parenthesised unless it is one word."""
        name = self(v)
        return name if _PLAIN.fullmatch(name) else f"({name})"


def _reading_order(root: Value) -> list[Value]:
    """Every node below root, each after its operands, operands in order: the order the code
    computed them in (for a model called on a batch: sample 1's nodes, then sample 2's). It
    numbers the nodes; `backward_order` is the order backward visits them."""
    order: list[Value] = []
    done: set[Value] = set()
    stack: list[tuple[Value, int]] = [(root, 0)]
    while stack:
        v, k = stack.pop()
        parents = v.parents
        while k < len(parents) and parents[k] in done:
            k += 1
        if k < len(parents):
            stack.append((v, k + 1))
            stack.append((parents[k], 0))
        elif v not in done:
            done.add(v)
            order.append(v)
    return order


def _op(v: Value) -> Op | None:
    found = lookup(v.op)
    return found[0] if found is not None else None


def _word(v: Value) -> str:
    """What an unlabeled node is called: its op's word (``mul``), or ``leaf``."""
    op = _op(v)
    return op.word if op is not None else v.op or "leaf"


def _operand_texts(v: Value, name: Callable[[Value], str]) -> list[str]:
    return [name(a) if isinstance(a, Value) else f"{a:.9g}" for a in v.operands]


def _expr(v: Value, name: Callable[[Value], str], most: int = 8) -> str:
    """How `v` was computed, with its operands' names: ``sigmoid(l_o1)``, ``0.85 - out_o1``."""
    op = _op(v)
    texts = _operand_texts(v, name) if len(v.parents) <= most else \
        [name(p) for p in v.parents[:most]] + [f"… {len(v.parents) - most} more"]
    if op is None:
        return f"{v.op}({', '.join(texts)})"
    return op.show(texts)


def _edge_formula(v: Value, k: int, name: Callable[[Value], str]) -> str | None:
    """The registry's formula for ∂v/∂(v's k-th parent), in the operands' names
    (``σ(l_o1)·(1 − σ(l_o1))``), or None: no formula, or the parent is used twice."""
    op = _op(v)
    if op is None or op.fused is not None:
        return None
    operands = v.operands
    at = [i for i, a in enumerate(operands) if isinstance(a, Value)]
    parent = operands[at[k]]
    if sum(1 for a in operands if a is parent) > 1:  # x * x: the factor is a sum of two
        return None
    texts = [name(a) if isinstance(a, Value) else f"{a:.9g}" for a in operands]
    return op.formula_for(at[k], texts, name(v))


def _worth_showing(formula: str | None, value: float) -> bool:
    """A formula says more than its number unless it is that number (``1``, ``−1``, ``0.5``)."""
    if formula is None:
        return False
    plain = formula.replace("−", "-").strip("()")
    try:
        return float(plain) != value
    except ValueError:
        return True


def _path_formula(start: Value, end: Value, name: Callable[[Value], str],
                  budget: int = 200) -> str | None:
    """The formula of ∂start/∂end when exactly one chain of unlabeled nodes leads from start to
    end: the edges' formulas multiplied (unit factors dropped), naming only labeled nodes and
    numbers; else None."""
    found: list[list[tuple[Value, int]]] = []
    stack: list[tuple[Value, list[tuple[Value, int]]]] = [(start, [])]
    while stack and len(found) < 2 and budget > 0:
        v, path = stack.pop()
        budget -= 1
        for k, p in enumerate(v.parents):
            if p is end:
                found.append([*path, (v, k)])
            elif not p.label and not p.is_leaf:
                stack.append((p, [*path, (v, k)]))
    if len(found) != 1 or stack and budget <= 0:
        return None
    factors = []
    for node, k in found[0]:
        text = _edge_formula(node, k, name)
        named = text and text.replace(name(start), "").replace(name(end), "")
        if text is None or "#" in (named or ""):  # it may name only start, end and labels
            return None
        if text != "1":
            factors.append(text)
    if len(factors) <= 1:
        return factors[0] if factors else "1"
    return "·".join(f if _PLAIN.fullmatch(f) else f"({f})" for f in factors)


def _is_sum(op: Op | None) -> bool:
    """Ops whose every local derivative is ±1: a term of one is a term of a sum."""
    return op is not None and all(f in ("1", "−1") for f in op.formula)


def _sum_text(terms: Sequence[float]) -> str:
    """``(-0.007719579 + 0.025367174)``; later negative terms read ``- 0.2``."""
    text = fmt(terms[0])
    for t in terms[1:]:
        text += f" - {fmt(-t)}" if t < 0 else f" + {fmt(t)}"
    return f"({text})"


def _elide(items: Sequence[str], sep: str, most: int = 12) -> str:
    """Join items, keeping the first and last few when there are more than `most`."""
    if len(items) <= most:
        return sep.join(items)
    half = most // 2
    return sep.join([*items[:half], f"… {len(items) - most} more …", *items[-half:]])


# ---------------------------------------------------------------------------------------------
# backward_steps


@dataclass(frozen=True, slots=True)
class ParentStep:
    """What one step sends into one parent: ``contribution = local × upstream``."""

    parent: Value
    local: float
    contribution: float
    before: float
    after: float


@dataclass(frozen=True, slots=True, repr=False)
class Step:
    """One node of the backward pass: its upstream gradient d root / d node, and what it adds
    into each parent. ``skipped`` is True when the upstream gradient is 0: as in `backward()`,
    nothing flows (the parents are listed with contribution 0). Its repr is the readable
    block, so that ``next(steps)`` in the REPL shows the step."""

    index: int
    node: Value
    grad: float
    parents: tuple[ParentStep, ...]
    skipped: bool
    names: _Names = field(repr=False, compare=False)
    unhooked: float | None = None
    """The gradient before the node's hooks (`Value.register_hook`); ``grad`` is after them."""

    @property
    def hooked(self) -> bool:
        """True when a hook replaced this node's gradient."""
        return self.unhooked is not None and not _same(self.unhooked, self.grad)

    def __str__(self) -> str:
        name, v = self.names, self.node
        what = f" = {_expr(v, name)}" if not v.is_leaf else " (a leaf: its gradient is complete)"
        lines = [f"step {self.index}: {name(v)}{what}    grad {fmt(self.grad)}"]
        if self.hooked:
            assert self.unhooked is not None
            lines.append(f"  a hook replaced the gradient {fmt(self.unhooked)} by "
                         f"{fmt(self.grad)}")
        if self.skipped:
            lines.append("  upstream gradient is 0: nothing flows to the parents")
            return "\n".join(lines)
        most = 20
        for k, s in enumerate(self.parents[:most]):
            rule = _edge_formula(v, k, name)
            rule = f"{rule} = " if _worth_showing(rule, s.local) else ""
            hidden = fmt(s.before) == fmt(s.after) and s.contribution != 0.0
            change = f" (+ {s.contribution:.3g})" if hidden else ""
            lines.append(
                f"  ∂{name.sym(v)}/∂{name.sym(s.parent)} = {rule}{fmt(s.local)} × upstream "
                f"{fmt(self.grad)} = {fmt(s.contribution)}    "
                f"{name(s.parent)}.grad: {fmt(s.before)} -> {fmt(s.after)}{change}"
            )
        if len(self.parents) > most:
            lines.append(f"  … {len(self.parents) - most} more parents (see .parents)")
        return "\n".join(lines)

    __repr__ = __str__


def backward_steps(root: Value, grad: float = 1.0) -> Iterator[Step]:
    """Run ``root.backward(grad)`` one node at a time, yielding a `Step` per node.

    Same order as `backward()` (`autograd.engine.backward_order`), same arithmetic, same result
    once exhausted; nothing happens until the first ``next()``. A leaf root just accumulates
    `grad` and yields nothing. Under `detect_anomaly()` a NaN or infinite contribution raises
    `AnomalyError`, as in `backward()`.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps: expected a Value, not {type(root).__name__}")
    return _steps(root, number(grad, "backward_steps"))


def _steps(root: Value, seed: float) -> Iterator[Step]:
    """backward() on a table of its own, one node at a time: non-leaf ``.grad`` fields follow
    the steps; the leaves' ``.grad`` are written when the last step is done, so a step-through
    left half way changes no leaf (and a later ``backward()`` is not thrown off)."""
    if root.is_leaf:
        root.backward(seed)
        return
    nodes = topological(root)
    order = [v for v in nodes if not v.is_leaf]
    leaves = [v for v in nodes if v.is_leaf]
    hooked = [v for v in leaves if v.hooks]
    start = {v: v.grad for v in leaves}
    table: dict[Value, Any] = {v: v.grad for v in leaves if not v.hooks}
    table[root] = seed
    for v in order:
        v.grad = 0.0
    root.grad = seed
    names = _Names(root)
    visits = backprop([*order, *hooked], table, checked=is_anomaly_enabled(), hooks=True)
    for index, visit in enumerate(visits, 1):
        for p, _, _, _, after in visit.flows:
            if not p.is_leaf:
                p.grad = after
        if not visit.node.is_leaf:
            visit.node.grad = visit.grad
        steps = tuple(ParentStep(*flow) for flow in visit.flows)
        yield Step(index, visit.node, visit.grad, steps, _zero(visit.grad), names,
                   visit.unhooked)
    changed = [v for v in leaves if not _same(v.grad, start[v])]
    if changed:
        warnings.warn(f"backward_steps: the gradients of {len(changed)} leaves changed while "
                      "this step-through was paused (did backward() or zero_grad() run?); its "
                      "results are not written into .grad", RuntimeWarning, stacklevel=2)
        return
    for v in leaves:
        v.grad = v.grad + table.get(v, 0.0) if v.hooks else table[v]


def _zero(g: Any) -> bool:
    return type(g) is float and g == 0.0


def _same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)


# ---------------------------------------------------------------------------------------------
# explain


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
    names: _Names = field(repr=False)

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
            lines.append(f"{head} = " + _elide(
                [f"∂{n.sym(s.start)}/∂{n.sym(s.end)}" for s in self.chain], " × "))
            lines.append(f"{pad} = " + _elide(
                [_sum_text([p.product for p in s.paths]) if is_sum else fmt(s.value)
                 for s, is_sum in zip(self.chain, sums, strict=True)], " × "))
            if any(sums):
                lines.append(f"{pad} = " + _elide([fmt(s.value) for s in self.chain], " × "))
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
                lines.append(f"where {what} = {fmt(s.value)} sums {_count(s.n_paths)} paths; "
                             f"the {len(s.paths)} largest:")
            else:
                lines.append(f"where {what} = {fmt(s.value)} sums {s.n_paths} paths:")
            lines.extend("  " + self._path_line(p) for p in s.paths)
        if len(detailed) > most:
            lines.append(f"… and {len(detailed) - most} more factors that sum several paths "
                         "(see .chain)")
        rules = [(s, _path_formula(s.start, s.end, n)) for s in self.chain if s.n_paths == 1]
        rules = [(s, f) for s, f in rules if _worth_showing(f, s.value)]
        for i, (s, formula) in enumerate(rules):
            lead = "with " if i == 0 else "     "
            lines.append(f"{lead}∂{n.sym(s.start)}/∂{n.sym(s.end)} = {formula} = {fmt(s.value)}")
        if self.n_paths > 1:
            lines.append(f"{_count(self.n_paths)} paths from {n(self.root)} to {n(self.wrt)} "
                         f"in all; their products sum to the gradient, {fmt(self.value)}.")
        if self.n_node_paths != self.n_paths:
            why = ("Unlabeled nodes are folded into these factors" if self.folded else
                   "An operand used twice by one node (x*x) gives one factor, the sum of both")
            lines.append(f"({why}; node by node there are {_count(self.n_node_paths)} paths.)")
        return "\n".join(lines)

    def _path_line(self, p: Path) -> str:
        nodes = _elide([self.names(v) for v in p.nodes], " → ")
        return f"{nodes}:  {_elide([fmt(f) for f in p.factors], ' × ')} = {fmt(p.product)}"

    def _repr_html_(self) -> str:
        esc, n = html.escape, self.names
        head = esc(f"∂{n.sym(self.root)}/∂{n.sym(self.wrt)} = {fmt(self.value)}")
        rows = "".join(
            f"<tr><td>{esc(_elide([n(v) for v in p.nodes], ' → '))}</td>"
            f"<td>{esc(_elide([fmt(f) for f in p.factors], ' × '))}</td>"
            f"<td>{esc(fmt(p.product))}</td></tr>"
            for p in self.paths
        )
        shown = f"the {len(self.paths)} largest of " if len(self.paths) < self.n_paths else ""
        return (
            f"<pre>{esc(str(self))}</pre>"
            f"<table><caption>{head}: {shown}{esc(_count(self.n_paths))} paths</caption>"
            "<tr><th>path</th><th>factors</th><th>product</th></tr>"
            f"{rows}<tr><td colspan='2'>sum over all {esc(_count(self.n_paths))} paths</td>"
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
    names = _Names(root)
    if wrt is root:
        return Explanation(root, wrt, 1.0, 1, (Path((root,), (), 1.0),), (), False, 1, names)
    order = backward_order(root, reset=False)
    count: dict[Value, int] = {wrt: 1}  # how many paths lead from a node down to wrt
    for v in reversed(order):
        if v is not wrt:
            k = sum(count.get(p, 0) for p in v.parents)
            if k:
                count[v] = k
    if root not in count:
        return Explanation(root, wrt, 0.0, 0, (), (), False, 0, names)

    # The gradient: backward()'s loop restricted to the nodes between root and wrt, in its order.
    adjoint = {root: 1.0}
    for _ in backprop([v for v in order if v in count], adjoint, within=count):
        pass
    value = adjoint.get(wrt, 0.0)

    between = [v for v in order if v in count]
    if wrt.is_leaf:
        between.append(wrt)
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
             if not (prev is root and _is_sum(_op(prev)) and below[prev] == below[d]
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
    pos = {v: i for i, v in enumerate(between)}

    def listed(nodes: list[Value], n: int) -> tuple[Path, ...]:
        paths = _best_paths(nodes, edges, top)  # the largest first, but when all are there,
        if 1 < len(paths) == n:  # list them in operand order, as a derivation by hand does
            paths = tuple(sorted(paths, key=lambda p: [pos[v] for v in p.nodes]))
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
        below = [a]  # the nodes a reaches without passing through another stop
        seen = {a}
        for v in below:
            for p in v.parents:
                if p in count and p not in seen:
                    seen.add(p)
                    if p not in stops:
                        below.append(p)
        budget -= len(below)
        if budget < 0:
            return None
        acc = {a: 1.0}
        for _ in backprop(sorted(below, key=pos.__getitem__), acc, within=count):
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


def tree(root: Value, max_depth: int | None = None, max_nodes: int = 500) -> str:
    """The graph as indented text: each node with its expression, data and grad, its parents
    indented below it. A node met again is not repeated (``↑ see above``); past `max_depth`
    levels or `max_nodes` lines the output is cut, with a note."""
    if not isinstance(root, Value):
        raise TypeError(f"tree: expected a Value, not {type(root).__name__}")
    name = _Names(root)
    shown: set[Value] = set()
    lines: list[str] = []
    stack: list[tuple[Value, int, str, str]] = [(root, 0, "", "")]
    while stack:
        v, depth, lead, indent = stack.pop()
        if len(indent) > _DEEPEST:  # linear in the lines shown: the indentation is capped
            lead = f"[depth {depth}] " + lead[-_DEEPEST:]
            indent = indent[-_DEEPEST:]
        if len(lines) >= max_nodes:
            lines.append(f"… cut at {max_nodes} lines; the graph has {len(walk(root))} nodes "
                         "(tree(v, max_nodes=...) shows more)")
            break
        if v in shown:
            lines.append(f"{lead}{name(v)}  ↑ see above")
            continue
        line = f"{lead}{name(v)}"
        if not v.is_leaf:
            line += f" = {_expr(v, name)}"
        line += f"    data {fmt(v.data)}  grad {fmt(v.grad)}"
        parents = v.parents
        if parents and max_depth is not None and depth >= max_depth:
            lines.append(f"{line}  (… {len(parents)} parents below max_depth)")
            continue
        lines.append(line)
        shown.add(v)
        for i in reversed(range(len(parents))):
            last = i == len(parents) - 1
            stack.append((parents[i], depth + 1, indent + ("└─ " if last else "├─ "),
                          indent + ("   " if last else "│  ")))
    return "\n".join(lines)
