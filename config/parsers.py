"""The API's JSON parser: what DRF's parses, without NUL characters and nested at most MAX_JSON_DEPTH deep.

Python's json module recurses once per level, so a 100,000-deep array ends in RecursionError (a server error);
no request body of this API is more than a few levels deep.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32


def check_json(data: Any, *, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Raise ParseError if `data` (parsed JSON) is nested deeper than `max_depth` or has a NUL in a string."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError(gettext("Dữ liệu JSON có ký tự NUL (\\0), là ký tự không được phép."))
        elif isinstance(value, Mapping | list):
            if depth > max_depth:
                raise ParseError(gettext("Dữ liệu JSON lồng nhau quá %(depth)d cấp.") % {"depth": max_depth})
            items = [*value.keys(), *value.values()] if isinstance(value, Mapping) else value
            stack.extend((item, depth + 1) for item in items)


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(gettext("Dữ liệu JSON lồng nhau quá %(depth)d cấp.") % {"depth": MAX_JSON_DEPTH}) from None
        check_json(data)
        return data
