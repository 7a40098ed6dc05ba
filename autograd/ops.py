"""The op registry: every op declared once, and everything else derived from it.

An op is a function of plain numbers together with its local partial derivatives, written the
way a calculus table writes them::

    @op(derivative=lambda x, out: out * (1 - out), formula="σ(x)·(1 − σ(x))")
    def sigmoid(x):
        ...

- ``value``: the op on floats (the decorated function). Built-in ones follow IEEE 754 and never
  raise: ``log(0)`` is ``-inf``, ``sqrt(-1)`` is NaN, ``exp(1000)`` is ``inf``.
- ``derivative(*inputs, out)``: ∂out/∂input, one number for one input, a tuple for several. It
  is written with operators and the ops of this module (`autograd.math`), so the *same* rule
  runs on floats (the first-order fast path: `Value.backward` multiplies the numbers it gives)
  and on Values (``grad(create_graph=True)``, which differentiates the rule itself again).
- ``domain(*inputs)``: why the inputs are outside the op's domain (a short text), or None. It is
  asked only when the value is not finite, so it costs nothing on good inputs.
- display: ``symbol`` for operators (``"*"``), ``word`` for names of unlabeled nodes
  (``mul#3``), ``formula`` for each partial derivative in the op's own input names
  (``"cos(x)"``), which the views print with the operand's name in place of ``x``.
- testing: ``smooth(*inputs)`` says when the inputs are safely away from kinks and domain edges
  (where finite differences work); ``edges`` lists points at those edges that the registry test
  checks; ``torch`` names PyTorch's op for the cross-checks.

The engine (`autograd.engine`) applies an op to Values; the views, the command line and the
hypothesis strategies read this registry. Users add ops through the same door, `op`.

How an op reaches Values without this module importing the engine: calling an op with an
argument that is not a number asks that argument's type, through the class attribute
``__autograd_op__(op, args)``, to apply it (`Value` records a node; a dual number of forward
mode carries a tangent). Plain numbers get the op's float value.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Sequence
from inspect import Parameter, signature
from typing import Any, overload

__all__ = [
    "DOMAIN_MARGIN",
    "KINK_MARGIN",
    "DomainError",
    "Op",
    "PoleError",
    "define",
    "get",
    "ieee_divide",
    "lookup",
    "op",
    "pole",
    "registered",
    "unregister",
]

inf, nan = math.inf, math.nan
_isfinite = math.isfinite

KINK_MARGIN = 0.05
"""How far `Op.smooth` keeps inputs from a kink (relu at 0): well beyond gradcheck's eps."""
DOMAIN_MARGIN = 0.1
"""How far `Op.smooth` keeps inputs from a domain edge or a pole (log at 0, 1/y at 0)."""


class DomainError(ValueError):
    """An op was given inputs outside its domain: ``log(-1)``, ``(-8) ** 0.5``, ``asin(2)``."""

    __module__ = "autograd"  # tracebacks name it as users import it: autograd.DomainError


class PoleError(DomainError, ZeroDivisionError):
    """Inputs at a pole, where the value is infinite: ``1 / 0``, ``0 ** -1``, ``log(0)``.

    Both a `DomainError` and a `ZeroDivisionError`, as Python's own ``1 / 0`` is."""

    __module__ = "autograd"


class pole(str):  # noqa: N801 - used like a function: pole("division by zero")
    """A `Op.domain` reason for inputs at a pole even where IEEE's value is NaN (``0 / 0``):
    the error is then a `PoleError`. Infinite values are poles without it."""


Rule = Callable[..., Any]


class Op:
    """One op: its value on floats, its local derivatives, its domain, and how it is shown.

    Calling it applies it: on plain numbers it returns a float (`math`'s number, with a clear
    error where `math` would raise); with a `Value` among the arguments it returns a Value that
    records the op. Build ops with the `op` decorator; the fields are read-only data.
    """

    name: str
    value: Callable[..., float]
    derivative: Rule
    arity: int
    params: tuple[str, ...]
    defaults: tuple[float, ...]
    formula: tuple[str | None, ...]
    domain: Callable[..., str | None] | None
    symbol: str | None
    word: str
    reflected: str
    commutative: bool
    numbers_only: frozenset[int]
    smooth: Callable[..., bool] | None
    edges: tuple[tuple[float, ...], ...]
    torch: str | Callable[..., Any] | None
    overflow_error: bool
    builtin: bool
    fused: Callable[[Any], tuple[Any, ...]] | None
    __name__: str
    __qualname__: str

    def __init__(
        self,
        value: Callable[..., float] | None,
        derivative: Rule | None,
        *,
        name: str | None = None,
        formula: str | Sequence[str | None] | None = None,
        domain: Callable[..., str | None] | None = None,
        symbol: str | None = None,
        word: str | None = None,
        commutative: bool = False,
        numbers_only: Sequence[int] = (),
        smooth: Callable[..., bool] | None = None,
        edges: Sequence[Sequence[float]] = (),
        torch: str | Callable[..., Any] | None = None,
        overflow_error: bool = True,
        builtin: bool = False,
        fused: Callable[[Any], tuple[Any, ...]] | None = None,
        doc: str | None = None,
    ) -> None:
        if name is None:
            name = getattr(value, "__name__", None)
        if not isinstance(name, str) or not name or name == "<lambda>":
            raise ValueError("op: give the op a name (name='...')")
        self.name = name
        if fused is not None:  # a fused node of the engine (sum, dot): no value of its own
            self.value = _no_value
            self.derivative = _no_value
            self.params, self.defaults = ("x",), ()
            self.arity = -1
        else:
            if value is None or not callable(value):
                raise TypeError(f"op {name!r}: the value must be a function of floats")
            if derivative is None or not callable(derivative):
                raise TypeError(f"op {name!r}: derivative must be a function "
                                "(inputs..., out) -> partial derivative(s)")
            self.value, self.derivative = value, derivative
            self.params, self.defaults = _signature(value, name)
            self.arity = len(self.params)
        self.fused = fused
        texts = (formula,) if formula is None or isinstance(formula, str) else tuple(formula)
        if formula is None:
            texts = (None,) * max(self.arity, 1)
        if fused is None and len(texts) != self.arity:
            raise ValueError(f"op {name!r}: {self.arity} input(s) but {len(texts)} formula(s)")
        self.formula = texts
        self.domain = domain
        self.symbol = symbol
        self.word = word or name
        self.reflected = "r" + self.word  # the node kind of `c - x`: an operand first, as a number
        self.commutative = commutative
        self.numbers_only = frozenset(numbers_only)
        self.smooth = smooth
        self.edges = tuple(tuple(float(x) for x in point) for point in edges)
        self.torch = torch
        self.overflow_error = overflow_error
        self.builtin = builtin
        self.__doc__ = doc if doc is not None else getattr(value, "__doc__", None)
        self.__name__ = self.__qualname__ = getattr(value, "__name__", name)

    # -- calling -------------------------------------------------------------------------------

    def __call__(self, *args: Any) -> Any:
        if len(args) != self.arity:
            args = self.complete(args)
        for a in args:
            kind = type(a)
            if kind is not float and kind is not int:
                apply = getattr(kind, "__autograd_op__", None)
                if apply is not None:
                    return apply(self, args)
        xs = [number(a, self.name) for a in args]
        out = self.evaluate(xs, args)
        if not _isfinite(out):
            error: Exception | None = self.domain_error(xs, out, args)
            if error is None and self.overflow_error and all(map(_isfinite, xs)):  # as math does
                error = OverflowError(f"{self.name}: the result is too large for a float "
                                      f"at {self.at(args)}")
            if error is not None:
                raise error
        return out

    def complete(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """The arguments with trailing defaults filled in, or a TypeError naming the op."""
        if self.fused is not None:
            raise TypeError(f"{self.name}: a fused node; call autograd.{self.name} to make one")
        missing = self.arity - len(args)
        if 0 < missing <= len(self.defaults):
            return args + self.defaults[len(self.defaults) - missing:]
        least = self.arity - len(self.defaults)
        wanted = str(self.arity) if least == self.arity else f"{least} to {self.arity}"
        raise TypeError(f"{self.name}() takes {wanted} argument(s) "
                        f"({', '.join(self.params)}), not {len(args)}")

    def evaluate(self, xs: Sequence[float], args: Sequence[Any]) -> float:
        """The value on the floats `xs` (`args`: the operands as given, for messages). An error
        raised by a user's function is raised again naming the op and the operands."""
        try:
            out = self.value(*xs)
        except (ArithmeticError, ValueError) as e:
            raise type(e)(f"{self.name}: {e} for {self.at(args)}") from e
        if type(out) is not float:
            if isinstance(out, bool) or not isinstance(out, (int, float)):
                raise TypeError(f"{self.name}: the function returned {type(out).__name__} "
                                f"{out!r:.40}; an op's value must be a real number")
            out = float(out)
        return out

    def domain_error(self, xs: Sequence[float], out: float,
                     args: Sequence[Any]) -> DomainError | None:
        """The error for inputs outside the domain (the value `out` is not finite), or None
        when they are inside it (an overflow, or a NaN or infinity among the inputs)."""
        reason = self.domain(*xs) if self.domain is not None else None
        if reason is None:
            return None
        kind = PoleError if out in (inf, -inf) or isinstance(reason, pole) else DomainError
        return kind(f"{self.name}: undefined for {self.at(args)}; {reason}")

    def at(self, args: Sequence[Any]) -> str:
        """The operands for messages: ``-8.0 ('b') ** 0.5`` for an operator, ``x=-1.0 ('x')``
        for a function (its input names, then the values and labels)."""
        shown = [_operand(a) for a in args]
        if self.symbol is not None:
            return self.show(shown)
        return ", ".join(f"{p}={o}" for p, o in zip(self.params, shown, strict=False))

    def partials(self, args: Sequence[Any], out: Any) -> tuple[Any, ...]:
        """The derivative rule at `args` and `out`, as one partial per input."""
        try:
            d = self.derivative(*args, out)
        except TypeError as e:
            kinds = sorted({type(a).__name__ for a in (*args, out)
                            if not isinstance(a, (int, float))})
            if not kinds:  # on plain numbers: the rule's own error
                raise
            raise TypeError(f"{self.name}: its derivative rule failed on {' and '.join(kinds)}s "
                            f"(as grad(create_graph=True) and hessian call it): a rule must "
                            f"work on numbers and on Values, so write it with operators and "
                            f"autograd.math, not math. {e}") from e
        if self.arity == 1:
            if isinstance(d, tuple):
                if len(d) != 1:
                    raise TypeError(f"{self.name}: derivative returned {len(d)} partial "
                                    "derivatives for 1 input")
                return d
            return (d,)
        if not isinstance(d, tuple) or len(d) != self.arity:
            got = f"{len(d)} values" if isinstance(d, tuple) else type(d).__name__
            raise TypeError(f"{self.name}: derivative must return a tuple of {self.arity} "
                            f"partial derivatives, one per input; it returned {got}")
        return d

    # -- display -------------------------------------------------------------------------------

    def show(self, operands: Sequence[str]) -> str:
        """How a call reads, given its operands as text: ``a * b``, ``-x``, ``exp(x)``."""
        if self.symbol is not None:
            if len(operands) == 1:
                return f"{self.symbol}{operands[0]}"
            return f" {self.symbol} ".join(operands)
        return f"{self.name}({', '.join(operands)})"

    def formula_for(self, i: int, operands: Sequence[str], out: str) -> str | None:
        """The formula of ∂out/∂input_i with the operands' texts for the op's input names
        (``σ(x)·(1 − σ(x))`` becomes ``σ(l_o1)·(1 − σ(l_o1))``), or None when there is none."""
        text = self.formula[i] if i < len(self.formula) else None
        if text is None:
            return None
        names = {p: o for p, o in zip(self.params, operands, strict=False)}
        names["out"] = out

        def swap(m: re.Match[str]) -> str:
            word = names[m.group(0)]
            enclosed = text[m.start() - 1 : m.start()] == "(" and text[m.end() : m.end() + 1] == ")"
            if _ATOM.fullmatch(word) or enclosed or text.strip() == m.group(0):
                return word
            return f"({word})"

        return _names_pattern(tuple(names)).sub(swap, text)

    def __repr__(self) -> str:
        return f"<op {self.name!r}>"


_ATOM = re.compile(r"[\w.#'·]+|-?\d[\d.e+-]*")


def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    # A name stands alone: no word character before it, none after it but superscripts (x²).
    return re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, names)) + r")(?![^\W⁰¹²³⁴⁵⁶⁷⁸⁹]|\()")


def _no_value(*args: Any) -> Any:
    raise TypeError("a fused op has no value function of its own")


def _signature(value: Callable[..., float], name: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The input names of an op's function, and the defaults of the trailing ones."""
    try:
        params = list(signature(value).parameters.values())
    except (TypeError, ValueError):
        raise TypeError(f"op {name!r}: cannot read the inputs of {value!r}") from None
    names: list[str] = []
    defaults: list[float] = []
    for p in params:
        if p.kind not in (Parameter.POSITIONAL_ONLY, Parameter.POSITIONAL_OR_KEYWORD):
            raise TypeError(f"op {name!r}: inputs must be plain positional parameters "
                            f"(a fixed number of numbers); {p} is not")
        names.append(p.name)
        if p.default is not Parameter.empty:
            defaults.append(number(p.default, name))
        elif defaults:
            raise TypeError(f"op {name!r}: parameters with defaults must come last")
    if not names:
        raise TypeError(f"op {name!r}: an op takes at least one input")
    return tuple(names), tuple(defaults)


def number(x: object, op: str) -> float:
    """A plain-number operand as float, or a TypeError naming the op and the type."""
    if type(x) is float:
        return x
    if type(x) is int or isinstance(x, numbers.Real):  # the ABC check is slow: ints first
        return float(x)
    raise TypeError(f"{op}: unsupported operand of type {type(x).__name__!r}; "
                    "expected a Value or a real number (int, float)")


def _operand(a: Any) -> str:
    """An operand for messages: ``-2.0 ('x')`` for a labeled Value, ``0.5`` for a number."""
    if isinstance(a, (int, float)):
        return repr(float(a))
    label = getattr(a, "label", "")
    data = getattr(a, "data", a)
    return f"{data!r} ({label!r})" if label else repr(data)


# ---------------------------------------------------------------------------------------------
# The registry


_OPS: dict[str, Op] = {}
_KINDS: dict[str, tuple[Op, int | None]] = {}  # node op name -> (op, position of a number)


def register(new: Op, *, replace: bool = False) -> Op:
    """Add `new` to the registry. A user op may replace an earlier user op of the same name
    (running a notebook cell twice); a built-in op's name is refused."""
    old = _OPS.get(new.name)
    taken = _KINDS.get(new.name) or _KINDS.get(new.reflected)
    if old is not None and (old.builtin or not replace):
        raise ValueError(f"op: the name {new.name!r} is taken by the built-in op {old.name!r}; "
                         "pick another name")
    if old is None and taken is not None:
        raise ValueError(f"op: the name {new.name!r} clashes with the node kind of "
                         f"{taken[0].name!r}; pick another name")
    if old is not None:
        _KINDS.pop(old.reflected, None)
    _OPS[new.name] = new
    _KINDS[new.name] = (new, None if new.arity != 2 else 1)
    if new.arity == 2 and not new.commutative and 0 not in new.numbers_only:
        _KINDS[new.reflected] = (new, 0)
    return new


def unregister(name: str) -> None:
    """Remove a user's op (a notebook that defined one for a demo); built-in ops stay."""
    old = _OPS.get(name)
    if old is None:
        raise KeyError(f"no op named {name!r} is registered")
    if old.builtin:
        raise ValueError(f"{name!r} is a built-in op; it cannot be removed")
    del _OPS[name]
    for kind in (old.name, old.reflected):
        if _KINDS.get(kind, (None,))[0] is old:
            del _KINDS[kind]


def lookup(kind: str) -> tuple[Op, int | None] | None:
    """The op behind a node's ``op`` name, and where its plain-number operand stood (0 for
    ``2 - x``, node kind ``rsub``; 1 for ``x - 2``); None for leaves and unknown names."""
    return _KINDS.get(kind)


def get(name: str) -> Op:
    """The registered op of this name (`KeyError` if there is none)."""
    found = _OPS.get(name)
    if found is None:
        raise KeyError(f"no op named {name!r} is registered")
    return found


def registered(builtin: bool | None = None) -> list[Op]:
    """The registered ops in the order they were added (built-in ones first); ``builtin=True``
    or ``False`` selects."""
    return [o for o in _OPS.values() if builtin is None or o.builtin == builtin]


# ---------------------------------------------------------------------------------------------
# The public door


@overload
def op(fn: Callable[..., float], *, derivative: Rule, name: str | None = None,
       formula: str | Sequence[str | None] | None = None,
       domain: Callable[..., str | None] | None = None,
       smooth: Callable[..., bool] | None = None,
       torch: str | Callable[..., Any] | None = None) -> Op: ...


@overload
def op(fn: None = None, *, derivative: Rule, name: str | None = None,
       formula: str | Sequence[str | None] | None = None,
       domain: Callable[..., str | None] | None = None,
       smooth: Callable[..., bool] | None = None,
       torch: str | Callable[..., Any] | None = None) -> Callable[[Callable[..., float]], Op]: ...


def op(
    fn: Callable[..., float] | None = None,
    *,
    derivative: Rule,
    name: str | None = None,
    formula: str | Sequence[str | None] | None = None,
    domain: Callable[..., str | None] | None = None,
    smooth: Callable[..., bool] | None = None,
    torch: str | Callable[..., Any] | None = None,
) -> Op | Callable[[Callable[..., float]], Op]:
    """Define an op by its value on floats and its derivative; use it on Values and numbers.

    ::

        import math, autograd, autograd.math as amath

        @autograd.op(derivative=lambda x, out: 1 - amath.exp(-out), formula="1 − e^(−out)")
        def softplus(x):
            return math.log1p(math.exp(x))

    - ``derivative(*inputs, out)`` returns ∂out/∂input: a number for one input, a tuple for
      several. Write it with operators and `autograd.math`, so that it also works on Values:
      then ``grad(create_graph=True)`` and `hessian` differentiate it again. `backward()` and
      forward mode (`autograd.jvp`) evaluate it on floats.
    - ``name``: the op's name in every view (default: the function's name).
    - ``formula``: the derivative as text, in the function's input names and ``out``
      (one text per input), shown by `explain` and `backward_steps`.
    - ``domain(*inputs)``: a reason why inputs are refused (``"needs x > 0"``) or None; asked
      only when the value is not finite.
    - ``smooth(*inputs)``: True where the op is smooth with a margin (opt-in for the
      hypothesis strategies of `autograd.testing`, which then also draw this op).
    - ``torch``: PyTorch's counterpart, for cross-checks: the name of a function of the
      ``torch`` module (``"nn.functional.softplus"``), or ``lambda torch, *inputs: ...``.
      `autograd.testing`'s programs then run this op on tensors too.

    The result is called like the function: plain numbers give a float, a Value among the
    arguments gives a Value, a Dual (forward mode) a Dual. Running the definition again (a
    notebook cell) replaces the op; the names of built-in ops are refused.
    """

    def wrap(f: Callable[..., float]) -> Op:
        made = Op(f, derivative, name=name, formula=formula, domain=domain, smooth=smooth,
                  torch=torch)
        return register(made, replace=True)

    return wrap if fn is None else wrap(fn)


def define(derivative: Rule | None = None, **fields: Any) -> Callable[[Callable[..., float]], Op]:
    """The decorator the package's own ops are declared with (here and in `autograd.math`):
    `Op`'s every field, and the op marked built-in (its name then cannot be taken)."""

    def wrap(f: Callable[..., float]) -> Op:
        return register(Op(f, derivative, builtin=True, **fields))

    return wrap


# ---------------------------------------------------------------------------------------------
# The operators and activations. Values follow IEEE 754 (never raise); `domain` says what is
# refused. The functions of `math` are declared the same way in `autograd.math`.


@define(lambda x, y, out: (1.0, 1.0), name="+", symbol="+", word="add", commutative=True,
          formula=("1", "1"), torch="add")
def add(x: float, y: float) -> float:
    """x + y."""
    return x + y


@define(lambda x, y, out: (1.0, -1.0), name="-", symbol="-", word="sub",
          formula=("1", "−1"), torch="sub")
def sub(x: float, y: float) -> float:
    """x - y."""
    return x - y


@define(lambda x, y, out: (y, x), name="*", symbol="*", word="mul", commutative=True,
          formula=("y", "x"), torch="mul")
def mul(x: float, y: float) -> float:
    """x * y."""
    return x * y


def ieee_divide(x: float, y: float) -> float:
    """x / y as IEEE 754 divides: ±inf or NaN where Python's ``/`` raises."""
    if y != 0.0:
        return x / y
    if x != x or x == 0.0:
        return nan
    return math.copysign(inf, x) * math.copysign(1.0, y)


@define(lambda x, y, out: (1 / y, -out / y), name="/", symbol="/", word="div",
          formula=("1/y", "−x/y²"), torch="div",
          domain=lambda x, y: pole("division by zero") if y == 0.0 else None,
          smooth=lambda x, y: abs(y) >= DOMAIN_MARGIN, edges=[(1.0, 0.0), (0.0, 0.0)])
def div(x: float, y: float) -> float:
    """x / y."""
    return ieee_divide(x, y)


@define(lambda x, out: -1.0, symbol="-", formula="−1", torch="neg")
def neg(x: float) -> float:
    """-x."""
    return -x


@define(lambda x, out: 1.0 if x > 0 else 0.0, formula="1 if x > 0 else 0", torch="relu",
          smooth=lambda x: abs(x) >= KINK_MARGIN, edges=[(0.0,)])
def relu(x: float) -> float:
    """max(0, x), NaN for NaN; its derivative at 0 is 0, as in PyTorch."""
    return 0.0 if x <= 0.0 else x


@define(lambda x, slope, out: (1.0 if x > 0 else slope, 0.0 if x > 0 else x),
          formula=("1 if x > 0 else slope", "0 if x > 0 else x"), numbers_only=[1],
          torch="nn.functional.leaky_relu", smooth=lambda x, slope: abs(x) >= KINK_MARGIN,
          edges=[(0.0, 0.01)])
def leaky_relu(x: float, slope: float = 0.01) -> float:
    """x for x > 0, else slope * x; its derivative at 0 is the slope."""
    return x if x > 0.0 else slope * x


def _sigmoid(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # x < 0 (or NaN): exp cannot overflow
    return e / (1.0 + e)


@define(lambda x, out: out * (1 - out), formula="σ(x)·(1 − σ(x))", torch="sigmoid")
def sigmoid(x: float) -> float:
    """1 / (1 + e ** -x), computed without overflow for any x."""
    return _sigmoid(x)
