"""A reception officer records a phone petition in a real browser (Playwright driving Debian's chromium) against a
live server, at desk size and on a 390 px phone, and gets the receipt with its print links. Screenshots go to
test-artifacts/.

Needs: `apt-get install chromium` (/usr/bin/chromium), PyPI `playwright` (no `playwright install`). Without them
these tests are skipped, saying which is missing.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Channel, Petition
from organisation.models import Role, Unit
from tests.browser import ARTIFACTS, require_browser
from tests.conftest import PASSWORD, make_official

require_browser("app.js")

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def reception(db: None) -> None:
    unit = Unit.objects.create(code="dong-ha", name="Phường Đông Hà", kind="phường", is_commune=True)
    call_command("load_processes", "--effective-from", "2020-01-01", verbosity=0)
    make_official("alice", unit, Role.RECEPTION_OFFICER)


@pytest.mark.parametrize(("size", "width", "height"), [("desktop", 1400, 1000), ("390px", 390, 844)])
def test_a_reception_officer_records_a_phone_petition_and_gets_its_receipt(
    browser, live_server, reception, size, width, height
):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()

    page.click('header a[href="/record/"]')
    page.wait_for_selector("select[name=channel]")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.select_option("select[name=channel]", Channel.PHONE.value)
    page.fill("input[name=received_at]", f"{yesterday:%Y-%m-%d}T15:45")
    page.select_option("select[name=petition_type]", "reflection")
    page.fill("input[name=title]", "Đèn đường hỏng trên đường Lê Duẩn")
    page.fill("textarea[name=content]", "Ba cột đèn trước số 120 Lê Duẩn không sáng đã hai tuần.")
    page.select_option("select[name=commune]", "dong-ha")
    page.fill("input[name=petitioner_name]", "Nguyễn Văn An")
    page.fill("input[name=petitioner_phone]", "0912 345 678")
    page.check("input[name=publish_consent]")
    page.screenshot(path=str(ARTIFACTS / f"recording-form-{size}.png"), full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_selector("code.access-key")

    petition = Petition.objects.get()
    assert petition.channel == Channel.PHONE
    assert page.locator("strong.code").inner_text() == petition.tracking_code
    assert f"{yesterday:%d/%m/%Y} 15:45" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
    page.screenshot(path=str(ARTIFACTS / f"recording-receipt-{size}.png"), full_page=True)
    pdf = context.request.get(live_server.url + page.get_attribute('a[href$="receipt-80mm.pdf"]', "href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert errors == []
    context.close()
