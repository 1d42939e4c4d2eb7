"""Every message a user reads is a Vietnamese msgid with an English translation: the catalogue is complete, and no
source string glues the two languages together ("tiếng Việt / English") instead of going through gettext."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib  # type: ignore[import-untyped,unused-ignore]
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
# Command-line tools print for operators in both languages on purpose (`deadline --lang`); benchmarks are not read.
NOT_USER_FACING = ("bench/", "tests/", "/migrations/", "/management/commands/")
VIETNAMESE = re.compile(r"[À-ỹĐđ]")


def test_the_english_catalogue_translates_every_message_and_has_no_fuzzy_entry() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], "run makemessages -l en and translate these"
    assert fuzzy == [], "check and unflag these fuzzy translations"
    for entry in catalogue.translated_entries():
        placeholders = set(re.findall(r"%\((\w+)\)s", entry.msgid))
        assert set(re.findall(r"%\((\w+)\)s", entry.msgstr)) <= placeholders, entry.msgid


def _bilingual_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)
        else:
            continue
        head, separator, _ = text.partition(" / ")
        if separator and VIETNAMESE.search(head):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:80]}")
    return found


def test_no_message_glues_vietnamese_and_english_together() -> None:
    offenders = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "node_modules/", "var/")) or any(
            part in f"/{relative}" for part in NOT_USER_FACING
        ):
            continue
        offenders += _bilingual_literals(path)
    assert offenders == [], "use gettext with the Vietnamese text as msgid and translate it in locale/en"


def test_a_message_follows_the_active_language() -> None:
    from workflows.services import Conflict

    with translation.override("vi"):
        assert Conflict(translation.gettext("Bước này đã được xử lý")).detail == "Bước này đã được xử lý"
    with translation.override("en"):
        assert Conflict(translation.gettext("Bước này đã được xử lý")).detail == "This step has already been completed"
