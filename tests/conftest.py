"""Shared test set-up: hypothesis profiles, small fixtures, and a closing line on skipped tests.

Hypothesis profiles (choose with ``HYPOTHESIS_PROFILE=<name>``; ``dev`` is the default, and
``.ci/run`` sets ``ci``, which ``make test`` passes on):

- ``dev``: 100 examples per test, no deadline (a breakpoint or a busy laptop is not a failure).
- ``ci``: 100 examples per test, each within `CI_DEADLINE`: an example that is that slow is a
  bug (a graph that grows without bound, a loop that does not end), not a busy machine; the
  slowest kinds of example take about 25 ms. The time limit of a whole test is pytest-timeout's
  (``timeout`` in pyproject.toml), which also bounds hypothesis's shrinking.
- ``quick``: 20 examples, for a fast local loop.
- ``thorough``: 2,000 examples, for a long hunt before a release.
- ``mutate``: ``dev`` derandomized, for scripts/mutate.py.
"""

from __future__ import annotations

import datetime
import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings

from autograd import Value
from autograd.examples import TwoLayerSigmoid, two_layer_sigmoid

CI_DEADLINE = datetime.timedelta(seconds=2)
"""The longest one example of a property may take in the ``ci`` profile."""

for _name, _examples, _deadline in (("dev", 100, None), ("ci", 100, CI_DEADLINE),
                                    ("quick", 20, None), ("thorough", 2000, None)):
    settings.register_profile(
        _name,
        max_examples=_examples,
        deadline=_deadline,
        suppress_health_check=[HealthCheck.too_slow],
        print_blob=True,
    )
# scripts/mutate.py: the same examples on every run (no database, derandomized), so that a
# mutant is killed or survives, not one or the other by chance.
settings.register_profile("mutate", settings.get_profile("dev"), derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "dev")


@pytest.fixture
def net() -> TwoLayerSigmoid:
    """Seed 004's network, freshly built (forward pass done, no gradients yet)."""
    return two_layer_sigmoid()


# ---------------------------------------------------------------------------------------------
# Skipped tests are announced, with the one command that runs them all.

_WHY = (  # (words in a skip reason, what the skipped tests are), first match wins
    (("torch",), "PyTorch cross-checks (torch is not installed)"),
    (("playwright", "chromium", "browser"), "browser tests (Chromium or Playwright is missing)"),
    (("graphviz", "`dot`"), "need Graphviz's dot program"),
)
RUN_EVERYTHING = "make test-all"
"""The command that installs what the skipped tests need (torch, Chromium, Playwright) and
runs every test."""


def _skip_group(report: pytest.TestReport) -> str:
    """What a skipped test is, from its skip reason."""
    longrepr = report.longrepr
    reason = str(longrepr[2] if isinstance(longrepr, tuple) else longrepr).lower()
    for words, group in _WHY:
        if any(word in reason for word in words):
            return group
    return "skipped for other reasons"


_CLOSING = pytest.StashKey[str]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Count the skipped tests by reason; `pytest_unconfigure` prints the line after pytest's
    own closing line, so that it is the last thing on the screen."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if hasattr(r, "longrepr")]
    if not skipped:
        return
    groups = Counter(_skip_group(r) for r in skipped)
    parts = ", ".join(f"{n} {group}" for group, n in groups.most_common())
    line = f"{len(skipped)} skipped: {parts}."
    if any(group != "skipped for other reasons" for group in groups):
        line += (f" To run everything: {RUN_EVERYTHING} (installs the CPU torch, Chromium and"
                 " Playwright, then runs these tests).")
    terminalreporter.config.stash[_CLOSING] = line


def pytest_unconfigure(config: pytest.Config) -> None:
    line = config.stash.get(_CLOSING, None)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if line and reporter is not None:
        reporter.write_line(line, yellow=True, bold=True)


def lecture_neuron(sum_label: str = "x1w1 + x2w2") -> dict[str, Value]:
    """The neuron of the micrograd lecture, labeled as the lecture labels it:
    o = tanh(x1*w1 + x2*w2 + b), by label (the sum's label may be given)."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    s = x1w1 + x2w2
    s.label = sum_label
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return {v.label: v for v in (x1, x2, w1, w2, b, x1w1, x2w2, s, n, o)}
