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

__all__ = ["Visit", "backprop", "backward_order", "between", "path_labels", "topological",
           "users", "walk", "zero_grad"]


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
