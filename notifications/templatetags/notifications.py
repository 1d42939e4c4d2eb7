"""`{% outgoing_messages petition %}`: the messages sent (or waiting) about an object, for officials' pages.

Shows what went out, how and in which state — never the addresses or texts (a denouncer's contact is sealed).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from notifications.selectors import messages_about

register = template.Library()


@register.inclusion_tag("notifications/_outgoing.html")
def outgoing_messages(obj: models.Model) -> dict[str, Any]:
    return {"messages": list(messages_about(obj).order_by("created_at", "pk")[:200])}
