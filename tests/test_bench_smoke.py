"""Smoke test of the benchmark script: `bench/run.py --quick` runs to the end and writes its
report. Timings are never asserted (they depend on the machine)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
    for section in ("## 1. Generic graph", "## 2. Own MLP training step", "## 3. Deep chain",
                    "## 4. Wide sum", "## 5. Memory", "## Goals (issue 6)"):
        assert section in report
    # Our engine has a row in every table, and the floor in every timed one.
    assert report.count("| autograd |") == 3  # workload 1, the chain, the memory table
    assert report.count("| plain floats") >= 3
    # Every engine computed the same loss and gradients as the hand-written floor.
    assert "Cross-check: every engine's loss and 337 parameter gradients match" in report
    # The five goals are each reported as PASS, FAIL or SKIP.
    goals = re.findall(r"^- \*\*(PASS|FAIL|SKIP)\*\* ", report, flags=re.MULTILINE)
    assert len(goals) == 5
    # Our memory per node is a plausible positive number of bytes.
    row = re.search(r"^\| autograd \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \|",
                    report, flags=re.MULTILINE)
    assert row is not None
    assert 0 < int(row.group(4).replace(",", "")) < 10_000
    # What was printed is what was written.
    assert "## Goals (issue 6)" in done.stdout
