"""Public search projections of consultations (discovered by `search.apps`): the draft (docket), the articles of
its current version, published comments and the published report.

Nothing is indexed before the draft is published. A commenter's name, email and phone are read only to be
redacted from the comment's text; a person is never named (an organisation is, as it chose to be shown).
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultation.models import Article, Comment, CommentStatus, Consultation, Disposition, DraftVersion, Stage
from privacy.redaction import redact
from search.backends.base import SearchDocument
from search.projection import Projection, register
from search.text import clean


def _published() -> QuerySet[Consultation]:
    return Consultation.objects.filter(published_at__isnull=False)


def _date(value: Any) -> Any:
    return timezone.localdate(value) if value else timezone.localdate()


@register
class DraftProjection(Projection):
    kind = "draft"
    label = _("Dự thảo lấy ý kiến")
    fields = ("reference", "kind", "title", "summary", "unit", "opens_on", "closes_on", "stage", "published_at")
    value_labels = {"status": dict(Stage.choices)}

    def public_objects(self) -> QuerySet[Consultation]:
        return _published().select_related("unit")

    def document(self, obj: Any, *, version: int) -> SearchDocument:
        public = {name: getattr(obj, name) for name in self.fields}
        unit = public["unit"]
        return SearchDocument(
            doc_id=self.doc_id(obj.pk),
            kind=self.kind,
            version=version,
            title=clean(public["title"]),
            body=redact(public["summary"]),
            url=reverse("consultation:detail", args=[public["reference"]]),
            date=_date(public["published_at"]),
            unit=unit.code,
            unit_name=clean(unit.name),
            status=public["stage"],
            extra={
                "reference": public["reference"],
                "draft_kind": public["kind"],
                "opens_on": public["opens_on"].isoformat(),
                "closes_on": public["closes_on"].isoformat(),
            },
        )


@register
class ArticleProjection(Projection):
    kind = "article"
    label = _("Điều của dự thảo")
    fields = ("version", "number", "title", "body", "chapter_number", "chapter_title")

    def public_objects(self) -> QuerySet[Article]:
        newest = DraftVersion.objects.filter(consultation=OuterRef("version__consultation")).order_by("-number")
        return (
            Article.objects.filter(
                version__consultation__published_at__isnull=False, version_id=Subquery(newest.values("pk")[:1])
            )
            .select_related("version__consultation__unit")
            .prefetch_related("clauses")
        )

    def document(self, obj: Any, *, version: int) -> SearchDocument:
        public = {name: getattr(obj, name) for name in self.fields}
        consultation = public["version"].consultation
        clauses = "\n".join(f"{clause.number}. {clause.text}" for clause in obj.clauses.all())
        return SearchDocument(
            doc_id=self.doc_id(obj.pk),
            kind=self.kind,
            version=version,
            title=clean(f"{consultation.title} — Điều {public['number']}. {public['title']}".strip()),
            body=redact("\n".join(part for part in (public["body"], clauses) if part)),
            url=reverse("consultation:detail", args=[consultation.reference]) + f"#dieu-{public['number']}",
            date=_date(consultation.published_at),
            unit=consultation.unit.code,
            unit_name=clean(consultation.unit.name),
            status=consultation.stage,
            extra={"reference": consultation.reference, "article": public["number"]},
        )


@register
class CommentProjection(Projection):
    kind = "comment"
    label = _("Góp ý dự thảo")
    fields = (
        "consultation",
        "number",
        "article",
        "clause",
        "commenter_kind",
        "organisation_name",
        "text",
        "published_at",
        "disposition",
        "explanation",
    )
    value_labels = {"status": {"published": _("Đã đăng"), **dict(Disposition.choices)}}

    def public_objects(self) -> QuerySet[Comment]:
        return Comment.objects.filter(
            status=CommentStatus.PUBLISHED, consultation__published_at__isnull=False
        ).select_related("consultation__unit", "article", "clause")

    def document(self, obj: Any, *, version: int) -> SearchDocument:
        public = {name: getattr(obj, name) for name in self.fields}
        consultation = public["consultation"]
        # The commenter's name, email and phone are read only to be removed (`Comment.public_text`).
        text = obj.public_text(public["text"])
        answered = consultation.report_published_at is not None and public["disposition"]
        body = text
        if answered:
            body += "\n\n" + obj.public_text(public["explanation"])
        return SearchDocument(
            doc_id=self.doc_id(obj.pk),
            kind=self.kind,
            version=version,
            title=clean(f"Góp ý {obj.comment_id} — {obj.target_label} — {consultation.title}"),
            body=body,
            url=reverse("consultation:detail", args=[consultation.reference]) + f"#gop-y-{public['number']}",
            date=_date(public["published_at"]),
            unit=consultation.unit.code,
            unit_name=clean(consultation.unit.name),
            status=public["disposition"] if answered else "published",
            extra={
                "reference": consultation.reference,
                "commenter": clean(obj.public_author),
                "commenter_kind": public["commenter_kind"],
            },
        )


@register
class ReportProjection(Projection):
    kind = "report"
    label = _("Báo cáo tiếp thu, giải trình")
    fields = ("reference", "title", "unit", "report_summary", "report_published_at")

    def public_objects(self) -> QuerySet[Consultation]:
        return _published().filter(report_published_at__isnull=False).select_related("unit")

    def document(self, obj: Any, *, version: int) -> SearchDocument:
        public = {name: getattr(obj, name) for name in self.fields}
        unit = public["unit"]
        return SearchDocument(
            doc_id=self.doc_id(obj.pk),
            kind=self.kind,
            version=version,
            title=clean(f"Báo cáo tiếp thu, giải trình góp ý: {public['title']}"),
            body=redact(public["report_summary"]),
            url=reverse("consultation:report", args=[public["reference"]]),
            date=_date(public["report_published_at"]),
            unit=unit.code,
            unit_name=clean(unit.name),
            status=Stage.REPORT_PUBLISHED,
            extra={"reference": public["reference"]},
        )
