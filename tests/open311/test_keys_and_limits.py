"""API keys: issued by an administrator in the Django admin (the key shown once, only its hash stored) and
revoked there; requests rate-limited per key, reads without a key per client address, in the specification's
error format."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from open311 import services
from open311.models import ApiKey, hash_api_key
from tests.open311.conftest import errors_of


def test_reads_without_a_key_are_limited_per_address(http, org, processes, settings):
    settings.OPEN311_RATE_ANONYMOUS = "2/minute"

    answers = [http.get("/open311/v2/services.xml") for _ in range(3)]
    other_address = Client(REMOTE_ADDR="10.0.0.9").get("/open311/v2/services.json")

    assert [response.status_code for response in answers] == [200, 200, 429]
    assert errors_of(answers[2])[0][0] == "429"
    assert int(answers[2]["Retry-After"]) >= 1
    assert other_address.status_code == 200


def test_each_key_has_its_own_limit_and_json_says_so_too(post_request, app_key, http, settings):
    settings.OPEN311_RATE_PER_KEY = "2/minute"
    other = services.issue_api_key(name="Ứng dụng khác", owner_contact="other@app.test")

    first, second, third = (
        post_request("json", description=f"Ổ gà thứ {n} trên đường Trần Hưng Đạo") for n in (1, 2, 3)
    )
    read_with_key = http.get("/open311/v2/services.json", {"api_key": app_key.raw})
    other_app = post_request("json", key=other.raw)

    assert (first.status_code, second.status_code, third.status_code) == (201, 201, 429)
    body = third.json()
    assert isinstance(body, list) and body[0]["code"] == 429 and body[0]["description"]
    assert read_with_key.status_code == 429  # the key's reads count against it too
    assert other_app.status_code == 201


def test_an_administrator_issues_a_key_shown_once_and_stored_hashed(org, processes):
    admin = get_user_model().objects.create_superuser("root", "root@langnghe.test", "s3cret-pass-phrase")
    browser = Client()
    browser.force_login(admin)

    page = browser.post(
        "/admin/open311/apikey/add/", {"name": "Bản đồ phản ánh", "owner_contact": "Công ty X, dev@x.test"}
    )

    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    key = ApiKey.objects.get()
    raw = page.context["raw_key"]
    assert raw in page.content.decode() and len(raw) >= 40
    assert key.key_hash == hash_api_key(raw) and raw not in (key.key_hash, key.key_prefix)
    assert (key.active, key.created_by, key.revoked_at) == (True, admin, None)
    assert raw not in browser.get(f"/admin/open311/apikey/{key.pk}/change/").content.decode()
    form: dict[str, Any] = {
        "api_key": raw,
        "service_code": "reflection",
        "address_string": "Chợ Đông Hà",
        "first_name": "An",
        "last_name": "Nguyễn",
        "email": "an@example.vn",
        "description": "Rác thải ùn ứ trước cổng chợ Đông Hà nhiều ngày.",
        "attribute[commune]": "dong-ha",
    }
    assert Client().post("/open311/v2/requests.json", form).status_code == 201

    revoked = browser.post("/admin/open311/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True)

    assert revoked.status_code == 200
    key.refresh_from_db()
    assert key.revoked_at is not None and not key.active and key.revoked_by == admin
    refused = Client().post("/open311/v2/requests.json", form)
    assert refused.status_code == 403 and errors_of(refused) == [("403", "Khoá API đã bị thu hồi.")]
    # Revoked is for good: the admin form no longer offers to switch it back on.
    assert 'name="active"' not in browser.get(f"/admin/open311/apikey/{key.pk}/change/").content.decode()
    assert browser.post(f"/admin/open311/apikey/{key.pk}/delete/").status_code == 403
