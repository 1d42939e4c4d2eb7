"""Changes to the settings officials rely on are kept with who and when, and shown in the admin; legal staff
keep the deadline rules and day swaps in /admin/deadlines/ (README, "Who does what")."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client

from deadlines.models import DaySwap, DeadlineRule
from organisation.models import Role, Unit
from tests.conftest import PASSWORD, make_official

pytestmark = pytest.mark.django_db

FUTURE = datetime.date(2031, 1, 1)


@pytest.fixture
def phapche(org):
    """A legal-staff official as `seed_demo` makes one: staff, in the legal_staff group."""
    user = make_official("phapche_t", org.province, Role.LEGAL_STAFF)
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="legal_staff"))
    return user


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def a_rule() -> DeadlineRule:
    return DeadlineRule.objects.create(
        code="test.history",
        name_vi="Quy tắc thử",
        name_en="Test rule",
        citation="Điều 1",
        days=10,
        effective_from=FUTURE,
    )


def rule_form(rule: DeadlineRule, **changes: object) -> dict[str, object]:
    form = {
        "code": rule.code,
        "name_vi": rule.name_vi,
        "name_en": rule.name_en,
        "citation": rule.citation,
        "note": rule.note,
        "direction": rule.direction,
        "day_kind": rule.day_kind,
        "days": rule.days,
        "max_extensions": rule.max_extensions,
        "extension_days": rule.extension_days,
        "remind_before_days": rule.remind_before_days,
        "effective_from": rule.effective_from.isoformat(),
    }
    if rule.set_by_province:
        form["set_by_province"] = "on"
    return form | changes


def test_legal_staff_change_a_rule_in_the_admin_and_its_history_names_them(phapche):
    rule = a_rule()
    client = login(phapche)
    page = client.get(f"/admin/deadlines/deadlinerule/{rule.pk}/change/")
    assert page.status_code == 200
    assert 'name="days"' in page.content.decode()  # editable: not in force yet

    saved = client.post(f"/admin/deadlines/deadlinerule/{rule.pk}/change/", rule_form(rule, days=15, citation="Điều 2"))
    assert saved.status_code == 302, saved.content.decode()[:2000]

    rule.refresh_from_db()
    assert rule.days == 15
    latest, created = rule.history.all()[:2]  # type: ignore[attr-defined]
    assert (latest.history_type, latest.history_user, latest.days) == ("~", phapche, 15)
    assert (created.history_type, created.days) == ("+", 10)
    assert [change.field for change in latest.diff_against(created).changes] == ["citation", "days"]

    history = client.get(f"/admin/deadlines/deadlinerule/{rule.pk}/history/")
    assert history.status_code == 200
    assert "phapche_t" in history.content.decode()


def test_legal_staff_add_a_day_swap_and_it_is_kept_with_who_and_when(phapche):
    client = login(phapche)
    added = client.post(
        "/admin/deadlines/dayswap/add/",
        {"date": "2031-05-02", "kind": "day_off", "reason": "Nghỉ bù", "legal_basis": "Thông báo của Bộ Nội vụ"},
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    swap = DaySwap.objects.get(date=datetime.date(2031, 5, 2))
    [record] = swap.history.all()  # type: ignore[attr-defined]
    assert record.history_user == phapche and record.history_type == "+"
    assert abs(record.history_date - swap.created_at) < datetime.timedelta(seconds=5)


def test_legal_staff_get_no_other_admin_page(phapche, org):
    client = login(phapche)
    assert client.get("/admin/deadlines/").status_code == 200
    assert client.get(f"/admin/organisation/unit/{org.province.pk}/change/").status_code == 403
    assert client.get("/admin/open311/apikey/").status_code == 403


def test_a_unit_renamed_by_an_administrator_is_in_its_history(admin_client, admin_user, org):
    unit = org.dong_ha
    form = {"code": unit.code, "name": "Phường Đông Hà (mới)", "kind": unit.kind, "parent": unit.parent_id or ""}
    form |= {"is_commune": "on"} if unit.is_commune else {}
    form |= {"is_remote": "on"} if unit.is_remote else {}
    form |= {"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}
    response = admin_client.post(f"/admin/organisation/unit/{unit.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    latest = Unit.objects.get(pk=unit.pk).history.first()  # type: ignore[attr-defined]
    assert (latest.name, latest.history_user) == ("Phường Đông Hà (mới)", admin_user)
    assert admin_client.get(f"/admin/organisation/unit/{unit.pk}/history/").status_code == 200


def test_every_watched_model_keeps_its_history():
    from history.models import WATCHED

    names = {f"{model._meta.app_label}.{model.__name__}" for model in WATCHED}
    assert names == {
        "organisation.Unit",
        "organisation.Membership",
        "deadlines.DeadlineRule",
        "deadlines.DaySwap",
        "workflows.ProcessBinding",
        "cases.AnswerTemplate",
        "documents.DocumentForm",
        "open311.ApiKey",
    }
    assert all(hasattr(model, "history") for model in WATCHED)


def test_the_migration_gives_existing_legal_staff_the_group_and_the_admin(org):
    lawyer = make_official("luatsu", org.province, Role.LEGAL_STAFF)
    clerk = make_official("vanthu", org.province, Role.RECEPTION_OFFICER)
    migration = importlib.import_module("deadlines.migrations.0006_legal_staff_group")
    migration.forwards(apps, None)
    lawyer.refresh_from_db()
    clerk.refresh_from_db()
    assert lawyer.is_staff and lawyer.groups.filter(name="legal_staff").exists()
    assert not clerk.is_staff and not clerk.groups.exists()
    assert lawyer.has_perm("deadlines.change_deadlinerule") and lawyer.has_perm("deadlines.add_dayswap")
