from django.urls import path

from consultation import api

urlpatterns = [
    path("dockets", api.DocketListApi.as_view(), name="api-dockets"),
    path("dockets/<str:docket_id>", api.DocketDetailApi.as_view(), name="api-docket"),
    path("dockets/<str:docket_id>/report", api.ReportApi.as_view(), name="api-docket-report"),
    path("dockets/<str:docket_id>/documents", api.VersionCreateApi.as_view(), name="api-docket-documents"),
    path("dockets/<str:docket_id>/files", api.FileCreateApi.as_view(), name="api-docket-files"),
    path("dockets/<str:docket_id>/extension", api.ExtensionApi.as_view(), name="api-docket-extension"),
    path("dockets/<str:docket_id>/tasks", api.TaskListApi.as_view(), name="api-docket-tasks"),
    path(
        "dockets/<str:docket_id>/tasks/<uuid:task_id>/complete",
        api.TaskCompleteApi.as_view(),
        name="api-docket-task-complete",
    ),
    path("dockets/<str:docket_id>/moderation", api.ModerationListApi.as_view(), name="api-docket-moderation"),
    path("dockets/<str:docket_id>/dispositions", api.BulkDispositionApi.as_view(), name="api-docket-dispositions"),
    path("dockets/<str:docket_id>/progress", api.ProgressApi.as_view(), name="api-docket-progress"),
    path("documents", api.DocumentListApi.as_view(), name="api-documents"),
    path("documents/<str:document_id>", api.DocumentDetailApi.as_view(), name="api-document"),
    path("documents/<str:document_id>/diff", api.DocumentDiffApi.as_view(), name="api-document-diff"),
    path("comments", api.CommentListApi.as_view(), name="api-comments"),
    path("comments/<str:comment_id>", api.CommentDetailApi.as_view(), name="api-comment"),
    path("comments/<str:comment_id>/moderation", api.ModerationApi.as_view(), name="api-comment-moderation"),
    path("comments/<str:comment_id>/disposition", api.DispositionApi.as_view(), name="api-comment-disposition"),
]
