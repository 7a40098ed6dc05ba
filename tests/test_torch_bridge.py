"""The bridge to PyTorch: `MLP.to_torch`, `MLP.from_torch`, and a training run that moves from
here to PyTorch mid-way and follows the same path. Skipped without torch, except the message
that says how to install it."""

from __future__ import annotations

import math
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd.data import make_moons
from autograd.nn import ACTIVATIONS, MLP, mse_loss
from autograd.optim import Adam


def _torch() -> Any:
    return pytest.importorskip("torch")


def close(a: float, b: float, rel: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=rel)


models = st.builds(
    MLP,
    st.integers(1, 4),
    st.lists(st.integers(1, 5), min_size=1, max_size=3),
    st.sampled_from(list(ACTIVATIONS)),
    seed=st.integers(0, 2**16),
)
points = st.lists(st.floats(-3.0, 3.0), min_size=4, max_size=4)


def outputs(model: MLP, x: list[float]) -> list[float]:
    out = model(x)
    return [v.data for v in out] if isinstance(out, list) else [out.data]


@given(models, points)
def test_to_torch_and_back_give_the_same_outputs(model: MLP, point: list[float]) -> None:
    torch = _torch()
    x = point[: model.nin]
    net = model.to_torch()
    assert all(p.dtype == torch.float64 for p in net.parameters())
    theirs = net(torch.tensor(x, dtype=torch.float64)).tolist()
    assert all(map(close, outputs(model, x), theirs))
    back = MLP.from_torch(net)
    assert repr(back) == repr(model) or model.nouts[:-1] == [] and back.nouts == model.nouts
    assert back.state_dict() == model.state_dict()  # exactly the same numbers
    assert all(map(close, outputs(back, x), theirs))
    kinds = [type(m).__name__ for m in net]
    hidden = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "leaky_relu": "LeakyReLU"}
    act = [hidden[model.activation]] if model.activation in hidden else []
    assert kinds == [*(["Linear", *act] * (len(model.nouts) - 1)), "Linear"]


@given(st.integers(1, 4), st.lists(st.integers(1, 5), min_size=1, max_size=3),
       st.sampled_from(["ReLU", "Tanh", "Sigmoid", "LeakyReLU", None]), points,
       st.sampled_from(["float32", "float64"]), st.integers(0, 2**16))
def test_a_torch_network_comes_here_with_its_outputs(nin: int, sizes: list[int],
                                                     act: str | None, point: list[float],
                                                     dtype: str, number: int) -> None:
    torch = _torch()
    generator = torch.Generator().manual_seed(number)
    modules: list[Any] = []
    width = nin
    for k, size in enumerate(sizes):
        linear = torch.nn.Linear(width, size, dtype=getattr(torch, dtype))
        with torch.no_grad():
            for p in linear.parameters():
                p.copy_(torch.rand(p.shape, generator=generator) * 2 - 1)
        modules.append(linear)
        if act is not None and k < len(sizes) - 1:
            modules.append(getattr(torch.nn, act)())
        width = size
    net = torch.nn.Sequential(*modules)
    model = MLP.from_torch(net)
    x = point[:nin]
    theirs = net.to(torch.float64)(torch.tensor(x, dtype=torch.float64)).tolist()
    assert all(map(close, outputs(model, x), theirs))


def test_moving_draws_nothing_from_torchs_random_numbers_and_shares_nothing() -> None:
    torch = _torch()
    model = MLP(2, [3, 1], seed=0)
    state = torch.get_rng_state()
    net = model.to_torch()
    assert torch.equal(state, torch.get_rng_state())
    with torch.no_grad():
        net[0].weight.add_(1.0)
    assert MLP.from_torch(net).state_dict() != model.state_dict()


@pytest.mark.parametrize(("build", "message"), [
    (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Dropout(), nn.Linear(3, 1)],
     "from_torch: layer 2 is Dropout; supported: Linear, ReLU, Tanh, Sigmoid, "
     "LeakyReLU(negative_slope=0.01)"),
    (lambda nn: [nn.Linear(2, 3), nn.LeakyReLU(0.2), nn.Linear(3, 1)],
     "from_torch: layer 1 is LeakyReLU(negative_slope=0.2); supported"),
    (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1), nn.Sigmoid()],
     "from_torch: layer 3 is Sigmoid, after the last Linear; an MLP's last layer is linear"),
    (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)],
     "from_torch: layer 1 is ReLU but layer 3 is Tanh; an MLP has the same activation"),
    (lambda nn: [nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 3), nn.Linear(3, 1)],
     "from_torch: layer 1 is Tanh but layer 2 has no activation after it"),
    (lambda nn: [nn.Linear(2, 3, bias=False)],
     r"from_torch: layer 0 is Linear\(bias=False\); an MLP's neurons have biases"),
    (lambda nn: [nn.Linear(2, 3), nn.Linear(4, 1)],
     r"from_torch: layer 1 is Linear\(4, 1\), but the layer before gives 3 outputs"),
    (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.ReLU(), nn.Linear(3, 1)],
     "from_torch: layer 2 is ReLU, which does not follow a Linear"),
    (lambda nn: [], "from_torch: the module has no Linear layer"),
], ids=["dropout", "leaky slope", "last activation", "two activations", "one missing",
        "no bias", "sizes", "twice", "empty"])
def test_unsupported_networks_are_refused_naming_the_layer(build: Any, message: str) -> None:
    torch = _torch()
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")
                       if "\\" not in message else message):
        MLP.from_torch(torch.nn.Sequential(*build(torch.nn)))
    with pytest.raises(TypeError, match="from_torch: expected a torch.nn.Sequential"):
        MLP.from_torch(torch.nn.ReLU())
    with torch.no_grad():
        broken = torch.nn.Linear(2, 1, dtype=torch.float64)
        broken.weight[0, 1] = math.nan
    with pytest.raises(ValueError, match=r"from_torch: L1.weight\[0\]\[1\] is nan"):
        MLP.from_torch(broken)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_weights_are_refused_not_read_as_their_real_part(dtype: str) -> None:
    torch = _torch()
    linear = torch.nn.Linear(2, 3, dtype=getattr(torch, dtype))
    for module in (linear, torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh(), linear)):
        layer = 0 if module is linear else 2
        with pytest.raises(ValueError, match=rf"from_torch: layer {layer} is Linear\(2, 3\), "
                           rf"whose weight is complex \(torch.{dtype}\); an MLP holds real"):
            MLP.from_torch(module)


def test_weights_without_values_are_refused() -> None:
    torch = _torch()
    with pytest.raises(ValueError, match="layer 0 is Linear.2, 3., whose weight is on the meta "
                       "device and holds no values"):
        MLP.from_torch(torch.nn.Linear(2, 3, device="meta"))


def test_a_sequential_with_its_own_forward_is_refused_naming_it() -> None:
    torch = _torch()

    class Doubled(torch.nn.Sequential):
        def forward(self, x: Any) -> Any:
            return 2 * super().forward(x)

    class Named(torch.nn.Sequential):
        """Only a name: it computes the plain stack."""

    layers = (torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    with pytest.raises(ValueError, match=r"from_torch: the module is Doubled, a Sequential with "
                       r"its own forward\(\), which an MLP cannot represent"):
        MLP.from_torch(Doubled(*layers))
    with pytest.raises(ValueError, match=r"layer 1 is Doubled; supported: Linear"):
        MLP.from_torch(torch.nn.Sequential(layers[0], Doubled(layers[1]), layers[2]))
    x = [0.5, -1.5]
    model = MLP.from_torch(Named(*layers))  # the plain stack: accepted, same outputs
    assert close(model(x).data, Named(*layers)(torch.tensor(x)).item(), 1e-6)


def test_forward_hooks_are_refused_naming_the_layer() -> None:
    torch = _torch()
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    handle = net[1].register_forward_pre_hook(lambda m, args: (args[0] * 2,))
    with pytest.raises(ValueError, match=r"from_torch: layer 1 \(Tanh\) has a forward pre-hook"):
        MLP.from_torch(net)
    handle.remove()
    handle = net.register_forward_hook(lambda m, args, out: out + 1)
    with pytest.raises(ValueError, match="from_torch: the module has a forward hook"):
        MLP.from_torch(net)
    handle.remove()
    assert MLP.from_torch(net).nouts == [3, 1]  # without the hooks: accepted


def test_without_torch_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now fails, as if absent
    model = MLP(2, [3, 1], seed=0)
    for call in (model.to_torch, lambda: MLP.from_torch(object())):
        with pytest.raises(ImportError, match=r"pip install 'autograd-scalar\[torch\]'"):
            call()


# ---------------------------------------------------------------------------------------------
# Train here, move, go on in PyTorch: the same path as going on here


def adam_state_to_torch(torch: Any, opt: Adam, model: MLP, net: Any, topt: Any) -> None:
    """Give torch's Adam the step count and moments of ours, each Linear's weight [out][in]
    and bias [out] from the moments of the parameters they hold."""
    moments = {id(p): (m, v) for p, m, v in zip(opt.params, opt.m, opt.v, strict=True)}
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    for layer, linear in zip(model.layers, linears, strict=True):
        for tensor, rows in ((linear.weight, [n.w for n in layer.neurons]),
                             (linear.bias, [[n.b for n in layer.neurons]])):
            m, v = ([[moments[id(p)][k] for p in row] for row in rows] for k in (0, 1))
            topt.state[tensor] = {
                "step": torch.tensor(float(opt.steps)),
                "exp_avg": torch.tensor(m, dtype=torch.float64).reshape(tensor.shape),
                "exp_avg_sq": torch.tensor(v, dtype=torch.float64).reshape(tensor.shape),
            }


def test_training_moves_to_torch_and_follows_the_same_path() -> None:
    torch = _torch()
    X, labels = make_moons(24, noise=0.1, seed=3)
    Y = [2.0 * t - 1.0 for t in labels]
    hyper = {"lr": 0.02, "betas": (0.8, 0.95), "eps": 1e-7, "weight_decay": 1e-3}
    model = MLP(2, [8, 8, 1], "tanh", seed=7)
    opt = Adam(model.parameters(), **hyper)

    def step_here() -> float:
        loss = mse_loss([model(x) for x in X], Y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.data

    first = step_here()
    for _ in range(4):
        step_here()
    net = model.to_torch()
    topt = torch.optim.Adam(net.parameters(), **hyper)
    adam_state_to_torch(torch, opt, model, net, topt)
    tx = torch.tensor(X, dtype=torch.float64)
    ty = torch.tensor(Y, dtype=torch.float64)
    for _ in range(10):
        tloss = torch.nn.functional.mse_loss(net(tx).squeeze(-1), ty)
        topt.zero_grad()
        tloss.backward()
        topt.step()
        loss = step_here()
        assert close(loss, tloss.item(), 1e-9)
        theirs = MLP.from_torch(net).parameters()
        assert all(close(p.data, q.data, 1e-9) for p, q in zip(model.parameters(), theirs,
                                                                 strict=True))
    assert loss < 0.6 * first  # it learns (0.95 to 0.48): the same useful steps in both
