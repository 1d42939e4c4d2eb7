"""The case audit trail (`workflows_caseevent`) refuses UPDATE and DELETE in the database itself, on PostgreSQL.

The model and its queryset already refuse (`AppendOnlyModel`, `AppendOnlyQuerySet`); the trigger also stops raw SQL
and any code path that bypasses the ORM. SQLite: nothing to do. `bpmn.0002` guards the process audit trail.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from workflows.migrations import _append_only


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_append_only.CREATE_FUNCTION, params=None)
    schema_editor.execute(_append_only.create_trigger_sql(apps.get_model("workflows", "CaseEvent")._meta.db_table))


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_append_only.drop_trigger_sql(apps.get_model("workflows", "CaseEvent")._meta.db_table))
    schema_editor.execute(_append_only.DROP_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0004_deadline_reminder_escalation"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
