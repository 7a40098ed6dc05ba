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
from .forward import Dual
from .functional import derivative, grad, gradient, hessian, jacobian, jvp, vjp
from .gradcheck import GradcheckError, gradcheck
from .inspect import Explanation, Step, backward_steps, explain, tree
from .nn import load, save
from .ops import op
from .page import save_html, show
from .text import get_printoptions, set_printoptions
from .viz import GraphTooLargeError, GraphvizNotFoundError, RenderTimeoutError, draw, save_svg

__version__ = "0.2.0.dev0"
"""The version of autograd-scalar; pyproject.toml reads it from here."""

__all__ = [
    "AnomalyError",
    "DomainError",
    "Dual",
    "Explanation",
    "GradcheckError",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "PoleError",
    "RenderTimeoutError",
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
    "get_printoptions",
    "gradient",
    "hessian",
    "jacobian",
    "jvp",
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
    "save_html",
    "save_svg",
    "set_printoptions",
    "show",
    "sum",
    "topological",
    "tree",
    "vjp",
    "walk",
]
