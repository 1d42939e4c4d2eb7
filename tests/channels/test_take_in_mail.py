"""`manage.py take_in_mail`: a mail server pipes each message into the app (or a demo loads sample mails) through
the mailbox's own path; the exit status tells the mail server what to do."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command

from channels.models import Draft, EventOutcome, InboundEvent
from tests.channels import mails


def test_a_mail_file_becomes_a_draft_once(db, tmp_path, org):
    path = tmp_path / "mail.eml"
    path.write_bytes(mails.vietnamese())
    out = io.StringIO()
    call_command("take_in_mail", str(path), "--unit", "dong-ha", stdout=out)
    call_command("take_in_mail", str(path), stdout=out)
    draft = Draft.objects.get()
    assert draft.subject == mails.SUBJECT and draft.unit == org.dong_ha
    assert InboundEvent.objects.get().outcome == EventOutcome.DRAFT
    assert "draft (new draft)" in out.getvalue()


def test_a_piped_mail_that_cannot_be_read_exits_65_so_the_mail_server_bounces_it(db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(mails.malformed())))
    with pytest.raises(SystemExit) as exit_:
        call_command("take_in_mail", "-", stdout=io.StringIO())
    assert exit_.value.code == 65
    assert not Draft.objects.exists()
    assert InboundEvent.objects.get().outcome == EventOutcome.REJECTED
