"""Elasticsearch as a real cluster: the client's connection settings, ICU analysis when the plugin is there, the
mapping version checked before the worker writes, reindex with replicas and refresh off then restored, the
previous index kept for rollback, points in time for deep pages, facets on request, and a cluster that cannot
be reached (or whose certificate is not the one configured) leaving the rest of the site working.

Against the osmem-server emulator where it has the feature; where it has not (TLS, API keys, an ICU plugin),
against a small HTTPS server on loopback that records each request and answers as Elasticsearch would, or the
client's own configuration is read back.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import pytest

from tests.tools import requires_tool

try:
    import elasticsearch  # noqa: F401
except ImportError:
    requires_tool("the elasticsearch client is not installed: pip install -e '.[dev]'")

from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from elastic_transport._node import NodeApiResponse

from search import outbox
from search.backends import elasticsearch as es_backend
from search.backends import get_backend, reset_backend
from search.backends.base import MappingOutdated, SearchQuery, SearchUnavailable
from search.backends.elasticsearch import ElasticsearchBackend, PlainJsonNode, client_options, make_client
from search.checks import check_search_index
from tests.search.es_emulator import (
    es_emulator_fixture,  # noqa: F401 - the fixture es_emulator
    es_url_fixture,  # noqa: F401 - the fixture es_url
)

ALIAS = "lang-nghe-test"


def configure(settings: Any, url: str, **extra: Any) -> ElasticsearchBackend:
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_HOSTS = [url] if url else []
    settings.ELASTICSEARCH_INDEX = ALIAS
    settings.SEARCH_DRAIN_ON_COMMIT = False
    for name, value in extra.items():
        setattr(settings, name, value)
    reset_backend()
    backend = get_backend()
    assert isinstance(backend, ElasticsearchBackend)
    return backend


@pytest.fixture(autouse=True)
def _forget_backend() -> Iterator[None]:
    yield
    reset_backend()


class RecordingNode(PlainJsonNode):
    """The emulator's node, remembering every request (method, path, JSON body) the client sent."""

    sent: list[tuple[str, str, Any]] = []

    def perform_request(  # type: ignore[override]
        self, method: str, target: str, body: bytes | None = None, **kwargs: Any
    ) -> NodeApiResponse:
        decoded: Any = None
        if body:
            text = body.decode()
            try:
                decoded = json.loads(text)
            except ValueError:
                decoded = [json.loads(line) for line in text.splitlines() if line]
        RecordingNode.sent.append((method, target.split("?")[0], decoded))
        return super().perform_request(method, target, body=body, **kwargs)


@pytest.fixture
def recorded(settings: Any, es_url: str, db: None) -> Iterator[tuple[ElasticsearchBackend, list[Any]]]:
    """The backend on a fresh emulator clone, with the requests it sends recorded."""
    configure(settings, es_url)
    RecordingNode.sent = []
    client = make_client(es_url, node_class=RecordingNode)
    yield ElasticsearchBackend(url=es_url, alias=ALIAS, client=client), RecordingNode.sent


def doc(doc_id: str, **fields: Any) -> Any:
    import datetime

    from search.backends.base import SearchDocument

    values: dict[str, Any] = {
        "doc_id": doc_id,
        "kind": "petition",
        "version": 1,
        "title": "Đèn đường hỏng",
        "body": "Đèn đường trước nhà không sáng.",
        "url": f"/track/{doc_id}/",
        "date": datetime.date(2026, 1, 15),
        "status": "answered",
        "unit": "dong-ha",
        "commune": "dong-ha",
    }
    values.update(fields)
    return SearchDocument(**values)


# ---- connection settings ----------------------------------------------------------------------------------------


def test_the_client_reaches_every_node_with_the_clusters_ca_an_api_key_and_retries(settings):
    settings.ELASTICSEARCH_HOSTS = ["https://es1.tinh.gov.vn:9200", "https://es2.tinh.gov.vn", "https://es3:9200"]
    settings.ELASTICSEARCH_CA_CERTS = __import__("certifi").where()
    settings.ELASTICSEARCH_API_KEY = "key-id:key-secret"
    settings.ELASTICSEARCH_TIMEOUT = 7.5
    settings.ELASTICSEARCH_MAX_RETRIES = 4
    settings.ELASTICSEARCH_RETRY_ON_TIMEOUT = True

    client = make_client()

    nodes = sorted(client.transport.node_pool.all(), key=lambda node: node.config.host)
    assert [(n.config.scheme, n.config.host, n.config.port) for n in nodes] == [
        ("https", "es1.tinh.gov.vn", 9200),
        ("https", "es2.tinh.gov.vn", 443),
        ("https", "es3", 9200),
    ]
    assert all(n.config.ca_certs == settings.ELASTICSEARCH_CA_CERTS and n.config.verify_certs for n in nodes)
    assert client._headers["authorization"] == "ApiKey " + base64.b64encode(b"key-id:key-secret").decode()
    assert client._max_retries == 4 and client._retry_on_timeout is True
    assert client._request_timeout == 7.5
    assert all(isinstance(n, PlainJsonNode) for n in nodes)


def test_a_fingerprint_and_a_user_and_password_are_used_as_given(settings):
    settings.ELASTICSEARCH_HOSTS = ["https://10.0.0.5:9200"]
    settings.ELASTICSEARCH_SSL_FINGERPRINT = "AB:CD:" + "EF" * 30
    settings.ELASTICSEARCH_USERNAME, settings.ELASTICSEARCH_PASSWORD = "langnghe", "mat-khau-dai"

    options = client_options()
    client = make_client()

    assert options["ssl_assert_fingerprint"] == "abcd" + "ef" * 30
    [node] = client.transport.node_pool.all()
    assert node.config.ssl_assert_fingerprint == "abcd" + "ef" * 30
    assert client._headers["authorization"] == "Basic " + base64.b64encode(b"langnghe:mat-khau-dai").decode()


def test_elasticsearch_url_alone_still_names_a_one_node_cluster(settings):
    settings.ELASTICSEARCH_HOSTS = []
    settings.ELASTICSEARCH_URL = "http://user:pass@127.0.0.1:9200"

    [node] = make_client().transport.node_pool.all()

    assert (node.config.host, node.config.port) == ("127.0.0.1", 9200)
    assert node.config.headers["authorization"] == "Basic " + base64.b64encode(b"user:pass").decode()


def test_with_one_node_down_the_others_answer(settings, db, es_url):
    """Two nodes named, one of them down: every request is retried on the one that answers."""
    backend = configure(settings, "", ELASTICSEARCH_HOSTS=["http://127.0.0.1:9", es_url])  # nothing on port 9
    assert len(backend.client.transport.node_pool.all()) == 2

    for n in range(6):
        backend.index([doc(f"petition:{n}", title=f"Đèn đường số {n}")])
    found = backend.search(SearchQuery(text="den duong"))

    assert found.total == 6


# ---- a recorded HTTPS cluster: TLS by fingerprint or CA ------------------------------------------------------------


class FakeCluster(BaseHTTPRequestHandler):
    """Answers as an Elasticsearch 8 node would (the product header included); records each request."""

    requests: list[tuple[str, str, dict[str, str]]] = []
    plugins: list[str] = []

    def _answer(self, status: int, body: Any) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        FakeCluster.requests.append((self.command, self.path, {"body": body.decode(), **headers}))
        path = self.path.split("?")[0]
        if path == "/_nodes/plugins":
            plugins = [{"name": name} for name in FakeCluster.plugins]
            self._answer(200, {"nodes": {"n1": {"plugins": plugins}, "n2": {"plugins": plugins}}})
        elif path.startswith("/_alias/") and self.command == "HEAD":
            self._answer(404, {})
        elif path.startswith("/_alias/"):
            self._answer(404, {"error": "alias missing", "status": 404})
        elif self.command == "PUT" and path.count("/") == 1:
            self._answer(200, {"acknowledged": True, "index": path[1:]})
        elif path == "/":
            self._answer(200, {"version": {"number": "8.15.0", "build_flavor": "default"}, "tagline": "You Know"})
        elif path.endswith("/_pit") and self.command == "POST":
            self._answer(200, {"id": "pit-from-elasticsearch"})
        elif path == "/_search" or path.endswith("/_search"):
            request = json.loads(body or b"{}")
            if "pit" in request and len(request.get("search_after", [])) == 2:
                reason = "search_after has 2 value(s) but sort has 3."
                error = {"type": "illegal_argument_exception", "reason": reason}
                self._answer(400, {"error": {**error, "root_cause": [error]}, "status": 400})
                return
            hits = {"total": {"value": 0, "relation": "eq"}, "hits": []}
            self._answer(200, {"hits": hits, **({"pit_id": "pit-renewed"} if "pit" in request else {})})
        else:
            self._answer(200, {"acknowledged": True})

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A self-signed certificate for 127.0.0.1: (certificate, key, its SHA-256 fingerprint)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        command = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
        command += " -addext subjectAltName=IP:127.0.0.1"
        subprocess.run(  # noqa: S603
            [*command.split(), "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        requires_tool(f"openssl cannot make a test certificate: {error}")
    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    return cert, key, hashlib.sha256(der).hexdigest()


@pytest.fixture
def tls_cluster(certificate: tuple[Path, Path, str]) -> Iterator[str]:
    cert, key, _ = certificate
    FakeCluster.requests, FakeCluster.plugins = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeCluster)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


def test_the_cluster_is_reached_over_tls_by_its_certificates_fingerprint(settings, db, tls_cluster, certificate):
    _, _, fingerprint = certificate
    backend = configure(
        settings,
        tls_cluster,
        ELASTICSEARCH_SSL_FINGERPRINT=":".join(fingerprint[i : i + 2] for i in range(0, 64, 2)).upper(),
        ELASTICSEARCH_API_KEY="encodedkey==",
    )

    page = backend.search(SearchQuery(text="den duong"))

    assert page.results == []
    assert FakeCluster.requests, "no request reached the cluster"
    assert all(headers["authorization"] == "ApiKey encodedkey==" for _, _, headers in FakeCluster.requests)


def test_the_cluster_is_reached_over_tls_by_its_ca_certificate(settings, db, tls_cluster, certificate):
    cert, _, _ = certificate
    backend = configure(settings, tls_cluster, ELASTICSEARCH_CA_CERTS=str(cert))

    backend.search(SearchQuery(text="den duong"))

    assert any(path.startswith("/lang-nghe-test/_search") for _, path, _ in FakeCluster.requests)


def test_a_wrong_ca_certificate_leaves_the_site_working_and_says_search_is_unavailable(
    settings, db, client, tls_cluster, caplog
):
    configure(settings, tls_cluster, ELASTICSEARCH_CA_CERTS=__import__("certifi").where(), ELASTICSEARCH_MAX_RETRIES=0)

    with caplog.at_level(logging.WARNING, logger="search"):
        search_page = client.get("/search/", {"q": "đèn đường"})
        api = client.get("/api/v1/search", {"q": "đèn đường"})
    home = client.get("/")

    assert FakeCluster.requests == []  # the certificate was refused before any request was sent
    assert search_page.status_code == 503 and api.status_code == 503
    assert api.json()["code"] == "search_unavailable"
    assert home.status_code == 200
    assert any("Search engine unavailable" in r.getMessage() and "SSL" in r.getMessage() for r in caplog.records)
    assert [m.id for m in check_search_index()] == ["search.W001"]


def test_a_wrong_fingerprint_is_refused_like_a_wrong_ca(settings, db, tls_cluster):
    backend = configure(settings, tls_cluster, ELASTICSEARCH_SSL_FINGERPRINT="00" * 32, ELASTICSEARCH_MAX_RETRIES=0)

    with pytest.raises(SearchUnavailable, match=r"(?i)fingerprint"):
        backend.search(SearchQuery(text="den"))
    assert FakeCluster.requests == []


# ---- ICU analysis ---------------------------------------------------------------------------------------------


def test_with_the_icu_plugin_on_every_node_the_index_folds_text_with_icu(settings, db, tls_cluster, certificate):
    _, _, fingerprint = certificate
    FakeCluster.plugins = ["analysis-icu", "repository-s3"]
    backend = configure(settings, tls_cluster, ELASTICSEARCH_SSL_FINGERPRINT=fingerprint)

    backend.ensure_index()

    [(_, _, created)] = [r for r in FakeCluster.requests if r[0] == "PUT" and r[1].startswith(f"/{ALIAS}-first")]
    body = json.loads(created["body"])
    vi_text = body["settings"]["analysis"]["analyzer"]["vi_text"]
    assert vi_text["char_filter"][0] == "icu_normalizer" and vi_text["filter"] == ["icu_folding"]
    assert vi_text["tokenizer"] == "icu_tokenizer"
    assert body["mappings"]["_meta"]["mapping_version"].startswith("icu-")
    assert body["settings"]["number_of_replicas"] == 1


def test_without_the_plugin_on_every_node_the_builtin_analysis_is_kept(settings, db, es_url):
    """The emulator has no plugins: the analysis that needs none, and its version in the index's metadata."""
    backend = configure(settings, es_url)

    backend.ensure_index()

    [index] = backend.client.indices.get_alias(name=ALIAS).body
    mapping = backend.client.indices.get_mapping(index=index).body[index]["mappings"]
    analysis = backend.client.indices.get_settings(index=index).body[index]["settings"]["index"]["analysis"]
    assert backend.analysis() == "builtin"
    assert mapping["_meta"]["mapping_version"] == es_backend.mapping_version("builtin")
    assert analysis["analyzer"]["vi_text"]["filter"] == ["lowercase", "asciifolding"]


def test_icu_can_be_forced_off(settings, db, tls_cluster, certificate):
    FakeCluster.plugins = ["analysis-icu"]
    backend = configure(settings, tls_cluster, ELASTICSEARCH_SSL_FINGERPRINT=certificate[2], ELASTICSEARCH_ICU="off")

    assert backend.analysis() == "builtin"
    assert not any(path == "/_nodes/plugins" for _, path, _ in FakeCluster.requests)


# ---- mapping version ------------------------------------------------------------------------------------------


def changed_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    """As after an upgrade whose code changes the analysis or the mapping."""
    monkeypatch.setattr(es_backend, "mapping_version", lambda analysis: f"{analysis}-changed")


def test_a_changed_mapping_stops_the_worker_with_run_search_reindex_and_keeps_the_changes(
    settings, es_url, monkeypatch, make_petition, caplog
):
    backend = configure(settings, es_url)
    backend.ensure_index()
    petition = make_petition(title="Ổ gà trên đường Hùng Vương")
    outbox.enqueue("petition", petition.pk)  # waits in the outbox (no drain on commit, as in production)
    waiting = outbox.pending()
    changed_mapping(monkeypatch)

    with caplog.at_level(logging.ERROR, logger="search"), pytest.raises(CommandError, match="search_reindex"):
        call_command("run_search_worker", "--once", stdout=StringIO())

    assert outbox.pending() == waiting > 0  # nothing lost, nothing written
    assert any("Run `manage.py search_reindex`" in r.getMessage() for r in caplog.records)
    assert [m.id for m in check_search_index()] == ["search.E001"]

    call_command("search_reindex", stdout=StringIO())
    call_command("run_search_worker", "--once", stdout=StringIO())

    assert outbox.pending() == 0
    assert check_search_index() == []
    assert [hit.title for hit in backend.search(SearchQuery(text="o ga")).results] == ["Ổ gà trên đường Hùng Vương"]


def test_an_index_from_before_mapping_versions_asks_for_a_reindex(settings, es_url, db):
    backend = configure(settings, es_url)
    backend.client.indices.create(index=f"{ALIAS}-old", mappings={"properties": {"doc_id": {"type": "keyword"}}})
    backend.client.indices.put_alias(index=f"{ALIAS}-old", name=ALIAS)

    with pytest.raises(MappingOutdated, match="mapping version none"):
        backend.check_mapping()


def test_an_unreachable_cluster_at_start_up_is_one_clear_log_line_and_the_worker_retries(
    settings, make_petition, caplog
):
    configure(settings, "http://127.0.0.1:9", ELASTICSEARCH_MAX_RETRIES=0)  # nothing listens on port 9
    outbox.enqueue("petition", make_petition().pk)

    with caplog.at_level(logging.WARNING, logger="search"), pytest.raises(CommandError, match="unavailable"):
        call_command("run_search_worker", "--once", stdout=StringIO())

    [line] = [r.getMessage() for r in caplog.records if r.name == "search.worker"]
    assert line.startswith("Search engine unreachable (") and "the site works without search" in line
    assert line.endswith("and 1 changes wait in the outbox.")
    assert outbox.pending() == 1


# ---- reindex and rollback -------------------------------------------------------------------------------------


def test_reindex_loads_without_replicas_or_refresh_then_restores_them(recorded, settings):
    backend, sent = recorded
    backend.replicas = 2

    backend.rebuild(iter([doc("petition:1", version=5)]))

    [create] = [
        body
        for method, path, body in sent
        if method == "PUT" and path.startswith(f"/{ALIAS}-2") and path.count("/") == 1
    ]
    assert create["settings"]["number_of_replicas"] == 0 and create["settings"]["refresh_interval"] == "-1"
    [restore] = [body for method, path, body in sent if method == "PUT" and path.endswith("/_settings")]
    assert restore == {"number_of_replicas": 2, "refresh_interval": None}
    order = [(method, path.rsplit("/", 1)[-1]) for method, path, _ in sent]
    swap = len(order) - 1 - order[::-1].index(("POST", "_aliases"))  # the last: the alias moves to the new index
    assert order.index(("PUT", "_bulk")) < order.index(("PUT", "_settings")) < swap
    [index] = backend.client.indices.get_alias(name=ALIAS).body
    live = backend.client.indices.get_settings(index=index).body[index]["settings"]["index"]
    assert live["number_of_replicas"] == "2" and live.get("refresh_interval") != "-1"


def test_a_write_during_a_reindex_never_waits_for_the_building_indexs_refresh(recorded):
    backend, sent = recorded
    backend.ensure_index()
    backend.client.indices.create(index=f"{ALIAS}-building-x", aliases={f"{ALIAS}-building": {}})
    sent.clear()

    backend.index([doc("petition:7", version=9)])

    bulks = [target for method, target, _ in sent if target == "/_bulk"]
    assert len(bulks) == 2  # the live index (refresh=wait_for), then the building one (refresh=false)


def test_rollback_switches_searches_back_to_the_previous_index_and_back_again(settings, es_url, db):
    backend = configure(settings, es_url)
    backend.rebuild(iter([doc("petition:1", title="Bản dựng thứ nhất")]))
    backend.rebuild(iter([doc("petition:1", version=2, title="Bản dựng thứ hai")]))

    def titles() -> list[str]:
        return [hit.title for hit in get_backend().search(SearchQuery(text="ban dung")).results]

    assert titles() == ["Bản dựng thứ hai"]
    out = StringIO()
    call_command("search_reindex", "--rollback", stdout=out)
    assert titles() == ["Bản dựng thứ nhất"]
    assert "search_check" in out.getvalue()
    call_command("search_reindex", "--rollback", stdout=StringIO())
    assert titles() == ["Bản dựng thứ hai"]


def test_rollback_without_a_previous_index_says_so(settings, es_url, db):
    configure(settings, es_url).ensure_index()

    with pytest.raises(CommandError, match="No previous index"):
        call_command("search_reindex", "--rollback", stdout=StringIO())


def test_rollback_on_the_databases_own_search_says_there_is_nothing_to_roll_back(settings, db):
    settings.SEARCH_BACKEND = ""
    reset_backend()

    with pytest.raises(CommandError, match="keeps no previous index"):
        call_command("search_reindex", "--rollback", stdout=StringIO())


# ---- deep pages and facets ----------------------------------------------------------------------------------


def test_deep_pages_read_one_point_in_time_so_new_documents_do_not_shift_them(recorded, settings):
    import datetime

    backend, sent = recorded
    backend.index([doc(f"petition:{n}", date=datetime.date(2026, 1, n), title=f"Đơn {n}") for n in range(1, 8)])
    query = SearchQuery(sort="date", size=2)

    first = backend.search(query)
    second = backend.search(SearchQuery(sort="date", size=2, cursor=first.next_cursor))
    # meanwhile a newer document, and one dated between the pages already read
    backend.index(
        [doc("petition:20", date=datetime.date(2026, 2, 1)), doc("petition:21", date=datetime.date(2026, 1, 6))]
    )
    third = backend.search(SearchQuery(sort="date", size=2, cursor=second.next_cursor))
    fourth = backend.search(SearchQuery(sort="date", size=2, cursor=third.next_cursor))

    pages = [[hit.doc_id for hit in page.results] for page in (first, second, third, fourth)]
    assert pages == [
        ["petition:7", "petition:6"],
        ["petition:5", "petition:4"],
        ["petition:3", "petition:2"],
        ["petition:1"],
    ]
    opened = [path for method, path, _ in sent if path.endswith("/_search/point_in_time")]
    assert len(opened) == 1  # opened for the second page, then carried by the cursor
    pit_searches = [body for method, path, body in sent if path == "/_search" and body and "pit" in body]
    assert len(pit_searches) == 3 and all("search_after" in body for body in pit_searches)


def test_on_elasticsearch_a_deep_page_opens_a_point_in_time_and_adds_the_shard_doc_tiebreaker(
    settings, db, tls_cluster, certificate
):
    """Elasticsearch's own point-in-time API (`POST <index>/_pit`), and its implicit `_shard_doc` sort value that
    a key read before the point in time lacks: the recorded cluster refuses two values, the backend sends three."""
    backend = configure(settings, tls_cluster, ELASTICSEARCH_SSL_FINGERPRINT=certificate[2])
    first_page_key = [1_767_225_600_000, "petition:9"]  # 2026-01-01, as the first page's last hit
    cursor = backend._next_cursor(SearchQuery(sort="date"), first_page_key, by_date=True, seen=20, pit="")

    page = backend.search(SearchQuery(sort="date", cursor=cursor))

    assert page.results == []
    calls: list[tuple[str, str, Any]] = [
        (method, path.split("?")[0], json.loads(h["body"]) if h["body"] else None)
        for method, path, h in FakeCluster.requests
    ]
    assert ("POST", f"/{ALIAS}/_pit", None) in calls
    searches = [body for method, path, body in calls if path == "/_search"]
    assert [s["search_after"] for s in searches] == [first_page_key, [*first_page_key, 2**63 - 1]]
    assert all(s["pit"] == {"id": "pit-from-elasticsearch", "keep_alive": "5m"} for s in searches)
    assert "aggs" in searches[0]  # (sent to /_search: a point in time names its index itself)


def test_facets_are_counted_only_when_the_page_asks_for_them(recorded, client, settings):
    backend, sent = recorded
    backend.index([doc("petition:1"), doc("petition:2", status="open")])

    without = backend.search(SearchQuery(facets=False))
    with_facets = backend.search(SearchQuery())

    searches = [body for method, path, body in sent if path.endswith("/_search")]
    assert "aggs" not in searches[0] and "aggs" in searches[1]
    assert all(counts == {} for counts in without.facets.values())
    assert with_facets.facets["status"] == {"answered": 1, "open": 1}


def test_the_api_leaves_facets_out_on_request(client, settings, es_url, db):
    configure(settings, es_url).index([doc("petition:1")])

    asked = client.get("/api/v1/search", {"q": "den"}).json()
    skipped = client.get("/api/v1/search", {"q": "den", "facets": "false"}).json()

    assert asked["facets"]["status"] and skipped["facets"] == {}
    assert skipped["count"] == asked["count"] == 1


def test_a_check_passes_on_the_databases_own_search(settings, db):
    settings.SEARCH_BACKEND = ""
    reset_backend()

    assert check_search_index() == []
    assert checks.run_checks(tags=["search"], include_deployment_checks=True) == []
