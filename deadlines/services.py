"""Due dates: the rule in force, the legal calendar, suspensions and extensions, and a sentence explaining it.

`compute_due` only reads (the rule table and the day swaps), so it needs no transaction of its own; it is the
one function the workflow engine, the API and the `deadline` command use.

Counting (see `deadlines.calendar` for the Civil Code rules):
- The day of the starting event never counts; counting starts on the next day.
- Working-day rules count working days only. Calendar-day rules count every day, and if the last day is a
  weekend day or a holiday the period ends on the next working day.
- The due moment is the end of the last day, 23:59:59.999999 Asia/Ho_Chi_Minh.

Suspension (stop-the-clock; tạm đình chỉ, Law on Complaints Art. 11a as added by Law 136/2025/QH15, and
Arts. 28a–28b of Decree 124/2020/NĐ-CP as amended by Decree 155/2026/NĐ-CP): each suspension is an inclusive
period of dates (first day suspended, last day suspended; the clock runs again the day after). A day inside
a suspension never counts: walking forward from the start, a working day (working-day rules) or any day
(calendar-day rules) that is suspended is passed over, so the due date moves later by exactly the suspended
working days (resp. calendar days) that fell while the clock was running. Suspended days before the start or
after the due date change nothing; overlapping periods count once. A suspension that has not ended has no
due date yet: pass its periods once it ends.

Extensions (gia hạn): each extension adds the rule's `extension_days`, in the rule's kind of day, counted
from the day after the previous due date (the original one, then each extended one), with the same
suspensions and the same move of a last day that is not a working day.

Minimum notice (rules with `direction=before`, e.g. complaint.dialogue_notice: notify the dialogue at least 5 days
before it): `start` is the date of the scheduled event, and the due date is the last day the notice may go out:
`days` days (or working days) before the event; a last day that is not a working day moves back to the previous
working day, because moving it later would shorten the notice. Such a rule has no extensions nor suspensions,
and its event may lie in the future.

Planning (`plan=True`): a start after today is allowed and the result is a plan under the rules and day swaps
known today (`DueDate.is_plan`); without it, a start after today is refused (StartInFuture).

A rule the province sets that is not yet in force on the start day (`selectors.INTERIM_RULES`: the province's
rule for reflections not on administrative regulations, seeded to take effect on 01/01/2027): the national rule
in force that day applies (`DueDate.instead_of` names the province's rule) and the explanation says why, naming
the province's rule but never its placeholder citation.

The explanation is for the public: dates as dd/mm/yyyy, the rule's name and its citation; never the rule's
code nor its internal note.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from deadlines import calendar
from deadlines.calendar import DayInfo, DayReason, WorkingCalendar
from deadlines.errors import DeadlineError, InvalidInput, StartInFuture, TooManyExtensions
from deadlines.models import DayKind, DeadlineRule, Direction
from deadlines.selectors import rule_for_clock, rule_in_force

__all__ = [
    "DeadlineError",
    "DueDate",
    "RuleSnapshot",
    "SkippedHoliday",
    "compute_due",
    "rule_in_force",
]

Suspension = tuple[datetime.date | datetime.datetime, datetime.date | datetime.datetime]

_US_DATE = re.compile(r"\b(\d\d)/(\d\d)/(\d{4})\b")  # the holidays package's English names: mm/dd/yyyy
_WEEKDAYS_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class RuleSnapshot:
    """The rule version a due date was computed with (a plain copy, safe to keep and compare)."""

    id: int
    code: str
    name_vi: str
    name_en: str
    citation: str
    day_kind: str
    days: int
    max_extensions: int
    extension_days: int
    remind_before_days: int
    effective_from: datetime.date
    direction: str = Direction.AFTER

    @classmethod
    def of(cls, rule: DeadlineRule) -> RuleSnapshot:
        return cls(
            id=rule.pk,
            code=rule.code,
            name_vi=rule.name_vi,
            name_en=rule.name_en,
            citation=rule.citation,
            day_kind=rule.day_kind,
            days=rule.days,
            max_extensions=rule.max_extensions,
            extension_days=rule.extension_days,
            remind_before_days=rule.remind_before_days,
            effective_from=rule.effective_from,
            direction=rule.direction,
        )

    @property
    def is_working_days(self) -> bool:
        return self.day_kind == DayKind.WORKING

    @property
    def counts_before(self) -> bool:
        return self.direction == Direction.BEFORE


@dataclass(frozen=True, slots=True)
class SkippedHoliday:
    """A non-working weekday passed over: a public holiday (by name) or an extra day off from a day swap."""

    day: datetime.date
    name_vi: str
    name_en: str
    is_day_swap: bool = False


@dataclass(frozen=True, slots=True)
class DueDate:
    """A computed deadline: when it is due, under which rule, and how it was computed."""

    due_at: datetime.datetime  # end of the last day, Asia/Ho_Chi_Minh, aware
    due_date: datetime.date
    start_date: datetime.date
    rule: RuleSnapshot
    extensions: int
    suspended_days: int  # days that would have counted but the clock was stopped
    weekend_days: int  # weekend days passed over
    holidays: tuple[SkippedHoliday, ...]  # public holidays and swapped days off passed over, in order
    makeup_workdays: tuple[datetime.date, ...]  # weekend days worked (make-up days) that counted
    remind_date: datetime.date  # `rule.remind_before_days` working days before the due date
    explanation: str  # one Vietnamese sentence, for the public
    explanation_en: str
    is_plan: bool = False  # the start is after today: a plan under the rules and day swaps known today
    # The province's rule not yet in force on the start day, that `rule` stands in for (`selectors.INTERIM_RULES`).
    instead_of: RuleSnapshot | None = None

    def explanation_in(self, lang: str) -> str:
        return self.explanation_en if lang.startswith("en") else self.explanation


@dataclass
class _Count:
    """The walk over the calendar, and what it passed over (for the explanation)."""

    calendar: WorkingCalendar
    working_days: bool
    suspended: frozenset[datetime.date]
    suspended_days: int = 0
    weekend_days: int = 0
    holidays: list[SkippedHoliday] = field(default_factory=list)
    makeup_workdays: list[datetime.date] = field(default_factory=list)
    # Calendar days: (last day of the period, next working day) for each last day that was not a working day.
    moves: list[tuple[datetime.date, datetime.date]] = field(default_factory=list)

    def period(self, after: datetime.date, days: int) -> datetime.date:
        """The last day of a period of `days` counted from the day after `after`."""
        counted = 0
        last = after
        for info in self.calendar.days_after(after):
            if counted == days:
                break
            last = info.day
            if self.working_days and not info.is_working:
                self._pass_over(info)
            elif info.day in self.suspended:
                self.suspended_days += 1
            else:
                counted += 1
                if self.working_days and info.reason in (DayReason.MAKEUP_WORKDAY, DayReason.SWAP_WORKING_DAY):
                    self.makeup_workdays.append(info.day)
        nominal_last = last
        while not (info := self.calendar.day(last)).is_working:
            self._pass_over(info)
            last += calendar.ONE_DAY
        if last != nominal_last:
            self.moves.append((nominal_last, last))
        return last

    def _pass_over(self, info: DayInfo) -> None:
        if info.reason == DayReason.WEEKEND:
            self.weekend_days += 1
        else:
            self.holidays.append(
                SkippedHoliday(info.day, info.name_vi, info.name_en, is_day_swap=info.reason == DayReason.SWAP_DAY_OFF)
            )


def compute_due(
    *,
    rule_code: str,
    start: datetime.date | datetime.datetime,
    suspended_days: Iterable[Suspension] = (),
    extensions: int = 0,
    today: datetime.date | None = None,
    plan: bool = False,
) -> DueDate:
    """The due date of rule `rule_code` for a clock started by an event on `start`.

    `start`: the date of the starting event (an aware datetime is taken in Asia/Ho_Chi_Minh); the rule
    version in force on that date applies. `suspended_days`: inclusive (first, last) date periods during which
    the clock was stopped. `extensions`: how many extensions were granted (at most the rule's
    `max_extensions`). `today`: defaults to today in Asia/Ho_Chi_Minh; a start after it is refused, unless
    `plan` (planning: the result is a plan under the rules and day swaps known today) or the rule counts BEFORE
    a scheduled event (a minimum notice, whose event is usually still to come).

    Raises a DeadlineError subclass (RuleNotFound, StartInFuture, TooManyExtensions, InvalidInput).
    """
    try:
        start_date = calendar.local_date(start)
    except ValueError:
        raise InvalidInput(
            f"Thời điểm bắt đầu {start.isoformat()} thiếu múi giờ: hãy truyền ngày, hoặc thời điểm có múi giờ.",
            f"The start {start.isoformat()} has no time zone: pass a date or an aware datetime.",
        ) from None
    today = today or calendar.today()
    if extensions < 0:
        raise InvalidInput(
            f"Số lần gia hạn không được âm (nhận được {extensions}).",
            f"The number of extensions cannot be negative (got {extensions}).",
        )
    in_force, pending = rule_for_clock(rule_code, start_date)
    rule = RuleSnapshot.of(in_force)
    instead_of = RuleSnapshot.of(pending) if pending is not None else None
    if start_date > today and not (plan or rule.counts_before):
        raise StartInFuture(start=start_date, today=today)
    if rule.counts_before:
        return _minimum_notice(rule, start_date, suspended_days=suspended_days, extensions=extensions)
    if extensions > rule.max_extensions:
        raise TooManyExtensions(
            code=rule.code, citation=rule.citation, requested=extensions, allowed=rule.max_extensions
        )
    suspended = _suspended_dates(suspended_days, after=start_date)

    legal_calendar = calendar.get_calendar()
    count = _Count(legal_calendar, working_days=rule.is_working_days, suspended=suspended)
    due_date = count.period(start_date, rule.days)
    for _ in range(extensions):
        due_date = count.period(due_date, rule.extension_days)

    remind_date = max(
        legal_calendar.add_working_days(due_date, -rule.remind_before_days), start_date + calendar.ONE_DAY
    )
    return DueDate(
        due_at=calendar.end_of_day(due_date),
        due_date=due_date,
        start_date=start_date,
        rule=rule,
        extensions=extensions,
        suspended_days=count.suspended_days,
        weekend_days=count.weekend_days,
        holidays=tuple(count.holidays),
        makeup_workdays=tuple(count.makeup_workdays),
        remind_date=remind_date,
        explanation=_explain_vi(due_date, start_date, rule, extensions, count) + _interim_vi(instead_of),
        explanation_en=_explain_en(due_date, start_date, rule, extensions, count) + _interim_en(instead_of),
        is_plan=start_date > today,
        instead_of=instead_of,
    )


def _minimum_notice(
    rule: RuleSnapshot, event: datetime.date, *, suspended_days: Iterable[Suspension], extensions: int
) -> DueDate:
    """The last day a notice may go out, `rule.days` before the scheduled `event` (see the module docstring)."""
    if extensions or list(suspended_days):
        raise InvalidInput(
            f"Quy định «{rule.name_vi}» là thời hạn báo trước một sự việc ({rule.citation}): "
            "không gia hạn, không tạm đình chỉ.",
            f"'{rule.name_en}' is a minimum notice before an event ({rule.citation}): "
            "it has no extension and no suspension.",
        )
    legal_calendar = calendar.get_calendar()
    if rule.is_working_days:
        nominal = legal_calendar.add_working_days(event, -rule.days)
    else:
        nominal = event - datetime.timedelta(days=rule.days)
    last = nominal
    while not legal_calendar.is_working_day(last):
        last -= calendar.ONE_DAY
    remind_date = legal_calendar.add_working_days(last, -rule.remind_before_days)
    return DueDate(
        due_at=calendar.end_of_day(last),
        due_date=last,
        start_date=event,
        rule=rule,
        extensions=0,
        suspended_days=0,
        weekend_days=0,
        holidays=(),
        makeup_workdays=(),
        remind_date=remind_date,
        explanation=_explain_notice_vi(last, nominal, event, rule),
        explanation_en=_explain_notice_en(last, nominal, event, rule),
        is_plan=False,
    )


def _suspended_dates(periods: Iterable[Suspension], *, after: datetime.date) -> frozenset[datetime.date]:
    dates: set[datetime.date] = set()
    for period in periods:
        try:
            first, last = (calendar.local_date(value) for value in period)
        except (TypeError, ValueError):
            raise InvalidInput(
                f"Thời gian tạm đình chỉ {period!r} không hợp lệ: cần một cặp (ngày bắt đầu, ngày kết thúc).",
                f"Suspension {period!r} is invalid: expected a (first day, last day) pair of dates.",
            ) from None
        if last < first:
            raise InvalidInput(
                f"Thời gian tạm đình chỉ kết thúc ngày {last.isoformat()} trước ngày bắt đầu {first.isoformat()}.",
                f"The suspension ends on {last.isoformat()}, before it starts on {first.isoformat()}.",
            )
        day = max(first, after + calendar.ONE_DAY)
        while day <= last:
            dates.add(day)
            day += calendar.ONE_DAY
    return frozenset(dates)


# ---- the explanation ---------------------------------------------------------------------------------------


def _holiday_groups(holidays: list[SkippedHoliday], *, lang: str) -> list[tuple[str, int]]:
    """Holidays passed over, grouped by holiday (all days of Tết together), in calendar order."""
    groups: dict[str, int] = {}
    for holiday in holidays:
        label = _holiday_label(holiday, lang=lang)
        groups[label] = groups.get(label, 0) + 1
    return list(groups.items())


def _holiday_label(holiday: SkippedHoliday, *, lang: str) -> str:
    name_vi = holiday.name_vi.split("; ")[0]
    name_en = holiday.name_en.split("; ")[0]
    if holiday.is_day_swap:
        day = _d(holiday.day)
        return f"nghỉ thêm theo hoán đổi ngày làm việc ({day})" if lang == "vi" else f"off by official day swap ({day})"
    if "Lunar New Year" in name_en:
        return "nghỉ Tết Nguyên Đán" if lang == "vi" else "off for Lunar New Year (Tết)"
    if "substituted" in name_en:
        return (
            "nghỉ hoán đổi " + name_vi.removeprefix("Ngày nghỉ ").strip()
            if lang == "vi"
            else "off in lieu (" + _US_DATE.sub(r"\2/\1/\3", name_en) + ")"
        )
    if lang == "vi":
        name = name_vi.removesuffix(" (nghỉ bù)")
        return "nghỉ lễ " + name.removeprefix("Ngày ") if name.startswith("Ngày ") else "nghỉ " + name
    return "off for " + name_en.removesuffix(" (observed)")


def _join(items: list[str], *, lang: str) -> str:
    conjunction = " và " if lang == "vi" else " and "
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + conjunction + items[-1]


def _unit(rule: RuleSnapshot, count: int, *, lang: str) -> str:
    if lang == "vi":
        return "ngày làm việc" if rule.is_working_days else "ngày"
    kind = "working day" if rule.is_working_days else "calendar day"
    return kind if count == 1 else kind + "s"


def _skipped_vi(count: _Count) -> str:
    parts = [f"{count.weekend_days} ngày cuối tuần"] if count.weekend_days else []
    parts += [f"{days} ngày {label}" for label, days in _holiday_groups(count.holidays, lang="vi")]
    return _join(parts, lang="vi") if parts else ""


def _skipped_en(count: _Count) -> str:
    parts = [f"{count.weekend_days} weekend day{'s' if count.weekend_days > 1 else ''}"] if count.weekend_days else []
    parts += [
        f"{days} day{'s' if days > 1 else ''} {label}" for label, days in _holiday_groups(count.holidays, lang="en")
    ]
    return _join(parts, lang="en") if parts else ""


def _d(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def _basis_vi(rule: RuleSnapshot) -> str:
    return f"theo quy định «{rule.name_vi}» ({rule.citation})"


def _basis_en(rule: RuleSnapshot) -> str:
    return f"under '{rule.name_en}' (legal basis, in Vietnamese: {rule.citation})"


def _explain_vi(due: datetime.date, start: datetime.date, rule: RuleSnapshot, extensions: int, count: _Count) -> str:
    unit = _unit(rule, rule.days, lang="vi")
    text = f"Hạn {_d(due)}: {rule.days} {unit} kể từ ngày tiếp theo ngày {_d(start)}, {_basis_vi(rule)}"
    if extensions:
        added = extensions * rule.extension_days
        text += f", cộng {extensions} lần gia hạn, mỗi lần {rule.extension_days} {unit} (+{added} {unit})"
    if count.suspended_days:
        text += f", đồng hồ dừng {count.suspended_days} {unit} do tạm đình chỉ"
    skipped = _skipped_vi(count)
    if count.moves:
        moves = _join([f"từ {_d(last)} sang {_d(moved)}" for last, moved in count.moves], lang="vi")
        text += (
            f"; ngày cuối cùng rơi vào ngày nghỉ nên chuyển sang ngày làm việc tiếp theo ({moves}), bỏ qua {skipped}"
        )
    elif skipped:
        text += f", bỏ qua {skipped}"
    if count.makeup_workdays:
        days = _join([f"{_WEEKDAYS_VI[day.weekday()]} {_d(day)}" for day in count.makeup_workdays], lang="vi")
        text += f", có tính ngày làm bù {days}"
    return text + "."


def _explain_en(due: datetime.date, start: datetime.date, rule: RuleSnapshot, extensions: int, count: _Count) -> str:
    text = (
        f"Due {_d(due)}: {rule.days} {_unit(rule, rule.days, lang='en')} counted from the day after {_d(start)}, "
        f"{_basis_en(rule)}"
    )
    if extensions:
        text += (
            f", plus {extensions} extension{'s' if extensions > 1 else ''} of {rule.extension_days} "
            f"{_unit(rule, rule.extension_days, lang='en')} each (+{extensions * rule.extension_days})"
        )
    if count.suspended_days:
        text += (
            f", the clock stopped for {count.suspended_days} {_unit(rule, count.suspended_days, lang='en')} "
            "(suspension)"
        )
    skipped = _skipped_en(count)
    if count.moves:
        moves = _join([f"from {_d(last)} to {_d(moved)}" for last, moved in count.moves], lang="en")
        text += f"; a last day falling on a day off moves to the next working day ({moves}), skipping {skipped}"
    elif skipped:
        text += f", skipping {skipped}"
    if count.makeup_workdays:
        days = _join([f"{_WEEKDAYS_EN[day.weekday()]} {_d(day)}" for day in count.makeup_workdays], lang="en")
        text += f", counting the make-up working day{'s' if len(count.makeup_workdays) > 1 else ''} {days}"
    return text + "."


def _interim_vi(instead_of: RuleSnapshot | None) -> str:
    if instead_of is None:
        return ""
    return (
        f" Quy định «{instead_of.name_vi}» chỉ có hiệu lực từ ngày {_d(instead_of.effective_from)}, sau ngày bắt đầu "
        "tính thời hạn, nên áp dụng thời hạn trên."
    )


def _interim_en(instead_of: RuleSnapshot | None) -> str:
    if instead_of is None:
        return ""
    return (
        f" '{instead_of.name_en}' only takes effect on {_d(instead_of.effective_from)}, after the clock started, so "
        "the period above applies."
    )


def _explain_notice_vi(last: datetime.date, nominal: datetime.date, event: datetime.date, rule: RuleSnapshot) -> str:
    unit = _unit(rule, rule.days, lang="vi")
    text = f"Gửi chậm nhất ngày {_d(last)}: ít nhất {rule.days} {unit} trước ngày {_d(event)}, {_basis_vi(rule)}"
    if last != nominal:
        text += f"; ngày {_d(nominal)} là ngày nghỉ nên lùi về ngày làm việc liền trước"
    return text + "."


def _explain_notice_en(last: datetime.date, nominal: datetime.date, event: datetime.date, rule: RuleSnapshot) -> str:
    unit = _unit(rule, rule.days, lang="en")
    text = f"Send by {_d(last)} at the latest: at least {rule.days} {unit} before {_d(event)}, {_basis_en(rule)}"
    if last != nominal:
        text += f"; {_d(nominal)} is a day off, so the notice moves back to the previous working day"
    return text + "."
