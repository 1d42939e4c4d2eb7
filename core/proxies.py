"""The client's address behind a reverse proxy, believed only from proxies listed in TRUSTED_PROXIES.

A client can send any X-Forwarded-For it likes; each proxy appends the address it got the request from. So the
right-most address that is not one of our proxies is the client as our first proxy saw it, and anything to its
left is the client's own claim. A request that does not come from a trusted proxy is its own REMOTE_ADDR.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def from_trusted_proxy(address: str) -> bool:
    """Whether `address` is one of TRUSTED_PROXIES (addresses or networks)."""
    return _is_trusted(address, _networks(tuple(settings.TRUSTED_PROXIES)))


def resolve_client(remote_addr: str, forwarded_for: str, trusted_proxies: list[str] | tuple[str, ...]) -> str:
    """The client's address: `remote_addr`, unless it is a trusted proxy; then the right-most address of
    `forwarded_for` that is not a trusted proxy (or the left-most one, if every hop is trusted)."""
    networks = _networks(tuple(trusted_proxies))
    if not networks or not forwarded_for or not _is_trusted(remote_addr, networks):
        return remote_addr
    client = remote_addr
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # not written by a proxy of ours: the last good hop is the client
        client = hop
        if not _is_trusted(hop, networks):
            break
    return client


class ForwardedForMiddleware:
    """Sets REMOTE_ADDR to the client's address (see the module), so rate limits and login lockouts count
    clients, not proxies, and never a forged header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META["REMOTE_ADDR"] = resolve_client(
            request.META.get("REMOTE_ADDR", ""),
            request.META.get("HTTP_X_FORWARDED_FOR", ""),
            settings.TRUSTED_PROXIES,
        )
        return self.get_response(request)


def client_address(request: HttpRequest) -> str:
    """The client's address for django-axes (already resolved by ForwardedForMiddleware)."""
    return str(request.META.get("REMOTE_ADDR", ""))
