"""Losses and softmax, with PyTorch's names and definitions (``reduction='mean'``).

Each loss accepts one sample or a batch (a list) and checks that predictions and targets line
up, naming the first item that does not: ``mse_loss``, ``l1_loss``, ``binary_cross_entropy``,
``binary_cross_entropy_with_logits``, ``cross_entropy``, and micrograd's ``hinge_loss``. They
are plain functions of Values, so the graph they build is the formula: ``loss.backward()``
differentiates through it like any other expression. `autograd.nn` re-exports them all.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from . import fused
from .core import Operand, Value

__all__ = [
    "Nested",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge_loss",
    "l1_loss",
    "mse_loss",
    "softmax",
]

Nested = Operand | Sequence["Nested"]
"""A number or Value, or (nested) lists of them: one sample or a batch."""


def _is_scalar(x: object) -> bool:
    return isinstance(x, (Value, numbers.Real)) and not isinstance(x, bool)


def _pairs(pred: Nested, target: Nested, op: str) -> tuple[list[Value], list[Operand]]:
    """Flatten `pred` and `target`, which must have the same (nested) layout; plain numbers
    in `pred` become Values."""
    ps: list[Value] = []
    ts: list[Operand] = []

    def walk(p: Any, t: Any, where: str) -> None:
        p_scalar, t_scalar = _is_scalar(p), _is_scalar(t)
        if p_scalar and t_scalar:
            ps.append(p if isinstance(p, Value) else Value(p))
            ts.append(t)
            return
        for name, x, scalar in (("pred", p, p_scalar), ("target", t, t_scalar)):
            if not scalar and (isinstance(x, (str, bytes)) or not isinstance(x, Sequence)):
                raise TypeError(f"{op}: {name}{where} is a {type(x).__name__}; "
                                "expected a number, a Value or a list")
        if p_scalar or t_scalar:
            raise ValueError(f"{op}: pred{where} and target{where} differ in shape (one is "
                             f"a number, the other a list of {len(t if p_scalar else p)})")
        if len(p) != len(t):
            raise ValueError(f"{op}: pred{where} has {len(p)} items but target{where} "
                             f"has {len(t)}")
        for i, (pi, ti) in enumerate(zip(p, t, strict=True)):
            walk(pi, ti, f"{where}[{i}]")

    walk(pred, target, "")
    if not ps:
        raise ValueError(f"{op}: empty input")
    return ps, ts


def _mean(terms: Sequence[Operand]) -> Value:
    if len(terms) == 1 and isinstance(terms[0], Value):  # one sample: no sum and / 1 nodes
        return terms[0]
    total: Value = fused.sum(terms)
    return total / len(terms)


def mse_loss(pred: Nested, target: Nested) -> Value:
    """Mean squared error, mean over all elements of ``(pred - target) ** 2``."""
    ps, ts = _pairs(pred, target, "mse_loss")
    return _mean([(p - t) ** 2 for p, t in zip(ps, ts, strict=True)])


def l1_loss(pred: Nested, target: Nested) -> Value:
    """Mean absolute error, mean of ``|pred - target|`` (derivative 0 where they are equal)."""
    ps, ts = _pairs(pred, target, "l1_loss")
    return _mean([abs(p - t) for p, t in zip(ps, ts, strict=True)])


def _clamped_log(x: Value) -> Value | float:
    """log(x) clamped below at -100, as PyTorch's binary_cross_entropy does."""
    if x.data > 0.0:
        lx = x.log()
        if lx.data >= -100.0:
            return lx
    return -100.0


def binary_cross_entropy(p: Nested, y: Nested) -> Value:
    """``-(y log p + (1 - y) log(1 - p))``, mean; p are probabilities in [0, 1].

    Each log is clamped at -100, as in PyTorch, so p = 0 or 1 gives a large finite loss
    (100 per element) instead of infinity. A clamped log passes no gradient here (PyTorch's
    hand-written backward gives a huge one instead); elsewhere the gradients agree.
    """
    ps, ys = _pairs(p, y, "binary_cross_entropy")
    terms = []
    for i, (pv, yi) in enumerate(zip(ps, ys, strict=True)):
        if not 0.0 <= pv.data <= 1.0:
            where = f" ({pv.label!r})" if pv.label else ""
            raise ValueError(f"binary_cross_entropy: p[{i}] = {pv.data!r}{where} is not in "
                             "[0, 1]; pass probabilities (e.g. sigmoid outputs), or use "
                             "binary_cross_entropy_with_logits on raw scores")
        terms.append(-(yi * _clamped_log(pv) + (1.0 - yi) * _clamped_log(1.0 - pv)))
    return _mean(terms)


def binary_cross_entropy_with_logits(z: Nested, y: Nested) -> Value:
    """`binary_cross_entropy` of ``sigmoid(z)``, computed stably from the logits z:
    ``(1 - y) z + log(1 + exp(-z))``, with ``log(1 + exp(-z))`` written so exp never overflows."""
    zs, ys = _pairs(z, y, "binary_cross_entropy_with_logits")
    terms = []
    for zv, yi in zip(zs, ys, strict=True):
        if zv.data >= 0.0:  # log(1 + exp(-z))
            softplus = ((-zv).exp() + 1.0).log()
        else:  # the same, as -z + log(1 + exp(z))
            softplus = (zv.exp() + 1.0).log() - zv
        terms.append((1.0 - yi) * zv + softplus)
    return _mean(terms)


def _logits_rows(logits: Sequence[Any], op: str) -> list[Sequence[Operand]]:
    if isinstance(logits, (str, bytes)) or not isinstance(logits, Sequence) or not logits:
        raise ValueError(f"{op}: logits must be a non-empty list of Values (one sample) "
                         "or of lists (a batch)")
    rows = [logits] if _is_scalar(logits[0]) else list(logits)
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence) or not row:
            raise ValueError(f"{op}: row {i} of the logits is not a non-empty list")
    return rows


def softmax(values: Sequence[Operand]) -> list[Value]:
    """``exp(v_i) / sum_j exp(v_j)``, with the largest value subtracted first (no overflow)."""
    if (isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values
            or not all(map(_is_scalar, values))):
        raise ValueError(f"softmax: expected one non-empty list of numbers or Values, not a "
                         f"batch or anything else; got {_kind(values)} (for a batch, call "
                         "softmax on each row)")
    exps = _shifted_exps(values)
    total = fused.sum(exps)
    return [e / total for e in exps]


def _kind(x: object) -> str:
    """``a Value``, ``a list holding a list``: what a wrong argument is, for messages."""
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
        return f"a {type(x).__name__}"
    if not x:
        return f"an empty {type(x).__name__}"
    bad = next((v for v in x if not _is_scalar(v)), None)
    return f"a {type(x).__name__} holding a {type(bad).__name__}"


def _shifted_exps(row: Sequence[Operand]) -> list[Value]:
    """``exp(v - m)`` for each v in row, m the largest value (a constant, so no node)."""
    m = max(v.data if isinstance(v, Value) else float(v) for v in row)
    return [(v - m).exp() if isinstance(v, Value) else Value(math.exp(float(v) - m))
            for v in row]


def cross_entropy(logits: Sequence[Any], target: int | Sequence[int]) -> Value:
    """``-log softmax(logits)[target]``, mean over a batch; PyTorch's ``cross_entropy``.

    One sample: a list of C logits and a class index; a batch: a list of such lists and a list
    of indices. Computed as ``logsumexp(logits) - logits[target]`` with `autograd.logsumexp`,
    one node that takes the largest logit out first (large logits do not overflow) and whose
    local derivatives are the softmax of the logits: two nodes per sample.
    """
    op = "cross_entropy"
    rows = _logits_rows(logits, op)
    single = _is_scalar(logits[0])
    targets: list[Any] = [target] if single else _as_list(target, op, "target")
    if len(targets) != len(rows):
        raise ValueError(f"{op}: {len(rows)} rows of logits but {len(targets)} targets")
    terms = []
    for i, (row, t) in enumerate(zip(rows, targets, strict=True)):
        if isinstance(t, bool) or not isinstance(t, int) or not 0 <= t < len(row):
            raise ValueError(f"{op}: target {t!r} (sample {i}) is not a class index "
                             f"in 0..{len(row) - 1}")
        terms.append(fused.logsumexp(row) - row[int(t)])
    return _mean(terms)


def _as_list(x: Any, op: str, name: str) -> list[Any]:
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
        raise ValueError(f"{op}: {name} must be a list for a batch, not {type(x).__name__}")
    return list(x)


def hinge_loss(scores: Value | Sequence[Value], y: float | Sequence[float]) -> Value:
    """micrograd's max-margin (SVM) loss: mean of ``relu(1 - y * score)``, labels y = -1 or +1."""
    op = "hinge_loss"
    single = _is_scalar(scores)
    ss: list[Any] = [scores] if single else _as_list(scores, op, "scores")
    ys: list[Any] = [y] if single else _as_list(y, op, "labels")
    if len(ss) != len(ys):
        raise ValueError(f"{op}: {len(ss)} scores but {len(ys)} labels")
    if not ss:
        raise ValueError(f"{op}: empty input")
    terms = []
    for i, (s, yi) in enumerate(zip(ss, ys, strict=True)):
        label = yi.data if isinstance(yi, Value) else yi  # a Value label counts by its number
        if not _is_scalar(label) or label not in (1, -1):
            raise ValueError(f"{op}: label {yi!r} (sample {i}) must be -1 or +1; "
                             "map 0/1 labels with y = [2 * t - 1 for t in y]")
        if not isinstance(s, Value):
            if not _is_scalar(s):
                raise TypeError(f"{op}: score {i} is a {type(s).__name__}; expected a Value")
            s = Value(float(s))
        terms.append((1.0 - yi * s).relu())
    return _mean(terms)
