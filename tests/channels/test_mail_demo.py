"""The demo's mailbox part: a case that came by e-mail with the citizen's further mail, a mail in the queue."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from cases.models import Channel, Petition
from channels.models import Draft, DraftStatus, EventOutcome, InboundEvent
from workflows.models import CaseEvent


def test_the_demo_loads_an_email_case_with_a_further_mail_and_a_mail_in_the_queue_once(db):
    call_command("seed_demo", stdout=StringIO())  # loads the mail demo
    before = Petition.objects.count()
    assert Petition.objects.filter(channel="email").count() == 1
    call_command("mail_demo", stdout=StringIO())  # again: nothing more
    assert Petition.objects.count() == before
    case = Petition.objects.get(channel=Channel.EMAIL, origin_address="<CAF=demo-anh-001@mail.example.vn>")
    assert case.attachments.count() == 1 and case.petitioner_email == "anh.nguyen@example.vn"
    assert CaseEvent.objects.filter(instance=case.workflow, kind="citizen_message").count() == 1
    [waiting] = Draft.objects.filter(channel=Channel.EMAIL, status=DraftStatus.OPEN)
    assert "<script" not in waiting.text and "Hùng Vương" in waiting.text
    assert InboundEvent.objects.filter(outcome=EventOutcome.IGNORED).count() == 1
