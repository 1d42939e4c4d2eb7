"""A word-level diff of two texts (what changed in a redrafted answer), for a page to show with <ins>/<del>."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    """A run of the new text: `op` is "equal", "insert" or "delete" (a deleted run is text of the old one)."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[Segment]:
    """The segments that turn `old` into `new`, word by word (whitespace kept as written)."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", "".join(b[j1:j2])))
            continue
        if tag in ("delete", "replace"):
            segments.append(Segment("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(Segment("insert", "".join(b[j1:j2])))
    return segments
