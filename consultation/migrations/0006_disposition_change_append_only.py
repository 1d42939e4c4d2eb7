"""The disposition trail (`consultation_dispositionchange`) refuses UPDATE and DELETE in the database, on PostgreSQL,
like the other audit trails."""

from django.db import migrations

from workflows.migrations import _append_only


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0005_report_pdfs_rendered_again_redacted"),
        ("workflows", "0005_audit_trail_append_only"),
    ]

    operations = [_append_only.trigger_operation("consultation", "DispositionChange")]
