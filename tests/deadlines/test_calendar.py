"""The legal calendar: Vietnamese public holidays, make-up Saturdays and the admin's day swaps.

Every expected date below was worked out by hand on a printed calendar (Feb 2027: Tết runs from Thursday
4 to Wednesday 10 February; Aug–Sep 2026: Saturday 22 August is worked in exchange for Monday 31 August).
"""

import datetime

import pytest

from deadlines import calendar
from deadlines.models import DaySwap, SwapKind

pytestmark = pytest.mark.django_db

D = datetime.date


def test_it_treats_the_weekdays_of_tet_2027_as_days_off() -> None:
    # given Tết 2027 (29 Tết = Thu 4 Feb … Mùng năm = Wed 10 Feb)
    # when / then
    assert [calendar.is_working_day(D(2027, 2, day)) for day in range(1, 13)] == [
        True,  # Mon 1
        True,  # Tue 2
        True,  # Wed 3
        False,  # Thu 4: 29 Tết
        False,  # Fri 5: Giao thừa
        False,  # Sat 6
        False,  # Sun 7
        False,  # Mon 8: Mùng ba
        False,  # Tue 9: Mùng bốn
        False,  # Wed 10: Mùng năm
        True,  # Thu 11
        True,  # Fri 12
    ]


def test_it_counts_working_days_across_tet_2027_from_the_day_after_the_start() -> None:
    # given a clock started on Wednesday 3 February 2027, the last working day before Tết
    start = D(2027, 2, 3)

    # when / then: the first working day after it is Thursday 11 February, the fifth Wednesday 17 February
    assert calendar.add_working_days(start, 1) == D(2027, 2, 11)
    assert calendar.add_working_days(start, 5) == D(2027, 2, 17)
    assert calendar.working_days_between(start, D(2027, 2, 17)) == 5


def test_it_knows_the_national_day_2026_swap_from_the_holidays_package() -> None:
    # given Saturday 22 August 2026 worked in exchange for Monday 31 August 2026 off
    # when / then
    assert calendar.is_working_day(D(2026, 8, 22)) is True
    assert calendar.is_working_day(D(2026, 8, 31)) is False
    assert calendar.is_working_day(D(2026, 9, 1)) is False
    assert calendar.is_working_day(D(2026, 9, 2)) is False
    assert calendar.next_working_day(D(2026, 8, 29)) == D(2026, 9, 3)


def test_it_moves_a_calendar_period_ending_on_a_holiday_to_the_next_working_day() -> None:
    # given 30 calendar days from Saturday 28 March 2026: the last day is Monday 27 April, Hùng Kings (observed)
    # when
    last_day = calendar.add_calendar_days(D(2026, 3, 28), 30)

    # then it ends on Tuesday 28 April
    assert last_day == D(2026, 4, 28)


def test_it_applies_an_extra_day_off_entered_by_the_admin() -> None:
    # given Friday 16 October 2026 is an ordinary working day, and the calendar has been cached
    assert calendar.add_working_days(D(2026, 10, 12), 5) == D(2026, 10, 19)

    # when the government gives it off
    DaySwap.objects.create(date=D(2026, 10, 16), kind=SwapKind.DAY_OFF, reason="Nghỉ thêm theo thông báo")

    # then five working days after Monday 12 October end on Tuesday 20 October, not Monday 19
    assert calendar.is_working_day(D(2026, 10, 16)) is False
    assert calendar.add_working_days(D(2026, 10, 12), 5) == D(2026, 10, 20)


def test_it_counts_a_saturday_entered_as_worked() -> None:
    # given Saturday 17 October 2026 is worked (make-up day)
    assert calendar.add_working_days(D(2026, 10, 14), 5) == D(2026, 10, 21)
    DaySwap.objects.create(date=D(2026, 10, 17), kind=SwapKind.WORKING_DAY, reason="Làm bù cho ngày 16/10")

    # when / then: Thu 15, Fri 16, Sat 17, Mon 19, Tue 20
    assert calendar.is_working_day(D(2026, 10, 17)) is True
    assert calendar.add_working_days(D(2026, 10, 14), 5) == D(2026, 10, 20)


def test_it_forgets_a_deleted_day_swap() -> None:
    # given an extra day off on Friday 16 October 2026, already used by the cached calendar
    swap = DaySwap.objects.create(date=D(2026, 10, 16), kind=SwapKind.DAY_OFF, reason="Nghỉ thêm")
    assert calendar.is_working_day(D(2026, 10, 16)) is False

    # when the admin deletes it
    swap.delete()

    # then the day is a working day again
    assert calendar.is_working_day(D(2026, 10, 16)) is True


def test_it_lets_a_day_swap_override_a_holiday_of_the_package() -> None:
    # given the package says Monday 31 August 2026 is off; suppose the swap is cancelled by the government
    DaySwap.objects.create(date=D(2026, 8, 31), kind=SwapKind.WORKING_DAY, reason="Hủy hoán đổi")

    # when / then
    assert calendar.is_working_day(D(2026, 8, 31)) is True


def test_it_reads_the_day_swaps_once_while_cached(django_assert_num_queries: object) -> None:
    # given a calendar already loaded
    calendar.get_calendar()

    # when it is asked about many days
    with django_assert_num_queries(0):  # type: ignore[operator]
        calendar.add_working_days(D(2026, 1, 1), 250)


def test_it_ends_a_deadline_at_the_end_of_its_last_day_in_ho_chi_minh_time() -> None:
    # when
    due_at = calendar.end_of_day(D(2026, 7, 10))

    # then: 23:59:59.999999 +07:00 is 16:59:59.999999 UTC
    assert due_at.utcoffset() == datetime.timedelta(hours=7)
    assert due_at.astimezone(datetime.UTC) == datetime.datetime(2026, 7, 10, 16, 59, 59, 999999, tzinfo=datetime.UTC)
