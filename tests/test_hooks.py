"""Hooks on gradients (`Value.register_hook`, PyTorch's semantics) and micrograd's `_backward`."""

from __future__ import annotations

import math
from typing import Any

import pytest
from conftest import lecture_neuron
from hypothesis import given

from autograd import Value, backward_steps, detect_anomaly, grad
from autograd.testing import Expression, expressions


def test_the_lectures_hand_backward_runs_unchanged() -> None:
    v = lecture_neuron()
    v["o"].grad = 1.0
    for name in ("o", "n", "b", "x1w1 + x2w2", "x2w2", "x1w1"):  # the lecture's order
        v[name]._backward()
    for name, expected in (("n", 0.5), ("x1", -1.5), ("w1", 1.0), ("x2", 0.5), ("w2", 0.0)):
        assert v[name].grad == pytest.approx(expected, abs=1e-12), name
    fresh = lecture_neuron()
    fresh["o"].backward()
    assert [fresh[k].grad for k in ("x1", "w1", "x2", "w2", "b")] == \
        [v[k].grad for k in ("x1", "w1", "x2", "w2", "b")]


def chain() -> tuple[Value, Value, Value, Value]:
    x, w = Value(1.5, "x"), Value(-0.5, "w")
    h = (x * w).tanh()
    h.label = "h"
    out = h * h + x
    out.label = "out"
    return x, w, h, out


def test_a_hook_sees_the_complete_gradient_and_can_replace_it() -> None:
    seen: list[float] = []
    x, w, h, out = chain()
    plain_x, plain_w, plain_h, plain_out = chain()
    plain_out.backward()
    h.register_hook(lambda g: seen.append(g))  # returns None: observes only
    out.backward()
    assert seen == [plain_h.grad] and x.grad == plain_x.grad
    x, w, h, out = chain()
    handle = h.register_hook(lambda g: 2 * g)  # doubles what flows on from h
    out.backward()
    assert h.grad == 2 * plain_h.grad
    assert w.grad == pytest.approx(2 * plain_w.grad, rel=1e-15)
    assert x.grad == pytest.approx(1 + 2 * (plain_x.grad - 1), rel=1e-15)  # the direct +x stays
    handle.remove()
    handle.remove()  # again is fine
    x.grad = w.grad = 0.0
    out.backward()
    assert w.grad == plain_w.grad and h.hooks == ()


def test_a_leaf_hook_changes_what_is_accumulated() -> None:
    x, w, h, out = chain()
    with w.register_hook(lambda g: g * 10):
        out.backward()
        first = w.grad
        out.backward()  # accumulates another hooked gradient
    assert w.grad == pytest.approx(2 * first)
    _, plain_w, _, plain_out = chain()
    plain_out.backward()
    assert first == pytest.approx(10 * plain_w.grad, rel=1e-15)
    assert w.hooks == ()


def test_hooks_match_pytorch() -> None:
    torch = pytest.importorskip("torch")
    x, w, h, out = chain()
    h.register_hook(lambda g: g * 3.0)
    w.register_hook(lambda g: g - 1.0)
    out.backward()
    tx = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    tw = torch.tensor(-0.5, dtype=torch.float64, requires_grad=True)
    th = torch.tanh(tx * tw)
    th.register_hook(lambda g: g * 3.0)
    tw.register_hook(lambda g: g - 1.0)
    (th * th + tx).backward()
    assert x.grad == pytest.approx(tx.grad.item(), rel=1e-12)
    assert w.grad == pytest.approx(tw.grad.item(), rel=1e-12)


def test_hooks_run_in_grad_and_in_the_step_through() -> None:
    x, w, h, out = chain()
    _, plain_w, plain_h, plain_out = chain()
    plain_out.backward()
    with h.register_hook(lambda g: 2 * g), w.register_hook(lambda g: g + 1):
        (dw,) = grad(out, [w])
        assert dw.data == pytest.approx(2 * plain_w.grad + 1, rel=1e-15)
        steps = list(backward_steps(out))
    hooked = [s for s in steps if s.hooked]
    assert [s.node for s in hooked] == [h, w]
    assert "a hook replaced the gradient" in str(hooked[0])
    assert hooked[1].node.is_leaf and "(a leaf: its gradient is complete)" in str(hooked[1])
    assert w.grad == pytest.approx(2 * plain_w.grad + 1, rel=1e-15)
    assert h.grad == 2 * plain_h.grad


def test_hooks_must_return_a_number_or_none() -> None:
    x, w, h, out = chain()
    with pytest.raises(TypeError, match="register_hook: expected a function"):
        h.register_hook("double")  # type: ignore[arg-type]
    with h.register_hook(lambda g: "twice"), pytest.raises(TypeError, match="returned str"):
        out.backward()


@given(expressions())
def test_the_table_walk_is_backward_bit_for_bit(expr: Expression) -> None:
    """With detect_anomaly() (and with hooks) backward runs the generic walk on a table: no
    anomaly and no effective hook give exactly the fast loop's gradients, accumulated too."""
    program, inputs = expr
    runs: list[list[float]] = []
    for mode in ("fast", "checked", "hooked"):
        leaves = [Value(x) for x in inputs]
        for leaf in leaves:
            leaf.grad = 0.125  # accumulation onto an earlier gradient
        out = program(*leaves)
        handle: Any = leaves[0].register_hook(lambda g: None) if mode == "hooked" else None
        if mode == "checked":
            with detect_anomaly():
                out.backward()
        else:
            out.backward()
        if handle is not None:
            handle.remove()
        runs.append([v.grad for v in leaves])
    assert runs[0] == runs[1]
    assert all(math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)  # the pass, then added
               for a, b in zip(runs[0], runs[2], strict=True))


def test_a_step_through_left_half_way_is_stopped_by_a_backward_pass() -> None:
    x, w, h, out = chain()
    steps = backward_steps(out)
    first = next(steps)
    next(steps)
    assert x.grad == first.parents[1].after == 1.0  # every .grad says what the steps said
    assert w.grad == 0.0  # not reached yet
    x.grad = 0.0  # as zero_grad() would: the steps so far are undone by hand
    out.backward()
    _, plain_w, _, plain_out = chain()
    plain_out.backward()
    assert w.grad == plain_w.grad  # not thrown off by the paused step-through
    with pytest.warns(RuntimeWarning, match="changed while this step-through was paused"):
        list(steps)
    assert w.grad == plain_w.grad  # the stale step-through wrote nothing
