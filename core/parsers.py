"""The API's parsers: what DRF's parse, without NUL characters (databases refuse them in text; PostgreSQL with an
error) and, for JSON, nested at most MAX_JSON_DEPTH deep.

Python's json module recurses once per level, so a 100,000-deep array ends in RecursionError (a server error);
no request body of this API is more than a few levels deep.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

MAX_JSON_DEPTH = 32
NON_FIELD = "non_field_errors"


def nul_error(field: str) -> ValidationError:
    """A 400 in the API's error format, naming the (top-level) field that holds the NUL."""
    return ValidationError({field: gettext("Có ký tự NUL (\\0), là ký tự không được phép.")})


def check_json(data: Any, *, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Raise ParseError if `data` (parsed JSON) is nested deeper than `max_depth`, ValidationError if a string
    in it has a NUL."""
    stack: list[tuple[Any, int, str]] = [(data, 1, NON_FIELD)]
    while stack:
        value, depth, field = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise nul_error(field)
        elif isinstance(value, Mapping | list):
            if depth > max_depth:
                raise ParseError(gettext("Dữ liệu JSON lồng nhau quá %(depth)d cấp.") % {"depth": max_depth})
            if isinstance(value, Mapping):
                for key, item in value.items():
                    name = str(key) if depth == 1 else field
                    stack.extend([(key, depth + 1, NON_FIELD if "\x00" in str(key) else name), (item, depth + 1, name)])
            else:
                stack.extend((item, depth + 1, field) for item in value)


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(gettext("Dữ liệu JSON lồng nhau quá %(depth)d cấp.") % {"depth": MAX_JSON_DEPTH}) from None
        check_json(data)
        return data


def check_form(data: Any) -> None:
    """Raise ValidationError if a field of a parsed form (a QueryDict) has a NUL in its name or a value."""
    for key, values in data.lists():
        if "\x00" in key:
            raise nul_error(NON_FIELD)
        if any(isinstance(value, str) and "\x00" in value for value in values):
            raise nul_error(key)


class FormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        check_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        check_form(parsed.data)
        return parsed
