"""Errors of the deadline engine, each with the message in Vietnamese and in English.

`str(error)` gives the message in the active language (the request's, via LocaleMiddleware; Vietnamese by
default); `error.message(lang)` picks one explicitly.
"""

from __future__ import annotations

import datetime

from django.utils.translation import get_language

from core.errors import AppError


class DeadlineError(AppError, ValueError):
    """A due date that cannot be computed, and why, in words a legal officer understands."""

    code = "deadline_error"
    status = 400

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_vi, message_en)
        self.message_vi = message_vi
        self.message_en = message_en

    def __str__(self) -> str:
        return self.message(get_language() or "vi")

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang.startswith("en") else self.message_vi


class RuleNotFound(DeadlineError):
    """No version of the rule is in force on the given day: unknown code, or a day before its first version."""

    def __init__(self, *, code: str, on: datetime.date, first_effective_from: datetime.date | None = None) -> None:
        self.code = code
        self.on = on
        self.first_effective_from = first_effective_from
        head_vi = f"Không có quy tắc thời hạn «{code}» có hiệu lực ngày {on.isoformat()}"
        head_en = f"No deadline rule '{code}' in force on {on.isoformat()}"
        if first_effective_from is None:
            super().__init__(
                f"{head_vi}: mã quy tắc này không tồn tại, hãy kiểm tra lại mã trong bảng quy tắc thời hạn.",
                f"{head_en}: there is no rule with this code; check the code against the deadline rule table.",
            )
        else:
            super().__init__(
                f"{head_vi}: phiên bản sớm nhất của quy tắc này chỉ có hiệu lực từ ngày "
                f"{first_effective_from.isoformat()}.",
                f"{head_en}: its earliest version takes effect on {first_effective_from.isoformat()}.",
            )


class StartInFuture(DeadlineError):
    """The clock cannot start on a day that has not come yet."""

    def __init__(self, *, start: datetime.date, today: datetime.date) -> None:
        self.start = start
        self.today = today
        super().__init__(
            f"Ngày bắt đầu tính thời hạn {start.isoformat()} ở tương lai (hôm nay là {today.isoformat()}): "
            "chỉ tính thời hạn cho sự việc đã xảy ra; hãy kiểm tra lại ngày.",
            f"The start date {start.isoformat()} is in the future (today is {today.isoformat()}): "
            "a deadline is computed only from an event that has happened; check the date.",
        )


class TooManyExtensions(DeadlineError):
    """More extensions than the rule allows."""

    def __init__(self, *, code: str, citation: str, requested: int, allowed: int) -> None:
        self.code = code
        self.requested = requested
        self.allowed = allowed
        if allowed == 0:
            limit_vi = f"không cho phép gia hạn ({citation})"
            limit_en = f"allows no extension ({citation})"
        else:
            limit_vi = f"chỉ cho phép gia hạn tối đa {allowed} lần ({citation})"
            limit_en = f"allows at most {allowed} extension{'s' if allowed > 1 else ''} ({citation})"
        super().__init__(
            f"Quy tắc thời hạn «{code}» {limit_vi}, không thể gia hạn {requested} lần.",
            f"Deadline rule '{code}' {limit_en}; {requested} were requested.",
        )


class InvalidInput(DeadlineError):
    """An argument that makes no sense (a negative count, a suspension that ends before it starts, …)."""


class RuleVersionFrozen(DeadlineError):
    """A rule version already in force is never edited in place: legal staff add a new version instead."""

    def __init__(
        self, *, code: str, effective_from: datetime.date, fields: list[str], labels_vi: list[str] | None = None
    ) -> None:
        self.code = code
        self.fields = fields
        super().__init__(
            f"Quy tắc thời hạn «{code}» có hiệu lực từ {effective_from.isoformat()} đã được áp dụng nên không sửa "
            f"được ({', '.join(labels_vi or fields)}); hãy tạo phiên bản mới với ngày hiệu lực mới.",
            f"Deadline rule '{code}' in force since {effective_from.isoformat()} has already applied and cannot be "
            f"edited ({', '.join(fields)}); add a new version with a new effective date.",
        )
