"""autograd: a minimal scalar autograd engine that shows how backpropagation works.

``from autograd import Value``; build an expression, call ``backward()``, read ``.grad``.
The engine is one page, `autograd.core`; the op rules are `autograd.math`; see the docs' page
"Read the engine" for how the other modules sit around it.
"""

from . import copying, fast, hooks, math, ops  # noqa: F401,I001 - they attach to Value when imported
from .core import Value
from .forward import Dual
from .functional import derivative, grad, gradient, hessian, jacobian, jvp, vjp
from .compile import compile
from .fused import dot, linear, logsumexp, sum
from .exercises import exercise, exercises
from .gradcheck import GradcheckError, gradcheck
from .graph import backprop, backward_order, topological, walk
from .inspect import Explanation, Step, backward_steps, explain, tree
from .modes import AnomalyError, detect_anomaly, is_anomaly_enabled, is_grad_enabled, no_grad
from .nn import load, save
from .ops import DomainError, PoleError, op
from .page import save_html, show
from .practice import Practice, practice
from .text import get_printoptions, set_printoptions
from .viz import GraphTooLargeError, GraphvizNotFoundError, RenderTimeoutError, draw, save_svg

__version__ = "0.3.0.dev0"
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
    "Practice",
    "RenderTimeoutError",
    "Step",
    "Value",
    "backprop",
    "backward_order",
    "backward_steps",
    "compile",
    "derivative",
    "detect_anomaly",
    "dot",
    "draw",
    "exercise",
    "exercises",
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
    "practice",
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
