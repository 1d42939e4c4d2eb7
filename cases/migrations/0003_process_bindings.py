from django.db import migrations

# Which process runs which petition type. Later processes (complaints, denunciations) add their own rows.
BINDINGS = {"reflection": "reflection", "recommendation": "reflection"}


def bind(apps, schema_editor):
    ProcessBinding = apps.get_model("workflows", "ProcessBinding")
    for subject_type, process_key in BINDINGS.items():
        ProcessBinding.objects.update_or_create(subject_type=subject_type, defaults={"process_key": process_key})


def unbind(apps, schema_editor):
    apps.get_model("workflows", "ProcessBinding").objects.filter(subject_type__in=BINDINGS).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_petition_workflow"), ("workflows", "0001_initial")]
    operations = [migrations.RunPython(bind, unbind)]
