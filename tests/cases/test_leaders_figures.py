"""The leaders' figures come from one grouped query: the table is the sum of the monthly rows, months are local."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.test_leaders import at
from tests.cases.test_leaders_drilldown import BUCKETS, found


@pytest.fixture
def clock():
    with time_machine.travel(at("2026-11-02"), tick=False) as traveller:
        yield traveller


def test_the_leaders_page_reads_the_clocks_once_for_the_table_and_the_charts(submit, client_for, clock):
    """The table and the charts share one grouped query (the clocks of 1,000,000 cases are read once, not twice)."""
    submit()
    henry = client_for("henry")
    with CaptureQueriesContext(connection) as captured:
        assert henry.get("/leaders/?date_from=2026-10-01&date_to=2026-11-30").status_code == 200
    reading_clocks = [query for query in captured.captured_queries if "workflows_deadline" in query["sql"]]
    assert len(reading_clocks) == 1


def test_a_petition_received_just_after_local_midnight_counts_in_its_local_month(submit, client_for, clock):
    clock.move_to(at("2026-11-01", 0))  # 31 October 17:00 UTC
    submit()
    clock.move_to(at("2026-11-02"))
    henry = client_for("henry")
    page = henry.get("/leaders/?date_from=2026-11-01&date_to=2026-11-30").content.decode()
    data = json.loads(found(r'<script id="leaders-chart-data" type="application/json">(.*?)</script>', page))
    assert data["months"] == ["2026-11"]
    assert [(row["month"], row["unit"], row["received"], row["open_on_time"]) for row in data["unit_rows"]] == [
        ("2026-11", "dong-ha", 1, 1)
    ]
    table = henry.get("/api/v1/stats?date_from=2026-11-01&date_to=2026-11-30").json()
    assert [(row["unit"], row["received"]) for row in table] == [("dong-ha", 1)]
    assert sum(row[key] for row in table for key in BUCKETS) == 1
    # The day before (local) holds nothing.
    assert henry.get("/api/v1/stats?date_from=2026-10-01&date_to=2026-10-31").json() == []
