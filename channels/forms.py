"""Input of the reception queue's draft page: the recording page's fields (`cases.recording`), without the
channel, the receipt time and the uploads, which come from the draft."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cases.api import RecordPetitionApi


class ConfirmInput(RecordPetitionApi.InputSerializer):
    channel = None  # type: ignore[assignment]
    received_at = None  # type: ignore[assignment]
    attachments = None  # type: ignore[assignment]
    latitude = None  # type: ignore[assignment]
    longitude = None  # type: ignore[assignment]
    # The draft's files to keep (the others stay with the draft).
    keep = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # No phone or e-mail needed: answers go back through the channel the draft came from (`origin_address`).
        return attrs


class DiscardInput(serializers.Serializer):
    discard_reason = serializers.CharField(min_length=5, max_length=2000)
