"""The forward and backward pass of a graph, written out as Python: the derivation by hand.

`Source(root, inputs)` names every node (its label where the label is a Python identifier, else
``mul_3``, ``add_2``) and writes one line per node: the forward pass computes each value from
its operands, the backward pass each gradient from the gradients above it, with the rule as a
comment::

    out_o1 = sigmoid(l_o1)
    ...
    d_l_o1 = d_out_o1 * (out_o1 * (1 - out_o1))  # ∂out_o1/∂l_o1 = out_o1·(1 − out_o1)

`autograd.compile` turns this text into a function (through `autograd.codegen`); the step-through
page shows each step's line. The text is built only from names this module makes (checked to be
identifiers), ``repr`` of floats and the rules read on symbols (`autograd.symbolic`): a label that
is not an identifier never reaches the code, only a comment, escaped.

The code computes exactly what the eager engine computes: the same value functions, the same
rules, the same order of accumulation (every node after the nodes that use it, operands in
order), so the numbers agree as floats.
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Sequence
from typing import Any

from . import symbolic
from .core import Value, topological_order
from .names import Names, op_of, word
from .ops import Op
from .text import printable

__all__ = ["INLINE", "Source", "checked", "inline", "layout", "variable_names"]

INLINE = {"+", "-", "*", "/", "neg"}
"""Ops whose value on floats is Python's own operator wherever it is finite, written inline
(``a * b``): where Python's operator raises instead (``x / 0``), the call runs eagerly. ``**``
is inline too when the exponent is a whole number given as a constant (the result is real).
The others call their value function."""

RESERVED = {"inputs", "math", "partials_at", "Retrace", "Fallback", "float"}


def _leaves_of(arguments: Sequence[Any]) -> list[Value]:
    found: list[Value] = []
    stack = list(reversed(arguments))
    while stack:
        a = stack.pop()
        if isinstance(a, Value):
            found.append(a)
        else:
            stack.extend(reversed(a))
    return found


def number(x: float) -> str:
    """A float as Python source that gives it back exactly."""
    if x != x or x in (math.inf, -math.inf):
        return f"float({str(x)!r})"
    return f"({x!r})" if x < 0 or (x == 0.0 and math.copysign(1.0, x) < 0) else repr(x)


def comment(text: str) -> str:
    """User text as a comment: printable, on one line, cut short."""
    text = printable(text).replace("\n", " ")
    return text if len(text) <= 80 else text[:79] + "…"


def variable_names(order: Sequence[Value], inputs: Sequence[Value],
                   n_arguments: int) -> dict[Value, str]:
    """A Python variable for every node of `order` and every input: its label where the label
    is a short ASCII identifier, else its kind and a count (``mul_3``); never a keyword, a name
    the code uses itself, or a name whose gradient's name (``d_<name>``) is taken."""
    used = set(RESERVED) | {f"arg{i}" for i in range(n_arguments)}
    names: dict[Value, str] = {}
    unused = [v for v in inputs if v not in set(order)]
    counts: dict[str, int] = {}
    for v in [*order, *unused]:
        label = v.label
        base = label if label.isidentifier() and label.isascii() and len(label) <= 60 else ""
        if not base:  # a label that is not an identifier is only ever in a comment
            kind = "".join(c if c.isalnum() else "_" for c in word(v))
            kind = kind if kind.isascii() and kind[:1].isalpha() else "v"
            counts[kind] = counts.get(kind, 0) + 1
            base = f"{kind}_{counts[kind]}"
        if keyword.iskeyword(base) or base.startswith(("d_", "op_")):
            base = "v_" + base
        name, k = base, 1
        while name in used or ("d_" + name) in used:
            k += 1
            name = f"{base}_{k}"
        used.add(name)
        names[v] = name
    return names


def layout(a: Any, names: dict[Value, str]) -> str:
    """An argument's layout as code, ``[(x0, x1), (x2, x3)]``: to unpack it, or to build the
    same lists and tuples again."""
    if isinstance(a, Value):
        return names[a]
    inner = ", ".join(layout(x, names) for x in a)
    if isinstance(a, list):
        return f"[{inner}]"
    return f"({inner}{',' if len(a) == 1 else ''})"


def inline(v: Value) -> bool:
    """Is v's value Python's own operator (which raises where the op's domain ends)?"""
    op = op_of(v)
    assert op is not None
    return op.name in INLINE or op.name == "**" and not isinstance(v.operands[1], Value) \
        and float(v.operands[1]).is_integer()


def checked(v: Value) -> bool:
    """Must the code check v's value (and its partials) before going on? Where the op has a
    domain and its value function gives IEEE's inf or NaN instead of raising, or the op is a
    user's."""
    op = op_of(v)
    assert op is not None
    return (op.domain is not None or not op.builtin) and not inline(v)


class Source:
    """The code of `root`'s forward and backward pass, where `inputs` are the leaves that the
    code takes as its arguments (in order) and every other leaf is read from its Value
    (`params`: a model's weights; their gradients are added to their ``.grad``). `guards` are
    comparisons seen while `root` was computed, ``(a, "<", b, outcome)``: the code checks that
    each comes out the same, and raises ``Retrace`` when one does not."""

    def __init__(self, root: Value, inputs: Sequence[Any],
                 guards: Sequence[tuple[Any, str, Any, bool]] = ()) -> None:
        self.root = root
        self.arguments = list(inputs)  # each a Value, or a (nested) list or tuple of Values
        self.inputs = _leaves_of(self.arguments)
        self.guards = list(guards)
        extra = [x for a, _, b, _ in self.guards for x in (a, b) if isinstance(x, Value)]
        self.forward_order = topological_order(root, *extra)
        self.backward_order = [v for v in reversed(topological_order(root)) if v.operands]
        taken = set(self.inputs)
        self.params = [v for v in self.forward_order if not v.operands and v not in taken]
        self.ops: dict[int, tuple[str, Op]] = {}  # id of an Op object -> its name in the code
        self.views = Names(root)  # the names the other views print (in the comments)
        self.names = variable_names(self.forward_order, self.inputs, len(self.arguments))

    def name(self, x: Any) -> str:
        """A Value's variable, or a number's literal."""
        return self.names[x] if isinstance(x, Value) else number(float(x))

    def op_name(self, op: Op) -> str:
        """The name under which the code calls op (its value function is ``<name>.value``)."""
        found = self.ops.get(id(op))
        if found is None:
            word = "".join(c if c.isalnum() else "_" for c in op.word)
            found = (f"op_{len(self.ops)}_{word}" if word.isascii() else f"op_{len(self.ops)}",
                     op)
            self.ops[id(op)] = found
        return found[0]

    # -- lines ---------------------------------------------------------------------------------

    def forward_line(self, v: Value) -> str:
        """How v is computed: ``out_h1 = op_3_sigmoid.value(l_h1)``, ``mul_1 = w1 * i1``."""
        op = op_of(v)
        assert op is not None
        args = [self.name(x) for x in v.operands]
        if inline(v):
            value = f"-{args[0]}" if op.name == "neg" else f" {op.name} ".join(args)
        else:
            value = f"{self.op_name(op)}_value({', '.join(args)})"
            if not op.builtin:
                value = f"float({value})"
        line = f"{self.names[v]} = {value}"
        if checked(v):  # not finite: the engine says why (or keeps IEEE's value)
            line += f"\nif {self.names[v]} - {self.names[v]} != 0.0: raise Fallback"
        return line

    def partials(self, v: Value) -> tuple[list[str], str | None]:
        """The code of each partial derivative of v (one per operand), and the line that
        computes them first when the rule cannot be read on symbols (then they are ``_p[i]``)."""
        op = op_of(v)
        assert op is not None
        read = symbolic.derivatives(op, len(v.operands) if op.arity == -1 else 0)
        texts = [self.name(x) for x in v.operands]
        if read is None:
            args = ", ".join(texts) + ("," if len(texts) == 1 else "")
            return ([f"_p[{i}]" for i in range(len(texts))],
                    f"_p = partials_at({self.op_name(op)}, ({args}), {self.names[v]})")
        params = op.params if op.arity != -1 else [f"x_{i + 1}" for i in range(len(texts))]
        numbers = {p: float(x) for p, x in zip(params, v.operands, strict=False)
                   if not isinstance(x, Value)}
        read = tuple(e.fold(numbers) for e in read)
        names = dict(zip(params, texts, strict=False))
        names["out"] = self.names[v]
        calls = {o.name: self.op_name(o) for e in read for o in e.ops()}
        return [e.code(names, calls) for e in read], None

    def backward_lines(self, v: Value, started: set[Value]) -> list[str]:
        """The lines that send v's gradient into its operands: one per Value operand, with
        the rule as a comment. `started`: the gradients already assigned (updated)."""
        codes, first = self.partials(v)
        lines = [first] if first is not None else []
        g = "d_" + self.names[v]
        op = op_of(v)
        assert op is not None
        if checked(v) and first is None:  # an undefined derivative: the engine says
            kept = [i for i, x in enumerate(v.operands) if isinstance(x, Value)]
            for i in kept:
                lines.append(f"_p{i} = {codes[i]}")
            lines.append(f"if {' or '.join(f'_p{i} != _p{i}' for i in kept)}: raise Fallback")
            codes = [f"_p{i}" if i in kept else c for i, c in enumerate(codes)]
        views = self.views
        for i, (x, code) in enumerate(zip(v.operands, codes, strict=True)):
            if not isinstance(x, Value):
                continue
            term = g if code in ("1.0", "1") else f"-{g}" if code in ("(-1.0)", "(-1)") \
                else f"{code} * {g}"
            target = "d_" + self.names[x]
            rule = symbolic.formula(op, i, [views(u) if isinstance(u, Value) else f"{u:.9g}"
                                            for u in v.operands], views(v))
            note = f"  # ∂{views(v)}/∂{views(x)} = {rule}" if rule is not None else ""
            if x in started:
                lines.append(f"{target} += {term}{comment(note)}")
            elif x in self.params:
                lines.append(f"{target} = {self.names[x]}_leaf.grad + {term}{comment(note)}")
            else:
                lines.append(f"{target} = {term}{comment(note)}")
            started.add(x)
        return lines

    def text(self) -> str:
        """The whole function: ``def run(arguments...):`` ... ``return value, gradients``,
        the gradients laid out as the arguments are."""
        heads = [f"arg{i}" if isinstance(a, (list, tuple)) else self.names[a]
                 for i, a in enumerate(self.arguments)]
        body = [f"{layout(a, self.names)} = {h}" for a, h in zip(self.arguments, heads,
                                                                     strict=True)
                if isinstance(a, (list, tuple))]
        body += [f"{self.names[p]} = {self.names[p]}_leaf.data" for p in self.params]
        body.append("# the forward pass")
        body += [line for v in self.forward_order if v.operands
                 for line in self.forward_line(v).split("\n")]
        for a, sign, b, outcome in self.guards:
            body.append(f"if ({self.name(a)} {sign} {self.name(b)}) is not {outcome}: "
                        "raise Retrace")
        body.append("# the backward pass, node after node from the output")
        root = self.names[self.root]
        started = {self.root}
        body.append(f"d_{root} = 1.0")
        for v in self.backward_order:
            body += [ln for line in self.backward_lines(v, started) for ln in line.split("\n")]
        body += [f"{self.names[p]}_leaf.grad = d_{self.names[p]}" for p in self.params
                 if p in started]
        grad_names = {v: f"d_{self.names[v]}" if v in started else "0.0" for v in self.inputs}
        grads = [layout(a, grad_names) for a in self.arguments]
        body.append(f"return {root}, ({', '.join(grads)}{',' if len(grads) == 1 else ''})")
        return f"def run({', '.join(heads)}):\n" + "\n".join("    " + ln for ln in body) + "\n"

    def namespace(self) -> dict[str, Any]:
        """What the code's names stand for: the ops, and each parameter's Value."""
        scope: dict[str, Any] = {name: op for name, op in self.ops.values()}
        scope.update({f"{name}_value": op.value for name, op in self.ops.values()})
        scope.update({f"{self.names[p]}_leaf": p for p in self.params})
        return scope
