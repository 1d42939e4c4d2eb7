"""The public search API and page, as a citizen or a third-party app sees them."""

from __future__ import annotations

import datetime

import pytest

from search.backends.base import MAX_PAGE_SIZE, SearchUnavailable


@pytest.fixture
def indexed(backend, doc, org):
    backend.index(
        [
            doc(
                "petition:1",
                title="Khiếu nại đất đai ở Đông Hà",
                body="Tranh chấp <b>ranh giới</b> đất đai.",
                url="/track/QT-2026-AAAA-0001/",
                date=datetime.date(2026, 1, 10),
            ),
            doc(
                "petition:2",
                title="Đèn đường hỏng",
                body="Đèn đường không sáng.",
                url="/track/QT-2026-AAAA-0002/",
                date=datetime.date(2026, 2, 1),
            ),
            doc(
                "petition:3",
                title="Đất công bị lấn chiếm",
                body="Lấn chiếm đất công.",
                url="/track/QT-2026-AAAA-0003/",
                commune="gio-linh",
                commune_name="Xã Gio Linh",
                unit="gio-linh",
                unit_name="Xã Gio Linh",
                petition_type="recommendation",
                date=datetime.date(2025, 6, 1),
            ),
        ]
    )


def test_it_finds_documents_with_or_without_diacritics(public, indexed):
    for text in ("khieu nai dat dai", "khiếu nại đất đai"):
        response = public.get("/api/v1/search", {"q": text})
        assert response.status_code == 200
        [hit] = response.json()["results"]
        assert hit["title"] == "Khiếu nại đất đai ở Đông Hà"


def test_a_result_has_kind_title_snippet_public_url_and_date(public, indexed):
    body = public.get("/api/v1/search", {"q": "ranh gioi"}).json()

    [hit] = body["results"]
    assert hit == {
        "doc_id": "petition:1",
        "kind": "petition",
        "title": "Khiếu nại đất đai ở Đông Hà",
        "snippet": "Tranh chấp &lt;b&gt;<mark>ranh giới</mark>&lt;/b&gt; đất đai.",
        "url": "http://testserver/track/QT-2026-AAAA-0001/",
        "date": "2026-01-10",
        "petition_type": "reflection",
        "status": "answered",
        "unit": "Phường Đông Hà",
        "commune": "Phường Đông Hà",
    }
    assert body["count"] == 1 and body["next"] is None and body["next_cursor"] == ""


def test_facets_come_with_counts_and_labels(public, indexed):
    facets = public.get("/api/v1/search", {"q": "dat"}).json()["facets"]

    assert facets["kind"] == [{"value": "petition", "label": "Đơn thư", "count": 2}]
    assert facets["commune"] == [
        {"value": "dong-ha", "label": "Phường Đông Hà", "count": 1},
        {"value": "gio-linh", "label": "Xã Gio Linh", "count": 1},
    ]
    assert {entry["label"] for entry in facets["petition_type"]} == {"Phản ánh", "Kiến nghị"}
    assert facets["status"] == [{"value": "answered", "label": "Đã trả lời", "count": 2}]


def test_filters_are_query_parameters(public, indexed):
    def titles(**params):
        return [hit["title"] for hit in public.get("/api/v1/search", params).json()["results"]]

    assert titles(q="dat", commune="gio-linh") == ["Đất công bị lấn chiếm"]
    assert titles(q="dat", petition_type="recommendation", unit="gio-linh", kind="petition") == [
        "Đất công bị lấn chiếm"
    ]
    assert titles(date_from="2026-01-01", sort="date") == ["Đèn đường hỏng", "Khiếu nại đất đai ở Đông Hà"]
    assert titles(q="dat", status="answered", date_to="2025-12-31") == ["Đất công bị lấn chiếm"]
    assert sorted(titles(q="dat", kind="", commune="", date_from="")) == [
        "Khiếu nại đất đai ở Đông Hà",
        "Đất công bị lấn chiếm",
    ]  # blank means no filter, as an HTML form sends it


def test_the_next_link_walks_every_page(public, backend, doc, org):
    backend.index([doc(f"petition:{n}", title=f"Rác thải {n}") for n in range(45)])
    seen: list[str] = []
    url: str | None = "/api/v1/search?q=rac&page_size=20"
    while url:
        body = public.get(url).json()
        seen += [hit["doc_id"] for hit in body["results"]]
        url = body["next"]
    assert len(seen) == 45 and len(set(seen)) == 45


def test_page_size_is_capped(public, backend, doc, org):
    backend.index([doc(f"petition:{n}", title="Rác") for n in range(MAX_PAGE_SIZE + 1)])
    body = public.get("/api/v1/search", {"q": "rac", "page_size": 100_000}).json()
    assert len(body["results"]) == MAX_PAGE_SIZE
    assert body["count"] == MAX_PAGE_SIZE + 1


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("kind", "secret"),
        ("petition_type", "gossip"),
        ("status", "lost"),
        ("unit", "no-such-unit"),
        ("commune", "so-xay-dung"),  # a unit, but not a commune
        ("date_from", "yesterday"),
        ("date_to", "2026-13-45"),
        ("sort", "random"),
        ("page_size", "many"),
        ("page_size", "0"),
        ("cursor", "not-a-cursor"),
        ("cursor", "x" * 5000),
    ],
)
def test_a_bad_filter_value_or_cursor_is_a_400_naming_the_parameter(public, indexed, param, value):
    response = public.get("/api/v1/search", {"q": "dat", param: value})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    assert list(body["errors"]) == [param]


def test_dates_in_the_wrong_order_are_a_400_on_date_to(public, indexed):
    response = public.get("/api/v1/search", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["date_to"]


JUNK = [
    '"',
    'đất "đai',
    "*",
    "NEAR(đất, đai)",
    "đất OR đai AND -x ^2 (y)",
    "\x00",
    "đất\x00đai",
    "\x1b[2J",
    "Khie\u0302\u0301u nại đất đai",
    "🏠🌾",
    "x" * 10_000,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("text", JUNK, ids=range(len(JUNK)))
def test_any_query_text_gives_results_or_an_empty_list(public, indexed, text):
    response = public.get("/api/v1/search", {"q": text})

    if "\x00" in text:  # refused before any view (core/middleware.py): no database or engine takes a NUL
        assert response.status_code == 400 and response.json()["code"] == "invalid"
        return
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def test_a_query_of_only_syntax_finds_nothing_rather_than_everything(public, indexed):
    assert public.get("/api/v1/search", {"q": "*** ()"}).json()["results"] == []
    assert len(public.get("/api/v1/search", {"q": ""}).json()["results"]) == 3


def test_an_engine_outage_is_a_503_not_a_500(public, backend, monkeypatch, org):
    def down(query):
        raise SearchUnavailable("connection refused")

    monkeypatch.setattr(backend, "search", down)
    response = public.get("/api/v1/search", {"q": "dat"})

    assert response.status_code == 503
    assert response.json()["code"] == "search_unavailable"


def test_the_api_is_in_the_openapi_schema(public, db):
    schema = public.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/search"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"q", "kind", "petition_type", "unit", "commune", "status", "date_from", "date_to", "sort"} <= names
    assert {"page_size", "cursor"} <= names
    assert "200" in operation["responses"]


# ---- the page ----------------------------------------------------------------------------------------


def test_the_search_page_works_without_javascript(client, indexed):
    response = client.get("/search/", {"q": "tranh chap"})

    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="get" action="/search/"' in html
    assert 'class="site-header"' in html  # extends base.html
    assert '<a href="/track/QT-2026-AAAA-0001/">Khiếu nại đất đai ở Đông Hà</a>' in html
    assert "<mark>Tranh chấp</mark>" in html
    assert "Tìm thấy 1 kết quả" in html


def test_the_page_escapes_document_text(client, indexed):
    html = client.get("/search/", {"q": "ranh gioi"}).content.decode()
    assert "&lt;b&gt;<mark>ranh giới</mark>&lt;/b&gt;" in html
    assert "<b>ranh" not in html


def test_the_page_offers_facets_and_the_next_page_as_links(client, backend, doc, org):
    backend.index([doc(f"petition:{n}", title=f"Rác thải {n}") for n in range(25)])

    html = client.get("/search/", {"q": "rac"}).content.decode()

    assert "?q=rac&amp;commune=dong-ha" in html and "(25)" in html
    assert 'rel="next"' in html
    next_href = html.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert client.get("/search/" + next_href).status_code == 200


def test_the_page_explains_a_bad_filter_with_a_400(client, indexed):
    response = client.get("/search/", {"q": "dat", "kind": "secret"})

    assert response.status_code == 400
    assert "kind" in response.content.decode()


def test_the_page_survives_junk(client, indexed):
    for text in JUNK:
        assert client.get("/search/", {"q": text}).status_code == (400 if "\x00" in text else 200)
