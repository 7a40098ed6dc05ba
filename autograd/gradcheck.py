"""`gradcheck`: compare the engine's gradients with central finite differences.

    >>> from autograd import gradcheck
    >>> gradcheck(lambda x, y: (x * y).tanh() + x.exp(), [0.3, -1.2])
    True

For each input x_i, the engine's answer (fresh leaves, one ``backward()``) is compared with

    (f(..., x_i + eps, ...) - f(..., x_i - eps, ...)) / (2 * eps)

and a gradient passes when ``|analytic - numeric| <= atol + rtol * |numeric|`` (the test of
``math.isclose``-style closeness PyTorch's ``gradcheck`` uses). A failure raises `GradcheckError`,
a subclass of `AssertionError`: a gradient that disagrees is a failed check, so test runners report
it as a failure, not as a crash. Misuse (no inputs, ``f`` not returning a Value...) raises
`TypeError` or `ValueError` instead.

Finite differences cannot see through kinks: keep the inputs of relu / abs / leaky_relu, log and
division away from 0 by much more than ``eps``, or the two answers rightly differ.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable

from .core import Value
from .graph import backward_order
from .modes import is_grad_enabled, no_grad
from .ops import VARIADIC, Op

__all__ = ["GradcheckError", "gradcheck"]


class GradcheckError(AssertionError):
    """The engine's gradient and the finite-difference estimate disagree for some input.

    The message is a table with one row per mismatch; ``rows`` holds the same data as tuples
    ``(index, label, value, analytic, numeric)``. ``ops`` names the ops whose own local
    derivative disagrees with finite differences of their value in this graph (an op of your
    own with a wrong derivative rule shows up here); it is empty when every op is right, and
    the function itself drops something out of the graph.
    """

    __module__ = "autograd"  # tracebacks name it as users import it: autograd.GradcheckError

    def __init__(self, message: str, rows: list[tuple[int, str, float, float, float]],
                 ops: list[str] | None = None) -> None:
        super().__init__(message)
        self.rows = rows
        self.ops = ops or []


def gradcheck(
    f: Callable[..., Value],
    inputs: Iterable[Value | float] | Value | float,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check ``f``'s gradients at ``inputs`` against central finite differences.

    ``f`` takes one `Value` per input and returns a scalar `Value`. ``inputs`` are numbers or
    Values (only their ``data`` and ``label`` are used: their ``.grad`` is never touched); a single
    number stands for a one-element list. Returns True, or raises `GradcheckError` whose message
    lists every mismatch: input index, label, value, analytic and numeric gradient, absolute
    and relative error.
    """
    xs, labels = _inputs(inputs)
    if not (math.isfinite(eps) and eps > 0.0):
        raise ValueError(f"gradcheck: eps must be a positive finite number, not {eps!r}")
    for name, tol in (("atol", atol), ("rtol", rtol)):
        if not (math.isfinite(tol) and tol >= 0.0):
            raise ValueError(f"gradcheck: {name} must be a finite number >= 0, not {tol!r}")
    if not is_grad_enabled():
        raise ValueError("gradcheck: called inside no_grad(), where no gradient can be recorded")

    leaves = [Value(x, label) for x, label in zip(xs, labels, strict=True)]
    out = _call(f, leaves, "at the given inputs")
    out.backward()

    rows = []
    for i, (x, label, leaf) in enumerate(zip(xs, labels, leaves, strict=True)):
        with no_grad():
            above = _call(f, _moved(xs, labels, i, x + eps), f"with input {i} ({label}) + eps")
            below = _call(f, _moved(xs, labels, i, x - eps), f"with input {i} ({label}) - eps")
        numeric = (above.data - below.data) / (2.0 * eps)
        if not abs(leaf.grad - numeric) <= atol + rtol * abs(numeric):  # NaN fails too
            rows.append((i, label, x, leaf.grad, numeric))
    if rows:
        suspects = _wrong_local_derivatives(out, eps, atol, rtol)
        message = _table(rows, len(xs), eps, atol, rtol)
        if suspects:
            message += "\n" + "\n".join(text for _, text in suspects)
        raise GradcheckError(message, rows, sorted({name for name, _ in suspects}))
    return True


def _wrong_local_derivatives(out: Value, eps: float, atol: float,
                             rtol: float) -> list[tuple[str, str]]:
    """(op name, a line saying what is wrong) for each node whose stored local derivative
    disagrees with central finite differences of its op's value: the culprit of a mismatch."""
    found = []
    for v in backward_order(out, reset=False):
        op = v.op
        if not isinstance(op, Op) or op.arity == VARIADIC:
            continue
        operands = v.operands
        xs = [a.data if isinstance(a, Value) else float(a) for a in operands]
        if op.smooth is not None and not op.smooth(*xs):
            continue  # at a kink finite differences say nothing about the rule
        for i, a in enumerate(operands):
            if not isinstance(a, Value):
                continue
            up, down = list(xs), list(xs)
            up[i] += eps
            down[i] -= eps
            numeric = (op.value(*up) - op.value(*down)) / (2.0 * eps)
            stored = v.partials[i]
            if not abs(stored - numeric) <= atol + rtol * abs(numeric):
                where = ", ".join(f"{p}={x:.6g}" for p, x in zip(op.params, xs, strict=False))
                found.append((op.name, f"  the op {op.name!r} itself is wrong: its rule gives "
                                       f"∂{op.name}/∂{op.params[i]} = {stored:.10g} at {where}, "
                                       f"finite differences of its value give {numeric:.10g}"))
    return found


def _inputs(inputs: Iterable[Value | float] | Value | float) -> tuple[list[float], list[str]]:
    """Input values as floats, and a label for each (the Value's own, else ``x{i}``)."""
    if isinstance(inputs, (Value, numbers.Real)):
        inputs = [inputs]
    elif isinstance(inputs, (str, bytes)) or not isinstance(inputs, Iterable):
        raise TypeError(
            f"gradcheck: inputs must be a list of numbers or Values, not {type(inputs).__name__}"
        )
    inputs = list(inputs)
    if not inputs:
        raise ValueError("gradcheck: no inputs to check; pass at least one number or Value")
    xs: list[float] = []
    labels: list[str] = []
    for i, x in enumerate(inputs):
        if isinstance(x, Value):
            xs.append(x.data)
            labels.append(x.label or f"x{i}")
        else:
            try:
                xs.append(Value(x).data)
            except TypeError:
                raise TypeError(
                    f"gradcheck: input {i} is of type {type(x).__name__}; "
                    "expected a number or a Value"
                ) from None
            labels.append(f"x{i}")
        if not math.isfinite(xs[-1]):
            raise ValueError(f"gradcheck: input {i} ({labels[-1]}) is {xs[-1]!r}, not finite")
    return xs, labels


def _moved(xs: list[float], labels: list[str], i: int, x: float) -> list[Value]:
    """Fresh leaves for all inputs, input i moved to x."""
    return [Value(x if k == i else v, lb) for k, (v, lb) in enumerate(zip(xs, labels, strict=True))]


def _call(f: Callable[..., Value], args: list[Value], where: str) -> Value:
    out = f(*args)
    if not isinstance(out, Value):
        raise TypeError(
            f"gradcheck: f must return a Value, but {where} it returned "
            f"{type(out).__name__} {out!r}"
        )
    return out


def _table(
    rows: list[tuple[int, str, float, float, float]],
    n: int,
    eps: float,
    atol: float,
    rtol: float,
) -> str:
    head = ("input", "label", "value", "analytic", "numeric", "abs err", "rel err")
    body = []
    for i, label, x, a, num in rows:
        err = abs(a - num)
        rel = err / abs(num) if num != 0.0 else math.inf
        body.append(
            (str(i), label, f"{x:.6g}", f"{a:.10g}", f"{num:.10g}", f"{err:.3g}", f"{rel:.3g}")
        )
    widths = [max(len(r[k]) for r in (head, *body)) for k in range(len(head))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in (head, *body)
    ]
    return (
        f"gradcheck: {len(rows)} of {n} gradients disagree with central finite differences "
        f"(eps={eps:g}; pass when |analytic - numeric| <= {atol:g} + {rtol:g} * |numeric|)\n  "
        + "\n  ".join(lines)
    )
