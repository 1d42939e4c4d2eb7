"""Two officers joining the same petition at the same moment: one wins, the other gets a clean 409 and nothing
of theirs is written."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from cases import groups
from cases.models import OutcomeTally, Petition
from organisation.models import Role
from tests.cases.test_groups import CULVERT, NEIGHBOUR, THIRD
from tests.conftest import make_official
from workflows.models import CaseEvent


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_joining_at_the_same_moment_make_one_join_and_one_conflict(submit: Any, org: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent joins need PostgreSQL (the tests' in-memory SQLite locks tables at once)")
    first = Petition.objects.get(tracking_code=submit(**CULVERT)["tracking_code"])
    second = Petition.objects.get(tracking_code=submit(**THIRD)["tracking_code"])
    member = Petition.objects.get(tracking_code=submit(**NEIGHBOUR)["tracking_code"])
    make_official("anna", org.dong_ha, Role.RECEPTION_OFFICER)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def join(username: str, into: Petition) -> None:
        try:
            start.wait()
            groups.join_petition(
                petition=Petition.objects.get(pk=member.pk),
                into=Petition.objects.get(pk=into.pk),
                user=get_user_model().objects.get(username=username),
            )
            outcomes.append("joined")
        except groups.GroupConflict as error:
            assert error.status == 409
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=join, args=("alice", first)),
        threading.Thread(target=join, args=("anna", second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["conflict", "joined"]
    member.refresh_from_db()
    assert member.joined_to_id in (first.pk, second.pk)
    assert CaseEvent.objects.filter(kind="petition_joined").count() == 1
    assert CaseEvent.objects.filter(kind="joined").count() == 1
    assert sum(OutcomeTally.objects.values_list("joined", flat=True)) == 1
