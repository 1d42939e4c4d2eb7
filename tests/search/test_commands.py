"""`search_reindex` rebuilds from the database; `search_check` names the drift and fails on it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Petition
from search.backends.base import SearchQuery


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_reindex_builds_the_index_from_every_public_petition(backend, make_petition):
    make_petition(title="Rác thải ở chợ")
    make_petition(title="Rác thải ven sông")
    make_petition(title="Rác chưa công khai", published_at=None)

    assert "Indexed 2 documents" in run("search_reindex")

    assert backend.search(SearchQuery(text="rac")).total == 2
    assert "No drift" in run("search_check")


def test_reindex_drops_what_is_no_longer_public(backend, make_petition):
    petition = make_petition(title="Rác")
    run("search_reindex")
    Petition.objects.filter(pk=petition.pk).update(publish_consent=False)  # no outbox row: drift

    run("search_reindex")

    assert backend.stored_versions() == {}


def test_check_names_missing_stale_and_extra_documents_and_fails(backend, make_petition):
    kept, changed, withdrawn = (make_petition(title=title) for title in ("Giữ", "Sửa", "Rút"))
    run("search_reindex")
    Petition.objects.filter(pk=changed.pk).update(title="Đã sửa")
    Petition.objects.filter(pk=withdrawn.pk).update(published_at=None)
    added = make_petition(title="Mới")

    out = StringIO()
    with pytest.raises(CommandError, match="drifts from the database by 3 documents") as error:
        call_command("search_check", stdout=out)

    assert error.value.returncode == 1
    report = out.getvalue()
    assert f"missing: petition:{added.pk}" in report
    assert f"stale: petition:{changed.pk}" in report
    assert f"extra: petition:{withdrawn.pk}" in report
    assert f"petition:{kept.pk}" not in report
