"""The scalar engines the workloads run on, each imported only when a case asks for it.

An `Engine` says how to make a leaf from a float, read a scalar's number and gradient, clear a
gradient, and list every node a root depends on (for counting nodes; ``None`` where the engine
keeps its graph out of Python's sight). micrograd and PyTorch are optional: `missing` says
whether they can be imported here without importing them.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OURS = "autograd"
MICROGRAD = "micrograd"
TORCH = "torch scalar"
MICROGPT = "microgpt-style"
FLOOR = "plain floats"  # not an engine: the same arithmetic in floats, backward by hand
COMPILED = "autograd compiled"  # our engine through autograd.compile (this checkout only)
TANGENT = "tangent-ad"  # source-to-source autodiff on floats (the worked network only)

INSTALL = {
    MICROGRAD: ("micrograd", "pip install -e '.[bench]'"),
    TORCH: ("torch", "pip install -e '.[torch]'"),
    TANGENT: ("tangent", "pip install -e '.[bench]'"),
}


@dataclass(frozen=True)
class Engine:
    name: str
    leaf: Callable[[float], Any]
    value: Callable[[Any], float]
    grad: Callable[[Any], float]
    cleared: float | None  # what `.grad` is set to before a step
    walk: Callable[[Any], list[Any]] | None


def missing(name: str) -> str | None:
    """Why engine `name` cannot run here (one line), or None if it can."""
    if name not in INSTALL:
        return None
    module, command = INSTALL[name]
    if importlib.util.find_spec(module) is None:
        return f"{name}: not installed, skipped (`{command}`)"
    return None


def data_of(v: Any) -> float:
    return float(v.data)


def grad_of(v: Any) -> float:
    return float(v.grad)


def breadth_first(children: Callable[[Any], Any]) -> Callable[[Any], list[Any]]:
    """A graph walk over the nodes' `children`: every node a root depends on, each once."""

    def walk(root: Any) -> list[Any]:
        out, seen = [root], {id(root)}
        for v in out:  # the list grows while it is read
            for c in children(v):
                if id(c) not in seen:
                    seen.add(id(c))
                    out.append(c)
        return out

    return walk


def get(name: str) -> Engine:
    """The engine called `name` (importing it)."""
    if name == OURS:
        import autograd

        return Engine(OURS, autograd.Value, data_of, grad_of, 0.0, autograd.walk)
    if name == MICROGRAD:
        import micrograd.engine

        return Engine(MICROGRAD, micrograd.engine.Value, data_of, grad_of, 0.0,
                      breadth_first(lambda v: v._prev))
    if name == MICROGPT:
        from bench import microgpt_style

        return Engine(MICROGPT, microgpt_style.Value, data_of, grad_of, 0.0,
                      breadth_first(lambda v: v._children))
    if name == TORCH:
        import torch

        torch.set_num_threads(1)

        def leaf(x: float) -> Any:
            return torch.tensor(x, dtype=torch.float64, requires_grad=True)

        def grad(t: Any) -> float:
            return 0.0 if t.grad is None else float(t.grad)

        return Engine(TORCH, leaf, lambda t: float(t.item()), grad, None, None)
    raise KeyError(f"no engine called {name!r}")
