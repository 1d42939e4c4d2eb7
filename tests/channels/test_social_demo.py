"""`make run`'s demo shows a case that came in through Zalo — recorded events through the webhook's checks and the
worker, confirmed by the ward's reception officer, with the citizen's later message on the case — and a Facebook
message waiting in the reception queue."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from cases.models import Petition
from channels.models import Draft, DraftStatus, InboundEvent
from workflows.models import CaseEvent


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_demo_has_a_case_from_zalo_and_a_facebook_message_in_the_queue(db: None) -> None:
    call_command("seed_demo", stdout=StringIO())

    petition = Petition.objects.get(channel="zalo")
    assert petition.origin_address == "4318492746190800000:3216904426693862293"
    assert "cống thoát nước bị rác" in petition.content and "Vị trí: 16.8163, 107.1003" in petition.content
    later = CaseEvent.objects.get(instance_id=petition.workflow_id, kind="citizen_message")
    assert petition.origin_last_message_at is not None and petition.origin_last_message_at > petition.received_at
    case_page = logged_in("tiepnhan.dongha").get(f"/cases/{petition.pk}/")
    assert "nước lại tràn vào mấy nhà đầu hẻm 12" in case_page.content.decode()
    assert later.public_text == "Người gửi đã bổ sung thông tin qua Zalo OA"

    waiting = Draft.objects.get(channel="facebook", status=DraftStatus.OPEN)
    queue = logged_in("tiepnhan.dongha").get("/reception/")
    assert queue.status_code == 200 and "Đèn tín hiệu giao thông" in queue.content.decode()
    assert waiting.unit is not None and waiting.unit.code == "phuong-dong-ha"
    assert not InboundEvent.objects.filter(handled_at__isnull=True).exists()

    call_command("seed_demo", stdout=StringIO())  # twice: nothing more
    zalo_and_facebook = InboundEvent.objects.filter(channel__in=["zalo", "facebook"])
    assert Petition.objects.filter(channel="zalo").count() == 1 and zalo_and_facebook.count() == 4
