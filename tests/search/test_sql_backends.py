"""What the SQL backends do beyond the contract: bounded counting and the order of broad queries."""

from __future__ import annotations

import datetime

import pytest

from search.backends import sql
from search.backends.base import SearchQuery


@pytest.fixture
def small_limit(backend, monkeypatch):
    """Every match counted (no window of the newest documents), up to 5."""
    monkeypatch.setattr(sql, "COUNT_LIMIT", 5)
    monkeypatch.setattr(backend, "count_window", 0)


@pytest.fixture
def eight_matches(backend, doc):
    day = datetime.date(2026, 1, 1)
    backend.index(
        [doc(f"petition:{n}", title="Ý kiến", body="Rác thải", date=day + datetime.timedelta(days=n)) for n in range(6)]
        + [
            doc("petition:90", title="Rác thải ở chợ", date=day),
            doc("petition:91", title="Rác thải ven sông", date=day + datetime.timedelta(days=1)),
        ]
    )


def test_past_the_count_limit_the_total_and_facets_are_lower_bounds(backend, eight_matches, small_limit):
    page = backend.search(SearchQuery(text="rac thai"))

    assert (page.total, page.total_exact) == (5, False)
    assert sum(page.facets["kind"].values()) == 6  # counted over the first matches only
    assert backend.search(SearchQuery(text="cho")).total_exact


def test_a_broad_query_lists_title_matches_first_then_the_newest(backend, eight_matches, small_limit):
    seen: list[str] = []
    cursor = ""
    while True:
        page = backend.search(SearchQuery(text="rac thai", size=3, cursor=cursor))
        seen += [hit.doc_id for hit in page.results]
        cursor = page.next_cursor
        if not cursor:
            break

    assert seen == ["petition:91", "petition:90"] + [f"petition:{n}" for n in (5, 4, 3, 2, 1, 0)]


def test_a_cursor_keeps_its_order_when_the_matches_grow(backend, doc, eight_matches, monkeypatch):
    monkeypatch.setattr(backend, "count_window", 0)
    monkeypatch.setattr(sql, "COUNT_LIMIT", 100)
    first = backend.search(SearchQuery(text="rac thai", size=2))  # few matches: ranked
    monkeypatch.setattr(sql, "COUNT_LIMIT", 5)  # as if many documents had been added since

    rest = backend.search(SearchQuery(text="rac thai", size=100, cursor=first.next_cursor))

    assert len({hit.doc_id for hit in first.results + rest.results}) == 8


@pytest.mark.parametrize("window", [2, 5, 1000])
def test_the_bounded_read_of_recent_titles_gives_the_same_order(backend, doc, small_limit, monkeypatch, window):
    if not backend.title_window:
        pytest.skip("only PostgreSQL reads recent titles from the date index first")
    monkeypatch.setattr(backend, "title_window", window)
    day = datetime.date(2026, 1, 1)
    on = lambda n: day + datetime.timedelta(days=n)  # noqa: E731
    backend.index(
        [doc(f"petition:{n}", title="Rác thải", body="Rác thải", date=on(n)) for n in (1, 2, 4, 6, 7, 9)]
        + [doc(f"petition:{n}", title="Ý kiến", body="Rác thải", date=on(n)) for n in (3, 5, 8, 10)]
    )
    seen: list[str] = []
    cursor = ""
    for _ in range(10):  # five pages hold them all; more would mean a page came back twice
        page = backend.search(SearchQuery(text="rac thai", size=2, cursor=cursor))
        seen += [hit.doc_id for hit in page.results]
        if not (cursor := page.next_cursor):
            break

    assert seen == [f"petition:{n}" for n in (9, 7, 6, 4, 2, 1, 10, 8, 5, 3)]


@pytest.fixture
def small_window(backend, monkeypatch):
    """Counting from a window of the 4 newest documents, broad when 2 of them pass the filters and 1 % match."""
    monkeypatch.setattr(backend, "count_window", 4)
    monkeypatch.setattr(sql, "WINDOW_SEEN", 2)


def test_a_window_that_holds_every_document_counts_exactly(backend, eight_matches, monkeypatch):
    monkeypatch.setattr(backend, "count_window", 1000)

    page = backend.search(SearchQuery(text="rac thai"))

    assert (page.total, page.total_exact) == (8, True)
    assert page.facets["kind"] == {"petition": 8}


def test_a_query_matching_many_of_the_newest_documents_counts_them_as_lower_bounds(
    backend, eight_matches, small_window
):
    first = backend.search(SearchQuery(text="rac thai", size=3))

    assert (first.total, first.total_exact) == (4, False)  # the four newest match: "more than 4"
    assert sum(first.facets["commune"].values()) == 4
    seen = [hit.doc_id for hit in first.results]
    cursor = first.next_cursor
    while cursor:  # every match is still listed, titles first
        page = backend.search(SearchQuery(text="rac thai", size=3, cursor=cursor))
        seen += [hit.doc_id for hit in page.results]
        cursor = page.next_cursor
    assert seen == ["petition:91", "petition:90"] + [f"petition:{n}" for n in (5, 4, 3, 2, 1, 0)]


def test_a_query_rare_among_the_newest_documents_counts_every_match(backend, doc, small_window):
    day = datetime.date(2026, 1, 1)
    backend.index(
        [
            doc(f"petition:{n}", title="Đèn đường", body="Hỏng", date=day + datetime.timedelta(days=10 + n))
            for n in range(4)
        ]
        + [doc(f"petition:{n}", title="Ngập úng", body="Mưa", date=day + datetime.timedelta(days=n)) for n in (7, 8, 9)]
    )

    page = backend.search(SearchQuery(text="ngap ung"))

    assert (page.total, page.total_exact) == (3, True)
    assert {hit.doc_id for hit in page.results} == {"petition:7", "petition:8", "petition:9"}


def test_a_filter_that_leaves_few_of_the_newest_documents_counts_every_match(backend, doc, small_window):
    day = datetime.date(2026, 1, 1)
    backend.index(
        [doc(f"petition:{n}", title="Rác thải", date=day + datetime.timedelta(days=10 + n)) for n in range(4)]
        + [
            doc(f"petition:{n}", title="Rác thải", status="noted", date=day + datetime.timedelta(days=n))
            for n in (7, 8, 9)
        ]
    )

    page = backend.search(SearchQuery(text="rac thai", status="noted"))

    assert (page.total, page.total_exact) == (3, True)  # the window held none of them: no bound from it
    assert page.facets["status"] == {"noted": 3}


def test_a_search_in_one_commune_is_counted_among_that_communes_newest_documents(backend, doc, small_window):
    day = datetime.date(2026, 1, 1)
    on = lambda n: day + datetime.timedelta(days=n)  # noqa: E731
    backend.index(
        [doc(f"petition:{n}", title="Rác thải", commune="cam-lo", date=on(n)) for n in range(6)]
        + [doc(f"petition:{n}", title="Rác thải", commune="dong-ha", date=on(10 + n)) for n in range(6, 12)]
    )

    in_cam_lo = backend.search(SearchQuery(text="rac thai", commune="cam-lo", size=10))
    small = backend.search(SearchQuery(text="rac thai", commune="gio-linh"))

    # Cam Lộ's four newest (not the four newest of all, all in Đông Hà) all match: a broad query, «more than 4».
    assert (in_cam_lo.total, in_cam_lo.total_exact) == (4, False)
    assert in_cam_lo.facets["commune"] == {"cam-lo": 4}
    assert [hit.doc_id for hit in in_cam_lo.results] == [f"petition:{n}" for n in (5, 4, 3, 2, 1, 0)]
    assert (small.total, small.total_exact, small.results) == (0, True, [])


def test_more_matches_than_the_rank_limit_are_listed_in_the_broad_order(backend, eight_matches, monkeypatch):
    monkeypatch.setattr(backend, "rank_limit", 5)

    page = backend.search(SearchQuery(text="rac thai", size=8))

    assert (page.total, page.total_exact) == (8, True)
    assert [hit.doc_id for hit in page.results] == ["petition:91", "petition:90"] + [
        f"petition:{n}" for n in (5, 4, 3, 2, 1, 0)
    ]


def test_a_lower_bound_is_given_as_a_round_number(backend, doc, small_window, monkeypatch):
    monkeypatch.setattr(backend, "count_window", 30)
    day = datetime.date(2026, 1, 1)
    backend.index(
        [doc(f"petition:{n}", title="Rác thải", date=day + datetime.timedelta(days=n)) for n in range(27)]
        + [doc(f"petition:{n}", title="Ngập úng", date=day + datetime.timedelta(days=n)) for n in range(27, 40)]
    )

    page = backend.search(SearchQuery(text="ngap ung"))

    assert (page.total, page.total_exact) == (10, False)  # 13 of the 30 newest match: «more than 10»
