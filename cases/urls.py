from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.portal, name="portal"),
    path("submit/", views.submit, name="submit"),
    path("track/", views.track, name="track-lookup"),
    path("track/<str:code>/", views.track, name="track"),
    path("inbox/", views.inbox, name="inbox"),
    path("leaders/", views.leaders, name="leaders"),
    path("leaders/cases/", views.leaders_cases, name="leaders-cases"),
    path("tasks/<uuid:task_id>/", views.task_page, name="task"),
    path("tasks/<uuid:task_id>/claim/", views.claim, name="claim"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
