"""Open311 GeoReport v2 under /open311/v2/ (specification: http://wiki.open311.org/GeoReport_v2).

Thin views: input serializers check shape, `open311.services` writes, `open311.selectors` reads. The format is the
path's suffix (`.xml`, required by the specification, or `.json`); every error, whatever raised it, is answered in
the specification's format (`formats.render_errors`) with its HTTP status. Reads need no key: with one they are
rate-limited per key, without per client address; `POST requests` needs an active key (`api_key`). Texts follow
Accept-Language, or the `locale` parameter (`en`, `vi`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from rest_framework import exceptions, renderers, serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from cases.api import PHONE_REGEX
from cases.services import IntakeError
from core.errors import AppError
from core.parsers import FormParser
from core.site import absolute_url
from core.throttles import CountingThrottle
from open311 import selectors, services
from open311.errors import Open311Error, bad_request, forbidden, not_found
from open311.formats import JSON, XML, render, render_errors
from open311.models import ApiKey
from organisation.models import Unit

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-05T00:00:00+07:00"  # when this endpoint's behaviour last changed
MAX_SPAN_DAYS = 90
MAX_PAGE = 100_000  # page × page_size must stay a number every database takes as an offset
DESCRIPTION_MAX = 4000  # the specification's limit
ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


# API keys and rate limits.


@dataclass(frozen=True)
class Caller:
    """Who calls: the app's usable key, or, when a key was given that is unknown or revoked, why it is refused."""

    key: ApiKey | None = None
    refused: str = ""


class ApiKeyAuthentication(BaseAuthentication):
    """`api_key` from the query string or, for a POST, the form. Never raises: a bad key is refused after the rate
    limit (per address) has counted the request."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, Caller] | None:
        raw = request.query_params.get("api_key", "")
        if not raw and request.method == "POST":
            raw = str(request.data.get("api_key", ""))
        if not raw:
            return None
        key = selectors.api_key_by_raw(raw)
        if key is None:
            return AnonymousUser(), Caller(refused=gettext("Khoá API không đúng."))
        if not key.usable:
            return AnonymousUser(), Caller(refused=gettext("Khoá API đã bị thu hồi."))
        return AnonymousUser(), Caller(key=key)


def _usable_key(request: Request) -> ApiKey | None:
    return request.auth.key if isinstance(request.auth, Caller) else None


class KeyThrottle(CountingThrottle):
    """Requests of one app (its key), at OPEN311_RATE_PER_KEY."""

    scope = "open311_key"

    def get_rate(self) -> str | None:
        return str(settings.OPEN311_RATE_PER_KEY) or None

    def ident(self, request: Any) -> str | None:
        key = _usable_key(request)
        return None if key is None else str(key.pk)


class AnonymousThrottle(CountingThrottle):
    """Requests without a usable key, per client address, at OPEN311_RATE_ANONYMOUS."""

    scope = "open311_anonymous"

    def get_rate(self) -> str | None:
        return str(settings.OPEN311_RATE_ANONYMOUS) or None

    def ident(self, request: Any) -> str | None:
        return None if _usable_key(request) is not None else str(self.get_ident(request))


class XmlRenderer(renderers.BaseRenderer):
    """Names the `.xml` suffix for DRF's format negotiation; the views build their own documents."""

    media_type = "text/xml"
    format = XML


class JsonRenderer(renderers.JSONRenderer):
    format = JSON


def _language(code: str) -> str | None:
    """`en`, `en_US`, `en-GB`, `vi_VN` → a language of the site, or None."""
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in dict(settings.LANGUAGES) else None


def _errors_of(detail: Any, field: str = "") -> list[str]:
    """A DRF validation error's messages, each naming its field."""
    if isinstance(detail, dict):
        return [message for key, value in detail.items() for message in _errors_of(value, str(key))]
    if isinstance(detail, list):
        return [message for item in detail for message in _errors_of(item, field)]
    return [f"{field}: {detail}" if field and field != "non_field_errors" else str(detail)]


class Open311Api(APIView):
    schema = None  # not in the /api/v1 OpenAPI document: Open311 is its own specification
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [KeyThrottle, AnonymousThrottle]
    parser_classes = [FormParser]
    renderer_classes = [XmlRenderer, JsonRenderer]

    @property
    def fmt(self) -> str:
        return JSON if getattr(self, "kwargs", {}).get("format") == JSON else XML

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        language = _language(request.GET.get("locale", ""))
        if language is None:
            return super().dispatch(request, *args, **kwargs)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
            response["Content-Language"] = language
            return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # the key, then the rate limits
        if isinstance(request.auth, Caller) and request.auth.refused:
            raise forbidden(request.auth.refused)
        jurisdiction = request.query_params.get("jurisdiction_id") or (
            request.data.get("jurisdiction_id") if request.method == "POST" else None
        )
        if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION_ID:
            raise not_found(gettext("Không có jurisdiction_id này: máy chủ này chỉ phục vụ một địa phương."))

    def handle_exception(self, exc: Exception) -> HttpResponse:  # type: ignore[override]  # not a DRF Response
        if isinstance(exc, Open311Error):
            return render_errors(exc.pairs(), fmt=self.fmt, status=exc.status)
        if isinstance(exc, IntakeError):
            descriptions = [f"{field}: {reason}" for field, reason in exc.errors.items()]
            return render_errors([(400, text) for text in descriptions], fmt=self.fmt, status=400)
        if isinstance(exc, exceptions.Throttled):
            seconds = math.ceil(getattr(exc, "wait", None) or 1)
            response = render_errors(
                [(429, gettext("Quá nhiều yêu cầu: hãy thử lại sau %(seconds)s giây.") % {"seconds": seconds})],
                fmt=self.fmt,
                status=429,
            )
            response["Retry-After"] = str(seconds)
            return response
        if isinstance(exc, exceptions.ValidationError):
            return render_errors([(400, text) for text in _errors_of(exc.detail)], fmt=self.fmt, status=400)
        if isinstance(exc, Http404 | exceptions.NotFound):
            return render_errors([(404, gettext("Không tìm thấy."))], fmt=self.fmt, status=404)
        if isinstance(exc, exceptions.MethodNotAllowed):
            response = render_errors(
                [(405, gettext("Phương thức %(method)s không dùng được ở địa chỉ này.") % {"method": exc.args[0]})],
                fmt=self.fmt,
                status=405,
            )
            response["Allow"] = ", ".join(self.allowed_methods)
            return response
        if isinstance(exc, exceptions.UnsupportedMediaType):
            text = gettext("Gửi dữ liệu dạng application/x-www-form-urlencoded (UTF-8).")
            return render_errors([(415, text)], fmt=self.fmt, status=415)
        if isinstance(exc, exceptions.APIException):
            return render_errors([(exc.status_code, str(exc.detail))], fmt=self.fmt, status=exc.status_code)
        if isinstance(exc, SuspiciousOperation | BadRequest):  # too many fields, a body too big
            return render_errors([(400, gettext("Yêu cầu không hợp lệ."))], fmt=self.fmt, status=400)
        if isinstance(exc, AppError):
            return render_errors([(exc.status, exc.detail)], fmt=self.fmt, status=exc.status)
        raise exc


class DiscoveryApi(Open311Api):
    def get(self, request: Request, format: str) -> HttpResponse:
        document = {
            "changeset": CHANGESET,
            "contact": settings.OPEN311_CONTACT
            or gettext("Góp ý về giao diện lập trình này: liên hệ bộ phận quản trị cổng thông tin."),
            "key_service": settings.OPEN311_KEY_SERVICE
            or gettext(
                "Khoá API cho ứng dụng bên thứ ba do quản trị viên cổng thông tin cấp, theo đề nghị bằng văn bản."
            ),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": absolute_url(reverse("open311:root")).rstrip("/"),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        }
        return render(document, fmt=self.fmt, root="discovery")


class ServiceListApi(Open311Api):
    def get(self, request: Request, format: str) -> HttpResponse:
        return render([item.as_document() for item in selectors.services()], fmt=self.fmt, root="services")


class ServiceDefinitionApi(Open311Api):
    def get(self, request: Request, service_code: str, format: str) -> HttpResponse:
        item = selectors.service(service_code)
        if item is None:
            raise not_found(gettext("Không có dịch vụ (service_code) %(code)s.") % {"code": service_code})
        return render(selectors.service_definition(item), fmt=self.fmt, root="service_definition")


# The input errors in the caller's language (DRF's own Vietnamese catalogue lacks most of them).
FIELD_MESSAGES = {
    "required": gettext_lazy("Thiếu trường này."),
    "blank": gettext_lazy("Không được để trống."),
    "null": gettext_lazy("Không được để trống."),
    "max_length": gettext_lazy("Tối đa {max_length} ký tự."),
    "max_value": gettext_lazy("Không được lớn hơn {max_value}."),
    "min_value": gettext_lazy("Không được nhỏ hơn {min_value}."),
    "max_string_length": gettext_lazy("Số quá dài."),
    "overflow": gettext_lazy("Ngày nằm ngoài khoảng cho phép."),
}
NUMBER = gettext_lazy("Cần một số.")
INTEGER = gettext_lazy("Cần một số nguyên.")
DATETIME = gettext_lazy("Cần ngày giờ theo ISO 8601, ví dụ 2026-12-05T00:00:00+07:00.")
EMAIL = gettext_lazy("Địa chỉ thư điện tử không hợp lệ.")
PHONE = gettext_lazy("Số điện thoại không hợp lệ.")
URL = gettext_lazy("Đường dẫn (URL) không hợp lệ.")


def messages(invalid: Any = None) -> dict[str, Any]:
    """A field's `error_messages` (given when it is built: its validators take their message then)."""
    return {**FIELD_MESSAGES, **({"invalid": invalid} if invalid is not None else {})}


def _comma_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


class RequestListApi(Open311Api):
    class InputSerializer(serializers.Serializer):
        service_request_id = serializers.CharField(
            required=False, allow_blank=True, default="", error_messages=messages()
        )
        service_code = serializers.CharField(required=False, allow_blank=True, default="", error_messages=messages())
        start_date = serializers.DateTimeField(required=False, default=None, error_messages=messages(DATETIME))
        end_date = serializers.DateTimeField(required=False, default=None, error_messages=messages(DATETIME))
        status = serializers.CharField(required=False, allow_blank=True, default="", error_messages=messages())
        page = serializers.IntegerField(
            min_value=1, max_value=MAX_PAGE, required=False, default=1, error_messages=messages(INTEGER)
        )
        page_size = serializers.IntegerField(
            min_value=1, required=False, default=None, error_messages=messages(INTEGER)
        )

        def validate_status(self, value: str) -> list[str]:
            statuses = _comma_list(value.lower())
            unknown = [item for item in statuses if item not in ("open", "closed")]
            if unknown:
                raise serializers.ValidationError(gettext("Chỉ dùng open, closed hoặc open,closed."))
            return statuses

        def validate_page_size(self, value: int | None) -> int:
            limit = settings.OPEN311_MAX_PAGE_SIZE
            if value is not None and value > limit:
                raise serializers.ValidationError(gettext("Tối đa %(limit)s yêu cầu một trang.") % {"limit": limit})
            return value or settings.OPEN311_PAGE_SIZE

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            span = timedelta(days=MAX_SPAN_DAYS)
            start: datetime | None = attrs.get("start_date")
            end: datetime | None = attrs.get("end_date")
            try:
                if start is None:
                    end = end or timezone.now()
                    start = end - span
                elif end is None:
                    end = start + span
            except OverflowError:  # a date at the edge of the calendar (year 1 or 9999)
                raise serializers.ValidationError({"start_date": gettext("Ngày nằm ngoài khoảng cho phép.")}) from None
            if end < start:
                raise serializers.ValidationError({"end_date": gettext("end_date phải sau start_date.")})
            if end - start > span:
                raise serializers.ValidationError(
                    {"end_date": gettext("Khoảng thời gian tối đa %(days)s ngày.") % {"days": MAX_SPAN_DAYS}}
                )
            attrs["start_date"], attrs["end_date"] = start, end
            ids = _comma_list(attrs["service_request_id"])
            if len(ids) > settings.OPEN311_MAX_PAGE_SIZE:
                raise serializers.ValidationError(
                    {
                        "service_request_id": gettext("Tối đa %(limit)s mã một lần.")
                        % {"limit": settings.OPEN311_MAX_PAGE_SIZE}
                    }
                )
            attrs["service_request_id"] = ids
            attrs["service_code"] = _comma_list(attrs["service_code"])
            return attrs

    def get(self, request: Request, format: str) -> HttpResponse:
        serializer = self.InputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        params = serializer.validated_data
        petitions = selectors.public_requests()
        if params["service_request_id"]:  # overrides every other parameter (the specification)
            petitions = petitions.filter(tracking_code__in=[code.upper() for code in params["service_request_id"]])
            page, size = 1, settings.OPEN311_MAX_PAGE_SIZE
        else:
            codes = params["service_code"]
            known = {item.code for item in selectors.services()}
            unknown = [code for code in codes if code not in known]
            if unknown:
                raise not_found(gettext("Không có dịch vụ (service_code) %(code)s.") % {"code": ", ".join(unknown)})
            if codes:
                petitions = petitions.filter(petition_type__in=codes)
            petitions = petitions.filter(received_at__gte=params["start_date"], received_at__lte=params["end_date"])
            statuses = params["status"]
            if statuses == ["open"]:
                petitions = petitions.filter(status__in=selectors.OPEN_STATUSES)
            elif statuses == ["closed"]:
                petitions = petitions.filter(status__in=selectors.CLOSED_STATUSES)
            page, size = params["page"], params["page_size"]
        rows = list(petitions[(page - 1) * size : page * size + 1])
        response = render(
            [selectors.public_request(petition) for petition in rows[:size]], fmt=self.fmt, root="service_requests"
        )
        if len(rows) > size:  # a next page (the Open311 extension's `page` / `page_size`)
            query = request.query_params.copy()
            query["page"], query["page_size"] = str(page + 1), str(size)
            response["Link"] = f'<{absolute_url(request.path)}?{query.urlencode()}>; rel="next"'
        return response

    class CreateSerializer(serializers.Serializer):
        service_code = serializers.CharField(error_messages=messages())
        lat = serializers.FloatField(
            min_value=-90, max_value=90, required=False, default=None, error_messages=messages(NUMBER)
        )
        long = serializers.FloatField(
            min_value=-180, max_value=180, required=False, default=None, error_messages=messages(NUMBER)
        )
        address_string = serializers.CharField(
            max_length=255, required=False, allow_blank=True, default="", error_messages=messages()
        )
        address_id = serializers.CharField(
            max_length=255, required=False, allow_blank=True, default="", error_messages=messages()
        )
        email = serializers.EmailField(
            max_length=254, required=False, allow_blank=True, default="", error_messages=messages(EMAIL)
        )
        phone = serializers.RegexField(
            PHONE_REGEX, required=False, allow_blank=True, default="", error_messages=messages(PHONE)
        )
        first_name = serializers.CharField(
            max_length=75, required=False, allow_blank=True, default="", error_messages=messages()
        )
        last_name = serializers.CharField(
            max_length=75, required=False, allow_blank=True, default="", error_messages=messages()
        )
        device_id = serializers.CharField(
            max_length=100, required=False, allow_blank=True, default="", error_messages=messages()
        )
        account_id = serializers.CharField(
            max_length=100, required=False, allow_blank=True, default="", error_messages=messages()
        )
        description = serializers.CharField(
            max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default="", error_messages=messages()
        )
        media_url = serializers.URLField(
            max_length=1000, required=False, allow_blank=True, default="", error_messages=messages(URL)
        )

        def validate_description(self, value: str) -> str:
            if HTML_TAG.search(value):
                raise serializers.ValidationError(gettext("Mô tả là văn bản thường, không có thẻ HTML."))
            return value

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            errors: dict[str, str] = {}
            has_point = attrs["lat"] is not None or attrs["long"] is not None
            if has_point and (attrs["lat"] is None or attrs["long"] is None):
                errors["lat"] = gettext("Cần cả lat và long (WGS84).")
            if not has_point and not attrs["address_string"].strip():
                errors["location"] = (
                    gettext("Cần vị trí: lat và long, hoặc address_string (máy chủ này không dùng address_id).")
                    if attrs["address_id"]
                    else gettext("Cần vị trí: lat và long, hoặc address_string.")
                )
            if len(attrs["description"].strip()) < 10:
                errors["description"] = gettext("Hãy mô tả sự việc (ít nhất 10 ký tự).")
            if not (attrs["first_name"].strip() or attrs["last_name"].strip()):
                errors["first_name"] = gettext(
                    "Cần họ tên người gửi (first_name, last_name): đơn không rõ họ tên không được xử lý."
                )
            if not attrs["email"] and not attrs["phone"]:
                errors["email"] = gettext("Cần thư điện tử (email) hoặc số điện thoại (phone) để nhận trả lời.")
            if errors:
                raise serializers.ValidationError(errors)
            return attrs

    def post(self, request: Request, format: str) -> HttpResponse:
        key = _usable_key(request)
        if key is None:
            raise forbidden(gettext("Cần khoá API (api_key) để gửi yêu cầu."))
        code = str(request.data.get("service_code", ""))
        item = selectors.service(code) if code else None
        if code and item is None:
            raise not_found(gettext("Không có dịch vụ (service_code) %(code)s.") % {"code": code})
        serializer = self.CreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assert item is not None  # service_code is required by the serializer
        attributes = _attributes(request.data)
        commune, title, consent = _check_attributes(item, attributes, description=data["description"])
        created = services.submit_request(
            api_key=key,
            petition_type=item.code,
            commune=commune,
            title=title,
            description=data["description"].strip(),
            # Vietnamese order: family name first ("Nguyễn" + "Văn An").
            petitioner_name=" ".join(part for part in (data["last_name"].strip(), data["first_name"].strip()) if part),
            petitioner_phone=data["phone"],
            petitioner_email=data["email"],
            address=data["address_string"].strip(),
            latitude=None if data["lat"] is None else round(Decimal(str(data["lat"])), 6),
            longitude=None if data["long"] is None else round(Decimal(str(data["long"])), 6),
            publish_consent=consent,
            device_id=data["device_id"],
            account_id=data["account_id"],
            media_url=data["media_url"],
        )
        petition = created.petition
        # The specification: the id or a token, never both (OPEN311_ANSWER_WITH_TOKEN; `tokens/<token>` gives the id).
        if settings.OPEN311_ANSWER_WITH_TOKEN:
            answer = {"token": str(created.token), "service_notice": gettext("Đã tiếp nhận.")}
        else:
            answer = {
                "service_request_id": petition.tracking_code,
                "service_notice": gettext("Đã tiếp nhận. Mã tra cứu %(code)s; tình trạng: %(url)s")
                % {
                    "code": petition.tracking_code,
                    "url": absolute_url(reverse("cases:track", args=[petition.tracking_code])),
                },
            }
        if not consent:
            answer["service_notice"] += " " + gettext(
                "Người gửi không đồng ý công khai nên đơn không có trong danh sách công khai."
            )
        document = [{**answer, "account_id": data["account_id"] or None}]
        return render(document, fmt=self.fmt, root="service_requests", status=201)


def _attributes(data: Any) -> dict[str, list[str]]:
    """`attribute[code]=v` and `attribute[code][]=v1&attribute[code][]=v2` (a multivaluelist) → {code: [values]}."""
    found: dict[str, list[str]] = {}
    for name in data:
        match = ATTRIBUTE.match(name)
        if match:
            found.setdefault(match.group(1), []).extend(str(value) for value in data.getlist(name))
    return found


def _check_attributes(
    item: selectors.Service, attributes: dict[str, list[str]], *, description: str
) -> tuple[Unit, str, bool]:
    """The commune, the title and the consent to publish from the service definition's attributes."""
    definition = {attribute["code"]: attribute for attribute in selectors.service_definition(item)["attributes"]}
    errors: list[str] = []
    for code in attributes:
        if code not in definition:
            errors.append(gettext("attribute[%(code)s]: dịch vụ này không có thuộc tính này.") % {"code": code})
    single = {code: values[-1].strip() if values else "" for code, values in attributes.items()}
    for code, attribute in definition.items():
        if attribute["required"] and not single.get(code):
            errors.append(gettext("attribute[%(code)s]: bắt buộc.") % {"code": code})
        elif (
            single.get(code)
            and "values" in attribute
            and single[code] not in {value["key"] for value in attribute["values"]}
        ):
            errors.append(gettext("attribute[%(code)s]: giá trị không có trong danh sách.") % {"code": code})
    title = single.get(selectors.TITLE, "")
    if title and not selectors.TITLE_MIN <= len(title) <= selectors.TITLE_MAX:
        errors.append(
            gettext("attribute[title]: từ %(min)s đến %(max)s ký tự.")
            % {"min": selectors.TITLE_MIN, "max": selectors.TITLE_MAX}
        )
    if errors:
        raise bad_request(*errors)
    commune = selectors.communes().get(code=single[selectors.COMMUNE])
    if not title:
        first_line = description.strip().splitlines()[0].strip()
        title = first_line if len(first_line) <= 80 else first_line[:79].rstrip() + "…"
    consent = single.get(selectors.PUBLISH_CONSENT) == "true"
    return commune, title, consent


class RequestDetailApi(Open311Api):
    def get(self, request: Request, service_request_id: str, format: str) -> HttpResponse:
        petition = selectors.public_requests().filter(tracking_code=service_request_id.upper()).first()
        if petition is None:
            raise not_found(gettext("Không có yêu cầu %(id)s.") % {"id": service_request_id})
        return render([selectors.public_request(petition)], fmt=self.fmt, root="service_requests")


class TokenApi(Open311Api):
    def get(self, request: Request, token: str, format: str) -> HttpResponse:
        created = selectors.request_by_token(token)
        if created is None:
            raise not_found(gettext("Không có token %(token)s.") % {"token": token})
        document = [{"service_request_id": created.petition.tracking_code, "token": str(created.token)}]
        return render(document, fmt=self.fmt, root="service_requests")


def unknown_path(request: HttpRequest, path: str = "") -> HttpResponse:
    """Anything else under /open311/v2/: the specification's 404, in JSON for a `.json` path."""
    fmt = JSON if request.path.endswith(".json") else XML
    return render_errors([(404, gettext("Không có địa chỉ này trong Open311 GeoReport v2."))], fmt=fmt, status=404)
