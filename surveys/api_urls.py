from django.urls import path

from surveys import api

urlpatterns = [
    path("surveys", api.SurveyListApi.as_view(), name="api-surveys"),
    path("surveys/<int:pk>", api.SurveyDetailApi.as_view(), name="api-survey"),
    path("surveys/<int:pk>/codes", api.CodeApi.as_view(), name="api-survey-codes"),
    path("surveys/<int:pk>/answers", api.AnswerApi.as_view(), name="api-survey-answers"),
    path("surveys/<int:pk>/results", api.ResultsApi.as_view(), name="api-survey-results"),
]
