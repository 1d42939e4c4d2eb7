from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from topics.models import Topic, TopicModel


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """Administrators manage the taxonomy. A topic already given to petitions is retired (not active), never
    deleted: the petitions keep it (the foreign key protects it)."""

    list_display = ["name", "name_en", "code", "active", "order"]
    list_editable = ["active", "order"]
    list_filter = ["active"]
    search_fields = ["name", "name_en", "code", "keywords"]
    prepopulated_fields = {"code": ["name_en"]}


@admin.register(TopicModel)
class TopicModelAdmin(admin.ModelAdmin):
    """Trained by `manage.py train_topics`; shown for its scores, never edited by hand."""

    list_display = ["version", "trained_at", "training_size", "test_size", "accuracy", "rules_accuracy"]
    exclude = ["parameters"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
