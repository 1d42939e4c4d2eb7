"""A throw-away Dovecot IMAP server on a free loopback port, for the mailbox tests and the intake benchmark.

The configuration lives in a temporary folder (nothing under /etc/dovecot is read or changed): plaintext IMAP on
127.0.0.1 only, users from a passwd-file, Maildir storage owned by the `vmail` system user (created when we are root
and it is missing) or, when not root, by the current user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from imapclient import IMAPClient

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


class DovecotUnavailable(RuntimeError):
    """Dovecot is not installed or cannot start here; the message says why and how to install it."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _mail_owner() -> tuple[str, int, int]:
    """(user name, uid, gid) owning the mail files: `vmail` when we are root (created if missing), else ourselves."""
    if os.getuid() != 0:
        entry = pwd.getpwuid(os.getuid())
        return entry.pw_name, entry.pw_uid, entry.pw_gid
    try:
        entry = pwd.getpwnam("vmail")
    except KeyError:
        subprocess.run(
            ["/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "vmail"],
            check=True,
            capture_output=True,
        )
        entry = pwd.getpwnam("vmail")
    return entry.pw_name, entry.pw_uid, entry.pw_gid


@dataclass
class Dovecot:
    """One running server. `add_user` before `start` or at any time (the passwd-file is read on each login)."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="dovecot-")))
    port: int = field(default_factory=_free_port)
    host: str = "127.0.0.1"
    process: subprocess.Popen[bytes] | None = None

    def add_user(self, username: str, password: str) -> None:
        with (self.root / "users").open("a", encoding="utf-8") as users:
            users.write(f"{username}:{{PLAIN}}{password}\n")

    def start(self) -> Dovecot:
        if not os.path.exists(DOVECOT):
            raise DovecotUnavailable("dovecot is not installed (apt-get install -y dovecot-imapd)")
        owner, uid, gid = _mail_owner()
        (self.root / "users").touch()
        (self.root / "mail").mkdir(exist_ok=True)
        os.chown(self.root / "mail", uid, gid)
        os.chmod(self.root, 0o755)  # noqa: S103 - the mail user (vmail) reaches its Maildir below
        login_user = owner if os.getuid() != 0 else "dovenull"
        config = f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
info_log_path = {self.root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = {min(uid, 100) if uid else 100}
mail_uid = {uid}
mail_gid = {gid}
default_internal_user = {owner if os.getuid() != 0 else "dovecot"}
default_login_user = {login_user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""
        (self.root / "dovecot.conf").write_text(config, encoding="utf-8")
        check = subprocess.run(  # noqa: S603 - our own config file
            [DOVECOT, "-n", "-c", str(self.root / "dovecot.conf")], capture_output=True, text=True
        )
        if check.returncode != 0:
            raise DovecotUnavailable(f"dovecot refused its test configuration: {check.stderr.strip()}")
        self.process = subprocess.Popen(  # noqa: S603 - our own config file
            [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""
                raise DovecotUnavailable(f"dovecot exited at start: {error.strip()} {self.log()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise DovecotUnavailable(f"dovecot did not listen on {self.host}:{self.port} within 10 s: {self.log()}")

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(encoding="utf-8", errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self, username: str, password: str) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(username, password)
        return client

    def append(self, username: str, password: str, raw: bytes, folder: str = "INBOX") -> int:
        """Deliver `raw` into `folder`; returns its UID."""
        with self.client(username, password) as client:
            response = client.append(folder, raw)
        # b"[APPENDUID <uidvalidity> <uid>] Append completed."
        return int(response.split(b"]")[0].split()[-1])
