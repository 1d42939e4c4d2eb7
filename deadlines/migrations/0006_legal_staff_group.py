"""Legal staff keep the deadline rules and the day swaps in /admin/deadlines/ (README, "Who does what"): a group
`legal_staff` with every permission on them, and every official with a legal-staff role in it, with access to the
admin. An official given the role later is added to the group in /admin/auth/user/ (or by `seed_demo`)."""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "legal_staff"
MODELS = ("deadlinerule", "dayswap")


def forwards(apps: Any, schema_editor: Any) -> None:
    # Permissions are normally created after every migration has run; this one needs them now.
    create_permissions(global_apps.get_app_config("deadlines"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Membership = apps.get_model("organisation", "Membership")
    User = apps.get_model("auth", "User")
    group, _created = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="deadlines", content_type__model__in=MODELS)
    )
    lawyers = User.objects.filter(pk__in=Membership.objects.filter(role="legal_staff").values("user_id"))
    for user in lawyers:
        user.groups.add(group)
    lawyers.update(is_staff=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0005_day_swaps_2026"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organisation", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
