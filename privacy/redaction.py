"""Personal data out of public text: phone numbers, emails, ID numbers and the names a caller gives.

The one redaction of the product: every public surface (pages, the API, the report PDF, the search index)
shows a petition's or a comment's text through it (`Petition.public_text`, `Comment.public_text`), and
moderation uses `find_personal_data` to flag a comment before it is published. It errs towards hiding: a 9- or
12-digit number is an ID number (CMND / CCCD) unless it is written as an amount of money ("100.000.000"); a
number starting with 0 or +84 that has 10–11 digits is a phone number.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from privacy.text import clean, fold_with_origins, word_spans, words

REDACTED = "[***]"

EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# Digits with at most one space, dot or dash between them: "0912 345 678", "0912.345.678", "+84-912-345-678".
DIGIT_RUN = re.compile(r"(?<!\d)\+?\d(?:[ .\-]?\d)*(?!\d)")
MONEY = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")  # thousands grouped with dots, as Vietnamese amounts are written

# What `find_personal_data` reports, in this order.
NAME, PHONE, EMAIL_ADDRESS, ID_NUMBER = "name", "phone", "email", "id_number"
KINDS = (NAME, PHONE, EMAIL_ADDRESS, ID_NUMBER)


def _number_kind(run: str) -> str | None:
    digits = re.sub(r"\D", "", run)
    if len(digits) in (9, 12) and not MONEY.fullmatch(run):
        return ID_NUMBER  # CMND (9 digits) or CCCD (12 digits)
    if digits.startswith("0") and len(digits) in (10, 11):
        return PHONE  # mobile or landline with its area code
    if digits.startswith("84") and len(digits) in (11, 12):
        return PHONE  # +84 912 345 678
    return None


def _redact_numbers(text: str, found: Counter[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        kind = _number_kind(match.group())
        if kind is None:
            return match.group()
        found[kind] += 1
        return REDACTED

    return DIGIT_RUN.sub(replace, text)


def _redact_names(text: str, names: Iterable[str], found: Counter[str]) -> str:
    """Every occurrence of each name's words in sequence, with or without diacritics, in any case."""
    targets = [words(variant) for name in names for variant in name_variants(name)]
    folded = fold_with_origins(text)[0]
    # Most texts never mention the name: skip the word-by-word pass unless every word of a variant is there.
    targets = [target for target in targets if target and all(word in folded for word in target)]
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
        found[NAME] += 1
        cursor = end
    return "".join([*pieces, text[cursor:]])


def name_variants(full_name: str) -> list[str]:
    """The full name and, for names of three words or more, the last two ("Nguyễn Văn An" → "Văn An")."""
    parts = clean(full_name).split()
    variants = [" ".join(parts)] if parts else []
    if len(parts) >= 3:
        variants.append(" ".join(parts[-2:]))
    return variants


@dataclass(frozen=True)
class Redaction:
    text: str  # the text as the public sees it
    found: Counter[str]  # kind (NAME, PHONE, EMAIL_ADDRESS, ID_NUMBER) → how many were hidden


def redaction(text: str, *, names: Iterable[str] = (), literals: Iterable[str] = ()) -> Redaction:
    """`text` (NFC) without emails, phone and ID numbers, the given names, and the given literal strings (a
    person's own phone or email, however they wrote it), and what was hidden."""
    found: Counter[str] = Counter()
    text = clean(text)
    for literal in literals:
        literal = clean(literal).strip()
        if literal and literal in text:
            found[EMAIL_ADDRESS if "@" in literal else PHONE] += text.count(literal)
            text = text.replace(literal, REDACTED)

    def email(match: re.Match[str]) -> str:
        found[EMAIL_ADDRESS] += 1
        return REDACTED

    if "@" in text:  # the email pattern is slow to fail on long text: most comments have none
        text = EMAIL.sub(email, text)
    text = _redact_numbers(text, found)
    return Redaction(_redact_names(text, names, found), found)


def redact(text: str, *, names: Iterable[str] = (), literals: Iterable[str] = ()) -> str:
    """`text` as every public surface shows it: see `redaction`."""
    return redaction(text, names=names, literals=literals).text


def find_personal_data(text: str, *, names: Iterable[str] = (), literals: Iterable[str] = ()) -> Counter[str]:
    """What `redact` would hide in `text`: kind → count (empty when nothing)."""
    return redaction(text, names=names, literals=literals).found
