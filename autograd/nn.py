"""Neurons, layers, multi-layer perceptrons, losses, and saving a model to JSON.

A thin layer of plain classes on top of the engine, micrograd-style::

    model = MLP(2, [16, 16, 1], activation='tanh')  # 2 inputs, hidden layers of 16, 1 output
    out = model([1.0, -2.0])    # a Value (a list of Values when there are several outputs)
    out.backward()

Each neuron call makes **one** fused `dot` node (``w1*x1 + ... + wn*xn + b``) and, unless it is
linear, one activation node, so graphs stay small and backward stays fast. Everything is labeled:
parameters ``L1.N3.w2`` and ``L1.N3.b`` (layer, neuron and weight counted from 1), the dot node
``L1.N3.z``, the activation node ``L1.N3.out`` (a linear neuron's dot node is ``L1.N3.out``).

Weights and biases are leaves whose ``owner`` is their neuron, and a neuron knows its
``position`` (layer, neuron) in its model. That structure, not the labels, is what
`autograd.draw` reads to group and collapse a model's nodes, so renaming a label changes nothing
but the text.

The default activation is tanh, the one micrograd's lecture builds its neurons with;
``activation='relu'`` gives micrograd's ``nn.MLP`` (ReLU hidden layers, a linear last layer).
The lecture trains ``MLP(3, [4, 4, 1])`` on four samples with 20 steps of plain gradient descent
(learning rate 0.05, loss the sum of squared errors). With tanh, 994 of 1,000 random
initialisations end below a loss of 0.1 and no parameter is left without gradient. With ReLU,
about 60% end above 0.5 and a median 18 of the 41 parameters have a zero gradient: a ReLU neuron
that is negative on all four samples passes no gradient, so it never recovers, and in layers of
four neurons that is common. No initialisation we measured fixes that (micrograd's, Kaiming's,
positive biases, smaller weights, a zero last layer: the best still left more than one run in
eight above 0.5): with the lecture's inputs (up to 3) and learning rate, ReLU's steps are large
enough to kill neurons or overshoot, while tanh saturates and stays bounded. Wider networks
trained with Adam, like the two-moons examples, learn faster with ReLU: pass
``activation='relu'`` there. ``MLP(nin, nouts)`` keeps micrograd's signature, and micrograd's
own moons loop trains with either activation.

Initialisation is the one `torch.nn.Linear` uses by default: every weight and bias is drawn from
uniform(-1/sqrt(nin), 1/sqrt(nin)), where nin is the neuron's number of inputs (micrograd draws
weights from uniform(-1, 1) and starts biases at 0). Pass ``seed=`` (or a `random.Random` as
``rng=``) for the same numbers every time; with neither, the global `random` module is used, so
``random.seed(1337)`` before building a model works as it does with micrograd.

Losses (`autograd.losses`) follow PyTorch's names and definitions with ``reduction='mean'``;
each accepts one sample or a batch (a list), and checks that predictions and targets line up.
`save` and `load` (`autograd.saving`) write a model to versioned JSON and read it back.

When you outgrow scalars, ``model.to_torch()`` gives the same network as a
``torch.nn.Sequential`` (float64, the same weights), and ``MLP.from_torch(module)`` brings one
back (`autograd.torch_bridge`, which refuses what an MLP cannot represent); torch is needed only
for these two (``pip install 'autograd-scalar[torch]'``).

Every name here is defined in one of those modules, `autograd.mlp` for the classes; import them
from `autograd.nn`.
"""

from __future__ import annotations

from .losses import (
    Nested,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    l1_loss,
    mse_loss,
    softmax,
)
from .mlp import ACTIVATIONS, MLP, Layer, Module, Neuron, Parameter, StateDict
from .saving import FORMAT, MAX_BYTES, VERSION, load, save

__all__ = [
    "ACTIVATIONS",
    "FORMAT",
    "MAX_BYTES",
    "MLP",
    "VERSION",
    "Layer",
    "Module",
    "Nested",
    "Neuron",
    "Parameter",
    "StateDict",
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
