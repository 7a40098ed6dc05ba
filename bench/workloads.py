"""The workloads: what is timed, on which engines, and how each is cross-checked.

A `Workload` has a size for a full run and one for ``--quick``, its cases (one timed call each,
on one engine) and a check that runs every case once and raises AssertionError unless they
compute the same numbers. The cases on our engine use only the public API that 0.2.0.dev0 has
too, so that ``python -m bench --against OLD_CHECKOUT`` can run them on either version.

To add a workload, write its cases and check and add it to `WORKLOADS`; its goals go in
`bench.runner.GOALS`.
"""

from __future__ import annotations

import gc
import math
import random
import sys
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import mul
from typing import Any

import autograd
import autograd.nn
import autograd.optim
from bench import engines, gpt, worked
from bench.engines import COMPILED, FLOOR, MICROGPT, MICROGRAD, OURS, TANGENT, TORCH

SIZES = (2, 16, 16, 1)  # the MLP of workloads 1 and 2
ALPHA = 1e-4  # weight of the L2 term (micrograd's demo)
LR = 1e-3  # small, so that repeated steps leave the workload as it was
TOLERANCE = 1e-9

Call = Callable[[], object]


@dataclass(frozen=True)
class Case:
    name: str
    engine: str  # an engine of `bench.engines`, or FLOOR
    build: Callable[[Any], Call]  # size -> the timed call (set-up is not timed)


@dataclass(frozen=True)
class Workload:
    key: str
    title: str  # formatted with the size as {size}
    about: str
    full: Any  # the size of a full run
    quick: Any  # the size of --quick
    cases: tuple[Case, ...]
    check: Callable[[Any, list[str]], str]  # (size, engines that can run) -> what agreed
    processes: int | None = None  # pyperf worker processes, when fewer than the runner's
    values: int | None = None  # values per process, when fewer than the runner's

    def case(self, name: str) -> Case:
        return next(c for c in self.cases if c.name == name)


# ---------------------------------------------------------------------------------------------
# Data and weights, shared by every engine.

Weights = tuple[list[list[list[float]]], list[list[float]]]  # W[layer][out][in], B[layer][out]


def moons(n: int, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Two interleaved half circles with noise, labels -1 / +1 (like sklearn's make_moons)."""
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        t = rng.uniform(0.0, math.pi)
        x, y = (math.cos(t), math.sin(t)) if i % 2 else (1.0 - math.cos(t), 0.5 - math.sin(t))
        xs.append([x + rng.gauss(0.0, 0.1), y + rng.gauss(0.0, 0.1)])
        ys.append(1.0 if i % 2 else -1.0)
    return xs, ys


def init_weights(seed: int = 1) -> Weights:
    """micrograd's initialisation: weights uniform in [-1, 1], biases 0."""
    rng = random.Random(seed)
    W = [[[rng.uniform(-1.0, 1.0) for _ in range(nin)] for _ in range(nout)]
         for nin, nout in zip(SIZES, SIZES[1:], strict=False)]
    return W, [[0.0] * nout for nout in SIZES[1:]]


def flat_floats(W: Any, B: Any) -> list[float]:
    """Every parameter, layer by layer, neuron by neuron: its weights, then its bias."""
    return [p for Wl, Bl in zip(W, B, strict=True)
            for ws, b in zip(Wl, Bl, strict=True) for p in (*ws, b)]


Params = list[list[tuple[list[Any], Any]]]  # layer -> neuron -> (weights, bias)


def make_params(leaf: Callable[[float], Any], W: Any, B: Any) -> Params:
    return [[([leaf(w) for w in ws], leaf(b)) for ws, b in zip(Wl, Bl, strict=True)]
            for Wl, Bl in zip(W, B, strict=True)]


def flat(params: Params) -> list[Any]:
    return [p for layer in params for ws, b in layer for p in (*ws, b)]


def worst_difference(got: Sequence[float], want: Sequence[float], what: str) -> float:
    """The largest difference; AssertionError naming `what` if it exceeds the tolerance."""
    diffs = [abs(g - w) for g, w in zip(got, want, strict=True)]
    i = max(range(len(diffs)), key=diffs.__getitem__)
    if diffs[i] > TOLERANCE:
        raise AssertionError(f"{what}: value {i} is {got[i]!r}, expected {want[i]!r}")
    return diffs[i]


# ---------------------------------------------------------------------------------------------
# Workload 1: the same graph-building code for every engine, and its floor.


def generic_loss(params: Params, X: list[list[float]], Y: list[float]) -> Any:
    """Mean hinge loss of an MLP written with nothing but +, * and .relu()."""
    last = len(params) - 1
    losses = []
    for x, y in zip(X, Y, strict=True):
        h: list[Any] = x
        for l, layer in enumerate(params):
            out = []
            for ws, b in layer:
                act = b
                for w, xi in zip(ws, h, strict=True):
                    act = act + w * xi
                out.append(act.relu() if l < last else act)
            h = out
        losses.append((1 + -y * h[0]).relu())
    return sum(losses) * (1.0 / len(losses))


def floor_loss_and_grads(W: Any, B: Any, X: Any, Y: Any) -> tuple[float, list[float]]:
    """Workload 1 in plain floats: the mean hinge loss and its gradients (in `flat_floats`
    order), the backward pass written by hand."""
    gW = [[[0.0] * len(ws) for ws in Wl] for Wl in W]
    gB = [[0.0] * len(Bl) for Bl in B]
    scale, last, loss = 1.0 / len(X), len(W) - 1, 0.0
    for x, y in zip(X, Y, strict=True):
        inputs, pres = [], []  # each layer's input and pre-activation
        h = x
        for l in range(last + 1):
            z = [b + sum(map(mul, ws, h)) for ws, b in zip(W[l], B[l], strict=True)]
            inputs.append(h)
            pres.append(z)
            h = [v if v > 0.0 else 0.0 for v in z] if l < last else z
        margin = 1.0 - y * h[0]
        if margin <= 0.0:  # the hinge's relu is flat here: no gradient
            continue
        loss += margin * scale
        d = [-y * scale]  # d loss / d (output of layer l)
        for l in range(last, -1, -1):
            if l < last:
                d = [g if z > 0.0 else 0.0 for g, z in zip(d, pres[l], strict=True)]
            inp, d_in = inputs[l], [0.0] * len(inputs[l])
            for j, g in enumerate(d):
                if g != 0.0:
                    gB[l][j] += g
                    gW[l][j] = [a + g * xk for a, xk in zip(gW[l][j], inp, strict=True)]
                    d_in = [a + g * w for a, w in zip(d_in, W[l][j], strict=True)]
            d = d_in
    return loss, flat_floats(gW, gB)


def generic_case(engine: str) -> Case:
    def build(batch: int) -> Call:
        X, Y = moons(batch)
        if engine == FLOOR:
            W, B = init_weights()
            return lambda: floor_loss_and_grads(W, B, X, Y)
        params = make_params(engines.get(engine).leaf, *init_weights())

        def call() -> None:
            generic_loss(params, X, Y).backward()

        return call

    return Case(engine, engine, build)


GENERIC_ENGINES = (OURS, MICROGRAD, TORCH)


def check_generic(batch: int, names: list[str]) -> str:
    names = [n for n in names if n in GENERIC_ENGINES]
    X, Y = moons(batch)
    W, B = init_weights()
    want_loss, want = floor_loss_and_grads(W, B, X, Y)
    worst = 0.0
    for name in names:
        e = engines.get(name)
        params = make_params(e.leaf, W, B)
        loss = generic_loss(params, X, Y)
        loss.backward()
        got = [e.value(loss), *(e.grad(p) for p in flat(params))]
        worst = max(worst, worst_difference(got, [want_loss, *want], f"generic graph, {name}"))
    return (f"the loss and {len(want)} parameter gradients of {', '.join(names)} match the "
            f"floor to {worst:.1e}")


# ---------------------------------------------------------------------------------------------
# Workload 2: each engine's own MLP training step.


Step = tuple[Callable[[], float], Callable[[], list[float]]]  # (the step, the parameters now)


def ours_step(X: Any, Y: Any, W: Any, B: Any) -> Step:
    model = autograd.nn.MLP(SIZES[0], list(SIZES[1:]), activation="relu")
    params = model.parameters()
    for p, v in zip(params, flat_floats(W, B), strict=True):
        p.data = v
    opt = autograd.optim.SGD(params, lr=LR)

    def step() -> float:
        opt.zero_grad()
        scores: list[Any] = [model(x) for x in X]
        loss = autograd.nn.hinge_loss(scores, Y) + ALPHA * autograd.dot(params, params)
        loss.backward()
        opt.step()
        return loss.data

    return step, lambda: [p.data for p in params]


def micrograd_step(X: Any, Y: Any, W: Any, B: Any) -> Step:
    import micrograd.nn

    model = micrograd.nn.MLP(SIZES[0], list(SIZES[1:]))
    params = model.parameters()
    for p, v in zip(params, flat_floats(W, B), strict=True):
        p.data = v

    def step() -> float:  # as in micrograd's demo.ipynb
        model.zero_grad()
        scores = list(map(model, X))
        losses = [(1 + -y * s).relu() for y, s in zip(Y, scores, strict=True)]
        loss = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in params)
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        return float(loss.data)

    return step, lambda: [float(p.data) for p in params]


def floor_step(X: Any, Y: Any, W: Any, B: Any) -> Step:
    """One SGD step in plain floats: hinge + L2 loss, gradients, the update in place."""
    W, B = [[ws[:] for ws in Wl] for Wl in W], [b[:] for b in B]

    def step() -> float:
        loss, grads = floor_loss_and_grads(W, B, X, Y)
        g = iter(grads)  # in flat_floats order: each neuron's weights, then its bias
        for Wl, Bl in zip(W, B, strict=True):
            for j, ws in enumerate(Wl):
                loss += ALPHA * (sum(map(mul, ws, ws)) + Bl[j] * Bl[j])
                ws[:] = [w - LR * (next(g) + 2.0 * ALPHA * w) for w in ws]
                Bl[j] -= LR * (next(g) + 2.0 * ALPHA * Bl[j])
        return loss

    return step, lambda: flat_floats(W, B)


def compiled_step(X: Any, Y: Any, W: Any, B: Any) -> Step:
    """`ours_step`'s loss through ``autograd.compile``: the batch as arguments, the model's
    parameters read at each call (their ``.grad`` adds up), then the same SGD update."""
    model = autograd.nn.MLP(SIZES[0], list(SIZES[1:]), activation="relu")
    params = model.parameters()
    for p, v in zip(params, flat_floats(W, B), strict=True):
        p.data = v
    opt = autograd.optim.SGD(params, lr=LR)

    def loss(xs: list[list[Any]], ys: list[Any]) -> Any:
        scores: list[Any] = [model(x) for x in xs]
        return autograd.nn.hinge_loss(scores, ys) + ALPHA * autograd.dot(params, params)

    f = autograd.compile(loss)  # type: ignore[attr-defined, unused-ignore]
    f(X, Y)  # the trace (not timed); it leaves gradients, not an update
    opt.zero_grad()

    def step() -> float:
        opt.zero_grad()
        value, _ = f(X, Y)
        opt.step()
        return float(value)

    return step, lambda: [p.data for p in params]


STEPS = {OURS: ours_step, COMPILED: compiled_step, MICROGRAD: micrograd_step, FLOOR: floor_step}
MLP_OURS, MLP_COMPILED = "autograd nn.MLP", "autograd nn.MLP compiled"


def mlp_case(name: str, engine: str) -> Case:
    def build(batch: int) -> Call:
        return STEPS[engine](*moons(batch), *init_weights())[0]

    return Case(name, engine, build)


def check_mlp(batch: int, names: list[str]) -> str:
    """One step from the same weights: the loss and every parameter after the update agree."""
    X, Y = moons(batch)
    W, B = init_weights()
    results = {}
    for name in [n for n in names if n in STEPS]:
        step, values = STEPS[name](X, Y, W, B)
        results[name] = [step(), *values()]
    step, values = floor_step(X, Y, W, B)
    want, worst = [step(), *values()], 0.0
    for name, got in results.items():
        worst = max(worst, worst_difference(got, want, f"nn.MLP step, {name}"))
    text = (f"after one step from the same weights, the loss and all {len(want) - 1} "
            f"parameters of {', '.join(results)} match the floor to {worst:.1e}")
    if COMPILED in results and OURS in results:
        if results[COMPILED] != results[OURS]:
            raise AssertionError("nn.MLP step: the compiled step differs from the eager one")
        text += "; the compiled step gives the eager step's numbers to the bit"
    return text


# ---------------------------------------------------------------------------------------------
# Workload 3: the GPT step (the model is in bench/gpt.py).

GPT_GENERIC, GPT_IDIOMATIC = "autograd generic ops", "autograd idiomatic"
GPT_VARIANTS = {  # case -> (engine, idiomatic?)
    GPT_GENERIC: (OURS, False),
    GPT_IDIOMATIC: (OURS, True),
    MICROGPT: (MICROGPT, False),
    TORCH: (TORCH, False),
}


def variant(name: str) -> gpt.Variant:
    engine, idiomatic = GPT_VARIANTS[name]
    e = engines.get(engine)
    return gpt.Variant(name, e, gpt.Idiomatic() if idiomatic else gpt.Generic(e.value))


def gpt_case(name: str) -> Case:
    def build(cfg: gpt.Config) -> Call:
        v = variant(name)
        return gpt.step(v, v.params(gpt.init_weights(cfg)), gpt.tokenize(gpt.NAME), cfg)

    return Case(name, GPT_VARIANTS[name][0], build)


def check_gpt(cfg: gpt.Config, names: list[str]) -> str:
    found = [variant(n) for n, (e, _) in GPT_VARIANTS.items() if e in names]
    weights, tokens = gpt.init_weights(cfg), gpt.tokenize(gpt.NAME)
    text = gpt.check_agreement(found, weights, tokens, cfg)
    nodes = {v.name: gpt.count_nodes(v, weights, tokens, cfg) for v in found}
    text += "; nodes per step: " + ", ".join(f"{n} {c:,}" for n, c in nodes.items() if c)
    if MICROGRAD in names:
        try:
            mg = gpt.Variant(MICROGRAD, engines.get(MICROGRAD), gpt.Generic(engines.data_of))
            gpt.gpt_loss(mg.style, mg.params(weights), tokens, cfg)
        except AttributeError as e:
            text += f"; micrograd cannot run the model (`{e}`: no exp, no log)"
    return text


# ---------------------------------------------------------------------------------------------
# Workloads 4 and 5: a deep chain, a wide sum.


def chain(leaf: Callable[[float], Any], n: int) -> Any:
    """n ops in a row (alternately * and +), forward + backward; returns the leaf."""
    x = v = leaf(0.5)
    for _ in range(n // 2):
        v = v * 0.9999999
        v = v + 1e-7
    v.backward()
    return x


def floor_chain(n: int) -> float:
    v, local = 0.5, []
    for _ in range(n // 2):
        v = v * 0.9999999
        local.append(0.9999999)
        v = v + 1e-7
        local.append(1.0)
    g = 1.0
    for d in reversed(local):
        g *= d
    return g


def chain_case(engine: str) -> Case:
    def build(n: int) -> Call:
        if engine == FLOOR:
            return lambda: floor_chain(n)
        leaf = engines.get(engine).leaf
        return lambda: chain(leaf, n)

    return Case(engine, engine, build)


def check_chain(n: int, names: list[str]) -> str:
    want = floor_chain(n)
    got = engines.get(OURS).grad(chain(autograd.Value, n))
    if abs(got - want) > TOLERANCE:
        raise AssertionError(f"chain of {n:,}: d out / d x is {got!r}, expected {want!r}")
    text = f"autograd's d out / d x matches the floor's ({want:.6f}) to {abs(got - want):.1e}"
    short = min(n, 10_000)  # a micrograd chain of 1M would take ~700 MB before failing
    if MICROGRAD in names:
        try:
            chain(engines.get(MICROGRAD).leaf, short)
        except RecursionError:
            text += (f"; micrograd raises RecursionError on a chain of {short:,} already (its "
                     "topological sort is recursive; Python's recursion limit is "
                     f"{sys.getrecursionlimit():,}), so it is not timed")
    return text


SUM_FUSED, SUM_BUILTIN = "autograd.sum", "builtin sum"
SUMS: dict[str, Callable[[list[Any]], Any]] = {SUM_FUSED: autograd.sum, SUM_BUILTIN: sum}


def sum_case(name: str) -> Case:
    def build(n: int) -> Call:
        rng = random.Random(2)
        data = [rng.uniform(-1.0, 1.0) for _ in range(n)]
        if name == FLOOR:
            return lambda: (math.fsum(data), [1.0] * n)
        leaves = [autograd.Value(x) for x in data]
        total = SUMS[name]
        return lambda: total(leaves).backward()

    return Case(name, FLOOR if name == FLOOR else OURS, build)


def check_sum(n: int, names: list[str]) -> str:
    rng = random.Random(2)
    data = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    worst = 0.0
    for total in SUMS.values():
        leaves = [autograd.Value(x) for x in data]
        root = total(leaves)
        root.backward()
        got = [root.data, *(v.grad for v in leaves)]
        worst = max(worst, worst_difference(got, [math.fsum(data), *[1.0] * n], "wide sum"))
    return f"both sums and all {n:,} gradients (1.0) match the floor to {worst:.1e}"


# ---------------------------------------------------------------------------------------------
# Workload 6: the two-layer sigmoid network worked by hand (bench/worked.py).

WORKED_WAYS: dict[str, Callable[[], Callable[[list[float]], Any]]] = {
    FLOOR: lambda: worked.floor, OURS: worked.eager, COMPILED: worked.compiled,
    TANGENT: worked.tangent_ad,
}


def worked_case(engine: str) -> Case:
    def build(_: None) -> Call:
        call, p = WORKED_WAYS[engine](), list(worked.START)
        return lambda: call(p)

    return Case(engine, engine, build)


def check_worked(_: None, names: list[str]) -> str:
    p = list(worked.START)
    want_value, want = worked.floor(p)
    ways = [n for n in names if n in WORKED_WAYS]
    worst = 0.0
    for name in ways:
        got = WORKED_WAYS[name]()(p)
        got = (want_value, got) if name == TANGENT else (got[0], got[1][0]) \
            if name == COMPILED else got  # tangent: the gradient only; compile: (grads,)
        worst = max(worst, worst_difference([got[0], *got[1]], [want_value, *want],
                                            f"worked network, {name}"))
    if COMPILED in ways:
        value, grads = WORKED_WAYS[OURS]()(p)
        if WORKED_WAYS[COMPILED]()(p) != (value, (grads,)):
            raise AssertionError("worked network: compiled and eager differ")
    return (f"the error and its 10 gradients of {', '.join(ways)} match the hand-written "
            f"backward pass to {worst:.1e}"
            + ("; compiled and eager agree to the bit" if COMPILED in ways else ""))


# ---------------------------------------------------------------------------------------------
# Workload 7: tracing and compiling a big graph (workload 1's, at a larger batch).

TRACE_FULL, TRACE_HALF = "trace + compile", "trace + compile, half the batch"


def trace_case(name: str) -> Case:
    def build(batch: int) -> Call:
        X, Y = moons(batch if name == TRACE_FULL else batch // 2)
        params = make_params(autograd.Value, *init_weights())

        def call() -> Any:  # a new function each time: nothing is cached between calls
            return autograd.compile(  # type: ignore[attr-defined, unused-ignore]
                lambda xs, ys: generic_loss(params, xs, ys))(X, Y)

        return call

    return Case(name, COMPILED, build)


def check_trace(batch: int, names: list[str]) -> str:
    X, Y = moons(batch)
    params = make_params(autograd.Value, *init_weights())
    nodes = len(autograd.walk(generic_loss(params, X, Y)))
    if COMPILED not in names:
        return f"the graph has {nodes:,} nodes (compile is not in this version)"
    f = autograd.compile(  # type: ignore[attr-defined, unused-ignore]
        lambda xs, ys: generic_loss(params, xs, ys))
    traced = f(X, Y)[0]
    again = f(X, Y)[0]  # the compiled code
    if traced != again:
        raise AssertionError(f"trace: the compiled loss {again!r} is not the traced {traced!r}")
    lines = f.source.count("\n")
    return (f"the graph has {nodes:,} nodes, its code {lines:,} lines; the traced and the "
            "compiled loss agree to the bit")


# ---------------------------------------------------------------------------------------------
# Workload hooks: backward() on a graph without hooks, while a Value elsewhere has one.

HOOK_NONE, HOOK_ELSEWHERE, HOOK_HERE = ("no hook anywhere", "a hook on another Value",
                                        "a hook on a weight of this graph")


def hooked_graph(batch: int, where: str) -> tuple[Any, list[Any], tuple[Any, Any]]:
    """Workload 1's graph (built, not yet differentiated), its parameters, and (the hooked
    Value, the hook's handle) as `where` says, (None, None) for no hook. The hook returns None:
    the gradients are what they would be without it."""
    X, Y = moons(batch)
    params = make_params(autograd.Value, *init_weights())
    loss = generic_loss(params, X, Y)
    hooked = {HOOK_NONE: None, HOOK_ELSEWHERE: autograd.Value(1.0, "elsewhere"),
              HOOK_HERE: flat(params)[0]}[where]
    handle = None if hooked is None else hooked.register_hook(lambda g: None)
    return loss, flat(params), (hooked, handle)


def hooks_case(where: str) -> Case:
    def build(batch: int) -> Call:
        loss, _, held = hooked_graph(batch, where)

        def call() -> object:
            loss.backward()
            return held  # the hooked Value and its handle live as long as the call

        return call

    return Case(where, OURS, build)


def check_hooks(batch: int, names: list[str]) -> str:
    X, Y = moons(batch)
    want_loss, want = floor_loss_and_grads(*init_weights(), X, Y)
    worst = 0.0
    for where in (HOOK_NONE, HOOK_ELSEWHERE, HOOK_HERE):
        loss, params, (_, handle) = hooked_graph(batch, where)
        try:
            loss.backward()
        finally:
            if handle is not None:
                handle.remove()
        got = [loss.data, *(p.grad for p in params)]
        worst = max(worst, worst_difference(got, [want_loss, *want], f"hooks, {where}"))
    return (f"with no hook, a hook elsewhere and a hook on a weight, the loss and all "
            f"{len(want)} gradients match the floor to {worst:.1e}")


# ---------------------------------------------------------------------------------------------
# Memory: bytes per node of workload 1's graph.


def memory(batch: int, names: list[str]) -> dict[str, tuple[int, int]]:
    """(bytes held after the forward pass, nodes created) for each engine whose graph can be
    walked: tracemalloc around building workload 1's graph, parameters excluded. PyTorch keeps
    its graph in C++ memory, out of tracemalloc's sight: it is left out."""
    X, Y = moons(batch)
    out = {}
    for name in names:
        e = engines.get(name) if name in (OURS, MICROGRAD, MICROGPT) else None
        if e is None or e.walk is None:
            continue
        params = make_params(e.leaf, *init_weights())
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        root = generic_loss(params, X, Y)
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        existing = {id(p) for p in flat(params)}
        out[name] = (held, sum(1 for v in e.walk(root) if id(v) not in existing))
    return out


# ---------------------------------------------------------------------------------------------
# The table of workloads.

WORKLOADS = {w.key: w for w in (
    Workload(
        "generic", "Generic graph: MLP 2-16-16-1, batch {size}, mean hinge loss",
        "One function builds the graph from each engine's scalars with only `+`, `*` and "
        "`.relu()`; forward + backward. The floor is the same network in plain floats with a "
        "hand-written backward.",
        50, 10, tuple(generic_case(e) for e in (*GENERIC_ENGINES, FLOOR)), check_generic),
    Workload(
        "mlp", "nn.MLP training step: 2-16-16-1, batch {size}, hinge + L2 loss, SGD",
        "Zero the gradients, forward, loss, backward, update. autograd: `nn.MLP`, "
        "`nn.hinge_loss`, the L2 term as `autograd.dot(params, params)`, `optim.SGD`; "
        "micrograd: its `nn.MLP` and its demo's loss; the floor: plain floats.",
        50, 10, (mlp_case(MLP_OURS, OURS), mlp_case(MLP_COMPILED, COMPILED),
                 mlp_case("micrograd nn.MLP", MICROGRAD), mlp_case(FLOOR, FLOOR)), check_mlp),
    Workload(
        "gpt", "GPT step: microgpt's model (n_embd {size.n_embd}), one name, forward + backward",
        "`bench/gpt.py` writes the model once over a style: *generic ops* (`+ - * / **`, "
        "`exp`, `log`, `relu`, builtin `sum`) on any engine, or *idiomatic* on ours "
        "(`autograd.linear`, `dot`, `sum`, `nn.softmax`, `nn.cross_entropy`). The "
        "microgpt-style engine (`bench/microgpt_style.py`) is the reference.",
        gpt.Config(), gpt.TINY, tuple(gpt_case(n) for n in GPT_VARIANTS), check_gpt),
    Workload(
        "chain100k", "Deep chain of {size:,} ops (`v * c`, `v + c`), forward + backward",
        "A graph one node wide: the topological sort must not recurse.",
        100_000, 10_000, (chain_case(OURS), chain_case(FLOOR)), check_chain),
    Workload(
        "chain1m", "Deep chain of {size:,} ops, forward + backward",
        "The same chain, ten times longer; timed with fewer processes (a call takes seconds).",
        1_000_000, 20_000, (chain_case(OURS), chain_case(FLOOR)), check_chain,
        processes=2, values=1),
    Workload(
        "hooks", "backward() alone on workload 1's graph (batch {size}), with and without hooks",
        "A hook left on any Value once made every backward() pay for hooks; now only a graph "
        "that holds one should. The same graph, differentiated again each call (no forward).",
        50, 10, tuple(hooks_case(w) for w in (HOOK_NONE, HOOK_ELSEWHERE, HOOK_HERE)),
        check_hooks),
    Workload(
        "widesum", "Wide sum of {size:,} values, forward + backward",
        "`autograd.sum` makes one node; the builtin `sum` a chain of n nodes.",
        100_000, 10_000, (sum_case(SUM_FUSED), sum_case(SUM_BUILTIN), sum_case(FLOOR)),
        check_sum),
    Workload(
        "worked", "The two-layer sigmoid network worked by hand: one forward + backward",
        "The error of the 2-2-2 sigmoid network and its gradient for the 8 weights and 2 "
        "biases: by hand in plain floats (the floor), eagerly on Values, through "
        "`autograd.compile`, and by tangent-ad (gradient only; optional).",
        None, None, tuple(worked_case(e) for e in (FLOOR, COMPILED, OURS, TANGENT)),
        check_worked),
    Workload(
        "trace", "Trace + compile: workload 1's graph at batch {size} (about 100,000 nodes)",
        "A new `autograd.compile` of the generic loss, called once: the trace, the code and "
        "Python's compile of it (and the trace's own backward pass). Half the batch alongside, "
        "to see that the time grows linearly.",
        156, 10, (trace_case(TRACE_FULL), trace_case(TRACE_HALF)), check_trace,
        processes=2, values=2),
)}
