"""A microgpt-style scalar engine: the reference that the GPT workload is measured against.

Written for this benchmark from the published description of microgpt's engine (February 2026),
not copied: a `Value` with ``__slots__`` that keeps its data, its gradient, its children and
the local gradients d self / d child, computed when the op runs; the ops the model needs
(``+ * **``, exp, log, relu, the rest derived from them as microgpt derives them); and a
backward pass that sorts the graph topologically and chains the local gradients. Plain numbers
become leaf Values, as in microgpt. One change: the topological sort is iterative (an explicit
stack with a marker; on the GPT step it is within 1% of the time of a recursive sort), so that
a deep graph does not hit Python's recursion limit.
"""

from __future__ import annotations

import math
from typing import Any


class Value:
    __slots__ = ("data", "grad", "_children", "_local_grads")

    def __init__(self, data: float, children: tuple[Value, ...] = (),
                 local_grads: tuple[float, ...] = ()) -> None:
        self.data = data
        self.grad = 0.0
        self._children = children
        self._local_grads = local_grads

    def __add__(self, other: Any) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other: Any) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k: float) -> Value:
        return Value(self.data**k, (self,), (k * self.data ** (k - 1),))

    def exp(self) -> Value:
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def log(self) -> Value:
        return Value(math.log(self.data), (self,), (1.0 / self.data,))

    def relu(self) -> Value:
        return Value(max(0.0, self.data), (self,), (float(self.data > 0.0),))

    def __neg__(self) -> Value:
        return self * -1.0

    def __radd__(self, other: Any) -> Value:
        return self + other

    def __sub__(self, other: Any) -> Value:
        return self + (-other)

    def __rsub__(self, other: Any) -> Value:
        return other + (-self)

    def __rmul__(self, other: Any) -> Value:
        return self * other

    def __truediv__(self, other: Any) -> Value:
        return self * other**-1

    def __rtruediv__(self, other: Any) -> Value:
        return other * self**-1

    def backward(self) -> None:
        order: list[Value] = []  # children before parents
        seen: set[Value] = set()
        stack: list[Value | None] = [self]
        push, pop = stack.append, stack.pop
        while stack:
            v = pop()
            if v is None:  # the node below the marker has all its children in order: add it
                order.append(pop())  # type: ignore[arg-type]
                continue
            if v in seen:
                continue
            seen.add(v)
            push(v)
            push(None)
            for child in v._children:
                if child not in seen:
                    push(child)
        self.grad = 1.0
        for v in reversed(order):
            for child, local in zip(v._children, v._local_grads, strict=False):
                child.grad += local * v.grad
