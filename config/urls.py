from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from places import views as places_views

handler404 = "core.errors.not_found"  # JSON under /api/

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("webhooks/", include("channels.webhook_urls")),
    path("api/v1/", include("workflows.api_urls")),
    path("api/v1/", include("cases.api_urls")),
    path("api/v1/", include("topics.api_urls")),
    path("api/v1/", include("consultation.api_urls")),
    path("api/v1/", include("surveys.api_urls")),
    path("open311/v2/", include("open311.urls")),
    path("api/v1/", include("documents.api_urls")),
    path("", include("bpmn.urls")),
    path("", include("search.urls")),
    path("consultations/", include("consultation.urls")),
    path("surveys/", include("surveys.urls")),
    path("me/", include("citizens.urls")),
    path("", include("workflows.urls")),
    path("", include("channels.urls")),
    path("", include("documents.urls")),
    path("", include("ratings.urls")),
    path("", include("topics.urls")),
    path("", include("cases.urls")),
    path("map/data.json", places_views.map_data_view, name="map-data"),
    path("", include("places.urls")),
]
