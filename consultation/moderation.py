"""Heuristics that send a comment to a moderator: the admin-edited word list, links, shouting, repeated
comments from one contact, and personal data in the text (the commenter's own name or contact, any phone, email
or ID number: what `privacy.redaction` hides on public surfaces, listed for the moderator). A heuristic never
rejects a comment by itself: it holds it for review, with the reason it suggests, and a person decides.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from consultation.models import BlockedTerm, RejectionReason, redact_comment
from privacy import redaction

# How the moderator reads what was found, in `redaction.KINDS` order.
PERSONAL_DATA_LABELS = {
    redaction.NAME: "họ tên người góp ý",
    redaction.PHONE: "số điện thoại",
    redaction.EMAIL_ADDRESS: "thư điện tử",
    redaction.ID_NUMBER: "số CMND/CCCD",
}

MAX_LINKS = 1
_LINK = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|vn|info|xyz|top|ly|io)(?:/\S*)?\b", re.IGNORECASE)
_REPEATED = re.compile(r"(.)\1{7,}")


@dataclass(frozen=True)
class Flag:
    code: str  # blocked_term, links, shouting, repeated, duplicate, personal_data
    reason: str  # the RejectionReason a moderator would most likely give
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "reason": self.reason, "detail": self.detail}


def normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def blocked_terms() -> list[tuple[str, str]]:
    """(normalized term, suggested reason) of the active word list; a short list, read once per comment."""
    return [
        (normalize(term), reason)
        for term, reason in BlockedTerm.objects.filter(is_active=True).values_list("term", "reason")
    ]


def term_hits(text: str, terms: list[tuple[str, str]]) -> list[tuple[str, str]]:
    normal = normalize(text)
    return [
        (term, reason) for term, reason in terms if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", normal) is not None
    ]


def personal_data_flag(text: str, *, author_name: str = "", email: str = "", phone: str = "") -> Flag | None:
    """A flag listing the personal data in `text` (hidden on public surfaces, shown to the moderator), or None."""
    found = redact_comment(text, author_name=author_name, email=email, phone=phone).found
    if not found:
        return None
    listed = ", ".join(f"{PERSONAL_DATA_LABELS[kind]} ({found[kind]})" for kind in redaction.KINDS if found[kind])
    return Flag(
        "personal_data",
        RejectionReason.PERSONAL_DATA,
        f"Có thông tin cá nhân, sẽ được che khi đăng: {listed}",
    )


def flags_for(
    text: str,
    *,
    duplicate_of: str = "",
    terms: list[tuple[str, str]] | None = None,
    author_name: str = "",
    email: str = "",
    phone: str = "",
) -> list[Flag]:
    """Why a comment should be looked at before (or soon after) it is shown; empty when nothing is suspicious.
    The commenter's name, email and phone are what the personal-data flag looks for besides any number."""
    found: list[Flag] = []
    for term, reason in term_hits(text, blocked_terms() if terms is None else terms):
        found.append(Flag("blocked_term", reason, f"Có từ ngữ trong danh sách kiểm duyệt: «{term}»"))
    links = _LINK.findall(text)
    if len(links) > MAX_LINKS:
        found.append(Flag("links", RejectionReason.SPAM, f"Có {len(links)} đường liên kết"))
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 40 and sum(c.isupper() for c in letters) / len(letters) > 0.7:
        found.append(Flag("shouting", RejectionReason.SPAM, "Viết hoa gần như toàn bộ"))
    if _REPEATED.search(text):
        found.append(Flag("repeated", RejectionReason.SPAM, "Ký tự lặp lại nhiều lần"))
    if duplicate_of:
        found.append(Flag("duplicate", RejectionReason.SPAM, f"Trùng nội dung góp ý {duplicate_of} của cùng người gửi"))
    personal = personal_data_flag(text, author_name=author_name, email=email, phone=phone)
    if personal is not None:
        found.append(personal)
    return found
