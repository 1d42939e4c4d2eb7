from django.urls import path

from documents import api

urlpatterns = [
    path("case-documents/<int:pk>", api.DocumentDetailApi.as_view(), name="api-case-document"),
    path("case-documents/<int:pk>/issue", api.DocumentIssueApi.as_view(), name="api-case-document-issue"),
]
