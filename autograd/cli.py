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
import difflib
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .engine import Value, no_grad
from .examples import TwoLayerSigmoid
from .files import check_target, write_atomic
from .inspect import backward_steps, explain, fmt
from .ops import Op, registered

__all__ = ["ExpressionError", "demo", "evaluate", "main"]


class ExpressionError(ValueError):
    """The expression is refused: a construct that is not allowed, an unknown or missing name."""


FUNCTIONS: dict[str, Op] = {o.name: o for o in registered(builtin=True)
                            if o.symbol is None and o.fused is None}
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
    Raises `ExpressionError` for refused constructs, unknown names, missing or unused values;
    the engine's own errors (DomainError, ZeroDivisionError, OverflowError) pass through.
    """
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise ExpressionError(f"not a valid expression: {e.msg}: {shown!r}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the expression is nested too deeply") from None
    todo: list[ast.AST] = [tree.body]  # first refuse what is not allowed, anywhere
    while todo:
        todo.extend(_parts(todo.pop(), text))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    called = {n.func for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and n.id in FUNCTIONS and n not in called:
            raise ExpressionError(f"{n.id} is a function: call it, as in {n.id}(x)")
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
    variables = {k: Value(x, k) for k, x in values.items()}

    # Post-order walk with an explicit stack: deep expressions need no recursion.
    results: list[Value | float] = []
    stack: list[tuple[ast.AST, int]] = [(tree.body, -1)]
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
    return results[0], variables


def _apply(node: ast.AST, args: list[Value | float], variables: dict[str, Value],
           text: str) -> Value | float:
    """One allowed node, given its evaluated sub-expressions."""
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, (int, float))  # checked by _parts
        number = float(node.value) if abs(node.value) < 2**1024 else math.inf
        if not math.isfinite(number):
            source = ast.get_source_segment(text, node)
            shown = source if source and len(source) <= 30 else "here"
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
        source = ast.get_source_segment(text, node)
        if source and len(source) <= 40:
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
        name = name.strip()
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
    try:
        values = _assignments(args.values)
        result, variables = evaluate(args.expression, values)
        if args.explain is not None and args.explain not in variables:
            raise ExpressionError(f"--explain {args.explain}: not one of the variables "
                                  f"({', '.join(variables) or 'none'})")
    except ExpressionError as e:
        print(f"autograd grad: {e}", file=sys.stderr)
        return 2
    except (ArithmeticError, ValueError, TypeError) as e:  # the engine's errors name the op
        print(f"autograd grad: {e}", file=sys.stderr)
        return 1
    expression = " ".join(args.expression.split())
    if not isinstance(result, Value):
        print(f"f = {expression} = {fmt(result)}   (no variables: nothing to differentiate)")
        return 0
    if not result.is_leaf and (not result.label or result.label == expression):
        result.label = "f"
    given = ", ".join(f"{k} = {fmt(v.data)}" for k, v in variables.items())
    print(f"f = {expression} = {fmt(result.data)}   at {given}")
    result.backward()
    for name, v in variables.items():
        print(f"∂f/∂{name} = {fmt(v.grad)}")
    if args.explain is not None:
        print()
        print(explain(result, variables[args.explain]))
    if args.svg is not None:
        try:
            from .viz import save_svg
        except ImportError as e:
            print(f"autograd grad: cannot draw: {e}", file=sys.stderr)
            return 1
        try:
            save_svg(result, args.svg)
        except Exception as e:  # noqa: BLE001 - rendering needs Graphviz's dot program
            print(f"autograd grad: cannot write {args.svg}: {e}", file=sys.stderr)
            return 1
        print(f"graph written to {args.svg}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    return demo(Path(args.out))


def cmd_svgs(args: argparse.Namespace) -> int:
    try:
        from .viz import GraphvizNotFoundError, write_gallery
    except ImportError as e:
        print(f"autograd svgs: cannot draw: {e}", file=sys.stderr)
        return 1
    try:
        written = write_gallery(Path(args.dir))
    except (GraphvizNotFoundError, OSError) as e:
        print(f"autograd svgs: {e}", file=sys.stderr)
        return 1
    for path in written or []:
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
    from .examples import two_layer_sigmoid

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
    print(f"\nOutput folder: {out.resolve()}")


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
    p.set_defaults(run=cmd_grad)
    p = sub.add_parser("demo", help="the two-layer network worked by hand, by the engine; "
                       "then training", description="Walk through backpropagation on the "
                       "two-layer sigmoid network worked by hand, train a small MLP, and write "
                       "SVG graphs.")
    p.add_argument("--out", default="autograd-demo", metavar="DIR",
                   help="folder for the SVG files (default: autograd-demo)")
    p.set_defaults(run=cmd_demo)
    p = sub.add_parser("svgs", help="regenerate the SVG pictures of the documentation")
    p.add_argument("dir", metavar="DIR")
    p.set_defaults(run=cmd_svgs)
    return parser


def _safe_output() -> None:
    """Terminals that cannot print ∂ or × get a replacement character, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        try:
            "∂×→…−↑├".encode(stream.encoding or "ascii")
        except (UnicodeEncodeError, LookupError):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    _safe_output()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["grad"]:  # "-x*2" is an expression, not an option argparse should reject
        for i, arg in enumerate(argv[1:], 1):
            if arg == "--":
                break
            if arg.startswith("-") and arg not in ("-h", "--help") and \
                    not arg.startswith(("--explain", "--svg")):
                argv[i] = " " + arg
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:  # usage errors (2) and --help (0) as a return value
        return e.code if isinstance(e.code, int) else 2
    code: int = args.run(args)
    return code

