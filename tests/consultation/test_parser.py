"""The draft parser: chapters → articles → clauses from plain text or Markdown, and errors that name the line."""

from __future__ import annotations

import unicodedata

import pytest

from consultation.parsing import DraftParseError, decode, parse
from tests.consultation.conftest import DRAFT


def test_it_reads_a_markdown_draft_into_chapters_articles_and_clauses():
    draft = parse(DRAFT)

    assert draft.title == "Nghị quyết quy định mức hỗ trợ cải tạo nhà ở cũ trên địa bàn tỉnh"
    assert draft.preamble == "Căn cứ Luật Tổ chức chính quyền địa phương;\nCăn cứ Luật Nhà ở."
    assert [(a.chapter_number, a.number, a.title) for a in draft.articles] == [
        ("I", "1", "Phạm vi điều chỉnh"),
        ("I", "2", "Đối tượng áp dụng"),
        ("II", "3", "Mức hỗ trợ"),
        ("II", "4", "Hiệu lực thi hành"),
    ]
    assert draft.articles[0].chapter_title == "QUY ĐỊNH CHUNG"
    assert (
        draft.articles[2].clauses[1].text
        == "Hỗ trợ 50 triệu đồng mỗi hộ để gia cố móng và tường:\na) nhà cấp bốn;\nb) nhà bán kiên cố."
    )
    assert draft.articles[3].body == "Nghị quyết này có hiệu lực từ ngày 01 tháng 7 năm 2026."


def test_it_reads_plain_text_with_a_chapter_title_on_its_own_line_and_sections():
    text = """CHƯƠNG I
NHỮNG QUY ĐỊNH CHUNG
Mục 1. Phạm vi
Điều 1: Phạm vi điều chỉnh
Quy định về chiếu sáng.
**Điều 2.** Giải thích từ ngữ
1. Đèn đường là đèn chiếu sáng công cộng.
"""
    draft = parse(text)
    assert [(a.chapter_number, a.chapter_title, a.section, a.number) for a in draft.articles] == [
        ("I", "NHỮNG QUY ĐỊNH CHUNG", "Mục 1. Phạm vi", "1"),
        ("I", "NHỮNG QUY ĐỊNH CHUNG", "Mục 1. Phạm vi", "2"),
    ]


def test_decomposed_vietnamese_is_normalized():
    draft = parse(unicodedata.normalize("NFD", "Điều 1. Phạm vi điều chỉnh\nNội dung."))
    assert draft.articles[0].title == unicodedata.normalize("NFC", "Phạm vi điều chỉnh")


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "văn bản trống"),
        ("Chỉ có lời văn, không có điều nào.\n", 1, "không tìm thấy điều nào"),
        ("Điều 1. A\nĐiều 1. B\n", 2, "Điều 1 bị trùng (đã có ở dòng 1)"),
        ("Điều 1. A\n\nĐiều 3. C\n", 3, "sau Điều 1 là Điều 3, cần Điều 2"),
        ("Điều 2. A\n", 1, "điều đầu tiên phải là Điều 1"),
        ("Điều 1. A\n1. Một\n3. Ba\n", 3, "gặp khoản 3, cần khoản 2"),
        ("Chương I. A\nĐiều 1. A\nChương III. C\n", 3, "cần chương thứ 2"),
        ("Chương I. A\nChương II. B\nĐiều 1. A\n", 1, "Chương I không có điều nào"),
        ("Chương I. A\nLời văn lạc chỗ\n", 2, "nội dung nằm ngoài điều nào"),
        ("Điều 1\nNội dung\n", 1, "thiếu dấu chấm và tên điều"),
        ("Điều 1. A\n## Phụ lục\n", 2, "không phải Chương, Mục hay Điều"),
        ("Điều 1. A\nmột\x00hai\n", 2, "ký tự điều khiển"),
        ("Điều 1.\n\nĐiều 2. B\n", 1, "Điều 1 không có nội dung"),
    ],
)
def test_a_malformed_draft_names_the_line_and_the_reason(text, line, reason):
    with pytest.raises(DraftParseError) as caught:
        parse(text)
    assert caught.value.line == line
    assert reason in str(caught.value)


def test_bytes_must_be_utf8_and_a_bom_is_fine():
    assert decode("\ufeffĐiều 1. A".encode()) == "Điều 1. A"
    with pytest.raises(DraftParseError) as caught:
        decode(b"line one\nline two \xc3\x28")
    assert caught.value.line == 2
