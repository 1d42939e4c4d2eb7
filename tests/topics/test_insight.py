"""Leaders see what people ask about by topic, commune and month, the topics rising this month against the three
before, the units with the most overdue cases, and go from any figure to the petitions behind it."""

from __future__ import annotations

import re
from html import unescape

import pytest
import time_machine

from cases.models import Petition
from tests.cases.test_leaders import at
from topics import tally
from topics.models import TopicTally

PERIOD = "date_from=2026-08-01&date_to=2026-11-30"
WATER = {"title": "Mất nước sinh hoạt", "content": "Khu dân cư mất nước ba ngày, công ty cấp nước không báo."}
ROADS = {"title": "Ổ gà trên quốc lộ", "content": "Mặt đường quốc lộ nhiều ổ gà, xe máy ngã liên tục."}


@pytest.fixture
def cases(submit):
    """Water: one a month in August–October, three in November (rising); roads: three in October, one in
    November (not rising); street lights: one in September."""
    with time_machine.travel(at("2026-08-10"), tick=False) as clock:
        codes = [submit(**WATER)["tracking_code"]]
        clock.move_to(at("2026-09-10"))
        codes.append(submit(**WATER)["tracking_code"])
        submit()
        clock.move_to(at("2026-10-10"))
        submit(commune="gio-linh", **WATER)
        for _ in range(3):
            submit(commune="gio-linh", **ROADS)
        clock.move_to(at("2026-11-10"))
        november = [submit(**WATER)["tracking_code"], submit(**WATER)["tracking_code"]]
        submit(commune="gio-linh", **WATER)
        submit(commune="gio-linh", **ROADS)
        clock.move_to(at("2026-11-20"))
        yield {"november_water": november}


def found(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.S)
    assert match is not None, pattern
    return match.group(1)


def row_cells(page: str, table_id: str, attribute: str, value: str) -> list[int]:
    table = found(rf'(<table[^>]*id="{table_id}".*?</table>)', page)
    row = found(rf'<tr {attribute}="{value}">(.*?)</tr>', table)
    return [int(n) for n in re.findall(r"<td>(?:<a [^>]*>)?(\d+)(?:</a>)?</td>", row)]


def drill_count(client, url: str) -> int:
    return int(found(r'<span id="drill-count">(\d+)</span>', client.get(url).content.decode()))


def test_the_page_counts_by_topic_commune_and_month_and_finds_the_rising_topics(cases, client_for):
    with time_machine.travel(at("2026-11-20"), tick=False):
        page = client_for("henry").get(f"/leaders/insight/?{PERIOD}").content.decode()
    assert found(r'id="insight-total">(\d+)<', page) == "11"
    # Columns: total, then the eleven topics in the taxonomy's order (land, environment, traffic, electricity,
    # water, …).
    assert row_cells(page, "commune-topics", "data-commune", "dong-ha")[:6] == [5, 0, 0, 0, 1, 4]
    assert row_cells(page, "commune-topics", "data-commune", "gio-linh")[:6] == [6, 0, 0, 4, 0, 2]
    rising = found(r'(<section class="card" id="rising".*?</section>)', page)
    assert 'data-topic="water"' in rising and 'data-topic="traffic"' not in rising
    water = found(r'(<tr data-topic="water">.*?</tr>)', rising)
    assert '<td class="rising-average">1,0</td>' in water  # Vietnamese decimal comma
    assert "+200%" in water
    url = found(r'<a href="([^"]+)" class="rising-count">3</a>', water)
    with time_machine.travel(at("2026-11-20"), tick=False):
        assert drill_count(client_for("henry"), unescape(url)) == 3


def test_every_topic_figure_drills_down_to_exactly_its_petitions(cases, client_for):
    henry = client_for("henry")
    with time_machine.travel(at("2026-11-20"), tick=False):
        page = henry.get(f"/leaders/insight/?{PERIOD}").content.decode()
        totals = re.findall(r'<td data-topic="(\w+)"><a href="([^"]+)" class="topic-total">(\d+)</a>', page)
        assert {topic: int(n) for topic, _url, n in totals} == {"traffic": 4, "electricity": 1, "water": 6}
        for _topic, url, n in totals:
            listed = henry.get(unescape(url)).content.decode()
            assert int(found(r'<span id="drill-count">(\d+)</span>', listed)) == int(n)
            assert found(r'id="drill-topic">([^<]+)<', listed)
        # A commune × topic cell.
        table = found(r'(<table[^>]*id="commune-topics".*?</table>)', page)
        row = found(r'<tr data-commune="gio-linh">(.*?)</tr>', table)
        links = re.findall(r'<a href="([^"]+)">(\d+)</a>', row)
        for url, n in links:
            assert drill_count(henry, unescape(url)) == int(n)
        water_drill = henry.get(f"/leaders/cases/?{PERIOD}&topic=water&commune=gio-linh").content.decode()
        assert found(r'<span id="drill-count">(\d+)</span>', water_drill) == "2"
        assert "Ổ gà" not in water_drill
        # An unknown topic is a 400 with the field.
        refused = henry.get(f"/leaders/cases/?{PERIOD}&topic=weather")
        assert refused.status_code == 400 and "topic" in refused.content.decode()


def test_a_correction_moves_the_petition_to_its_topic_in_the_figures(cases, client_for):
    petition = Petition.objects.get(tracking_code=cases["november_water"][0])
    response = client_for("alice").post(f"/api/v1/cases/{petition.pk}/topic", {"topic": "traffic"}, format="json")
    assert response.status_code == 200
    with time_machine.travel(at("2026-11-20"), tick=False):
        page = client_for("henry").get(f"/leaders/insight/?{PERIOD}").content.decode()
    assert row_cells(page, "commune-topics", "data-commune", "dong-ha")[:6] == [5, 0, 0, 1, 1, 3]
    # The tally kept on every write is the one a recount gives.
    kept = set(TopicTally.objects.filter(petitions__gt=0).values_list("month", "unit", "commune", "topic", "petitions"))
    tally.rebuild()
    assert set(TopicTally.objects.values_list("month", "unit", "commune", "topic", "petitions")) == kept


def test_the_units_with_overdue_cases_are_listed_with_their_petitions(cases, client_for):
    henry = client_for("henry")
    with time_machine.travel(at("2026-11-20"), tick=False):
        page = henry.get(f"/leaders/insight/?{PERIOD}").content.decode()
        section = found(r'(<section class="card" id="overdue-units".*?</section>)', page)
        rows = re.findall(r'<tr data-unit="([\w-]+)">(.*?)</tr>', section, re.S)
        assert rows, section
        for _unit, row in rows:
            links = re.findall(r'<a href="([^"]+)">(\d+)</a>', row)
            assert len(links) == 2
            for url, n in links:
                assert drill_count(henry, unescape(url)) == int(n)
        # The same figures as the leaders' page: its overdue total is the sum of the units'.
        leaders = henry.get(f"/leaders/?{PERIOD}").content.decode()
        overdue = int(found(r'quá hạn: <a href="[^"]+" data-figure="total">(\d+)</a>', leaders))
        assert overdue == sum(int(re.findall(r">(\d+)</a>", row)[0]) for _unit, row in rows)


def test_only_leaders_see_it_and_only_of_their_units(cases, client_for):
    assert client_for("alice").get("/leaders/insight/").status_code == 403
    carol = client_for("carol")
    assert carol.get("/leaders/insight/?unit=gio-linh").status_code == 400
    with time_machine.travel(at("2026-11-20"), tick=False):
        page = carol.get(f"/leaders/insight/?{PERIOD}").content.decode()
    assert found(r'id="insight-total">(\d+)<', page) == "5"  # Đông Hà's own
    assert 'data-commune="gio-linh"' not in page
    assert carol.get("/leaders/insight/?date_from=2026-12-01&date_to=2026-11-01").status_code == 400


def test_the_page_reads_in_english(cases, client_for):
    henry = client_for("henry")
    henry.cookies["django_language"] = "en"
    with time_machine.travel(at("2026-11-20"), tick=False):
        page = henry.get(f"/leaders/insight/?{PERIOD}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Water supply" in page and "Topics rising in 2026-11" in page
