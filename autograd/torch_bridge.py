"""The bridge between an `autograd.nn.MLP` and PyTorch, in plain numbers.

`MLP.to_torch` and `MLP.from_torch` are the doors; this module does the PyTorch side of both,
on plain data (each layer's ``weight`` ``[out][in]``, ``bias`` ``[out]`` and the activation
after it), so it needs nothing from the model's classes. torch is optional: it is imported
here, when a conversion is asked for, never before.

`read_sequential` refuses what an MLP cannot represent and names it: another kind of module
(``Dropout``, ``BatchNorm1d``, a nested ``Sequential``), a subclass with its own ``forward``,
a module with forward hooks, complex or non-float weights, weights without values (the meta
device), a ``Linear`` without bias, two kinds of activation, an activation after the last
``Linear``, sizes that do not chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

__all__ = ["SUPPORTED", "TORCH_ACTIVATIONS", "LinearLayer", "import_torch", "read_sequential",
           "to_sequential"]

TORCH_ACTIVATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "relu": ("ReLU", {}),
    "tanh": ("Tanh", {}),
    "sigmoid": ("Sigmoid", {}),
    "leaky_relu": ("LeakyReLU", {"negative_slope": 0.01}),
}
"""Our activation name -> the ``torch.nn`` module and the arguments that make it the same."""

SUPPORTED = "Linear, ReLU, Tanh, Sigmoid, LeakyReLU(negative_slope=0.01)"


class LinearLayer(NamedTuple):
    """One fully connected layer in plain numbers, as ``torch.nn.Linear`` stores it, and the
    activation after it (``'linear'`` for none)."""

    weight: list[list[float]]  # [out][in]
    bias: list[float]  # [out]
    activation: str


def import_torch(where: str) -> Any:
    """The torch module, or an ImportError that says how to install it."""
    try:
        import torch
    except ImportError:
        raise ImportError(f"{where} needs PyTorch, which is not installed: "
                          "pip install 'autograd-scalar[torch]'") from None
    return torch


def to_sequential(layers: Sequence[LinearLayer]) -> Any:
    """A ``torch.nn.Sequential`` of float64 ``Linear`` layers holding exactly these numbers,
    each followed by its activation module. Draws nothing from torch's random numbers."""
    torch = import_torch("to_torch")
    modules: list[Any] = []
    for layer in layers:
        nout, nin = len(layer.weight), len(layer.weight[0])
        linear = torch.nn.utils.skip_init(torch.nn.Linear, nin, nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(layer.weight, dtype=torch.float64))
            linear.bias.copy_(torch.tensor(layer.bias, dtype=torch.float64))
        modules.append(linear)
        if layer.activation != "linear":
            name, kwargs = TORCH_ACTIVATIONS[layer.activation]
            modules.append(getattr(torch.nn, name)(**kwargs))
    return torch.nn.Sequential(*modules)


def read_sequential(module: Any) -> tuple[list[LinearLayer], str]:
    """The layers of a PyTorch MLP in plain float64 numbers, and the activation between them
    (the last layer's is ``'linear'``); a ValueError names the first thing that does not fit.

    Accepted: a ``torch.nn.Sequential`` of ``Linear`` layers with one kind of activation after
    each hidden one and none after the last, or a single ``Linear``.
    """
    torch = import_torch("from_torch")
    if type(module) is torch.nn.Linear:
        _check_plain(torch, module, "the module")
        module = torch.nn.Sequential(module)
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(f"from_torch: expected a torch.nn.Sequential (or a Linear), not "
                        f"{type(module).__name__}")
    _check_plain(torch, module, "the module")
    linears: list[Any] = []
    gaps: list[tuple[str, str]] = []  # after each hidden Linear: (activation, what it is)
    for i, m in enumerate(module):
        where = f"layer {i} is {_describe(m)}"
        if type(m) is torch.nn.Linear:
            _check_linear(torch, m, i)
            if linears and m.in_features != linears[-1].out_features:
                raise ValueError(f"from_torch: {where}, but the layer before gives "
                                 f"{linears[-1].out_features} outputs")
            if len(gaps) < len(linears):
                gaps.append(("linear", f"layer {i - 1} has no activation after it"))
            linears.append(m)
            continue
        name = _activation(torch, m)
        if name is None:
            raise ValueError(f"from_torch: {where}; supported: {SUPPORTED}")
        _check_plain(torch, m, f"layer {i} ({_describe(m)})")
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
    activation = gaps[0][0] if gaps else "linear"
    layers = [LinearLayer(lin.weight.detach().to(torch.float64).tolist(),
                          lin.bias.detach().to(torch.float64).tolist(),
                          activation if k < len(linears) - 1 else "linear")
              for k, lin in enumerate(linears)]
    return layers, activation


def _check_plain(torch: Any, m: Any, what: str) -> None:
    """Refuse what changes a module's computation behind its type: a subclass of a
    ``Sequential`` with its own ``forward``, and forward hooks."""
    kind = type(m)
    if kind.forward is not torch.nn.Sequential.forward and isinstance(m, torch.nn.Sequential):
        raise ValueError(f"from_torch: {what} is {kind.__name__}, a Sequential with its own "
                         "forward(), which an MLP cannot represent (it computes the plain "
                         "stack of its layers); pass torch.nn.Sequential(*module) if the plain "
                         "stack is what you mean")
    hooks = [name for name in ("_forward_pre_hooks", "_forward_hooks")
             if getattr(m, name, None)]
    if hooks:
        kind_of = "pre-hook" if hooks == ["_forward_pre_hooks"] else "hook"
        raise ValueError(f"from_torch: {what} has a forward {kind_of}, which an MLP cannot "
                         "represent (the MLP would compute without it)")


def _check_linear(torch: Any, m: Any, i: int) -> None:
    """Layer `i` is a Linear an MLP can hold: no hooks, a bias, real floating-point weights
    that have values."""
    _check_plain(torch, m, f"layer {i} ({_describe(m)})")
    where = f"layer {i} is {_describe(m)}"
    if m.bias is None:
        raise ValueError(f"from_torch: {where}; an MLP's neurons have biases")
    for name in ("weight", "bias"):
        tensor = getattr(m, name)
        if tensor.is_complex():
            raise ValueError(f"from_torch: {where}, whose {name} is complex ({tensor.dtype}); "
                             "an MLP holds real numbers, and keeping only the real part would "
                             "change what the layer computes")
        if not tensor.is_floating_point():
            raise ValueError(f"from_torch: {where}, whose {name} has dtype {tensor.dtype}; "
                             "expected floating-point numbers")
        if tensor.is_meta:
            raise ValueError(f"from_torch: {where}, whose {name} is on the meta device and "
                             "holds no values; give the module its weights first")


def _activation(torch: Any, m: Any) -> str | None:
    """Our name of the activation module `m`, or None if it is not one we have."""
    for name, (kind, kwargs) in TORCH_ACTIVATIONS.items():
        if type(m) is getattr(torch.nn, kind) and all(
                getattr(m, k) == v for k, v in kwargs.items()):
            return name
    return None


def _describe(m: Any) -> str:
    """``Dropout``, ``Linear(bias=False)``, ``LeakyReLU(negative_slope=0.2)``: for messages."""
    name = type(m).__name__
    if name == "Linear" and getattr(m, "bias", 0) is None:
        return "Linear(bias=False)"
    if name == "Linear":
        return f"Linear({m.in_features}, {m.out_features})"
    if name == "LeakyReLU":
        return f"LeakyReLU(negative_slope={m.negative_slope})"
    return name
