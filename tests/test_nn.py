"""autograd.nn: modules, labels, initialisation, state dicts, losses (by hand and against PyTorch),
and an MLP that learns the moons."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, backward_order, walk
from autograd.data import make_moons
from autograd.nn import (
    MLP,
    Layer,
    Neuron,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    l1_loss,
    mse_loss,
    softmax,
)
from autograd.optim import Adam
from autograd.train import accuracy, fit


def _torch() -> Any:
    return pytest.importorskip("torch")


def _set(neuron: Neuron, ws: list[float], b: float) -> None:
    for p, x in zip(neuron.w, ws, strict=True):
        p.data = x
    neuron.b.data = b


# --- micrograd compatibility, structure and labels ------------------------------------------


def test_micrograd_style_code_runs_unchanged() -> None:
    model = MLP(2, [16, 16, 1])
    out = model([1.0, -2.0])
    out.backward()
    assert isinstance(out, Value)
    assert len(model.parameters()) == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1)
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_outputs_value_for_one_output_list_for_several() -> None:
    assert isinstance(MLP(3, [4, 1], seed=0)([1, 2, 3]), Value)
    out = MLP(3, [4, 2], seed=0)([1.0, 2.0, 3.0])
    assert isinstance(out, list) and len(out) == 2
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), Value)
    assert len(Layer(2, 3, seed=0)([1.0, 2.0])) == 3  # type: ignore[arg-type]
    assert isinstance(Neuron(2, seed=0)([Value(1.0), 2.0]), Value)


def test_parameter_order_and_names() -> None:
    model = MLP(2, [2, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names == ["L1.N1.w1", "L1.N1.w2", "L1.N1.b", "L1.N2.w1", "L1.N2.w2", "L1.N2.b",
                     "L2.N1.w1", "L2.N1.w2", "L2.N1.b"]
    assert [p.label for p in model.parameters()] == names
    first = model.layers[0].neurons[0]
    assert model.parameters()[:3] == [first.w[0], first.w[1], first.b]


def test_one_dot_node_and_one_activation_node_per_neuron() -> None:
    model = MLP(2, [3, 1], activation="relu", seed=0)
    out = model([0.5, -1.0])
    assert isinstance(out, Value)
    nodes = backward_order(out)  # non-leaf nodes, root first
    assert [v.op for v in nodes].count("dot") == 4
    assert [v.op for v in nodes].count("relu") == 3
    assert len(nodes) == 7
    assert out.op == "dot" and out.label == "L2.N1.out"  # the last layer is linear
    assert len(out.parents) == 3 + 3 + 1  # w1..w3, the three hidden outputs, b
    hidden = [p for p in out.parents if p.op == "relu"]
    assert [h.label for h in hidden] == ["L1.N1.out", "L1.N2.out", "L1.N3.out"]
    assert [h.parents[0].label for h in hidden] == ["L1.N1.z", "L1.N2.z", "L1.N3.z"]
    # plain-number inputs never become nodes: L1's dot nodes have only parameters as parents
    assert {p.label for p in hidden[0].parents[0].parents} == {"L1.N1.w1", "L1.N1.w2", "L1.N1.b"}
    assert len(walk(out)) == 7 + len(model.parameters())


def test_standalone_names() -> None:
    n = Neuron(2, "tanh", seed=0)
    assert [p.label for p in n.parameters()] == ["w1", "w2", "b"]
    out = n([1.0, 2.0])
    assert out.label == "out" and out.parents[0].label == "z"
    layer = Layer(2, 2, seed=0)
    assert layer.parameters()[3].label == "N2.w1"
    assert Neuron(1, "linear", name="x")([1.0]).label == "x.out"


@pytest.mark.parametrize(
    ("activation", "f"),
    [("relu", lambda z: max(z, 0.0)), ("tanh", math.tanh),
     ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
     ("leaky_relu", lambda z: z if z > 0 else 0.01 * z), ("linear", lambda z: z)],
)
def test_activations(activation: str, f: Any) -> None:
    for b in (0.3, -0.9):
        n = Neuron(2, activation)
        _set(n, [0.5, -0.25], b)
        out = n([1.0, 2.0])
        z = 0.5 * 1.0 - 0.25 * 2.0 + b
        assert out.data == pytest.approx(f(z), rel=1e-15, abs=1e-15)
        assert out.op == ("dot" if activation == "linear" else activation)


def test_hidden_layers_use_the_activation_last_is_linear() -> None:
    model = MLP(2, [3, 3, 2], activation="tanh", seed=1)
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "linear"]
    outs = model([0.1, 0.2])
    assert isinstance(outs, list)
    assert all(o.op == "dot" for o in outs)
    assert {p.op for p in outs[0].parents} == {"", "tanh"}


def test_neuron_gradient_by_hand() -> None:
    # out = tanh(w1 x1 + w2 x2 + b); d out / d w1 = (1 - out^2) x1
    n = Neuron(2, "tanh")
    _set(n, [0.5, -0.25], 0.1)
    x1, x2 = Value(1.0), Value(2.0)
    out = n([x1, x2])
    out.backward()
    t = math.tanh(0.1)
    assert out.data == pytest.approx(t, rel=1e-15)
    assert n.w[0].grad == pytest.approx((1 - t * t) * 1.0, rel=1e-15)
    assert n.w[1].grad == pytest.approx((1 - t * t) * 2.0, rel=1e-15)
    assert n.b.grad == pytest.approx(1 - t * t, rel=1e-15)
    assert x1.grad == pytest.approx((1 - t * t) * 0.5, rel=1e-15)
    assert x2.grad == pytest.approx((1 - t * t) * -0.25, rel=1e-15)


def test_initialisation_is_seeded_and_bounded() -> None:
    a = MLP(4, [8, 1], seed=3)
    b = MLP(4, [8, 1], seed=3)
    c = MLP(4, [8, 1], seed=4)
    assert a.state_dict() == b.state_dict() != c.state_dict()
    assert MLP(4, [8, 1], rng=random.Random(3)).state_dict() == a.state_dict()
    for layer in a.layers:
        bound = 1 / math.sqrt(layer.nin)
        assert all(-bound <= p.data <= bound for p in layer.parameters())
    assert max(abs(p.data) for p in a.layers[0].parameters()) > 0.25  # not all tiny
    random.seed(1337)  # micrograd's habit: seed the global generator
    d = MLP(2, [3, 1])
    random.seed(1337)
    assert MLP(2, [3, 1]).state_dict() == d.state_dict()


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown activation 'relu6'"):
        MLP(2, [1], activation="relu6")
    with pytest.raises(ValueError, match="nin must be a positive int"):
        MLP(0, [1])
    with pytest.raises(ValueError, match="at least one layer"):
        MLP(2, [])
    with pytest.raises(ValueError, match="nout must be a positive int"):
        Layer(2, 0)
    with pytest.raises(ValueError, match="not both"):
        MLP(2, [1], seed=1, rng=random.Random(1))
    with pytest.raises(ValueError, match="MLP: expected 2 inputs, got 3"):
        MLP(2, [1], seed=0)([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="dot"):
        MLP(2, [1], seed=0)([1.0, "2"])  # type: ignore[list-item]


def test_mlp_matches_torch_forward_and_backward() -> None:
    torch = _torch()
    model = MLP(3, [5, 4, 2], activation="tanh", seed=7)
    net = _to_torch(torch, model, torch.nn.Tanh)
    x = [0.3, -1.2, 2.0]
    outs = model(x)
    assert isinstance(outs, list)
    loss = outs[0] * 2.0 + outs[1] * outs[1]
    loss.backward()
    t = net(torch.tensor([x], dtype=torch.float64))[0]
    (t[0] * 2.0 + t[1] * t[1]).backward()
    assert [o.data for o in outs] == pytest.approx(t.tolist(), rel=1e-12)
    grads = _torch_grads(net)
    assert [p.grad for p in model.parameters()] == pytest.approx(grads, rel=1e-10, abs=1e-14)


def _to_torch(torch: Any, model: MLP, act: Any) -> Any:
    mods = []
    for i, layer in enumerate(model.layers):
        lin = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(model.state_dict()[f"L{i + 1}.weight"],
                                          dtype=torch.float64))
            lin.bias.copy_(torch.tensor(model.state_dict()[f"L{i + 1}.bias"],
                                        dtype=torch.float64))
        mods += [lin, act()]
    return torch.nn.Sequential(*mods[:-1])


def _torch_grads(net: Any) -> list[float]:
    out: list[float] = []
    for lin in net[::2]:
        for row, b in zip(lin.weight.grad.tolist(), lin.bias.grad.tolist(), strict=True):
            out += [*row, b]
    return out


# --- state dicts ------------------------------------------------------------------------------


def test_state_dict_layout_and_round_trip() -> None:
    model = MLP(2, [3, 1], seed=0)
    sd = model.state_dict()
    assert list(sd) == ["L1.weight", "L1.bias", "L2.weight", "L2.bias"]
    assert [len(r) for r in sd["L1.weight"]] == [2, 2, 2] and len(sd["L1.bias"]) == 3
    assert sd["L1.weight"][1][0] == model.layers[0].neurons[1].w[0].data
    other = MLP(2, [3, 1], seed=1)
    other.load_state_dict(sd)
    assert other.state_dict() == sd
    assert Neuron(2, name="n").state_dict().keys() == {"n.weight", "n.bias"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("L2.bias"), r"missing keys \['L2.bias'\]"),
        (lambda d: d.update(extra=[1.0]), r"unexpected keys \['extra'\]"),
        (lambda d: d["L1.weight"].pop(), r"L1.weight has 2 entries; expected 3"),
        (lambda d: d["L1.weight"][2].append(0.0), r"L1.weight\[2\] has 3 entries; expected 2"),
        (lambda d: d["L1.bias"].__setitem__(2, float("nan")), r"L1.bias\[2\] is nan"),
        (lambda d: d["L1.bias"].__setitem__(1, math.inf), r"L1.bias\[1\] is inf"),
        (lambda d: d["L2.weight"][0].__setitem__(1, "0.5"), r"L2.weight\[0\]\[1\] is str"),
        (lambda d: d["L2.weight"][0].__setitem__(1, True), r"is bool"),
        (lambda d: d.__setitem__("L2.bias", 0.5), r"L2.bias is float; expected a list of 1"),
        (lambda d: d["L1.bias"].__setitem__(0, Value(0.5)),
         r"L1.bias\[0\] is a Value; expected a plain number \(its .data\)"),
    ],
)
def test_load_state_dict_refuses_bad_input_and_leaves_model_alone(change: Any, message: str
                                                                   ) -> None:
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    bad = MLP(2, [3, 1], seed=5).state_dict()
    change(bad)
    with pytest.raises(ValueError, match=message):
        model.load_state_dict(bad)
    assert model.state_dict() == before
    with pytest.raises(TypeError, match="expected a dict"):
        model.load_state_dict([1.0])  # type: ignore[arg-type]


# --- losses by hand -------------------------------------------------------------------------


def test_mse_and_l1_by_hand() -> None:
    p = [Value(1.0), Value(2.0), Value(-1.0)]
    loss = mse_loss(p, [0.0, 0.0, 1.0])
    assert loss.data == pytest.approx((1 + 4 + 4) / 3, rel=1e-15)
    loss.backward()
    assert [v.grad for v in p] == pytest.approx([2 / 3, 4 / 3, -4 / 3], rel=1e-15)
    q = [Value(1.0), Value(2.0), Value(-1.0)]
    loss = l1_loss(q, [0.0, 2.0, 1.0])
    assert loss.data == pytest.approx(1.0, rel=1e-15)
    loss.backward()
    assert [v.grad for v in q] == pytest.approx([1 / 3, 0.0, -1 / 3], rel=1e-15)
    single = Value(3.0)
    assert mse_loss(single, 1.0).data == 4.0
    nested = mse_loss([[Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]], [[0, 0], [0, 0]])
    assert nested.data == pytest.approx(30 / 4, rel=1e-15)


def test_binary_cross_entropy_by_hand_and_clamped() -> None:
    p = Value(0.8)
    loss = binary_cross_entropy(p, 1.0)
    assert loss.data == pytest.approx(-math.log(0.8), rel=1e-15)
    loss.backward()
    assert p.grad == pytest.approx(-1 / 0.8, rel=1e-15)
    batch = binary_cross_entropy([Value(0.8), Value(0.4)], [1.0, 0.0])
    assert batch.data == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2, rel=1e-15)
    assert binary_cross_entropy(Value(0.0), 1.0).data == 100.0  # log clamped at -100
    assert binary_cross_entropy(Value(1.0), 1.0).data == 0.0
    assert binary_cross_entropy(Value(1.0), 0.0).data == 100.0
    assert binary_cross_entropy(Value(1e-60), 1.0).data == 100.0
    with pytest.raises(ValueError, match=r"p\[0\] = 1.5 \('o'\) is not in \[0, 1\]"):
        binary_cross_entropy(Value(1.5, "o"), 1.0)


def test_bce_with_logits_is_stable_and_matches_sigmoid_form() -> None:
    for z, y in ((0.0, 1.0), (2.0, 0.0), (-3.0, 1.0), (0.7, 0.3)):
        zv = Value(z)
        loss = binary_cross_entropy_with_logits(zv, y)
        s = 1 / (1 + math.exp(-z))
        assert loss.data == pytest.approx(-(y * math.log(s) + (1 - y) * math.log(1 - s)),
                                          rel=1e-14)
        loss.backward()
        assert zv.grad == pytest.approx(s - y, rel=1e-14, abs=1e-16)
    assert binary_cross_entropy_with_logits(Value(-1000.0), 1.0).data == pytest.approx(1000.0)
    assert binary_cross_entropy_with_logits(Value(1000.0), 1.0).data == 0.0


def test_cross_entropy_and_softmax_by_hand() -> None:
    logits = [Value(0.0), Value(0.0)]
    loss = cross_entropy(logits, 0)
    assert loss.data == pytest.approx(math.log(2), rel=1e-15)
    loss.backward()
    assert [v.grad for v in logits] == pytest.approx([-0.5, 0.5], rel=1e-15)
    big = [Value(1000.0), Value(0.0), Value(1000.0)]  # exp(1000) would overflow
    assert cross_entropy(big, 1).data == pytest.approx(1000 + math.log(2), rel=1e-15)
    probs = softmax(big)
    assert [p.data for p in probs] == pytest.approx([0.5, 0.0, 0.5], abs=1e-300)
    s = softmax([Value(1.0), Value(2.0), Value(3.0)])
    e = [math.exp(k) for k in (1, 2, 3)]
    assert [p.data for p in s] == pytest.approx([x / sum(e) for x in e], rel=1e-15)
    batch = cross_entropy([[Value(0.0), Value(0.0)], [Value(1.0), Value(3.0)]], [0, 1])
    assert batch.data == pytest.approx((math.log(2) + math.log(1 + math.exp(-2))) / 2,
                                       rel=1e-14)


def test_hinge_loss_by_hand() -> None:
    scores = [Value(2.0), Value(0.5), Value(-1.0)]
    loss = hinge_loss(scores, [1, 1, 1])
    assert loss.data == pytest.approx((0 + 0.5 + 2) / 3, rel=1e-15)
    loss.backward()
    assert [v.grad for v in scores] == pytest.approx([0.0, -1 / 3, -1 / 3], rel=1e-15)
    s = Value(0.25)
    assert hinge_loss(s, -1).data == 1.25


def test_values_as_labels_count_by_their_number() -> None:
    """A Value label once reached ``label != 1``, which a Value refuses (it compares by
    identity): the loss raised the engine's TypeError instead of computing."""
    scores = [Value(2.0), Value(0.5), Value(-1.0)]
    plain = hinge_loss(scores, [1, -1, 1]).data
    assert hinge_loss(scores, [Value(1.0), Value(-1.0), Value(1.0)]).data == plain
    with pytest.raises(ValueError, match=r"hinge_loss: label Value\(data=0.0.*\(sample 0\) "
                       "must be -1 or"):
        hinge_loss(scores[:1], [Value(0.0)])
    for bad in (True, math.nan, "1"):
        with pytest.raises(ValueError, match=r"label .* \(sample 0\) must be -1 or \+1"):
            hinge_loss(scores[:1], [bad])  # type: ignore[list-item]


def test_loss_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match="mse_loss: pred has 2 items but target has 3"):
        mse_loss([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"l1_loss: pred\[1\] and target\[1\] differ in shape"):
        l1_loss([Value(1.0), [Value(2.0)]], [1.0, 2.0])
    with pytest.raises(ValueError, match="one is a number, the other a list of 2"):
        mse_loss(Value(1.0), [1.0, 2.0])
    with pytest.raises(ValueError, match="mse_loss: empty input"):
        mse_loss([], [])
    with pytest.raises(TypeError, match="target is a str"):
        mse_loss(Value(1.0), "1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"label 0 \(sample 1\) must be -1 or \+1"):
        hinge_loss([Value(1.0), Value(2.0)], [1, 0])
    for bad, kind in ((Value(1.0), "a Value"), ([[1.0, 2.0]], "a list holding a list"),
                      ([], "an empty list"), ([1.0, "2"], "a list holding a str")):
        with pytest.raises(ValueError, match=f"softmax: expected one non-empty list of numbers "
                           f"or Values, not a batch or anything else; got {kind}"):
            softmax(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="hinge_loss: 2 scores but 1 labels"):
        hinge_loss([Value(1.0), Value(2.0)], [1])
    with pytest.raises(ValueError, match=r"target 2 \(sample 0\) is not a class index in 0..1"):
        cross_entropy([Value(1.0), Value(2.0)], 2)
    with pytest.raises(ValueError, match="2 rows of logits but 1 targets"):
        cross_entropy([[Value(1.0)], [Value(2.0)]], [0])
    with pytest.raises(ValueError, match="not a batch"):
        softmax([[Value(1.0)], [Value(2.0)]])  # type: ignore[list-item]


# --- losses against PyTorch -----------------------------------------------------------------

floats = st.floats(-5.0, 5.0, allow_nan=False)


@given(st.lists(st.tuples(floats, floats), min_size=1, max_size=6))
def test_regression_losses_match_torch(pairs: list[tuple[float, float]]) -> None:
    F = _torch().nn.functional
    for ours, theirs in ((mse_loss, F.mse_loss), (l1_loss, F.l1_loss)):
        _same_loss_as_torch(ours, theirs, pairs, grad_rel=1e-12, grad_abs=1e-15)


def _same_loss_as_torch(ours: Any, theirs: Any, pairs: list[tuple[float, float]],
                        grad_rel: float, grad_abs: float) -> None:
    """Loss value and gradients w.r.t. the predictions, ours against torch's, in float64."""
    torch = _torch()
    p = [Value(a) for a, _ in pairs]
    loss = ours(p, [b for _, b in pairs])
    loss.backward()
    tp = torch.tensor([a for a, _ in pairs], dtype=torch.float64, requires_grad=True)
    tl = theirs(tp, torch.tensor([b for _, b in pairs], dtype=torch.float64))
    tl.backward()
    assert loss.data == pytest.approx(tl.item(), rel=1e-12, abs=1e-15)
    assert [v.grad for v in p] == pytest.approx(tp.grad.tolist(), rel=grad_rel, abs=grad_abs)


@given(st.lists(st.tuples(st.floats(0.01, 0.99), st.floats(0.0, 1.0)), min_size=1, max_size=6),
       st.lists(st.tuples(floats, st.floats(0.0, 1.0)), min_size=1, max_size=6))
def test_binary_cross_entropies_match_torch(probs: list[tuple[float, float]],
                                            logits: list[tuple[float, float]]) -> None:
    F = _torch().nn.functional
    cases = ((binary_cross_entropy, F.binary_cross_entropy, probs),
             (binary_cross_entropy_with_logits, F.binary_cross_entropy_with_logits, logits))
    for ours, theirs, pairs in cases:
        _same_loss_as_torch(ours, theirs, pairs, grad_rel=1e-10, grad_abs=1e-14)


@given(st.integers(2, 5).flatmap(lambda c: st.lists(
    st.tuples(st.lists(st.floats(-30, 30), min_size=c, max_size=c), st.integers(0, c - 1)),
    min_size=1, max_size=4)))
def test_cross_entropy_and_softmax_match_torch(rows: list[tuple[list[float], int]]) -> None:
    torch = _torch()
    logits = [[Value(x) for x in row] for row, _ in rows]
    loss = cross_entropy(logits, [t for _, t in rows])
    loss.backward()
    tl = torch.tensor([row for row, _ in rows], dtype=torch.float64, requires_grad=True)
    tloss = torch.nn.functional.cross_entropy(tl, torch.tensor([t for _, t in rows]))
    tloss.backward()
    assert loss.data == pytest.approx(tloss.item(), rel=1e-12, abs=1e-14)
    assert [v.grad for row in logits for v in row] == pytest.approx(
        tl.grad.flatten().tolist(), rel=1e-10, abs=1e-14)
    sm = softmax(logits[0])
    tsm = torch.softmax(torch.tensor(rows[0][0], dtype=torch.float64), 0)
    assert [v.data for v in sm] == pytest.approx(tsm.tolist(), rel=1e-12, abs=1e-300)


# --- learning -------------------------------------------------------------------------------


def test_mlp_learns_moons() -> None:
    X, labels = make_moons(100, noise=0.1, seed=0)
    y = [2 * t - 1 for t in labels]  # hinge loss wants -1 / +1
    model = MLP(2, [16, 16, 1], activation="relu", seed=0)  # the guide's first example
    history = fit(model, X, y, loss="hinge", optimizer=Adam(model.parameters(), lr=0.05),
                  epochs=20, batch_size=25, progress=False)
    assert history[-1]["loss"] < history[0]["loss"] / 4
    assert accuracy(model, X, y) >= 0.95


# micrograd's lecture: MLP(3, [4, 4, 1]) on four samples, 20 steps of plain gradient descent.
LECTURE_X = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
LECTURE_Y = [1.0, -1.0, -1.0, 1.0]


def lecture_loop(model: MLP, steps: int = 20, lr: float = 0.05) -> float:
    """The lecture's loop, as written there; the last loss."""
    loss: Any = None
    for _ in range(steps):
        ypred: Any = [model(x) for x in LECTURE_X]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(LECTURE_Y, ypred, strict=True))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data += -lr * p.grad
    return loss.data


def test_the_default_activation_is_tanh_everywhere() -> None:
    assert MLP(3, [4, 4, 1]).activation == "tanh"
    assert Layer(3, 4).activation == "tanh" and Neuron(3).activation == "tanh"
    assert [layer.activation for layer in MLP(3, [4, 4, 1]).layers] == ["tanh", "tanh", "linear"]
    assert MLP(3, [4, 1], "relu").activation == "relu"  # micrograd's nn.MLP, one word away


@pytest.mark.parametrize("seed", range(20))
def test_the_default_trains_on_the_lecture_data(seed: int) -> None:
    """With ReLU as the default, 14 to 40 of the 41 parameters ended with zero gradient and the
    loss at 0.75 to 4.0 on most starts; with tanh every start of these ends below 0.1 (0.05 at
    worst) with a gradient on every parameter."""
    model = MLP(3, [4, 4, 1], seed=seed)  # micrograd's call, unchanged
    assert len(model.parameters()) == 41
    first = mse_loss([model(x) for x in LECTURE_X], LECTURE_Y).data * len(LECTURE_X)
    loss = lecture_loop(model)
    assert loss < 0.1 and loss < first / 10
    dead = [name for name, p in model.named_parameters() if p.grad == 0.0]
    assert dead == []
    predictions: Any = [model(x) for x in LECTURE_X]
    assert [math.copysign(1.0, p.data) for p in predictions] == LECTURE_Y
