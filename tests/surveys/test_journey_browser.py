"""A survey end to end in Chromium: an official creates it with its questions and submits it (1500 px), the
leader approves it, a citizen answers on a 390 px phone with a one-time code read from the locmem outbox (a phone
number and an e-mail typed in the free text), the official approves that text and closes the survey, the leader
publishes the results, and the public results page draws its charts with the text redacted. Screenshots go to
test-artifacts/surveys-*.png."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from surveys import services
from surveys.models import Survey, SurveyState
from tests.browser import ARTIFACTS, CHROMIUM_ARGS, logged_in, require_browser  # noqa: F401

require_browser("app.js", "survey-charts.js")

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CITIZEN = "chi.tran@example.vn"
FREE_TEXT = "Nên họp tổ dân phố buổi tối. Liên hệ tôi 0903 111 222 hoặc lo.ra@example.vn"


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"surveys-{name}.png"), full_page=True)


def painted(page: Any, selector: str) -> None:
    page.wait_for_function(
        "(sel) => { const c = document.querySelector(sel); if (!c || !c.width) return false;"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " for (let i = 3; i < d.length; i += 4) if (d[i]) return true; return false; }",
        arg=selector,
    )


def complete(page: Any, live_server: Any, survey: Survey, element: str, **fields: str) -> None:
    page.goto(f"{live_server.url}/surveys/manage/{survey.pk}/")
    form = page.locator(f'form[data-task="{element}"]')
    for name, value in fields.items():
        if value == "check":
            form.locator(f'input[name="{name}"]').check()
        else:
            form.locator(f'[name="{name}"]').select_option(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "message error" not in page.content(), page.locator(".message").all_inner_texts()


def test_a_survey_from_creation_to_published_results(browser: Any, live_server: Any, org: Any, processes: None):
    ARTIFACTS.mkdir(exist_ok=True)
    today = timezone.localdate()
    official = logged_in(browser, live_server, "bob")
    official.goto(f"{live_server.url}/surveys/manage/new/")
    official.fill("input[name=title]", "Khảo sát về họp tổ dân phố")
    official.fill("textarea[name=description]", "Ý kiến của bạn về việc họp bàn ở tổ dân phố.")
    official.fill("input[name=open_from]", today.isoformat())
    official.fill("input[name=open_until]", (today + datetime.timedelta(days=14)).isoformat())
    official.check("input[name=communes][value=dong-ha]")
    official.check("input[name=communes][value=gio-linh]")
    official.select_option("select[name=q1_kind]", "single")
    official.fill("input[name=q1_text]", "Tổ dân phố có họp hằng tháng không?")
    official.fill("textarea[name=q1_choices]", "Có\nKhông\nKhông biết")
    official.select_option("select[name=q2_kind]", "scale")
    official.fill("input[name=q2_text]", "Mức hài lòng với việc họp bàn")
    official.fill("input[name=q2_scale_min]", "1")
    official.fill("input[name=q2_scale_max]", "5")
    official.fill("input[name=q2_scale_min_label]", "Rất không hài lòng")
    official.fill("input[name=q2_scale_max_label]", "Rất hài lòng")
    official.select_option("select[name=q3_kind]", "text")
    official.fill("input[name=q3_text]", "Góp ý khác")
    official.uncheck("input[name=q3_required]")
    shot(official, "create-desktop")
    official.click("#create-survey > button[type=submit]")
    official.wait_for_url(re.compile(r"/surveys/manage/\d+/$"))
    survey = Survey.objects.get(title="Khảo sát về họp tổ dân phố")
    complete(official, live_server, survey, "prepare")
    shot(official, "submitted-desktop")

    leader = logged_in(browser, live_server, "carol")
    complete(leader, live_server, survey, "review", review="approve")
    assert "Đang khảo sát" in leader.locator("#survey-state").inner_text()
    survey.refresh_from_db()
    assert survey.state == SurveyState.OPEN

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True).new_page()
    errors: list[str] = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.goto(f"{live_server.url}/surveys/")
    phone.click(f"a[href='/surveys/{survey.pk}/'] >> nth=0")
    phone.select_option("select[name=commune]", "dong-ha")
    phone.click("#commune-form button[type=submit]")
    questions = {q.position: q for q in survey.questions.all()}
    first = questions[1].choices.get(position=1)
    phone.check(f"input[name=q{questions[1].pk}][value='{first.pk}']")
    phone.check(f"input[name=q{questions[2].pk}][value='4']")
    phone.fill(f"textarea[name=q{questions[3].pk}]", FREE_TEXT)
    phone.fill("input[name=contact]", CITIZEN)
    phone.click("button[value=request_code]")
    phone.wait_for_selector("input[name=code]")
    shot(phone, "code-mobile")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    message = [m for m in mail.outbox if CITIZEN in m.to][-1]
    code = re.findall(r"\b\d{6}\b", str(message.body))[-1]
    phone.fill("input[name=code]", code)
    phone.click("button[value=answer]")
    phone.wait_for_selector("text=Cảm ơn bạn đã trả lời khảo sát")
    shot(phone, "thanks-mobile")
    # The same person a second time: a clear error, nothing stored.
    phone.goto(f"{live_server.url}/surveys/{survey.pk}/?commune=dong-ha")
    phone.check(f"input[name=q{questions[1].pk}][value='{first.pk}']")
    phone.check(f"input[name=q{questions[2].pk}][value='5']")
    phone.fill("input[name=contact]", CITIZEN)
    phone.click("button[value=request_code]")
    phone.wait_for_selector("input[name=code]")
    code = re.findall(r"\b\d{6}\b", str([m for m in mail.outbox if CITIZEN in m.to][-1].body))[-1]
    phone.fill("input[name=code]", code)
    phone.click("button[value=answer]")
    phone.wait_for_selector("#form-error")
    assert "mỗi người chỉ trả lời một lần" in phone.locator("#form-error").inner_text()
    shot(phone, "second-answer-mobile")
    assert services.live_responses(survey) == 1

    official.goto(f"{live_server.url}/surveys/manage/{survey.pk}/")
    assert "0903 111 222" in official.locator("#moderation").inner_text()  # the moderator reads it as written
    official.click("#moderation button[value=approve]")
    official.wait_for_load_state()
    complete(official, live_server, survey, "collect", close_early="check")
    complete(leader, live_server, survey, "approve_results")
    survey.refresh_from_db()
    assert survey.state == SurveyState.PUBLISHED

    for width, name in ((1500, "desktop"), (390, "mobile")):
        public = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN").new_page()
        public.on("pageerror", lambda error: errors.append(str(error)))
        public.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
        public.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
        painted(public, "#chart-communes")
        painted(public, f"#chart-q{questions[1].pk}")
        painted(public, f"#chart-q{questions[2].pk}")
        body = public.locator("main").inner_text()
        assert "Nên họp tổ dân phố buổi tối" in body
        assert "0903 111 222" not in body and "lo.ra@example.vn" not in body and CITIZEN not in body
        assert public.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        shot(public, f"results-{name}")
    assert errors == []
    assert official.errors == [] and leader.errors == []
