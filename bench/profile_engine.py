#!/usr/bin/env python3
"""Where our engine spends its time on workloads 1 and 2 of `bench/run.py`.

    python bench/profile_engine.py            # phases, per-op costs, cProfile
    python bench/profile_engine.py --lines    # also line_profiler on the engine's hot functions

Prints, for the generic graph (workload 1), the nn.MLP training step (workload 2) and the GPT
step (workload 3, generic ops and idiomatic):
forward, `backward_order` and the rest of `backward` in ms and in ns per graph node, with the
garbage collector on and off; then the cost of single ops in ns; then cProfile's top functions.
Times are CPU time of this process, medians (phases) or minimums (single ops) of repeats.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gpt  # noqa: E402  (bench/gpt.py)
import run as bench  # noqa: E402  (bench/run.py, which puts the working tree on sys.path)

import autograd  # noqa: E402
from autograd import engine  # noqa: E402

CLOCK = time.process_time


def median_time(fn: Callable[[], Any], repeats: int, gc_off: bool) -> float:
    """Median CPU time of `fn`, timed exactly as bench/run.py times every case."""
    return statistics.median(bench.run_interleaved({"case": fn}, repeats, gc_off)["case"])


def phases(name: str, build: Callable[[], Any], repeats: int) -> None:
    """Forward, backward_order, and backward minus backward_order, per graph node."""
    root = build()
    nodes = len(engine.backward_order(root))
    print(f"\n{name}: {nodes:,} non-leaf nodes")
    print(f"  {'phase':34s} {'gc on':>18s} {'gc off':>18s}")
    rows: dict[str, Callable[[], Any]] = {
        "forward (build the graph)": build,
        "backward_order (topological sort)": lambda: engine.backward_order(root),
        "backward() in all": root.backward,
        "forward + backward + free": lambda: build().backward(),
    }
    got: dict[str, list[float]] = {}
    for label, fn in rows.items():
        got[label] = [median_time(fn, repeats, off) for off in (False, True)]
    total = got["backward() in all"]
    order = got["backward_order (topological sort)"]
    got["backward() minus backward_order"] = [t - o for t, o in zip(total, order, strict=True)]
    for label, (on, off) in got.items():
        print(f"  {label:34s} {on * 1e3:7.2f} ms {on / nodes * 1e9:5.0f} ns"
              f"  {off * 1e3:7.2f} ms {off / nodes * 1e9:5.0f} ns")


def gpt_phases(repeats: int) -> None:
    """The phases of workload 3's GPT step on our engine, generic ops and idiomatic."""
    cfg = gpt.Config()
    weights = gpt.init_weights(cfg)
    tokens = gpt.tokenize(gpt.NAME)
    for variant in gpt.variants()[0][:2]:
        params = variant.params(weights)

        def build(variant: gpt.Variant = variant, params: Any = params) -> Any:
            return gpt.gpt_loss(variant.style, params, tokens, cfg)

        phases(f"Workload 3, GPT step ({variant.name})", build, repeats)


def op_costs() -> None:
    """ns per call of single ops (minimum of repeats, gc off as timeit does)."""
    V = autograd.Value
    a, b = V(1.5), V(-0.5)
    ws, xs, bias = [V(0.1 * i) for i in range(16)], [V(-0.2 * i) for i in range(16)], V(0.3)
    space: dict[str, Any] = {"a": a, "b": b, "ws": ws, "xs": xs, "bias": bias, "V": V,
                             "autograd": autograd, "engine": engine, "x2": [0.3, -0.7],
                             "leaves": [V(float(i)) for i in range(50)]}
    stmts = ["V(1.0)", "a * b", "a + b", "a * 2.0", "2 * a", "1 + a", "a ** 2", "a.relu()",
             "a.tanh()", "autograd.dot(ws, xs, bias)", "autograd.dot(ws[:2], x2, bias)",
             "autograd.sum(leaves)", "engine._node('*', 1.0, a, 1.0, b, 1.0)"]
    if bench.micrograd is not None:
        MV = bench.micrograd.engine.Value
        space["ma"], space["mb"] = MV(1.5), MV(-0.5)
        stmts += ["ma * mb", "ma + mb", "ma.relu()"]
    print("\nsingle ops (ns per call, the result freed at once; ma/mb are micrograd Values)")
    for stmt in stmts:
        number = 2000 if "leaves" in stmt or "ws" in stmt else 50_000
        best = min(timeit.repeat(stmt, globals=space, number=number, repeat=7, timer=CLOCK))
        print(f"  {stmt:42s} {best / number * 1e9:7.0f}")


def profile(name: str, fn: Callable[[], Any], calls: int) -> None:
    print(f"\ncProfile, {name}, {calls} calls (tottime: own time; cProfile inflates small calls)")
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        fn()
    prof.disable()
    pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(12)


def lines(fns: list[Callable[..., Any]], work: Callable[[], Any], calls: int) -> None:
    try:
        from line_profiler import LineProfiler
    except ImportError:
        print("\nline_profiler is not installed (pip install line_profiler)")
        return
    lp = LineProfiler(*fns)
    lp.enable_by_count()
    for _ in range(calls):
        work()
    lp.disable_by_count()
    lp.print_stats(stripzeros=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--lines", action="store_true", help="run line_profiler too")
    args = parser.parse_args()
    X, Y = bench.moons(50)
    W, B = bench.init_weights()
    params = bench.make_params(autograd.Value, W, B)
    gc.collect()
    gc.freeze()  # as bench/run.py does: collections see only what the workload makes

    def generic() -> Any:
        return bench.generic_loss(params, X, Y)

    phases("Workload 1, generic graph (batch 50)", generic, args.repeats)
    step = bench.ours_step(X, Y, W, B)
    model_loss = None
    if bench.ag_nn is not None:
        model = bench.ag_nn.MLP(2, [16, 16, 1])
        ps = model.parameters()
        bench.set_params(ps, bench.flat_floats(W, B))

        def model_loss() -> Any:
            scores: list[Any] = [model(x) for x in X]
            return bench.ag_nn.hinge_loss(scores, Y) + bench.ALPHA * autograd.dot(ps, ps)

        phases("Workload 2, nn.MLP graph (batch 50, without the SGD update)", model_loss,
               args.repeats)
        if step is not None:
            fW, fB = bench.copy_weights(W, B)
            ours = median_time(step, args.repeats, False)
            floor = median_time(lambda: bench.floor_step(fW, fB, X, Y), args.repeats, False)
            print(f"  whole training step {ours * 1e3:.2f} ms, plain-float floor "
                  f"{floor * 1e3:.2f} ms: {ours / floor:.2f}x")
    gpt_phases(args.repeats)
    op_costs()
    profile("workload 1", lambda: generic().backward(), 5)
    if step is not None:
        profile("workload 2", step, 20)
    if args.lines:
        hot = [autograd.Value.backward, engine.backward_order, engine.dot, engine._node]
        if hasattr(engine, "_split"):
            hot.append(engine._split)
        lines(hot, lambda: generic().backward(), 3)
        if model_loss is not None:
            lines(hot, lambda: model_loss().backward(), 20)


if __name__ == "__main__":
    main()
