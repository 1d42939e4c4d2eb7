"""My page, as a citizen uses it: signing in with a one-time code, what is linked to them (new and claimed),
preferences the outbox follows, the data download and closing the account; and never someone else's case."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cases import notices
from cases.models import Petition
from citizens.auth import SESSION_KEY
from citizens.models import AuditEntry, Citizen, CitizenComment, CitizenPetition
from consultation.models import Comment
from notifications.models import Message
from tests.citizens.helpers import last_code_for
from tests.conftest import petition_payload

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AN = "an.nguyen@example.vn"
# Citizen B's details: they must never appear on citizen A's pages or in A's data.
CANARY = {
    "petitioner_name": "Lê Canary Bảo",
    "petitioner_phone": "0977 000 111",
    "petitioner_email": "canary.b@example.vn",
}


def sign_in(client: Client, destination: str = AN) -> None:
    sent = client.post("/me/sign-in/", {"destination": destination})
    assert sent.status_code == 200, sent.content.decode()
    assert "Nhập mã xác nhận" in sent.content.decode()
    response = client.post("/me/sign-in/", {"step": "code", "code": last_code_for(destination)})
    assert response.status_code == 302 and response["Location"] == "/me/"


def portal_submit(client: Client, **overrides: Any) -> Petition:
    payload = {key: value for key, value in petition_payload(**overrides).items() if key != "publish_consent"}
    response = client.post("/submit/", payload)
    assert response.status_code == 200, response.content.decode()[:2000]
    return Petition.objects.order_by("-pk").first()  # type: ignore[return-value]


@pytest.fixture
def portal(org: Any, processes: None) -> None:
    """The province's units and processes: the portal takes petitions."""


def test_a_citizen_signs_in_with_a_code_and_sees_their_page(portal: None) -> None:
    client = Client()
    assert client.get("/me/")["Location"] == "/me/sign-in/?next=/me/"
    before = client.get("/me/sign-in/").wsgi_request.session.session_key
    sign_in(client)
    assert client.session.session_key != before
    page = client.get("/me/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Trang của tôi" in body and AN in body and "Chưa có đơn nào" in body
    assert "no-store" in page["Cache-Control"]
    assert Citizen.objects.get().email == AN


def test_a_wrong_code_is_refused_and_signs_nobody_in(portal: None) -> None:
    client = Client()
    client.post("/me/sign-in/", {"destination": AN})
    code = last_code_for(AN)
    response = client.post("/me/sign-in/", {"step": "code", "code": f"{(int(code) + 1) % 1_000_000:06d}"})
    assert response.status_code == 400
    assert "Mã không đúng. Còn 4 lần thử." in response.content.decode()
    assert SESSION_KEY not in client.session and not Citizen.objects.exists()


def test_a_bad_address_gets_a_clear_error_and_no_code(portal: None) -> None:
    response = Client().post("/me/sign-in/", {"destination": "not-an-address"})
    assert response.status_code == 400
    assert "Hãy nhập một địa chỉ thư điện tử hoặc một số điện thoại" in response.content.decode()
    assert not Message.objects.exists()


def test_sign_in_attempts_are_throttled(portal: None, settings: Any) -> None:
    settings.CITIZEN_SIGN_IN_RATE = "2/hour"
    client = Client()
    client.post("/me/sign-in/", {"destination": AN})
    for _ in range(2):
        assert client.post("/me/sign-in/", {"step": "code", "code": "000000"}).status_code == 400
    response = client.post("/me/sign-in/", {"step": "code", "code": last_code_for(AN)})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_asking_too_many_codes_is_refused(portal: None, settings: Any) -> None:
    settings.CITIZEN_CODE_RATE_PER_DESTINATION = "1/hour"
    client = Client()
    client.post("/me/sign-in/", {"destination": AN})
    response = client.post("/me/sign-in/", {"destination": AN})
    assert response.status_code == 429
    assert "Đã gửi quá nhiều mã đến địa chỉ này" in response.content.decode()


def test_sending_a_petition_needs_no_sign_in_and_links_nothing(portal: None) -> None:
    portal_submit(Client())
    assert Petition.objects.count() == 1 and not CitizenPetition.objects.exists()


def test_a_petition_sent_while_signed_in_appears_on_my_page_with_its_full_record(portal: None) -> None:
    client = Client()
    sign_in(client)
    petition = portal_submit(client, title="Ổ gà trước chợ Đông Hà")
    assert CitizenPetition.objects.get().how == "new"
    body = client.get("/me/").content.decode()
    assert "Ổ gà trước chợ Đông Hà" in body and petition.tracking_code in body
    detail = client.get(f"/me/petitions/{petition.tracking_code}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "Nguyễn Văn An" in text and "120 Lê Duẩn" in text  # their own details, as on /track/ with the key
    assert "Quá trình xử lý" in text and "no-store" in detail["Cache-Control"]


def test_a_comment_sent_while_signed_in_appears_on_my_page(open_docket: Callable[..., str], clock: Any) -> None:
    docket_id = open_docket()
    client = Client()
    sign_in(client)
    response = client.post(
        f"/consultations/{docket_id}/comment/",
        {
            "text": "Đề nghị nâng mức hỗ trợ sửa mái nhà lên 40 triệu đồng.",
            "commenter_kind": "person",
            "author_name": "Nguyễn Văn An",
            "email": AN,
        },
    )
    assert response.status_code == 201, [line for line in response.content.decode().splitlines() if "error" in line]
    assert CitizenComment.objects.get().comment == Comment.objects.get()
    body = client.get("/me/").content.decode()
    assert "Đề nghị nâng mức hỗ trợ sửa mái nhà" in body and f"{docket_id}-0001" in body


def test_an_older_case_is_claimed_with_its_code_and_key(portal: None, public: Any) -> None:
    sent = public.post("/api/v1/petitions", petition_payload(title="Cống thoát nước bị tắc"), format="json").json()
    client = Client()
    sign_in(client)
    wrong = client.post("/me/claim/", {"code": sent["tracking_code"], "access_key": "WRONG-KEY-0000"})
    assert wrong.status_code == 400
    assert "Mã bí mật không đúng với mã tra cứu này." in wrong.content.decode()
    assert not CitizenPetition.objects.exists()
    unknown = client.post("/me/claim/", {"code": "QT-2000-XXXX-XXXX", "access_key": sent["access_key"]})
    assert unknown.status_code == 400 and "Không có đơn nào có mã tra cứu này." in unknown.content.decode()

    right = client.post("/me/claim/", {"code": sent["tracking_code"], "access_key": sent["access_key"]})
    assert right.status_code == 302
    assert CitizenPetition.objects.get().how == "claimed"
    body = client.get("/me/").content.decode()
    assert "Cống thoát nước bị tắc" in body and f"Đã thêm đơn {sent['tracking_code']}" in body
    assert AuditEntry.objects.filter(action="claim_petition").count() == 1


def test_a_case_on_another_account_is_not_claimed_again(portal: None, public: Any) -> None:
    sent = public.post("/api/v1/petitions", petition_payload(), format="json").json()
    first, second = Client(), Client()
    sign_in(first)
    assert (
        first.post("/me/claim/", {"code": sent["tracking_code"], "access_key": sent["access_key"]}).status_code == 302
    )
    sign_in(second, "0905 123 456")
    response = second.post("/me/claim/", {"code": sent["tracking_code"], "access_key": sent["access_key"]})
    assert response.status_code == 400 and "một tài khoản khác" in response.content.decode()
    assert CitizenPetition.objects.get().citizen.email == AN


def test_claims_are_throttled(portal: None, settings: Any) -> None:
    settings.CITIZEN_CLAIM_RATE = "3/hour"
    client = Client()
    sign_in(client)
    statuses = [
        client.post("/me/claim/", {"code": "QT-2000-XXXX-XXXX", "access_key": "x"}).status_code for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def test_an_anonymous_citizen_still_sees_their_one_case_on_track(portal: None, public: Any) -> None:
    sent = public.post("/api/v1/petitions", petition_payload(), format="json").json()
    page = Client().post("/track/", {"code": sent["tracking_code"], "access_key": sent["access_key"]})
    assert page.status_code == 200 and "Nguyễn Văn An" in page.content.decode()


def test_my_page_never_shows_someone_elses_case(portal: None, public: Any) -> None:
    b = Client()
    sign_in(b, "binh@example.vn")
    bs_petition = portal_submit(b, title="Đơn riêng của chị Bình", **CANARY)
    a = Client()
    sign_in(a)
    portal_submit(a, title="Đơn của anh An")

    pages = [a.get("/me/"), a.get(f"/me/petitions/{bs_petition.tracking_code}/"), a.get("/me/data.json")]
    assert pages[1].status_code == 404
    for page in pages:
        text = page.content.decode()
        assert "Đơn riêng của chị Bình" not in text and bs_petition.tracking_code not in text
        for value in CANARY.values():
            assert value not in text
    assert "Đơn của anh An" in pages[0].content.decode()


def test_the_citizen_downloads_their_own_data(portal: None) -> None:
    client = Client()
    sign_in(client)
    petition = portal_submit(client)
    response = client.get("/me/data.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"] and "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == AN
    (mine,) = data["petitions"]
    assert mine["tracking_code"] == petition.tracking_code
    assert mine["petitioner"]["name"] == "Nguyễn Văn An" and mine["history"]
    assert data["comments"] == []


def test_closing_the_account_unlinks_and_anonymises_it(portal: None) -> None:
    client = Client()
    sign_in(client)
    petition = portal_submit(client)
    assert client.get("/me/close/").status_code == 200
    unconfirmed = client.post("/me/close/", {})
    assert unconfirmed.status_code == 400 and "Hãy đánh dấu ô xác nhận" in unconfirmed.content.decode()
    assert Citizen.objects.get().closed_at is None

    response = client.post("/me/close/", {"confirm": "yes"})
    assert response.status_code == 302
    citizen = Citizen.objects.get()
    assert citizen.closed_at is not None
    assert (citizen.email, citizen.phone, citizen.display_name, citizen.oidc_subject) == ("", "", "", "")
    assert not CitizenPetition.objects.exists()
    assert Petition.objects.filter(pk=petition.pk).exists()  # the case goes on, unlinked
    assert AuditEntry.objects.filter(citizen_number=citizen.pk, action="close").exists()
    assert client.get("/me/")["Location"].startswith("/me/sign-in/")

    sign_in(client)  # the same address later is a new, empty account
    assert Citizen.objects.count() == 2
    assert "Chưa có đơn nào" in client.get("/me/").content.decode()


def test_notices_follow_the_citizens_preferences(portal: None) -> None:
    client = Client()
    sign_in(client, "0905 123 456")
    petition = portal_submit(client, petitioner_phone="0905 123 456", petitioner_email="an.nguyen@example.vn")
    bad = client.post("/me/preferences/", {"channel": "pigeon", "language": "en"})
    assert bad.status_code == 400 and "Kênh nhận thông báo không hợp lệ." in bad.content.decode()
    assert client.post("/me/preferences/", {"channel": "sms", "language": "en"}).status_code == 302

    notices.ask_for_rating(petition, occasion="test")
    message = Message.objects.get(kind="rating_request")
    assert message.addresses[0] == {"adapter": "sms", "to": "0905 123 456"}
    assert message.language == "en"
    # Without an account's preference the chain starts with e-mail, as before.
    acknowledgement = Message.objects.get(kind="acknowledgement")
    assert acknowledgement.addresses[0]["adapter"] == "email"


def test_sign_out_is_a_post(portal: None) -> None:
    client = Client()
    sign_in(client)
    assert client.get("/me/sign-out/").status_code == 405
    assert client.post("/me/sign-out/").status_code == 302
    assert SESSION_KEY not in client.session


def test_no_log_line_names_the_citizen(portal: None, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client()
    sign_in(client)
    portal_submit(client)
    client.get("/me/data.json")
    assert AN not in caplog.text
    assert not any(AN in entry.detail for entry in AuditEntry.objects.all())


def test_the_pages_speak_english_to_an_english_reader(portal: None) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get("/me/sign-in/").content.decode()
    assert "Sign in for citizens" in page and "Send code" in page
    sent = client.post("/me/sign-in/", {"destination": AN}).content.decode()
    assert "We have sent a 6-digit code to your e-mail." in sent
    client.post("/me/sign-in/", {"step": "code", "code": last_code_for(AN)})
    body = client.get("/me/").content.decode()
    assert "My petitions" in body and "Download my data (JSON)" in body


def test_the_portal_says_whether_a_petition_will_be_on_my_page(portal: None) -> None:
    client = Client()
    assert "Không cần đăng nhập để gửi đơn." in client.get("/").content.decode()
    sign_in(client)
    assert "Bạn đã đăng nhập: đơn này sẽ hiện trong Trang của tôi." in client.get("/").content.decode()
