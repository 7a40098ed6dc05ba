"""The documentation's examples run: every ```python block of docs/*.md, page by page.

The blocks of one page run in order in one namespace, as a reader would paste them, in a
temporary folder (the files they write land there). Ops that a page defines with `autograd.op`
are removed afterwards, so that no page changes the registry the other tests see.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from autograd import ops

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCK = re.compile(r"^( *)```python\n(.*?)^\1```", re.MULTILINE | re.DOTALL)


def python_blocks(page: Path) -> list[str]:
    """The page's Python code blocks, dedented (a block inside a list item is indented)."""
    blocks = []
    for match in BLOCK.finditer(page.read_text(encoding="utf-8")):
        indent = len(match.group(1))
        blocks.append("".join(line[indent:] for line in match.group(2).splitlines(True)))
    return blocks


def needs_torch(code: str) -> bool:
    """A block that moves a model to PyTorch and back, or imports torch."""
    return bool(re.search(r"\bto_torch\(|\bfrom_torch\(|^\s*(import|from) torch\b", code,
                          re.MULTILINE))


HAVE_TORCH = importlib.util.find_spec("torch") is not None

PAGES = sorted(p for p in DOCS.glob("*.md") if python_blocks(p))


def test_the_guides_have_examples() -> None:
    assert len(PAGES) >= 8, [p.name for p in PAGES]


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_examples_run(page: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # files an example writes (two_layer.html) land here
    before = {o.name: o for o in ops.registered(builtin=False)}
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    try:
        for n, code in enumerate(python_blocks(page), 1):
            if needs_torch(code) and not HAVE_TORCH:  # the rest of the page may build on it
                pytest.skip(f"{page.name}, python block {n} and after: they need torch, "
                            "which is not installed")
            exec(compile(code, f"{page.name}, python block {n}", "exec"), namespace)
    finally:
        for op in ops.registered(builtin=False):
            if before.get(op.name) is not op:
                ops.unregister(op.name)
        for op in before.values():
            if op.name not in {o.name for o in ops.registered(builtin=False)}:
                ops.register(op)
    capsys.readouterr()
