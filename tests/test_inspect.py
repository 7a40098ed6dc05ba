"""backward_steps, explain and tree (issue 3), checked against seed 004 and on random graphs."""

from __future__ import annotations

import math

import pytest
from conftest import lecture_neuron
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd
from autograd import Value, backward_order, detect_anomaly, walk
from autograd.examples import two_layer_sigmoid
from autograd.inspect import backward_steps, explain, fmt, tree
from autograd.testing import Expression, expressions


def same(a: float, b: float) -> bool:
    """Bit-for-bit the same float (NaN equals NaN)."""
    return a == b or (math.isnan(a) and math.isnan(b))


def agrees(x: float, seed: str) -> None:
    """`x` agrees with the seed's 9-decimal number: within one unit of the last decimal.

    Seed 004 rounds every intermediate result to 9 decimals by hand before using it, so two of
    its last digits (0.209071672, -0.018375021) differ from the correctly rounded full-precision
    values (0.209071673, -0.018375022); all other numbers match to the last digit.
    """
    assert abs(x - float(seed)) < 1e-9, (x, seed)


# Seed 004's numbers that equal the engine's full-precision values rounded to 9 decimals.
EXACT = ["-0.147692493", "0.595078474", "-0.007719579", "0.025367174", "0.017647595",
         "0.240960084", "0.1", "0.000425237"]


# ---------------------------------------------------------------------------------------------
# Seed 004


def test_explain_w5_is_the_derivation_by_hand() -> None:
    net = two_layer_sigmoid()
    e = explain(net.E_total, net.w5)
    assert [(s.start, s.end) for s in e.chain] == [
        (net.E_total, net.out_o1), (net.out_o1, net.l_o1), (net.l_o1, net.w5)]
    for segment, seed in zip(e.chain, ["-0.147692493", "0.209071672", "0.595078474"],
                             strict=True):
        agrees(segment.value, seed)
        assert segment.n_paths == 1
    agrees(e.value, "-0.018375021")
    assert e.n_paths == 1 and len(e.paths) == 1
    assert e.paths[0].nodes == (net.E_total, net.E_o1, net.out_o1, net.l_o1, net.w5)
    assert e.paths[0].factors[0] == 1.0  # E_total = E_o1 + E_o2
    agrees(e.paths[0].factors[1], "-0.147692493")
    agrees(e.paths[0].product, "-0.018375021")
    text = str(e)
    assert "∂E_total/∂w5 = ∂E_total/∂out_o1 × ∂out_o1/∂l_o1 × ∂l_o1/∂w5" in text
    assert "-0.147692493 × 0.209071673 × 0.595078474" in text
    assert text.splitlines()[2].endswith("= -0.018375022")
    # Each factor with its rule from the op registry, in the nodes' names.
    assert "with ∂out_o1/∂l_o1 = out_o1·(1 − out_o1) = 0.209071673" in text
    assert "     ∂l_o1/∂w5 = out_h1 = 0.595078474" in text
    assert fmt(e.value) == "-0.018375022"  # full precision: -0.01837502154...
    assert repr(e) == text


def test_explain_w1_sums_the_two_branches_first() -> None:
    net = two_layer_sigmoid()
    e = explain(net.E_total, net.w1)
    first, sigmoid, linear = e.chain
    assert (first.start, first.end) == (net.E_total, net.out_h1)
    assert (sigmoid.start, sigmoid.end, linear.start, linear.end) == (
        net.out_h1, net.l_h1, net.l_h1, net.w1)
    assert first.n_paths == 2
    assert [p.nodes[1] for p in first.paths] == [net.E_o1, net.E_o2]
    agrees(first.paths[0].product, "-0.007719579")
    agrees(first.paths[1].product, "0.025367174")
    agrees(first.value, "0.017647595")
    agrees(sigmoid.value, "0.240960084")
    agrees(linear.value, "0.1")
    agrees(e.value, "0.000425237")
    assert e.n_paths == e.n_node_paths == 2
    assert sorted(p.product for p in e.paths) == pytest.approx(
        [-0.007719579 * 0.240960084 * 0.1, 0.025367174 * 0.240960084 * 0.1], abs=1e-11)
    text = str(e)
    assert "∂E_total/∂w1 = ∂E_total/∂out_h1 × ∂out_h1/∂l_h1 × ∂l_h1/∂w1" in text
    assert "= (-0.007719579 + 0.025367174) × 0.240960084 × 0.1" in text
    assert "= 0.017647595 × 0.240960084 × 0.1" in text
    assert text.splitlines()[3].endswith("= 0.000425237")
    assert "with ∂out_h1/∂l_h1 = out_h1·(1 − out_h1) = 0.240960084" in text
    assert "     ∂l_h1/∂w1 = i1 = 0.1" in text
    assert "E_total → E_o1 → out_o1 → l_o1 → out_h1:  1 × -0.147692493 × 0.209071673 × 0.25 " \
           "= -0.007719579" in text


def test_every_number_of_the_issue_is_in_the_derivations() -> None:
    net = two_layer_sigmoid()
    text = str(explain(net.E_total, net.w5)) + str(explain(net.E_total, net.w1))
    for number in EXACT:
        assert number in text
    for seed, full in (("0.209071672", "0.209071673"), ("-0.018375021", "-0.018375022")):
        assert full in text and abs(float(full) - float(seed)) <= 1.0000001e-9


def test_explain_needs_no_backward_and_changes_no_grad() -> None:
    net = two_layer_sigmoid()
    nodes = walk(net.E_total)
    for i, v in enumerate(nodes):
        v.grad = float(i)
    e = explain(net.E_total, net.w1)
    assert [v.grad for v in nodes] == [float(i) for i in range(len(nodes))]
    net.E_total.zero_grad()
    net.E_total.backward()
    assert e.value == net.w1.grad


def test_explain_edge_cases() -> None:
    net = two_layer_sigmoid()
    e = explain(net.E_total, net.E_total)
    assert (e.value, e.n_paths, len(e.paths)) == (1.0, 1, 1) and "= 1" in str(e)
    e = explain(net.out_h1, net.w5)
    assert (e.value, e.n_paths, e.paths, e.chain) == (0.0, 0, (), ())
    assert str(e).startswith("∂out_h1/∂w5 = 0: out_h1 does not depend on w5")
    x = Value(3.0)
    e = explain(x, Value(1.0))
    assert e.value == 0.0 and "does not depend" in str(e)
    with pytest.raises(TypeError, match="explain: wrt must be a Value"):
        explain(x, 2.0)  # type: ignore[arg-type]


def test_unit_factor_at_a_cut_is_merged_but_sums_are_kept() -> None:
    # seed 004 writes ∂E_total/∂out_o1, not ∂E_total/∂E_o1 × ∂E_o1/∂out_o1 = 1 × ...
    net = two_layer_sigmoid()
    e = explain(net.E_total, net.l_o1)
    assert [s.start.label for s in e.chain] == ["E_total", "out_o1"]
    e = explain(net.l_o1, net.b2)  # a single edge of exactly 1 stays
    assert e.value == 1.0 and len(e.chain) == 1 and str(e) == "∂l_o1/∂b2 = 1"
    x = Value(0.5, "x")
    z = x * 3.0
    z.label = "z"
    out = z.relu()
    out.label = "out"
    e = explain(out, x)  # relu' = 1 is a step worth showing, not a term of a sum
    assert [(s.start, s.end) for s in e.chain] == [(out, z), (z, x)]
    assert "= 1 × 3" in str(e)


def test_unlabeled_nodes_fold_into_one_factor_summing_their_paths() -> None:
    x = Value(2.0, "x")
    inner = x * x + x  # unlabeled: three node-level paths into x
    inner.label = "u"
    y = inner.tanh()
    y.label = "y"
    e = explain(y, x)
    assert e.folded and e.n_paths == 1 and e.n_node_paths == 3
    assert [(s.start, s.end) for s in e.chain] == [(y, inner), (inner, x)]
    assert e.chain[1].value == 2 * 2.0 + 1  # ∂u/∂x = 2x + 1, the sum over the unlabeled paths
    assert "node by node there are 3 paths" in str(e)
    flat = explain(y, x, fold=False)
    assert not flat.folded and flat.value == e.value and flat.n_paths == 2
    assert "u → mul#1 → x:  1 × 4 = 4" in str(flat) and "(x*x) gives one factor" in str(flat)


def test_unlabeled_graph_uses_op_names() -> None:
    a, b = Value(0.5), Value(-1.5)
    y = (a * b).sigmoid() + a
    e = explain(y, a)
    assert not e.folded and e.n_paths == 2
    text = str(e)
    assert "∂add#1/∂leaf#1" in text and "sigmoid#1" in text  # a is the first leaf used
    y.backward()
    assert e.value == a.grad


def test_a_node_has_one_name_in_every_view() -> None:
    a, b = Value(0.5), Value(-1.5)
    y = (a * b).sigmoid() + a * 2.0
    views = [tree(y), str(explain(y, a)), str(explain(y, b)),
             "\n".join(map(str, backward_steps(y)))]
    for name in ("add#1", "mul#1", "mul#2", "sigmoid#1", "leaf#1", "leaf#2"):
        assert all(name in view for view in views[:1] + views[3:]), name
    assert "mul#1 = leaf#1 * leaf#2" in views[0] and "mul#2 = leaf#1 * 2" in views[0]
    assert "step 3: mul#2 = leaf#1 * 2" in views[3] or "mul#2 = leaf#1 * 2" in views[3]
    assert "∂add#1/∂leaf#1" in views[1] and "∂add#1/∂leaf#2" in views[2]
    # The picture writes the same names in its boxes (grey: no label of the user's).
    source = autograd.draw(y).source
    for name in ("add#1", "mul#1", "mul#2", "sigmoid#1", "leaf#1", "leaf#2"):
        assert f">{name}</FONT>" in source, name


def test_a_label_on_several_nodes_says_which_call() -> None:
    from autograd.nn import MLP

    model = MLP(2, [2, 1], seed=0)
    samples = [[Value(0.5 * s, f"x{k}") for k in (1, 2)] for s in (1, 2, 3)]
    loss = autograd.sum([model(x) for x in samples])
    text = tree(loss, max_nodes=10_000)
    for k in (1, 2, 3):  # the neuron's output for sample k: the k-th node with that label
        assert f"L1.N1.out[{k}]" in text and f"x1[{k}]" in text
    assert "L1.N1.out[4]" not in text and "L1.N1.w1 " in text  # parameters are one node each
    # The picture: the label in bold (in a neuron's frame, its last part), then which call
    # (brackets written as entities in DOT: Graphviz misreads some runs of ']').
    source = autograd.draw(loss, max_nodes=10_000).source
    for k in (1, 2, 3):
        assert f"<B>out</B><FONT COLOR=\"#666666\">&#91;{k}&#93;</FONT>" in source
        assert f"<B>x1</B><FONT COLOR=\"#666666\">&#91;{k}&#93;</FONT>" in source
    assert "<B>out</B><FONT COLOR=\"#666666\">&#91;4&#93;</FONT>" not in source
    assert "<B>w1</B></TD>" in source and "<B>w1</B><FONT" not in source


def test_control_characters_in_labels_are_escaped() -> None:
    x = Value(2.0, "\x1b[2Jclear")
    y = x * x
    y.label = "line\nbreak"
    for view in (tree(y), str(explain(y, x)), str(next(backward_steps(y)))):
        assert "\x1b" not in view and "\\x1b[2Jclear" in view
        assert "line\\nbreak" in view and "line\nbreak" not in view


def test_tree_output_grows_linearly_with_the_lines_shown() -> None:
    x = Value(1.0)
    for _ in range(20_000):
        x = x * 1.0
    sizes = [len(tree(x, max_nodes=k)) for k in (1_000, 2_000, 4_000)]
    assert sizes[2] < 2.2 * sizes[1] < 4.6 * sizes[0]  # not quadratic
    assert "[depth 3999]" in tree(x, max_nodes=4_000)


def test_a_step_never_hides_a_contribution() -> None:
    x = Value(1.0, "x")
    x.grad = 1.0
    y = x * 1e-12
    step = next(backward_steps(y, accumulate=True))
    assert "x.grad: 1 -> 1 (+ 1e-12)" in str(step)


def test_folding_falls_back_to_every_node_when_it_would_cost_too_much() -> None:
    x = Value(0.5, "x")
    u = x
    for _ in range(2000):  # a long unlabeled region below many labeled nodes
        u = u * 1.0001
    tops = [u * (k / 100) for k in range(100)]
    for k, t in enumerate(tops):
        t.label = f"t{k}"
    root = autograd.sum(tops)
    root.label = "root"
    e = explain(root, x)
    assert not e.folded and e.n_paths == 100
    root.backward()
    assert e.value == x.grad
    with pytest.raises(ValueError, match="top must be an int >= 1"):
        explain(root, x, top=0)


def test_html_table_escapes_labels() -> None:
    x = Value(1.0, "<script>alert(1)</script>")
    y = x * 3.0
    y.label = 'y" onload="x'
    page = explain(y, x)._repr_html_()
    assert "<table>" in page and "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&quot;" in page


# ---------------------------------------------------------------------------------------------
# Many paths


def diamonds(stages: int) -> tuple[Value, Value]:
    """x_{k+1} = a_k * x_k + x_k * b_k: two paths per stage, 2**stages in all."""
    x0 = x = Value(0.9)
    for k in range(stages):
        x = Value(0.5 + k / 100) * x + x * Value(0.7 - k / 200)
    return x, x0


def test_two_to_the_forty_paths_are_counted_not_enumerated() -> None:
    root, x0 = diamonds(40)
    e = explain(root, x0, top=10)
    assert e.n_paths == 2**40 and e.n_node_paths == 2**40
    assert len(e.paths) == 10 and all(len(p.factors) == 80 for p in e.paths)
    assert len(e.chain) == 40 and all(s.n_paths == 2 for s in e.chain)
    sizes = [abs(p.product) for p in e.paths]
    assert sizes == sorted(sizes, reverse=True)
    # The largest path takes the larger branch at every stage.
    assert e.paths[0].product == pytest.approx(math.prod(max(0.5 + k / 100, 0.7 - k / 200)
                                                         for k in range(40)) * 1.0, rel=1e-12)
    text = str(e)
    assert "1.1e12 paths" in text and len(text.splitlines()) < 40
    root.backward()
    assert e.value == x0.grad


def test_top_paths_are_the_largest_ones() -> None:
    a, b, c = Value(0.1, "a"), Value(3.0, "b"), Value(-2.0, "c")
    x = Value(1.5, "x")
    y = autograd.sum([a * x, b * x, c * x, x])
    y.label = "y"
    e = explain(y, x, top=2)
    assert e.n_paths == 4 and [p.product for p in e.paths] == [3.0, -2.0]
    assert "the 2 largest" in str(e)


# ---------------------------------------------------------------------------------------------
# backward_steps


def test_steps_of_the_worked_network() -> None:
    net = two_layer_sigmoid()
    steps = backward_steps(net.E_total)
    first = next(steps)
    assert first.node is net.E_total and first.grad == 1.0
    assert [s.parent for s in first.parents] == [net.E_o1, net.E_o2]
    assert net.E_o1.grad == 1.0 and net.E_o2.grad == 1.0  # it did run this node already
    rest = list(steps)
    by_node = {s.node: s for s in rest}
    step = by_node[net.out_o1]
    (only,) = step.parents
    agrees(step.grad, "-0.147692493")
    agrees(only.local, "0.209071672")
    assert only.contribution == only.local * step.grad and only.before == 0.0
    assert only.after == net.l_o1.grad
    assert ("∂out_o1/∂l_o1 = out_o1·(1 − out_o1) = 0.209071673 × upstream -0.147692493 = "
            "-0.030878317    l_o1.grad: 0 -> -0.030878317") in str(step)
    assert str(step).startswith(f"step {step.index}: out_o1 = sigmoid(l_o1)    grad -0.147692493")
    assert repr(step) == str(step)  # next(steps) in the REPL shows the block
    agrees(net.w5.grad, "-0.018375021")
    agrees(net.w1.grad, "0.000425237")


def test_steps_end_where_backward_ends_and_in_its_order() -> None:
    net, other = two_layer_sigmoid(), two_layer_sigmoid()
    net.E_total.backward()
    net.E_total.backward()  # leaves accumulate across passes
    other.E_total.backward()
    steps = list(backward_steps(other.E_total, accumulate=True))  # adds, as backward() does
    for a, b in zip(walk(net.E_total), walk(other.E_total), strict=True):
        assert a.grad == b.grad
    assert len(steps) == 27 and [s.node for s in steps] == backward_order(other.E_total)


def test_leaf_root_accumulates_and_yields_nothing() -> None:
    x = Value(2.0)
    x.grad = 0.5
    with pytest.raises(ValueError, match="already holds gradients"):
        backward_steps(x, 2.0)  # inspecting would change the numbers: refused
    assert x.grad == 0.5
    assert list(backward_steps(x, 2.0, accumulate=True)) == []
    assert x.grad == 2.5
    with pytest.raises(TypeError, match="backward_steps"):
        backward_steps(x, "1")  # type: ignore[arg-type]


def test_zero_upstream_times_an_infinite_derivative_is_nan_as_in_pytorch() -> None:
    def build() -> tuple[Value, Value]:
        x = Value(0.0)
        return (x**0.5 - 1.0).relu(), x  # d sqrt / dx = inf at 0, and relu sends 0 upstream

    y, x = build()
    steps = list(backward_steps(y))
    assert math.isnan(x.grad) and any(s.skipped for s in steps)  # 0 × inf, never a silent 0
    assert "× upstream 0 = nan" in str(steps[-1])
    y2, x2 = build()
    y2.backward()
    assert math.isnan(x2.grad)
    assert math.isnan(explain(y2, x2).value)
    # detect_anomaly() watches what flows: here the NaN does, in both walks alike
    for run in (lambda y: list(backward_steps(y)), lambda y: y.backward()):
        with detect_anomaly(), pytest.raises(autograd.AnomalyError, match=r"\*\*.*nan"):
            run(build()[0])
    with detect_anomaly(), pytest.raises(autograd.AnomalyError, match=r"\*\*"):
        x5 = Value(0.0, "x5")
        list(backward_steps(x5**0.5 * 2.0))  # here the infinite local derivative does flow


# ---------------------------------------------------------------------------------------------
# Random graphs


UNARY = {
    "sigmoid": Value.sigmoid, "tanh": Value.tanh, "relu": Value.relu, "neg": Value.__neg__,
    "scale": lambda x: x * 0.7, "rsub": lambda x: 1.5 - x, "square": lambda x: x**2,
    "leaky": Value.leaky_relu,
}
BINARY = ["+", "-", "*"]


@st.composite
def graphs(draw: st.DrawFn) -> list[Value]:
    """A random DAG: a few leaves, then ops on earlier nodes (reuse and x*x included), some
    nodes labeled; returns all nodes, the last one the root."""
    nodes = [Value(draw(st.floats(-2, 2)), draw(st.sampled_from(["", "a", "b"])))
             for _ in range(draw(st.integers(1, 4)))]
    for _ in range(draw(st.integers(1, 14))):
        pick = st.integers(0, len(nodes) - 1)
        kind = draw(st.sampled_from(["unary", "binary", "sum", "dot"]))
        if kind == "unary":
            v = UNARY[draw(st.sampled_from(sorted(UNARY)))](nodes[draw(pick)])
        elif kind == "binary":
            x, y = nodes[draw(pick)], nodes[draw(pick)]
            op = draw(st.sampled_from(BINARY))
            v = x + y if op == "+" else x - y if op == "-" else x * y
        else:
            xs = [nodes[i] for i in draw(st.lists(pick, min_size=1, max_size=4))]
            v = autograd.sum(xs) if kind == "sum" else autograd.dot(xs, xs[::-1])
        if draw(st.booleans()):
            v.label = draw(st.sampled_from(["h", "z", "out"]))
        nodes.append(v)
    root = nodes[-1]
    assume(all(math.isfinite(v.data) and abs(v.data) < 1e6 for v in nodes))
    return [*nodes[:-1], root]


@given(graphs())
def test_backward_steps_give_backward_exactly(nodes: list[Value]) -> None:
    root = nodes[-1]
    root.backward()
    expected = [v.grad for v in nodes]
    for v in nodes:
        v.grad = 0.0
    steps = list(backward_steps(root))
    assert [v.grad for v in nodes] == expected or all(
        same(a, b) for a, b in zip((v.grad for v in nodes), expected, strict=True))
    if not root.is_leaf:
        assert [s.node for s in steps] == [v for v in backward_order(root)]
        for v in nodes:  # backward_order reset the interior grads: run once more to compare
            v.grad = 0.0
        for s in backward_steps(root):
            for p in s.parents:
                assert same(p.after, p.before + p.contribution) or s.skipped
                assert s.skipped or same(p.contribution, p.local * s.grad)


@given(graphs(), st.data())
def test_explain_value_is_the_gradient(nodes: list[Value], data: st.DataObject) -> None:
    root = nodes[-1]
    wrt = data.draw(st.sampled_from(nodes))
    fold = data.draw(st.sampled_from([None, False, True]))
    root.zero_grad()
    if wrt is not root:
        wrt.grad = 0.0
    root.backward()
    expected = wrt.grad if wrt is not root else 1.0
    before = [v.grad for v in nodes]
    e = explain(root, wrt, fold=fold)
    assert [v.grad for v in nodes] == before
    reachable = wrt is root or wrt in walk(root)
    assert same(e.value, expected if reachable else 0.0)
    assert e.n_node_paths == count_paths(root, wrt)
    if e.n_paths and e.wrt is not e.root:
        assert e.n_paths <= e.n_node_paths
        assert math.prod(s.n_paths for s in e.chain) == e.n_paths
        assert math.prod(s.value for s in e.chain) == pytest.approx(e.value, rel=1e-9, abs=1e-12)
        if len(e.paths) == e.n_paths:  # all of them listed: their sum is the gradient
            assert math.fsum(p.product for p in e.paths) == pytest.approx(
                e.value, rel=1e-9, abs=1e-12)
    str(e), e._repr_html_()


@given(expressions(max_ops=25), st.data())
def test_explain_and_steps_on_the_shared_random_programs(expr: Expression,
                                                        data: st.DataObject) -> None:
    """Every op of the engine (autograd.testing's programs label each result v<k>)."""
    registers = expr.program.run([Value(x, f"x{i}") for i, x in enumerate(expr.inputs)])
    root = registers[-1]
    wrt = data.draw(st.sampled_from(registers))
    explained = explain(root, wrt)
    list(backward_steps(root))
    assert same(explained.value, wrt.grad if wrt is not root else 1.0)


def count_paths(root: Value, wrt: Value) -> int:
    """Paths from root to wrt, by brute force (small graphs only)."""
    if root is wrt:
        return 1
    return sum(count_paths(p, wrt) for p in root.parents)


# ---------------------------------------------------------------------------------------------
# tree


def test_tree_shows_shared_nodes_once() -> None:
    net = two_layer_sigmoid()
    text = tree(net.E_total)
    lines = text.splitlines()
    assert lines[0].startswith("E_total = E_o1 + E_o2    data 0.096867268")
    for name in ("out_h1", "out_h2", "b1", "b2", "i1", "i2"):  # each used twice
        assert sum(1 for line in lines if line.endswith(f"─ {name}  ↑ see above")) == 1
        assert sum(1 for line in lines if f"─ {name} " in line and "data" in line) == 1
    assert any("out_o1 = sigmoid(l_o1)" in line for line in lines)
    assert any(line.lstrip("│├└─ ").startswith("w5    data 0.25") for line in lines)
    assert len(lines) == len(walk(net.E_total)) + 6  # every node once, plus 6 references


def test_tree_depth_and_size_limits() -> None:
    net = two_layer_sigmoid()
    lines = tree(net.E_total, max_depth=1).splitlines()
    assert len(lines) == 3 and "parents below max_depth" in lines[1]
    x = Value(1.0)
    for _ in range(100_000):  # deep: no recursion anywhere
        x = x * 1.0
    text = tree(x, max_nodes=50)
    assert len(text.splitlines()) == 51 and "the graph has 100001 nodes" in text
    assert explain(x, walk(x)[-1]).n_paths == 1


def test_the_lecture_neurons_explanation_shows_its_labeled_intermediates() -> None:
    """micrograd's lecture neuron: x1*w1 labeled x1w1, the sum labeled; the key factor
    ∂x1w1/∂w1 = x1 must appear, folded or not."""
    v = lecture_neuron("s")
    o, n, s, x1w1, w1 = v["o"], v["n"], v["s"], v["x1w1"], v["w1"]
    for fold in (None, False):
        e = explain(o, w1, fold=fold)
        assert [(c.start, c.end) for c in e.chain] == [(o, n), (n, s), (s, x1w1), (x1w1, w1)]
        text = str(e)
        assert "∂o/∂w1 = ∂o/∂n × ∂n/∂s × ∂s/∂x1w1 × ∂x1w1/∂w1" in text
        assert "∂x1w1/∂w1 = x1 = 2" in text and "∂o/∂n = 1 − o² = 0.5" in text
        assert e.value == pytest.approx(1.0, abs=1e-12)
