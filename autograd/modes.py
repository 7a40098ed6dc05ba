"""Modes: ``no_grad`` and ``detect_anomaly``, as context managers and decorators.

A mode is a function that sees each new node (`autograd.core.MODE`): under ``no_grad`` a result
forgets its operands and is a leaf; under ``detect_anomaly`` a NaN or infinite result raises
`AnomalyError`, and so does a NaN or infinite gradient in a backward pass (a watcher of
`autograd.core.WATCHERS`). The mode in force lives in a context variable, so threads and asyncio
tasks each have their own, and the same ``no_grad()`` object can be shared between them.
"""

from __future__ import annotations

import functools
import inspect
import math
import sys
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from . import hooks  # noqa: F401 - registered first: anomaly checks what a hook leaves
from .core import MODE, WATCHERS, Value
from .graph import path_labels

__all__ = ["AnomalyError", "detect_anomaly", "is_anomaly_enabled", "is_grad_enabled", "no_grad"]

F = TypeVar("F", bound=Callable[..., Any])


class AnomalyError(FloatingPointError):
    """Raised under `detect_anomaly()` when a value or gradient becomes NaN or infinite."""

    __module__ = "autograd"  # tracebacks name it as users import it: autograd.AnomalyError


class _Mode:
    """The modes in force: a function of each new node (`MODE`)."""

    __slots__ = ("no_grad", "anomaly", "records")

    def __init__(self, no_grad: bool, anomaly: bool) -> None:
        self.no_grad, self.anomaly, self.records = no_grad, anomaly, not no_grad

    def __call__(self, v: Value) -> Value:
        if self.anomaly and not math.isfinite(v.data):
            shown = ", ".join(_describe(x) for x in v.operands)
            raise AnomalyError(f"{v.op}: produced {v.data!r} from operands {shown}")
        if self.no_grad:
            v.op, v.operands, v.partials = "", (), ()
        return v


def _describe(x: Any) -> str:
    """``-2.0 ('w1')``: a Value's data and label, or a number, for messages."""
    if isinstance(x, Value):
        return f"{x.data!r} ({x.label!r})" if x.label else repr(x.data)
    return repr(x)


_entered: ContextVar[tuple[object, ...]] = ContextVar("autograd_modes_entered", default=())


class _Switch:
    """A context manager and decorator that turns a mode on for the code inside it. Nesting is
    fine; what to restore is kept per thread and task, never in the object. A decorated
    generator (sync or async) has the mode on while it runs, not while it is suspended."""

    _no_grad = _anomaly = False

    def __enter__(self) -> None:
        old = MODE.get()
        no_grad = self._no_grad or (isinstance(old, _Mode) and old.no_grad)
        anomaly = self._anomaly or (isinstance(old, _Mode) and old.anomaly)
        _entered.set((*_entered.get(), MODE.set(_Mode(no_grad, anomaly))))

    def __exit__(self, *exc: object) -> None:
        entered = _entered.get()
        if not entered:
            raise RuntimeError(f"{type(self).__name__}: exited in another thread or asyncio task "
                               "than the one it was entered in; enter and exit it in the same one")
        _entered.set(entered[:-1])
        try:
            MODE.reset(entered[-1])  # type: ignore[arg-type]
        except ValueError:
            raise RuntimeError(f"{type(self).__name__}: exited in another context than the one "
                               "it was entered in") from None

    def __call__(self, func: F) -> F:
        if inspect.isasyncgenfunction(func):
            wrapped: Callable[..., Any] = _async_generator(func, self)
        elif inspect.isgeneratorfunction(func):
            wrapped = _generator(func, self)
        elif inspect.iscoroutinefunction(func):

            async def wrapped(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)
        else:

            def wrapped(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return func(*args, **kwargs)

        return functools.wraps(func)(wrapped)  # type: ignore[return-value]


def _generator(func: Callable[..., Any], switch: _Switch) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        gen = func(*args, **kwargs)
        try:
            with switch:
                item = gen.send(None)
            while True:
                try:
                    sent = yield item
                except GeneratorExit:
                    with switch:
                        gen.close()
                    raise
                except BaseException:
                    with switch:
                        item = gen.throw(*sys.exc_info()[1:2])
                else:
                    with switch:
                        item = gen.send(sent)
        except StopIteration as stop:
            return stop.value

    return run


def _async_generator(func: Callable[..., Any], switch: _Switch) -> Callable[..., Any]:
    async def run(*args: Any, **kwargs: Any) -> Any:
        gen = func(*args, **kwargs)
        try:
            with switch:
                item = await gen.asend(None)
            while True:
                try:
                    sent = yield item
                except GeneratorExit:
                    with switch:
                        await gen.aclose()
                    raise
                except BaseException:
                    with switch:
                        item = await gen.athrow(sys.exc_info()[1])
                else:
                    with switch:
                        item = await gen.asend(sent)
        except StopAsyncIteration:
            return

    return run


class no_grad(_Switch):  # noqa: N801 - PyTorch's name
    """Inside ``with no_grad():`` (or a function decorated with ``@no_grad()``) ops record no
    operands: results are leaves, nothing is kept for backward. Use it for evaluation and for
    parameter updates."""

    _no_grad = True


class detect_anomaly(_Switch):  # noqa: N801 - PyTorch's name
    """Inside ``with detect_anomaly():`` the first op whose result, or the first backward step
    whose gradient, is NaN or infinite raises `AnomalyError` naming the op and the labels."""

    _anomaly = True


def is_grad_enabled() -> bool:
    """False inside `no_grad()`."""
    mode = MODE.get()
    return mode is None or mode.records


def is_anomaly_enabled() -> bool:
    """True inside `detect_anomaly()`."""
    mode = MODE.get()
    return isinstance(mode, _Mode) and mode.anomaly


# ---------------------------------------------------------------------------------------------
# detect_anomaly in the backward pass


def check_pass(nodes: Iterator[Value], root: Value | None = None) -> Iterator[Value]:
    """The nodes of a backward pass, each checked before its gradient flows on: a NaN or
    infinite ``local × upstream`` raises `AnomalyError` naming the op, the operand, both
    factors and the labels on a path from the output."""
    for v in nodes:
        if root is None:
            root = v
        if v is root and not math.isfinite(v.grad):
            raise AnomalyError(f"backward: the seed gradient is {v.grad!r} "
                               f"(from {_describe(v)})")
        g = v.grad
        for x, d in zip(v.operands, v.partials, strict=True):
            if isinstance(x, Value) and not math.isfinite(d * g):
                path = " -> ".join(path_labels(root, v)) or "(no labels)"
                raise AnomalyError(
                    f"backward through {v.op}: gradient {d * g!r} flowing into {_describe(x)} "
                    f"(local derivative {d!r} x upstream {g!r}); labels on the path from the "
                    f"output: {path}")
        yield v


def _anomaly_watcher(nodes: Iterator[Value]) -> Iterator[Value]:
    return check_pass(nodes) if is_anomaly_enabled() else nodes


WATCHERS.append(_anomaly_watcher)
