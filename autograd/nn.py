"""Neurons, layers, multi-layer perceptrons, losses, and saving a model to JSON.

A thin layer of plain classes on top of the engine, micrograd-style::

    model = MLP(2, [16, 16, 1])          # 2 inputs, two hidden layers of 16, one output
    out = model([1.0, -2.0])             # a Value (a list of Values when there are several outputs)
    out.backward()

Each neuron call makes **one** fused `dot` node (``w1*x1 + ... + wn*xn + b``) and, unless it is
linear, one activation node, so graphs stay small and backward stays fast. Everything is labeled:
parameters ``L1.N3.w2`` and ``L1.N3.b`` (layer, neuron and weight counted from 1), the dot node
``L1.N3.z``, the activation node ``L1.N3.out`` (a linear neuron's dot node is ``L1.N3.out``).

Weights and biases are leaves whose ``owner`` is their neuron, and a neuron knows its
``position`` (layer, neuron) in its model. That structure, not the labels, is what
`autograd.draw` reads to group and collapse a model's nodes, so renaming a label changes nothing
but the text.

Initialisation is the one `torch.nn.Linear` uses by default: every weight and bias is drawn from
uniform(-1/sqrt(nin), 1/sqrt(nin)), where nin is the neuron's number of inputs (micrograd draws
weights from uniform(-1, 1) and starts biases at 0). Pass ``seed=`` (or a `random.Random` as
``rng=``) for the same numbers every time; with neither, the global `random` module is used, so
``random.seed(1337)`` before building a model works as it does with micrograd.

Losses follow PyTorch's names and definitions with ``reduction='mean'``; each accepts one sample
or a batch (a list), and checks that predictions and targets line up.

When you outgrow scalars, ``model.to_torch()`` gives the same network as a
``torch.nn.Sequential`` (float64, the same weights), and ``MLP.from_torch(module)`` brings one
back; torch is needed only for these two (``pip install 'autograd-scalar[torch]'``).
"""

from __future__ import annotations

import json
import math
import numbers
import os
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from . import fused
from .core import Operand, Value
from .files import write_atomic
from .fused import dot, linear

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "Layer",
    "Module",
    "Neuron",
    "Parameter",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge_loss",
    "l1_loss",
    "load",
    "mse_loss",
    "save",
    "softmax",
]

# name -> the Value method applied after the dot product (None: linear, no extra node).
ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "leaky_relu": Value.leaky_relu,  # slope 0.01, PyTorch's default
    "linear": None,
}

class Parameter(Value):
    """A weight or bias: a leaf Value that knows what ``owner`` it belongs to (its neuron),
    PyTorch's ``nn.Parameter``. `autograd.draw` reads the owner to group a model's nodes."""

    __slots__ = ("owner",)

    def __init__(self, data: float, label: str = "", owner: Any = None) -> None:
        super().__init__(data, label)
        self.owner = owner


Nested = Operand | Sequence["Nested"]
"""A number or Value, or (nested) lists of them: one sample or a batch."""

StateDict = dict[str, Any]
"""name -> a float, a list of floats, or a list of lists of floats."""

_Tensors = dict[str, Any]  # name -> a Value or (nested) lists of Values, same layout as StateDict


# ---------------------------------------------------------------------------------------------
# Modules


class Module:
    """Base class: anything with parameters. Subclasses define `named_parameters` and
    ``_tensors`` (the state-dict layout with Values in place of floats)."""

    __slots__ = ()

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, parameter) pairs, in the order `parameters` gives."""
        raise NotImplementedError

    def _tensors(self) -> _Tensors:
        raise NotImplementedError

    def parameters(self) -> list[Value]:
        """The parameters: layer by layer, neuron by neuron, weights then bias."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (gradients accumulate across backward calls)."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> StateDict:
        """The parameters' values as plain floats, laid out like PyTorch's ``Linear``: for each
        layer ``weight`` ``[out][in]`` and ``bias`` ``[out]`` (an MLP prefixes them:
        ``L1.weight``)."""
        return {name: _to_floats(t) for name, t in self._tensors().items()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Copy values from `state` (as `state_dict` returns it) into the parameters.

        Everything is checked first: the names (missing or unexpected ones), the shapes, and
        that every entry is a finite real number. On any error a `ValueError` (or `TypeError`)
        says what is wrong and the model is left exactly as it was.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict: expected a dict, not {type(state).__name__}")
        tensors = self._tensors()
        missing = [k for k in tensors if k not in state]
        unexpected = [k for k in state if k not in tensors]
        if missing or unexpected:
            parts = [f"missing keys {missing}"] if missing else []
            parts += [f"unexpected keys {unexpected}"] if unexpected else []
            raise ValueError(f"load_state_dict: {'; '.join(parts)}; expected {list(tensors)}")
        updates: list[tuple[Value, float]] = []
        for name, target in tensors.items():
            _collect(state[name], target, name, updates)
        for p, x in updates:
            p.data = x


def _to_floats(t: Any) -> Any:
    return t.data if isinstance(t, Value) else [_to_floats(x) for x in t]


def _collect(value: Any, target: Any, where: str, out: list[tuple[Value, float]]) -> None:
    """Check `value` against the layout of `target` (Values in lists); gather the updates."""
    if hasattr(value, "tolist"):  # numpy arrays, torch tensors
        value = value.tolist()
    if isinstance(target, Value):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(
                f"load_state_dict: {where} is {type(value).__name__} {value!r:.40}; "
                "expected a number"
            )
        x = float(value)
        if not math.isfinite(x):
            raise ValueError(f"load_state_dict: {where} is {x!r}; expected a finite number")
        out.append((target, x))
        return
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ValueError(
            f"load_state_dict: {where} is {type(value).__name__}; "
            f"expected a list of {len(target)}"
        )
    if len(value) != len(target):
        raise ValueError(
            f"load_state_dict: {where} has {len(value)} entries; expected {len(target)}"
        )
    for i, (v, t) in enumerate(zip(value, target, strict=True)):
        _collect(v, t, f"{where}[{i}]", out)


def _uniform(seed: int | None, rng: random.Random | None) -> Callable[[float, float], float]:
    if seed is not None and rng is not None:
        raise ValueError("give seed= or rng=, not both")
    if rng is not None:
        return rng.uniform
    return random.Random(seed).uniform if seed is not None else random.uniform


def _check_args(where: str, nin: int, activation: str) -> None:
    if isinstance(nin, bool) or not isinstance(nin, int) or nin < 1:
        raise ValueError(f"{where}: nin must be a positive int, not {nin!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"{where}: unknown activation {activation!r}; choose one of {list(ACTIVATIONS)}"
        )


class Neuron(Module):
    """``activation(w1*x1 + ... + wn*xn + b)``: one `dot` node plus one activation node.

    ``name`` prefixes the labels: ``Neuron(2, name='L1.N3')`` has parameters ``L1.N3.w1``,
    ``L1.N3.w2``, ``L1.N3.b``; a neuron without a name has ``w1``, ``w2``, ``b``.
    """

    __slots__ = ("nin", "activation", "name", "position", "w", "b", "_act", "_z_label",
                 "_out_label")

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        *,
        name: str = "",
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        _check_args("Neuron", nin, activation)
        uniform = _uniform(seed, rng)
        bound = 1.0 / math.sqrt(nin)
        prefix = f"{name}." if name else ""
        self.nin = nin
        self.activation = activation
        self.name = name
        self.position: tuple[int, int] | None = None  # (layer, neuron) inside a model
        self.w = [Parameter(uniform(-bound, bound), f"{prefix}w{k}", owner=self)
                  for k in range(1, nin + 1)]
        self.b = Parameter(uniform(-bound, bound), f"{prefix}b", owner=self)
        self._act = ACTIVATIONS[activation]
        # Labels are made once here, not on every call.
        self._z_label = prefix + ("out" if self._act is None else "z")
        self._out_label = prefix + "out"

    def __call__(self, x: Sequence[Operand]) -> Value:
        z: Value = dot(self.w, x, self.b)
        z.label = self._z_label
        act = self._act
        if act is None:
            return z
        out = act(z)
        out.label = self._out_label
        return out

    def named_parameters(self) -> list[tuple[str, Value]]:
        prefix = f"{self.name}." if self.name else ""
        pairs = [(f"{prefix}w{k}", w) for k, w in enumerate(self.w, 1)]
        return [*pairs, (f"{prefix}b", self.b)]

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def _tensors(self) -> _Tensors:
        prefix = f"{self.name}." if self.name else ""
        return {f"{prefix}weight": self.w, f"{prefix}bias": self.b}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons that each see the same ``nin`` inputs (a fully connected layer).

    Calling it returns a list of Values, or a single Value when ``nout == 1`` (as micrograd).
    ``name`` prefixes the labels: ``Layer(2, 3, name='L1')`` has neurons ``L1.N1`` .. ``L1.N3``.
    """

    __slots__ = ("nin", "nout", "activation", "name", "neurons", "_number")

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        *,
        name: str = "",
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        _check_args("Layer", nin, activation)
        if isinstance(nout, bool) or not isinstance(nout, int) or nout < 1:
            raise ValueError(f"Layer: nout must be a positive int, not {nout!r}")
        if rng is None:
            rng = random.Random(seed) if seed is not None else None
        elif seed is not None:
            raise ValueError("Layer: give seed= or rng=, not both")
        prefix = f"{name}." if name else ""
        self.nin, self.nout, self.activation, self.name = nin, nout, activation, name
        self.neurons = [
            Neuron(nin, activation, name=f"{prefix}N{j}", rng=rng) for j in range(1, nout + 1)
        ]
        self.number = 1  # the layer's place in its model, from 1 (an MLP renumbers)

    @property
    def number(self) -> int:
        """The layer's place in its model, from 1; its neurons' ``position`` follows it."""
        return self._number

    @number.setter
    def number(self, i: int) -> None:
        self._number = i
        for j, n in enumerate(self.neurons, 1):
            n.position = (i, j)

    def __call__(self, x: Sequence[Operand]) -> Value | list[Value]:
        out = self._forward(x)
        return out[0] if len(out) == 1 else out

    def _forward(self, x: Sequence[Operand]) -> list[Value]:
        """All neurons at once: `autograd.linear` handles the shared inputs once per call."""
        neurons = self.neurons
        zs = linear([n.w for n in neurons], x, [n.b for n in neurons])
        for i, (n, z) in enumerate(zip(neurons, zs, strict=True)):
            z.label = n._z_label
            act = n._act
            if act is not None:
                z = zs[i] = act(z)
                z.label = n._out_label
        return zs

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [pair for n in self.neurons for pair in n.named_parameters()]

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in (*n.w, n.b)]

    def _tensors(self) -> _Tensors:
        prefix = f"{self.name}." if self.name else ""
        return {
            f"{prefix}weight": [n.w for n in self.neurons],
            f"{prefix}bias": [n.b for n in self.neurons],
        }

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` has layers 2->16, 16->16, 16->1.

    Hidden layers use `activation` (``'relu'``, ``'tanh'``, ``'sigmoid'``, ``'leaky_relu'`` or
    ``'linear'``); the last layer is linear, so the model outputs raw scores (logits). Calling it
    on a list of ``nin`` floats or Values returns a Value when the last layer has one output,
    else a list of Values. Layers are labeled ``L1``, ``L2``, ...
    """

    __slots__ = ("nin", "nouts", "activation", "layers")

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        *,
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        _check_args("MLP", nin, activation)
        nouts = list(nouts)
        if not nouts:
            raise ValueError("MLP: nouts must list at least one layer size, e.g. [16, 1]")
        if rng is None:
            rng = random.Random(seed) if seed is not None else None
        elif seed is not None:
            raise ValueError("MLP: give seed= or rng=, not both")
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.nin, self.nouts, self.activation = nin, nouts, activation
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < last else "linear",
                  name=f"L{i + 1}", rng=rng)
            for i in range(len(nouts))
        ]
        for i, layer in enumerate(self.layers, 1):
            layer.number = i

    def __call__(self, x: Sequence[Operand]) -> Value | list[Value]:
        if len(x) != self.nin:
            raise ValueError(f"MLP: expected {self.nin} inputs, got {len(x)}")
        for layer in self.layers:
            x = layer._forward(x)
        return x[0] if len(x) == 1 else x  # type: ignore[return-value]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [pair for layer in self.layers for pair in layer.named_parameters()]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def _tensors(self) -> _Tensors:
        return {k: v for layer in self.layers for k, v in layer._tensors().items()}

    def __repr__(self) -> str:
        return f"MLP({self.nin}, {self.nouts}, activation={self.activation!r})"

    def to_torch(self) -> Any:
        """The same network in PyTorch: a ``torch.nn.Sequential`` of ``Linear`` layers (float64,
        the same weights and biases) with the activation module after each hidden one, for
        when you outgrow scalars. Needs torch (``pip install 'autograd-scalar[torch]'``).

        The module's outputs equal this model's (to rounding); nothing is shared, so training
        one leaves the other alone. `from_torch` goes the other way.
        """
        torch = _import_torch("to_torch")
        modules: list[Any] = []
        for layer in self.layers:
            linear = torch.nn.utils.skip_init(torch.nn.Linear, layer.nin, layer.nout,
                                              dtype=torch.float64)  # no draw from torch's RNG
            weight = [[w.data for w in n.w] for n in layer.neurons]
            bias = [n.b.data for n in layer.neurons]
            with torch.no_grad():
                linear.weight.copy_(torch.tensor(weight, dtype=torch.float64))
                linear.bias.copy_(torch.tensor(bias, dtype=torch.float64))
            modules.append(linear)
            if layer.activation != "linear":
                name, kwargs = _TORCH_ACTIVATIONS[layer.activation]
                modules.append(getattr(torch.nn, name)(**kwargs))
        return torch.nn.Sequential(*modules)

    @classmethod
    def from_torch(cls, module: Any) -> MLP:
        """An MLP with the weights of a PyTorch network: a ``torch.nn.Sequential`` of
        ``Linear`` layers with one kind of activation between them and none after the last
        (``Linear(2, 16), Tanh(), Linear(16, 1)``), or a single ``Linear``. Weights of any
        float dtype are read as float64.

        Anything else is refused with a `ValueError` naming the layer: other modules
        (``Dropout``, ``BatchNorm1d``), two kinds of activation, an activation after the last
        ``Linear``, a ``Linear`` without bias, sizes that do not chain.
        """
        torch = _import_torch("from_torch")
        linears, activation = _torch_layers(torch, module)
        sizes = [linears[0].in_features, *(lin.out_features for lin in linears)]
        model = cls(sizes[0], sizes[1:], activation, seed=0)
        state = {}
        for i, lin in enumerate(linears, 1):
            state[f"L{i}.weight"] = lin.weight.detach().to(torch.float64).tolist()
            state[f"L{i}.bias"] = lin.bias.detach().to(torch.float64).tolist()
        try:
            model.load_state_dict(state)
        except ValueError as e:
            raise ValueError(f"from_torch: {str(e).removeprefix('load_state_dict: ')}") from None
        return model


# ---------------------------------------------------------------------------------------------
# The bridge to PyTorch (torch is optional: imported only here)

_TORCH_ACTIVATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "relu": ("ReLU", {}),
    "tanh": ("Tanh", {}),
    "sigmoid": ("Sigmoid", {}),
    "leaky_relu": ("LeakyReLU", {"negative_slope": 0.01}),
}
_SUPPORTED = "Linear, ReLU, Tanh, Sigmoid, LeakyReLU(negative_slope=0.01)"


def _import_torch(where: str) -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(f"{where} needs PyTorch, which is not installed: "
                          "pip install 'autograd-scalar[torch]'") from None
    return torch


def _torch_activation(torch: Any, m: Any) -> str | None:
    """Our name of the activation module `m`, or None if it is not one we have."""
    for name, (kind, kwargs) in _TORCH_ACTIVATIONS.items():
        if type(m) is getattr(torch.nn, kind) and all(
                getattr(m, k) == v for k, v in kwargs.items()):
            return name
    return None


def _torch_layers(torch: Any, module: Any) -> tuple[list[Any], str]:
    """The Linear layers of a PyTorch MLP and the activation between them, or a ValueError
    naming the first layer that does not fit."""
    if isinstance(module, torch.nn.Linear):
        module = torch.nn.Sequential(module)
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(f"from_torch: expected a torch.nn.Sequential (or a Linear), not "
                        f"{type(module).__name__}")
    linears: list[Any] = []
    gaps: list[tuple[str, str]] = []  # after each hidden Linear: (activation, what it is)
    for i, m in enumerate(module):
        where = f"layer {i} is {_describe_module(m)}"
        if type(m) is torch.nn.Linear:
            if m.bias is None:
                raise ValueError(f"from_torch: {where}; an MLP's neurons have biases")
            if linears and m.in_features != linears[-1].out_features:
                raise ValueError(f"from_torch: {where}, but the layer before gives "
                                 f"{linears[-1].out_features} outputs")
            if len(gaps) < len(linears):
                gaps.append(("linear", f"layer {i - 1} has no activation after it"))
            linears.append(m)
            continue
        name = _torch_activation(torch, m)
        if name is None:
            raise ValueError(f"from_torch: {where}; supported: {_SUPPORTED}")
        if len(gaps) == len(linears):
            raise ValueError(f"from_torch: {where}, which does not follow a Linear; an MLP "
                             "has one activation after each hidden Linear")
        gaps.append((name, where))
    if not linears:
        raise ValueError("from_torch: the module has no Linear layer")
    if len(gaps) == len(linears):
        raise ValueError(f"from_torch: {gaps[-1][1]}, after the last Linear; an MLP's last "
                         "layer is linear (apply the activation to its output yourself)")
    for name, what in gaps:
        if name != gaps[0][0]:
            raise ValueError(f"from_torch: {gaps[0][1]} but {what}; an MLP has the same "
                             "activation after every hidden Linear")
    return linears, gaps[0][0] if gaps else "linear"


def _describe_module(m: Any) -> str:
    """``Dropout``, ``Linear(bias=False)``, ``LeakyReLU(negative_slope=0.2)``: for messages."""
    name = type(m).__name__
    if name == "Linear" and getattr(m, "bias", 0) is None:
        return "Linear(bias=False)"
    if name == "Linear":
        return f"Linear({m.in_features}, {m.out_features})"
    if name == "LeakyReLU":
        return f"LeakyReLU(negative_slope={m.negative_slope})"
    return name


# ---------------------------------------------------------------------------------------------
# Losses (PyTorch's definitions, mean over the elements).


def _is_scalar(x: object) -> bool:
    return isinstance(x, (Value, numbers.Real)) and not isinstance(x, bool)


def _pairs(pred: Nested, target: Nested, op: str) -> tuple[list[Value], list[Operand]]:
    """Flatten `pred` and `target`, which must have the same (nested) layout; plain numbers
    in `pred` become Values."""
    ps: list[Value] = []
    ts: list[Operand] = []

    def walk(p: Any, t: Any, where: str) -> None:
        p_scalar, t_scalar = _is_scalar(p), _is_scalar(t)
        if p_scalar and t_scalar:
            ps.append(p if isinstance(p, Value) else Value(p))
            ts.append(t)
            return
        for name, x, scalar in (("pred", p, p_scalar), ("target", t, t_scalar)):
            if not scalar and (isinstance(x, (str, bytes)) or not isinstance(x, Sequence)):
                raise TypeError(f"{op}: {name}{where} is a {type(x).__name__}; "
                                "expected a number, a Value or a list")
        if p_scalar or t_scalar:
            raise ValueError(f"{op}: pred{where} and target{where} differ in shape (one is "
                             f"a number, the other a list of {len(t if p_scalar else p)})")
        if len(p) != len(t):
            raise ValueError(f"{op}: pred{where} has {len(p)} items but target{where} "
                             f"has {len(t)}")
        for i, (pi, ti) in enumerate(zip(p, t, strict=True)):
            walk(pi, ti, f"{where}[{i}]")

    walk(pred, target, "")
    if not ps:
        raise ValueError(f"{op}: empty input")
    return ps, ts


def _mean(terms: Sequence[Operand]) -> Value:
    if len(terms) == 1 and isinstance(terms[0], Value):  # one sample: no sum and / 1 nodes
        return terms[0]
    total: Value = fused.sum(terms)
    return total / len(terms)


def mse_loss(pred: Nested, target: Nested) -> Value:
    """Mean squared error, mean over all elements of ``(pred - target) ** 2``."""
    ps, ts = _pairs(pred, target, "mse_loss")
    return _mean([(p - t) ** 2 for p, t in zip(ps, ts, strict=True)])


def l1_loss(pred: Nested, target: Nested) -> Value:
    """Mean absolute error, mean of ``|pred - target|`` (derivative 0 where they are equal)."""
    ps, ts = _pairs(pred, target, "l1_loss")
    return _mean([abs(p - t) for p, t in zip(ps, ts, strict=True)])


def _clamped_log(x: Value) -> Value | float:
    """log(x) clamped below at -100, as PyTorch's binary_cross_entropy does."""
    if x.data > 0.0:
        lx = x.log()
        if lx.data >= -100.0:
            return lx
    return -100.0


def binary_cross_entropy(p: Nested, y: Nested) -> Value:
    """``-(y log p + (1 - y) log(1 - p))``, mean; p are probabilities in [0, 1].

    Each log is clamped at -100, as in PyTorch, so p = 0 or 1 gives a large finite loss
    (100 per element) instead of infinity. A clamped log passes no gradient here (PyTorch's
    hand-written backward gives a huge one instead); elsewhere the gradients agree.
    """
    ps, ys = _pairs(p, y, "binary_cross_entropy")
    terms = []
    for i, (pv, yi) in enumerate(zip(ps, ys, strict=True)):
        if not 0.0 <= pv.data <= 1.0:
            where = f" ({pv.label!r})" if pv.label else ""
            raise ValueError(f"binary_cross_entropy: p[{i}] = {pv.data!r}{where} is not in "
                             "[0, 1]; pass probabilities (e.g. sigmoid outputs), or use "
                             "binary_cross_entropy_with_logits on raw scores")
        terms.append(-(yi * _clamped_log(pv) + (1.0 - yi) * _clamped_log(1.0 - pv)))
    return _mean(terms)


def binary_cross_entropy_with_logits(z: Nested, y: Nested) -> Value:
    """`binary_cross_entropy` of ``sigmoid(z)``, computed stably from the logits z:
    ``(1 - y) z + log(1 + exp(-z))``, with ``log(1 + exp(-z))`` written so exp never overflows."""
    zs, ys = _pairs(z, y, "binary_cross_entropy_with_logits")
    terms = []
    for zv, yi in zip(zs, ys, strict=True):
        if zv.data >= 0.0:  # log(1 + exp(-z))
            softplus = ((-zv).exp() + 1.0).log()
        else:  # the same, as -z + log(1 + exp(z))
            softplus = (zv.exp() + 1.0).log() - zv
        terms.append((1.0 - yi) * zv + softplus)
    return _mean(terms)


def _logits_rows(logits: Sequence[Any], op: str) -> list[Sequence[Operand]]:
    if isinstance(logits, (str, bytes)) or not isinstance(logits, Sequence) or not logits:
        raise ValueError(f"{op}: logits must be a non-empty list of Values (one sample) "
                         "or of lists (a batch)")
    rows = [logits] if _is_scalar(logits[0]) else list(logits)
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence) or not row:
            raise ValueError(f"{op}: row {i} of the logits is not a non-empty list")
    return rows


def softmax(values: Sequence[Operand]) -> list[Value]:
    """``exp(v_i) / sum_j exp(v_j)``, with the largest value subtracted first (no overflow)."""
    if not all(map(_is_scalar, values)) or isinstance(values, (str, bytes)) or not values:
        raise ValueError("softmax: expected one non-empty list of numbers or Values, "
                         "not a batch or anything else")
    exps = _shifted_exps(values)
    total = fused.sum(exps)
    return [e / total for e in exps]


def _shifted_exps(row: Sequence[Operand]) -> list[Value]:
    """``exp(v - m)`` for each v in row, m the largest value (a constant, so no node)."""
    m = max(v.data if isinstance(v, Value) else float(v) for v in row)
    return [(v - m).exp() if isinstance(v, Value) else Value(math.exp(float(v) - m))
            for v in row]


def cross_entropy(logits: Sequence[Any], target: int | Sequence[int]) -> Value:
    """``-log softmax(logits)[target]``, mean over a batch; PyTorch's ``cross_entropy``.

    One sample: a list of C logits and a class index; a batch: a list of such lists and a list
    of indices. Computed as ``logsumexp(logits) - logits[target]`` with `autograd.logsumexp`,
    one node that takes the largest logit out first (large logits do not overflow) and whose
    local derivatives are the softmax of the logits: two nodes per sample.
    """
    op = "cross_entropy"
    rows = _logits_rows(logits, op)
    single = _is_scalar(logits[0])
    targets: list[Any] = [target] if single else _as_list(target, op, "target")
    if len(targets) != len(rows):
        raise ValueError(f"{op}: {len(rows)} rows of logits but {len(targets)} targets")
    terms = []
    for i, (row, t) in enumerate(zip(rows, targets, strict=True)):
        if isinstance(t, bool) or not isinstance(t, int) or not 0 <= t < len(row):
            raise ValueError(f"{op}: target {t!r} (sample {i}) is not a class index "
                             f"in 0..{len(row) - 1}")
        terms.append(fused.logsumexp(row) - row[int(t)])
    return _mean(terms)


def _as_list(x: Any, op: str, name: str) -> list[Any]:
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
        raise ValueError(f"{op}: {name} must be a list for a batch, not {type(x).__name__}")
    return list(x)


def hinge_loss(scores: Value | Sequence[Value], y: float | Sequence[float]) -> Value:
    """micrograd's max-margin (SVM) loss: mean of ``relu(1 - y * score)``, labels y = -1 or +1."""
    op = "hinge_loss"
    single = _is_scalar(scores)
    ss: list[Any] = [scores] if single else _as_list(scores, op, "scores")
    ys: list[Any] = [y] if single else _as_list(y, op, "labels")
    if len(ss) != len(ys):
        raise ValueError(f"{op}: {len(ss)} scores but {len(ys)} labels")
    if not ss:
        raise ValueError(f"{op}: empty input")
    terms = []
    for i, (s, yi) in enumerate(zip(ss, ys, strict=True)):
        if yi != 1 and yi != -1:
            raise ValueError(f"{op}: label {yi!r} (sample {i}) must be -1 or +1; "
                             "map 0/1 labels with y = [2 * t - 1 for t in y]")
        if not isinstance(s, Value):
            if not _is_scalar(s):
                raise TypeError(f"{op}: score {i} is a {type(s).__name__}; expected a Value")
            s = Value(float(s))
        terms.append((1.0 - yi * s).relu())
    return _mean(terms)


# ---------------------------------------------------------------------------------------------
# Saving and loading: versioned JSON, nothing executable in the file.

FORMAT = "autograd-scalar.mlp"
VERSION = 1


def save(model: MLP, path: str | os.PathLike[str]) -> None:
    """Write `model` to `path` as JSON, atomically (`autograd.files.write_atomic`: a temporary
    file in the same folder, flushed and fsynced, then renamed over `path`; a crash never leaves
    half a file, an existing file keeps its permissions, a device or FIFO is refused).

    The layout::

        {"format": "autograd-scalar.mlp", "version": 1, "activation": "relu",
         "layers": [{"weight": [[...], ...], "bias": [...]}, ...]}

    Each layer is laid out as `torch.nn.Linear` stores it: ``weight`` ``[out][in]`` (row j
    holds neuron j's weights) and ``bias`` ``[out]``. Floats are written with ``repr``, so
    `load` gets back exactly the same numbers. To continue in PyTorch, ``load(path).to_torch()``
    gives the network as a ``torch.nn.Sequential`` (see `MLP.to_torch`; `MLP.from_torch` comes
    back).
    """
    if not isinstance(model, MLP):
        raise TypeError(f"save: expected an MLP, not {type(model).__name__}")
    for name, p in model.named_parameters():
        if not math.isfinite(p.data):
            raise ValueError(f"save: parameter {name} is {p.data!r}; refusing to save it")
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "activation": model.activation,
        "layers": [
            {"weight": [[w.data for w in n.w] for n in layer.neurons],
             "bias": [n.b.data for n in layer.neurons]}
            for layer in model.layers
        ],
    }
    text = json.dumps(doc, allow_nan=False)
    write_atomic(path, text.encode("utf-8"), what="save")


MAX_BYTES = 20_000_000
"""`load` refuses larger files unless given a larger ``max_bytes`` (a model of a million
parameters is about 20 MB of JSON)."""


def load(path: str | bytes | os.PathLike[str], model: MLP | None = None, *,
         max_bytes: int = MAX_BYTES) -> MLP:
    """Read a model written by `save`: a new `MLP`, or, given ``model=``, its parameters
    replaced in place (the file must then match its sizes and activation).

    A file that is not valid JSON (truncated, say), has another format or version, has the wrong
    shapes, holds anything but finite numbers, is nested absurdly deep, or is larger than
    ``max_bytes`` raises `ValueError` saying what and where; the file is fully checked before
    any parameter changes, so ``model`` stays as it was.
    """
    where = f"load: {os.fsdecode(path) if isinstance(path, (str, bytes)) else os.fspath(path)}"
    with open(path, "rb") as f:
        raw = f.read(max_bytes + 1)
    if len(raw) > max_bytes:
        size = os.stat(path).st_size
        raise ValueError(f"{where}: the file is {size:,} bytes, more than max_bytes="
                         f"{max_bytes:,}; a model file is far smaller (pass max_bytes= to read "
                         "it anyway)")
    try:
        doc = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant, parse_int=float)
    except UnicodeDecodeError as e:
        raise ValueError(f"{where}: not a UTF-8 text file ({e.reason})") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{where}: not valid JSON, the file may be truncated or damaged "
                         f"({e.msg} at line {e.lineno}, column {e.colno})") from None
    except RecursionError:
        raise ValueError(f"{where}: nested too deeply to be a model file") from None
    except ValueError as e:  # NaN or Infinity in the file
        raise ValueError(f"{where}: {e}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"{where}: not an {FORMAT} file (no \"format\": \"{FORMAT}\")")
    version = doc.get("version")
    if version != VERSION or isinstance(version, bool):
        raise ValueError(f"{where}: unsupported version {version!r}; this version of "
                         f"autograd-scalar reads version {VERSION}")
    activation = doc.get("activation")
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(f"{where}: unknown activation {activation!r}; "
                         f"expected one of {list(ACTIVATIONS)}")
    layers = doc.get("layers")
    if not isinstance(layers, list) or not layers:
        raise ValueError(f"{where}: \"layers\" must be a non-empty list")
    sizes: list[int] = []
    state: StateDict = {}
    for i, layer in enumerate(layers, 1):
        if not isinstance(layer, dict) or set(layer) != {"weight", "bias"}:
            raise ValueError(f"{where}: layer {i} must have exactly \"weight\" and \"bias\"")
        weight, bias = layer["weight"], layer["bias"]
        if not isinstance(weight, list) or not weight or not isinstance(weight[0], list):
            raise ValueError(f"{where}: layer {i} weight must be a non-empty list of rows")
        nin = len(weight[0])
        if not sizes:
            sizes.append(nin)
        elif nin != sizes[-1]:
            raise ValueError(f"{where}: layer {i} takes {nin} inputs but layer {i - 1} "
                             f"has {sizes[-1]} outputs")
        if nin == 0:
            raise ValueError(f"{where}: layer {i} weight rows are empty")
        for j, row in enumerate(weight):
            if not isinstance(row, list) or len(row) != nin:
                raise ValueError(f"{where}: layer {i} weight row {j} does not have {nin} "
                                 "entries (weight must be [out][in])")
        sizes.append(len(weight))
        state[f"L{i}.weight"] = weight
        state[f"L{i}.bias"] = bias
    if model is None:
        target = MLP(sizes[0], sizes[1:], activation, seed=0)
    else:
        if not isinstance(model, MLP):
            raise TypeError(f"load: model must be an MLP, not {type(model).__name__}")
        if [model.nin, *model.nouts] != sizes or model.activation != activation:
            raise ValueError(f"{where}: the file holds MLP({sizes[0]}, {sizes[1:]}, "
                             f"activation={activation!r}), not {model!r}")
        target = model
    try:
        target.load_state_dict(state)
    except ValueError as e:
        raise ValueError(f"{where}: {str(e).removeprefix('load_state_dict: ')}") from None
    return target


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a finite number")

