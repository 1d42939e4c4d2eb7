from django.db import migrations

# Which process runs which subject. "complaint_appeal" (a second-instance complaint, started only by
# cases.services.appeal_petition) and "reception" (a reflection or recommendation recorded at a citizen reception
# session) are not petition types, so the public intake, which offers only bound petition types, never starts them.
BINDINGS = {
    "complaint": "complaint_first",
    "complaint_appeal": "complaint_second",
    "denunciation": "denunciation",
    "reception": "reception",
}


def bind(apps, schema_editor):
    ProcessBinding = apps.get_model("workflows", "ProcessBinding")
    for subject_type, process_key in BINDINGS.items():
        ProcessBinding.objects.update_or_create(subject_type=subject_type, defaults={"process_key": process_key})


def unbind(apps, schema_editor):
    apps.get_model("workflows", "ProcessBinding").objects.filter(subject_type__in=BINDINGS).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_petition_appeal_and_reception"), ("workflows", "0001_initial")]
    operations = [migrations.RunPython(bind, unbind)]
