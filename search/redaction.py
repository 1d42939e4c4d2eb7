"""Personal data out of published text: phone numbers, emails, ID numbers and the names a projection names.

Applied to every free-text field of a public projection before it reaches a search engine. It errs towards
hiding: a 9- or 12-digit number is an ID number (CMND / CCCD) unless it is written as an amount of money
("100.000.000"); a number starting with 0 or +84 that has 10–11 digits is a phone number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from search.text import clean, word_spans, words

REDACTED = "[***]"

EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# Digits with at most one space, dot or dash between them: "0912 345 678", "0912.345.678", "+84-912-345-678".
DIGIT_RUN = re.compile(r"(?<!\d)\+?\d(?:[ .\-]?\d)*(?!\d)")
MONEY = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")  # thousands grouped with dots, as Vietnamese amounts are written


def _is_personal_number(run: str) -> bool:
    digits = re.sub(r"\D", "", run)
    if len(digits) in (9, 12) and not MONEY.fullmatch(run):
        return True  # CMND (9 digits) or CCCD (12 digits)
    if digits.startswith("0") and len(digits) in (10, 11):
        return True  # mobile or landline with its area code
    return digits.startswith("84") and len(digits) in (11, 12)  # +84 912 345 678


def _redact_numbers(text: str) -> str:
    return DIGIT_RUN.sub(lambda m: REDACTED if _is_personal_number(m.group()) else m.group(), text)


def _redact_names(text: str, names: Iterable[str]) -> str:
    """Every occurrence of each name's words in sequence, with or without diacritics, in any case."""
    targets = [words(variant) for name in names for variant in name_variants(name)]
    targets = [target for target in targets if target]
    if not targets:
        return text
    tokens = word_spans(text)
    sequence = [token for token, _, _ in tokens]
    spans: list[tuple[int, int]] = []
    for target in targets:
        size = len(target)
        spans += [
            (tokens[i][1], tokens[i + size - 1][2])
            for i in range(len(tokens) - size + 1)
            if sequence[i] == target[0] and sequence[i : i + size] == target
        ]
    cursor, pieces = 0, []
    for start, end in sorted(spans):
        if start < cursor:  # inside a longer variant already hidden ("Văn An" within "Nguyễn Văn An")
            continue
        pieces += [text[cursor:start], REDACTED]
        cursor = end
    return "".join([*pieces, text[cursor:]])


def name_variants(full_name: str) -> list[str]:
    """The full name and, for names of three words or more, the last two ("Nguyễn Văn An" → "Văn An")."""
    parts = clean(full_name).split()
    variants = [" ".join(parts)] if parts else []
    if len(parts) >= 3:
        variants.append(" ".join(parts[-2:]))
    return variants


def redact(text: str, *, names: Iterable[str] = (), literals: Iterable[str] = ()) -> str:
    """`text` (NFC) without emails, phone and ID numbers, the given names, and the given literal strings."""
    text = clean(text)
    for literal in literals:
        literal = clean(literal).strip()
        if literal:
            text = text.replace(literal, REDACTED)
    text = EMAIL.sub(REDACTED, text)
    text = _redact_numbers(text)
    return _redact_names(text, names)
