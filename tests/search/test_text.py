"""Vietnamese folding, query sanitizing, highlighting and redaction: pure functions, no database."""

from __future__ import annotations

import pytest

from privacy.redaction import REDACTED, find_personal_data, redact
from search.text import MAX_QUERY_WORDS, fold, highlight, index_text, parse_query, sanitize_query


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đông Hà", "dong ha"),
        ("ĐƯỜNG Lê Duẩn", "duong le duan"),
        ("khiếu nại đất đai", "khieu nai dat dai"),
        ("Khie\u0302\u0301u", "khieu"),  # NFD input
        ("\u00d0\u00f0", "dd"),  # Ð ð from legacy encodings stand for Đ đ
        ("Quảng Trị", "quang tri"),
    ],
)
def test_it_folds_case_diacritics_and_d_with_stroke(text, folded):
    assert fold(text) == folded


def test_index_text_is_folded_words_without_punctuation():
    assert index_text("Đèn đường (Lê Duẩn), số 120/4 — hỏng!") == "den duong le duan so 120 4 hong"


def test_a_query_keeps_words_and_quoted_phrases_and_drops_syntax():
    parsed = parse_query('khiếu nại "đất đai" -tranh* OR (chấp) NEAR/3 ^2')
    assert parsed.terms == ("khieu", "nai", "tranh", "chap", "3", "2")
    assert parsed.phrases == (("dat", "dai"),)
    assert sanitize_query('khiếu nại "đất đai" OR x') == 'khiếu nại "đất đai" x'


def test_typographic_quotes_make_phrases_and_an_unbalanced_quote_is_ignored():
    assert parse_query("“đất đai”").phrases == (("dat", "dai"),)
    unbalanced = parse_query('"đất đai" "ranh giới')
    assert unbalanced.phrases == (("dat", "dai"),)
    assert unbalanced.terms == ("ranh", "gioi")


def test_a_query_is_capped_and_cleaned():
    assert len(parse_query("từ " * 5000).all_words) <= MAX_QUERY_WORDS
    assert len(parse_query(" ".join(f"w{n}" for n in range(100))).terms) == MAX_QUERY_WORDS
    assert parse_query("\x00đất\x00 🏠 đai\u200b").terms == ("dat", "dai")
    assert parse_query("*** ^ () 🏠").is_empty
    assert parse_query(sanitize_query('a "b c" d')) == parse_query('a "b c" d')


def test_highlight_marks_matches_in_the_original_text_and_escapes_the_rest():
    snippet = highlight("Người dân <b>khiếu nại</b> về đất đai & nhà.", parse_query("khieu nai dat dai"))
    assert snippet == "Người dân &lt;b&gt;<mark>khiếu nại</mark>&lt;/b&gt; về <mark>đất đai</mark> &amp; nhà."


def test_highlight_shows_the_part_of_a_long_text_where_the_matches_are():
    text = "Mở đầu. " * 100 + "Đoạn có ngập úng ở đây." + " Kết thúc." * 100
    snippet = highlight(text, parse_query("ngap ung"))
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>ngập úng</mark>" in snippet
    assert len(snippet) < 300


def test_highlight_marks_a_phrase_only_where_its_words_follow_each_other():
    snippet = highlight("đất và đai; đất đai", parse_query('"dat dai"'))
    assert snippet == "đất và đai; <mark>đất đai</mark>"


@pytest.mark.parametrize(
    "personal",
    [
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "0912345678",
        "+84 912 345 678",
        "84912345678",
        "0233 3852 123",  # landline with area code
        "123456789",  # CMND
        "001234567890",  # CCCD
        "001 234 567 890",
        "an.nguyen@example.vn",
        "AN.NGUYEN+tag@mail.example.com.vn",
    ],
)
def test_redaction_hides_phones_emails_and_id_numbers(personal):
    assert redact(f"Liên hệ {personal} nhé.") == f"Liên hệ {REDACTED} nhé."


@pytest.mark.parametrize(
    "public",
    ["100.000.000 đồng", "1.500.000.000 đồng", "ngày 20-11-2025", "số 120/4", "năm 2026", "hotline 1900 1234"],
)
def test_redaction_keeps_amounts_dates_and_addresses(public):
    assert redact(f"Ghi chú: {public}.") == f"Ghi chú: {public}."


def test_redaction_hides_the_named_person_in_any_case_with_or_without_diacritics():
    text = "Tôi là Nguyễn Văn An. NGUYEN VAN AN ký tên. Ông Văn An đề nghị. An toàn giao thông."
    assert redact(text, names=["Nguyễn Văn An"]) == (
        f"Tôi là {REDACTED}. {REDACTED} ký tên. Ông {REDACTED} đề nghị. An toàn giao thông."
    )


def test_redaction_tells_moderation_what_it_hides():
    text = "Tôi là Lê Thị Mai (0905 123 456, mai@example.vn), CCCD 044190000123; gọi lại 0905123456. Thị Mai."
    found = find_personal_data(text, names=["Lê Thị Mai"], literals=["0905 123 456", "mai@example.vn"])
    assert dict(found) == {"name": 2, "phone": 2, "email": 1, "id_number": 1}
    assert not find_personal_data("Đề nghị hỗ trợ 100.000.000 đồng cho hộ nghèo.", names=["Lê Thị Mai"])
