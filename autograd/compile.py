"""`autograd.compile`: the backward pass written out as code, at the speed of plain floats.

``f = autograd.compile(fn)``; ``value, grads = f(*args)``. The arguments are numbers or nested
lists and tuples of numbers; `fn` takes them as Values and returns one Value. On the first call,
and whenever the arguments' structure changes, `fn` runs once on Values (the trace); its graph
becomes one Python function for the forward and the backward pass (`autograd.source`), compiled
once and kept for that structure. ``value`` is the output as a float, ``grads`` the gradient of
the output with respect to every argument, in the arguments' structure.

- Leaves that `fn` uses without taking them as arguments (a model's weights) are read at every
  call (their current ``.data``), and their ``.grad`` adds up exactly as ``backward()`` adds it:
  a training loop is ``loss, _ = f(xs, ys); opt.step(); opt.zero_grad()``.
- A comparison of Values during the trace (``if v > 0``, ``max(values)``, ``sorted``) is checked
  at every call: when one comes out the other way, `fn` is traced again for that branch.
  ``bool(v)`` is refused, as it is outside a trace. A number taken out of a Value during the
  trace (``v.data`` in arithmetic) is a constant of that trace.
- The results are the eager engine's (the same value functions and rules, the same order of
  accumulation). Where the eager engine would raise (a domain error) or reads a rule at a
  domain edge, the call runs eagerly instead, and gives exactly what ``backward()`` gives.

- The code runs no hooks and checks no gradients: while a Value of the function has a hook, and
  under `detect_anomaly()`, a call runs eagerly (what ``fn`` and ``backward()`` give).

``f.source`` (and ``print(f)``) is the code of the latest trace: one line per node, named after
the labels, each backward line with its rule as a comment.
"""

from __future__ import annotations

import inspect
import math
import numbers
import threading
from collections.abc import Callable, Sequence
from typing import Any

from . import codegen
from .core import MODE, Value
from .hooks import HOOKS, hooked
from .modes import is_anomaly_enabled, is_grad_enabled
from .operators import COMPARISONS
from .ops import partials_at
from .source import Source

__all__ = ["Compiled", "compile"]

Structure = Any  # None for a number, else (kind, [structures]) for a list or tuple
MAX_BRANCHES = 16  # traces kept for one structure of the arguments (one per branch taken)


class Retrace(Exception):  # noqa: N818 - raised by the generated code: a guard failed
    """A comparison seen during the trace came out the other way."""


class Fallback(Exception):  # noqa: N818
    """A value the engine would refuse or read at an edge: run this call eagerly."""


def compile(fn: Callable[..., Value]) -> Compiled:  # noqa: A001 - the verb users expect
    """`fn` (numbers or nested lists of numbers in, one Value out) as a compiled function that
    returns ``(value, grads)``; see `autograd.compile`."""
    if not callable(fn):
        raise TypeError(f"compile: expected a function, not {type(fn).__name__}")
    return Compiled(fn)


class Trace:
    """One trace of the function: its code, and what the code needs."""

    def __init__(self, source: Source, structure: Structure) -> None:
        self.source = source
        self.structure = structure
        scope = codegen.load(source.text(notes=False), f"compile of {source.views(source.root)}",
                             {**source.namespace(), "partials_at": partials_at, "math": math,
                              "Retrace": Retrace, "Fallback": Fallback})
        self.run: Callable[..., tuple[float, Any]] = scope["run"]
        self.nodes = set(source.forward_order)  # to see whether one of them has a hook
        self._text = ""

    @property
    def text(self) -> str:
        """The code with the rules as comments: the compiled lines, each as it was compiled,
        with a comment after it (written the first time someone reads it; tracebacks show it
        from then on)."""
        if not self._text:
            self._text = self.source.text(notes=True)
            codegen.annotate(self.run.__code__.co_filename, self._text)
        return self._text


class Compiled:
    """A function compiled by `compile`: call it like `fn`'s compiled self."""

    def __init__(self, fn: Callable[..., Value]) -> None:
        self.fn = fn
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__name__ = getattr(fn, "__name__", "compiled")
        self.traces: dict[Structure, list[Trace]] = {}
        self.latest: Trace | None = None
        self.run: Callable[..., tuple[float, Any]] = _not_traced
        self._lock = threading.Lock()

    @property
    def source(self) -> str:
        """The code of the latest trace ("" before the first call)."""
        return "" if self.latest is None else self.latest.text

    def __str__(self) -> str:
        return self.source or f"<compiled {self.__name__}: not traced yet>"

    def __repr__(self) -> str:
        traced = sum(map(len, self.traces.values()))
        return (f"<compiled {self.__name__}: {traced} trace(s); print(f) or f.source shows the "
                "code of the latest>")

    def __call__(self, *args: Any) -> tuple[float, Any]:
        if (HOOKS or MODE.get() is not None) and self._watched():
            return self.eager(*args)  # the engine runs the hooks and watches for NaN
        try:  # the common case: the arguments have the latest trace's layout and branches
            return self.run(*args)
        except (Retrace, Fallback, ArithmeticError, ValueError, TypeError) as e:
            return self._again(args, e)

    def _watched(self) -> bool:
        """Must this call run eagerly? Under `detect_anomaly()`, and while a Value of a trace
        (a parameter, or a node the function put a hook on) has a hook: the code runs no
        hooks and checks no gradients."""
        if is_anomaly_enabled():
            return True
        return any(v in trace.nodes for trace in self._all() for v in list(hooked()))

    def _all(self) -> list[Trace]:
        return [trace for kept in self.traces.values() for trace in kept]

    def _again(self, args: tuple[Any, ...], problem: Exception) -> tuple[float, Any]:
        """The latest trace did not run: another one, eagerly, or a new trace."""
        structure = _structure(args)
        if not isinstance(problem, Retrace) and self.latest is not None and \
                self.latest.structure == structure:
            return self.eager(*args)  # the layout was right: the engine decides
        for trace in self.traces.get(structure, ()):
            if trace is self.latest:
                continue
            try:
                result = trace.run(*args)
            except Retrace:
                continue
            except (Fallback, ArithmeticError, ValueError, TypeError):
                return self.eager(*args)
            self.latest, self.run = trace, trace.run
            return result
        return self._traced(args, structure)

    def eager(self, *args: Any) -> tuple[float, Any]:
        """The same call on Values: ``fn``, then ``backward()``; what a compiled call gives."""
        leaves: list[Value] = []
        names = _parameter_names(self.fn, len(args))
        out = _call(self.fn, [_values(a, leaves, names[i]) for i, a in enumerate(args)])
        out.backward()
        return out.data, _shaped([v.grad for v in leaves], _structure(args))

    def _traced(self, args: tuple[Any, ...], structure: Structure) -> tuple[float, Any]:
        if not is_grad_enabled():
            raise RuntimeError("compile: a compiled function records its trace, which "
                               "no_grad() forbids; call it outside no_grad()")
        names = _parameter_names(self.fn, len(args))
        leaves: list[Value] = []
        values = [_values(a, leaves, names[i]) for i, a in enumerate(args)]
        seen: list[tuple[Any, str, Any, bool]] = []
        me = threading.get_ident()

        def tell(a: Any, sign: str, b: Any, outcome: bool) -> None:
            if threading.get_ident() == me and (isinstance(a, Value) or isinstance(b, Value)):
                seen.append((a, sign, b, outcome))

        with self._lock:
            COMPARISONS.append(tell)
            try:
                out = _call(self.fn, values)
            finally:
                COMPARISONS.remove(tell)
        trace = Trace(Source(out, values, seen), structure)
        kept = self.traces.setdefault(structure, [])
        kept.insert(0, trace)
        del kept[MAX_BRANCHES:]
        self.latest, self.run = trace, trace.run
        out.backward()  # this call's results are the trace's own backward pass
        return out.data, _shaped([v.grad for v in leaves], structure)


def _not_traced(*args: Any) -> tuple[float, Any]:
    raise Retrace("not traced yet")


def _call(fn: Callable[..., Value], values: list[Any]) -> Value:
    out = fn(*values)
    if not isinstance(out, Value):
        raise TypeError(f"compile: {getattr(fn, '__name__', 'the function')} returned "
                        f"{type(out).__name__}; a compiled function returns one Value (a "
                        "loss), whose gradients it gives")
    return out


def _parameter_names(fn: Callable[..., Any], n: int) -> list[str]:
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"x{i}" for i in range(n)]


def _structure(args: tuple[Any, ...]) -> Structure:
    return tuple(_flatten(a, [], f"argument {i}") for i, a in enumerate(args))


def _flatten(x: Any, flat: list[float], where: str) -> Structure:
    """Append the numbers of x to `flat`; return its structure."""
    if isinstance(x, (list, tuple)):
        return (type(x), tuple(_flatten(item, flat, f"{where}[{i}]") for i, item in enumerate(x)))
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"compile: {where} is {type(x).__name__}; arguments are numbers or "
                        "(nested) lists and tuples of numbers")
    flat.append(float(x))
    return None


def _values(x: Any, leaves: list[Value], name: str) -> Any:
    """x with each number a new Value labeled by where it stands (``xs_0_1``)."""
    if isinstance(x, (list, tuple)):
        return type(x)(_values(item, leaves, f"{name}_{i}") for i, item in enumerate(x))
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"compile: {name} is {type(x).__name__}; arguments are numbers or "
                        "(nested) lists and tuples of numbers")
    v = Value(float(x), name)
    leaves.append(v)
    return v


def _shaped(flat: Sequence[float], structure: Structure) -> Any:
    """The numbers of `flat`, in order, laid out as `structure` (a tuple of arguments)."""
    it = iter(flat)

    def build(s: Structure) -> Any:
        if s is None:
            return next(it)
        kind, items = s
        return kind(build(i) for i in items)

    return tuple(build(s) for s in structure)
