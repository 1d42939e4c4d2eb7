"""Mailbox intake rate: messages/s from a local IMAP server into the reception queue.

    .venv/bin/python bench/channels_mailbox.py                   # 1,000 messages, temporary SQLite
    .venv/bin/python bench/channels_mailbox.py --messages 200
    .venv/bin/python bench/channels_mailbox.py --database-url postgres://postgres@127.0.0.1:5432/bench_mail  # EMPTY db

A throw-away Dovecot (the tests' one, `tests/channels/dovecot.py`) on a free loopback port gets N Vietnamese mails
(encoded subject and sender, quoted-printable text, an HTML alternative, a ~20 KB PDF with an RFC 2231 file name),
appended before the clock starts. Timed: one `channels.mailbox.sync_once` of the mailbox, i.e. everything the
worker does per mail: fetch with BODY.PEEK, store the raw mail, parse, the loop guards, the draft and its checked
attachment, the commit, then \\Seen + keyword + MOVE to the processed folder. Then an empty poll (nothing new).

The work runs in a child process (`--worker`) with its own settings and database, so `measure()` can be called
from another benchmark (bench/channels.py) that has its own Django setup. Target: ≥ 20 messages/s. The LAST line
of the output is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the project's packages
from bench.figures import say  # noqa: E402

TARGET_MESSAGES_PER_S = 20.0
PDF_BYTES = 20 * 1024


def _mail(number: int) -> bytes:
    from email.header import Header

    def words(text: str) -> str:
        return Header(text, "utf-8").encode(linesep="\r\n")

    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nstream\n" + os.urandom(PDF_BYTES) + b"\nendstream\n%%EOF\n"
    attachment = base64.encodebytes(pdf).decode("ascii").replace("\n", "\r\n")
    text = (
        f"Kính gửi UBND phường,\r\n\r\nĐèn đường số {number} trên đường Lê Duẩn, tổ {number % 40 + 1}, không sáng "
        "đã hai tuần nay; đề nghị phường kiểm tra, sửa chữa.\r\n\r\nTrân trọng,\r\nNguyễn Văn Ánh"
    )
    html = base64.encodebytes(f"<div>{text.replace(chr(13) + chr(10), '<br>')}</div>".encode()).decode("ascii")
    filename = f"Đơn kiến nghị số {number}.pdf"
    rfc2231 = "".join(c if c.isascii() and c.isalnum() else "".join(f"%{b:02X}" for b in c.encode()) for c in filename)
    import quopri

    plain = quopri.encodestring(text.encode("utf-8")).decode("ascii")
    return (
        f"From: {words('Nguyễn Văn Ánh')} <nguoidan{number}@example.vn>\r\nTo: tiepnhan@ubnd.test\r\n"
        f"Subject: {words(f'Phản ánh số {number}: Đèn đường hỏng tại tổ dân phố, phường Đông Hà')}\r\n"
        f"Date: Tue, 03 Nov 2026 08:15:00 +0700\r\nMessage-ID: <bench-{number}@mail.example.vn>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="mixed"\r\n\r\n'
        '--mixed\r\nContent-Type: multipart/alternative; boundary="alt"\r\n\r\n'
        '--alt\r\nContent-Type: text/plain; charset="UTF-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
        f"{plain}\r\n"
        '--alt\r\nContent-Type: text/html; charset="UTF-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        f"{html}\r\n--alt--\r\n"
        f'--mixed\r\nContent-Type: application/pdf; name="{words(filename)}"\r\n'
        f"Content-Disposition: attachment; filename*=utf-8''{rfc2231}\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{attachment}\r\n--mixed--\r\n"
    ).encode("ascii")


def worker(messages: int, database_url: str) -> dict[str, Any]:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SITE_URL", "https://langnghe.example")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
    os.environ.setdefault("EMAIL_HOST", "127.0.0.1")
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="lang-nghe-bench-media-")
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from channels.mailbox import MailboxConfig, sync_once
    from channels.models import Draft, DraftAttachment, InboundEvent
    from tests.channels.dovecot import Dovecot

    call_command("migrate", verbosity=0, interactive=False)
    server = Dovecot()
    server.add_user("tiepnhan@ubnd.test", "bench-secret")
    server.start()
    try:
        t0 = time.perf_counter()
        with server.client("tiepnhan@ubnd.test", "bench-secret") as client:
            for number in range(1, messages + 1):
                client.append("INBOX", _mail(number))
        append_s = time.perf_counter() - t0
        config = MailboxConfig.from_settings(
            {
                "name": "tiepnhan",
                "host": server.host,
                "port": server.port,
                "username": "tiepnhan@ubnd.test",
                "password": "bench-secret",
                "security": "plain",
                "processed_folder": "Processed",
            }
        )
        t0 = time.perf_counter()
        result = sync_once(config)
        intake_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        empty = sync_once(config)
        empty_poll_ms = (time.perf_counter() - t0) * 1000
        with server.client("tiepnhan@ubnd.test", "bench-secret") as client:
            left = client.select_folder("INBOX")[b"EXISTS"]
            processed = client.select_folder("Processed")[b"EXISTS"]
        figures = {
            "database": connection.vendor,
            "messages": messages,
            "append_s": round(append_s, 2),
            "intake_s": round(intake_s, 2),
            "messages_per_s": round(messages / intake_s, 1),
            "ms_per_message": round(intake_s * 1000 / messages, 1),
            "empty_poll_ms": round(empty_poll_ms, 1),
            "outcomes": result.outcomes,
            "failed": result.failed,
            "drafts": Draft.objects.count(),
            "attachments": DraftAttachment.objects.count(),
            "events": InboundEvent.objects.count(),
            "left_in_inbox": int(left),
            "in_processed_folder": int(processed),
            "empty_poll_outcomes": empty.outcomes,
        }
        figures["correct"] = (
            figures["drafts"] == messages
            and figures["attachments"] == messages
            and figures["left_in_inbox"] == 0
            and figures["in_processed_folder"] == messages
            and not empty.outcomes
        )
        return figures
    finally:
        server.stop()


def measure(messages: int = 1000, database_url: str = "") -> dict[str, Any]:
    """Run the benchmark in a child process; its figures, with `targets_met`."""
    workdir = tempfile.mkdtemp(prefix="lang-nghe-bench-mail-")
    database_url = database_url or f"sqlite:///{workdir}/bench.sqlite3"
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "CHANNEL_MAILBOXES")}
    completed = subprocess.run(  # noqa: S603 - this very script
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            "--messages",
            str(messages),
            "--database-url",
            database_url,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        return {
            "error": (completed.stderr or completed.stdout).strip()[-2000:],
            "targets_met": {"mailbox_intake": False},
        }
    figures: dict[str, Any] = json.loads(lines[-1])
    figures["target_messages_per_s_min"] = TARGET_MESSAGES_PER_S
    figures["targets_met"] = {
        "mailbox_intake": bool(figures["correct"]) and figures["messages_per_s"] >= TARGET_MESSAGES_PER_S
    }
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--database-url", default="", help="an EMPTY database (default: a temporary SQLite file)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.messages, args.database_url), ensure_ascii=False), flush=True)
        return 0
    say(f"mailbox intake: {args.messages} Vietnamese mails with a PDF each, from a local Dovecot")
    figures = measure(args.messages, args.database_url)
    if "error" in figures:
        say(f"failed: {figures['error']}")
    else:
        say(
            f"{figures['database']}: {figures['messages_per_s']} messages/s ({figures['ms_per_message']} ms each; "
            f"{figures['intake_s']} s for {figures['messages']}), empty poll {figures['empty_poll_ms']} ms; "
            f"outcomes {figures['outcomes']}, failed {figures['failed']}, correct {figures['correct']}"
        )
        say(f"target ≥ {TARGET_MESSAGES_PER_S:.0f} messages/s: {figures['targets_met']['mailbox_intake']}")
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if "error" not in figures else 1


if __name__ == "__main__":
    sys.exit(main())
