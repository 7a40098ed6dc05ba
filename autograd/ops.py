"""The op registry: every op declared once, as data; everything else reads it.

An op is a function of plain numbers and its local partial derivatives, as a calculus table
writes them (`autograd.math` declares the built-in ones): ``value`` on floats (IEEE 754, never
raising for built-ins); ``derivative(*inputs, out)``, ∂out/∂input, written with operators and
`autograd.math` so that the *same* rule reads four ways: on floats (what `Value.backward`
multiplies), on Values (``grad(create_graph=True)``), on dual numbers (`autograd.jvp`) and on
symbols (`autograd.symbolic`: the formula the views print, the code `autograd.compile` writes);
``domain``, why inputs are refused; ``symbol``/``word`` for display; ``smooth``, ``edges``,
``torch`` for the tests.

An `Op` is a `str`, its name (``v.op == "*"`` as micrograd's ``_op``), and a node holds the op
object it was made with. The registry knows nothing of Values: calling an op with an argument
that is not a number asks that argument's type to apply it (``__autograd_op__(op, args)``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from inspect import Parameter, signature
from typing import Any, overload

from .ieee import IEEE

__all__ = ["DOMAIN_MARGIN", "KINK_MARGIN", "DomainError", "Op", "PoleError", "complete", "define",
           "evaluate", "get", "lookup", "number", "op", "partials_at", "pole", "registered",
           "unregister"]

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
    """Inputs at a pole, where the value is infinite: ``1 / 0``, ``0 ** -1``, ``log(0)`` (a
    `ZeroDivisionError` too, as Python's own ``1 / 0`` is)."""

    __module__ = "autograd"


class pole(str):  # noqa: N801 - used like a function: pole("division by zero")
    """A `Op.domain` reason for inputs at a pole even where IEEE's value is NaN (``0 / 0``):
    the error is then a `PoleError`. Infinite values are poles without it."""


Rule = Callable[..., Any]
VARIADIC = -1
"""The arity of an op of any number of inputs (`sum`, `dot`, `logsumexp`)."""


class Op(str):
    """One op, the string of its name with its rule attached (read-only data; build one with
    `op`). Called on plain numbers it gives a float (where `math` would raise, a clear error);
    with a Value among the arguments, a Value that records the op."""

    value: Callable[..., float]
    derivative: Rule
    arity: int
    params: tuple[str, ...]
    defaults: tuple[float, ...]
    formula: tuple[str | None, ...]
    domain: Callable[..., str | None] | None
    symbol: str | None
    word: str
    numbers_only: frozenset[int]
    smooth: Callable[..., bool] | None
    edges: tuple[tuple[float, ...], ...]
    torch: str | Callable[..., Any] | None
    overflow_error: bool
    builtin: bool

    def __new__(
        cls,
        value: Callable[..., float] | None,
        derivative: Rule | None,
        *,
        name: str | None = None,
        formula: str | Sequence[str | None] | None = None,
        domain: Callable[..., str | None] | None = None,
        symbol: str | None = None,
        word: str | None = None,
        numbers_only: Sequence[int] = (),
        smooth: Callable[..., bool] | None = None,
        edges: Sequence[Sequence[float]] = (),
        torch: str | Callable[..., Any] | None = None,
        overflow_error: bool = True,
        builtin: bool = False,
        doc: str | None = None,
    ) -> Op:
        name = _checked_name(name, value, derivative)
        self = super().__new__(cls, name)
        self.value, self.derivative = value, derivative  # type: ignore[assignment]
        self.params, self.defaults, self.arity = _signature(self.value, name)
        self.formula = _formulas(formula, self.arity, name)
        self.domain = domain
        self.symbol = symbol
        self.word = word or name
        self.numbers_only = frozenset(numbers_only)
        self.smooth = smooth
        self.edges = tuple(tuple(float(x) for x in point) for point in edges)
        self.torch = torch
        self.overflow_error = overflow_error
        self.builtin = builtin
        self.__doc__ = doc if doc is not None else getattr(value, "__doc__", None)
        return self

    @property
    def name(self) -> str:
        """The op's name, as a plain string."""
        return str.__str__(self)

    # -- calling -------------------------------------------------------------------------------

    def __call__(self, *args: Any) -> Any:
        args = complete(self, args)
        for a in args:
            kind = type(a)
            if kind is not float and kind is not int:
                apply = getattr(kind, "__autograd_op__", None)
                if apply is not None:
                    return apply(self, args)
        xs = [number(a, self.name) for a in args]
        out = evaluate(self, xs, args)
        if not _isfinite(out) and self.overflow_error and all(map(_isfinite, xs)):  # as math
            raise OverflowError(f"{self.name}: the result is too large for a float at "
                                f"{self.at(args)}")
        return out

    def at(self, args: Sequence[Any]) -> str:
        """The operands for messages: ``-8.0 ('b') ** 0.5`` for an operator, ``x=-1.0 ('x')``
        for a function (its input names, then the values and labels)."""
        shown = [_operand(a) for a in args]
        if self.symbol is not None:
            return self.show(shown)
        if self.arity == VARIADIC:
            return f"{self.name}({', '.join(shown[:6])}{', …' if len(shown) > 6 else ''})"
        return ", ".join(f"{p}={o}" for p, o in zip(self.params, shown, strict=False))

    def partials(self, args: Sequence[Any], out: Any) -> tuple[Any, ...]:
        """The derivative rule at `args` and `out`, as one partial per input (any kind of
        number: floats, Values, Duals, symbols)."""
        try:
            d = self.derivative(*args, out)
        except AttributeError as e:
            raise TypeError(f"{self.name}: its derivative rule failed: {e} (a rule is given "
                            "numbers, not Values: write it with operators and autograd.math)"
                            ) from None
        except TypeError as e:
            kinds = sorted({type(a).__name__ for a in (*args, out)
                            if not isinstance(a, (int, float))})
            if not kinds:  # on plain numbers: the rule's own error, naming the op
                raise TypeError(f"{self.name}: its derivative rule failed: {e}") from None
            raise TypeError(f"{self.name}: its derivative rule failed on {' and '.join(kinds)}s "
                            f"(as grad(create_graph=True) and hessian call it): a rule must "
                            f"work on numbers and on Values, so write it with operators and "
                            f"autograd.math, not math. {e}") from None
        n = len(args)
        if not isinstance(d, tuple):
            if n == 1:
                return (d,)
            raise TypeError(f"{self.name}: derivative must return a tuple of {n} partial "
                            f"derivatives, one per input; it returned {type(d).__name__}")
        if len(d) != n:
            raise TypeError(f"{self.name}: derivative returned {len(d)} partial derivatives "
                            f"for {n} input(s)")
        return d

    def param(self, i: int) -> str:
        """The name of input i (``x_3`` for the inputs of a variadic op)."""
        return self.params[i] if self.arity != VARIADIC else f"x_{i + 1}"

    # -- display -------------------------------------------------------------------------------

    def show(self, operands: Sequence[str]) -> str:
        """How a call reads, given its operands as text: ``a * b``, ``-x``, ``exp(x)``."""
        if self.symbol is not None:
            if len(operands) == 1:
                return f"{self.symbol}{operands[0]}"
            return f" {self.symbol} ".join(operands)
        return f"{self.name}({', '.join(operands)})"

    def __repr__(self) -> str:
        return f"<op {self.name!r}>"

    def __reduce__(self) -> tuple[Any, ...]:  # pickled by name, found again in the registry
        return (get, (self.name,))

    def __copy__(self) -> Op:  # one object per definition: a node keeps the op it was made with
        return self

    __deepcopy__ = lambda self, memo: self  # noqa: E731


def _checked_name(name: str | None, value: Any, derivative: Any) -> str:
    """The op's name (given, or its function's), once the value and rule are functions."""
    if name is None:
        name = getattr(value, "__name__", None)
    if not isinstance(name, str) or not name or name == "<lambda>":
        raise ValueError("op: give the op a name (name='...')")
    if value is None or not callable(value):
        raise TypeError(f"op {name!r}: the value must be a function of floats")
    if derivative is None or not callable(derivative):
        raise TypeError(f"op {name!r}: derivative must be a function "
                        "(inputs..., out) -> partial derivative(s)")
    return name


def _formulas(formula: str | Sequence[str | None] | None, arity: int,
              name: str) -> tuple[str | None, ...]:
    """The ``formula=`` texts, one per input (None where none is given)."""
    if formula is None:
        return (None,) * max(arity, 1)
    texts = (formula,) if isinstance(formula, str) else tuple(formula)
    if arity != VARIADIC and len(texts) != arity:
        raise ValueError(f"op {name!r}: {arity} input(s) but {len(texts)} formula(s)")
    return texts


def complete(op: Op, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """The arguments with trailing defaults filled in, or a TypeError naming the op."""
    if op.arity == VARIADIC:
        if not args:
            raise TypeError(f"{op.name}() takes at least one argument")
        return args
    missing = op.arity - len(args)
    if missing == 0:
        return args
    if 0 < missing <= len(op.defaults):
        return args + op.defaults[len(op.defaults) - missing:]
    least = op.arity - len(op.defaults)
    wanted = str(op.arity) if least == op.arity else f"{least} to {op.arity}"
    raise TypeError(f"{op.name}() takes {wanted} argument(s) "
                    f"({', '.join(op.params)}), not {len(args)}")


def evaluate(op: Op, xs: Sequence[float], args: Sequence[Any]) -> float:
    """The value at the floats `xs`, or the error that names the op and the operands
    (`args`, as given): an operand that must be a plain number and is not, inputs outside
    the domain (a `DomainError`), or a user's function that raised or returned no number.
    An overflow, and NaN or infinity among the inputs, give IEEE's value."""
    for i in op.numbers_only:
        if not isinstance(args[i], (int, float)):
            raise TypeError(f"{op.name}: {op.params[i]} must be a plain number, not a "
                            f"{type(args[i]).__name__}")
    try:
        out = op.value(*xs)
    except (ArithmeticError, ValueError) as e:
        raise type(e)(f"{op.name}: {e} for {op.at(args)}") from None
    except TypeError as e:
        raise TypeError(f"{op.name}: its function failed for {op.at(args)}: "
                        f"{e}") from None
    if type(out) is not float:
        out = _real(out, f"{op.name}: the function returned", op.at(args))
    if not _isfinite(out):
        error = domain_error(op, xs, out, args)
        if error is None and out != out and not op.builtin and all(map(_isfinite, xs)):
            error = DomainError(f"{op.name}: its function gave nan for {op.at(args)}; give the "
                                "op a domain= that says which inputs it refuses and why")
        if error is not None:
            raise error
    return out


def domain_error(op: Op, xs: Sequence[float], out: float,
                 args: Sequence[Any]) -> DomainError | None:
    """The error for inputs outside the domain (the value `out` is not finite), or None
    when they are inside it (an overflow, or a NaN or infinity among the inputs)."""
    reason = op.domain(*xs) if op.domain is not None else None
    if reason is None:
        return None
    kind = PoleError if out in (inf, -inf) or isinstance(reason, pole) else DomainError
    return kind(f"{op.name}: undefined for {op.at(args)}; {reason}")


def partials_at(op: Op, xs: Sequence[float], out: float,
                operands: Sequence[Any] | None = None) -> tuple[float, ...]:
    """The op's rule read on floats: one float per input. Where Python's float arithmetic
    raises at a domain edge (``0.5 / 0.0`` for sqrt at 0), the rule is read on `IEEE` floats
    instead (``inf``, as PyTorch gives). A NaN derivative at finite inputs, with respect to an
    operand that is not a plain number (a Value, a Dual), is an undefined derivative: a
    `DomainError` naming the op and the point."""
    try:
        local = op.partials(xs, out)
    except (ArithmeticError, ValueError):
        local = op.partials([IEEE(x) for x in xs], IEEE(out))
    if set(map(type, local)) != {float}:
        local = tuple([float(d) if isinstance(d, IEEE) else
                       _real(d, f"{op.name}: the derivative rule gave", op.at(xs))
                       for d in local])
    if sum(local) != sum(local):  # a NaN among them (or infinities of both signs): look closer
        for i, d in enumerate(local):
            number_given = operands is not None and isinstance(operands[i], (int, float))
            if d != d and not number_given and all(map(_isfinite, xs)):
                raise DomainError(f"{op.name}: the derivative with respect to {op.param(i)} is "
                                  f"undefined at {op.at(xs if operands is None else operands)}")
    return local


def _real(x: Any, what: str, where: str) -> float:
    """x as a float, or a clear error: ``what`` (``sigmoid: the function returned``) a thing
    that is not a real number, or one too large for a float, at ``where``."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"{what} {type(x).__name__} {x!r:.40} at {where}; it must give a "
                        "real number (a Value only when given Values)")
    try:
        return float(x)
    except OverflowError:
        raise OverflowError(f"{what} an int too large for a float at {where}") from None


def _signature(value: Callable[..., float], name: str) -> tuple[
        tuple[str, ...], tuple[float, ...], int]:
    """The input names of an op's function, the defaults of the trailing ones, and its arity
    (`VARIADIC` for a function of ``*xs``)."""
    try:
        params = list(signature(value).parameters.values())
    except (TypeError, ValueError):
        raise TypeError(f"op {name!r}: cannot read the inputs of {value!r}") from None
    if len(params) == 1 and params[0].kind is Parameter.VAR_POSITIONAL:
        return (params[0].name,), (), VARIADIC
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
    return tuple(names), tuple(defaults), len(names)


def number(x: object, op: str, what: str = "") -> float:
    """A plain-number operand as float, or a TypeError naming the op and the type (and `what`
    the number is, if not an operand: ``Value: data must be a number, not str``)."""
    if type(x) is float:
        return x
    if type(x) is int or isinstance(x, numbers.Real):  # the ABC check is slow: ints first
        try:
            return float(x)
        except OverflowError:
            raise OverflowError(f"{op}: the int {x} is too large for a float") from None
    if what:
        raise TypeError(f"{op}: {what} must be a number, not {type(x).__name__}")
    raise TypeError(f"{op}: unsupported operand of type {type(x).__name__!r}; "
                    "expected a Value or a real number (int, float)")


def _operand(a: Any) -> str:
    """An operand for messages: ``-2.0 ('x')`` for a labeled Value, ``0.5`` for a number."""
    if isinstance(a, (int, float)):
        try:
            return repr(float(a))
        except OverflowError:
            return f"{a:.3e}"
    label = getattr(a, "label", "")
    data = getattr(a, "data", getattr(a, "primal", a))
    return f"{data!r} ({label!r})" if label else repr(data)


# ---------------------------------------------------------------------------------------------
# The registry


_OPS: dict[str, Op] = {}


def register(new: Op, *, replace: bool = False) -> Op:
    """Add `new` to the registry. A user op may replace an earlier user op of the same name
    (running a notebook cell twice): nodes made before keep the op they were made with. A
    built-in op's name is refused."""
    old = _OPS.get(new.name)
    if old is not None and (old.builtin or not replace):
        raise ValueError(f"op: the name {new.name!r} is taken by the built-in op {old.name!r}; "
                         "pick another name")
    _OPS[new.name] = new
    return new


def unregister(name: str) -> None:
    """Remove a user's op (a notebook that defined one for a demo); built-in ops stay."""
    old = _OPS.get(name)
    if old is None:
        raise KeyError(f"no op named {name!r} is registered")
    if old.builtin:
        raise ValueError(f"{name!r} is a built-in op; it cannot be removed")
    del _OPS[name]


def lookup(name: str) -> Op | None:
    """The registered op of this name, or None (leaves have the op ``""``)."""
    return _OPS.get(name)


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
# The public door (the built-in ops are declared in `autograd.math`)


Formula = str | Sequence[str | None] | None
Domain = Callable[..., str | None] | None
Torch = str | Callable[..., Any] | None


@overload
def op(fn: Callable[..., float], *, derivative: Rule, name: str | None = None,
       formula: Formula = None, domain: Domain = None, smooth: Callable[..., bool] | None = None,
       torch: Torch = None) -> Op: ...


@overload
def op(fn: None = None, *, derivative: Rule, name: str | None = None, formula: Formula = None,
       domain: Domain = None, smooth: Callable[..., bool] | None = None,
       torch: Torch = None) -> Callable[[Callable[..., float]], Op]: ...


def op(fn: Callable[..., float] | None = None, *, derivative: Rule, name: str | None = None,
       formula: Formula = None, domain: Domain = None, smooth: Callable[..., bool] | None = None,
       torch: Torch = None) -> Op | Callable[[Callable[..., float]], Op]:
    """Define an op by its value on floats and its derivative; use it on Values and numbers.

    ::

        import math, autograd, autograd.math as amath

        @autograd.op(derivative=lambda x, out: 1 - amath.exp(-out))
        def softplus(x):
            return max(x, 0.0) + math.log1p(math.exp(-abs(x)))

    - ``derivative(*inputs, out)`` returns ∂out/∂input: a number for one input, a tuple for
      several. Write it with operators and `autograd.math`, so that it also works on Values:
      then ``grad(create_graph=True)`` and `hessian` differentiate it again, and the views print
      it as a formula (``1 − e^(−out)``). `backward()` and forward mode (`autograd.jvp`)
      evaluate it on floats.
    - ``name``: the op's name in every view (default: the function's name).
    - ``formula``: the derivative as text, in the function's input names and ``out`` (one text
      per input). Only needed when the rule cannot be read on symbols (it calls `math`, or
      branches on numbers in a way the views cannot follow); otherwise the rule itself is shown.
    - ``domain(*inputs)``: a reason why inputs are refused (``"needs x > 0"``) or None; asked
      only when the value is not finite.
    - ``smooth(*inputs)``: True where the op is smooth with a margin (opt-in for the
      hypothesis strategies of `autograd.testing`, which then also draw this op).
    - ``torch``: PyTorch's counterpart, for cross-checks: the name of a function of the
      ``torch`` module (``"nn.functional.softplus"``), or ``lambda torch, *inputs: ...``.

    The result is called like the function: plain numbers give a float, a Value among the
    arguments gives a Value, a Dual (forward mode) a Dual. Running the definition again (a
    notebook cell) replaces the op for new nodes; nodes made before keep the old one. The names
    of built-in ops are refused.
    """

    def wrap(f: Callable[..., float]) -> Op:
        made = Op(f, derivative, name=name, formula=formula, domain=domain, smooth=smooth,
                  torch=torch)
        if made.arity == VARIADIC:
            raise TypeError(f"op {made.name!r}: inputs must be plain positional parameters (a "
                            "fixed number of numbers), not *args")
        return register(made, replace=True)

    return wrap if fn is None else wrap(fn)


def define(derivative: Rule, **fields: Any) -> Callable[[Callable[..., float]], Op]:
    """The decorator the package's own ops are declared with (here and in `autograd.math`):
    `Op`'s every field, and the op marked built-in (its name then cannot be taken)."""

    def wrap(f: Callable[..., float]) -> Op:
        return register(Op(f, derivative, builtin=True, **fields))

    return wrap
