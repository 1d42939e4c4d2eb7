from django.urls import path, re_path, register_converter

from open311 import api

app_name = "open311"


class FormatConverter:
    regex = "xml|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311_format")

urlpatterns = [
    path("", api.unknown_path, name="root"),
    path("discovery.<open311_format:format>", api.DiscoveryApi.as_view(), name="discovery"),
    path("services.<open311_format:format>", api.ServiceListApi.as_view(), name="services"),
    path("services/<str:service_code>.<open311_format:format>", api.ServiceDefinitionApi.as_view(), name="service"),
    path("requests.<open311_format:format>", api.RequestListApi.as_view(), name="requests"),
    path("requests/<str:service_request_id>.<open311_format:format>", api.RequestDetailApi.as_view(), name="request"),
    path("tokens/<str:token>.<open311_format:format>", api.TokenApi.as_view(), name="token"),
    re_path(r"^(?P<path>.*)$", api.unknown_path),
]
