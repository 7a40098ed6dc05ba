"""A short course in backpropagation by hand: six exercises, in order, each a graph with a
one-paragraph introduction and a practice session (`autograd.practice`).

``autograd.exercises()`` lists them, ``autograd.exercise(n)`` gives the n-th (from 1);
``exercise(1).practice().run()`` plays it in a terminal or a notebook, ``autograd practice 1``
on the command line, ``exercise(1).practice().save_html("one.html")`` in a browser. Every
exercise builds its graph anew each time, so a session never sees another's gradients.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .core import Value
from .examples import two_layer_sigmoid
from .fused import logsumexp
from .practice import Practice

__all__ = ["Exercise", "Setup", "exercise", "exercises"]


@dataclass(frozen=True)
class Setup:
    """What an exercise practises on: the root, and the leaves to take one step of gradient
    descent for at the end (with learning rate ``lr``)."""

    root: Value
    update: Sequence[Value] = ()
    lr: float = 0.1


@dataclass(frozen=True)
class Exercise:
    """One exercise: its number in the course, a title, an introduction (what to know before
    starting), and how to build its graph."""

    number: int
    title: str
    introduction: str
    build: Callable[[], Setup] = field(repr=False)

    def graph(self) -> Value:
        """The exercise's graph, built anew (forward pass done, no gradients)."""
        return self.build().root

    def practice(self) -> Practice:
        """A practice session over a new copy of the exercise's graph."""
        setup = self.build()
        return Practice(setup.root, update=setup.update, lr=setup.lr)

    def __str__(self) -> str:
        return f"Exercise {self.number}: {self.title}\n\n{self.introduction}"


def _named(v: Value, label: str) -> Value:
    v.label = label
    return v


def _chain() -> Setup:
    x = Value(2.0, "x")
    v = _named(3 * x, "v")
    u = _named(v + 1, "u")
    return Setup(_named(u**2, "f"))


def _three_variables() -> Setup:
    x1, x2, x3 = Value(3.0, "x1"), Value(4.0, "x2"), Value(2.0, "x3")
    square = _named(x1**2, "x1²")
    terms = [_named(5 * square, "5x1²"), _named(8 * x2, "8x2"), _named(35 * x3, "35x3")]
    return Setup(_named(terms[0] + terms[1] + terms[2] + 30, "y"))


def _neuron() -> Setup:
    x1, x2 = Value(0.5, "x1"), Value(-1.5, "x2")
    w1, w2, b = Value(0.8, "w1"), Value(-0.4, "w2"), Value(0.1, "b")
    z = _named(_named(w1 * x1, "w1x1") + _named(w2 * x2, "w2x2") + b, "z")
    return Setup(_named(z.sigmoid(), "o"))


def _two_layer() -> Setup:
    return Setup(two_layer_sigmoid().E_total)


def _softmax_cross_entropy() -> Setup:
    z0, z1, z2 = Value(2.0, "z0"), Value(1.0, "z1"), Value(0.1, "z2")
    lse = _named(logsumexp([z0, z1, z2]), "lse")
    return Setup(_named(lse - z0, "L"))


def _descent() -> Setup:
    w, x = Value(0.5, "w"), Value(2.0, "x")
    y = _named(w * x, "y")
    e = _named(3.0 - y, "e")
    loss = _named(0.5 * _named(e**2, "e²"), "E")
    return Setup(loss, update=(w,), lr=0.1)


_COURSE = (
    ("the derivative of a chain, f = (3x + 1)²", _chain,
     "f(x) = (3x + 1)² is a chain of three steps: v = 3x, u = v + 1, f = u². The chain rule "
     "multiplies their derivatives: df/dx = df/du · du/dv · dv/dx = 2u · 1 · 3. Backpropagation "
     "computes this product from the output down: first df/du = 2u (with u = 7 at x = 2), then "
     "df/dv = df/du · 1, then df/dx = df/dv · 3. Each question asks for one of these products: "
     "the local derivative of one step times the gradient that arrived from above."),
    ("partial derivatives of a function of three variables", _three_variables,
     "y = 5x₁² + 8x₂ + 35x₃ + 30, at x₁ = 3, x₂ = 4, x₃ = 2. A partial derivative treats the "
     "other variables as constants: ∂y/∂x₁ = 10x₁, ∂y/∂x₂ = 8, ∂y/∂x₃ = 35. Backpropagation "
     "finds all three in one pass: a sum passes its gradient unchanged to each term (its local "
     "derivatives are 1), a product by a constant multiplies it by the constant, and x₁² "
     "multiplies it by 2x₁."),
    ("a neuron with a sigmoid", _neuron,
     "A neuron computes z = w1·x1 + w2·x2 + b and its output o = σ(z), here with x = (0.5, "
     "−1.5), w = (0.8, −0.4) and b = 0.1. The sigmoid's derivative is written with its own "
     "output: σ'(z) = o·(1 − o), so the forward pass already holds what the backward pass "
     "needs. Then each weight's gradient is σ'(z) times its input (∂o/∂w1 = o·(1 − o)·x1), the "
     "bias's is σ'(z) itself, and each input's is σ'(z) times its weight."),
    ("the two-layer sigmoid network worked by hand", _two_layer,
     "The 2-2-2 network with inputs 0.10 and 0.20, sigmoid everywhere, and the squared error "
     "E_total = ½(0.85 − out_o1)² + ½(0.30 − out_o2)². Its forward pass gives out_h1 = "
     "0.595078474, out_o1 = 0.702307507 and E_total = 0.096867268. By hand, ∂E/∂w5 = "
     "−0.147692493 × 0.209071672 × 0.595078474 = −0.018375021 (the engine's full precision "
     "gives −0.018375022: both are right to 4 digits), and w1, in the hidden layer, collects two "
     "paths: ∂E/∂w1 = (−0.007719579 + 0.025367174) × 0.240960084 × 0.1 = 0.000425237. Here you "
     "compute every gradient of the backward pass, node by node: 44 questions."),
    ("softmax cross-entropy over three classes", _softmax_cross_entropy,
     "Three logits z = (2.0, 1.0, 0.1), the correct class 0. Softmax turns them into "
     "probabilities p_i = e^(z_i) / Σ_j e^(z_j), and the cross-entropy is L = −log p₀ = "
     "lse − z0, where lse = log(e^z0 + e^z1 + e^z2) (logsumexp). The rule of logsumexp is "
     "∂lse/∂z_i = e^(z_i − lse) = p_i: its derivatives are the softmax. z0 is used twice, by "
     "lse and by the subtraction, so its gradient is a sum: p₀ − 1. The gradient of the loss is "
     "p − y, the probabilities minus the one-hot target."),
    ("one gradient-descent update of a weight", _descent,
     "A weight w = 0.5 predicts y = w·x for the input x = 2; the target is 3, and the error "
     "E = ½(3 − y)². First backpropagate to find ∂E/∂w. Then take one step of gradient "
     "descent with the learning rate η = 0.1: w ← w − η·∂E/∂w. The gradient points uphill, "
     "toward a larger error, so the step goes against it, η times its size; the new w predicts "
     "a y closer to 3."),
)


def exercises() -> tuple[Exercise, ...]:
    """The course, in order: a chain, partial derivatives, a neuron, the two-layer network
    worked by hand, softmax cross-entropy, a step of gradient descent."""
    return tuple(Exercise(n, title, intro, build)
                 for n, (title, build, intro) in enumerate(_COURSE, 1))


def exercise(number: int) -> Exercise:
    """The exercise of that number (1 is the first)."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"exercise: the number must be an int, not {type(number).__name__}")
    if not 1 <= number <= len(_COURSE):
        raise ValueError(f"exercise: there is no exercise {number}; they are numbered 1 to "
                         f"{len(_COURSE)}")
    return exercises()[number - 1]
