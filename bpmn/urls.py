"""Pages and API of process models. Included once at the root (`config/urls.py`)."""

from django.urls import path

from bpmn import api, views

app_name = "bpmn"
api_urls = [
    path("api/v1/bpmn/processes", api.ProcessListApi.as_view(), name="api-processes"),
    path("api/v1/bpmn/drafts", api.DraftCreateApi.as_view(), name="api-drafts"),
    path("api/v1/bpmn/drafts/<int:pk>", api.DraftDetailApi.as_view(), name="api-draft"),
    path("api/v1/bpmn/drafts/<int:pk>/xml", api.DraftSaveApi.as_view(), name="api-draft-save"),
    path("api/v1/bpmn/drafts/<int:pk>/validate", api.DraftValidateApi.as_view(), name="api-draft-validate"),
    path("api/v1/bpmn/drafts/<int:pk>/submit", api.DraftSubmitApi.as_view(), name="api-draft-submit"),
    path("api/v1/bpmn/drafts/<int:pk>/approve", api.DraftApproveApi.as_view(), name="api-draft-approve"),
    path("api/v1/bpmn/drafts/<int:pk>/return", api.DraftReturnApi.as_view(), name="api-draft-return"),
    path("api/v1/bpmn/drafts/<int:pk>/publish", api.DraftPublishApi.as_view(), name="api-draft-publish"),
    path("api/v1/bpmn/drafts/<int:pk>/simulate", api.DraftSimulateApi.as_view(), name="api-draft-simulate"),
    path("api/v1/bpmn/expressions/check", api.ExpressionCheckApi.as_view(), name="api-expression-check"),
    path("api/v1/bpmn/processes/<str:process_key>/diff", api.DiffApi.as_view(), name="api-diff"),
    path("api/v1/bpmn/processes/<str:process_key>/audit", api.AuditApi.as_view(), name="api-audit"),
    path(
        "api/v1/bpmn/processes/<str:process_key>/versions/<int:number>/rollback",
        api.RollbackApi.as_view(),
        name="api-rollback",
    ),
    path(
        "api/v1/bpmn/processes/<str:process_key>/versions/<int:number>/migration",
        api.MigrationApi.as_view(),
        name="api-migration",
    ),
]
page_urls = [
    path("processes/", views.public_list, name="public-list"),
    path("processes/<str:process_key>/", views.public_process, name="public-process"),
    path("modeler/", views.modeler_list, name="modeler-list"),
    path("modeler/drafts/new/", views.draft_create, name="draft-create"),
    path("modeler/drafts/<int:pk>/", views.draft_page, name="draft"),
    path("modeler/drafts/<int:pk>/test/", views.simulate_page, name="simulate"),
    path("modeler/<str:process_key>/diff/", views.diff_page, name="diff"),
    path("modeler/<str:process_key>/history/", views.history_page, name="history"),
    path("modeler/<str:process_key>/v<int:number>/", views.version_page, name="version"),
    path("modeler/<str:process_key>/v<int:number>/rollback/", views.version_rollback, name="version-rollback"),
    path("modeler/<str:process_key>/v<int:number>/migrate/", views.version_migrate, name="version-migrate"),
]
urlpatterns = api_urls + page_urls
