"""Results: counts and percentages per question and commune from the tallies; free texts published only once
approved, redacted; the public sees results only once published; CSV/XLSX exports; the search index gets the
published aggregates only. The PII canary: a phone and an e-mail typed in a free text, and the respondent's own
contact, appear on no public surface — page, API, exports, index."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from search import outbox
from search.backends import reset_backend
from surveys import identity, services
from surveys.errors import NotAllowed
from surveys.models import Answer, TextStatus
from tests.surveys.conftest import good_answers, q, step

CANARY_PHONE = "0987 654 321"
CANARY_EMAIL = "canary.leak@example.vn"
RESPONDENT = "respondent.private@example.vn"
TEXT = f"Đề nghị công khai thu chi quỹ đường làng. Gọi tôi {CANARY_PHONE} hoặc {CANARY_EMAIL}."


def answer(survey, contact: str, commune: str = "dong-ha", **overrides: Any) -> int:
    raw = {**good_answers(survey, commune=commune), **overrides}
    commune_unit = services.check_commune(survey, commune)
    cleaned = services.check_answers(services.questions_for(survey, commune_unit), raw)
    return services.submit_response(
        survey=survey, commune=commune_unit, respondent_key=identity.destination_hash(contact), answers=cleaned
    )


@pytest.fixture
def answered(org, open_survey):
    survey = open_survey
    with_text: dict[str, Any] = {q(survey, 4).field_name: [TEXT]}
    answer(survey, RESPONDENT, **with_text)
    with_scale: dict[str, Any] = {q(survey, 3).field_name: ["2"]}
    answer(survey, "b@example.vn", **with_scale)
    answer(survey, "c@example.vn", commune="gio-linh")
    return survey


def publish(org, survey):
    step(survey, "collect", org.bob, close_early=True)
    return step(survey, "approve_results", org.carol)


def leaked(text: str) -> list[str]:
    digits = CANARY_PHONE.replace(" ", "")
    needles = [CANARY_PHONE, digits, CANARY_EMAIL, RESPONDENT, identity.destination_hash(RESPONDENT)]
    return [needle for needle in needles if needle in text]


def test_the_results_count_each_choice_per_question_and_commune(org, answered):
    from surveys import selectors

    everything = selectors.results(answered)
    assert everything.responses == 3
    first = everything.questions[0]
    assert first.answered == 3
    assert [(b.label, b.count, b.percent) for b in first.buckets] == [("Có", 3, 100.0), ("Không", 0, 0.0)]
    scale = everything.questions[2]
    assert [b.count for b in scale.buckets] == [0, 1, 0, 2, 0]
    assert scale.mean == round((2 + 4 + 4) / 3, 2)
    multiple = everything.questions[1]
    assert [b.count for b in multiple.buckets] == [3, 0, 3]
    gio_linh = selectors.results(answered, commune="gio-linh")
    assert gio_linh.responses == 1
    assert gio_linh.questions[4].answered == 1
    assert {c["code"]: c["responses"] for c in everything.communes} == {"dong-ha": 2, "gio-linh": 1}


def test_the_results_page_reads_a_fixed_number_of_queries(org, answered, client, django_assert_max_num_queries):
    client.force_login(org.bob)
    with django_assert_max_num_queries(20):
        page = client.get(f"/surveys/{answered.pk}/results/")
    assert page.status_code == 200
    for i in range(30):
        answer(answered, f"more{i}@example.vn")
    with django_assert_max_num_queries(20):
        assert client.get(f"/surveys/{answered.pk}/results/").status_code == 200


def test_the_public_sees_results_only_once_published(org, answered):
    public = Client()
    assert public.get(f"/surveys/{answered.pk}/results/").status_code == 404
    assert public.get(f"/api/v1/surveys/{answered.pk}/results").status_code == 404
    assert public.get(f"/surveys/{answered.pk}/results.csv").status_code == 404
    publish(org, answered)
    page = public.get(f"/surveys/{answered.pk}/results/")
    assert page.status_code == 200
    assert 'id="survey-chart-data"' in page.content.decode()
    assert "dist/survey-charts.js" in page.content.decode()


def test_a_free_text_is_published_only_once_approved_and_then_redacted(org, answered):
    publish(org, answered)
    public = Client()
    page = public.get(f"/surveys/{answered.pk}/results/").content.decode()
    assert "Đề nghị công khai thu chi quỹ" not in page  # pending: not shown
    text = Answer.objects.get(question=q(answered, 4), text__startswith="Đề nghị")
    services.moderate_text(answer=text, user=org.bob, approve=True)
    page = public.get(f"/surveys/{answered.pk}/results/").content.decode()
    assert "Đề nghị công khai thu chi quỹ đường làng" in page
    assert leaked(page) == []


def test_a_rejected_text_needs_a_reason_and_stays_unpublished(org, answered):
    text = Answer.objects.get(question=q(answered, 4), text__startswith="Đề nghị")
    with pytest.raises(services.InvalidInput):
        services.moderate_text(answer=text, user=org.bob, approve=False, reason="")
    services.moderate_text(answer=text, user=org.bob, approve=False, reason="personal_data", note="Có số điện thoại")
    text.refresh_from_db()
    assert text.text_status == TextStatus.REJECTED and text.rejection_reason == "personal_data"
    publish(org, answered)
    assert "Đề nghị công khai" not in Client().get(f"/surveys/{answered.pk}/results/").content.decode()


def test_another_units_official_cannot_moderate(org, answered):
    text = Answer.objects.get(question=q(answered, 4), text__startswith="Đề nghị")
    with pytest.raises(NotAllowed):
        services.moderate_text(answer=text, user=org.erin, approve=True)
    client = Client()
    client.force_login(org.erin)
    response = client.post(f"/surveys/manage/{answered.pk}/answers/{text.pk}/moderate/", {"decision": "approve"})
    assert response.status_code == 404
    text.refresh_from_db()
    assert text.text_status == TextStatus.PENDING


def test_the_moderator_sees_what_will_be_hidden(org, answered):
    client = Client()
    client.force_login(org.bob)
    page = client.get(f"/surveys/manage/{answered.pk}/").content.decode()
    assert CANARY_PHONE in page  # the moderator reads the text as written
    assert "Công khai sẽ hiển thị" in page


def test_the_pii_canary_never_reaches_a_public_surface(org, answered):
    text = Answer.objects.get(question=q(answered, 4), text__startswith="Đề nghị")
    services.moderate_text(answer=text, user=org.bob, approve=True)
    publish(org, answered)
    reset_backend()
    outbox.drain_all()
    public = Client()
    csv_body = public.get(f"/surveys/{answered.pk}/results.csv").content.decode("utf-8-sig")
    xlsx = load_workbook(io.BytesIO(public.get(f"/surveys/{answered.pk}/results.xlsx").content))
    xlsx_text = " ".join(str(cell.value) for sheet in xlsx for row in sheet.iter_rows() for cell in row)
    surfaces = {
        "results page": public.get(f"/surveys/{answered.pk}/results/").content.decode(),
        "results API": json.dumps(public.get(f"/api/v1/surveys/{answered.pk}/results").json(), ensure_ascii=False),
        "survey API": json.dumps(public.get(f"/api/v1/surveys/{answered.pk}").json(), ensure_ascii=False),
        "CSV": csv_body,
        "XLSX": xlsx_text,
        "search API": public.get("/api/v1/search", {"q": "cong khai thu chi quy duong lang"}).content.decode(),
        "search page": public.get("/search/", {"q": "thu chi quỹ đường làng"}).content.decode(),
    }
    for surface, body in surfaces.items():
        assert leaked(body) == [], surface
    assert "Đề nghị công khai thu chi quỹ đường làng" in csv_body and "[***]" in csv_body
    assert "Đề nghị công khai thu chi quỹ đường làng" in xlsx_text
    assert f"/surveys/{answered.pk}/results/" in surfaces["search API"]  # found, as published aggregates


def test_the_exports_hold_the_aggregates_per_commune(org, answered):
    publish(org, answered)
    body = Client().get(f"/surveys/{answered.pk}/results.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Xã, phường", "Câu hỏi", "Phương án", "Số lượng", "Tỉ lệ (%)"]
    assert ["Tất cả xã, phường", "", "Số phiếu", "3", ""] in rows
    assert ["Xã Gio Linh", "", "Số phiếu", "1", ""] in rows
    assert ["Tất cả xã, phường", "1. Bạn có được thông báo lịch họp tổ dân phố không?", "Có", "3", "100.0"] in rows
    response = Client().get(f"/surveys/{answered.pk}/results.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Kết quả", "Ý kiến"]


def test_nothing_of_a_survey_is_indexed_before_its_results_are_published(org, answered):
    reset_backend()
    outbox.drain_all()
    found = Client().get("/api/v1/search", {"q": "khao sat thuc hien dan chu"}).content.decode()
    assert f"/surveys/{answered.pk}/" not in found
    publish(org, answered)
    reset_backend()
    outbox.drain_all()
    found = Client().get("/api/v1/search", {"q": "khao sat thuc hien dan chu"}).content.decode()
    assert f"/surveys/{answered.pk}/results/" in found
