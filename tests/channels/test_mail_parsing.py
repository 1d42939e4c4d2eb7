"""Reading hostile or odd mails never raises anything but MalformedMail, and reads what can be read."""

from __future__ import annotations

import pytest

from channels.mail import MalformedMail, case_codes_in, parse_mail
from tests.channels import mails

LIMIT = 10 * 1024 * 1024


def test_a_mail_in_a_charset_python_does_not_know_is_read_not_refused():
    raw = b"From: a@b.vn\r\nSubject: x\r\nContent-Type: text/plain; charset=viscii\r\n\r\nhello\r\n"
    assert parse_mail(raw, max_file_bytes=LIMIT).text == "hello"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"Subject: x\r\n\r\nno sender\r\n", "no sender address"),
        (b"", "no sender address"),
        (
            b"From: a@b.vn\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
            + b"".join(
                f"--b{i}\r\nContent-Type: multipart/mixed; boundary=b{i + 1}\r\n\r\n".encode() for i in range(3000)
            ),
            "RecursionError|nested deeper",
        ),
        (mails.malformed(), "broken MIME structure"),
    ],
    ids=["no-from", "empty", "nesting-bomb", "no-boundary"],
)
def test_unreadable_mails_are_refused_with_a_reason(raw, reason):
    with pytest.raises(MalformedMail, match=reason):
        parse_mail(raw, max_file_bytes=LIMIT)


def test_an_attachment_over_the_limit_is_listed_without_being_decoded():
    parsed = parse_mail(mails.vietnamese(attachment=b"%PDF-1.4\n" + b"0" * 2_000_000), max_file_bytes=1_000_000)
    [attachment] = parsed.files
    assert attachment.name == mails.FILENAME and attachment.content is None and attachment.encoded_size > 2_000_000


def test_case_codes_come_from_our_message_ids_and_the_bracketed_subject_only():
    parsed = parse_mail(
        mails.simple(
            subject="Re: [qt-2026-7kx4-m9pa] và QT-2026-AAAA-BBBB không ngoặc",
            text="x",
            message_id="<r@e.vn>",
            headers="References: <abc@gmail.com> <case-QT-2026-7KX4-M9PA.2@ubnd.test>\r\n",
        ),
        max_file_bytes=LIMIT,
    )
    assert case_codes_in(parsed, "QT") == (["QT-2026-7KX4-M9PA"], ["QT-2026-7KX4-M9PA"])
