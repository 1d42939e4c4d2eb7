"""Reception officers record a petition received at the counter, by phone, by post, at a reception session or
from a mailbox, and print its receipt (A5 and an 80 mm roll) with the tracking code, the access key and a QR code
of the status page; the legal clock counts from the receipt, not from the day it is typed in."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import segno
import time_machine
from django.test import Client
from pypdf import PdfReader

from cases.models import Channel, Petition
from consultation import pdf
from deadlines.services import compute_due
from tests.conftest import PASSWORD
from workflows.models import Deadline

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 11, 10, 9, 0, tzinfo=HCM)
FORM = {
    "channel": "phone",
    "received_at": "2026-11-02T14:30",
    "unit": "dong-ha",
    "petition_type": "complaint",
    "title": "Khiếu nại quyết định xử phạt vi phạm hành chính",
    "content": "Tôi khiếu nại Quyết định xử phạt số 45/QĐ-XPHC vì không có hành vi lấn chiếm vỉa hè.",
    "commune": "dong-ha",
    "petitioner_name": "Trần Thị Bình",
    "petitioner_phone": "0912 345 678",
    "petitioner_email": "binh.tran@example.vn",
    "address": "12 Hùng Vương",
    "publish_consent": "true",
}


def logged_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def recorded(org: Any, processes: None, settings: Any, monkeypatch: Any) -> Iterator[dict[str, Any]]:
    settings.SITE_URL = "https://langnghe.quangtri.gov.vn"
    htmls: list[str] = []
    real = pdf.html_to_pdf

    def capture(html: str) -> bytes:
        htmls.append(html)
        return real(html)

    monkeypatch.setattr(pdf, "html_to_pdf", capture)
    alice = logged_in("alice")
    with time_machine.travel(NOW, tick=False):  # the session, saved on the frozen day, lasts from it
        response = alice.post("/record/", FORM)
        assert response.status_code == 200, response.content.decode()[-3000:]
        page = response.content.decode()
        petition = Petition.objects.get()
        key = re.search(r'<code class="access-key">([^<]+)</code>', page)
        assert key is not None
        yield {"client": alice, "page": page, "petition": petition, "key": key.group(1), "htmls": htmls}


def test_a_phone_petition_received_last_week_runs_its_legal_clock_from_the_day_it_was_received(recorded):
    petition = recorded["petition"]
    assert petition.channel == Channel.PHONE and petition.petitioner_name == "Trần Thị Bình"
    assert petition.received_at == datetime.datetime(2026, 11, 2, 14, 30, tzinfo=HCM)
    assert petition.check_access_key(recorded["key"])
    assert petition.tracking_code in recorded["page"] and "02/11/2026 14:30" in recorded["page"]
    # Accepting a complaint is due 10 days from receipt (Law on Complaints, Art. 27), not from the recording.
    clock = Deadline.objects.get(instance=petition.workflow, element_id="accept_or_refuse")
    assert clock.start_date == datetime.date(2026, 11, 2)
    assert clock.due_at == compute_due(rule_code="complaint.accept", start=datetime.date(2026, 11, 2)).due_at


def test_an_official_without_the_reception_role_gets_403(org, processes):
    bob = logged_in("bob")
    assert bob.get("/record/").status_code == 403
    assert bob.post("/record/", FORM).status_code == 403
    assert not Petition.objects.exists()


def test_the_header_links_the_page_for_reception_officers_only(org, processes):
    assert 'href="/record/"' in logged_in("alice").get("/inbox/").content.decode()
    assert 'href="/record/"' not in logged_in("bob").get("/inbox/").content.decode()


def _assert_kept(page: str) -> None:
    for field in ("title", "petitioner_name", "petitioner_phone", "petitioner_email", "address"):
        assert f'value="{FORM[field]}"' in page, field
    assert FORM["content"] in page
    assert '<option value="phone" selected>' in page and '<option value="complaint" selected>' in page
    assert 'name="publish_consent" value="true" checked' in page


@pytest.mark.parametrize(
    ("received_at", "message"),
    [("2026-11-11T08:00", "tương lai"), ("2025-01-02T08:00", "quá xa")],
)
def test_a_receipt_time_in_the_future_or_long_ago_is_refused_next_to_the_field_keeping_every_value(
    org, processes, received_at, message
):
    with time_machine.travel(NOW, tick=False):
        response = logged_in("alice").post("/record/", {**FORM, "received_at": received_at})
    assert response.status_code == 400
    page = response.content.decode()
    error = re.search(r'<p class="error" id="error-received_at">([^<]+)</p>', page)
    assert error is not None and message in error.group(1)
    assert f'value="{received_at}"' in page
    _assert_kept(page)
    assert not Petition.objects.exists()


def test_a_bad_upload_is_refused_next_to_the_field_keeping_every_value(org, processes):
    fake = io.BytesIO(b"MZ\x90\x00 not a pdf at all")
    fake.name = "don.pdf"
    with time_machine.travel(NOW, tick=False):
        response = logged_in("alice").post("/record/", {**FORM, "attachments": [fake]})
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'<p class="error" id="error-attachments">[^<]+</p>', page)
    _assert_kept(page)
    assert not Petition.objects.exists()


@pytest.mark.parametrize(("paper", "width_mm", "height_mm"), [("a5", 148, 210), ("80mm", 80, 200)])
def test_both_receipts_carry_the_code_the_key_and_a_qr_code_of_the_status_page(recorded, paper, width_mm, height_mm):
    petition = recorded["petition"]
    response = recorded["client"].get(f"/record/{petition.tracking_code}/receipt-{paper}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(pdf_text(response.content).split())
    assert petition.tracking_code in text and recorded["key"] in text
    assert "02/11/2026" in text
    url = f"https://langnghe.quangtri.gov.vn/track/{petition.tracking_code}/"
    assert url in text
    boxes = {
        tuple(round(float(v) * 25.4 / 72) for v in page.mediabox[2:])
        for page in PdfReader(io.BytesIO(response.content)).pages
    }
    assert boxes == {(width_mm, height_mm)}
    # The QR code: the very symbol segno makes for the status URL is the image embedded in each receipt.
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    assert len(recorded["htmls"]) == 2 and all(qr in html for html in recorded["htmls"])


def test_the_receipt_with_the_key_cannot_be_printed_from_another_session(recorded):
    code = recorded["petition"].tracking_code
    assert logged_in("alice").get(f"/record/{code}/receipt-a5.pdf").status_code == 404


def test_the_api_records_the_receipt_time_and_refuses_one_in_the_future(org, processes, client_for):
    alice = client_for("alice")
    payload = {**FORM, "publish_consent": True}
    with time_machine.travel(NOW, tick=False):
        future = alice.post("/api/v1/cases/record", {**payload, "received_at": "2026-11-12T08:00"}, format="json")
        assert future.status_code == 400 and "received_at" in str(future.json())
        assert not Petition.objects.exists()
        response = alice.post("/api/v1/cases/record", {**payload, "received_at": "2026-11-02T14:30"}, format="json")
    assert response.status_code == 201, response.json()
    assert Petition.objects.get().received_at == datetime.datetime(2026, 11, 2, 14, 30, tzinfo=HCM)


def test_the_first_step_of_a_petition_recorded_late_counts_from_its_receipt(org, processes):
    alice = logged_in("alice")
    reflection = {**FORM, "petition_type": "reflection", "title": "Đèn đường hỏng", "content": "Đèn hỏng một tuần."}
    with time_machine.travel(NOW, tick=False):
        assert alice.post("/record/", reflection).status_code == 200
    petition = Petition.objects.get()
    classify = Deadline.objects.get(instance=petition.workflow, element_id="classify")
    # Received on Monday 2 November, typed in on 10 November: the reception officer's days ran from the receipt.
    assert classify.start_date == datetime.date(2026, 11, 2)
    assert classify.due_at == compute_due(rule_code=classify.rule_code, start=datetime.date(2026, 11, 2)).due_at
