"""Reads of the notification outbox."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from notifications.models import Message


def messages_about(obj: models.Model) -> QuerySet[Message]:
    """The messages about `obj` (a petition, a comment), newest first."""
    return Message.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


def language_of(obj: models.Model) -> str:
    """The language of the first message about `obj` (its acknowledgement, written in the language the person used
    to send it), so every later message speaks the same; the site's language if there is none."""
    first = messages_about(obj).order_by("pk").values_list("language", flat=True).first()
    return first or settings.LANGUAGE_CODE
