"""The engine: `Value`, graph recording, and reverse-mode `backward()`.

Every op computes its result *and* its local partial derivatives (d out / d parent) at forward
time and leaves them on the node. `backward()` is then one generic loop: visit the nodes in
reverse topological order and add ``local * upstream`` into every parent. Inspection
(`autograd.inspect`), drawing (`autograd.viz`) and higher derivatives (`autograd.functional`)
read the same numbers through `Value.parents` and `Value.local_grads`, and walk the graph with
`backprop`, the same loop written once for any table of gradients.

What an op computes comes from the registry (`autograd.ops`): its value on floats, its
derivative rule, its domain. `apply` runs any registry op on Values. The operators ``+ - * /``,
unary minus, `relu` and the fused nodes are written out by hand for speed (they are most of
every network); the registry test holds each of them equal to its rule, bit for bit.

Storage. A node keeps at most two parents in slots (``_a``/``_da`` and ``_b``/``_db``), so the
common unary and binary ops allocate nothing but the node and its float: no tuple, set or
closure per node. Fused n-ary nodes (`sum`, `dot`) keep a tuple of parents in ``_a``, a tuple of
local derivatives in ``_da`` and the marker ``_NARY`` in ``_b``. A one-parent node made with a
plain number keeps that number in ``_db`` (see `Value.constant`); plain numbers never become
nodes of their own. A leaf keeps in ``_db`` the object that owns it (`Value.owner`).
"""

from __future__ import annotations

import builtins
import functools
import inspect as _pyinspect
import math
import sys
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from contextvars import ContextVar
from operator import mul
from typing import Any, NamedTuple, TypeVar, Union

from . import math as amath
from . import ops
from .ops import DomainError, Op, PoleError, lookup, number
from .text import fmt

__all__ = [
    "AnomalyError",
    "DomainError",
    "Operand",
    "PoleError",
    "RemovableHandle",
    "Value",
    "Visit",
    "apply",
    "backprop",
    "backward_order",
    "detect_anomaly",
    "dot",
    "float_partials",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "linear",
    "logsumexp",
    "no_grad",
    "rule_locals",
    "sum",
    "topological",
    "walk",
]

Operand = Union["Value", float]
"""What the arithmetic operators accept: a `Value`, or a real number (int, float, numpy scalar)."""

F = TypeVar("F", bound=Callable[..., Any])
_isfinite = math.isfinite
_num = number


class AnomalyError(FloatingPointError):
    """Raised under `detect_anomaly()` when a value or gradient becomes NaN or infinite."""

    __module__ = "autograd"  # tracebacks name it as users import it: autograd.AnomalyError


# ---------------------------------------------------------------------------------------------
# Modes: no_grad, detect_anomaly, and the IEEE mode derivative rules run in. One context
# variable, so that an op reads it once.

_NO_GRAD = 1
_ANOMALY = 2
_IEEE = 4  # domain edges give IEEE values (1/0 = inf) instead of errors: rules at the edges
_mode: ContextVar[int] = ContextVar("autograd_mode", default=0)
_saved: ContextVar[tuple[int, ...]] = ContextVar("autograd_saved_modes", default=())


class _ModeSwitch:
    """Context manager and decorator that turns a mode bit on for the code inside it.

    Safe to share between threads and asyncio tasks, and to nest: the mode and the modes to
    restore live in context variables, never in the object. A decorated generator (sync or
    async) has the mode on while it runs, not while it is suspended.
    """

    _bit = 0

    def __enter__(self) -> None:
        mode = _mode.get()
        _saved.set((*_saved.get(), mode))
        _mode.set(mode | self._bit)

    def __exit__(self, *exc: object) -> None:
        saved = _saved.get()
        _saved.set(saved[:-1])
        _mode.set(saved[-1])

    def __call__(self, func: F) -> F:
        if _pyinspect.isasyncgenfunction(func):
            wrapped: Callable[..., Any] = _async_generator(func, self)
        elif _pyinspect.isgeneratorfunction(func):
            wrapped = _generator(func, self)
        elif _pyinspect.iscoroutinefunction(func):

            async def wrapped(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)
        else:

            def wrapped(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return func(*args, **kwargs)

        return functools.wraps(func)(wrapped)  # type: ignore[return-value]


def _generator(func: Callable[..., Any], switch: _ModeSwitch) -> Callable[..., Any]:
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


def _async_generator(func: Callable[..., Any], switch: _ModeSwitch) -> Callable[..., Any]:
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


class no_grad(_ModeSwitch):  # noqa: N801 - PyTorch's name
    """Inside ``with no_grad():`` (or a function decorated with ``@no_grad()``) ops record no
    parents: results are leaves, nothing is kept for backward. Use it for evaluation and for
    parameter updates."""

    _bit = _NO_GRAD


class detect_anomaly(_ModeSwitch):  # noqa: N801 - PyTorch's name
    """Inside ``with detect_anomaly():`` the first op whose result, or the first backward step
    whose gradient, is NaN or infinite raises `AnomalyError` naming the op and the labels."""

    _bit = _ANOMALY


class _ieee_edges(_ModeSwitch):  # noqa: N801
    """Derivative rules run in this mode: at a domain edge an op gives IEEE's value
    (``1 / 0 = inf``, as PyTorch does) instead of raising, so that ``sqrt'(0) = inf``."""

    _bit = _IEEE


def is_grad_enabled() -> bool:
    """False inside `no_grad()`."""
    return not _mode.get() & _NO_GRAD


def is_anomaly_enabled() -> bool:
    """True inside `detect_anomaly()`."""
    return bool(_mode.get() & _ANOMALY)


# ---------------------------------------------------------------------------------------------
# Helpers for messages.


def _describe(v: Value) -> str:
    """``-2.0 ('w1')``: the value and its label, for error messages."""
    return f"{v.data!r} ({v.label!r})" if v.label else repr(v.data)


def _text(x: Any) -> str:
    return _describe(x) if isinstance(x, Value) else repr(float(x))


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
# Node construction. Each op computes (data, local derivatives) and calls this.


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
    if mode & _ANOMALY and not _isfinite(v.data):
        shown = ", ".join(_text(o) for o in v.operands)
        raise AnomalyError(f"{v.op}: produced {v.data!r} from operands {shown}")
    if mode & _NO_GRAD:
        v.op = ""
        v._a = v._b = v._db = None
        v._da = 0.0


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

    def __init__(self, data: float, label: str = "", owner: Any = None) -> None:
        self.data = _num(data, "Value")
        self.grad = 0.0
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, not {type(label).__name__}")
        self.label = label
        self.op = ""
        self._a = self._b = None
        self._db = owner  # a leaf has no constant: the slot records what owns it
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
    def operands(self) -> tuple[Value | float, ...]:
        """The op's operands in call order, plain numbers included: ``(x, 2.0)`` for ``x ** 2``,
        ``(2.0, x)`` for ``2 - x``. A fused node's (`sum`, `dot`) are its parents."""
        a, b = self._a, self._b
        if a is None:
            return ()
        if b is None:
            c = self._db
            if c is None:
                return (a,)
            found = lookup(self.op)
            return (c, a) if found is not None and found[1] == 0 else (a, c)
        if b is _NARY:
            return self._db if type(self._db) is tuple else a
        return (a, b)

    @property
    def owner(self) -> Any:
        """What owns this leaf, given as ``Value(x, owner=...)``: `autograd.nn` makes its weights
        and biases with their neuron as owner, which views read to find layers and neurons
        (labels are only text). None for other Values; a model's parameters are the leaves
        with an owner."""
        return self._db if self._a is None else None

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

    # -- arithmetic: the hot operators, by hand (the registry test holds them to their rules) --

    def __add__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _node("+", self.data + other.data, self, 1.0, other, 1.0)
        c = _num(other, "+")
        return _node("+", self.data + c, self, 1.0, None, c)

    __radd__ = __add__

    def __sub__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _node("-", self.data - other.data, self, 1.0, other, -1.0)
        c = _num(other, "-")
        return _node("-", self.data - c, self, 1.0, None, c)

    def __rsub__(self, other: float) -> Value:
        c = _num(other, "-")
        return _node("rsub", c - self.data, self, -1.0, None, c)

    def __mul__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _node("*", self.data * other.data, self, other.data, other, self.data)
        c = _num(other, "*")
        return _node("*", self.data * c, self, c, None, c)

    __rmul__ = __mul__

    def __truediv__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            y = other.data
            if y == 0.0:
                return apply(ops.div, (self, other))  # the registry says what 1 / 0 is
            out = self.data / y
            return _node("/", out, self, 1.0 / y, other, -out / y)
        c = _num(other, "/")
        if c == 0.0:
            return apply(ops.div, (self, c))
        return _node("/", self.data / c, self, 1.0 / c, None, c)

    def __rtruediv__(self, other: float) -> Value:
        c = _num(other, "/")
        x = self.data
        if x == 0.0:
            return apply(ops.div, (c, self))
        out = c / x
        return _node("rdiv", out, self, -out / x, None, c)

    def __neg__(self) -> Value:
        return _node("neg", -self.data, self, -1.0, None, None)

    def __pos__(self) -> Value:
        return self

    def relu(self) -> Value:
        """max(0, x), NaN for NaN. Its derivative at 0 is taken as 0, as PyTorch does."""
        x = self.data
        if x > 0.0:
            return _node("relu", x, self, 1.0, None, None)
        return _node("relu", 0.0 if x <= 0.0 else x, self, 0.0, None, None)

    # -- the other registry ops ----------------------------------------------------------------

    def __pow__(self, other: Operand) -> Value:
        return apply(amath.pow, (self, other))

    def __rpow__(self, other: float) -> Value:
        return apply(amath.pow, (other, self))

    def __abs__(self) -> Value:
        return _unary(amath.fabs, self)

    def exp(self) -> Value:
        """e ** self."""
        return _unary(amath.exp, self)

    def log(self) -> Value:
        """The natural logarithm (a `DomainError` for x <= 0)."""
        return _unary(_LOG, self)

    def sigmoid(self) -> Value:
        """1 / (1 + e ** -x), without overflow for any x."""
        return _unary(ops.sigmoid, self)

    def tanh(self) -> Value:
        """The hyperbolic tangent."""
        return _unary(amath.tanh, self)

    def sin(self) -> Value:
        """The sine (radians)."""
        return _unary(amath.sin, self)

    def cos(self) -> Value:
        """The cosine (radians)."""
        return _unary(amath.cos, self)

    def sqrt(self) -> Value:
        """The square root (a `DomainError` for x < 0; the derivative at 0 is inf)."""
        return _unary(amath.sqrt, self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x for x > 0, else slope * x (derivative at 0: slope)."""
        return apply(ops.leaky_relu, (self, slope))

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
        raise TypeError(
            f"float() of a Value would leave the graph, and the gradient would silently miss "
            f"it: this is what math.exp(v) does. Use v.data for the number ({self.data!r}), or "
            "autograd.math (autograd.math.exp instead of math.exp) to stay in the graph"
        )

    def __format__(self, spec: str) -> str:
        return format(self.data, spec) if spec else repr(self)

    def __repr__(self) -> str:
        extra = f", label={self.label!r}" if self.label else ""
        extra += f", op={self.op!r}" if self.op else ""
        return f"Value(data={fmt(self.data)}, grad={fmt(self.grad)}{extra})"

    # -- gradients -----------------------------------------------------------------------------

    def backward(self, grad: float = 1.0) -> None:
        """Fill ``.grad`` of every node this Value depends on with d self / d node.

        ``grad`` seeds d self / d self (PyTorch's ``gradient`` argument). Gradients of leaves
        accumulate across calls, as in PyTorch: call `zero_grad()` (or a module's / optimizer's
        ``zero_grad()``) between steps. A non-leaf's ``.grad`` holds the result of the latest
        backward pass through it. Hooks (`register_hook`) run as each gradient is complete.
        """
        seed = _num(grad, "backward")
        if _HOOKS or _mode.get() & _ANOMALY:  # the generic walk, on a table of its own
            _backward_on_a_table(self, seed, checked=is_anomaly_enabled())
            return
        if self._a is None:  # a leaf: d self / d self
            self.grad += seed
            return
        order = backward_order(self)
        self.grad = seed
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

    def _backward(self) -> None:
        """micrograd's per-node step, as its lecture calls it by hand (``o.grad = 1.0;
        o._backward(); n._backward(); ...``): add local derivative × this node's grad into each
        parent's grad. A leaf has nothing to do. `backward()` does all of them in order."""
        g = self.grad
        for p, d in zip(self.parents, self.local_grads, strict=True):
            p.grad += d * g

    @property
    def hooks(self) -> tuple[Callable[[Any], Any], ...]:
        """The functions registered with `register_hook`, in the order they run."""
        return tuple(_HOOKS.get(self, ()))

    def register_hook(self, fn: Callable[[Any], Any]) -> RemovableHandle:
        """Call ``fn(grad)`` when this Value's gradient is complete in a backward pass
        (`backward`, `autograd.backward_steps`, `autograd.grad`), PyTorch's semantics: a
        return value other than None replaces the gradient, the one that flows on to the
        parents (and, for a leaf, the one added into ``.grad``). Returns a handle whose
        ``remove()`` (or a ``with`` block) takes the hook off again.

        The hook holds this Value, and so its graph, until it is removed.
        """
        if not callable(fn):
            raise TypeError(f"register_hook: expected a function of the gradient, not "
                            f"{type(fn).__name__}")
        _HOOKS.setdefault(self, []).append(fn)
        return RemovableHandle(self, fn)

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0 on this Value and every Value it depends on."""
        for v in walk(self):
            v.grad = 0.0

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut from this graph."""
        return Value(self.data, self.label)

    # -- copies and pickles: the graph is walked without recursion --------------------------

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        """A copy of the whole graph below this Value (data, grad, label, op, parents, local
        derivatives), made node by node: a graph a million nodes deep is fine."""
        for v in reversed(topological(self)):  # parents before children
            if id(v) not in memo:
                memo[id(v)] = _copied(v, memo)
        return memo[id(self)]  # type: ignore[no-any-return]

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        """Pickle the graph below this Value as flat records (no recursion, whatever its
        depth); leaves are pickled as themselves, so a leaf shared by several pickled graphs
        stays one object."""
        if self._a is None:
            return (_leaf, (self.data, self.grad, self.label, self._db))
        nodes = topological(self)  # the root first, the leaves last
        leaves = [v for v in nodes if v._a is None]
        index = {v: i for i, v in enumerate(leaves)}
        records = []
        for v in reversed(nodes[: len(nodes) - len(leaves)]):  # parents before children
            index[v] = len(index)
            records.append(_record(v, index))
        return (_rebuild, (leaves, records))

    @staticmethod
    def __autograd_op__(op: Op, args: Sequence[Any]) -> Value:
        """How a registry op applies to Values: `apply` (see `autograd.ops`)."""
        return apply(op, args)


def _copied(v: Value, memo: dict[int, Any]) -> Value:
    """A copy of node v whose parents (already in `memo`) are replaced by their copies."""
    import copy

    c: Value = _new(Value)
    c.data, c.grad, c.label, c.op, c._da = v.data, v.grad, v.label, v.op, v._da
    a, b, db = v._a, v._b, v._db
    if a is None:  # a leaf: its owner is copied too (a model's parameters stay in it)
        c._a = c._b = None
        c._db = copy.deepcopy(db, memo)
        return c
    c._a = tuple(memo[id(p)] for p in a) if b is _NARY else memo[id(a)]
    c._b = b if b is None or b is _NARY else memo[id(b)]
    if type(db) is tuple:  # a generic n-ary op keeps its call: Values in it are parents
        db = tuple(memo[id(x)] if isinstance(x, Value) else x for x in db)
    c._db = db
    return c


def _record(v: Value, index: dict[Value, int]) -> tuple[Any, ...]:
    """One node for pickling: its fields, parents as indices into the nodes made before it."""
    a, b, db = v._a, v._b, v._db
    parents = [index[p] for p in a] if b is _NARY else [index[a]] + ([] if b is None else
                                                                   [index[b]])
    if type(db) is tuple:
        db = tuple(("node", index[x]) if isinstance(x, Value) else x for x in db)
    kind = "nary" if b is _NARY else "pair" if b is not None else "one"
    return (v.data, v.grad, v.label, v.op, kind, parents, v._da, db)


def _leaf(data: float, grad: float, label: str, owner: Any) -> Value:
    v = Value(data, label, owner)
    v.grad = grad
    return v


def _rebuild(leaves: list[Value], records: list[tuple[Any, ...]]) -> Value:
    """The graph `__reduce_ex__` flattened, rebuilt; the last record is the root."""
    made: list[Value] = list(leaves)
    for data, grad, label, op, kind, parents, da, db in records:
        v: Value = _new(Value)
        v.data, v.grad, v.label, v.op, v._da = data, grad, label, op, da
        ps = [made[i] for i in parents]
        if kind == "nary":
            v._a, v._b = tuple(ps), _NARY
        else:
            v._a, v._b = ps[0], (ps[1] if kind == "pair" else None)
        if type(db) is tuple:
            db = tuple(made[x[1]] if type(x) is tuple and x[:1] == ("node",) else x for x in db)
        v._db = db
        made.append(v)
    return made[-1]


_HOOKS: dict[Value, list[Callable[[Any], Any]]] = {}  # Value -> its hooks, in order


class RemovableHandle:
    """What `Value.register_hook` returns: ``remove()`` takes the hook off (again is fine)."""

    __slots__ = ("_value", "_fn")

    def __init__(self, value: Value, fn: Callable[[Any], Any]) -> None:
        self._value, self._fn = value, fn

    def remove(self) -> None:
        hooks = _HOOKS.get(self._value, [])
        if self._fn in hooks:
            hooks.remove(self._fn)
        if not hooks:
            _HOOKS.pop(self._value, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def _run_hooks(v: Value, g: Any) -> Any:
    """v's gradient g after its hooks (each may replace it)."""
    for fn in list(_HOOKS.get(v, ())):
        out = fn(g)
        if out is None:
            continue
        if not isinstance(out, Value) and (isinstance(out, bool) or
                                           not isinstance(out, (int, float))):
            raise TypeError(f"hook {getattr(fn, '__name__', fn)!r} on {_describe(v)} returned "
                            f"{type(out).__name__}; a hook returns a number or None")
        g = out if isinstance(out, Value) else float(out)
    return g


def _backward_on_a_table(root: Value, seed: float, checked: bool) -> None:
    """`backward()` by the generic walk, with hooks and, when `checked`, anomaly checks: the
    gradients go into a table first, then into ``.grad`` (leaves accumulate)."""
    if checked and not _isfinite(seed):
        raise AnomalyError(f"backward: the seed gradient is {seed!r} (from {_describe(root)})")
    if root._a is None:
        root.grad += _run_hooks(root, seed) if root in _HOOKS else seed
        return
    nodes = topological(root)
    order = [v for v in nodes if v._a is not None]
    leaves = [v for v in nodes if v._a is None]
    hooked = [v for v in leaves if v in _HOOKS]
    table: dict[Value, Any] = {v: v.grad for v in leaves if v not in _HOOKS}
    table[root] = seed
    for _ in backprop([*order, *hooked], table, checked=checked, hooks=True):
        pass
    for v in order:
        v.grad = table.get(v, 0.0)
    for v in leaves:
        v.grad = v.grad + table.get(v, 0.0) if v in _HOOKS else table[v]


_LOG = ops.get("log")  # autograd.math.log chooses between log and log_base; this is the op


def _data(x: Operand, op: str) -> float:
    return x.data if isinstance(x, Value) else _num(x, op)


# ---------------------------------------------------------------------------------------------
# Any registry op on Values.


def apply(op: Op, args: Sequence[Any]) -> Value:
    """Op `op` of the registry applied to `args`, at least one of them a Value: a new node with
    the op's value and its local derivatives (its rule, evaluated on the floats)."""
    if op.fused is not None:
        raise TypeError(f"{op.name}: a fused node; call autograd.{op.name} to make one")
    if len(args) != op.arity:
        args = op.complete(tuple(args))
    if len(args) == 1:
        return _unary(op, args[0])
    xs: list[float] = []
    at: list[int] = []  # positions of the Values
    for i, a in enumerate(args):
        if isinstance(a, Value):
            if i in op.numbers_only:
                raise TypeError(f"{op.name}: {op.params[i]} must be a plain number, not a Value")
            xs.append(a.data)
            at.append(i)
        else:
            xs.append(_num(a, op.name))
    out = op.evaluate(xs, args)
    if not _isfinite(out):
        _refuse(op, xs, out, args)
    if _mode.get() & _NO_GRAD:
        local: Sequence[float] = [0.0] * len(at)
    else:
        partials = _partials(op, xs, out, args)
        local = [partials[i] for i in at]
    if len(at) == 1 and len(args) == 2:  # one Value and a plain number
        i = at[0]
        kind = op.name if i == 0 or op.commutative else op.reflected
        return _node(kind, out, args[i], local[0], None, args[1 - i])
    if len(at) == 2 == len(args):
        return _node(op.name, out, args[0], local[0], args[1], local[1])
    parents = tuple(args[i] for i in at)
    return _node(op.name, out, parents, tuple(local), _NARY, tuple(args))


def _unary(op: Op, x: Value) -> Value:
    """`apply` for an op of one input (exp, log, sigmoid, tanh, sin...)."""
    xd = x.data
    try:
        out = op.value(xd)
    except (ArithmeticError, ValueError):
        out = op.evaluate((xd,), (x,))  # raises again, naming the op and the operand
    if type(out) is not float:
        out = op.evaluate((xd,), (x,))
    if not _isfinite(out):
        _refuse(op, (xd,), out, (x,))
    if _mode.get() & _NO_GRAD:
        return _node(op.name, out, x, 0.0, None, None)
    try:
        d = op.derivative(xd, out)
        if type(d) is not float:
            d = _as_float(op, op.partials((xd,), out)[0])
    except (ArithmeticError, ValueError):
        d = _at_edge(op, (xd,), out)[0]
    if d != d and _isfinite(xd):
        _undefined(op, 0, (x,))
    return _node(op.name, out, x, d, None, None)


def _partials(op: Op, xs: Sequence[float], out: float, args: Sequence[Any]) -> list[float]:
    """The op's rule at the floats `xs`: its partial derivatives as floats. Where Python's float
    arithmetic raises (``0.5 / 0.0`` at the edge of sqrt), the rule runs again on Values in the
    IEEE mode, as create_graph runs it, so both give the same inf."""
    try:
        partials = [_as_float(op, d) for d in op.partials(xs, out)]
    except (ArithmeticError, ValueError):
        partials = _at_edge(op, xs, out)
    for i, (d, a) in enumerate(zip(partials, args, strict=True)):
        if d != d and isinstance(a, Value) and all(map(_isfinite, xs)):
            _undefined(op, i, args)
    return partials


def float_partials(op: Op, xs: Sequence[float], out: float) -> list[float]:
    """The op's partial derivatives at the floats `xs` (`out` its value there) as floats, as
    the Value path computes them: IEEE's inf where the rule divides by zero at a domain edge
    (``sqrt'(0)``). Forward mode (`autograd.forward`) reads them."""
    try:
        return [_as_float(op, d) for d in op.partials(xs, out)]
    except (ArithmeticError, ValueError):
        return _at_edge(op, xs, out)


def _at_edge(op: Op, xs: Sequence[float], out: float) -> list[float]:
    """The rule at floats where float arithmetic raised: run on throwaway Values in the IEEE
    mode (no graph, no anomaly checks: these are not the user's ops)."""
    mode = _mode.get()
    token = _mode.set((mode | _IEEE | _NO_GRAD) & ~_ANOMALY)
    try:
        args = [x if i in op.numbers_only else Value(x) for i, x in enumerate(xs)]
        partials = op.partials(args, Value(out))
    finally:
        _mode.reset(token)
    return [d.data if isinstance(d, Value) else _as_float(op, d) for d in partials]


def _as_float(op: Op, d: Any) -> float:
    if type(d) is float:
        return d
    if isinstance(d, (int, float)) and not isinstance(d, bool):
        return float(d)
    raise TypeError(f"{op.name}: the derivative rule gave {type(d).__name__} {d!r:.40} on "
                    "floats; it must give numbers (a Value only when given Values)")


def _refuse(op: Op, xs: Sequence[float], out: float, args: Sequence[Any]) -> None:
    """A result that is not finite: outside the op's domain, raise (unless rules are being
    evaluated at an edge); an overflow, or NaN or infinity among the inputs, is kept, as IEEE
    and PyTorch keep it (`detect_anomaly` catches it)."""
    if not _mode.get() & _IEEE:
        error = op.domain_error(xs, out, args)
        if error is not None:
            raise error


def _undefined(op: Op, i: int, args: Sequence[Any]) -> None:
    if _mode.get() & _IEEE:
        return
    raise DomainError(f"{op.name}: the derivative with respect to {op.params[i]} is undefined "
                      f"at {op.at(args)}")


def rule_locals(v: Value) -> tuple[Value | float, ...]:
    """d v / d parent for each parent of `v`, from the op's rule evaluated on Values: the local
    derivatives as part of the graph, so that they can be differentiated again
    (``grad(create_graph=True)``). Plain floats where they are constants."""
    found = lookup(v.op)
    if found is None:
        raise KeyError(f"{v.op!r}: no op of this name is registered")
    op = found[0]
    if op.fused is not None:
        return op.fused(v)
    args = v.operands
    with _ieee_edges():
        partials = op.partials(args, v)
    local = []
    for i, (d, a) in enumerate(zip(partials, args, strict=True)):
        if isinstance(a, Value):
            x = d.data if isinstance(d, Value) else d
            if x != x and all(_isfinite(_data(b, op.name)) for b in args):
                _undefined(op, i, args)
            local.append(d)
    return tuple(local)


# ---------------------------------------------------------------------------------------------
# Fused n-ary ops.


def _split(items: Sequence[Any], op: str) -> tuple[list[float] | None, bool]:
    """(data of items, are they all Values?) or (None, False) when Values and numbers mix, or
    for forward mode's Duals."""
    kinds = set(map(type, items))
    if kinds == _ONLY_VALUES:
        return [v.data for v in items], True
    if kinds <= _ONLY_FLOATS:
        return list(items), False
    if not any(isinstance(x, Value) for x in items):
        try:
            return [_num(x, op) for x in items], False
        except TypeError:
            if not any(map(_dual, items)):
                raise
    return None, False


_ONLY_VALUES = frozenset((Value,))
_ONLY_FLOATS = frozenset((float,))


def sum(values: Iterable[Operand], start: float = 0.0) -> Value:  # noqa: A001
    """One node for ``start + v1 + v2 + ...`` (each local derivative is 1)."""
    prev: list[Value] = []
    total = _num(start, "sum")
    for v in values:
        if isinstance(v, Value):
            prev.append(v)
            total += v.data
        else:
            try:
                total += _num(v, "sum")
            except TypeError:
                if prev or not _dual(v):
                    raise
                again = iter(values) is not values  # an iterator goes on after v
                out = _plain_sum(values, start) if again else _plain_sum(values, total + v)
                return out  # type: ignore[no-any-return]  # a Dual: duck-typed
    if not prev:  # nothing to differentiate: a constant
        return Value(total)
    return _node("sum", total, tuple(prev), (1.0,) * len(prev), _NARY, None)


def _dual(x: Any) -> bool:
    """Is x neither a Value nor a number, but something the registry's ops apply to (forward
    mode's `autograd.forward.Dual`)? Fused nodes then fall back to plain arithmetic."""
    return hasattr(type(x), "__autograd_op__") and not isinstance(x, Value)


def _plain_sum(terms: Iterable[Any], total: Any) -> Any:
    """``total + t1 + t2 + ...``, left to right, by each operand's own ``+`` (Duals')."""
    for t in terms:
        total = total + t
    return total


def _plain_dot(ws: Sequence[Any], xs: Sequence[Any], bias: Any) -> Any:
    """`dot` by plain arithmetic, ``w1*x1 + ... + wn*xn (+ bias)``, for forward mode's Duals."""
    total = _plain_sum(map(mul, ws, xs), 0.0)
    return total if bias is None else total + bias


def dot(ws: Sequence[Operand], xs: Sequence[Operand], bias: Operand | None = None) -> Value:
    """One node for ``w1*x1 + ... + wn*xn (+ bias)``; either side may hold plain numbers.

    d out / d w_i = x_i, d out / d x_i = w_i, d out / d bias = 1. Parents are laid out as
    (w's paired with Value x's, those x's, other Value w's, other Value x's, bias), and ``_db``
    holds the number of such Value-Value pairs, so that a parent's partner can be found again
    (`rule_locals` needs it for second derivatives).
    """
    if len(ws) != len(xs):
        raise ValueError(f"dot: {len(ws)} weights but {len(xs)} inputs")
    if type(bias) is Value or bias is None:  # a neuron, or a row of a matrix: the fast path
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
        try:
            wd, xd = [_data(w, "dot") for w in ws], [_data(x, "dot") for x in xs]
        except TypeError:
            if not any(map(_dual, (*ws, *xs))):
                raise
            return _plain_dot(ws, xs, bias)  # type: ignore[no-any-return]  # a Dual
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
            try:
                total += _num(bias, "dot")
            except TypeError:
                if not _dual(bias):
                    raise
                return _plain_dot(ws, xs, bias)  # type: ignore[no-any-return]  # a Dual
    if not prev:  # plain numbers on both sides: a constant
        return Value(total)
    return _node("dot", total, tuple(prev), tuple(local), _NARY, pairs)


def _neuron(ws: Sequence[Any], xs: Sequence[Any], xd: list[float], x_values: bool,
            bias: Value | None) -> Value:
    """`dot` when the inputs are already split: Value weights (checked here) and a Value bias
    or none; the same layout as `_dot` gives."""
    wd = [w.data for w in ws if type(w) is Value]  # the data, and a type check in one pass
    if len(wd) != len(ws) or not wd:
        return _dot(ws, xs, bias)
    total = builtins.sum(map(mul, wd, xd))
    if bias is None:
        if x_values:
            return _node("dot", total, (*ws, *xs), (*xd, *wd), _NARY, len(ws))
        return _node("dot", total, tuple(ws), tuple(xd), _NARY, 0)
    total += bias.data
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
        if xd is not None and (type(b) is Value or b is None) and len(row) == len(xs):
            out.append(_neuron(row, xs, xd, x_values, b))
        else:
            out.append(dot(row, xs, b))
    return out


def _dot_rule(v: Value) -> tuple[Value | float, ...]:
    """dot's local derivatives as Values: each Value-Value pair's partner, then the numbers."""
    p, d = v.parents, v.local_grads
    k = v._db  # Value-Value pairs come first: (w_1..w_k, x_1..x_k, ...)
    return (*p[k : 2 * k], *p[:k], *d[2 * k :])


ops.register(Op(None, None, name="sum", fused=lambda v: v.local_grads, formula=("1",),
                builtin=True, doc="One node for a sum of many terms: `autograd.sum`."))
ops.register(Op(None, None, name="dot", fused=_dot_rule, formula=("x_i", "w_i", "1"),
                builtin=True, doc="One node for w·x + b: `autograd.dot`, `autograd.linear`."))


def logsumexp(values: Iterable[Operand]) -> Value:
    """One node for ``log(exp(v1) + ... + exp(vn))``, PyTorch's ``torch.logsumexp``: computed
    with the largest value taken out first, so that no exp overflows.

    d out / d v_i = exp(v_i - out), the softmax of the values. `nn.cross_entropy` is
    ``logsumexp(logits) - logits[target]``: two nodes per sample, whatever the number of
    classes, instead of an exp, a subtraction and a division per class. Plain numbers may be
    among the values (they get no gradient); an infinity or NaN among them gives IEEE's result.
    """
    items = list(values)
    if not items:
        raise ValueError("logsumexp: no values; give at least one")
    only = [v for v in items if type(v) is Value]
    if len(only) == len(items):  # the common case: only Values
        data = [v.data for v in only]
        out = _logsumexp(data)
        local = tuple([_exp(x - out) for x in data])
        return _node("logsumexp", out, tuple(only), local, _NARY, None)
    xs: list[float] = []
    for v in items:
        try:
            xs.append(_data(v, "logsumexp"))
        except TypeError:
            if not _dual(v) or any(isinstance(u, Value) for u in items):
                raise
            return _plain_logsumexp(items)  # type: ignore[no-any-return]  # a Dual
    out = _logsumexp(xs)
    prev = tuple(v for v in items if isinstance(v, Value))
    if not prev:  # nothing to differentiate: a constant
        return Value(out)
    local = tuple(_exp(x - out) for x, v in zip(xs, items, strict=True) if isinstance(v, Value))
    return _node("logsumexp", out, prev, local, _NARY, tuple(items))


_exp = math.exp


def _logsumexp(xs: list[float]) -> float:
    """log(sum(exp(x))) of floats, the largest x taken out first; IEEE at infinities and NaN."""
    m = max(xs)
    if not _isfinite(m) or m != m:  # max lets NaN through only when it comes first
        return math.nan if any(x != x for x in xs) else m
    total = builtins.sum([_exp(x - m) for x in xs])
    return m + math.log(total) if total == total else math.nan


def _plain_logsumexp(items: list[Any]) -> Any:
    """`logsumexp` by each operand's own arithmetic and the registry's exp and log, for forward
    mode's Duals. The shift is the largest item (Duals compare by their primal); any shift gives
    the same value and derivative, the largest keeps exp from overflowing."""
    m = max(items)
    return m + _LOG(_plain_sum([amath.exp(v - m) for v in items], 0.0))


def _logsumexp_rule(v: Value) -> tuple[Value, ...]:
    """logsumexp's local derivatives as Values: exp(v_i - out), for second derivatives."""
    return tuple((p - v).exp() for p in v.parents)


ops.register(Op(None, None, name="logsumexp", fused=_logsumexp_rule,
                formula=("exp(x_i − out)",), builtin=True,
                doc="One node for log Σ exp(x_i): `autograd.logsumexp`, `nn.cross_entropy`."))


# ---------------------------------------------------------------------------------------------
# Graph walks: iterative, never recursive, so a million-node chain is fine.


def backward_order(root: Value | Sequence[Value], reset: bool = True) -> list[Value]:
    """The non-leaf nodes `root` depends on, each once, root first, every node before its
    parents: the order in which `backward()` visits them. With ``reset`` (as backward does),
    their ``.grad`` is set to 0 on the way. Several roots (a list) give one order for all."""
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[Any] = [root] if isinstance(root, Value) else list(reversed(root))
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


def topological(root: Value | Sequence[Value]) -> list[Value]:
    """Every node `root` (or each of several roots) depends on, leaves included, each once,
    every node before its parents: `backward_order`, then the leaves in the order they are
    first used as operands."""
    roots = [root] if isinstance(root, Value) else list(root)
    order = backward_order(roots, reset=False)
    leaves: dict[Value, None] = {}
    for v in reversed(order):
        for p in v.parents:
            if p._a is None:
                leaves[p] = None
    for r in roots:  # a root that is itself a leaf
        if r._a is None:
            leaves[r] = None
    return [*order, *leaves]


def walk(root: Value) -> list[Value]:
    """Every Value `root` depends on, root included, each once (leaves too), breadth first."""
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


Flow = tuple[Value, Any, Any, Any, Any]
"""What one node sends one parent: (parent, local derivative, contribution, before, after)."""


class Visit(NamedTuple):
    """One node of `backprop`: its upstream gradient ``grad`` (after hooks; ``unhooked`` is
    the gradient before them) and what it sent each parent."""

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
    checked: bool = False,
    hooks: bool = False,
) -> Iterator[Visit]:
    """The chain rule over `order` (children before parents), one node at a time.

    For each node v, with upstream gradient ``g = adjoint[v]``, add ``local × g`` into the
    entry of each parent in the table ``adjoint``, and yield a `Visit`. A float g of 0 sends
    nothing (not even ``0 × inf``); its flows show contribution 0. ``local(v)`` gives the
    local derivatives (default `Value.local_grads`: floats; `rule_locals` gives Values, for
    create_graph). Parents outside `within` are skipped. ``checked``: a NaN or infinite
    contribution raises `AnomalyError`. ``hooks``: a node's hooks (`Value.register_hook`)
    run on its gradient before it flows on.

    `backward()` runs this same loop, written out over the ``.grad`` fields for speed (the
    tests hold the two equal); `grad`, `backward_steps`, `explain` and `draw` use this one.
    """
    root: Value | None = None
    hooked = _HOOKS if hooks else {}
    for v in order:
        root = root or v
        g = unhooked = adjoint.get(v, 0.0)
        if v in hooked:
            g = adjoint[v] = _run_hooks(v, g)
        flows: list[Flow] = []
        skip = type(g) is float and g == 0.0
        for p, d in zip(v.parents, v.local_grads if local is None else local(v), strict=True):
            if within is not None and p not in within:
                continue
            before = adjoint.get(p, 0.0)
            if skip:  # the parent is reached all the same: give it an entry
                adjoint[p] = before
                flows.append((p, d, 0.0, before, before))
                continue
            c = d * g
            if checked and not _isfinite(c):
                raise _bad_gradient(root, v, p, d, g)
            after = before + c if p in adjoint else c
            adjoint[p] = after
            flows.append((p, d, c, before, after))
        yield Visit(v, g, flows, unhooked)


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
