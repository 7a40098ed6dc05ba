"""The command line (issue 3): ``autograd grad``, ``autograd demo``, ``autograd svgs``."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import types
from pathlib import Path

import pytest

import autograd
import autograd.cli
import autograd.page
import autograd.viz
from autograd import Value
from autograd.cli import ExpressionError, evaluate, main
from autograd.examples import two_layer_sigmoid
from autograd.graph import walk
from autograd.inspect import fmt

ROOT = Path(__file__).resolve().parents[1]


def sigmoid_case() -> dict[str, str]:
    """sigmoid(w*x + b) at w=-3, x=2, b=1, by hand: s = sigmoid(-5), s' = s(1 - s)."""
    s = 1.0 / (1.0 + math.exp(5.0))
    ds = s * (1.0 - s)
    return {"f": fmt(s), "w": fmt(2.0 * ds), "x": fmt(-3.0 * ds), "b": fmt(ds)}


def test_grad_prints_the_value_and_every_partial(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "sigmoid(w*x + b)", "w=-3", "x=2", "b=1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    want = sigmoid_case()
    assert want == {"f": "0.006692851", "w": "0.013296113", "x": "-0.01994417",
                    "b": "0.006648057"}
    assert lines[0] == f"f = sigmoid(w*x + b) = {want['f']}   at w = -3, x = 2, b = 1"
    assert lines[1:] == [f"∂f/∂{k} = {want[k]}" for k in "wxb"]


def test_grad_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "sigmoid(w*x + b)", "w=-3", "x=2", "b=1", "--explain", "w"]) == 0
    out = capsys.readouterr().out
    assert "∂f/∂w = ∂f/∂(w*x + b) × ∂(w*x + b)/∂(w*x) × ∂(w*x)/∂w\n" \
           "      = 0.006648057 × 1 × 2\n      = 0.013296113" in out
    assert "with ∂f/∂(w*x + b) = f·(1 − f) = 0.006648057\n" \
           "     ∂(w*x)/∂w = x = 2" in out


def test_grad_with_shared_names_and_functions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "x*x*x + 2*exp(y) - log(x)/y + tanh(-x) ** 2 + leaky_relu(-y, 0.1)",
                 "x=1.5", "y=0.5"]) == 0
    out = capsys.readouterr().out
    x, y = 1.5, 0.5
    dx = 3 * x * x - 1 / (x * y) - 2 * math.tanh(-x) * (1 - math.tanh(-x) ** 2)
    dy = 2 * math.exp(y) + math.log(x) / y**2 - 0.1
    assert f"∂f/∂x = {fmt(dx)}\n" in out and f"∂f/∂y = {fmt(dy)}\n" in out


def test_constant_expression(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "2 ** 3 - -1"]) == 0
    assert capsys.readouterr().out.startswith("f = 2 ** 3 - -1 = 9   (no variables")


HOSTILE = [
    "__import__('os').system('touch pwned')",
    "(lambda: 1)()",
    "x.__class__",
    "x.__class__.__bases__[0].__subclasses__()",
    "[1][0]",
    '"a"',
    "x if 1 else 2",
    "f(x=1)",
    "exp(x=1)",
    "exp(*[x])",
    "[t for t in ()]",
    "(y := 2) * x",
    "x // 2",
    "x == 1",
    "x and 1",
    "True * x",
    "{x}",
    "f'{x}'",
    "open('/etc/passwd')",
    "x; import os",
]


@pytest.mark.parametrize("expression", HOSTILE)
def test_hostile_expressions_are_refused(expression: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["grad", expression, "x=1"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("autograd grad: ")
    assert "refused" in captured.err or "not a valid expression" in captured.err
    assert list(tmp_path.iterdir()) == []


def test_refusal_names_the_construct() -> None:
    for text, words in [("x.y", "attribute access"), ("x[0]", "subscripts"),
                        ("(lambda: x)()", "a call of 'lambda: x'"), ('x * "a"', "strings"),
                        ("x if x else x", "conditional expressions"),
                        ("exp(x, y=1)", "keyword arguments"), ("x % 2", "the operator %")]:
        with pytest.raises(ExpressionError, match="refused") as info:
            evaluate(text, {"x": 1.0})
        assert words in str(info.value)


@pytest.mark.parametrize(("argv", "message"), [
    (["y + 1", "x=1"], "no value given for y; give each as y=NUMBER"),
    (["x + y"], "no value given for x, y"),
    (["x", "x=1", "z=2"], "the expression does not use z"),
    (["x", "x=1", "x=2"], "x is given twice"),
    (["x", "x=one"], "'x=one': 'one' is not a number"),
    (["x", "x"], "expected NAME=NUMBER, got 'x'"),
    (["x", "x=nan"], "must be a finite number"),
    (["exp", "x=1"], "exp is a function: call it"),
    (["exp(x, x)", "x=1"], "exp() takes 1 argument(s), not 2"),
    (["1e999 * x", "x=1"], "the number 1e999 is too large"),
    (["x +", "x=1"], "not a valid expression"),
    (["x", "x=1", "--explain", "y"], "--explain y: not one of the variables (x)"),
])
def test_usage_errors_exit_2(argv: list[str], message: str,
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", *argv]) == 2
    assert message in capsys.readouterr().err


def test_engine_errors_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "log(x)", "x=-1"]) == 1
    assert "log: undefined for x=-1.0 ('x')" in capsys.readouterr().err
    assert main(["grad", "x / (y - y)", "x=1", "y=2"]) == 1
    assert "division by zero" in capsys.readouterr().err
    assert main(["grad", "(-8) ** 0.5 + x", "x=1"]) == 1
    assert "negative base" in capsys.readouterr().err


def test_deep_expressions_do_not_crash(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "-" * 501 + "x", "x=2"]) == 0  # 501 nested negations
    assert capsys.readouterr().out.splitlines()[1] == "∂f/∂x = -1"
    assert main(["grad", "x+" * 100_000 + "x", "x=1"]) == 0  # a flat sum of 100,001 terms
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "∂f/∂x = 100001" and len(out.splitlines()[0]) < 250
    assert main(["grad", "sin(x)*" * 3000 + "x", "x=2"]) == 2  # one term 3,000 deep
    err = capsys.readouterr().err
    assert "too long to read" in err and "characters" in err and "Traceback" not in err


def test_evaluate_labels_subexpressions() -> None:
    f, variables = evaluate("tanh(a*b) + a", {"a": 0.5, "b": 2.0})
    assert isinstance(f, Value) and f.data == math.tanh(1.0) + 0.5
    assert [p.label for p in f.parents] == ["tanh(a*b)", "a"]
    assert variables["a"].label == "a" and variables["a"] is f.parents[1]


def test_usage_errors_from_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["grad"]) == 2
    assert main(["nonsense"]) == 2
    assert "usage: autograd" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"autograd {autograd.__version__} (autograd-scalar)\n"


def test_svg_option_and_svgs_command_call_viz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    calls: list[tuple[str, object, object]] = []
    fake = types.ModuleType("autograd.viz")
    fake.save_svg = lambda root, path, **o: calls.append(("save_svg", root, path))  # type: ignore[attr-defined]
    fake.GraphvizNotFoundError = RuntimeError  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "autograd.viz", fake)
    fake_gallery = types.ModuleType("autograd.gallery")
    fake_gallery.write_gallery = (  # type: ignore[attr-defined]
        lambda d: calls.append(("write_gallery", d, None)) or [Path(d, "a.svg")])
    monkeypatch.setitem(sys.modules, "autograd.gallery", fake_gallery)
    fake_page = types.ModuleType("autograd.page")
    fake_page.save_html = lambda root, path, **o: calls.append(("save_html", root, path)) or path  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "autograd.page", fake_page)
    target = tmp_path / "f.svg"
    assert main(["grad", "x*y", "x=2", "y=3", "--svg", str(target)]) == 0
    (kind, root, path), = calls
    assert kind == "save_svg" and isinstance(root, Value) and root.data == 6.0
    assert path == str(target) and f"graph written to {target}" in capsys.readouterr().out
    calls.clear()
    assert main(["svgs", str(tmp_path)]) == 0
    gallery, (kind, root, path) = calls  # the pictures, then the two-layer network's page
    assert gallery == ("write_gallery", tmp_path, None)
    assert kind == "save_html" and isinstance(root, Value) and root.label == "E_total"
    assert path == tmp_path / "two_layer.html"
    out = capsys.readouterr().out
    assert str(tmp_path / "a.svg") in out and str(tmp_path / "two_layer.html") in out


def test_svg_for_real(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("graphviz")
    target = tmp_path / "f.svg"
    code = main(["grad", "sigmoid(w*x + b)", "w=-3", "x=2", "b=1", "--svg", str(target)])
    err = capsys.readouterr().err
    if code == 1 and "Graphviz" in err:
        pytest.skip("Graphviz's dot program is not installed")
    assert code == 0 and target.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_svgs_for_real(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("graphviz")
    code = main(["svgs", str(tmp_path)])
    if code == 1 and "Graphviz" in capsys.readouterr().err:
        pytest.skip("Graphviz's dot program is not installed")
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "mlp.svg", "mlp_16x16_layers.svg", "mlp_16x16_neurons.svg", "mlp_neurons.svg",
        "two_layer.html", "two_layer.svg", "two_layer_w1.svg"]
    page = (tmp_path / "two_layer.html").read_text(encoding="utf-8")
    assert "-0.018375022" in page and "0.000425237" in page  # w5's and w1's gradients


def test_python_dash_m_autograd() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "autograd", "grad", "sigmoid(w*x + b)", "w=-3", "x=2", "b=1"],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
    )
    assert done.returncode == 0, done.stderr
    assert "∂f/∂w = 0.013296113" in done.stdout
    refused = subprocess.run(
        [sys.executable, "-m", "autograd", "grad", "__import__('os')"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert refused.returncode == 2 and "refused" in refused.stderr


def test_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "demo"
    assert main(["demo", "--out", str(out_dir)]) == 0
    out = capsys.readouterr().out
    for line in ["  out_h1 = 0.595078474", "  out_o1 = 0.702307507", " E_total = 0.096867268",
                 " w1⁺ = 0.05 - 1 × (0.000425237) = 0.049574763",
                 " w5⁺ = 0.25 - 1 × (-0.018375022) = 0.268375022",
                 "= (-0.007719579 + 0.025367174) × 0.240960084 × 0.1",
                 "∂E_total/∂w5 = ∂E_total/∂out_o1 × ∂out_o1/∂l_o1 × ∂l_o1/∂w5",
                 "step 27: ", "classifies 100% of the 100 training points right",
                 "E_total: 0.096867268 -> 0.091117124",  # the weights move, the biases stay
                 "'o' (class 0) and 'x' (class 1)",
                 "sums 8 paths:", "8 paths from score to L1.N"]:
        assert line in out
    assert "fit:" not in out  # no progress bar when the output is not a terminal
    assert out.rstrip().splitlines()[-1] == f"Output folder: {out_dir.resolve()}"
    written = sorted(p.name for p in out_dir.iterdir())
    assert written in (["mlp_neurons.svg", "two_layer.html", "two_layer.svg", "two_layer_w1.svg"],
                       ["mlp_neurons.dot", "two_layer.dot", "two_layer_w1.dot"])


def test_svgs_without_graphviz_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", "")  # no `dot` to be found
    assert main(["svgs", str(tmp_path / "img")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("autograd svgs:") and "Graphviz" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------------------------
# Typos, Ctrl-C, sizes: each message says what to type instead.


@pytest.mark.parametrize(("argv", "usage", "message"), [
    (["grad", "w*x", "w=1", "x=2", "--explian", "w"], "usage: autograd grad",
     "unrecognized arguments: --explian (did you mean --explain?)"),
    (["grad", "w*x", "w=1", "x=2", "--exp", "w"], "usage: autograd grad",
     "(did you mean --explain?)"),
    (["gard", "w*x", "w=1"], "usage: autograd ",
     "unknown command 'gard' (did you mean grad?); the commands are grad, demo, svgs"),
    (["demo", "--outt", "x"], "usage: autograd demo", "(did you mean --out?)"),
    (["--verison"], "usage: autograd ", "unrecognized option --verison (did you mean --version?)"),
    (["grad", "--x", "x=1"], "usage: autograd grad",
     "an expression that starts with -- goes after --: autograd grad -- --x"),
    (["grad", "x", "x=1", "--max-nodes", "0"], "usage: autograd grad", "give a number > 0"),
])
def test_typos_get_the_command_s_usage_and_a_suggestion(
        argv: list[str], usage: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(usage) and message in err, err
    assert "NAME=NUMBER, got" not in err


def test_an_expression_may_start_with_dashes_and_values_may_follow_options(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "--", "--x", "x=1"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "∂f/∂x = 1"
    assert main(["grad", "w*x", "w=3", "--explain", "w", "x=2"]) == 0
    assert "∂f/∂w = 2\n∂f/∂x = 3\n" in capsys.readouterr().out


def test_svgs_help_describes_dir(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["svgs", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "DIR the folder to write into (created if missing" in out
    assert "two_layer.html" in out and "docs/img" in out


def test_svgs_refuses_a_file_as_its_folder_before_any_work(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taken = tmp_path / "notes.txt"
    taken.write_text("mine")
    assert main(["svgs", str(taken)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (f"autograd svgs: DIR {taken}: a file of that name exists; the "
                            "pictures need a folder (give another name)\n")
    assert captured.out == "" and taken.read_text() == "mine"


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(autograd.cli, "evaluate", interrupted)
    assert main(["grad", "x*2", "x=1"]) == 130
    assert capsys.readouterr().err == "autograd grad: interrupted\n"


def test_ctrl_c_in_a_running_demo(tmp_path: Path) -> None:
    """SIGINT, as Ctrl-C sends it, while the demo trains: one line on stderr, exit 130."""
    process = subprocess.Popen(
        [sys.executable, "-m", "autograd", "demo", "--out", str(tmp_path / "demo")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as a shell's job
    assert process.stdout is not None
    for line in process.stdout:  # the training starts after section 4
        if line.startswith("== 5."):
            break
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert err == "autograd demo: interrupted\n"


def test_a_graph_too_large_to_draw_names_the_options_that_draw_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "g.dot"  # the DOT text needs no Graphviz
    assert main(["grad", "w*x + x", "w=1", "x=2", "--svg", str(target), "--max-nodes", "3"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and not target.exists()  # refused before any work
    assert ("--svg: the graph has 4 nodes, more than --max-nodes 3" in captured.err
            and "give --max-nodes 4 to draw it anyway" in captured.err)
    assert main(["grad", "w*x + x", "w=1", "x=2", "--html", str(tmp_path / "p.html"),
                 "--max-edges", "2"]) == 2
    err = capsys.readouterr().err
    assert "--html: the graph has 4 edges, more than --max-edges 2" in err
    assert "give --max-edges 4" in err
    assert main(["grad", "w*x + x", "w=1", "x=2", "--svg", str(target), "--max-nodes", "4"]) == 0
    assert target.read_text(encoding="utf-8").startswith("digraph")
    for err in (captured.err, capsys.readouterr().err):
        assert "max_nodes=" not in err and "max_edges=" not in err


def test_a_drawing_that_takes_too_long_names_the_timeout_option(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    seen: dict[str, object] = {}

    def slow(root: Value, path: object, **options: object) -> None:
        seen.update(options)
        raise autograd.RenderTimeoutError("Graphviz took more than 0.5 s ... draw(..., "
                                          "timeout=SECONDS)")

    monkeypatch.setattr(autograd.viz, "save_svg", slow)
    assert main(["grad", "x*2", "x=1", "--svg", str(tmp_path / "g.svg"),
                 "--timeout", "0.5"]) == 1
    err = capsys.readouterr().err
    assert seen["timeout"] == 0.5
    assert "Graphviz took more than 0.5 s to lay out the graph; give --timeout SECONDS" in err
    assert "timeout=" not in err


def test_the_demo_says_its_errors_once(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("")
    assert main(["demo", "--out", str(a_file / "pictures")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("autograd demo: --out: cannot write ") and err.count("autograd") == 1


def test_every_picture_shows_one_backward_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The demo steps through backward, trains, and draws; grad --html replays backward: each
    graph drawn must hold the gradients of one backward pass from zero (not two added up, nor
    a training batch's left over)."""
    drawn: dict[str, tuple[Value, dict[Value, float]]] = {}

    def record(root: Value, path: object, **options: object) -> Path:
        drawn[Path(str(path)).name] = root, {v: v.grad for v in walk(root) if v.is_leaf}
        return Path(str(path))

    monkeypatch.setattr(autograd.viz, "save_svg", record)
    monkeypatch.setattr(autograd.page, "save_html", record)
    assert main(["demo", "--out", str(tmp_path)]) == 0
    assert main(["grad", "x*x + x*y", "x=3", "y=2", "--html", str(tmp_path / "f.html")]) == 0
    capsys.readouterr()
    assert set(drawn) == {"two_layer.svg", "two_layer_w1.svg", "mlp_neurons.svg",
                          "two_layer.html", "f.html"}
    for name, (root, grads) in drawn.items():
        for v in grads:
            v.grad = 0.0
        root.backward()
        assert {v: v.grad for v in grads} == grads, name
    x, y = sorted(drawn["f.html"][1], key=lambda v: v.label)
    assert (x.grad, y.grad) == (8.0, 3.0)


def test_the_two_layer_network_with_other_weights() -> None:
    net = two_layer_sigmoid(weights={"w5": 0.3, "b2": 0.0})
    assert (net.w5.data, net.b2.data, net.w6.data) == (0.3, 0.0, 0.35)
    h1 = 1 / (1 + math.exp(-(0.05 * 0.10 + 0.15 * 0.20 + 0.35)))
    h2 = 1 / (1 + math.exp(-(0.10 * 0.10 + 0.20 * 0.20 + 0.35)))
    o1 = 1 / (1 + math.exp(-(0.3 * h1 + 0.35 * h2)))
    o2 = 1 / (1 + math.exp(-(0.30 * h1 + 0.40 * h2)))
    assert net.E_total.data == pytest.approx(0.5 * (0.85 - o1) ** 2 + 0.5 * (0.30 - o2) ** 2,
                                             rel=1e-15)
    with pytest.raises(ValueError, match="two_layer_sigmoid: no weight named w9; the network's "
                       "are w1, w2"):
        two_layer_sigmoid(weights={"w9": 1.0})


def test_grad_code_prints_the_code_compile_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "sigmoid(w*x + b)", "w=-3", "x=2", "b=1", "--code"]) == 0
    out = capsys.readouterr().out
    code = out[out.index("def run(w, x, b):"):]
    assert "    f = op_0_sigmoid_value(add_1)\n" in code
    assert "    d_w = 0.0 + x * d_mul_1  # ∂(w*x)/∂w = x\n" in code
    assert code.endswith("    return f, (d_w, d_x, d_b)\n")
    scope = {"op_0_sigmoid_value": autograd.math.sigmoid.value}  # the code runs, and agrees
    exec(compile(code, "<test>", "exec"), scope)  # noqa: S102 - the engine's own output
    value, grads = scope["run"](-3.0, 2.0, 1.0)
    w, x, b = Value(-3.0), Value(2.0), Value(1.0)
    f = (w * x + b).sigmoid()
    f.backward()
    assert (value, grads) == (f.data, (w.grad, x.grad, b.grad))


def test_practice_is_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["practice", "--list"]) == 0
    assert "the two-layer sigmoid network worked by hand" in capsys.readouterr().out
    assert main(["pratice"]) == 2
    assert "did you mean practice?" in capsys.readouterr().err


def test_grad_practice_writes_the_practice_page(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "practice.html"
    assert main(["grad", "(3*x + 1)**2", "x=2", "--html", str(page), "--practice"]) == 0
    assert f"practice page written to {page}" in capsys.readouterr().out
    text = page.read_text(encoding="utf-8")
    assert '"practice":null' not in text and '"questions":' in text
    assert main(["grad", "x*2", "x=1", "--practice"]) == 2
    assert "--practice makes a page: give --html PATH" in capsys.readouterr().err
