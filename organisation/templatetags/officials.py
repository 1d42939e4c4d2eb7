"""`{{ user|official_name }}`: an official's name in Vietnamese order (organisation.names)."""

from __future__ import annotations

from typing import Any

from django import template

from organisation import names

register = template.Library()


@register.filter
def official_name(user: Any) -> str:
    return names.official_name(user)
