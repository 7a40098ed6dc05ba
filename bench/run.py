#!/usr/bin/env python3
"""Time this engine side by side with micrograd, PyTorch scalar tensors and plain floats.

    python bench/run.py              # medians of 5, writes bench/results.md  (or: make bench)
    python bench/run.py --quick      # small sizes, one repeat: the CI smoke test (writes
                                     # build/bench-quick.md, never bench/results.md)

Everything runs in one process, and the engines take turns inside every repeat, so that a busy
machine slows them all alike. Workloads:

1. generic graph: one function builds an MLP 2-16-16-1 with ``+``, ``*`` and ``.relu()`` over
   whatever scalars it is given, batch 50, mean hinge loss; forward + backward.
2. each engine's own ``nn.MLP`` training step (zero grads, forward, loss, backward, SGD update).
3. a GPT training step: microgpt's model on one name, forward + backward (``bench/gpt.py``), on
   this engine (generic ops, and idiomatic), a microgpt-style engine and PyTorch scalars.
4. a deep chain of 100k and 1M ops, forward + backward.
5. a wide sum of 100k values: the builtin ``sum`` against ``autograd.sum``.
6. memory per node for the graph of workload 1 (tracemalloc).

micrograd (``pip install micrograd==0.1.0``, the ``bench`` extra) and PyTorch (the ``torch`` extra)
are optional: a missing one is skipped with a note. Times are the CPU time of this process
(``time.process_time``), which other programs on a shared machine do not inflate; ``--wall``
uses the wall clock instead. The garbage collector stays on (see `run_interleaved`); workloads
1, 3 and 4 are timed once more with it off, to show what it costs each engine.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import math
import platform
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import mul
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure the working tree, installed or not

import gpt  # noqa: E402  (bench/gpt.py: the GPT workload)

import autograd  # noqa: E402

try:
    import micrograd.engine
    import micrograd.nn
except ImportError:  # pragma: no cover - depends on the environment
    micrograd = None  # type: ignore[assignment]

try:
    import torch
except ImportError:  # pragma: no cover - depends on the environment
    torch = None  # type: ignore[assignment]

try:
    import autograd.nn as ag_nn
    import autograd.optim as ag_optim
except ImportError:  # pragma: no cover - nn and optim land separately
    ag_nn = ag_optim = None  # type: ignore[assignment]

OURS, MICROGRAD, TORCH, FLOOR = "autograd", "micrograd", "torch scalar", "plain floats"
SIZES = (2, 16, 16, 1)
ALPHA = 1e-4  # L2 weight of micrograd's demo loss, used by every training step
LR = 1e-3  # small, so that a few timed steps leave the workload as it was

# ---------------------------------------------------------------------------------------------
# Engines: how to make a leaf, run backward and read numbers, for each scalar type.


@dataclass
class Engine:
    name: str
    make: Callable[[float], Any]  # a leaf from a float
    value: Callable[[Any], float]
    grad: Callable[[Any], float]
    walk: Callable[[Any], list[Any]] | None  # every node a root depends on, None if unknown

    @staticmethod
    def backward(v: Any) -> None:
        v.backward()

    def zero_grad(self, params: list[Any]) -> None:
        for p in params:
            p.grad = None if self.name == TORCH else 0.0


def _micrograd_walk(root: Any) -> list[Any]:
    out, seen = [root], {id(root)}
    for v in out:  # the list grows while we read it: a breadth-first walk
        for p in v._prev:
            if id(p) not in seen:
                seen.add(id(p))
                out.append(p)
    return out


def engines() -> tuple[list[Engine], list[str]]:
    """The scalar engines available here, and notes on the ones that are not."""
    found = [Engine(OURS, autograd.Value, gpt.data_of, gpt.grad_of, autograd.walk)]
    notes = []
    if micrograd is not None:
        found.append(Engine(MICROGRAD, micrograd.engine.Value, gpt.data_of, gpt.grad_of,
                            _micrograd_walk))
    else:
        notes.append("micrograd skipped: not installed (`pip install 'autograd-scalar[bench]'`).")
    if torch is not None:
        torch.set_num_threads(1)
        found.append(Engine(TORCH, gpt.torch_leaf, gpt.torch_value, gpt.torch_grad, None))
    else:
        notes.append("PyTorch skipped: not installed (`pip install 'autograd-scalar[torch]'`).")
    return found, notes


# ---------------------------------------------------------------------------------------------
# Data and weights, shared by every engine.


def moons(n: int, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Two interleaved half circles with noise, labels -1 / +1 (like sklearn's make_moons)."""
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        t = rng.uniform(0.0, math.pi)
        if i % 2:
            x = [math.cos(t), math.sin(t)]
        else:
            x = [1.0 - math.cos(t), 0.5 - math.sin(t)]
        xs.append([x[0] + rng.gauss(0.0, 0.1), x[1] + rng.gauss(0.0, 0.1)])
        ys.append(1.0 if i % 2 else -1.0)
    return xs, ys


def init_weights(seed: int = 1) -> tuple[list[list[list[float]]], list[list[float]]]:
    """micrograd's initialisation: weights uniform in [-1, 1], biases 0. W[l][j][k], B[l][j]."""
    rng = random.Random(seed)
    W = [[[rng.uniform(-1.0, 1.0) for _ in range(nin)] for _ in range(nout)]
         for nin, nout in zip(SIZES, SIZES[1:], strict=False)]
    B = [[0.0] * nout for nout in SIZES[1:]]
    return W, B


def copy_weights(W: list[list[list[float]]], B: list[list[float]]) -> tuple[Any, Any]:
    return [[row[:] for row in layer] for layer in W], [b[:] for b in B]


Params = list[list[tuple[list[Any], Any]]]  # layer -> neuron -> (weights, bias)


def make_params(make: Callable[[float], Any], W: Sequence[Any], B: Sequence[Any]) -> Params:
    return [[([make(w) for w in ws], make(b)) for ws, b in zip(Wl, Bl, strict=True)]
            for Wl, Bl in zip(W, B, strict=True)]


def flat(params: Params) -> list[Any]:
    return [p for layer in params for ws, b in layer for p in (*ws, b)]


# ---------------------------------------------------------------------------------------------
# Workload 1: the same graph-building code for every engine.


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


class Counted:
    """A scalar that only counts the ops made with it: the common op count of a graph."""

    ops = 0
    __slots__ = ("data",)

    def __init__(self, data: float) -> None:
        self.data = data

    def _new(self, data: float) -> Counted:
        Counted.ops += 1
        return Counted(data)

    def __add__(self, other: Any) -> Counted:
        return self._new(self.data + getattr(other, "data", other))

    def __mul__(self, other: Any) -> Counted:
        return self._new(self.data * getattr(other, "data", other))

    __radd__, __rmul__ = __add__, __mul__

    def relu(self) -> Counted:
        return self._new(max(self.data, 0.0))


def count_ops(build: Callable[[Callable[[float], Any]], Any]) -> int:
    Counted.ops = 0
    build(Counted)
    return Counted.ops


# ---------------------------------------------------------------------------------------------
# The floor: the same MLP in plain floats, backward written out by hand.


def floor_loss_and_grads(
    W: list[list[list[float]]], B: list[list[float]], X: list[list[float]], Y: list[float]
) -> tuple[float, list[list[list[float]]], list[list[float]]]:
    """Mean hinge loss and its gradients, with lists of floats and explicit loops."""
    gW = [[[0.0] * len(ws) for ws in Wl] for Wl in W]
    gB = [[0.0] * len(Bl) for Bl in B]
    scale = 1.0 / len(X)
    last = len(W) - 1
    loss = 0.0
    for x, y in zip(X, Y, strict=True):
        inputs, pres = [], []  # each layer's input and pre-activation
        h = x
        for l in range(last + 1):
            z = [b + sum(map(mul, ws, h)) for ws, b in zip(W[l], B[l], strict=True)]
            inputs.append(h)
            pres.append(z)
            h = [v if v > 0.0 else 0.0 for v in z] if l < last else z
        margin = 1.0 - y * h[0]
        if margin <= 0.0:  # relu of the hinge is flat here: no gradient
            continue
        loss += margin * scale
        d = [-y * scale]  # d loss / d (output of layer l)
        for l in range(last, -1, -1):
            if l < last:  # through the relu
                d = [g if z > 0.0 else 0.0 for g, z in zip(d, pres[l], strict=True)]
            inp, Wl, gWl, gBl = inputs[l], W[l], gW[l], gB[l]
            d_in = [0.0] * len(inp)
            for j, g in enumerate(d):
                if g == 0.0:
                    continue
                gBl[j] += g
                gWl[j] = [acc + g * xk for acc, xk in zip(gWl[j], inp, strict=True)]
                d_in = [acc + g * w for acc, w in zip(d_in, Wl[j], strict=True)]
            d = d_in
    return loss, gW, gB


def floor_step(W: list[list[list[float]]], B: list[list[float]], X: Any, Y: Any) -> float:
    """One SGD step in plain floats: hinge + L2 loss, gradients, update in place."""
    loss, gW, gB = floor_loss_and_grads(W, B, X, Y)
    for Wl, gWl, Bl, gBl in zip(W, gW, B, gB, strict=True):
        for ws, gws in zip(Wl, gWl, strict=True):
            loss += ALPHA * sum(map(mul, ws, ws))
            ws[:] = [w - LR * (g + 2.0 * ALPHA * w) for w, g in zip(ws, gws, strict=True)]
        loss += ALPHA * sum(map(mul, Bl, Bl))
        Bl[:] = [b - LR * (g + 2.0 * ALPHA * b) for b, g in zip(Bl, gBl, strict=True)]
    return loss


# ---------------------------------------------------------------------------------------------
# Workload 2: each engine's own MLP training step.


def set_params(params: Sequence[Any], values: Sequence[float]) -> None:
    if len(params) != len(values):
        raise ValueError(f"{len(params)} parameters but {len(values)} values")
    for p, v in zip(params, values, strict=True):
        p.data = v


def flat_floats(W: Any, B: Any) -> list[float]:
    return [p for Wl, Bl in zip(W, B, strict=True)
            for ws, b in zip(Wl, Bl, strict=True) for p in (*ws, b)]


def ours_step(X: Any, Y: Any, W: Any, B: Any) -> Callable[[], float] | None:
    """autograd.nn.MLP (a fused `dot` node per neuron), nn.hinge_loss, L2 as one `dot` node,
    optim.SGD."""
    if ag_nn is None or ag_optim is None:
        return None
    model = ag_nn.MLP(SIZES[0], list(SIZES[1:]))
    params = model.parameters()
    set_params(params, flat_floats(W, B))
    opt = ag_optim.SGD(params, lr=LR)

    def step() -> float:
        opt.zero_grad()
        scores: list[Any] = [model(x) for x in X]
        loss = ag_nn.hinge_loss(scores, Y) + ALPHA * autograd.dot(params, params)
        loss.backward()
        opt.step()
        return loss.data

    return step


def micrograd_step(X: Any, Y: Any, W: Any, B: Any) -> Callable[[], float]:
    model = micrograd.nn.MLP(SIZES[0], list(SIZES[1:]))
    params = model.parameters()
    set_params(params, flat_floats(W, B))

    def step() -> float:  # as in micrograd's demo.ipynb
        model.zero_grad()
        scores = list(map(model, X))
        losses = [(1 + -y * s).relu() for y, s in zip(Y, scores, strict=True)]
        loss = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in params)
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        return float(loss.data)

    return step


def torch_step(X: Any, Y: Any, W: Any, B: Any, engine: Engine) -> Callable[[], float]:
    """PyTorch has no scalar MLP: the generic code over 0-d tensors, plus L2 and SGD."""
    params = make_params(engine.make, W, B)
    ps = flat(params)

    def step() -> float:
        for p in ps:
            p.grad = None
        loss = generic_loss(params, X, Y) + ALPHA * sum(p * p for p in ps)
        loss.backward()
        with torch.no_grad():
            for p in ps:
                p -= LR * p.grad
        return float(loss.item())

    return step


# ---------------------------------------------------------------------------------------------
# Workloads 3 and 4: a deep chain, a wide sum.


def chain(engine: Engine, n: int) -> float:
    """n ops in a row (alternately * and +), forward + backward; returns d out / d x."""
    x = engine.make(0.5)
    v = x
    for _ in range(n // 2):
        v = v * 0.9999999
        v = v + 1e-7
    engine.backward(v)
    return engine.grad(x)


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


def recursion_depth(engine: Engine, high: int = 1 << 14) -> int | None:
    """The shortest chain whose backward raises RecursionError (bisection), or None."""
    def fails(n: int) -> bool:
        try:
            chain(engine, n)
        except RecursionError:
            return True
        return False

    if not fails(high):
        return None
    low = 2  # chain(2) works
    while high - low > 2:  # chains have even lengths
        mid = (low + high) // 4 * 2
        low, high = (low, mid) if fails(mid) else (mid, high)
    return high


def pairwise_sum(values: list[Any]) -> Any:
    """A balanced tree of additions: log2(n) deep, so recursive engines survive it."""
    while len(values) > 1:
        paired = [a + b for a, b in zip(values[::2], values[1::2], strict=False)]
        values = paired + values[len(values) - len(values) % 2:]
    return values[0]


# ---------------------------------------------------------------------------------------------
# Timing and memory.


CLOCK = time.process_time


def run_interleaved(cases: dict[str, Callable[[], Any]], repeats: int,
                    gc_off: bool = False) -> dict[str, list[float]]:
    """Seconds per call of each case, cases taking turns in every repeat.

    Objects alive before the run (imported modules: PyTorch alone brings ~150,000) are moved out
    of the collector's sight with `gc.freeze()`, so that a full collection costs what the
    workload itself allocated, whichever libraries happen to be loaded. Each case gets one
    warm-up call; a cheap case (under 0.1 s) also gets an untimed call right before each timed
    one, since what the previous engine left in the caches and the allocator can slow the next
    short call by half (seen after PyTorch). ``gc_off`` times the calls with the collector
    disabled, to show what it costs.
    """
    gc.collect()
    gc.freeze()
    settle = {}
    for name, fn in cases.items():
        gc.collect()
        t0 = CLOCK()
        fn()
        settle[name] = CLOCK() - t0 < 0.1
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            if settle[name]:
                fn()
            gc.collect()
            if gc_off:
                gc.disable()
            try:
                t0 = CLOCK()
                fn()
                times[name].append(CLOCK() - t0)
            finally:
                gc.enable()
    return times


def graph_memory(build: Callable[[], Any], walk: Callable[[Any], list[Any]] | None,
                 existing: list[Any]) -> tuple[int, int, int | None]:
    """(bytes still held after building the graph, peak bytes while building it, nodes the
    build created: the graph walk minus the `existing` parameters)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    root = build()
    held, peak = (b - before for b in tracemalloc.get_traced_memory())
    tracemalloc.stop()
    if walk is None:
        return held, peak, None
    old = {id(p) for p in existing}
    return held, peak, sum(1 for v in walk(root) if id(v) not in old)


# ---------------------------------------------------------------------------------------------
# Report.


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f}" if seconds >= 0.01 else f"{seconds * 1e3:,.2f}"


def median(times: list[float]) -> float:
    return statistics.median(times)


def tree_state() -> str:
    """The commit measured, and whether autograd/ had uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "autograd"], cwd=ROOT,
                               text=True, capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "(not a git checkout)"
    return f"commit {head}" + (" with uncommitted changes in autograd/" if dirty else "")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.goals: list[str] = []
        self.headlines: list[str] = []  # measurements for the README that are not goals

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)
        for line in lines:
            print(line, flush=True)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.add("| " + " | ".join(header) + " |",
                 "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
        self.add(*("| " + " | ".join(row) + " |" for row in rows))
        self.add("")

    def headline(self, text: str) -> None:
        self.headlines.append(text)

    def goal(self, text: str, ok: bool | None, measured: str) -> None:
        status = "SKIP" if ok is None else "PASS" if ok else "FAIL"
        self.goals.append(f"- **{status}** {text}: {measured}")


def timing_rows(times: dict[str, list[float]], ours: str) -> list[list[str]]:
    """Median, range and the ratio to our median for each case."""
    base = median(times[ours])
    rows = []
    for name, ts in times.items():
        m = median(ts)
        ratio = "1" if name == ours else f"{m / base:.2f}"
        rows.append([name, ms(m), f"{ms(min(ts))} – {ms(max(ts))}", ratio])
    return rows


TIME_HEADER = ["engine", "median ms", "min – max ms", "time / ours"]


# ---------------------------------------------------------------------------------------------
# The run: one function per section of the report.


@dataclass
class Run:
    """What the sections of the report share: sizes, engines, data, and the report itself."""

    quick: bool
    repeats: int
    batch: int
    depths: list[int]
    width: int
    found: list[Engine]
    notes: list[str]
    X: list[list[float]]
    Y: list[float]
    W: list[list[list[float]]]
    B: list[list[float]]
    rep: Report = field(default_factory=Report)
    machine: list[str] = field(default_factory=list)  # the header's lines about the set-up

    @property
    def by_name(self) -> dict[str, Engine]:
        return {e.name: e for e in self.found}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true",
                        help="one repeat and small sizes (a smoke test, ~30 s)")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats (default 9)")
    parser.add_argument("--wall", action="store_true",
                        help="time with the wall clock instead of this process's CPU time")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the Markdown report (default bench/results.md; "
                        "with --quick, build/bench-quick.md, so that a smoke test never "
                        "overwrites the full results)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    global CLOCK
    CLOCK = time.perf_counter if args.wall else time.process_time
    quick = args.quick
    out: Path = args.out or ROOT / ("build/bench-quick.md" if quick else "bench/results.md")
    found, notes = engines()
    X, Y = moons(10 if quick else 50)
    W, B = init_weights()
    run = Run(quick, args.repeats or (1 if quick else 9), 10 if quick else 50,
              [10_000] if quick else [100_000, 1_000_000], 10_000 if quick else 100_000,
              found, notes, X, Y, W, B)
    header(run, args)
    ops = generic_graph(run)
    own_step(run)
    gpt_step(run)
    deep_chain(run)
    run.rep.add(f"## 5. Wide sum of {run.width:,} values, forward + backward", "")
    run.rep.add(*wide_sum(run.rep, run.by_name, run.width, run.repeats))
    memory(run, ops)
    finish(run, out)
    return 0


def header(run: Run, args: argparse.Namespace) -> None:
    command = "python bench/run.py" + (" --quick" if run.quick else "")
    if args.repeats:
        command += f" --repeats {args.repeats}"
    if args.wall:
        command += " --wall"
    run.machine = [
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}",
        f"- CPU: {cpu_model()}",
        f"- autograd {autograd.__version__} ({tree_state()}), micrograd "
        + ("0.1.0" if micrograd is not None else "missing") + ", torch "
        + (torch.__version__ + " (float64, 1 thread)" if torch is not None else "missing"),
        *(f"- {note}" for note in run.notes)]
    run.rep.add(
        "# Benchmarks", "",
        f"Reproduce with `{command}` (full run: `make bench`). Medians of {run.repeats} "
        "interleaved repeats in one process after one warm-up call each (calls under "
        "0.1 s also get an untimed call right before each timed one), in "
        + ("wall-clock time" if args.wall else "CPU time of the process "
           "(`time.process_time`: other programs on the machine do not inflate it)")
        + ". The garbage collector stays on, as users have it; objects alive before a workload "
        "(imported modules) are frozen out of its sight (`gc.freeze()`), and an untimed "
        "`gc.collect()` runs before each call, so no engine pays for another's garbage (nor "
        "micrograd for collecting its own cyclic graphs, which favours it). The machine may be "
        "shared with other work: CPU time keeps their load out of the figures, but not its "
        "effect on the caches, so compare ratios within one run.", "", *run.machine, "")


def generic_graph(run: Run) -> int:
    """Section 1; returns the number of ops of the graph (section 6 divides by it)."""
    rep, W, B, X, Y = run.rep, run.W, run.B, run.X, run.Y
    params = {e.name: make_params(e.make, W, B) for e in run.found}

    def generic(e: Engine) -> Callable[[], float]:
        def call() -> float:
            loss = generic_loss(params[e.name], X, Y)
            e.backward(loss)
            return e.value(loss)

        return call

    cases: dict[str, Callable[[], Any]] = {e.name: generic(e) for e in run.found}
    cases[FLOOR] = lambda: floor_loss_and_grads(W, B, X, Y)[0]
    ops = count_ops(lambda make: generic_loss(make_params(make, W, B), X, Y))
    check = cross_check(run.found, params, W, B, X, Y)
    rep.add(f"## 1. Generic graph: MLP 2-16-16-1, batch {run.batch}, mean hinge loss, "
            "forward + backward", "",
            f"The same function builds the graph from each engine's scalars ({ops:,} ops: "
            "`+`, `*`, `.relu()`); the floor is the same network in plain floats with a "
            f"hand-written backward. {check}", "")
    t1 = run_interleaved(cases, run.repeats)
    t1_off = run_interleaved(cases, run.repeats, gc_off=True)
    rows = timing_rows(t1, OURS)
    for row, off in zip(rows, timing_rows(t1_off, OURS), strict=True):
        row += [off[1], off[3]]
    rep.table([*TIME_HEADER, "median ms, gc off", "time / ours, gc off"], rows)
    ratio_goals(rep, t1)
    return ops


def own_step(run: Run) -> None:
    """Section 2: each engine's own MLP training step."""
    rep, X, Y, W, B = run.rep, run.X, run.Y, run.W, run.B
    rep.add(f"## 2. Own MLP training step: 2-16-16-1, batch {run.batch}, hinge + L2 loss, "
            "backward, SGD", "")
    goal = "own nn.MLP training step at most 1.5x the plain-float floor"
    ours_name = OURS + " (nn.MLP, fused dot)"
    steps: dict[str, Callable[[], float]] = {}
    ours = ours_step(X, Y, W, B)
    if ours is not None:
        steps[ours_name] = ours
    else:
        rep.add("autograd.nn or autograd.optim is missing: our row is missing.", "")
    if MICROGRAD in run.by_name:
        steps[MICROGRAD + " (nn.MLP)"] = micrograd_step(X, Y, W, B)
    if TORCH in run.by_name:
        steps[TORCH + " (generic code)"] = torch_step(X, Y, W, B, run.by_name[TORCH])
    fW, fB = copy_weights(W, B)
    steps[FLOOR] = lambda: floor_step(fW, fB, X, Y)
    losses = {name: step() for name, step in steps.items()}  # the first step, from W and B
    spread = max(losses.values()) - min(losses.values())
    if spread > 1e-9:
        raise AssertionError(f"the training steps disagree on the first loss: {losses}")
    rep.add("Each step starts from the same weights; the first step's loss agrees across "
            f"engines to {spread:.1e}. autograd uses `nn.MLP`, `nn.hinge_loss`, the L2 term as "
            "one `dot` node and `optim.SGD`; micrograd its `nn.MLP` and the loss of its demo "
            "notebook; PyTorch has no scalar MLP, so it runs the generic code of workload 1 "
            "over 0-d tensors.", "")
    t2 = run_interleaved(steps, run.repeats)
    if ours is None:
        rep.table(["engine", "median ms"], [[n, ms(median(t))] for n, t in t2.items()])
        rep.goal(goal, None, "autograd.nn.MLP missing")
        return
    rep.table(TIME_HEADER, timing_rows(t2, ours_name))
    ratio = median(t2[ours_name]) / median(t2[FLOOR])
    rep.goal(goal, ratio <= 1.5, f"{ratio:.2f}x the floor")


def gpt_step(run: Run) -> None:
    """Section 3: microgpt's model, one name, forward + backward, on every engine."""
    rep = run.rep
    cfg = gpt.TINY if run.quick else gpt.Config()
    weights = gpt.init_weights(cfg)
    tokens = gpt.tokenize(gpt.NAME)
    found, notes = gpt.variants()
    check = gpt.check_agreement(found, weights, tokens, cfg)
    n_params = sum(len(row) for m in weights.values() for row in m)
    rep.add(f"## 3. GPT training step: microgpt's model ({cfg.n_layer} layer, n_embd "
            f"{cfg.n_embd}, {cfg.n_head} heads, block {cfg.block}, vocabulary {cfg.vocab}; "
            f"{n_params:,} parameters) on one name, forward + backward", "",
            f"`bench/gpt.py` writes the model once; each row runs it on one engine: the "
            f"cross-entropy of predicting each next letter of {gpt.NAME!r} "
            f"({len(tokens) - 1} positions, attention over a growing key/value list), then "
            "backward, gradients zeroed first. *Generic ops*: `+ - * / **`, `exp`, `log`, "
            "`relu` and the builtin `sum` with a Value start, unchanged on every engine; "
            "*idiomatic*: our engine as its docs recommend (`autograd.linear`, `autograd.dot`, "
            "`autograd.sum`, `nn.softmax`, `nn.cross_entropy` on the fused `logsumexp` node). "
            "The microgpt-style engine (`bench/microgpt_style.py`) is written for this "
            "benchmark from microgpt's published description: `__slots__` nodes with their "
            "children and local gradients, an iterative topological sort.", "",
            check, "", *(f"- {note}" for note in notes), "")
    cases = {v.name: gpt.step(v, v.params(weights), tokens, cfg) for v in found}
    t = run_interleaved(cases, run.repeats)
    t_off = run_interleaved(cases, run.repeats, gc_off=True)
    ref = median(t[gpt.REFERENCE])
    ref_off = median(t_off[gpt.REFERENCE])
    rows = []
    for v in found:
        on, off = median(t[v.name]), median(t_off[v.name])
        nodes = gpt.count_nodes(v, weights, tokens, cfg)
        rows.append([v.name, f"{nodes:,}" if nodes is not None else "n/a", ms(on),
                     f"{ms(min(t[v.name]))} – {ms(max(t[v.name]))}", f"{ref / on:.2f}",
                     ms(off), f"{ref_off / off:.2f}"])
    rep.table(["engine", "nodes", "median ms", "min – max ms", "speed-up over microgpt-style",
               "median ms, gc off", "speed-up, gc off"], rows)
    adam = gpt.adam_update(weights)
    rep.add(f"Not included above: one `optim.Adam` update of the {n_params:,} parameters, "
            f"{ms(median(run_interleaved({'adam': adam}, run.repeats)['adam']))} ms on our "
            "engine (plain-float arithmetic, the same on any engine).", "")
    parts = [f"{v.name} {ms(median(t[v.name]))} ms"
             + ("" if v.name == gpt.REFERENCE else f" ({faster(ref, median(t[v.name]))})")
             for v in found]
    rep.headline("GPT training step, forward + backward on one name, median CPU time (speed-up "
                 f"over the microgpt-style engine): {'; '.join(parts)}. " + " ".join(notes))
    for name, factor in ((gpt.OURS_GENERIC, 4.0), (gpt.OURS_IDIOMATIC, 8.0)):
        speedup = ref / median(t[name])
        rep.goal(f"GPT step, {name}, at least {factor:g}x faster than the microgpt-style "
                 "engine", speedup >= factor, f"{speedup:.2f}x faster")


def faster(reference: float, seconds: float) -> str:
    """``2.15x faster`` or ``4.85x slower``: how `seconds` compares with the reference time."""
    if seconds <= reference:
        return f"{reference / seconds:.2f}x faster"
    return f"{seconds / reference:.2f}x slower"


def deep_chain(run: Run) -> None:
    """Section 4: chains of 100k and 1M ops; micrograd's recursion limit."""
    rep, by_name = run.rep, run.by_name
    rep.add("## 4. Deep chain: n ops in a row (`v * c`, `v + c`), forward + backward", "")
    rows = []
    on: dict[int, float] = {}
    off: dict[int, float] = {}
    full: dict[int, int] = {}
    depth = recursion_depth(by_name[MICROGRAD]) if MICROGRAD in by_name else None
    for n in run.depths:
        cases = {OURS: partial(chain, by_name[OURS], n)}
        if TORCH in by_name and n <= 100_000:
            cases[TORCH] = partial(chain, by_name[TORCH], n)
        cases[FLOOR] = partial(floor_chain, n)
        t = run_interleaved(cases, run.repeats)
        t_off = run_interleaved(cases, run.repeats, gc_off=True)
        on[n], off[n] = median(t[OURS]), median(t_off[OURS])
        full[n] = full_collections(cases[OURS])
        for row, row_off in zip(timing_rows(t, OURS), timing_rows(t_off, OURS), strict=True):
            rows.append([f"{n:,}", *row, row_off[1]])
        if TORCH in by_name and n > 100_000:
            rows.append([f"{n:,}", TORCH, "not run (time)", "", "", ""])
        if MICROGRAD in by_name:
            rows.append([f"{n:,}", MICROGRAD,
                         f"RecursionError at depth {depth:,}" if depth else "?", "", "", ""])
    rep.table(["n", *TIME_HEADER, "median ms, gc off"], rows)
    if depth is not None:
        rep.add(f"micrograd's recursive topological sort raises RecursionError from a chain of "
                f"{depth:,} ops on (bisection; Python's recursion limit is "
                f"{sys.getrecursionlimit():,}), so it was not timed on long chains.", "")
    goal = "1M-node chain completes (an explicit stack, no recursion)"
    if 1_000_000 not in on:
        rep.goal(goal, None, "not run in quick mode")
        return
    growth, growth_off = on[1_000_000] / on[100_000], off[1_000_000] / off[100_000]
    text = (f"1M / 100k: {growth:.2f}x with the garbage collector on, {growth_off:.2f}x with it "
            "off (10x is linear). A measurement, not a goal: the excess is CPython's "
            "collector. It runs a full collection, a walk over every live node, at most every "
            "70,000 allocations, and only once the objects that reached the oldest generation "
            "since the last one exceed a quarter of those it kept: "
            f"{full[100_000]} full collection(s) while the 100k chain is built and "
            f"backpropagated, {full[1_000_000]} for the 1M chain, each over a heap up to ten "
            "times larger. Nodes hold references, so CPython tracks them and the engine cannot "
            "opt out. "
            + ("With the collector off the ratio is close to linear: the rest is caches."
               if growth_off <= 11.0 else
               "With the collector off the ratio is above linear too in this run: the 1M "
               "chain's nodes (over 100 MB) outgrow the CPU caches, and on a machine shared "
               "with other work they compete with it for them."))
    rep.add(text, "")
    rep.headline(f"1M-node chain: {ms(on[1_000_000])} ms; 1M / 100k = {growth:.2f}x with "
                 f"the collector on ({full[1_000_000]} full collections against "
                 f"{full[100_000]}), {growth_off:.2f}x with it off; 10x is linear. A "
                 "measurement, not a goal: CPython's collector walks every live node in a full "
                 "collection, and the nodes outgrow the caches (bench/results.md, section 4).")
    rep.goal(goal, True, f"completed in {ms(on[1_000_000])} ms")


def full_collections(fn: Callable[[], Any]) -> int:
    """How many full (generation 2) collections CPython runs during one untimed call of fn."""
    count = 0

    def callback(phase: str, info: dict[str, int]) -> None:
        nonlocal count
        if phase == "start" and info["generation"] == 2:
            count += 1

    gc.collect()
    gc.freeze()
    gc.callbacks.append(callback)
    try:
        fn()
    finally:
        gc.callbacks.remove(callback)
    return count


def memory(run: Run, ops: int) -> None:
    """Section 6: bytes per node of the graph of section 1."""
    rep = run.rep
    rep.add(f"## 6. Memory: the graph of workload 1 (batch {run.batch}), tracemalloc", "",
            "Bytes still allocated after the forward pass (the graph, held for backward; the "
            "peak while building it is close), divided by the nodes the engine created (a "
            f"graph walk, parameters excluded) and by the {ops:,} ops the code performs.", "")
    mem_rows, per_node = [], {}
    for e in run.found:
        fresh = make_params(e.make, run.W, run.B)
        held, peak, nodes = graph_memory(partial(generic_loss, fresh, run.X, run.Y), e.walk,
                                         flat(fresh))
        if nodes is None:
            mem_rows.append([e.name, "n/a", "n/a", "n/a", "n/a", "n/a (tensors live in C++ "
                             "memory, which tracemalloc does not see)"])
            continue
        per_node[e.name] = held / nodes
        mem_rows.append([e.name, f"{held:,}", f"{peak:,}", f"{nodes:,}",
                         f"{held / nodes:,.0f}", f"{held / ops:,.0f}"])
    rep.table(["engine", "bytes held", "peak bytes", "nodes", "bytes / node", "bytes / op"],
              mem_rows)
    ours = per_node[OURS]
    versus = (f" (micrograd: {per_node[MICROGRAD]:.0f}, 1/{per_node[MICROGRAD] / ours:.1f} of "
              "it)" if MICROGRAD in per_node else "")
    rep.goal(f"memory per node no worse than the {MEMORY_OF_RECORD} bytes of record "
             "(commit a1694cb)", round(ours) <= MEMORY_OF_RECORD,
             f"{ours:.0f} bytes per node{versus}")


MEMORY_OF_RECORD = 119  # bytes per node of workload 1 in the full run at commit a1694cb


def finish(run: Run, out: Path) -> None:
    """The goals, the report file, and (a full run of record) the README's bench block."""
    rep = run.rep
    if run.quick:  # tiny sizes and one repeat: a smoke test, not a measurement of record
        rep.goals = [f"{g} (quick run: not of record, see bench/results.md)" for g in rep.goals]
    rep.add("## Goals", "", *rep.goals, "")
    if rep.headlines:
        rep.add("## Measurements", "", *(f"- {h}" for h in rep.headlines), "")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(rep.lines).rstrip() + "\n", encoding="utf-8")
    print(f"wrote {out}")
    if out == ROOT / "bench/results.md":  # the full run of record: its goals go in the README
        update_readme(ROOT / "README.md", run.machine, rep.headlines, rep.goals)


def update_readme(readme: Path, machine: list[str], headlines: list[str],
                  goals: list[str]) -> None:
    """Replace the text between the README's bench markers with this run's headline figures."""
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    text = readme.read_text(encoding="utf-8")
    if start not in text or end not in text:
        print(f"{readme}: no {start} ... {end} block; README not updated")
        return
    block = [start, "", "Measured with `make bench` (`python bench/run.py`); full tables in "
             "[bench/results.md](bench/results.md). The machine may be shared with other work; "
             "compare ratios within one run.", "", *machine, "",
             *(f"- {h}" for h in headlines), "", *goals, "", end]
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    tmp = readme.with_suffix(".md.tmp")
    tmp.write_text(head + "\n".join(block) + tail, encoding="utf-8")
    tmp.replace(readme)
    print(f"updated {readme}")


def cross_check(found: list[Engine], params: dict[str, Params], W: Any, B: Any,
                X: Any, Y: Any) -> str:
    """Run workload 1 once per engine and compare loss and gradients with the floor."""
    want_loss, gW, gB = floor_loss_and_grads(W, B, X, Y)
    want = flat_floats(gW, gB)
    worst = 0.0
    for e in found:
        ps = flat(params[e.name])
        e.zero_grad(ps)
        loss = generic_loss(params[e.name], X, Y)
        e.backward(loss)
        got = [e.grad(p) for p in ps]
        worst = max(worst, abs(e.value(loss) - want_loss),
                    *(abs(g - w) for g, w in zip(got, want, strict=True)))
        if worst > 1e-9:
            raise AssertionError(f"{e.name} disagrees with the floor by {worst:g}")
    return (f"Cross-check: every engine's loss and {len(want)} parameter gradients match the "
            f"floor (largest difference {worst:.1e}).")


def ratio_goals(rep: Report, t: dict[str, list[float]]) -> None:
    """The summary line of workload 1 and its two goals."""
    ours = median(t[OURS])
    parts = [f"{median(t[name]) / ours:.2f}x faster than {name}"
             for name in (MICROGRAD, TORCH) if name in t]
    parts.append(f"{ours / median(t[FLOOR]):.2f}x the time of the plain-float floor")
    rep.add("autograd: " + ", ".join(parts) + ".", "")
    for name, factor in ((MICROGRAD, 4.0), (TORCH, 10.0)):
        text = f"generic graph at least {factor:g}x faster than {name}"
        if name in t:
            speedup = median(t[name]) / ours
            rep.goal(text, speedup >= factor, f"{speedup:.2f}x faster")
        else:
            rep.goal(text, None, f"{name} not installed")


def wide_sum(rep: Report, by_name: dict[str, Engine], n: int, repeats: int) -> list[str]:
    """Time the sum cases; return notes (the table goes straight into the report)."""
    rng = random.Random(2)
    data = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    notes = []
    ours_leaves: list[Any] = [autograd.Value(x) for x in data]
    cases: dict[str, Callable[[], Any]] = {
        "autograd: autograd.sum (one fused node)": lambda: autograd.sum(ours_leaves).backward(),
        "autograd: builtin sum (a chain of n nodes)": lambda: sum(ours_leaves).backward(),
    }
    if MICROGRAD in by_name:
        m_leaves = [micrograd.engine.Value(x) for x in data]
        cases["micrograd: pairwise sum (log2 n deep)"] = lambda: pairwise_sum(m_leaves).backward()
        try:
            sum(m_leaves).backward()
        except RecursionError:
            notes.append(f"micrograd with the builtin sum: RecursionError in backward "
                         f"(a chain {n:,} deep), so it is timed with a pairwise sum instead.")
    if TORCH in by_name:
        t_leaves = [by_name[TORCH].make(x) for x in data]
        cases["torch: builtin sum"] = lambda: sum(t_leaves).backward()
        cases["torch: torch.stack(values).sum()"] = lambda: torch.stack(t_leaves).sum().backward()
    cases[FLOOR + ": sum(floats), grads [1.0] * n"] = lambda: (sum(data), [1.0] * len(data))
    t = run_interleaved(cases, repeats)
    rep.table(TIME_HEADER, timing_rows(t, "autograd: autograd.sum (one fused node)"))
    return [*notes, ""] if notes else []


if __name__ == "__main__":
    sys.exit(main())
