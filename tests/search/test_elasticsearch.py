"""The Elasticsearch backend, against the osmem-server emulator (an in-memory OpenSearch-compatible server from
PyPI; see `es_emulator`): the whole contract suite, then what only this backend has (the plain-JSON client,
the analyzer, aliases, external versions), a canary for private data, and outages of the emulator.

The contract tests, and the outbox, command and API tests, are imported below and run here with the `backend`
fixture of this module: each on a fresh clone of the emulator. Everything skips, with the reason, if the
elasticsearch client or the emulator is not installed, or if the emulator binary cannot start.
"""

from __future__ import annotations

import datetime
import json
import socket
import uuid
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest

from tests.tools import requires_tool

try:
    import elasticsearch  # noqa: F401
except ImportError:
    requires_tool("the elasticsearch client is not installed: pip install -e '.[dev]'")

import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from search import outbox
from search.backends import get_backend, reset_backend
from search.backends.base import SearchBackend, SearchQuery, SearchUnavailable
from search.backends.elasticsearch import ElasticsearchBackend, PlainJsonNode, make_client, snippet, with_port
from search.models import OutboxEntry
from search.text import sanitize_query
from tests.search import test_api
from tests.search.es_emulator import (
    OsmemServer,
    es_emulator_fixture,  # noqa: F401 - the fixture es_emulator
    es_url_fixture,  # noqa: F401 - the fixture es_url
    kill,
    pause,
    port_of,
    resume,
    start_emulator,
    wait_until_free,
)
from tests.search.test_commands import *  # noqa: F403 - search_reindex and search_check, on the emulator
from tests.search.test_contract import *  # noqa: F403 - the contract, run here on the emulator
from tests.search.test_outbox import *  # noqa: F403 - the outbox and its worker, on the emulator

# The API and the page, on the emulator too. By name, because one of their tests has a contract test's name.
for _name, _value in vars(test_api).items():
    if _name.startswith("test_") or _name == "indexed":
        globals()["test_api_" + _name[5:] if _name in globals() and _name.startswith("test_") else _name] = _value


def configure(settings: Any, url: str, **extra: Any) -> SearchBackend:
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_INDEX = "lang-nghe-test"
    settings.SEARCH_DRAIN_ON_COMMIT = False  # as in production: run_search_worker drains the outbox
    for name, value in extra.items():
        setattr(settings, name, value)
    reset_backend()
    return get_backend()


@pytest.fixture
def backend(db: None, settings: Any, es_url: str) -> Iterator[SearchBackend]:
    """The Elasticsearch backend on a fresh clone of the emulator."""
    yield configure(settings, es_url)
    reset_backend()


def es(backend: SearchBackend) -> ElasticsearchBackend:
    assert isinstance(backend, ElasticsearchBackend)
    return backend


def titles_found(text: str, **filters: Any) -> list[str]:
    return sorted(hit.title for hit in get_backend().search(SearchQuery(text=sanitize_query(text), **filters)).results)


# ---- the client and the index --------------------------------------------------------------------------------


def test_the_client_sends_plain_json_that_the_emulator_accepts(es_url):
    client = make_client(es_url)
    assert isinstance(client.transport.node_pool.get(), PlainJsonNode)
    client.indices.create(index="plain", mappings={"properties": {"n": {"type": "keyword"}}})
    client.index(index="plain", id="1", document={"n": "một"}, refresh=True)
    assert client.search(index="plain", query={"term": {"n": "một"}})["hits"]["total"]["value"] == 1


def test_without_the_node_class_the_emulator_refuses_the_compatibility_media_type(es_url):
    from elasticsearch import ApiError, Elasticsearch

    with pytest.raises(ApiError) as refused:
        Elasticsearch(es_url).indices.create(index="compat", mappings={"properties": {"n": {"type": "keyword"}}})
    assert refused.value.meta.status == 406


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Khiếu nại đất đai ở Đông Hà", ["khieu", "nai", "dat", "dai", "o", "dong", "ha"]),
        ("KHIE\u0302\u0301U NA\u0323I ĐẤT", ["khieu", "nai", "dat"]),  # decomposed, capitals
        ("ê\u0301 a\u0302\u0323 ð", ["e", "a", "d"]),  # partly composed, marks in another order, legacy đ
    ],
)
def test_the_analyzer_of_the_original_text_folds_vietnamese(backend, text, words):
    """`vi_text` (used to highlight the original text) folds like `search.text`; the emulator's _analyze API
    applies its char filters (its indexing does not: matching runs on the words folded in Python)."""
    from search.text import words as folded_words

    es(backend).ensure_index()
    tokens = es(backend).client.indices.analyze(index=es(backend).alias, analyzer="vi_text", text=text)["tokens"]
    assert [token["token"] for token in tokens] == words == folded_words(text)


def test_queries_match_the_words_folded_in_python(backend, doc):
    text = "Mã QT-2026_0001, số 3.5 và Ð cũ"
    backend.index([doc("petition:1", title=text)])
    stored = backend.stored_document("petition:1")
    assert stored is not None and stored["folded_title"] == "ma qt 2026 0001 so 3 5 va d cu"
    for query in ("qt 2026 0001", "3.5", '"so 3 5"', "đ cũ", "QT-2026_0001"):
        assert titles_found(query) == [text], query


def test_the_mapping_is_strict(backend, doc):
    backend.index([doc("petition:1")])
    client, alias = es(backend).client, es(backend).alias
    [mapping] = client.indices.get_mapping(index=alias).body.values()
    assert mapping["mappings"]["dynamic"] == "strict"
    from elasticsearch import BadRequestError

    with pytest.raises(BadRequestError, match="strict"):
        client.index(index=alias, id="x", document={"doc_id": "x", "petitioner_phone": "0912345678"})


def test_a_rebuild_swaps_the_alias_to_a_new_index_and_keeps_the_old_one_for_rollback(backend, doc):
    backend.index([doc("petition:1", title="Cũ")])
    client, alias = es(backend).client, es(backend).alias
    [before] = client.indices.get_alias(name=alias).body

    backend.rebuild(iter([doc("petition:2", version=10, title="Mới")]))

    [after] = client.indices.get_alias(name=alias).body
    assert after != before
    assert list(client.indices.get_alias(name=f"{alias}-previous").body) == [before]
    assert not client.indices.exists_alias(name=f"{alias}-building")
    assert titles_found("") == ["Mới"]

    backend.rebuild(iter([doc("petition:3", version=20, title="Mới hơn")]))  # only the last one is kept

    assert not client.indices.exists(index=before)
    assert list(client.indices.get_alias(name=f"{alias}-previous").body) == [after]


def test_a_rebuild_that_fails_leaves_the_old_index_in_place(backend, doc):
    backend.index([doc("petition:1", title="Cũ")])
    client, alias = es(backend).client, es(backend).alias
    indices = set(client.indices.get(index=f"{alias}-*").body)

    def broken():
        yield doc("petition:2", version=10, title="Mới")
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken())

    assert set(client.indices.get(index=f"{alias}-*").body) == indices
    assert titles_found("") == ["Cũ"]
    backend.index([doc("petition:3", title="Sau")])  # live writes are not sent to the abandoned index
    assert titles_found("") == ["Cũ", "Sau"]


def test_older_writes_get_a_409_that_is_swallowed_in_bulk(backend, doc):
    backend.index([doc(f"petition:{n}", version=5, title="Mới") for n in range(3)])
    backend.index([doc(f"petition:{n}", version=2, title="Cũ") for n in range(3)] + [doc("petition:9", version=1)])
    assert backend.stored_versions() == {"petition:0": 5, "petition:1": 5, "petition:2": 5, "petition:9": 1}


def test_an_unreachable_engine_is_search_unavailable(db, settings):
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    backend = configure(settings, f"http://127.0.0.1:{port}")
    backend.index([])  # nothing to send, no request
    with pytest.raises(SearchUnavailable):
        backend.search(SearchQuery(text="dat"))
    with pytest.raises(SearchUnavailable):
        backend.delete([("petition:1", 1)])
    with pytest.raises(SearchUnavailable):
        backend.stored_versions()
    reset_backend()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://search.example.vn", "https://search.example.vn:443"),
        ("http://u:p@es.local/prefix", "http://u:p@es.local:80/prefix"),
        ("http://127.0.0.1:9200", "http://127.0.0.1:9200"),
    ],
)
def test_a_url_without_a_port_gets_its_schemes_port(url, expected):
    assert with_port(url) == expected
    make_client(url)  # the 8.x client refuses a URL without a port


@pytest.mark.parametrize(
    ("fragment", "body", "expected"),
    [
        (
            "&lt;b&gt;<mark>ranh</mark> <mark>giới</mark>&lt;&#x2F;b&gt; &amp; &quot;x&quot;",
            'Tranh chấp <b>ranh giới</b> & "x"',
            '…&lt;b&gt;<mark>ranh giới</mark>&lt;/b&gt; &amp; "x"',
        ),
        ("<mark>Đèn</mark>, <mark>đường</mark>", "Đèn, đường", "<mark>Đèn</mark>, <mark>đường</mark>"),
        ("Mở đầu", "Mở đầu và phần sau", "Mở đầu…"),
        (None, "<i>Không khớp</i>", "&lt;i&gt;Không khớp&lt;/i&gt;"),
    ],
)
def test_snippets_are_escaped_and_marked_like_the_sql_backends(fragment, body, expected):
    assert snippet(fragment, body) == expected


# ---- private data: a canary ----------------------------------------------------------------------------------


def test_canary_private_name_and_phone_are_in_no_stored_document_and_no_api_response(
    backend, answer_through_the_journey, public
):
    """A petition whose petitioner has a unique name and phone, written into the text too: found by its public
    words; the name and the phone are in nothing the emulator stores and nothing the API answers."""
    digits = f"{uuid.uuid4().int % 10**8:08d}"
    phone = f"09{digits[:2]} {digits[2:5]} {digits[5:]}"
    name = "Khổng Thị Nguyệt Thơ"
    petition = answer_through_the_journey(
        title="Cống thoát nước bị tắc ở tổ dân phố 7",
        content=f"Tôi là {name}, điện thoại {phone}, xin phản ánh cống thoát nước trước nhà bị tắc gây ngập.",
        petitioner_name=name,
        petitioner_phone=phone,
        answer=f"Gửi bà {name} ({phone}): đã nạo vét cống thoát nước tổ dân phố 7.",
    )
    call_command("run_search_worker", "--once", stdout=StringIO())  # publication queued it (cases.handlers)

    assert titles_found("cong thoat nuoc to dan pho") == ["Cống thoát nước bị tắc ở tổ dân phố 7"]
    secrets = [name, "Khong Thi Nguyet Tho", "Nguyệt Thơ", "nguyet tho", phone, phone.replace(" ", ""), digits]

    def leaks(text: str) -> list[str]:
        lowered = text.lower()
        return [secret for secret in secrets if secret.lower() in lowered]

    client, alias = es(backend).client, es(backend).alias
    stored = client.search(index=alias, query={"match_all": {}}, size=1000, version=True)["hits"]["hits"]
    assert len(stored) == 1
    assert leaks(json.dumps(stored, ensure_ascii=False)) == []
    assert leaks(json.dumps(backend.stored_document(f"petition:{petition.pk}"), ensure_ascii=False)) == []
    for q in ("cong thoat nuoc", '"to dan pho"', name, phone, digits, "Nguyet Tho"):
        response = public.get("/api/v1/search", {"q": q})
        assert response.status_code == 200
        assert leaks(response.content.decode()) in ([], leaks(q)), q  # only the query itself is echoed back
    assert public.get("/api/v1/search", {"q": "nguyet tho"}).json()["results"] == []
    assert public.get("/api/v1/search", {"q": digits}).json()["results"] == []


# ---- outages of the emulator ---------------------------------------------------------------------------------


@pytest.fixture
def own_emulator() -> Iterator[Callable[..., OsmemServer]]:
    """Emulators of this test alone (not clones: they are killed, paused and restarted)."""
    started: list[OsmemServer] = []

    def start(port: int = 0) -> OsmemServer:
        server = start_emulator(port)
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            resume(server)
            server.close()


def answer(journey: Callable[..., Any], *titles: str) -> list[Any]:
    """Petitions answered and published: publication writes their outbox rows (cases.handlers)."""
    petitions = [journey(title=title) for title in titles]
    for petition in petitions:
        assert OutboxEntry.objects.filter(kind="petition", object_id=str(petition.pk)).exists()
    return petitions


def drain_when_due() -> str:
    out = StringIO()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10), tick=True):  # past the backoff
        call_command("run_search_worker", "--once", stdout=out)
    return out.getvalue()


def assert_no_drift() -> None:
    out = StringIO()
    call_command("search_check", stdout=out)
    assert "No drift" in out.getvalue()


def test_outage_the_emulator_is_killed_then_restarted_on_the_same_port_and_the_worker_converges(
    db, settings, own_emulator, answer_through_the_journey
):
    server = own_emulator()
    port = port_of(server.url)
    configure(settings, server.url, ELASTICSEARCH_TIMEOUT=2.0)
    kill(server)

    answer(answer_through_the_journey, "Ổ gà trên đường số 1", "Ổ gà trên đường số 2")
    with pytest.raises(CommandError, match="unavailable"):
        call_command("run_search_worker", "--once", stdout=StringIO())
    assert outbox.pending() >= 2
    answer(answer_through_the_journey, "Ổ gà trên đường số 3")  # answered while it is still down

    wait_until_free(port)
    own_emulator(port)  # back on the same port, empty
    assert titles_found("o ga duong") == []  # searches work at once: the index is recreated, empty
    assert "indexed 3" in drain_when_due()

    assert outbox.pending() == 0
    assert titles_found("o ga duong") == ["Ổ gà trên đường số 1", "Ổ gà trên đường số 2", "Ổ gà trên đường số 3"]
    assert_no_drift()


def test_outage_the_emulator_hangs_then_resumes_and_the_worker_converges_without_a_reindex(
    db, settings, own_emulator, answer_through_the_journey
):
    server = own_emulator()
    configure(settings, server.url, ELASTICSEARCH_TIMEOUT=0.5)
    answer(answer_through_the_journey, "Rác thải ở chợ")
    call_command("run_search_worker", "--once", stdout=StringIO())
    assert_no_drift()

    pause(server)
    answer(answer_through_the_journey, "Rác thải ven sông", "Rác thải ở bến xe")
    with pytest.raises(CommandError, match="unavailable"):
        call_command("run_search_worker", "--once", stdout=StringIO())
    with pytest.raises(SearchUnavailable):
        call_command("search_check", stdout=StringIO())
    assert outbox.pending() >= 2

    resume(server)
    assert "indexed 2" in drain_when_due()
    assert outbox.pending() == 0
    assert titles_found("rac thai") == ["Rác thải ven sông", "Rác thải ở bến xe", "Rác thải ở chợ"]
    assert_no_drift()


def test_the_health_check_asks_the_cluster_and_reports_it_serving(backend):
    from django.test import Client

    backend.rebuild(iter([]))
    body = Client().get("/healthz").json()
    search = body["checks"]["search"]
    assert search["status"] == "ok", search
    assert search["backend"] == "elasticsearch"
    assert search["cluster"] in ("green", "yellow")
