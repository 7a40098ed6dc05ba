"""The benchmark runner: ``python -m bench``.

    python -m bench                      # full run: writes bench/results.md
    python -m bench --quick              # tiny sizes, one value: CI's smoke run (build/)
    python -m bench --against ../old     # the same, plus each case on our engine timed on the
                                         # autograd of another checkout, side by side
    python -m bench --only generic,gpt   # some workloads only

It checks every workload on each side first (`bench.probe`: a check that fails stops the run),
then times each case with pyperf (`bench.timing`) in worker processes, cases and sides taking
turns (a second round in reverse order), and evaluates `GOALS`. The report goes to stdout and
to one Markdown file; pyperf's JSON files stay in the build directory for ``pyperf compare_to``.
Subprocesses find this checkout's `bench` through PYTHONPATH and each side's `autograd` through
their working directory, a directory holding only a link to that side's ``autograd/``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyperf

from bench import engines
from bench.engines import COMPILED, MICROGPT, MICROGRAD, OURS, TANGENT, TORCH
from bench.goals import GOALS, Results, evaluate
from bench.workloads import WORKLOADS, Workload

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------------
# Sides: the checkouts whose autograd is measured.


@dataclass(frozen=True)
class Side:
    label: str  # "new" (this checkout) or "old" (--against)
    root: Path  # holds autograd/
    stage: Path  # the subprocesses' working directory: a link to root/autograd, nothing else

    def run(self, *args: str) -> str:
        """Run ``python -m ARGS`` with this side's autograd; its stdout."""
        done = subprocess.run([sys.executable, "-m", *args], cwd=self.stage, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True)
        if done.returncode:
            raise SystemExit(f"bench: {' '.join(args[:3])} on {self.root} failed:\n"
                             f"{done.stdout}{done.stderr}")
        return done.stdout

    def describe(self, version: str) -> str:
        git = ["git", "-C", str(self.root)]
        head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], text=True,
                              capture_output=True).stdout.strip() or "not a git checkout"
        dirty = subprocess.run([*git, "status", "--porcelain", "--", "autograd"], text=True,
                               capture_output=True).stdout.strip()
        return (f"{self.label}: autograd {version} at {self.root} (commit {head}"
                + (", autograd/ modified)" if dirty else ")"))


def make_side(label: str, root: Path, build: Path) -> Side:
    root = root.resolve()
    if not (root / "autograd" / "__init__.py").is_file():
        raise SystemExit(f"bench: {root} has no autograd/__init__.py")
    stage = build / "sides" / label
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    (stage / "autograd").symlink_to(root / "autograd", target_is_directory=True)
    return Side(label, root, stage)


# ---------------------------------------------------------------------------------------------
# Checks and timing.


def probe(side: Side, args: argparse.Namespace, names: list[str]) -> dict[str, Any]:
    """`bench.probe` on this side: the checks (a failure stops the run) and memory."""
    print(f"checking the workloads on {side.root}", flush=True)
    found = json.loads(side.run("bench.probe", *(["--quick"] * args.quick),
                                "--workloads", ",".join(args.keys), *names))
    if not Path(found["autograd_file"]).is_relative_to(side.root):
        raise SystemExit(f"bench: {side.label} imported {found['autograd_file']}")
    return dict(found)


def time_all(sides: list[Side], work: list[Workload], args: argparse.Namespace,
             skipped: dict[str, str], out: Path) -> None:
    """Every case of every workload, on each side where it depends on autograd."""
    rounds = 1 if args.quick else 2
    for w in work:
        entries = [(c, s) for c in w.cases if c.engine not in skipped
                   for s in (sides if c.engine == OURS else sides[:1])]
        processes = max(1, min(args.processes, w.processes or args.processes) // rounds)
        values = min(args.values, w.values or args.values)
        pyperf_args = ["-p", str(processes), "-n", str(values),
                       *(["-w", "0", "-l", "1"] if args.quick else ["-w", "1"])]
        for r in range(rounds):
            for case, side in entries if r % 2 == 0 else entries[::-1]:
                print(f"  {w.key}/{case.name} ({side.label}), round {r + 1} of {rounds}",
                      flush=True)
                side.run("bench.timing", w.key, case.name, *(["--quick"] * args.quick),
                         *pyperf_args, "--quiet", "--inherit-environ", "PYTHONPATH",
                         "--append", str(out / f"{side.label}.json"))


def load(side: Side, path: Path) -> dict[str, pyperf.Benchmark]:
    if not path.exists():
        return {}
    found = {b.get_name(): b for b in pyperf.BenchmarkSuite.load(str(path)).get_benchmarks()}
    for name, b in found.items():
        where = Path(b.get_metadata()["autograd_file"])
        if not where.is_relative_to(side.root):
            raise SystemExit(f"bench: {name} ({side.label}) imported {where}, not {side.root}")
    return found


# ---------------------------------------------------------------------------------------------
# The report.


def shown(path: Path) -> str:
    """A path as the report shows it: relative to this checkout when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def number(x: float) -> str:
    """4, 1.2, 1,000,000."""
    return f"{x:,.0f}" if x == int(x) else f"{x:g}"


def ms(b: pyperf.Benchmark) -> str:
    """pyperf's mean ± standard deviation, in ms."""
    spread = f" ± {b.stdev() * 1e3:,.2f}" if b.get_nvalue() > 1 else ""
    return f"{b.mean() * 1e3:,.2f}{spread}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> list[str]:
    """A Markdown table, the first `left` columns aligned left, the others right."""
    return ["| " + " | ".join(header) + " |",
            "|" + "|".join("---" if i < left else "---:" for i in range(len(header))) + "|",
            *("| " + " | ".join(row) + " |" for row in rows), ""]


def header(res: Results, sides: list[Side], args: argparse.Namespace, json_dir: Path,
           command: str) -> list[str]:
    cpu = next((b.get_metadata().get("cpu_model_name") for b in res.suites["new"].values()), "")
    how = "one value a case, no warm-up" if args.quick else (
        f"{args.processes} worker processes a case and side, in two rounds where cases and sides "
        f"take turns (the second in reverse order), one warm-up and {args.values} values each")
    return [
        "# Benchmarks", "",
        f"`{command}`, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()}, {cpu}, "
        f"{os.cpu_count()} CPUs. Timed with pyperf {pyperf.__version__}: {how}; a value is the "
        "CPU time of the worker per call. Figures are pyperf's mean ± standard deviation in ms; "
        "ratios are of means, within this run. "
        + ("Quick run: tiny sizes, one value; not of record. " if args.quick else "")
        + f"pyperf's JSON files: `{shown(json_dir)}`.", "",
        *(f"- {s.describe(res.probes[s.label]['version'])}" for s in sides),
        *(f"- {why}" for why in res.skipped.values()), "",
        "## Goals", "",
        *table(["result", "goal", "measured", "threshold"], [
            [result + " (quick)" * (args.quick and result != "SKIP"), g.name, text,
             f"{'≤' if g.comparison.at_most else '≥'} {number(g.threshold)}{g.comparison.unit}"]
            for g in GOALS for result, text in [evaluate(g, res)]], left=3)]


def section(res: Results, sides: list[Side], index: int, key: str) -> list[str]:
    w = WORKLOADS[key]
    lines = [f"## {index}. {w.title.format(size=w.quick if res.quick else w.full)}", "",
             w.about, "",
             *(f"Check{'' if s.label == 'new' else ' (old version)'}: "
               f"{res.probes[s.label]['checks'][key]}." for s in sides), ""]
    rows = []
    base = res.bench("new", key, w.cases[0].name)
    for c in w.cases:
        b = res.bench("new", key, c.name)
        if b is None or base is None:
            rows.append([c.name, res.skipped.get(c.engine, "not run"), "", ""])
        else:
            rows.append([c.name, ms(b), str(b.get_nvalue()), f"{b.mean() / base.mean():.2f}"])
    return lines + table(["case", "mean ± std ms", "values", f"time / {w.cases[0].name}"], rows)


def old_versus_new(res: Results, json_dir: Path) -> list[str]:
    rows = [[f"{k}/{c.name}", ms(new), ms(old), f"{new.mean() / old.mean():.2f}"]
            for k in res.keys for c in WORKLOADS[k].cases
            if (new := res.bench("new", k, c.name)) and (old := res.bench("old", k, c.name))]
    compare = subprocess.run([sys.executable, "-m", "pyperf", "compare_to", "-G",
                              str(json_dir / "old.json"), str(json_dir / "new.json")],
                             text=True, capture_output=True)
    return ["## Old versus new", "", "Each case on our engine, timed on both sides in this run.",
            "", *table(["case", "new ms", "old ms", "new / old"], rows),
            "`python -m pyperf compare_to -G old.json new.json` (its t-test tells a difference "
            "from noise):", "", "```", compare.stdout.strip(), "```", ""]


def memory(res: Results, sides: list[Side]) -> list[str]:
    rows = []
    for name in res.probes["new"]["memory"]:
        for s in sides if name == OURS else sides[:1]:
            held, n = res.probes[s.label]["memory"][name]
            label = f"{name} ({s.label})" if name == OURS and len(sides) > 1 else name
            rows.append([label, f"{held:,}", f"{n:,}", f"{held / n:.0f}"])
    return ["## Memory: bytes per node of workload 1's graph", "",
            "tracemalloc: bytes still allocated after the forward pass, divided by the nodes the "
            "engine created (a walk of the graph, parameters excluded). PyTorch keeps its graph "
            "in C++ memory, which tracemalloc does not see.", "",
            *table(["engine", "bytes held", "nodes", "bytes / node"], rows)]


def report(res: Results, sides: list[Side], args: argparse.Namespace, json_dir: Path,
           command: str) -> list[str]:
    lines = header(res, sides, args, json_dir, command)
    for i, key in enumerate(res.keys, 1):
        lines += section(res, sides, i, key)
    if len(sides) > 1:
        lines += old_versus_new(res, json_dir)
    return lines + memory(res, sides)


# ---------------------------------------------------------------------------------------------
# The run.


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run the benchmarks.")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, one value per case (the CI smoke run)")
    parser.add_argument("--against", type=Path, metavar="CHECKOUT",
                        help="also time our engine's cases on CHECKOUT/autograd")
    parser.add_argument("--only", metavar="W1,W2", help=f"workloads: {','.join(WORKLOADS)}")
    parser.add_argument("--processes", type=int, default=10,
                        help="pyperf worker processes per case and side (default 10)")
    parser.add_argument("--values", type=int, default=3, help="values per process (default 3)")
    parser.add_argument("--build", type=Path, default=ROOT / "build",
                        help="where pyperf's JSON and the sides' directories go (default build/)")
    parser.add_argument("--out", type=Path, help="the report (default bench/results.md; "
                        "with --quick, BUILD/bench-quick.md)")
    args = parser.parse_args(argv)
    if args.quick:
        args.processes, args.values = 1, 1
    keys = args.only.split(",") if args.only else list(WORKLOADS)
    if unknown := [k for k in keys if k not in WORKLOADS]:
        parser.error(f"unknown workload {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}")
    args.keys = keys
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    mode = "bench-quick" if args.quick else "bench"
    build = args.build.resolve() / mode
    out = args.out or (args.build / "bench-quick.md" if args.quick else ROOT / "bench/results.md")
    sides = [make_side("new", ROOT, build)]
    if args.against:
        sides.append(make_side("old", args.against, build))
    json_dir = build / "pyperf"
    shutil.rmtree(json_dir, ignore_errors=True)
    json_dir.mkdir(parents=True)
    skipped = {e: why for e in (MICROGRAD, TORCH, TANGENT) if (why := engines.missing(e))}
    for why in skipped.values():
        print(why)
    names = [e for e in (OURS, COMPILED, MICROGRAD, TORCH, MICROGPT, TANGENT) if e not in skipped]
    probes = {s.label: probe(s, args, names if s.label == "new" else [OURS, MICROGPT])
              for s in sides}  # the old side checks our engine; the others do not change
    work = [WORKLOADS[k] for k in args.keys]
    print(f"timing {sum(len(w.cases) for w in work)} cases with pyperf", flush=True)
    time_all(sides, work, args, skipped, json_dir)
    suites = {s.label: load(s, json_dir / f"{s.label}.json") for s in sides}
    res = Results(args.quick, args.keys, skipped, probes, suites)
    command = "python -m bench" + " ".join(["", *(argv if argv is not None else sys.argv[1:])])
    text = "\n".join(report(res, sides, args, json_dir, command)).rstrip() + "\n"
    print(text)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0
