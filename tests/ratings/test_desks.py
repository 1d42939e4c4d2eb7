"""Each desk's printed QR code opens a rating form for its reception today: one rating per visit, proven by the
receipt's tracking code or by a one-time token from the desk's screen; rate-limited per client address."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import segno
import time_machine
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Channel, Petition
from consultation import pdf
from ratings.models import Desk, DeskRating, DeskToken
from tests.conftest import PASSWORD
from tests.ratings.conftest import VISIT

pytestmark = pytest.mark.django_db


def logged_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def screen_token(officer: Client, desk: Desk) -> str:
    response = officer.get(f"/desks/{desk.pk}/token/")
    assert response.status_code == 200
    found = re.search(r'<strong class="code" id="desk-token">([A-Z0-9]+)</strong>', response.content.decode())
    assert found is not None
    return found.group(1)


def record_at_counter(client_for, **overrides) -> str:
    payload = {
        "channel": Channel.COUNTER,
        "unit": "dong-ha",
        "petition_type": "reflection",
        "title": "Hỏi thủ tục cấp phép xây dựng",
        "content": "Tôi hỏi về thủ tục cấp phép sửa chữa nhà ở.",
        "commune": "dong-ha",
        "petitioner_name": "Phạm Văn Tâm",
        "petitioner_phone": "0905 111 222",
        **overrides,
    }
    response = client_for("alice").post("/api/v1/cases/record", payload, format="json")
    assert response.status_code == 201, response.json()
    return str(response.json()["tracking_code"])


def test_a_visitor_rates_once_with_the_token_of_the_desks_screen_which_then_shows_a_new_one(org, desk):
    alice = logged_in("alice")
    token = screen_token(alice, desk)
    assert screen_token(alice, desk) == token  # the same until it is used
    assert alice.get(f"/desks/{desk.pk}/token/")["Refresh"] == "15"  # the screen reloads itself

    visitor = Client()
    form = visitor.get(f"/desks/{desk.pk}/rate/?token={token}")
    assert form.status_code == 200 and f'value="{token}"' in form.content.decode()
    response = visitor.post(f"/desks/{desk.pk}/rate/", {"token": token.lower(), **VISIT})
    assert response.status_code == 200 and 'id="desk-rating-saved"' in response.content.decode()
    rating = DeskRating.objects.get()
    assert (rating.desk, rating.unit, rating.courtesy, rating.waiting, rating.petition) == (
        desk,
        org.dong_ha,
        5,
        "under_15",
        None,
    )

    # the token is spent: a second rating with it is refused, and the screen shows a fresh token
    again = Client().post(f"/desks/{desk.pk}/rate/", {"token": token, **VISIT})
    assert again.status_code == 409 and "Mã đánh giá này đã được dùng." in again.content.decode()
    assert DeskRating.objects.count() == 1
    assert screen_token(alice, desk) != token


def test_a_token_of_another_desk_a_wrong_or_an_expired_token_is_refused(org, desk, settings):
    other = Desk.objects.create(unit=org.dong_ha, name="Quầy số 2")
    alice = logged_in("alice")
    token = screen_token(alice, other)
    assert Client().post(f"/desks/{desk.pk}/rate/", {"token": token, **VISIT}).status_code == 400
    assert Client().post(f"/desks/{desk.pk}/rate/", {"token": "ZZZZZZ", **VISIT}).status_code == 400
    mine = screen_token(alice, desk)
    later = timezone.now() + datetime.timedelta(minutes=settings.RATINGS_DESK_TOKEN_MINUTES + 1)
    with time_machine.travel(later):
        expired = Client().post(f"/desks/{desk.pk}/rate/", {"token": mine, **VISIT})
    assert expired.status_code == 400 and "hết hạn" in expired.content.decode()
    assert not DeskRating.objects.exists()
    assert DeskToken.objects.filter(used_at__isnull=False).count() == 0


def test_a_visitor_rates_once_with_the_receipts_tracking_code_of_today(org, processes, desk, client_for):
    code = record_at_counter(client_for)
    response = Client().post(f"/desks/{desk.pk}/rate/", {"code": code.lower(), **VISIT})
    assert response.status_code == 200
    rating = DeskRating.objects.get()
    assert rating.petition == Petition.objects.get(tracking_code=code) and rating.petition_type == "reflection"

    second = Client().post(f"/desks/{desk.pk}/rate/", {"code": code, **{**VISIT, "courtesy": "1"}})
    assert second.status_code == 409 and "Lần tiếp nhận này đã được đánh giá." in second.content.decode()
    assert DeskRating.objects.count() == 1


def test_a_receipt_of_another_day_or_unit_or_a_portal_petition_is_not_a_visit(org, processes, desk, client_for, submit):
    yesterday = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    old = record_at_counter(client_for, received_at=yesterday)
    portal = submit()["tracking_code"]
    gio_linh_desk = Desk.objects.create(unit=org.gio_linh, name="Bàn tiếp dân")
    today = record_at_counter(client_for)
    for desk_id, code in ((desk.pk, old), (desk.pk, portal), (gio_linh_desk.pk, today), (desk.pk, "QT-2026-AAAA-BBBB")):
        response = Client().post(f"/desks/{desk_id}/rate/", {"code": code, **VISIT})
        assert response.status_code == 400
        assert re.search(
            r'<p class="error" id="error-visit">Mã tra cứu này không phải biên nhận của [^<]+ hôm nay.</p>',
            response.content.decode(),
        )
    assert not DeskRating.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**VISIT, "courtesy": "9"}, "courtesy"),
        ({**VISIT, "waiting": "forever"}, "waiting"),
        (VISIT, "visit"),  # neither a code nor a token
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_stored(org, desk, data, field):
    token = screen_token(logged_in("alice"), desk)
    if field != "visit":
        data = {**data, "token": token}
    response = Client().post(f"/desks/{desk.pk}/rate/", data)
    assert response.status_code == 400 and f'id="error-{field}"' in response.content.decode()
    assert not DeskRating.objects.exists()
    assert not DeskToken.objects.filter(used_at__isnull=False).exists()


def test_the_desk_form_is_rate_limited_per_client_address(org, desk, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_rating": "2/hour"}}
    alice = logged_in("alice")
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(2):
        token = screen_token(alice, desk)
        assert visitor.post(f"/desks/{desk.pk}/rate/", {"token": token, **VISIT}).status_code == 200
    token = screen_token(alice, desk)
    blocked = visitor.post(f"/desks/{desk.pk}/rate/", {"token": token, **VISIT})
    assert blocked.status_code == 429 and "quá nhiều lần" in blocked.content.decode()
    assert DeskRating.objects.count() == 2
    # another address is not held back
    assert (
        Client(REMOTE_ADDR="203.0.113.8").post(f"/desks/{desk.pk}/rate/", {"token": token, **VISIT}).status_code == 200
    )


def test_only_the_desks_unit_sees_its_screen_token_and_card(org, desk):
    assert logged_in("grace").get(f"/desks/{desk.pk}/token/").status_code == 403  # another commune's officer
    assert logged_in("henry").get(f"/desks/{desk.pk}/token/").status_code == 200  # the province's leader
    assert Client().get(f"/desks/{desk.pk}/token/").status_code == 302  # to the login page
    assert logged_in("grace").get(f"/desks/{desk.pk}/qr.pdf").status_code == 403
    assert DeskToken.objects.filter(desk=desk).count() == 1  # the leader's visit showed the same token


def test_an_inactive_desk_takes_no_rating(org, desk):
    desk.active = False
    desk.save()
    assert Client().get(f"/desks/{desk.pk}/rate/").status_code == 404


def test_the_printed_qr_code_is_an_a6_card_whose_code_opens_the_desks_form(org, desk, settings, monkeypatch):
    settings.SITE_URL = "https://langnghe.quangtri.gov.vn"
    htmls: list[str] = []
    real = pdf.html_to_pdf

    def capture(html: str) -> bytes:
        htmls.append(html)
        return real(html)

    monkeypatch.setattr(pdf, "html_to_pdf", capture)
    response = logged_in("alice").get(f"/desks/{desk.pk}/qr.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert [tuple(round(float(v) * 25.4 / 72) for v in page.mediabox[2:]) for page in reader.pages] == [(105, 148)]
    url = f"https://langnghe.quangtri.gov.vn/desks/{desk.pk}/rate/"
    text = "".join(reader.pages[0].extract_text().split())
    assert url in text and "Quầysố1" in text
    # the symbol embedded is the one segno makes for the desk's URL, and that URL opens the desk's form
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    assert len(htmls) == 1 and qr in htmls[0]
    assert Client().get(url.removeprefix(settings.SITE_URL)).status_code == 200


def test_the_admin_lists_desks_with_their_card_and_screen(admin_client, org, desk):
    page = admin_client.get("/admin/ratings/desk/").content.decode()
    assert "Quầy số 1" in page and f"/desks/{desk.pk}/qr.pdf" in page and f"/desks/{desk.pk}/token/" in page
    assert admin_client.get(f"/desks/{desk.pk}/token/").status_code == 200


def test_officials_find_their_units_desks_from_the_record_page(org, desk):
    other = Desk.objects.create(unit=org.gio_linh, name="Bàn tiếp dân Gio Linh")
    alice = logged_in("alice")
    assert 'href="/desks/"' in alice.get("/record/").content.decode()
    page = alice.get("/desks/").content.decode()
    assert f"/desks/{desk.pk}/token/" in page and f"/desks/{other.pk}/token/" not in page
    province = logged_in("henry").get("/desks/").content.decode()
    assert f"/desks/{desk.pk}/token/" in province and f"/desks/{other.pk}/token/" in province


def test_a_new_token_that_clashes_with_an_old_one_is_drawn_again(org, desk, monkeypatch):
    from ratings import services

    old = DeskToken.objects.create(desk=desk, token="AAAAAA", used_at=timezone.now())
    draws = iter(["AAAAAA", "BBBBBB"])
    monkeypatch.setattr(services, "new_desk_token", lambda: next(draws))
    token = services.current_token(desk)
    assert token.token == "BBBBBB" and token.pk != old.pk
