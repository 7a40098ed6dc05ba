"""The command line: ``autograd grad``, ``autograd demo`` and ``autograd svgs``.

``autograd grad "sigmoid(w*x + b)" w=-3 x=2 b=1`` evaluates an expression with the engine and
prints every partial derivative; `autograd.cli_expressions` reads the expression (with `ast`,
node by node: nothing the user types is ever given to eval, exec or compile).
``autograd demo`` is `autograd.cli_demo`. This module: the options, the commands, the messages.

Exit codes: 0 done, 1 the computation failed (log of a negative number, division by zero, a
missing optional module...), 2 bad usage (a refused expression, an unknown name, a missing value,
a file that cannot be written, a graph too large to draw), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from . import __version__
from .cli_demo import check_folder, demo, two_layer_page
from .cli_expressions import ALLOWED, ExpressionError, assignments, did_you_mean, evaluate
from .cli_practice import add_practice_parser
from .core import Value
from .examples import two_layer_sigmoid
from .files import check_target
from .graph import walk
from .inspect import explain, fmt
from .source import Source
from .viz import MAX_EDGES, MAX_NODES, RENDER_TIMEOUT, RenderTimeoutError, graph_format

__all__ = ["ExpressionError", "demo", "evaluate", "main"]

COMMANDS = ("grad", "demo", "svgs", "practice")


# ---------------------------------------------------------------------------------------------
# autograd grad


def cmd_grad(args: argparse.Namespace) -> int:
    """``autograd grad EXPRESSION NAME=NUMBER...``: the value and every partial derivative."""
    if args.practice and args.html is None:
        print("autograd grad: --practice makes a page: give --html PATH too (or run autograd "
              "practice for the terminal)", file=sys.stderr)
        return 2
    try:  # before any work: a path that cannot be written is refused
        for option, path in (("--svg", args.svg), ("--html", args.html)):
            if path is not None:
                check_target(path, option)
        if args.svg is not None:
            graph_format(args.svg)
    except (OSError, ValueError) as e:
        print(f"autograd grad: {e}", file=sys.stderr)
        return 2
    try:
        values = assignments(args.values)
        result, variables = evaluate(args.expression, values)
        if args.explain is not None and args.explain not in variables:
            raise ExpressionError(f"--explain {args.explain}: not one of the variables "
                                  f"({', '.join(variables) or 'none'})")
        if isinstance(result, Value):
            _check_size(result, args)
    except (ExpressionError, _TooLarge, OSError) as e:
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
    result.backward()  # the leaves are new: one pass, nothing added to old gradients
    for name, v in variables.items():
        print(f"∂f/∂{name} = {fmt(v.grad)}")
    bad = _finite_or_exit("f", result.data) or next(
        (_finite_or_exit(f"∂f/∂{k}", v.grad) for k, v in variables.items()
         if not math.isfinite(v.grad)), 0)
    if bad:
        return bad
    if args.explain is not None:  # explain reads the graph; it runs no backward pass
        print()
        print(explain(result, variables[args.explain]))
    if args.code:
        print("\nThe code autograd.compile writes for f (forward, then backward):\n")
        print(Source(result, list(variables.values())).text(), end="")
    return _draw(result, args)


class _TooLarge(ValueError):
    """The graph has more nodes or edges than --max-nodes / --max-edges allow."""


def _check_size(result: Value, args: argparse.Namespace) -> None:
    """Refuse, before any work, to draw a graph larger than the options allow."""
    option = "--svg" if args.svg is not None else "--html" if args.html is not None else None
    if option is None:
        return
    nodes = walk(result)
    edges = sum(len(v.parents) for v in nodes)
    for what, count, flag, limit in (("nodes", len(nodes), "--max-nodes", args.max_nodes),
                                     ("edges", edges, "--max-edges", args.max_edges)):
        if count > limit:
            raise _TooLarge(
                f"{option}: the graph has {count:,} {what}, more than {flag} {limit:,}: "
                "Graphviz would take very long to lay it out. Draw a smaller expression, or "
                f"give {flag} {count} to draw it anyway (and --timeout SECONDS if Graphviz "
                f"needs more than {args.timeout:g} s)")


def _draw(result: Value, args: argparse.Namespace) -> int:
    """--svg and --html: the picture and the step-through page; 0, or 1 when one failed."""
    options = {"max_nodes": args.max_nodes, "max_edges": args.max_edges,
               "timeout": args.timeout}
    for option, path in (("--svg", args.svg), ("--html", args.html)):
        if path is None:
            continue
        try:
            if option == "--svg":
                from .viz import save_svg

                save_svg(result, path, **options)
            else:
                from .page import save_html  # replays backward from zero gradients

                save_html(result, path, practice=args.practice, **options)
        except RenderTimeoutError:
            print(f"autograd grad: cannot write {option} {path}: Graphviz took more than "
                  f"{args.timeout:g} s to lay out the graph; give --timeout SECONDS to allow "
                  "it more time, or draw a smaller expression", file=sys.stderr)
            return 1
        except Exception as e:  # noqa: BLE001 - rendering needs Graphviz's dot program
            print(f"autograd grad: cannot write {option} {path}: {e}", file=sys.stderr)
            return 1
        print(f"graph written to {path}" if option == "--svg" else
              f"{'practice' if args.practice else 'step-through'} page written to {path} "
              "(open it in a browser)")
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


# ---------------------------------------------------------------------------------------------
# autograd demo, autograd svgs


def cmd_demo(args: argparse.Namespace) -> int:
    """``autograd demo --out DIR``."""
    return demo(Path(args.out))


def cmd_svgs(args: argparse.Namespace) -> int:
    """``autograd svgs DIR``: the documentation's pictures and the two-layer network's page."""
    out = Path(args.dir)
    try:  # before any work: a path that cannot be a folder of pictures is refused now
        check_folder(out, "DIR")
    except OSError as e:
        print(f"autograd svgs: {e}", file=sys.stderr)
        return 2
    try:
        from .gallery import write_gallery
        from .viz import GraphvizNotFoundError
    except ImportError as e:
        print(f"autograd svgs: cannot draw: {e}", file=sys.stderr)
        return 1
    try:
        written = write_gallery(out)
        written.append(two_layer_page(out, two_layer_sigmoid()))
    except (GraphvizNotFoundError, OSError) as e:
        print(f"autograd svgs: {e}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


# ---------------------------------------------------------------------------------------------
# The command line itself


def _count(text: str) -> int:
    """An argparse type: a whole number > 0 (--max-nodes, --max-edges)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number > 0")
    return n


def _seconds(text: str) -> float:
    """An argparse type: a number of seconds > 0 (--timeout)."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not (x > 0 and math.isfinite(x)):
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds > 0")
    return x


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that lists its options (``option_names``), for suggestions."""

    option_names: list[str]

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        self.option_names = [*getattr(self, "option_names", []), *action.option_strings]
        return action


def _parser() -> tuple[_Parser, dict[str, _Parser]]:
    """The parser, and each command's own (which knows the command's usage and options)."""
    parser = _Parser(
        prog="autograd", description="A minimal scalar autograd engine that shows its work.",
        allow_abbrev=False)
    parser.add_argument("--version", action="version",
                        version=f"%(prog)s {__version__} (autograd-scalar)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser(
        "grad", help="evaluate an expression and print its partial derivatives",
        description="Evaluate EXPRESSION with the engine and print d f / d NAME for every "
        f"variable. Allowed: {ALLOWED}. An expression that starts with -- goes after --: "
        "autograd grad -- --x x=1.",
        epilog='example: autograd grad "sigmoid(w*x + b)" w=-3 x=2 b=1 --explain w',
        allow_abbrev=False)
    p.add_argument("expression", metavar="EXPRESSION",
                   help='the expression, quoted for the shell: "sigmoid(w*x + b)"')
    p.add_argument("values", nargs="*", metavar="NAME=NUMBER",
                   help="the value of each variable: w=-3 x=2 b=1")
    p.add_argument("--explain", metavar="NAME", help="show the chain rule for d f / d NAME")
    p.add_argument("--code", action="store_true", help="print the forward and backward pass "
                   "as Python code, one line per node (what autograd.compile runs)")
    p.add_argument("--svg", metavar="PATH", help="draw the graph into an SVG file (.png, .pdf "
                   "and .dot are written as their suffix says)")
    p.add_argument("--html", metavar="PATH",
                   help="write the step-through page (backward, one node at a time) into an "
                   "HTML file")
    p.add_argument("--practice", action="store_true",
                   help="with --html: the page asks you each step of the backward pass and "
                   "checks it (autograd practice does the same in the terminal)")
    p.add_argument("--max-nodes", type=_count, default=MAX_NODES, metavar="N",
                   help=f"draw graphs of at most N nodes (default {MAX_NODES})")
    p.add_argument("--max-edges", type=_count, default=MAX_EDGES, metavar="N",
                   help=f"draw graphs of at most N edges (default {MAX_EDGES})")
    p.add_argument("--timeout", type=_seconds, default=RENDER_TIMEOUT, metavar="SECONDS",
                   help=f"give Graphviz at most SECONDS to lay out a drawing (default "
                   f"{RENDER_TIMEOUT:g})")
    p.set_defaults(run=cmd_grad)
    commands = {"grad": p}
    p = sub.add_parser("demo", help="the two-layer network worked by hand, by the engine; "
                       "then training", description="Walk through backpropagation on the "
                       "two-layer sigmoid network worked by hand, train a small MLP, and write "
                       "SVG graphs and the step-through page.", allow_abbrev=False)
    p.add_argument("--out", default="autograd-demo", metavar="DIR",
                   help="folder for the pictures and the page (default: autograd-demo)")
    p.set_defaults(run=cmd_demo)
    commands["demo"] = p
    p = sub.add_parser(
        "svgs", help="regenerate the SVG pictures of the documentation and the step-through "
        "page of the two-layer network (two_layer.html)",
        description="Write the pictures of the documentation (two_layer.svg, "
        "two_layer_w1.svg, mlp.svg, mlp_neurons.svg, mlp_16x16_neurons.svg, "
        "mlp_16x16_layers.svg) and the step-through page of the two-layer network "
        "(two_layer.html) into the folder DIR. Needs Graphviz's dot program.",
        epilog="example: autograd svgs docs/img   (what make svg runs)", allow_abbrev=False)
    p.add_argument("dir", metavar="DIR", help="the folder to write into (created if missing; "
                   "files of the same names in it are replaced)")
    p.set_defaults(run=cmd_svgs)
    commands["svgs"] = p
    commands["practice"] = cast(_Parser, add_practice_parser(sub))  # sub makes _Parsers
    return parser, commands


_TAKES_A_VALUE = ("--explain", "--svg", "--html", "--max-nodes", "--max-edges", "--timeout")
_OPTION = re.compile(r"--[A-Za-z][\w-]*(=.*)?", re.DOTALL)


def _grad_arguments(argv: list[str]) -> list[str]:
    """``autograd grad -x*2 x=1``: the options first, then ``--`` and the expression and
    values, so that an expression starting with "-" is never read as an option. What looks
    like an option (``--explian``) stays one, for argparse to refuse with a suggestion; an
    option's value is kept as given (``--svg -out.svg``)."""
    options: list[str] = []
    positional: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--":
            positional.extend(args)
            break
        if arg in _TAKES_A_VALUE:
            value = next(args, None)
            options.append(arg if value is None else f"{arg}={value}")
        elif arg in ("-h", "--help") or _OPTION.fullmatch(arg):
            options.append(arg)
        else:
            positional.append(arg)
    return [*options, "--", *positional]


def _suggest_option(name: str, options: list[str]) -> str:
    """`` (did you mean --explain?)``: the one option that `name` begins (``--exp``), else the
    closest in spelling (``--explian``); ``""`` when none is close."""
    starting = [o for o in options if o.startswith(name) and name.startswith("--")]
    if len(starting) == 1:
        return f" (did you mean {starting[0]}?)"
    return did_you_mean(name, options)


def _unrecognized(extras: list[str], command: str, parser: _Parser) -> str:
    """argparse's message for arguments a command does not take, with a suggestion."""
    first = next((x for x in extras if x.startswith("-")), extras[0])
    name = first.partition("=")[0]
    hint = _suggest_option(name, parser.option_names) if name.startswith("-") else ""
    if not hint and command == "grad":
        hint = (f" (an expression that starts with -- goes after --: autograd grad -- {first} "
                "NAME=NUMBER...)")
    return f"unrecognized arguments: {' '.join(extras)}{hint}"


def _parse(argv: list[str]) -> argparse.Namespace:
    """The arguments; argparse's SystemExit for a usage error (2) or --help (0)."""
    parser, commands = _parser()
    first = argv[0] if argv else ""
    if first and not first.startswith("-") and first not in commands:
        parser.error(f"unknown command {first!r}{did_you_mean(first, commands)}; the commands "
                     f"are {', '.join(commands)} (autograd --help says what each does)")
    if first.startswith("-") and first not in parser.option_names:
        parser.error(f"unrecognized option {first}"
                     f"{_suggest_option(first, parser.option_names)}")
    if first == "grad":
        argv = ["grad", *_grad_arguments(argv[1:])]
    args, extras = parser.parse_known_args(argv)
    if extras:
        commands[args.command].error(_unrecognized(extras, args.command,
                                                   commands[args.command]))
    return args


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    _safe_output()
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in COMMANDS else ""
    try:
        try:
            args = _parse(argv)
        except SystemExit as e:  # usage errors (2) and --help (0) as a return value
            return e.code if isinstance(e.code, int) else 2
        code: int = args.run(args)
    except KeyboardInterrupt:  # Ctrl-C: one line, and the shell's code for it
        with contextlib.suppress(OSError, ValueError):  # after the ^C a terminal shows
            start = "\n" if sys.stderr.isatty() else ""
            print(f"{start}autograd{' ' + command if command else ''}: interrupted",
                  file=sys.stderr)
        return 130
    except BrokenPipeError:  # `autograd demo | head`: the reader left; stop quietly
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code
