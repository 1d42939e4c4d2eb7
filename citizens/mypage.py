"""Sections other apps add to a citizen's My page (`/me/`), to their data download and to account closure.

Public API:

- ``Section(key, title, template, context, order=100, export=None, forget=None)``:
  - `key`: unique name ("surveys", "ratings"); `title`: the section's heading (lazy translation);
  - `template`: rendered with the page's context plus what `context(request, citizen)` returns (a dict); a
    section whose `context` returns None is left out;
  - `export(citizen) -> JSON-able`: the section's data in the citizen's download (`/me/data.json`, under `key`);
  - `forget(citizen) -> None`: called in the transaction that closes the account: unlink or anonymise what the
    section keeps about the citizen.
- ``register(section) -> None`` — call it from your AppConfig.ready(); registering a key again replaces it.
- ``sections() -> list[Section]`` — registered sections, by `order` then key.
- ``rendered(request, citizen) -> list[dict]`` — [{"key", "title", "template", "context"}] for My page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils.functional import Promise

if TYPE_CHECKING:
    from citizens.models import Citizen


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    template: str
    context: Callable[[HttpRequest, Citizen], dict[str, Any] | None]
    order: int = 100
    export: Callable[[Citizen], Any] | None = None
    forget: Callable[[Citizen], None] | None = None


_registry: dict[str, Section] = {}


def register(section: Section) -> None:
    _registry[section.key] = section


def unregister(key: str) -> None:
    _registry.pop(key, None)


def sections() -> list[Section]:
    return sorted(_registry.values(), key=lambda section: (section.order, section.key))


def rendered(request: HttpRequest, citizen: Citizen) -> list[dict[str, Any]]:
    shown = []
    for section in sections():
        context = section.context(request, citizen)
        if context is not None:
            shown.append({"key": section.key, "title": section.title, "template": section.template, "context": context})
    return shown
