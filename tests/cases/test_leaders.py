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
    # The open one is 9 working days late: very overdue only, and it counts against the rate.
    assert (dong_ha["overdue"], dong_ha["very_overdue"], dong_ha["on_time_rate"]) == (0, 1, 0.5)
    assert rows[("gio-linh", "reflection")]["very_overdue"] == 1

    carol = client_for("carol")  # leads Đông Hà only
    assert {r["unit"] for r in carol.get("/api/v1/stats?date_from=2026-11-01&date_to=2026-11-30").json()} == {"dong-ha"}
    assert carol.get("/api/v1/stats?unit=gio-linh").status_code == 400
    assert client_for("alice").get("/api/v1/stats").status_code == 403
    assert henry.get("/api/v1/stats?date_from=2026-12-01&date_to=2026-11-01").json()["errors"]["date_from"]
    page = henry.get("/leaders/?date_from=2026-11-01&date_to=2026-11-30").content.decode()
    assert "Phường Đông Hà" in page and "50%" in page


def step(client, code: str, data: dict) -> None:
    """Complete the one open task of case `code` in this official's inbox."""
    tasks = [t for t in client.get("/api/v1/inbox").json()["results"] if t["reference"] == code]
    assert len(tasks) == 1, tasks
    complete(client, tasks[0], data)


def answer_case(client_for, code: str) -> None:
    step(client_for("alice"), code, {"decision": "accept"})
    step(client_for("carol"), code, {"handler": "bob"})
    step(client_for("bob"), code, {"answer": "Đã xử lý."})
    step(client_for("carol"), code, {"approval": "approve"})


def test_every_case_is_in_exactly_one_bucket_and_open_late_cases_lower_the_on_time_rate(submit, client_for, clock):
    clock.move_to(at("2026-10-20"))
    submit()  # classify due 27 Oct; 11 Nov is 11 working days past it
    clock.move_to(at("2026-11-02"))
    on_time = submit()["tracking_code"]
    answer_case(client_for, on_time)  # answered the same day
    answered_late = submit()["tracking_code"]
    stepped_late = submit()["tracking_code"]
    submit()  # classify due 9 Nov, untouched
    clock.move_to(at("2026-11-11"))
    answer_case(client_for, answered_late)  # classified two working days late, then answered
    step(client_for("alice"), stepped_late, {"decision": "accept"})  # late step done; open, nothing running late
    submit()  # received today: on time
    sweep()  # the worker's phases do not change the figures

    henry = client_for("henry")
    [row] = henry.get("/api/v1/stats?date_from=2026-10-01&date_to=2026-11-30").json()
    buckets = {
        key: row[key] for key in ("answered_on_time", "answered_late", "open_on_time", "overdue", "very_overdue")
    }
    assert buckets == {"answered_on_time": 1, "answered_late": 1, "open_on_time": 1, "overdue": 2, "very_overdue": 1}
    assert sum(buckets.values()) == row["received"] == 6
    assert (row["answered"], row["open"]) == (2, 4)
    assert row["on_time_rate"] == 0.2  # 1 on time out of 2 answered + 3 open and late; the fresh one is undecided

    page = henry.get("/leaders/?date_from=2026-10-01&date_to=2026-11-30").content.decode()
    assert 'id="on-time-rate">20%<' in page
    for label in ("Đã trả lời đúng hạn", "Đã trả lời trễ hạn", "Đang xử lý, trong hạn", "Đang xử lý, quá hạn nhiều"):
        assert label in page


def test_a_case_with_nothing_decided_has_no_rate(submit, client_for, clock):
    submit()
    [row] = client_for("henry").get("/api/v1/stats").json()
    assert (row["open_on_time"], row["overdue"], row["very_overdue"], row["on_time_rate"]) == (1, 0, 0, None)


def test_a_complaint_whose_legal_period_ran_out_is_overdue_then_very_overdue(submit, client_for, clock):
    code = submit(
        petition_type="complaint",
        title="Khiếu nại quyết định xử phạt vi phạm hành chính",
        content="Tôi khiếu nại Quyết định xử phạt số 45/QĐ-XPHC.",
    )["tracking_code"]
    step(client_for("alice"), code, {"decision": "accept", "complexity": "normal"})  # 30 days: due 2 December
    step(client_for("carol"), code, {"handler": "bob"})  # verifying has no deadline of its own

    def figures() -> tuple[int, int, int]:
        henry = client_for("henry")  # a fresh login: sessions last two weeks
        [row] = henry.get("/api/v1/stats?date_from=2026-11-01&date_to=2026-11-30").json()
        return row["open_on_time"], row["overdue"], row["very_overdue"]

    assert figures() == (1, 0, 0)
    clock.move_to(at("2026-12-04"))
    sweep()  # the timer fires: the leader is told, the case stays open with no clock running
    assert figures() == (0, 1, 0)
    clock.move_to(at("2026-12-10"))  # 2 December + 5 working days = 9 December
    assert figures() == (0, 0, 1)
