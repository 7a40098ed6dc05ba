"""The command line: ``autograd grad``, ``autograd demo`` and ``autograd svgs``.

``autograd grad "sigmoid(w*x + b)" w=-3 x=2 b=1`` evaluates an expression with the engine and
prints every partial derivative. The expression is parsed with `ast` and evaluated by walking the
tree here, node by node: only numbers, names, ``+ - * / **``, unary ``-``/``+`` and calls of the
engine's functions are accepted. Nothing the user types is ever given to eval, exec or compile.

Exit codes: 0 done, 1 the computation failed (log of a negative number, division by zero, a
missing optional module...), 2 bad usage (a refused expression, an unknown name, a missing value).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import difflib
import io
import math
import os
import sys
import tokenize
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .core import Value
from .examples import TwoLayerSigmoid, two_layer_sigmoid
from .files import check_target, write_atomic
from .fused import sum as engine_sum
from .inspect import backward_steps, explain, fmt
from .modes import no_grad
from .ops import VARIADIC, Op, registered
from .viz import graph_format

__all__ = ["ExpressionError", "demo", "evaluate", "main"]


class ExpressionError(ValueError):
    """The expression is refused: a construct that is not allowed, an unknown or missing name."""


FUNCTIONS: dict[str, Op] = {o.name: o for o in registered(builtin=True)
                            if o.symbol is None and o.arity != VARIADIC}
"""The functions an expression may call: every built-in function op of the registry."""
CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau}
"""Names that stand for numbers in an expression."""
_SYNTAX: dict[type[ast.AST], str] = {  # Python's operator syntax -> the symbol of the op
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.USub: "-",
}


def _operator(node: ast.AST) -> Op:
    """The registry op a BinOp or a unary minus stands for."""
    arity = 2 if isinstance(node, ast.BinOp) else 1
    symbol = _SYNTAX[type(node.op)]  # type: ignore[attr-defined]
    return next(o for o in registered(builtin=True) if o.symbol == symbol and o.arity == arity)


_ALLOWED = ("numbers, names, + - * / **, unary -, the constants " + ", ".join(CONSTANTS)
            + ", and the functions " + ", ".join(FUNCTIONS))
_WHAT = {  # how a refused construct is named in the error message
    "Attribute": "attribute access (a.b)",
    "Subscript": "subscripts (a[i])",
    "Lambda": "lambda",
    "IfExp": "conditional expressions (a if c else b)",
    "Compare": "comparisons",
    "BoolOp": "'and' / 'or'",
    "NamedExpr": "assignment expressions (:=)",
    "Starred": "starred arguments (*a)",
    "JoinedStr": "f-strings",
    "ListComp": "list comprehensions",
    "SetComp": "set comprehensions",
    "DictComp": "dict comprehensions",
    "GeneratorExp": "generator expressions",
    "List": "lists",
    "Tuple": "tuples",
    "Set": "sets",
    "Dict": "dicts",
    "Await": "await",
    "Yield": "yield",
    "YieldFrom": "yield",
    "Slice": "slices",
    "FloorDiv": "the operator // (floor division)",
    "Mod": "the operator %",
    "MatMult": "the operator @",
    "LShift": "the operator <<",
    "RShift": "the operator >>",
    "BitOr": "the operator |",
    "BitXor": "the operator ^ (for powers write **)",
    "BitAnd": "the operator &",
    "Not": "the operator 'not'",
    "Invert": "the operator ~",
}


def _refuse(what: str, node: ast.AST, text: str) -> ExpressionError:
    where = ast.get_source_segment(text, node) if hasattr(node, "lineno") else None
    at = f" in {where!r}" if where and where != text.strip() and len(where) <= 60 else ""
    return ExpressionError(f"refused {what}{at}: only {_ALLOWED} are allowed")


def _parts(node: ast.AST, text: str) -> list[ast.expr]:
    """The sub-expressions of an allowed node; refuse anything else."""
    if isinstance(node, ast.Constant):
        if type(node.value) in (int, float):
            return []
        kind = {str: "strings", bytes: "bytes", bool: "True / False", complex: "complex numbers"}
        raise _refuse(kind.get(type(node.value), repr(node.value)), node, text)
    if isinstance(node, ast.Name):
        return []
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _SYNTAX:
            raise _refuse(_WHAT.get(type(node.op).__name__, type(node.op).__name__),
                          node, text)
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise _refuse(_WHAT.get(type(node.op).__name__, type(node.op).__name__),
                          node, text)
        return [node.operand]
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            callee = ast.get_source_segment(text, node.func) or "this"
            hint = _did_you_mean(node.func.id, FUNCTIONS) if isinstance(node.func, ast.Name) \
                else ""
            raise ExpressionError(f"refused a call of {callee!r}{hint}: only {_ALLOWED} are "
                                  "allowed")
        if node.keywords:
            raise _refuse("keyword arguments", node, text)
        op = FUNCTIONS[node.func.id]
        low, high = op.arity - len(op.defaults), op.arity
        if not low <= len(node.args) <= high:
            wanted = str(low) if low == high else f"{low} or {high}"
            raise ExpressionError(f"{op.name}() takes {wanted} argument(s), not "
                                  f"{len(node.args)}: {op.name}({', '.join(op.params)})")
        return list(node.args)
    what = _WHAT.get(type(node).__name__, f"the construct {type(node).__name__}")
    raise _refuse(what, node, text)


def evaluate(text: str, values: dict[str, float]) -> tuple[Value | float, dict[str, Value]]:
    """Evaluate `text` with the engine: each name becomes a leaf Value labeled with its name.

    Returns (the result, the variables). Intermediate nodes are labeled with their source text
    when it is short (``w*x + b``), so that `explain` and the graphs read like the expression.
    A sum too long for Python's parser (thousands of terms) is read term by term into one
    `autograd.sum` node. Raises `ExpressionError` for refused constructs, unknown names, missing
    or unused values; the engine's own errors (DomainError, ZeroDivisionError...) pass through.
    """
    terms = _parse(text.strip())
    for _, tree, source in terms:  # first refuse what is not allowed, anywhere
        todo: list[ast.AST] = [tree]
        while todo:
            todo.extend(_parts(todo.pop(), source))
    variables = _variables(terms, values)
    results = [(sign, _evaluate(tree, source, variables)) for sign, tree, source in terms]
    if len(results) == 1:
        return results[0][1], variables
    signed = [x if sign > 0 else -x for sign, x in results]
    if any(isinstance(x, Value) for x in signed):
        return engine_sum(signed), variables
    return math.fsum(x for x in signed if not isinstance(x, Value)), variables


MAX_TERM_DEPTH = 1000
"""Python's parser reads an expression nested about this deep; sums may be longer, term by
term."""


def _parse(text: str) -> list[tuple[int, ast.expr, str]]:
    """The expression as (sign, tree, its source) terms: one term, or, when the parser cannot
    read it whole, the terms of its top-level sum."""
    try:
        return [(1, _tree(text), text)]
    except (RecursionError, MemoryError):
        pass
    terms = _flat_terms(text)
    try:
        return [(sign, _tree(part.strip()), part.strip()) for sign, part in terms] \
            if terms else []
    except (RecursionError, MemoryError):
        pass
    raise ExpressionError(f"the expression is too long to read ({len(text):,} characters): a "
                          "sum may have any number of terms, but a single term can nest at "
                          f"most about {MAX_TERM_DEPTH:,} levels deep")


def _tree(text: str) -> ast.expr:
    try:
        with warnings.catch_warnings():  # Python's own warnings (1if x) are not the user's
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(text, mode="eval").body
    except SyntaxError as e:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise ExpressionError(f"not a valid expression: {e.msg}: {shown!r}") from None


def _flat_terms(text: str) -> list[tuple[int, str]] | None:
    """Split at the + and - that stand between terms at the top level; None if the text
    cannot be tokenized."""
    terms: list[tuple[int, str]] = []
    depth, sign, start, previous = 0, 1, 0, ""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.OP and tok.string in "([{":
                depth += 1
            elif tok.type == tokenize.OP and tok.string in ")]}":
                depth -= 1
            elif (tok.type == tokenize.OP and tok.string in "+-" and depth == 0
                  and previous in ("operand", ")")):
                at = offsets[tok.start[0] - 1] + tok.start[1]
                terms.append((sign, text[start:at]))
                sign, start = (1 if tok.string == "+" else -1), at + 1
            if tok.type in (tokenize.NAME, tokenize.NUMBER):
                previous = "operand"
            elif tok.type == tokenize.OP:
                previous = tok.string
    except (tokenize.TokenError, SyntaxError):
        return None
    terms.append((sign, text[start:]))
    return terms


def _variables(terms: list[tuple[int, ast.expr, str]],
               values: dict[str, float]) -> dict[str, Value]:
    """Check the names against the values given; a leaf Value per variable."""
    names: set[str] = set()
    for _, tree, _ in terms:
        called = {n.func for n in ast.walk(tree) if isinstance(n, ast.Call)}
        for n in ast.walk(tree):
            if isinstance(n, ast.Name):
                if n.id in FUNCTIONS and n not in called:
                    raise ExpressionError(f"{n.id} is a function: call it, as in {n.id}(x)")
                names.add(n.id)
    names -= set(FUNCTIONS)
    for name in sorted(names & set(CONSTANTS) & set(values)):
        raise ExpressionError(f"{name} is a constant ({CONSTANTS[name]!r}); pick another name")
    names -= set(CONSTANTS)
    missing = sorted(names - set(values))
    if missing:
        raise ExpressionError("no value given for " + ", ".join(missing) + "; give each as "
                              + " ".join(f"{m}=NUMBER" for m in missing))
    unused = [k for k in values if k not in names]
    if unused:
        raise ExpressionError("the expression does not use " + ", ".join(unused))
    return {k: Value(x, k) for k, x in values.items()}


def _evaluate(tree: ast.expr, text: str, variables: dict[str, Value]) -> Value | float:
    """A post-order walk with an explicit stack: deep expressions need no recursion."""
    results: list[Value | float] = []
    stack: list[tuple[ast.AST, int]] = [(tree, -1)]
    while stack:
        node, arity = stack.pop()
        if arity < 0:
            parts = _parts(node, text)
            stack.append((node, len(parts)))
            stack.extend((p, -1) for p in reversed(parts))
            continue
        args = results[len(results) - arity:]
        del results[len(results) - arity:]
        results.append(_apply(node, args, variables, text))
    return results[0]


def _short_source(text: str, node: ast.AST, limit: int = 40) -> str | None:
    """The node's source when it is at most `limit` characters (checked before slicing)."""
    start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
    if start is None or end is None or getattr(node, "lineno", 0) != getattr(
            node, "end_lineno", -1) or end - start > limit:
        return None
    return ast.get_source_segment(text, node)


def _apply(node: ast.AST, args: list[Value | float], variables: dict[str, Value],
           text: str) -> Value | float:
    """One allowed node, given its evaluated sub-expressions."""
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, (int, float))  # checked by _parts
        number = float(node.value) if abs(node.value) < 2**1024 else math.inf
        if not math.isfinite(number):
            shown = _short_source(text, node, 30) or "here"
            raise ExpressionError(f"the number {shown} is too large for a float")
        return number
    if isinstance(node, ast.Name):
        return variables[node.id] if node.id in variables else CONSTANTS[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd):
        return args[0]
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        op = _operator(node)
    else:
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        op = FUNCTIONS[node.func.id]
    result: Value | float = op(*args)  # the registry's op: on Values a node, on numbers a float
    if isinstance(result, Value) and not result.label:
        source = _short_source(text, node)
        if source:
            result.label = source
    return result


def _did_you_mean(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


# ---------------------------------------------------------------------------------------------
# Commands


def _assignments(items: Sequence[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for item in items:
        name, eq, number = item.partition("=")
        name = unicodedata.normalize("NFKC", name.strip())  # as Python reads names: ℌ is H
        if not eq or not name.isidentifier():
            raise ExpressionError(f"expected NAME=NUMBER, got {item!r}")
        if name in FUNCTIONS:
            raise ExpressionError(f"{name} is a function name; pick another name")
        if name in values:
            raise ExpressionError(f"{name} is given twice")
        try:
            x = float(number)
        except ValueError:
            raise ExpressionError(f"{item!r}: {number!r} is not a number") from None
        if not math.isfinite(x):
            raise ExpressionError(f"{item!r}: the value must be a finite number")
        values[name] = x
    return values


def cmd_grad(args: argparse.Namespace) -> int:
    try:  # before any work: a path that cannot be written is refused
        if args.svg is not None:
            check_target(args.svg, "--svg")
            graph_format(args.svg)
        if args.html is not None:
            check_target(args.html, "--html")
    except (OSError, ValueError) as e:
        print(f"autograd grad: {e}", file=sys.stderr)
        return 2
    try:
        values = _assignments(args.values)
        result, variables = evaluate(args.expression, values)
        if args.explain is not None and args.explain not in variables:
            raise ExpressionError(f"--explain {args.explain}: not one of the variables "
                                  f"({', '.join(variables) or 'none'})")
    except (ExpressionError, OSError) as e:
        print(f"autograd grad: {e}", file=sys.stderr)
        return 2
    except (ArithmeticError, ValueError, TypeError) as e:  # the engine's errors name the op
        print(f"autograd grad: {e}", file=sys.stderr)
        return 1
    expression = " ".join(args.expression.split())
    if len(expression) > 200:
        expression = expression[:199] + "…"
    if not isinstance(result, Value):
        print(f"f = {expression} = {fmt(result)}   (no variables: nothing to differentiate)")
        return _finite_or_exit("f", result)
    if not result.is_leaf and (not result.label or result.label == expression):
        result.label = "f"
    given = ", ".join(f"{k} = {fmt(v.data)}" for k, v in variables.items())
    print(f"f = {expression} = {fmt(result.data)}   at {given}")
    result.backward()
    for name, v in variables.items():
        print(f"∂f/∂{name} = {fmt(v.grad)}")
    bad = _finite_or_exit("f", result.data) or next(
        (_finite_or_exit(f"∂f/∂{k}", v.grad) for k, v in variables.items()
         if not math.isfinite(v.grad)), 0)
    if bad:
        return bad
    if args.explain is not None:
        print()
        print(explain(result, variables[args.explain]))
    if args.svg is not None and _draw_to(result, args.svg):
        return 1
    if args.html is not None:
        try:
            from .page import save_html

            save_html(result, args.html)
        except Exception as e:  # noqa: BLE001 - the page needs Graphviz's dot program
            print(f"autograd grad: cannot write {args.html}: {e}", file=sys.stderr)
            return 1
        print(f"step-through page written to {args.html} (open it in a browser)")
    return 0


def _finite_or_exit(what: str, x: float) -> int:
    """0 for a finite number; else say so on stderr and give the exit code 1 (every
    non-finite result is reported the same way: an overflow, or a domain edge)."""
    if math.isfinite(x):
        return 0
    print(f"autograd grad: {what} is {x!r}, not a finite number (an overflow, or an edge of an "
          "op's domain); run it in Python with autograd.detect_anomaly() to find the op",
          file=sys.stderr)
    return 1


def _draw_to(result: Value, path: str) -> int:
    try:
        from .viz import save_svg
    except ImportError as e:
        print(f"autograd grad: cannot draw: {e}", file=sys.stderr)
        return 1
    try:
        save_svg(result, path)
    except Exception as e:  # noqa: BLE001 - rendering needs Graphviz's dot program
        print(f"autograd grad: cannot write {path}: {e}", file=sys.stderr)
        return 1
    print(f"graph written to {path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    return demo(Path(args.out))


def cmd_svgs(args: argparse.Namespace) -> int:
    try:
        from .gallery import write_gallery
        from .viz import GraphvizNotFoundError
    except ImportError as e:
        print(f"autograd svgs: cannot draw: {e}", file=sys.stderr)
        return 1
    out = Path(args.dir)
    try:
        written = write_gallery(out)
        written.append(_two_layer_page(out, two_layer_sigmoid()))
    except (GraphvizNotFoundError, OSError) as e:
        print(f"autograd svgs: {e}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


# ---------------------------------------------------------------------------------------------
# The demo: the two-layer sigmoid network worked by hand, done by the engine; then training.


def _worked_loss(net: TwoLayerSigmoid, w: dict[str, float]) -> float:
    """E_total of the worked network with the weights `w` (w1..w8): the forward pass again."""
    with no_grad():
        i1, i2, b1, b2 = net.i1.data, net.i2.data, net.b1.data, net.b2.data
        h1 = Value(w["w1"] * i1 + w["w2"] * i2 + b1).sigmoid()
        h2 = Value(w["w3"] * i1 + w["w4"] * i2 + b1).sigmoid()
        o1 = (w["w5"] * h1 + w["w6"] * h2 + b2).sigmoid()
        o2 = (w["w7"] * h1 + w["w8"] * h2 + b2).sigmoid()
        return (0.5 * (0.85 - o1) ** 2 + 0.5 * (0.30 - o2) ** 2).data


def _title(text: str) -> None:
    print(f"\n== {text} ==\n")


def demo(out: Path) -> int:
    """``autograd demo``: the worked two-layer network's derivation as the engine does it, a
    small network trained, and the pictures written into `out`."""
    try:  # before any work: a path that cannot be a folder of pictures is refused now
        _check_folder(out)
    except OSError as e:
        print(f"autograd demo: {e}", file=sys.stderr)
        return 2
    print("autograd demo: backpropagation on the two-layer sigmoid network worked by hand (2 "
          "inputs,\n2 hidden sigmoid neurons, 2 sigmoid outputs, squared error), computed by "
          "the engine, step by step.")
    net = two_layer_sigmoid()
    _demo_by_hand(net)
    score, sample = _demo_training()
    _demo_pictures(out, net, score, sample)
    return 0


def _check_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"--out {out}: a file of that name exists; the pictures need a "
                              "folder (give another name)")
    check_target(out / "two_layer.svg", "autograd demo")


def _demo_by_hand(net: TwoLayerSigmoid) -> None:
    """Sections 1 to 4: forward, backward step by step, the chain rule, one update."""
    _title("1. Forward pass")
    for v in (net.l_h1, net.out_h1, net.l_h2, net.out_h2, net.l_o1, net.out_o1, net.l_o2,
              net.out_o2, net.E_o1, net.E_o2, net.E_total):
        print(f"{v.label:>8} = {fmt(v.data)}")
    _title("2. Backward pass, one node at a time: backward_steps(E_total)")
    print("Each step takes a node's gradient (upstream) and sends local × upstream to its "
          "parents;\nthe local derivative is shown with its rule. Unlabeled nodes are named by "
          "their op and a\nnumber (mul#3).\n")
    for step in backward_steps(net.E_total):
        print(step)
    _title("3. The chain rule, as the derivation by hand writes it: explain(E_total, w5), "
           "explain(E_total, w1)")
    print(explain(net.E_total, net.w5))
    print()
    print(explain(net.E_total, net.w1))
    _title("4. One step of gradient descent, learning rate η = 1: w⁺ = w - η ∂E/∂w")
    eta = 1.0
    print("As in the derivation by hand, the weights w1..w8 move and the biases b1, b2 stay.\n")
    for w in net.weights():
        print(f"{w.label:>3}⁺ = {fmt(w.data)} - {fmt(eta)} × ({fmt(w.grad)}) = "
              f"{fmt(w.data - eta * w.grad)}")
    before = {w.label: w.data for w in net.weights()}
    after = {w.label: w.data - eta * w.grad for w in net.weights()}
    print(f"\nE_total: {fmt(_worked_loss(net, before))} -> {fmt(_worked_loss(net, after))} "
          "after this one step: the outputs moved toward the targets.")
    print("\n(The derivation by hand rounds each intermediate result to 9 decimals before using "
          "it, so it\nwrites 0.209071672, -0.018375021 and w5⁺ = 0.268375021 where full precision "
          f"gives\n{net.out_o1.local_grads[0]:.10f}, {net.w5.grad:.10f} and "
          f"{net.w5.data - eta * net.w5.grad:.10f}.)")


def _demo_training() -> tuple[Value, list[Value]]:
    """Section 5: MLP(2, [8, 8, 1]) trained on two moons; the chain rule inside it."""
    from .data import make_moons
    from .nn import MLP
    from .optim import Adam
    from .train import accuracy, fit

    _title("5. A small network learns two moons: MLP(2, [8, 8, 1]), hinge loss, Adam")
    X, labels = make_moons(100, noise=0.1, seed=0)
    y = [2.0 * t - 1.0 for t in labels]  # the hinge loss wants -1 / +1
    model = MLP(2, [8, 8, 1], activation="relu", seed=0)
    history = fit(model, X, y, loss="hinge", optimizer=Adam(model.parameters(), lr=0.05),
                  epochs=100, progress=sys.stdout.isatty())
    print(f"loss {history[0]['loss']:.4f} in epoch 1 -> {history[-1]['loss']:.4f} in epoch "
          f"{len(history)}; the trained model classifies {accuracy(model, X, y):.0%} of the "
          f"{len(X)} training points right\n(the progress bar's acc is measured during each "
          "epoch, before its updates).\n")
    print("The plane as the model sees it: '·' where it says class 1, blank where it says "
          "class 0;\nthe training points drawn as 'o' (class 0) and 'x' (class 1).")
    print(_ascii_map(model, X, labels))
    sample = [Value(X[0][0], "x1"), Value(X[0][1], "x2")]
    score = model(sample)
    assert isinstance(score, Value)  # one output
    score.label = "score"
    first_layer = model.layers[0].parameters()
    chain = next((e for e in (explain(score, p) for p in first_layer) if e.value != 0.0), None)
    if chain is not None:
        print(f"\nThe same chain rule inside the trained network, at the point "
              f"({fmt(X[0][0])}, {fmt(X[0][1])}):\nhow its score depends on the first-layer "
              f"weight {chain.wrt.label} (a relu that is off passes 0).\n")
        print(chain)
    score.backward()
    return score, sample


def _demo_pictures(out: Path, net: TwoLayerSigmoid, score: Value, sample: list[Value]) -> None:
    """Section 6: SVG pictures (or DOT files without Graphviz) in `out`."""
    from .viz import GraphvizNotFoundError, draw, save_svg

    _title(f"6. Pictures of the graphs (SVG) in {out}")
    roles: dict[str, Any] = {"params": net.parameters(), "inputs": [net.i1, net.i2]}
    pictures: list[tuple[str, Value, dict[str, Any]]] = [
        ("two_layer.svg", net.E_total, roles),
        ("two_layer_w1.svg", net.E_total, {**roles, "highlight": net.w1}),
        ("mlp_neurons.svg", score, {"inputs": sample, "collapse": "neuron"}),
    ]
    for filename, root, options in pictures:
        try:
            save_svg(root, out / filename, **options)
            print(f"wrote {out / filename}")
        except GraphvizNotFoundError as e:
            dot_file = (out / filename).with_suffix(".dot")
            write_atomic(dot_file, draw(root, **options).source.encode("utf-8"),
                         what="autograd demo", make_folders=True)
            print(f"wrote {dot_file} (no SVG: {e})")
    _demo_page(out, net)
    print(f"\nOutput folder: {out.resolve()}")


def _two_layer_page(out: Path, net: TwoLayerSigmoid) -> Path:
    """Write the step-through page of the two-layer network, ``out/two_layer.html``."""
    from .page import save_html

    return save_html(net.E_total, out / "two_layer.html", rankdir="TB",
                     params=net.parameters(), inputs=[net.i1, net.i2])


def _demo_page(out: Path, net: TwoLayerSigmoid) -> None:
    """The step-through page of the two-layer network, next to the pictures."""
    from .viz import GraphvizNotFoundError

    try:
        _two_layer_page(out, net)
    except GraphvizNotFoundError as e:
        print(f"no two_layer.html (the step-through page): {e}")
        return
    print(f"wrote {out / 'two_layer.html'} (open it in a browser: backpropagation step by "
          "step, with → and ←)")


def _ascii_map(model: Callable[[list[float]], Any], X: Sequence[Sequence[float]],
               labels: Sequence[int], width: int = 60, height: int = 16) -> str:
    """The plane as text: the model's two regions (' ' and '·'), the points as 'o' and 'x'."""
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    x0, x1, y0, y1 = min(xs) - 0.2, max(xs) + 0.2, min(ys) - 0.2, max(ys) + 0.2
    cell = [[" "] * width for _ in range(height)]
    with no_grad():
        for r in range(height):
            for c in range(width):
                point = [x0 + (c + 0.5) * (x1 - x0) / width, y1 - (r + 0.5) * (y1 - y0) / height]
                cell[r][c] = "·" if model(point).data > 0 else " "
    for (px, py), t in zip(X, labels, strict=True):
        r = min(height - 1, int((y1 - py) / (y1 - y0) * height))
        c = min(width - 1, int((px - x0) / (x1 - x0) * width))
        cell[r][c] = "x" if t else "o"
    return "\n".join("|" + "".join(row) + "|" for row in cell)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograd", description="A minimal scalar autograd engine that shows its work.")
    parser.add_argument("--version", action="version",
                        version=f"%(prog)s {__version__} (autograd-scalar)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser(
        "grad", help="evaluate an expression and print its partial derivatives",
        description="Evaluate EXPRESSION with the engine and print d f / d NAME for every "
        f"variable. Allowed: {_ALLOWED}.",
        epilog='example: autograd grad "sigmoid(w*x + b)" w=-3 x=2 b=1 --explain w')
    p.add_argument("expression")
    p.add_argument("values", nargs="*", metavar="NAME=NUMBER")
    p.add_argument("--explain", metavar="NAME", help="show the chain rule for d f / d NAME")
    p.add_argument("--svg", metavar="PATH", help="draw the graph into an SVG file")
    p.add_argument("--html", metavar="PATH",
                   help="write the step-through page (backward, one node at a time) into an "
                   "HTML file")
    p.set_defaults(run=cmd_grad)
    p = sub.add_parser("demo", help="the two-layer network worked by hand, by the engine; "
                       "then training", description="Walk through backpropagation on the "
                       "two-layer sigmoid network worked by hand, train a small MLP, and write "
                       "SVG graphs and the step-through page.")
    p.add_argument("--out", default="autograd-demo", metavar="DIR",
                   help="folder for the SVG files (default: autograd-demo)")
    p.set_defaults(run=cmd_demo)
    p = sub.add_parser("svgs", help="regenerate the SVG pictures of the documentation and "
                       "the step-through page of the two-layer network (two_layer.html)")
    p.add_argument("dir", metavar="DIR")
    p.set_defaults(run=cmd_svgs)
    return parser


def _safe_output() -> None:
    """Terminals that cannot print ∂ or × get a replacement character, not a crash; a closed
    stream (None) is left alone."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            "∂×→…−↑├".encode(stream.encoding or "ascii")
        except (UnicodeEncodeError, LookupError):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="replace")


_TAKES_A_VALUE = ("--explain", "--svg", "--html", "--out")


def _keep_expressions(argv: list[str]) -> list[str]:
    """``autograd grad -x*2 x=1``: an argument starting with "-" is an expression or a value,
    not an option; option values are kept as given (``--svg -out.svg``)."""
    out: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--":
            out.append(arg)
            out.extend(args)
            break
        if arg in _TAKES_A_VALUE:
            value = next(args, None)
            out.append(arg if value is None else f"{arg}={value}")
        elif arg.startswith("-") and arg not in ("-h", "--help") and \
                not arg.startswith(tuple(f"{o}=" for o in _TAKES_A_VALUE)):
            out.append(" " + arg)
        else:
            out.append(arg)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    _safe_output()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["grad"]:
        argv = ["grad", *_keep_expressions(argv[1:])]
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:  # usage errors (2) and --help (0) as a return value
        return e.code if isinstance(e.code, int) else 2
    try:
        code: int = args.run(args)
    except BrokenPipeError:  # `autograd demo | head`: the reader left; stop quietly
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code
