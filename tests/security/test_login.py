"""Officials' logins: repeated wrong passwords lock that account from that address, the page says so, an
administrator unlocks it; new passwords are checked by Django's validators."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.test import Client

from tests.conftest import PASSWORD

OFFICE = "203.0.113.10"
ELSEWHERE = "198.51.100.20"


def login(client: Client, password: str, *, address: str = OFFICE, username: str = "alice"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_it_locks_an_account_at_one_address_after_five_wrong_passwords(client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "wrong-password")
        assert response.status_code == 200 and "không đúng" in response.content.decode()

    locked = login(client, "wrong-password")
    assert locked.status_code == 429
    assert "Tài khoản tạm khóa vì nhập sai mật khẩu quá nhiều lần" in locked.content.decode()
    assert "15 phút" in locked.content.decode()

    # Even the right password is refused from there until the cool-off ends,
    assert login(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # while the official can still log in from elsewhere: nobody can lock an official out of every desk.
    assert login(Client(), PASSWORD, address=ELSEWHERE).status_code == 302


def test_thirty_wrong_passwords_are_not_all_answered_as_the_first(client, org):
    answers = [login(client, f"guess-{n}").status_code for n in range(30)]
    assert answers[0] == 200 and answers[-1] == 429 and answers.count(200) == 4


def test_a_success_before_the_limit_starts_the_count_again(client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "wrong-password")
    assert login(client, PASSWORD).status_code == 302
    client.logout()
    assert login(client, "wrong-password").status_code == 200  # one failure, not the fifth


def test_an_administrator_unlocks_a_locked_account(client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wrong-password")
    assert login(client, PASSWORD).status_code == 429

    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root", "root@langnghe.test", PASSWORD))
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "alice" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="alice")
    deleted = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302

    assert login(client, PASSWORD).status_code == 302


def test_the_lockout_message_is_an_alert_whatever_the_language(client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/login/", {"username": "alice", "password": "x"}, REMOTE_ADDR=OFFICE, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 429
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("password", ["2026052026", "gio-linh1", "minh-quang-tri"], ids=["digits", "short", "username"])
def test_an_administrator_cannot_give_an_official_a_weak_password(db, password):
    minh = get_user_model().objects.create_user("minh-quang-tri", password=PASSWORD)
    form = AdminPasswordChangeForm(minh, data={"password1": password, "password2": password})
    assert not form.is_valid() and "password2" in form.errors


def test_the_test_and_demo_passwords_pass_the_validators(db):
    minh = get_user_model().objects.create_user("minh", password="x")
    for password in (PASSWORD, "langnghe-demo"):
        form = AdminPasswordChangeForm(minh, data={"password1": password, "password2": password})
        assert form.is_valid(), form.errors
