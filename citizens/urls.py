from django.urls import path

from citizens import views

app_name = "citizens"
urlpatterns = [
    path("", views.me, name="me"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("oidc/start/", views.oidc_start, name="oidc-start"),
    path("oidc/callback/", views.oidc_callback, name="oidc-callback"),
    path("petitions/<str:code>/", views.petition, name="petition"),
    path("claim/", views.claim, name="claim"),
    path("preferences/", views.preferences, name="preferences"),
    path("data.json", views.data, name="data"),
    path("close/", views.close, name="close"),
]
