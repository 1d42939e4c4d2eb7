"""`manage.py deadline RULE_CODE START_DATE`: the due date of a rule, as the engine computes it.

The first line of the output is the due date (YYYY-MM-DD), so that scripts can read it; the explanation
follows. Bad input is a CommandError with the reason in the language of --lang (exit status 1).

A start date after today is refused unless `--plan` is given: then the result is a plan, computed under the
rules and day swaps known today (a later day swap, a new rule version or the Government's official schedule of
a year whose holidays are still the package's estimate may move it), and a third line says so.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deadlines import calendar
from deadlines.errors import DeadlineError, StartInFuture
from deadlines.services import compute_due


def _parse_date(value: str, *, what_vi: str, what_en: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"{what_vi} «{value}» không hợp lệ: hãy ghi theo dạng NNNN-TT-NN, ví dụ 2026-07-01. / "
            f"Invalid {what_en} '{value}': use YYYY-MM-DD, e.g. 2026-07-01."
        ) from None


class Command(BaseCommand):
    help = "Tính hạn theo quy tắc thời hạn / Compute a due date: deadline RULE_CODE START_DATE"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rule_code", help="Mã quy tắc, ví dụ complaint.accept / rule code")
        parser.add_argument("start_date", help="Ngày xảy ra sự việc (YYYY-MM-DD) / date of the starting event")
        parser.add_argument("--unit", help="Mã đơn vị (dành cho lịch riêng của đơn vị sau này) / unit code")
        parser.add_argument("--extensions", type=int, default=0, help="Số lần gia hạn / number of extensions")
        parser.add_argument(
            "--suspend",
            action="append",
            default=[],
            metavar="FIRST:LAST",
            help="Thời gian tạm đình chỉ, ví dụ 2026-03-02:2026-03-06 (lặp lại được) / a suspension period",
        )
        parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="Ngôn ngữ giải thích / language")
        parser.add_argument(
            "--plan",
            action="store_true",
            help="Lập kế hoạch: cho phép ngày bắt đầu ở tương lai / planning: allow a start date after today",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start = _parse_date(options["start_date"], what_vi="Ngày bắt đầu", what_en="start date")
        unit_code: str | None = options["unit"]
        if unit_code:
            from organisation.models import Unit

            if not Unit.objects.filter(code=unit_code).exists():
                raise CommandError(
                    f"Không có đơn vị có mã «{unit_code}»; hãy kiểm tra mã trong danh mục đơn vị. / "
                    f"No unit with code '{unit_code}'; check the code in the list of units."
                )
        suspensions = [self._parse_suspension(value) for value in options["suspend"]]
        try:
            due = compute_due(
                rule_code=options["rule_code"],
                start=start,
                suspended_days=suspensions,
                extensions=options["extensions"],
                plan=options["plan"],
            )
        except StartInFuture as error:
            hint = {
                "vi": " Để lập kế hoạch cho một ngày ở tương lai, thêm --plan.",
                "en": " To plan for a future date, add --plan.",
            }[options["lang"]]
            raise CommandError(error.message(options["lang"]) + hint) from error
        except DeadlineError as error:
            raise CommandError(error.message(options["lang"])) from error
        self.stdout.write(due.due_date.isoformat())
        self.stdout.write(due.explanation_in(options["lang"]))
        if options["plan"]:
            self.stdout.write(self._plan_note(due.due_date, lang=options["lang"]))

    @staticmethod
    def _plan_note(due_date: datetime.date, *, lang: str) -> str:
        today = calendar.today()
        estimated = calendar.is_estimated_year(due_date.year)
        if lang == "en":
            note = (
                f"This is a plan: computed under the deadline rules and day swaps known today ({today:%d/%m/%Y}); "
                "a new rule version or an official day swap announced later may change it."
            )
            if estimated:
                note += (
                    f" The holidays of {due_date.year} (Tết, National Day) are still the holidays package's estimate."
                )
            return note
        note = (
            "Đây là kế hoạch: tính theo quy tắc thời hạn và lịch hoán đổi ngày làm việc đã biết đến hôm nay "
            f"({today:%d/%m/%Y}); phiên bản quy tắc mới hoặc hoán đổi ngày được công bố sau có thể làm thay đổi kết quả."
        )
        if estimated:
            note += f" Ngày nghỉ Tết, Quốc khánh năm {due_date.year} vẫn là ước tính của gói holidays."
        return note

    @staticmethod
    def _parse_suspension(value: str) -> tuple[datetime.date, datetime.date]:
        first, separator, last = value.partition(":")
        if not separator:
            raise CommandError(
                f"Thời gian tạm đình chỉ «{value}» không hợp lệ: hãy ghi NGÀY-ĐẦU:NGÀY-CUỐI, "
                "ví dụ 2026-03-02:2026-03-06. / "
                f"Invalid suspension '{value}': use FIRST:LAST, e.g. 2026-03-02:2026-03-06."
            )
        what_vi, what_en = "Ngày tạm đình chỉ", "suspension date"
        return _parse_date(first, what_vi=what_vi, what_en=what_en), _parse_date(last, what_vi=what_vi, what_en=what_en)
