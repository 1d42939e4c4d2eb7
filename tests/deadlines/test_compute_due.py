"""Due dates a legal officer can check by hand on a calendar, with the rules seeded by migration 0002."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from deadlines.errors import DeadlineError, InvalidInput, RuleNotFound, StartInFuture, TooManyExtensions
from deadlines.models import DaySwap, SwapKind
from deadlines.services import compute_due

pytestmark = pytest.mark.django_db

D = datetime.date
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def freeze(
    traveller: time_machine.TimeMachineFixture, year: int, month: int, day: int, hour: int, minute: int = 0
) -> None:
    """Stop the clock at this moment in Hà Nội."""
    traveller.move_to(datetime.datetime(year, month, day, hour, minute, tzinfo=HCM), tick=False)


# ---- the Civil Code counting rules ----------------------------------------------------------------------


def test_it_starts_counting_on_the_day_after_the_event(time_machine: time_machine.TimeMachineFixture) -> None:
    # given a draft sent to agencies on Thursday 1 October 2026 (draft.agency_reply: 15 calendar days)
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    due = compute_due(rule_code="draft.agency_reply", start=D(2026, 10, 1))

    # then day 1 is 2 October, day 15 is Friday 16 October
    assert due.due_date == D(2026, 10, 16)


def test_it_moves_a_calendar_deadline_on_a_sunday_to_monday(time_machine: time_machine.TimeMachineFixture) -> None:
    # given a first-instance complaint accepted on Friday 6 March 2026 (30 calendar days)
    freeze(time_machine, 2026, 6, 1, 9)

    # when
    due = compute_due(rule_code="complaint.resolve.first", start=D(2026, 3, 6))

    # then day 30 is Sunday 5 April, so the deadline is Monday 6 April
    assert due.due_date == D(2026, 4, 6)
    assert due.weekend_days == 1
    assert (
        "ngày cuối cùng rơi vào ngày nghỉ nên chuyển sang ngày làm việc tiếp theo (từ 05/04/2026 sang 06/04/2026)"
        in (due.explanation)
    )


def test_it_moves_a_calendar_deadline_past_the_national_day_2026_holidays(
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    # given a complaint accepted on Saturday 1 August 2026: day 30 is Monday 31 August, off in exchange for
    # Saturday 22 August, followed by the National Day holidays on 1 and 2 September
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    due = compute_due(rule_code="complaint.resolve.first", start=D(2026, 8, 1))

    # then the deadline is Thursday 3 September
    assert due.due_date == D(2026, 9, 3)
    assert [holiday.day for holiday in due.holidays] == [D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 2)]
    assert "2 ngày nghỉ Quốc khánh" in due.explanation
    assert "22/08/2026" in due.explanation


def test_it_returns_the_end_of_the_last_day_in_ho_chi_minh_time(time_machine: time_machine.TimeMachineFixture) -> None:
    # given
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    due = compute_due(rule_code="complaint.accept", start=D(2026, 7, 1))

    # then
    assert due.due_at == datetime.datetime(2026, 7, 10, 23, 59, 59, 999999, tzinfo=HCM)
    assert due.due_at.tzinfo is not None


# ---- the public holidays ----------------------------------------------------------------------------------


def test_it_skips_tet_2027_and_explains_it(time_machine: time_machine.TimeMachineFixture) -> None:
    # given a complaint received on Monday 1 February 2027 (7 working days since 1 July 2026)
    freeze(time_machine, 2027, 3, 1, 9)

    # when
    due = compute_due(rule_code="complaint.accept", start=D(2027, 2, 1))

    # then Tue 2, Wed 3, [Tết Thu 4 – Wed 10], Thu 11, Fri 12, Mon 15, Tue 16, Wed 17
    assert due.due_date == D(2027, 2, 17)
    assert due.weekend_days == 4
    assert [holiday.day for holiday in due.holidays] == [
        D(2027, 2, 4),
        D(2027, 2, 5),
        D(2027, 2, 8),
        D(2027, 2, 9),
        D(2027, 2, 10),
    ]
    assert due.explanation.startswith("Hạn 17/02/2027: 7 ngày làm việc kể từ ngày tiếp theo ngày 01/02/2027")
    assert "complaint.accept" not in due.explanation
    assert "Khoản 1 Điều 16 Nghị định số 124/2020/NĐ-CP" in due.explanation
    assert "bỏ qua 4 ngày cuối tuần và 5 ngày nghỉ Tết Nguyên Đán" in due.explanation
    assert "skipping 4 weekend days and 5 days off for Lunar New Year (Tết)" in due.explanation_en


def test_it_counts_ten_working_days_across_tet_2027(time_machine: time_machine.TimeMachineFixture) -> None:
    # given a petition received at a citizen reception on Monday 1 February 2027 (10 working days)
    freeze(time_machine, 2027, 3, 1, 9)

    # when
    due = compute_due(rule_code="reception.result", start=D(2027, 2, 1))

    # then … Wed 17 (7), Thu 18 (8), Fri 19 (9), Mon 22 (10)
    assert due.due_date == D(2027, 2, 22)
    assert due.weekend_days == 6


def test_it_skips_reunification_day_and_labour_day_2026(time_machine: time_machine.TimeMachineFixture) -> None:
    # given a denunciation to transfer, received on Tuesday 28 April 2026 (5 working days)
    freeze(time_machine, 2026, 6, 1, 9)

    # when
    due = compute_due(rule_code="denunciation.transfer", start=D(2026, 4, 28))

    # then Wed 29 (1), [Thu 30/4, Fri 1/5, weekend], Mon 4 (2), Tue 5, Wed 6, Thu 7 May (5)
    assert due.due_date == D(2026, 5, 7)
    assert "1 ngày nghỉ lễ Chiến thắng và 1 ngày nghỉ lễ Quốc tế Lao động" in due.explanation


def test_it_skips_the_observed_labour_day_2027(time_machine: time_machine.TimeMachineFixture) -> None:
    # given a document issued on Thursday 29 April 2027 (grassroots.publish: 5 working days); 1 May 2027 is a
    # Saturday, so Monday 3 May is off instead
    freeze(time_machine, 2027, 6, 1, 9)

    # when
    due = compute_due(rule_code="grassroots.publish", start=D(2027, 4, 29))

    # then [Fri 30/4, weekend, Mon 3/5], Tue 4 (1), Wed 5, Thu 6, Fri 7, [weekend], Mon 10 May (5)
    assert due.due_date == D(2027, 5, 10)
    assert [holiday.day for holiday in due.holidays] == [D(2027, 4, 30), D(2027, 5, 3)]


def test_it_skips_the_national_day_2026_holidays_in_working_days(
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    # given a complaint received on Thursday 27 August 2026 (7 working days)
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    due = compute_due(rule_code="complaint.accept", start=D(2026, 8, 27))

    # then Fri 28 (1), [weekend, Mon 31/8 swapped off, Tue 1/9, Wed 2/9], Thu 3 (2), Fri 4 (3),
    # Mon 7 (4), Tue 8 (5), Wed 9 (6), Thu 10 September (7)
    assert due.due_date == D(2026, 9, 10)
    assert due.weekend_days == 4


def test_it_counts_the_make_up_saturday_22_august_2026(time_machine: time_machine.TimeMachineFixture) -> None:
    # given a reflection to transfer, received on Wednesday 19 August 2026 (5 working days)
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    due = compute_due(rule_code="reflection.transfer", start=D(2026, 8, 19))

    # then Thu 20 (1), Fri 21 (2), Sat 22 worked (3), Mon 24 (4), Tue 25 August (5)
    assert due.due_date == D(2026, 8, 25)
    assert due.makeup_workdays == (D(2026, 8, 22),)
    assert "có tính ngày làm bù thứ Bảy 22/08/2026" in due.explanation


# ---- the admin's day swaps ---------------------------------------------------------------------------------


def test_it_shifts_a_due_date_for_an_extra_day_off(time_machine: time_machine.TimeMachineFixture) -> None:
    # given a reflection received on Monday 12 October 2026, due Monday 19 October
    freeze(time_machine, 2026, 11, 1, 9)
    assert compute_due(rule_code="reflection.transfer", start=D(2026, 10, 12)).due_date == D(2026, 10, 19)

    # when Friday 16 October becomes an extra day off
    DaySwap.objects.create(
        date=D(2026, 10, 16), kind=SwapKind.DAY_OFF, reason="Nghỉ thêm", legal_basis="Thông báo số 1/TB-UBND"
    )
    due = compute_due(rule_code="reflection.transfer", start=D(2026, 10, 12))

    # then it is due on Tuesday 20 October, and the explanation says why
    assert due.due_date == D(2026, 10, 20)
    assert "1 ngày nghỉ thêm theo hoán đổi ngày làm việc (16/10/2026)" in due.explanation


def test_it_counts_a_saturday_worked_by_day_swap(time_machine: time_machine.TimeMachineFixture) -> None:
    # given Saturday 17 October 2026 is worked
    freeze(time_machine, 2026, 11, 1, 9)
    DaySwap.objects.create(date=D(2026, 10, 17), kind=SwapKind.WORKING_DAY, reason="Làm bù")

    # when a reflection is received on Wednesday 14 October
    due = compute_due(rule_code="reflection.transfer", start=D(2026, 10, 14))

    # then Thu 15, Fri 16, Sat 17, Mon 19, Tue 20 October
    assert due.due_date == D(2026, 10, 20)


# ---- rule versions -------------------------------------------------------------------------------------------


def test_it_applies_ten_working_days_to_a_complaint_received_on_30_june_2026(
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    # given
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    due = compute_due(rule_code="complaint.accept", start=D(2026, 6, 30))

    # then Wed 1, Thu 2, Fri 3, Mon 6 … Fri 10 (8), Mon 13 (9), Tue 14 July (10)
    assert due.rule.days == 10
    assert due.rule.effective_from == D(2025, 7, 1)  # the 2011 law as amended by Laws 81/2025 and 84/2025
    assert due.due_date == D(2026, 7, 14)


def test_it_applies_seven_working_days_to_a_complaint_received_on_1_july_2026(
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    # given
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    due = compute_due(rule_code="complaint.accept", start=D(2026, 7, 1))

    # then Thu 2, Fri 3, Mon 6, Tue 7, Wed 8, Thu 9, Fri 10 July (7)
    assert due.rule.days == 7
    assert due.rule.effective_from == D(2026, 7, 1)
    assert due.due_date == D(2026, 7, 10)
    assert "Nghị định số 155/2026/NĐ-CP" in due.explanation


def test_it_takes_the_start_day_of_an_aware_datetime_in_ho_chi_minh_time(
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    # given a complaint received at 03:00 on 1 July 2026 in Hà Nội, which is still 30 June in UTC
    freeze(time_machine, 2026, 11, 1, 9)
    received_at = datetime.datetime(2026, 6, 30, 20, 0, tzinfo=datetime.UTC)

    # when
    due = compute_due(rule_code="complaint.accept", start=received_at)

    # then the 1 July rule (7 working days) applies
    assert due.start_date == D(2026, 7, 1)
    assert due.due_date == D(2026, 7, 10)


# ---- suspensions and extensions ----------------------------------------------------------------------------


def test_it_stops_the_clock_for_suspended_working_days(time_machine: time_machine.TimeMachineFixture) -> None:
    # given a complaint received on 30 June 2026 (10 working days), suspended Monday 6 – Wednesday 8 July
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    due = compute_due(
        rule_code="complaint.accept", start=D(2026, 6, 30), suspended_days=[(D(2026, 7, 6), D(2026, 7, 8))]
    )

    # then the due date moves three working days later, from Tuesday 14 to Friday 17 July
    assert due.due_date == D(2026, 7, 17)
    assert due.suspended_days == 3
    assert "đồng hồ dừng 3 ngày làm việc do tạm đình chỉ" in due.explanation


def test_it_does_not_count_a_suspended_weekend_twice(time_machine: time_machine.TimeMachineFixture) -> None:
    # given a suspension from Friday 3 to Monday 6 July 2026: two working days
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    due = compute_due(
        rule_code="complaint.accept", start=D(2026, 6, 30), suspended_days=[(D(2026, 7, 3), D(2026, 7, 6))]
    )

    # then Wed 1, Thu 2, [Fri 3 … Mon 6], Tue 7 (3) … Thu 16 July (10)
    assert due.due_date == D(2026, 7, 16)
    assert due.suspended_days == 2


def test_it_stops_the_clock_for_suspended_calendar_days(time_machine: time_machine.TimeMachineFixture) -> None:
    # given a complaint accepted on 6 March 2026 (30 calendar days, due 6 April), suspended 10–14 March
    freeze(time_machine, 2026, 6, 1, 9)

    # when
    due = compute_due(
        rule_code="complaint.resolve.first", start=D(2026, 3, 6), suspended_days=[(D(2026, 3, 10), D(2026, 3, 14))]
    )

    # then day 30 is 5 April + 5 days = Friday 10 April
    assert due.due_date == D(2026, 4, 10)
    assert due.suspended_days == 5


def test_it_adds_each_extension_after_the_previous_due_date(time_machine: time_machine.TimeMachineFixture) -> None:
    # given a denunciation accepted on Monday 2 March 2026: 30 days → Wednesday 1 April
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    original = compute_due(rule_code="denunciation.resolve", start=D(2026, 3, 2))
    once = compute_due(rule_code="denunciation.resolve", start=D(2026, 3, 2), extensions=1)
    twice = compute_due(rule_code="denunciation.resolve", start=D(2026, 3, 2), extensions=2)

    # then 1 April + 30 = Friday 1 May (Labour Day) → Monday 4 May; 4 May + 30 = Wednesday 3 June
    assert original.due_date == D(2026, 4, 1)
    assert once.due_date == D(2026, 5, 4)
    assert twice.due_date == D(2026, 6, 3)
    assert "cộng 2 lần gia hạn, mỗi lần 30 ngày (+60 ngày)" in twice.explanation


def test_it_reminds_the_assignee_two_working_days_before(time_machine: time_machine.TimeMachineFixture) -> None:
    # given
    freeze(time_machine, 2026, 11, 1, 9)

    # when a complaint received on 1 July 2026 is due Friday 10 July
    due = compute_due(rule_code="complaint.accept", start=D(2026, 7, 1))

    # then the reminder is on Wednesday 8 July
    assert due.remind_date == D(2026, 7, 8)


# ---- rejections ------------------------------------------------------------------------------------------------


def test_it_rejects_an_unknown_rule_code_in_both_languages(time_machine: time_machine.TimeMachineFixture) -> None:
    # given
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    with pytest.raises(RuleNotFound) as raised:
        compute_due(rule_code="complaint.unknown", start=D(2026, 1, 1))

    # then
    assert raised.value.message_vi.startswith(
        "Không có quy tắc thời hạn «complaint.unknown» có hiệu lực ngày 2026-01-01"
    )
    assert raised.value.message_en.startswith("No deadline rule 'complaint.unknown' in force on 2026-01-01")
    assert str(raised.value) == raised.value.message_vi
    with translation.override("en"):
        assert str(raised.value) == raised.value.message_en
    assert isinstance(raised.value, DeadlineError)
    assert isinstance(raised.value, ValueError)


def test_it_rejects_a_start_before_the_first_version_of_a_rule(time_machine: time_machine.TimeMachineFixture) -> None:
    # given
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    with pytest.raises(RuleNotFound) as raised:
        compute_due(rule_code="complaint.accept", start=D(2010, 1, 1))

    # then
    assert "chỉ có hiệu lực từ ngày 2012-07-01" in raised.value.message_vi
    assert "takes effect on 2012-07-01" in raised.value.message_en


def test_it_rejects_a_start_in_the_future(time_machine: time_machine.TimeMachineFixture) -> None:
    # given today is 25 November 2026 in Hà Nội
    freeze(time_machine, 2026, 11, 25, 10)

    # when
    with pytest.raises(StartInFuture) as raised:
        compute_due(rule_code="complaint.accept", start=D(2026, 11, 26))

    # then
    assert "2026-11-26 ở tương lai (hôm nay là 2026-11-25)" in raised.value.message_vi
    assert "2026-11-26 is in the future (today is 2026-11-25)" in raised.value.message_en


def test_it_takes_today_in_ho_chi_minh_time(time_machine: time_machine.TimeMachineFixture) -> None:
    # given 00:30 on 25 November 2026 in Hà Nội, still 24 November in UTC
    freeze(time_machine, 2026, 11, 25, 0, 30)

    # when a complaint is received today: Thu 26, Fri 27, Mon 30, Tue 1, Wed 2, Thu 3, Fri 4 December
    due = compute_due(rule_code="complaint.accept", start=D(2026, 11, 25))

    # then it is accepted, not refused as a future date
    assert due.due_date == D(2026, 12, 4)


def test_it_rejects_more_extensions_than_the_rule_allows(time_machine: time_machine.TimeMachineFixture) -> None:
    # given
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    with pytest.raises(TooManyExtensions) as raised:
        compute_due(rule_code="denunciation.resolve", start=D(2026, 3, 2), extensions=3)

    # then
    assert "«denunciation.resolve» chỉ cho phép gia hạn tối đa 2 lần" in raised.value.message_vi
    assert "không thể gia hạn 3 lần" in raised.value.message_vi
    assert "'denunciation.resolve' allows at most 2 extensions" in raised.value.message_en


def test_it_rejects_an_extension_of_a_rule_without_extensions(time_machine: time_machine.TimeMachineFixture) -> None:
    # given
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    with pytest.raises(TooManyExtensions) as raised:
        compute_due(rule_code="complaint.accept", start=D(2026, 7, 1), extensions=1)

    # then
    assert "«complaint.accept» không cho phép gia hạn" in raised.value.message_vi
    assert "'complaint.accept' allows no extension" in raised.value.message_en


def test_it_rejects_a_suspension_that_ends_before_it_starts(time_machine: time_machine.TimeMachineFixture) -> None:
    # given
    freeze(time_machine, 2026, 11, 1, 9)

    # when
    with pytest.raises(InvalidInput) as raised:
        compute_due(rule_code="complaint.accept", start=D(2026, 7, 1), suspended_days=[(D(2026, 7, 8), D(2026, 7, 6))])

    # then
    assert "kết thúc ngày 2026-07-06 trước ngày bắt đầu 2026-07-08" in raised.value.message_vi


def test_it_rejects_a_naive_datetime(time_machine: time_machine.TimeMachineFixture) -> None:
    # given
    freeze(time_machine, 2026, 11, 1, 9)

    # when / then
    with pytest.raises(InvalidInput, match="múi giờ"):
        compute_due(rule_code="complaint.accept", start=datetime.datetime(2026, 7, 1, 9, 0))  # noqa: DTZ001
