"""The transfer slip says why the petition is transferred, when the official gave a reason (a leader's transfer
from the task page), while no document has used the 2026 version."""

from django.db import migrations

OLD = "{{ don_vi }} chuyển đơn đến {{ don_vi_nhan }} để xem xét, giải quyết theo thẩm quyền."
NEW = (
    "{{ don_vi }} chuyển đơn đến {{ don_vi_nhan }} để xem xét, giải quyết theo thẩm quyền."
    "{% if ly_do %} Lý do: {{ ly_do }}.{% endif %}"
)


def add_reason(apps, schema_editor):
    DocumentForm = apps.get_model("documents", "DocumentForm")
    Document = apps.get_model("documents", "Document")
    for form in DocumentForm.objects.filter(kind="transfer"):
        if OLD in form.body and not Document.objects.filter(form=form).exists():
            form.body = form.body.replace(OLD, NEW)
            form.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_more_kinds")]
    operations = [migrations.RunPython(add_reason, migrations.RunPython.noop)]
