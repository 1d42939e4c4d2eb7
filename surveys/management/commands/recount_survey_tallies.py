"""Recount the results tallies of surveys from their answer rows (after a bulk load or a restore)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from surveys import services
from surveys.models import Survey, SurveyState


class Command(BaseCommand):
    help = "Recount survey tallies from the answers (default: every survey that has opened)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="survey ids (default: all opened)")

    def handle(self, *args: Any, ids: list[int], **options: Any) -> None:
        surveys = Survey.objects.exclude(state__in=(SurveyState.DRAFT, SurveyState.REVIEW))
        if ids:
            surveys = surveys.filter(pk__in=ids)
        for survey in surveys.order_by("pk"):
            services.recount_tallies(survey)
            self.stdout.write(f"{survey.reference}: {services.live_responses(survey)}")
