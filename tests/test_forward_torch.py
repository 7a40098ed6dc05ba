"""jvp, vjp, jacobian (both modes) and hessian agree with PyTorch (float64) to 1e-9 relative,
on random programs of `autograd.testing`, ops of one's own included. Skipped without torch."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd
import autograd.math as amath
from autograd import hessian, jacobian, jvp, ops, vjp
from autograd.testing import OPS, Expression, Program, expressions, values

torch = pytest.importorskip("torch")
tfunc = pytest.importorskip("torch.func")


def close(ours: float, theirs: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-12)


def tensors(xs: Sequence[float]) -> tuple[Any, ...]:
    return tuple(torch.tensor(x, dtype=torch.float64) for x in xs)


def all_close(ours: Sequence[float], theirs: Sequence[float], scale: float = 1.0) -> bool:
    """Equal to 1e-9 relative; entries that cancel to about 0 are compared against the row's
    scale (its largest entry), where rounding in another order of sums shows."""
    return len(ours) == len(theirs) and all(
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12 * scale)
        for a, b in zip(ours, theirs, strict=True))


def registers(program: Program) -> tuple[Callable[..., list[Any]], Callable[..., tuple[Any, ...]]]:
    """The program as a function of several outputs (every result register), for this engine
    and for torch."""
    n = program.n_inputs
    return (lambda *xs: program.run(list(xs))[n:],
            lambda *ts: tuple(program.run(list(ts))[n:]))


# ---------------------------------------------------------------------------------------------
# Ops of one's own, with their PyTorch counterparts


@pytest.fixture(scope="module")
def user_ops() -> Iterator[list[str]]:
    @autograd.op(derivative=lambda x, out: 1 - amath.exp(-out),
                 torch=lambda torch, x: torch.log1p(torch.exp(x)))
    def softplus(x: float) -> float:
        return math.log1p(math.exp(x))

    @autograd.op(derivative=lambda x, y, out: (amath.exp(x - out), amath.exp(y - out)),
                 smooth=lambda x, y: True, torch="logaddexp")
    def logaddexp(x: float, y: float) -> float:
        m = max(x, y)
        return m + math.log(math.exp(x - m) + math.exp(y - m))

    yield [*OPS, "softplus", "logaddexp"]
    ops.unregister("softplus")
    ops.unregister("logaddexp")


MINE = ["softplus", "logaddexp", "*", "+", "sin", "dot"]  # where the user ops are frequent


def programs(user_ops: list[str], max_ops: int = 30) -> st.SearchStrategy[Expression]:
    """Programs of every op, user ops included, and programs where the user ops are frequent."""
    return st.one_of(expressions(ops=user_ops, max_ops=max_ops),
                     expressions(ops=MINE, max_ops=max_ops))


# ---------------------------------------------------------------------------------------------


def test_jvp_agrees_with_torch_func_jvp(user_ops: list[str]) -> None:
    @given(programs(user_ops), st.data())
    def check(expr: Expression, data: st.DataObject) -> None:
        program, inputs = expr
        tangents = [data.draw(values()) for _ in inputs]
        value, tangent = jvp(program, inputs, tangents)
        tvalue, ttangent = tfunc.jvp(program, tensors(inputs), tensors(tangents))
        assert close(value, tvalue.item())
        scale = max(1.0, *(abs(t) for t in tangents))
        assert math.isclose(tangent, ttangent.item(), rel_tol=1e-9, abs_tol=1e-12 * scale), (
            str(program), inputs, tangents, tangent, ttangent.item())

    check()


def test_vjp_agrees_with_torch_func_vjp(user_ops: list[str]) -> None:
    @given(programs(user_ops, max_ops=15), st.data())
    def check(expr: Expression, data: st.DataObject) -> None:
        program, inputs = expr
        ours, theirs = registers(program)
        output, vjp_fn = vjp(ours, *inputs)
        toutput, tvjp_fn = tfunc.vjp(theirs, *tensors(inputs))
        assert all_close(output, [t.item() for t in toutput])
        cotangents = [data.draw(values()) for _ in output]
        grads = vjp_fn(cotangents)
        tgrads = tvjp_fn(tensors(cotangents))
        assert all_close(list(grads), [t.item() for t in tgrads], max(1.0, *map(abs, grads)))

    check()


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
def test_jacobian_agrees_with_torch(user_ops: list[str], mode: str) -> None:
    @given(programs(user_ops, max_ops=15))
    def check(expr: Expression) -> None:
        program, inputs = expr
        ours, theirs = registers(program)
        rows = jacobian(ours, inputs, mode=mode)
        trows = torch.autograd.functional.jacobian(theirs, tensors(inputs))
        assert len(rows) == len(trows)
        for row, trow in zip(rows, trows, strict=True):
            scale = max(1.0, *map(abs, row))
            assert all_close(row, [t.item() for t in trow], scale), (str(program), rows)
        grad_row = jacobian(program, inputs, mode=mode)  # one output: its row, as torch gives
        tgrad_row = torch.autograd.functional.jacobian(program, tensors(inputs))
        assert all_close(grad_row, [t.item() for t in tgrad_row], max(1.0, *map(abs, grad_row)))

    check()


def test_hessian_agrees_with_torch(user_ops: list[str]) -> None:
    @given(programs(user_ops, max_ops=12))
    def check(expr: Expression) -> None:
        program, inputs = expr
        # PyTorch masks ∂²/∂x∂y of x ** y at y == 0 (see test_torch_crosscheck.torch_masks_it)
        assume(not any(op.name == "**" and op.const is None for op in program.ops))
        ours = hessian(program, list(inputs))
        theirs = torch.autograd.functional.hessian(program, tensors(inputs))
        for i, row in enumerate(ours):
            for j, h in enumerate(row):
                assert math.isclose(h, theirs[i][j].item(), rel_tol=1e-9, abs_tol=1e-9), (
                    str(program), ours, theirs)

    check()


def test_user_ops_are_drawn(user_ops: list[str]) -> None:
    seen: set[str] = set()

    @given(programs(user_ops, max_ops=10))
    def draw(expr: Expression) -> None:
        seen.update(op.name for op in expr.program.ops)

    draw()
    assert {"softplus", "logaddexp"} <= seen
