"""Elasticsearch (production): the `elasticsearch` 8.x client, mappings declared with `elasticsearch.dsl`.

Text: pre-folded in Python, like the SQL backends. Each document carries its title and body twice:
- `folded_title` / `folded_body`: `search.text.index_text(…)` (NFC, lowercase, đ → d, no diacritics, split on
  anything but letters and digits), with a whitespace analyzer, and a `pairs` sub-field (shingles of two words)
  that boosts query words found side by side. Queries are the folded words and phrases of
  `search.text.parse_query`, so matching is exactly the SQL backends': with or without diacritics, any normal
  form, every word required, phrases in order.
- `title` / `body`: the original text, for highlighting (so snippets keep their diacritics) with the analyzer
  `vi_text`: char filters `vi_nfc` (a mapping from each decomposed or partly composed Latin letter to its NFC
  form; the ICU plugin is not assumed) and `vi_stroke` ("đ=>d", "Đ=>D", and ð/Ð, which legacy Vietnamese
  encodings produce for đ), the standard tokenizer, `lowercase`, `asciifolding`.
Why pre-fold: the emulator the tests run on (osmem-server) ignores mapping char filters and pattern tokenizers
when it indexes (its `_analyze` API applies them, its index does not); folding in Python makes the tested
behaviour the production behaviour on Elasticsearch, OpenSearch and the emulator alike.
Snippets: the engine's plain highlighter with the HTML encoder and <mark> tags, re-escaped exactly as the SQL
backends escape (one <mark> over adjacent matches, "…" where the body goes on).

Index. Searches read an alias (`ELASTICSEARCH_INDEX`); a rebuild creates a new index behind a second alias
(`<alias>-building`), bulk loads it while live writes go to both aliases, then moves the alias in one atomic
`_aliases` call and deletes the old index. The mapping is `dynamic: strict`; `extra` is stored, not indexed.

Writes. Bulk requests with external versioning (version = the outbox row id): the engine keeps the newest
state, and the 409 an older write gets is expected and ignored. A deletion leaves a tombstone (kept for
`index.gc_deletes`, an hour here) so that a late write of an older state cannot bring a document back.
Anything that keeps a write from landing (the engine unreachable, overloaded, or refusing an item) raises
`SearchUnavailable`: the outbox keeps the rows, retries with backoff and records the error.

The client sends plain `application/json` (`PlainJsonNode`): Elasticsearch 8 clients send
`application/vnd.elasticsearch+json; compatible-with=8`, which OpenSearch and the emulator used in the tests
refuse with 406; Elasticsearch itself accepts both.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import html
import json
import re
import struct
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import islice, permutations
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils.translation import gettext
from elastic_transport import HttpHeaders, TransportError, Urllib3HttpNode
from elastic_transport._node import NodeApiResponse
from elastic_transport.client_utils import DEFAULT, DefaultType
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.dsl import (
    Date,
    Document,
    Index,
    Keyword,
    MetaField,
    Object,
    Q,
    Search,
    Text,
    analyzer,
    char_filter,
    token_filter,
)

from search.backends.base import (
    COUNT_LIMIT,
    FACETS,
    MAX_PAGE_SIZE,
    BadCursor,
    MappingOutdated,
    SearchDocument,
    SearchHit,
    SearchPage,
    SearchQuery,
    SearchUnavailable,
)
from search.cursor import MAX_CURSOR_CHARS, decode_cursor, encode_cursor
from search.text import SNIPPET_CHARS, ParsedQuery, highlight, index_text, parse_query

DEFAULT_ALIAS = "lang-nghe-search"
DEFAULT_TIMEOUT = 10.0
DEFAULT_REFRESH = "wait_for"  # a write returns once it is searchable, as on the SQL backends
BULK_DOCS = 500
READ_PAGE = 5000
FACET_SIZE = 500  # distinct values per facet (communes, units): far more than a province has
EPOCH = datetime.date(1970, 1, 1)
DAY_MS = 86_400_000
CURSOR_MODE = "es"
MAX_OFFSET = 10_000  # index.max_result_window: relevance pages deeper than this use search_after
SEARCHED = ("folded_title^3", "folded_body")
PAIRS = ("folded_title.pairs^3", "folded_body.pairs")
HIT_FIELDS = ("doc_id", "kind", "title", "body", "url", "date", "petition_type", "unit_name", "commune_name", "status")
_T = TypeVar("_T")
UNAVAILABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
PIT_KEEP_ALIVE = "5m"  # a reader's pause between two pages
SHARD_DOC_AFTER = 2**63 - 1  # past any `_shard_doc` (ascending): excludes the key's own document


# ---- the client ---------------------------------------------------------------------------------------------

_COMPAT_MIMETYPE = re.compile(r"application/vnd\.elasticsearch\+([\w.-]+)(?:\s*;\s*compatible-with=\d+)?")


class PlainJsonNode(Urllib3HttpNode):
    """A urllib3 node that sends `application/json` (and `application/x-ndjson`) instead of the compatibility
    media types of the 8.x client, so that the same client talks to Elasticsearch, OpenSearch and the emulator."""

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        if headers is not None:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                value = headers.get(name)
                if value:
                    headers[name] = _COMPAT_MIMETYPE.sub(r"application/\1", value)
        return super().perform_request(method, target, body=body, headers=headers, request_timeout=request_timeout)


# ---- analysis and mapping -------------------------------------------------------------------------------------


def nfc_mappings() -> list[str]:
    """Mapping rules from every non-NFC spelling of a precomposed Latin letter (fully decomposed, partly
    composed, marks in either order) to the letter: "e\u0302\u0301=>ế", "ê\u0301=>ế", …"""
    rules: dict[str, str] = {}
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        letter = chr(code)
        decomposed = unicodedata.normalize("NFD", letter)
        if decomposed == letter or not decomposed[0].isascii():
            continue
        base, marks = decomposed[0], decomposed[1:]
        for order in set(permutations(marks)):
            sequence = base + "".join(order)
            for split in range(1, len(sequence)):
                spelling = unicodedata.normalize("NFC", sequence[:split]) + sequence[split:]
                if spelling != letter and unicodedata.normalize("NFC", spelling) == letter:
                    rules[spelling] = letter
    return [f"{spelling}=>{letter}" for spelling, letter in sorted(rules.items())]


VI_NFC = char_filter("vi_nfc", "mapping", mappings=nfc_mappings())
VI_STROKE = char_filter("vi_stroke", "mapping", mappings=["đ=>d", "Đ=>D", "ð=>d", "Ð=>D"])
# The original text (highlighting, and anyone querying the index directly).
VI_TEXT = analyzer(
    "vi_text", tokenizer="standard", char_filter=[VI_NFC, VI_STROKE], filter=["lowercase", "asciifolding"]
)
# Words folded by `search.text.index_text` (what every query is matched against), and their pairs.
VI_FOLDED = analyzer("vi_folded", tokenizer="whitespace", filter=["lowercase"])
VI_PAIRS = analyzer(
    "vi_pairs",
    tokenizer="whitespace",
    filter=[
        "lowercase",
        token_filter("vi_shingle", "shingle", min_shingle_size=2, max_shingle_size=2, output_unigrams=False),
    ],
)


def _folded() -> Text:
    return Text(analyzer=VI_FOLDED, fields={"pairs": Text(analyzer=VI_PAIRS)})


class SearchRecord(Document):
    """The stored form of a `SearchDocument`; the engine's `_version` is the document version."""

    doc_id = Keyword()
    kind = Keyword()
    title = Text(analyzer=VI_TEXT)
    body = Text(analyzer=VI_TEXT)
    folded_title = _folded()
    folded_body = _folded()
    url = Keyword(index=False)
    date = Date(format="strict_date")
    petition_type = Keyword()
    unit = Keyword()
    unit_name = Keyword(index=False)
    commune = Keyword()
    commune_name = Keyword(index=False)
    status = Keyword()
    extra = Object(enabled=False)  # kind-specific allow-listed strings: kept, never searched
    fingerprint = Keyword(index=False, doc_values=False)

    class Meta:
        dynamic = MetaField("strict")


INDEX_SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,  # a province's documents fit one shard; one shard also scores consistently
    "gc_deletes": "1h",  # tombstones outlive any worker lease: a late older write cannot resurrect a deletion
}


META_KEY = "mapping_version"
# With the analysis-icu plugin on every node, the original text is normalised and folded by ICU (any Unicode
# normal form, every script's marks), tokenised by ICU's word rules; `vi_stroke` still maps the legacy ð to d.
ICU_TEXT_ANALYZER = {
    "type": "custom",
    "tokenizer": "icu_tokenizer",
    "char_filter": ["icu_normalizer", "vi_stroke"],
    "filter": ["icu_folding"],
}


def _base_body(analysis: str) -> dict[str, Any]:
    index = Index("template")
    index.settings(**INDEX_SETTINGS)
    index.document(SearchRecord)
    body: dict[str, Any] = index.to_dict()
    if analysis == "icu":
        body["settings"]["analysis"]["analyzer"]["vi_text"] = dict(ICU_TEXT_ANALYZER)
        body["settings"]["analysis"]["char_filter"].pop("vi_nfc", None)
    return body


@functools.cache
def mapping_version(analysis: str) -> str:
    """A digest of the index's analysis and mapping: any change to them in the code changes it, and an index
    built with another one must be rebuilt (`search_reindex`)."""
    digest = hashlib.sha256(json.dumps(_base_body(analysis), sort_keys=True).encode()).hexdigest()[:12]
    return f"{analysis}-{digest}"


def index_body(analysis: str) -> dict[str, Any]:
    """Settings and mappings of a new index, its mapping version in the mapping's `_meta`."""
    body = _base_body(analysis)
    body["mappings"]["_meta"] = {META_KEY: mapping_version(analysis), "analysis": analysis}
    return body


def source(doc: SearchDocument) -> dict[str, Any]:
    """The `_source` of a document: exactly the fields of `SearchRecord` (the mapping refuses any other)."""
    return {
        "doc_id": doc.doc_id,
        "kind": doc.kind,
        "title": doc.title,
        "body": doc.body,
        "folded_title": index_text(doc.title),
        "folded_body": index_text(doc.body),
        "url": doc.url,
        "date": doc.date.isoformat(),
        "petition_type": doc.petition_type,
        "unit": doc.unit,
        "unit_name": doc.unit_name,
        "commune": doc.commune,
        "commune_name": doc.commune_name,
        "status": doc.status,
        "extra": dict(doc.extra),
        "fingerprint": doc.fingerprint(),
    }


# ---- queries and snippets -------------------------------------------------------------------------------------


def text_query(parsed: ParsedQuery) -> Any:
    """Every word and every phrase must match (in the title or the body); word pairs in order score more."""
    must = [Q("multi_match", query=term, fields=list(SEARCHED)) for term in parsed.terms]
    must += [Q("multi_match", query=" ".join(p), type="phrase", fields=list(SEARCHED)) for p in parsed.phrases]
    sequences = [parsed.terms, *parsed.phrases]
    should = [Q("multi_match", query=" ".join(s), fields=list(PAIRS)) for s in sequences if len(s) > 1]
    return Q("bool", must=must, should=should)


def highlight_query(parsed: ParsedQuery) -> dict[str, Any]:
    """What to mark in the body: any query word or phrase found there (a word may have matched in the title)."""
    parts = [Q("match", body=term) for term in parsed.terms]
    parts += [Q("match_phrase", body=" ".join(phrase)) for phrase in parsed.phrases]
    return Q("bool", should=parts).to_dict()


_MARKS = re.compile(r"(</?mark>)")


def _escape(text: str) -> str:
    return html.escape(re.sub(r"\s+", " ", text), quote=False)


def snippet(fragment: str | None, body: str) -> str:
    """The engine's fragment in the SQL backends' form: escaped the same way, one <mark> over adjacent matches,
    "…" where the body goes on."""
    if fragment is None:
        return highlight(body, ParsedQuery())
    runs: list[list[Any]] = []  # [plain text, marked]
    marked = False
    for part in _MARKS.split(fragment):
        if part in ("<mark>", "</mark>"):
            marked = part == "<mark>"
            continue
        if not part:
            continue
        text = html.unescape(part)
        if marked and len(runs) >= 2 and runs[-2][1] and not runs[-1][1] and not runs[-1][0].strip():
            blank = runs.pop()[0]  # only blank between two matches: one mark over both ("<mark>đất đai</mark>")
            runs[-1][0] += blank + text
        elif runs and runs[-1][1] == marked:
            runs[-1][0] += text
        else:
            runs.append([text, marked])
    plain = "".join(text for text, _ in runs)
    out = [f"<mark>{_escape(text)}</mark>" if is_mark else _escape(text) for text, is_mark in runs]
    result = "".join(out).strip()
    start = body.find(plain) if plain else -1
    if start > 0:
        result = "…" + result
    if start >= 0 and start + len(plain) < len(body.rstrip()):
        result += "…"
    return result


def _millis(iso_date: object) -> int:
    try:
        return (datetime.date.fromisoformat(str(iso_date)) - EPOCH).days * DAY_MS
    except ValueError:
        raise BadCursor(gettext("Con trỏ trang không hợp lệ")) from None


def _iso(millis: Any) -> str:
    if isinstance(millis, str):
        return datetime.date.fromisoformat(millis[:10]).isoformat()
    return (EPOCH + datetime.timedelta(milliseconds=int(millis))).isoformat()


# ---- the backend ----------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _unavailable_on_failure() -> Iterator[None]:
    """Connection errors, timeouts and an overloaded engine become SearchUnavailable (the outbox retries)."""
    try:
        yield
    except TransportError as error:  # connection refused or reset, timeout, TLS
        causes = "; ".join(str(cause) for cause in error.errors or [error.__cause__] if cause is not None)
        raise SearchUnavailable(
            f"{type(error).__name__}: {error}" + (f" ({causes[:500]})" if causes else "")
        ) from error
    except ApiError as error:
        if error.meta.status in UNAVAILABLE_STATUSES:
            raise SearchUnavailable(f"{error.meta.status}: {error}") from error
        raise


def with_port(url: str) -> str:
    """The URL with its port written out (the 8.x client requires one): 443 for https, 80 for http."""
    parts = urlsplit(url)
    if parts.port is not None or not parts.hostname:
        return url
    netloc = f"{parts.netloc}:{443 if parts.scheme == 'https' else 80}"
    return urlunsplit(parts._replace(netloc=netloc))


def client_options(hosts: Sequence[str] | None = None, **overrides: Any) -> dict[str, Any]:
    """The client's arguments from the settings: every node of the cluster (`ELASTICSEARCH_HOSTS`, else
    `ELASTICSEARCH_URL`), the cluster's CA certificate or its certificate's SHA-256 fingerprint, an API key or a
    user and password, the request timeout and the retries (on another node when there are several)."""
    if hosts is None:
        hosts = list(getattr(settings, "ELASTICSEARCH_HOSTS", None) or []) or [settings.ELASTICSEARCH_URL]
    options: dict[str, Any] = {
        "hosts": [with_port(host) for host in hosts if host],
        "node_class": PlainJsonNode,
        "request_timeout": float(getattr(settings, "ELASTICSEARCH_TIMEOUT", DEFAULT_TIMEOUT)),
        "max_retries": int(getattr(settings, "ELASTICSEARCH_MAX_RETRIES", 2)),
        "retry_on_timeout": bool(getattr(settings, "ELASTICSEARCH_RETRY_ON_TIMEOUT", True)),
    }
    if ca_certs := getattr(settings, "ELASTICSEARCH_CA_CERTS", ""):
        options["ca_certs"] = ca_certs
    if fingerprint := getattr(settings, "ELASTICSEARCH_SSL_FINGERPRINT", ""):
        options["ssl_assert_fingerprint"] = fingerprint.replace(":", "").lower()
    if api_key := getattr(settings, "ELASTICSEARCH_API_KEY", ""):
        key_id, colon, secret = api_key.partition(":")
        options["api_key"] = (key_id, secret) if colon else api_key
    elif username := getattr(settings, "ELASTICSEARCH_USERNAME", ""):
        options["basic_auth"] = (username, getattr(settings, "ELASTICSEARCH_PASSWORD", ""))
    options.update(overrides)
    return options


def make_client(url: str | None = None, *, timeout: float | None = None, **overrides: Any) -> Elasticsearch:
    """A client of `url` ("https://user:password@host:port/prefix"; credentials and a path prefix may be in it),
    or of the configured cluster, with the configured TLS, credentials, timeout and retries."""
    if timeout is not None:
        overrides["request_timeout"] = timeout
    return Elasticsearch(**client_options([url] if url else None, **overrides))


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(
        self,
        *,
        url: str | None = None,
        alias: str | None = None,
        timeout: float | None = None,
        refresh: str | bool | None = None,
        client: Elasticsearch | None = None,
    ) -> None:
        self.url = url or getattr(settings, "ELASTICSEARCH_URL", "") or ""
        self.hosts = [url] if url else list(getattr(settings, "ELASTICSEARCH_HOSTS", None) or []) or [self.url]
        if not any(self.hosts) and client is None:
            raise SearchUnavailable("ELASTICSEARCH_HOSTS (or ELASTICSEARCH_URL) is not set")
        self.alias = alias or getattr(settings, "ELASTICSEARCH_INDEX", "") or DEFAULT_ALIAS
        self.building_alias = f"{self.alias}-building"
        configured_refresh = getattr(settings, "ELASTICSEARCH_REFRESH", DEFAULT_REFRESH)
        self.refresh: str | bool = configured_refresh if refresh is None else refresh
        self.client = client or Elasticsearch(
            **client_options(self.hosts, **({"request_timeout": timeout} if timeout else {}))
        )
        self.previous_alias = f"{self.alias}-previous"
        self.replicas = int(getattr(settings, "ELASTICSEARCH_REPLICAS", 1))
        self._ready = False
        self._analysis: str | None = None  # "icu" or "builtin", once asked
        self._distribution: str | None = None

    # ---- indices and aliases ------------------------------------------------------------------------------

    def _new_index_name(self) -> str:
        stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%d%H%M%S")
        return f"{self.alias}-{stamp}-{uuid.uuid4().hex[:8]}"

    def analysis(self) -> str:
        """ "icu" when ELASTICSEARCH_ICU=on, or =auto (the default) and every node has the analysis-icu plugin;
        "builtin" (the analysis that needs no plugin) otherwise."""
        if self._analysis is None:
            mode = str(getattr(settings, "ELASTICSEARCH_ICU", "auto")).lower()
            if mode in ("on", "1", "true", "yes"):
                self._analysis = "icu"
            elif mode in ("off", "0", "false", "no"):
                self._analysis = "builtin"
            else:
                self._analysis = "icu" if self._every_node_has_icu() else "builtin"
        return self._analysis

    def _every_node_has_icu(self) -> bool:
        with _unavailable_on_failure():
            nodes = self.client.nodes.info(metric="plugins").body.get("nodes", {})
        return bool(nodes) and all(
            any("analysis-icu" in str(plugin.get("name", "")) for plugin in node.get("plugins", []))
            for node in nodes.values()
        )

    def expected_mapping_version(self) -> str:
        return mapping_version(self.analysis())

    def mapping_in_use(self) -> str:
        """The mapping version of the index searches read ("" for an index from before versions were kept;
        the expected one when there is no index yet: the first write creates it)."""
        with _unavailable_on_failure():
            indices = self._alias_indices(self.alias)
            if not indices:
                return self.expected_mapping_version()
            mappings = self.client.indices.get_mapping(index=indices[0]).body
        meta = mappings.get(indices[0], {}).get("mappings", {}).get("_meta", {}) or {}
        return str(meta.get(META_KEY, ""))

    def check_mapping(self) -> None:
        """Raises MappingOutdated when the index searches read was built with another mapping than this code's
        (SearchUnavailable when the cluster cannot be asked)."""
        found, expected = self.mapping_in_use(), self.expected_mapping_version()
        if found != expected:
            raise MappingOutdated(
                f"The search index {self.alias} has mapping version {found or 'none'}; this code uses {expected}. "
                "Run `manage.py search_reindex` to rebuild it; until then changes wait in the search outbox."
            )

    def _create_index(self, name: str, aliases: Sequence[str] = (), *, bulk_load: bool = False) -> None:
        """A new index with this code's analysis and mapping (its version in `_meta`). For a bulk load: no
        replicas and no refresh until the load is done (`_finish_bulk_load`)."""
        body = index_body(self.analysis())
        index_settings = dict(body["settings"])
        if bulk_load:
            index_settings.update(number_of_replicas=0, refresh_interval="-1")
        else:
            index_settings["number_of_replicas"] = self.replicas
        self.client.indices.create(
            index=name,
            settings=index_settings,
            mappings=body["mappings"],
            aliases={alias: {} for alias in aliases} or None,
        )

    def _finish_bulk_load(self, name: str) -> None:
        """Replicas and refresh back to what a live index has, then one refresh."""
        self.client.indices.put_settings(
            index=name, settings={"number_of_replicas": self.replicas, "refresh_interval": None}
        )
        self.client.indices.refresh(index=name)

    def ensure_index(self) -> None:
        """Create the first index behind the alias if there is none (a fresh cluster, or one that lost it)."""
        if self._ready:
            return
        with _unavailable_on_failure():
            if not self.client.indices.exists_alias(name=self.alias):
                first = f"{self.alias}-first"  # a fixed name: two processes racing create it once
                try:
                    self._create_index(first, aliases=[self.alias])
                except ApiError as error:
                    if error.meta.status != 400 or "already_exists" not in str(error):
                        raise
                    self.client.indices.put_alias(index=first, name=self.alias)
        self._ready = True

    def _alias_indices(self, alias: str) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=alias).body)
        except ApiError as error:
            if error.meta.status == 404:
                return []
            raise

    # ---- writes -------------------------------------------------------------------------------------------

    def _send(self, operations: list[dict[str, Any]], *, require_alias: bool, refresh: Any) -> list[dict[str, Any]]:
        """One bulk request; returns the failed items (other than expected version conflicts and deletions of
        what is not there)."""
        if not operations:
            return []
        with _unavailable_on_failure():
            response = self.client.bulk(operations=operations, refresh=refresh, require_alias=require_alias)
        if not response.get("errors"):
            return []
        failed = []
        for item in response["items"]:
            [(action, result)] = item.items()
            status = int(result.get("status", 500))
            if status < 300 or status == 409:  # 409: a newer version is stored; the newer state wins
                continue
            if action == "delete" and status == 404 and "error" not in result:
                continue  # nothing to delete (the tombstone is kept all the same)
            failed.append({"action": action, **result})
        return failed

    @staticmethod
    def _operations(rows: Sequence[tuple[str, int, dict[str, Any] | None]], target: str) -> list[dict[str, Any]]:
        operations: list[dict[str, Any]] = []
        for doc_id, version, body in rows:
            meta = {"_index": target, "_id": doc_id, "version": version, "version_type": "external"}
            if body is None:
                operations.append({"delete": meta})
            else:
                operations += [{"index": meta}, body]
        return operations

    def _write(self, rows: Sequence[tuple[str, int, dict[str, Any] | None]]) -> None:
        """Live writes: to the alias and, while a rebuild runs, to the index it builds."""
        newest: dict[str, tuple[str, int, dict[str, Any] | None]] = {}
        for row in rows:  # one operation per document, the newest
            if row[0] not in newest or row[1] > newest[row[0]][1]:
                newest[row[0]] = row
        ordered = list(newest.values())
        self.ensure_index()
        for start in range(0, len(ordered), BULK_DOCS):
            chunk = ordered[start : start + BULK_DOCS]
            with _unavailable_on_failure():
                building = self.client.indices.exists_alias(name=self.building_alias).body
            failed = self._send(self._operations(chunk, self.alias), require_alias=True, refresh=self.refresh)
            if building:  # never wait for a refresh there: the index being built has refresh turned off
                failed += self._send(self._operations(chunk, self.building_alias), require_alias=True, refresh=False)
            lost = {f["_id"] for f in failed if f.get("_index") == self.alias and _index_missing(f)}
            if lost:  # the alias itself is gone (an emptied cluster): recreate it and write again
                self._ready = False
                self.ensure_index()
                again = [row for row in chunk if row[0] in lost]
                failed = [f for f in failed if f.get("_index") != self.alias]
                failed += self._send(self._operations(again, self.alias), require_alias=True, refresh=self.refresh)
            late = {f["_id"] for f in failed if f.get("_index") == self.building_alias and _index_missing(f)}
            if late:
                # The rebuild swapped between the two writes of this request: its index is the alias now, and
                # the write to the alias may have landed in the old index. Write again to the alias.
                again = [row for row in chunk if row[0] in late]
                failed = [f for f in failed if f.get("_index") != self.building_alias]
                failed += self._send(self._operations(again, self.alias), require_alias=True, refresh=self.refresh)
            if failed:
                reasons = sorted({_reason(f) for f in failed})
                raise SearchUnavailable(f"{len(failed)} writes refused: {'; '.join(reasons)[:1500]}")

    def index(self, documents: Sequence[SearchDocument]) -> None:
        if documents:
            self._write([(doc.doc_id, doc.version, source(doc)) for doc in documents])

    def delete(self, doc_ids: Sequence[tuple[str, int]]) -> None:
        if doc_ids:
            self._write([(doc_id, version, None) for doc_id, version in doc_ids])

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """A new index behind `<alias>-building` (live writes go there too), bulk loaded with no replicas and no
        refresh, then given its replicas and refreshed; the alias is moved to it in one atomic request, and the
        old index kept behind `<alias>-previous` for `rollback()` (the one kept before it is deleted). Searches
        read the old index until the swap."""
        new = self._new_index_name()
        self._analysis = None  # ask the cluster again: a plugin may have been installed since
        with _unavailable_on_failure():
            self._create_index(new, bulk_load=True)
            actions: list[dict[str, Any]] = [
                {"remove": {"index": other, "alias": self.building_alias}}
                for other in self._alias_indices(self.building_alias)  # an earlier rebuild still running loses
            ]
            actions.append({"add": {"index": new, "alias": self.building_alias}})
            self.client.indices.update_aliases(actions=actions)
        count = 0
        try:
            iterator = iter(documents)  # the caller's documents take their version when iteration starts
            while chunk := list(islice(iterator, BULK_DOCS)):
                rows = [(doc.doc_id, doc.version, source(doc)) for doc in chunk]
                failed = self._send(self._operations(rows, new), require_alias=False, refresh=False)
                if failed:
                    raise SearchUnavailable(f"{len(failed)} writes refused: {_reason(failed[0])}")
                count += len(chunk)
            with _unavailable_on_failure():
                self._finish_bulk_load(new)
                if self._alias_indices(self.building_alias) != [new]:
                    raise RuntimeError("Another reindex started meanwhile; this one is abandoned.")
                old = self._alias_indices(self.alias)
                older = [index for index in self._alias_indices(self.previous_alias) if index not in old]
                swap: list[dict[str, Any]] = [{"remove": {"index": index, "alias": self.alias}} for index in old]
                swap += [
                    {"add": {"index": new, "alias": self.alias}},
                    {"remove": {"index": new, "alias": self.building_alias}},
                ]
                swap += [{"remove": {"index": index, "alias": self.previous_alias}} for index in older]
                swap += [{"add": {"index": index, "alias": self.previous_alias}} for index in old]
                self.client.indices.update_aliases(actions=swap)
        except BaseException:
            with contextlib.suppress(Exception):
                self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        self._ready = True
        with _unavailable_on_failure():
            for index in older:
                self.client.indices.delete(index=index, ignore_unavailable=True)
        return count

    def rollback(self) -> str:
        """Searches read the index kept by the last rebuild again (in one atomic alias swap); the index they
        read until now is kept in its place, so a second rollback undoes the first. Changes indexed since
        that rebuild are not in the restored index: `search_check` lists them. Returns the restored index."""
        with _unavailable_on_failure():
            previous = self._alias_indices(self.previous_alias)
            if not previous:
                raise SearchUnavailable(
                    f"No previous index is kept behind {self.previous_alias}: nothing to roll back to."
                )
            current = self._alias_indices(self.alias)
            actions: list[dict[str, Any]] = [{"remove": {"index": index, "alias": self.alias}} for index in current]
            actions += [{"remove": {"index": index, "alias": self.previous_alias}} for index in previous]
            actions.append({"add": {"index": previous[-1], "alias": self.alias}})
            actions += [{"add": {"index": index, "alias": self.previous_alias}} for index in current]
            self.client.indices.update_aliases(actions=actions)
        self._ready = True
        return previous[-1]

    # ---- reads --------------------------------------------------------------------------------------------

    def _read(self, request: Callable[[], _T]) -> _T:
        """A read of the alias; if the alias is gone (the engine lost its data), it is recreated, empty, and
        the read made again: the outbox and `search_check` then tell what is missing."""
        try:
            return request()
        except ApiError as error:
            if error.meta.status != 404 or "index_not_found" not in str(error.message):
                raise
        self._ready = False
        self.ensure_index()
        return request()

    def _all(self, fields: Sequence[str]) -> Iterator[dict[str, Any]]:
        """Every stored document (its `_id`, `_version` and the given `_source` fields), by doc_id."""
        self.ensure_index()
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {
                "size": READ_PAGE,
                "query": {"match_all": {}},
                "sort": [{"doc_id": "asc"}],
                "version": True,
                "_source": list(fields) or False,
                "track_total_hits": False,
            }
            if after is not None:
                body["search_after"] = after
            with _unavailable_on_failure():
                hits = self._read(partial(self.client.search, index=self.alias, body=body))["hits"]["hits"]
            yield from hits
            if len(hits) < READ_PAGE:
                return
            after = hits[-1]["sort"]

    def stored_versions(self) -> dict[str, int]:
        return {hit["_id"]: int(hit["_version"]) for hit in self._all(())}

    def stored_fingerprints(self) -> dict[str, str]:
        return {hit["_id"]: hit.get("_source", {}).get("fingerprint", "") for hit in self._all(("fingerprint",))}

    def stored_document(self, doc_id: str) -> dict[str, object] | None:
        self.ensure_index()
        with _unavailable_on_failure():
            try:
                found = self._read(lambda: self.client.get(index=self.alias, id=doc_id))
            except ApiError as error:
                if error.meta.status == 404:
                    return None
                raise
        return {**found["_source"], "version": int(found["_version"])}

    def _cursor(self, query: SearchQuery, *, by_date: bool) -> tuple[list[Any], int, str]:
        """(the sort values of the last hit of the previous page, how many hits came before it, the point in
        time its page was read from, "" if none), from a checked cursor."""
        if not query.cursor:
            return [], 0, ""
        if by_date:
            date, doc_id, pit, tail = decode_cursor(query, types=(str, str, str, str))
            return [_millis(date), doc_id, *_tail(tail)], 0, str(pit)
        mode, score, doc_id, seen, pit, tail = decode_cursor(query, types=(str, float, str, int, str, str))
        if mode != CURSOR_MODE or int(seen) <= 0:
            raise BadCursor(gettext("Con trỏ trang không hợp lệ"))
        return [_float32(float(score)), doc_id, *_tail(tail)], int(seen), str(pit)

    def _next_cursor(self, query: SearchQuery, sort: list[Any], *, by_date: bool, seen: int, pit: str) -> str:
        key, doc_id, *tail = sort
        tail_text = json.dumps(tail) if pit else "[]"
        values = [_iso(key), doc_id] if by_date else [CURSOR_MODE, float(key), doc_id, seen]
        cursor = encode_cursor(query, [*values, pit, tail_text])
        if len(cursor) > MAX_CURSOR_CHARS:  # a cluster's long point-in-time id: the next page reads the alias
            cursor = encode_cursor(query, [*values, "", "[]"])
        return cursor

    # ---- point in time ------------------------------------------------------------------------------------

    def _is_opensearch(self) -> bool:
        if self._distribution is None:
            with _unavailable_on_failure():
                version = self.client.info().body.get("version", {})
            self._distribution = str(version.get("distribution", "elasticsearch"))
        return self._distribution == "opensearch"

    def open_point_in_time(self) -> str:
        """A point in time of the alias's index: deep pages read one unchanging view of the index (documents
        indexed meanwhile neither shift nor repeat hits), kept alive `PIT_KEEP_ALIVE` after each page."""
        with _unavailable_on_failure():
            if self._is_opensearch():  # OpenSearch's own API (and the emulator's)
                body = self.client.perform_request(
                    "POST",
                    f"/{self.alias}/_search/point_in_time",
                    params={"keep_alive": PIT_KEEP_ALIVE},
                    headers={"accept": "application/json"},
                ).body
                return str(body["pit_id"])
            return str(self.client.open_point_in_time(index=self.alias, keep_alive=PIT_KEEP_ALIVE).body["id"])

    def _search_pit(self, body: dict[str, Any], pit: str, after: list[Any]) -> tuple[dict[str, Any], str]:
        """A page read from the point in time `pit` (a new one when it is "" or has expired)."""
        for attempt in range(3):
            if not pit:
                pit = self.open_point_in_time()
            request = {**body, "pit": {"id": pit, "keep_alive": PIT_KEEP_ALIVE}, "search_after": after}
            try:
                with _unavailable_on_failure():
                    response = self.client.search(body=request).body
            except ApiError as error:
                text = str(error)
                if "search_after has" in text and len(after) == 2:
                    # Elasticsearch sorts a point in time's hits by `_shard_doc` last: a key read before the
                    # point in time has no value for it; any value goes, doc_id is unique.
                    after = [*after, SHARD_DOC_AFTER]
                    continue
                if attempt < 2 and error.meta.status in (400, 404) and ("pit" in text.lower() or "context" in text):
                    pit = ""  # expired (keep-alive passed) or unknown: a new one, from the same sort key
                    continue
                raise
            return response, str(response.get("pit_id") or pit)
        raise SearchUnavailable("The point in time could not be read")

    def search(self, query: SearchQuery) -> SearchPage:
        parsed = parse_query(query.text)
        size = max(1, min(query.size, MAX_PAGE_SIZE))
        by_date = query.sort == "date" or parsed.is_empty
        after, seen, pit = self._cursor(query, by_date=by_date)
        self.ensure_index()

        search = Search(using=self.client, index=self.alias)
        search = search.query(Q("match_all") if parsed.is_empty else text_query(parsed))
        for facet in FACETS:
            value = getattr(query, facet)
            if value:
                search = search.filter("term", **{facet: value})
        dates = {
            bound: value.isoformat()
            for bound, value in (("gte", query.date_from), ("lte", query.date_to))
            if value is not None
        }
        if dates:
            search = search.filter("range", date={**dates, "format": "strict_date"})
        search = search.sort(
            {"date": {"order": "desc"}} if by_date else {"_score": {"order": "desc"}},
            {"doc_id": {"order": "desc"}},
        )
        search = search.source(includes=list(HIT_FIELDS))
        if not parsed.is_empty:
            search = search.highlight_options(
                type="plain", encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"], order="score"
            ).highlight(
                "body",
                number_of_fragments=1,
                fragment_size=SNIPPET_CHARS,
                no_match_size=SNIPPET_CHARS,
                highlight_query=highlight_query(parsed),
            )
        if query.facets:  # aggregations cost: only for a page that shows them
            for facet in FACETS:
                search.aggs.bucket(facet, "terms", field=facet, size=FACET_SIZE)
        search = search.extra(size=size + 1, track_total_hits=COUNT_LIMIT)
        deep = bool(after) and (by_date or seen + size + 1 > MAX_OFFSET)
        if after and not deep:
            # Relevance pages within the result window go by offset: exact on every engine, where search_after
            # on a score is not (the emulator compares its own unrounded scores with the rounded ones it sent).
            search = search.extra(from_=seen)
            pit = ""
        if deep:  # the next pages of one query read one point in time of the index, page after page
            response, pit = self._search_pit(search.to_dict(), pit, after)
        else:
            with _unavailable_on_failure():
                response = self._read(lambda: search.execute().to_dict())
        hits = response["hits"]["hits"]

        more = len(hits) > size
        hits = hits[:size]
        next_cursor = ""
        if more:
            next_pit = pit if by_date or seen + 2 * size + 1 > MAX_OFFSET else ""
            next_cursor = self._next_cursor(query, hits[-1]["sort"], by_date=by_date, seen=seen + size, pit=next_pit)
        total = response["hits"]["total"]
        aggregations: dict[str, Any] = response.get("aggregations", {})
        facets: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            counts = [
                (str(bucket["key"]), int(bucket["doc_count"]))
                for bucket in aggregations.get(facet, {}).get("buckets", [])
                if bucket["key"] != ""
            ]
            facets[facet] = dict(sorted(counts, key=lambda item: (-item[1], item[0])))
        return SearchPage(
            results=[self._hit(hit, parsed) for hit in hits],
            facets=facets,
            next_cursor=next_cursor,
            total=min(int(total["value"]), COUNT_LIMIT),
            total_exact=total["relation"] == "eq",
        )

    @staticmethod
    def _hit(hit: dict[str, Any], parsed: ParsedQuery) -> SearchHit:
        stored = hit["_source"]
        body = stored.get("body", "")
        fragments = hit.get("highlight", {}).get("body")
        return SearchHit(
            doc_id=stored["doc_id"],
            kind=stored["kind"],
            title=stored.get("title", ""),
            snippet=snippet(fragments[0] if fragments else None, body)
            if not parsed.is_empty
            else highlight(body, parsed),
            url=stored.get("url", ""),
            date=datetime.date.fromisoformat(stored["date"]),
            petition_type=stored.get("petition_type", ""),
            unit_name=stored.get("unit_name", ""),
            commune_name=stored.get("commune_name", ""),
            status=stored.get("status", ""),
        )


def _tail(text: object) -> list[Any]:
    """The sort values after (score or date, doc_id) of a point in time's hit (its `_shard_doc`), from a cursor."""
    try:
        values = json.loads(str(text))
    except ValueError:
        raise BadCursor(gettext("Con trỏ trang không hợp lệ")) from None
    if not isinstance(values, list) or len(values) > 1 or not all(type(v) is int for v in values):
        raise BadCursor(gettext("Con trỏ trang không hợp lệ"))
    return values


def _float32(score: float) -> float:
    """The score as the engine holds it (a 32-bit float), so that search_after ties compare equal."""
    return float(struct.unpack("f", struct.pack("f", score))[0])


def _index_missing(failure: dict[str, Any]) -> bool:
    return int(failure.get("status", 0)) == 404 and "index_not_found" in str(failure.get("error", ""))


def _reason(failure: dict[str, Any]) -> str:
    error = failure.get("error", {})
    if isinstance(error, dict):
        return f"{failure.get('status')} {error.get('type', '')}: {error.get('reason', '')}"
    return f"{failure.get('status')} {error}"
