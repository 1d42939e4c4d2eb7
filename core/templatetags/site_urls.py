"""`{% cached_url 'name' %}`: the address of a view that takes no arguments, reversed once per process.

The header of every page links to ten such views; `{% url %}` reverses each on every render, which cost about a
tenth of the CPU of a short request (bench/surveys_http.py).
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@lru_cache(maxsize=256)
def _reverse(name: str, prefix: str, urlconf: str | None, root: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def cached_url(name: str) -> str:
    return _reverse(name, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
