"""Rate limit of public survey forms (code requests and answers) per client address."""

from __future__ import annotations

from django.conf import settings

from core.throttles import CountingThrottle

DEFAULT_SURVEY_RATE = "60/hour"


class PublicSurveyThrottle(CountingThrottle):
    """`PUBLIC_SURVEY_RATE` (60/hour unless configured): a commune's hall may answer from one address."""

    scope = "public_survey"

    def get_rate(self) -> str | None:
        return str(getattr(settings, "PUBLIC_SURVEY_RATE", "") or DEFAULT_SURVEY_RATE)
