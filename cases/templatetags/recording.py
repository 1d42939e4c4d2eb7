from django import template
from django.contrib.auth.models import User

from organisation.models import Membership, Role

register = template.Library()


@register.filter
def is_reception_officer(user: object) -> bool:
    """Whether `user` holds the reception role in some unit (the header's link to the recording page)."""
    if not isinstance(user, User):
        return False
    return Membership.objects.filter(user=user, role=Role.RECEPTION_OFFICER).exists()
