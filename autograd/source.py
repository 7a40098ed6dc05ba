"""The forward and backward pass of a graph, written out as Python: the derivation by hand.

`Source(root, inputs)` names every node (its label where the label is a Python identifier, else
``mul_3``, ``add_2``) and writes one line per node: the forward pass computes each value from
its operands; the backward pass computes each gradient, once, as the sum of what every node that
uses it sends (the multivariable chain rule), with the rules as a comment::

    out_h1 = op_0_sigmoid_value(l_h1)
    ...
    d_l_o1 = 0.0 + (out_o1 * (1 - out_o1)) * d_out_o1  # ∂out_o1/∂l_o1 = out_o1·(1 − out_o1)
    d_out_h1 = 0.0 + w5 * d_l_o1 + w7 * d_l_o2  # ∂l_o1/∂out_h1 = w5; ∂l_o2/∂out_h1 = w7

`autograd.compile` turns this text into a function (through `autograd.codegen`); the step-through
page shows each step's lines. The text is built only from names this module makes (checked to
be identifiers), ``repr`` of floats and the rules read on symbols (`autograd.symbolic`): a label
that is not an identifier never reaches the code, only a comment, escaped.

The code computes exactly what the eager engine computes, bit for bit: the same value functions,
the same rules, the same order of accumulation. A gradient starts at 0.0 (a parameter's at its
``.grad``) and adds the terms in the order `backward()` adds them, left to right, so even the
sign of a zero gradient is the engine's.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Sequence
from typing import Any, NamedTuple, cast

from . import symbolic
from .core import Value, topological_order
from .names import Names, op_of, word
from .ops import Op
from .text import printable

__all__ = ["INLINE", "Kinds", "Shape", "Source", "checked", "inline", "layout", "variable_names"]

INLINE = {"+", "-", "*", "/", "neg"}
"""Ops whose value on floats is Python's own operator wherever it is finite, written inline
(``a * b``): where Python's operator raises instead (``x / 0``), the call runs eagerly. ``**``
is inline too when the exponent is a whole number given as a constant (the result is real).
The others call their value function."""

DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])*")
"""Labels that name a variable: an identifier, or identifiers joined by dots, with indices
(``out_h1``, ``L3.N1.w16``, ``h[3]``); at most 60 characters."""

LONGEST = 64
"""Terms in one sum of the code, at most: a gradient of more terms adds them over several lines
(in the same order), and an op of more operands calls its value function, so that no line
nests deeper than Python's parser allows."""

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
    names a variable (`DOTTED`: ``L3.N1.w16`` becomes ``L3_N1_w16``), else its kind and a count
    (``mul_3``); never a keyword, a name the code makes itself, or a name whose gradient's name
    (``d_<name>``) is taken."""
    used = set(RESERVED) | {f"arg{i}" for i in range(n_arguments)}
    names: dict[Value, str] = {}
    in_order = set(order)
    unused = [v for v in inputs if v not in in_order]
    counts: dict[str, int] = {}
    for v in [*order, *unused]:
        label = v.label
        base = label.replace(".", "_").replace("[", "_").rstrip("]").replace("]", "_") \
            if len(label) <= 60 and DOTTED.fullmatch(label) else ""  # L3.N1.w16, h[3]
        if not base:  # other labels (w*x + b) are only ever in a comment
            kind = "".join(c if c.isalnum() else "_" for c in word(v))
            kind = kind if kind.isascii() and kind[:1].isalpha() else "v"
            counts[kind] = counts.get(kind, 0) + 1
            base = f"{kind}_{counts[kind]}"
        if keyword.iskeyword(base) or base.startswith(("d_", "op_", "pd_")) or \
                base.endswith(("_leaf", "_value")):  # names the code makes itself
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


class Shape(NamedTuple):
    """A kind of node's lines, format strings with holes for its name (``{o}``) and its
    operands' (``{0}``, ``{1}``, ...): see `Kinds.shape`."""

    forward: list[str]  # how it is computed (and checked)
    first: list[str]  # what its backward step computes first (its partials, when needed)
    sent: list[str | None]  # what it sends to each operand (None for a number)


def _hole(name: str) -> str:
    """A place for a name in a template (no rule's text or code holds these characters)."""
    return f"\x00{name}\x00"


def _template(code: str) -> str:
    """Code with holes as a format string: ``{0}``, ``{1}``, ... for the operands, ``{o}`` for
    the node (braces of the code itself doubled)."""
    code = code.replace("{", "{{").replace("}", "}}")
    return re.sub("\x00(\\w+)\x00", r"{\1}", code)


def _fill(template: str, names: dict[str, str]) -> str:
    """The template with each hole filled by its name."""
    for key, name in names.items():
        template = template.replace(f"\x00{key}\x00", name)
    return template


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


class Kinds:
    """The code of each kind of node, with holes for the names (``o`` for the node's, ``0``,
    ``1``, ... for its operands'): every node of an op whose number operands are the same
    numbers shares it, so each kind is read on symbols and written once (a graph of 100,000
    nodes has a few dozen kinds)."""

    def __init__(self) -> None:
        self.ops: dict[int, tuple[str, Op]] = {}  # id of an Op object -> its name in the code
        self._shapes: dict[tuple[Any, ...], Shape] = {}
        self._rules: dict[tuple[Any, ...], str] = {}

    def op_name(self, op: Op) -> str:
        """The name under which the code calls op (its value function is ``<name>.value``)."""
        found = self.ops.get(id(op))
        if found is None:
            word = "".join(c if c.isalnum() else "_" for c in op.word)
            found = (f"op_{len(self.ops)}_{word}" if word.isascii() else f"op_{len(self.ops)}",
                     op)
            self.ops[id(op)] = found
        return found[0]

    def shape(self, v: Value) -> Shape:
        """v's lines with holes for the names: the same for every node of its op whose number
        operands are the same numbers, so each kind of node is read and written once."""
        op = cast(Op, v.op)
        key = (id(op), *(None if isinstance(x, Value) else repr(float(x)) for x in v.operands))
        found = self._shapes.get(key)
        if found is not None:
            return found
        holes = [_hole(str(i)) if isinstance(x, Value) else number(float(x))
                 for i, x in enumerate(v.operands)]
        out = _hole("o")
        n = len(v.operands) if op.arity == -1 else 0
        params = op.params if op.arity != -1 else [f"x_{i + 1}" for i in range(len(holes))]
        numbers = {p: float(x) for p, x in zip(params, v.operands, strict=False)
                   if not isinstance(x, Value)}
        names = dict(zip(params, holes, strict=False))
        names["out"] = out
        read_value = None if inline(v) or op.domain or len(holes) > LONGEST \
            else symbolic.value_of(op, n)
        if inline(v):
            value = f"-{holes[0]}" if op.name == "neg" else f" {op.name} ".join(holes)
        elif read_value is not None:  # Python's own arithmetic: computed in the line
            value = read_value.fold(numbers).code(names, {})
        else:
            value = f"{self.op_name(op)}_value({', '.join(holes)})"
            value = value if op.builtin else f"float({value})"
        forward = [f"{out} = {value}"]
        if checked(v):  # not finite: the engine says why (or keeps IEEE's value)
            forward.append(f"if {out} - {out} != 0.0: raise Fallback")
        read = symbolic.derivatives(op, n)
        first: list[str] = []
        if read is None:  # the rule is called from the code
            args = ", ".join(holes) + ("," if len(holes) == 1 else "")
            first = [f"pd_{out} = partials_at({self.op_name(op)}, ({args}), {out})"]
            codes = [f"pd_{out}[{i}]" for i in range(len(holes))]
        else:
            folded = [e.fold(numbers) for e in read]
            calls = {o.name: self.op_name(o) for e in folded for o in e.ops()}
            codes = [e.code(names, calls) for e in folded]
            if checked(v):  # an undefined derivative: the engine says
                kept = [i for i, x in enumerate(v.operands) if isinstance(x, Value)]
                first = [f"pd_{i}_{out} = {codes[i]}" for i in kept]
                first.append(f"if {' or '.join(f'pd_{i}_{out} != pd_{i}_{out}' for i in kept)}"
                             ": raise Fallback")
                codes = [f"pd_{i}_{out}" if i in kept else c for i, c in enumerate(codes)]
        g = f"d_{out}"
        sent = [None if not isinstance(x, Value) else g if code in ("1.0", "1") else
                f"-{g}" if code in ("(-1.0)", "(-1)") else f"{code} * {g}"
                for x, code in zip(v.operands, codes, strict=True)]
        found = self._shapes[key] = Shape([_template(t) for t in forward],
                                          [_template(t) for t in first],
                                          [None if t is None else _template(t) for t in sent])
        return found

    def rule(self, v: Value, k: int, views: Names) -> str | None:
        """The text of ∂v/∂(operand k) in the names `views` gives (`symbolic.formula`); the
        text with holes for the names is made once per kind of node."""
        op = cast(Op, v.op)
        texts = [views(u) if isinstance(u, Value) else f"{u:.9g}" for u in v.operands]
        if symbolic.derivatives(op, len(v.operands) if op.arity == -1 else 0) is None:
            return symbolic.formula(op, k, texts, views(v))
        key = (id(op), k, *(None if isinstance(u, Value) else f"{u:.9g}" for u in v.operands))
        text = self._rules.get(key)
        if text is None:
            text = symbolic.formula(op, k, [_hole(str(i)) if isinstance(u, Value) else
                                            f"{u:.9g}" for i, u in enumerate(v.operands)],
                                    _hole("out"))
            self._rules[key] = text = text or ""
        names = {str(i): t for i, t in enumerate(texts)}
        names["out"] = views(v)
        return _fill(text, names) or None


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
        self.is_param = set(self.params)  # (a list's `in` would compare Values: quadratic)
        self.views = Names(root)  # the names the other views print (in the comments)
        self.names = variable_names(self.forward_order, self.inputs, len(self.arguments))
        self.kinds = Kinds()  # the lines of each kind of node, with holes for the names

    def name(self, x: Any) -> str:
        """A Value's variable, or a number's literal."""
        return self.names[x] if isinstance(x, Value) else number(float(x))

    # -- lines ---------------------------------------------------------------------------------

    def _operands(self, v: Value) -> list[str]:
        names = self.names
        return [names[x] if isinstance(x, Value) else "" for x in v.operands]

    def forward_line(self, v: Value) -> str:
        """How v is computed: ``out_h1 = op_3_sigmoid_value(l_h1)``, ``mul_1 = w1 * i1``."""
        args, name = self._operands(v), self.names[v]
        return "\n".join(t.format(*args, o=name) for t in self.kinds.shape(v).forward)

    def terms(self, v: Value) -> tuple[list[str | None], list[str]]:
        """What v sends to each operand, as code (``w5 * d_l_o1``; None for a number operand),
        and the lines that must run first: where v's rule cannot be read on symbols, or its
        derivative can be undefined, they compute its partials into ``pd_...`` variables."""
        shape, args, name = self.kinds.shape(v), self._operands(v), self.names[v]
        return ([None if t is None else t.format(*args, o=name) for t in shape.sent],
                [t.format(*args, o=name) for t in shape.first])

    def gradient_line(self, x: Value, terms: list[tuple[Value, int, str]], notes: bool) -> str:
        """``d_x = 0.0 + t1 + t2 ...``: x's gradient, the sum of its users' terms in the engine's
        order (from 0, or a parameter's ``.grad``), with `notes` the rules as a comment. No
        ``0.0 +`` before a user's own gradient (never -0.0 here, so 0.0 + it is itself)."""
        g = f"d_{self.names[x]}"
        sent = [t for _, _, t in terms]
        start = [f"{self.names[x]}_leaf.grad"] if x in self.is_param else \
            [] if sent and sent[0] == f"d_{self.names[terms[0][0]]}" else ["0.0"]
        code = " + ".join([*start, *sent[:LONGEST]])  # then LONGEST more a line: no deep sums
        more = "".join(f"\n{g} = {g} + {' + '.join(sent[i:i + LONGEST])}"
                       for i in range(LONGEST, len(sent), LONGEST))
        if not notes:
            return f"{g} = {code}{more}"
        views = self.views
        rules = []
        for v, i, _ in terms:
            rule = self.kinds.rule(v, i, views)
            if rule is not None:
                rules.append(f"∂{views.sym(v)}/∂{views.sym(x)} = {rule}")
        return f"{g} = {code}" + (comment("  # " + "; ".join(rules)) if rules else "") + more

    def backward_code(self, notes: bool = True) -> list[str]:
        """The lines of the backward pass. Each gradient is one line (or a few, for a sum of
        many terms), written once every node that uses it has sent its share: a node's right
        after the node's turn comes, a leaf's right after its last user's."""
        root, names, gradient_line = self.root, self.names, self.gradient_line
        start = f"{names[root]}_leaf.grad + 1.0" if root in self.is_param else "1.0"
        lines = [f"d_{names[root]} = {start}"]
        received: dict[Value, list[tuple[Value, int, str]]] = {}
        last_user: dict[Value, Value] = {}
        for v in self.backward_order:
            for x in v.operands:
                if isinstance(x, Value):
                    last_user[x] = v
        written: dict[Value, str] = {}
        firsts: dict[Value, list[str]] = {}
        for v in self.backward_order:
            if v is not root:
                written[v] = line = gradient_line(v, received.pop(v, []), notes)
                lines.append(line)
            sent, first = self.terms(v)
            firsts[v] = first
            lines += first
            for i, x in enumerate(v.operands):
                term = sent[i]
                if term is not None:
                    found = received.get(x)  # type: ignore[arg-type]
                    if found is None:
                        received[x] = [(v, i, term)]  # type: ignore[index]
                    else:
                        found.append((v, i, term))
            for x in v.operands:
                if isinstance(x, Value) and not x.operands and last_user[x] is v and \
                        x not in written:
                    written[x] = line = gradient_line(x, received.pop(x), notes)
                    lines.append(line)
        self.written = set(written) | {root}
        self._steps = (firsts, written)
        return lines

    def step_lines(self) -> dict[Value, list[str]]:
        """For each node with operands, the lines of its step: its partials (if computed
        first), then the gradient lines that take its terms (the step-through page's code)."""
        self.backward_code()
        firsts, written = self._steps
        return {v: [*firsts[v], *(written[x] for x in dict.fromkeys(
                    x for x in v.operands if isinstance(x, Value)) if x in written)]
                for v in self.backward_order}

    def text(self, notes: bool = True) -> str:
        """The whole function: ``def run(arguments...):`` ... ``return value, gradients``,
        the gradients laid out as the arguments are. Without `notes`, the same lines without
        the comments that give the rules (what `autograd.compile` compiles: the comments cost
        time and are read only when someone reads the code)."""
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
        body.append("# the backward pass: each gradient once all its users have sent their share")
        root = self.names[self.root]
        body += [ln for line in self.backward_code(notes) for ln in line.split("\n")]
        started = self.written
        body += [f"{self.names[p]}_leaf.grad = d_{self.names[p]}" for p in self.params
                 if p in started]
        grad_names = {v: f"d_{self.names[v]}" if v in started else "0.0" for v in self.inputs}
        grads = [layout(a, grad_names) for a in self.arguments]
        body.append(f"return {root}, ({', '.join(grads)}{',' if len(grads) == 1 else ''})")
        return f"def run({', '.join(heads)}):\n" + "\n".join("    " + ln for ln in body) + "\n"

    def namespace(self) -> dict[str, Any]:
        """What the code's names stand for: the ops, and each parameter's Value."""
        ops = self.kinds.ops.values()
        scope: dict[str, Any] = {name: op for name, op in ops}
        scope.update({f"{name}_value": op.value for name, op in ops})
        scope.update({f"{self.names[p]}_leaf": p for p in self.params})
        return scope
