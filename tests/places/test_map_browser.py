"""In Chromium (Playwright, tests/browser.py): a citizen pins the place of a problem on the portal's map on a 390 px
phone and the petition stores it; the public map draws the communes' counts and, zoomed in, the petitions. Screenshots
go to test-artifacts/ (places-*.png)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Petition, PetitionStatus
from cases.services import submit_petition
from organisation.models import Role, Unit
from places.geo import distance_km
from places.loader import load_province
from tests.browser import ARTIFACTS, require_browser
from tests.conftest import make_official

require_browser("app.js", "map.js", "map.css")

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def province(db: None) -> None:
    load_province("44")
    call_command("load_processes", "--effective-from", "2020-01-01", verbosity=0)
    make_official("alice", Unit.objects.get(code="phuong-dong-ha"), Role.RECEPTION_OFFICER)


def phone_page(browser: Any, width: int = 390, height: int = 844) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN", has_touch=width < 500)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.errors = errors
    return page


def test_a_citizen_pins_the_place_on_the_map_on_a_phone_and_the_petition_stores_it(browser, live_server, province):
    page = phone_page(browser)
    page.goto(f"{live_server.url}/")
    page.select_option("select[name=petition_type]", "reflection")
    page.fill("input[name=title]", "Cống thoát nước bị tắc trên đường Lê Duẩn")
    page.fill("textarea[name=content]", "Cống trước số 120 Lê Duẩn bị tắc, mưa xuống nước tràn lên mặt đường.")
    page.select_option("select[name=commune]", "phuong-dong-ha")
    picker = page.locator("#place-picker")
    picker.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # the map flies to the commune
    box = picker.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 20, box["y"] + box["height"] / 2 + 10)
    latitude = page.input_value("input[name=latitude]")
    longitude = page.input_value("input[name=longitude]")
    assert latitude and longitude
    assert distance_km(float(latitude), float(longitude), 16.816, 107.1) < 10  # near Đông Hà's point
    page.screenshot(path=str(ARTIFACTS / "places-picker-390.png"), full_page=False)
    page.fill("input[name=petitioner_name]", "Nguyễn Văn An")
    page.fill("input[name=petitioner_phone]", "0912 345 678")
    page.click("form[action='/submit/'] button[type=submit]")
    page.wait_for_load_state()

    petition = Petition.objects.get()
    assert (petition.latitude, petition.longitude) == (Decimal(latitude), Decimal(longitude))
    assert petition.commune.code == "phuong-dong-ha"
    assert page.errors == []


def test_the_search_finds_a_commune_and_puts_the_pin_on_it(browser, live_server, province):
    page = phone_page(browser, 1500, 1000)
    page.goto(f"{live_server.url}/")
    page.fill("[data-place-search]", "cam lo")
    page.click("[data-place-results] button:has-text('Xã Cam Lộ')")

    assert page.input_value("select[name=commune]") == "xa-cam-lo"
    assert (page.input_value("input[name=latitude]"), page.input_value("input[name=longitude]")) == (
        "16.800000",
        "106.980000",
    )
    page.click("[data-place-clear]")
    assert page.input_value("input[name=latitude]") == ""
    page.screenshot(path=str(ARTIFACTS / "places-picker-1500.png"), full_page=False)
    assert page.errors == []


def _published(commune: Unit, latitude: str, longitude: str, title: str) -> None:
    petition = submit_petition(
        petition_type="reflection",
        title=title,
        content="Nội dung phản ánh đã được trả lời và công khai.",
        commune=commune,
        petitioner_name="Nguyễn Văn An",
        petitioner_phone="0912 345 678",
        publish_consent=True,
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
    ).petition
    Petition.objects.filter(pk=petition.pk).update(
        status=PetitionStatus.ANSWERED, answer="Đã xử lý.", published_at=timezone.now()
    )


@pytest.mark.parametrize(("width", "height"), [(1500, 1000), (390, 844)])
def test_the_public_map_shows_counts_then_petitions_linking_to_their_pages(
    browser, live_server, province, width, height
):
    dong_ha, cam_lo = Unit.objects.get(code="phuong-dong-ha"), Unit.objects.get(code="xa-cam-lo")
    for number in range(3):
        _published(dong_ha, f"16.81{number}", f"107.09{number}", f"Ổ gà số {number} trên đường Hùng Vương")
    _published(cam_lo, "16.801", "106.981", "Đèn đường hỏng ở Cam Lộ")
    from playwright.sync_api import expect

    page = phone_page(browser, width, height)

    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector(".leaflet-marker-icon.marker-cluster")
    icons = page.locator(".leaflet-marker-icon.marker-cluster")
    assert sum(int(count) for count in icons.locator("span").all_inner_texts()) == 4  # clusters add communes' counts
    assert "4 đơn" in page.inner_text("#map-status")
    page.screenshot(path=str(ARTIFACTS / f"places-map-{width}.png"), full_page=True)

    page.locator("#public-map").scroll_into_view_if_needed()
    for _ in range(4):  # a click on a cluster zooms to its communes
        if icons.filter(has_text="3").count() and not icons.filter(has_text="4").count():
            break
        icons.first.click()
        page.wait_for_timeout(700)
    icons.filter(has_text="3").first.dblclick()  # Đông Hà, zoomed in: its petitions instead of its count
    # Petitions now, no longer counts per commune (a wide screen at this zoom also takes in Cam Lộ's).
    expect(page.locator("#map-status")).to_have_text(re.compile(r"^[34] đơn$"))
    page.screenshot(path=str(ARTIFACTS / f"places-map-{width}-zoomed.png"), full_page=False)
    assert page.errors == []
    listed = page.locator(".map-list a").all_inner_texts()
    assert len(listed) == 4 and "Đèn đường hỏng ở Cam Lộ" in listed


def test_a_leader_opens_a_communes_cases_from_the_leaders_map(browser, live_server, province):
    from tests.browser import logged_in

    dong_ha = Unit.objects.get(code="phuong-dong-ha")
    make_official("lanhdao", dong_ha, Role.UNIT_LEADER)
    for number in range(2):
        submit_petition(
            petition_type="reflection",
            title=f"Phản ánh số {number} về rác thải",
            content="Rác thải tồn đọng nhiều ngày trước chợ.",
            commune=dong_ha,
            petitioner_name="Nguyễn Văn An",
            petitioner_phone="0912 345 678",
        )
    page = logged_in(browser, live_server, "lanhdao")

    page.goto(f"{live_server.url}/leaders/")
    page.click("#leaders-map-link")
    marker = page.locator(".leaflet-marker-icon.marker-cluster", has_text="2")
    marker.click()
    page.screenshot(path=str(ARTIFACTS / "places-leaders-map-1500.png"), full_page=True)
    page.click(".leaflet-popup-content a")
    page.wait_for_load_state()

    assert "/leaders/cases/" in page.url and "commune=phuong-dong-ha" in page.url
    assert page.locator("text=Phản ánh số 1 về rác thải").count() == 1
    assert page.errors == []
