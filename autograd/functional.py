"""Gradients as functions, Jacobians in forward and reverse mode, and derivatives of derivatives.

`grad(outputs, inputs)` works like ``torch.autograd.grad``: it returns d output / d input for
each input (for several outputs, the sum weighted by ``grad_outputs``) and leaves every
``.grad`` alone. With ``create_graph=True`` the local derivatives
are rebuilt from each op's derivative rule in the registry (`autograd.ops`), evaluated on
Values (`rule_on_values`), so the gradients it returns are Values with graphs of
their own, which can be differentiated again, to any order.

`derivative(f)`, `gradient(f)` and `hessian(f, xs)` wrap this for functions of plain numbers.
The first-order `Value.backward()` does not use any of this: it multiplies the floats stored
at forward time.

`jvp` is forward mode (``torch.func.jvp``): f runs once on dual numbers (`autograd.forward`)
that carry a direction's derivative through every op, with no graph and no backward pass.
`vjp` is reverse mode (``torch.func.vjp``). `jacobian` builds the whole matrix either way:
one forward pass per input, or one backward pass per output.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

from .core import Value
from .forward import Dual
from .graph import backprop, topological
from .hooks import run_hooks
from .ops import DomainError, number

__all__ = ["derivative", "grad", "gradient", "hessian", "jacobian", "jvp", "vjp"]

Number = Value | float


def grad(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    grad_outputs: float | Sequence[float] | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
    *,
    grad_output: float | None = None,
) -> list[Value]:
    """d output / d input for each input, as a list of Values; no ``.grad`` is touched.

    Several outputs, as ``torch.autograd.grad`` takes them: ``grad([y1, y2], xs, [g1, g2])``
    gives the vector-Jacobian product g1 · d y1/dx + g2 · d y2/dx, in one backward pass.
    ``grad_outputs`` weighs the outputs (default 1 each; one number for one output, also
    accepted as ``grad_output=``).

    ``create_graph=True``: the returned Values are built from the inputs by the engine's ops, so
    ``grad`` (or ``backward``) can be applied to them again. Otherwise they are leaves.
    An input that no output depends on raises ValueError, or gets 0 with
    ``allow_unused=True`` (PyTorch would give None).
    """
    roots, seeds = _seeds(outputs, grad_outputs, grad_output)
    wanted = [inputs] if isinstance(inputs, Value) else list(inputs)
    for x in wanted:
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs must be Values, not {type(x).__name__}")
    grads: dict[Value, Any] = {}
    for y, g in zip(roots, seeds, strict=True):
        grads[y] = grads[y] + g if y in grads else g
    order = topological(roots)  # every node before its operands, leaves last
    hooked = (lambda v, g: run_hooks(v, g, values=create_graph)) if _any_hooks(order) else None
    for _ in backprop(order, grads, local=rule_on_values if create_graph else None,
                      at_node=hooked):
        pass
    result: list[Value] = []
    for i, x in enumerate(wanted):
        if x not in grads and not allow_unused:
            name = f" {x.label!r}" if x.label else ""
            raise ValueError(
                f"grad: input {i}{name} is not used to compute the output "
                "(pass allow_unused=True to get 0)"
            )
        g = grads.get(x, 0.0)
        result.append(g if isinstance(g, Value) and create_graph else Value(float(g)))
    return result


def _any_hooks(order: list[Value]) -> bool:
    return any(v.hooks for v in order)


def rule_on_values(v: Value) -> tuple[Value | float, ...]:
    """d v / d parent for each parent of `v`, from the op's rule read on Values: the local
    derivatives as part of the graph, so that they can be differentiated again
    (``grad(create_graph=True)``). Plain floats where they are constants; at a domain edge,
    where the rule on Values is refused (``sqrt'(0) = 0.5 / 0``), the float IEEE gives.

    A rule that leaves the graph would make every second derivative through it 0: one that
    computes under `no_grad` gives a leaf here, an error naming the op (one that reads
    ``x.data`` already failed on floats, when the node was made)."""
    op, operands = v.op, v.operands
    if not operands:  # a leaf
        return ()
    try:
        partials = op.partials(operands, v)  # type: ignore[attr-defined]
    except DomainError:
        return v.local_grads
    local: list[Value | float] = []
    for x, d in zip(operands, partials, strict=True):
        if not isinstance(x, Value):
            continue
        if isinstance(d, Value) and d.is_leaf and d is not v and all(d is not u for u in operands):
            raise TypeError(f"{op}: its derivative rule gave a Value with no graph on Values "
                            f"({d!r}): the rule leaves the graph (no_grad inside it?), so second "
                            "derivatives through it would be 0. Write it with operators and "
                            "autograd.math, outside no_grad")
        local.append(d if isinstance(d, Value) else float(d))
    return tuple(local)


def _seeds(outputs: Value | Sequence[Value], grad_outputs: float | Sequence[float] | None,
           grad_output: float | None) -> tuple[list[Value], list[float]]:
    """The outputs as a list, and the gradient each one starts with."""
    if grad_output is not None:
        if grad_outputs is not None:
            raise TypeError("grad: give grad_outputs or grad_output, not both")
        grad_outputs = grad_output
    if isinstance(outputs, Value):
        roots = [outputs]
    elif isinstance(outputs, (list, tuple)) and outputs:
        roots = list(outputs)
        for i, y in enumerate(roots):
            if not isinstance(y, Value):
                raise TypeError(f"grad: outputs[{i}] must be a Value, not {type(y).__name__}")
    else:
        what = "an empty list" if isinstance(outputs, (list, tuple)) else type(outputs).__name__
        raise TypeError(f"grad: output must be a Value or a list of Values, not {what}")
    if grad_outputs is None:
        return roots, [1.0] * len(roots)
    if isinstance(grad_outputs, (list, tuple)):
        if len(grad_outputs) != len(roots):
            raise ValueError(f"grad: {len(roots)} outputs but {len(grad_outputs)} grad_outputs")
        return roots, [number(g, "grad") for g in grad_outputs]
    if len(roots) != 1:
        raise TypeError(f"grad: {len(roots)} outputs need a list of {len(roots)} grad_outputs, "
                        f"not a {type(grad_outputs).__name__}")
    return roots, [number(grad_outputs, "grad")]


def _one_output(y: Any, where: str) -> Value | None:
    """The output of a function of one output: a Value, or None for a constant (a number)."""
    if isinstance(y, Value):
        return y
    if isinstance(y, (int, float)) and not isinstance(y, bool):
        return None
    if isinstance(y, (list, tuple)):
        raise TypeError(f"{where}: the function returned a {type(y).__name__} of {len(y)}; "
                        f"{where} needs a function of one output (use autograd.jacobian for "
                        "several outputs)")
    raise TypeError(f"{where}: the function must return a Value or a number, not "
                    f"{type(y).__name__}")


def derivative(f: Callable[[Value], Number]) -> Callable[[Number], Number]:
    """f' as a new function: ``derivative(f)(3.0)``. Composable: ``derivative(derivative(f))``.

    Called with a float it returns a float; called with a Value (as an outer `derivative`
    does) it returns a Value whose graph can be differentiated again. A function that
    returns a constant has derivative 0.
    """

    def df(x: Number) -> Number:
        if isinstance(x, Value):
            y = _one_output(f(x), "derivative")
            if y is None:
                return 0.0
            return grad(y, [x], create_graph=True, allow_unused=True)[0]
        xv = Value(x, "x")
        y = _one_output(f(xv), "derivative")
        if y is None:
            return 0.0
        return grad(y, [xv], allow_unused=True)[0].data

    df.__name__ = f"d_{getattr(f, '__name__', 'f')}"
    return df


def gradient(f: Callable[..., Number]) -> Callable[..., list[float]]:
    """The gradient of a function of several numbers: ``gradient(f)(x, y) == [df/dx, df/dy]``."""

    def gf(*xs: float) -> list[float]:
        vs = [Value(x, f"x{i}") for i, x in enumerate(xs, 1)]
        y = _one_output(f(*vs), "gradient")
        if y is None:
            return [0.0] * len(vs)
        return [g.data for g in grad(y, vs, allow_unused=True)]

    return gf


def hessian(f: Callable[..., Value], xs: Sequence[float]) -> list[list[float]]:
    """The matrix of second derivatives d2 f / dx_i dx_j at `xs`; ``f(*values) -> Value``.

    One `grad` with ``create_graph=True`` for the gradient, then one per row.
    """
    vs = [Value(x, f"x{i}") for i, x in enumerate(xs, 1)]
    y = _one_output(f(*vs), "hessian")
    if y is None:
        return [[0.0] * len(vs) for _ in vs]
    first = grad(y, vs, create_graph=True, allow_unused=True)
    rows = []
    for g in first:
        if g.is_leaf:  # a constant partial derivative: its row is 0
            rows.append([0.0] * len(vs))
        else:
            rows.append([h.data for h in grad(g, vs, allow_unused=True)])
    return rows


# ---------------------------------------------------------------------------------------------
# Forward mode, vector-Jacobian products, Jacobians


Outputs = Any
"""What a function given to `jvp`, `vjp` or `jacobian` returns: one output (a Value, a Dual
or a number) or a list or tuple of them."""


def _points(xs: Any, where: str, name: str) -> tuple[list[float], bool]:
    """The numbers in `xs` (a number, or a list or tuple of them), and whether it was one."""
    single = not isinstance(xs, (list, tuple))
    items = [xs] if single else list(xs)
    out = []
    for i, x in enumerate(items):
        if isinstance(x, bool) or not isinstance(x, numbers.Real):
            at = name if single else f"{name}[{i}]"
            raise TypeError(f"{where}: {at} is {type(x).__name__}; expected a real number")
        out.append(float(x))
    if not out:
        raise ValueError(f"{where}: {name} is empty")
    return out, single


def _split_outputs(y: Any, where: str) -> tuple[list[Any], type | None]:
    """The outputs of a function as a list, and the kind of sequence it returned them in
    (list or tuple; None for a single output)."""
    if isinstance(y, (list, tuple)):
        if not y:
            raise ValueError(f"{where}: the function returned an empty {type(y).__name__}")
        return list(y), tuple if isinstance(y, tuple) else list
    return [y], None


def _shaped(items: list[Any], kind: type | None) -> Any:
    """`items` as the function gave its outputs: one item, a list or a tuple."""
    return items[0] if kind is None else kind(items)


def _tangent_of(y: Any, where: str) -> tuple[float, float]:
    """(value, tangent) of one output in forward mode: a Dual, or a constant."""
    if isinstance(y, Dual):
        return y.primal, y.tangent
    if isinstance(y, Value):  # made inside f from numbers only: a constant of the inputs
        return y.data, 0.0
    if isinstance(y, bool) or not isinstance(y, numbers.Real):
        raise TypeError(f"{where}: the function returned {type(y).__name__}; expected Duals "
                        "or numbers (or a list of them)")
    return float(y), 0.0


def _forward(f: Callable[..., Outputs], xs: Sequence[float], ts: Sequence[float],
             where: str) -> tuple[list[float], list[float], type | None]:
    """One pass of f on Duals: the outputs' values and tangents, and how f returned them."""
    ys, kind = _split_outputs(f(*(Dual(x, t) for x, t in zip(xs, ts, strict=True))), where)
    pairs = [_tangent_of(y, where) for y in ys]
    return [p for p, _ in pairs], [t for _, t in pairs], kind


def jvp(f: Callable[..., Outputs], primals: Sequence[float] | float,
        tangents: Sequence[float] | float) -> tuple[Any, Any]:
    """Forward mode: f's output at `primals`, and its derivative in the direction `tangents`
    (the Jacobian-vector product J · t), as ``torch.func.jvp``.

    ``jvp(f, (x1, x2), (t1, t2))`` calls f once on dual numbers (`autograd.forward.Dual`) that
    carry the tangents through every op: no graph, no backward pass. ``(1.0, 0.0)`` gives
    ∂f/∂x1. Returns ``(output, jvp)``: two numbers for a function of one output, two lists
    (or tuples, as f returned) for several. A single number is accepted for one input.
    """
    xs, _ = _points(primals, "jvp", "primals")
    ts, _ = _points(tangents, "jvp", "tangents")
    if len(xs) != len(ts):
        raise ValueError(f"jvp: {len(xs)} primals but {len(ts)} tangents")
    values, jvps, kind = _forward(f, xs, ts, "jvp")
    return _shaped(values, kind), _shaped(jvps, kind)


def vjp(f: Callable[..., Outputs], *primals: Any) -> tuple[Any, Callable[[Any], tuple[
        float, ...]]]:
    """Reverse mode: f's output at `primals`, and a function that gives the vector-Jacobian
    product (cotangents · J) for any cotangents, as ``torch.func.vjp``.

    ``output, vjp_fn = vjp(f, x1, x2)`` (or ``vjp(f, (x1, x2))``) records f's graph once;
    ``vjp_fn(1.0)`` then returns ``(∂f/∂x1, ∂f/∂x2)``, one backward pass per call. For a
    function of several outputs, pass one cotangent per output: ``vjp_fn([c1, c2])``.
    """
    if len(primals) == 1 and isinstance(primals[0], (list, tuple)):
        primals = tuple(primals[0])
    xs, _ = _points(list(primals), "vjp", "primals")
    leaves = [Value(x, f"x{i}") for i, x in enumerate(xs, 1)]
    ys, kind = _split_outputs(f(*leaves), "vjp")
    for v in ys:
        if not isinstance(v, Value) and (isinstance(v, bool) or not isinstance(v, numbers.Real)):
            raise TypeError(f"vjp: the function returned {type(v).__name__}; expected Values "
                            "or numbers (or a list of them)")
    values = [v.data if isinstance(v, Value) else float(v) for v in ys]

    def vjp_fn(cotangents: Any) -> tuple[float, ...]:
        cs, _ = _points(cotangents, "vjp_fn", "cotangents")
        if len(cs) != len(ys):
            raise ValueError(f"vjp_fn: {len(ys)} outputs but {len(cs)} cotangents")
        roots = [(v, c) for v, c in zip(ys, cs, strict=True) if isinstance(v, Value)]
        if not roots:  # constant outputs
            return (0.0,) * len(leaves)
        gs = grad([v for v, _ in roots], leaves, [c for _, c in roots], allow_unused=True)
        return tuple(g.data for g in gs)

    return _shaped(values, kind), vjp_fn


def jacobian(f: Callable[..., Outputs], xs: Sequence[float] | float,
             mode: str = "auto") -> Any:
    """The matrix of partial derivatives ∂output_i/∂x_j of f at `xs`, laid out as
    ``torch.autograd.functional.jacobian`` lays it out: one row per output, one column per
    input. For a function of one output the result is its row (the gradient); for one number
    `xs` (not a list), its column; for both, a number.

    ``mode='reverse'``: f's graph is recorded once, then one backward pass per output.
    ``mode='forward'``: one pass of dual numbers per input (`jvp`), nothing runs backwards.
    ``mode='auto'`` (the default) takes forward mode when there are fewer inputs than outputs,
    reverse mode otherwise: the fewer passes. With one input that is forward mode at once;
    with several, f is recorded first (for reverse mode), which tells how many outputs it has.
    """
    if mode not in ("auto", "forward", "reverse"):
        raise ValueError(f"jacobian: mode must be 'auto', 'forward' or 'reverse', not {mode!r}")
    points, one_input = _points(xs, "jacobian", "xs")
    if mode == "forward" or mode == "auto" and len(points) == 1:  # forward can only win
        rows, kind = _jacobian_forward(f, points)
    else:
        leaves = [Value(x, f"x{i}") for i, x in enumerate(points, 1)]
        ys, kind = _split_outputs(f(*leaves), "jacobian")
        if mode == "auto" and len(points) < len(ys):
            rows, kind = _jacobian_forward(f, points)
        else:
            rows = [_gradient_row(y, leaves) for y in ys]
    if one_input:
        return _shaped([row[0] for row in rows], kind and list)
    return _shaped(rows, kind and list)


def _jacobian_forward(f: Callable[..., Outputs], points: list[float]) -> tuple[
        list[list[float]], type | None]:
    """The Jacobian's rows, built column by column from one forward pass per input."""
    columns = []
    kind: type | None = None
    for j in range(len(points)):
        unit = [float(i == j) for i in range(len(points))]
        _, column, kind = _forward(f, points, unit, "jacobian")
        columns.append(column)
    return [list(row) for row in zip(*columns, strict=True)], kind


def _gradient_row(y: Any, leaves: list[Value]) -> list[float]:
    """One output's row of the Jacobian, by one backward pass (zeros for a constant)."""
    if isinstance(y, Value):
        return [g.data for g in grad(y, leaves, allow_unused=True)]
    if isinstance(y, bool) or not isinstance(y, numbers.Real):
        raise TypeError(f"jacobian: the function returned {type(y).__name__}; expected Values "
                        "or numbers (or a list of them)")
    return [0.0] * len(leaves)
