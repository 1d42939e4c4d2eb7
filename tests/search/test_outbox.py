"""The outbox: changes are queued with their transaction, drained in bulk with versions, retried while the
engine is down, and never lost."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from cases.search_projections import PetitionProjection
from search import outbox, projection
from search.backends.base import SearchQuery, SearchUnavailable
from search.models import OutboxEntry
from search.text import sanitize_query


def found(backend, text):
    return sorted(hit.title for hit in backend.search(SearchQuery(text=sanitize_query(text))).results)


def test_a_change_that_rolls_back_queues_nothing(backend, make_petition):
    petition = make_petition()
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue("petition", petition.pk)
        raise RuntimeError("the change failed")

    assert outbox.pending() == 0


def test_an_unknown_kind_is_refused_in_the_callers_transaction(db):
    with pytest.raises(LookupError, match="no-such-kind"):
        outbox.enqueue("no-such-kind", 1)


def test_the_worker_indexes_queued_changes_in_bulk_and_empties_the_outbox(backend, make_petition):
    petitions = [make_petition(title=f"Đèn đường số {n}") for n in range(3)]
    for petition in petitions:
        outbox.enqueue("petition", petition.pk)
    outbox.enqueue("petition", petitions[0].pk)  # changed twice: indexed once, at the newer version

    out = StringIO()
    call_command("run_search_worker", "--once", stdout=out)

    assert "indexed 3" in out.getvalue()
    assert outbox.pending() == 0
    assert len(found(backend, "den duong")) == 3


def test_on_the_databases_own_backend_a_change_is_searchable_right_after_commit(
    backend, make_petition, django_capture_on_commit_callbacks, settings
):
    settings.SEARCH_DRAIN_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=True):
        petition = make_petition(title="Cây đổ chắn đường")
        outbox.enqueue("petition", petition.pk)

    assert found(backend, "cay do") == ["Cây đổ chắn đường"]
    assert outbox.pending() == 0


def test_without_drain_on_commit_the_change_waits_for_the_worker(
    backend, make_petition, django_capture_on_commit_callbacks, settings
):
    settings.SEARCH_DRAIN_ON_COMMIT = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outbox.enqueue("petition", make_petition(title="Cây đổ").pk)

    assert callbacks == []
    assert found(backend, "cay do") == []
    outbox.drain_all()
    assert found(backend, "cay do") == ["Cây đổ"]


def test_a_failing_index_after_commit_never_fails_the_users_request(
    backend, make_petition, django_capture_on_commit_callbacks, settings, monkeypatch
):
    settings.SEARCH_DRAIN_ON_COMMIT = True
    monkeypatch.setattr(backend, "index", lambda documents: (_ for _ in ()).throw(RuntimeError("boom")))
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue("petition", make_petition().pk)

    assert outbox.pending() == 1  # left for the worker


def down(*args, **kwargs):
    raise SearchUnavailable("connection refused")


def test_outage_changes_wait_are_retried_with_backoff_and_none_is_lost(
    backend, answer_through_the_journey, monkeypatch
):
    monkeypatch.setattr(backend, "index", down)
    monkeypatch.setattr(backend, "delete", down)
    for n in range(3):  # publishing the answer queues the petition in the outbox, in the case's transaction
        answer_through_the_journey(title=f"Ổ gà trên đường số {n}")

    with pytest.raises(CommandError, match="unavailable"):
        call_command("run_search_worker", "--once", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("search_check", stdout=StringIO())

    assert outbox.pending() == 3
    rows = list(OutboxEntry.objects.all())
    assert all(row.attempts == 1 and "connection refused" in row.last_error for row in rows)
    assert all(row.available_at > timezone.now() for row in rows)  # backing off

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=1.5)):
        assert outbox.drain_all().unavailable  # still down: the rows wait longer
    assert {row.attempts for row in OutboxEntry.objects.all()} == {2}

    monkeypatch.undo()  # the engine is back
    assert outbox.drain_all().claimed == 0  # not due yet: backoff is respected
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10)):
        call_command("run_search_worker", "--once", stdout=StringIO())

    assert outbox.pending() == 0
    assert len(found(backend, "o ga")) == 3
    out = StringIO()
    call_command("search_check", stdout=out)
    assert "No drift" in out.getvalue()


def test_an_older_change_drained_late_never_overwrites_a_newer_one(backend, make_petition):
    petition = make_petition(title="Bản đầu")
    older = outbox.enqueue("petition", petition.pk)
    stale_document = PetitionProjection().documents({str(petition.pk): older.pk})[str(petition.pk)]
    petition.title = "Bản sửa"
    petition.save()
    newer = outbox.enqueue("petition", petition.pk)

    outbox.drain(ids=[newer.pk])  # a second worker is faster
    backend.index([stale_document])  # the first worker, which read the old state, writes at last

    assert backend.stored_versions() == {f"petition:{petition.pk}": newer.pk}
    assert found(backend, "ban") == ["Bản sửa"]


def test_two_workers_never_claim_the_same_rows(backend, make_petition, monkeypatch):
    for n in range(4):
        outbox.enqueue("petition", make_petition(title=f"Đèn {n}").pk)
    _, claimed = outbox._claim(limit=2, now=timezone.now(), ids=None)
    _, other = outbox._claim(limit=10, now=timezone.now(), ids=None)

    assert len(claimed) == 2 and len(other) == 2
    assert not {row.pk for row in claimed} & {row.pk for row in other}

    later = timezone.now() + outbox.LEASE + datetime.timedelta(seconds=1)
    _, reclaimed = outbox._claim(limit=10, now=later, ids=None)  # a worker died holding them
    assert len(reclaimed) == 4


def test_a_kind_whose_projection_fails_is_retried_without_holding_back_the_others(backend, make_petition, monkeypatch):
    class Broken(PetitionProjection):
        kind = "broken"

        def documents(self, versions):
            raise ValueError("a bug")

    monkeypatch.setattr(projection, "_registry", {**projection.projections(), "broken": Broken()})
    petition = make_petition(title="Đèn hỏng")
    outbox.enqueue("broken", 1)
    outbox.enqueue("petition", petition.pk)

    result = outbox.drain()

    assert (result.indexed, result.failed) == (1, 1)
    assert found(backend, "den") == ["Đèn hỏng"]
    [row] = OutboxEntry.objects.all()
    assert row.kind == "broken" and "a bug" in row.last_error and row.attempts == 1


def test_backoff_doubles_up_to_a_ceiling():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert outbox.backoff(50).total_seconds() == outbox.MAX_BACKOFF_SECONDS


def test_an_answer_published_through_the_journey_is_searchable_at_once(
    backend, answer_through_the_journey, django_capture_on_commit_callbacks, settings
):
    settings.SEARCH_DRAIN_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=True):
        answer_through_the_journey(title="Nắp cống bị vỡ trước chợ Đông Hà")

    assert found(backend, "nap cong dong ha") == ["Nắp cống bị vỡ trước chợ Đông Hà"]
