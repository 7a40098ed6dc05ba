"""The one place where generated Python source becomes code.

`autograd.fast` (the operators of `Value`) and `autograd.compile` (whole graphs) write Python
source from the op rules read on symbols (`autograd.symbolic`) and from identifiers they make
themselves; this module compiles it. The source is registered with `linecache` under its own
file name, so tracebacks and debuggers show the generated line, and ``inspect.getsource``
finds it. No user text is ever part of it: names come from the generators' own identifiers,
numbers from ``repr`` of floats, and anything else (labels) only inside comments that the
generators escape.
"""

from __future__ import annotations

import itertools
import linecache
from typing import Any

__all__ = ["annotate", "load"]

_serial = itertools.count(1)


def load(source: str, what: str, namespace: dict[str, Any]) -> dict[str, Any]:
    """Compile and run `source` (module-level definitions only) in a copy of `namespace`;
    return the resulting namespace. `what` names it in tracebacks:
    ``<autograd generated: what #n>``."""
    filename = f"<autograd generated: {what} #{next(_serial)}>"
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    scope = dict(namespace)
    exec(compile(source, filename, "exec"), scope)  # noqa: S102 - our own generated source
    return scope


def annotate(filename: str, source: str) -> None:
    """Show `source` for the code compiled under `filename`: the same lines with comments
    added at their ends (a line more or less would put tracebacks on the wrong line)."""
    entry = linecache.cache.get(filename)
    lines = source.splitlines(keepends=True)
    if entry is None or len(entry) < 3 or len(entry[2]) != len(lines):
        raise ValueError(f"annotate: {filename} has other lines than the source given")
    linecache.cache[filename] = (len(source), None, lines, filename)
