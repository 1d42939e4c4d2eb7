"""Ratings in a real browser: a visitor on a 390 px phone opens the desk's rating URL, types the token of the
desk's screen and rates; the leader reads the ratings page at 1500 px with its charts drawn. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ratings import services
from ratings.models import Desk, DeskRating
from tests.browser import ARTIFACTS, CHROMIUM_ARGS, logged_in, require_browser  # noqa: F401
from tests.ratings.conftest import RATING, answer

require_browser("app.js", "ratings-charts.js")

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAINTED = (
    "(sel) => { const c = document.querySelector(sel); if (!c || !c.width) return false;"
    " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
    " for (let i = 3; i < d.length; i += 4) if (d[i]) return true; return false; }"
)


def test_a_visitor_rates_the_desk_on_a_phone_and_the_leader_reads_the_ratings(
    browser: Any, live_server: Any, org: Any, submit: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    desk = Desk.objects.create(unit=org.dong_ha, name="Quầy số 1")
    case = submit()
    services.rate_answer(petition=answer(case["tracking_code"]), data={**RATING, "comment": "Gọi tôi 0912 345 678"})

    # the officer's screen shows the token
    officer = logged_in(browser, live_server, "alice")
    officer.goto(f"{live_server.url}/desks/{desk.pk}/token/")
    token = officer.locator("#desk-token").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{6}", token)
    officer.screenshot(path=str(ARTIFACTS / "ratings-desk-screen-token.png"), full_page=True)

    # a visitor on a phone opens the desk's QR URL, types the token and rates
    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True)
    phone = phone_context.new_page()
    errors: list[str] = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    phone.goto(f"{live_server.url}/desks/{desk.pk}/rate/")
    phone.fill("input[name=token]", token)
    phone.check("input[name=courtesy][value='4']")
    phone.check("input[name=waiting][value='under_30']")
    phone.fill("textarea[name=comment]", "Cán bộ nhiệt tình.")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=str(ARTIFACTS / "ratings-desk-phone-form.png"), full_page=True)
    phone.click("#desk-rating-form button[type=submit]")
    phone.wait_for_selector("#desk-rating-saved")
    phone.screenshot(path=str(ARTIFACTS / "ratings-desk-phone-thanks.png"), full_page=True)
    assert DeskRating.objects.get().courtesy == 4
    assert errors == []
    phone_context.close()

    # the desk's screen reloads itself and shows a new token, the used one gone
    officer.wait_for_function(
        "(old) => { const t = document.querySelector('#desk-token'); return t && t.textContent !== old; }",
        arg=token,
        timeout=25_000,
    )

    # the leader's page at desk width: figures, both charts painted, the comment redacted
    leader = logged_in(browser, live_server, "carol")
    leader.goto(f"{live_server.url}/leaders/")
    leader.click("#ratings-link")
    leader.wait_for_load_state("networkidle")
    for chart in ("#chart-distribution", "#chart-average"):
        leader.wait_for_function(PAINTED, arg=chart)
    assert "Cán bộ nhiệt tình." in leader.locator("#desk-comments").inner_text()
    assert "0912 345 678" not in leader.content()
    leader.screenshot(path=str(ARTIFACTS / "ratings-leaders-desktop.png"), full_page=True)
    assert leader.errors == [] and officer.errors == []
