"""The contract every search backend keeps, whatever the engine: matching, filters, facets, snippets,
pages, versions and rebuilds. Each test takes the `backend` fixture and runs once per backend."""

from __future__ import annotations

import datetime

import pytest

from search.backends.base import MAX_PAGE_SIZE, BadCursor, SearchQuery
from search.cursor import encode_cursor
from search.text import sanitize_query


def titles(page):
    return sorted(hit.title for hit in page.results)


def q(text="", **filters) -> SearchQuery:
    return SearchQuery(text=sanitize_query(text), **filters)


@pytest.fixture
def land_and_lights(backend, doc):
    backend.index(
        [
            doc("petition:1", title="Khiếu nại đất đai ở Đông Hà", body="Tranh chấp ranh giới thửa đất đai."),
            doc("petition:2", title="Đèn đường hỏng", body="Đèn đường trên đường Lê Duẩn không sáng."),
            doc(
                "petition:3",
                title="Đất công bị lấn chiếm",
                body="Đất bỏ hoang; đai đê bị lấn.",
                commune="gio-linh",
                commune_name="Xã Gio Linh",
                unit="gio-linh",
                unit_name="Xã Gio Linh",
                petition_type="recommendation",
                date=datetime.date(2025, 6, 1),
            ),
        ]
    )


@pytest.mark.parametrize(
    "text",
    ["khieu nai dat dai", "khiếu nại đất đai", "KHIẾU NẠI ĐẤT ĐAI", "Khie\u0302\u0301u na\u0323i đa\u0302\u0301t đai"],
)
def test_it_matches_with_or_without_diacritics_and_in_any_normal_form(backend, land_and_lights, text):
    assert titles(backend.search(q(text))) == ["Khiếu nại đất đai ở Đông Hà"]


def test_it_folds_d_with_stroke_explicitly(backend, land_and_lights):
    assert titles(backend.search(q("Dong Ha"))) == ["Khiếu nại đất đai ở Đông Hà"]
    assert titles(backend.search(q("đông hà"))) == ["Khiếu nại đất đai ở Đông Hà"]


def test_all_words_must_match(backend, land_and_lights):
    assert titles(backend.search(q("dat"))) == ["Khiếu nại đất đai ở Đông Hà", "Đất công bị lấn chiếm"]
    assert titles(backend.search(q("dat khieu"))) == ["Khiếu nại đất đai ở Đông Hà"]
    assert backend.search(q("dat xyzzy")).results == []


def test_a_quoted_phrase_needs_its_words_in_order(backend, land_and_lights):
    # petition:3 has "đất" and "đai" but not side by side
    assert titles(backend.search(q('"dat dai"'))) == ["Khiếu nại đất đai ở Đông Hà"]
    assert titles(backend.search(q("dat dai"))) == ["Khiếu nại đất đai ở Đông Hà", "Đất công bị lấn chiếm"]


def test_filters_narrow_the_results(backend, land_and_lights):
    assert titles(backend.search(q("dat", commune="gio-linh"))) == ["Đất công bị lấn chiếm"]
    assert titles(backend.search(q("dat", unit="dong-ha"))) == ["Khiếu nại đất đai ở Đông Hà"]
    assert titles(backend.search(q("dat", petition_type="recommendation"))) == ["Đất công bị lấn chiếm"]
    assert titles(backend.search(q("dat", kind="petition"))) == [
        "Khiếu nại đất đai ở Đông Hà",
        "Đất công bị lấn chiếm",
    ]
    assert backend.search(q("dat", kind="article")).results == []
    assert backend.search(q("dat", status="rejected")).results == []
    assert titles(backend.search(q("dat", date_from=datetime.date(2026, 1, 1)))) == ["Khiếu nại đất đai ở Đông Hà"]
    assert titles(backend.search(q("dat", date_to=datetime.date(2025, 12, 31)))) == ["Đất công bị lấn chiếm"]
    assert titles(backend.search(q("", date_from=datetime.date(2026, 1, 15), date_to=datetime.date(2026, 1, 15)))) == [
        "Khiếu nại đất đai ở Đông Hà",
        "Đèn đường hỏng",
    ]


def test_facets_count_the_matching_documents(backend, land_and_lights):
    page = backend.search(q("dat"))
    assert page.total == 2
    assert page.facets["commune"] == {"dong-ha": 1, "gio-linh": 1}
    assert page.facets["petition_type"] == {"reflection": 1, "recommendation": 1}
    assert page.facets["kind"] == {"petition": 2}
    assert page.facets["status"] == {"answered": 2}

    everything = backend.search(q(""))
    assert everything.total == 3
    assert everything.facets["commune"] == {"dong-ha": 2, "gio-linh": 1}


def test_snippets_are_escaped_and_mark_the_matches_in_the_original_text(backend, doc):
    backend.index(
        [doc("petition:1", title="Về đất đai", body="<script>alert(1)</script> Khiếu nại về đất đai & nhà ở.")]
    )

    [hit] = backend.search(q("khieu nai dat dai")).results

    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>Khiếu nại</mark>" in hit.snippet
    assert "<mark>đất đai</mark>" in hit.snippet
    assert "&amp;" in hit.snippet


def test_a_hit_carries_what_a_results_list_shows(backend, doc):
    backend.index([doc("petition:7", title="Đèn đường", body="Đèn hỏng", url="/track/QT-1/")])

    [hit] = backend.search(q("den")).results

    assert (hit.doc_id, hit.kind, hit.title, hit.url) == ("petition:7", "petition", "Đèn đường", "/track/QT-1/")
    assert hit.date == datetime.date(2026, 1, 15)
    assert (hit.petition_type, hit.status, hit.unit_name, hit.commune_name) == (
        "reflection",
        "answered",
        "Phường Đông Hà",
        "Phường Đông Hà",
    )


def test_a_title_match_ranks_above_a_body_match(backend, doc):
    backend.index(
        [
            doc("petition:1", title="Ý kiến người dân", body="Có nói đến ngập úng một lần trong đoạn văn dài này."),
            doc("petition:2", title="Ngập úng khu phố 3", body="Mưa lớn."),
        ]
    )
    assert [hit.doc_id for hit in backend.search(q("ngap ung")).results] == ["petition:2", "petition:1"]


def test_it_sorts_by_date_newest_first(backend, doc):
    backend.index([doc(f"petition:{day}", title="Rác thải", date=datetime.date(2026, 3, day)) for day in (5, 20, 1)])
    page = backend.search(q("rac thai", sort="date"))
    assert [hit.date.day for hit in page.results] == [20, 5, 1]


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_cursors_walk_every_result_exactly_once_with_no_cap(backend, doc, sort):
    backend.index(
        [
            doc(
                f"petition:{n}",
                title="Rác thải" + " rác" * (n % 4),  # several equal scores: ties are broken by doc_id
                body="Rác thải sinh hoạt",
                date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 9),
            )
            for n in range(137)
        ]
    )
    seen: list[str] = []
    cursor = ""
    while True:
        page = backend.search(q("rac", sort=sort, size=10, cursor=cursor))
        assert page.total == 137
        seen += [hit.doc_id for hit in page.results]
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == 137 and len(set(seen)) == 137
    if sort == "date":
        dates = [int(doc_id.split(":")[1]) % 9 for doc_id in seen]
        assert dates == sorted(dates, reverse=True)


def test_page_size_is_capped(backend, doc):
    backend.index([doc(f"petition:{n}", title="Rác") for n in range(MAX_PAGE_SIZE + 5)])
    page = backend.search(q("rac", size=10_000))
    assert len(page.results) == MAX_PAGE_SIZE
    assert page.next_cursor


@pytest.mark.parametrize("cursor", ["garbage", "a" * 5000, "eyJrIjpbMSwieCJdfQ:abc:def", "\x00", "💥"])
def test_a_cursor_it_did_not_make_is_refused(backend, land_and_lights, cursor):
    with pytest.raises(BadCursor):
        backend.search(q("dat", cursor=cursor))


def test_a_cursor_of_another_query_is_refused(backend, doc):
    backend.index([doc(f"petition:{n}", title="Rác thải") for n in range(5)])
    cursor = backend.search(q("rac", size=2)).next_cursor
    assert cursor
    with pytest.raises(BadCursor):
        backend.search(q("thai", size=2, cursor=cursor))
    with pytest.raises(BadCursor):
        backend.search(q("rac", sort="date", size=2, cursor=cursor))
    forged = encode_cursor(q("rac", size=2), ["not a float", "petition:1"])
    with pytest.raises(BadCursor):
        backend.search(q("rac", size=2, cursor=forged))


JUNK = [
    '"',
    '"""',
    'dat "dai',
    "*",
    "dat*",
    "NEAR(dat dai)",
    "dat OR dai",
    "dat AND NOT dai",
    "-dat",
    "^dat",
    "(dat",
    "dat)",
    "title:dat",
    "dat'; DROP TABLE search_document; --",
    "\x00dat\x00",
    "\x07\x1b[31m",
    "đất\u200b đai",
    "Khie\u0302\u0301u nại",
    "🏠 đất 🌾",
    "🏠",
    "x" * 10_000,
    ("đất " * 3000),
    "\ud800",
    "%_%",
    "{}[]<>\\/|&~!@#$%",
    "𞤀𞤁 ʼ ǅ ﬁ Ⅻ ² ٣ ℌ ß İ",  # letters and digits from every corner of Unicode
    "a" * 600,
]


@pytest.mark.parametrize("text", JUNK, ids=range(len(JUNK)))
def test_search_syntax_and_junk_give_results_or_nothing_never_an_error(backend, land_and_lights, text):
    page = backend.search(q(text))
    assert isinstance(page.results, list)
    for hit in page.results:
        assert "<script" not in hit.snippet


def test_an_older_version_never_overwrites_a_newer_one(backend, doc):
    backend.index([doc("petition:1", version=5, title="Bản mới")])
    backend.index([doc("petition:1", version=3, title="Bản cũ")])

    assert backend.stored_versions() == {"petition:1": 5}
    assert titles(backend.search(q("ban"))) == ["Bản mới"]
    assert backend.search(q("cu")).results == []


def test_a_newer_version_replaces_the_document(backend, doc):
    backend.index([doc("petition:1", version=3, title="Bản cũ")])
    backend.index([doc("petition:1", version=5, title="Bản mới")])

    assert titles(backend.search(q("ban"))) == ["Bản mới"]
    assert backend.search(q("cu")).results == []


def test_a_deletion_wins_over_an_older_write_and_loses_to_a_newer_one(backend, doc):
    backend.index([doc("petition:1", version=4, title="Đèn")])
    backend.delete([("petition:1", 3)])  # older than what is stored: ignored
    assert backend.stored_versions() == {"petition:1": 4}

    backend.delete([("petition:1", 6)])
    assert backend.stored_versions() == {}
    assert backend.search(q("den")).results == []

    backend.index([doc("petition:1", version=5, title="Đèn")])  # a late write of an older state
    assert backend.stored_versions() == {}

    backend.index([doc("petition:1", version=7, title="Đèn")])
    assert backend.stored_versions() == {"petition:1": 7}


def test_deleting_what_is_not_there_is_harmless(backend):
    backend.delete([("petition:404", 1)])
    assert backend.stored_versions() == {}
    assert backend.stored_document("petition:404") is None


def test_rebuild_replaces_the_whole_index(backend, doc):
    backend.index([doc("petition:1", version=1, title="Cũ một"), doc("petition:2", version=1, title="Cũ hai")])

    count = backend.rebuild(iter([doc("petition:2", version=10, title="Mới hai"), doc("petition:3", version=10)]))

    assert count == 2
    assert backend.stored_versions() == {"petition:2": 10, "petition:3": 10}
    assert titles(backend.search(q("moi"))) == ["Mới hai"]
    assert backend.search(q("cu")).results == []


def test_searches_read_the_old_index_until_the_rebuild_swaps(backend, doc):
    backend.index([doc("petition:1", version=1, title="Cũ")])
    seen_during: list[list[str]] = []

    def documents():
        yield doc("petition:2", version=10, title="Mới")
        seen_during.append(titles(backend.search(q(""))))  # the rebuild is half-way

    backend.rebuild(documents())

    assert seen_during == [["Cũ"]]
    assert titles(backend.search(q(""))) == ["Mới"]


def test_live_writes_during_a_rebuild_reach_the_new_index(backend, doc):
    def documents():
        yield doc("petition:1", version=10, title="Từ bản dựng lại")
        backend.index([doc("petition:2", version=11, title="Viết trong lúc dựng lại")])
        backend.index([doc("petition:1", version=12, title="Sửa trong lúc dựng lại")])

    backend.rebuild(documents())

    assert backend.stored_versions() == {"petition:1": 12, "petition:2": 11}
    assert titles(backend.search(q(""))) == ["Sửa trong lúc dựng lại", "Viết trong lúc dựng lại"]


def test_stored_document_holds_the_document_and_fingerprints_track_content(backend, doc):
    document = doc("petition:1", version=2, title="Đèn", extra={"tracking_code": "QT-1"})
    backend.index([document])

    stored = backend.stored_document("petition:1")
    assert stored is not None
    assert stored["title"] == "Đèn" and stored["version"] == 2
    assert backend.stored_fingerprints() == {"petition:1": document.fingerprint()}
    assert doc("petition:1", version=3, title="Đèn", extra={"tracking_code": "QT-1"}).fingerprint() == (
        document.fingerprint()
    )
    assert doc("petition:1", version=2, title="Đèn!").fingerprint() != document.fingerprint()
