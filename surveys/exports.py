"""CSV and XLSX exports of a survey's results: the aggregates per question, per commune and overall, and the
approved free texts, redacted. Never a respondent's key, contact or citizen id: the rows are built from the
tallies and `selectors.approved_texts` only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _
from openpyxl import Workbook

from surveys import selectors
from surveys.models import Survey


def aggregate_rows(survey: Survey) -> Iterator[list[object]]:
    scopes = [("", _("Tất cả xã, phường"))] + [(c.code, c.name) for c in survey.communes.order_by("name")]
    for code, name in scopes:
        result = selectors.results(survey, commune=code, with_texts=False)
        yield [name, "", _("Số phiếu"), result.responses, ""]
        for item in result.questions:
            question = f"{item.question.position}. {item.question.text}"
            yield [name, question, _("Số người trả lời"), item.answered, ""]
            for bucket in item.buckets:
                yield [name, question, bucket.label, bucket.count, bucket.percent]
            if item.mean is not None:
                yield [name, question, _("Điểm trung bình"), item.mean, ""]


def text_rows(survey: Survey) -> Iterator[list[object]]:
    positions = {q.pk: f"{q.position}. {q.text}" for q in survey.questions.all()}
    for question_id, text in selectors.approved_texts(survey):
        yield [positions[question_id], text]


def aggregate_header() -> list[str]:
    return [_("Xã, phường"), _("Câu hỏi"), _("Phương án"), _("Số lượng"), _("Tỉ lệ (%)")]


def text_header() -> list[str]:
    return [_("Câu hỏi"), _("Ý kiến (đã che thông tin cá nhân)")]


def _safe(value: object) -> object:
    """A cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(survey: Survey) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(aggregate_header())
    for row in aggregate_rows(survey):
        writer.writerow([_safe(cell) for cell in row])
    writer.writerow([])
    writer.writerow(text_header())
    for row in text_rows(survey):
        writer.writerow([_safe(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # a BOM so that spreadsheets read UTF-8


def to_xlsx(survey: Survey) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Kết quả")[:31]
    sheet.append(aggregate_header())
    for row in aggregate_rows(survey):
        sheet.append([_safe(cell) for cell in row])
    texts = book.create_sheet(_("Ý kiến")[:31])
    texts.append(text_header())
    for row in text_rows(survey):
        texts.append([_safe(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
