"""The differentiable side of Python's `math`: ``import autograd.math as math`` makes existing
formulas differentiable, as ``import autograd.numpy as np`` does in HIPS autograd.

Every function gives exactly `math`'s float for float inputs (and, where `math` raises, an
error that names the function and the operand) and a `Value` that records the op for Values.
Each one is an op of the registry (`autograd.ops`), with its derivative rule next to its value.

Domain edges follow PyTorch: ``sqrt'(0)`` and ``asin'(±1)`` are infinite, ``log(0)``, ``sqrt(-1)``
or ``asin(2)`` raise `DomainError` naming the op and the operand (PyTorch gives -inf or NaN),
``hypot`` and ``atan2`` have no derivative at the origin (a `DomainError` while recording a
graph, NaN in PyTorch). On Values an overflow gives ``inf``, as IEEE and PyTorch do
(`detect_anomaly` catches it); on floats it raises `OverflowError`, as `math` does.
"""

from __future__ import annotations

import math as _math
from typing import Any

from .ops import (
    absolute as fabs,
)
from .ops import (
    acos,
    asin,
    atan,
    atan2,
    cos,
    cosh,
    erf,
    exp,
    expm1,
    hypot,
    log1p,
    log2,
    log10,
    log_base,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
)
from .ops import (
    log as _log,
)
from .ops import (
    power as pow,  # noqa: A001 - math's name
)

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


def log(x: Any, base: Any = None) -> Any:
    """The natural logarithm of x, or with a base the logarithm to that base (`math.log`'s
    two forms): the registry ops ``log`` and ``log_base``."""
    return _log(x) if base is None else log_base(x, base)
