"""Read a draft's text (plain text or Markdown, uploaded or pasted) into chapters → articles → clauses.

Recognised lines, with or without Markdown heading marks (`#`, `##`, …) and bold (`**…**`):

    Chương I. NHỮNG QUY ĐỊNH CHUNG      a chapter (Roman or Arabic number; its title may be on the next line)
    Mục 1. Quy định chung               a section within a chapter
    Điều 1. Phạm vi điều chỉnh          an article: "Điều" + number + "." or ":" + title
    1. Nội dung khoản …                 a clause of the current article (numbered 1, 2, 3 … in each article)
    a) nội dung điểm …                  a point: part of the current clause's text

Any other line continues what precedes it; text before the first chapter or article is the preamble (its
first line, or a `#` heading, is the document's title). Problems are reported with the line number and the
reason, in Vietnamese and English, and nothing is stored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import get_language, gettext

MAX_BYTES = 2 * 1024 * 1024
MAX_ARTICLES = 2000

_HEADING = re.compile(r"^#{1,6}\s*")
_CHAPTER = re.compile(r"^chương\s+([ivxlcdm]+|\d+)\b\s*[.:\-–—]?\s*(.*)$", re.IGNORECASE)
_SECTION = re.compile(r"^mục\s+(\d+)\s*[.:\-–—]\s*(.*)$", re.IGNORECASE)
_ARTICLE = re.compile(r"^điều\s+(\d+[a-zđ]?)\s*[.:]\s*(.*)$", re.IGNORECASE)
_ARTICLE_LOOSE = re.compile(r"^điều\s+(\d+)\s*$", re.IGNORECASE)
_CLAUSE = re.compile(r"^(\d+)\s*\.\s+(.+)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


class DraftParseError(ValueError):
    """A draft that cannot be read: where (line) and why, in Vietnamese and English."""

    def __init__(self, line: int, reason_vi: str, reason_en: str) -> None:
        self.line = line
        self.reason_vi = reason_vi
        self.reason_en = reason_en
        super().__init__(str(self))

    @property
    def reason(self) -> str:
        """The reason in the active language (the request's; Vietnamese by default)."""
        return self.reason_en if (get_language() or "vi").startswith("en") else self.reason_vi

    def __str__(self) -> str:
        return gettext("Dòng %(line)s: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class ParsedClause:
    number: str
    text: str
    line: int


@dataclass
class ParsedArticle:
    number: str
    title: str
    line: int
    chapter_number: str = ""
    chapter_title: str = ""
    section: str = ""
    body_lines: list[str] = field(default_factory=list)
    clauses: list[ParsedClause] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join(self.body_lines).strip()


@dataclass
class ParsedDraft:
    title: str
    preamble: str
    articles: list[ParsedArticle]


def decode(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is allowed); anything else is refused with the line it fails on."""
    if len(data) > MAX_BYTES:
        raise DraftParseError(
            1, f"tệp lớn hơn {MAX_BYTES // 1024} KB", f"the file is larger than {MAX_BYTES // 1024} KB"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DraftParseError(
            line,
            "không phải văn bản UTF-8 (tệp Word hay PDF hãy đính kèm làm bản gốc, còn nội dung dán dạng văn bản)",
            "not UTF-8 text (attach Word or PDF files as originals; give the text as plain text or Markdown)",
        ) from None


def _roman(value: str) -> int:
    total = 0
    digits = [_ROMAN[c] for c in value.lower()]
    for i, digit in enumerate(digits):
        total += -digit if i + 1 < len(digits) and digits[i + 1] > digit else digit
    return total


def _chapter_value(number: str) -> int:
    return int(number) if number.isdigit() else _roman(number)


def _article_value(number: str) -> int:
    return int(re.match(r"\d+", number).group())  # type: ignore[union-attr]  # the pattern guarantees digits


def _clean(line: str) -> str:
    """A line without Markdown heading marks and emphasis, NFC-normalized, trimmed."""
    line = _HEADING.sub("", line.strip())
    return line.replace("**", "").replace("__", "").strip()


def parse(text: str) -> ParsedDraft:
    """Parse a draft; raise DraftParseError(line, reason) for the first problem found."""
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise DraftParseError(1, "văn bản trống", "the text is empty")
    lines = text.splitlines()
    title = ""
    preamble: list[str] = []
    articles: list[ParsedArticle] = []
    chapter_number = chapter_title = section = ""
    chapters_seen: dict[int, int] = {}
    chapter_line = 0
    articles_in_chapter = 0
    awaiting_chapter_title = False
    current: ParsedArticle | None = None

    for index, raw in enumerate(lines, start=1):
        if _CONTROL.search(raw):
            raise DraftParseError(index, "có ký tự điều khiển không hợp lệ", "contains control characters")
        stripped = raw.strip()
        if not stripped:
            continue
        is_heading = bool(_HEADING.match(stripped))
        line = _clean(stripped)
        if not line:
            continue

        if match := _CHAPTER.match(line):
            number, rest = match.group(1), match.group(2).strip()
            value = _chapter_value(number)
            if value in chapters_seen:
                raise DraftParseError(
                    index,
                    f"Chương {number} bị trùng (đã có ở dòng {chapters_seen[value]})",
                    f"chapter {number} appears twice (first on line {chapters_seen[value]})",
                )
            expected = len(chapters_seen) + 1
            if value != expected:
                raise DraftParseError(
                    index,
                    f"số chương không liên tục: gặp Chương {number}, cần chương thứ {expected}",
                    f"chapters out of order: found chapter {number}, expected chapter number {expected}",
                )
            if chapter_number and not articles_in_chapter:
                raise DraftParseError(
                    chapter_line,
                    f"Chương {chapter_number} không có điều nào",
                    f"chapter {chapter_number} has no article",
                )
            chapters_seen[value] = index
            chapter_line, articles_in_chapter = index, 0
            chapter_number, chapter_title, section = number if number.isdigit() else number.upper(), rest, ""
            awaiting_chapter_title = not rest
            current = None
            continue

        if match := _SECTION.match(line):
            if not chapter_number:
                raise DraftParseError(index, "«Mục» phải nằm trong một chương", "a section (Mục) must be in a chapter")
            section = f"Mục {match.group(1)}. {match.group(2).strip()}".strip()
            current = None
            awaiting_chapter_title = False
            continue

        if match := _ARTICLE.match(line):
            number, article_title = match.group(1).lower(), match.group(2).strip()
            if any(article.number == number for article in articles):
                first = next(article.line for article in articles if article.number == number)
                raise DraftParseError(
                    index,
                    f"Điều {number} bị trùng (đã có ở dòng {first})",
                    f"article {number} appears twice (first on line {first})",
                )
            if articles and number.isdigit():
                previous = _article_value(articles[-1].number)
                if _article_value(number) != previous + 1:
                    raise DraftParseError(
                        index,
                        f"số điều không liên tục: sau Điều {articles[-1].number} là Điều {number}, cần Điều {previous + 1}",
                        f"articles out of order: article {number} follows article {articles[-1].number}, "
                        f"expected article {previous + 1}",
                    )
            elif not articles and _article_value(number) != 1:
                raise DraftParseError(
                    index,
                    f"điều đầu tiên phải là Điều 1, gặp Điều {number}",
                    f"the first article must be article 1, found article {number}",
                )
            if len(articles) >= MAX_ARTICLES:
                raise DraftParseError(index, f"quá {MAX_ARTICLES} điều", f"more than {MAX_ARTICLES} articles")
            current = ParsedArticle(
                number=number,
                title=article_title,
                line=index,
                chapter_number=chapter_number,
                chapter_title=chapter_title,
                section=section,
            )
            articles.append(current)
            articles_in_chapter += 1
            awaiting_chapter_title = False
            continue

        if _ARTICLE_LOOSE.match(line):
            raise DraftParseError(
                index,
                f"«{line}» thiếu dấu chấm và tên điều (viết «{line}. Tên điều»)",
                f"'{line}' lacks the full stop and the article's title (write '{line}. Title')",
            )

        if awaiting_chapter_title:
            chapter_title = line
            awaiting_chapter_title = False
            continue

        if current is None:
            if chapter_number:
                raise DraftParseError(
                    index,
                    "nội dung nằm ngoài điều nào (sau tên chương phải là «Mục» hoặc «Điều N.»)",
                    "text outside any article (a chapter's title is followed by a section or 'Điều N.')",
                )
            if not title and (is_heading or not preamble):
                title = line
            else:
                preamble.append(line)
            continue

        if is_heading:
            raise DraftParseError(
                index,
                f"tiêu đề «{line}» không phải Chương, Mục hay Điều",
                f"heading '{line}' is not a chapter, section or article",
            )

        if match := _CLAUSE.match(line):
            number = match.group(1)
            expected = len(current.clauses) + 1
            if int(number) != expected:
                raise DraftParseError(
                    index,
                    f"khoản không liên tục trong Điều {current.number}: gặp khoản {number}, cần khoản {expected}",
                    f"clauses out of order in article {current.number}: found clause {number}, expected {expected}",
                )
            current.clauses.append(ParsedClause(number=number, text=match.group(2).strip(), line=index))
            continue

        if current.clauses:
            current.clauses[-1].text += "\n" + line
        else:
            current.body_lines.append(line)

    if chapter_number and not articles_in_chapter:
        raise DraftParseError(
            chapter_line, f"Chương {chapter_number} không có điều nào", f"chapter {chapter_number} has no article"
        )
    if not articles:
        raise DraftParseError(
            1,
            "không tìm thấy điều nào (mỗi điều bắt đầu bằng một dòng «Điều 1. Tên điều»)",
            "no article found (each article starts with a line 'Điều 1. Title')",
        )
    for article in articles:
        if not article.title and not article.body and not article.clauses:
            raise DraftParseError(
                article.line, f"Điều {article.number} không có nội dung", f"article {article.number} is empty"
            )
    return ParsedDraft(title=title, preamble="\n".join(preamble), articles=articles)
