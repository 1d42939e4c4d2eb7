"""The template language of document forms: Django template syntax restricted to a whitelist of placeholders.

A form's body may use `{{ name }}` for a placeholder below, `{% if name %}…{% else %}…{% endif %}` on one, and
the filters `upper`, `lower`, `default`. Anything else — an unknown name, an attribute (`{{ a.b }}`), another tag
or filter, a `{% load %}` — is refused when the form is saved (`check_body`), with the name that was wrong, so a
form cannot reach beyond the values given to it. The rendered text is plain text (paragraphs separated by blank
lines); the PDF's own template escapes it.

The placeholders of answer templates (`cases.answer_templates`) keep their names and meaning here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, VariableNode
from django.template.defaulttags import IfNode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.answer_templates import PLACEHOLDERS as ANSWER_PLACEHOLDERS

PLACEHOLDERS: dict[str, Any] = {  # name -> its description (lazy text)
    **ANSWER_PLACEHOLDERS,
    "loai_don": _("Loại đơn, ví dụ «khiếu nại»"),
    "lan_giai_quyet": _("«lần đầu» hoặc «lần hai» (khiếu nại)"),
    "noi_dung": _("Nội dung do cán bộ soạn: trả lời, quyết định, kết luận"),
    "ly_do": _("Lý do (không thụ lý, tạm đình chỉ, gia hạn…)"),
    "ket_qua": _("Kết quả: khiếu nại đúng/sai, tố cáo đúng/sai…"),
    "don_vi_nhan": _("Đơn vị được chuyển đơn đến"),
    "thoi_gian": _("Thời gian (đối thoại, làm việc)"),
    "dia_diem": _("Địa điểm (đối thoại, làm việc)"),
    "han_moi": _("Thời hạn mới sau gia hạn hoặc tiếp tục giải quyết (dd/mm/yyyy)"),
    "can_cu": _("Căn cứ pháp lý do cán bộ ghi thêm"),
    "nguoi_bi_to_cao": _("Người bị tố cáo (họ tên, chức vụ)"),
    "trich_yeu": _("Trích yếu: «Về việc …» (thông báo khác)"),
    "ngay_quyet_dinh": _("Ngày ra quyết định (dd/mm/yyyy)"),
}
FILTERS = frozenset({"upper", "lower", "default"})


class FormBodyError(ValueError):
    """A form's body uses what the template language does not allow."""


def _check_expression(expression: FilterExpression) -> None:
    _check_variable(expression.var)
    for function, args in expression.filters:
        filter_name = getattr(function, "_filter_name", getattr(function, "__name__", "?"))
        if filter_name not in FILTERS:
            raise FormBodyError(gettext("Bộ lọc không được dùng trong mẫu: |%(name)s") % {"name": filter_name})
        for is_variable, argument in args:
            if is_variable:
                _check_variable(argument)


def _check_variable(var: Any) -> None:
    lookups = getattr(var, "lookups", None)
    if lookups is not None:
        name = ".".join(lookups)
        if len(lookups) != 1 or lookups[0] not in PLACEHOLDERS:
            raise FormBodyError(gettext("Chỗ điền không có trong danh sách: {{ %(name)s }}") % {"name": name})


def _condition_expressions(condition: Any) -> Iterable[FilterExpression]:
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        yield value
    for part in (getattr(condition, "first", None), getattr(condition, "second", None)):
        if part is not None:
            yield from _condition_expressions(part)


def _check_nodes(nodes: Iterable[Node]) -> None:
    for node in nodes:
        if isinstance(node, TextNode):
            continue
        if isinstance(node, VariableNode):
            _check_expression(node.filter_expression)
            continue
        if isinstance(node, IfNode):
            for condition, nodelist in node.conditions_nodelists:
                if condition is not None:
                    for expression in _condition_expressions(condition):
                        _check_expression(expression)
                _check_nodes(nodelist)
            continue
        tag = getattr(node, "token", None)
        raise FormBodyError(
            gettext("Thẻ không được dùng trong mẫu: %(tag)s") % {"tag": tag.contents if tag else type(node).__name__}
        )


def compile_body(body: str) -> Template:
    """The body as a template, after checking it uses only the whitelist. Raises FormBodyError."""
    engine = Engine(
        autoescape=False, libraries={}, builtins=["django.template.defaulttags", "django.template.defaultfilters"]
    )
    try:
        template = engine.from_string(body)
    except TemplateSyntaxError as error:
        raise FormBodyError(gettext("Mẫu viết sai cú pháp: %(error)s") % {"error": error}) from error
    _check_nodes(template.nodelist)
    return template


def check_body(body: str) -> None:
    compile_body(body)


def used_names(body: str) -> set[str]:
    """The placeholders a (valid) body uses, in its text or its conditions: what a draft of it asks the official."""
    names: set[str] = set()

    def add(expression: FilterExpression) -> None:
        lookups = getattr(expression.var, "lookups", None)
        if lookups:
            names.add(lookups[0])

    def walk(nodes: Iterable[Node]) -> None:
        for node in nodes:
            if isinstance(node, VariableNode):
                add(node.filter_expression)
            elif isinstance(node, IfNode):
                for condition, nodelist in node.conditions_nodelists:
                    if condition is not None:
                        for expression in _condition_expressions(condition):
                            add(expression)
                    walk(nodelist)

    walk(compile_body(body).nodelist)
    return names


def render_body(body: str, values: Mapping[str, str]) -> str:
    """The body filled with `values` (every placeholder not given is empty)."""
    template = compile_body(body)
    context = {name: "" for name in PLACEHOLDERS} | {k: v for k, v in values.items() if k in PLACEHOLDERS}
    text = template.render(Context(context, autoescape=False))
    return "\n\n".join(part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip())
