from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def absolute_url(path: str) -> str:
    """`path` on the site's public address (SITE_URL), for links read outside the site: QR codes, receipts,
    mails. Never the request's own host: behind a TLS proxy that is the proxy's `http://` view."""
    return f"{settings.SITE_URL}/{path.lstrip('/')}"


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The form's `next` address if it stays on this site, otherwise `fallback` (no open redirect)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
