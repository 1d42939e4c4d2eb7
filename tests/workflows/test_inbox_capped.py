"""A provincial leader's inbox (100,000 open steps) counts no further than `INBOX_COUNT_CAP`: the page and the API
say "more than", the pages go as far as the cap, and a facet over more tasks lists its options without counts,
never with partial ones; a narrower list is counted exactly."""

from __future__ import annotations

import pytest

from tests.workflows.test_inbox_filters import COMPLAINT, option
from workflows import selectors


@pytest.fixture
def cap_of_two(monkeypatch):
    monkeypatch.setattr(selectors, "INBOX_COUNT_CAP", 2)


def test_past_the_cap_the_counts_say_more_than_and_narrower_lists_are_exact(cap_of_two, submit, client_for):
    henry = client_for("henry")  # the provincial leader sees every unit's work
    submit()
    submit()
    fine = submit(**COMPLAINT)["tracking_code"]
    road = submit(commune="gio-linh", title="Đường liên thôn ngập nước")["tracking_code"]

    api = henry.get("/api/v1/inbox").json()
    assert (api["count"], api["count_capped"], len(api["results"])) == (2, True, 2)
    assert henry.get("/api/v1/inbox", {"unit": "gio-linh"}).json()["count_capped"] is False

    page = henry.get("/inbox/").content.decode()
    assert "Hơn 2 việc: các trang chỉ đi đến 2 việc có hạn gần nhất" in page
    assert option(page, "unit", "gio-linh") == "Xã Gio Linh"  # 4 tasks to count: no count rather than a wrong one
    assert option(page, "kind", "complaint") == "Khiếu nại"
    assert "Lựa chọn nào không kèm số lượng là vì có hơn 2 việc để đếm." in page

    narrow = henry.get("/inbox/", {"q": road}).content.decode()  # one task: every count is exact
    assert option(narrow, "unit", "gio-linh") == "Xã Gio Linh (1)" and option(narrow, "kind", "reflection").endswith(
        "(1)"
    )
    assert "Hơn" not in narrow and "không kèm số lượng" not in narrow
    assert fine not in narrow
