"""The engine: `Value`, graph recording, and reverse-mode `backward()`.

Every op computes its result *and* its local partial derivatives (d out / d parent) at forward
time and leaves them on the node. `backward()` is then one generic loop: visit the nodes in
reverse topological order and add ``local * upstream`` into every parent. Inspection
(`autograd.inspect`), drawing (`autograd.viz`) and higher derivatives (`autograd.functional`)
read the same numbers through `Value.parents` and `Value.local_grads`.

Storage. A node keeps at most two parents in slots (``_a``/``_da`` and ``_b``/``_db``), so the
common unary and binary ops allocate nothing but the node and its float: no tuple, set or
closure per node. Fused n-ary nodes (`sum`, `dot`) keep a tuple of parents in ``_a``, a tuple of
local derivatives in ``_da`` and the marker ``_NARY`` in ``_b``. A one-parent node made with a
plain number keeps that number in ``_db`` (see `Value.constant`); plain numbers never become
nodes of their own.
"""

from __future__ import annotations

import builtins
import functools
import inspect as _pyinspect
import math
import numbers
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar, Token
from operator import mul
from typing import Any, TypeVar, Union

__all__ = [
    "AnomalyError",
    "DomainError",
    "Operand",
    "Value",
    "backward_order",
    "detect_anomaly",
    "dot",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "linear",
    "no_grad",
    "sum",
    "walk",
]

Operand = Union["Value", float]
"""What the arithmetic operators accept: a `Value`, or a real number (int, float, numpy scalar)."""

F = TypeVar("F", bound=Callable[..., Any])


class DomainError(ValueError):
    """An op was asked for a value outside its domain (``log(-1)``, ``(-8) ** 0.5``...)."""


class AnomalyError(FloatingPointError):
    """Raised under `detect_anomaly()` when a value or gradient becomes NaN or infinite."""


# ---------------------------------------------------------------------------------------------
# Modes: no_grad and detect_anomaly, one context variable so that ops read it once.

_NO_GRAD = 1
_ANOMALY = 2
_mode: ContextVar[int] = ContextVar("autograd_mode", default=0)


class _ModeSwitch:
    """Context manager and decorator that turns a mode bit on for the code inside it.

    Safe across threads and asyncio tasks: the state lives in a `contextvars.ContextVar`, and a
    decorated function enters a fresh switch on every call.
    """

    _bit = 0

    def __init__(self) -> None:
        self._tokens: list[Token[int]] = []

    def __enter__(self) -> None:
        self._tokens.append(_mode.set(_mode.get() | self._bit))

    def __exit__(self, *exc: object) -> None:
        _mode.reset(self._tokens.pop())

    def __call__(self, func: F) -> F:
        switch = type(self)
        if _pyinspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with switch():
                    return await func(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with switch():
                return func(*args, **kwargs)

        return run  # type: ignore[return-value]


class no_grad(_ModeSwitch):  # noqa: N801 - PyTorch's name
    """Inside ``with no_grad():`` (or a function decorated with ``@no_grad()``) ops record no
    parents: results are leaves, nothing is kept for backward. Use it for evaluation and for
    parameter updates."""

    _bit = _NO_GRAD


class detect_anomaly(_ModeSwitch):  # noqa: N801 - PyTorch's name
    """Inside ``with detect_anomaly():`` the first op whose result, or the first backward step
    whose gradient, is NaN or infinite raises `AnomalyError` naming the op and the labels."""

    _bit = _ANOMALY


def is_grad_enabled() -> bool:
    """False inside `no_grad()`."""
    return not _mode.get() & _NO_GRAD


def is_anomaly_enabled() -> bool:
    """True inside `detect_anomaly()`."""
    return bool(_mode.get() & _ANOMALY)


# ---------------------------------------------------------------------------------------------
# Helpers for operands and messages.


def _num(x: object, op: str, operand: Value | None = None) -> float:
    """A plain-number operand as float, or a TypeError naming the op and the type."""
    if type(x) is float:
        return x
    if type(x) is int or isinstance(x, numbers.Real):  # the ABC check is slow: ints first
        return float(x)
    other = f" with {_describe(operand)}" if operand is not None else ""
    raise TypeError(
        f"{op}: unsupported operand of type {type(x).__name__!r}{other}; "
        "expected a Value or a real number (int, float)"
    )


def _describe(v: Value) -> str:
    """``x=-2.0 ('w1')``: the value and its label, for error messages."""
    return f"{v.data!r} ({v.label!r})" if v.label else repr(v.data)


class _Marker:
    """Sentinel objects: ``_NARY`` in ``_b`` marks an n-ary node; ``_POST`` in the DFS stack."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_NARY: Any = _Marker("_NARY")
_POST: Any = _Marker("_POST")
_new = object.__new__


# ---------------------------------------------------------------------------------------------
# Node construction. Each op computes (data, local derivatives) and calls one of these.


def _node(op: str, data: float, a: Any, da: Any, b: Any, db: Any) -> Value:
    v: Value = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v.op = op
    v._a = a
    v._da = da
    v._b = b
    v._db = db
    mode = _mode.get()
    if mode:
        _special_mode(v, mode)
    return v


def _special_mode(v: Value, mode: int) -> None:
    """Apply no_grad (drop the parents) and anomaly checks to a freshly made node."""
    if mode & _ANOMALY and not math.isfinite(v.data):
        operands = ", ".join(_describe(p) for p in v.parents)
        if v.constant is not None:
            operands += f", constant {v.constant!r}"
        raise AnomalyError(f"{v.op}: produced {v.data!r} from operands {operands}")
    if mode & _NO_GRAD:
        v.op = ""
        v._a = v._b = v._db = None
        v._da = 0.0


def _fail_overflow(op: str, *operands: Value | float) -> OverflowError:
    shown = ", ".join(_describe(o) if isinstance(o, Value) else repr(o) for o in operands)
    return OverflowError(f"{op}: result too large for a float with operands {shown}")


# ---------------------------------------------------------------------------------------------


class Value:
    """A scalar in a computation graph: its data, its gradient, and how it was made.

    ``Value(2.0, label='w1')``. Arithmetic with other Values or plain numbers builds the graph;
    ``backward()`` fills ``.grad`` of every node it reaches.
    """

    __slots__ = ("data", "grad", "label", "op", "_a", "_da", "_b", "_db")

    data: float
    grad: float
    label: str
    op: str
    _a: Any
    _da: Any
    _b: Any
    _db: Any

    def __init__(self, data: float, label: str = "") -> None:
        self.data = _num(data, "Value")
        self.grad = 0.0
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, not {type(label).__name__}")
        self.label = label
        self.op = ""
        self._a = self._b = self._db = None
        self._da = 0.0

    # -- the graph, read-only views ------------------------------------------------------------

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in operand order (a reused operand repeats)."""
        b = self._b
        if b is None:
            return () if self._a is None else (self._a,)
        if b is _NARY:
            return self._a  # type: ignore[no-any-return]
        return (self._a, b)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d self / d parent for each of `parents`, computed once when this node was made."""
        b = self._b
        if b is None:
            return () if self._a is None else (self._da,)
        if b is _NARY:
            return self._da  # type: ignore[no-any-return]
        return (self._da, self._db)

    @property
    def constant(self) -> float | None:
        """The plain-number operand of a one-parent op (the 2 in ``x * 2``, the slope of
        ``leaky_relu``), else None."""
        return self._db if self._b is None and self._a is not None else None

    @property
    def is_leaf(self) -> bool:
        """True for Values made by the user (or under `no_grad`), which have no parents."""
        return self._a is None

    # micrograd's names, so that code written for micrograd (its draw_dot, say) keeps working.
    @property
    def _prev(self) -> tuple[Value, ...]:
        return self.parents

    @property
    def _op(self) -> str:
        return self.op

    # -- arithmetic ----------------------------------------------------------------------------

    def __add__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _node("+", self.data + other.data, self, 1.0, other, 1.0)
        c = _num(other, "+", self)
        return _node("+", self.data + c, self, 1.0, None, c)

    __radd__ = __add__

    def __sub__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _node("-", self.data - other.data, self, 1.0, other, -1.0)
        c = _num(other, "-", self)
        return _node("-", self.data - c, self, 1.0, None, c)

    def __rsub__(self, other: float) -> Value:
        c = _num(other, "-", self)
        return _node("rsub", c - self.data, self, -1.0, None, c)

    def __mul__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _node("*", self.data * other.data, self, other.data, other, self.data)
        c = _num(other, "*", self)
        return _node("*", self.data * c, self, c, None, c)

    __rmul__ = __mul__

    def __truediv__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            y = other.data
            if y == 0.0:
                raise ZeroDivisionError(
                    f"/: division by zero: {_describe(self)} / {_describe(other)}"
                )
            out = self.data / y
            return _node("/", out, self, 1.0 / y, other, -out / y)
        c = _num(other, "/", self)
        if c == 0.0:
            raise ZeroDivisionError(f"/: division by zero: {_describe(self)} / {c!r}")
        return _node("/", self.data / c, self, 1.0 / c, None, c)

    def __rtruediv__(self, other: float) -> Value:
        c = _num(other, "/", self)
        x = self.data
        if x == 0.0:
            raise ZeroDivisionError(f"/: division by zero: {c!r} / {_describe(self)}")
        out = c / x
        return _node("rdiv", out, self, -out / x, None, c)

    def __pow__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _pow_values(self, other)
        c = _num(other, "**", self)
        x = self.data
        _check_pow_domain(self, c)
        try:
            out = x**c
            if c == 0.0:
                local = 0.0
            elif x == 0.0 and c < 1.0:
                local = math.inf  # d/dx x**c is unbounded at 0 for 0 < c < 1
            else:
                local = c * x ** (c - 1.0)
        except OverflowError:
            raise _fail_overflow("**", self, c) from None
        return _node("**", out, self, local, None, c)

    def __rpow__(self, other: float) -> Value:
        c = _num(other, "**", self)
        x = self.data
        _check_pow_domain(c, self)
        if c < 0.0 and is_grad_enabled():
            raise DomainError(
                f"**: the derivative of {c!r} ** x with respect to x={_describe(self)} is "
                "undefined for a negative base (log of a negative number)"
            )
        try:
            out = c**x
        except OverflowError:
            raise _fail_overflow("**", c, self) from None
        local = out * math.log(c) if c > 0.0 else 0.0
        return _node("rpow", out, self, local, None, c)

    def __neg__(self) -> Value:
        return _node("neg", -self.data, self, -1.0, None, None)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        x = self.data
        sign = 1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0
        return _node("abs", abs(x), self, sign, None, None)

    # -- functions -----------------------------------------------------------------------------

    def exp(self) -> Value:
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp: overflow for x={_describe(self)}; exp(x) exceeds the largest float "
                "for x > 709.78"
            ) from None
        return _node("exp", out, self, out, None, None)

    def log(self) -> Value:
        x = self.data
        if not x > 0.0:
            raise DomainError(f"log: undefined for x={_describe(self)}; log needs x > 0")
        return _node("log", math.log(x), self, 1.0 / x, None, None)

    def sigmoid(self) -> Value:
        x = self.data
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:  # exp(x) cannot overflow here
            e = math.exp(x)
            s = e / (1.0 + e)
        return _node("sigmoid", s, self, s * (1.0 - s), None, None)

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return _node("tanh", t, self, 1.0 - t * t, None, None)

    def relu(self) -> Value:
        """max(0, x). Its derivative at 0 is taken as 0, as PyTorch does."""
        x = self.data
        if x > 0.0:
            return _node("relu", x, self, 1.0, None, None)
        return _node("relu", 0.0, self, 0.0, None, None)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x for x > 0, else slope * x (derivative at 0: slope)."""
        s = _num(slope, "leaky_relu", self)
        x = self.data
        if x > 0.0:
            return _node("leaky_relu", x, self, 1.0, None, s)
        return _node("leaky_relu", s * x, self, s, None, s)

    # -- comparisons and conversions (by data; equality stays identity, so Values hash) --------

    def __lt__(self, other: Operand) -> bool:
        return self.data < _data(other, "<")

    def __le__(self, other: Operand) -> bool:
        return self.data <= _data(other, "<=")

    def __gt__(self, other: Operand) -> bool:
        return self.data > _data(other, ">")

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _data(other, ">=")

    def __float__(self) -> float:
        return self.data

    def __format__(self, spec: str) -> str:
        return format(self.data, spec) if spec else repr(self)

    def __repr__(self) -> str:
        extra = f", label={self.label!r}" if self.label else ""
        extra += f", op={self.op!r}" if self.op else ""
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g}{extra})"

    # -- gradients -----------------------------------------------------------------------------

    def backward(self, grad: float = 1.0) -> None:
        """Fill ``.grad`` of every node this Value depends on with d self / d node.

        ``grad`` seeds d self / d self (PyTorch's ``gradient`` argument). Gradients of leaves
        accumulate across calls, as in PyTorch: call `zero_grad()` (or a module's / optimizer's
        ``zero_grad()``) between steps. A non-leaf's ``.grad`` holds the result of the latest
        backward pass through it.
        """
        seed = _num(grad, "backward")
        if self._a is None:  # a leaf: d self / d self
            self.grad += seed
            return
        order = backward_order(self)
        self.grad = seed
        if is_anomaly_enabled():
            _backward_checked(self, order)
            return
        for v in order:
            g = v.grad
            if g == 0.0:
                continue
            a = v._a
            b = v._b
            if b is None:
                a.grad += v._da * g
            elif b is _NARY:
                for p, d in zip(a, v._da, strict=True):
                    p.grad += d * g
            else:
                a.grad += v._da * g
                b.grad += v._db * g

    def backward_steps(self, grad: float = 1.0) -> Iterator[Any]:
        """Run `backward()` one node at a time; see `autograd.inspect.backward_steps`."""
        from .inspect import backward_steps

        steps: Iterator[Any] = backward_steps(self, grad)
        return steps

    def tree(self, max_depth: int | None = None) -> str:
        """The graph as indented text; see `autograd.inspect.tree`."""
        from .inspect import tree

        text: str = tree(self, max_depth=max_depth)
        return text

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0 on this Value and every Value it depends on."""
        for v in walk(self):
            v.grad = 0.0

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut from this graph."""
        return Value(self.data, self.label)


def _data(x: Operand, op: str) -> float:
    return x.data if isinstance(x, Value) else _num(x, op)


def _check_pow_domain(base: Value | float, exponent: Value | float) -> None:
    """Raise for (-8) ** 0.5 and 0 ** -1; the message is only formatted when raising."""
    x = base.data if isinstance(base, Value) else base
    y = exponent.data if isinstance(exponent, Value) else exponent
    if x < 0.0 and not float(y).is_integer():
        raise DomainError(
            f"**: a negative base to a fractional power is not a real number: "
            f"{_text(base)} ** {_text(exponent)}"
        )
    if x == 0.0 and y < 0.0:
        raise ZeroDivisionError(f"**: zero to a negative power: {_text(base)} ** {_text(exponent)}")


def _text(x: Value | float) -> str:
    return _describe(x) if isinstance(x, Value) else repr(x)


def _pow_values(a: Value, b: Value) -> Value:
    x, y = a.data, b.data
    _check_pow_domain(a, b)
    try:
        out = x**y
        if y == 0.0:
            da = 0.0
        elif x == 0.0 and y < 1.0:
            da = math.inf
        else:
            da = y * x ** (y - 1.0)
    except OverflowError:
        raise _fail_overflow("**", a, b) from None
    if x > 0.0:
        db = out * math.log(x)
    elif x == 0.0:
        db = 0.0  # PyTorch's convention for 0 ** y
    elif is_grad_enabled():
        raise DomainError(
            f"**: the derivative of a ** b with respect to the exponent b={_describe(b)} is "
            f"undefined for a negative base a={_describe(a)}; use a plain-number exponent"
        )
    else:
        db = 0.0
    return _node("**", out, a, da, b, db)


# ---------------------------------------------------------------------------------------------
# Fused n-ary ops.


_ONLY_VALUES = frozenset((Value,))
_ONLY_FLOATS = frozenset((float,))


def _split(items: Sequence[Any], op: str) -> tuple[list[float] | None, bool]:
    """(data of items, are they all Values?) or (None, False) when Values and numbers mix."""
    kinds = set(map(type, items))
    if kinds == _ONLY_VALUES:
        return [v.data for v in items], True
    if kinds <= _ONLY_FLOATS:
        return list(items), False
    if not any(isinstance(x, Value) for x in items):
        return [_num(x, op) for x in items], False
    return None, False


def sum(values: Iterable[Operand], start: float = 0.0) -> Value:  # noqa: A001
    """One node for ``start + v1 + v2 + ...`` (each local derivative is 1)."""
    prev: list[Value] = []
    total = _num(start, "sum")
    for v in values:
        if isinstance(v, Value):
            prev.append(v)
            total += v.data
        else:
            total += _num(v, "sum")
    if not prev:  # nothing to differentiate: a constant
        return Value(total)
    return _node("sum", total, tuple(prev), (1.0,) * len(prev), _NARY, None)


def dot(ws: Sequence[Operand], xs: Sequence[Operand], bias: Operand | None = None) -> Value:
    """One node for ``w1*x1 + ... + wn*xn (+ bias)``; either side may hold plain numbers.

    d out / d w_i = x_i, d out / d x_i = w_i, d out / d bias = 1. Parents are laid out as
    (w's paired with Value x's, those x's, other Value w's, other Value x's, bias), and ``_db``
    holds the number of such Value-Value pairs, so that a parent's partner can be found again
    (`autograd.functional` needs it for second derivatives).
    """
    if len(ws) != len(xs):
        raise ValueError(f"dot: {len(ws)} weights but {len(xs)} inputs")
    if type(bias) is Value:  # a neuron: the fast path
        xd, x_values = _split(xs, "dot")
        if xd is not None:
            return _neuron(ws, xs, xd, x_values, bias)
    return _dot(ws, xs, bias)


def _dot(ws: Sequence[Operand], xs: Sequence[Operand], bias: Operand | None) -> Value:
    wd, w_values = _split(ws, "dot")
    xd, x_values = _split(xs, "dot")
    if wd is not None and xd is not None:  # the fast path: each side all Values or all numbers
        if w_values and x_values:
            prev, local, pairs = [*ws, *xs], [*xd, *wd], len(ws)
        elif w_values or x_values:
            prev, local, pairs = list(ws if w_values else xs), (xd if w_values else wd), 0
        else:
            prev, local, pairs = [], [], 0
    else:  # Values and numbers mixed on one side: sort the operands pair by pair
        wd, xd = [_data(w, "dot") for w in ws], [_data(x, "dot") for x in xs]
        kinds = [(isinstance(w, Value), isinstance(x, Value)) for w, x in zip(ws, xs, strict=True)]
        both = [i for i, k in enumerate(kinds) if k == (True, True)]
        w_only = [i for i, k in enumerate(kinds) if k == (True, False)]
        x_only = [i for i, k in enumerate(kinds) if k == (False, True)]
        prev = [ws[i] for i in both] + [xs[i] for i in both]
        prev += [ws[i] for i in w_only] + [xs[i] for i in x_only]
        local = [xd[i] for i in both] + [wd[i] for i in both]
        local += [xd[i] for i in w_only] + [wd[i] for i in x_only]
        pairs = len(both)
    total = builtins.sum(map(mul, wd, xd))
    if bias is not None:
        if isinstance(bias, Value):
            total += bias.data
            prev.append(bias)
            local = [*local, 1.0]
        else:
            total += _num(bias, "dot")
    if not prev:  # plain numbers on both sides: a constant
        return Value(total)
    return _node("dot", total, tuple(prev), tuple(local), _NARY, pairs)


def _neuron(ws: Sequence[Any], xs: Sequence[Any], xd: list[float], x_values: bool,
            bias: Value) -> Value:
    """`dot` when the inputs are already split: Value weights (checked here) and a Value bias."""
    wd = [w.data for w in ws if type(w) is Value]  # the data, and a type check in one pass
    if len(wd) != len(ws):
        return _dot(ws, xs, bias)
    total = builtins.sum(map(mul, wd, xd)) + bias.data
    if x_values:
        return _node("dot", total, (*ws, *xs, bias), (*xd, *wd, 1.0), _NARY, len(ws))
    return _node("dot", total, (*ws, bias), (*xd, 1.0), _NARY, 0)


def linear(weight: Sequence[Sequence[Operand]], xs: Sequence[Operand],
           bias: Sequence[Operand] | None = None) -> list[Value]:
    """PyTorch's ``F.linear`` for one sample: one `dot` node per row of `weight` (``[out][in]``),
    ``[dot(row, xs, b) for row, b in zip(weight, bias)]``, with the work on `xs` done once."""
    biases: Sequence[Operand | None] = [None] * len(weight) if bias is None else bias
    if len(biases) != len(weight):
        raise ValueError(f"linear: {len(weight)} weight rows but {len(biases)} biases")
    xd, x_values = _split(xs, "dot")
    out = []
    for row, b in zip(weight, biases, strict=True):
        if xd is not None and type(b) is Value and len(row) == len(xs):
            out.append(_neuron(row, xs, xd, x_values, b))
        else:
            out.append(dot(row, xs, b))
    return out


# ---------------------------------------------------------------------------------------------
# Graph walks: iterative, never recursive, so a million-node chain is fine.


def backward_order(root: Value, reset: bool = True) -> list[Value]:
    """The non-leaf nodes `root` depends on, each once, root first, every node before its
    parents: the order in which `backward()` visits them. With ``reset`` (as backward does),
    their ``.grad`` is set to 0 on the way."""
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[Any] = [root]
    pop, push = stack.pop, stack.append
    while stack:
        v = pop()
        if v is _POST:  # all of v's parents are done: emit it
            v = pop()
            if reset:
                v.grad = 0.0
            order.append(v)
            continue
        a = v._a
        if a is None or v in seen:
            continue
        seen.add(v)
        push(v)
        push(_POST)
        b = v._b
        if b is _NARY:  # push only the parents that are not leaves and not seen yet
            for p in a:
                if p._a is not None and p not in seen:
                    push(p)
        else:
            if a._a is not None and a not in seen:
                push(a)
            if b is not None and b._a is not None and b not in seen:
                push(b)
    order.reverse()
    return order


def walk(root: Value) -> list[Value]:
    """Every Value `root` depends on, root included, each once (leaves too)."""
    out = [root]
    seen = {root}
    i = 0
    while i < len(out):
        for p in out[i].parents:
            if p not in seen:
                seen.add(p)
                out.append(p)
        i += 1
    return out


def _backward_checked(root: Value, order: list[Value]) -> None:
    """The backward loop with a NaN / infinity check on every contribution."""
    for v in order:
        g = v.grad
        if g == 0.0:  # as backward() does: nothing flows, not even 0 * inf
            continue
        for p, d in zip(v.parents, v.local_grads, strict=True):
            contribution = d * g
            if not math.isfinite(contribution):
                raise _bad_gradient(root, v, p, d, g)
            p.grad += contribution


def _bad_gradient(root: Value, v: Value, p: Value, d: float, g: float) -> AnomalyError:
    """The error for a non-finite ``d * g`` flowing from `v` into its parent `p`."""
    path = " -> ".join(_path_labels(root, v)) or "(no labels)"
    return AnomalyError(
        f"backward through {v.op}: gradient {d * g!r} flowing into {_describe(p)} "
        f"(local derivative {d!r} x upstream {g!r}); "
        f"labels on the path from the output: {path}"
    )


def _path_labels(root: Value, target: Value) -> list[str]:
    """Labels of the labeled nodes on one path from root to target (breadth-first)."""
    came_from: dict[Value, Value | None] = {root: None}
    queue = [root]
    for v in queue:
        if v is target:
            break
        for p in v.parents:
            if p not in came_from:
                came_from[p] = v
                queue.append(p)
    labels: list[str] = []
    node: Value | None = target
    while node is not None:
        if node.label:
            labels.append(node.label)
        node = came_from.get(node)
    return labels[::-1]
