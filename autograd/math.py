"""The built-in ops, each declared once: Python's operators, the activations, the ops of many
inputs, and the differentiable side of Python's `math`.

``import autograd.math as math`` makes existing formulas differentiable, as ``import
autograd.numpy as np`` does in HIPS autograd: every function gives exactly `math`'s float for
float inputs (and, where `math` raises, an error that names the function and the operand), and
a `Value` that records the op for Values.

Each op is an entry of the registry (`autograd.ops`): its value on floats, its derivative rule
(valid on floats, Values, dual numbers and symbols, so that it can be differentiated again and
printed as a formula), its domain, and how it is shown. Adding a function is adding one entry.
This file is the formula sheet of the engine: no derivative is written anywhere else.

Domain edges follow PyTorch: ``sqrt'(0)`` and ``asin'(±1)`` are infinite, ``d/dy x**y`` at
``x = 0`` is 0, ``relu'(0)`` is 0. Outside the domain the op raises `DomainError` naming it and
the operand: ``log(0)``, ``sqrt(-1)``, ``asin(2)`` (PyTorch gives -inf or NaN), and ``hypot``
and ``atan2`` have no derivative at the origin. On Values an overflow gives ``inf``, as IEEE and
PyTorch do (`detect_anomaly` catches it); on floats it raises `OverflowError`, as `math` does.
"""

from __future__ import annotations

import functools
import math as _math
import operator
from collections.abc import Callable, Sequence
from typing import Any

from .ieee import ieee_divide, ieee_power
from .ops import DOMAIN_MARGIN, KINK_MARGIN, define, pole

__all__ = [
    "acos", "asin", "atan", "atan2", "cos", "cosh", "e", "erf", "exp", "expm1", "fabs",
    "hypot", "inf", "log", "log1p", "log2", "log10", "nan", "pi", "pow", "sin", "sinh", "sqrt",
    "tan", "tanh", "tau",
]

pi = _math.pi
e = _math.e
tau = _math.tau
inf = _math.inf
nan = _math.nan

# ---------------------------------------------------------------------------------------------
# Python's operators and the activations. Values follow IEEE 754 (never raise); `domain` says
# what is refused.


@define(lambda x, y, out: (1.0, 1.0), name="+", symbol="+", word="add", torch="add")
def add(x: float, y: float) -> float:
    """x + y."""
    return x + y


@define(lambda x, y, out: (1.0, -1.0), name="-", symbol="-", word="sub", torch="sub")
def sub(x: float, y: float) -> float:
    """x - y."""
    return x - y


@define(lambda x, y, out: (y, x), name="*", symbol="*", word="mul", torch="mul")
def mul(x: float, y: float) -> float:
    """x * y."""
    return x * y


@define(lambda x, y, out: (1 / y, -out / y), name="/", symbol="/", word="div", torch="div",
        domain=lambda x, y: pole("division by zero") if y == 0.0 else None,
        smooth=lambda x, y: abs(y) >= DOMAIN_MARGIN, edges=[(1.0, 0.0), (0.0, 0.0)])
def div(x: float, y: float) -> float:
    """x / y."""
    return ieee_divide(x, y)


@define(lambda x, out: -1.0, symbol="-", torch="neg")
def neg(x: float) -> float:
    """-x."""
    return -x


@define(lambda x, out: 0.0 if x <= 0 else 1.0, torch="relu",
        smooth=lambda x: abs(x) >= KINK_MARGIN, edges=[(0.0,)])
def relu(x: float) -> float:
    """max(0, x), NaN for NaN. Its derivative is 0 for x <= 0 (at 0 too) and 1 otherwise (at
    NaN too), as in PyTorch."""
    return 0.0 if x <= 0.0 else x


@define(lambda x, slope, out: (1.0 if x > 0 else slope, 0.0 if x > 0 else x),
        numbers_only=[1], torch="nn.functional.leaky_relu",
        smooth=lambda x, slope: abs(x) >= KINK_MARGIN, edges=[(0.0, 0.01)])
def leaky_relu(x: float, slope: float = 0.01) -> float:
    """x for x > 0, else slope * x; its derivative at 0 is the slope."""
    return x if x > 0.0 else slope * x


@define(lambda x, out: out * (1 - out), torch="sigmoid")
def sigmoid(x: float) -> float:
    """1 / (1 + e ** -x), computed without overflow for any x."""
    if x >= 0.0:
        return 1.0 / (1.0 + _math.exp(-x))
    e = _math.exp(x)  # x < 0 (or NaN): exp cannot overflow
    return e / (1.0 + e)


# ---------------------------------------------------------------------------------------------
# Ops of many inputs: one node for a whole sum or dot product (`autograd.sum`, `autograd.dot`),
# so that a neuron is one node, not 2n. `autograd.math` declares `logsumexp`.


@define(lambda *xs_out: (1.0,) * (len(xs_out) - 1), name="sum",
        torch=lambda torch, *xs: functools.reduce(operator.add, xs))  # left to right, as here
def _sum(*xs: float) -> float:
    """x_1 + x_2 + ... + x_n, as Python's sum adds them (left to right before Python 3.12)."""
    return sum(xs, 0.0)


def _dot_rule(*args: Any) -> tuple[Any, ...]:
    """(w_1..w_n, x_1..x_n, [b], out) -> (x_1..x_n, w_1..w_n, [1.0]): each weight's partner."""
    n = (len(args) - 1) // 2
    ws, xs = args[:n], args[n:2 * n]
    return xs + ws + (1.0,) if len(args) % 2 == 0 else xs + ws


def _dot_split(args: Sequence[Any]) -> tuple[Sequence[Any], Sequence[Any], Any]:
    n = len(args) // 2
    return args[:n], args[n:2 * n], (args[-1] if len(args) % 2 else None)


def _torch_dot(torch: Any, *args: Any) -> Any:  # left to right, as `_dot` adds
    ws, xs, bias = _dot_split(args)
    out = functools.reduce(operator.add, map(operator.mul, ws, xs))
    return out if bias is None else out + bias


@define(_dot_rule, name="dot", torch=_torch_dot)
def _dot(*wxb: float) -> float:
    """w_1·x_1 + ... + w_n·x_n (+ b): the inputs are the n weights, the n inputs, and an
    optional bias (an odd count)."""
    n = len(wxb) // 2
    total = sum(map(operator.mul, wxb[:n], wxb[n:2 * n]), 0.0)  # as Python's sum adds them
    return total + wxb[-1] if len(wxb) % 2 else total


# ---------------------------------------------------------------------------------------------
# Python's math.

_NEEDS_POSITIVE = "needs x > 0"


def log(x: Any, base: Any = None) -> Any:
    """The natural logarithm of x, or with a base the logarithm to that base (`math.log`'s two
    forms: the registry ops ``log`` and ``log_base``)."""
    return _ln(x) if base is None else log_base(x, base)


@define(lambda x, out: 1.0 if x > 0 else -1.0 if x < 0 else 0.0, name="abs",
        torch="abs", smooth=lambda x: abs(x) >= KINK_MARGIN,
        edges=[(0.0,)])
def fabs(x: float) -> float:
    """|x| (``abs(v)``, ``autograd.math.fabs``); its derivative at 0 is 0, as in PyTorch."""
    return _math.fabs(x)


def _zero(x: Any) -> bool:
    """Is x (a float or a Value) zero? Values compare by identity with ``==``."""
    return bool(getattr(x, "data", x) == 0.0)


def _exp(x: float) -> float:
    try:
        return _math.exp(x)
    except OverflowError:
        return inf


@define(lambda x, out: out, torch="exp")
def exp(x: float) -> float:
    """e ** x."""
    return _exp(x)


@define(lambda x, out: out + 1, torch="expm1")
def expm1(x: float) -> float:
    """e ** x - 1, accurate for small x."""
    try:
        return _math.expm1(x)
    except OverflowError:
        return inf


def _logarithm(f: Callable[[float], float], x: float, edge: float = 0.0) -> float:
    if x > edge:
        return f(x)
    return -inf if x == edge else nan


def _log_domain(x: float) -> str | None:
    return _NEEDS_POSITIVE if x <= 0.0 else None


_LOG_SMOOTH: Callable[[float], bool] = lambda x: x >= DOMAIN_MARGIN  # noqa: E731
_LN2, _LN10 = _math.log(2.0), _math.log(10.0)


@define(lambda x, out: 1 / x, name="log", torch="log", domain=_log_domain,
        smooth=_LOG_SMOOTH, edges=[(0.0,)])
def _ln(x: float) -> float:
    """The natural logarithm."""
    return _logarithm(_math.log, x)


@define(lambda x, out: 1 / (x * _LN2), torch="log2",
        domain=_log_domain, smooth=_LOG_SMOOTH, edges=[(0.0,)])
def log2(x: float) -> float:
    """The base-2 logarithm."""
    return _logarithm(_math.log2, x)


@define(lambda x, out: 1 / (x * _LN10), torch="log10",
        domain=_log_domain, smooth=_LOG_SMOOTH, edges=[(0.0,)])
def log10(x: float) -> float:
    """The base-10 logarithm."""
    return _logarithm(_math.log10, x)


def _pow_domain(x: float, y: float) -> str | None:
    if x < 0.0 and not y.is_integer() and _math.isfinite(x) and _math.isfinite(y):
        return "a negative base to a fractional power is not a real number"
    if x == 0.0 and y < 0.0 and y != -inf:  # 0 ** -inf is inf, as in math.pow
        return "zero to a negative power"
    return None


def _pow_smooth(x: float, y: float) -> bool:
    """Away from the edges, and where the second derivative y·(y−1)·x^(y−2) cannot overflow
    (x near 0 with y < 2: x ** -2 is inf for |x| < 1e-154, and 0 × inf is NaN)."""
    if y.is_integer() and y >= 2.0:
        return True
    return (abs(x) if y.is_integer() else x) >= DOMAIN_MARGIN


@define(lambda x, y, out: (0.0 if _zero(y) and _zero(x) else y * x ** (y - 1),
                             out * _ln(x) if x > 0 else 0.0 if _zero(x) else nan),
        name="**", symbol="**", word="pow", torch="pow",
        domain=_pow_domain, smooth=_pow_smooth,
        edges=[(0.0, 0.5), (0.0, 0.0), (0.0, 2.0), (0.0, -1.0), (-8.0, 0.5), (-2.0, 2.0)])
def pow(x: float, y: float) -> float:  # noqa: A001 - math's name
    """x ** y (``autograd.math.pow``). ∂/∂y at x = 0 is 0, at x < 0 it is undefined."""
    return ieee_power(x, y)


@define(lambda x, out: 1 / (1 + x), torch="log1p",
        domain=lambda x: "needs x > −1" if x <= -1.0 else None,
        smooth=lambda x: x >= -1.0 + DOMAIN_MARGIN, edges=[(-1.0,)])
def log1p(x: float) -> float:
    """log(1 + x), accurate for small x."""
    return _logarithm(_math.log1p, x, -1.0)


def _log_base_domain(x: float, base: float) -> str | None:
    if x <= 0.0:
        return _NEEDS_POSITIVE
    if base == 1.0:
        return pole("needs a base other than 1 (log 1 = 0 divides)")
    if base <= 0.0:
        return "needs a base > 0"
    return None


@define(lambda x, base, out: (1 / (x * _ln(base)), -out / (base * _ln(base))),
        domain=_log_base_domain,
        torch=lambda torch, x, base: torch.log(x) / torch.log(base),
        smooth=lambda x, base: x >= DOMAIN_MARGIN and base >= DOMAIN_MARGIN
        and abs(base - 1.0) >= DOMAIN_MARGIN)
def log_base(x: float, base: float) -> float:
    """The logarithm of x to the given base (``autograd.math.log(x, base)``)."""
    if x > 0.0 and base > 0.0 and base != 1.0:
        return _math.log(x, base)
    if base <= 0.0:  # no real logarithm to a base <= 0, whatever x is
        return nan
    return ieee_divide(_logarithm(_math.log, x), _logarithm(_math.log, base))


@define(lambda x, out: 0.5 / out, torch="sqrt",
        domain=lambda x: "needs x >= 0" if x < 0.0 else None,
        smooth=_LOG_SMOOTH, edges=[(0.0,)])
def sqrt(x: float) -> float:
    """The square root."""
    return _math.sqrt(x) if x >= 0.0 else nan


@define(lambda x, out: 1 - out * out, torch="tanh")
def tanh(x: float) -> float:
    """The hyperbolic tangent."""
    return _math.tanh(x)


def _finite_domain(x: float) -> str | None:
    return "needs a finite x" if _math.isinf(x) else None


def _periodic(f: Callable[[float], float], x: float) -> float:
    try:
        return f(x)
    except ValueError:  # an infinite x
        return nan


# mypy cannot type a name used before its decorated definition (sin ↔ cos, sinh ↔ cosh).
# mypy cannot type a name used before its decorated definition (sin ↔ cos, sinh ↔ cosh).
@define(lambda x, out: -sin(x), torch="cos",  # type: ignore[has-type]
        domain=_finite_domain)
def cos(x: float) -> float:
    """The cosine (radians)."""
    return _periodic(_math.cos, x)


@define(lambda x, out: cos(x), torch="sin", domain=_finite_domain)
def sin(x: float) -> float:
    """The sine (radians)."""
    return _periodic(_math.sin, x)


@define(lambda x, out: 1 + out * out, torch="tan",
        domain=_finite_domain, smooth=lambda x: abs(_math.cos(x)) >= DOMAIN_MARGIN)
def tan(x: float) -> float:
    """The tangent (radians)."""
    return _periodic(_math.tan, x)


def _unit_domain(x: float) -> str | None:
    return "needs −1 <= x <= 1" if abs(x) > 1.0 else None


@define(lambda x, out: 1 / sqrt(1 - x * x), torch="asin",
        domain=_unit_domain, smooth=lambda x: abs(x) <= 1.0 - DOMAIN_MARGIN,
        edges=[(1.0,), (-1.0,)])
def asin(x: float) -> float:
    """The arc sine, in [−π/2, π/2]."""
    return _math.asin(x) if abs(x) <= 1.0 else nan


@define(lambda x, out: -1 / sqrt(1 - x * x), torch="acos",
        domain=_unit_domain, smooth=lambda x: abs(x) <= 1.0 - DOMAIN_MARGIN,
        edges=[(1.0,), (-1.0,)])
def acos(x: float) -> float:
    """The arc cosine, in [0, π]."""
    return _math.acos(x) if abs(x) <= 1.0 else nan


@define(lambda x, out: 1 / (1 + x * x), torch="atan")
def atan(x: float) -> float:
    """The arc tangent, in (−π/2, π/2)."""
    return _math.atan(x)


@define(lambda y, x, out: (x / (x * x + y * y), -y / (x * x + y * y)),
        torch="atan2",
        smooth=lambda y, x: _math.hypot(x, y) >= DOMAIN_MARGIN
        and not (x < 0.0 and abs(y) < DOMAIN_MARGIN),
        edges=[(0.0, 0.0)])
def atan2(y: float, x: float) -> float:
    """The angle of the point (x, y), in (−π, π]; note y comes first, as in `math.atan2`."""
    return _math.atan2(y, x)


def _overflowing(f: Callable[[float], float], x: float, sign: float) -> float:
    try:
        return f(x)
    except OverflowError:
        return _math.copysign(inf, sign)


@define(lambda x, out: sinh(x), torch="cosh")  # type: ignore[has-type]
def cosh(x: float) -> float:
    """The hyperbolic cosine."""
    return _overflowing(_math.cosh, x, 1.0)


@define(lambda x, out: cosh(x), torch="sinh")
def sinh(x: float) -> float:
    """The hyperbolic sine."""
    return _overflowing(_math.sinh, x, x)


_TWO_OVER_SQRT_PI = 2.0 / _math.sqrt(_math.pi)


@define(lambda x, out: _TWO_OVER_SQRT_PI * exp(-(x * x)), torch="erf")
def erf(x: float) -> float:
    """The error function."""
    return _math.erf(x)


@define(lambda x, y, out: (x / out, y / out), torch="hypot",
        smooth=lambda x, y: _math.hypot(x, y) >= DOMAIN_MARGIN, edges=[(0.0, 0.0)],
        overflow_error=False)
def hypot(x: float, y: float) -> float:
    """√(x² + y²), without overflow in between (inf when the result itself overflows, as
    `math.hypot` gives)."""
    return _math.hypot(x, y)


def _logsumexp_rule(*args: Any) -> tuple[Any, ...]:
    out = args[-1]
    return tuple(exp(x - out) for x in args[:-1])


@define(_logsumexp_rule, torch=lambda torch, *xs: torch.logsumexp(torch.stack(xs), 0))
def logsumexp(*xs: float) -> float:
    """log(e^x_1 + ... + e^x_n), with the largest x taken out first so that no exp overflows;
    IEEE's result at infinities and NaN (`autograd.logsumexp` makes one node of it)."""
    m = max(xs)
    if not _math.isfinite(m) or m != m:  # max lets NaN through only when it comes first
        return nan if any(x != x for x in xs) else m
    total = 0.0
    for x in xs:
        total += _math.exp(x - m)
    return m + _math.log(total)
