"""Practice mode in Python and on the command line: `autograd.practice`, the exercises, and
``autograd practice`` (`autograd.cli_practice`). The page is tested in test_practice_page.py.

Every exercise is played to the end with the right answers (full score, and then every .grad
is what backward() gives, bit for bit) and with wrong ones (the hints come in order: the rule,
the numbers, the answer), in Python and through the command line.
"""

from __future__ import annotations

import argparse
import io
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd.math as amath
from autograd import Value, backward_steps, ops
from autograd.cli_practice import add_practice_parser, cmd_practice, main
from autograd.exercises import Exercise, exercise, exercises
from autograd.graph import topological
from autograd.page_questions import (
    MESSAGES,
    Question,
    check,
    questions,
    read_number,
    tolerance,
)
from autograd.practice import Practice, practice

ROOT = Path(__file__).resolve().parents[1]
BAD = ["", "   ", "nan", "NaN", "inf", "-Infinity", "1,5", "abc", "1e999", "0x10", "1_000",
       "٣", "x" * 100_000, "--1"]


def grads(root: Value) -> list[tuple[str, float, float]]:
    return [(v.label, v.data, v.grad) for v in topological(root)]


def backward_of(e: Exercise) -> list[tuple[str, float, float]]:
    """The gradients one backward() leaves on a new copy of the exercise's graph."""
    root = e.graph()
    root.backward()
    return grads(root)


def four_digits(x: float) -> str:
    return f"{x:.4g}"


def wrong_for(q: Question) -> float:
    """A wrong answer that looks like no listed mistake and is not near the answer."""
    x = q.answer * 1.7 + 0.37
    while any(abs(x - v) <= t for v, t, _ in q.mistakes) or abs(x - q.answer) <= q.near:
        x += 1.3
    return x


# ---------------------------------------------------------------------------------------------
# The questions: the engine's numbers


def test_the_questions_are_the_steps_of_backward(net: object) -> None:
    from autograd.examples import two_layer_sigmoid

    fresh = two_layer_sigmoid()
    asked = questions(fresh.E_total)
    flows = [(s.index, s.node, p) for s in backward_steps(two_layer_sigmoid().E_total)
             for p in s.parents]
    assert len(asked) == len(flows) == 44
    names = {v.label: v for v in topological(fresh.E_total) if v.label}
    for q, (index, _, p) in zip(asked, flows, strict=True):
        assert q.step == index
        assert q.answer == p.after  # bit for bit: the same arithmetic as backward()
    (w5,) = [q for q in asked if q.operand is names["w5"]]
    assert w5.asks == "∂E_total/∂w5" and check(w5, "-0.018375021").kind == "right"  # by hand
    assert check(w5, "-0.01838").kind == "right" and check(w5, "-0.0184").kind == "near"
    (w1,) = [q for q in asked if q.operand is names["w1"]]
    assert check(w1, "0.000425237").kind == "right"
    assert all(v.grad == 0.0 for v in topological(fresh.E_total))  # nothing written


def test_a_question_names_the_node_its_op_the_operand_and_the_rule() -> None:
    p = exercise(4).practice()
    q = next(q for q in p.questions if q.asks == "∂E_total/∂l_o1")
    assert q.text.splitlines() == [
        "out_o1 = sigmoid(l_o1) = 0.702307507, where l_o1 = 0.8583103.",
        "Its gradient (upstream): ∂E_total/∂out_o1 = -0.147692493.",
        "The rule of sigmoid, out = sigmoid(x): ∂out/∂x = out·(1 − out).",
        "What is ∂E_total/∂l_o1, the gradient that flows into l_o1: local derivative × "
        "upstream?"]
    assert q.hints == (
        "The rule of sigmoid with this node's names: ∂out_o1/∂l_o1 = out_o1·(1 − out_o1). "
        "Multiply it by the upstream gradient ∂E_total/∂out_o1.",
        "With the numbers: 0.702307507·(1 − 0.702307507) × (-0.147692493).",
        "The answer: 0.209071673 × (-0.147692493) = -0.030878317. Type it to go on.")
    total = next(q for q in p.questions if q.asks == "∂E_total/∂out_h1")
    assert "out_h1 is used twice (by mul#7, mul#3)" in total.text  # a node of several paths
    assert "out_h1.grad holds the first term: 0.025367174." in total.text
    assert total.worked == "0.025367174 + 0.25 × (-0.030878317) = 0.017647595"


def test_an_operand_of_several_words_is_bracketed_once() -> None:
    """In a function's argument the call's own brackets do; in a sum they are needed."""
    w, x, b = Value(-3.0, "w"), Value(2.0, "x"), Value(1.0, "b")
    z = w * x + b
    z.label = "w*x + b"
    f = z.sigmoid() * 2.0
    f.label = "f"
    first, second = practice(f).questions[:2]
    assert first.text.startswith("f = sigmoid#1 * 2 = 0.013385702, where sigmoid#1 = ")
    assert second.text.startswith(
        "sigmoid#1 = sigmoid(w*x + b) = 0.006692851, where w*x + b = -5."), second.text


def test_constants_are_put_into_the_rule() -> None:
    x = Value(2.0, "x")
    y = x**2
    y.label = "y"
    (q,) = questions(y)
    assert "The rule of ** (pow), out = x ** y with y = 2: ∂out/∂x = 2·x." in q.text
    assert q.hints[0].startswith("The rule of ** (pow) with this node's names: ∂y/∂x = 2·x.")
    assert q.hints[1] == "With the numbers: 2·2 × 1."


# ---------------------------------------------------------------------------------------------
# Grading


@pytest.mark.parametrize("text", BAD)
def test_bad_input_gets_a_message_and_the_same_question(text: str) -> None:
    p = exercise(1).practice()
    before = p.question
    feedback = p.answer(text)
    assert feedback.kind == "invalid" and not feedback.correct
    assert feedback.message and len(feedback.message) < 200
    assert p.question == before and p.tries == 0


def test_what_the_bad_inputs_are_told() -> None:
    assert read_number("") == MESSAGES["empty"]
    assert read_number("1,5") == "Write decimals with a point: '1,5' has a comma."
    assert read_number("nan") == "'nan' is not an answer here: every answer is a finite number."
    assert read_number("1e999") == ("'1e999' is too large for a float: every answer here is a "
                                    "finite number.")
    assert read_number("x" * 100_000) == ("That answer is 100,000 characters long: type a "
                                          "number, such as 0.25, -1.5 or 3e-4.")
    assert read_number("abc") == "'abc' is not a number: type one, such as 0.25, -1.5 or 3e-4."
    assert read_number(" \u22120.5 ") == -0.5 and read_number("+.5e1") == 5.0
    assert read_number(3) == 3.0 and read_number(math.nan) == MESSAGES["word"].replace(
        "{text}", "nan")
    assert read_number(10**400) == MESSAGES["word"].replace("{text}", "1" + "0" * 28 + "…")
    assert "give its .data" in str(read_number(Value(1.0)))
    assert "not a bool" in str(read_number(True)) and "not a NoneType" in str(read_number(None))


@given(st.floats(min_value=1e-300, max_value=1e300) | st.floats(min_value=-1e300,
                                                                  max_value=-1e-300))
def test_every_rounding_to_4_significant_digits_is_right(exact: float) -> None:
    q = Question(1, 1, Value(0.0), Value(0.0), "it", "", exact, tolerance(exact, abs(exact)),
                 tolerance(exact, abs(exact), 5e-3), "", ("a", "b", "c"), ())
    assert check(q, f"{exact:.4g}").kind == "right"
    assert check(q, repr(exact * (1 + 2e-3))).kind == "near"
    assert check(q, repr(exact * 1.1)).kind == "wrong"


def test_near_zero() -> None:
    x = Value(0.7, "x")
    f = 0.1 * x + 0.2 * x - 0.3 * x  # x's gradient: 0.1 + 0.2 − 0.3, 5.6e-17 in floats
    f.label = "f"
    last = questions(f)[-1]
    assert last.operand is x and 0 < abs(last.answer) < 1e-15
    assert check(last, "0").kind == "right"  # the terms cancel: 0 is right
    assert check(last, "1e-4").kind == "wrong"
    tiny = Value(3.0, "t") * 1e-12  # a gradient that is small, not a cancellation
    (q,) = questions(tiny)
    assert check(q, "1e-12").kind == "right" and check(q, "0").kind == "wrong"
    zero = Value(-1.0, "z").relu()  # relu's slope at a negative input is 0: exactly 0
    (q,) = questions(zero)
    assert q.answer == 0.0 and check(q, "0").kind == "right" and check(q, "-0").kind == "right"
    assert check(q, "1e-300").kind == "wrong"


def test_likely_mistakes_are_named() -> None:
    p = exercise(4).practice()
    q = next(q for q in p.questions if q.asks == "∂E_total/∂l_o1")
    assert check(q, "0.2091").message.startswith("That is the local derivative ∂out_o1/∂l_o1")
    assert check(q, "-0.1477").message.startswith("That is the upstream gradient alone")
    assert check(q, "0.03088").message == "The sign is wrong."
    total = next(q for q in p.questions if q.asks == "∂E_total/∂out_h1")
    assert check(total, "-0.007719579").message.startswith("That is this term alone: add what "
                                                        "out_h1.grad holds")


# ---------------------------------------------------------------------------------------------
# Sessions: every exercise, right and wrong


@pytest.mark.parametrize("e", exercises(), ids=lambda e: str(e.number))
def test_every_exercise_with_the_right_answers(e: Exercise) -> None:
    p = e.practice()
    untouched = grads(p.root)
    for q in p.questions:
        assert grads(p.root) == untouched  # practising changes no .grad until the end
        assert p.current is q
        feedback = p.answer(four_digits(q.answer))
        assert feedback.correct and feedback.kind == "right", (q.text, feedback.message)
        assert feedback.message.startswith(f"Right: {q.asks} = ")
    assert p.done and p.score == (len(p.questions), len(p.questions))
    assert str(p.score) == f"{len(p.questions)}/{len(p.questions)}"
    assert grads(p.root) == backward_of(e)  # exactly what one backward() gives
    assert "Every .grad now holds what backward() gives" in feedback.message
    assert p.answer(1.0).kind == "done" and p.reveal().kind == "done"


@pytest.mark.parametrize("e", exercises(), ids=lambda e: str(e.number))
def test_every_exercise_with_wrong_answers(e: Exercise) -> None:
    p = e.practice()
    for q in p.questions:
        for tries, level in enumerate((1, 2, 3, 3), 1):
            feedback = p.answer(wrong_for(q))
            assert not feedback.correct and feedback.kind == "wrong"
            assert feedback.message.startswith(f"Not {q.asks}.")
            assert f"\nHint {level} of 3: {q.hints[level - 1]}" in feedback.message
            assert p.current is q and p.tries == tries
        assert q.hints[2].startswith(f"The answer: {q.worked}")
        assert p.answer(q.answer).correct  # after the hints, the right one goes on
    assert p.done and p.score.right == 0
    assert grads(p.root) == backward_of(e)


def test_hints_come_from_the_registry_for_user_ops() -> None:
    @ops.op(derivative=lambda x, out: 1 - amath.exp(-out))
    def softplus_practice(x: float) -> float:
        return math.log1p(math.exp(x))

    @ops.op(derivative=lambda x, out: math.cos(x), formula="cos(x)")
    def sine_practice(x: float) -> float:
        return math.sin(x)

    @ops.op(derivative=lambda x, out: 2 * x if x > 0 and math.isfinite(x) else 0.0)
    def opaque_practice(x: float) -> float:
        return x * x if x > 0 else 0.0

    try:
        a = Value(0.5, "a")
        s = softplus_practice(a)
        s.label = "s"
        (q,) = questions(s)
        assert "∂out/∂x = 1 − e^(−out)" in q.text
        assert "∂s/∂a = 1 − e^(−s)" in q.hints[0]
        t = sine_practice(a)
        t.label = "t"
        (q,) = questions(t)
        assert "∂out/∂x = cos(x)" in q.text and "∂t/∂a = cos(a)" in q.hints[0]
        assert q.hints[1] == "With the numbers: cos(0.5) × 1."
        u = opaque_practice(a)
        u.label = "u"
        (q,) = questions(u)
        assert "cannot be read as a formula" in q.text and "is 1 here" in q.hints[0]
        assert check(q, "1").kind == "right"
        assert "opaque_practice: out = opaque_practice(x); ∂out/∂x = (no formula: a number)" in \
            Practice(u).rules()
    finally:
        for name in ("softplus_practice", "sine_practice", "opaque_practice"):
            ops.unregister(name)


def test_reveal_gives_no_credit_and_plays_the_step() -> None:
    p = practice(exercise(1).graph())
    q = p.current
    assert q is not None
    feedback = p.reveal()
    assert feedback.kind == "revealed" and not feedback.correct
    assert feedback.message == f"The answer: {q.asks} = {q.worked}."
    while p.current is not None:
        assert p.answer(p.current.answer).correct
    assert p.score == (2, 3)


def test_a_wrong_then_right_answer_is_not_a_first_try() -> None:
    p = exercise(1).practice()
    q = p.current
    assert q is not None
    p.answer(wrong_for(q))
    p.answer(q.answer)
    p.answer(f"{p.questions[1].answer:.3g}")  # 3 digits only: asked for 4, not counted
    assert p.tries == 0
    p.answer(p.questions[1].answer)
    assert p.score.right == 1


def test_a_graph_that_holds_gradients_is_refused_unless_accumulate() -> None:
    e = exercise(3)
    root = e.graph()
    root.backward()
    with pytest.raises(ValueError, match=r"practice: the graph already holds gradients \(w1.grad"):
        practice(root)
    p = practice(root, accumulate=True)
    while not p.done:
        assert p.current is not None
        p.answer(p.current.answer)
    twice = e.graph()
    twice.backward()
    twice.backward()
    assert grads(root) == grads(twice)


def test_refusals() -> None:
    x = Value(2.0, "x")
    y = x * 3.0
    with y.register_hook(lambda g: g * 2):
        with pytest.raises(ValueError, match="has a hook"):
            practice(y)
    with pytest.raises(ValueError, match="the root is a leaf"):
        practice(x)
    with pytest.raises(TypeError, match="root must be a Value, not float"):
        practice(2.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a finite number"):
        practice(Value(0.0, "z").sqrt())
    with pytest.raises(ValueError, match="update takes leaves of the graph"):
        practice(y, update=Value(1.0))
    with pytest.raises(ValueError, match="lr .the learning rate. must be a finite number "
                                         "above 0"):
        practice(y, update=x, lr=-1.0)


def test_the_gradients_change_during_practice() -> None:
    p = exercise(1).practice()
    p.root.backward()  # the learner ran backward() half way: the end writes nothing
    with pytest.warns(RuntimeWarning, match="changed during the practice"):
        while not p.done:
            assert p.current is not None
            p.answer(p.current.answer)


def test_gradient_descent_is_graded_with_the_engines_numbers() -> None:
    p = exercise(6).practice()
    *backward, update = p.questions
    assert update.step == 0 and update.asks == "the new w"
    w = update.operand
    fresh = exercise(6).graph()
    fresh.backward()
    (fw,) = [v for v in topological(fresh) if v.label == "w"]
    assert update.answer == fw.data - 0.1 * fw.grad == 0.9
    assert check(update, "0.1").message.startswith("That steps along the gradient, uphill")
    for q in backward:
        p.answer(q.answer)
    assert "after the backward pass" in p.question
    assert p.answer("0.9").correct and w.data == 0.5  # the practice moves no weight


def test_run_asks_until_the_end_of_input() -> None:
    p = exercise(1).practice()
    lines = iter(["14", "", "reveal"])
    said: list[str] = []

    def ask(prompt: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    assert p.run(ask=ask, say=said.append) == (1, 3)
    text = "\n".join(said)
    assert "Right: ∂f/∂u = 14 × 1 = 14." in text and MESSAGES["empty"] in text
    assert text.endswith("End of input: 1 of 3 right at the first try; .grad is left as it "
                         "was.")
    assert all(v.grad == 0.0 for v in topological(p.root))


def test_repr_and_rules() -> None:
    p = exercise(5).practice()
    assert repr(p) == "<practice of the backward pass of L: 5 questions, question 1, score 0/5>"
    assert "∂out/∂x_1 = e^(x_1 − out)" in p.rules()
    assert str(exercise(2)).startswith("Exercise 2: partial derivatives of a function of three")
    with pytest.raises(ValueError, match="there is no exercise 7; they are numbered 1 to 6"):
        exercise(7)


# ---------------------------------------------------------------------------------------------
# The command line


def play(argv: list[str], answers: str, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("e", exercises(), ids=lambda e: str(e.number))
def test_cli_plays_every_exercise(e: Exercise, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    asked = e.practice().questions
    right = "".join(four_digits(q.answer) + "\n" for q in asked)
    code, out, err = play([str(e.number)], right, monkeypatch, capsys)
    assert code == 0 and err == ""
    assert out.startswith(f"Exercise {e.number}: {e.title}")
    n = len(asked)
    assert f"The practice is done: {n} of {n} right at the first try." in out
    assert out.count("\nRight: ") == n
    wrong = "".join(f"{wrong_for(q)!r}\n" * 3 + f"{q.answer!r}\n" for q in asked)
    code, out, _ = play([str(e.number)], wrong, monkeypatch, capsys)
    assert code == 0 and f"The practice is done: 0 of {n} right at the first try." in out
    for q in asked:
        at = out.index(q.text)
        hints = [out.index(f"Hint {k} of 3: {q.hints[k - 1]}", at) for k in (1, 2, 3)]
        assert hints == sorted(hints)


def test_cli_expression_bad_input_and_end_of_input(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = play(["x*y", "x=2", "y=3"], "nan\n\n1,5\n" + "y" * 5000 + "\n3\n",
                          monkeypatch, capsys)
    assert code == 0 and err == ""
    assert out.count("Question 1 of 2") == 1  # asked once; the prompt says try again
    for message in ("'nan' is not an answer here", MESSAGES["empty"], "has a comma",
                    "That answer is 5,000 characters long"):
        assert message in out
    assert "> 3\nRight: ∂f/∂x = 3 × 1 = 3." in out  # the answers are echoed
    assert out.rstrip().endswith("End of input: 1 of 2 right at the first try; .grad is left "
                                 "as it was.")


def test_cli_explain_rules_and_list(monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = play(["sigmoid(w*x)", "w=0.5", "x=2", "--explain-rules"], "", monkeypatch,
                        capsys)
    assert code == 0
    assert "The rules this graph uses, from the registry" in out
    assert "  sigmoid: out = sigmoid(x); ∂out/∂x = out·(1 − out)" in out
    assert out.index("The rules") < out.index("Question 1 of 3")
    code, out, _ = play(["--list"], "", monkeypatch, capsys)
    assert code == 0 and out.splitlines()[1:] == [
        f"  {e.number}. {e.title} ({len(e.practice().questions)} questions)"
        for e in exercises()]


@pytest.mark.parametrize(("argv", "code", "says"), [
    (["9"], 2, "there is no exercise 9; they are numbered 1 to 6 (see --list)"),
    ([], 2, "give an expression and its values"),
    (["x*"], 2, "not a valid expression"),
    (["x*y", "x=2"], 2, "no value given for y"),
    (["x*2", "x=two"], 2, "'two' is not a number"),
    (["x", "x=2"], 2, "nothing to backpropagate"),
    (["log(x)", "x=-1"], 1, "log"),
    (["sqrt(x)", "x=0"], 1, "not a finite number"),
])
def test_cli_refusals(argv: list[str], code: int, says: str, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    got, out, err = play(argv, "", monkeypatch, capsys)
    assert got == code and says in err and err.startswith("autograd practice: ")


def test_cli_writes_the_practice_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("graphviz")
    import shutil

    if shutil.which("dot") is None:
        pytest.skip("Graphviz's `dot` program is not installed")
    target = tmp_path / "six.html"
    code, out, _ = play(["6", "--html", str(target)], "", monkeypatch, capsys)
    assert code == 0 and f"practice page written to {target}" in out
    page = target.read_text(encoding="utf-8")
    assert "Backpropagation, your turn: E" in page and '"asks":"the new w"' in page


def test_the_subcommand_registers_and_runs_as_a_module(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    parser = argparse.ArgumentParser(prog="autograd")
    sub = parser.add_subparsers(dest="command", required=True)
    add_practice_parser(sub)
    args = parser.parse_args(["practice", "--list"])
    assert args.run is cmd_practice and cmd_practice(args) == 0
    assert "1. the derivative of a chain" in capsys.readouterr().out
    done = subprocess.run([sys.executable, "-m", "autograd.cli_practice", "(3*x + 1)**2",
                           "x=2"], input="14\n14\n42\n", capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "The practice is done: 3 of 3 right at the first try." in done.stdout
