"""Reads of the notification outbox."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from notifications.adapters import message_id_domain
from notifications.models import Message


def messages_about(obj: models.Model) -> QuerySet[Message]:
    """The messages about `obj` (a petition, a comment), newest first."""
    return Message.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


def language_of(obj: models.Model) -> str:
    """The language of the first message about `obj` (its acknowledgement, written in the language the person used
    to send it), so every later message speaks the same; the site's language if there is none."""
    first = messages_about(obj).order_by("pk").values_list("language", flat=True).first()
    return first or settings.LANGUAGE_CODE


_OUR_MESSAGE_ID = re.compile(r"^<?(?P<thread>[^<>@\s]*)\.(?P<pk>\d+)@(?P<domain>[^<>@\s]+)>?$")


def message_for_email_id(message_id: str) -> Message | None:
    """The outbox message an e-mail Message-ID names (`<case-QT-2026-7KX4-M9PA.12@domain>`, as found in a
    citizen's reply's In-Reply-To or References), or None if it is not one of ours. Its `about` is the case."""
    match = _OUR_MESSAGE_ID.match(message_id.strip())
    if match is None or match["domain"].lower() != message_id_domain().lower():
        return None
    thread = "" if match["thread"] == "notification" else match["thread"]
    return Message.objects.filter(pk=int(match["pk"]), thread=thread).first()
