"""A reception officer confirms a mail from the official mailbox into a petition in a real browser (Playwright
driving Debian's chromium) against a live server, at desk size and on a 390 px phone. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Channel, Petition
from channels.services import IncomingFile, add_message
from organisation.models import Role, Unit
from tests.browser import ARTIFACTS, logged_in, require_browser
from tests.channels import mails
from tests.conftest import make_official

require_browser("app.js")

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def mail_in_queue(db: None) -> datetime.datetime:
    unit = Unit.objects.create(code="dong-ha", name="Phường Đông Hà", kind="phường", is_commune=True)
    call_command("load_processes", "--effective-from", "2020-01-01", verbosity=0)
    make_official("alice", unit, Role.RECEPTION_OFFICER)
    received = (timezone.now() - datetime.timedelta(days=1)).replace(microsecond=0)
    add_message(
        channel=Channel.EMAIL,
        sender_address=mails.SENDER,
        sender_name=mails.SENDER_NAME,
        message_id="<CAF=ank-001@mail.example.vn>",
        subject=mails.SUBJECT,
        text=mails.TEXT,
        received_at=received,
        files=[IncomingFile(mails.FILENAME, mails.PDF)],
    )
    return received


@pytest.mark.parametrize(("size", "width", "height"), [("desktop", 1400, 1000), ("390px", 390, 844)])
def test_a_reception_officer_confirms_a_mail_into_a_petition(browser, live_server, mail_in_queue, size, width, height):
    page = logged_in(browser, live_server, "alice")
    page.set_viewport_size({"width": width, "height": height})
    page.click('header a[data-nav="reception"]')
    page.wait_for_selector("#drafts")
    assert mails.SENDER_NAME in page.inner_text("#drafts")
    page.screenshot(path=str(ARTIFACTS / f"reception-queue-{size}.png"), full_page=True)
    page.click(f"#drafts a:has-text('{mails.SUBJECT[:20]}')")
    page.wait_for_selector("select[name=petition_type]")
    assert page.input_value("input[name=title]") == mails.SUBJECT
    assert not page.is_checked("input[name=publish_consent]")
    assert page.is_checked("input[name=keep]")
    page.select_option("select[name=petition_type]", "reflection")
    page.select_option("select[name=commune]", "dong-ha")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
    page.screenshot(path=str(ARTIFACTS / f"reception-draft-{size}.png"), full_page=True)
    page.click("main form:has(input[value=confirm]) button[type=submit]")
    page.wait_for_selector("p.message")

    petition = Petition.objects.get()
    assert petition.channel == Channel.EMAIL and petition.received_at == mail_in_queue
    assert petition.tracking_code in page.inner_text("p.message")
    assert "Không có đơn nào chờ xác nhận" in page.inner_text("main")
    assert page.errors == []
    page.context.close()
