"""One node for a whole sum, dot product or log-sum-exp: `sum`, `dot`, `linear`, `logsumexp`.

A neuron written ``b + w1*x1 + ... + wn*xn`` makes 2n nodes; ``dot(ws, xs, b)`` makes one, whose
n-ary op (``sum``, ``dot``, ``logsumexp`` of `autograd.math`) has its value and its local
derivatives declared once, like every op. These functions only gather the operands: Values,
plain numbers, or forward mode's Duals, which the ops apply to as they apply to anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from . import ops
from .core import Operand, Value, apply, node

__all__ = ["dot", "linear", "logsumexp", "sum"]

_SUM, _DOT, _LOGSUMEXP = ops.get("sum"), ops.get("dot"), ops.get("logsumexp")


def _node(op: ops.Op, operands: tuple[Any, ...]) -> Any:
    """The op applied to the operands: a Value (or a Dual), or a constant Value for numbers.

    When the operands are Values and floats, the node is made here from the op's value and
    its rule on the floats, as `apply` makes it but without its checks, which these ops (no
    domain, derivatives that are finite wherever their inputs are) never need; anything
    unusual, and any other kind of operand, goes through the op itself."""
    types = set(map(type, operands))
    if any(issubclass(t, Value) for t in types) and all(
            t is float or issubclass(t, Value) for t in types):
        xs = [x.data if isinstance(x, Value) else x for x in operands]
        try:
            out = op.value(*xs)
            partials = op.derivative(*xs, out)
        except (ArithmeticError, ValueError):
            return apply(op, *operands)
        return node(op, out, operands, partials)
    out = op(*operands)
    return Value(out) if isinstance(out, float) else out


def sum(values: Iterable[Operand], start: float = 0.0) -> Any:  # noqa: A001 - Python's name
    """One node for ``start + v1 + v2 + ...`` (each local derivative is 1)."""
    operands = tuple(values)
    if start != 0.0 or not operands:
        operands = (start, *operands)
    return _node(_SUM, operands)


def dot(ws: Sequence[Operand], xs: Sequence[Operand], bias: Operand | None = None) -> Any:
    """One node for ``w1*x1 + ... + wn*xn (+ bias)``; either side may hold plain numbers.

    d out / d w_i = x_i, d out / d x_i = w_i, d out / d bias = 1. Its operands are the weights,
    then the inputs, then the bias.
    """
    if len(ws) != len(xs):
        raise ValueError(f"dot: {len(ws)} weights but {len(xs)} inputs")
    if not ws and bias is None:
        return Value(0.0)
    operands = (*ws, *xs) if bias is None else (*ws, *xs, bias)
    return _node(_DOT, operands)


def linear(weight: Sequence[Sequence[Operand]], xs: Sequence[Operand],
           bias: Sequence[Operand] | None = None) -> list[Any]:
    """PyTorch's ``F.linear`` for one sample: one `dot` node per row of `weight` (``[out][in]``),
    ``[dot(row, xs, b) for row, b in zip(weight, bias)]``, with the numbers of `xs` read once
    for all the rows (the dot op's value and rule, applied to them, make each node)."""
    biases: Sequence[Operand | None] = [None] * len(weight) if bias is None else bias
    if len(biases) != len(weight):
        raise ValueError(f"linear: {len(weight)} weight rows but {len(biases)} biases")
    xs = tuple(xs)
    x_numbers = _numbers(xs)
    out = []
    for row, b in zip(weight, biases, strict=True):
        ws = [w.data for w in row if isinstance(w, Value)]  # all Values: the common case
        if x_numbers is None or len(ws) != len(row) or len(ws) != len(xs) or not (
                b is None and ws or isinstance(b, Value)):
            out.append(dot(row, xs, b))
            continue
        tail = () if b is None else (b,)  # the operands: (*ws, *xs), then the bias if any
        numbers = (*ws, *x_numbers, *(t.data for t in tail))
        value = _DOT.value(*numbers)
        out.append(node(_DOT, value, (*row, *xs, *tail), _DOT.derivative(*numbers, value)))
    return out


def _numbers(operands: tuple[Any, ...]) -> tuple[float, ...] | None:
    """The numbers of Values and floats, or None if anything else is among them."""
    if not all(t is float or issubclass(t, Value) for t in set(map(type, operands))):
        return None
    return tuple([x.data if isinstance(x, Value) else x for x in operands])


def logsumexp(values: Iterable[Operand]) -> Any:
    """One node for ``log(exp(v1) + ... + exp(vn))``, PyTorch's ``torch.logsumexp``: computed
    with the largest value taken out first, so that no exp overflows.

    d out / d v_i = exp(v_i - out), the softmax of the values. `nn.cross_entropy` is
    ``logsumexp(logits) - logits[target]``: two nodes per sample, whatever the number of
    classes. Plain numbers may be among the values (they get no gradient); an infinity or NaN
    among them gives IEEE's result.
    """
    operands = tuple(values)
    if not operands:
        raise ValueError("logsumexp: no values; give at least one")
    return _node(_LOGSUMEXP, operands)

