"""The GPT workload's model: microgpt's GPT, one training step on one name, on any scalar engine.

The algorithm is microgpt's (February 2026), written here from its published description: a
character-level GPT with token and position embeddings, rmsnorm, multi-head causal attention
over a key/value list that grows one position at a time, a relu MLP, residual connections, an
lm_head, and softmax cross-entropy averaged over the positions of one name. Sizes: 1 layer,
n_embd 16, 4 heads, block 16, a vocabulary of 27 (a-z and the mark that starts and ends a name);
4,192 parameters.

`gpt_loss` is written once over a style, an object that says how to write the few building
blocks (sum, dot product, linear map, rmsnorm, softmax, the loss):

- `Generic`: nothing but ``+ - * / **``, ``exp``, ``log``, ``relu`` and the builtin ``sum`` (with
  a Value start), so that it runs unchanged on any scalar engine: this one, the microgpt-style
  reference (`microgpt_style`), PyTorch 0-d tensors, micrograd (which cannot: no exp or log).
- `Idiomatic`: this engine as its documentation recommends: `autograd.linear` and
  `autograd.dot` (one node per dot product), `autograd.sum`, `nn.softmax` and `nn.cross_entropy`.

A `Variant` is one engine (`bench.engines`) with one style. `step` makes the timed call: zero
the gradients, forward over the name, backward (the optimizer update, the same plain-float loop
on any engine, is not part of it). `check_agreement` runs each variant once and compares the
loss and every parameter's gradient.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import autograd
from autograd import nn
from bench.engines import Engine, data_of

NAME = "jessica"  # the name of the timed step: 7 letters, 8 positions (the list's mean is 6.0)
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Config:
    vocab: int = 27
    n_embd: int = 16
    n_head: int = 4
    n_layer: int = 1
    block: int = 16

    @property
    def head_dim(self) -> int:
        return self.n_embd // self.n_head


TINY = Config(n_embd=8, n_head=2, block=8)  # for the test suite and --quick

Matrix = list[list[Any]]


def init_weights(cfg: Config, seed: int = 0) -> dict[str, list[list[float]]]:
    """Every matrix drawn from a normal distribution with standard deviation 0.08, as microgpt
    does; stored [out][in], like `torch.nn.Linear`."""
    rng = random.Random(seed)

    def matrix(rows: int, cols: int) -> list[list[float]]:
        return [[rng.gauss(0.0, 0.08) for _ in range(cols)] for _ in range(rows)]

    n = cfg.n_embd
    weights = {"wte": matrix(cfg.vocab, n), "wpe": matrix(cfg.block, n)}
    for i in range(cfg.n_layer):
        for part in ("wq", "wk", "wv", "wo"):
            weights[f"layer{i}.{part}"] = matrix(n, n)
        weights[f"layer{i}.fc1"] = matrix(4 * n, n)
        weights[f"layer{i}.fc2"] = matrix(n, 4 * n)
    weights["lm_head"] = matrix(cfg.vocab, n)
    return weights


def tokenize(name: str) -> list[int]:
    """A name as tokens: the boundary mark (26), its letters a-z (0-25), the mark again."""
    if not name.isascii() or not name.isalpha() or not name.islower():
        raise ValueError(f"tokenize: {name!r} is not a lowercase a-z name")
    return [26, *(ord(c) - ord("a") for c in name), 26]


# ---------------------------------------------------------------------------------------------
# Styles: how the building blocks are written.


class Generic:
    """The building blocks from generic ops only (any engine's scalars)."""

    def __init__(self, value: Callable[[Any], float]) -> None:
        self.value = value  # a scalar's number, for the max that softmax subtracts

    def sum(self, xs: Sequence[Any]) -> Any:
        return sum(xs[1:], xs[0])

    def dot(self, ws: Sequence[Any], xs: Sequence[Any]) -> Any:
        return self.sum([w * x for w, x in zip(ws, xs, strict=True)])

    def linear(self, w: Matrix, x: Sequence[Any]) -> list[Any]:
        return [self.dot(row, x) for row in w]

    def rmsnorm(self, x: Sequence[Any]) -> list[Any]:
        scale = (self.dot(x, x) / len(x) + 1e-5) ** -0.5
        return [xi * scale for xi in x]

    def softmax(self, logits: Sequence[Any]) -> list[Any]:
        m = max(map(self.value, logits))
        exps = [(v - m).exp() for v in logits]
        total = self.sum(exps)
        return [e / total for e in exps]

    def loss(self, rows: list[list[Any]], targets: list[int]) -> Any:
        """Mean over the positions of -log softmax(logits)[target]."""
        terms = [-self.softmax(row)[t].log() for row, t in zip(rows, targets, strict=True)]
        return self.sum(terms) / len(terms)


class Idiomatic(Generic):
    """This engine as its documentation recommends: fused nodes where they exist."""

    def __init__(self) -> None:
        super().__init__(data_of)

    def sum(self, xs: Sequence[Any]) -> Any:
        return autograd.sum(xs)

    def dot(self, ws: Sequence[Any], xs: Sequence[Any]) -> Any:
        return autograd.dot(ws, xs)

    def linear(self, w: Matrix, x: Sequence[Any]) -> list[Any]:
        return autograd.linear(w, x)

    def softmax(self, logits: Sequence[Any]) -> list[Any]:
        return nn.softmax(logits)

    def loss(self, rows: list[list[Any]], targets: list[int]) -> Any:
        return nn.cross_entropy(rows, targets)


# ---------------------------------------------------------------------------------------------
# The model.


def gpt_loss(style: Generic, params: dict[str, Matrix], tokens: list[int], cfg: Config) -> Any:
    """The mean cross-entropy of predicting each next token of `tokens` (one name)."""
    n = min(cfg.block, len(tokens) - 1)
    keys: list[list[list[Any]]] = [[] for _ in range(cfg.n_layer)]
    values: list[list[list[Any]]] = [[] for _ in range(cfg.n_layer)]
    rows = [logits(style, params, tokens[pos], pos, keys, values, cfg) for pos in range(n)]
    return style.loss(rows, tokens[1 : n + 1])


def logits(style: Generic, params: dict[str, Matrix], token: int, pos: int,
           keys: list[list[list[Any]]], values: list[list[list[Any]]], cfg: Config) -> list[Any]:
    """The next-token logits at position `pos`; appends this position's keys and values."""
    x = [t + p for t, p in zip(params["wte"][token], params["wpe"][pos], strict=True)]
    x = style.rmsnorm(x)
    hd = cfg.head_dim
    for i in range(cfg.n_layer):
        residual = x
        x = style.rmsnorm(x)
        q = style.linear(params[f"layer{i}.wq"], x)
        keys[i].append(style.linear(params[f"layer{i}.wk"], x))
        values[i].append(style.linear(params[f"layer{i}.wv"], x))
        heads: list[Any] = []
        for h in range(0, cfg.n_embd, hd):
            scores = [style.dot(q[h : h + hd], k[h : h + hd]) / hd**0.5 for k in keys[i]]
            weights = style.softmax(scores)
            heads += [style.dot(weights, [v[j] for v in values[i]]) for j in range(h, h + hd)]
        x = [a + b for a, b in zip(style.linear(params[f"layer{i}.wo"], heads), residual,
                                   strict=True)]
        residual = x
        hidden = [a.relu() for a in style.linear(params[f"layer{i}.fc1"], style.rmsnorm(x))]
        x = [a + b for a, b in zip(style.linear(params[f"layer{i}.fc2"], hidden), residual,
                                   strict=True)]
    return style.linear(params["lm_head"], x)


# ---------------------------------------------------------------------------------------------
# Variants, the step, and the agreement check.


@dataclass(frozen=True)
class Variant:
    """One engine and one style."""

    name: str
    engine: Engine
    style: Generic

    def params(self, weights: dict[str, list[list[float]]]) -> dict[str, Matrix]:
        leaf = self.engine.leaf
        return {k: [[leaf(x) for x in row] for row in m] for k, m in weights.items()}


def flat(params: dict[str, Matrix]) -> list[tuple[str, Any]]:
    """(name, leaf) for every parameter: ``wte[3][5]``, ..., in a fixed order."""
    return [(f"{k}[{i}][{j}]", p) for k, m in params.items()
            for i, row in enumerate(m) for j, p in enumerate(row)]


def step(variant: Variant, params: dict[str, Matrix], tokens: list[int],
         cfg: Config) -> Callable[[], float]:
    """One timed call: zero the gradients, the loss over one name, backward; returns the loss."""
    leaves = [p for _, p in flat(params)]
    style, cleared, value = variant.style, variant.engine.cleared, variant.engine.value

    def run() -> float:
        for p in leaves:
            p.grad = cleared
        loss = gpt_loss(style, params, tokens, cfg)
        loss.backward()
        return value(loss)

    return run


def check_agreement(found: list[Variant], weights: dict[str, list[list[float]]],
                    tokens: list[int], cfg: Config) -> str:
    """Run one step on each variant from the same weights; raise AssertionError if any loss
    or parameter gradient differs from the first variant's by more than 1e-9."""
    ref_loss, ref_grads, names = 0.0, [0.0], [""]
    worst = 0.0
    for k, v in enumerate(found):
        params = v.params(weights)
        loss = step(v, params, tokens, cfg)()
        pairs = flat(params)
        grads = [v.engine.grad(p) for _, p in pairs]
        if k == 0:
            ref_loss, ref_grads, names = loss, grads, [n for n, _ in pairs]
            if not math.isfinite(loss) or not any(grads):
                raise AssertionError(f"{v.name}: loss {loss!r}, gradients all zero?")
            continue
        if abs(loss - ref_loss) > TOLERANCE:
            raise AssertionError(f"GPT workload: {v.name} gives loss {loss!r}, "
                                 f"{found[0].name} {ref_loss!r}")
        diffs = [abs(a - b) for a, b in zip(grads, ref_grads, strict=True)]
        i = max(range(len(diffs)), key=diffs.__getitem__)
        if diffs[i] > TOLERANCE:
            raise AssertionError(f"GPT workload: {v.name} gives d loss / d {names[i]} = "
                                 f"{grads[i]!r}, {found[0].name} {ref_grads[i]!r}")
        worst = max(worst, abs(loss - ref_loss), diffs[i])
    return (f"the loss ({ref_loss:.6f}) and all {len(ref_grads):,} parameter gradients agree "
            f"across {', '.join(v.name for v in found)} to {worst:.1e} (tolerance {TOLERANCE:g})")


def count_nodes(variant: Variant, weights: dict[str, list[list[float]]], tokens: list[int],
                cfg: Config) -> int | None:
    """The nodes one step's graph adds: every node the loss depends on but the parameters
    (leaves made for plain numbers included), or None if the engine's graph cannot be walked."""
    if variant.engine.walk is None:
        return None
    params = variant.params(weights)
    nodes = variant.engine.walk(gpt_loss(variant.style, params, tokens, cfg))
    leaves = {id(p) for _, p in flat(params)}
    return sum(1 for v in nodes if id(v) not in leaves)
