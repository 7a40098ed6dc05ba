"""Smoke test of the benchmark script: `bench/run.py --quick` runs to the end and writes its
report; the GPT workload's engines agree at a tiny size. Timings are never asserted (they depend
on the machine)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import autograd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import gpt  # noqa: E402  (bench/gpt.py)


def test_quick_benchmark_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    report = out.read_text(encoding="utf-8")
    for section in ("## 1. Generic graph", "## 2. Own MLP training step",
                    "## 3. GPT training step", "## 4. Deep chain", "## 5. Wide sum",
                    "## 6. Memory", "## Goals", "## Measurements"):
        assert section in report
    # Our engine has a row in every table, and the floor in every timed one.
    assert report.count("| autograd |") == 3  # workload 1, the chain, the memory table
    assert report.count("| plain floats") >= 3
    # Every engine computed the same loss and gradients as the hand-written floor.
    assert "Cross-check: every engine's loss and 337 parameter gradients match" in report
    # The GPT variants agreed on the loss and every gradient; each has a row.
    assert re.search(r"Agreement check \(every run\): the loss \([\d.]+\) and all 1,264 "
                     r"parameter gradients agree across the \d variants", report)
    for name in (gpt.OURS_GENERIC, gpt.OURS_IDIOMATIC, gpt.REFERENCE):
        assert f"| {name} |" in report
    # The seven goals are each reported as PASS, FAIL or SKIP.
    goals = re.findall(r"^- \*\*(PASS|FAIL|SKIP)\*\* ", report, flags=re.MULTILINE)
    assert len(goals) == 7
    assert "GPT step, autograd, generic ops, at least 4x faster" in report
    # Our memory per node is a plausible positive number of bytes.
    row = re.search(r"^\| autograd \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \|",
                    report, flags=re.MULTILINE)
    assert row is not None
    assert 0 < int(row.group(4).replace(",", "")) < 10_000
    # What was printed is what was written.
    assert "## Goals" in done.stdout


# ---------------------------------------------------------------------------------------------
# The GPT workload's agreement check, at a tiny size, in the test suite itself.


def test_gpt_variants_agree_on_loss_and_every_gradient() -> None:
    cfg = gpt.Config(n_embd=4, n_head=2, block=4)
    weights = gpt.init_weights(cfg, seed=3)
    found, notes = gpt.variants()
    names = [v.name for v in found]
    assert names[:3] == [gpt.OURS_GENERIC, gpt.OURS_IDIOMATIC, gpt.REFERENCE]
    text = gpt.check_agreement(found, weights, gpt.tokenize("abcdefg"), cfg)  # past the block
    assert f"agree across the {len(found)} variants" in text
    if gpt.micrograd is not None:
        assert any("micrograd 0.1.0 cannot run the model" in n and "exp" in n for n in notes)


def test_gpt_agreement_check_catches_a_wrong_gradient() -> None:
    cfg = gpt.Config(n_embd=4, n_head=2, block=4)
    found, _ = gpt.variants()

    class Wrong(gpt.Generic):  # rmsnorm without its epsilon: the loss moves a little
        def rmsnorm(self, x: Any) -> list[Any]:
            scale = (self.dot(x, x) / len(x)) ** -0.5
            return [xi * scale for xi in x]

    wrong = gpt.Variant("wrong", autograd.Value, gpt.data_of, gpt.grad_of, 0.0, Wrong(gpt.data_of))
    with pytest.raises(AssertionError, match="GPT workload: wrong gives"):
        gpt.check_agreement([found[0], wrong], gpt.init_weights(cfg), gpt.tokenize("ab"), cfg)


def test_gpt_graphs_on_our_engine() -> None:
    cfg = gpt.Config(n_embd=4, n_head=2, block=4)
    weights = gpt.init_weights(cfg)
    tokens = gpt.tokenize("abc")
    generic, idiomatic = gpt.variants()[0][:2]
    loss = gpt.gpt_loss(idiomatic.style, idiomatic.params(weights), tokens, cfg)
    ops = {v.op for v in autograd.walk(loss)}
    assert {"dot", "logsumexp", "sum", "exp", "relu", "**"} <= ops
    assert "logsumexp" not in {v.op for v in autograd.walk(
        gpt.gpt_loss(generic.style, generic.params(weights), tokens, cfg))}
    n_generic = gpt.count_nodes(generic, weights, tokens, cfg)
    n_idiomatic = gpt.count_nodes(idiomatic, weights, tokens, cfg)
    assert n_generic is not None and n_idiomatic is not None and n_idiomatic * 3 < n_generic
    with pytest.raises(ValueError, match="tokenize: 'Ab' is not"):
        gpt.tokenize("Ab")


def test_nn_parts_prints_every_part() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "nn_parts.py"), "4"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("batch 4, median CPU time of 15 repeats")
    for name in ("nn.MLP step (relu)", "nn.MLP step, no activation nodes", "plain-float floor",
                 "collector off", "part: forward", "part: backward_order", "part: backward()"):
        assert any(name in line and line.endswith("x the floor") for line in lines), name
