"""Reads for Open311: the services (one per petition type a citizen may file and a process runs), their
definitions (the petition form's fields), and the public view of petitions.

What the public sees of a petition (`public_request`) is what its status page shows, plus its content: the texts
through `Petition.public_text` (no name, phone, e-mail or ID number), the commune instead of the address, the
coordinates rounded (OPEN311_COORDINATE_DECIMALS). Only petitions whose petitioner consented to publication are
listed or looked up, and never a denunciation: a denouncer's identity is sealed (`cases.models.SEALED_TYPES`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from cases.models import PUBLIC_TYPES, SEALED_TYPES, Petition, PetitionStatus, PetitionType
from open311.formats import iso
from open311.models import ApiKey, Open311Request, hash_api_key
from organisation.models import Unit
from workflows.models import CaseEvent, Deadline, HumanTask, ProcessBinding

OPEN_STATUSES = (PetitionStatus.RECEIVED, PetitionStatus.IN_PROGRESS)
CLOSED_STATUSES = (PetitionStatus.ANSWERED, PetitionStatus.REJECTED)
# Petition types whose petitions the public may see (with the petitioner's consent).
LISTED_TYPES = PUBLIC_TYPES - SEALED_TYPES

SERVICE_DESCRIPTIONS = {
    PetitionType.REFLECTION: gettext_lazy(
        "Phản ánh về quy định hành chính, hành vi hành chính, hạ tầng hay đời sống nơi bạn ở: "
        "đường hỏng, đèn đường, rác thải, tiếng ồn…"
    ),
    PetitionType.RECOMMENDATION: gettext_lazy(
        "Kiến nghị sửa đổi quy định hay cách làm của cơ quan nhà nước, hoặc đề xuất việc nên làm."
    ),
    PetitionType.COMPLAINT: gettext_lazy(
        "Khiếu nại quyết định hành chính, hành vi hành chính xâm phạm quyền, lợi ích hợp pháp của bạn "
        "(Luật Khiếu nại 2011)."
    ),
    PetitionType.DENUNCIATION: gettext_lazy(
        "Tố cáo hành vi vi phạm pháp luật của cơ quan, tổ chức, cá nhân (Luật Tố cáo 2018). "
        "Danh tính người tố cáo được giữ bí mật; tố cáo không bao giờ được công khai."
    ),
}
SERVICE_KEYWORDS = {
    PetitionType.REFLECTION: gettext_lazy("phản ánh, hạ tầng, môi trường, trật tự đô thị"),
    PetitionType.RECOMMENDATION: gettext_lazy("kiến nghị, đề xuất, chính sách"),
    PetitionType.COMPLAINT: gettext_lazy("khiếu nại, quyết định hành chính"),
    PetitionType.DENUNCIATION: gettext_lazy("tố cáo, vi phạm pháp luật"),
}
SERVICE_GROUP = gettext_lazy("Đơn thư")


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str
    keywords: str
    group: str

    def as_document(self) -> dict[str, Any]:
        return {
            "service_code": self.code,
            "service_name": self.name,
            "description": self.description,
            "metadata": True,  # every service has a definition: the commune is always asked for
            # realtime: the answer to POST has the petition's id; batch: a token to look the id up with
            "type": "batch" if settings.OPEN311_ANSWER_WITH_TOKEN else "realtime",
            "keywords": self.keywords,
            "group": self.group,
        }


def services() -> list[Service]:
    """One service per petition type a citizen may file and a published process runs, in the types' order."""
    bound = set(ProcessBinding.objects.values_list("subject_type", flat=True))
    return [
        Service(
            code=str(value),
            name=str(label),
            description=str(SERVICE_DESCRIPTIONS.get(PetitionType(value), "")),
            keywords=str(SERVICE_KEYWORDS.get(PetitionType(value), "")),
            group=str(SERVICE_GROUP),
        )
        for value, label in PetitionType.choices
        if value in PUBLIC_TYPES and value in bound
    ]


def service(code: str) -> Service | None:
    return next((item for item in services() if item.code == code), None)


# The attributes of every service definition (the petition form's fields that Open311 has no standard parameter
# for): code → (datatype, required).
TITLE, COMMUNE, PUBLISH_CONSENT = "title", "commune", "publish_consent"
TITLE_MIN, TITLE_MAX = 5, 200


def communes() -> QuerySet[Unit]:
    return Unit.objects.filter(is_commune=True).order_by("name", "code")


def service_definition(item: Service) -> dict[str, Any]:
    """The service's attributes: the commune (required: the unit that receives the petition), a title, and, where
    the petition may be published, the petitioner's consent to publish it (never for a denunciation)."""
    attributes: list[dict[str, Any]] = [
        {
            "variable": True,
            "code": COMMUNE,
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": gettext("Mã xã/phường nơi xảy ra sự việc (một trong các giá trị)."),
            "order": 1,
            "description": gettext("Xã/phường"),
            "values": [{"key": unit.code, "name": unit.name} for unit in communes()],
        },
        {
            "variable": True,
            "code": TITLE,
            "datatype": "string",
            "required": False,
            "datatype_description": gettext(
                "Từ %(min)s đến %(max)s ký tự; để trống thì lấy đầu phần mô tả (description)."
            )
            % {"min": TITLE_MIN, "max": TITLE_MAX},
            "order": 2,
            "description": gettext("Tiêu đề"),
        },
    ]
    if item.code in LISTED_TYPES:
        attributes.append(
            {
                "variable": True,
                "code": PUBLISH_CONSENT,
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": gettext(
                    "true: người gửi đồng ý công khai nội dung đơn và trả lời (không công khai thông tin cá nhân); "
                    "mặc định false."
                ),
                "order": 3,
                "description": gettext("Đồng ý công khai"),
                "values": [{"key": "true", "name": gettext("Có")}, {"key": "false", "name": gettext("Không")}],
            }
        )
    return {"service_code": item.code, "attributes": attributes}


def api_key_by_raw(raw: str) -> ApiKey | None:
    return ApiKey.objects.filter(key_hash=hash_api_key(raw)).first() if raw else None


def request_by_token(token: str) -> Open311Request | None:
    try:
        value = UUID(token)
    except ValueError:
        return None
    return Open311Request.objects.select_related("petition").filter(token=value).first()


def public_requests() -> QuerySet[Petition]:
    """Petitions anyone may see through Open311, newest first, annotated with what their status page shows: the
    current step (`step_status`, `step_title`), the running legal clock (`due_at`, `due_explanation(_en)`) and the
    latest public event (`updated_at`)."""
    task = HumanTask.objects.open().filter(instance_id=OuterRef("workflow_id")).order_by("created_at")
    clock = Deadline.objects.filter(
        instance_id=OuterRef("workflow_id"), closed_at__isnull=True, suspended_since__isnull=True
    ).order_by("due_at")
    latest = (
        CaseEvent.objects.filter(instance_id=OuterRef("workflow_id"))
        .exclude(public_text="")
        .values("instance_id")
        .annotate(latest=Max("created_at"))
        .values("latest")
    )
    return (
        Petition.objects.filter(publish_consent=True, petition_type__in=LISTED_TYPES)
        .select_related("commune", "workflow__unit", "answered_by")
        .annotate(
            step_status=Subquery(task.values("public_status")[:1]),
            step_title=Subquery(task.values("title")[:1]),
            due_at=Subquery(clock.values("due_at")[:1]),
            due_explanation=Subquery(clock.values("explanation")[:1]),
            due_explanation_en=Subquery(clock.values("explanation_en")[:1]),
            updated_at=Subquery(latest[:1]),
        )
        .order_by("-received_at", "-pk")
    )


def _rounded(value: Decimal | None) -> float | None:
    decimals = settings.OPEN311_COORDINATE_DECIMALS
    if value is None or decimals < 0:
        return None
    return float(round(value, decimals))


def public_request(petition: Any) -> dict[str, Any]:
    """One petition of `public_requests()` as the specification's `request`: public fields only."""
    closed = petition.status in CLOSED_STATUSES
    if closed:
        notes = petition.public_text(petition.answer) or petition.get_status_display()
    else:
        notes = petition.step_status or petition.step_title or petition.get_status_display()
    english = translation.get_language() == "en"
    notice = (petition.due_explanation_en if english else petition.due_explanation) if not closed else None
    updated: datetime = petition.updated_at or petition.received_at
    return {
        "service_request_id": petition.tracking_code,
        "status": "closed" if closed else "open",
        "status_notes": notes,
        "service_name": petition.get_petition_type_display(),
        "service_code": petition.petition_type,
        "description": petition.public_text(petition.content),
        "agency_responsible": petition.workflow.unit.name,
        "service_notice": notice or None,
        "requested_datetime": iso(petition.received_at),
        "updated_datetime": iso(updated),
        "expected_datetime": None if closed else iso(petition.due_at),
        "address": petition.commune.name,
        "address_id": None,
        "zipcode": None,
        "lat": _rounded(petition.latitude),
        "long": _rounded(petition.longitude),
        "media_url": None,
    }
