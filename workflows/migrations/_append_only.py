"""SQL of the PostgreSQL trigger that makes an audit table append-only (used by `workflows.0005` and `bpmn.0002`).

Kept outside the numbered migrations (the loader skips names starting with `_`) so that both apps share it.
The trigger is per statement, so even an UPDATE or DELETE that matches no row is refused. TRUNCATE, which the
test runner's flush uses, is not affected.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FUNCTION = "lang_nghe_refuse_audit_change"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING HINT = 'Audit records are written once and never changed or removed.';
END
$$;
"""
DROP_FUNCTION = f"DROP FUNCTION IF EXISTS {FUNCTION}();"


def create_trigger_sql(table: str) -> str:
    return (
        f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();"
    )


def drop_trigger_sql(table: str) -> str:
    return f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";'


def trigger_operation(app_label: str, model_name: str) -> migrations.RunPython:
    """A migration operation that makes one model's table append-only on PostgreSQL (nothing to do on SQLite: the
    model and its queryset refuse). The migration must depend on `workflows.0005` (which creates the function)."""

    def table(apps: Any) -> str:
        return str(apps.get_model(app_label, model_name)._meta.db_table)

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(CREATE_FUNCTION, params=None)
            schema_editor.execute(create_trigger_sql(table(apps)))

    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop_trigger_sql(table(apps)))

    return migrations.RunPython(forwards, backwards, elidable=False)
