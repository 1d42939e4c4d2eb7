"""A citizen on a 390 px phone (and at a 1500 px desk) signs in with a one-time code, sees My page and claims an
older case with its tracking code and secret key, in Chromium against a live server. Screenshots go to
test-artifacts/citizens-*.png."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from citizens.models import CitizenPetition
from tests.browser import ARTIFACTS, require_browser
from tests.citizens.helpers import last_code_for

require_browser("app.js")

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(("size", "width", "height"), [("390px", 390, 844), ("desktop", 1500, 1000)])
def test_a_citizen_signs_in_with_a_code_and_claims_a_case(
    browser: Any, live_server: Any, submit: Callable[..., dict[str, Any]], size: str, width: int, height: int
) -> None:
    sent = submit(title="Cống thoát nước bị tắc trước chợ")
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console", lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None
    )

    page.goto(f"{live_server.url}/")
    page.click('header a[data-citizen-nav="me"]')
    page.wait_for_selector("input[name=destination]")
    assert "/me/sign-in/" in page.url
    page.fill("input[name=destination]", "an.nguyen@example.vn")
    page.click("main form button:has-text('Gửi mã')")
    page.wait_for_selector("input[name=code]")
    page.screenshot(path=str(ARTIFACTS / f"citizens-code-{size}.png"), full_page=True)
    page.fill("input[name=code]", last_code_for("an.nguyen@example.vn"))
    page.click("main form button:has-text('Đăng nhập')")
    page.wait_for_selector("h1:has-text('Trang của tôi')")
    assert page.url.endswith("/me/")
    assert "Chưa có đơn nào" in page.inner_text("#petitions")

    page.fill("#claim input[name=code]", sent["tracking_code"])
    page.fill("#claim input[name=access_key]", "SAI-KHOA-0000")
    page.click("#claim button:has-text('Thêm đơn')")
    page.wait_for_selector("#claim .error")
    assert "Mã bí mật không đúng" in page.inner_text("#claim")
    assert not CitizenPetition.objects.exists()

    page.fill("#claim input[name=code]", sent["tracking_code"])
    page.fill("#claim input[name=access_key]", sent["access_key"])
    page.click("#claim button:has-text('Thêm đơn')")
    page.wait_for_selector("#petitions a:has-text('Cống thoát nước bị tắc trước chợ')")
    page.screenshot(path=str(ARTIFACTS / f"citizens-my-page-{size}.png"), full_page=True)
    # Nothing on the page is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.click("#petitions a:has-text('Cống thoát nước bị tắc trước chợ')")
    page.wait_for_selector("text=Thông tin của bạn")
    assert "Nguyễn Văn An" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / f"citizens-petition-{size}.png"), full_page=True)
    assert errors == []
    context.close()
