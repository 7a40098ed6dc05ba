"""The operators of `Value`, written out as straight-line code from the op rules.

`autograd.core` defines ``x * y`` as ``apply(mul, x, y)``: find the floats, run the op's value
function, run its derivative rule, make the node. That is the definition, and what every other
kind of number (dual numbers, symbols) runs. For Values this module writes, once at import,
one Python function per operator and method (``__mul__``, ``__rsub__``, ``exp``, ``relu``, ...)
that does the same work without the generic steps: the derivative rule read on symbols
(`autograd.symbolic`) is written in as code (``partials = (y, x)`` for ``*``), and the value
too where it is plain arithmetic (``out = x * y``); anything unusual (a plain number that is
not a float, a result that is not finite, a rule that raises) goes to `apply`, which gives the
same answer or the same error. The tests hold every generated method equal to `apply`, bit for
bit, on random and edge inputs; ``fast.source()`` shows the code.

Set the environment variable ``AUTOGRAD_REFERENCE=1`` to run the definitions instead.
"""

from __future__ import annotations

import inspect
import math as _math
import os

from . import codegen, symbolic
from .core import MODE, Value, apply
from .operators import Arithmetic
from .ops import Op, number, partials_at

__all__ = ["install", "source"]

_INLINE = {"+", "-", "*", "neg"}  # ops whose value on floats is Python's own operator


def _read_method(name: str) -> tuple[list[inspect.Parameter], symbolic.Expr] | None:
    """The method's parameters, and what it applies (an op on its parameters) read on
    symbols; None for a method that applies no op (``__pos__``)."""
    method = getattr(Arithmetic, name)
    params = list(inspect.signature(method).parameters.values())
    got = method(*symbolic.symbols([p.name for p in params]))
    if not isinstance(got, symbolic.Expr) or not isinstance(got.kind, Op):
        return None
    return params, got


def _inline_value(op: Op, args: list[str]) -> str | None:
    """``x * y`` where the op's value is Python's operator on floats, else None."""
    if op.name not in _INLINE:
        return None
    if op.name == "neg":
        return f"-{args[0]}"
    return f"{args[0]} {op.name} {args[1]}"


def _method_source(name: str, params: list[inspect.Parameter], call: symbolic.Expr,
                   ops: dict[str, Op]) -> str:
    op: Op = call.kind
    key = f"op{len(ops)}"
    ops[key] = op
    me = params[0].name
    signature = ", ".join(p.name if p.default is inspect.Parameter.empty
                          else f"{p.name}={p.default!r}" for p in params)
    lines = [f"def {name}({signature}):", f"    # {op.name}: generated from its rule"]
    floats: list[str] = []
    operands: list[str] = []
    for i, a in enumerate(call.args):
        p = a.args[0] if a.kind == "name" else None
        if p is None:  # a number the method itself gives
            floats.append(repr(a.args[0]))
            operands.append(repr(float(a.args[0])))
            continue
        f = f"{p}_"
        floats.append(f)
        if p == me:
            lines.append(f"    {f} = {p}.data")
            operands.append(p)
        elif i in op.numbers_only:
            lines.append(f"    if isinstance({p}, Value):\n        return apply({key}, "
                         f"{', '.join(x.args[0] for x in call.args)})")
            lines.append(f"    {f} = {p} if type({p}) is float else number({p}, {op.name!r})")
            operands.append(f)
        else:
            lines.append(f"    if isinstance({p}, Value):\n        {f} = {p}.data")
            lines.append(f"    elif type({p}) is float:\n        {f} = {p}")
            lines.append(f"    else:\n        {f} = {p} = number({p}, {op.name!r})")
            operands.append(p)
    every = ", ".join(x.args[0] if x.kind == "name" else repr(x.args[0]) for x in call.args)
    fallback = f"return apply({key}, {every})"
    value = _inline_value(op, floats)
    checked = op.domain is not None
    read_value = None if value is not None or checked else symbolic.value_of(op)
    if read_value is not None:  # Python's arithmetic (relu: 0.0 if x <= 0.0 else x)
        value = read_value.code(dict(zip(op.params, floats, strict=True)), {})
    lines.append(f"    out = {value or f'{key}.value({chr(44).join(floats)})'}")
    if checked:
        lines.append(f"    if out - out != 0.0:  # not finite: a domain error, or IEEE's value\n"
                     f"        {fallback}")
    read = symbolic.derivatives(op)
    if read is None:
        partials = f"partials_at({key}, ({', '.join(floats)},), out)"
    else:
        names = dict(zip(op.params, floats, strict=True))
        names["out"] = "out"
        calls = {o.name: _call_name(o, ops) for e in read for o in e.ops()}
        codes = [e.code(names, calls) for e in read]
        partials = f"({', '.join(codes)},)"
    lines.append(f"    try:\n        partials = {partials}\n"
                 f"    except (ArithmeticError, ValueError):\n        {fallback}")
    if checked:
        lines.append("    if sum(partials) != sum(partials):  # a NaN: maybe undefined there\n"
                     f"        {fallback}")
    tuple_text = ", ".join(operands) + ("," if len(operands) == 1 else "")
    lines.append(NODE.format(op=key, operands=tuple_text))
    return "\n".join(lines) + "\n"


NODE = """\
    v = new(Value)  # core.node, written in: its fields, then the mode in force sees it
    v.data = out
    v.grad = 0.0
    v.op = {op}
    v.operands = ({operands})
    v.partials = partials
    v.label = ""
    mode = mode_in_force()
    return v if mode is None else mode(v)"""
"""What `autograd.core.node` does, as lines of a generated method (a call less per node); the
tests hold the nodes it makes equal to `node`'s, field by field."""


def _call_name(op: Op, ops: dict[str, Op]) -> str:
    for key, known in ops.items():
        if known is op:
            return key
    key = f"op{len(ops)}"
    ops[key] = op
    return key


def source() -> str:
    """The Python source of every generated method (what `install` puts on `Value`)."""
    return _generate()[0]


def _generate() -> tuple[str, dict[str, Op]]:
    ops: dict[str, Op] = {}
    parts = []
    for name in sorted(vars(Arithmetic)):
        if not callable(getattr(Arithmetic, name)) or name.startswith("_") and \
                not (name.startswith("__") and name.endswith("__")):
            continue
        try:
            read = _read_method(name)
        except (TypeError, ValueError):
            continue
        if read is not None:
            parts.append(_method_source(name, *read, ops))
    return "\n\n".join(parts), ops


def install() -> list[str]:
    """Put the generated methods on `Value`; returns their names. A no-op with
    ``AUTOGRAD_REFERENCE=1`` in the environment."""
    if os.environ.get("AUTOGRAD_REFERENCE"):
        return []
    text, ops = _generate()
    scope = codegen.load(text, "Value's operators", {
        "Value": Value, "apply": apply, "number": number, "math": _math,
        "new": object.__new__, "mode_in_force": MODE.get,
        "partials_at": partials_at, **ops})
    names = [n for n in scope if n in vars(Arithmetic)]
    for n in names:
        scope[n].__qualname__ = f"Value.{n}"
        scope[n].__module__ = Value.__module__  # pickled as autograd.core.Value.<name>
        scope[n].__doc__ = getattr(Arithmetic, n).__doc__
        setattr(Value, n, scope[n])
    return names


INSTALLED = install()
"""The names of the methods of `Value` that run generated code."""
