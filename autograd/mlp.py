"""The modules of `autograd.nn`: `Parameter`, `Neuron`, `Layer`, `MLP`, and their base `Module`.

Plain classes, micrograd's constructors and PyTorch's methods (``parameters``,
``named_parameters``, ``zero_grad``, ``state_dict``, ``load_state_dict``); `autograd.nn`
re-exports them and its docstring is the guide, including why the default activation is tanh.
Each neuron call makes one fused `dot` node and, unless the neuron is linear, one activation
node.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .core import Operand, Value
from .fused import dot, linear
from .torch_bridge import LinearLayer, read_sequential, to_sequential

__all__ = ["ACTIVATIONS", "MLP", "Layer", "Module", "Neuron", "Parameter", "StateDict"]

ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "leaky_relu": Value.leaky_relu,  # slope 0.01, PyTorch's default
    "linear": None,
}
"""The activations by name: the Value method applied after a neuron's dot product (None for
``'linear'``: no extra node). ``'tanh'`` is the default of `Neuron`, `Layer` and `MLP`."""


class Parameter(Value):
    """A weight or bias: a leaf Value that knows what ``owner`` it belongs to (its neuron),
    PyTorch's ``nn.Parameter``. `autograd.draw` reads the owner to group a model's nodes."""

    __slots__ = ("owner",)

    def __init__(self, data: float, label: str = "", owner: Any = None) -> None:
        super().__init__(data, label)
        self.owner = owner


StateDict = dict[str, Any]
"""name -> a float, a list of floats, or a list of lists of floats."""

_Tensors = dict[str, Any]  # name -> a Value or (nested) lists of Values, same layout as StateDict


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
        if isinstance(value, Value):
            raise ValueError(f"load_state_dict: {where} is a Value; expected a plain number "
                             "(its .data)")
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
        activation: str = "tanh",
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
        activation: str = "tanh",
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

    Hidden layers use `activation`: ``'tanh'`` (the default, as in micrograd's lecture),
    ``'relu'`` (micrograd's ``nn.py``), ``'sigmoid'``, ``'leaky_relu'`` or ``'linear'``; why
    tanh is the default is in `autograd.nn`. The last layer is linear, so the model outputs raw
    scores (logits). Calling it on a list of ``nin`` floats or Values returns a Value when the
    last layer has one output, else a list of Values. Layers are labeled ``L1``, ``L2``, ...
    """

    __slots__ = ("nin", "nouts", "activation", "layers")

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "tanh",
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
        return to_sequential([
            LinearLayer([[w.data for w in n.w] for n in layer.neurons],
                        [n.b.data for n in layer.neurons], layer.activation)
            for layer in self.layers])

    @classmethod
    def from_torch(cls, module: Any) -> MLP:
        """An MLP with the weights of a PyTorch network: a ``torch.nn.Sequential`` of
        ``Linear`` layers with one kind of activation between them and none after the last
        (``Linear(2, 16), Tanh(), Linear(16, 1)``), or a single ``Linear``. Weights of any
        real floating-point dtype are read as float64.

        What an MLP cannot represent is refused with a `ValueError` naming it: other modules
        (``Dropout``, ``BatchNorm1d``), a ``Sequential`` subclass with its own ``forward``,
        forward hooks, complex weights, two kinds of activation, an activation after the last
        ``Linear``, a ``Linear`` without bias, sizes that do not chain.
        """
        layers, activation = read_sequential(module)
        sizes = [len(layers[0].weight[0]), *(len(layer.weight) for layer in layers)]
        model = cls(sizes[0], sizes[1:], activation, seed=0)
        state: StateDict = {}
        for i, layer in enumerate(layers, 1):
            state[f"L{i}.weight"] = layer.weight
            state[f"L{i}.bias"] = layer.bias
        try:
            model.load_state_dict(state)
        except ValueError as e:
            raise ValueError(f"from_torch: {str(e).removeprefix('load_state_dict: ')}") from None
        return model
