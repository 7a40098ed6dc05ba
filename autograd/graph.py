"""Walks of the graph, the only ones: every other module asks here.

The order comes from the core (`autograd.core.topological_order`: each node after its operands,
the order the code computed them in). On it this module builds the views of a graph that
several modules need: the same order from the root down (`topological`), the nodes a backward
pass visits (`backward_order`), who uses each node (`users`), the nodes on the paths between two
nodes (`between`), the labels along one path (`path_labels`), and the chain rule over a table
of gradients instead of the ``.grad`` fields (`backprop`), which `grad(create_graph=True)`,
`explain` and the drawings use to sum over paths without touching ``.grad``.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from .core import Value, topological_order

__all__ = ["Visit", "backprop", "backward_order", "between", "chains", "outline", "path_labels",
           "region", "topological", "users", "walk", "zero_grad"]


def _roots(root: Value | Sequence[Value]) -> list[Value]:
    return [root] if isinstance(root, Value) else list(root)


def topological(root: Value | Sequence[Value]) -> list[Value]:
    """Every Value `root` (or each of several roots) depends on, leaves included, each once,
    every node before its operands: the root first."""
    return topological_order(*_roots(root))[::-1]


def walk(root: Value) -> list[Value]:
    """Every Value `root` depends on, root included, each once (leaves too), root first."""
    return topological(root)


def backward_order(root: Value | Sequence[Value], reset: bool = True) -> list[Value]:
    """The nodes with operands that `root` depends on, each once, root first, every node
    before its operands: the order in which `backward()` sends their gradients on. With
    ``reset`` their ``.grad`` is set to 0 on the way, as a backward pass starts."""
    order = [v for v in topological(root) if v.operands]
    if reset:
        for v in order:
            v.grad = 0.0
    return order


def users(root: Value | Sequence[Value]) -> dict[Value, list[Value]]:
    """Who uses each node below `root`: node -> the nodes that have it as an operand (a node
    that uses it twice, as ``x * x``, is listed once)."""
    found: dict[Value, list[Value]] = {}
    for v in topological_order(*_roots(root)):
        found.setdefault(v, [])
        for x in dict.fromkeys(v.parents):
            found[x].append(v)
    return found


def between(root: Value, wrt: Value) -> list[Value]:
    """The nodes on the paths from `root` down to `wrt`, both included, root first (every node
    before its operands); empty when `root` does not depend on `wrt`."""
    reaches = {wrt}
    order = topological_order(root)
    for v in order:
        if v is not wrt and any(x in reaches for x in v.parents):
            reaches.add(v)
    if root not in reaches:
        return []
    return [v for v in reversed(order) if v in reaches]


def path_labels(root: Value, target: Value) -> list[str]:
    """The labels of the labeled nodes on one path from `root` down to `target`."""
    nodes = between(root, target)
    below = set(nodes)
    path, v = [], root
    while nodes:
        path.append(v)
        if v is target:
            break
        v = next(x for x in v.parents if x in below)
    return [p.label for p in path if p.label]


def region(start: Value, inside: Container[Value], stops: Container[Value]) -> list[Value]:
    """The nodes `start` reaches through its operands (start first), staying among `inside`
    and not going past `stops` (a stop is listed, not entered)."""
    found, seen = [start], {start}
    for v in found:
        for p in v.parents:
            if p in inside and p not in seen:
                seen.add(p)
                if p not in stops:
                    found.append(p)
    return found


def chains(start: Value, end: Value, through: Callable[[Value], bool], most: int = 2,
           budget: int = 200) -> list[list[tuple[Value, int]]] | None:
    """Up to `most` paths from `start` down to `end` whose inner nodes all pass `through`, each
    as (node, index of the parent taken) pairs; None when the search would go past `budget`
    nodes (the answer is then unknown)."""
    found: list[list[tuple[Value, int]]] = []
    stack: list[tuple[Value, list[tuple[Value, int]]]] = [(start, [])]
    while stack and len(found) < most:
        if budget <= 0:
            return None
        v, path = stack.pop()
        budget -= 1
        for k, p in enumerate(v.parents):
            if p is end:
                found.append([*path, (v, k)])
            elif through(p):
                stack.append((p, [*path, (v, k)]))
    return found


def outline(root: Value) -> Iterator[tuple[Value, int, bool, tuple[bool, ...]]]:
    """The graph as an outline, root first, each node's operands below it in order:
    (node, depth, met before, for each level down to it whether it is its parent's last
    operand). A node met again is yielded again, with ``met before`` True, and not entered."""
    shown: set[Value] = set()
    stack: list[tuple[Value, tuple[bool, ...]]] = [(root, ())]
    while stack:
        v, lasts = stack.pop()
        again = v in shown
        yield v, len(lasts), again, lasts
        if not again:
            shown.add(v)
            parents = v.parents
            for i in reversed(range(len(parents))):
                stack.append((parents[i], (*lasts, i == len(parents) - 1)))


Flow = tuple[Value, Any, Any, Any, Any]
"""What one node sends one operand: (operand, local derivative, contribution, before, after)."""


class Visit(NamedTuple):
    """One node of `backprop`: its gradient ``grad`` (after ``at_node``; ``unhooked`` is the
    gradient before it) and what it sent each operand."""

    node: Value
    grad: Any
    flows: list[Flow]
    unhooked: Any


def backprop(
    order: Iterable[Value],
    adjoint: dict[Value, Any],
    *,
    local: Callable[[Value], Sequence[Any]] | None = None,
    within: Container[Value] | None = None,
    at_node: Callable[[Value, Any], Any] | None = None,
) -> Iterator[Visit]:
    """The chain rule over `order` (each node before its operands) on the table `adjoint`.

    For each node v, with gradient ``g = adjoint[v]`` (after ``at_node(v, g)``, which hooks
    use), add ``local × g`` into the entry of each operand that is a Value, and yield a
    `Visit`. ``local(v)`` gives the local derivatives, one per parent (default
    `Value.local_grads`: floats; `autograd.functional` gives Values, for create_graph). Parents
    outside `within` are skipped. The same recurrence as `Value.backward`, which runs it on the
    ``.grad`` fields; nothing is skipped, so 0 × inf is NaN here too.
    """
    for v in order:
        g = unhooked = adjoint.get(v, 0.0)
        if at_node is not None:
            g = adjoint[v] = at_node(v, g)
        flows: list[Flow] = []
        for p, d in zip(v.parents, v.local_grads if local is None else local(v), strict=True):
            if within is not None and p not in within:
                continue
            before = adjoint.get(p, 0.0)
            c = d * g
            after = before + c if p in adjoint else c
            adjoint[p] = after
            flows.append((p, d, c, before, after))
        yield Visit(v, g, flows, unhooked)


def zero_grad(root: Value) -> None:
    """Set ``.grad`` to 0 on `root` and every Value it depends on (`Value.zero_grad`)."""
    for v in topological_order(root):
        v.grad = 0.0


setattr(Value, "zero_grad", zero_grad)  # noqa: B010 - declared in autograd.core
