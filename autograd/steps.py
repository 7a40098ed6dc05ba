"""`backward_steps`: the backward pass one node at a time, as the chain rule by hand.

It runs the engine's own backward pass (`autograd.core.backward_pass`, with the same hooks and
``detect_anomaly`` checks `Value.backward` has) and stops after each node has sent its gradient
on: each `Step` says which node, its gradient, and for each operand the local derivative (its
formula and its number), the product, and the operand's gradient before and after. The
``.grad`` fields hold exactly what the steps shown so far say; when the last step is done they
hold what one ``backward()`` gives.

Stepping through a graph whose leaves already hold gradients would add to them, as a second
``backward()`` adds: it is refused unless asked for (``accumulate=True``), so that inspecting a
graph never silently changes the numbers being studied.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

from .core import WATCHERS, Value, backward_pass, topological_order
from .hooks import hooks_of
from .names import Names, edge_formula, expr_text, worth_showing
from .ops import number
from .text import fmt

__all__ = ["BackwardSteps", "ParentStep", "Step", "backward_steps", "held_gradients"]


@dataclass(frozen=True, slots=True)
class ParentStep:
    """What one step sends into one operand: ``contribution = local × upstream``."""

    parent: Value
    local: float
    contribution: float
    before: float
    after: float


@dataclass(frozen=True, slots=True, repr=False)
class Step:
    """One node of the backward pass: its gradient d root / d node (complete when the step
    comes), and what it adds into each operand. Its repr is the readable block, so that
    ``next(steps)`` in the REPL shows the step."""

    index: int
    node: Value
    grad: float
    parents: tuple[ParentStep, ...]
    names: Names = field(repr=False, compare=False)
    unhooked: float | None = None
    """The gradient before the node's hooks (`Value.register_hook`); ``grad`` is after them."""

    @property
    def skipped(self) -> bool:
        """True when the node's gradient is 0: every contribution is 0 × its local
        derivative (0, unless the local derivative is infinite: then NaN, as in PyTorch)."""
        return self.grad == 0.0

    @property
    def hooked(self) -> bool:
        """True when a hook replaced this node's gradient."""
        return self.unhooked is not None and not _same(self.unhooked, self.grad)

    def __str__(self) -> str:
        name, v = self.names, self.node
        what = (f" = {expr_text(v, name)}" if not v.is_leaf
                else " (a leaf: its gradient is complete)")
        lines = [f"step {self.index}: {name(v)}{what}    grad {fmt(self.grad)}"]
        if self.hooked:
            assert self.unhooked is not None
            lines.append(f"  a hook replaced the gradient {fmt(self.unhooked)} by "
                         f"{fmt(self.grad)}")
        most = 20
        for k, s in enumerate(self.parents[:most]):
            rule = edge_formula(v, k, name)
            rule = f"{rule} = " if worth_showing(rule, s.local) else ""
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


def held_gradients(root: Value) -> list[Value]:
    """The leaves below `root` whose ``.grad`` is not 0: a backward pass would add to them."""
    return [v for v in topological_order(root) if not v.operands and v.grad != 0.0]


class BackwardSteps:
    """``root.backward(grad)`` one node at a time: an iterator of `Step`. ``next(steps)``
    plays one step, ``list(steps)`` the rest; ``len(steps)`` is the number of steps in all."""

    def __init__(self, root: Value, grad: float = 1.0, accumulate: bool = False) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"backward_steps: expected a Value, not {type(root).__name__}")
        seed = number(grad, "backward_steps")
        held = held_gradients(root)
        if held and not accumulate:
            names = Names(root)
            shown = ", ".join(f"{names(v)}.grad = {fmt(v.grad)}" for v in held[:3])
            more = f" and {len(held) - 3} more" if len(held) > 3 else ""
            raise ValueError(
                f"backward_steps: the graph already holds gradients ({shown}{more}); stepping "
                "through backward would add to them, as a second backward() does. Call "
                "root.zero_grad() first to watch one pass from zero, or pass accumulate=True "
                "to add to them")
        self.root = root
        self.accumulating = bool(held)
        self.names = Names(root)
        self.total = sum(1 for v in topological_order(root) if v.operands or hooks_of(v))
        self.done = 0
        self._steps = self._run(seed)

    def __iter__(self) -> BackwardSteps:
        return self

    def __next__(self) -> Step:
        step = next(self._steps)
        self.done += 1
        return step

    def __len__(self) -> int:
        return self.total

    def __repr__(self) -> str:
        name = self.names(self.root)
        if self.done == self.total:
            added = (" (the leaves added it to the gradients they held, as a second backward() "
                     "adds)") if self.accumulating else ""
            return (f"<the backward pass of {name}: all {self.total} steps done; every .grad "
                    f"holds what backward() gives{added}>")
        return (f"<the backward pass of {name}: {self.total} steps, {self.done} done; "
                "next(steps) plays the next one, list(steps) the rest>")

    def _run(self, seed: float) -> Iterator[Step]:
        unhooked: dict[Value, float] = {}
        nodes = _noting(backward_pass(self.root, seed), unhooked)
        for watch in WATCHERS:  # hooks and detect_anomaly(), as in Value.backward
            nodes = watch(nodes)
        started = _passes[0]
        index = 0
        pending = next(nodes, None)
        while pending is not None:
            v = pending
            hooked = bool(hooks_of(v))
            shown = (v.operands or hooked)
            g, before = v.grad, {x: x.grad for x in v.parents}
            pending = next(nodes, None)  # v's gradient flows to its operands now
            if not shown:
                continue
            index += 1
            step = self._step(index, v, g, unhooked.pop(v, None) if hooked else None, before)
            shown_grads = {u: u.grad for u in (*v.parents, *([] if pending is None else [pending]))}
            yield step
            if _passes[0] != started or any(not _same(u.grad, g) for u, g in shown_grads.items()):
                warnings.warn("backward_steps: the gradients changed while this step-through "
                              "was paused (did backward() or zero_grad() run?); it stops here "
                              "and writes nothing more", RuntimeWarning, stacklevel=2)
                return

    def _step(self, index: int, v: Value, g: float, unhooked: float | None,
              before: dict[Value, float]) -> Step:
        flows = []
        running = dict(before)
        for x, d in zip(v.operands, v.partials, strict=True):
            if isinstance(x, Value):
                c = d * g
                after = running[x] + c
                flows.append(ParentStep(x, d, c, running[x], after))
                running[x] = after
        return Step(index, v, g, tuple(flows), self.names, unhooked)


_passes = [0]  # how many backward passes have started: a paused step-through checks it


def _count(nodes: Iterator[Value]) -> Iterator[Value]:
    _passes[0] += 1
    return nodes


WATCHERS.append(_count)


def _noting(nodes: Iterator[Value], grads: dict[Value, float]) -> Iterator[Value]:
    """The nodes of a pass, noting the gradient of each hooked one before its hooks run."""
    for v in nodes:
        if hooks_of(v):
            grads[v] = v.grad
        yield v


def backward_steps(root: Value, grad: float = 1.0, *, accumulate: bool = False
                   ) -> BackwardSteps:
    """Run ``root.backward(grad)`` one node at a time, giving a `Step` per node that has
    operands (and per leaf with a hook).

    Same pass as `backward()`: same order, same arithmetic, same hooks, same result once every
    step is done; nothing happens until the first ``next()``. After each step, every ``.grad``
    holds what the steps so far say. When leaves already hold gradients (a ``backward()`` ran
    before) it refuses, saying so, unless ``accumulate=True``: then they add up, as they would.
    """
    return BackwardSteps(root, grad, accumulate)


setattr(Value, "backward_steps", backward_steps)  # noqa: B010 - declared in autograd.core


def _same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)
