"""The admin page where legal staff check a year's official schedule against the Government's announcement."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from deadlines.models import DaySwap

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.deadlines.admin_urls")]

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def today_is_1_december_2026(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=HCM), tick=False)


def schedule_url() -> str:
    return reverse("admin:deadlines_dayswap_schedule")


def test_the_day_swap_list_links_to_the_schedule(admin_client: Client) -> None:
    # when
    page = admin_client.get(reverse("admin:deadlines_dayswap_changelist")).content.decode()

    # then
    assert f'href="{schedule_url()}"' in page and "Lịch chính thức của năm" in page


def test_the_2026_schedule_lists_the_holidays_the_new_year_swap_and_the_result(admin_client: Client) -> None:
    # when
    response = admin_client.get(schedule_url(), {"year": "2026"})

    # then
    assert response.status_code == 200
    schedule = response.context["schedule"]
    page = response.content.decode()
    assert [(day.day, day.is_working) for day in schedule.day_swaps] == [
        (datetime.date(2026, 1, 2), False),
        (datetime.date(2026, 1, 10), True),
    ]
    assert "Chính phủ đồng ý ngày 25/12/2025" in page
    assert "17/02/2026" in page and "Tết Nguyên Đán" in page  # the holidays of the package
    assert "24/11/2026" in page and "Ngày Văn hóa Việt Nam" in page
    non_working = [day.day for day in schedule.non_working_weekdays]
    assert datetime.date(2026, 1, 2) in non_working and datetime.date(2026, 8, 31) in non_working
    assert [day.day for day in schedule.working_weekend_days] == [
        datetime.date(2026, 1, 10),
        datetime.date(2026, 8, 22),
    ]
    assert not schedule.estimated and "ước tính" not in page


def test_the_2027_schedule_flags_the_package_estimates(admin_client: Client) -> None:
    # when
    response = admin_client.get(schedule_url(), {"year": "2027"})

    # then Tết 2027 and 3 September 2027 are estimates until the Government announces them; 1 January is not
    schedule = response.context["schedule"]
    estimated = {day.day for day in schedule.holidays if day.estimated}
    assert datetime.date(2027, 2, 8) in estimated and datetime.date(2027, 9, 3) in estimated
    assert datetime.date(2027, 1, 1) not in estimated and datetime.date(2027, 9, 2) not in estimated
    assert "ngày nghỉ Tết và ngày nghỉ kèm Quốc khánh là ước tính của gói holidays" in response.content.decode()


def test_the_schedule_speaks_english_to_an_english_speaking_officer(admin_client: Client) -> None:
    # when
    page = admin_client.get(schedule_url(), {"year": "2027"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    # then
    assert "Lunar New Year" in page and "(estimated)" in page


def test_a_staff_member_without_the_deadlines_permission_cannot_see_it(client: Client, django_user_model: type) -> None:
    # given a staff member without, and one with, the permission to view day swaps
    clerk = User.objects.create_user(username="clerk", password="x", is_staff=True)
    lawyer = User.objects.create_user(username="lawyer", password="x", is_staff=True)
    lawyer.user_permissions.add(Permission.objects.get(codename="view_dayswap"))

    # when / then
    client.force_login(clerk)
    assert client.get(schedule_url()).status_code == 403
    client.force_login(lawyer)
    assert client.get(schedule_url()).status_code == 200
    client.logout()
    assert client.get(schedule_url()).status_code == 302  # to the admin login


def test_a_bad_year_is_refused_with_a_clear_message(admin_client: Client) -> None:
    # when
    response = admin_client.get(schedule_url(), {"year": "20x6"})

    # then
    assert response.status_code == 400
    assert "Năm «20x6» không hợp lệ: hãy nhập một năm từ 2000 đến 2100." in response.content.decode()


def test_a_swap_on_a_day_that_is_already_off_is_refused_and_nothing_changes(admin_client: Client) -> None:
    # given
    before = list(DaySwap.objects.values_list("date", "kind"))

    # when legal staff enter Saturday 3 January 2026 as a day off, and Wednesday 7 January as a working day
    day_off = admin_client.post(
        reverse("admin:deadlines_dayswap_add"),
        {"date": "2026-01-03", "kind": "day_off", "reason": "Nghỉ", "legal_basis": ""},
    )
    working = admin_client.post(
        reverse("admin:deadlines_dayswap_add"),
        {"date": "2026-01-07", "kind": "working_day", "reason": "Làm bù", "legal_basis": ""},
    )

    # then both are refused with the reason, and the table is as it was
    assert day_off.status_code == 200 and working.status_code == 200
    assert day_off.context["adminform"].form.errors["date"] == [
        "Ngày 2026-01-03 đã là ngày nghỉ (cuối tuần): chỉ ghi ngày nghỉ thêm vào một ngày làm việc."
    ]
    assert working.context["adminform"].form.errors["date"] == [
        "Ngày 2026-01-07 đã là ngày làm việc: chỉ ghi ngày làm bù vào ngày cuối tuần hoặc ngày lễ."
    ]
    assert list(DaySwap.objects.values_list("date", "kind")) == before
