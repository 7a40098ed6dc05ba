"""The neuron and layer calls of an `autograd.nn` model, found in a graph from its structure.

A parameter of a model knows its neuron (`Value.owner`) and the neuron its place (``position``:
layer, neuron). A neuron call is the `dot` node whose last operand is the neuron's bias, then
the activation node that is its only use (a linear neuron has none); a layer call is the calls
of one layer's neurons that read the same inputs (one per sample). Labels play no part: an
output renamed ``score`` is still its neuron's. The drawings (`autograd.viz`) group, order and
fold boxes by these calls.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from .core import Value
from .graph import users

__all__ = ["Call", "LayerCall", "layer_calls", "neuron_calls", "position_of"]


@dataclass
class Call:
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
class LayerCall:
    """One call of an nn layer (on one sample): the calls of its neurons that read the same
    inputs, in neuron order."""

    layer: int
    calls: list[Call]

    @property
    def outs(self) -> list[Value]:
        return [c.out for c in self.calls]


def position_of(v: Value) -> tuple[int, int] | None:
    """(layer, neuron) of a parameter whose owner (an nn neuron) sits in a model, else None."""
    position = getattr(v.owner, "position", None)
    return cast(tuple[int, int], position) if isinstance(position, tuple) else None


def neuron_calls(order: list[Value]) -> dict[Value, Call]:
    """Each neuron call among the nodes `order` (the graph of ``order[0]``, root first), keyed by
    its output: a `dot` node whose last parent is a neuron's bias, and the activation node that
    is its only use (when the neuron has one)."""
    used_by = users(order[0]) if order else {}
    calls: dict[Value, Call] = {}
    for z in order:
        if z.op != "dot":
            continue
        bias = z.parents[-1]
        owner = bias.owner
        position = position_of(bias)
        if position is None or getattr(owner, "b", None) is not bias:
            continue
        params = [p for p in z.parents if p.owner is owner]
        reads: tuple[object, ...] = tuple(p for p in z.parents if p.owner is not owner)
        if not reads:  # the inputs were plain numbers: d z / d w_k = x_k
            reads = tuple(d for p, d in zip(z.parents, z.local_grads, strict=True)
                          if p is not bias)
        out = z
        uses = used_by.get(z, [])
        if len(uses) == 1 and uses[0].op == getattr(owner, "activation", None) \
                and uses[0].parents == (z,):
            out = uses[0]
        calls[out] = Call(z, out, position, params, getattr(owner, "nin", len(params) - 1),
                          reads)
    return calls


def layer_calls(calls: Iterable[Call]) -> list[LayerCall]:
    """The layer calls made of `calls` (given in reading order), in that order: the calls of
    one layer's neurons that read the same inputs; a neuron called twice on the same inputs
    (two identical samples) starts a second layer call."""
    found: dict[tuple[int, tuple[object, ...]], list[tuple[LayerCall, set[int]]]] = {}
    made: list[LayerCall] = []
    for call in calls:
        same = found.setdefault((call.position[0], call.reads), [])
        neuron = call.position[1]
        entry = next((e for e in same if neuron not in e[1]), None)
        if entry is None:
            entry = (LayerCall(call.position[0], []), set())
            same.append(entry)
            made.append(entry[0])
        entry[0].calls.append(call)
        entry[1].add(neuron)
    for lc in made:
        lc.calls.sort(key=lambda c: c.position[1])
    return made
