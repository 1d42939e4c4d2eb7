"""The inbox narrows by kind of case, unit, step, deadline state, assignee and a text over code and title, counts
each filter's options, pages through the rest with the filters kept, and offers claiming only to who may act."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import time_machine
from django.core.cache import cache

from tests.cases.test_journey import complete
from workflows.models import Deadline, DeadlineKind, HumanTask

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
COMPLAINT = {
    "petition_type": "complaint",
    "title": "Khiếu nại quyết định xử phạt vi phạm hành chính",
    "content": "Tôi khiếu nại Quyết định xử phạt số 45/QĐ-XPHC vì không có hành vi lấn chiếm vỉa hè.",
}


def codes(client, **params) -> list[str]:
    response = client.get("/api/v1/inbox", params)
    assert response.status_code == 200, response.json()
    return sorted(t["reference"] for t in response.json()["results"])


def option(page: str, select: str, value: str) -> str:
    """The text of an option of a filter on the inbox page, e.g. "Khiếu nại (1)"."""
    block = page[page.index(f'name="{select}"') :]
    block = block[: block.index("</select>")]
    match = re.search(rf'<option value="{re.escape(value)}"[^>]*>([^<]*)</option>', block)
    assert match, (select, value, block)
    return match.group(1).strip()


def test_each_filter_narrows_the_inbox_and_every_option_says_how_many_it_would_show(submit, client_for):
    henry, alice = client_for("henry"), client_for("alice")  # the provincial leader sees every unit's work
    lamp = submit()["tracking_code"]
    fine = submit(**COMPLAINT)["tracking_code"]
    road = submit(commune="gio-linh", title="Đường liên thôn ngập nước")["tracking_code"]
    assert codes(henry) == sorted([lamp, fine, road])

    assert codes(henry, kind="complaint") == [fine]
    assert codes(henry, unit="gio-linh") == [road]
    assert codes(henry, unit="dong-ha", kind="reflection") == [lamp]
    assert codes(henry, q=fine.lower()) == [fine]  # by code, whatever the case
    assert codes(henry, q="liên thôn") == [road]  # by title
    assert codes(henry, q="liên thôn", unit="dong-ha") == []
    [step] = {t["element_id"] for t in henry.get("/api/v1/inbox", {"kind": "reflection"}).json()["results"]}
    assert codes(henry, step=step, unit="dong-ha") == [lamp]

    complete(alice, henry.get("/api/v1/inbox", {"q": lamp}).json()["results"][0], {"decision": "accept"})
    [fine_task] = alice.get("/api/v1/inbox", {"q": fine}).json()["results"]
    assert alice.post(f"/api/v1/tasks/{fine_task['task_id']}/claim").status_code == 200
    assert codes(alice, assignee="me") == [fine]
    assert codes(alice, assignee="unassigned") == []  # alice sees only Đông Hà's reception: the complaint is hers

    page = henry.get("/inbox/", {"unit": "dong-ha"}).content.decode()
    assert option(page, "kind", "complaint") == "Khiếu nại (1)"  # counted within Đông Hà, the other filter
    assert option(page, "unit", "gio-linh") == "Xã Gio Linh (1)"  # a facet is counted without its own choice
    assert option(page, "unit", "dong-ha") == "Phường Đông Hà (2)"
    assert option(page, "assignee", "me") == "Của tôi (0)"
    assert option(page, "assignee", "unassigned") == "Chưa ai nhận (1)"  # the leader's assign step; fine is claimed
    assert option(page, "deadline", "none") == "Không có hạn (1)"  # the leader's assign step of the lamp
    assert road not in page and lamp in page and fine in page


def test_the_counts_cost_one_query_per_facet_however_many_options(submit, client_for, django_assert_max_num_queries):
    henry = client_for("henry")
    for commune in ("dong-ha", "gio-linh", "dong-ha"):
        submit(commune=commune)
    submit(**COMPLAINT)
    with django_assert_max_num_queries(14):
        page = henry.get("/inbox/", {"q": "Đèn"}).content.decode()
    assert option(page, "unit", "dong-ha") == "Phường Đông Hà (2)" and option(page, "unit", "gio-linh").endswith("(1)")


def test_pages_keep_the_filters_in_their_links(submit, client_for):
    henry = client_for("henry")
    for n in range(26):
        if n % 10 == 0:
            cache.clear()  # the petition form's throttle
        submit()
    submit(**COMPLAINT)
    first = henry.get("/inbox/", {"kind": "reflection"}).content.decode()
    assert "Trang 1/2" in first and "kind=reflection&amp;page=2" in first
    second = henry.get("/inbox/", {"kind": "reflection", "page": 2}).content.decode()
    assert second.count('class="code"') == 1
    api = henry.get("/api/v1/inbox", {"kind": "reflection"}).json()
    assert api["count"] == 26 and len(api["results"]) == 25 and "kind=reflection" in api["next"]


def at(day: str, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=HCM)


def test_the_deadline_filter_picks_the_state_each_row_shows(submit, client_for):
    alice = client_for("alice")
    with time_machine.travel(at("2026-11-02"), tick=False):  # a Monday
        due = {
            "on_time": at("2026-11-30", 17),
            "due_soon": at("2026-11-03", 17),  # one working day left
            "overdue": at("2026-10-30", 17),  # the Friday before
            "very_overdue": at("2026-10-01", 17),
            "none": None,
        }
        code_of = {}
        for state, due_at in due.items():
            code = submit(title=f"Đơn {state}")["tracking_code"]
            code_of[state] = code
            Deadline.objects.filter(instance__reference=code, kind=DeadlineKind.TIMER).delete()
            HumanTask.objects.filter(instance__reference=code).update(due_at=due_at)
        shown = {t["reference"]: t["badge"] for t in alice.get("/api/v1/inbox").json()["results"]}
        assert shown[code_of["due_soon"]] == "due_soon" and shown[code_of["very_overdue"]] == "very_overdue"
        assert shown[code_of["overdue"]] == "overdue" and shown[code_of["on_time"]] == shown[code_of["none"]] == ""
        for state, code in code_of.items():
            assert codes(alice, deadline=state) == [code], state
            assert option(alice.get("/inbox/").content.decode(), "deadline", state).endswith("(1)")
        page = alice.get("/inbox/", {"deadline": "very_overdue"}).content.decode()
        assert '<span class="icon" aria-hidden="true">⛔</span> Quá hạn nhiều' in page  # text and icon, not colour


def test_claim_is_offered_only_to_who_holds_the_step_and_the_api_refuses_the_others(submit, client_for):
    alice, henry, carol = client_for("alice"), client_for("henry"), client_for("carol")
    code = submit()["tracking_code"]
    [task] = alice.get("/api/v1/inbox", {"q": code}).json()["results"]  # a reception officer's step in Đông Hà

    assert "Nhận xử lý" in alice.get("/inbox/").content.decode()
    for leader in (henry, carol):  # they see the step (their units and below) but lack its role
        page = leader.get("/inbox/").content.decode()
        assert code in page and "Nhận xử lý" not in page
        refused = leader.post(f"/api/v1/tasks/{task['task_id']}/claim")
        assert refused.status_code == 403 and refused.json()["code"] == "permission_denied" and refused.json()["detail"]

    claimed = alice.post("/inbox/".replace("/inbox/", f"/tasks/{task['task_id']}/claim/"), {"next": "/inbox/?q=x"})
    assert claimed.status_code == 302 and claimed["Location"] == "/inbox/?q=x"
    assert "Nhận xử lý" not in alice.get("/inbox/").content.decode()  # claimed: nothing left to claim


def test_the_assign_step_offers_only_officials_of_the_assigned_steps_role_in_the_unit(submit, client_for):
    alice, carol = client_for("alice"), client_for("carol")
    code = submit()["tracking_code"]
    [classify] = alice.get("/api/v1/inbox", {"q": code}).json()["results"]
    complete(alice, classify, {"decision": "accept"})
    [assign] = carol.get("/api/v1/inbox", {"q": code, "step": "assign"}).json()["results"]

    page = carol.get(assign["task_url"]).content.decode()
    select = page[page.index('name="handler"') :]
    offered = re.findall(r'<option value="([^"]+)"', select[: select.index("</select>")])
    # The drafting step it assigns is a handling officer's: not the reception officer, not the leader, nor Sở
    # Xây dựng's handling officer.
    assert sorted(offered) == ["bella", "bob"]


def test_the_api_refuses_to_assign_an_official_without_the_assigned_steps_role(submit, client_for):
    alice, carol = client_for("alice"), client_for("carol")
    code = submit()["tracking_code"]
    [classify] = alice.get("/api/v1/inbox", {"q": code}).json()["results"]
    complete(alice, classify, {"decision": "accept"})
    [assign] = carol.get("/api/v1/inbox", {"q": code, "step": "assign"}).json()["results"]

    refused = complete(carol, assign, {"handler": "alice"}, expect=400)  # a reception officer of the unit
    assert refused["code"] == "invalid" and "handler" in refused["errors"]
    complete(carol, assign, {"handler": "bella"})
