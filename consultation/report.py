"""The synthesis report (báo cáo tổng hợp, tiếp thu, giải trình): comments by article, counts by disposition and
by kind of commenter, every published comment with its disposition and explanation; as HTML and as PDF.

It reads comments through an explicit list of public columns, plus a commenter's name, email and phone read only
to be redacted from the comment's text and explanation (`consultation.models.redact_comment`, the redaction of
every public surface): they never reach the report. The PDF is rendered by WeasyPrint with a serif font stack
that fontconfig resolves to a face with Vietnamese glyphs (Noto Serif, else DejaVu Serif; Debian packages
fonts-noto-core and fonts-dejavu-core).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from consultation import pdf
from consultation.models import (
    ORGANISATION_KINDS,
    Article,
    Clause,
    Comment,
    CommenterKind,
    CommentStatus,
    Consultation,
    Disposition,
    RejectionReason,
    redact_comment,
)

PUBLIC_COLUMNS = (
    "number",
    "commenter_kind",
    "organisation_name",
    "text",
    "article_id",
    "clause_id",
    "article_made_on_id",
    "anchor_note",
    "disposition",
    "explanation",
    "created_at",
)
PRIVATE_COLUMNS = ("author_name", "email", "phone")  # read only to be redacted from the public columns
FONT_STACK = '"Noto Serif", "DejaVu Serif", "Noto Sans", "DejaVu Sans", serif'


@dataclass(frozen=True)
class ReportComment:
    comment_id: str
    number: int
    author: str
    target: str
    text: str
    disposition: str
    disposition_label: str
    explanation: str
    anchor_note: str


@dataclass
class ReportSection:
    key: str  # "article-3", "whole", "unmatched"
    label: str
    text: str = ""
    comments: list[ReportComment] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for comment in self.comments if comment.disposition)


@dataclass
class Report:
    consultation: Consultation
    version_number: int
    generated_at: Any
    total: int
    by_disposition: list[tuple[str, str, int]]  # (value, label, count)
    by_kind: list[tuple[str, str, int]]
    rejected_by_reason: list[tuple[str, int]]
    sections: list[ReportSection]
    font_stack: str = FONT_STACK

    @property
    def answered(self) -> int:
        return sum(section.answered for section in self.sections)

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def _author(kind: str, organisation_name: str) -> str:
    label = str(CommenterKind(kind).label)
    if kind in ORGANISATION_KINDS and organisation_name:
        return f"{organisation_name} ({label})"
    return label


def build(consultation: Consultation) -> Report:
    """Everything the report shows, in the current version's article order."""
    version = consultation.current_version
    articles: list[Article] = list(version.articles.order_by("position")) if version else []
    clause_numbers = dict(
        Clause.objects.filter(article__version=version).values_list("pk", "number") if version else []
    )
    sections = {"whole": ReportSection("whole", "Góp ý chung cho toàn bộ dự thảo")}
    for article in articles:
        sections[f"article-{article.pk}"] = ReportSection(f"article-{article.number}", article.label)
    sections["unmatched"] = ReportSection(
        "unmatched", "Góp ý cho điều, khoản không còn trong dự thảo mới", "Vị trí ban đầu được ghi kèm từng góp ý."
    )
    number_of = {article.pk: article.number for article in articles}
    dispositions: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    labels = dict(Disposition.choices)
    rows = (
        Comment.objects.filter(consultation=consultation, status=CommentStatus.PUBLISHED)
        .order_by("number")
        .values_list(*PUBLIC_COLUMNS, *PRIVATE_COLUMNS)
    )
    total = 0
    reference = consultation.reference
    for row in rows.iterator(chunk_size=2000):
        values = dict(zip(PUBLIC_COLUMNS, row[: len(PUBLIC_COLUMNS)], strict=True))
        author_name, email, phone = row[len(PUBLIC_COLUMNS) :]
        for column in ("text", "explanation"):
            values[column] = redact_comment(values[column], author_name=author_name, email=email, phone=phone).text
        total += 1
        dispositions[values["disposition"]] += 1
        kinds[values["commenter_kind"]] += 1
        article_id, clause_id = values["article_id"], values["clause_id"]
        if article_id in number_of:
            key = f"article-{article_id}"
            target = f"Điều {number_of[article_id]}"
            if clause_id in clause_numbers:
                target = f"Khoản {clause_numbers[clause_id]} {target}"
        elif values["article_made_on_id"]:
            key, target = "unmatched", "Cần xem lại vị trí"
        else:
            key, target = "whole", "Toàn bộ dự thảo"
        sections[key].comments.append(
            ReportComment(
                comment_id=f"{reference}-{values['number']:04d}",
                number=values["number"],
                author=_author(values["commenter_kind"], values["organisation_name"]),
                target=target,
                text=values["text"],
                disposition=values["disposition"],
                disposition_label=str(labels.get(values["disposition"], "Chưa tiếp thu, giải trình")),
                explanation=values["explanation"],
                anchor_note=values["anchor_note"] if key == "unmatched" else "",
            )
        )
    rejected = Counter(
        Comment.objects.filter(consultation=consultation, status=CommentStatus.REJECTED).values_list(
            "rejection_reason", flat=True
        )
    )
    return Report(
        consultation=consultation,
        version_number=version.number if version else 0,
        generated_at=timezone.now(),
        total=total,
        by_disposition=[(value, str(label), dispositions[value]) for value, label in Disposition.choices]
        + ([("", "Chưa tiếp thu, giải trình", dispositions[""])] if dispositions[""] else []),
        by_kind=[(value, str(label), kinds[value]) for value, label in CommenterKind.choices],
        rejected_by_reason=[
            (str(label), rejected[value]) for value, label in RejectionReason.choices if rejected[value]
        ],
        sections=[section for section in sections.values() if section.comments],
    )


CHUNK_COMMENTS = 1250  # about 3.5 s of WeasyPrint on one core and 150 MB per worker process


def _document(report: Report, sections: list[ReportSection], *, include_head: bool, chunked: bool) -> str:
    return render_to_string(
        "consultation/report_document.html",
        {"report": report, "sections": sections, "include_head": include_head, "chunked": chunked},
    )


def render_html(report: Report) -> str:
    """The report as one complete HTML document."""
    return _document(report, report.sections, include_head=True, chunked=False)


def chunks(report: Report, size: int = 0) -> list[list[ReportSection]]:
    """The sections cut into groups of at most `size` (CHUNK_COMMENTS) comments; a section cut in two goes on
    «(tiếp theo)»."""
    size = size or CHUNK_COMMENTS
    groups: list[list[ReportSection]] = [[]]
    room = size
    for section in report.sections:
        start = 0
        while start < len(section.comments):
            if room == 0:
                groups.append([])
                room = size
            part = section.comments[start : start + room]
            label = section.label if start == 0 else f"{section.label} (tiếp theo)"
            groups[-1].append(ReportSection(section.key, label, section.text if start == 0 else "", part))
            start += len(part)
            room -= len(part)
    return groups


def render_pdf(report: Report) -> bytes:
    """The report as PDF: one WeasyPrint document when small, else chunks rendered side by side and merged."""
    groups = chunks(report)
    chunked = len(groups) > 1
    htmls = (
        _document(report, sections, include_head=index == 0, chunked=chunked) for index, sections in enumerate(groups)
    )
    return pdf.render(htmls, len(groups))
