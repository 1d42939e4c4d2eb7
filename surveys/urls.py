from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("manage/", views.manage_list, name="manage-list"),
    path("manage/new/", views.manage_create, name="manage-create"),
    path("manage/<int:pk>/", views.manage, name="manage"),
    path("manage/<int:pk>/tasks/<uuid:task_id>/", views.manage_task, name="manage-task"),
    path("manage/<int:pk>/answers/<int:answer_id>/moderate/", views.manage_moderate, name="manage-moderate"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/results/", views.results_page, name="results"),
    path("<int:pk>/results.<str:fmt>", views.results_export, name="export"),
]
