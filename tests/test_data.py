"""autograd.data (generators, seed 004 §2.3.4 scaling, splits, mini-batches) and autograd.train."""

from __future__ import annotations

import gc
import math
import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from autograd.data import (
    batches,
    make_circles,
    make_moons,
    make_spiral,
    min_max_scale,
    standardize,
    train_test_split,
)
from autograd.nn import MLP, mse_loss
from autograd.optim import SGD, StepLR
from autograd.train import accuracy, fit

# --- generators -----------------------------------------------------------------------------


def test_moons_shape_labels_and_seed() -> None:
    X, y = make_moons(101, noise=0.1, seed=3)
    assert len(X) == len(y) == 101 and all(len(x) == 2 for x in X)
    assert y.count(0) == 50 and y.count(1) == 51
    assert make_moons(101, noise=0.1, seed=3) == (X, y)
    assert make_moons(101, noise=0.1, seed=4) != (X, y)


def test_moons_without_noise_lie_on_the_two_arcs() -> None:
    X, y = make_moons(40, noise=0.0, seed=0)
    for (a, b), label in zip(X, y, strict=True):
        if label == 0:  # upper arc: centre (0, 0), radius 1, b >= 0
            assert math.hypot(a, b) == pytest.approx(1.0) and b >= -1e-12
        else:  # lower arc: centre (1, 0.5), radius 1, b <= 0.5
            assert math.hypot(a - 1.0, b - 0.5) == pytest.approx(1.0) and b <= 0.5 + 1e-12
    assert sorted(X) != X  # shuffled


def test_circles_and_spiral() -> None:
    X, y = make_circles(60, noise=0.0, factor=0.3, seed=0)
    radii = {label: {round(math.hypot(*x), 12) for x, t in zip(X, y, strict=True) if t == label}
             for label in (0, 1)}
    assert radii == {0: {1.0}, 1: {0.3}}
    X, y = make_spiral(100, classes=4, seed=2)
    assert sorted(set(y)) == [0, 1, 2, 3] and len(X) == 100
    assert [y.count(k) for k in range(4)] == [25, 25, 25, 25]
    assert all(math.hypot(*x) <= 1.0 + 1e-12 for x in X)
    assert make_spiral(100, classes=4, seed=2) == (X, y)


def test_generator_errors() -> None:
    with pytest.raises(ValueError, match="make_moons: n must be an int >= 1"):
        make_moons(0)
    with pytest.raises(ValueError, match="noise must be a finite number >= 0"):
        make_moons(10, noise=-1.0)
    with pytest.raises(ValueError, match=r"factor must be in \[0, 1\)"):
        make_circles(10, factor=1.5)
    with pytest.raises(ValueError, match="classes must be an int >= 2"):
        make_spiral(10, classes=1)


# --- seed 004 §2.3.4: standardisation and normalisation ---------------------------------------


def test_standardize_follows_the_tutorials_formula() -> None:
    X = [[1.0, 10.0], [2.0, 10.0], [3.0, 40.0], [6.0, 20.0]]
    Z, (mu, sigma) = standardize(X)
    assert mu == [3.0, 20.0]
    assert sigma == [math.sqrt((4 + 1 + 0 + 9) / 4), math.sqrt((100 + 100 + 400 + 0) / 4)]
    assert [z[0] for z in Z] == [(x[0] - 3.0) / sigma[0] for x in X]  # (x_i - mu) / sigma
    for j in range(2):
        col = [z[j] for z in Z]
        assert math.fsum(col) == pytest.approx(0.0, abs=1e-15)
        assert math.fsum(c * c for c in col) / len(col) == pytest.approx(1.0, rel=1e-15)
    test, stats = standardize([[3.0, 30.0]], (mu, sigma))  # test data, training statistics
    assert test == [[0.0, 10.0 / sigma[1]]] and stats == (mu, sigma)


def test_min_max_scale_follows_the_tutorials_formula() -> None:
    X = [[1.0, -2.0], [3.0, 0.0], [5.0, 6.0]]
    Z, (lo, hi) = min_max_scale(X)
    assert (lo, hi) == ([1.0, -2.0], [5.0, 6.0])
    assert Z == [[0.0, 0.0], [0.5, 0.25], [1.0, 1.0]]  # (x_i - min) / (max - min)
    assert min_max_scale([[7.0, 2.0]], (lo, hi))[0] == [[1.5, 0.5]]


def test_scaling_edge_cases_and_errors() -> None:
    Z, (mu, sigma) = standardize([[5.0, 1.0], [5.0, 3.0]])
    assert [z[0] for z in Z] == [0.0, 0.0] and sigma[0] == 1.0  # constant column: centred
    assert [z[0] for z in min_max_scale([[5.0], [5.0]])[0]] == [0.0, 0.0]
    with pytest.raises(ValueError, match="sample 1 has 1 features; sample 0 has 2"):
        standardize([[1.0, 2.0], [3.0]])
    with pytest.raises(ValueError, match=r"X\[0\]\[1\] = nan is not a finite number"):
        min_max_scale([[1.0, float("nan")]])
    with pytest.raises(ValueError, match="not a list of features"):
        standardize([1.0, 2.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="statistics are for 2 features, X has 1"):
        standardize([[1.0]], ([0.0, 0.0], [1.0, 1.0]))


@given(st.lists(st.lists(st.floats(-1e6, 1e6), min_size=3, max_size=3), min_size=2,
                max_size=20))
def test_min_max_maps_training_data_into_unit_interval(X: list[list[float]]) -> None:
    Z, _ = min_max_scale(X)
    assert all(0.0 <= z <= 1.0 for row in Z for z in row)


# --- splits and mini-batches ----------------------------------------------------------------


def test_train_test_split() -> None:
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, seed=1)
    assert len(X_te) == 3 and len(X_tr) == 7  # ceil(0.25 * 10)
    assert sorted(y_tr + y_te) == y
    assert all(x == [float(t)] for x, t in zip(X_tr + X_te, y_tr + y_te, strict=True))
    assert train_test_split(X, y, test_size=0.25, seed=1) == (X_tr, X_te, y_tr, y_te)
    assert len(train_test_split(X, y, test_size=4)[1]) == 4
    with pytest.raises(ValueError, match="X has 10 samples but y has 9"):
        train_test_split(X, y[:9])
    with pytest.raises(ValueError, match="both sets must be non-empty"):
        train_test_split(X, y, test_size=10)
    with pytest.raises(ValueError, match=r"must be in \(0, 1\)"):
        train_test_split(X, y, test_size=1.5)


@given(st.integers(1, 40), st.integers(1, 12), st.booleans(), st.integers(0, 9))
def test_batches_cover_every_sample_once(n: int, size: int, shuffle: bool, seed: int) -> None:
    X = [[float(i)] for i in range(n)]
    y = list(range(n))
    got = list(batches(X, y, size, shuffle=shuffle, seed=seed))
    assert [len(yb) for _, yb in got] == [min(size, n - k) for k in range(0, n, size)]
    seen = [t for _, yb in got for t in yb]
    assert sorted(seen) == y
    assert all(xb == [[float(t)] for t in yb] for xb, yb in got)
    if not shuffle:
        assert seen == y
    assert list(batches(X, y, size, shuffle=shuffle, seed=seed)) == got


def test_batches_differ_per_epoch_with_one_generator() -> None:
    X, y = list(range(20)), list(range(20))
    rng = random.Random(0)
    first = [yb for _, yb in batches(X, y, 5, seed=rng)]
    second = [yb for _, yb in batches(X, y, 5, seed=rng)]
    assert first != second
    rng = random.Random(0)
    assert [yb for _, yb in batches(X, y, 5, seed=rng)] == first
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        batches(X, y, 0)  # checked when called, not when first iterated


# --- fit and accuracy -------------------------------------------------------------------------


def test_accuracy_sign_threshold_and_argmax() -> None:
    def one(x: list[float]) -> Value:
        return Value(x[0])

    assert accuracy(one, [[2.0], [-1.0], [0.5]], [1, -1, -1]) == pytest.approx(2 / 3)
    assert accuracy(one, [[2.0], [-1.0], [0.5]], [1, 0, 0], threshold=0.6) == 1.0

    def three(x: list[float]) -> list[Value]:
        return [Value(v) for v in x]

    assert accuracy(three, [[0.1, 0.7, 0.2], [3.0, 1.0, 2.0]], [1, 2]) == 0.5
    with pytest.raises(ValueError, match="X has 2 samples but y has 1"):
        accuracy(one, [[1.0], [2.0]], [1])


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_accuracy_over_nan_raises_naming_the_sample(bad: float) -> None:
    """A NaN output once counted as a right "negative", and a NaN logit never won the argmax:
    a diverged model scored 1.0."""
    def one(x: list[float]) -> Value:
        return Value(x[0])

    with pytest.raises(ValueError, match=rf"accuracy: sample 1: the model's output is {bad!r}"):
        accuracy(one, [[-1.0], [bad], [-2.0]], [-1, -1, -1])

    def three(x: list[float]) -> list[Value]:
        return [Value(v) for v in x]

    with pytest.raises(ValueError, match=rf"accuracy: sample 0, output 1: the model's output "
                       rf"is {bad!r}"):
        accuracy(three, [[2.0, bad, 0.5]], [0])  # class 0 has the largest finite score
    model = MLP(2, [3, 3], seed=0)
    model.layers[-1].neurons[2].b.data = math.nan  # a real model with one NaN logit
    with pytest.raises(ValueError, match="accuracy: sample 0, output 2: the model's output is "
                       "nan"):
        accuracy(model, [[0.5, 0.5]], [0])


def test_accuracy_refuses_labels_it_cannot_score() -> None:
    def three(x: list[float]) -> list[Value]:
        return [Value(v) for v in x]

    X = [[0.1, 0.7, 0.2], [3.0, 1.0, 2.0]]
    with pytest.raises(ValueError, match="sample 1: the label 3 is not a class index in 0..2"):
        accuracy(three, X, [1, 3])
    with pytest.raises(ValueError, match="sample 0: the label 0.5 is not a class index"):
        accuracy(three, X, [0.5, 0])
    with pytest.raises(ValueError, match="sample 1: the label is nan; expected a finite"):
        accuracy(lambda x: Value(x[0]), [[1.0], [2.0]], [1, math.nan])
    with pytest.raises(TypeError, match="sample 0: the label is a str"):
        accuracy(three, X, ["a", 0])  # type: ignore[list-item]
    assert accuracy(three, X, [1.0, 0.0]) == 1.0  # whole floats are class indices


def test_fit_history_progress_bar_and_scheduler(capsys: pytest.CaptureFixture[str]) -> None:
    X, labels = make_moons(40, noise=0.1, seed=0)
    y = [2 * t - 1 for t in labels]
    model = MLP(2, [8, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.2, momentum=0.9)
    was_enabled = gc.isenabled()
    history = fit(model, X, y, optimizer=opt, epochs=6, batch_size=16,
                  scheduler=StepLR(opt, 3, 0.5), progress=True)
    assert gc.isenabled() == was_enabled
    assert [h["epoch"] for h in history] == [1, 2, 3, 4, 5, 6]
    assert [h["lr"] for h in history] == [0.2, 0.2, 0.2, 0.1, 0.1, 0.1]
    assert history[-1]["loss"] < history[0]["loss"]
    assert all(0.0 <= (h["accuracy"] or 0.0) <= 1.0 for h in history)
    err = capsys.readouterr().err
    assert "loss=" in err and "acc=" in err and "6/6" in err


def test_fit_with_multi_class_callable_loss_and_regression() -> None:
    X, y = make_spiral(30, classes=3, seed=0)
    model = MLP(2, [8, 3], seed=1)
    history = fit(model, X, y, loss="cross_entropy", epochs=3, progress=False)
    assert history[0]["accuracy"] is not None and history[-1]["loss"] < history[0]["loss"]

    reg = MLP(1, [4, 1], seed=0)
    xs = [[i / 10] for i in range(10)]
    ts = [2 * x[0] + 1 for x in xs]
    hist = fit(reg, xs, ts, loss="mse", epochs=20, progress=False)
    assert hist[-1]["accuracy"] is None and hist[-1]["loss"] < hist[0]["loss"]

    calls: list[int] = []

    def my_loss(preds: list[Any], targets: list[Any]) -> Value:
        calls.append(len(preds))
        return mse_loss(preds, targets)

    fit(reg, xs, ts, loss=my_loss, epochs=2, batch_size=4, progress=False)
    assert calls == [4, 4, 2, 4, 4, 2]

    two = MLP(1, [4, 2], seed=0)  # two outputs, a target pair each: no accuracy to measure
    pairs = [[x[0], -x[0]] for x in xs]
    hist = fit(two, xs, pairs, loss=mse_loss, epochs=2, progress=False)
    assert [h["accuracy"] for h in hist] == [None, None]


def test_fit_errors() -> None:
    model = MLP(1, [1], seed=0)
    with pytest.raises(ValueError, match="unknown loss 'huber'"):
        fit(model, [[1.0]], [1.0], loss="huber")
    with pytest.raises(ValueError, match="X has 1 samples and y has 2"):
        fit(model, [[1.0]], [1.0, 2.0])
    with pytest.raises(ValueError, match="must be -1 or \\+1"):
        fit(model, [[1.0], [2.0]], [0, 1], loss="hinge", progress=False)


# --- names ----------------------------------------------------------------------------------


def test_names_ship_with_the_package() -> None:
    from autograd.data import names

    got = names()
    assert len(got) == 5163
    assert got == sorted(set(got))  # each name once, alphabetical
    assert all(n.isascii() and n.isalpha() and n.islower() for n in got)
    assert {"mary", "james", "emma", "zoe"} <= set(got)
    assert set("".join(got)) == set("abcdefghijklmnopqrstuvwxyz")  # a vocabulary of 26 + 1
    assert max(map(len, got)) + 1 <= 16  # every name and its end mark fit a block of 16
