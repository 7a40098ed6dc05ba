"""The documentation's examples run, and print what the pages say they print.

Every ```python block of docs/*.md and of the README runs, page by page: the blocks of one
page in order, in one namespace, as a reader would paste them, in a temporary folder (the
files they write land there). Ops that a page defines with `autograd.op` are removed
afterwards, so that no page changes the registry the other tests see.

Printed results are checked. Two ways to state them in a page:

- A trailing comment on a ``print(...)`` statement at the top level of a block is that print's
  whole output, exactly::

      print(a.grad, b.grad)  # -3.0 -4.0

  ``...`` in the comment stands for any text (doctest's ELLIPSIS): ``# 0.027...``. A remark
  that is not the output goes on the line above. A print with a trailing comment anywhere else
  (inside a loop, a function, a ``with``) cannot be checked and fails the test: move it.
- A ```text block that follows a ```python block with only blank lines between is that block's
  whole output, line by line (trailing spaces ignored, ``...`` again any text).

Anything else a page shows (a ```text block after prose, a REPL session) is not checked here,
and only ```python blocks run: code shown but not run (an outline, an excerpt of the package
included with ``--8<-- "autograd/core.py:28:43"``) goes in a ```py block.

An excerpt included by line numbers cannot drift unseen: each range must be whole lines of code
between blank lines (the line before it and the line after it blank), and a ``linenums="N"``
on its block must be its first line.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

import pytest

from autograd import ops

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCK = re.compile(r"^( *)```(\w*)\n(.*?)^\1```[ \t]*\n?", re.MULTILINE | re.DOTALL)


@dataclass
class Block:
    code: str  # dedented (a block inside a list item is indented)
    line: int  # the line of the page the code starts on
    output: str | None  # the ```text block right after it, if any: its whole output


def blocks(page: Path) -> list[Block]:
    """The page's Python code blocks, each with the output block that follows it, if any."""
    text = page.read_text(encoding="utf-8")
    found: list[Block] = []
    after_python = -1  # where the previous python block ended, when it was the last block
    for match in BLOCK.finditer(text):
        indent, lang = len(match.group(1)), match.group(2)
        body = "".join(line[indent:] for line in match.group(3).splitlines(True))
        if lang == "python":
            found.append(Block(body, text.count("\n", 0, match.start()) + 2, None))
            after_python = match.end()
        else:
            right_after = after_python >= 0 and not text[after_python:match.start()].strip()
            if lang == "text" and right_after:
                found[-1].output = body
            after_python = -1
    return found


def needs_torch(code: str) -> bool:
    """A block that moves a model to PyTorch and back, or imports torch."""
    return bool(re.search(r"\bto_torch\(|\bfrom_torch\(|^\s*(import|from) torch\b", code,
                          re.MULTILINE))


def matches(expected: str, actual: str) -> bool:
    """``actual`` is ``expected``, where ``...`` in ``expected`` stands for any text."""
    pattern = ".*?".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, actual, re.DOTALL) is not None


def trailing_comments(code: str) -> dict[int, str]:
    """Line number -> the text of a comment that ends a line of code (not a comment line)."""
    comments: dict[int, str] = {}
    code_lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == tokenize.COMMENT:
            if tok.start[0] in code_lines:
                comments[tok.start[0]] = tok.string[1:].strip()
        elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                              tokenize.ENDMARKER):
            code_lines.update(range(tok.start[0], tok.end[0] + 1))
    return comments


def is_print(node: ast.AST) -> TypeGuard[ast.Call]:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "print")


def run_block(block: Block, name: str, namespace: dict[str, object]) -> list[str]:
    """Run one block, statement by statement; the differences from what the page states."""
    tree = ast.parse(block.code)
    comments = trailing_comments(block.code)
    checked = {s.end_lineno for s in tree.body if isinstance(s, ast.Expr) and is_print(s.value)}
    problems = [
        f"{name}, line {block.line + node.end_lineno - 1}: a print with a trailing comment "
        "that is not a statement of its own at the top level cannot be checked; move the "
        "comment to the line above"
        for node in ast.walk(tree)
        if is_print(node) and node.end_lineno in comments and node.end_lineno not in checked
    ]
    everything = io.StringIO()
    for statement in tree.body:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(ast.Module([statement], []), name, "exec"), namespace)
        everything.write(out.getvalue())
        line = statement.end_lineno
        if line in checked and line in comments:
            got = out.getvalue().rstrip()
            if not matches(comments[line], got):
                problems.append(f"{name}, line {block.line + line - 1}: the page says "
                                f"{comments[line]!r}, the print gives {got!r}")
    if block.output is not None:
        want = "\n".join(line.rstrip() for line in block.output.strip("\n").splitlines())
        got = "\n".join(line.rstrip() for line in everything.getvalue().strip("\n").splitlines())
        if not matches(want, got):
            problems.append(f"{name} (page line {block.line}): the text block after it says\n"
                            f"{want}\n--- the block prints\n{got}")
    return problems


HAVE_TORCH = importlib.util.find_spec("torch") is not None

PAGES = [*sorted(p for p in DOCS.glob("*.md") if blocks(p)), DOCS.parent / "README.md"]


def test_the_guides_have_examples() -> None:
    assert len(PAGES) >= 8, [p.name for p in PAGES]


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # files an example writes (two_layer.html) land here
    before = {o.name: o for o in ops.registered(builtin=False)}
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    problems: list[str] = []
    try:
        for n, block in enumerate(blocks(page), 1):
            if needs_torch(block.code) and not HAVE_TORCH:  # the rest of the page may build on it
                pytest.skip(f"{page.name}, python block {n} and after: they need torch, "
                            "which is not installed")
            problems += run_block(block, f"{page.name}, python block {n}", namespace)
    finally:
        for op in ops.registered(builtin=False):
            if before.get(op.name) is not op:
                ops.unregister(op.name)
        for op in before.values():
            if op.name not in {o.name for o in ops.registered(builtin=False)}:
                ops.register(op)
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.mark.parametrize(("expected", "actual", "same"), [
    ("-3.0 -4.0", "-3.0 -4.0", True),
    ("-3.0 -4.0", "-3.0 -4.5", False),
    ("0.027...", "0.02731", True),
    ("0.027...", "0.0281", False),
    ("<Drawing of 'E': ...", "<Drawing of 'E': 3 boxes>", True),
])
def test_matches(expected: str, actual: str, same: bool) -> None:
    assert matches(expected, actual) is same


def test_a_wrong_output_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```python\nx = 2\nprint(x + 1)  # 4\nprint(x)  # 2\n```\n\n"
                    "```python\nprint('a')\nprint('b')\n```\n\n```text\na\nc\n```\n"
                    "```python\nfor i in range(2):\n    print(i)  # 0\n```\n",
                    encoding="utf-8")
    found = blocks(page)
    assert [b.output for b in found] == [None, "a\nc\n", None]
    namespace: dict[str, object] = {}
    first = run_block(found[0], "b1", namespace)
    assert len(first) == 1 and "'4'" in first[0] and "'3'" in first[0]
    assert len(run_block(found[1], "b2", namespace)) == 1
    assert "cannot be checked" in run_block(found[2], "b3", namespace)[0]


ROOT = DOCS.parent
INCLUDE = re.compile(r'^```\w+(?: linenums="(\d+)")?\n--8<-- "([^":]+\.py):(\d+):(\d+)"\n```',
                     re.MULTILINE)
EXCERPTS = [(page, m) for page in sorted(DOCS.glob("*.md"))
            for m in INCLUDE.finditer(page.read_text(encoding="utf-8"))]


def test_the_engine_page_quotes_the_core() -> None:
    assert any(m.group(2) == "autograd/core.py" for _, m in EXCERPTS)


@pytest.mark.parametrize(("page", "match"), EXCERPTS,
                         ids=[f"{p.stem}:{m.group(2)}:{m.group(3)}" for p, m in EXCERPTS])
def test_excerpts_are_whole_paragraphs_of_code(page: Path, match: re.Match[str]) -> None:
    linenums, path, first, last = match.groups()
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    a, b = int(first), int(last)
    where = f"{page.name} includes {path}:{a}:{b}"
    assert 1 <= a <= b <= len(lines), f"{where}, but the file has {len(lines)} lines"
    assert lines[a - 1].strip() and lines[b - 1].strip(), f"{where}: it starts or ends blank"
    assert a == 1 or not lines[a - 2].strip(), (
        f"{where}: line {a - 1} is not blank, so the excerpt starts mid-paragraph; has the file "
        f"changed? line {a} is now {lines[a - 1]!r}")
    assert b == len(lines) or not lines[b].strip(), (
        f"{where}: line {b + 1} is not blank, so the excerpt ends mid-paragraph; has the file "
        f"changed? line {b} is now {lines[b - 1]!r}")
    assert linenums is None or int(linenums) == a, f"{where} with linenums={linenums}"
