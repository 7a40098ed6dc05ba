"""``autograd practice``: backpropagate by hand on the command line, the engine checks each step.

::

    autograd practice "sigmoid(w*x + b)" w=-3 x=2 b=1     # an expression, as autograd grad
    autograd practice --list                             # the exercises, in order
    autograd practice 4                                  # exercise 4
    autograd practice 4 --html four.html                 # its practice page, for a browser
    printf '1\\n0.5\\n' | autograd practice "x*y" x=2 y=3  # scripted: one answer a line

Each question is printed, one answer is read per line of standard input (``reveal`` shows the
answer, ``quit`` stops), and the feedback follows; the end of input ends the session with the
score. Exit status: 0 (done, or the input ended), 1 (the computation failed, or the page could
not be written), 2 (bad usage: an unknown exercise, a refused expression, a missing value).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .core import Value
from .exercises import Exercise, exercise, exercises
from .practice import Practice

__all__ = ["add_practice_parser", "cmd_practice", "main"]


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("expression", nargs="?", help="an expression, as for autograd grad, or the "
                   "number of an exercise (see --list)")
    p.add_argument("values", nargs="*", metavar="NAME=NUMBER")
    p.add_argument("--list", action="store_true", help="list the exercises, in order")
    p.add_argument("--explain-rules", action="store_true",
                   help="first print the rule of every op the graph uses, from the registry")
    p.add_argument("--html", metavar="PATH",
                   help="write the practice page (a browser asks the questions) instead of "
                   "asking here")
    p.set_defaults(run=cmd_practice)


_DESCRIPTION = ("Backpropagate by hand: for each step of the backward pass, type the gradient "
                "that flows (local derivative × upstream) and the engine checks it, with a hint "
                "that gets more specific at each wrong try. Answers are read one a line from "
                "standard input: reveal shows the answer, quit stops, the end of input ends.")
_EPILOG = ('examples: autograd practice "(3*x + 1)**2" x=2;  autograd practice --list;  '
           "autograd practice 1")


def add_practice_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``practice`` to the command line's subcommands (``subparsers`` is what
    ``ArgumentParser.add_subparsers`` returned)."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "practice", help="backpropagate by hand; the engine checks each step",
        description=_DESCRIPTION, epilog=_EPILOG)
    _arguments(p)
    return p


def _fail(text: str, code: int) -> int:
    print(f"autograd practice: {text}", file=sys.stderr)
    return code


def _listing() -> str:
    lines = ["The exercises, in order (autograd practice N plays one):"]
    for e in exercises():
        lines.append(f"  {e.number}. {e.title} ({len(e.practice().questions)} questions)")
    return "\n".join(lines)


def _session(args: argparse.Namespace) -> tuple[Practice, Exercise | None] | int:
    """The practice session the arguments ask for, or the exit code of an error (said)."""
    from .cli_expressions import ExpressionError, assignments, evaluate  # ast, no eval

    text = (args.expression or "").strip()
    if text.isdigit() and not args.values:
        try:
            chosen = exercise(int(text))
        except ValueError as e:
            return _fail(f"{str(e).removeprefix('exercise: ')} (see --list)", 2)
        return chosen.practice(), chosen
    if not text:
        return _fail("give an expression and its values, the number of an exercise, or --list",
                     2)
    try:
        values = assignments(args.values)  # as autograd grad reads them
    except ValueError as e:
        return _fail(str(e), 2)
    try:
        result, _ = evaluate(text, values)
    except ExpressionError as e:
        return _fail(str(e), 2)
    except (ArithmeticError, ValueError, TypeError) as e:  # the engine's errors name the op
        return _fail(str(e), 1)
    if not isinstance(result, Value) or result.is_leaf:
        return _fail("there is nothing to backpropagate through: the expression has no "
                     "operation on a variable", 2)
    expression = " ".join(text.split())
    if not result.label or result.label == expression:
        result.label = "f"
    try:
        return Practice(result), None
    except ValueError as e:
        return _fail(str(e).removeprefix("practice: "), 1)


def _ask(prompt: str) -> str:
    """One line of standard input; typed at a terminal, or echoed after the prompt so that a
    scripted session reads as a dialogue."""
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        print()
        raise EOFError
    if not sys.stdin.isatty():
        print(line.rstrip("\n")[:200] + ("…" if len(line) > 201 else ""))
    return line


def cmd_practice(args: argparse.Namespace) -> int:
    """Run ``autograd practice`` with parsed arguments; returns the exit code."""
    if args.list:
        print(_listing())
        return 0
    found = _session(args)
    if isinstance(found, int):
        return found
    session, chosen = found
    if args.html is not None:
        try:
            path = session.save_html(args.html)
        except Exception as e:  # noqa: BLE001 - the page needs Graphviz's dot program
            return _fail(f"cannot write {args.html}: {e}", 1)
        print(f"practice page written to {path} (open it in a browser)")
        return 0
    if chosen is not None:
        print(f"{chosen}\n")
    if args.explain_rules:
        print(session.rules() + "\n")
    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if reconfigure is not None:  # a line that is not UTF-8 is an answer that is not a number
        reconfigure(errors="replace")
    try:
        session.run(ask=_ask)
    except KeyboardInterrupt:
        print(f"\nInterrupted: {session.score.right} of {session.score.total} right at the "
              "first try.")
        return 130
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m autograd.cli_practice ...``: the same command on its own."""
    parser = argparse.ArgumentParser(prog="autograd practice", description=_DESCRIPTION,
                                     epilog=_EPILOG)
    _arguments(parser)
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 2
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
