"""Rules read on symbols: the formula of each local derivative, as text and as code.

An op's derivative rule (`autograd.math`) is ordinary Python written with operators and
`autograd.math`. Run on symbols instead of numbers, it builds the expression it computes:
`derivatives(mul)` is ``(y, x)``, `derivatives(sigmoid)` is ``(out·(1 − out),)``. A rule that
branches (``0.0 if x <= 0 else 1.0``) is run once per outcome of its comparisons, and the
outcomes become a conditional expression (``0 if x ≤ 0 else 1``).

The same expression is printed two ways:

- `Expr.text` for people: the views (`explain`, `backward_steps`, the drawings, the step-through
  page, practice mode) print ``∂out_o1/∂net_o1 = out_o1·(1 − out_o1)`` with the operands' names;
- `Expr.code` for Python: `autograd.compile` and `autograd.fast` write it into generated code,
  where it computes exactly what the rule computes on floats (the same operations in the same
  order: Python's operators for ``+ - * / **``, the registry's ops for the rest).

A rule that cannot be read on symbols (it calls `math`, reads ``x.data``, or branches more than
`MAX_BRANCHES` ways) gives None: the views then show the user's ``formula=`` text, or only the
number, and generated code calls the rule as a function.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .operators import Arithmetic
from .ops import VARIADIC, Op

__all__ = ["MAX_BRANCHES", "Expr", "derivatives", "formula", "symbols"]

MAX_BRANCHES = 16
"""How many outcomes of its comparisons a rule may have and still be read."""

_COMPARE = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}


class _Reading:
    """The outcomes chosen for the comparisons of one run of a rule (see `_runs`)."""

    def __init__(self, script: list[bool]) -> None:
        self.script = script
        self.taken: list[tuple[Expr, bool]] = []

    def decide(self, cond: Expr) -> bool:
        i = len(self.taken)
        outcome = self.script[i] if i < len(self.script) else True
        self.taken.append((cond, outcome))
        return outcome


class Expr(Arithmetic):
    """A symbol, a number, or an op applied to expressions: what a rule computes, as a tree.

    ``kind`` is ``"name"`` (``args`` holds the name), ``"num"`` (the number), an `Op`, a
    comparison (``"<"``, ``"=="``, ...), ``"and"``, or ``"if"`` (condition, then, else).
    """

    __slots__ = ("kind", "args", "reading")

    def __init__(self, kind: Any, args: tuple[Any, ...], reading: _Reading | None) -> None:
        self.kind, self.args, self.reading = kind, args, reading

    @staticmethod
    def __autograd_op__(op: Op, args: Sequence[Any]) -> Expr:
        reading = next((a.reading for a in args if isinstance(a, Expr)), None)
        return Expr(op, tuple(a if isinstance(a, Expr) else _num(a) for a in args), reading)

    def _compare(self, sign: str, other: Any) -> Expr:
        return Expr(sign, (self, other if isinstance(other, Expr) else _num(other)),
                    self.reading)

    def __lt__(self, other: Any) -> Expr:  # type: ignore[override]
        return self._compare("<", other)

    def __le__(self, other: Any) -> Expr:  # type: ignore[override]
        return self._compare("<=", other)

    def __gt__(self, other: Any) -> Expr:  # type: ignore[override]
        return self._compare(">", other)

    def __ge__(self, other: Any) -> Expr:  # type: ignore[override]
        return self._compare(">=", other)

    def __eq__(self, other: Any) -> Expr:  # type: ignore[override]
        return self._compare("==", other)

    def __ne__(self, other: Any) -> Expr:  # type: ignore[override]
        return self._compare("!=", other)

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        if self.kind not in _COMPARE or self.reading is None:
            raise TypeError("a rule read on symbols asked for the truth of a number")
        return self.reading.decide(self)

    def _number(self) -> float:
        raise TypeError("a rule read on symbols asked for a number")

    def key(self) -> str:
        """A text that two equal expressions share."""
        return self.code({}, {})

    # -- printing ----------------------------------------------------------------------------

    def text(self, names: dict[str, str] | None = None) -> str:
        """The expression for people: ``out·(1 − out)``; symbols renamed by `names`."""
        return _text(self, names or {}, 0)

    def code(self, names: dict[str, str], calls: dict[str, str]) -> str:
        """The expression as Python: symbols renamed by `names` (identifiers), numbers as their
        ``repr``, ``+ - * / **`` as Python's operators and other ops as calls to the names that
        `calls` gives them (by op name). Computes exactly what the rule computes on floats."""
        return _code(self, names, calls)

    def fold(self, numbers: dict[str, float]) -> Expr:
        """This expression with the symbols in `numbers` replaced by those numbers, and every
        part that then holds numbers only computed, as Python computes it at run time (a
        comparison of numbers picks its branch): ``y·x^(y−1)`` with y = 2 is ``2·x^1.0``. A
        part whose computation raises is kept as it is, to raise at run time."""
        return _fold(self, numbers)

    def settle(self, numbers: dict[str, float]) -> Expr:
        """This expression with the symbols in `numbers` replaced by those numbers where they
        decide a condition only: the branch they pick is kept, the arithmetic is left to be
        read (``0 if y = 0 and x = 0 else y·x^(y − 1)`` with y = 2 is ``y·x^(y − 1)``)."""
        if self.kind == "if":
            cond = _fold(self.args[0], numbers)
            if cond.kind == "num":
                chosen: Expr = self.args[1] if cond.args[0] else self.args[2]
                return chosen.settle(numbers)
            return Expr("if", (self.args[0], self.args[1].settle(numbers),
                               self.args[2].settle(numbers)), None)
        if self.kind in ("name", "num"):
            return self
        return Expr(self.kind, tuple(a.settle(numbers) for a in self.args), None)

    def ops(self) -> set[Op]:
        """The ops this expression calls (other than Python's operators)."""
        found: set[Op] = set()
        stack: list[Any] = [self]
        while stack:
            e = stack.pop()
            if isinstance(e, Expr):
                if isinstance(e.kind, Op) and e.kind.name not in _PYTHON:
                    found.add(e.kind)
                stack.extend(e.args)
        return found

    def __repr__(self) -> str:
        return f"Expr({self.text()!r})"


def _num(x: Any) -> Expr:
    return Expr("num", (x,), None)


_RUN: dict[str, Callable[..., Any]] = {
        "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
        "/": lambda a, b: a / b, "**": lambda a, b: a ** b, "neg": lambda a: -a,
        "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


def _fold(e: Expr, numbers: dict[str, float]) -> Expr:
    if e.kind == "name":
        return _num(numbers[e.args[0]]) if e.args[0] in numbers else e
    if e.kind == "num":
        return e
    if e.kind == "if":
        cond = _fold(e.args[0], numbers)
        if cond.kind == "num":
            return _fold(e.args[1] if cond.args[0] else e.args[2], numbers)
        return Expr("if", (cond, _fold(e.args[1], numbers), _fold(e.args[2], numbers)), None)
    args = tuple(_fold(a, numbers) for a in e.args)
    if e.kind == "and":
        if any(a.kind == "num" and not a.args[0] for a in args):
            return _num(False)
        rest = tuple(a for a in args if a.kind != "num")
        return _num(True) if not rest else rest[0] if len(rest) == 1 else Expr("and", rest, None)
    if all(a.kind == "num" for a in args):
        name = e.kind.name if isinstance(e.kind, Op) else e.kind
        try:
            run: Callable[..., Any] = _RUN[name] if name in _RUN else e.kind
            value = run(*[a.args[0] for a in args])
        except (ArithmeticError, ValueError, TypeError):
            return Expr(e.kind, args, None)
        if isinstance(value, (bool, int, float)) and not isinstance(value, complex):
            return _num(value)
    if isinstance(e.kind, Op) and e.kind.name == "**" and args[1].kind == "num" and \
            args[1].args[0] == 1.0:  # x ** 1.0 is x, bit for bit (NaN, ±0 and inf too)
        return args[0]
    return Expr(e.kind, args, None)


def symbols(names: Sequence[str], reading: _Reading | None = None) -> list[Expr]:
    """Symbols of these names."""
    return [Expr("name", (n,), reading) for n in names]


# ---------------------------------------------------------------------------------------------
# Reading a rule


def _params(op: Op, n: int) -> list[str]:
    return list(op.params) if op.arity != VARIADIC else [f"x_{i + 1}" for i in range(n)]


def derivatives(op: Op, n: int = 0) -> tuple[Expr, ...] | None:
    """The op's local derivatives as expressions in its input names (``x``, ``y``; ``x_1`` …
    ``x_n`` for an op of `n` inputs) and ``out``; None when the rule cannot be read. Read once
    per op object (an op defined again is read again)."""
    cache = op.__dict__.setdefault("_readings", {})
    if n not in cache:
        cache[n] = _read(op, n)
    return cache[n]  # type: ignore[no-any-return]


def _read(op: Op, n: int) -> tuple[Expr, ...] | None:
    names = _params(op, n or max(op.arity, 1))

    def run(reading: _Reading) -> tuple[Expr, ...]:
        *xs, out = symbols([*names, "out"], reading)
        got = op.derivative(*xs, out)
        got = got if isinstance(got, tuple) else (got,)
        if len(got) != len(names):
            raise TypeError("wrong number of partial derivatives")
        return tuple(d if isinstance(d, Expr) else _num(d) for d in got)

    try:
        paths = _runs(run)
    except (TypeError, ValueError, ArithmeticError, AttributeError, RecursionError):
        return None
    if paths is None:
        return None
    return tuple(_merge([(taken, result[i]) for taken, result in paths])
                 for i in range(len(names)))


def value_of(op: Op, n: int = 0) -> Expr | None:
    """A built-in op's value as an expression of Python's arithmetic and comparisons in its
    input names (relu's ``0.0 if x <= 0.0 else x``, dot's ``0.0 + x_1·x_3 + x_2·x_4``), for
    code that computes it inline; None when the value function does more (calls ``math``,
    another op) or the op is a user's (their functions are not run on symbols). Not on Python
    3.12+ for an op of any number of inputs: ``sum`` of floats is compensated there, of
    symbols it is not."""
    if not op.builtin or (op.arity == VARIADIC and sys.version_info >= (3, 12)):
        return None
    cache = op.__dict__.setdefault("_readings", {})
    key = ("value", n)
    if key not in cache:
        names = _params(op, n or max(op.arity, 1))

        def run(reading: _Reading) -> tuple[Expr, ...]:
            got: Any = op.value(*symbols(names, reading))
            return (got if isinstance(got, Expr) else _num(got),)

        try:
            paths = _runs(run)
        except (TypeError, ValueError, ArithmeticError, AttributeError, RecursionError):
            paths = None
        value = None if paths is None else _merge([(taken, r[0]) for taken, r in paths])
        cache[key] = value if value is not None and not value.ops() else None
    return cache[key]  # type: ignore[no-any-return]


def _runs(run: Callable[[_Reading], tuple[Expr, ...]]) -> list[tuple[
        list[tuple[Expr, bool]], tuple[Expr, ...]]] | None:
    """Every outcome of the rule's comparisons: (the comparisons and their outcomes, result)."""
    found = []
    scripts: list[list[bool]] = [[]]
    while scripts:
        script = scripts.pop()
        reading = _Reading(script)
        result = run(reading)
        found.append((reading.taken, result))
        if len(found) > MAX_BRANCHES:
            return None
        for i in range(len(script), len(reading.taken)):  # the other outcome at each new one
            scripts.append([outcome for _, outcome in reading.taken[:i]] + [False])
    return found


def _merge(paths: list[tuple[list[tuple[Expr, bool]], Expr]]) -> Expr:
    """One expression from the results of every path: a conditional where they differ."""
    if len(paths) == 1 or len({r.key() for _, r in paths}) == 1:
        return paths[0][1]
    cond = paths[0][0][0][0]
    yes = [(taken[1:], r) for taken, r in paths if taken[0][1]]
    no = [(taken[1:], r) for taken, r in paths if not taken[0][1]]
    then, other = _merge(yes), _merge(no)
    if then.key() == other.key():  # this comparison does not matter to this result
        return then
    if then.kind == "if" and then.args[2].key() == other.key():  # c1 and c2, else the same
        return Expr("if", (Expr("and", (cond, then.args[0]), None), then.args[1], other), None)
    return Expr("if", (cond, then, other), None)


def formula(op: Op, k: int, operands: Sequence[str], out: str) -> str | None:
    """The text of ∂out/∂(operand k) with the operands' texts and the result's for the op's
    input names (``σ``'s ``out·(1 − out)`` becomes ``out_o1·(1 − out_o1)``); the user's
    ``formula=`` text when the rule cannot be read; None when there is neither."""
    read = derivatives(op, len(operands) if op.arity == VARIADIC else 0)
    if read is not None:
        params = _params(op, len(operands))
        names = dict(zip(params, operands, strict=False))
        names["out"] = out
        numbers = {}  # the operands given as numbers decide the conditions they are in
        for p, given in zip(params, operands, strict=False):
            try:
                numbers[p] = float(given.replace("−", "-"))
            except ValueError:
                pass
        return read[k].settle(numbers).text(names)
    text = op.formula[k] if k < len(op.formula) else None
    if text is None:
        return None
    names = dict(zip(op.params, operands, strict=False))
    names["out"] = out
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, names)) + r")(?![\w(])")
    return pattern.sub(lambda match: _wrap(names[match.group(0)]), text)


# ---------------------------------------------------------------------------------------------
# Printing

_PYTHON = {"+": "+", "-": "-", "*": "*", "/": "/", "**": "**", "neg": "-"}
_CHAINS = {"+": ("+", "-"), "-": ("+", "-"), "*": ("*", "/"), "/": ("*", "/")}  # left-assoc
_SHOWN = {"+": " + ", "-": " − ", "*": "·", "/": "/", "**": "^"}
_LEVEL = {"if": 1, "and": 2, "compare": 3, "+": 4, "-": 4, "*": 5, "/": 5, "neg": 6, "**": 7}
_FUNCTIONS = {"sigmoid": "σ", "sqrt": "√", "log": "ln"}
_ATOM = re.compile(r"[\w.#'·]+|\d[\d.e+-]*")


def _wrap(text: str) -> str:
    return text if _ATOM.fullmatch(text) else f"({text})"


def _number_text(x: Any) -> str:
    text = repr(x) if not isinstance(x, float) or not x.is_integer() else repr(int(x))
    return text.replace("-", "−")


def _level(e: Any) -> int:
    if not isinstance(e, Expr):
        return 9
    if e.kind == "num":
        return 9 if e.args[0] >= 0 else 3
    if isinstance(e.kind, Op) and e.kind.name == "neg":
        return 3
    if e.kind in _COMPARE:
        return _LEVEL["compare"]
    name = e.kind.name if isinstance(e.kind, Op) else e.kind
    return _LEVEL.get(name, 9)


def _text(e: Expr, names: dict[str, str], outer: int) -> str:
    kind, args = e.kind, e.args
    if kind == "name":
        return str(names.get(args[0], args[0]))
    if kind == "num":
        return _number_text(args[0])
    inner = _level(e)
    if kind == "if":
        shown = (f"{_text(args[1], names, 2)} if {_text(args[0], names, 2)} "
                 f"else {_text(args[2], names, 1)}")
    elif kind == "and":
        shown = f"{_text(args[0], names, 3)} and {_text(args[1], names, 3)}"
    elif kind in _COMPARE:
        shown = f"{_text(args[0], names, 4)} {_COMPARE[kind]} {_text(args[1], names, 4)}"
    elif kind.name == "neg":
        shown = "−" + _text(args[0], names, 7)
    elif kind.name == "exp":
        shown, inner = "e^" + _text(args[0], names, 8), 7
    elif kind.name == "*" and args[0].key() == args[1].key():
        shown, inner = _text(args[0], names, 8) + "²", 8
    elif kind.name in _SHOWN and len(args) == 2:
        right = inner + (kind.name in ("-", "/", "**"))  # a − (b − c), a/(b·c), a^(b^c)
        left = inner + 1 if kind.name == "**" else 3 if kind.name in ("*", "/") else inner
        shown = _text(args[0], names, left) + _SHOWN[kind.name] + _text(args[1], names, right)
    else:
        inside = ", ".join(_text(a, names, 0) for a in args)
        shown = f"{_FUNCTIONS.get(kind.name, kind.name)}({inside})"
        inner = 9
    return f"({shown})" if inner < outer else shown


def _code(e: Expr, names: dict[str, str], calls: dict[str, str]) -> str:
    kind, args = e.kind, e.args
    if kind == "name":
        return str(names.get(args[0], args[0]))
    if kind == "num":
        x = args[0]
        if x != x or x in (math.inf, -math.inf):
            return f"float({str(x)!r})"
        return f"({x!r})" if x < 0 else repr(x)
    parts = [_code(a, names, calls) for a in args]
    if isinstance(kind, Op) and kind.name in _CHAINS and len(args) == 2 and \
            isinstance(args[0].kind, Op) and args[0].kind.name in _CHAINS[kind.name] and \
            len(args[0].args) == 2:
        parts[0] = parts[0][1:-1]  # (a + b) + c is a + b + c: a long sum nests no parentheses
    if kind == "if":
        return f"({parts[1]} if {parts[0]} else {parts[2]})"
    if kind == "and":
        return f"({parts[0]} and {parts[1]})"
    if kind in _COMPARE:
        return f"({parts[0]} {kind} {parts[1]})"
    if kind.name == "neg":
        return f"(-{parts[0]})"
    if kind.name in _PYTHON and len(parts) == 2:
        return f"({parts[0]} {_PYTHON[kind.name]} {parts[1]})"
    return f"{calls.get(kind.name, kind.name)}({', '.join(parts)})"
