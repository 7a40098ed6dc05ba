"""A griffe extension for the documentation site (mkdocs.yml loads it): reST literal blocks in
Markdown.

The docstrings introduce code the reST way, a paragraph ending in ``::`` and an indented block
(what ``help()`` shows well). In Markdown the indented block is already code, so only the
marker has to go: ``them::`` becomes ``them:``, and a line that is only ``::`` is dropped.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_MARKER_ALONE = re.compile(r"^[ \t]*::[ \t]*\n", re.MULTILINE)
_MARKER_AFTER_TEXT = re.compile(r"(?<=\S)::[ \t]*$", re.MULTILINE)


class LiteralBlocks(griffe.Extension):
    """Rewrites ``::`` before an indented block into Markdown, in every docstring griffe reads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        docstring = obj.docstring
        if docstring is not None and "::" in docstring.value:
            text = _MARKER_ALONE.sub("", docstring.value)
            docstring.value = _MARKER_AFTER_TEXT.sub(":", text)
