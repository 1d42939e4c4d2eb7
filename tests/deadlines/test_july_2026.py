"""The rule table as of 1 July 2026, as a legal officer would check it: each test is an example of the law.

Sources: ../shared/legal-deadlines.md, section "July 2026" (Law 136/2025/QH15; Decrees 154, 155/2026/NĐ-CP;
Law 64/2025/QH15 as amended by Law 87/2025/QH15; Decree 20/2008/NĐ-CP as amended by Decree 92/2017/NĐ-CP).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from deadlines.errors import InvalidInput, RuleNotFound
from deadlines.models import DaySwap, DeadlineRule, Direction, SwapKind
from deadlines.selectors import rule_in_force, rules_in_force
from deadlines.services import compute_due

pytestmark = pytest.mark.django_db

D = datetime.date
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def today_is_1_december_2026(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=HCM), tick=False)


# ---- complaints -------------------------------------------------------------------------------------------


def test_a_complaint_received_on_30_june_2026_is_accepted_within_10_working_days_one_on_1_july_within_7() -> None:
    # when
    june = compute_due(rule_code="complaint.accept", start=D(2026, 6, 30))
    july = compute_due(rule_code="complaint.accept", start=D(2026, 7, 1))

    # then received Tuesday 30 June: 10 working days, Tuesday 14 July
    assert (june.rule.days, june.due_date) == (10, D(2026, 7, 14))
    # and received Wednesday 1 July: 7 working days (Decree 155/2026), Friday 10 July
    assert (july.rule.days, july.due_date) == (7, D(2026, 7, 10))
    assert july.rule.citation.startswith(
        "Khoản 1 Điều 16 Nghị định số 124/2020/NĐ-CP, được sửa đổi, bổ sung bởi Nghị định số 155/2026/NĐ-CP"
    )
    # first and second instance alike (Art. 27 and Art. 36 of the Complaints Law)
    assert "lần đầu và lần hai" in july.rule.name_vi and "Điều 36" in july.rule.citation


def test_the_complaints_law_is_cited_as_amended_on_the_day_the_clock_started() -> None:
    # when a first-instance complaint is accepted on 30 June 2025, 1 July 2025 and 1 July 2026
    before = compute_due(rule_code="complaint.resolve.first", start=D(2025, 6, 30))
    amended_2025 = compute_due(rule_code="complaint.resolve.first", start=D(2025, 7, 1))
    amended_2026 = compute_due(rule_code="complaint.resolve.first", start=D(2026, 7, 1))

    # then the period stays 30 days and the citation follows the amendments in force on that day
    assert {before.rule.days, amended_2025.rule.days, amended_2026.rule.days} == {30}
    assert "sửa đổi" not in before.rule.citation
    assert "Luật Khiếu nại số 02/2011/QH13, được sửa đổi, bổ sung bởi Luật số 81/2025/QH15 và Luật số 84/2025/QH15" in (
        amended_2025.rule.citation
    )
    assert "và Luật số 136/2025/QH15" in amended_2026.rule.citation
    assert "Luật Tố cáo số 25/2018/QH14" in rule_in_force("denunciation.resolve", D(2026, 7, 1)).citation
    assert "Luật số 136/2025/QH15" in rule_in_force("denunciation.resolve", D(2026, 7, 1)).citation


def test_a_dialogue_on_monday_14_december_2026_is_notified_by_wednesday_9_december() -> None:
    # when the dialogue is scheduled (a date still to come: a minimum notice needs no --plan)
    due = compute_due(rule_code="complaint.dialogue_notice", start=D(2026, 12, 14))

    # then the notice goes out at least 5 days before
    assert due.rule.direction == Direction.BEFORE
    assert due.due_date == D(2026, 12, 9)
    assert due.explanation.startswith("Gửi chậm nhất ngày 09/12/2026: ít nhất 5 ngày trước ngày 14/12/2026")
    assert "Điều 28 Nghị định số 124/2020/NĐ-CP, được sửa đổi, bổ sung bởi Nghị định số 155/2026/NĐ-CP" in (
        due.explanation
    )
    assert due.explanation_en.startswith("Send by 09/12/2026 at the latest: at least 5 calendar days before 14/12/2026")


def test_a_dialogue_notice_due_on_a_saturday_moves_back_to_friday() -> None:
    # when the dialogue is on Thursday 10 December 2026: 5 days before is Saturday 5 December
    due = compute_due(rule_code="complaint.dialogue_notice", start=D(2026, 12, 10))

    # then the notice must go out on Friday 4 December (moving it later would shorten the notice)
    assert due.due_date == D(2026, 12, 4)
    assert "ngày 05/12/2026 là ngày nghỉ nên lùi về ngày làm việc liền trước" in due.explanation


def test_a_dialogue_notice_has_no_extension_nor_suspension() -> None:
    # when / then
    with pytest.raises(InvalidInput) as raised:
        compute_due(
            rule_code="complaint.dialogue_notice",
            start=D(2026, 12, 14),
            suspended_days=[(D(2026, 12, 2), D(2026, 12, 3))],
        )
    assert "không gia hạn, không tạm đình chỉ" in raised.value.message_vi


def test_a_dialogue_before_1_july_2026_has_no_notice_rule() -> None:
    # when / then: the 5-day notice comes with Decree 155/2026
    with pytest.raises(RuleNotFound, match=r"chỉ có hiệu lực từ ngày 2026-07-01"):
        compute_due(rule_code="complaint.dialogue_notice", start=D(2026, 6, 30))


def test_a_suspension_decided_on_friday_27_november_2026_is_sent_by_wednesday_2_december() -> None:
    # when
    due = compute_due(rule_code="complaint.suspension_notice", start=D(2026, 11, 27))

    # then 3 working days: Monday 30 November, Tuesday 1, Wednesday 2 December
    assert due.due_date == D(2026, 12, 2)
    assert "Điều 11a Luật Khiếu nại số 02/2011/QH13" in due.rule.citation
    assert "Điều 28a Nghị định số 124/2020/NĐ-CP" in due.rule.citation


def test_a_complaint_decision_is_sent_within_3_working_days_and_a_second_instance_one_within_7() -> None:
    # when both decisions are issued on Monday 2 November 2026
    first = compute_due(rule_code="complaint.decision_send", start=D(2026, 11, 2))
    second = compute_due(rule_code="complaint.decision_send.second", start=D(2026, 11, 2))

    # then
    assert (first.due_date, "Điều 32" in first.rule.citation) == (D(2026, 11, 5), True)
    assert (second.due_date, "Điều 41" in second.rule.citation) == (D(2026, 11, 11), True)


# ---- denunciations, citizen reception, reflections ------------------------------------------------------


def test_a_denunciation_conclusion_of_monday_2_november_2026_is_acted_on_by_wednesday_11_november() -> None:
    # when
    due = compute_due(rule_code="denunciation.conclusion_handling", start=D(2026, 11, 2))

    # then 7 working days: Tuesday 3 … Friday 6 (4), Monday 9, Tuesday 10, Wednesday 11 November (7)
    assert due.due_date == D(2026, 11, 11)
    assert "Xử lý kết luận nội dung tố cáo" in due.explanation


def test_a_citizen_reception_gets_its_first_outcome_within_10_working_days_under_decree_154_from_july_2026() -> None:
    # when petitions are received at a citizen reception on 30 June and on 1 July 2026
    june = compute_due(rule_code="reception.first_outcome", start=D(2026, 6, 30))
    july = compute_due(rule_code="reception.first_outcome", start=D(2026, 7, 1))

    # then 10 working days each, under Decree 64/2014, then Decree 154/2026 which replaces it
    assert (june.due_date, july.due_date) == (D(2026, 7, 14), D(2026, 7, 15))
    assert "Nghị định số 64/2014/NĐ-CP" in june.rule.citation and "154/2026" not in june.rule.citation
    assert "Nghị định số 154/2026/NĐ-CP (thay thế Nghị định số 64/2014/NĐ-CP)" in july.rule.citation
    assert "thụ lý, không thụ lý (nêu lý do) hoặc chuyển đơn (nêu nơi chuyển)" in july.explanation


def test_reflections_on_administrative_regulations_cite_decree_20_2008_as_amended_by_decree_92_2017() -> None:
    # when
    rule = rule_in_force("reflection.resolve", D(2026, 11, 2))

    # then
    assert rule.citation.startswith("Nghị định số 20/2008/NĐ-CP, được sửa đổi, bổ sung bởi Nghị định số 92/2017/NĐ-CP")
    assert "quy định hành chính" in rule.name_vi
    assert "reflection.resolve.province" in rule.note


def test_other_reflections_follow_a_rule_the_province_sets_and_legal_staff_can_still_edit() -> None:
    # given the provincial rule, seeded with a placeholder and not yet in force
    rule = DeadlineRule.objects.get(code="reflection.resolve.province")
    assert rule.set_by_province and rule.citation.startswith("[TỈNH GHI]")
    assert not rule.has_applied

    # when legal staff enter the province's regulation
    rule.citation = "Điều 10 Quyết định số 12/2025/QĐ-UBND của Ủy ban nhân dân tỉnh: 15 ngày làm việc"
    rule.day_kind, rule.days = "working", 15
    rule.save()

    # then a reflection received once it is in force follows it
    due = compute_due(rule_code="reflection.resolve.province", start=D(2027, 1, 4), plan=True)
    assert (due.rule.days, due.due_date) == (15, D(2027, 1, 25))
    assert "Quyết định số 12/2025/QĐ-UBND" in due.explanation


def test_until_the_provinces_rule_is_in_force_its_clocks_run_on_decree_20_2008_and_say_why() -> None:
    # when a reflection not on administrative regulations is received on Monday 2 November 2026, before the
    # province's rule takes effect on 1 January 2027
    due = compute_due(rule_code="reflection.resolve.province", start=D(2026, 11, 2))

    # then Decree 20/2008's 30 days apply (Wednesday 2 December), and the explanation names the province's rule
    # and its date, never its placeholder citation nor its note
    assert (due.rule.code, due.due_date) == ("reflection.resolve", D(2026, 12, 2))
    assert due.instead_of is not None and due.instead_of.code == "reflection.resolve.province"
    assert "Nghị định số 20/2008/NĐ-CP" in due.explanation
    assert due.explanation.endswith(
        "Quy định «Xử lý phản ánh, kiến nghị (theo quy định của tỉnh)» chỉ có hiệu lực từ ngày 01/01/2027, sau ngày "
        "bắt đầu tính thời hạn, nên áp dụng thời hạn trên."
    )
    assert "[TỈNH GHI]" not in due.explanation and "DO TỈNH QUY ĐỊNH" not in due.explanation
    # and a rule code that names no provincial rule still has no stand-in
    with pytest.raises(RuleNotFound):
        compute_due(rule_code="reception.first_outcome", start=D(2014, 6, 30))


# ---- the Law on Promulgation of Legal Documents 2025 -----------------------------------------------------


def test_law_64_2025_applies_to_drafts_consulted_from_1_april_2025() -> None:
    # when
    march = rule_in_force("draft.consult", D(2025, 3, 31))
    april = rule_in_force("draft.consult", D(2025, 4, 1))
    july = rule_in_force("draft.consult", D(2025, 7, 1))

    # then 60 days under Law 80/2015 until 31 March 2025, at least 20 days under Law 64/2025 from 1 April,
    # cited as amended by Law 87/2025 from 1 July 2025
    assert (march.days, "80/2015/QH13" in march.citation) == (60, True)
    assert (april.days, april.citation.startswith("Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15")) == (
        20,
        True,
    )
    assert "sửa đổi" not in april.citation
    assert "được sửa đổi, bổ sung bởi Luật số 87/2025/QH15" in july.citation
    assert rule_in_force("draft.agency_reply", D(2025, 4, 1)).effective_from == D(2025, 4, 1)


# ---- what legal staff and the public see ------------------------------------------------------------------


def test_no_rule_in_force_asks_to_verify_its_citation() -> None:
    # when
    rules = rules_in_force(D(2026, 12, 1))

    # then an open question is in the internal note, never in the citation or the name
    assert rules
    assert [rule.code for rule in rules if "cần kiểm tra" in rule.citation or "(cần kiểm tra" in rule.name_vi] == []


def test_the_public_explanation_names_the_rule_and_its_citation_never_its_code_nor_its_note() -> None:
    # when every rule in force is computed from Monday 2 November 2026, in both languages
    texts = []
    for rule in rules_in_force(D(2026, 11, 2)):
        due = compute_due(rule_code=rule.code, start=D(2026, 11, 2))
        texts.append((rule, due.explanation_in("vi"), due.explanation_in("en")))

    # then each names the rule and cites it, with dates as dd/mm/yyyy, and says nothing internal
    assert len(texts) >= 20
    for rule, vietnamese, english in texts:
        assert f"«{rule.name_vi}» ({rule.citation})" in vietnamese
        assert f"'{rule.name_en}'" in english
        assert rule.code not in vietnamese and rule.code not in english
        assert not rule.note or rule.note not in vietnamese + english
        assert "02/11/2026" in vietnamese and "2026-11-02" not in vietnamese + english


# ---- the 2026 day swap --------------------------------------------------------------------------------------


def test_the_2026_new_year_swap_is_in_the_table() -> None:
    # when
    swaps = list(DaySwap.objects.filter(date__year=2026).order_by("date"))

    # then
    assert [(swap.date, swap.kind) for swap in swaps] == [
        (D(2026, 1, 2), SwapKind.DAY_OFF),
        (D(2026, 1, 10), SwapKind.WORKING_DAY),
    ]
    assert all("25/12/2025" in swap.legal_basis for swap in swaps)


def test_a_period_crossing_2_january_2026_skips_it_and_counts_saturday_10_january() -> None:
    # when a complaint is received on Tuesday 30 December 2025 (10 working days)
    due = compute_due(rule_code="complaint.accept", start=D(2025, 12, 30))

    # then Wed 31 Dec (1), [Thu 1 Jan New Year, Fri 2 Jan swapped off], Mon 5 – Fri 9 (2–6), Sat 10 (7, worked),
    # Mon 12 (8), Tue 13 (9), Wed 14 January (10)
    assert due.due_date == D(2026, 1, 14)
    assert [(holiday.day, holiday.is_day_swap) for holiday in due.holidays] == [
        (D(2026, 1, 1), False),
        (D(2026, 1, 2), True),
    ]
    assert due.makeup_workdays == (D(2026, 1, 10),)
    assert "1 ngày nghỉ thêm theo hoán đổi ngày làm việc (02/01/2026)" in due.explanation
    assert "có tính ngày làm bù thứ Bảy 10/01/2026" in due.explanation
    assert "1 day off by official day swap (02/01/2026)" in due.explanation_en
    assert "counting the make-up working day Saturday 10/01/2026" in due.explanation_en
