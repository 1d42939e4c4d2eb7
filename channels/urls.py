from django.urls import path

from channels import views

app_name = "channels"
urlpatterns = [
    path("reception/", views.queue, name="queue"),
    path("reception/<int:pk>/", views.draft_page, name="draft"),
    path("reception/<int:pk>/attachments/<int:attachment_id>/", views.draft_attachment, name="draft-attachment"),
]
