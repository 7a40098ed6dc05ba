"""The object `autograd.draw` returns, a `graphviz.Digraph` that renders with a time limit and,
without Graphviz's `dot` program, says how to install it; its errors.

The Python package `graphviz` is imported only when a drawing is made, so that
``import autograd`` works (and stays quick) without it.
"""

from __future__ import annotations

import functools
import subprocess
from typing import Any

__all__ = ["INSTALL_GRAPHVIZ", "RENDER_TIMEOUT", "GraphvizNotFoundError", "RenderTimeoutError",
           "drawing_class"]

RENDER_TIMEOUT = 60.0
"""Seconds Graphviz may take to lay out a drawing before `RenderTimeoutError` (``draw(...,
timeout=)`` changes it for one drawing)."""

INSTALL_GRAPHVIZ = (
    "rendering needs the Graphviz program `dot`, which is not on PATH (the DOT text, "
    "draw(...).source, works without it). Install Graphviz: `apt-get install graphviz` "
    "(Debian, Ubuntu), `brew install graphviz` (macOS), `conda install -c conda-forge graphviz`, "
    "or see https://graphviz.org/download/ ; then restart Python (or the Jupyter kernel)."
)


class GraphvizNotFoundError(RuntimeError):
    """Rendering needs Graphviz's `dot` program and it is not installed (or not on PATH)."""

    __module__ = "autograd"


class RenderTimeoutError(TimeoutError):
    """Graphviz's `dot` took longer than the time limit to lay out a drawing."""

    __module__ = "autograd"


def _graphviz() -> Any:
    try:
        import graphviz  # type: ignore[import-untyped,unused-ignore]
    except ImportError as e:  # pragma: no cover - graphviz is a dependency
        raise ModuleNotFoundError(
            "draw: the Python package `graphviz` is missing: pip install graphviz"
        ) from e
    return graphviz


@functools.cache
def drawing_class() -> type[Any]:
    """`graphviz.Digraph`, except that rendering runs `dot` with a time limit and, without
    `dot`, says how to install it; its repr says what it holds and how to see it."""
    graphviz = _graphviz()
    digraph: Any = graphviz.Digraph

    class Drawing(digraph):  # type: ignore[misc]
        """A `graphviz.Digraph` made by `autograd.draw`. ``node_ids`` maps each Value drawn
        to its Graphviz node name (``n0``, ``n1``...), which is also the ``id`` of its box in
        the SVG; the edge into box ``n5`` from its operand ``n3`` (the k-th operand drawn) has
        the ``id`` ``n3-n5-k``. ``bundles`` maps the ``id`` of each edge drawn for two dense
        layers (``bundle-n3-n20``) to the (tail, head) box names of the edges it stands
        for. ``boxes`` and ``edges`` count what is drawn; ``title`` names the root."""

        bundles: dict[str, list[tuple[str, str]]] = {}
        boxes: int = 0
        edges: int = 0
        title: str = "the graph"
        timeout: float = RENDER_TIMEOUT

        def __repr__(self) -> str:
            return (f"<Drawing of {self.title}: {self.boxes} boxes, {self.edges} edges. "
                    "In Jupyter it shows itself; autograd.save_svg(root, 'graph.svg', "
                    "**options) writes it to a file (or .pipe(format='svg') gives the bytes); "
                    ".source is its DOT text>")

        def pipe(self, format: str | None = None, renderer: str | None = None,  # noqa: A002
                 formatter: str | None = None, neato_no_op: Any = None, quiet: bool = False,
                 *, engine: str | None = None, encoding: str | None = None) -> Any:
            kind = ":".join(p for p in (format or self.format, renderer, formatter) if p)
            command = [engine or self.engine, f"-T{kind}"]
            try:
                done = subprocess.run(command, input=self.source.encode("utf-8"),
                                      capture_output=True, timeout=self.timeout, check=False)
            except FileNotFoundError as e:
                raise GraphvizNotFoundError(INSTALL_GRAPHVIZ) from e
            except subprocess.TimeoutExpired:
                raise RenderTimeoutError(
                    f"Graphviz took more than {self.timeout:g} s to lay out this drawing "
                    f"({self.source.count(' -> '):,} edges); draw a smaller graph "
                    "(collapse='neuron', fewer samples), or allow more time with draw(..., "
                    "timeout=SECONDS)") from None
            if done.returncode != 0:
                message = done.stderr.decode("utf-8", "replace").strip()
                raise RuntimeError(f"Graphviz's {command[0]} failed: {message}")
            return done.stdout.decode(encoding) if encoding else done.stdout

        def render(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().render(*args, **kwargs)
            except graphviz.ExecutableNotFound as e:
                raise GraphvizNotFoundError(INSTALL_GRAPHVIZ) from e

    Drawing.__module__ = "autograd.viz"
    Drawing.__qualname__ = "Drawing"
    return Drawing
