"""Deadline rules, versioned by effective date, and the official day swaps of the legal calendar."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from deadlines import calendar
from deadlines.errors import RuleVersionFrozen


class DayKind(models.TextChoices):
    """How a rule counts its days."""

    WORKING = "working", _("ngày làm việc")
    CALENDAR = "calendar", _("ngày theo lịch")


# A provincial rule's citation starts with this until legal staff enter the province's regulation.
PROVINCE_PLACEHOLDER_MARK = "[TỈNH GHI]"


class Direction(models.TextChoices):
    """Which way a rule counts from its event."""

    AFTER = "after", _("sau sự việc (thời hạn phải làm xong)")
    BEFORE = "before", _("trước sự việc (báo trước ít nhất)")


class DeadlineRule(models.Model):
    """One version of a legal time limit (thời hạn), e.g. accepting a complaint within 10 working days.

    Versions are never edited in place once in force: a change in the law is a new row with the same code
    and a later `effective_from`. The version in force on the day the clock starts applies to that case
    (`deadlines.selectors.rule_in_force`).

    Most rules count AFTER an event (accept within 7 working days of receipt). A BEFORE rule is a minimum lead
    time before a scheduled event (notify the dialogue at least 5 days before it): its "start" is the event's
    date and its due date the last day the notice may go out (see `deadlines.services.compute_due`).

    `note` is for legal staff only (an open question about the citation, a reminder of what to fill in); it is
    never shown to the public nor put in an explanation. `set_by_province` marks a rule whose period and
    citation come from the province's own regulation rather than a national text.
    """

    # Changing any of these would silently change due dates already computed from this version.
    FROZEN_FIELDS: ClassVar[tuple[str, ...]] = (
        "code",
        "day_kind",
        "days",
        "max_extensions",
        "extension_days",
        "effective_from",
        "direction",
    )

    code = models.CharField(
        _("mã"),
        max_length=100,
        validators=[
            RegexValidator(
                r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$",
                _("Mã gồm các từ viết thường, nối bằng dấu chấm, ví dụ complaint.accept."),
            )
        ],
        help_text=_("Ví dụ: complaint.accept. Các phiên bản của cùng một quy tắc dùng chung một mã."),
    )
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=255)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=255)
    citation = models.TextField(_("căn cứ pháp lý"), help_text=_("Văn bản, điều, khoản quy định thời hạn này."))
    day_kind = models.CharField(_("cách tính ngày"), max_length=16, choices=DayKind.choices, default=DayKind.WORKING)
    days = models.PositiveIntegerField(_("số ngày"), validators=[MinValueValidator(1)])
    max_extensions = models.PositiveSmallIntegerField(_("số lần gia hạn tối đa"), default=0)
    extension_days = models.PositiveIntegerField(
        _("số ngày mỗi lần gia hạn"), default=0, help_text=_("Tính theo cùng cách tính ngày, sau hạn trước đó.")
    )
    remind_before_days = models.PositiveSmallIntegerField(
        _("nhắc trước (ngày làm việc)"),
        default=2,
        help_text=_("Số ngày làm việc trước hạn để nhắc cán bộ được giao."),
    )
    direction = models.CharField(
        _("chiều tính"),
        max_length=8,
        choices=Direction.choices,
        default=Direction.AFTER,
        help_text=_("«Trước sự việc»: số ngày tối thiểu phải báo trước một sự việc đã lên lịch, ví dụ buổi đối thoại."),
    )
    set_by_province = models.BooleanField(
        _("do tỉnh quy định"),
        default=False,
        help_text=_("Thời hạn và căn cứ theo quy định riêng của tỉnh; cán bộ pháp chế ghi số, ngày, điều của văn bản."),
    )
    note = models.TextField(
        _("ghi chú nội bộ"),
        blank=True,
        help_text=_(
            "Chỉ cán bộ pháp chế xem: câu hỏi còn mở về căn cứ, việc cần làm. Không bao giờ hiển thị cho người dân."
        ),
    )
    effective_from = models.DateField(_("có hiệu lực từ"))
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("quy tắc thời hạn")
        verbose_name_plural = _("quy tắc thời hạn")
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="deadlines_rule_one_version_per_day"),
            models.CheckConstraint(condition=models.Q(days__gte=1), name="deadlines_rule_days_positive"),
            models.CheckConstraint(
                condition=models.Q(max_extensions=0) | models.Q(extension_days__gte=1),
                name="deadlines_rule_extension_has_days",
            ),
            models.CheckConstraint(
                condition=models.Q(direction="after") | models.Q(max_extensions=0),
                name="deadlines_rule_before_has_no_extensions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.days} {self.get_day_kind_display()}, từ {self.effective_from:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            self._check_not_frozen()
        super().save(*args, **kwargs)

    @property
    def is_working_days(self) -> bool:
        return self.day_kind == DayKind.WORKING

    @property
    def awaits_province(self) -> bool:
        """A provincial rule whose citation is still the placeholder seeded by migration 0004."""
        return self.set_by_province and self.citation.startswith(PROVINCE_PLACEHOLDER_MARK)

    @property
    def counts_before(self) -> bool:
        return self.direction == Direction.BEFORE

    @property
    def has_applied(self) -> bool:
        """True once the version is in force: a clock may have started under it, so it is frozen."""
        return self.effective_from is not None and self.effective_from <= calendar.today()

    def clean(self) -> None:
        super().clean()
        if self.max_extensions and not self.extension_days:
            raise ValidationError(
                {"extension_days": _("Quy tắc cho phép gia hạn thì phải ghi số ngày của mỗi lần gia hạn.")}
            )
        if self.direction == Direction.BEFORE and self.max_extensions:
            raise ValidationError(
                {"max_extensions": _("Thời hạn báo trước một sự việc không gia hạn được: để số lần gia hạn là 0.")}
            )
        if self.pk is not None:
            try:
                self._check_not_frozen()
            except RuleVersionFrozen as error:
                raise ValidationError(error.message_vi) from error

    def _check_not_frozen(self) -> None:
        original = DeadlineRule.objects.filter(pk=self.pk).first()
        if original is None or not original.has_applied:
            return
        changed = [name for name in self.FROZEN_FIELDS if getattr(original, name) != getattr(self, name)]
        if changed:
            raise RuleVersionFrozen(
                code=original.code,
                effective_from=original.effective_from,
                fields=changed,
                labels_vi=[str(getattr(self._meta.get_field(name), "verbose_name", name)) for name in changed],
            )


class SwapKind(models.TextChoices):
    DAY_OFF = "day_off", _("ngày nghỉ thêm")
    WORKING_DAY = "working_day", _("ngày làm việc (làm bù)")


class DaySwap(models.Model):
    """An official change to the calendar (hoán đổi ngày nghỉ, ngày làm bù) that overrides the holidays package.

    The government announces swaps each year, sometimes after the package is released; legal staff enter
    them here. Saving or deleting one invalidates the calendar's cache.
    """

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=SwapKind.choices)
    reason = models.CharField(
        _("lý do"), max_length=255, help_text=_("Ví dụ: nghỉ bù dịp Quốc khánh, làm bù thứ Bảy 22/08/2026.")
    )
    legal_basis = models.CharField(
        _("căn cứ"),
        max_length=255,
        blank=True,
        help_text=_("Văn bản cho phép hoán đổi, ví dụ thông báo của Bộ Nội vụ."),
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày sửa"), auto_now=True)

    class Meta:
        verbose_name = _("hoán đổi ngày làm việc")
        verbose_name_plural = _("hoán đổi ngày làm việc")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} — {self.get_kind_display()}: {self.reason}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self._invalidate_calendar()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        self._invalidate_calendar()
        return result

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.date, datetime.date) or not self.kind:
            return
        without_swap = calendar.WorkingCalendar().package_day(self.date)
        if self.kind == SwapKind.DAY_OFF and not without_swap.is_working:
            message = _("Ngày %(date)s đã là ngày nghỉ (%(why)s): chỉ ghi ngày nghỉ thêm vào một ngày làm việc.")
            why = without_swap.name_vi or _("cuối tuần")
            raise ValidationError(
                {"date": ValidationError(message, params={"date": self.date.isoformat(), "why": why})}
            )
        if self.kind == SwapKind.WORKING_DAY and without_swap.is_working:
            message = _("Ngày %(date)s đã là ngày làm việc: chỉ ghi ngày làm bù vào ngày cuối tuần hoặc ngày lễ.")
            raise ValidationError({"date": ValidationError(message, params={"date": self.date.isoformat()})})

    @staticmethod
    def _invalidate_calendar() -> None:
        # Now, for this process (the change is visible to it at once), and again after commit, so that a
        # process that reloaded the swaps in between from the not-yet-committed state reloads once more.
        calendar.invalidate_day_swaps()
        transaction.on_commit(calendar.invalidate_day_swaps)
