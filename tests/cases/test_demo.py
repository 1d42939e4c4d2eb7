"""The demo works for every role: each unit that can receive a petition has officials in every lane, two legal
officers can publish a process between them, and names read in Vietnamese order."""

from __future__ import annotations

import subprocess
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from cases.models import Petition
from cases.services import submit_petition
from organisation.models import Membership, Role, Unit
from organisation.names import official_name, split_full_name
from workflows.selectors import inbox


def test_seed_demo_gives_every_unit_all_its_lanes_and_two_legal_officers(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)

    lanes: set[str] = {Role.RECEPTION_OFFICER, Role.HANDLING_OFFICER, Role.UNIT_LEADER}
    for unit in Unit.objects.all():
        roles = set(Membership.objects.filter(unit=unit, user__is_active=True).values_list("role", flat=True))
        assert lanes <= roles, f"{unit.name} lacks {lanes - roles}"
    legal = Membership.objects.filter(role=Role.LEGAL_STAFF).values_list("user__username", flat=True)
    assert len(set(legal)) >= 2
    for username in ("tiepnhan.namdongha", "tiepnhan.camlo", "phapche2"):
        assert username in out.getvalue()
    lawyer = Client()
    lawyer.force_login(get_user_model().objects.get(username="phapche2"))
    assert lawyer.get("/admin/deadlines/deadlinerule/").status_code == 200  # the README sends legal staff there


def test_a_petition_to_a_commune_of_the_demo_reaches_an_official_there(db):
    call_command("seed_demo", stdout=StringIO())
    for code, reception in (("phuong-nam-dong-ha", "tiepnhan.namdongha"), ("xa-cam-lo", "tiepnhan.camlo")):
        petition = submit_petition(
            petition_type="reflection",
            title="Ổ gà trên đường liên thôn",
            content="Đường liên thôn có nhiều ổ gà lớn.",
            commune=Unit.objects.get(code=code),
            petitioner_name="Nguyễn Văn An",
            petitioner_phone="0912 345 678",
        ).petition
        official = get_user_model().objects.get(username=reception)
        assert [task.instance_id for task in inbox(official)] == [petition.workflow_id]
    assert Petition.objects.count() == 12  # 8 demo petitions, the Zalo and e-mail cases (channels' demos), these two


def test_seed_demo_adds_missing_officials_to_a_demo_loaded_before(db):
    call_command("seed_demo", stdout=StringIO())
    get_user_model().objects.filter(username__in=["tiepnhan.camlo", "phapche2"]).delete()
    call_command("seed_demo", stdout=StringIO())
    assert get_user_model().objects.filter(username__in=["tiepnhan.camlo", "phapche2"]).count() == 2
    assert Petition.objects.count() == 10  # the demo petitions (8, the Zalo and e-mail cases) are not loaded twice


def test_names_read_family_name_first(db):
    User = get_user_model()
    last, first = split_full_name("Trần Thị Bình")
    binh = User(username="binh", first_name=first, last_name=last)
    assert (last, first) == ("Trần Thị", "Bình")
    assert official_name(binh) == "Trần Thị Bình"
    assert official_name(User(username="nobody")) == "nobody"


def test_the_task_page_lists_officials_family_name_first(db):
    call_command("seed_demo", stdout=StringIO())
    leader = Client()
    leader.force_login(get_user_model().objects.get(username="lanhdao.dongha"))
    petition = Petition.objects.get(title="Rác thải tồn đọng tại chợ Đông Hà")
    reception = Client()
    reception.force_login(get_user_model().objects.get(username="tiepnhan.dongha"))
    task = petition.workflow.tasks.open().get()
    reception.post(f"/tasks/{task.task_id}/", {"decision": "accept", "lock_version": petition.workflow.lock_version})
    assign = petition.workflow.tasks.open().get()
    page = leader.get(f"/tasks/{assign.task_id}/").content.decode()
    assert "Trần Văn Minh" in page and "Minh Trần Văn" not in page


def test_make_run_serves_on_the_port_given():
    makefile = Path(settings.BASE_DIR) / "Makefile"
    planned = subprocess.run(  # noqa: S603 - fixed arguments; -n prints the commands without running them
        ["make", "-n", "-f", str(makefile), "-C", str(makefile.parent), "run", "PORT=8080"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "runserver 127.0.0.1:8080" in planned
