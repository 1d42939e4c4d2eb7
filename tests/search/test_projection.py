"""What reaches the index: only published petitions with consent, never denunciations, only allow-listed
fields, and no personal data in any text."""

from __future__ import annotations

import dataclasses
import datetime
import json

import pytest

from cases.search_projections import PetitionProjection
from privacy.redaction import REDACTED
from search import outbox
from search.projection import projection_for, projections
from workflows.models import Deadline


def index_now(*petitions):
    for petition in petitions:
        outbox.enqueue("petition", petition.pk)  # what the cases handlers do when a petition changes
    outbox.drain_all()


def test_the_petition_projection_reads_only_its_allow_list():
    assert PetitionProjection.fields == (
        "tracking_code",
        "petition_type",
        "title",
        "content",
        "commune",
        "received_at",
        "status",
        "due_at",
        "answer",
        "answered_by",
        "answered_at",
    )
    private = {"petitioner_name", "petitioner_phone", "petitioner_email", "address", "latitude", "longitude"}
    assert not private & set(PetitionProjection.fields)
    assert "petition" in projections()


def test_only_published_petitions_with_consent_are_indexed_and_never_denunciations(backend, make_petition):
    public = make_petition(title="Công khai")
    no_consent = make_petition(title="Không đồng ý", publish_consent=False)
    unpublished = make_petition(title="Chưa công khai", published_at=None)
    denunciation = make_petition(title="Tố cáo", petition_type="denunciation")

    index_now(public, no_consent, unpublished, denunciation)

    assert set(backend.stored_versions()) == {f"petition:{public.pk}"}
    assert outbox.pending() == 0


def test_a_petition_that_stops_being_public_leaves_the_index(backend, make_petition):
    petition = make_petition()
    index_now(petition)
    assert set(backend.stored_versions()) == {f"petition:{petition.pk}"}

    petition.published_at = None
    petition.save()
    index_now(petition)

    assert backend.stored_versions() == {}


def test_the_document_holds_the_public_fields(make_petition, org):
    received = datetime.datetime(2026, 1, 14, 20, 30, tzinfo=datetime.UTC)  # 15 Jan in Hà Nội
    petition = make_petition(
        petition_type="recommendation",
        title="Lắp biển báo",
        content="Đề nghị lắp biển báo giảm tốc.",
        answer="Sẽ lắp trong tháng 3.",
        received_at=received,
        answered_at=datetime.datetime(2026, 2, 2, 3, 0, tzinfo=datetime.UTC),
        answered_by=org.so_xay_dung,
        address="12 Hùng Vương",
    )
    due = datetime.datetime(2026, 2, 28, 10, 0, tzinfo=datetime.UTC)  # 17:00 in Hà Nội
    Deadline.objects.create(
        instance=petition.workflow,
        spiff_task_id="00000000-0000-0000-0000-000000000001",
        element_id="draft_answer",
        title="Soạn trả lời",
        kind="task",
        rule_code="reflection.resolve",
        start_date=datetime.date(2026, 1, 15),
        due_at=due,
        explanation="",
        explanation_en="",
    )

    [document] = projection_for("petition").documents({str(petition.pk): 42}).values()

    assert document.doc_id == f"petition:{petition.pk}" and document.version == 42
    assert document.title == "Lắp biển báo"
    assert document.body == "Đề nghị lắp biển báo giảm tốc.\n\nSẽ lắp trong tháng 3."
    assert document.url == f"/track/{petition.tracking_code}/"
    assert document.date == datetime.date(2026, 1, 15)
    assert (document.petition_type, document.status) == ("recommendation", "answered")
    assert (document.unit, document.unit_name) == ("so-xay-dung", "Sở Xây dựng")
    assert (document.commune, document.commune_name) == ("dong-ha", "Phường Đông Hà")
    assert document.extra == {
        "tracking_code": petition.tracking_code,
        "answered_date": "2026-02-02",
        "due_date": "2026-02-28",
    }
    assert "Hùng Vương" not in json.dumps(dataclasses.asdict(document), ensure_ascii=False, default=str)


def test_personal_data_is_redacted_from_every_text(make_petition):
    petition = make_petition(
        title="Ông Trần Thị Bích Ngọc phản ánh",
        content="Tôi là TRẦN THỊ BÍCH NGỌC, điện thoại 0987.654.321, thư bich@example.vn, CCCD 044190000123.",
        answer="Đã liên hệ bà Bích Ngọc qua số 0987 654 321.",
        petitioner_name="Trần Thị Bích Ngọc",
        petitioner_phone="0987654321",
        petitioner_email="bich@example.vn",
    )

    [document] = projection_for("petition").documents({str(petition.pk): 1}).values()

    assert document.title == f"Ông {REDACTED} phản ánh"
    assert document.body == (
        f"Tôi là {REDACTED}, điện thoại {REDACTED}, thư {REDACTED}, CCCD {REDACTED}.\n\n"
        f"Đã liên hệ bà {REDACTED} qua số {REDACTED}."
    )


@pytest.mark.parametrize("private", ["Hoàng Thị Quỳnh Trâm", "hoang thi quynh tram", "0978 111 222", "0978111222"])
def test_canary_private_data_is_in_no_stored_document_and_no_api_response(
    backend, answer_through_the_journey, public, private
):
    petition = answer_through_the_journey(
        title="Cống thoát nước tắc ở khu phố Lương Khê",
        content="Tôi là Hoàng Thị Quỳnh Trâm, số điện thoại 0978 111 222. Cống thoát nước khu phố Lương Khê tắc.",
        answer="Phường đã gọi lại cho bà Quỳnh Trâm theo số 0978111222 và đã nạo vét cống.",
        petitioner_name="Hoàng Thị Quỳnh Trâm",
        petitioner_phone="0978 111 222",
        petitioner_email="quynh.tram@example.vn",
    )
    assert petition.published_at is not None
    index_now(petition)

    found = public.get("/api/v1/search", {"q": "cong thoat nuoc luong khe"})
    assert [hit["title"] for hit in found.json()["results"]] == ["Cống thoát nước tắc ở khu phố Lương Khê"]

    stored = backend.stored_document(f"petition:{petition.pk}")
    dumped = json.dumps(stored, ensure_ascii=False, default=str).casefold()
    for secret in (private, "quynh tram", "quỳnh trâm", "0978", "quynh.tram@example.vn", "111 222"):
        assert secret.casefold() not in dumped
        assert secret.casefold() not in found.content.decode().casefold()
    assert public.get("/api/v1/search", {"q": private}).json()["results"] == []
    assert private not in public.get("/search/", {"q": "luong khe"}).content.decode()
