"""Smoke test of the benchmarks (`python -m bench`) at tiny sizes: the runner runs to the end,
writes its report where it is told and nowhere else, the goals table is complete, and every
workload's cross-check agrees, and fails when a derivative is wrong. Timings are never asserted
(they depend on the machine). micrograd and torch are used where installed, else left out."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import engines, gpt, microgpt_style, workloads
from bench.engines import COMPILED, MICROGPT, MICROGRAD, OURS, TANGENT, TORCH
from bench.goals import GOALS

ROOT = Path(__file__).resolve().parent.parent
AVAILABLE = [e for e in (OURS, COMPILED, MICROGRAD, TORCH, MICROGPT, TANGENT)
             if engines.missing(e) is None]


def test_quick_run_writes_its_report_and_nothing_else(tmp_path: Path) -> None:
    if importlib.util.find_spec("pyperf") is None:
        pytest.skip("pyperf is not installed (pip install -e '.[bench]')")

    untouched = {p: (p.read_bytes(), p.stat().st_mtime_ns)
                 for p in (ROOT / "README.md", ROOT / "bench" / "results.md")}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "mlp,widesum",
         "--against", str(ROOT), "--build", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    report = (tmp_path / "bench-quick.md").read_text(encoding="utf-8")
    assert report in done.stdout  # stdout carries the same report
    for path, before in untouched.items():
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before, f"{path} was written"

    # The goals table: one row per goal, each evaluated.
    assert "| result | goal | measured | threshold |" in report
    goals = {name.strip(): result for result, name in
             re.findall(r"^\| (PASS|FAIL|SKIP)(?: \(quick\))? \| ([^|]+) \|", report,
                        flags=re.MULTILINE)}
    assert set(goals) == {g.name for g in GOALS}
    assert goals["generic graph vs the old version"] == "SKIP"  # not in --only
    assert goals["nn.MLP step vs the old version"] != "SKIP"  # --against was given
    assert goals["memory per node (generic graph)"] != "SKIP"  # measured on every run

    # The cross-checks ran on both sides, and the old-versus-new ratios are there.
    for side in ("Check", "Check (old version)"):
        assert f"{side}: after one step from the same weights, the loss and all 337" in report
        assert f"{side}: both sums and all 10,000 gradients (1.0) match the floor" in report
    assert re.search(r"^\| mlp/autograd nn.MLP \| [\d.]+ \| [\d.]+ \| [\d.]+ \|$", report,
                     flags=re.MULTILINE)
    per_node = re.search(r"^\| autograd \(new\) \| [\d,]+ \| [\d,]+ \| (\d+) \|$", report,
                         flags=re.MULTILINE)
    assert per_node is not None and 0 < int(per_node.group(1)) < 10_000
    for engine in (MICROGRAD, TORCH):
        if engine not in AVAILABLE:
            assert f"- {engine}: not installed, skipped" in report


def test_every_workload_check_agrees_at_tiny_sizes() -> None:
    for key, w in workloads.WORKLOADS.items():
        text = w.check(w.quick, AVAILABLE)
        assert "match" in text or "agree" in text, key
    assert set(workloads.memory(5, AVAILABLE)) == {OURS, MICROGPT, MICROGRAD} & set(AVAILABLE)


def test_generic_check_catches_a_wrong_derivative(monkeypatch: pytest.MonkeyPatch) -> None:
    def relu_with_slope_one(self: microgpt_style.Value) -> microgpt_style.Value:
        return microgpt_style.Value(max(0.0, self.data), (self,), (1.0,))

    monkeypatch.setattr(microgpt_style.Value, "relu", relu_with_slope_one)
    wrong = engines.get(MICROGPT)
    monkeypatch.setattr(engines, "get", lambda name: wrong)
    with pytest.raises(AssertionError, match="generic graph, autograd: value"):
        workloads.check_generic(10, [OURS])


def test_gpt_check_catches_a_wrong_gradient() -> None:
    class NoEpsilon(gpt.Generic):  # rmsnorm without its epsilon: the loss moves a little
        def rmsnorm(self, x: Any) -> list[Any]:
            scale = (self.dot(x, x) / len(x)) ** -0.5
            return [xi * scale for xi in x]

    cfg = gpt.Config(n_embd=4, n_head=2, block=4)
    ours = workloads.variant(workloads.GPT_GENERIC)
    wrong = gpt.Variant("wrong", ours.engine, NoEpsilon(engines.data_of))
    with pytest.raises(AssertionError, match="GPT workload: wrong gives"):
        gpt.check_agreement([ours, wrong], gpt.init_weights(cfg), gpt.tokenize("ab"), cfg)


def test_gpt_idiomatic_graph_is_smaller() -> None:
    cfg = gpt.Config(n_embd=4, n_head=2, block=4)  # shorter than the name: past the block
    weights, tokens = gpt.init_weights(cfg), gpt.tokenize(gpt.NAME)
    generic, idiomatic = (workloads.variant(n) for n in (workloads.GPT_GENERIC,
                                                         workloads.GPT_IDIOMATIC))
    n_generic = gpt.count_nodes(generic, weights, tokens, cfg)
    n_idiomatic = gpt.count_nodes(idiomatic, weights, tokens, cfg)
    assert n_generic is not None and n_idiomatic is not None
    assert n_idiomatic * 3 < n_generic
    with pytest.raises(ValueError, match="tokenize: 'Ab' is not"):
        gpt.tokenize("Ab")


def test_a_missing_engine_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert engines.missing(MICROGRAD) == (
        "micrograd: not installed, skipped (`pip install -e '.[bench]'`)")
    assert engines.missing(TORCH) is not None
    assert engines.missing(OURS) is None


def test_worked_check_catches_a_wrong_gradient(monkeypatch: pytest.MonkeyPatch) -> None:
    def off_by_a_little() -> Any:
        right = workloads.worked.eager()
        return lambda p: (right(p)[0], [g * (1 + 1e-6) for g in right(p)[1]])

    monkeypatch.setitem(workloads.WORKED_WAYS, OURS, off_by_a_little)
    with pytest.raises(AssertionError, match="worked network, autograd: value"):
        workloads.check_worked(None, [OURS])
