"""Optimizers and learning-rate schedules, with PyTorch's names and update rules.

The loop is the one PyTorch users know::

    opt = Adam(model.parameters(), lr=0.01)
    for epoch in range(100):
        loss = ...               # forward
        opt.zero_grad()          # gradients accumulate, so clear them first
        loss.backward()
        opt.step()               # changes each parameter's .data in place

Each ``step`` applies exactly the formulas of ``torch.optim`` (same order of operations where it
matters), so a model trained here in float64 follows the same path as the same model in PyTorch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from .core import Value

__all__ = ["SGD", "Adam", "AdamW", "LRScheduler", "LambdaLR", "Optimizer", "StepLR"]


def _check(name: str, x: float, low: float = 0.0, high: float | None = None) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise ValueError(f"invalid {name}: {x!r}; expected a finite number")
    if x < low or (high is not None and x >= high):
        interval = f"[{low}, {high})" if high is not None else f">= {low}"
        raise ValueError(f"invalid {name}: {x!r}; expected {interval}")
    return float(x)


class Optimizer:
    """Holds the parameters and the learning rate ``lr``; subclasses define `step`."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params: list[Value] = list(params)
        name = type(self).__name__
        if not self.params:
            raise ValueError(f"{name}: got an empty parameter list")
        seen: set[int] = set()
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{name}: parameter {i} is a {type(p).__name__}, not a Value")
            if id(p) in seen:
                raise ValueError(f"{name}: parameter {i} ({p.label or p.data!r}) appears twice")
            seen.add(id(p))
        self.lr = _check("learning rate", lr)

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its ``.grad``."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``: with g = grad + weight_decay * p,

    - without momentum: ``p -= lr * g``;
    - with momentum: ``buf = g`` on the first step, then ``buf = momentum * buf +
      (1 - dampening) * g``; ``p -= lr * buf``, or ``p -= lr * (g + momentum * buf)`` with
      ``nesterov=True``.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _check("momentum", momentum)
        self.dampening = _check("dampening", dampening, low=-math.inf)
        self.weight_decay = _check("weight_decay", weight_decay)
        if nesterov and (self.momentum <= 0.0 or self.dampening != 0.0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening")
        self.nesterov = nesterov
        self.buffers: list[float] | None = None  # momentum buffers, made on the first step

    def step(self) -> None:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        if mu == 0.0:
            for p in self.params:
                p.data -= lr * (p.grad + wd * p.data if wd else p.grad)
            return
        bufs = self.buffers
        first = bufs is None
        if bufs is None:
            bufs = self.buffers = [0.0] * len(self.params)
        keep = 1.0 - self.dampening
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            buf = g if first else mu * bufs[i] + keep * g
            bufs[i] = buf
            p.data -= lr * (g + mu * buf if self.nesterov else buf)


class Adam(Optimizer):
    """Adam (Kingma and Ba), as ``torch.optim.Adam``. At step t, with g = grad (+ weight_decay
    * p, an L2 penalty folded into the gradient)::

        m = beta1 * m + (1 - beta1) * g          # computed as m + (1 - beta1) * (g - m)
        v = beta2 * v + (1 - beta2) * g * g
        p -= lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    eps is added *after* the bias-corrected square root, where PyTorch adds it.
    """

    _decoupled = False

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"invalid betas: {betas!r}; expected a pair (beta1, beta2)")
        self.betas = (_check("beta1", betas[0], high=1.0), _check("beta2", betas[1], high=1.0))
        self.eps = _check("eps", eps)
        self.weight_decay = _check("weight_decay", weight_decay)
        self.steps = 0
        self.m = [0.0] * len(self.params)  # first moments (exp_avg in PyTorch)
        self.v = [0.0] * len(self.params)  # second moments (exp_avg_sq)

    def step(self) -> None:
        self.steps += 1
        t = self.steps
        lr, wd, eps = self.lr, self.weight_decay, self.eps
        b1, b2 = self.betas
        step_size = lr / (1.0 - b1**t)
        bc2_sqrt = math.sqrt(1.0 - b2**t)
        decoupled = self._decoupled
        m, v = self.m, self.v
        for i, p in enumerate(self.params):
            g = p.grad
            if wd:
                if decoupled:
                    p.data *= 1.0 - lr * wd
                else:
                    g = g + wd * p.data
            mi = m[i] + (1.0 - b1) * (g - m[i])
            vi = v[i] * b2 + (1.0 - b2) * g * g
            m[i], v[i] = mi, vi
            p.data -= step_size * (mi / (math.sqrt(vi) / bc2_sqrt + eps))


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter), as ``torch.optim.AdamW``:
    before the Adam step, ``p *= 1 - lr * weight_decay``; the gradient itself is left alone."""

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


class LRScheduler:
    """Sets ``optimizer.lr`` from the initial rate and the epoch count; call `step` once per
    epoch, after the optimizer's steps (PyTorch's order)."""

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an optimizer, "
                            f"not {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.last_epoch = 0
        optimizer.lr = self._scheduled()

    def get_lr(self) -> float:
        """The learning rate for epoch `last_epoch`."""
        raise NotImplementedError

    def step(self) -> None:
        self.last_epoch += 1
        self.optimizer.lr = self._scheduled()

    def _scheduled(self) -> float:
        """`get_lr`, checked: a NaN, negative or non-number rate is refused naming the epoch."""
        lr = self.get_lr()
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not 0.0 <= lr < math.inf:
            raise ValueError(f"{type(self).__name__}: the learning rate for epoch "
                             f"{self.last_epoch} is {lr!r}; it must be a finite number >= 0")
        return float(lr)

    def get_last_lr(self) -> list[float]:
        """The current learning rate, in a list as PyTorch returns it (one per group)."""
        return [self.optimizer.lr]


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs:
    ``lr = base_lr * gamma ** (epoch // step_size)``."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive int, not {step_size!r}")
        self.step_size = step_size
        self.gamma = _check("gamma", gamma)
        super().__init__(optimizer)

    def get_lr(self) -> float:
        return self.base_lr * self.gamma ** (self.last_epoch // self.step_size)


class LambdaLR(LRScheduler):
    """``lr = base_lr * lr_lambda(epoch)``; e.g. micrograd's demo decays linearly with
    ``LambdaLR(opt, lambda epoch: 1.0 - 0.9 * epoch / 100)``."""

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float]) -> None:
        if not callable(lr_lambda):
            raise TypeError("LambdaLR: lr_lambda must be a function of the epoch")
        self.lr_lambda = lr_lambda
        super().__init__(optimizer)

    def get_lr(self) -> float:
        factor = self.lr_lambda(self.last_epoch)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)):
            raise ValueError(f"LambdaLR: lr_lambda gave {factor!r} for epoch {self.last_epoch}; "
                             "it must give a number (the factor of the initial rate)")
        return self.base_lr * factor
