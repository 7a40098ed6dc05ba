"""The names and formulas the views print: one naming of a graph's nodes, shared by every view.

`Names` names each node of a graph (its label; ``mul#3`` for the third unlabeled
multiplication), `expr_text` says how a node was computed (``sigmoid(l_o1)``), and `edge_formula`
gives the formula of a local derivative read from the op's rule (`autograd.symbolic`) with the
operands' names in it (``out_o1·(1 − out_o1)``). `explain`, `backward_steps`, `tree`, the
drawings, the step-through page and practice mode all print through here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from .core import Value, topological_order
from .graph import chains
from .ops import Op
from .symbolic import derivatives, formula
from .text import fmt, printable

__all__ = ["PLAIN", "Names", "count", "edge_formula", "elide", "expr_text", "is_sum", "op_of",
           "operand_texts", "path_formula", "sum_text", "word", "worth_showing"]


def count(n: int) -> str:
    """A path count: exact up to a million, then 1.1e12 style (works past the float range)."""
    if n < 10**6:
        return f"{n:,}"
    if n < 10**300:
        return f"{float(n):.2g}".replace("e+", "e")
    return f"about 10^{int(n.bit_length() * math.log10(2))}"


PLAIN = re.compile(r"[\w.#']+")


class Names:
    """The names of the nodes of one graph, the same in every view of the same root: a node's
    label; a label that several nodes carry (a model called on a batch) gets ``[k]``, the
    k-th such node in the order they were computed (sample k); an unlabeled node is named by
    its op, numbered per op in that order (``mul#3``: the third multiplication), a leaf
    ``leaf#k``. Characters that are not printable are escaped (`autograd.text.printable`)."""

    def __init__(self, root: Value) -> None:
        self._root = root
        self._names: dict[Value, str] | None = None

    def _name_all(self) -> dict[Value, str]:
        computed = topological_order(self._root)  # the order the code computed them in
        labels: dict[str, int] = {}
        for v in computed:
            if v.label:
                labels[v.label] = labels.get(v.label, 0) + 1
        seen: dict[str, int] = {}
        names: dict[Value, str] = {}
        for v in computed:
            key = v.label or word(v)
            seen[key] = seen.get(key, 0) + 1
            if not v.label:
                names[v] = f"{key}#{seen[key]}"
            else:
                names[v] = printable(key) + (f"[{seen[key]}]" if labels[key] > 1 else "")
        return names

    def __call__(self, v: Value) -> str:
        if self._names is None:
            self._names = self._name_all()
        name = self._names.get(v)
        if name is None:  # not below the root: name it apart
            name = self._names[v] = printable(v.label) or f"{word(v)}#?"
        return name

    def sym(self, v: Value) -> str:
        """The name as it goes into ∂a/∂b: parenthesised unless it is one word."""
        name = self(v)
        return name if PLAIN.fullmatch(name) else f"({name})"


def op_of(v: Value) -> Op | None:
    """The registry op that made v, or None for a leaf."""
    return v.op if isinstance(v.op, Op) else None


def word(v: Value) -> str:
    """What an unlabeled node is called: its op's word (``mul``), or ``leaf``; characters of a
    user op's name that are not printable are escaped, as in labels."""
    op = op_of(v)
    return printable(op.word if op is not None else v.op or "leaf")


def operand_texts(v: Value, name: Callable[[Value], str]) -> list[str]:
    return [name(a) if isinstance(a, Value) else f"{a:.9g}" for a in v.operands]


def expr_text(v: Value, name: Callable[[Value], str], most: int = 8) -> str:
    """How `v` was computed, with its operands' names: ``sigmoid(l_o1)``, ``0.85 - out_o1``."""
    op = op_of(v)
    texts = operand_texts(v, name) if len(v.parents) <= most else \
        [name(p) for p in v.parents[:most]] + [f"… {len(v.parents) - most} more"]
    if op is None:
        return printable(f"{v.op}({', '.join(texts)})")
    return printable(op.show(texts))


def edge_formula(v: Value, k: int, name: Callable[[Value], str]) -> str | None:
    """The formula of ∂v/∂(v's k-th parent), read from its op's rule with the operands' names
    (``out_o1·(1 − out_o1)``), or None: the rule cannot be read and has no ``formula=``, or
    the parent is used twice (``x * x``: the factor is a sum of two)."""
    op = op_of(v)
    if op is None:
        return None
    operands = v.operands
    at = [i for i, a in enumerate(operands) if isinstance(a, Value)]
    parent = operands[at[k]]
    if sum(1 for a in operands if a is parent) > 1:
        return None
    text = formula(op, at[k], operand_texts(v, name), name(v))
    return None if text is None else printable(text)


def worth_showing(formula: str | None, value: float) -> bool:
    """A formula says more than its number unless it is that number (``1``, ``−1``, ``0.5``)."""
    if formula is None:
        return False
    plain = formula.replace("−", "-").strip("()")
    try:
        return float(plain) != value
    except ValueError:
        return True


def path_formula(start: Value, end: Value, name: Callable[[Value], str],
                  budget: int = 200) -> str | None:
    """The formula of ∂start/∂end when exactly one chain of unlabeled nodes leads from start to
    end: the edges' formulas multiplied (unit factors dropped), naming only labeled nodes and
    numbers; else None."""
    found = chains(start, end, lambda p: not p.label and not p.is_leaf, budget=budget)
    if found is None or len(found) != 1:
        return None
    factors = []
    for node, k in found[0]:
        text = edge_formula(node, k, name)
        named = text and text.replace(name(start), "").replace(name(end), "")
        if text is None or "#" in (named or ""):  # it may name only start, end and labels
            return None
        if text != "1":
            factors.append(text)
    if len(factors) <= 1:
        return factors[0] if factors else "1"
    return "·".join(f if PLAIN.fullmatch(f) else f"({f})" for f in factors)


def is_sum(v: Value) -> bool:
    """Is every local derivative of v's op ±1 (a sum, a difference): then a term of v is a
    term of a sum."""
    op = op_of(v)
    read = derivatives(op, len(v.operands)) if op is not None else None
    return read is not None and all(d.kind == "num" and abs(d.args[0]) == 1 for d in read)


def sum_text(terms: Sequence[float]) -> str:
    """``(-0.007719579 + 0.025367174)``; later negative terms read ``- 0.2``."""
    text = fmt(terms[0])
    for t in terms[1:]:
        text += f" - {fmt(-t)}" if t < 0 else f" + {fmt(t)}"
    return f"({text})"


def elide(items: Sequence[str], sep: str, most: int = 12) -> str:
    """Join items, keeping the first and last few when there are more than `most`."""
    if len(items) <= most:
        return sep.join(items)
    half = most // 2
    return sep.join([*items[:half], f"… {len(items) - most} more …", *items[-half:]])
