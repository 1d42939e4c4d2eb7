"""The admin pages legal staff use to read rule versions and enter day swaps."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from deadlines.selectors import rule_in_force
from deadlines.services import compute_due

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.deadlines.admin_urls")]

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_it_lists_the_rule_versions_and_marks_the_one_in_force(
    admin_client: Client, time_machine: time_machine.TimeMachineFixture
) -> None:
    # given
    time_machine.move_to(datetime.datetime(2026, 11, 1, 9, tzinfo=HCM), tick=False)

    # when
    response = admin_client.get(reverse("admin:deadlines_deadlinerule_changelist"), {"q": "complaint.accept"})

    # then every version is listed (the 2011 law, as amended in 2025, Decree 155/2026), the 2026 one in force
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [(rule.effective_from, rule.current_version_pk == rule.pk) for rule in rows] == [
        (datetime.date(2026, 7, 1), True),
        (datetime.date(2025, 7, 1), False),
        (datetime.date(2012, 7, 1), False),
    ]


def test_it_shows_a_rule_in_force_read_only_with_a_link_to_a_new_version(
    admin_client: Client, time_machine: time_machine.TimeMachineFixture
) -> None:
    # given
    time_machine.move_to(datetime.datetime(2026, 11, 1, 9, tzinfo=HCM), tick=False)
    rule = rule_in_force("complaint.accept", datetime.date(2026, 7, 1))

    # when
    response = admin_client.get(reverse("admin:deadlines_deadlinerule_change", args=[rule.pk]))

    # then
    assert response.status_code == 200
    assert 'name="days"' not in response.content.decode()
    assert "Tạo phiên bản mới từ phiên bản này" in response.content.decode()
    assert "2012-07-01" in response.content.decode()


def test_it_shows_the_day_swaps(admin_client: Client) -> None:
    # when
    response = admin_client.get(reverse("admin:deadlines_dayswap_changelist"))

    # then
    assert response.status_code == 200


def test_it_moves_due_dates_when_legal_staff_add_a_day_off(
    admin_client: Client, time_machine: time_machine.TimeMachineFixture
) -> None:
    # given a reflection received on Monday 12 October 2026 is due Monday 19 October
    time_machine.move_to(datetime.datetime(2026, 11, 1, 9, tzinfo=HCM), tick=False)
    assert compute_due(rule_code="reflection.transfer", start=datetime.date(2026, 10, 12)).due_date == datetime.date(
        2026, 10, 19
    )

    # when legal staff enter Friday 16 October as an extra day off
    response = admin_client.post(
        reverse("admin:deadlines_dayswap_add"),
        {"date": "2026-10-16", "kind": "day_off", "reason": "Nghỉ thêm", "legal_basis": "Thông báo 1/TB-UBND"},
    )

    # then it is due on Tuesday 20 October
    assert response.status_code == 302
    assert compute_due(rule_code="reflection.transfer", start=datetime.date(2026, 10, 12)).due_date == datetime.date(
        2026, 10, 20
    )


def test_it_tells_legal_staff_when_a_day_off_is_already_a_holiday(admin_client: Client) -> None:
    # when
    response = admin_client.post(
        reverse("admin:deadlines_dayswap_add"),
        {"date": "2026-09-02", "kind": "day_off", "reason": "Quốc khánh", "legal_basis": ""},
    )

    # then
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["date"] == [
        "Ngày 2026-09-02 đã là ngày nghỉ (Quốc khánh): chỉ ghi ngày nghỉ thêm vào một ngày làm việc."
    ]


def test_it_warns_legal_staff_while_the_provincial_reflection_rule_awaits_its_citation(
    admin_client: Client, time_machine: time_machine.TimeMachineFixture
) -> None:
    # given
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=HCM), tick=False)

    # when
    page = admin_client.get(reverse("admin:deadlines_deadlinerule_changelist")).content.decode()

    # then
    assert (
        "Quy tắc «Xử lý phản ánh, kiến nghị (theo quy định của tỉnh)» (reflection.resolve.province, từ 01/01/2027)"
        in (page)
    )


def test_it_shows_a_rule_s_internal_note_to_legal_staff(
    admin_client: Client, time_machine: time_machine.TimeMachineFixture
) -> None:
    # given
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=HCM), tick=False)
    rule = rule_in_force("draft.consult", datetime.date(2025, 10, 1))

    # when
    page = admin_client.get(reverse("admin:deadlines_deadlinerule_change", args=[rule.pk])).content.decode()

    # then
    assert "Phiên bản này được tạo với ngày hiệu lực sai (01/10/2025)" in page
