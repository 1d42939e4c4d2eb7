"""The process audit trail (`bpmn_processauditentry`) refuses UPDATE and DELETE in the database, on PostgreSQL,
with the trigger function of `workflows.0005`. SQLite: nothing to do (the model and its queryset refuse)."""

from django.db import migrations

from workflows.migrations import _append_only


class Migration(migrations.Migration):
    dependencies = [
        ("bpmn", "0001_initial"),
        ("workflows", "0005_audit_trail_append_only"),
    ]

    operations = [_append_only.trigger_operation("bpmn", "ProcessAuditEntry")]
