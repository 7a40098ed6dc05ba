"""Toy data sets, scaling, splits and mini-batches, in plain Python (no numpy needed).

Every generator is seeded: the same ``seed`` gives the same points. ``X`` is a list of samples,
each a list of features (``[x1, x2]``); ``y`` is a list of class labels (ints from 0).

`names` is a list of 5,163 first names (the U.S. Census Bureau's 1990 lists, in the public domain),
shipped with the package: the data set of the tiny GPT notebook, which learns to make up names.

Training on mini-batches (stochastic gradient descent, mini-batches and epochs): one *epoch* is
one pass over the training set; it is cut into *mini-batches*, and each batch gives one gradient
step. Stochastic gradient descent proper is the batch size 1 case.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Iterator, Sequence
from importlib import resources
from typing import TypeVar

__all__ = [
    "batches",
    "make_circles",
    "make_moons",
    "make_spiral",
    "min_max_scale",
    "names",
    "standardize",
    "train_test_split",
]

Seed = int | random.Random | None
"""An int seed, a `random.Random` to draw from, or None for fresh randomness."""

T = TypeVar("T")
U = TypeVar("U")


def _rng(seed: Seed) -> random.Random:
    return seed if isinstance(seed, random.Random) else random.Random(seed)


def _check_n(n: int, op: str, least: int = 1) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < least:
        raise ValueError(f"{op}: n must be an int >= {least}, not {n!r}")


def _is_number(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _check_noise(noise: object, op: str) -> None:
    if not _is_number(noise) or not 0.0 <= noise < math.inf:  # type: ignore[operator]
        raise ValueError(f"{op}: noise must be a finite number >= 0, not {noise!r}")


def _check_stats(stats: tuple[Sequence[float], Sequence[float]], op: str,
                 names: tuple[str, str]) -> tuple[list[float], list[float]]:
    """Statistics passed back in (for test data): two lists of finite numbers of one length."""
    if not isinstance(stats, (tuple, list)) or len(stats) != 2:
        raise ValueError(f"{op}: stats must be a pair ({names[0]}, {names[1]}) as {op} returns it")
    first, second = list(stats[0]), list(stats[1])
    if len(first) != len(second):
        raise ValueError(f"{op}: {names[0]} has {len(first)} entries but {names[1]} has "
                         f"{len(second)}")
    for name, column in zip(names, (first, second), strict=True):
        for j, x in enumerate(column):
            if not _is_number(x) or not math.isfinite(x):
                raise ValueError(f"{op}: {name}[{j}] = {x!r} is not a finite number")
    return [float(x) for x in first], [float(x) for x in second]


def _linspace(start: float, stop: float, n: int, endpoint: bool = True) -> list[float]:
    steps = (n - 1 if endpoint else n) or 1
    return [start + (stop - start) * i / steps for i in range(n)]


def _shuffled(points: list[list[float]], labels: list[int], rng: random.Random,
              noise: float) -> tuple[list[list[float]], list[int]]:
    order = list(range(len(points)))
    rng.shuffle(order)
    X = [[c + rng.gauss(0.0, noise) if noise else c for c in points[i]] for i in order]
    return X, [labels[i] for i in order]


def make_moons(n: int = 100, noise: float = 0.1, seed: Seed = 0
               ) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles (scikit-learn's shapes): class 0 on the upper arc
    (cos t, sin t), class 1 on the lower arc (1 - cos t, 0.5 - sin t), t in [0, pi]; Gaussian
    noise of standard deviation `noise` on each coordinate; shuffled."""
    _check_n(n, "make_moons")
    _check_noise(noise, "make_moons")
    n_out = n // 2
    n_in = n - n_out
    points = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_out)]
    points += [[1.0 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0.0, math.pi, n_in)]
    return _shuffled(points, [0] * n_out + [1] * n_in, _rng(seed), float(noise))


def make_circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: Seed = 0
                 ) -> tuple[list[list[float]], list[int]]:
    """A circle of radius 1 (class 0) around a circle of radius `factor` (class 1), points evenly
    spaced on each, Gaussian `noise` added, shuffled (scikit-learn's shapes)."""
    _check_n(n, "make_circles")
    _check_noise(noise, "make_circles")
    if not _is_number(factor) or not 0 <= factor < 1:
        raise ValueError(f"make_circles: factor must be in [0, 1), not {factor!r}")
    n_out = n // 2
    n_in = n - n_out
    points = [[math.cos(t), math.sin(t)]
              for t in _linspace(0.0, 2 * math.pi, n_out, endpoint=False)]
    points += [[factor * math.cos(t), factor * math.sin(t)]
               for t in _linspace(0.0, 2 * math.pi, n_in, endpoint=False)]
    return _shuffled(points, [0] * n_out + [1] * n_in, _rng(seed), float(noise))


def make_spiral(n: int = 300, classes: int = 3, noise: float = 0.2, seed: Seed = 0
                ) -> tuple[list[list[float]], list[int]]:
    """`classes` interleaved spiral arms (the CS231n data set), n points in all: arm k has radius
    r going 0 -> 1 and angle 4k + 4r (plus Gaussian `noise` on the angle), point
    (r sin angle, r cos angle). Not linearly separable: a test for a multi-class MLP."""
    _check_n(n, "make_spiral")
    _check_noise(noise, "make_spiral")
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 2:
        raise ValueError(f"make_spiral: classes must be an int >= 2, not {classes!r}")
    rng = _rng(seed)
    points: list[list[float]] = []
    labels: list[int] = []
    for k in range(classes):
        count = n // classes + (1 if k < n % classes else 0)
        for r in _linspace(0.0, 1.0, count):
            angle = 4.0 * (k + r) + (rng.gauss(0.0, noise) if noise else 0.0)
            points.append([r * math.sin(angle), r * math.cos(angle)])
            labels.append(k)
    return _shuffled(points, labels, rng, 0.0)


def _columns(X: object, op: str) -> list[list[float]]:
    """X as a list of feature columns; checks it is a non-empty table of finite numbers."""
    if isinstance(X, (str, bytes)) or not isinstance(X, Sequence) or not X:
        raise ValueError(f"{op}: X must be a non-empty list of samples")
    width = None
    for i, row in enumerate(X):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise ValueError(f"{op}: sample {i} is a {type(row).__name__}, not a list of "
                             "features (for one feature, write [[x] for x in values])")
        if width is None:
            width = len(row)
        if len(row) != width or not row:
            raise ValueError(f"{op}: sample {i} has {len(row)} features; sample 0 has {width}")
        for j, x in enumerate(row):
            if not _is_number(x) or not math.isfinite(x):
                raise ValueError(f"{op}: X[{i}][{j}] = {x!r} is not a finite number")
    return [[float(row[j]) for row in X] for j in range(width or 0)]


def _apply(X: Sequence[Sequence[float]], shift: Sequence[float], scale: Sequence[float],
           op: str) -> list[list[float]]:
    _columns(X, op)
    if not len(X[0]) == len(shift) == len(scale):
        raise ValueError(f"{op}: the statistics are for {len(shift)} features, "
                         f"X has {len(X[0])}")
    return [[(x - s) / c for x, s, c in zip(row, shift, scale, strict=True)] for row in X]


def standardize(X: Sequence[Sequence[float]],
                stats: tuple[Sequence[float], Sequence[float]] | None = None
                ) -> tuple[list[list[float]], tuple[list[float], list[float]]]:
    """Standardization: each feature becomes (x_i - mu) / sigma, mu the feature's
    mean and sigma its standard deviation over the samples (the population form, dividing by
    n, as scikit-learn's StandardScaler). A constant feature (sigma = 0) is only centred.

    Returns ``(scaled X, (mu, sigma))``. Scale test data with the *training* statistics::

        X_train, stats = standardize(X_train)
        X_test, _ = standardize(X_test, stats)
    """
    if stats is None:
        cols = _columns(X, "standardize")
        mu = [math.fsum(c) / len(c) for c in cols]
        sigma = [math.sqrt(math.fsum((x - m) ** 2 for x in c) / len(c)) for c, m in zip(
            cols, mu, strict=True)]
        stats = (mu, [s if s > 0.0 else 1.0 for s in sigma])
    mean, std = _check_stats(stats, "standardize", ("mu", "sigma"))
    if any(not s > 0.0 for s in std):
        raise ValueError(f"standardize: standard deviations must be > 0, got {std}")
    return _apply(X, mean, std, "standardize"), (mean, std)


def min_max_scale(X: Sequence[Sequence[float]],
                  stats: tuple[Sequence[float], Sequence[float]] | None = None
                  ) -> tuple[list[list[float]], tuple[list[float], list[float]]]:
    """Min-max normalization: each feature becomes (x_i - min(x)) / (max(x) - min(x)), which
    maps the training data into [0, 1]. A constant feature becomes 0.

    Returns ``(scaled X, (min, max))``; pass those statistics back to scale test data the same
    way (test values may then fall a little outside [0, 1]).
    """
    if stats is None:
        cols = _columns(X, "min_max_scale")
        stats = ([min(c) for c in cols], [max(c) for c in cols])
    lo, hi = _check_stats(stats, "min_max_scale", ("min", "max"))
    if any(not h >= l for l, h in zip(lo, hi, strict=False)):
        raise ValueError("min_max_scale: expected (min, max) lists with max >= min")
    span = [h - l if h > l else 1.0 for l, h in zip(lo, hi, strict=True)]
    return _apply(X, lo, span, "min_max_scale"), (lo, hi)


def train_test_split(X: Sequence[T], y: Sequence[U], test_size: int | float = 0.25,
                     seed: Seed = 0) -> tuple[list[T], list[T], list[U], list[U]]:
    """Shuffle, then hold out a test set: returns ``X_train, X_test, y_train, y_test``
    (scikit-learn's order). `test_size` is a fraction (rounded up) or a number of samples."""
    if len(X) != len(y):
        raise ValueError(f"train_test_split: X has {len(X)} samples but y has {len(y)}")
    n = len(X)
    if not _is_number(test_size):
        raise ValueError(f"train_test_split: test_size must be a number, not {test_size!r}")
    if isinstance(test_size, int):
        n_test = test_size
    elif 0.0 < test_size < 1.0:
        n_test = math.ceil(test_size * n)
    else:
        raise ValueError(f"train_test_split: a fractional test_size must be in (0, 1), "
                         f"not {test_size!r}")
    if not 0 < n_test < n:
        raise ValueError(f"train_test_split: test_size={test_size!r} leaves {n_test} of {n} "
                         "samples for testing; both sets must be non-empty")
    order = list(range(n))
    _rng(seed).shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def batches(X: Sequence[T], y: Sequence[U], batch_size: int, shuffle: bool = True,
            seed: Seed = None) -> Iterator[tuple[list[T], list[U]]]:
    """One epoch of mini-batches ``(X_batch, y_batch)``, every sample exactly once; the last
    batch is smaller when `batch_size` does not divide the number of samples.

    With ``shuffle=True`` the order is random. To get a different order every epoch that is
    still reproducible, make one ``rng = random.Random(0)`` and pass ``seed=rng`` each epoch.
    """
    if len(X) != len(y):
        raise ValueError(f"batches: X has {len(X)} samples but y has {len(y)}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batches: batch_size must be a positive int, not {batch_size!r}")
    order = list(range(len(X)))
    if shuffle:
        _rng(seed).shuffle(order)
    chunks = [order[k:k + batch_size] for k in range(0, len(order), batch_size)]
    return (([X[i] for i in idx], [y[i] for i in idx]) for idx in chunks)


def names() -> list[str]:
    """5,163 first names, lowercase ``a``-``z`` only, in alphabetical order.

    They are the U.S. Census Bureau's 1990 lists of female and male first names (a work of the
    U.S. government, in the public domain), each name once; ``scripts/make_names.py`` says how
    ``autograd/names.txt`` was built from them. Shuffle them yourself (``random.Random(0)``)
    before training on them.
    """
    text = resources.files("autograd").joinpath("names.txt").read_text(encoding="ascii")
    return text.split()
