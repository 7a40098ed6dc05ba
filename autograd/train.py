"""A small training loop with a progress bar, and accuracy.

`fit` is the loop every tutorial writes, once::

    for epoch in range(epochs):
        for X_batch, y_batch in batches(X, y, batch_size):   # one epoch, in mini-batches
            loss = loss_fn([model(x) for x in X_batch], y_batch)   # forward
            optimizer.zero_grad()                                 # clear old gradients
            loss.backward()                                       # backward
            optimizer.step()                                      # update the parameters

Write it out yourself when you want to look inside; use `fit` when you want the result.
"""

from __future__ import annotations

import gc
import math
import numbers
import random
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypedDict

from tqdm import TqdmWarning

with warnings.catch_warnings():  # Jupyter without ipywidgets: tqdm falls back to text quietly
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm

from .core import Value
from .data import batches
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    l1_loss,
    mse_loss,
)
from .modes import no_grad
from .optim import Adam, LRScheduler, Optimizer

__all__ = ["DivergedError", "EpochStats", "accuracy", "fit"]

LOSSES: dict[str, Callable[..., Value]] = {
    "hinge": hinge_loss,
    "mse": mse_loss,
    "l1": l1_loss,
    "binary_cross_entropy": binary_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "cross_entropy": cross_entropy,
}
"""The losses `fit` knows by name (PyTorch's names; ``'hinge'`` is micrograd's SVM loss)."""

_REGRESSION = {"mse", "l1"}


class EpochStats(TypedDict):
    """One entry of the history `fit` returns."""

    epoch: int  #: counted from 1
    loss: float  #: mean loss over the epoch's samples
    #: share of the epoch's predictions that were right (None: regression, or labels that are
    #: not numbers)
    accuracy: float | None
    lr: float  #: the learning rate used in this epoch


def _correct(pred: Any, label: Any, threshold: float, where: str) -> bool:
    """Whether one prediction is right. An output or label that is NaN or infinite has no
    right or wrong: it raises, naming `where` (the sample)."""
    if isinstance(label, bool) or not isinstance(label, (numbers.Real, Value)):
        raise TypeError(f"{where}: the label is a {type(label).__name__}; expected a number")
    t = label.data if isinstance(label, Value) else float(label)
    if not math.isfinite(t):
        raise ValueError(f"{where}: the label is {t!r}; expected a finite number")
    if isinstance(pred, Value):  # one output: a score, positive class above the threshold
        return (_score(pred, where) > threshold) == (t > 0)
    if isinstance(pred, (str, bytes)) or not isinstance(pred, Sequence) or not pred:
        raise TypeError(f"{where}: the model gave a {type(pred).__name__}; expected a Value "
                        "(one output) or a non-empty list of Values (one score per class)")
    scores = [_score(p, f"{where}, output {k}") for k, p in enumerate(pred)]
    if t != int(t) or not 0 <= t < len(scores):  # several outputs: the largest score's index
        raise ValueError(f"{where}: the label {label!r} is not a class index in "
                         f"0..{len(scores) - 1} (the model gives {len(scores)} scores)")
    return scores.index(max(scores)) == int(t)


def _score(out: Any, where: str) -> float:
    if isinstance(out, bool) or not isinstance(out, (numbers.Real, Value)):
        raise TypeError(f"{where}: the model gave a {type(out).__name__}; expected a Value")
    x = out.data if isinstance(out, Value) else float(out)
    if not math.isfinite(x):
        raise ValueError(f"{where}: the model's output is {x!r}, which is neither right nor "
                         "wrong; the model has diverged or its input is not finite")
    return x


def accuracy(model: Callable[[Sequence[float]], Any], X: Sequence[Sequence[float]],
             y: Sequence[float], threshold: float = 0.0) -> float:
    """The share of samples the model classifies right, evaluated under `no_grad`.

    One output: the prediction is "positive" when the score is above `threshold` (0 for scores
    or logits with labels -1/+1 or 0/1; use 0.5 for probabilities), and it is right when the
    label is positive (> 0) exactly then. Several outputs: right when the largest score is at
    index ``label``.

    An output that is NaN or infinite is neither right nor wrong: it raises `ValueError`
    naming the sample (so does a label that is not finite, or not a class index).
    """
    if len(X) != len(y):
        raise ValueError(f"accuracy: X has {len(X)} samples but y has {len(y)}")
    if not X:
        raise ValueError("accuracy: no samples")
    with no_grad():
        hits = sum(_correct(model(x), t, threshold, f"accuracy: sample {i}")
                   for i, (x, t) in enumerate(zip(X, y, strict=True)))
    return hits / len(X)


def fit(
    model: Callable[[Sequence[float]], Any],
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    loss: str | Callable[[list[Any], list[Any]], Value] = "hinge",
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    *,
    scheduler: LRScheduler | None = None,
    shuffle: bool = True,
    seed: int | random.Random | None = 0,
    progress: bool = True,
) -> list[EpochStats]:
    """Train `model` on (X, y) and return the history, one `EpochStats` per epoch.

    - `loss`: a name from `LOSSES` (``'hinge'`` wants labels -1/+1; ``'cross_entropy'`` class
      indices and one output per class), or a function ``(predictions, labels) -> Value``
      taking the lists of the batch's model outputs and labels.
    - `optimizer`: defaults to ``Adam(model.parameters(), lr=0.01)``.
    - `batch_size`: None for the whole set in every step (full-batch gradient descent).
    - `scheduler`: stepped once after every epoch.
    - `seed`: the shuffling order (an int, a `random.Random`, or None for fresh randomness).
    - `progress`: show a `tqdm` bar with the loss and accuracy.

    The accuracy in the history is measured on the predictions made during the epoch (each
    before its batch's update), so it costs nothing extra; call `accuracy` for the final
    model's figure.

    NaN or infinity in X or y is refused before training, naming the sample; if the loss or a
    parameter becomes NaN or infinite, `fit` stops with `DivergedError` naming the epoch and
    the batch (a diverged model is never reported as trained).

    Python's cycle collector is paused while `fit` runs (and restored after): graphs of Values
    hold no reference cycles, so it would only spend time (about a third more) walking them.
    """
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"fit: unknown loss {loss!r}; choose one of {list(LOSSES)} "
                             "or pass a function")
        loss_fn = LOSSES[loss]
    elif callable(loss):
        loss_fn = loss
    else:
        raise TypeError(f"fit: loss must be a name or a function, not {type(loss).__name__}")
    if len(X) != len(y) or not X:
        raise ValueError(f"fit: X has {len(X)} samples and y has {len(y)}; "
                         "need the same number, at least one")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit: epochs must be an int >= 0, not {epochs!r}")
    if optimizer is None:
        parameters = getattr(model, "parameters", None)
        if parameters is None:
            raise TypeError("fit: pass an optimizer, or a model with a parameters() method")
        optimizer = Adam(parameters(), lr=0.01)
    _check_data(X, y)
    _check_outputs(model, X, loss)
    threshold = 0.5 if loss == "binary_cross_entropy" else 0.0
    measure = loss not in _REGRESSION and all(
        isinstance(t, (numbers.Real, Value)) and not isinstance(t, bool) for t in y)
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    size = batch_size if batch_size is not None else len(X)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(model, X, y, loss_fn, optimizer, epochs, size, scheduler, shuffle, rng,
                    progress, threshold, measure)
    finally:
        if gc_was_enabled:
            gc.enable()


class DivergedError(ArithmeticError):
    """`fit` stopped: the loss or a parameter became NaN or infinite. ``epoch`` and ``batch``
    (counted from 1) say where; ``history`` holds the epochs completed before."""

    def __init__(self, message: str, epoch: int, batch: int, history: list[EpochStats]) -> None:
        super().__init__(message)
        self.epoch, self.batch, self.history = epoch, batch, history


def _run(model: Callable[[Sequence[float]], Any], X: Sequence[Sequence[float]],
         y: Sequence[Any], loss_fn: Callable[[list[Any], list[Any]], Value],
         optimizer: Optimizer, epochs: int, size: int, scheduler: LRScheduler | None,
         shuffle: bool, rng: random.Random, progress: bool, threshold: float, measure: bool,
         ) -> list[EpochStats]:
    history: list[EpochStats] = []
    with tqdm(range(1, epochs + 1), desc="fit", unit="epoch", disable=not progress) as bar:
        for epoch in bar:
            lr = optimizer.lr
            total = 0.0
            hits = 0
            for b, (xb, yb) in enumerate(batches(X, y, size, shuffle=shuffle, seed=rng), 1):
                preds = [model(x) for x in xb]
                batch_loss = loss_fn(preds, yb)
                optimizer.zero_grad()
                batch_loss.backward()
                optimizer.step()
                _check_finite(batch_loss.data, optimizer.params, epoch, b, history)
                total += batch_loss.data * len(xb)
                if measure:
                    hits += sum(_correct(p, t, threshold, f"fit: epoch {epoch}, batch {b}, "
                                         f"sample {k} of the batch")
                                for k, (p, t) in enumerate(zip(preds, yb, strict=True)))
            stats: EpochStats = {"epoch": epoch, "loss": total / len(X),
                                 "accuracy": hits / len(X) if measure else None, "lr": lr}
            history.append(stats)
            if scheduler is not None:
                scheduler.step()
            shown = {"loss": f"{stats['loss']:.4f}"}
            if measure:
                shown["acc"] = f"{hits / len(X):.3f}"
            bar.set_postfix(shown)
    return history


def _check_finite(loss: float, params: Sequence[Value], epoch: int, batch: int,
                  history: list[EpochStats]) -> None:
    """Stop training where it diverged: a non-finite loss, or a parameter after the step."""
    where = f"in epoch {epoch}, batch {batch}"
    if not math.isfinite(loss):
        raise DivergedError(f"fit: the loss became {loss!r} {where}; the model is not "
                            "trained (try a smaller learning rate, or look for NaN in the data "
                            "with autograd.detect_anomaly())", epoch, batch, history)
    for p in params:
        if not math.isfinite(p.data):
            name = f" {p.label!r}" if p.label else ""
            raise DivergedError(f"fit: the parameter{name} became {p.data!r} after the "
                                f"optimizer's step {where}; the model is not trained (try a "
                                "smaller learning rate)", epoch, batch, history)


def _check_data(X: Sequence[Any], y: Sequence[Any]) -> None:
    """Refuse NaN and infinity anywhere in the training data, naming the sample."""
    for name, rows in (("X", X), ("y", y)):
        for i, row in enumerate(rows):
            stack: list[tuple[Any, str]] = [(row, f"{name}[{i}]")]
            while stack:
                item, where = stack.pop()
                if isinstance(item, (list, tuple)):
                    stack.extend((x, f"{where}[{k}]") for k, x in enumerate(item))
                elif isinstance(item, Value):
                    stack.append((item.data, where))
                elif isinstance(item, (int, float)) and not math.isfinite(item):
                    raise ValueError(f"fit: {where} is {item!r}; training data must be finite "
                                     f"numbers (sample {i})")


def _check_outputs(model: Callable[[Sequence[float]], Any], X: Sequence[Sequence[float]],
                   loss: object) -> None:
    """cross_entropy needs one output per class: say so before training, not in epoch 1."""
    if loss != "cross_entropy":
        return
    with no_grad():
        out = model(X[0])
    if isinstance(out, Value):
        raise ValueError("fit: loss='cross_entropy' needs one output per class, but the model "
                         "has one output; give its last layer one output per class, or use "
                         "loss='binary_cross_entropy_with_logits' for two classes")
