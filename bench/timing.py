"""Time one case of one workload with pyperf: ``python -m bench.timing WORKLOAD CASE [--quick]``
followed by pyperf's own options (``--processes``, ``--values``, ``--append FILE``, ...).

`bench.runner` starts it once per case and side; pyperf then spawns its worker processes (the
same command with ``--worker``), calibrates the loops, runs the warm-ups and collects the
values. A value is the CPU time of this process (`time.process_time`) per call, not the wall
clock, so that other programs on a shared machine do not inflate it. Each worker builds the
case once, then freezes what is alive (`gc.freeze()`), so that the collector's full passes
walk only what the timed calls allocate: the collector stays on, and each engine pays for
collecting its own garbage.
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from collections.abc import Callable

import pyperf

import autograd
from bench.workloads import WORKLOADS


def cpu_time(loops: int, call: Callable[[], object]) -> float:
    """Seconds of CPU time for `loops` calls (pyperf divides by the loops)."""
    start = time.process_time()
    for _ in range(loops):
        call()
    return time.process_time() - start


def forward_args(cmd: list[str], args: argparse.Namespace) -> None:
    """Give each worker the same workload, case and size."""
    cmd.extend([args.workload, args.case, *(["--quick"] if args.quick else [])])


def main() -> None:
    runner = pyperf.Runner(program_args=("-m", "bench.timing"), add_cmdline_args=forward_args)
    runner.argparser.add_argument("workload", choices=sorted(WORKLOADS))
    runner.argparser.add_argument("case")
    runner.argparser.add_argument("--quick", action="store_true", help="the --quick size")
    args = runner.parse_args()
    workload = WORKLOADS[args.workload]
    case = workload.case(args.case)
    call: Callable[[], object] = lambda: None  # noqa: E731  (the manager process never calls)
    if args.worker:
        call = case.build(workload.quick if args.quick else workload.full)
        gc.collect()
        gc.freeze()
    metadata = {"timer": "time.process_time (CPU time of the worker)",
                "autograd_file": os.path.realpath(autograd.__file__)}
    runner.bench_time_func(f"{workload.key}/{case.name}", cpu_time, call, metadata=metadata)


if __name__ == "__main__":
    main()
