"""Straight-line programs over the registry's ops, runnable on Values, floats, dual numbers and
PyTorch tensors: what `autograd.testing` draws at random, and what the tests cross-check.

A `Program` is a list of instructions (`Op`: an op name applied to earlier registers, with an
optional plain-number operand); ``program(*inputs)`` runs it on whatever the inputs are. Each
instruction's value and local derivatives on floats come from the registry, like everything else.
"""

from __future__ import annotations

import functools
import numbers
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from . import fused, ops
from .core import Value
from .ops import Op as RegistryOp

__all__ = ["Expression", "Op", "Program", "float_rule", "float_value", "registry_op"]

T = TypeVar("T")

# Python's operators, by the symbol an op is written with.
_PYTHON: dict[tuple[str, int], Callable[..., Any]] = {
    ("+", 2): operator.add,
    ("-", 2): operator.sub,
    ("*", 2): operator.mul,
    ("/", 2): operator.truediv,
    ("**", 2): operator.pow,
    ("-", 1): operator.neg,
}


def registry_op(name: str) -> RegistryOp:
    """The registered op of this name, or a ValueError naming the choices."""
    found = ops.lookup(name)
    if found is None:
        names = [o.name for o in ops.registered()]
        raise ValueError(f"unknown op {name!r}; choose from {names} or ops of your own")
    return found


# ---------------------------------------------------------------------------------------------
# Programs


@dataclass(frozen=True)
class Op:
    """One instruction: op ``name`` applied to registers ``args``.

    Registers ``0 .. n_inputs-1`` hold the inputs; instruction k writes register ``n_inputs + k``.
    ``const`` is the plain-number operand of a two-input op (the 2.5 of ``x * 2.5``, the slope of
    leaky_relu), written first when ``const_first`` (``2.5 - x``). ``dot`` reads its registers as
    ws then xs, or, when ``weights`` (plain numbers) are given, as xs only; one register more
    than that is the bias.
    """

    name: str
    args: tuple[int, ...]
    const: float | None = None
    const_first: bool = False
    weights: tuple[float, ...] = ()

    def operands(self, regs: Sequence[T]) -> list[Any]:
        """The op's operands in call order: the registers, with the constant where it stands
        (and a dot's plain-number weights first)."""
        if self.weights:
            return [*self.weights, *regs]
        if self.const is None:
            return list(regs)
        return [self.const, *regs] if self.const_first else [*regs, self.const]

    def positions(self, n: int) -> list[int]:
        """Where the `n` registers stand among the operands."""
        first = len(self.weights) + (self.const is not None and self.const_first)
        return list(range(first, first + n))

    def format(self, names: Sequence[str]) -> str:
        """This instruction's right-hand side, for example ``2.5 - x0`` or ``exp(v3)``."""
        a = [names[i] for i in self.args]
        if self.name == "dot":
            ws, xs, bias = _dot_parts(self, a)
            tail = f", bias={bias}" if bias is not None else ""
            return f"dot([{', '.join(map(str, ws))}], [{', '.join(xs)}]{tail})"
        if self.name in ("sum", "logsumexp"):
            return f"{self.name}({', '.join(a)})"
        texts = self.operands(a)
        if self.const is not None:
            texts = [repr(self.const) if t is self.const else t for t in texts]
        return registry_op(self.name).show([str(t) for t in texts])


@dataclass(frozen=True)
class Program:
    """A straight-line program over ``n_inputs`` inputs; the last instruction is the output.

    ``program(*inputs)`` runs it on Values (building a graph for the engine), on plain floats,
    on Duals (forward mode) or on PyTorch tensors, and returns the output; `run` returns every
    register.
    """

    n_inputs: int
    ops: tuple[Op, ...]

    def __call__(self, *inputs: T) -> T:
        return self.run(inputs)[-1]

    def run(self, inputs: Sequence[T]) -> list[T]:
        """Every register: the inputs, then each instruction's result, in order."""
        if len(inputs) != self.n_inputs:
            raise TypeError(f"Program: takes {self.n_inputs} inputs, got {len(inputs)}")
        backend = _backend_for(inputs)
        regs: list[Any] = list(inputs)
        for k, op in enumerate(self.ops, self.n_inputs):
            out = backend(op, [regs[i] for i in op.args])
            if isinstance(out, Value):
                out.label = f"v{k}"
            regs.append(out)
        return regs

    def names(self) -> list[str]:
        """Register names: x0, x1, ... for the inputs, v<n> for results."""
        return [f"x{i}" if i < self.n_inputs else f"v{i}" for i in range(self.size)]

    @property
    def size(self) -> int:
        """Number of registers."""
        return self.n_inputs + len(self.ops)

    def __str__(self) -> str:
        names = self.names()
        lines = [f"{names[k]} = {op.format(names)}" for k, op in enumerate(self.ops, self.n_inputs)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        body = "".join(f"\n    {line}" for line in str(self).splitlines())
        return f"<Program of {self.n_inputs} inputs, output last:{body}>"


class Expression(NamedTuple):
    """What `expressions()` draws: a program and input values where it is well-behaved."""

    program: Program
    inputs: tuple[float, ...]


# ---------------------------------------------------------------------------------------------
# Each op's value and local derivatives on plain floats, from the registry (used by the float
# backend, and by the generator to keep values, domains and sensitivities in range).


def float_rule(op: Op, xs: Sequence[float]) -> tuple[float, list[float]]:
    """(value, local derivative per register of op.args) on plain floats: the registry's
    value and its rule read on floats, for every op."""
    reg = registry_op(op.name)
    args = op.operands(list(xs))
    out = reg.value(*args)
    partials = reg.partials(args, out)
    return out, [float(partials[i]) for i in op.positions(len(xs))]


# ---------------------------------------------------------------------------------------------
# Backends: how one instruction runs on Values, floats or torch tensors.


def _dot_parts(op: Op, args: list[Any]) -> tuple[list[Any], list[Any], Any]:
    """(ws, xs, bias or None) of a dot instruction."""
    if op.weights:
        n = len(op.weights)
        return list(op.weights), args[:n], args[n] if len(args) > n else None
    n = len(args) // 2
    return args[:n], args[n : 2 * n], args[-1] if len(args) % 2 else None


def _values(op: Op, args: list[Any]) -> Any:
    """On Values: operators and methods where the user would write them (so the engine's hand-
    written fast paths run), the registry's op otherwise."""
    if op.name == "sum":
        return fused.sum(args)
    if op.name == "dot":
        ws, xs, bias = _dot_parts(op, args)
        return fused.dot(ws, xs, bias)
    if op.name == "logsumexp":
        return fused.logsumexp(args)
    reg = registry_op(op.name)
    operands = op.operands(args)
    python = _PYTHON.get((reg.symbol or "", reg.arity))
    if python is not None:
        return python(*operands)
    method = getattr(Value, reg.name, None) if reg.builtin else None
    if callable(method) and isinstance(operands[0], Value):
        return method(*operands)
    return reg(*operands)


def _torch(op: Op, args: list[Any]) -> Any:
    import torch

    reg = registry_op(op.name)
    operands = op.operands(args)
    python = _PYTHON.get((reg.symbol or "", reg.arity))
    if python is not None:
        return python(*operands)
    if reg.torch is None:
        raise NotImplementedError(f"{reg.name}: PyTorch has no counterpart in the registry")
    operands = [a if isinstance(a, torch.Tensor) or i in reg.numbers_only
                else torch.tensor(float(a), dtype=torch.float64) for i, a in enumerate(operands)]
    if callable(reg.torch):
        return reg.torch(torch, *operands)
    function: Any = functools.reduce(getattr, reg.torch.split("."), torch)
    return function(*operands)


def float_value(op: Op, xs: Sequence[float]) -> float:
    """The instruction's value on plain floats (IEEE: never raises for a registry op)."""
    return registry_op(op.name).value(*op.operands(list(xs)))


def _floats(op: Op, args: list[Any]) -> Any:
    return float_value(op, [float(a) for a in args])


def _backend_for(inputs: Sequence[object]) -> Callable[[Op, list[Any]], Any]:
    """Values (or anything else the registry's ops apply to, such as forward mode's Duals) if
    any input is one, torch if any is a tensor, else floats."""
    for x in inputs:
        if hasattr(type(x), "__autograd_op__"):
            return _values
        if type(x).__module__.split(".")[0] == "torch":
            return _torch
        if not isinstance(x, numbers.Real):
            raise TypeError(
                f"Program: cannot run on inputs of type {type(x).__name__}; "
                "expected Values, floats or torch tensors"
            )
    return _floats


