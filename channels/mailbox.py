"""The official mailbox worker: read each configured mailbox over IMAP, take in every mail not yet processed, and
mark it processed on the server only after the database committed what it became.

One mail, in order:
1. fetched with BODY.PEEK[] (fetching never sets \\Seen), its bytes stored as an `InboundEvent` keyed
   "<mailbox>:<UIDVALIDITY>:<UID>" and committed: from here nothing is lost if handling fails;
2. parsed and handled in one transaction that marks the event handled (`services.take_in_mail`): a draft, a
   message on its case, or ignored / duplicate / refused with the reason;
3. after that commit: \\Seen and the `PROCESSED_KEYWORD` flag set, then moved to the processed folder (a refused
   mail stays, \\Flagged, for a person to look at).
A crash between 1 and 3 leaves the mail unprocessed on the server; the next run finds its event (handled or not)
and finishes it. The same mail in two mailboxes is one draft (Message-ID).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
import threading
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from cases.models import Channel
from channels import services
from channels.mail import MalformedMail, parse_mail
from channels.models import EventOutcome, InboundEvent
from organisation.models import Unit

logger = logging.getLogger(__name__)

# Set on every mail handled, so a mailbox read without a processed folder (or by people too, who set \Seen) is
# never taken in twice and never skipped because someone opened a mail.
PROCESSED_KEYWORD = b"$LangNgheProcessed"
# A fetch brings at most this many bytes of mail at once (a 40 MB mail alone), so memory stays bounded.
FETCH_BYTES = 20 * 1024 * 1024
FETCH_COUNT = 50
# A mail whose handling failed this many times (a bug, not the mail's fault: those are refused at once) is left,
# flagged, for a person; its event keeps the last error.
MAX_ATTEMPTS = 5
LOOPBACK_NAMES = ("localhost",)
NETWORK_ERRORS = (IMAPClientError, OSError, socket.timeout, ssl.SSLError)


@dataclass(frozen=True)
class MailboxConfig:
    name: str
    host: str
    username: str
    password: str = field(repr=False)
    port: int = 993
    security: str = "tls"  # "tls", "starttls", or "plain" (loopback only)
    folder: str = "INBOX"
    processed_folder: str = ""
    unit: str = ""  # code of the unit whose reception officers confirm its drafts

    @classmethod
    def from_settings(cls, values: dict[str, Any]) -> MailboxConfig:
        config = cls(
            name=str(values.get("name", "")),
            host=str(values.get("host", "")),
            username=str(values.get("username", "")),
            password=str(values.get("password", "")),
            port=int(values.get("port", 993)),
            security=str(values.get("security", "tls")).lower(),
            folder=str(values.get("folder", "INBOX")) or "INBOX",
            processed_folder=str(values.get("processed_folder", "")),
            unit=str(values.get("unit", "")),
        )
        config.check()
        return config

    def check(self) -> None:
        """Raise ImproperlyConfigured, naming the mailbox and the setting to fix."""
        where = f"mailbox {self.name!r} (MAILBOX_{self.name.upper()}_…)"
        if not self.name or ":" in self.name:
            raise ImproperlyConfigured("CHANNEL_MAILBOXES: each mailbox needs a name without ':'")
        if not self.host or not self.username or not self.password:
            raise ImproperlyConfigured(f"{where}: HOST, USER and PASSWORD are required")
        if self.security not in ("tls", "starttls", "plain"):
            raise ImproperlyConfigured(f"{where}: SECURITY must be tls, starttls or plain, not {self.security!r}")
        if self.security == "plain" and not _is_loopback(self.host):
            raise ImproperlyConfigured(
                f"{where}: a password is never sent in clear text over a network; SECURITY=plain is only for a "
                f"server on this machine's loopback interface, not {self.host!r}"
            )

    @property
    def external_prefix(self) -> str:
        return f"{self.name}:"


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def configured_mailboxes() -> list[MailboxConfig]:
    return [MailboxConfig.from_settings(values) for values in settings.CHANNEL_MAILBOXES]


def connect(config: MailboxConfig, *, timeout: float = 60) -> IMAPClient:
    """A logged-in client: TLS with certificate and host name checks unless the configuration says otherwise."""
    context = ssl.create_default_context()
    client = IMAPClient(
        config.host, port=config.port, ssl=config.security == "tls", ssl_context=context, timeout=timeout
    )
    client.normalise_times = False  # INTERNALDATE with its zone, not a naive local time
    try:
        if config.security == "starttls":
            client.starttls(context)
        client.login(config.username, config.password)
    except BaseException:
        client.shutdown()
        raise
    return client


@dataclass
class SyncResult:
    mailbox: str
    outcomes: dict[str, int] = field(default_factory=dict)
    failed: int = 0  # handling raised: left unprocessed on the server, retried next time

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.outcomes.values()) + self.failed

    def __str__(self) -> str:
        done = ", ".join(f"{name} {n}" for name, n in sorted(self.outcomes.items())) or "nothing new"
        return f"{self.mailbox}: {done}" + (f", {self.failed} failed (retried next time)" if self.failed else "")


def _batches(uids: Sequence[int], sizes: dict[int, int]) -> Iterator[list[int]]:
    batch: list[int] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if batch and (total + size > FETCH_BYTES or len(batch) >= FETCH_COUNT):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += size
    if batch:
        yield batch


def _internal_date(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class MailboxReader:
    """Reads one mailbox with an open client; `sync()` takes in everything not yet processed."""

    def __init__(self, config: MailboxConfig, client: IMAPClient) -> None:
        self.config = config
        self.client = client
        self.unit = Unit.objects.filter(code=config.unit).first() if config.unit else None
        if config.unit and self.unit is None:
            raise ImproperlyConfigured(f"mailbox {config.name!r}: no unit with the code {config.unit!r}")
        self.own_addresses = {config.username.lower(), settings.DEFAULT_FROM_EMAIL.lower()}
        self._processed_folder_ready = False

    def sync(self) -> SyncResult:
        result = SyncResult(self.config.name)
        selected = self.client.select_folder(self.config.folder)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        uids = sorted(self.client.search(["UNKEYWORD", PROCESSED_KEYWORD.decode()]))
        if not uids:
            return result
        meta = self.client.fetch(uids, ["RFC822.SIZE", "INTERNALDATE"])
        sizes = {uid: int(meta.get(uid, {}).get(b"RFC822.SIZE", 0)) for uid in uids}
        dates = {uid: _internal_date(meta.get(uid, {}).get(b"INTERNALDATE")) for uid in uids}
        for batch in _batches(uids, sizes):
            done: dict[int, str] = {}
            wanted: list[int] = []
            known = {
                event.external_id: event
                for event in InboundEvent.objects.filter(
                    channel=Channel.EMAIL, external_id__in=[self._external_id(uidvalidity, uid) for uid in batch]
                )
            }
            for uid in batch:
                event = known.get(self._external_id(uidvalidity, uid))
                outcome, new = self._known(event, uidvalidity, uid, sizes[uid], dates[uid])
                if outcome is None:
                    wanted.append(uid)
                else:
                    done[uid] = outcome
                    if new:
                        result.count(outcome)
            bodies = self.client.fetch(wanted, ["BODY.PEEK[]"]) if wanted else {}
            for uid in wanted:
                raw = bodies.get(uid, {}).get(b"BODY[]")
                if not isinstance(raw, bytes):
                    logger.warning("mailbox %s: UID %s vanished before it was fetched", self.config.name, uid)
                    continue
                outcome = self._take_in(uidvalidity, uid, raw, dates[uid])
                if outcome is None:
                    result.failed += 1
                else:
                    done[uid] = outcome
                    result.count(outcome)
            self._mark_processed(done)  # every outcome in `done` is committed
        return result

    def _external_id(self, uidvalidity: int, uid: int) -> str:
        return f"{self.config.name}:{uidvalidity}:{uid}"

    def _known(
        self, event: InboundEvent | None, uidvalidity: int, uid: int, size: int, internal_date: datetime | None
    ) -> tuple[str | None, bool]:
        """(outcome, decided now): the outcome of a mail handled before (the server was not told: a crash after the
        commit), a refusal of a mail too large to fetch, or (None, False) to fetch it. `event`: its stored event."""
        external_id = self._external_id(uidvalidity, uid)
        if event is not None and event.handled_at is not None:
            return event.outcome, False
        if size > settings.CHANNEL_MAILBOX_MAX_MESSAGE_BYTES:
            limit = settings.CHANNEL_MAILBOX_MAX_MESSAGE_BYTES // 2**20
            note = f"mail of {size} bytes is over the {limit} MB limit: not downloaded, left flagged in the mailbox"
            logger.warning("mailbox %s: UID %s refused: %s", self.config.name, uid, note)
            event = event or self._store(external_id, uidvalidity, uid, None, internal_date, size)
            services.finish_event(event=event, outcome=EventOutcome.REJECTED, note=note)
            return EventOutcome.REJECTED, True
        return None, False

    def _store(
        self, external_id: str, uidvalidity: int, uid: int, raw: bytes | None, internal_date: datetime | None, size: int
    ) -> InboundEvent:
        payload = {
            "mailbox": self.config.name,
            "folder": self.config.folder,
            "uidvalidity": uidvalidity,
            "uid": uid,
            "size": size,
            "internal_date": internal_date.isoformat() if internal_date else None,
        }
        return store_mail(external_id=external_id, raw=raw, payload=payload)

    def _take_in(self, uidvalidity: int, uid: int, raw: bytes, internal_date: datetime | None) -> str | None:
        external_id = self._external_id(uidvalidity, uid)
        event = self._store(external_id, uidvalidity, uid, raw, internal_date, len(raw))
        return handle_mail(
            event=event, raw=raw, internal_date=internal_date, unit=self.unit, own_addresses=self.own_addresses
        )

    def _mark_processed(self, done: dict[int, str]) -> None:
        if not done:
            return
        self.client.add_flags(list(done), [b"\\Seen", PROCESSED_KEYWORD], silent=True)
        refused = [uid for uid, outcome in done.items() if outcome == EventOutcome.REJECTED]
        if refused:
            self.client.add_flags(refused, [b"\\Flagged"], silent=True)
        movable = [uid for uid, outcome in done.items() if outcome != EventOutcome.REJECTED]
        if movable and self.config.processed_folder:
            self._ensure_processed_folder()
            if self.client.has_capability("MOVE"):
                self.client.move(movable, self.config.processed_folder)
            else:
                self.client.copy(movable, self.config.processed_folder)
                self.client.delete_messages(movable)
                if self.client.has_capability("UIDPLUS"):
                    self.client.uid_expunge(movable)

    def _ensure_processed_folder(self) -> None:
        if not self._processed_folder_ready:
            if not self.client.folder_exists(self.config.processed_folder):
                self.client.create_folder(self.config.processed_folder)
            self._processed_folder_ready = True


def store_mail(*, external_id: str, raw: bytes | None, payload: dict[str, Any]) -> InboundEvent:
    """Store the mail as received and commit, before handling it. Twice (two workers) is stored once."""
    event = InboundEvent(channel=Channel.EMAIL, external_id=external_id, payload=payload)
    try:
        with transaction.atomic():
            if raw is not None:
                event.raw.save("mail.eml", ContentFile(raw), save=False)
            event.save()
            return event
    except IntegrityError:
        if event.raw:
            event.raw.delete(save=False)  # stored by the other worker already
        return InboundEvent.objects.get(channel=Channel.EMAIL, external_id=external_id)


def handle_mail(
    *,
    event: InboundEvent,
    raw: bytes,
    internal_date: datetime | None = None,
    unit: Unit | None = None,
    own_addresses: Collection[str] = (),
) -> str | None:
    """Parse and handle one stored mail; its outcome once committed, or None when handling failed (the event keeps
    the error; the caller leaves the mail where it is, to be retried). Never raises for a bad mail."""
    if event.handled_at is not None:
        return event.outcome
    try:
        parsed = parse_mail(raw, max_file_bytes=settings.UPLOAD_MAX_BYTES)
    except MalformedMail as error:
        logger.warning("%s refused as malformed: %s", event.external_id, error)
        services.finish_event(event=event, outcome=EventOutcome.REJECTED, note=f"malformed mail: {error}")
        return EventOutcome.REJECTED
    received_at = internal_date or _sent_at(parsed.date)
    try:
        outcome = services.take_in_mail(
            event=event, parsed=parsed, received_at=received_at, unit=unit, own_addresses=own_addresses
        )
    except Exception as error:  # a bug or the database: keep the mail for the next run, never stop the worker
        logger.exception("%s could not be handled", event.external_id)
        return _failed(event, error)
    logger.info("%s → %s (%s)", event.external_id, outcome.outcome, outcome.note)
    return outcome.outcome


def _failed(event: InboundEvent, error: Exception) -> str | None:
    event.refresh_from_db()
    event.attempts += 1
    event.last_error = f"{type(error).__name__}: {error}"[:2000]
    event.save(update_fields=["attempts", "last_error"])
    if event.attempts < MAX_ATTEMPTS:
        return None
    note = f"handling failed {event.attempts} times, left flagged in the mailbox: {event.last_error}"
    services.finish_event(event=event, outcome=EventOutcome.REJECTED, note=note)
    return EventOutcome.REJECTED


def _sent_at(date: datetime | None) -> datetime:
    """Without the server's delivery time, the sender's Date header, never later than now."""
    now = timezone.now()
    return min(date, now) if date is not None else now


def sync_once(config: MailboxConfig) -> SyncResult:
    """Connect, take in what is new, log out."""
    client = connect(config)
    try:
        return MailboxReader(config, client).sync()
    finally:
        try:
            client.logout()
        except NETWORK_ERRORS:
            client.shutdown()


def watch(config: MailboxConfig, stop: threading.Event, *, poll_seconds: float) -> None:
    """Read the mailbox until `stop` is set: with IMAP IDLE where the server offers it (a new mail is taken in
    within a second), else every `poll_seconds`; in both cases a full read at least every `poll_seconds`.
    Failures (the mail server or the database unreachable) are logged and retried with backoff; they never end
    the loop. A configuration error does."""
    backoff = 1.0
    while not stop.is_set():
        try:
            client = connect(config, timeout=max(60.0, poll_seconds + 30))
            try:
                reader = MailboxReader(config, client)
                idle = client.has_capability("IDLE")
                while not stop.is_set():
                    result = reader.sync()
                    if result.total:
                        logger.info("%s", result)
                    backoff = 1.0
                    close_old_connections()
                    _wait(client, idle, stop, poll_seconds)
            finally:
                try:
                    client.logout()
                except NETWORK_ERRORS:
                    client.shutdown()
        except ImproperlyConfigured:
            raise
        except NETWORK_ERRORS as error:
            logger.warning("mailbox %s: %s; retrying in %.0f s", config.name, error, backoff)
        except Exception:  # the database down, a bug: logged, retried; the worker keeps running
            logger.exception("mailbox %s: reading failed; retrying in %.0f s", config.name, backoff)
            close_old_connections()
        else:
            continue
        stop.wait(backoff)
        backoff = min(backoff * 2, 300.0)
    connection.close()  # this thread's own database connection


def _wait(client: IMAPClient, idle: bool, stop: threading.Event, poll_seconds: float) -> None:
    """Until a new mail is announced (IDLE), `poll_seconds` pass, or `stop` is set."""
    if not idle:
        stop.wait(poll_seconds)
        return
    deadline = timezone.now().timestamp() + poll_seconds
    client.idle()
    try:
        while not stop.is_set() and timezone.now().timestamp() < deadline:
            responses = client.idle_check(timeout=min(1.0, max(0.1, deadline - timezone.now().timestamp())))
            if any(len(item) > 1 and item[1] in (b"EXISTS", b"RECENT") for item in responses):
                return
    finally:
        client.idle_done()
