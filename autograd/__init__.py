"""autograd: a minimal scalar autograd engine that shows how backpropagation works.

``from autograd import Value``; build an expression, call ``backward()``, read ``.grad``.
"""

from . import math, ops
from .engine import (
    AnomalyError,
    DomainError,
    PoleError,
    Value,
    backprop,
    backward_order,
    detect_anomaly,
    dot,
    is_anomaly_enabled,
    is_grad_enabled,
    linear,
    logsumexp,
    no_grad,
    sum,
    topological,
    walk,
)
from .functional import derivative, grad, gradient, hessian
from .gradcheck import GradcheckError, gradcheck
from .inspect import Explanation, Step, backward_steps, explain, tree
from .nn import load, save
from .ops import op
from .viz import draw, save_svg

__version__ = "0.1.0"

__all__ = [
    "AnomalyError",
    "DomainError",
    "Explanation",
    "GradcheckError",
    "PoleError",
    "Step",
    "Value",
    "backprop",
    "backward_order",
    "backward_steps",
    "derivative",
    "detect_anomaly",
    "dot",
    "draw",
    "explain",
    "grad",
    "gradcheck",
    "gradient",
    "hessian",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "linear",
    "load",
    "logsumexp",
    "math",
    "no_grad",
    "op",
    "ops",
    "save",
    "save_svg",
    "sum",
    "topological",
    "tree",
    "walk",
]
