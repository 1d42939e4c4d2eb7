"""Vietnamese text for search: one folding for documents, queries and highlighting alike.

Every backend indexes `index_text(…)` (folded words joined by single spaces) and searches with the folded
words of `parse_query(…)`, so "khieu nai dat dai" and "khiếu nại đất đai" are the same query, whatever the
engine's own tokenizer or accent filter would have done. Highlighting finds the folded matches again in the
original (NFC) text, so snippets keep their diacritics. Cleaning and folding themselves live in `privacy.text`,
shared with the redaction of personal data.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from privacy.text import WORD, clean, fold, word_spans, words

MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 12
SNIPPET_CHARS = 240

# Search syntax of some engine, typed in capitals by a user who expects it to work: dropped, never obeyed.
OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
QUOTES = str.maketrans({c: '"' for c in "“”„‟«»″〝〞＂"})


def index_text(text: str) -> str:
    """What an engine indexes: folded words joined by single spaces (no punctuation for a tokenizer to read)."""
    return " ".join(words(text))


@dataclass(frozen=True)
class ParsedQuery:
    """Folded single words (all must match) and phrases (words that must follow each other)."""

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    display: str = ""  # the sanitized query as typed (diacritics kept), phrases in double quotes

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.phrases

    @property
    def all_words(self) -> tuple[str, ...]:
        return self.terms + tuple(word for phrase in self.phrases for word in phrase)


def parse_query(raw: str) -> ParsedQuery:
    """Any string a user can type → words and quoted phrases. Never raises.

    Engine syntax (`*`, `^`, `-`, parentheses, `OR`, `NEAR`, …) is dropped, not obeyed; an unbalanced quote
    is ignored; control characters and emoji vanish; the length and the number of words are capped.
    """
    text = clean(raw[: MAX_QUERY_CHARS * 4])[:MAX_QUERY_CHARS].translate(QUOTES)
    parts = text.split('"')
    if len(parts) % 2 == 0:  # an unbalanced quote: the text after it is plain words
        parts[-2:] = [parts[-2] + " " + parts[-1]]
    terms: list[str] = []
    phrases: list[tuple[str, ...]] = []
    shown: list[str] = []
    budget = MAX_QUERY_WORDS
    for index, part in enumerate(parts):
        if budget <= 0:
            break
        quoted = index % 2 == 1
        originals = [w for w in WORD.findall(part) if quoted or w not in OPERATORS][:budget]
        budget -= len(originals)
        folded = [[w for w in WORD.findall(fold(original))] for original in originals]
        if quoted and sum(len(f) for f in folded) > 1:
            phrase = tuple(w for f in folded for w in f)
            if phrase not in phrases:
                phrases.append(phrase)
                shown.append('"' + " ".join(originals) + '"')
            continue
        for original, pieces in zip(originals, folded, strict=True):
            new = [w for w in pieces if w not in terms]
            if new:
                terms.extend(new)
                shown.append(original)
    return ParsedQuery(tuple(terms), tuple(phrases), " ".join(shown))


def sanitize_query(raw: str) -> str:
    """The query as a backend receives it (`SearchQuery.text`): words and "quoted phrases", nothing else."""
    return parse_query(raw).display


def _matches(text: str, query: ParsedQuery) -> list[tuple[int, int]]:
    """(start, end) spans of the original text that match a query word or phrase, merged and sorted."""
    tokens = word_spans(text)
    spans: list[tuple[int, int]] = []
    wanted = set(query.terms)
    spans += [(start, end) for word, start, end in tokens if word in wanted]
    sequence = [word for word, _, _ in tokens]
    for phrase in query.phrases:
        size = len(phrase)
        for i in range(len(sequence) - size + 1):
            if tuple(sequence[i : i + size]) == phrase:
                spans.append((tokens[i][1], tokens[i + size - 1][2]))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):  # "<mark>đất đai</mark>"
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _escape(text: str) -> str:
    return html.escape(re.sub(r"\s+", " ", text), quote=False)


def highlight(text: str, query: ParsedQuery, *, size: int = SNIPPET_CHARS) -> str:
    """An HTML-escaped extract of about `size` characters around the densest matches, each in <mark>…</mark>."""
    text = clean(text)
    spans = _matches(text, query) if not query.is_empty else []
    if spans:
        best = max(range(len(spans)), key=lambda i: sum(1 for s in spans[i:] if s[1] <= spans[i][0] + size))
        start = max(0, spans[best][0] - size // 5)
    else:
        start = 0
    if start > 0:  # begin at a word
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 30 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + size // 2 else end
    pieces: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(_escape(text[cursor:span_start]))
        pieces.append("<mark>" + _escape(text[span_start:span_end]) + "</mark>")
        cursor = span_end
    pieces.append(_escape(text[cursor:end]))
    pieces.append("…" if end < len(text) else "")
    return "".join(pieces).strip()
