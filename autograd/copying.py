"""Copies and pickles of a graph, node by node: a graph a million nodes deep is fine.

`copy.deepcopy` and `pickle` would follow a Value's operands recursively and fail past about a
thousand levels. Registered with `copyreg`, a Value whose graph has operands is reduced instead
to flat records, parents before children; its leaves are copied or pickled as themselves, so a
leaf shared by several graphs (a model's weight) stays one object. An op is recorded by its name
and found again in the registry when the graph is rebuilt.
"""

from __future__ import annotations

import copyreg
from typing import Any

from . import ops
from .core import Value, topological_order

__all__: list[str] = []


def _reduce(v: Value) -> tuple[Any, ...]:
    if not v.operands:
        return (_leaf, (v.data, v.grad, v.label))
    order = topological_order(v)  # parents before children, v last
    leaves = [u for u in order if not u.operands]
    index = {u: i for i, u in enumerate(leaves)}
    records = []
    for u in order:
        if u.operands:
            index[u] = len(index)
            refs = tuple(("node", index[x]) if isinstance(x, Value) else x for x in u.operands)
            records.append((u.data, u.grad, u.label, str(u.op), refs, u.partials))
    return (_rebuild, (leaves, records))


def _leaf(data: float, grad: float, label: str) -> Value:
    v = Value(data, label)
    v.grad = grad
    return v


def _rebuild(leaves: list[Value], records: list[tuple[Any, ...]]) -> Value:
    """The graph `_reduce` flattened; the last record is the root."""
    made: list[Value] = list(leaves)
    for data, grad, label, name, refs, partials in records:
        operands = tuple(made[r[1]] if type(r) is tuple else r for r in refs)
        v: Value = object.__new__(Value)
        v.data, v.grad, v.label, v.op = data, grad, label, ops.get(name)
        v.operands, v.partials = operands, tuple(partials)
        made.append(v)
    return made[-1]


copyreg.pickle(Value, _reduce)
