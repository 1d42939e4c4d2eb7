"""Opaque, signed page cursors: the sort key of the last hit, bound to the query that produced it.

A cursor holds no offset (deep pages cost what the first does) and cannot be forged or reused for another
query or sort: anything else is `BadCursor`, which the API turns into a 400 on `cursor`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

from django.core import signing
from django.utils.translation import gettext

from search.backends.base import BadCursor, SearchQuery
from search.text import parse_query

SALT = "search.cursor"
MAX_CURSOR_CHARS = 1000
Key = list[str | float | int]


def _digest(query: SearchQuery) -> str:
    parsed = parse_query(query.text)
    fields = dataclasses.asdict(query)
    for volatile in ("text", "size", "cursor", "facets"):
        del fields[volatile]
    fields["words"] = [parsed.terms, parsed.phrases]
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()[:16]


def encode_cursor(query: SearchQuery, key: Key) -> str:
    return signing.dumps({"q": _digest(query), "k": key}, salt=SALT, compress=True)


def decode_cursor(query: SearchQuery, *, types: tuple[type, ...]) -> Key:
    """The key in `query.cursor`, checked: made by us, for this query, with values of the given types."""
    token = query.cursor
    if len(token) > MAX_CURSOR_CHARS:
        raise BadCursor(gettext("Con trỏ trang quá dài"))
    try:
        payload = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise BadCursor(gettext("Con trỏ trang không hợp lệ")) from None
    if not isinstance(payload, dict) or payload.get("q") != _digest(query):
        raise BadCursor(gettext("Con trỏ trang thuộc một truy vấn khác")) from None
    key = payload.get("k")
    if not isinstance(key, list) or len(key) != len(types):
        raise BadCursor(gettext("Con trỏ trang không hợp lệ"))
    for value, expected in zip(key, types, strict=True):
        if not isinstance(value, expected) or isinstance(value, bool):
            raise BadCursor(gettext("Con trỏ trang không hợp lệ"))
    return key
