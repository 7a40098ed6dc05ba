"""The differentiable side of Python's `math`: ``import autograd.math as math`` makes existing
formulas differentiable, as ``import autograd.numpy as np`` does in HIPS autograd.

Every function gives exactly `math`'s float for float inputs (and, where `math` raises, an
error that names the function and the operand) and a `Value` that records the op for Values.
Each one is an op of the registry (`autograd.ops`), declared here once: its value on floats,
its derivative rule (valid on floats and on Values, so that it can be differentiated again),
its domain, and how it is shown. Adding a function is adding one such entry.

Domain edges follow PyTorch: ``sqrt'(0)`` and ``asin'(±1)`` are infinite, ``d/dy x**y`` at
``x = 0`` is 0. Outside the domain the op raises `DomainError` naming it and the operand:
``log(0)``, ``sqrt(-1)``, ``asin(2)`` (PyTorch gives -inf or NaN), and ``hypot`` and ``atan2``
have no derivative at the origin (a `DomainError` while recording a graph, NaN in PyTorch). On
Values an overflow gives ``inf``, as IEEE and PyTorch do (`detect_anomaly` catches it); on
floats it raises `OverflowError`, as `math` does.
"""

from __future__ import annotations

import math as _math
from collections.abc import Callable
from typing import Any

from .ops import DOMAIN_MARGIN, KINK_MARGIN, define, ieee_divide, pole

__all__ = [
    "acos", "asin", "atan", "atan2", "cos", "cosh", "e", "erf", "exp", "expm1", "fabs",
    "hypot", "inf", "log", "log1p", "log2", "log10", "nan", "pi", "pow", "sin", "sinh",
    "sqrt", "tan", "tanh", "tau",
]

pi = _math.pi
e = _math.e
tau = _math.tau
inf = _math.inf
nan = _math.nan

_NEEDS_POSITIVE = "needs x > 0"


def log(x: Any, base: Any = None) -> Any:
    """The natural logarithm of x, or with a base the logarithm to that base (`math.log`'s two
    forms: the registry ops ``log`` and ``log_base``)."""
    return _ln(x) if base is None else log_base(x, base)


@define(lambda x, out: 1.0 if x > 0 else -1.0 if x < 0 else 0.0, name="abs",
        formula="sign(x)", torch="abs", smooth=lambda x: abs(x) >= KINK_MARGIN,
        edges=[(0.0,)])
def fabs(x: float) -> float:
    """|x| (``abs(v)``, ``autograd.math.fabs``); its derivative at 0 is 0, as in PyTorch."""
    return _math.fabs(x)


def _zero(x: Any) -> bool:
    """Is x (a float or a Value) zero? Values compare by identity with ``==``."""
    return bool(getattr(x, "data", x) == 0.0)


def _odd(y: float) -> bool:
    return y.is_integer() and y % 2.0 == 1.0


def _exp(x: float) -> float:
    try:
        return _math.exp(x)
    except OverflowError:
        return inf


@define(lambda x, out: out, formula="e^x", torch="exp")
def exp(x: float) -> float:
    """e ** x."""
    return _exp(x)


@define(lambda x, out: out + 1, formula="e^x", torch="expm1")
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


@define(lambda x, out: 1 / x, formula="1/x", name="log", torch="log", domain=_log_domain,
        smooth=_LOG_SMOOTH, edges=[(0.0,)])
def _ln(x: float) -> float:
    """The natural logarithm."""
    return _logarithm(_math.log, x)


@define(lambda x, out: 1 / (x * _LN2), formula="1/(x·ln 2)", torch="log2",
        domain=_log_domain, smooth=_LOG_SMOOTH, edges=[(0.0,)])
def log2(x: float) -> float:
    """The base-2 logarithm."""
    return _logarithm(_math.log2, x)


@define(lambda x, out: 1 / (x * _LN10), formula="1/(x·ln 10)", torch="log10",
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
    if y.is_integer():
        return y >= 0.0 or abs(x) >= DOMAIN_MARGIN
    return x >= DOMAIN_MARGIN


@define(lambda x, y, out: (0.0 if _zero(y) and _zero(x) else y * x ** (y - 1),
                             out * _ln(x) if x > 0 else 0.0 if _zero(x) else nan),
        name="**", symbol="**", word="pow", formula=("y·x^(y−1)", "x^y·ln x"), torch="pow",
        domain=_pow_domain, smooth=_pow_smooth,
        edges=[(0.0, 0.5), (0.0, 0.0), (0.0, 2.0), (0.0, -1.0), (-8.0, 0.5), (-2.0, 2.0)])
def pow(x: float, y: float) -> float:  # noqa: A001 - math's name
    """x ** y (``autograd.math.pow``). ∂/∂y at x = 0 is 0, at x < 0 it is undefined."""
    try:
        out = x**y
    except ZeroDivisionError:  # 0 ** negative: a pole
        return -inf if _math.copysign(1.0, x) < 0.0 and _odd(y) else inf
    except OverflowError:
        return -inf if x < 0.0 and _odd(y) else inf
    return out if type(out) is float else nan  # a complex result: negative base, fraction


@define(lambda x, out: 1 / (1 + x), formula="1/(1 + x)", torch="log1p",
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
        formula=("1/(x·ln base)", "−out/(base·ln base)"), domain=_log_base_domain,
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


@define(lambda x, out: 0.5 / out, formula="1/(2√x)", torch="sqrt",
        domain=lambda x: "needs x >= 0" if x < 0.0 else None,
        smooth=_LOG_SMOOTH, edges=[(0.0,)])
def sqrt(x: float) -> float:
    """The square root."""
    return _math.sqrt(x) if x >= 0.0 else nan


@define(lambda x, out: 1 - out * out, formula="1 − tanh²(x)", torch="tanh")
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
@define(lambda x, out: -sin(x), formula="−sin(x)", torch="cos",  # type: ignore[has-type]
        domain=_finite_domain)
def cos(x: float) -> float:
    """The cosine (radians)."""
    return _periodic(_math.cos, x)


@define(lambda x, out: cos(x), formula="cos(x)", torch="sin", domain=_finite_domain)
def sin(x: float) -> float:
    """The sine (radians)."""
    return _periodic(_math.sin, x)


@define(lambda x, out: 1 + out * out, formula="1 + tan²(x)", torch="tan",
        domain=_finite_domain, smooth=lambda x: abs(_math.cos(x)) >= DOMAIN_MARGIN)
def tan(x: float) -> float:
    """The tangent (radians)."""
    return _periodic(_math.tan, x)


def _unit_domain(x: float) -> str | None:
    return "needs −1 <= x <= 1" if abs(x) > 1.0 else None


@define(lambda x, out: 1 / sqrt(1 - x * x), formula="1/√(1 − x²)", torch="asin",
        domain=_unit_domain, smooth=lambda x: abs(x) <= 1.0 - DOMAIN_MARGIN,
        edges=[(1.0,), (-1.0,)])
def asin(x: float) -> float:
    """The arc sine, in [−π/2, π/2]."""
    return _math.asin(x) if abs(x) <= 1.0 else nan


@define(lambda x, out: -1 / sqrt(1 - x * x), formula="−1/√(1 − x²)", torch="acos",
        domain=_unit_domain, smooth=lambda x: abs(x) <= 1.0 - DOMAIN_MARGIN,
        edges=[(1.0,), (-1.0,)])
def acos(x: float) -> float:
    """The arc cosine, in [0, π]."""
    return _math.acos(x) if abs(x) <= 1.0 else nan


@define(lambda x, out: 1 / (1 + x * x), formula="1/(1 + x²)", torch="atan")
def atan(x: float) -> float:
    """The arc tangent, in (−π/2, π/2)."""
    return _math.atan(x)


@define(lambda y, x, out: (x / (x * x + y * y), -y / (x * x + y * y)),
        formula=("x/(x² + y²)", "−y/(x² + y²)"), torch="atan2",
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


@define(lambda x, out: sinh(x), formula="sinh(x)", torch="cosh")  # type: ignore[has-type]
def cosh(x: float) -> float:
    """The hyperbolic cosine."""
    return _overflowing(_math.cosh, x, 1.0)


@define(lambda x, out: cosh(x), formula="cosh(x)", torch="sinh")
def sinh(x: float) -> float:
    """The hyperbolic sine."""
    return _overflowing(_math.sinh, x, x)


_TWO_OVER_SQRT_PI = 2.0 / _math.sqrt(_math.pi)


@define(lambda x, out: _TWO_OVER_SQRT_PI * exp(-x * x), formula="(2/√π)·e^(−x²)", torch="erf")
def erf(x: float) -> float:
    """The error function."""
    return _math.erf(x)


@define(lambda x, y, out: (x / out, y / out), formula=("x/hypot(x, y)", "y/hypot(x, y)"),
        torch="hypot", smooth=lambda x, y: _math.hypot(x, y) >= DOMAIN_MARGIN,
        edges=[(0.0, 0.0)], overflow_error=False)
def hypot(x: float, y: float) -> float:
    """√(x² + y²), without overflow in between (inf when the result itself overflows, as
    `math.hypot` gives)."""
    return _math.hypot(x, y)
