"""Shared test set-up: hypothesis profiles and small fixtures.

Hypothesis profiles (choose with ``HYPOTHESIS_PROFILE=<name>``; ``ci`` is the default):

- ``ci``: no deadline (the machines are shared, so timing says nothing), 100 examples per test.
- ``quick``: 20 examples, for a fast local loop.
- ``thorough``: 2,000 examples, for a long hunt before a release.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from autograd.examples import TwoLayerSigmoid, two_layer_sigmoid

for _name, _examples in (("ci", 100), ("quick", 20), ("thorough", 2000)):
    settings.register_profile(
        _name,
        max_examples=_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        print_blob=True,
    )
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def net() -> TwoLayerSigmoid:
    """Seed 004's network, freshly built (forward pass done, no gradients yet)."""
    return two_layer_sigmoid()
