"""Public search projection of surveys (discovered by `search.apps`): a survey enters the index only as its
published results — the aggregates per question and the approved free texts, redacted. Nothing of a survey is
indexed before its results are published, and never a respondent."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.redaction import redact
from search.backends.base import SearchDocument
from search.projection import Projection, register
from search.text import clean
from surveys import selectors
from surveys.models import Survey, SurveyState


@register
class SurveyResultsProjection(Projection):
    kind = "survey_results"
    label = _("Kết quả khảo sát")
    fields = ("reference", "title", "description", "owner", "open_from", "open_until", "results_published_at")

    def public_objects(self) -> QuerySet[Survey]:
        return Survey.objects.filter(state=SurveyState.PUBLISHED).select_related("owner")

    def document(self, obj: Any, *, version: int) -> SearchDocument:
        public = {name: getattr(obj, name) for name in self.fields}
        result = selectors.results(obj, text_limit=20)
        lines = [redact(public["description"])]
        for item in result.questions:
            figures = "; ".join(f"{bucket.label}: {bucket.count} ({bucket.percent}%)" for bucket in item.buckets)
            lines.append(f"{item.question.text} — {figures}" if figures else item.question.text)
            lines += item.texts  # already redacted (`Answer.public_text`)
        owner = public["owner"]
        return SearchDocument(
            doc_id=self.doc_id(obj.pk),
            kind=self.kind,
            version=version,
            title=clean(public["title"]),
            body=clean("\n".join(line for line in lines if line)),
            url=reverse("surveys:results", args=[obj.pk]),
            date=timezone.localdate(public["results_published_at"])
            if public["results_published_at"]
            else timezone.localdate(),
            unit=owner.code,
            unit_name=clean(owner.name),
            status="published",
            extra={
                "reference": public["reference"],
                "open_from": public["open_from"].isoformat(),
                "open_until": public["open_until"].isoformat(),
                "responses": str(result.responses),
            },
        )
