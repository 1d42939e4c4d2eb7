"""The Zalo OA and Facebook Page webhooks: check the platform's signature, store the raw events, answer.

No processing and no network here (`manage.py run_channel_events` does that), so the answer comes in
milliseconds and an event is kept even when the worker is down. What each status means to the platform:
200 stored (or already stored: the platform re-sends what it thinks we missed), 400 not an event,
403 not signed by the platform for one of our pages/OAs or stamped outside the accepted window (a replay),
413 too large, 429 too many requests from one address. A refused delivery stores nothing and is logged.
These are the only views without CSRF protection: the platforms sign their requests instead of sending a token.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, RawPostDataException
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from channels.social import MAX_BODY_BYTES, ReceivedEvent, WebhookRefused, check_facebook, check_zalo, store
from core.proxies import client_address
from core.throttles import CountingThrottle

logger = logging.getLogger(__name__)


class WebhookThrottle(CountingThrottle):
    """Requests per client address (a trusted proxy's X-Forwarded-For already applied, core.proxies)."""

    scope = "channel_webhook"

    def get_rate(self) -> str | None:
        return str(settings.CHANNEL_WEBHOOK_RATE) or None  # read now, so settings overrides apply


def _text(body: str, status: int) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


def _receive(
    request: HttpRequest,
    platform: str,
    check: Callable[..., list[ReceivedEvent]],
    signature_header: str,
) -> HttpResponse:
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            raise WebhookRefused(413, "body too large")
        body = request.body
        if len(body) > MAX_BODY_BYTES:
            raise WebhookRefused(413, "body too large")
        now = timezone.now()
        events = check(body=body, signature=request.headers.get(signature_header, ""), now=now)
    except (ValueError, RequestDataTooBig, RawPostDataException):
        # RawPostDataException: a multipart form, already read as a form by a middleware; never an event.
        return _refused(request, platform, WebhookRefused(400, "unreadable request"))
    except WebhookRefused as refusal:
        return _refused(request, platform, refusal)
    store(events, now=now)
    return _text("OK", 200)


def _refused(request: HttpRequest, platform: str, refusal: WebhookRefused) -> HttpResponse:
    logger.warning("%s webhook from %s refused (%s): %s", platform, client_address(request), refusal.status, refusal)
    return _text("", refusal.status)


def _throttled(request: HttpRequest) -> bool:
    return not WebhookThrottle().allow_request(request, None)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def facebook(request: HttpRequest) -> HttpResponse:
    if _throttled(request):
        return _text("", 429)
    if request.method == "GET":
        return _facebook_handshake(request)
    return _receive(request, "Facebook", check_facebook, "X-Hub-Signature-256")


def _facebook_handshake(request: HttpRequest) -> HttpResponse:
    """Subscribing the webhook: Facebook sends our verify token and a challenge, and expects the challenge back."""
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    tokens = [page["verify_token"] for page in settings.FACEBOOK_PAGES.values() if page.get("verify_token")]
    known = any(hmac.compare_digest(token.encode(), expected.encode()) for expected in tokens)
    if request.GET.get("hub.mode") != "subscribe" or not token or not known or not 0 < len(challenge) <= 200:
        return _refused(request, "Facebook", WebhookRefused(403, "verification with a wrong token or mode"))
    return _text(challenge, 200)


@csrf_exempt
@require_http_methods(["POST"])
def zalo(request: HttpRequest) -> HttpResponse:
    if _throttled(request):
        return _text("", 429)
    return _receive(request, "Zalo", check_zalo, "X-ZEvent-Signature")
