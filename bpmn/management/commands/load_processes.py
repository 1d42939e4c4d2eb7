"""Validate and publish the shipped processes (`bpmn/processes/*.bpmn`), or the files given.

A file whose content is already the newest version of its process is left alone, so the command is safe
to run on every start. Any invalid file stops the command before anything is published.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from workflows.models import ProcessVersion
from workflows.services import publish_process
from workflows.validation import BpmnInvalid, ValidatedProcess, validate

PROCESS_DIR = Path(__file__).resolve().parents[2] / "processes"


class Command(BaseCommand):
    help = "Validate and publish BPMN processes (default: bpmn/processes/*.bpmn)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="BPMN files (default: every shipped process)")
        parser.add_argument("--check", action="store_true", help="validate only; publish nothing")
        parser.add_argument(
            "--effective-from", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
        )

    def handle(
        self, *args: Any, files: list[Path], check: bool, effective_from: datetime.date | None, **options: Any
    ) -> None:
        quiet = options.get("verbosity", 1) == 0
        paths = files or sorted(PROCESS_DIR.glob("*.bpmn"))
        if not paths:
            raise CommandError(f"No .bpmn files in {PROCESS_DIR}")
        validated: list[tuple[Path, ValidatedProcess]] = []
        problems: list[str] = []
        for path in paths:
            try:
                validated.append((path, validate(path.read_bytes(), filename=path.name)))
            except OSError as error:
                problems.append(f"{path}: {error.strerror}")
            except BpmnInvalid as invalid:
                problems += [f"{path.name}: {error}" for error in invalid.errors]
        if problems:
            raise CommandError("Quy trình không hợp lệ / invalid process:\n" + "\n".join(problems))
        if check:
            for path, process in validated:
                self.stdout.write(f"{path.name}: {process.process_id} hợp lệ / valid")
            return
        with transaction.atomic():
            for path, process in validated:
                newest = ProcessVersion.objects.filter(process_key=process.process_id).order_by("-number").first()
                if newest is not None and newest.sha256 == process.sha256:
                    if not quiet:
                        self.stdout.write(
                            f"{path.name}: {process.process_id} v{newest.number} đã mới nhất / up to date"
                        )
                    continue
                version = publish_process(
                    validated=process, effective_from=effective_from, note=f"load_processes {path.name}"
                )
                if not quiet:
                    self.stdout.write(self.style.SUCCESS(f"{path.name}: công bố / published {version}"))
