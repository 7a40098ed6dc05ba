"""autograd.optim: update rules by hand, then whole training runs against torch.optim."""

from __future__ import annotations

import math
from typing import Any

import pytest

from autograd import Value
from autograd.data import make_moons, make_spiral
from autograd.nn import MLP, cross_entropy, hinge_loss
from autograd.optim import SGD, Adam, AdamW, LambdaLR, Optimizer, StepLR


def _torch() -> Any:
    return pytest.importorskip("torch")


def _param(data: float, grad: float) -> Value:
    p = Value(data, "p")
    p.grad = grad
    return p


# --- by hand --------------------------------------------------------------------------------


def test_sgd_plain_and_weight_decay() -> None:
    p = _param(1.0, 0.5)
    SGD([p], lr=0.1).step()
    assert p.data == 1.0 - 0.1 * 0.5
    q = _param(2.0, 0.5)
    SGD([q], lr=0.1, weight_decay=0.01).step()
    assert q.data == 2.0 - 0.1 * (0.5 + 0.01 * 2.0)


def test_sgd_momentum_dampening_nesterov_two_steps() -> None:
    p = _param(1.0, 0.5)
    opt = SGD([p], lr=0.1, momentum=0.9, dampening=0.5)
    opt.step()  # the first buffer is the gradient itself (no dampening)
    assert p.data == 1.0 - 0.1 * 0.5
    p.grad = 0.25
    opt.step()
    buf = 0.9 * 0.5 + 0.5 * 0.25
    assert p.data == pytest.approx(0.95 - 0.1 * buf, rel=1e-15)
    q = _param(1.0, 0.5)
    nes = SGD([q], lr=0.1, momentum=0.9, nesterov=True)
    nes.step()
    assert q.data == pytest.approx(1.0 - 0.1 * (0.5 + 0.9 * 0.5), rel=1e-15)
    q.grad = 0.25
    nes.step()
    buf = 0.9 * 0.5 + 0.25
    assert q.data == pytest.approx(1.0 - 0.1 * 0.95 - 0.1 * (0.25 + 0.9 * buf), rel=1e-15)


def test_adam_first_steps_by_hand() -> None:
    p = _param(1.0, 0.5)
    opt = Adam([p], lr=0.1)
    opt.step()  # bias correction makes m_hat = g and v_hat = g^2 on step 1
    assert p.data == pytest.approx(1.0 - 0.1 * 0.5 / (0.5 + 1e-8), rel=1e-15)
    p.grad = -0.25
    opt.step()
    m = 0.9 * (0.1 * 0.5) + 0.1 * -0.25
    v = 0.999 * (0.001 * 0.25) + 0.001 * 0.0625
    step = 0.1 / (1 - 0.9**2) * m / (math.sqrt(v) / math.sqrt(1 - 0.999**2) + 1e-8)
    assert p.data == pytest.approx(1.0 - 0.1 * 0.5 / (0.5 + 1e-8) - step, rel=1e-14)


def test_eps_sits_outside_the_square_root() -> None:
    p = _param(0.0, 1e-9)  # a tiny gradient: eps dominates the denominator
    Adam([p], lr=1.0, eps=1e-8).step()
    assert p.data == pytest.approx(-1e-9 / (1e-9 + 1e-8), rel=1e-14)


def test_adam_l2_versus_adamw_decoupled_decay() -> None:
    p = _param(2.0, 0.5)
    Adam([p], lr=0.1, weight_decay=0.1).step()  # g = 0.5 + 0.1 * 2 = 0.7; step ~ lr
    assert p.data == pytest.approx(2.0 - 0.1 * 0.7 / (0.7 + 1e-8), rel=1e-15)
    q = _param(2.0, 0.5)
    AdamW([q], lr=0.1, weight_decay=0.1).step()  # p *= 1 - lr * wd, then the plain Adam step
    assert q.data == pytest.approx(2.0 * (1 - 0.01) - 0.1 * 0.5 / (0.5 + 1e-8), rel=1e-15)
    assert AdamW([_param(1.0, 0.0)]).weight_decay == 1e-2


def test_zero_grad_and_bad_arguments() -> None:
    p = _param(1.0, 3.0)
    opt: Optimizer = SGD([p], lr=0.1)
    opt.zero_grad()
    assert p.grad == 0.0
    with pytest.raises(ValueError, match="invalid learning rate: -0.1"):
        SGD([p], lr=-0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        Adam([])
    with pytest.raises(ValueError, match=r"parameter 1 \('p'\) appears twice"):
        Adam([p, p])
    with pytest.raises(TypeError, match="parameter 0 is a float"):
        SGD([1.0], lr=0.1)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="Nesterov"):
        SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"invalid beta2: 1.0; expected \[0.0, 1.0\)"):
        Adam([p], betas=(0.9, 1.0))


def test_schedulers() -> None:
    opt = SGD([_param(0.0, 0.0)], lr=1.0)
    sched = StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(6):
        lrs.append(opt.lr)
        sched.step()
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    assert sched.get_last_lr() == [0.125]
    opt2 = SGD([_param(0.0, 0.0)], lr=0.5)
    lam = LambdaLR(opt2, lambda epoch: 1.0 - 0.9 * epoch / 100)  # micrograd's decay
    assert opt2.lr == 0.5
    lam.step()
    assert opt2.lr == 0.5 * (1.0 - 0.9 / 100)


# --- against PyTorch: a real training run -----------------------------------------------------


def _to_torch(torch: Any, model: MLP) -> Any:
    mods = []
    for i, layer in enumerate(model.layers):
        lin = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        sd = model.state_dict()
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(sd[f"L{i + 1}.weight"], dtype=torch.float64))
            lin.bias.copy_(torch.tensor(sd[f"L{i + 1}.bias"], dtype=torch.float64))
        mods += [lin, torch.nn.ReLU()]
    return torch.nn.Sequential(*mods[:-1])


def _flat(net: Any) -> list[float]:
    out: list[float] = []
    for lin in net[::2]:
        for row, b in zip(lin.weight.tolist(), lin.bias.tolist(), strict=True):
            out += [*row, b]
    return out


CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    ("SGD", dict(lr=0.05, momentum=0.8, dampening=0.3)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=1e-2)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.02, weight_decay=0.1, betas=(0.85, 0.995))),
]


# SGD agrees with PyTorch to ~1e-15. Adam's agreement is ~1e-10 at worst: a gradient that is
# exactly 0 in one engine comes out as ~1e-17 in the other (a different summation order), and
# Adam divides it by sqrt(v) + eps, so that parameter moves by about lr * 1e-9.
@pytest.mark.parametrize(("name", "kwargs"), CONFIGS)
def test_training_run_matches_torch_hinge(name: str, kwargs: dict[str, Any]) -> None:
    torch = _torch()
    ours_cls = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW}[name]
    X, labels = make_moons(40, noise=0.1, seed=1)
    y = [2.0 * t - 1.0 for t in labels]
    model = MLP(2, [8, 8, 1], activation="relu", seed=2)  # _to_torch puts ReLU between
    initial = [p.data for p in model.parameters()]
    net = _to_torch(torch, model)
    opt = ours_cls(model.parameters(), **kwargs)
    topt = getattr(torch.optim, name)(net.parameters(), **kwargs)
    sched, tsched = StepLR(opt, 2, 0.5), torch.optim.lr_scheduler.StepLR(topt, 2, 0.5)
    tX, ty = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    for _ in range(6):
        loss = hinge_loss([model(x) for x in X], y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        tloss = torch.relu(1 - ty * net(tX)[:, 0]).mean()
        topt.zero_grad()
        tloss.backward()
        topt.step()
        tsched.step()
        assert loss.data == pytest.approx(tloss.item(), rel=1e-9)
        assert opt.lr == pytest.approx(tsched.get_last_lr()[0], rel=1e-15)
    ours = [p.data for p in model.parameters()]
    assert ours == pytest.approx(_flat(net), rel=1e-9, abs=1e-12)
    assert sum(a != b for a, b in zip(ours, initial, strict=True)) > len(ours) // 2  # trained


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW"])
def test_training_run_matches_torch_cross_entropy(name: str) -> None:
    torch = _torch()
    X, y = make_spiral(30, classes=3, seed=0)
    model = MLP(2, [6, 3], activation="relu", seed=5)
    net = _to_torch(torch, model)
    kwargs: dict[str, Any] = {"lr": 0.05, "momentum": 0.9} if name == "SGD" else {"lr": 0.05}
    opt = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW}[name](model.parameters(), **kwargs)
    topt = getattr(torch.optim, name)(net.parameters(), **kwargs)
    sched = LambdaLR(opt, lambda e: 1.0 / (1 + e))
    tsched = torch.optim.lr_scheduler.LambdaLR(topt, lambda e: 1.0 / (1 + e))
    tX, ty = torch.tensor(X, dtype=torch.float64), torch.tensor(y)
    for _ in range(5):
        loss = cross_entropy([model(x) for x in X], y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        tloss = torch.nn.functional.cross_entropy(net(tX), ty)
        topt.zero_grad()
        tloss.backward()
        topt.step()
        tsched.step()
        assert loss.data == pytest.approx(tloss.item(), rel=1e-9)
    assert [p.data for p in model.parameters()] == pytest.approx(_flat(net), rel=1e-9,
                                                                 abs=1e-12)
