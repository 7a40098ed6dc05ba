"""The practice page (``save_html(root, path, practice=True)``, `Practice.save_html`) and the
step-through page's lines of code: the data read in Python, and the page driven in Chromium
(the fixtures of test_page.py: Debian's chromium through playwright, skipped without them).

In the browser, every exercise is played with the right answers (full score, and the boxes end
with backward()'s gradients) and with wrong ones (the hints beside the node, in order, then the
answer); answers that are not numbers get the messages Python gives.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_page import SCREENSHOTS, Watched, box_of, browser, page_data  # noqa: F401 - fixture

import autograd
from autograd import Value
from autograd.exercises import Exercise, exercise, exercises
from autograd.graph import topological
from autograd.page_questions import Question, questions, read_number
from autograd.source import Source
from autograd.text import fmt

pytestmark = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's `dot` program is not installed (apt-get install graphviz)",
)

BAD = ["", "nan", "-inf", "1,5", "abc", "1e999", "0x10", "٣", "x" * 5000]


def four_digits(x: float) -> str:
    return f"{x:.4g}"


def wrong_for(q: Question) -> float:
    x = q.answer * 1.7 + 0.37
    while any(abs(x - v) <= t for v, t, _ in q.mistakes) or abs(x - q.answer) <= q.near:
        x += 1.3
    return x


def final_grads(e: Exercise) -> dict[str, str]:
    root = e.graph()
    root.backward()
    return {v.label: fmt(v.grad) for v in topological(root) if v.label}


# ---------------------------------------------------------------------------------------------
# The data, read in Python


def test_the_page_carries_the_questions_of_check(tmp_path: Path, net: Any) -> None:
    data = page_data(autograd.show(net.E_total, practice=True).html)
    asked = questions(net.E_total)
    records = data["practice"]["questions"]
    assert [r["text"] for r in records] == [q.text for q in asked]
    assert [(r["answer"], r["tolerance"], r["near"]) for r in records] == [
        (q.answer, q.tolerance, q.near) for q in asked]
    assert [r["hints"] for r in records] == [list(q.hints) for q in asked]
    assert data["practice"]["pattern"].startswith("[+-]?")
    w5 = next(r for r in records if r["asks"] == "∂E_total/∂w5")
    assert w5["operand"] == box_of(data, "w5") and w5["set"] == [box_of(data, "w5"),
                                                                  "-0.018375022"]
    assert all(v.grad == 0.0 for v in autograd.walk(net.E_total))
    page = autograd.show(net.E_total, practice=True).html
    assert "×0.5" not in page  # the edges' factors (half the answers) are not drawn
    assert "×0.5" in autograd.show(net.E_total).html
    assert page_data(autograd.show(net.E_total).html)["practice"] is None


def test_a_sessions_page_asks_its_questions(tmp_path: Path) -> None:
    p = exercise(6).practice()
    path = p.save_html(tmp_path / "six.html")
    records = page_data(path.read_text(encoding="utf-8"))["practice"]["questions"]
    assert [r["asks"] for r in records] == [q.asks for q in p.questions]
    assert records[-1]["asks"] == "the new w" and records[-1]["step"] == 0
    assert "Backpropagation, your turn: E" in p.show().html


def test_practice_refusals(tmp_path: Path) -> None:
    x = Value(2.0, "x")
    y = x * 3.0
    with pytest.raises(TypeError, match="practice must be True, False, or the questions"):
        autograd.show(y, practice="yes")
    with pytest.raises(TypeError, match="practice must be"):
        autograd.show(y, practice=exercise(1).practice().questions)  # another graph's
    with y.register_hook(lambda g: g), pytest.raises(ValueError, match="has a hook"):
        autograd.save_html(y, tmp_path / "never.html", practice=True)
    assert list(tmp_path.iterdir()) == []


def test_each_step_carries_its_lines_of_code(net: Any) -> None:
    data = page_data(autograd.show(net.E_total).html)
    leaves = [v for v in topological(net.E_total)[::-1] if v.is_leaf]
    steps = Source(net.E_total, leaves).step_lines()
    expected = ["\n".join(steps[v]) for v in steps]
    assert ["\n".join(s["code"]) for s in data["steps"]] == expected
    assert data["steps"][-1]["code"] == [  # the lines that take this step's terms
        "d_w1 = 0.0 + i1 * d_mul_1  # ∂mul#1/∂w1 = i1",
        "d_i1 = 0.0 + w3 * d_mul_4 + w1 * d_mul_1  # ∂mul#4/∂i1 = w3; ∂mul#1/∂i1 = w1"]


# ---------------------------------------------------------------------------------------------
# In Chromium


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:  # noqa: F811 - the fixture of test_page
    w = Watched(browser)
    yield w
    w.page.close()
    w.check()


def answer(page: Any, text: str) -> str:
    page.fill("#ag-answer", text)
    page.press("#ag-answer", "Enter")
    feedback: str = page.locator("#ag-feedback").inner_text()
    return feedback


def open_exercise(watched: Watched, tmp_path: Path, e: Exercise) -> tuple[Any, dict[str, Any]]:
    path = e.practice().save_html(tmp_path / f"exercise{e.number}.html")
    watched.page.goto(path.resolve().as_uri())
    return watched.page, page_data(path.read_text(encoding="utf-8"))


@pytest.mark.browser
@pytest.mark.parametrize("e", exercises(), ids=lambda e: str(e.number))
def test_every_exercise_right_in_the_browser(watched: Watched, tmp_path: Path,
                                             e: Exercise) -> None:
    page, data = open_exercise(watched, tmp_path, e)
    asked = e.practice().questions
    n, steps = len(asked), len(data["steps"])
    assert page.evaluate("document.activeElement.id") == "ag-answer"
    for k, q in enumerate(asked, 1):
        question = page.locator("#ag-question").inner_text()
        assert question.startswith(f"Question {k} of {n}") and q.text in question
        assert page.locator("#ag-asks").inner_text() == f"{q.asks} ="
        assert page.locator("#ag-next").is_disabled()  # the next step opens when answered
        assert answer(page, four_digits(q.answer)) == f"Right: {q.asks} = {q.worked}."
        assert page.locator("#ag-hint").is_hidden()
    assert page.locator("#ag-question").inner_text().startswith(
        f"Done: {n} of {n} right at the first try.")
    assert watched.counter() == f"step {steps} of {steps}"
    assert page.locator("#ag-answer-row").is_hidden()
    final = final_grads(e)
    for box, name in data["names"].items():
        if name in final:
            assert watched.grad(box) == final[name], name
    page.keyboard.press("Home")  # every step is open now
    assert watched.counter() == f"step 0 of {steps}"


@pytest.mark.browser
@pytest.mark.parametrize("e", exercises(), ids=lambda e: str(e.number))
def test_every_exercise_wrong_in_the_browser(watched: Watched, tmp_path: Path,
                                             e: Exercise) -> None:
    page, data = open_exercise(watched, tmp_path, e)
    asked = e.practice().questions
    for q in asked:
        counter = watched.counter()
        for level in (1, 2, 3):
            feedback = answer(page, repr(wrong_for(q)))
            assert feedback.startswith(f"Not {q.asks}.")
            hint = f"Hint {level} of 3: {q.hints[level - 1]}"
            shown = page.locator("#ag-hint")
            if q.node is not None and shown.is_visible():  # beside the node's box
                assert shown.inner_text().replace("\n", " ") == hint
                assert feedback.endswith(f"(Hint {level} of 3 beside the node.)")
            else:
                assert feedback.endswith(hint)
            assert watched.counter() == counter  # the step is kept
        assert answer(page, repr(q.answer)).startswith("Right: ")
    n = len(asked)
    assert page.locator("#ag-question").inner_text().startswith(
        f"Done: 0 of {n} right at the first try.")


@pytest.mark.browser
def test_bad_input_in_the_browser_gets_pythons_messages(watched: Watched,
                                                        tmp_path: Path) -> None:
    page, _ = open_exercise(watched, tmp_path, exercise(1))
    question = page.locator("#ag-question").inner_text()
    for text in BAD:
        said = read_number(text)
        assert isinstance(said, str)
        assert answer(page, text) == said
        assert page.locator("#ag-question").inner_text() == question
    q = exercise(1).practice().questions[0]
    assert answer(page, repr(q.answer * 1.003)).startswith("Almost: ")
    assert answer(page, "14").startswith("Right: ")  # still the first try
    assert "1 of 3 right" in page.locator("#ag-score").inner_text()


@pytest.mark.browser
def test_the_keyboard_in_practice(watched: Watched, tmp_path: Path) -> None:
    page, data = open_exercise(watched, tmp_path, exercise(2))
    n = len(data["steps"])
    page.keyboard.press("ArrowRight")  # in the field: the cursor moves, not the steps
    page.keyboard.press("End")
    assert watched.counter() == f"step 0 of {n}"
    asked = exercise(2).practice().questions
    assert [q.step for q in asked[:3]] == [1, 2, 2]
    for q in asked[:3]:
        answer(page, repr(q.answer))
    assert watched.counter() == f"step 2 of {n}"
    page.locator("#ag-step").click()
    page.keyboard.press("ArrowLeft")
    assert watched.counter() == f"step 1 of {n}"
    page.keyboard.press("End")  # as far as answered, not further
    assert watched.counter() == f"step 2 of {n}"
    page.keyboard.press("ArrowRight")
    assert watched.counter() == f"step 2 of {n}"
    page.locator(f"[id='{box_of(data, 'x1')}']").click()  # the answers stay closed
    assert page.locator("#ag-explain").inner_text().startswith(
        "The explanations open when the practice is done")
    page.click("#ag-reveal")
    assert page.locator("#ag-feedback").inner_text().startswith("The answer: ")


@pytest.mark.browser
def test_practice_at_400_pixels(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    path = exercise(4).practice().save_html(tmp_path / "four.html")
    page = browser.new_page(viewport={"width": 400, "height": 800})
    try:
        page.goto(path.resolve().as_uri())
        q = exercise(4).practice().questions
        for right in q[:3]:
            answer(page, repr(right.answer))
        answer(page, "0.3")
        bubble = page.locator("#ag-hint")
        assert bubble.is_visible()
        box = bubble.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 400
        assert box["y"] + box["height"] <= 800 and box["width"] >= 160
        assert page.evaluate("document.body.scrollWidth") <= 400
        assert page.locator("#ag-answer").is_visible()
        assert page.locator("#ag-check").is_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "practice_400.png"))
    finally:
        page.close()


@pytest.mark.browser
def test_the_step_shows_its_line_of_code(watched: Watched, tmp_path: Path, net: Any) -> None:
    path = autograd.save_html(net.E_total, tmp_path / "page.html", rankdir="TB")
    data = page_data(path.read_text(encoding="utf-8"))
    page = watched.page
    page.goto(path.resolve().as_uri())
    assert page.locator("#ag-code").is_hidden()  # before the first step: no code
    for k in range(1, len(data["steps"]) + 1):
        page.keyboard.press("ArrowRight")
        assert page.locator("#ag-code").inner_text() == "\n".join(data["steps"][k - 1]["code"])
    assert page.locator("#ag-code").inner_text().startswith("d_w1 = 0.0 + i1 * d_mul_1")
    page.keyboard.press("Home")
    assert page.locator("#ag-code").is_hidden()
