from typing import Any

from django import template
from django.contrib.auth.models import User

from topics import services
from topics.models import Topic

register = template.Library()


@register.inclusion_tag("topics/_topic_card.html")
def topic_card(petition: Any, user: Any, next_url: str) -> dict[str, Any]:
    """A petition's suggested or confirmed topic with its confidence and evidence words, and for a reception
    officer or leader of its handling unit the form to confirm or correct it."""
    may_set = isinstance(user, User) and services.may_set_topic(user, petition)
    return {
        "petition": petition,
        "confidence": None if petition.topic_confidence is None else round(petition.topic_confidence * 100),
        "may_set": may_set,
        "topics": list(Topic.objects.filter(active=True)) if may_set else [],
        "next": next_url,
    }
