from django.urls import path

from consultation import views

app_name = "consultation"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("my-comment/", views.my_comment, name="my-comment"),
    path("manage/", views.manage_list, name="manage-list"),
    path("manage/new/", views.manage_create, name="manage-create"),
    path("manage/<str:reference>/", views.manage, name="manage"),
    path("manage/<str:reference>/tasks/<uuid:task_id>/", views.manage_task, name="manage-task"),
    path("manage/<str:reference>/comments/<int:number>/moderate/", views.manage_moderate, name="manage-moderate"),
    path("manage/<str:reference>/comments/<int:number>/dispose/", views.manage_dispose, name="manage-dispose"),
    path("manage/<str:reference>/versions/", views.manage_version, name="manage-version"),
    path("manage/<str:reference>/files/", views.manage_file, name="manage-file"),
    path("manage/<str:reference>/extend/", views.manage_extend, name="manage-extend"),
    path("manage/<str:reference>/report/", views.manage_report, name="manage-report"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/comments/", views.comments_page, name="comments"),
    path("<str:reference>/comment/", views.submit_comment, name="comment"),
    path("<str:reference>/diff/", views.diff, name="diff"),
    path("<str:reference>/report/", views.report_page, name="report"),
    path("<str:reference>/report.pdf", views.report_pdf, name="report-pdf"),
    path("<str:reference>/files/<int:file_id>/", views.draft_file, name="file"),
]
