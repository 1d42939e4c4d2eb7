"""A denouncer's identity is sealed: only the handling lane of the handling unit sees it."""

from __future__ import annotations

from cases.models import Petition
from workflows.models import ProcessBinding


def test_only_handling_officers_see_who_denounced(submit, client_for, public):
    ProcessBinding.objects.get_or_create(subject_type="denunciation", defaults={"process_key": "reflection"})
    code = submit(petition_type="denunciation", petitioner_name="Trần Văn Tố", petitioner_phone="0909 888 777")[
        "tracking_code"
    ]
    case_id = Petition.objects.get(tracking_code=code).pk

    seen_by = {}
    for name in ("alice", "bob", "carol", "henry"):
        body = client_for(name).get(f"/api/v1/cases/{case_id}").content.decode()
        seen_by[name] = "Trần Văn Tố" in body or "0909 888 777" in body
    assert seen_by == {"alice": False, "bob": True, "carol": False, "henry": False}
    assert "Trần Văn Tố" not in public.get(f"/api/v1/petitions/{code}").content.decode()
    page = client_for("carol").get(f"/cases/{case_id}/").content.decode()
    assert "Trần Văn Tố" not in page and "Được giữ bí mật" in page
