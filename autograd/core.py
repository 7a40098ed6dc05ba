"""The engine in one page: `Value`, `apply`, `backward`. Read it beside micrograd's engine.py.

A Value holds a number, its gradient, a label, and how it was made: the op (a registry op of
`autograd.math`), its operands and its local derivatives there (``partials``), computed when the
node is made, so that the graph is the formula sheet the chain rule needs. `Value.backward`
orders the graph once and runs one loop. Around this page, never inside it: modes see each new
node through ``MODE``, hooks and anomaly checks each node of a backward pass through
``WATCHERS``; the operators run code generated from the same rules (`autograd.fast`). The
docs' page "Read the engine" walks through this file.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any, Protocol, Union

from .operators import Arithmetic
from .ops import Op, evaluate, number, partials_at

__all__ = ["MODE", "WATCHERS", "Operand", "Value", "apply", "backward_pass", "topological_order"]

Operand = Union["Value", float]  # what ops accept: a Value, or a plain number


class Value(Arithmetic):
    """A number in a computation graph. ``Value(2.0, label='w1')``; the operators (``+ - * / **``,
    ``-v``, ``abs(v)``) and ``exp log sqrt tanh sigmoid relu leaky_relu sin cos`` build the
    graph, ``backward()`` fills ``.grad``. To look at it: ``v.backward_steps()``,
    ``v.explain(w)``, ``v.tree()``, ``v.draw()``; also ``v.zero_grad()``, ``v.register_hook(fn)``.
    """

    __slots__ = ("data", "grad", "op", "operands", "partials", "label")

    data: float  # the number
    grad: float  # d output / d self, filled by backward()
    op: str  # the registry Op that made this Value (an Op is its name: "*"); "" for a leaf
    operands: tuple[Operand, ...]  # the op's inputs, in call order; () for a leaf
    partials: tuple[float, ...]  # d self / d operand, for each operand, computed when made
    label: str  # a name for the views
    owner: Any = None  # what a leaf belongs to: a weight's neuron (autograd.nn.Parameter)

    def __init__(self, data: float, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, not {type(label).__name__}")
        self.data = number(data, "Value", "data")
        self.grad = 0.0
        self.op = ""
        self.operands = ()
        self.partials = ()
        self.label = label

    @staticmethod
    def __autograd_op__(op: Op, args: Sequence[Any]) -> Value:
        """How a registry op applies to Values (see `autograd.ops`): `apply`."""
        return apply(op, *args)

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values among the operands (a reused one repeats); numbers have no gradient."""
        return tuple(x for x in self.operands if isinstance(x, Value))

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d self / d parent, for each of `parents`."""
        pairs = zip(self.operands, self.partials, strict=True)
        return tuple(d for x, d in pairs if isinstance(x, Value))

    _prev = parents  # micrograd's names
    _op = property(lambda self: str(self.op))

    @property
    def is_leaf(self) -> bool:
        """True for Values made by the user (or under `no_grad`): no operands."""
        return not self.operands

    @property
    def constant(self) -> float | None:
        """The plain number of a two-operand op with one Value (the 2 in ``x * 2``), else None."""
        numbers = [x for x in self.operands if not isinstance(x, Value)]
        return numbers[0] if len(self.operands) == 2 and len(numbers) == 1 else None

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut from this graph."""
        return Value(self.data, self.label)

    def __repr__(self) -> str:
        extra = f", label={self.label!r}" if self.label else ""
        extra += f", op={str(self.op)!r}" if self.op else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{extra})"

    def backward(self, grad: float = 1.0) -> None:
        """Fill ``.grad`` of every Value this one depends on with d self / d that Value.

        ``grad`` seeds d self / d self (PyTorch's ``gradient`` argument). Gradients of leaves
        accumulate across calls, as in PyTorch: call ``zero_grad()`` between steps. A non-leaf's
        ``.grad`` holds the result of the latest backward pass through it.
        """
        nodes = backward_pass(self, number(grad, "backward"))
        for watch in WATCHERS:  # hooks and detect_anomaly() look at each node here
            nodes = watch(nodes)
        deque(nodes, maxlen=0)  # run the pass to its end

    def _backward(self) -> None:
        """The chain rule at this node (micrograd's name; its lecture calls it by hand:
        ``o.grad = 1.0; o._backward()``): local derivative × this node's gradient, added into
        the gradient of each operand that is a Value."""
        g, partials = self.grad, self.partials
        if g == 0.0 and math.isfinite(sum(partials)):
            return  # 0 × a finite number adds nothing (0 × inf would add NaN: never skipped)
        for i, x in enumerate(self.operands):
            if isinstance(x, Value):
                x.grad += partials[i] * g

    # Methods that the modules layered around this one add (documented there):
    register_hook: Callable[..., Any]  # autograd.hooks; .hooks lists them
    hooks: tuple[Callable[[Any], Any], ...]
    zero_grad: Callable[[], None]  # autograd.graph
    backward_steps: Callable[..., Any]  # autograd.steps
    explain: Callable[..., Any]  # autograd.inspect; .tree() too
    tree: Callable[..., str]
    draw: Callable[..., Any]  # autograd.viz


class Mode(Protocol):  # autograd.modes: no_grad, detect_anomaly, seeing each new node
    records: bool  # False under no_grad: no derivatives are computed, results are leaves

    def __call__(self, v: Value) -> Value: ...


MODE: ContextVar[Mode | None] = ContextVar("autograd_mode", default=None)  # per thread, task
WATCHERS: list[Callable[[Iterator[Value]], Iterator[Value]]] = []  # see each backward pass


def apply(op: Op, *operands: Operand) -> Value:
    """The registry op `op` applied to `operands` (at least one a Value): a new node with the
    op's value and its local derivatives, both from the op's declaration."""
    xs = [x.data if isinstance(x, Value) else number(x, op) for x in operands]
    out = evaluate(op, xs, operands)  # or the error naming the op and its operands
    mode = MODE.get()
    partials = partials_at(op, xs, out, operands) if mode is None or mode.records else ()
    if any(t is not float and not issubclass(t, Value) for t in set(map(type, operands))):
        operands = tuple(x if isinstance(x, Value) else xs[i] for i, x in enumerate(operands))
    return node(op, out, operands, partials)


def node(op: Op, data: float, operands: tuple[Operand, ...], partials: tuple[float, ...]
         ) -> Value:
    """A new Value made by `op`; the mode in force (`MODE`) sees it first."""
    v: Value = object.__new__(Value)
    v.data = data
    v.grad = 0.0
    v.op = op
    v.operands = operands
    v.partials = partials
    v.label = ""
    mode = MODE.get()
    return v if mode is None else mode(v)


def topological_order(*roots: Value) -> list[Value]:
    """Every Value the roots depend on, roots included, each once, after all of its operands:
    the order the code computed them in. Iterative, so a graph a million nodes deep is fine."""
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[Value | None] = list(reversed(roots))
    push, pop = stack.append, stack.pop
    while stack:
        v = pop()
        if v is None:  # all the operands of the Value under this mark are in order
            order.append(pop())  # type: ignore[arg-type]
        elif v not in seen:
            seen.add(v)
            if not v.operands:  # a leaf: nothing to order before it
                order.append(v)
                continue
            stack += (v, None)  # v comes back, under a mark, once its operands are ordered
            for x in reversed(v.operands):  # the first operand on top: it is ordered first
                if isinstance(x, Value) and x not in seen:
                    push(x)
    return order


def backward_pass(root: Value, grad: float = 1.0) -> Iterator[Value]:
    """The chain rule over the graph of `root`, one node at a time. Gradients of nodes with
    operands start at 0, the root's gets `grad`, leaves add to what they hold (as in PyTorch).
    In reverse topological order, each node is yielded once its gradient is complete (all its
    users sent their share), then passes it on: `Value.backward` runs it all, `backward_steps`
    a step at a time."""
    order = topological_order(root)
    for v in order:
        if v.operands:
            v.grad = 0.0
    root.grad += grad
    for v in reversed(order):
        yield v
        if v.operands:  # a leaf has nothing to pass on
            v._backward()
