"""Hooks on gradients: ``v.register_hook(fn)``, PyTorch's semantics.

``fn(grad)`` runs when v's gradient is complete in a backward pass (`Value.backward`,
`backward_steps`, `autograd.grad`); a return value other than None replaces the gradient that
flows on to v's operands (and, for a leaf, the one added into ``.grad``). The hooks reach the
backward pass as a watcher of `autograd.core.WATCHERS`; a pass whose graph has no hook pays one
dictionary lookup per node, and none at all while no hook is registered anywhere.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Collection, Iterator
from typing import Any

from .core import WATCHERS, Value

__all__ = ["HOOKS", "RemovableHandle", "hooked", "hooks_of", "register_hook", "run_hooks"]

Hook = Callable[[Any], Any]
HOOKS: dict[Value, list[Hook]] = {}  # Value -> its hooks, in order (read, never write)


class RemovableHandle:
    """What `Value.register_hook` returns: ``remove()`` takes the hook off (again is fine)."""

    __slots__ = ("_value", "_fn")

    def __init__(self, value: Value, fn: Hook) -> None:
        self._value, self._fn = value, fn

    def remove(self) -> None:
        hooks = HOOKS.get(self._value, [])
        if self._fn in hooks:
            hooks.remove(self._fn)
        if not hooks:
            HOOKS.pop(self._value, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def register_hook(v: Value, fn: Hook) -> RemovableHandle:
    """Call ``fn(grad)`` when this Value's gradient is complete in a backward pass
    (`backward`, `backward_steps`, `autograd.grad`), PyTorch's semantics: a return value other
    than None replaces the gradient, the one that flows on to the operands (and, for a leaf,
    the one added into ``.grad``). A number or a Value may be returned; outside
    ``grad(create_graph=True)`` a Value's data is taken (``.grad`` holds floats, always).
    Returns a handle whose ``remove()`` (or a ``with`` block) takes the hook off again.

    The hook holds this Value, and so its graph, until it is removed.
    """
    if not callable(fn):
        raise TypeError(f"register_hook: expected a function of the gradient, not "
                        f"{type(fn).__name__}")
    HOOKS.setdefault(v, []).append(fn)
    return RemovableHandle(v, fn)


def hooked() -> Collection[Value]:
    """Every Value that has a hook now (empty while no hook is registered anywhere)."""
    return HOOKS.keys()


def hooks_of(v: Value) -> tuple[Hook, ...]:
    """The functions registered on v with `register_hook`, in the order they run."""
    return tuple(HOOKS.get(v, ()))


def run_hooks(v: Value, g: Any, values: bool = False) -> Any:
    """v's gradient g after its hooks, each of which may replace it. ``values``: Values may
    stand (create_graph); otherwise a returned Value gives its data. Anything else that is not
    a real number is refused, naming the hook and the node."""
    for fn in list(HOOKS.get(v, ())):
        name = getattr(fn, "__name__", repr(fn))
        try:
            out = fn(g)
        except TypeError as e:
            raise TypeError(f"hook {name!r} on {_name(v)} failed: {e} (a hook takes one "
                            "argument, the gradient)") from None
        if out is None:
            continue
        if isinstance(out, Value):
            g = out if values else out.data
            continue
        if isinstance(out, bool) or not isinstance(out, numbers.Real):
            raise TypeError(f"hook {name!r} on {_name(v)} returned {type(out).__name__}; a "
                            "hook returns a number, a Value or None")
        try:
            g = float(out)
        except OverflowError:
            raise OverflowError(f"hook {name!r} on {_name(v)} returned an int too large "
                                "for a float") from None
    return g


def _name(v: Value) -> str:
    return f"{v.data!r} ({v.label!r})" if v.label else f"{v.op or 'leaf'} {v.data!r}"


def _watch(nodes: Iterator[Value]) -> Iterator[Value]:
    if not HOOKS:
        return nodes
    return _hooked(nodes)


def _hooked(nodes: Iterator[Value]) -> Iterator[Value]:
    """The nodes of a pass, each one's hooks run on its complete gradient. A leaf with hooks
    starts the pass from 0, so that its hooks see this pass's gradient, which is then added to
    what it held (as PyTorch does)."""
    held = {v: v.grad for v in HOOKS if not v.operands}
    for v in held:
        v.grad = 0.0
    try:
        for v in nodes:
            if v in HOOKS:
                v.grad = run_hooks(v, v.grad)
            yield v
    finally:  # the pass ended, or stopped half way: the hooked leaves add what they held
        for v, before in held.items():
            v.grad = before + v.grad


WATCHERS.append(_watch)
setattr(Value, "register_hook", register_hook)  # noqa: B010 - declared in autograd.core
setattr(Value, "hooks", property(hooks_of))  # noqa: B010
