from django.urls import path

from channels import webhooks

app_name = "webhooks"
urlpatterns = [
    path("facebook/", webhooks.facebook, name="facebook"),
    path("zalo/", webhooks.zalo, name="zalo"),
]
