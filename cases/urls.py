from django.urls import path

from cases import bulk, recording, views
from workflows import views as work_views

app_name = "cases"
urlpatterns = [
    path("", views.portal, name="portal"),
    path("submit/", views.submit, name="submit"),
    path("track/", views.track, name="track-lookup"),
    path("track/<str:code>/", views.track, name="track"),
    # Moved to the engine (`work:inbox`, `work:claim`, served first); the old names still reverse to the same paths.
    path("inbox/", work_views.inbox, name="inbox"),
    path("inbox/bulk/", bulk.bulk, name="bulk"),
    path("leaders/", views.leaders, name="leaders"),
    path("leaders/cases/", views.leaders_cases, name="leaders-cases"),
    path("tasks/<uuid:task_id>/", views.task_page, name="task"),
    path("tasks/<uuid:task_id>/claim/", work_views.claim, name="claim"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/group/", views.group_action, name="group"),
    path("cases/<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]

urlpatterns += [
    path("record/", recording.record, name="record"),
    path("record/<str:code>/receipt-<str:paper>.pdf", recording.receipt_download, name="record-receipt"),
]
