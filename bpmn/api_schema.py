"""The shapes `bpmn/api.py` answers with, for the OpenAPI schema only (its views build plain dicts:
`draft_json`, `version_json`, `simulation_json`, `diff_json`, `plan_json`). The schemathesis run of the
test suite checks every answer against these."""

from __future__ import annotations

from rest_framework import serializers

from bpmn.models import AuditAction, DraftStatus


class DiagramProblemSerializer(serializers.Serializer):
    element_id = serializers.CharField(help_text="The BPMN element (empty for the whole document).")
    reason = serializers.CharField()
    line = serializers.IntegerField(allow_null=True, help_text="Line of the XML, when known.")


class DraftSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    process_key = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=DraftStatus.choices)
    status_label = serializers.CharField()
    sha256 = serializers.CharField(help_text="Hash of the XML: a save names the hash it was based on.")
    based_on = serializers.IntegerField(allow_null=True, help_text="Number of the version it started from.")
    author = serializers.CharField()
    reviewer = serializers.CharField(allow_null=True)
    review_note = serializers.CharField()
    error_count = serializers.IntegerField()
    published_version = serializers.IntegerField(allow_null=True)
    updated_at = serializers.DateTimeField()


class DraftDetailSerializer(DraftSerializer):
    xml = serializers.CharField()
    errors = DiagramProblemSerializer(many=True)  # type: ignore[assignment]  # named like Serializer.errors


class DraftSavedSerializer(DraftSerializer):
    errors = DiagramProblemSerializer(many=True, help_text="Saved even with errors; publishing needs none.")  # type: ignore[assignment]


class DiagramProblemsSerializer(serializers.Serializer):
    errors = DiagramProblemSerializer(many=True)  # type: ignore[assignment]  # named like Serializer.errors


class VersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    sha256 = serializers.CharField()
    effective_from = serializers.DateField()
    published_at = serializers.DateTimeField()
    published_by = serializers.CharField(allow_null=True)
    note = serializers.CharField()


class VersionInUseSerializer(VersionSerializer):
    running_cases = serializers.IntegerField()


class ProcessSerializer(serializers.Serializer):
    process_key = serializers.CharField()
    name = serializers.CharField()
    in_force = serializers.IntegerField(allow_null=True, help_text="Number of the version in force today.")
    versions = VersionInUseSerializer(many=True)
    drafts = DraftSerializer(many=True)


class ExpressionCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    error = serializers.CharField(help_text="Why the expression is refused (empty when ok).")


class WaitingFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # named like a Field attribute
    label = serializers.CharField()  # type: ignore[assignment]
    choices = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class WaitingStepSerializer(serializers.Serializer):
    element_id = serializers.CharField()
    title = serializers.CharField()
    lane = serializers.CharField(allow_null=True)
    public_status = serializers.CharField()
    documentation = serializers.CharField()
    fields = WaitingFieldSerializer(many=True)  # type: ignore[assignment]  # named like Serializer.fields


class SimulatedDeadlineSerializer(serializers.Serializer):
    element_id = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField(help_text="task or timer")
    rule_code = serializers.CharField()
    citation = serializers.CharField()
    start_date = serializers.DateField()
    due_date = serializers.DateField()
    remind_date = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True)
    status = serializers.CharField(help_text="running, overdue, on_time, late or fired")
    explanation = serializers.CharField()
    explanation_en = serializers.CharField()


class HandlerCallSerializer(serializers.Serializer):
    day = serializers.DateField()
    element_id = serializers.CharField()
    handler = serializers.CharField()
    description = serializers.CharField()
    params = serializers.DictField(child=serializers.CharField())


class LogLineSerializer(serializers.Serializer):
    day = serializers.DateField()
    kind = serializers.CharField(
        help_text="started, completed, timer_fired, handler, reminder, overdue, waited or finished"
    )
    element_id = serializers.CharField()
    text = serializers.CharField()


class SimulationErrorSerializer(serializers.Serializer):
    element_id = serializers.CharField()
    reason = serializers.CharField()
    field_errors = serializers.DictField(child=serializers.CharField())


class SimulationSerializer(serializers.Serializer):
    start = serializers.DateField()
    today = serializers.DateField(help_text="The fake clock at the end of the scenario.")
    completed = serializers.BooleanField()
    path = serializers.ListField(child=serializers.CharField(), help_text="Elements passed, in order.")
    waiting = WaitingStepSerializer(many=True)
    deadlines = SimulatedDeadlineSerializer(many=True)
    handler_calls = HandlerCallSerializer(many=True)
    log = LogLineSerializer(many=True)
    error = SimulationErrorSerializer(allow_null=True, help_text="The step of the scenario that could not run.")


class PropertyChangeSerializer(serializers.Serializer):
    key = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()
    text = serializers.CharField()
    text_en = serializers.CharField()


class ElementChangeSerializer(serializers.Serializer):
    element_id = serializers.CharField()
    type = serializers.CharField()
    name = serializers.CharField()
    changes = PropertyChangeSerializer(many=True)


class ProcessDiffSerializer(serializers.Serializer):
    added = ElementChangeSerializer(many=True)
    removed = ElementChangeSerializer(many=True)
    changed = ElementChangeSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        # `from` is a keyword: the two labels are added here rather than declared.
        fields = super().get_fields()
        fields["from"] = serializers.CharField(help_text="Label of the older side: v<number> or the draft.")
        fields["to"] = serializers.CharField(help_text="Label of the newer side.")
        return fields


class StepChangeSerializer(serializers.Serializer):
    element_id = serializers.CharField()
    new_element_id = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    kind = serializers.CharField(help_text="task, timer or other")
    outcome = serializers.CharField(help_text="kept, mapped, removed or type_changed")
    changed = serializers.ListField(child=serializers.CharField())


class DeadlineChangeSerializer(serializers.Serializer):
    element_id = serializers.CharField()
    title = serializers.CharField()
    outcome = serializers.CharField(help_text="kept, recomputed, closed or new")
    rule_before = serializers.CharField()
    rule_after = serializers.CharField()
    due_before = serializers.DateField(allow_null=True)
    due_after = serializers.DateField(allow_null=True)
    explanation = serializers.CharField()


class CasePlanSerializer(serializers.Serializer):
    can_move = serializers.BooleanField()
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why the case cannot move.")
    steps = StepChangeSerializer(many=True)
    deadlines = DeadlineChangeSerializer(many=True)


class MigrationCandidateSerializer(CasePlanSerializer):
    instance = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    sealed = serializers.BooleanField(help_text="A sealed case (denunciation): no title is shown.")


class MigrationPageSerializer(serializers.Serializer):
    """The dry run, a page at a time (DRF page-number pagination)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MigrationCandidateSerializer(many=True)


class MigrationOutcomeSerializer(serializers.Serializer):
    instance = serializers.IntegerField()
    reference = serializers.CharField()
    moved = serializers.BooleanField()
    reason = serializers.CharField()
    plan = CasePlanSerializer(allow_null=True)


class AuditEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=AuditAction.choices)
    action_label = serializers.CharField()
    actor = serializers.CharField()
    draft = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()
    data = serializers.JSONField()  # type: ignore[assignment]  # named like Serializer.data
