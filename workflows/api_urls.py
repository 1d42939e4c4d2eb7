"""The engine's API (`/api/v1/…`): the same paths and names as when it lived in `cases/`."""

from django.urls import path

from workflows import api

urlpatterns = [
    path("inbox", api.InboxApi.as_view(), name="api-inbox"),
    path("tasks/<uuid:task_id>", api.TaskDetailApi.as_view(), name="api-task"),
    path("tasks/<uuid:task_id>/claim", api.TaskClaimApi.as_view(), name="api-task-claim"),
    path("tasks/<uuid:task_id>/complete", api.TaskCompleteApi.as_view(), name="api-task-complete"),
    path("tasks/<uuid:task_id>/transfer", api.TaskTransferApi.as_view(), name="api-task-transfer"),
    # The legal clock of any case (petition routes `cases/<pk>/suspend|resume` address it by the petition's number).
    path("work/<int:pk>/suspend", api.SuspendApi.as_view(), name="api-work-suspend"),
    path("work/<int:pk>/resume", api.ResumeApi.as_view(), name="api-work-resume"),
    path("deadlines/<int:pk>/extension-requests", api.ExtensionRequestApi.as_view(), name="api-extension-request"),
    path("extension-requests/<int:pk>/decision", api.ExtensionDecisionApi.as_view(), name="api-extension-decision"),
]
