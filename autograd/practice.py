"""Practice mode: the learner backpropagates, the engine checks each step.

``p = autograd.practice(loss)`` asks the backward pass of ``loss`` one question at a time, in
the order `backward()` computes it: for each node and each operand that is a Value, the gradient
that flows into the operand (local derivative × the node's gradient), and, where the operand is
used several times, the sum so far (the questions: `autograd.page_questions`)::

    print(p.question)         # the node, its op, the operand, the rule, what is asked
    p.answer(-0.0309)         # Feedback: .correct, .message (a hint when wrong)
    p.reveal()                # the answer, without credit
    p.done, p.score           # Score(right=..., total=...): right at the first try
    p.run()                   # all of it with input(), in a terminal or a notebook

A wrong answer gets a hint that is more specific at each try: the rule with the node's names,
then with its numbers, then the answer; an answer that is not a number (empty, ``nan``, a
comma, a page of text) gets a message and the same question, and is not counted. A number is
right within 0.05% of the engine's value (see `autograd.page_questions.RELATIVE`).

Practising changes no ``.grad``; after the last question the graph holds exactly what one
``backward()`` gives (it runs). As `backward_steps` does, it refuses a graph whose leaves hold
gradients already, unless ``accumulate=True`` (then the last question adds to them).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .core import Value
from .graph import topological
from .names import Names
from .ops import VARIADIC, Op
from .page import StepPage, save_html, show
from .page_questions import Question, check, questions, right_message, wrong_message
from .steps import held_gradients
from .symbolic import derivatives
from .text import fmt

__all__ = ["Feedback", "Practice", "Score", "practice", "rules_text"]


@dataclass(frozen=True)
class Feedback:
    """What an answer gets. ``kind``: ``"right"``, ``"wrong"``, ``"near"`` (right to 3
    significant digits: give 4), ``"invalid"`` (not a number), ``"revealed"``, ``"done"``
    (the session is over). Its str is the message."""

    correct: bool
    message: str
    kind: str

    def __str__(self) -> str:
        return self.message


class Score(NamedTuple):
    """Questions answered right at the first try, of all the questions."""

    right: int
    total: int

    def __str__(self) -> str:
        return f"{self.right}/{self.total}"


class Practice:
    """A practice session over the backward pass of a graph (see the module's docstring)."""

    def __init__(self, root: Value, grad: float = 1.0, *, accumulate: bool = False,
                 update: Value | Sequence[Value] = (), lr: float = 0.1) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"practice: root must be a Value, not {type(root).__name__}")
        if not accumulate:
            _refuse_held(root)
        weights = [update] if isinstance(update, Value) else list(update)
        self.root, self.accumulate, self._seed = root, accumulate, grad
        self.questions: tuple[Question, ...] = tuple(questions(root, grad, update=weights,
                                                               lr=lr))
        self.steps = max(q.step for q in self.questions)
        self.names = Names(root)
        self._at = self._right = self._tries = 0
        self._leaves = {v: v.grad for v in topological(root)[::-1] if v.is_leaf}  # code order

    # -- where the session is -------------------------------------------------------------------

    @property
    def done(self) -> bool:
        """True when every question has been answered (or revealed)."""
        return self._at == len(self.questions)

    @property
    def current(self) -> Question | None:
        """The question being asked, or None when the session is done."""
        return None if self.done else self.questions[self._at]

    @property
    def tries(self) -> int:
        """The wrong answers given to the current question so far."""
        return self._tries

    @property
    def score(self) -> Score:
        """Right at the first try, of all the questions."""
        return Score(self._right, len(self.questions))

    @property
    def question(self) -> str:
        """The current question, with where it stands; when done, the score."""
        q = self.current
        if q is None:
            return f"The practice is done: {self.score.right} of {self.score.total} right at " \
                   "the first try."
        where = f"step {q.step} of {self.steps}" if q.step else "after the backward pass"
        return f"Question {q.number} of {len(self.questions)} ({where})\n{q.text}"

    # -- answering ------------------------------------------------------------------------------

    def answer(self, given: object) -> Feedback:
        """Check `given` (a number, or its text as typed) against the current question."""
        q = self.current
        if q is None:
            return Feedback(False, self.question, "done")
        verdict = check(q, given)
        if verdict.kind == "right":
            self._right += self._tries == 0
            return self._next(right_message(q), "right", True)
        if verdict.kind in ("near", "invalid"):
            return Feedback(False, verdict.message, verdict.kind)
        self._tries += 1
        return Feedback(False, wrong_message(q, verdict.message, self._tries), "wrong")

    def reveal(self) -> Feedback:
        """Give the answer of the current question and go on, without credit."""
        q = self.current
        if q is None:
            return Feedback(False, self.question, "done")
        return self._next(right_message(q, revealed=True), "revealed", False)

    def _next(self, message: str, kind: str, correct: bool) -> Feedback:
        self._at += 1
        self._tries = 0
        if self.done:
            message += "\n" + self._finish()
        return Feedback(correct, message, kind)

    def _finish(self) -> str:
        """Write the gradients (one backward()) and say what they are."""
        leaves = list(self._leaves)
        if any(v.grad != g for v, g in self._leaves.items()):
            warnings.warn("practice: the leaves' gradients changed during the practice (did "
                          "backward() or zero_grad() run?); .grad is left as it is",
                          RuntimeWarning, stacklevel=3)
            return self.question
        self.root.backward(self._seed)
        shown = [f"  {self.names(v)}.grad = {fmt(v.grad)}" for v in leaves[:12]]
        more = [f"  … and {len(leaves) - 12} more"] if len(leaves) > 12 else []
        return "\n".join([self.question, "Every .grad now holds what backward() gives:",
                          *shown, *more])

    # -- in a terminal, in the browser ----------------------------------------------------------

    def run(self, ask: Callable[[str], str] = input, say: Callable[[str], Any] = print
            ) -> Score:
        """Ask every question with `ask` (``input``) and print with `say`, until the end or
        the end of input (EOFError); type ``reveal`` for the answer, ``quit`` to stop. Returns
        the score."""
        say(f"{len(self.questions)} questions. Type each number (4 significant digits are "
            "enough); reveal shows the answer, quit stops.")
        asked = -1
        while not self.done:
            if asked != self._at:  # a new question; after a wrong try, the same one again
                asked = self._at
                say("\n" + self.question)
            try:
                line = ask("> " if self._tries == 0 else "try again> ")
            except EOFError:
                say(f"\nEnd of input: {self.score.right} of {self.score.total} right at the "
                    "first try; .grad is left as it was.")
                break
            word = line.strip().lower()
            if word == "quit":
                say(f"Stopped: {self.score.right} of {self.score.total} right at the first "
                    "try; .grad is left as it was.")
                break
            feedback = self.reveal() if word == "reveal" else self.answer(line)
            say(feedback.message)
        return self.score

    def rules(self) -> str:
        """The rules of the ops this graph uses, read from the registry: what the questions
        ask you to apply (``--explain-rules`` on the command line prints them first)."""
        return rules_text(self.questions)

    def save_html(self, path: str | os.PathLike[str], **draw_options: Any) -> Path:
        """The practice page of these questions (`autograd.save_html` with ``practice``)."""
        return save_html(self.root, path, practice=self.questions, **draw_options)

    def show(self, **draw_options: Any) -> StepPage:
        """The practice page, to display in Jupyter."""
        return show(self.root, practice=self.questions, **draw_options)

    def __repr__(self) -> str:
        state = "done" if self.done else f"question {self._at + 1}"
        return (f"<practice of the backward pass of {self.names(self.root)}: "
                f"{len(self.questions)} questions, {state}, score {self.score}>")


def _refuse_held(root: Value) -> None:
    held = held_gradients(root)
    if held:
        names = Names(root)
        shown = ", ".join(f"{names(v)}.grad = {fmt(v.grad)}" for v in held[:3])
        raise ValueError(f"practice: the graph already holds gradients ({shown}); the "
                         "practice ends with a backward(), which would add to them. Call "
                         "root.zero_grad() first, or pass accumulate=True to add to them")


def rules_text(asked: Sequence[Question]) -> str:
    """The rules of the ops of the backward steps among `asked`, from the registry."""
    lines = ["The rules this graph uses, from the registry (out is the op's result):"]
    seen: set[tuple[Op, int]] = set()
    for q in asked:
        op = q.node.op
        if not q.step or not isinstance(op, Op):
            continue
        n = len(q.node.operands)
        if (op, n) not in seen:
            seen.add((op, n))
            lines.append(_rule_line(op, n))
    return "\n".join(lines)


def _rule_line(op: Op, n: int) -> str:
    params = [op.param(j) for j in range(n)]
    read = derivatives(op, n if op.arity == VARIADIC else 0)
    if read is not None:
        texts: list[str | None] = [e.text() for e in read]
    else:
        texts = [op.formula[j] if j < len(op.formula) else None for j in range(n)]
    rules = ", ".join(f"∂out/∂{p} = {t if t is not None else '(no formula: a number)'}"
                      for p, t in zip(params, texts, strict=True))
    return f"  {op.name}: out = {op.show(params)}; {rules}"


def practice(root: Value, grad: float = 1.0, *, accumulate: bool = False,
             update: Value | Sequence[Value] = (), lr: float = 0.1) -> Practice:
    """A practice session over the backward pass of `root`, one question per gradient that
    flows, in backward order (see `autograd.practice`'s module docstring). ``update``: leaves
    to take one step of gradient descent for at the end, with learning rate ``lr``
    (w − lr·∂root/∂w). ``accumulate``: practise on a graph whose leaves hold gradients (the
    end adds to them, as a second backward() does)."""
    return Practice(root, grad, accumulate=accumulate, update=update, lr=lr)
