#!/usr/bin/env python3
"""Mutation check: change the engine where a wrong answer would be silent, and expect the tests
to fail. ``python scripts/mutate.py`` (``make mutate``); ``--list`` shows the mutants, ``-k
TEXT`` runs those whose name holds TEXT, ``-j N`` runs N at a time.

The mutants:

- every derivative rule of the registry (each ``@define(rule, ...)`` of autograd/math.py,
  found with the `ast` module): the sign of each partial flipped, each pair of partials
  swapped, each number in the rule moved by 1 (each named constant doubled), each ``<`` made
  ``<=`` and so on (where a kink's derivative is decided);
- the accumulation of the backward pass, written out below: ``=`` or ``-=`` for the ``+=`` of
  `Value._backward`, a factor dropped, the seed, the reset of non-leaf gradients, the shortcut
  for a zero gradient, the order; the same in `graph.backprop` (``autograd.grad``), in the
  hooks' pass and in the code `autograd.compile` writes.

Each mutant is applied to a copy of the tree in a temporary folder (the checkout is never
written, so Ctrl-C at any moment leaves it as it was), and a fast subset of the tests that
should catch it runs there (``pytest -x``, that copy first on the path, hypothesis
derandomized by the ``mutate`` profile of tests/conftest.py, so that a run gives the same
answer every time). A mutant survives when its tests pass. Some changes cannot change any
result (`EQUIVALENT`, with the reason); any other survivor is a gap in the tests, and the
script exits with 1. An equivalent mutant that is killed exits with 1 too: the list is stale.

Why not mutmut: mutmut 3 mutates the bodies of functions only, through a trampoline per
function; the rules are lambdas passed to a decorator at module level, and the ops are
decorated functions, which it leaves alone. On math.py and core.py it made 295 mutants, none of
them in a rule: what this script exists to check is what it cannot reach, and most of what it
does mutate is messages and reprs.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = "autograd/math.py"
RULE_TESTS = ("tests/test_trust.py", "tests/test_engine.py", "tests/test_registry.py")
LOOP_TESTS = ("tests/test_engine.py", "tests/test_trust.py", "tests/test_hooks.py")

# (file, mutant name, text, replacement, tests): the accumulation of each backward pass
ACCUMULATION = [
    ("autograd/core.py", "_backward: = instead of +=", "x.grad += partials[i] * g",
     "x.grad = partials[i] * g", LOOP_TESTS),
    ("autograd/core.py", "_backward: -= instead of +=", "x.grad += partials[i] * g",
     "x.grad -= partials[i] * g", LOOP_TESTS),
    ("autograd/core.py", "_backward: upstream gradient dropped", "x.grad += partials[i] * g",
     "x.grad += partials[i]", LOOP_TESTS),
    ("autograd/core.py", "_backward: local derivative dropped", "x.grad += partials[i] * g",
     "x.grad += g", LOOP_TESTS),
    ("autograd/core.py", "_backward: a zero gradient skips 0 × inf too",
     "if g == 0.0 and math.isfinite(sum(partials)):", "if g == 0.0:", LOOP_TESTS),
    ("autograd/core.py", "_backward: no shortcut for a zero gradient",
     "if g == 0.0 and math.isfinite(sum(partials)):", "if False:", LOOP_TESTS),
    ("autograd/core.py", "backward_pass: the seed replaces what the root holds",
     "root.grad += grad", "root.grad = grad", LOOP_TESTS),
    ("autograd/core.py", "backward_pass: non-leaf gradients not reset",
     "if v.operands:\n            v.grad = 0.0", "if v.operands:\n            pass", LOOP_TESTS),
    ("autograd/core.py", "backward_pass: leaf gradients reset too",
     "if v.operands:\n            v.grad = 0.0", "if True:\n            v.grad = 0.0", LOOP_TESTS),
    ("autograd/core.py", "backward_pass: nodes in order, not reversed",
     "for v in reversed(order):", "for v in order:", LOOP_TESTS),
    ("autograd/core.py", "backward_pass: a node's gradient flows on before it is yielded",
     "yield v\n        v._backward()", "v._backward()\n        yield v", LOOP_TESTS),
    ("autograd/graph.py", "backprop: = instead of +", "after = before + c if p in adjoint else c",
     "after = c", ("tests/test_functional.py", "tests/test_hooks.py")),
    ("autograd/graph.py", "backprop: - instead of +", "after = before + c if p in adjoint else c",
     "after = before - c if p in adjoint else c", ("tests/test_functional.py",)),
    ("autograd/hooks.py", "hooks: a hooked leaf drops what it held", "v.grad = before + v.grad",
     "v.grad = v.grad", ("tests/test_hooks.py", "tests/test_trust.py")),
    ("autograd/source.py", "compile: a gradient is its last term only",
     "*(t for _, _, t in terms)]", "*(t for _, _, t in terms[-1:])]", ("tests/test_compile.py",)),
    ("autograd/source.py", "compile: a parameter's gradient does not add to .grad",
     'start = f"{self.names[x]}_leaf.grad" if x in self.is_param else "0.0"', 'start = "0.0"',
     ("tests/test_compile.py",)),
]

EQUIVALENT = {  # mutant name -> why no test can tell it from the engine
    "leaky_relu: x > 0 -> x >= 0 (#2)":
        "d/d slope is then 0.0 at x = 0 instead of x, which is 0 there (only -0.0 becomes 0.0)",
    "_backward: no shortcut for a zero gradient":
        "the shortcut skips adding 0 × a finite partial, which is ±0.0: adding it changes no "
        "gradient (bar the sign of a zero that is already 0.0)",
}


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str  # relative to the checkout
    text: str  # the whole file, mutated
    tests: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# The mutants of the rules, from the syntax tree of math.py


class Source:
    """A file's text, and edits of one node at a time (ast's offsets count UTF-8 bytes)."""

    def __init__(self, text: str) -> None:
        self.data = text.encode("utf-8")
        self.starts = [0]
        for line in self.data.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (self.starts[node.lineno - 1] + node.col_offset,  # type: ignore[attr-defined]
                self.starts[node.end_lineno - 1] + node.end_col_offset)  # type: ignore[attr-defined]

    def segment(self, node: ast.AST) -> str:
        a, b = self.span(node)
        return self.data[a:b].decode("utf-8")

    def replaced(self, node: ast.AST, new: str) -> str:
        a, b = self.span(node)
        return (self.data[:a] + new.encode("utf-8") + self.data[b:]).decode("utf-8")


STRICTER = {ast.Lt: "<=", ast.LtE: "<", ast.Gt: ">=", ast.GtE: ">"}


def rule_edits(src: Source, body: ast.expr, params: list[str], unary: bool
               ) -> list[tuple[str, str]]:
    """(what, the file's new text) for each mutant of the rule `body`."""
    edits = []
    if isinstance(body, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in body.elts):
        for i, elt in enumerate(body.elts):
            edits.append((f"d/d{params[i]} flipped", src.replaced(elt, f"-({src.segment(elt)})")))
    elif unary:
        edits.append(("flipped", src.replaced(body, f"-({src.segment(body)})")))
    else:
        edits.append(("every partial flipped",
                      src.replaced(body, f"tuple(-d for d in ({src.segment(body)}))")))
    for node in ast.walk(body):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2:
            a, b = (src.segment(e) for e in node.elts)
            if a != b:
                what = "partials swapped" if node is body else f"({a}, {b}) swapped"
                edits.append((what, src.replaced(node, f"({b}, {a})")))
        elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            new = repr(node.value + 1)
            edits.append((f"{src.segment(node)} -> {new}", src.replaced(node, new)))
        elif isinstance(node, ast.Name) and node.id.lstrip("_").isupper():
            edits.append((f"{node.id} doubled", src.replaced(node, f"(2 * {node.id})")))
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and \
                type(node.ops[0]) in STRICTER:
            left, right = src.segment(node.left), src.segment(node.comparators[0])
            new = f"{left} {STRICTER[type(node.ops[0])]} {right}"
            edits.append((f"{src.segment(node)} -> {new}", src.replaced(node, new)))
    return edits


def rule_mutants(root: Path) -> list[Mutant]:
    text = (root / RULES).read_text(encoding="utf-8")
    tree, src = ast.parse(text), Source(text)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    out = []
    for fn in functions.values():
        for deco in fn.decorator_list:
            if not (isinstance(deco, ast.Call) and getattr(deco.func, "id", "") == "define"):
                continue
            named = [k.value for k in deco.keywords if k.arg == "name"]
            op = str(named[0].value) if named and isinstance(named[0], ast.Constant) else fn.name
            rule = deco.args[0]
            if isinstance(rule, ast.Lambda):
                body, args = rule.body, [a.arg for a in rule.args.args]
            else:  # a rule written as a function: its return value
                helper = functions[rule.id]  # type: ignore[attr-defined]
                body = next(n.value for n in ast.walk(helper)
                            if isinstance(n, ast.Return) and n.value is not None)
                args = [a.arg for a in helper.args.args]
            seen: dict[str, int] = {}
            for what, new in rule_edits(src, body, args, unary=len(args) == 2):
                seen[what] = seen.get(what, 0) + 1
                suffix = f" (#{seen[what]})" if seen[what] > 1 else ""
                out.append(Mutant(f"{op}: {what}{suffix}", RULES, new, RULE_TESTS))
    return out


def accumulation_mutants(root: Path) -> list[Mutant]:
    out = []
    for file, name, old, new, tests in ACCUMULATION:
        text = (root / file).read_text(encoding="utf-8")
        if text.count(old) != 1:
            raise SystemExit(f"mutate: {file} holds {text.count(old)} copies of {old!r}, not "
                             f"one: update ACCUMULATION in {Path(__file__).name}")
        out.append(Mutant(name, file, text.replace(old, new), tests))
    return out


# ---------------------------------------------------------------------------------------------
# Running them


class Runner:
    """Copies of the tree, one per job; runs a mutant's tests in a free copy."""

    def __init__(self, root: Path, base: Path, jobs: int, limit: float) -> None:
        files = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True,
                               text=True, check=True).stdout.split("\0")
        self.copies: list[Path] = []
        for k in range(jobs):
            copy = base / f"tree{k}"
            for f in filter(None, files):
                if (root / f).is_file():
                    (copy / f).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(root / f, copy / f)
            self.copies.append(copy)
        self.free = list(self.copies)
        self.lock = threading.Lock()
        self.running: set[subprocess.Popen[str]] = set()
        self.stopping = False
        self.limit = limit

    def env(self, copy: Path) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1",
                "HYPOTHESIS_PROFILE": "mutate"}

    def pytest(self, copy: Path, tests: tuple[str, ...]) -> tuple[int, str]:
        cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-rfE", "-p", "no:cacheprovider", *tests]
        with self.lock:  # started under the lock, so that `stop` sees every run
            if self.stopping:
                return -2, "stopped"
            proc = subprocess.Popen(cmd, cwd=copy, env=self.env(copy), text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            self.running.add(proc)
        try:
            out, _ = proc.communicate(timeout=self.limit)
            return proc.returncode, out
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return -1, f"timed out after {self.limit:.0f} s"
        finally:
            with self.lock:
                self.running.discard(proc)

    def run(self, mutant: Mutant) -> tuple[bool, str]:
        """(killed?, by what)."""
        with self.lock:
            copy = self.free.pop()
        path = copy / mutant.file
        original = path.read_text(encoding="utf-8")
        try:
            path.write_text(mutant.text, encoding="utf-8")
            code, out = self.pytest(copy, mutant.tests)
        finally:
            path.write_text(original, encoding="utf-8")
            with self.lock:
                self.free.append(copy)
        if code == 0:
            return False, ""
        lines = out.strip().splitlines() or [f"pytest exited with {code}"]
        failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
        return True, (failed or lines[-1:])[0][:150]

    def stop(self) -> None:
        """No new test run starts; the running ones are killed."""
        with self.lock:
            self.stopping = True
            for proc in self.running:
                proc.kill()

    def check_imports(self) -> None:
        """The copy's autograd is the one the tests import, not an installed one."""
        copy = self.copies[0]
        where = subprocess.run([sys.executable, "-c", "import autograd; print(autograd.__file__)"],
                               cwd=copy, env=self.env(copy), capture_output=True, text=True)
        if not where.stdout.strip().startswith(str(copy)):
            raise SystemExit(f"mutate: the tests would import {where.stdout.strip()}, not the "
                             f"copy in {copy}{where.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("-k", metavar="TEXT", help="only the mutants whose name holds TEXT")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=float, default=900.0, help="seconds a mutant may take")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    args = parser.parse_args(argv)
    mutants = rule_mutants(ROOT) + accumulation_mutants(ROOT)
    if args.k:
        mutants = [m for m in mutants if args.k in m.name]
    if stale := set(EQUIVALENT) - {m.name for m in rule_mutants(ROOT) + accumulation_mutants(ROOT)}:
        raise SystemExit(f"mutate: EQUIVALENT names mutants that do not exist: {sorted(stale)}")
    if args.list:
        for m in mutants:
            print(f"{m.file}: {m.name}")
        print(f"{len(mutants)} mutants")
        return 0
    start = time.monotonic()
    survivors, stale_equivalents, killed = [], [], 0
    with tempfile.TemporaryDirectory(prefix="autograd-mutate-") as base:
        runner = Runner(ROOT, Path(base), max(1, min(args.jobs, len(mutants))), args.limit)
        runner.check_imports()
        for tests in sorted({m.tests for m in mutants}):  # unmutated, each subset passes
            code, out = runner.pytest(runner.copies[0], tests)
            if code != 0:
                print(out[-3000:])
                raise SystemExit(f"mutate: {' '.join(tests)} fail without any mutant")
        print(f"{len(mutants)} mutants, {len(runner.copies)} at a time", flush=True)
        pool = ThreadPoolExecutor(len(runner.copies))
        try:
            futures = {pool.submit(runner.run, m): m for m in mutants}
            for done, future in enumerate(as_completed(futures), 1):
                m = futures[future]
                dead, how = future.result()
                killed += dead
                if not dead and m.name not in EQUIVALENT:
                    survivors.append(m)
                if dead and m.name in EQUIVALENT:
                    stale_equivalents.append(m)
                verdict = "killed" if dead else ("equivalent" if m.name in EQUIVALENT
                                                 else "SURVIVED")
                print(f"[{done:3}/{len(mutants)}] {verdict:10} {m.file}: {m.name}"
                      + (f"  <- {how}" if how else ""), flush=True)
        except KeyboardInterrupt:
            runner.stop()
            pool.shutdown(wait=True, cancel_futures=True)  # before the copies are removed
            print("\nmutate: interrupted; the checkout was never written", file=sys.stderr)
            return 130
        pool.shutdown()
    minutes = (time.monotonic() - start) / 60
    print(f"\n{len(mutants)} mutants in {minutes:.1f} min: {killed} killed, "
          f"{len(mutants) - killed} survived ({len(survivors)} not known to be equivalent)")
    for m in survivors:
        print(f"  SURVIVED {m.file}: {m.name} (tests: {' '.join(m.tests)})")
    for m in stale_equivalents:
        print(f"  KILLED, but listed in EQUIVALENT: {m.name}: take it off the list")
    return 1 if survivors or stale_equivalents else 0


if __name__ == "__main__":
    sys.exit(main())
