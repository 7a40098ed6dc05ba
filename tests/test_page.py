"""The step-through page (`autograd.save_html`, `autograd.show`, ``--html``, the demo's page).

Two kinds of tests: the generated HTML read in Python (self-contained, the embedded steps equal
`backward_steps`, hostile labels escaped, the size guard, atomic writing, the Jupyter iframe),
and the page driven in a real browser (Debian's chromium through playwright), skipped with the
reason when either is missing.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import autograd
from autograd import Value, backward_steps, explain
from autograd.cli import main
from autograd.examples import TwoLayerSigmoid, two_layer_sigmoid
from autograd.files import FileTargetError
from autograd.inspect import fmt
from autograd.viz import GraphTooLargeError, draw

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "build" / "screenshots"
HOSTILE = "</script><script>alert(1)</script>"
QUOTES = '"] ; x [label="'

pytestmark = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's `dot` program is not installed (apt-get install graphviz)",
)


def worked_page(net: TwoLayerSigmoid) -> str:
    """The demo's page of the two-layer network worked by hand."""
    return autograd.show(net.E_total, rankdir="TB", params=net.parameters(),
                         inputs=[net.i1, net.i2]).html


def page_data(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="ag-data">(.*?)</script>', page,
                      re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def box_of(data: dict[str, Any], name: str) -> str:
    (box,) = [i for i, n in data["names"].items() if n == name]
    return str(box)


def hostile_graph() -> Value:
    a = Value(2.0, HOSTILE)
    b = Value(3.0, QUOTES)
    out = a * b + a
    out.label = "<b>root & co</b>"
    return out


# ---------------------------------------------------------------------------------------------
# The HTML, read in Python.


def test_the_page_is_self_contained(net: TwoLayerSigmoid) -> None:
    page = worked_page(net)
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "</svg>" in page
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"url\(|@import|<link|<img|<iframe|fetch\(|XMLHttpRequest|\beval\(",
                         page, re.I)
    assert "innerHTML" not in page and "outerHTML" not in page
    assert "default-src 'none'" in page  # and the browser is told not to fetch anything
    assert "<!DOCTYPE svg" not in page and "<?xml" not in page
    assert len(re.findall("<script", page)) == 2  # the data and the script, both inline


def test_the_embedded_steps_are_backward_steps(net: TwoLayerSigmoid) -> None:
    data = page_data(worked_page(net))
    fresh = two_layer_sigmoid()
    steps = list(backward_steps(fresh.E_total))
    assert [s["text"] for s in data["steps"]] == [str(s) for s in steps]
    assert len(steps) == 27
    for record, step in zip(data["steps"], steps, strict=True):
        assert record["box"] == box_of(data, step.names(step.node))
        expected = [[box_of(data, step.names(step.node)), fmt(step.grad)]] + [
            [box_of(data, step.names(p.parent)), fmt(p.after)] for p in step.parents]
        assert record["set"] == expected
        assert set(record["to"]) == {box_of(data, step.names(p.parent)) for p in step.parents}
        assert len(record["edges"]) == len(step.parents)
        assert all(e.split("-")[1] == record["box"] for e in record["edges"])
    # The last grad each box is given is backward()'s, with the text view's 9 decimals.
    final = {box: text for s in data["steps"] for box, text in s["set"]}
    assert final[box_of(data, "w5")] == "-0.018375022"
    assert final[box_of(data, "w1")] == "0.000425237"
    assert final[box_of(data, "E_total")] == "1"


def test_gradients_are_left_as_they_were(net: TwoLayerSigmoid) -> None:
    worked_page(net)
    assert all(v.grad == 0.0 for v in autograd.walk(net.E_total))
    net.E_total.backward()
    net.E_total.backward()  # leaves accumulate: w5.grad is twice the gradient now
    page = worked_page(net)
    assert net.w5.grad == pytest.approx(2 * -0.018375022, abs=1e-9)
    final = {box: text for s in page_data(page)["steps"] for box, text in s["set"]}
    assert final[box_of(page_data(page), "w5")] == "-0.018375022"  # one pass, from zero


def test_explanations_and_their_paths(net: TwoLayerSigmoid) -> None:
    data = page_data(worked_page(net))
    w1 = data["explain"][box_of(data, "w1")]
    fresh = two_layer_sigmoid()
    assert w1["text"] == str(explain(fresh.E_total, fresh.w1))
    assert "= (-0.007719579 + 0.025367174) × 0.240960084 × 0.1" in w1["text"]
    on_path = {data["names"][b] for b in w1["boxes"]}
    assert {"w1", "l_h1", "out_h1", "out_o1", "out_o2", "E_o1", "E_o2", "E_total"} <= on_path
    assert not on_path & {"w2", "w5", "b1", "i2", "out_h2", "l_h2"}
    assert all(e.split("-")[0] in w1["boxes"] for e in w1["edges"])
    # Every leaf and every labelled box can be clicked; unlabelled inner nodes cannot.
    explained = {data["names"][b] for b in data["explain"]}
    labels = {v.label for v in autograd.walk(net.E_total) if v.label}
    assert explained == labels
    assert data["explainNote"] == ""


def test_explanations_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = Value(1.0), Value(2.0)  # unlabelled leaves come after the labelled boxes
    c = Value(3.0, "c")
    y = a * b + c
    y.label = "y"
    monkeypatch.setattr(autograd.page, "EXPLAIN_UP_TO", 3)
    data = page_data(autograd.show(y).html)
    assert sorted(data["names"][b] for b in data["explain"]) == ["c", "leaf#1", "y"]
    assert data["explainNote"].startswith("Explanations are included for 3 of the 4 labelled "
                                          "or leaf boxes (the labelled ones first)")


def test_a_leaf_root_has_no_steps() -> None:
    x = Value(2.0, "x")
    x.grad = 5.0
    data = page_data(autograd.show(x).html)
    assert data["steps"] == [] and data["widest"] == {"n0": "0"}
    assert data["explain"]["n0"]["text"] == "∂x/∂x = 1 (x is the root itself)."
    assert x.grad == 5.0


def test_hostile_labels_stay_text() -> None:
    page = autograd.show(hostile_graph()).html
    assert HOSTILE not in page and "<script>alert" not in page
    assert len(re.findall("<script", page, re.I)) == 2
    assert len(re.findall("</script", page, re.I)) == 2
    assert "<b>root" not in page  # the title and the SVG escape it
    assert "<title>Backpropagation step by step: &lt;b&gt;root &amp; co&lt;/b&gt;</title>" in page
    data = page_data(page)  # the JSON gives the labels back exactly
    assert set(data["names"].values()) >= {HOSTILE, QUOTES, "<b>root & co</b>"}
    assert HOSTILE in data["steps"][-1]["text"]


def test_size_guard_refuses_like_draw(tmp_path: Path) -> None:
    x = Value(0.5, "x")
    y = x
    for _ in range(30):
        y = y * 1.01
    with pytest.raises(GraphTooLargeError, match="max_nodes=10") as drawn:
        draw(y, max_nodes=10)
    with pytest.raises(GraphTooLargeError, match="max_nodes=10") as paged:
        autograd.save_html(y, tmp_path / "never.html", max_nodes=10)
    assert str(paged.value) == "save_html: " + str(drawn.value).removeprefix("draw: ")
    assert os.listdir(tmp_path) == []
    assert len(page_data(autograd.show(y, max_nodes=31).html)["steps"]) == 30


def mlp_loss() -> tuple[Value, Any]:
    from autograd.nn import MLP, hinge_loss

    model = MLP(2, [3, 3, 1], activation="tanh", seed=4)
    rows = [[Value(0.5, "x1"), Value(-1.0, "x2")], [Value(-0.3, "x3"), Value(0.8, "x4")]]
    loss = hinge_loss([model(r) for r in rows], [1.0, -1.0])
    loss.label = "loss"
    return loss, model


def test_collapsed_neurons_replay_every_step() -> None:
    loss, _ = mlp_loss()
    with pytest.raises(GraphTooLargeError, match="collapse='neuron'"):
        autograd.show(loss, max_nodes=40)
    data = page_data(autograd.show(loss, max_nodes=40, collapse="neuron").html)
    steps = list(backward_steps(mlp_loss()[0]))
    assert [s["text"] for s in data["steps"]] == [str(s) for s in steps]
    folded = [s for s in data["steps"] if "note" in s]
    assert folded and all(s["text"].split(" = ")[1].startswith("dot(") for s in folded)
    assert all(s["box"] is not None for s in data["steps"])  # a folded node lights its neuron
    # A neuron's box shows the grad of the neuron's output, never that of its dot node.
    outs = {s.names(s.node): fmt(s.grad) for s in steps if s.node.op == "tanh"}
    final = {box: text for s in data["steps"] for box, text in s["set"]}
    shown = {data["names"][b]: final[b] for b in final}
    assert all(shown[name] == grad for name, grad in outs.items() if name in shown)
    assert not any(".z" in name for name in shown)


def test_save_html_writes_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     net: TwoLayerSigmoid) -> None:
    calls: list[dict[str, Any]] = []
    real = autograd.page.write_atomic

    def spy(path: Any, data: bytes, **kw: Any) -> Path:
        calls.append({"path": path, **kw})
        return real(path, data, **kw)

    monkeypatch.setattr(autograd.page, "write_atomic", spy)
    target = tmp_path / "new" / "folder" / "page.html"
    assert autograd.save_html(net.E_total, target) == target
    assert calls == [{"path": target, "what": "save_html", "make_folders": True}]
    assert target.read_text(encoding="utf-8") == autograd.show(net.E_total).html
    os.chmod(target, 0o640)
    autograd.save_html(net.E_total, target, rankdir="TB")
    assert os.stat(target).st_mode & 0o777 == 0o640  # an existing file keeps its mode
    assert os.listdir(target.parent) == ["page.html"]  # no temporary file left
    with pytest.raises(FileTargetError, match="is a folder"):
        autograd.save_html(net.E_total, tmp_path)


def test_show_is_an_iframe_for_jupyter(net: TwoLayerSigmoid) -> None:
    shown = autograd.show(net.E_total)
    frame = shown._repr_html_()
    found = re.fullmatch(r'<iframe srcdoc="([^"]*)" style="[^"]*height: (\d+)px[^"]*" '
                         r'sandbox="allow-scripts" title="[^"]*"></iframe>', frame)
    assert found is not None
    assert html.unescape(found.group(1)) == shown.html
    assert "<script" not in frame and "<" not in found.group(1)
    assert 480 <= int(found.group(2)) <= 900
    with pytest.raises(TypeError, match="show: root must be a Value"):
        autograd.show(1.0)  # type: ignore[arg-type]


def test_draw_gives_boxes_and_edges_ids() -> None:
    x = Value(3.0, "x")
    y = x * x + 1
    graph = draw(y)
    assert set(graph.node_ids) == {x, y.parents[0], y}
    assert sorted(graph.node_ids.values()) == ["n0", "n1", "n2"]
    svg = graph.pipe(format="svg").decode()
    box = graph.node_ids[x]
    assert f'<g id="{box}" class="node">' in svg
    square = graph.node_ids[y.parents[0]]
    for k in (0, 1):  # x * x: two edges, two ids
        assert f'<g id="{box}&#45;{square}&#45;{k}" class="edge">' in svg


def test_cli_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.html"
    assert main(["grad", "sigmoid(w*x + b)", "w=-3", "x=2", "b=1", "--html", str(target)]) == 0
    assert f"step-through page written to {target}" in capsys.readouterr().out
    data = page_data(target.read_text(encoding="utf-8"))
    assert data["title"] == "f" and data["steps"][0]["text"].startswith("step 1: f = ")
    assert main(["grad", "x*y", "x=2", "y=3", "--html", str(tmp_path)]) == 2  # a folder
    captured = capsys.readouterr()
    assert "--html" in captured.err and "is a folder" in captured.err
    assert "∂f/∂x" not in captured.out  # refused before any work


def test_demo_writes_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from autograd.cli_demo import demo_page

    net = two_layer_sigmoid()
    demo_page(tmp_path, net)  # the same page as `autograd svgs` writes into docs/img
    assert f"wrote {tmp_path / 'two_layer.html'}" in capsys.readouterr().out
    assert (tmp_path / "two_layer.html").read_text(encoding="utf-8") == worked_page(net)


def test_the_page_says_when_its_gradients_differ_from_grad(net: TwoLayerSigmoid) -> None:
    fresh = worked_page(net)  # backward() has not run: every .grad is 0
    assert "backward() has not run on this graph" in page_data(fresh)["note"]
    net.E_total.backward()
    assert page_data(worked_page(net))["note"] == ""  # the page shows what .grad holds
    net.E_total.backward()  # leaves add up: w5.grad is twice one pass's now
    data = page_data(worked_page(net))
    assert "w5.grad holds -0.036750043 (one pass: -0.018375022)" in data["note"]
    assert "gradients add up over backward() calls until zero_grad()" in data["note"]
    assert html.escape(data["note"]) in worked_page(net)  # on the page, under the title
    assert net.w5.grad == pytest.approx(2 * -0.018375022, abs=1e-9)  # and left as they were


def test_the_last_step_sums_up_the_finished_pass(net: TwoLayerSigmoid) -> None:
    data = page_data(worked_page(net))
    summary = data["summary"]
    assert summary.startswith("The backward pass is complete: 27 steps.")
    assert "w1.grad = 0.000425237" in summary and "w5.grad = -0.018375022" in summary
    assert "i1.grad = 0.00076559" in summary  # every leaf, in the order the code used them
    assert summary.count(".grad = ") == 12


def test_one_number_format_on_the_page(net: TwoLayerSigmoid) -> None:
    """The boxes' data is written as the steps write gradients: the text views' format, with
    the hyphen (a picture alone writes 4 digits and a typographic minus)."""
    net.E_total.backward()
    page = worked_page(net)
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert "\u2212" not in svg
    sub = next(v for v in autograd.walk(net.E_total) if v.op == "-" and v.data < 0)
    data = page_data(page)
    box = box_of(data, "sub#2")
    node = re.search(f'<g id="{box}" class="node">(.*?)</g>', svg, re.S)
    assert node is not None and f">{fmt(sub.data).replace('-', '&#45;')}<" in node.group(1)
    assert fmt(sub.data) == "-0.414634132"


@pytest.mark.parametrize("label", ["\udfff", "a\x00b", "\u202eevil", "tab\there", "\x1b[2J"])
def test_labels_that_cannot_be_written_as_they_are(tmp_path: Path, label: str) -> None:
    """A lone surrogate, NUL, a right-to-left override, control characters: shown as their
    Python escapes in the title and heading, as the SVG shows them; the file is written."""
    x = Value(2.0, "x")
    y = x * 3.0
    y.label = label
    path = autograd.save_html(y, tmp_path / "odd.html")
    page = path.read_text(encoding="utf-8")
    shown = label.encode("unicode_escape").decode("ascii") if not label.isprintable() else label
    assert f"<title>Backpropagation step by step: {html.escape(shown)}</title>" in page
    assert f"<h1>Backpropagation step by step: {html.escape(shown)}</h1>" in page
    assert label not in page
    assert page_data(page)["title"] == shown


def test_a_huge_label_is_cut_in_the_page(tmp_path: Path) -> None:
    big = "a" * 10_000_000
    x = Value(2.0, big)
    y = x * 3.0 + x
    y.label = "y" + big
    page = autograd.show(y).html
    assert len(page) < 200_000
    data = page_data(page)
    assert data["title"] == "y" + "a" * 58 + "…"
    assert ("a" * 59 + "…") in data["steps"][0]["text"]
    assert x.label == big and y.label == "y" + big  # the labels are the user's again


# ---------------------------------------------------------------------------------------------
# In a real browser: Debian's chromium, driven by playwright.

CHROMIUM = shutil.which("chromium")  # Debian's package puts it in /usr/bin
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One chromium for the module's browser tests."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or CHROMIUM is None:
        pytest.skip("chromium or playwright not installed: install chromium and playwright "
                    "(see README) to run the browser tests")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Watched:
    """A page whose errors, console errors, dialogs and requests off the disk are recorded."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.problems: list[str] = []
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console error: {m.text}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"),
                                          d.dismiss()))
        self.page.on("request", lambda r: r.url.startswith(("file:", "about:", "data:")) or
                     self.problems.append(f"request: {r.url}"))

    def grad(self, box: str) -> str:
        text: str = self.page.locator(f"[id='{box}'] .ag-grad").text_content()
        return text

    def counter(self) -> str:
        text: str = self.page.locator("#ag-counter").text_content()
        return text

    def check(self) -> None:
        assert self.problems == []


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.page.close()
    w.check()


@pytest.mark.browser
def test_step_through_the_worked_network(watched: Watched, tmp_path: Path,
                                         net: TwoLayerSigmoid) -> None:
    path = autograd.save_html(net.E_total, tmp_path / "two_layer.html", rankdir="TB",
                              params=net.parameters(), inputs=[net.i1, net.i2])
    data = page_data(path.read_text(encoding="utf-8"))
    w1, w5, i1, w4 = (box_of(data, n) for n in ("w1", "w5", "i1", "w4"))
    page = watched.page
    page.goto(path.resolve().as_uri())
    assert watched.counter() == "step 0 of 27"
    assert watched.grad(w5) == watched.grad(w1) == ""  # before the first step: no gradient
    for _ in range(27):
        page.keyboard.press("ArrowRight")
    assert watched.counter() == "step 27 of 27"
    assert watched.grad(w5) == "-0.018375022" and watched.grad(w1) == "0.000425237"
    assert page.locator(f"[id='{w1}'] .ag-grad").is_visible()
    page.keyboard.press("ArrowRight")  # past the end: nothing happens
    assert watched.counter() == "step 27 of 27"
    step = page.locator("#ag-step").inner_text()
    last = data["steps"][-1]["text"]  # then the summary of the finished pass
    assert step.startswith(last + "\n") and step.endswith(data["summary"])
    assert "i1.grad: 0.000552972 -> 0.00076559" in step
    page.keyboard.press("ArrowLeft")  # undo the last step (w1 * i1)
    assert watched.grad(i1) == "0.000552972" and watched.grad(w1) == ""
    assert watched.grad(w4) == "0.001105944"
    for _ in range(26):
        page.keyboard.press("ArrowLeft")
    assert watched.counter() == "step 0 of 27"
    assert watched.grad(w5) == watched.grad(w1) == ""
    for gone in ("-0.018375022", "0.000425237"):
        assert gone not in page.locator("body").inner_text()
    page.keyboard.press("End")
    assert watched.grad(w5) == "-0.018375022"
    page.keyboard.press("Home")
    assert watched.grad(w5) == ""
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    current = data["steps"][7]["box"]
    assert "ag-current" in (page.locator(f"[id='{current}']").get_attribute("class") or "")
    assert page.locator(".ag-feeds").count() == len(data["steps"][7]["edges"]) == 2
    page.locator(f"[id='{w1}']").click()
    explanation = page.locator("#ag-explain").inner_text()
    assert explanation.startswith("∂E_total/∂w1 = ∂E_total/∂out_h1 × ∂out_h1/∂l_h1 × ∂l_h1/∂w1")
    assert "= (-0.007719579 + 0.025367174) × 0.240960084 × 0.1" in explanation
    assert "sums 2 paths" in explanation and explanation.count("E_total → ") == 2
    for name in ("E_o1", "E_o2", "out_o1", "out_o2", "l_h1"):
        assert "ag-path" in (page.locator(f"[id='{box_of(data, name)}']")
                             .get_attribute("class") or "")
    # w1 -> w1*i1 -> + -> l_h1 -> out_h1, then 8 edges down each branch to E_total
    assert page.locator("g.edge.ag-path").count() == len(data["explain"][w1]["edges"]) == 20
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "step_through.png"))
    page.keyboard.press("Escape")
    assert page.locator("#ag-explain-panel").is_hidden()
    assert page.locator(".ag-path").count() == 0


@pytest.mark.browser
def test_buttons_and_slider(watched: Watched, tmp_path: Path, net: TwoLayerSigmoid) -> None:
    path = autograd.save_html(net.E_total, tmp_path / "page.html", rankdir="LR")
    page = watched.page
    page.goto(path.resolve().as_uri())
    assert page.locator("#ag-back").is_disabled() and page.locator("#ag-start").is_disabled()
    page.click("#ag-next")
    page.click("#ag-next")
    assert watched.counter() == "step 2 of 27"
    page.click("#ag-back")
    assert watched.counter() == "step 1 of 27"
    page.click("#ag-end")
    assert watched.counter() == "step 27 of 27" and page.locator("#ag-next").is_disabled()
    page.locator("#ag-slider").fill("5")
    assert watched.counter() == "step 5 of 27"
    assert page.locator("#ag-step").inner_text() == page_data(
        path.read_text(encoding="utf-8"))["steps"][4]["text"]
    page.click("#ag-fit")  # 2,264 px wide: the width would need 60%, too small to read
    assert page.locator("#ag-zoom").text_content() == "75%"


@pytest.mark.browser
def test_hostile_labels_in_the_browser(watched: Watched, tmp_path: Path) -> None:
    path = autograd.save_html(hostile_graph(), tmp_path / "hostile.html")
    data = page_data(path.read_text(encoding="utf-8"))
    page = watched.page
    page.goto(path.resolve().as_uri())
    assert page.title() == "Backpropagation step by step: <b>root & co</b>"
    page.keyboard.press("End")
    assert HOSTILE in page.locator("#ag-step").inner_text()
    page.locator(f"[id='{box_of(data, HOSTILE)}']").click()
    assert f"2 paths from <b>root & co</b> to {HOSTILE} in all" in (
        page.locator("#ag-explain").inner_text())
    page.locator(f"[id='{box_of(data, QUOTES)}']").click()
    assert f"∂(<b>root & co</b>)/∂({QUOTES}) = 2" in (
        page.locator("#ag-explain").inner_text())
    assert page.evaluate("document.querySelectorAll('script').length") == 2


@pytest.mark.browser
def test_inline_in_a_notebook_frame(watched: Watched, net: TwoLayerSigmoid) -> None:
    frame_html = autograd.show(net.E_total)._repr_html_()
    page = watched.page
    page.set_content(f"<html><body><h1>a notebook</h1>{frame_html}</body></html>")
    frame = page.frame_locator("iframe")
    frame.locator("#ag-counter").wait_for()
    frame.locator("#ag-next").click()
    frame.locator("body").press("ArrowRight")
    assert frame.locator("#ag-counter").text_content() == "step 2 of 27"


def test_a_bundle_of_dense_layers_lights_up_for_the_edges_it_stands_for() -> None:
    from autograd.nn import MLP

    model = MLP(2, [5, 5, 1], activation="tanh", seed=2)
    x = [Value(0.5, "x1"), Value(-1.0, "x2")]
    out = model(x)
    assert isinstance(out, Value)
    graph = draw(out, collapse="neuron")
    (bundle,) = graph.bundles
    assert len(graph.bundles[bundle]) == 25
    data = page_data(autograd.show(out, collapse="neuron").html)
    layer2 = {tail_head[1] for tail_head in graph.bundles[bundle]}  # layer 2's boxes
    at_layer2 = [s for s in data["steps"] if s["box"] in layer2 and s["to"]]
    assert at_layer2 and all(s["edges"] == [bundle] for s in at_layer2)  # each: the bundle
    lit = [s for s in data["steps"] if bundle in s["edges"]]
    assert lit == at_layer2
    assert bundle in data["explain"][box_of(data, "x1")]["edges"]  # the paths from x1


@pytest.mark.browser
def test_tab_reaches_the_boxes_and_enter_explains(watched: Watched, tmp_path: Path,
                                                  net: TwoLayerSigmoid) -> None:
    path = autograd.save_html(net.E_total, tmp_path / "page.html", rankdir="TB")
    data = page_data(path.read_text(encoding="utf-8"))
    page = watched.page
    page.goto(path.resolve().as_uri())
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id")
        if focused in data["explain"]:
            reached.append(focused)
    assert len(reached) >= 10  # every leaf and labelled box is on the Tab path
    w1 = box_of(data, "w1")
    page.locator(f"[id='{w1}']").focus()
    page.keyboard.press("Enter")
    assert page.locator("#ag-explain-panel").is_visible()
    assert page.locator("#ag-explain").inner_text().startswith("∂E_total/∂w1 = ")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "w1: explain its gradient")
    page.keyboard.press("Escape")
    assert page.locator("#ag-explain-panel").is_hidden()
    page.keyboard.press(" ")  # Space opens it too
    assert page.locator("#ag-explain-panel").is_visible()


@pytest.mark.browser
def test_a_narrow_window_keeps_room_for_the_graph(browser: Any, tmp_path: Path,
                                                  net: TwoLayerSigmoid) -> None:
    path = autograd.save_html(net.E_total, tmp_path / "page.html")
    page = browser.new_page(viewport={"width": 400, "height": 800})
    try:
        page.goto(path.resolve().as_uri())
        for _ in range(8):
            page.keyboard.press("ArrowRight")
        header = page.evaluate("document.querySelector('header').getBoundingClientRect().height")
        assert header <= 800 / 3, header
        assert page.evaluate("document.body.scrollWidth") <= 400  # no sideways scroll
        assert page.locator("#ag-step").is_visible()
    finally:
        page.close()


@pytest.mark.browser
def test_fit_keeps_the_text_readable(watched: Watched, tmp_path: Path,
                                     net: TwoLayerSigmoid) -> None:
    path = autograd.save_html(net.E_total, tmp_path / "page.html", rankdir="TB")
    page = watched.page
    page.goto(path.resolve().as_uri())
    page.click("#ag-fit")
    zoom = int((page.locator("#ag-zoom").text_content() or "0").rstrip("%"))
    assert zoom >= 70
    smallest = page.evaluate("""Math.min.apply(null, Array.prototype.map.call(
        document.querySelectorAll('#ag-graph g.node text'),
        function (t) { return t.textContent ? t.getBoundingClientRect().height : 99; }))""")
    assert smallest >= 9  # pixels
    width = page.evaluate("document.querySelector('#ag-graph svg').getBoundingClientRect().width")
    assert width <= page.evaluate("document.getElementById('ag-graph').clientWidth")


@pytest.mark.browser
def test_the_last_step_shows_the_summary(watched: Watched, tmp_path: Path,
                                         net: TwoLayerSigmoid) -> None:
    path = autograd.save_html(net.E_total, tmp_path / "page.html")
    page = watched.page
    page.goto(path.resolve().as_uri())
    page.keyboard.press("End")
    text = page.locator("#ag-step").inner_text()
    assert "The backward pass is complete: 27 steps." in text
    assert "w1.grad = 0.000425237" in text
    page.keyboard.press("ArrowLeft")
    assert "The backward pass is complete" not in page.locator("#ag-step").inner_text()


@pytest.mark.browser
def test_data_and_grad_in_one_format_in_the_browser(watched: Watched, tmp_path: Path,
                                                    net: TwoLayerSigmoid) -> None:
    path = autograd.save_html(net.E_total, tmp_path / "page.html")
    data = page_data(path.read_text(encoding="utf-8"))
    page = watched.page
    page.goto(path.resolve().as_uri())
    page.keyboard.press("End")
    box = page.locator(f"[id='{box_of(data, 'sub#2')}']")
    shown = box.locator("text").all_text_contents()
    assert "-0.414634132" in shown and watched.grad(box_of(data, "sub#2")) == "-0.414634132"
    assert not any("\u2212" in t for t in page.locator("#ag-graph text").all_text_contents())
