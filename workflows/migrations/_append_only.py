"""SQL of the PostgreSQL trigger that makes an audit table append-only (used by `workflows.0005` and `bpmn.0002`).

Kept outside the numbered migrations (the loader skips names starting with `_`) so that both apps share it.
The trigger is per statement, so even an UPDATE or DELETE that matches no row is refused. TRUNCATE, which the
test runner's flush uses, is not affected.
"""

from __future__ import annotations

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
