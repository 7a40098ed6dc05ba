"""The tests themselves: no assertion in tests/ that can never fail (issue 23, item 13).

`assert x or True`, `assert (x, "message")`, `assert "text"`, `assert a is a` pass whatever
the code does, and `except AssertionError:` without a ``raise`` swallows the failure it
catches. Each is found from the syntax tree of every file in tests/; the finder is itself
checked on snippets that hold each kind, so that this test can fail too.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from hypothesis import settings

TESTS = Path(__file__).resolve().parent


def _truthy_literal(node: ast.expr) -> bool:
    """An expression whose truth is fixed by its syntax: a true constant, a non-empty
    tuple, list, set or dict display, an f-string with text in it."""
    if isinstance(node, ast.Constant):
        return bool(node.value)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return bool(node.elts)
    if isinstance(node, ast.Dict):
        return bool(node.keys)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and v.value for v in node.values)
    return False


def _plain(node: ast.expr) -> bool:
    """A name, an attribute of one or a constant: the same on both sides of a comparison
    (a call might not be: ``f() == f()`` checks that f is deterministic)."""
    if isinstance(node, ast.Attribute):
        return _plain(node.value)
    return isinstance(node, (ast.Name, ast.Constant))


def never_failing(test: ast.expr) -> str | None:
    """Why the condition of an ``assert`` is always true, or None."""
    if _truthy_literal(test):
        return "its condition is a literal that is always true"
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        if any(_truthy_literal(v) for v in test.values):
            return "one operand of its `or` is always true"
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, right = test.left, test.comparators[0]
        same = _plain(left) and ast.dump(left) == ast.dump(right)
        if same and isinstance(test.ops[0], (ast.Is, ast.Eq, ast.LtE, ast.GtE)):
            return "it compares an expression with itself"
    return None


def _catches_assertion_error(handler: ast.ExceptHandler) -> bool:
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(n, ast.Name) and n.id == "AssertionError" for n in names)


def findings(source: str, name: str = "<snippet>") -> list[str]:
    """Each assertion in `source` that cannot fail, as 'name:line: why'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assert) and (why := never_failing(node.test)):
            found.append(f"{name}:{node.lineno}: `{ast.unparse(node.test)}`: {why}")
        elif isinstance(node, ast.ExceptHandler) and (
                node.type is None or _catches_assertion_error(node)):
            if not any(isinstance(n, ast.Raise) for s in node.body for n in ast.walk(s)):
                what = "a bare except" if node.type is None else "except AssertionError"
                found.append(f"{name}:{node.lineno}: {what} that does not raise again "
                             "swallows a failed assertion")
    return found


@pytest.mark.parametrize("snippet", [
    "assert x or True",
    "assert (x == 1, 'x should be 1')",
    "assert 'the gradient is right'",
    "assert f'x is {x}'",
    "assert [x]",
    "assert v.grad == v.grad",
    "assert a is a",
    "assert isinstance(v, Value) or 1",
    "try:\n    assert f()\nexcept AssertionError:\n    pass",
    "try:\n    assert f()\nexcept (ValueError, AssertionError):\n    log()",
    "try:\n    f()\nexcept:\n    pass",
])
def test_the_finder_finds_each_kind(snippet: str) -> None:
    assert len(findings(snippet)) == 1, snippet


@pytest.mark.parametrize("snippet", [
    "assert x",
    "assert (x, y) == (1, 2)",
    "assert f() == f()",
    "assert x or y",
    "assert a is not b",
    "try:\n    f()\nexcept AssertionError:\n    raise",
    "try:\n    f()\nexcept ValueError:\n    pass",
])
def test_the_finder_leaves_real_assertions_alone(snippet: str) -> None:
    assert findings(snippet) == [], snippet


def test_no_assertion_in_the_tests_is_always_true() -> None:
    found = [f for path in sorted(TESTS.glob("*.py"))
             for f in findings(path.read_text(encoding="utf-8"), path.name)]
    assert found == []


# ---------------------------------------------------------------------------------------------
# No test can hold CI: hypothesis's ci profile has a deadline, every test a time limit.


def test_ci_runs_the_tests_with_a_deadline_and_a_time_limit(pytestconfig: pytest.Config) -> None:
    assert settings.get_profile("ci").deadline is not None
    assert settings.get_profile("dev").deadline is None  # a breakpoint is not a failure
    profile = os.environ.get("HYPOTHESIS_PROFILE") or "dev"
    assert settings.default.deadline == settings.get_profile(profile).deadline
    root = TESTS.parent
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    assert 'export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"' in ci
    assert ci.index("HYPOTHESIS_PROFILE") < ci.index("make test")  # CI's command is make test
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    assert "\nexport HYPOTHESIS_PROFILE\n" in makefile  # make test passes it on to pytest
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and later
    with open(root / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)
    assert any(d.startswith("pytest-timeout") for d in
               project["project"]["optional-dependencies"]["test"])
    assert project["tool"]["pytest"]["ini_options"]["timeout_method"] == "thread"
    assert pytestconfig.pluginmanager.hasplugin("timeout")  # installed, so the limit holds
    assert 0 < float(pytestconfig.getini("timeout")) <= 300
