"""Events shaped like the platforms' deliveries (channels-notes.md §2, §3), signed the way they sign them: for the
tests, the benchmark and the demo's recorded events (`channels/fixtures/`), which go through the webhook's own
checks (`channels.social.check_*`) and the worker like any delivery."""

from __future__ import annotations

import datetime
import json
from typing import Any

from channels.social import facebook_signature, zalo_signature


def millis(at: datetime.datetime) -> int:
    return int(at.timestamp() * 1000)


def facebook_event(
    *,
    page_id: str,
    sender_id: str,
    mid: str,
    at: datetime.datetime,
    text: str = "",
    attachments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {"mid": mid}
    if text:
        message["text"] = text
    if attachments:
        message["attachments"] = attachments
    return {
        "object": "page",
        "entry": [
            {
                "id": page_id,
                "time": millis(at),
                "messaging": [
                    {
                        "sender": {"id": sender_id},
                        "recipient": {"id": page_id},
                        "timestamp": millis(at),
                        "message": message,
                    }
                ],
            }
        ],
    }


def zalo_event(
    *,
    app_id: str,
    oa_id: str,
    sender_id: str,
    msg_id: str,
    at: datetime.datetime,
    text: str = "",
    attachments: list[dict[str, Any]] | None = None,
    event_name: str = "",
) -> dict[str, Any]:
    message: dict[str, Any] = {"msg_id": msg_id}
    if text:
        message["text"] = text
    if attachments:
        message["attachments"] = attachments
    kind = "image" if attachments and attachments[0].get("type") == "image" else "file" if attachments else "text"
    return {
        "app_id": app_id,
        "user_id_by_app": "55" + sender_id[2:],
        "event_name": event_name or f"user_send_{kind}",
        "timestamp": str(millis(at)),
        "sender": {"id": sender_id},
        "recipient": {"id": oa_id},
        "message": message,
    }


def body(event: dict[str, Any]) -> bytes:
    """As the platforms send it: compact, non-ASCII escaped (the signature is over these exact bytes)."""
    return json.dumps(event, separators=(",", ":")).encode("utf-8")


def facebook_headers(raw: bytes, *, app_secret: str) -> dict[str, str]:
    return {"X-Hub-Signature-256": facebook_signature(body=raw, app_secret=app_secret)}


def zalo_headers(raw: bytes, *, secret_key: str) -> dict[str, str]:
    event = json.loads(raw)
    mac = zalo_signature(
        app_id=str(event["app_id"]), body=raw, timestamp=str(event["timestamp"]), secret_key=secret_key
    )
    return {"X-ZEvent-Signature": f"mac={mac}"}
