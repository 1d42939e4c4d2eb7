"""The leaders' figures read a tally the engine keeps (`cases.outcomes`): it must always say what the cases say."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command

from cases.models import Outcome, OutcomeTally, Petition
from tests.cases.test_leaders import answer_case, at, step
from workflows import services
from workflows.models import WorkflowInstance

PERIOD = "date_from=2026-10-01&date_to=2026-11-30"


@pytest.fixture
def clock():
    with time_machine.travel(at("2026-11-02"), tick=False) as traveller:
        yield traveller


def tally() -> set[tuple[str, str, datetime.date, int, int, int]]:
    return set(
        OutcomeTally.objects.filter(in_progress__gt=0)
        .union(OutcomeTally.objects.filter(on_time__gt=0), OutcomeTally.objects.filter(late__gt=0))
        .values_list("unit__code", "petition_type", "received_on", "in_progress", "on_time", "late")
    )


def figures(client, unit: str) -> dict:
    rows = [row for row in client.get(f"/api/v1/stats?{PERIOD}").json() if row["unit"] == unit]
    return rows[0] if rows else {}


def test_an_answer_is_counted_once_on_time_or_late_under_the_unit_that_answered(submit, client_for, clock):
    on_time = submit()["tracking_code"]
    late = submit()["tracking_code"]
    answer_case(client_for, on_time)
    clock.move_to(at("2026-11-11"))  # classify was due 9 November
    answer_case(client_for, late)

    outcomes = dict(Petition.objects.values_list("tracking_code", "outcome"))
    assert (outcomes[on_time], outcomes[late]) == (Outcome.ON_TIME, Outcome.LATE)
    row = figures(client_for("henry"), "dong-ha")
    assert (row["received"], row["answered_on_time"], row["answered_late"], row["open"]) == (2, 1, 1, 0)


def test_a_transferred_case_counts_under_the_unit_it_went_to(submit, client_for, clock, org):
    code = submit()["tracking_code"]
    instance = WorkflowInstance.objects.get(reference=code)
    henry = client_for("henry")
    assert figures(henry, "dong-ha")["received"] == 1

    services.transfer_case(instance=instance, user=org.carol, unit=org.gio_linh, reason="Đúng thẩm quyền")

    assert figures(henry, "dong-ha") == {}
    moved = figures(henry, "gio-linh")
    assert (moved["received"], moved["open_on_time"]) == (1, 1)
    drill = henry.get(f"/leaders/cases/?{PERIOD}&unit=gio-linh&exact_unit=1").content.decode()
    assert code in drill


def test_the_recount_finds_what_the_engine_kept(submit, client_for, clock, org):
    submit()
    answered = submit()["tracking_code"]
    answer_case(client_for, answered)
    moved = submit()["tracking_code"]
    services.transfer_case(
        instance=WorkflowInstance.objects.get(reference=moved), user=org.carol, unit=org.gio_linh, reason="Chuyển"
    )
    clock.move_to(at("2026-11-11"))
    step(client_for("alice"), submit()["tracking_code"], {"decision": "accept"})
    kept = tally()
    assert sum(row[3] + row[4] + row[5] for row in kept) == Petition.objects.count() == 4

    OutcomeTally.objects.all().delete()  # lost, say, in a bad restore: the page shows nothing
    assert client_for("henry").get(f"/api/v1/stats?{PERIOD}").json() == []
    call_command("rebuild_outcome_tally", verbosity=0)

    assert tally() == kept


def test_a_row_of_the_table_drills_down_to_its_own_unit_only(submit, client_for, clock, org):
    """A unit with units below it handles cases too: its row's figure and list are its own cases only."""
    from organisation.models import Role, Unit
    from tests.conftest import make_official

    quarter = Unit.objects.create(code="khu-pho-1", name="Khu phố 1", kind="khu phố", parent=org.dong_ha)
    make_official("ivan", quarter, Role.RECEPTION_OFFICER)
    own = submit()["tracking_code"]
    below = submit()["tracking_code"]
    services.transfer_case(
        instance=WorkflowInstance.objects.get(reference=below), user=org.carol, unit=quarter, reason="Đúng địa bàn"
    )
    henry = client_for("henry")
    page = henry.get(f"/leaders/?{PERIOD}").content.decode()
    [received] = [
        link.replace("&amp;", "&")
        for link in re.findall(r'<a href="([^"]+)" data-figure="cell">1</a>', page)
        if "unit=dong-ha" in link and "bucket" not in link
    ]
    listed = henry.get(received).content.decode()
    assert own in listed and below not in listed
