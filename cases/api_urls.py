from django.urls import path

from cases import api, complaint_api, denunciation_api, group_api

urlpatterns = [
    path("petitions", api.PetitionSubmitApi.as_view(), name="api-petition-submit"),
    path("petitions/<str:code>", api.PetitionStatusApi.as_view(), name="api-petition-status"),
    path("petitions/<str:code>/appeal", api.AppealApi.as_view(), name="api-petition-appeal"),
    path(
        "tasks/<uuid:task_id>/answer-templates", api.TaskAnswerTemplatesApi.as_view(), name="api-task-answer-templates"
    ),
    path("units", api.UnitListApi.as_view(), name="api-units"),
    path("stats", api.LeaderStatsApi.as_view(), name="api-stats"),
    path("cases", api.CaseListApi.as_view(), name="api-cases"),
    path("cases/record", api.RecordPetitionApi.as_view(), name="api-case-record"),
    path("cases/<int:pk>", api.CaseDetailApi.as_view(), name="api-case"),
    path("cases/<int:pk>/suspend", api.CaseSuspendApi.as_view(), name="api-case-suspend"),
    path("cases/<int:pk>/resume", api.CaseResumeApi.as_view(), name="api-case-resume"),
    path("cases/<int:pk>/similar", group_api.CaseSimilarApi.as_view(), name="api-case-similar"),
    path("cases/<int:pk>/join", group_api.CaseJoinApi.as_view(), name="api-case-join"),
    path("cases/<int:pk>/unjoin", group_api.CaseUnjoinApi.as_view(), name="api-case-unjoin"),
    path("cases/<int:pk>/complaint/suspension", complaint_api.SuspensionApi.as_view(), name="api-complaint-suspension"),
    path(
        "cases/<int:pk>/complaint/continuation",
        complaint_api.ContinuationApi.as_view(),
        name="api-complaint-continuation",
    ),
    path("cases/<int:pk>/complaint/stopping", complaint_api.StoppingApi.as_view(), name="api-complaint-stopping"),
    path(
        "cases/<int:pk>/complaint/complexity",
        complaint_api.ComplaintComplexityApi.as_view(),
        name="api-complaint-complexity",
    ),
    path(
        "cases/<int:pk>/complaint/decision-receipt",
        complaint_api.DecisionReceiptApi.as_view(),
        name="api-complaint-decision-receipt",
    ),
    path(
        "cases/<int:pk>/denunciation/complexity",
        denunciation_api.DenunciationComplexityApi.as_view(),
        name="api-denunciation-complexity",
    ),
    path(
        "cases/<int:pk>/denunciation/withdrawal",
        denunciation_api.WithdrawalApi.as_view(),
        name="api-denunciation-withdrawal",
    ),
    path(
        "cases/<int:pk>/denunciation/content-notice",
        denunciation_api.ContentNoticeApi.as_view(),
        name="api-denunciation-content-notice",
    ),
]
