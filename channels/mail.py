"""Reading one e-mail as received: sender, subject, text, files, threading ids, and whether a machine sent it.

Pure functions, no database: `channels.mailbox` fetches and stores, `channels.services` writes drafts and case
messages. Headers and file names in Vietnamese come as RFC 2047 encoded words or RFC 2231 parameters; the
`email.policy.default` parser decodes both (the compat32 policy would leave `=?utf-8?b?…?=` in the names).
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import errors as email_errors
from email.message import EmailMessage, Message, MIMEPart
from html.parser import HTMLParser

# A mail whose MIME structure is broken this way cannot be read reliably: its parts (and files) would be guesses.
STRUCTURAL_DEFECTS = (
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
)
# Beyond these, a mail is refused as malformed rather than walked (a nesting bomb) or its files are left out.
MAX_DEPTH = 20
MAX_PARTS = 200
MAX_FILES = 20
# A draft's text beyond this (a pasted document, a long quoted thread) is cut; the raw mail keeps everything.
MAX_TEXT = 50_000
# Message-IDs of the case mails we send: "<case-QT-2026-7KX4-M9PA.3@ubnd.example>" (code, then a sequence number).
CASE_MESSAGE_ID = re.compile(r"<case-(?P<code>[A-Za-z0-9-]+)\.\d+@[^<>\s]+>")
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
AUTOMATED_SENDERS = ("mailer-daemon@", "postmaster@", "no-reply@", "noreply@", "do-not-reply@", "donotreply@")


class MalformedMail(ValueError):
    """The mail cannot be read: why, in a sentence for the log and the event's note."""


@dataclass(frozen=True)
class MailFile:
    name: str
    content_type: str  # as the mail claims it; the upload check types it by content
    content: bytes | None  # None: too large, not decoded (`encoded_size` says how large)
    encoded_size: int


@dataclass
class ParsedMail:
    message_id: str
    sender_address: str
    sender_name: str
    subject: str
    text: str
    date: datetime | None
    references: list[str]
    files: list[MailFile] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    automated: str = ""  # why a machine sent it (RFC 3834 and the usual headers), "" for a person


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


class _TextOfHtml(HTMLParser):
    """The readable text of an HTML body: scripts, styles and other non-text elements dropped with their content,
    block elements as line breaks, entities decoded. The result is plain text, shown escaped."""

    SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript", "iframe", "object", "svg"})
    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "hr"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).split("\n"))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return _clean(parser.text())


def automated_reason(msg: Message) -> str:
    """Why this mail was sent by a machine and must never open a case nor be answered (auto-replies, bounces,
    read receipts, mailing lists), or "" for a person's mail."""
    present = {key.lower() for key in msg.keys()}  # noqa: SIM118 - keys() reads names without parsing values
    auto = str(msg.get("Auto-Submitted", "")).strip().lower() if "auto-submitted" in present else ""
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    if "return-path" in present and str(msg.get("Return-Path", "")).strip() == "<>":
        return "Return-Path: <>"
    if msg.get_content_type() == "multipart/report":
        return "Content-Type: multipart/report"
    precedence = str(msg.get("Precedence", "")).strip().lower() if "precedence" in present else ""
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "List-Id", "List-Unsubscribe"):
        if header.lower() in present:
            return f"{header}: {str(msg.get(header)).strip()[:80]}"
    sender = email.utils.parseaddr(str(msg.get("From", "")))[1].lower()
    if sender.startswith(AUTOMATED_SENDERS):
        return f"From: {sender}"
    return ""


def _sender(msg: EmailMessage) -> tuple[str, str]:
    header = msg["From"]
    addresses = getattr(header, "addresses", ()) if header is not None else ()
    if addresses:
        name, address = addresses[0].display_name, addresses[0].addr_spec
    else:
        name, address = email.utils.parseaddr(str(header or ""))
    address = address.strip().lower()
    if "@" not in address or len(address) > 254:
        raise MalformedMail("no sender address (From)")
    return _clean(name)[:150], address


def _date(msg: EmailMessage) -> datetime | None:
    header = msg["Date"]
    value = getattr(header, "datetime", None) if header is not None else None
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)  # "-0000": UTC, zone unknown


def _parts(part: Message, depth: int = 0) -> list[Message]:
    """The leaves of the MIME tree, a forwarded mail (message/rfc822) kept as one leaf."""
    if depth > MAX_DEPTH:
        raise MalformedMail(f"MIME parts nested deeper than {MAX_DEPTH} levels")
    if part.get_content_maintype() == "multipart":
        payload = part.get_payload()
        if not isinstance(payload, list):
            raise MalformedMail("a multipart part without parts")
        leaves: list[Message] = []
        for child in payload:
            if isinstance(child, Message):
                leaves.extend(_parts(child, depth + 1))
            if len(leaves) > MAX_PARTS:
                raise MalformedMail(f"more than {MAX_PARTS} MIME parts")
        return leaves
    return [part]


def _check_structure(msg: Message, depth: int = 0) -> None:
    for defect in msg.defects:
        if isinstance(defect, STRUCTURAL_DEFECTS):
            raise MalformedMail(f"broken MIME structure: {type(defect).__name__}")
    if msg.get_content_maintype() == "multipart" and depth <= MAX_DEPTH:
        for child in msg.get_payload():
            if isinstance(child, Message):
                _check_structure(child, depth + 1)


def _file(part: EmailMessage, number: int, max_bytes: int) -> MailFile:
    name = _clean(part.get_filename() or "") or f"tep-dinh-kem-{number}"
    name = name.replace("/", "_").replace("\\", "_")[:255]
    encoded = part.get_payload(decode=False)
    encoded_size = len(encoded) if isinstance(encoded, str | bytes) else 0
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    decoded_estimate = encoded_size * 3 // 4 if encoding == "base64" else encoded_size
    if decoded_estimate > max_bytes:
        return MailFile(name, part.get_content_type(), None, decoded_estimate)
    content = part.get_payload(decode=True) if part.get_content_type() != "message/rfc822" else part.as_bytes()
    return MailFile(name, part.get_content_type(), content if isinstance(content, bytes) else b"", encoded_size)


def _text_of(part: MIMEPart) -> str:
    """A text part's content; in a charset Python does not know (VISCII, a typo), read as UTF-8 with the
    undecodable bytes replaced rather than refusing a citizen's mail."""
    try:
        return str(part.get_content())
    except LookupError:
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""


def message_id_of(msg: Message, raw: bytes) -> str:
    match = MESSAGE_ID.search(str(msg.get("Message-ID", "")))
    if match:
        return match.group(0)[:255]
    # Without one (rare, and against RFC 5322), the content identifies it: the same bytes twice are one mail.
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@no-message-id>"


def parse_mail(raw: bytes, *, max_file_bytes: int) -> ParsedMail:
    """Read one mail. Raises MalformedMail when it cannot be read reliably (no sender, a broken MIME structure, a
    nesting bomb). Files larger than `max_file_bytes` are listed without being decoded."""
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        _check_structure(msg)
        sender_name, sender_address = _sender(msg)
        subject = " ".join(_clean(str(msg.get("Subject", ""))).split())
        references = MESSAGE_ID.findall(f"{msg.get('In-Reply-To', '')} {msg.get('References', '')}")
        leaves = _parts(msg)
        body = msg.get_body(preferencelist=("plain", "html"))
        text = ""
        if body is not None:
            content = _text_of(body)
            text = html_to_text(content) if body.get_content_subtype() == "html" else _clean(content)
            if len(text) > MAX_TEXT:
                text = text[:MAX_TEXT].rstrip() + "\n[…]"
        files: list[MailFile] = []
        skipped: list[str] = []
        for leaf in leaves:
            if leaf is body or not isinstance(leaf, EmailMessage):
                continue
            is_text_part = leaf.get_content_maintype() == "text" and leaf.get_filename() is None
            if is_text_part or leaf.get_content_type() in (
                "message/delivery-status",
                "message/disposition-notification",
            ):
                continue  # alternative bodies, a bounce's report: not files the citizen sent
            if len(files) >= MAX_FILES:
                skipped.append(_clean(leaf.get_filename() or "") or leaf.get_content_type())
                continue
            files.append(_file(leaf, len(files) + 1, max_file_bytes))
        return ParsedMail(
            message_id=message_id_of(msg, raw),
            sender_address=sender_address,
            sender_name=sender_name,
            subject=subject[:200],
            text=text,
            date=_date(msg),
            references=references,
            files=files,
            skipped_files=skipped,
            automated=automated_reason(msg),
        )
    except MalformedMail:
        raise
    except (RecursionError, LookupError, ValueError, TypeError, AttributeError, IndexError) as error:
        # The parser's own failures on hostile input (an unknown charset, a header it cannot decode, …).
        raise MalformedMail(f"unreadable mail: {type(error).__name__}: {error}") from None


def case_codes_in(parsed: ParsedMail, prefix: str) -> tuple[list[str], list[str]]:
    """Tracking codes this mail refers to: (from our case Message-IDs in In-Reply-To/References, from "[CODE]" in
    the subject)."""
    by_thread = [m.group("code").upper() for ref in parsed.references if (m := CASE_MESSAGE_ID.fullmatch(ref))]
    pattern = re.compile(rf"\[\s*({re.escape(prefix)}-\d{{4}}-[A-Z0-9]{{4}}-[A-Z0-9]{{4}})\s*\]", re.IGNORECASE)
    by_subject = [m.upper() for m in pattern.findall(parsed.subject)]
    return by_thread, by_subject
