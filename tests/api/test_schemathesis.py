"""Schemathesis over the whole API, against a live server with the demo data: every answer, as an anonymous
citizen and as an official, is documented (status, content type, body shape) and none is a server error.

Bounded and deterministic: a few examples per operation, derandomized, no shrinking, no example database.
Each operation is tried with generated path parameters (mostly unknown objects) and with objects that exist,
so the answers checked include real 200s, not only 404s.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bpmn import services as bpmn_services
from cases.models import Petition
from consultation.models import Comment, CommentStatus, Consultation
from workflows.models import HumanTask, ProcessVersion

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 4
CSRF_TOKEN = "schemathesis0csrf0token000000000"  # any 32 characters: the cookie and the header must agree
OFFICIAL = "lanhdao.tinh"  # the province's leader: sees every unit's cases, reads the process models


def known_objects() -> dict[str, Any]:
    """Path parameters naming objects of the demo data, so that operations get past their 404."""
    version = ProcessVersion.objects.filter(process_key="reflection").order_by("-number").first()
    assert version is not None
    draft = bpmn_services.create_draft(author=_user("phapche"), based_on=version)  # the demo's legal officer
    petition = Petition.objects.exclude(workflow=None).order_by("pk").first()
    consultation = Consultation.objects.exclude(published_at=None).order_by("-opens_on").first()
    comment = Comment.objects.filter(status=CommentStatus.PUBLISHED).order_by("pk").first()
    task = HumanTask.objects.open().order_by("pk").first()
    assert petition and consultation and comment and task
    deadline = petition.workflow.deadlines.order_by("pk").first()
    return {
        "code": petition.tracking_code,
        "id": petition.pk,
        "task_id": str(task.task_id),
        "docket_id": consultation.reference,
        "document_id": consultation.versions.order_by("-number").first().document_id,  # type: ignore[union-attr]
        "comment_id": comment.comment_id,
        "process_key": version.process_key,
        "number": version.number,
        "draft": draft.pk,
        "deadline": deadline.pk if deadline else 1,
    }


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def path_parameters(path: str, known: dict[str, Any]) -> dict[str, Any]:
    wanted = {name: value for name, value in known.items() if "{" + name + "}" in path}
    if "{id}" in path:  # the one name for several kinds of object
        wanted["id"] = (
            known["draft"] if "/bpmn/" in path else known["deadline"] if "/deadlines/" in path else known["id"]
        )
    return wanted


def probe(
    operation: Any, *, base_url: str, fixed: dict[str, Any], cookies: dict[str, str], headers: dict[str, str]
) -> str:
    """Run the examples of one operation; the failures found, as text ("" if none)."""

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=operation.as_strategy(path_parameters=fixed or None))
    def run(case: Any) -> None:
        response = case.call(base_url=base_url, headers=headers, cookies=cookies)
        case.validate_response(response, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as failure:  # every failure of every operation is reported at the end
        return f"{operation.label}: {failure}"
    return ""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps seeded rules, as the others do
def test_every_answer_of_the_api_is_documented_and_none_is_a_server_error(live_server: Any) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    known = known_objects()
    browser = Client()
    browser.force_login(_user(OFFICIAL))
    official = {
        "cookies": {"sessionid": browser.cookies["sessionid"].value, "csrftoken": CSRF_TOKEN},
        "headers": {"X-CSRFToken": CSRF_TOKEN},
    }
    anonymous: dict[str, dict[str, str]] = {"cookies": {}, "headers": {}}

    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    failures = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # every operation of the schema can be tested
        operation = result.ok()
        fixed = path_parameters(operation.path, known)
        public = {} in operation.definition.raw.get("security", [{}])
        for who in (anonymous, official):
            tries = [{}, fixed] if fixed else [{}]
            if who is anonymous and not public:  # a 403 whatever the path: one round is enough
                tries = tries[-1:]
            for parameters in tries:
                failures.append(probe(operation, base_url=live_server.url, fixed=parameters, **who))
    failures = [failure for failure in failures if failure]
    assert not failures, "\n\n".join(failures)
