"""The engine's pages (namespace `work`), at the paths they had in `cases/`."""

from django.urls import path

from workflows import views

app_name = "work"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("tasks/<uuid:task_id>/claim/", views.claim, name="claim"),
    # The transfer of a case to a competent unit goes here.
]
