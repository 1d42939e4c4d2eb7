"""A citizen's identity, contacts and e-ID subject stay on their own pages: never on the public status page, the
public API, search, the officials' pages and exports, or a log line; the admin shows accounts without codes.
Other apps' My page sections are shown, downloaded and forgotten with the account."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.translation import gettext_lazy

from cases.models import Petition
from citizens import mypage
from citizens.models import Citizen, CitizenComment, OneTimeCode
from search import outbox
from search.backends import reset_backend
from tests.citizens.helpers import last_code_for
from tests.citizens.provider import Provider
from tests.citizens.test_oidc import approve
from tests.conftest import PASSWORD, petition_payload

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PERSON = {
    "sub": "vneid-canary-subject-7731",
    "name": "Đoàn Canary Hữu",
    "email": "canary.citizen@example.vn",
    "phone_number": "0966 111 222",
}
CANARY = (PERSON["sub"], PERSON["name"], PERSON["email"], "0966111222", "0966 111 222")


def leaked(text: str) -> list[str]:
    return [secret for secret in CANARY if secret.casefold() in text.casefold()]


def test_the_accounts_identity_reaches_no_public_or_official_surface(
    provider: Provider, org: Any, processes: None, client_for: Any, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    citizen = Client()
    assert citizen.get(approve(citizen, provider, PERSON)).status_code == 302
    payload = {
        key: value
        for key, value in petition_payload(
            petitioner_name="Người gửi khác", petitioner_email="", petitioner_phone="0911 000 999"
        ).items()
        if key != "publish_consent"
    }
    assert citizen.post("/submit/", payload).status_code == 200
    petition = Petition.objects.get()
    assert Citizen.objects.get().petition_links.get().petition == petition
    reset_backend()
    outbox.drain_all()

    public = Client()
    carol = Client()
    assert carol.login(username="carol", password=PASSWORD)
    alice = Client()
    assert alice.login(username="alice", password=PASSWORD)
    surfaces = {
        "track page": public.get(f"/track/{petition.tracking_code}/").content.decode(),
        "status API": public.get(f"/api/v1/petitions/{petition.tracking_code}").content.decode(),
        "search page": public.get("/search/", {"q": "đèn đường"}).content.decode(),
        "search API": public.get("/api/v1/search", {"q": "den duong"}).content.decode(),
        "case page": alice.get(f"/cases/{petition.pk}/").content.decode(),
        "cases API": alice.get("/api/v1/cases").content.decode(),
        "leaders' export": carol.get("/leaders/cases/", {"export": "csv"}).content.decode("utf-8", "replace"),
        "logs": caplog.text,
    }
    assert petition.tracking_code in surfaces["case page"]
    for surface, text in surfaces.items():
        assert leaked(text) == [], surface
    # The citizen's own page does show who they are.
    assert PERSON["name"] in citizen.get("/me/").content.decode()


def test_the_admin_shows_accounts_and_never_a_code(org: Any) -> None:
    admin = get_user_model().objects.create_superuser("root", "root@example.vn", PASSWORD)
    client = Client()
    client.post("/me/sign-in/", {"destination": "an@example.vn"})
    code = last_code_for("an@example.vn")
    client.post("/me/sign-in/", {"step": "code", "code": code})
    citizen = Citizen.objects.get()
    staff = Client()
    staff.force_login(admin)
    changelist = staff.get("/admin/citizens/citizen/")
    assert changelist.status_code == 200
    change = staff.get(f"/admin/citizens/citizen/{citizen.pk}/change/").content.decode()
    assert "an@example.vn" in change
    row = OneTimeCode.objects.get()
    for secret in (code, row.code_hash, row.destination_hash):
        assert secret not in change
    assert staff.get("/admin/citizens/onetimecode/").status_code == 404  # not in the admin at all
    assert staff.get("/admin/citizens/auditentry/").status_code == 200


@pytest.fixture
def notes_section() -> Any:
    forgotten: list[int] = []
    mypage.register(
        mypage.Section(
            key="notes",
            title=gettext_lazy("Ghi chú"),
            template="citizens/test_section.html",
            context=lambda request, citizen: {"items": [f"Ghi chú của #{citizen.pk}"]},
            export=lambda citizen: [f"note-of-{citizen.pk}"],
            forget=lambda citizen: forgotten.append(citizen.pk),
        )
    )
    yield forgotten
    mypage.unregister("notes")


def test_other_apps_sections_are_shown_downloaded_and_forgotten(
    org: Any, notes_section: list[int], settings: Any, tmp_path: Any
) -> None:
    (tmp_path / "citizens").mkdir()
    (tmp_path / "citizens" / "test_section.html").write_text(
        "{% for item in section.items %}<p>{{ item }}</p>{% endfor %}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    client = Client()
    client.post("/me/sign-in/", {"destination": "an@example.vn"})
    client.post("/me/sign-in/", {"step": "code", "code": last_code_for("an@example.vn")})
    citizen = Citizen.objects.get()
    page = client.get("/me/").content.decode()
    assert 'id="section-notes"' in page and f"Ghi chú của #{citizen.pk}" in page
    assert json.loads(client.get("/me/data.json").content)["notes"] == [f"note-of-{citizen.pk}"]
    client.post("/me/close/", {"confirm": "yes"})
    assert notes_section == [citizen.pk]


def test_an_older_comment_is_claimed_with_its_private_key(open_docket: Any, public: Any, clock: Any) -> None:
    docket_id = open_docket()
    sent = public.post(
        "/api/v1/comments",
        {
            "docket_id": docket_id,
            "commenter_kind": "person",
            "author_name": "Nguyễn Thị Hoà",
            "email": "hoa@example.vn",
            "text": "Đề nghị nâng mức hỗ trợ sửa mái nhà lên 40 triệu đồng.",
        },
        format="json",
    ).json()
    client = Client()
    client.post("/me/sign-in/", {"destination": "hoa@example.vn"})
    client.post("/me/sign-in/", {"step": "code", "code": last_code_for("hoa@example.vn")})
    wrong = client.post("/me/claim/", {"kind": "comment", "comment_key": "not-the-key"})
    assert wrong.status_code == 400 and "Không có góp ý nào có mã bí mật này." in wrong.content.decode()
    assert not CitizenComment.objects.exists()
    assert client.post("/me/claim/", {"kind": "comment", "comment_key": sent["access_key"]}).status_code == 302
    assert "Đề nghị nâng mức hỗ trợ sửa mái nhà" in client.get("/me/").content.decode()
