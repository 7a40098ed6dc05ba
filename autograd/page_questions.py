"""The questions of practice mode: the backward pass turned around, one question per gradient
that flows, with hints read from the ops' rules. `autograd.practice` asks them in Python and on
the command line, the step-through page (``save_html(root, path, practice=True)``) in the
browser; all of them grade with `check`, the page with the numbers `check` uses.

For each step of the backward pass (in the order of `backward_steps`) and each operand of the
step's node that is a Value, one question: what flows into the operand, local derivative × the
node's gradient (upstream). Where the operand feeds several nodes, its gradient is a sum of
several terms: the question asks what its ``.grad`` holds after this term is added. After the
backward pass, optionally, one step of gradient descent for chosen leaves: w − η·∂root/∂w.

Every number is the engine's: the local derivatives are the ``partials`` each node holds, the
gradients come from the chain rule run on a table (`autograd.graph.backprop`: the arithmetic of
`backward()`, without touching ``.grad``). Every formula is the op's own rule read on symbols
(`autograd.symbolic`), user ops included (their ``formula=`` text when the rule cannot be read).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .core import Value
from .graph import backprop, backward_order, topological
from .hooks import hooks_of
from .names import Names, elide, expr_text
from .ops import VARIADIC, Op, number
from .symbolic import derivatives, formula
from .text import fmt

__all__ = ["CLOSE", "FLOOR", "MESSAGES", "MOST_CHARS", "NUMBER", "RELATIVE", "Question",
           "Verdict", "check", "invalid_messages", "questions", "read_number", "right_message",
           "rule_text", "tolerance", "wrong_message"]

RELATIVE = 5e-4
"""An answer is right when it is within this fraction of the exact value: every rounding of the
exact value to 4 significant digits is (the derivations by hand round), and so is a computation
that rounded one factor to 4 digits on the way."""
CLOSE = 5e-3
"""Within this fraction, a wrong answer is only rounded too early (3 significant digits): it is
not counted as a try, and the learner is asked for 4 digits."""
FLOOR = 1e-9
"""Times the size of the terms added (what the operand held, the new term): the tolerance near
0, where a sum cancels (0.3 − 0.3 gives 5.6e-17 in floats; 0 is right)."""
MOST_CHARS = 100
"""A longer answer is refused before it is read."""
NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
"""What an answer may be: a decimal number, as ``0.25``, ``-.5``, ``1.5e-3``. The page checks
the same pattern."""

_NUMBER = re.compile(NUMBER)
_MINUSES = str.maketrans({"\u2212": "-", "\u2013": "-"})  # the typographic minus, an en dash


@dataclass(frozen=True)
class Question:
    """One question of a practice session (see the module's docstring).

    ``asks`` names what is asked (``∂E_total/∂l_o1``, ``out_h1.grad``, ``the new w``) and
    ``text`` is the question; ``answer`` is the engine's number, right within ``tolerance``
    (`RELATIVE`); ``worked`` is the computation that gives it. ``hints`` get more specific:
    the rule with this node's names, then with its numbers, then the answer. ``mistakes`` are
    wrong answers a learner is likely to give, each with its tolerance and what it says."""

    number: int
    step: int
    """The step of the backward pass (1 = the first); 0 for a step of gradient descent."""
    node: Value
    operand: Value
    asks: str
    text: str
    answer: float
    tolerance: float
    near: float
    worked: str
    hints: tuple[str, str, str]
    mistakes: tuple[tuple[float, float, str], ...]

    def __repr__(self) -> str:
        return f"<question {self.number}: {self.asks} = ?>"


@dataclass(frozen=True)
class Verdict:
    """What `check` says of an answer: ``kind`` is ``"right"``, ``"wrong"`` (``message``: the
    mistake it looks like, or empty), ``"near"`` (right to 3 digits, not counted as a try) or
    ``"invalid"`` (not a number: ``message`` says why; not counted)."""

    kind: str
    message: str
    given: float | None = None


def tolerance(exact: float, scale: float, relative: float = RELATIVE) -> float:
    """How far an answer may be from `exact`: `relative` of it, and a floor for sums that
    cancel (`FLOOR` times `scale`, the size of the terms)."""
    return relative * abs(exact) + FLOOR * scale


_EXAMPLE = "such as 0.25, -1.5 or 3e-4"
MESSAGES = {
    "empty": f"The answer is empty: type a number, {_EXAMPLE}.",
    "long": f"That answer is {{n}} characters long: type a number, {_EXAMPLE}.",
    "comma": "Write decimals with a point: {text} has a comma.",
    "word": "{text} is not an answer here: every answer is a finite number.",
    "huge": "{text} is too large for a float: every answer here is a finite number.",
    "other": f"{{text}} is not a number: type one, {_EXAMPLE}.",
    "near": "Almost: that agrees with {asks} to 3 significant digits. Give 4: round at the "
            "end, not on the way.",
    "wrong": "Not {asks}.",
    "hint": "Hint {k} of {n}: {hint}",
    "right": "Right: {asks} = {worked}.",
    "revealed": "The answer: {asks} = {worked}.",
}
"""Every text of grading, with ``{...}`` to fill: the page fills them as Python does."""


def invalid_messages() -> dict[str, str]:
    """`MESSAGES`, for the page."""
    return dict(MESSAGES)


def _fill(key: str, **values: str) -> str:
    text = MESSAGES[key]
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def _cut(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"


def read_number(given: object) -> float | str:
    """The number in an answer (a str as typed, or a number), or the message that says why
    there is none: empty, too long, a comma, ``nan`` or ``inf``, not a number."""
    if isinstance(given, bool) or not isinstance(given, (str, int, float)):
        return (f"An answer is a number or its text, not a {type(given).__name__}"
                + (" (give its .data)." if isinstance(given, Value) else "."))
    if not isinstance(given, str):
        x = float(given) if isinstance(given, float) or abs(given) < 2**1023 else math.inf
        return x if math.isfinite(x) else _fill("word", text=_cut(repr(given)))
    text = given.strip().translate(_MINUSES)
    shown = f"'{_cut(text)}'"
    if not text:
        return _fill("empty")
    if len(text) > MOST_CHARS:
        return _fill("long", n=f"{len(text):,}")
    if "," in text and _NUMBER.fullmatch(text.replace(",", ".", 1)):
        return _fill("comma", text=shown)
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        return _fill("word", text=shown)
    if not _NUMBER.fullmatch(text):
        return _fill("other", text=shown)
    x = float(text)
    return x if math.isfinite(x) else _fill("huge", text=shown)


def check(q: Question, given: object) -> Verdict:
    """Grade an answer to `q` (see `Verdict`)."""
    x = read_number(given)
    if isinstance(x, str):
        return Verdict("invalid", x)
    gap = abs(x - q.answer)
    if gap <= q.tolerance:
        return Verdict("right", "", x)
    if gap <= q.near:
        return Verdict("near", _fill("near", asks=q.asks), x)
    why = next((text for value, tol, text in q.mistakes if abs(x - value) <= tol), "")
    return Verdict("wrong", why, x)


def wrong_message(q: Question, why: str, tries: int) -> str:
    """What a wrong answer gets, at its `tries`-th wrong try: the mistake it looks like, and
    the hint of that try (the rule; the rule with the numbers; the answer)."""
    level = min(tries, len(q.hints))
    head = _fill("wrong", asks=q.asks) + (f" {why}" if why else "")
    return head + "\n" + _fill("hint", k=str(level), n=str(len(q.hints)),
                               hint=q.hints[level - 1])


def right_message(q: Question, revealed: bool = False) -> str:
    """What a right answer gets (or a revealed one): the computation that gives it."""
    return _fill("revealed" if revealed else "right", asks=q.asks, worked=q.worked)


# ---------------------------------------------------------------------------------------------
# Building the questions


def questions(root: Value, grad: float = 1.0, *, update: Sequence[Value] = (), lr: float = 0.1,
              what: str = "practice") -> list[Question]:
    """The questions of the backward pass of `root` (from the gradient `grad`), then one step
    of gradient descent with learning rate `lr` for each leaf in `update`. Refuses graphs
    with hooks (a hook replaces a gradient: no rule says by what), non-finite gradients, and
    a root without operands. Leaves every ``.grad`` as it is."""
    if not isinstance(root, Value):
        raise TypeError(f"{what}: root must be a Value, not {type(root).__name__}")
    seed = number(grad, what, "grad")
    if not math.isfinite(seed):
        raise ValueError(f"{what}: grad must be a finite number, not {seed!r}")
    if root.is_leaf:
        raise ValueError(f"{what}: the root is a leaf ({root!r}): there is no step to "
                         "backpropagate through")
    names = Names(root)
    nodes = topological(root)
    hooked = [v for v in nodes if hooks_of(v)]
    if hooked:
        raise ValueError(f"{what}: {names(hooked[0])} has a hook (register_hook), which "
                         "replaces its gradient by the hook's: no rule says by what. Remove the "
                         "hook (handle.remove()) to practise on this graph")
    order = backward_order(root, reset=False)
    uses: dict[Value, list[Value]] = {}
    for v in order:
        for p in v.parents:
            uses.setdefault(p, []).append(v)
    table: dict[Value, float] = {root: seed}
    seen: dict[Value, int] = {}
    out: list[Question] = []
    for step, visit in enumerate(backprop(order, table), 1):
        v = visit.node
        at = [i for i, x in enumerate(v.operands) if isinstance(x, Value)]
        for i, (p, local, term, before, after) in zip(at, visit.flows, strict=True):
            seen[p] = seen.get(p, 0) + 1
            if not all(map(math.isfinite, (visit.grad, local, term, after))):
                raise ValueError(f"{what}: the gradient that flows from {names(v)} into "
                                 f"{names(p)} is {term!r}, not a finite number: there is "
                                 "nothing to compute by hand here")
            edge = _Edge(names, root, v, i, p, local, visit.grad, before, after,
                         (seen[p], uses[p]))
            out.append(edge.question(len(out) + 1, step))
    for w in update:
        out.append(_update(len(out) + 1, names, root, w, table, nodes, lr, what))
    return out


def _num(x: float) -> str:
    """A number inside a computation: in parentheses when negative."""
    return fmt(x) if x >= 0 else f"({fmt(x)})"


_ORDINALS = {0: "first", 1: "second", 2: "third"}


def _op_text(op: Op) -> str:
    return op.name if op.word == op.name else f"{op.name} ({op.word})"


def rule_text(op: Op, k: int, operands: Sequence[object], texts: Sequence[str],
              out: str) -> str | None:
    """∂out/∂(operand k) from the op's rule, the constants among `operands` put in, the
    operands written as `texts` and the result as `out`; None when it cannot be read."""
    n = len(operands)
    read = derivatives(op, n if op.arity == VARIADIC else 0)
    if read is None:
        return formula(op, k, list(texts), out)
    params = [op.param(j) for j in range(n)]
    constants = {params[j]: float(x) for j, x in enumerate(operands)  # type: ignore[arg-type]
                 if not isinstance(x, Value)}
    named = dict(zip(params, texts, strict=True))
    named["out"] = out
    return read[k].fold(constants).text(named)


class _Edge:
    """One gradient flowing from a node into one of its operands, and its question."""

    def __init__(self, names: Names, root: Value, v: Value, i: int, p: Value, local: float,
                 upstream: float, before: float, after: float,
                 term: tuple[int, list[Value]]) -> None:
        self.names, self.root, self.v, self.i, self.p = names, root, v, i, p
        self.local, self.upstream, self.before, self.after = local, upstream, before, after
        self.k, self.users = term
        self.n = len(self.users)

    def question(self, number: int, step: int) -> Question:
        names, v, p, k, n = self.names, self.v, self.p, self.k, self.n
        op = v.op
        assert isinstance(op, Op)
        node, operand, root = names.sym(v), names.sym(p), names.sym(self.root)
        whole = f"∂{root}/∂{operand}"
        asks = whole if k == n else f"{names(p)}.grad"
        values = dict.fromkeys(f"{names(x)} = {fmt(x.data)}" for x in v.parents)
        # an operand's name of several words in parentheses, except as a function's argument
        how = expr_text(v, names.sym if op.symbol is not None else names)
        how = f"{names(v)} = {how}" if expr_text(v, names) != names(v) else names(v)
        lines = [f"{how} = {fmt(v.data)}, where {elide(list(values), ', ', 6)}.",
                 f"Its gradient (upstream): ∂{root}/∂{node} = {fmt(self.upstream)}"
                 + (" (the root: the pass starts here)." if v is self.root else ".")]
        param = op.param(self.i)
        generic = rule_text(op, self.i, v.operands, [op.param(j) for j in
                                                     range(len(v.operands))], "out")
        constants = [f"{op.param(j)} = {fmt(x)}" for j, x in enumerate(v.operands)
                     if not isinstance(x, Value)]
        given = f" with {', '.join(constants)}" if constants else ""
        signature = op.show([op.param(j) for j in range(len(v.operands))])
        lines.append(f"The rule of {_op_text(op)}, out = {signature}{given}: ∂out/∂{param} = "
                     f"{generic}."
                     if generic is not None else
                     f"The rule of {_op_text(op)} cannot be read as a formula (an op defined "
                     "without formula=); its local derivative is a number you are told in the "
                     "hints.")
        twice = sum(1 for x in v.operands if x is p) > 1
        which = f" (as the {_ORDINALS.get(self.i, f'#{self.i + 1}')} operand)" if twice else ""
        if n == 1:
            lines.append(f"What is {whole}, the gradient that flows into {names(p)}{which}: "
                         "local derivative × upstream?")
        else:
            users = [names(u) for u in dict.fromkeys(self.users)]
            times = "twice" if n == 2 else f"{n} times"
            lines.append(f"{names(p)} is used {times} (by {elide(users, ', ', 6)}), so {whole} "
                         f"is a sum of {n} terms, one per use"
                         + ("; this is the first." if k == 1 else
                            f"; {names(p)}.grad holds the first "
                            + ("term" if k == 2 else f"{k - 1} terms")
                            + f": {fmt(self.before)}."))
            lines.append(f"What does {names(p)}.grad hold after this term{which}"
                         + (" (local derivative × upstream)?" if k == 1 else
                            ": what it holds + local derivative × upstream?")
                         + (f" That is {whole}." if k == n else ""))
        return Question(number, step, v, p, asks, "\n".join(lines), self.after,
                        *self._grading(), self._worked(), self._hints(), self._mistakes())

    def _scale(self) -> float:
        return abs(self.before) + abs(self.local * self.upstream)

    def _grading(self) -> tuple[float, float]:
        return (tolerance(self.after, self._scale()),
                tolerance(self.after, self._scale(), CLOSE))

    def _worked(self) -> str:
        product = f"{fmt(self.local)} × {_num(self.upstream)}"
        if self.k > 1:
            product = f"{fmt(self.before)} + {product}"
        return f"{product} = {fmt(self.after)}"

    def _hints(self) -> tuple[str, str, str]:
        names, v, p, op = self.names, self.v, self.p, self.v.op
        assert isinstance(op, Op)
        node, operand = names.sym(v), names.sym(p)
        texts = [names.sym(x) if isinstance(x, Value) else fmt(x) for x in v.operands]
        named = rule_text(op, self.i, v.operands, texts, node)
        numbers = [_num(x.data) if isinstance(x, Value) else fmt(x) for x in v.operands]
        put = rule_text(op, self.i, v.operands, numbers, _num(v.data))
        local = f"∂{node}/∂{operand}"
        add = f", then add what {names(p)}.grad holds, {fmt(self.before)}" if self.k > 1 else ""
        first = (f"The rule of {_op_text(op)} with this node's names: {local} = {named}. "
                 if named is not None else
                 f"The rule of {_op_text(op)} cannot be read as a formula; {local} is "
                 f"{fmt(self.local)} here. ")
        first += f"Multiply it by the upstream gradient ∂{names.sym(self.root)}/∂{node}{add}."
        held = f"{fmt(self.before)} + " if self.k > 1 else ""
        second = (f"With the numbers: {held}{put if put is not None else fmt(self.local)} × "
                  f"{_num(self.upstream)}.")
        third = f"The answer: {self._worked()}. Type it to go on."
        return first, second, third

    def _mistakes(self) -> tuple[tuple[float, float, str], ...]:
        names, local = self.names, f"∂{self.names.sym(self.v)}/∂{self.names.sym(self.p)}"
        term = self.local * self.upstream
        found = [(term, f"That is this term alone: add what {names(self.p)}.grad holds, "
                  f"{fmt(self.before)}."),
                 (self.before, f"That is what {names(self.p)}.grad held before: add this "
                  "term, local derivative × upstream."),
                 (self.before - term, "Add the term; do not subtract it.")] if self.k > 1 else []
        found += [(-self.after, "The sign is wrong."),
                  (self.local, f"That is the local derivative {local} alone: multiply it by "
                   f"the upstream gradient, {fmt(self.upstream)}."),
                  (self.upstream, f"That is the upstream gradient alone: multiply it by the "
                   f"local derivative {local}.")]
        return _distinct(found, self.after, self._scale())


def _distinct(found: list[tuple[float, str]], answer: float, scale: float
              ) -> tuple[tuple[float, float, str], ...]:
    """The mistakes that cannot be taken for the answer (nor for one another: the first
    wins), each with its tolerance."""
    kept: list[tuple[float, float, str]] = []
    near = tolerance(answer, scale, CLOSE)
    for value, text in found:
        tol = tolerance(value, scale)
        if abs(value - answer) <= near + tol or any(abs(value - v) <= t for v, t, _ in kept):
            continue
        kept.append((value, tol, text))
    return tuple(kept)


def _update(number: int, names: Names, root: Value, w: Value, table: dict[Value, float],
            nodes: list[Value], lr: float, what: str) -> Question:
    """The question of one step of gradient descent for the leaf w: w − lr·∂root/∂w."""
    if not isinstance(w, Value) or not w.is_leaf or w not in set(nodes):
        raise ValueError(f"{what}: update takes leaves of the graph (its weights), not "
                         f"{w!r}")
    rate = number_of(lr, what)
    g = table.get(w, 0.0)
    answer = w.data - rate * g
    name, root_name = names(w), names.sym(root)
    d = f"∂{root_name}/∂{names.sym(w)}"
    scale = abs(w.data) + abs(rate * g)
    worked = f"{fmt(w.data)} − {fmt(rate)} × {_num(g)} = {fmt(answer)}"
    text = (f"Gradient descent: one step for {name}, with the learning rate η = {fmt(rate)}.\n"
            f"{name} = {fmt(w.data)} now, and the backward pass gave {d} = {fmt(g)} (what "
            f"backward() leaves in {name}.grad).\nWhat is the new {name}: {name} − η·{d}?")
    hints = (f"A step against the gradient, η times its size: {name} ← {name} − η·{d}.",
             f"With the numbers: {fmt(w.data)} − {fmt(rate)} × {_num(g)}.",
             f"The answer: {worked}. Type it to go on.")
    found = [(w.data + rate * g, f"That steps along the gradient, uphill: subtract η·{d}."),
             (-rate * g, f"That is the step alone: add it to {name}."),
             (w.data - g, f"The step is η = {fmt(rate)} times the gradient."),
             (-answer, "The sign is wrong.")]
    return Question(number, 0, w, w, f"the new {name}", text, answer,
                    tolerance(answer, scale), tolerance(answer, scale, CLOSE), worked, hints,
                    _distinct(found, answer, scale))


def number_of(lr: object, what: str) -> float:
    """The learning rate, checked: a finite number above 0."""
    rate = number(lr, what, "lr")
    if not math.isfinite(rate) or rate <= 0:
        raise ValueError(f"{what}: lr (the learning rate) must be a finite number above 0, "
                         f"not {rate!r}")
    return rate
