from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organisation.models import Membership, Unit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):  # each change kept with who and when (history/)
    list_display = ["name", "code", "kind", "parent", "is_commune", "is_remote"]
    list_filter = ["kind", "is_commune", "is_remote"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):  # each change kept with who and when (history/)
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
