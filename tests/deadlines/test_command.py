"""`manage.py deadline RULE_CODE START_DATE`: the due date on the first line, then the explanation."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from organisation.models import Unit

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def today_is_1_november_2026(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(datetime.datetime(2026, 11, 1, 9, tzinfo=HCM), tick=False)


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue().splitlines()


def test_it_prints_the_due_date_on_the_first_line() -> None:
    # when a complaint received on Tuesday 30 June 2026 (10 working days)
    lines = run("complaint.accept", "2026-06-30")

    # then
    assert lines[0] == "2026-07-14"
    assert lines[1].startswith("Hạn 14/07/2026: 10 ngày làm việc kể từ ngày tiếp theo ngày 30/06/2026")


def test_it_explains_in_english_on_request() -> None:
    # when
    lines = run("complaint.accept", "2026-07-01", "--lang", "en")

    # then
    assert lines[0] == "2026-07-10"
    assert lines[1].startswith("Due 10/07/2026: 7 working days counted from the day after 01/07/2026")


def test_it_applies_extensions_and_suspensions() -> None:
    # when a denunciation accepted on Monday 2 March 2026 (30 days: 1 April) is suspended for the 5 days
    # 6–10 March and extended once by 30 days
    lines = run("denunciation.resolve", "2026-03-02", "--extensions", "1", "--suspend", "2026-03-06:2026-03-10")

    # then 1 April + 5 suspended days = Monday 6 April; + 30 days = Wednesday 6 May
    assert lines[0] == "2026-05-06"


def test_it_accepts_an_existing_unit() -> None:
    # given
    Unit.objects.create(code="xa-an-phu", name="Xã An Phú", kind="xã")

    # when
    lines = run("complaint.accept", "2026-07-01", "--unit", "xa-an-phu")

    # then
    assert lines[0] == "2026-07-10"


def test_it_rejects_an_unknown_unit() -> None:
    # when / then
    with pytest.raises(CommandError, match=r"Không có đơn vị có mã «xa-khong-co».*No unit with code 'xa-khong-co'"):
        run("complaint.accept", "2026-07-01", "--unit", "xa-khong-co")


def test_it_rejects_an_unknown_rule_in_both_languages() -> None:
    # when / then
    with pytest.raises(CommandError) as raised:
        run("complaint.unknown", "2026-07-01")
    assert "Không có quy tắc thời hạn «complaint.unknown» có hiệu lực ngày 2026-07-01" in str(raised.value)
    with pytest.raises(CommandError) as raised_en:
        run("complaint.unknown", "2026-07-01", "--lang", "en")
    assert "No deadline rule 'complaint.unknown' in force on 2026-07-01" in str(raised_en.value)


def test_it_rejects_a_start_date_in_the_future() -> None:
    # when / then
    with pytest.raises(CommandError, match=r"2026-12-01 ở tương lai"):
        run("complaint.accept", "2026-12-01")
    with pytest.raises(CommandError, match=r"2026-12-01 is in the future"):
        run("complaint.accept", "2026-12-01", "--lang", "en")


def test_it_rejects_a_malformed_date() -> None:
    # when / then
    with pytest.raises(CommandError, match=r"Ngày bắt đầu «01/07/2026» không hợp lệ.*YYYY-MM-DD"):
        run("complaint.accept", "01/07/2026")


def test_it_rejects_too_many_extensions() -> None:
    # when / then
    with pytest.raises(CommandError, match=r"tối đa 2 lần"):
        run("denunciation.resolve", "2026-03-02", "--extensions", "3")
    with pytest.raises(CommandError, match=r"at most 2 extensions"):
        run("denunciation.resolve", "2026-03-02", "--extensions", "3", "--lang", "en")


def test_it_plans_from_a_future_date_with_plan_and_says_it_is_a_plan() -> None:
    # when a complaint expected on Monday 1 February 2027 is planned (7 working days, across Tết 2027)
    lines = run("complaint.accept", "2027-02-01", "--plan")

    # then
    assert lines[0] == "2027-02-17"
    assert lines[1].startswith("Hạn 17/02/2027: 7 ngày làm việc kể từ ngày tiếp theo ngày 01/02/2027")
    assert lines[2].startswith(
        "Đây là kế hoạch: tính theo quy tắc thời hạn và lịch hoán đổi ngày làm việc đã biết đến hôm nay (01/11/2026)"
    )
    assert "Ngày nghỉ Tết, Quốc khánh năm 2027 vẫn là ước tính" in lines[2]


def test_it_plans_in_english_too() -> None:
    # when
    lines = run("complaint.accept", "2027-02-01", "--plan", "--lang", "en")

    # then
    assert lines[0] == "2027-02-17"
    assert lines[1].startswith("Due 17/02/2027: 7 working days counted from the day after 01/02/2027")
    assert lines[2].startswith(
        "This is a plan: computed under the deadline rules and day swaps known today (01/11/2026)"
    )


def test_it_refuses_a_future_date_without_plan_and_says_how_to_plan() -> None:
    # when / then
    with pytest.raises(CommandError) as raised:
        run("complaint.accept", "2027-02-01")
    assert "2027-02-01 ở tương lai" in str(raised.value) and "thêm --plan" in str(raised.value)
    with pytest.raises(CommandError) as raised_en:
        run("complaint.accept", "2027-02-01", "--lang", "en")
    assert "To plan for a future date, add --plan." in str(raised_en.value)


def test_it_rejects_an_unknown_rule_even_when_planning() -> None:
    # when / then
    with pytest.raises(
        CommandError, match=r"Không có quy tắc thời hạn «complaint\.unknown» có hiệu lực ngày 2027-02-01"
    ):
        run("complaint.unknown", "2027-02-01", "--plan")
