"""Vietnamese text, cleaned and folded the same way everywhere: for redaction here, and for search (`search.text`).

`clean` gives NFC text without control characters; `fold` lowercases, maps đ → d and drops diacritics, so
"Đông Hà" and "dong ha" are the same words; `word_spans` finds the folded words again in the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Letters and digits; the underscore is punctuation here, as in SQLite's unicode61 tokenizer.
WORD = re.compile(r"[^\W_]+")
# đ has no Unicode decomposition, so stripping combining marks keeps it; ð (U+00F0) is what legacy
# Vietnamese encodings often produce for đ after conversion.
STROKE_LETTERS = str.maketrans({"đ": "d", "ð": "d"})


class _CharTable(dict[int, str]):
    """A str.translate table computed per character on first sight (translate then runs in C)."""

    def __init__(self, function: Callable[[str], str]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, code: int) -> str:
        value = self.function(chr(code))
        if len(self) < 65_536:  # bounded, whatever characters a client sends
            self[code] = value
        return value


def _clean_char(char: str) -> str:
    return " " if unicodedata.category(char)[0] == "C" and char not in "\n\t" else char


_CLEAN = _CharTable(_clean_char)


def clean(text: str) -> str:
    """NFC, with control, format and unpaired surrogate characters (NUL included) turned into spaces."""
    return unicodedata.normalize("NFC", text.translate(_CLEAN))


def fold(text: str) -> str:
    """Lowercase, đ → d, no diacritics: "Đông Hà" → "dong ha". Expects clean text."""
    lowered = unicodedata.normalize("NFC", text).lower().translate(STROKE_LETTERS)
    stripped = "".join(c for c in unicodedata.normalize("NFD", lowered) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def words(text: str) -> list[str]:
    """The folded words of any text, in order."""
    return WORD.findall(fold(clean(text)))


_FOLD = _CharTable(lambda char: fold(char))


def fold_clean(text: str) -> str:
    """`fold` of clean NFC text by one translate table: for comparing many texts fast (`cases.duplicates`)."""
    return text.translate(_FOLD)


def fold_with_origins(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, for each of its characters, the index of the original character it came from
    (None when they correspond one for one, the usual case)."""
    folded = text.translate(_FOLD)
    if len(folded) == len(text) and all(len(_FOLD[ord(char)]) == 1 for char in set(text)):
        return folded, None
    out: list[str] = []
    origins: list[int] = []
    for position, char in enumerate(text):
        piece = _FOLD[ord(char)]
        out.append(piece)
        origins.extend([position] * len(piece))
    return "".join(out), origins


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Each folded word of `text` with the (start, end) of the original characters it came from."""
    folded, origins = fold_with_origins(text)
    if origins is None:
        return [(match.group(), match.start(), match.end()) for match in WORD.finditer(folded)]
    tokens: list[tuple[str, int, int]] = []
    for match in WORD.finditer(folded):
        start, end = origins[match.start()], origins[match.end() - 1] + 1
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        tokens.append((match.group(), start, end))
    return tokens
