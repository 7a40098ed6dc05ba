"""The expressions of ``autograd grad``: read with `ast`, evaluated with the engine.

``autograd grad "sigmoid(w*x + b)" w=-3 x=2 b=1`` evaluates the expression by walking its tree
here, node by node: only numbers, names, ``+ - * / **``, unary ``-``/``+`` and calls of the
engine's functions are accepted. Nothing the user types is ever given to eval, exec or compile.
"""

from __future__ import annotations

import ast
import difflib
import io
import math
import tokenize
import unicodedata
import warnings
from collections.abc import Iterable, Sequence

from .core import Value
from .fused import sum as engine_sum
from .ops import VARIADIC, Op, registered

__all__ = ["ALLOWED", "CONSTANTS", "FUNCTIONS", "ExpressionError", "assignments", "did_you_mean",
           "evaluate"]


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


ALLOWED = ("numbers, names, + - * / **, unary -, the constants " + ", ".join(CONSTANTS)
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
    return ExpressionError(f"refused {what}{at}: only {ALLOWED} are allowed")


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
            hint = did_you_mean(node.func.id, FUNCTIONS) if isinstance(node.func, ast.Name) \
                else ""
            raise ExpressionError(f"refused a call of {callee!r}{hint}: only {ALLOWED} are "
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


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """`` (did you mean grad?)`` when one of `choices` is close to `name`; else ``""``."""
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def assignments(items: Sequence[str]) -> dict[str, float]:
    """The values given as ``NAME=NUMBER`` (``w=-3``), by name; `ExpressionError` for anything
    else, a function's name, a name given twice, or a number that is not finite."""
    values: dict[str, float] = {}
    for item in items:
        name, eq, number = item.partition("=")
        name = unicodedata.normalize("NFKC", name.strip())  # as Python reads names: ℌ is H
        if not eq or not name.isidentifier():
            raise ExpressionError(f"expected NAME=NUMBER, got {item.strip()!r}")
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

