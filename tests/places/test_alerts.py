"""E-mail alerts: double opt-in, one-click unsubscribe, one message per confirmed subscriber when an answer is
published (through the notification outbox, in the publication's transaction)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Message, MessageKind
from places.alerts import expire_unconfirmed
from places.models import Subscription
from tests.cases.test_journey import complete, only_task
from tests.places.conftest import CANARY_EMAIL, CANARY_NAME, CANARY_PHONE

pytestmark = pytest.mark.usefixtures("placed", "processes")


def alerts_to(address: str) -> list[Message]:
    return [m for m in Message.objects.filter(kind=MessageKind.SUBSCRIPTION_ALERT) if m.addresses[0]["to"] == address]


def link_in(message: Message, name: str) -> str:
    match = re.search(rf"https?://[^\s\"<>]+/alerts/{name}/[^\s\"<>]+/", message.text)
    assert match, message.text
    return match.group(0).split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def subscribe(client, email: str, **where: str) -> Message:
    response = client.post(reverse("places:subscribe"), {"email": email, **where})
    assert response.status_code == 200, response.content.decode()
    return Message.objects.filter(kind=MessageKind.SUBSCRIPTION_CONFIRMATION).latest("pk")


def confirm(client, message: Message) -> None:
    url = link_in(message, "confirm")
    assert "Xác nhận đăng ký" in client.get(url).content.decode()  # a button: link scanners confirm nothing
    response = client.post(url)
    assert response.status_code == 200 and "Đã xác nhận đăng ký" in response.content.decode()


def answer_and_publish(submit, client_for, before_answer=None, **overrides) -> str:
    code = submit(
        petitioner_name=CANARY_NAME, petitioner_phone=CANARY_PHONE, petitioner_email=CANARY_EMAIL, **overrides
    )["tracking_code"]
    if before_answer:
        before_answer(code)
    complete(client_for("alice"), only_task(client_for("alice")), {"decision": "accept"})
    complete(client_for("carol"), only_task(client_for("carol")), {"handler": "bob"})
    complete(client_for("bob"), only_task(client_for("bob")), {"answer": f"Đã sửa; cảm ơn {CANARY_NAME}."})
    complete(client_for("carol"), only_task(client_for("carol")), {"approval": "approve"})
    return code


def test_a_confirmed_subscriber_gets_one_alert_and_an_unconfirmed_one_nothing(client, submit, client_for):
    confirmation = subscribe(client, "binh@example.vn", commune="dong-ha")
    assert confirmation.addresses == [{"adapter": "email", "to": "binh@example.vn"}]
    confirm(client, confirmation)
    subscribe(client, "chua.xac.nhan@example.vn", commune="dong-ha")  # never confirms
    subscribe(client, "khac@example.vn", commune="gio-linh")
    confirm(client, Message.objects.filter(kind=MessageKind.SUBSCRIPTION_CONFIRMATION).latest("pk"))

    code = answer_and_publish(submit, client_for)

    (alert,) = alerts_to("binh@example.vn")
    assert code in alert.text and f"/track/{code}/" in alert.link
    assert "/alerts/unsubscribe/" in alert.text
    for secret in (CANARY_NAME, CANARY_PHONE, CANARY_EMAIL):
        assert secret not in alert.text and secret not in alert.subject
    assert alerts_to("chua.xac.nhan@example.vn") == []
    assert alerts_to("khac@example.vn") == []  # another commune


def test_a_subscriber_of_both_the_commune_and_the_topic_gets_one_message(client, submit, client_for):
    from cases.models import Petition
    from topics.models import Topic

    def subscribe_to_its_topic(code: str) -> None:
        suggested = Petition.objects.get(tracking_code=code).topic_id
        assert suggested is not None
        topic = Topic.objects.filter(active=True).exclude(pk=suggested).first()
        assert topic is not None
        Petition.objects.filter(tracking_code=code).update(topic=topic)  # as the reception officer confirms it
        confirm(client, subscribe(client, "hai@example.vn", commune="dong-ha"))
        confirm(client, subscribe(client, "hai@example.vn", topic=topic.code))
        confirm(client, subscribe(client, "ba@example.vn", topic=topic.code))
        other = Topic.objects.exclude(pk=topic.pk).first()
        assert other is not None
        confirm(client, subscribe(client, "bon@example.vn", topic=other.code))

    answer_and_publish(submit, client_for, before_answer=subscribe_to_its_topic)

    assert len(alerts_to("hai@example.vn")) == 1
    assert len(alerts_to("ba@example.vn")) == 1
    assert alerts_to("bon@example.vn") == []


def test_nothing_is_sent_for_an_answer_that_is_not_published(client, submit, client_for):
    confirm(client, subscribe(client, "binh@example.vn", commune="dong-ha"))

    answer_and_publish(submit, client_for, publish_consent=False)

    assert alerts_to("binh@example.vn") == []


def test_one_click_unsubscribes_and_then_nothing_more_comes(client, submit, client_for):
    confirm(client, subscribe(client, "binh@example.vn", commune="dong-ha"))
    answer_and_publish(submit, client_for)
    (alert,) = alerts_to("binh@example.vn")

    response = client.get(link_in(alert, "unsubscribe"))

    assert response.status_code == 200 and "Đã ngừng nhận tin" in response.content.decode()
    assert not Subscription.objects.exists()
    assert client.get(link_in(alert, "unsubscribe")).status_code == 400  # used
    answer_and_publish(submit, client_for)
    assert len(alerts_to("binh@example.vn")) == 1


def test_the_confirmation_mail_is_sent_through_the_outbox(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "binh@example.vn", commune="dong-ha")

    (sent,) = mail.outbox
    assert sent.to == ["binh@example.vn"] and "/alerts/confirm/" in sent.body


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"email": "not-an-address", "commune": "dong-ha"}, "Địa chỉ thư điện tử không hợp lệ."),
        ({"email": "binh@example.vn", "commune": "atlantis"}, "Xã/phường không tồn tại."),
        ({"email": "binh@example.vn", "topic": "nope"}, "Lĩnh vực không tồn tại."),
        ({"email": "binh@example.vn"}, "Chọn một xã/phường hoặc một lĩnh vực."),
    ],
)
def test_bad_input_is_refused_and_nothing_stored_or_sent(client, form, field):
    response = client.post(reverse("places:subscribe"), form)

    assert response.status_code == 400 and field in response.content.decode()
    assert "binh@example.vn" not in response.content.decode()  # the address is never echoed
    assert not Subscription.objects.exists() and not Message.objects.exists()


def test_a_forged_or_expired_confirmation_link_confirms_nothing(client, settings):
    message = subscribe(client, "binh@example.vn", commune="dong-ha")
    url = link_in(message, "confirm")

    assert client.post(url.replace("/confirm/", "/confirm/x")).status_code == 400
    settings.SUBSCRIPTION_CONFIRM_DAYS = 0
    assert client.post(url).status_code == 400
    assert Subscription.objects.get().confirmed_at is None


def test_unconfirmed_subscriptions_expire(client):
    subscribe(client, "binh@example.vn", commune="dong-ha")
    confirm(client, subscribe(client, "an@example.vn", commune="dong-ha"))

    assert expire_unconfirmed(timezone.now() + datetime.timedelta(days=8)) == 1

    assert list(Subscription.objects.values_list("email", flat=True)) == ["an@example.vn"]


def test_the_form_is_throttled(client, settings):
    from django.core.cache import cache
    from rest_framework.settings import api_settings

    cache.clear()
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "public_subscribe": "2/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    for number in range(2):
        subscribe(client, f"n{number}@example.vn", commune="dong-ha")

    response = client.post(reverse("places:subscribe"), {"email": "n3@example.vn", "commune": "dong-ha"})

    assert response.status_code == 429
    assert Subscription.objects.count() == 2
