"""Leaders go from any figure to the petitions behind it, download the table and a list as CSV or XLSX (no
personal data, only their units), and see the figures by month in charts fed by the same numbers."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
import time_machine
from openpyxl import load_workbook

from tests.cases.test_leaders import answer_case, at, step
from workflows.sweep import sweep

PERIOD = "date_from=2026-10-01&date_to=2026-11-30"
BUCKETS = ("answered_on_time", "answered_late", "open_on_time", "overdue", "very_overdue")
PERSONAL = ("Nguyễn Văn An", "0912 345 678", "an.nguyen@example.vn", "120 Lê Duẩn")


@pytest.fixture
def clock():
    with time_machine.travel(at("2026-11-02"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def cases(submit, client_for, clock) -> None:
    """Đông Hà: one case in each bucket and one more overdue (October and November); Gio Linh: one case."""
    clock.move_to(at("2026-10-20"))
    submit()  # very overdue by 11 Nov
    clock.move_to(at("2026-11-02"))
    on_time = submit()["tracking_code"]
    answer_case(client_for, on_time)
    answered_late = submit()["tracking_code"]
    stepped_late = submit()["tracking_code"]
    submit()
    submit(commune="gio-linh", title="Ổ gà trên quốc lộ 1")
    clock.move_to(at("2026-11-11"))
    answer_case(client_for, answered_late)
    step(client_for("alice"), stepped_late, {"decision": "accept"})
    submit()
    sweep()


def found(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.S)
    assert match is not None, pattern
    return match.group(1)


def drill_links(page: str) -> list[tuple[str, int]]:
    """(url, figure) of every figure link of the leaders' table."""
    return [(unescape(url), int(n)) for url, n in re.findall(r'<a href="([^"]+)" data-figure="cell">(\d+)</a>', page)]


def drill_count(client, url: str) -> int:
    page = client.get(url).content.decode()
    return int(found(r'<span id="drill-count">(\d+)</span>', page))


def test_every_figure_links_to_exactly_its_petitions(cases, client_for):
    henry = client_for("henry")
    page = henry.get(f"/leaders/?{PERIOD}").content.decode()
    links = drill_links(page)
    assert {found(r"bucket=(\w+)", url) for url, _ in links if "bucket=" in url} == set(BUCKETS)
    for url, figure in links:
        assert drill_count(henry, url) == figure, url
    # The totals line links too, and the five buckets' lists together are the received list.
    totals = dict(
        (unescape(url).split("bucket=")[-1] if "bucket=" in url else "received", int(n))
        for url, n in re.findall(r'<a href="([^"]+)" data-figure="total">(\d+)</a>', page)
    )
    assert totals == {
        "received": 7,
        "answered_on_time": 1,
        "answered_late": 1,
        "open_on_time": 1,
        "overdue": 3,  # with Gio Linh's
        "very_overdue": 1,
    }
    assert sum(drill_count(henry, f"/leaders/cases/?{PERIOD}&bucket={key}") for key in BUCKETS) == 7


def test_a_drill_down_shows_only_the_leaders_units_and_no_contacts(cases, client_for):
    carol = client_for("carol")  # leads Đông Hà only
    page = carol.get(f"/leaders/cases/?{PERIOD}").content.decode()
    assert "Ổ gà trên quốc lộ 1" not in page and "Xã Gio Linh" not in page
    assert drill_count(carol, f"/leaders/cases/?{PERIOD}") == 6
    assert carol.get(f"/leaders/cases/?{PERIOD}&unit=gio-linh").status_code == 400
    assert client_for("alice").get(f"/leaders/cases/?{PERIOD}").status_code == 403
    for name in PERSONAL[:3]:
        assert name not in page


def test_the_charts_data_add_up_to_the_table(cases, client_for):
    henry = client_for("henry")
    page = henry.get(f"/leaders/?{PERIOD}").content.decode()
    data = json.loads(found(r'<script id="leaders-chart-data" type="application/json">(.*?)</script>', page))
    assert data["months"] == ["2026-10", "2026-11"]
    table = henry.get(f"/api/v1/stats?{PERIOD}").json()
    for key in ("received", *BUCKETS):
        for unit in ("dong-ha", "gio-linh"):
            assert sum(r[key] for r in data["unit_rows"] if r["unit"] == unit) == sum(
                r[key] for r in table if r["unit"] == unit
            ), (key, unit)
    october = [r for r in data["unit_rows"] if r["month"] == "2026-10"]
    assert [(r["unit"], r["received"], r["very_overdue"]) for r in october] == [("dong-ha", 1, 1)]
    # The text alternative of the charts: the monthly figures as a table, and labelled canvases.
    assert 'id="monthly-figures"' in page and 'role="img"' in page
    # A month's figure drills down too.
    assert drill_count(henry, f"/leaders/cases/?{PERIOD}&month=2026-10") == 1


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    if disposition.endswith('.xlsx"'):
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_hold_the_figures_of_the_leaders_units_and_no_personal_data(cases, client_for, fmt):
    carol = client_for("carol")
    table = rows_of(carol.get(f"/leaders/?{PERIOD}&export={fmt}"))
    header, *body = table
    assert header[:3] == ["Mã đơn vị", "Đơn vị", "Loại đơn"]
    assert [row[0] for row in body] == ["dong-ha"]  # never Gio Linh, which Carol does not lead
    api = carol.get(f"/api/v1/stats?{PERIOD}").json()[0]
    assert [int(v) for v in body[0][3:9]] == [api[key] for key in ("received", *BUCKETS)]

    listing = rows_of(carol.get(f"/leaders/cases/?{PERIOD}&bucket=overdue&export={fmt}"))
    header, *body = listing
    assert header == ["Mã tra cứu", "Tiêu đề", "Loại đơn", "Đơn vị", "Tiếp nhận lúc", "Trạng thái"]
    assert len(body) == api["overdue"] == 2
    assert {row[3] for row in body} == {"Phường Đông Hà"}
    everything = rows_of(carol.get(f"/leaders/cases/?{PERIOD}&export={fmt}"))
    assert len(everything) - 1 == 6
    text = repr(table) + repr(everything)
    for personal in PERSONAL:
        assert personal not in text
    assert "Ổ gà trên quốc lộ 1" not in text

    henry = rows_of(client_for("henry").get(f"/leaders/cases/?{PERIOD}&export={fmt}"))
    assert len(henry) - 1 == 7  # the province's leader sees both communes


def test_the_leaders_page_queries_do_not_grow_with_units_or_months(cases, client_for):
    """Aggregated in SQL: one grouped query for the table and one for the charts, whatever the units seen."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(username: str) -> int:
        client = client_for(username)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/leaders/?{PERIOD}").status_code == 200
        return len(captured.captured_queries)

    assert queries("henry") == queries("carol")  # four units and two months against one unit


def test_the_table_comes_a_page_at_a_time_and_the_totals_cover_every_page(cases, client_for, monkeypatch):
    from cases import views

    monkeypatch.setattr(views, "TABLE_ROWS", 1)
    henry = client_for("henry")
    first = henry.get(f"/leaders/?{PERIOD}").content.decode()
    second = henry.get(f"/leaders/?{PERIOD}&page=2").content.decode()
    assert "Trang 1/2" in first and "Trang 2/2" in second
    row = "<td>{}</td><td>Phản ánh</td>"
    assert row.format("Phường Đông Hà") in first and row.format("Phường Đông Hà") not in second
    assert row.format("Xã Gio Linh") in second
    # The totals line (and the rate) are the same on every page: the whole period's.
    totals = r'id="on-time-rate">(.*?)</p>'
    assert found(totals, first) == found(totals, second)
