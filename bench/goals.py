"""The goals of the benchmarks, in one table, and how a run's results are held against them.

A goal names a workload, a comparison and a threshold. A comparison measures one number from
the run's `Results` (or says why it cannot: an engine not installed, a workload not run, no
``--against``), and the goal holds it against the threshold: PASS, FAIL or SKIP. To add a goal,
add a row to `GOALS`; a new kind of comparison is a small class with ``measure``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.engines import COMPILED, FLOOR, MICROGPT, MICROGRAD, OURS, TANGENT, TORCH
from bench.workloads import (
    GPT_GENERIC,
    GPT_IDIOMATIC,
    HOOK_ELSEWHERE,
    HOOK_NONE,
    MLP_COMPILED,
    MLP_OURS,
    TRACE_FULL,
    TRACE_HALF,
    WORKLOADS,
)

if TYPE_CHECKING:
    import pyperf

@dataclass
class Results:
    """What a run measured: pyperf's benchmarks and `bench.probe`'s answer, per side."""

    quick: bool
    keys: list[str]  # the workloads run
    skipped: dict[str, str]  # engine -> why it did not run
    probes: dict[str, dict[str, Any]]  # side -> bench.probe's answer
    suites: dict[str, dict[str, pyperf.Benchmark]]  # side -> name -> benchmark

    def bench(self, side: str, workload: str, case: str) -> pyperf.Benchmark | None:
        return self.suites.get(side, {}).get(f"{workload}/{case}")

    def mean(self, side: str, workload: str, case: str) -> float | None:
        b = self.bench(side, workload, case)
        return None if b is None else b.mean()

    def why_not(self, side: str, workload: str, case: str) -> str:
        if workload not in self.keys:
            return "workload not run (--only)"
        if side not in self.probes:
            return "run with --against OLD_CHECKOUT to compare"
        return self.skipped.get(WORKLOADS[workload].case(case).engine, "")


@dataclass(frozen=True)
class Faster:
    """time(other) / time(case) on this checkout: at least the threshold."""
    case: str
    other: str
    at_most, unit = False, "x"

    def measure(self, res: Results, workload: str) -> tuple[float | None, str]:
        ours, other = res.mean("new", workload, self.case), res.mean("new", workload, self.other)
        if ours is None or other is None:
            return None, res.why_not("new", workload, self.other if ours else self.case)
        return other / ours, f"{other / ours:.2f}x faster"


@dataclass(frozen=True)
class Slower:
    """time(case) / time(other) on this checkout: at most the threshold (1.0: as fast)."""
    case: str
    other: str
    at_most, unit = True, "x"

    def measure(self, res: Results, workload: str) -> tuple[float | None, str]:
        ours, other = res.mean("new", workload, self.case), res.mean("new", workload, self.other)
        if ours is None or other is None:
            return None, res.why_not("new", workload, self.other if ours else self.case)
        return ours / other, f"{ours / other:.2f}x the time of {self.other}"


@dataclass(frozen=True)
class Seconds:
    """The mean time of a call of the case, at its full size: at most the threshold."""
    case: str
    at_most, unit = True, " s"

    def measure(self, res: Results, workload: str) -> tuple[float | None, str]:
        mean = res.mean("new", workload, self.case)
        if mean is None or res.quick:
            return None, res.why_not("new", workload, self.case) or "not run at full size"
        return mean, f"{mean:.2f} s a call"


@dataclass(frozen=True)
class VersusOld:
    """time on this checkout / time on the --against checkout: at most the threshold."""
    case: str
    at_most, unit = True, "x"

    def measure(self, res: Results, workload: str) -> tuple[float | None, str]:
        new, old = res.mean("new", workload, self.case), res.mean("old", workload, self.case)
        if new is None or old is None:
            return None, res.why_not("old", workload, self.case)
        return new / old, f"{new / old:.2f}x the old time"


@dataclass(frozen=True)
class Completes:
    """The case ran at a size of at least the threshold."""
    case: str
    at_most, unit = False, " ops"

    def measure(self, res: Results, workload: str) -> tuple[float | None, str]:
        size, mean = WORKLOADS[workload].full, res.mean("new", workload, self.case)
        if mean is None or res.quick:
            return None, res.why_not("new", workload, self.case) or "not run at full size"
        return size, f"{size:,} ops, {mean:.2f} s a call"


@dataclass(frozen=True)
class BytesPerNode:
    """Bytes held after workload 1's forward pass per node: at most the threshold."""
    engine: str
    at_most, unit = True, " bytes"

    def measure(self, res: Results, workload: str) -> tuple[float | None, str]:
        held, nodes = res.probes["new"]["memory"][self.engine]
        return held / nodes, f"{held / nodes:.0f} bytes per node"


Comparison = Faster | Slower | Seconds | VersusOld | Completes | BytesPerNode


@dataclass(frozen=True)
class Goal:
    name: str
    workload: str
    comparison: Comparison
    threshold: float


GOALS = (  # name, workload, comparison, threshold: the goals of the issue, one row each
    Goal("generic graph vs micrograd",        "generic", Faster(OURS, MICROGRAD),         4),
    Goal("generic graph vs torch scalar",     "generic", Faster(OURS, TORCH),             10),
    Goal("GPT step, idiomatic, vs microgpt",  "gpt",     Faster(GPT_IDIOMATIC, MICROGPT), 8),
    Goal("deep chain of 1M ops completes",    "chain1m", Completes(OURS),                 1e6),
    Goal("memory per node (generic graph)",   "generic", BytesPerNode(OURS),              150),
    Goal("generic graph vs the old version",  "generic", VersusOld(OURS),                 1.2),
    Goal("nn.MLP step vs the old version",    "mlp",     VersusOld(MLP_OURS),             1.2),
    Goal("GPT step, idiomatic, vs the old",   "gpt",     VersusOld(GPT_IDIOMATIC),        1.2),
    Goal("GPT step, generic ops, vs the old", "gpt",     VersusOld(GPT_GENERIC),          1.2),
    Goal("worked network compiled vs floor",  "worked",  Slower(COMPILED, FLOOR),         1.3),
    Goal("worked network compiled vs tangent", "worked", Faster(COMPILED, TANGENT),       8),
    Goal("nn.MLP step compiled vs floor",     "mlp",     Slower(MLP_COMPILED, FLOOR),     1.0),
    Goal("trace + compile of ~100k nodes",    "trace",   Seconds(TRACE_FULL),             3),
    Goal("trace + compile grows linearly",    "trace",   Slower(TRACE_FULL, TRACE_HALF),  2.3),
    Goal("backward, a hook elsewhere vs none", "hooks",  Slower(HOOK_ELSEWHERE, HOOK_NONE), 1.15),
)


def evaluate(goal: Goal, res: Results) -> tuple[str, str]:
    """("PASS" | "FAIL" | "SKIP", what was measured or why not)."""
    value, text = goal.comparison.measure(res, goal.workload)
    if value is None:
        return "SKIP", text
    ok = value <= goal.threshold if goal.comparison.at_most else value >= goal.threshold
    return ("PASS" if ok else "FAIL"), text
