"""Task forms declared in the BPMN diagram, and validation of what an official submits.

A user task declares each field as an extension property named `field:<name>`, whose value is
`<type>; required; label=<Vietnamese label>; required_if=<other field>=<value>; help=<a hint under the field>`,
for example

    <spiffworkflow:property name="field:decision"
        value="choice:accept=Thụ lý|transfer=Chuyển đơn vị khác|reject=Từ chối; required; label=Kết quả phân loại"/>

Types: `text` (several lines), `string` (one line), `bool`, `int`, `date` (YYYY-MM-DD), `choice:…`,
`unit` (code of a unit) and `official` (username of an official of the case's unit).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from core.errors import INVALID_DETAIL, AppError
from organisation.models import Membership, Unit

FIELD_PREFIX = "field:"
TYPES = ("text", "string", "bool", "int", "date", "choice", "unit", "official")
MAX_TEXT = 20_000
MAX_STRING = 255


class FormSpecError(ValueError):
    """A field declaration in a diagram that cannot be understood."""


class FormErrors(AppError, ValueError):
    """Submitted data that does not fit the task's form: {field name: reason}."""

    code = "invalid"
    status = 400

    @property
    def detail(self) -> str:
        return str(INVALID_DETAIL)

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class FormField:
    name: str
    type: str
    required: bool = False
    label: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    required_if: tuple[str, str] | None = None
    extra: dict[str, str] = field(default_factory=dict)
    help: str = ""  # what the official should know to fill it in (no ";": it separates the options)

    @property
    def display_label(self) -> str:
        return self.label or self.name


def parse_field(name: str, spec: str) -> FormField:
    parts = [part.strip() for part in spec.split(";") if part.strip()]
    if not name.isidentifier() or name.startswith("_"):
        raise FormSpecError(gettext("Tên trường «%(name)s» không hợp lệ") % {"name": name})
    if not parts:
        raise FormSpecError(gettext("Trường «%(name)s» thiếu kiểu") % {"name": name})
    type_spec, options = parts[0], parts[1:]
    type_name, _, choice_spec = type_spec.partition(":")
    if type_name not in TYPES:
        raise FormSpecError(
            gettext("Trường «%(name)s»: kiểu «%(type_name)s» không hỗ trợ (dùng %(items)s)")
            % {"name": name, "type_name": type_name, "items": ", ".join(TYPES)}
        )
    choices: list[tuple[str, str]] = []
    if type_name == "choice":
        for item in choice_spec.split("|"):
            value, _, label = item.partition("=")
            if value.strip():
                choices.append((value.strip(), label.strip() or value.strip()))
        if not choices:
            raise FormSpecError(gettext("Trường «%(name)s»: danh sách lựa chọn trống") % {"name": name})
    required, label, required_if, help_text = False, "", None, ""
    for option in options:
        key, _, value = option.partition("=")
        key = key.strip()
        if key == "required":
            required = True
        elif key == "label":
            label = value.strip()
        elif key == "help":
            help_text = value.strip()
        elif key == "required_if":
            other, _, expected = value.partition("=")
            if not other.strip() or not expected.strip():
                raise FormSpecError(
                    gettext("Trường «%(name)s»: required_if phải có dạng trường=giá_trị") % {"name": name}
                )
            required_if = (other.strip(), expected.strip())
        else:
            raise FormSpecError(
                gettext("Trường «%(name)s»: tuỳ chọn «%(key)s» không hỗ trợ") % {"name": name, "key": key}
            )
    return FormField(name, type_name, required, label, tuple(choices), required_if, help=help_text)


def parse_fields(properties: Mapping[str, str]) -> list[FormField]:
    fields = [
        parse_field(key[len(FIELD_PREFIX) :], value)
        for key, value in properties.items()
        if key.startswith(FIELD_PREFIX)
    ]
    names = {f.name for f in fields}
    for f in fields:
        if f.required_if and f.required_if[0] not in names:
            raise FormSpecError(f"Trường «{f.name}»: required_if nhắc tới trường không có «{f.required_if[0]}»")
    return fields


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _convert(form_field: FormField, value: Any, *, strict: bool, unit: Unit | None) -> Any:
    """Return the clean value or raise ValueError with the reason (Vietnamese / English)."""
    kind = form_field.type
    if kind in ("text", "string"):
        if not isinstance(value, str):
            raise ValueError(gettext("phải là chuỗi ký tự"))
        value = value.strip()
        limit = MAX_TEXT if kind == "text" else MAX_STRING
        if len(value) > limit:
            raise ValueError(gettext("dài quá %(limit)s ký tự") % {"limit": limit})
        return value
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if not strict and isinstance(value, str) and value.lower() in ("on", "true", "1", "false", "0", "off"):
            return value.lower() in ("on", "true", "1")
        raise ValueError(gettext("phải là true/false"))
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if not strict and isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise ValueError(gettext("phải là số nguyên"))
    if kind == "date":
        if not isinstance(value, str):
            raise ValueError(gettext("phải là ngày dạng YYYY-MM-DD"))
        try:
            return datetime.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise ValueError(gettext("phải là ngày dạng YYYY-MM-DD")) from None
    if kind == "choice":
        allowed = [choice for choice, _label in form_field.choices]
        if value not in allowed:
            raise ValueError(gettext("phải là một trong %(items)s") % {"items": ", ".join(allowed)})
        return value
    if kind == "unit":
        if not isinstance(value, str) or not Unit.objects.filter(code=value).exists():
            raise ValueError(gettext("không có đơn vị với mã này"))
        return value
    if kind == "official":
        members = Membership.objects.filter(user__username=value, user__is_active=True)
        if unit is not None:
            members = members.filter(unit=unit)
        if not isinstance(value, str) or not members.exists():
            raise ValueError(gettext("không phải cán bộ của đơn vị"))
        return value
    raise ValueError(
        gettext("kiểu không hỗ trợ: %(kind)s") % {"kind": kind}
    )  # pragma: no cover - parse_field rejects it


def clean(
    fields: list[FormField], submitted: Mapping[str, Any], *, strict: bool = True, unit: Unit | None = None
) -> dict[str, Any]:
    """Validate submitted data against a task's fields. Unknown, missing or wrongly typed → FormErrors.

    `strict` is for JSON (types must match); HTML forms send strings, so they pass strict=False.
    """
    by_name = {f.name: f for f in fields}
    errors: dict[str, str] = {
        name: gettext("trường không có trong biểu mẫu của bước này") for name in submitted if name not in by_name
    }
    cleaned: dict[str, Any] = {}
    for form_field in fields:
        value = submitted.get(form_field.name)
        required = form_field.required or (
            form_field.required_if is not None and submitted.get(form_field.required_if[0]) == form_field.required_if[1]
        )
        if _is_blank(value) or (form_field.type == "bool" and value is None):
            if required:
                errors[form_field.name] = gettext("bắt buộc")
            elif form_field.type == "bool":
                cleaned[form_field.name] = False
            else:
                cleaned[form_field.name] = None
            continue
        try:
            cleaned[form_field.name] = _convert(form_field, value, strict=strict, unit=unit)
        except ValueError as error:
            errors[form_field.name] = str(error)
    if errors:
        raise FormErrors(errors)
    return cleaned
