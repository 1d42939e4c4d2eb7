"""Reading one-time codes out of the test outboxes, as a citizen reads them from their mail or phone."""

from __future__ import annotations

import re

from django.core import mail

from notifications import adapters


def last_code_for(destination: str) -> str:
    """The code in the newest message to `destination` (e-mail: django's mail.outbox; phone: the SMS outbox)."""
    if "@" in destination:
        for message in reversed(mail.outbox):
            if destination.lower() in [to.lower() for to in message.to]:
                return re.findall(r"\b(\d{6})\b", str(message.subject))[-1]
        raise AssertionError(f"no mail to {destination}")
    for name, outbound in reversed(adapters.outbox):
        if name == "sms" and re.sub(r"\D", "", outbound.to)[-9:] == re.sub(r"\D", "", destination)[-9:]:
            return re.findall(r"\b(\d{6})\b", outbound.short_text)[-1]
    raise AssertionError(f"no SMS to {destination}")
