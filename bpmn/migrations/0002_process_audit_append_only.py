"""The process audit trail (`bpmn_processauditentry`) refuses UPDATE and DELETE in the database, on PostgreSQL,
with the trigger function of `workflows.0005`. SQLite: nothing to do (the model and its queryset refuse)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from workflows.migrations import _append_only


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("bpmn", "ProcessAuditEntry")._meta.db_table
    schema_editor.execute(_append_only.CREATE_FUNCTION, params=None)
    schema_editor.execute(_append_only.create_trigger_sql(table))


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_append_only.drop_trigger_sql(apps.get_model("bpmn", "ProcessAuditEntry")._meta.db_table))


class Migration(migrations.Migration):
    dependencies = [
        ("bpmn", "0001_initial"),
        ("workflows", "0005_audit_trail_append_only"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
