from django.urls import path

from topics import views

app_name = "topics"
urlpatterns = [
    path("leaders/insight/", views.insight, name="insight"),
    path("cases/<int:pk>/topic/", views.set_topic, name="set-topic"),
]
