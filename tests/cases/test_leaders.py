"""Leaders see what is open, answered on time and overdue, per unit and petition type; the inbox shows
working days left with badges."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.cases.test_journey import complete, only_task
from workflows.sweep import sweep

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=HCM)


def answer(client_for) -> None:
    complete(client_for("alice"), only_task(client_for("alice")), {"decision": "accept"})
    complete(client_for("carol"), only_task(client_for("carol")), {"handler": "bob"})
    complete(client_for("bob"), only_task(client_for("bob")), {"answer": "Đã xử lý."})
    complete(client_for("carol"), only_task(client_for("carol")), {"approval": "approve"})


@pytest.fixture
def clock():
    with time_machine.travel(at("2026-11-02"), tick=False) as traveller:
        yield traveller


def test_the_inbox_counts_working_days_left_and_flags_what_is_late(submit, client_for, clock):
    submit()  # classify is due 9 Nov (5 working days)
    alice = client_for("alice")
    assert (only_task(alice)["working_days_left"], only_task(alice)["badge"]) == (5, "")

    clock.move_to(at("2026-11-06"))  # Friday: 9 Nov is one working day away
    assert (only_task(alice)["working_days_left"], only_task(alice)["badge"]) == (1, "due_soon")
    clock.move_to(at("2026-11-11"))
    assert (only_task(alice)["working_days_left"], only_task(alice)["badge"]) == (-2, "overdue")
    clock.move_to(at("2026-11-17"))
    alice = client_for("alice")  # a fresh login: sessions last two weeks
    assert only_task(alice)["badge"] == "very_overdue"
    page = alice.get("/inbox/").content.decode()
    assert "Quá hạn nhiều" in page


def test_leaders_see_on_time_and_overdue_figures_per_unit(submit, client_for, clock):
    submit()
    answer(client_for)  # answered the same day: on time
    submit()
    submit(commune="gio-linh")
    clock.move_to(at("2026-11-20"))
    sweep()

    henry = client_for("henry")  # leads the province: sees both communes
    rows = {
        (r["unit"], r["petition_type"]): r
        for r in henry.get("/api/v1/stats?date_from=2026-11-01&date_to=2026-11-30").json()
    }
    dong_ha = rows[("dong-ha", "reflection")]
    assert (dong_ha["received"], dong_ha["answered"], dong_ha["answered_on_time"], dong_ha["open"]) == (2, 1, 1, 1)
    assert (dong_ha["overdue"], dong_ha["very_overdue"], dong_ha["on_time_rate"]) == (1, 1, 1.0)
    assert rows[("gio-linh", "reflection")]["overdue"] == 1

    carol = client_for("carol")  # leads Đông Hà only
    assert {r["unit"] for r in carol.get("/api/v1/stats?date_from=2026-11-01&date_to=2026-11-30").json()} == {"dong-ha"}
    assert carol.get("/api/v1/stats?unit=gio-linh").status_code == 400
    assert client_for("alice").get("/api/v1/stats").status_code == 403
    assert henry.get("/api/v1/stats?date_from=2026-12-01&date_to=2026-11-01").json()["errors"]["date_from"]
    page = henry.get("/leaders/?date_from=2026-11-01&date_to=2026-11-30").content.decode()
    assert "Phường Đông Hà" in page and "100%" in page
