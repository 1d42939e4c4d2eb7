"""One error base (`core.errors.AppError`: code, status, detail, errors) and one DRF exception handler serve
every app: each app's errors come back in the one JSON shape, with their HTTP status."""

from __future__ import annotations

import uuid

import pytest

from bpmn.services import DraftInvalid
from cases.services import IntakeError
from consultation import errors as consultation_errors
from core.errors import AppError, api_exception_handler
from deadlines.errors import DeadlineError
from workflows.forms import FormErrors
from workflows.services import Conflict, NotAllowed, StepFailed
from workflows.validation import BpmnError

KINDS = [
    (IntakeError({"title": "Bắt buộc"}), 400, "invalid", {"title": "Bắt buộc"}),
    (FormErrors({"decision": "Bắt buộc"}), 400, "invalid", {"decision": "Bắt buộc"}),
    (Conflict("Đã có người xử lý / already done"), 409, "conflict", None),
    (NotAllowed("Không được phép / not allowed"), 403, "permission_denied", None),
    (StepFailed("Lỗi / failed", element_id="g1", reason="x"), 409, "step_failed", None),
    (consultation_errors.WrongStage("Sai giai đoạn / wrong stage"), 409, "wrong_stage", None),
    (consultation_errors.InvalidInput({"body": "Bắt buộc"}), 400, "invalid", {"body": "Bắt buộc"}),
    (DeadlineError("Không tính được hạn", "no due date"), 400, "deadline_error", None),
    (
        DraftInvalid([BpmnError(element_id="t1", reason="no lane")]),
        400,
        "bpmn_invalid",
        [{"element_id": "t1", "reason": "no lane", "line": None}],
    ),
]


@pytest.mark.parametrize(("error", "status", "code", "errors"), KINDS, ids=lambda value: type(value).__name__)
def test_every_app_error_shares_the_base_and_the_one_shape(error, status, code, errors):
    assert isinstance(error, AppError)
    response = api_exception_handler(error, {})
    assert response is not None
    assert response.status_code == status == error.status
    assert response.data["code"] == code == error.code
    assert response.data["detail"] == error.detail and response.data["detail"]
    assert response.data.get("errors") == errors


def test_api_errors_of_several_kinds_come_back_in_the_one_shape(public, client_for, submit):
    # invalid input of a petition (field by field)
    refused = public.post("/api/v1/petitions", {"petition_type": "reflection", "title": ""}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid" and refused.json()["detail"] and refused.json()["errors"]
    # a task that is not there, or not one's own
    missing = client_for("alice").get(f"/api/v1/tasks/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found" and missing.json()["detail"]
    # an action without logging in
    anonymous = public.get("/api/v1/inbox")
    assert anonymous.status_code in (401, 403)
    assert set(anonymous.json()) == {"code", "detail"}
