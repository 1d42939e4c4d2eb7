from django.urls import path

from topics import api

urlpatterns = [
    path("cases/<int:pk>/topic", api.CaseTopicApi.as_view(), name="api-case-topic"),
]
