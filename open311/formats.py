"""Open311 GeoReport v2 documents as XML (required by the specification) and JSON.

A document is plain data: dicts (element order kept), lists, strings, numbers, booleans and None. XML names a
list's items after their list (`services` → `service`); None is an empty element in XML and null in JSON; times
are ISO 8601 with their zone (`iso`). Django has no XML renderer, so the XML is built with ElementTree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse
from django.utils import timezone

XML, JSON = "xml", "json"
CONTENT_TYPES = {XML: "text/xml; charset=utf-8", JSON: "application/json; charset=utf-8"}
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


def iso(moment: datetime | None) -> str | None:
    """W3C ISO 8601 with the zone (Vietnam time, `+07:00`), to the second."""
    return None if moment is None else timezone.localtime(moment).isoformat(timespec="seconds")


# Characters XML 1.0 cannot carry (control characters other than tab and line breaks, lone surrogates, U+FFFE/F):
# a petition typed elsewhere may hold one, and a client's parser would refuse the whole document.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _append(parent: ElementTree.Element, tag: str, value: Any) -> None:
    element = ElementTree.SubElement(parent, tag)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list | tuple):
        for item in value:
            _append(element, ITEM_TAGS[tag], item)
    else:
        element.text = _text(value)


def to_xml(document: Mapping[str, Any] | Sequence[Any], *, root: str) -> bytes:
    """`document` under the element `root`: a list's items as `ITEM_TAGS[root]`, a dict's keys as elements."""
    element = ElementTree.Element(root)
    if isinstance(document, Mapping):
        for key, item in document.items():
            _append(element, key, item)
    else:
        for item in document:
            _append(element, ITEM_TAGS[root], item)
    body: bytes = ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)
    return body


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return iso(value)
    raise TypeError(type(value).__name__)


def to_json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, default=_json_default).encode("utf-8")


def render(document: Mapping[str, Any] | Sequence[Any], *, fmt: str, root: str, status: int = 200) -> HttpResponse:
    """An HTTP response with `document` in `fmt` (`xml` or `json`); `root` names the XML root element."""
    body = to_json(document) if fmt == JSON else to_xml(document, root=root)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES[XML]))


def render_errors(errors: Sequence[tuple[int | str, str]], *, fmt: str, status: int) -> HttpResponse:
    """The specification's errors: `<errors><error><code>…</code><description>…</description></error></errors>`,
    in JSON a list of {code, description}."""
    document = [{"code": code, "description": description} for code, description in errors]
    return render(document, fmt=fmt, root="errors", status=status)
