"""The OpenAPI schema (`/api/schema/`) says what each operation takes and answers, errors included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema() -> dict[str, Any]:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return dict(response.json())


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, item in schema["paths"].items() for method, op in item.items()]


def component(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    return dict(schema["components"]["schemas"][ref.rsplit("/", 1)[-1]])


def body_of(schema: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    return component(schema, op["requestBody"]["content"]["application/json"]["schema"]["$ref"])


def answer_of(schema: dict[str, Any], op: dict[str, Any], status: str = "200") -> dict[str, Any]:
    found = op["responses"][status]["content"]["application/json"]["schema"]
    if found.get("type") == "array":
        found = found["items"]
    return component(schema, found["$ref"]) if "$ref" in found else dict(found)


def test_it_generates_the_schema_without_a_warning(tmp_path: Path) -> None:
    GENERATOR_STATS.reset()
    # Raises on any warning (--fail-on-warn) or on an invalid OpenAPI document (--validate).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    written = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    assert len(operations(written)) >= 53


def test_each_operation_documents_its_own_request_body(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    petition = body_of(schema, paths["/api/v1/petitions"]["post"])
    assert {"petition_type", "commune", "petitioner_name"} <= set(petition["properties"])
    comment = body_of(schema, paths["/api/v1/comments"]["post"])
    assert {"docket_id", "commenter_kind", "text"} <= set(comment["properties"])
    completion = body_of(schema, paths["/api/v1/tasks/{task_id}/complete"]["post"])
    assert set(completion["properties"]) == {"form", "lock_version"}
    draft = body_of(schema, paths["/api/v1/bpmn/drafts"]["post"])
    assert set(draft["properties"]) == {"based_on", "process_key", "name"}
    # Before, all of these were one component, "Input", with the fields of whichever was seen first.
    bodies = [
        next(iter(op["requestBody"]["content"].values()))["schema"]["$ref"]
        for _method, _path, op in operations(schema)
        if "requestBody" in op
    ]
    shared = {ref for ref in bodies if bodies.count(ref) > 1}
    assert shared <= {"#/components/schemas/Reason", "#/components/schemas/Note"}  # shared on purpose


def test_the_units_list_documents_units(schema: dict[str, Any]) -> None:
    page = answer_of(schema, schema["paths"]["/api/v1/units"]["get"])
    unit = component(schema, page["properties"]["results"]["items"]["$ref"])
    assert set(unit["properties"]) == {"code", "name", "kind"}


def test_no_operation_answers_an_untyped_object(schema: dict[str, Any]) -> None:
    untyped = []
    for method, path, op in operations(schema):
        for status, response in op["responses"].items():
            for media in response.get("content", {}).values():
                found = media["schema"]
                found = found.get("items", found)
                if "$ref" not in found and not found.get("properties"):
                    untyped.append(f"{method} {path} {status}")
    assert untyped == []
    simulation = answer_of(schema, schema["paths"]["/api/v1/bpmn/drafts/{id}/simulate"]["post"])
    assert {"path", "waiting", "deadlines", "log", "error"} <= set(simulation["properties"])


def test_every_operation_has_a_tag_a_summary_and_its_error_responses(schema: dict[str, Any]) -> None:
    envelope = component(schema, "ApiError")
    assert {"code", "detail", "errors"} <= set(envelope["properties"])
    assert envelope["required"] == ["code", "detail"]
    tags = {tag["name"] for tag in schema["tags"]}
    for method, path, op in operations(schema):
        assert op.get("summary"), f"{method} {path}"
        assert len(op["tags"]) == 1 and op["tags"][0] in tags, f"{method} {path}"
        errors = {status for status in op["responses"] if status >= "400"}
        assert errors, f"{method} {path} documents no error"
        for status in errors:
            ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/ApiError", f"{method} {path} {status}"
            assert op["responses"][status]["description"]


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("POST", "/api/v1/petitions", {"400", "429"}),  # public, rate limited, no session so no CSRF
        ("GET", "/api/v1/petitions/{code}", {"400", "404"}),  # 400: a NUL in the code
        ("GET", "/api/v1/inbox", {"400", "403", "404"}),  # a filter, officials only, pages
        ("POST", "/api/v1/tasks/{task_id}/complete", {"400", "403", "404", "409"}),
        ("POST", "/api/v1/comments", {"400", "429"}),
        ("PUT", "/api/v1/bpmn/drafts/{id}/xml", {"400", "403", "404", "409"}),
        ("GET", "/api/v1/search", {"400", "503"}),
    ],
)
def test_it_documents_the_errors_each_operation_can_answer(
    schema: dict[str, Any], method: str, path: str, statuses: set[str]
) -> None:
    op = schema["paths"][path][method.lower()]
    assert {status for status in op["responses"] if status >= "400"} == statuses


def test_operations_are_grouped_by_area(schema: dict[str, Any]) -> None:
    def tag(method: str, path: str) -> str:
        return str(schema["paths"][path][method]["tags"][0])

    assert tag("post", "/api/v1/petitions") == "petitions"
    assert tag("get", "/api/v1/units") == "organisation"
    assert tag("get", "/api/v1/inbox") == "tasks"
    assert tag("get", "/api/v1/cases/{id}") == "cases"
    assert tag("get", "/api/v1/dockets") == "consultation"
    assert tag("get", "/api/v1/bpmn/processes") == "bpmn"
    assert tag("get", "/api/v1/search") == "search"
