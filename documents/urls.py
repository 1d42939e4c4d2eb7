from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("documents/", views.pending, name="pending"),
    path("documents/<int:pk>/", views.detail, name="detail"),
    path("documents/<int:pk>/pdf/", views.pdf, name="pdf"),
    path("cases/<int:pk>/documents/new/", views.new, name="new"),
    path("track/<str:code>/documents/<int:pk>/", views.public, name="public"),
]
