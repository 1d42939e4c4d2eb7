"""The engine keeps a case's data across save and load, whatever the database does to JSON key order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from organisation.models import Role
from workflows import engine
from workflows.handlers import HandlerContext
from workflows.validation import validate

REFLECTION = Path(__file__).resolve().parents[2] / "bpmn" / "processes" / "reflection.bpmn"


def jsonb_like(value: Any) -> Any:
    """PostgreSQL's jsonb stores object keys shorter-first, then bytewise: not in insertion order."""
    if isinstance(value, dict):
        return {key: jsonb_like(value[key]) for key in sorted(value, key=lambda k: (len(k), k))}
    if isinstance(value, list):
        return [jsonb_like(item) for item in value]
    return value


def test_task_data_survives_a_round_trip_that_reorders_keys(db, monkeypatch):
    seen: dict[str, Any] = {}
    monkeypatch.setitem(engine.HANDLERS, "accept_case", lambda context: None)
    monkeypatch.setitem(engine.HANDLERS, "send_answer", lambda context: seen.update(context.data))
    monkeypatch.setitem(engine.HANDLERS, "publish_answer", lambda context: None)
    specs = engine.Specs.restore(jsonb_like(json.loads(json.dumps(validate(REFLECTION.read_text()).specs.serialize()))))
    context = HandlerContext(instance=None, data={}, actor=None)  # type: ignore[arg-type]
    runner = engine.Runner.start(specs, {"publish_consent": True}, context)

    for form in [{"decision": "accept"}, {"handler": "bob"}, {"answer": "Đã sửa."}, {"approval": "approve"}]:
        runner = engine.Runner.load(specs, jsonb_like(json.loads(json.dumps(runner.dump()))), context)
        runner.complete(runner.ready_tasks()[0].id, form)

    assert runner.completed
    assert seen["answer"] == "Đã sửa." and seen["decision"] == "accept" and seen["publish_consent"] is True


@pytest.mark.parametrize("language", ["vi", "en"])
def test_lanes_match_roles_in_any_ui_language(language):
    with translation.override(language):
        assert Role.from_lane("Cán bộ tiếp nhận") == Role.RECEPTION_OFFICER
        assert Role.from_lane("unit_leader") == Role.UNIT_LEADER
        assert Role.from_lane("Reception officer") is None


def test_the_audit_trail_cannot_be_rewritten_or_deleted(submit):
    from workflows.models import CaseEvent

    submit()
    event = CaseEvent.objects.first()
    assert event is not None
    event.summary = "Sửa lịch sử"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert CaseEvent.objects.get(pk=event.pk).summary != "Sửa lịch sử"
