"""Open data: the published petitions with their answers, and the consultation results, as CSV and JSON files
(`/open-data/`), rebuilt daily by `manage.py build_open_data` (or on demand when a file is missing).

Every row comes from the search projections (`cases.search_projections.PetitionProjection`,
`consultation.search_projections.ReportProjection`): only what is already public, with the texts redacted the
same way; coordinates are rounded as on the map. The files are written to the default storage under
`open-data/` (each replaced whole).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.search_projections import PetitionProjection
from consultation.search_projections import ReportProjection
from core.site import absolute_url
from places.selectors import rounded

DIRECTORY = "open-data"


@dataclass(frozen=True)
class Column:
    name: str
    meaning: Any  # a lazy translation


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Any
    columns: tuple[Column, ...]

    def rows(self) -> Iterator[dict[str, Any]]:
        return ROWS[self.slug]()


def _petition_rows() -> Iterator[dict[str, Any]]:
    projection = PetitionProjection()
    for petition in projection.public_objects().order_by("pk").iterator(chunk_size=2000):
        doc = projection.document(petition, version=0)
        yield {
            "tracking_code": doc.extra["tracking_code"],
            "petition_type": doc.petition_type,
            "title": doc.title,
            "content": petition.public_text(petition.content).strip(),
            "commune_code": doc.commune,
            "commune_name": doc.commune_name,
            "commune_admin_code": petition.commune.admin_code,
            "latitude": rounded(petition.latitude),
            "longitude": rounded(petition.longitude),
            "received_date": doc.date.isoformat(),
            "status": doc.status,
            "due_date": doc.extra["due_date"],
            "answer": petition.public_text(petition.answer).strip(),
            "answered_by": doc.unit_name,
            "answered_date": doc.extra["answered_date"],
            "url": absolute_url(doc.url),
        }


def _consultation_rows() -> Iterator[dict[str, Any]]:
    projection = ReportProjection()
    for consultation in projection.public_objects().order_by("pk").iterator(chunk_size=500):
        doc = projection.document(consultation, version=0)
        yield {
            "reference": doc.extra["reference"],
            "title": doc.title,
            "unit": doc.unit_name,
            "summary": doc.body,
            "published_date": doc.date.isoformat(),
            "url": absolute_url(doc.url),
        }


ROWS = {"petitions": _petition_rows, "consultation-results": _consultation_rows}

DATASETS = (
    Dataset(
        "petitions",
        _("Phản ánh, kiến nghị và trả lời đã công khai"),
        (
            Column("tracking_code", _("Mã tra cứu của đơn")),
            Column("petition_type", _("Loại đơn: reflection (phản ánh), recommendation (kiến nghị), complaint …")),
            Column("title", _("Tiêu đề (đã che thông tin cá nhân)")),
            Column("content", _("Nội dung (đã che thông tin cá nhân)")),
            Column("commune_code", _("Mã xã/phường trong hệ thống")),
            Column("commune_name", _("Tên xã/phường")),
            Column("commune_admin_code", _("Mã đơn vị hành chính của xã/phường (sau 01/7/2025)")),
            Column("latitude", _("Vĩ độ, làm tròn (trống: không có)")),
            Column("longitude", _("Kinh độ, làm tròn (trống: không có)")),
            Column("received_date", _("Ngày tiếp nhận (YYYY-MM-DD)")),
            Column("status", _("Tình trạng: received, in_progress, answered, rejected")),
            Column("due_date", _("Hạn giải quyết (YYYY-MM-DD)")),
            Column("answer", _("Nội dung trả lời (đã che thông tin cá nhân)")),
            Column("answered_by", _("Đơn vị trả lời")),
            Column("answered_date", _("Ngày trả lời (YYYY-MM-DD)")),
            Column("url", _("Trang công khai của đơn")),
        ),
    ),
    Dataset(
        "consultation-results",
        _("Kết quả lấy ý kiến dự thảo (báo cáo tiếp thu, giải trình)"),
        (
            Column("reference", _("Số hiệu dự thảo")),
            Column("title", _("Tiêu đề báo cáo")),
            Column("unit", _("Cơ quan soạn thảo")),
            Column("summary", _("Tóm tắt kết quả tiếp thu, giải trình")),
            Column("published_date", _("Ngày công bố báo cáo (YYYY-MM-DD)")),
            Column("url", _("Trang công khai của báo cáo")),
        ),
    ),
)
BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def path_of(slug: str, fmt: str) -> str:
    return f"{DIRECTORY}/{slug}.{fmt}"


def build(dataset: Dataset) -> int:
    """Write the dataset's CSV and JSON files; returns the number of rows."""
    names = [column.name for column in dataset.columns]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    records = []
    for row in dataset.rows():
        writer.writerow(row)
        records.append(row)
    document = {
        "dataset": dataset.slug,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "licence": settings.OPEN_DATA_LICENCE,
        "licence_url": settings.OPEN_DATA_LICENCE_URL,
        "schema": absolute_url("/open-data/"),
        "count": len(records),
        "records": records,
    }
    _replace(path_of(dataset.slug, "csv"), ("\ufeff" + text.getvalue()).encode("utf-8"))  # BOM: Excel reads UTF-8
    _replace(path_of(dataset.slug, "json"), json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
    return len(records)


def _replace(name: str, content: bytes) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(content))


def build_all() -> dict[str, int]:
    return {dataset.slug: build(dataset) for dataset in DATASETS}


def ensure_built(slug: str, fmt: str) -> str:
    """The file's storage name, built first if missing."""
    name = path_of(slug, fmt)
    if not default_storage.exists(name):
        build(BY_SLUG[slug])
    return name
