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
import random
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypedDict

from tqdm import TqdmWarning

with warnings.catch_warnings():  # Jupyter without ipywidgets: tqdm falls back to text quietly
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm

from . import nn
from .data import batches
from .engine import Value, no_grad
from .optim import Adam, LRScheduler, Optimizer

__all__ = ["EpochStats", "accuracy", "fit"]

LOSSES: dict[str, Callable[..., Value]] = {
    "hinge": nn.hinge_loss,
    "mse": nn.mse_loss,
    "l1": nn.l1_loss,
    "binary_cross_entropy": nn.binary_cross_entropy,
    "binary_cross_entropy_with_logits": nn.binary_cross_entropy_with_logits,
    "cross_entropy": nn.cross_entropy,
}
"""The losses `fit` knows by name (PyTorch's names; ``'hinge'`` is micrograd's SVM loss)."""

_REGRESSION = {"mse", "l1"}


class EpochStats(TypedDict):
    """One entry of the history `fit` returns."""

    epoch: int  #: counted from 1
    loss: float  #: mean loss over the epoch's samples
    accuracy: float | None  #: share of the epoch's predictions that were right (None: regression)
    lr: float  #: the learning rate used in this epoch


def _correct(pred: Value | Sequence[Value], label: float, threshold: float) -> bool:
    if isinstance(pred, Value):  # one output: a score, positive class above the threshold
        return (pred.data > threshold) == (label > 0)
    scores = [p.data for p in pred]  # several outputs: the class with the largest score
    return scores.index(max(scores)) == label


def accuracy(model: Callable[[Sequence[float]], Any], X: Sequence[Sequence[float]],
             y: Sequence[float], threshold: float = 0.0) -> float:
    """The share of samples the model classifies right, evaluated under `no_grad`.

    One output: the prediction is "positive" when the score is above `threshold` (0 for scores
    or logits with labels -1/+1 or 0/1; use 0.5 for probabilities), and it is right when the
    label is positive (> 0) exactly then. Several outputs: right when the largest score is at
    index ``label``.
    """
    if len(X) != len(y):
        raise ValueError(f"accuracy: X has {len(X)} samples but y has {len(y)}")
    if not X:
        raise ValueError("accuracy: no samples")
    with no_grad():
        hits = sum(_correct(model(x), t, threshold) for x, t in zip(X, y, strict=True))
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
    threshold = 0.5 if loss == "binary_cross_entropy" else 0.0
    measure = loss not in _REGRESSION
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


def _run(model: Callable[[Sequence[float]], Any], X: Sequence[Sequence[float]],
         y: Sequence[Any], loss_fn: Callable[[list[Any], list[Any]], Value],
         optimizer: Optimizer, epochs: int, size: int, scheduler: LRScheduler | None,
         shuffle: bool, rng: random.Random, progress: bool, threshold: float, measure: bool,
         ) -> list[EpochStats]:
    history: list[EpochStats] = []
    bar = tqdm(range(1, epochs + 1), desc="fit", unit="epoch", disable=not progress)
    for epoch in bar:
        lr = optimizer.lr
        total = 0.0
        hits = 0
        for xb, yb in batches(X, y, size, shuffle=shuffle, seed=rng):
            preds = [model(x) for x in xb]
            batch_loss = loss_fn(preds, yb)
            optimizer.zero_grad()
            batch_loss.backward()
            optimizer.step()
            total += batch_loss.data * len(xb)
            if measure:
                hits += sum(_correct(p, t, threshold) for p, t in zip(preds, yb, strict=True))
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
