"""`{% answer_templates_for task as answer_templates %}`: the templates a task may use, rendered for its petition
(the picker's data, `cases/_answer_template_picker.html`)."""

from __future__ import annotations

from typing import Any

from django import template

from cases import selectors
from cases.selectors import RenderedTemplate
from workflows.models import HumanTask

register = template.Library()


@register.simple_tag(takes_context=True)
def answer_templates_for(context: dict[str, Any], task: HumanTask) -> list[RenderedTemplate]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or task.element_id != "draft_answer":
        return []
    return selectors.rendered_answer_templates(task, user=user)
