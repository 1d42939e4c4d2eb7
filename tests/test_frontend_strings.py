"""The front-end JavaScript shows no Vietnamese text of its own: every text a user reads is a Vietnamese msgid
looked up with `t("…")` (frontend/bpmn/common.js) in the catalogue the server sends translated
(bpmn/frontend_messages.py), or comes from the page's template, so an English page is English throughout."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings

from bpmn import frontend_messages

ROOT = Path(settings.BASE_DIR)
FRONTEND = ROOT / "frontend"
VIETNAMESE = re.compile(r"[À-ỹĐđ]")
# A comment, or a string literal ("…", '…', `…`): scanned left to right so that "//" in a string and a quote in
# a comment are taken for what they are.
TOKEN = re.compile(
    r"//[^\n]*|/\*.*?\*/|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`",
    re.S,
)
# Vietnamese literals that are not a text of the page's language, with the reason.
ALLOWED = {
    # The Vietnamese side of bpmn-js's own (English) labels: used only on a Vietnamese page; an English page keeps
    # bpmn-js's English text (`translate()` checks <html lang>).
    "frontend/bpmn/translate.js": "VI",
    # The product's name, the same in every language (the English catalogue keeps "Lắng Nghe" too).
    "frontend/bpmn/properties.js": '"Lắng Nghe"',
}


LOOKUP = re.compile(r"\bt\(\s*(\"(?:[^\"\\\n]|\\.)*\")")


def _looked_up(path: Path) -> list[str]:
    """The texts of the `t("…")` calls."""
    return [json.loads(literal) for literal in LOOKUP.findall(path.read_text(encoding="utf-8"))]


def _literals(path: Path) -> list[tuple[int, str]]:
    """(line, literal) for every string literal outside comments and `t("…")` calls (a template literal's
    ${…} parts included)."""
    source = LOOKUP.sub(lambda match: 't(""', path.read_text(encoding="utf-8"))
    found = []
    for match in TOKEN.finditer(source):
        token = match.group(0)
        if not token.startswith(("//", "/*")):
            found.append((source.count("\n", 0, match.start()) + 1, token))
    return found


def _scripts() -> list[Path]:
    return sorted(path for path in FRONTEND.rglob("*.js") if "node_modules" not in path.parts)


def _allowed(relative: str, literal: str) -> bool:
    allowed = ALLOWED.get(relative)
    if allowed == "VI":
        return True
    return allowed == literal


def test_no_vietnamese_text_is_hard_coded_in_the_front_end_scripts() -> None:
    hard_coded = []
    for path in _scripts():
        relative = path.relative_to(ROOT).as_posix()
        for line, literal in _literals(path):
            if VIETNAMESE.search(literal) and not _allowed(relative, literal):
                hard_coded.append(f"{relative}:{line}: {literal[:80]}")
    assert hard_coded == [], (
        "put these texts in bpmn/frontend_messages.py and show them with t(…) (or pass them from the template):\n"
        + "\n".join(hard_coded)
    )


def test_every_text_the_scripts_look_up_is_in_the_catalogue_the_server_translates() -> None:
    looked_up = {text for path in _scripts() for text in _looked_up(path)}
    missing = sorted(looked_up - set(frontend_messages.MESSAGES))
    assert looked_up and missing == [], "add these to bpmn/frontend_messages.MESSAGES"
