"""Deadline rules: the seeded table, versions by effective date, and the invariants the models keep."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from deadlines.errors import RuleNotFound, RuleVersionFrozen
from deadlines.models import DayKind, DaySwap, DeadlineRule, SwapKind
from deadlines.selectors import rule_in_force, rules_in_force

pytestmark = pytest.mark.django_db

D = datetime.date
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_it_seeds_the_rules_of_the_reference_table() -> None:
    # when
    rules = {rule.code: rule for rule in rules_in_force(D(2026, 11, 1))}

    # then
    expected = {
        "complaint.accept": (DayKind.WORKING, 7),
        "complaint.resolve.first": (DayKind.CALENDAR, 30),
        "complaint.resolve.first.complex": (DayKind.CALENDAR, 45),
        "complaint.resolve.second": (DayKind.CALENDAR, 45),
        "complaint.resolve.second.complex": (DayKind.CALENDAR, 60),
        "denunciation.classify": (DayKind.WORKING, 7),
        "denunciation.classify.complex": (DayKind.WORKING, 10),
        "denunciation.resolve": (DayKind.CALENDAR, 30),
        "reception.result": (DayKind.WORKING, 10),
        "reflection.transfer": (DayKind.WORKING, 5),
        "reflection.resolve": (DayKind.CALENDAR, 30),
        "draft.consult": (DayKind.CALENDAR, 20),
        "draft.agency_reply": (DayKind.CALENDAR, 15),
        "grassroots.publish": (DayKind.WORKING, 5),
    }
    assert {code: (rules[code].day_kind, rules[code].days) for code in expected} == expected
    assert (rules["denunciation.resolve"].max_extensions, rules["denunciation.resolve"].extension_days) == (2, 30)
    assert all(rule.citation for rule in rules.values())
    assert "complaint.suspend" not in rules


def test_it_picks_the_version_in_force_on_the_start_day() -> None:
    # when / then
    assert rule_in_force("complaint.accept", D(2026, 6, 30)).days == 10
    assert rule_in_force("complaint.accept", D(2026, 7, 1)).days == 7
    assert rule_in_force("draft.consult", D(2025, 3, 31)).days == 60
    assert rule_in_force("draft.consult", D(2025, 4, 1)).days == 20


def test_it_names_the_first_effective_date_when_a_rule_is_not_yet_in_force() -> None:
    # when
    with pytest.raises(RuleNotFound) as raised:
        rule_in_force("denunciation.resolve", D(2018, 12, 31))

    # then
    assert str(raised.value) == (
        "Không có quy tắc thời hạn «denunciation.resolve» có hiệu lực ngày 2018-12-31: phiên bản sớm nhất của quy "
        "tắc này chỉ có hiệu lực từ ngày 2019-01-01."
    )
    with translation.override("en"):
        assert str(raised.value) == (
            "No deadline rule 'denunciation.resolve' in force on 2018-12-31: its earliest version takes effect on "
            "2019-01-01."
        )


def test_it_refuses_to_edit_a_rule_version_already_in_force(time_machine: time_machine.TimeMachineFixture) -> None:
    # given
    time_machine.move_to(datetime.datetime(2026, 11, 1, 9, tzinfo=HCM), tick=False)
    rule = rule_in_force("complaint.accept", D(2026, 7, 1))

    # when
    rule.days = 5
    with pytest.raises(RuleVersionFrozen) as raised:
        rule.save()

    # then
    assert "hãy tạo phiên bản mới" in raised.value.message_vi
    assert "(days)" in raised.value.message_en
    assert DeadlineRule.objects.get(pk=rule.pk).days == 7


def test_it_lets_legal_staff_fix_a_citation_of_a_rule_in_force(time_machine: time_machine.TimeMachineFixture) -> None:
    # given
    time_machine.move_to(datetime.datetime(2026, 11, 1, 9, tzinfo=HCM), tick=False)
    rule = rule_in_force("complaint.accept", D(2026, 7, 1))

    # when
    rule.citation = "Điều 27 Luật Khiếu nại 2011; Nghị định 155/2026/NĐ-CP"
    rule.save()

    # then
    assert DeadlineRule.objects.get(pk=rule.pk).citation == "Điều 27 Luật Khiếu nại 2011; Nghị định 155/2026/NĐ-CP"


def test_it_lets_legal_staff_edit_a_version_not_yet_in_force(time_machine: time_machine.TimeMachineFixture) -> None:
    # given a version that takes effect next year
    time_machine.move_to(datetime.datetime(2026, 11, 1, 9, tzinfo=HCM), tick=False)
    rule = DeadlineRule.objects.create(
        code="complaint.accept",
        name_vi="Thụ lý khiếu nại",
        name_en="Accept a complaint",
        citation="Dự kiến",
        day_kind=DayKind.WORKING,
        days=6,
        effective_from=D(2027, 1, 1),
    )

    # when
    rule.days = 5
    rule.save()

    # then
    assert rule_in_force("complaint.accept", D(2027, 1, 1)).days == 5


def test_it_requires_extension_days_for_a_rule_with_extensions() -> None:
    # given
    rule = DeadlineRule(
        code="denunciation.resolve",
        name_vi="Giải quyết tố cáo",
        name_en="Resolve a denunciation",
        citation="Điều 30 Luật Tố cáo 2018",
        day_kind=DayKind.CALENDAR,
        days=30,
        max_extensions=2,
        extension_days=0,
        effective_from=D(2030, 1, 1),
    )

    # when
    with pytest.raises(ValidationError) as raised:
        rule.full_clean()

    # then
    assert "extension_days" in raised.value.message_dict


def test_it_refuses_a_day_swap_that_changes_nothing() -> None:
    # given Wednesday 2 September 2026 is already a holiday (National Day)
    swap = DaySwap(date=D(2026, 9, 2), kind=SwapKind.DAY_OFF, reason="Nghỉ Quốc khánh")

    # when
    with pytest.raises(ValidationError) as raised:
        swap.full_clean()

    # then
    assert raised.value.message_dict["date"] == [
        "Ngày 2026-09-02 đã là ngày nghỉ (Quốc khánh): chỉ ghi ngày nghỉ thêm vào một ngày làm việc."
    ]


def test_it_refuses_extensions_on_a_minimum_notice_before_an_event() -> None:
    # given a rule counted before a scheduled event, with an extension
    rule = DeadlineRule(
        code="complaint.dialogue_notice",
        name_vi="Thông báo đối thoại",
        name_en="Notice of the dialogue",
        citation="Điều 28 Nghị định 124/2020/NĐ-CP",
        day_kind=DayKind.CALENDAR,
        days=5,
        direction="before",
        max_extensions=1,
        extension_days=5,
        effective_from=D(2030, 1, 1),
    )

    # when
    with pytest.raises(ValidationError) as raised:
        rule.full_clean()

    # then
    assert raised.value.message_dict["max_extensions"] == [
        "Thời hạn báo trước một sự việc không gia hạn được: để số lần gia hạn là 0."
    ]
