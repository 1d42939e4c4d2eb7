"""The Vietnamese legal calendar: which days are working days, and how periods are counted.

Working days are Monday–Friday minus Vietnamese public holidays, as the `holidays` package (country VN)
knows them — lunar Tết, Hùng Kings, observed and substituted days, make-up working Saturdays
(`weekend_workdays`) — overridden by the admin-editable `DaySwap` table, because the government announces
day swaps each year, sometimes after the package was released.

Counting follows the Civil Code 2015 (Bộ luật Dân sự 2015):
- Art. 147: a period counted in days starts on the day AFTER the starting event; the event's day never counts.
- Art. 148: the period ends at the end (24:00) of its last day; if the last day is a weekend day or a public
  holiday, it ends at the end of the next working day.

Dates are Asia/Ho_Chi_Minh dates. A deadline is the END of its last day: this module represents that moment
as 23:59:59.999999 local time of the last day (`end_of_day`), an aware datetime, so that "due_at >= now"
holds for the whole of the last day and the moment sorts before the first instant of the next day.

Speed: the holidays of a year are computed once per process (`_year_holidays`, an `lru_cache`); the day-swap
rows are loaded once and kept until `DaySwap.save()`/`delete()` calls `invalidate_day_swaps()`, which also
bumps a version number in Django's cache so that other processes sharing that cache (Redis in production)
reload too. As a safety net the swaps are reloaded at least every `SWAP_CACHE_SECONDS` anyway (bulk
`update()`/`delete()` on querysets bypasses `save()`/`delete()`). Call `clear_caches()` in tests.
"""

from __future__ import annotations

import datetime
import enum
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.core.cache import cache

LEGAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
COUNTRY = "VN"
SWAP_CACHE_SECONDS = 300.0
SWAP_VERSION_CACHE_KEY = "deadlines:dayswap-version"
ONE_DAY = datetime.timedelta(days=1)


class DayReason(enum.StrEnum):
    """Why a day is (not) a working day; the explanation of a due date names the reason."""

    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"  # a weekend day worked in exchange for a day off (package data)
    SWAP_DAY_OFF = "swap_day_off"  # DaySwap: an extra day off
    SWAP_WORKING_DAY = "swap_working_day"  # DaySwap: a weekend day or holiday that is worked


@dataclass(frozen=True, slots=True)
class DayInfo:
    """One date of the legal calendar. `name_vi`/`name_en` name the holiday or give the swap's reason."""

    day: datetime.date
    is_working: bool
    reason: DayReason
    name_vi: str = ""
    name_en: str = ""
    legal_basis: str = ""


@dataclass(frozen=True, slots=True)
class SwapEntry:
    """A `DaySwap` row as the calendar needs it (plain data, safe to share between threads)."""

    day: datetime.date
    is_working: bool
    reason: str
    legal_basis: str


@dataclass(frozen=True, slots=True)
class _YearHolidays:
    names_vi: Mapping[datetime.date, str]
    names_en: Mapping[datetime.date, str]
    non_working: frozenset[datetime.date]  # per the package alone, weekends included
    makeup_workdays: frozenset[datetime.date]


@lru_cache(maxsize=64)
def _year_holidays(year: int) -> _YearHolidays:
    """The package's view of one year, computed once per process."""
    # Neighbouring years too, so that an observed day spilling over New Year is not missed.
    years = range(year - 1, year + 2)
    calendar_vi = holidays.country_holidays(COUNTRY, years=years, language="vi")
    calendar_en = holidays.country_holidays(COUNTRY, years=years, language="en_US")
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    days = [first + datetime.timedelta(days=offset) for offset in range((last - first).days + 1)]
    return _YearHolidays(
        names_vi={day: name for day, name in calendar_vi.items() if day.year == year},
        names_en={day: name for day, name in calendar_en.items() if day.year == year},
        non_working=frozenset(day for day in days if not calendar_vi.is_working_day(day)),
        makeup_workdays=frozenset(day for day in calendar_vi.weekend_workdays if day.year == year),
    )


class WorkingCalendar:
    """The legal calendar with one snapshot of the day swaps. Cheap to query; build it with `get_calendar()`."""

    def __init__(self, swaps: Mapping[datetime.date, SwapEntry] | None = None) -> None:
        self.swaps: Mapping[datetime.date, SwapEntry] = dict(swaps or {})

    def package_day(self, day: datetime.date) -> DayInfo:
        """What the `holidays` package alone says about `day` (no day swaps)."""
        year = _year_holidays(day.year)
        name_vi = year.names_vi.get(day, "")
        name_en = year.names_en.get(day, "")
        if day in year.makeup_workdays:
            return DayInfo(day, True, DayReason.MAKEUP_WORKDAY, name_vi, name_en)
        if day.weekday() >= 5:
            return DayInfo(day, day not in year.non_working, DayReason.WEEKEND, name_vi, name_en)
        if day in year.non_working:
            return DayInfo(day, False, DayReason.HOLIDAY, name_vi, name_en)
        return DayInfo(day, True, DayReason.WORKDAY)

    def day(self, day: datetime.date) -> DayInfo:
        """Whether `day` is a working day and why; a day swap overrides the package."""
        swap = self.swaps.get(day)
        if swap is None:
            return self.package_day(day)
        reason = DayReason.SWAP_WORKING_DAY if swap.is_working else DayReason.SWAP_DAY_OFF
        return DayInfo(day, swap.is_working, reason, swap.reason, swap.reason, swap.legal_basis)

    def is_working_day(self, day: datetime.date) -> bool:
        return self.day(day).is_working

    def days_after(self, day: datetime.date) -> Iterator[DayInfo]:
        """Every day after `day`, in order, without end."""
        while True:
            day += ONE_DAY
            yield self.day(day)

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The `days`-th working day after `start` (the start day never counts; Civil Code Art. 147).

        With `days=0`, the next working day on or after `start`. Negative `days` count backwards.
        """
        if days == 0:
            return self.next_working_day(start)
        step = ONE_DAY if days > 0 else -ONE_DAY
        remaining = abs(days)
        day = start
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def add_calendar_days(self, start: datetime.date, days: int) -> datetime.date:
        """The last day of a period of `days` calendar days after `start`, moved to the next working day
        when it falls on a weekend day or a holiday (Civil Code Art. 147–148)."""
        return self.next_working_day(start + datetime.timedelta(days=days))

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]: the start day excluded, as when counting a period."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count


# ---- the day-swap cache --------------------------------------------------------------------------------

_lock = threading.Lock()
_cached_calendar: WorkingCalendar | None = None
_cached_version: int | None = None
_cached_at = 0.0


def _load_swaps() -> dict[datetime.date, SwapEntry]:
    from deadlines.models import DaySwap, SwapKind  # the models import this module

    return {
        swap.date: SwapEntry(swap.date, swap.kind == SwapKind.WORKING_DAY, swap.reason, swap.legal_basis)
        for swap in DaySwap.objects.all()
    }


def _shared_version() -> int:
    version = cache.get(SWAP_VERSION_CACHE_KEY)
    return int(version) if version is not None else 0


def get_calendar() -> WorkingCalendar:
    """The legal calendar with the current day swaps (cached; see the module docstring)."""
    global _cached_calendar, _cached_version, _cached_at
    version = _shared_version()
    with _lock:
        calendar = _cached_calendar
        fresh = time.monotonic() - _cached_at < SWAP_CACHE_SECONDS
        if calendar is not None and version == _cached_version and fresh:
            return calendar
    calendar = WorkingCalendar(_load_swaps())
    with _lock:
        _cached_calendar, _cached_version, _cached_at = calendar, version, time.monotonic()
    return calendar


def invalidate_day_swaps() -> None:
    """Forget the cached day swaps here and, through Django's cache, in every process sharing it."""
    global _cached_calendar
    with _lock:
        _cached_calendar = None
    try:
        cache.incr(SWAP_VERSION_CACHE_KEY)
    except ValueError:  # the key is not there yet (or was evicted)
        cache.set(SWAP_VERSION_CACHE_KEY, _shared_version() + 1, timeout=None)


def clear_caches() -> None:
    """Forget everything cached (the holidays of each year and the day swaps); for tests."""
    global _cached_calendar
    _year_holidays.cache_clear()
    with _lock:
        _cached_calendar = None


# ---- a year's official schedule, for legal staff to check -------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScheduleDay:
    """One line of a year's official schedule (see `year_schedule`)."""

    day: datetime.date
    is_working: bool  # under the full calendar (package + day swaps)
    name_vi: str = ""
    name_en: str = ""
    legal_basis: str = ""
    estimated: bool = False  # the package's estimate of a day the Government fixes each year
    overridden: bool = False  # a package holiday that a day swap makes a working day


@dataclass(frozen=True, slots=True)
class YearSchedule:
    year: int
    holidays: tuple[ScheduleDay, ...]  # every public holiday of the package (observed and substituted days too)
    day_swaps: tuple[ScheduleDay, ...]  # the DaySwap rows of the year
    package_makeup_days: tuple[ScheduleDay, ...]  # make-up working weekend days the package knows
    non_working_weekdays: tuple[ScheduleDay, ...]  # Monday–Friday days off, the result of all the above
    working_weekend_days: tuple[ScheduleDay, ...]  # Saturdays (and Sundays) worked, the result of all the above
    estimated: bool


def is_estimated_year(year: int) -> bool:
    """Whether the package's Tết and National Day days of `year` are still its estimates.

    The Labour Code fixes the holidays but the Government chooses each year which days around Tết (5 days) and
    which day next to 2 September are off, and announces it late in the year before. The package guesses; we
    treat a year after the current one as not yet announced. Once it is, legal staff compare it with the
    schedule page and enter any difference as a day swap.
    """
    return year > today().year


def _is_variable_holiday(day: datetime.date, name_en: str) -> bool:
    return "Lunar New Year" in name_en or ("National Day" in name_en and (day.month, day.day) != (9, 2))


def year_schedule(year: int, legal_calendar: WorkingCalendar | None = None) -> YearSchedule:
    """The official schedule of `year`: the package's holidays, the day swaps, the make-up days, and the result."""
    legal_calendar = legal_calendar or get_calendar()
    package = _year_holidays(year)
    estimated = is_estimated_year(year)
    holidays_ = tuple(
        ScheduleDay(
            day,
            legal_calendar.is_working_day(day),
            name_vi,
            package.names_en.get(day, ""),
            estimated=estimated and _is_variable_holiday(day, package.names_en.get(day, "")),
            overridden=day in legal_calendar.swaps and legal_calendar.swaps[day].is_working,
        )
        for day, name_vi in sorted(package.names_vi.items())
    )
    swaps = tuple(
        ScheduleDay(swap.day, swap.is_working, swap.reason, swap.reason, swap.legal_basis)
        for swap in sorted(legal_calendar.swaps.values(), key=lambda swap: swap.day)
        if swap.day.year == year
    )
    makeup = tuple(
        ScheduleDay(day, legal_calendar.is_working_day(day), package.names_vi.get(day, ""))
        for day in sorted(package.makeup_workdays)
    )
    first = datetime.date(year, 1, 1)
    days = [
        legal_calendar.day(first + datetime.timedelta(days=n))
        for n in range((datetime.date(year, 12, 31) - first).days + 1)
    ]
    return YearSchedule(
        year=year,
        holidays=holidays_,
        day_swaps=swaps,
        package_makeup_days=makeup,
        non_working_weekdays=tuple(
            ScheduleDay(
                info.day,
                False,
                info.name_vi,
                info.name_en,
                info.legal_basis,
                estimated=estimated and _is_variable_holiday(info.day, info.name_en),
            )
            for info in days
            if info.day.weekday() < 5 and not info.is_working
        ),
        working_weekend_days=tuple(
            ScheduleDay(info.day, True, info.name_vi, info.name_en, info.legal_basis)
            for info in days
            if info.day.weekday() >= 5 and info.is_working
        ),
        estimated=estimated,
    )


# ---- conveniences on the current calendar ----------------------------------------------------------------


def local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """The Asia/Ho_Chi_Minh date of an aware datetime, or the date itself. A naive datetime is refused."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"Naive datetime {value.isoformat()}: pass an aware datetime or a date.")
        return value.astimezone(LEGAL_TZ).date()
    return value


def today() -> datetime.date:
    """Today's date in Asia/Ho_Chi_Minh."""
    return datetime.datetime.now(LEGAL_TZ).date()


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant of `day` in Asia/Ho_Chi_Minh, aware (for "received on or after this date")."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=LEGAL_TZ)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The moment a deadline falling on `day` expires: 23:59:59.999999 Asia/Ho_Chi_Minh, aware."""
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=LEGAL_TZ)


def is_working_day(day: datetime.date) -> bool:
    return get_calendar().is_working_day(day)


def next_working_day(day: datetime.date) -> datetime.date:
    return get_calendar().next_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (the start day never counts)."""
    return get_calendar().add_working_days(start, days)


def add_calendar_days(start: datetime.date, days: int) -> datetime.date:
    """`start` + `days`, moved to the next working day if that is a weekend day or holiday."""
    return get_calendar().add_calendar_days(start, days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in (start, end]."""
    return get_calendar().working_days_between(start, end)
