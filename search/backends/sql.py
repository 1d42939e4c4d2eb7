"""What the two SQL backends share: versioned upserts, generations for zero-downtime rebuilds, keyset pages.

A document is a narrow row in `search_document` (what queries filter, count and sort on) and its text in
`search_document_text` (same id; read for the hits of one page only). Rows are per (generation, doc_id):
searches read the active generation; a rebuild fills the next one while live writes go to both, then swaps
the active number in one UPDATE. A write carries its version and an upsert keeps the row unless the incoming
one is newer, so an older write never overwrites a newer one; a deletion is a row with `live = false`
(a tombstone) for the same reason. The subclasses say how text is matched and ranked.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import DatabaseError, OperationalError, connection, transaction
from django.utils.translation import gettext

from search.backends.base import (
    COUNT_LIMIT,
    FACETS,
    MAX_PAGE_SIZE,
    BadCursor,
    SearchDocument,
    SearchHit,
    SearchPage,
    SearchQuery,
    SearchUnavailable,
)
from search.cursor import decode_cursor, encode_cursor
from search.models import IndexedDocument, IndexedText, IndexState
from search.text import ParsedQuery, highlight, index_text, parse_query

DOCS = IndexedDocument._meta.db_table
TEXTS = IndexedText._meta.db_table
DOC_COLUMNS = ("generation", "doc_id", "kind", "version", "live", "date", "petition_type", "unit", "commune", "status")
TEXT_COLUMNS = (
    "id",
    "version",
    "title",
    "body",
    "url",
    "unit_name",
    "commune_name",
    "extra",
    "folded_title",
    "folded_body",
    "fingerprint",
)
TOMBSTONE_DATE = datetime.date(1970, 1, 1)
TITLE_FIRST = 100_000  # more days than any date since 1970 counts: a title match outranks every date
EPOCH = datetime.date(1970, 1, 1)
BATCH = 500
AFTER_CURSOR = "(d.date, d.doc_id) < (%s, %s)"  # newest first: the rows after the last one of the previous page
DELETE_SLICE = 5000
BROAD_SHARE = 0.01  # a query matching this share of the newest documents is broad (see SqlBackend._counts)
WINDOW_SEEN = 500  # and only a window holding this many documents that pass the filters tells it
WINDOW_FACETS = ("commune", "unit")  # filters with a date index of their own (IndexedDocument's Meta): see _window


def _upsert(table: str, columns: Sequence[str], values: Sequence[str], key: str) -> str:
    """INSERT … ON CONFLICT DO UPDATE that keeps the stored row unless the incoming version is newer.

    Table and column names are constants of this module; every value is a placeholder."""
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns if column not in key.split(", "))
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(values)}) "  # noqa: S608
        f"ON CONFLICT ({key}) DO UPDATE SET {updates} WHERE {table}.version < excluded.version"
    )


TEXT_UPSERT = _upsert(TEXTS, TEXT_COLUMNS, ["%s"] * len(TEXT_COLUMNS), "id")


@dataclass(frozen=True)
class TextMatch:
    """How a backend matches and ranks: `FROM {source} WHERE {where}`; `score` is higher for better hits.

    For queries matching many documents (see `SqlBackend.search`), read newest first from the date index:
    `dense_*` all the matches, `title_*` those whose title alone holds every word and phrase, `rest_*` the others."""

    source: str
    where: str
    where_params: list[Any]
    score: str
    score_params: list[Any]
    title_source: str
    title_where: str
    title_params: list[Any]
    rest_source: str
    rest_where: str
    rest_params: list[Any]
    dense_source: str
    dense_where: str
    dense_params: list[Any]


@dataclass(frozen=True)
class Filters:
    """A query's filters as SQL: `where` holds them all; `window` those that a date index reads in date order (the
    generation, `live`, and a commune or else a unit: see `SqlBackend._window`)."""

    where: str
    params: list[Any]
    window: str
    window_params: list[Any]

    @property
    def beyond_window(self) -> bool:
        return len(self.params) > len(self.window_params)


@dataclass(frozen=True)
class _Row:
    """A document (or a tombstone) ready for both tables."""

    doc_id: str
    version: int
    doc: tuple[Any, ...]  # DOC_COLUMNS without generation
    text: tuple[Any, ...]  # TEXT_COLUMNS without id
    folded: tuple[str, str]


def _document_row(doc: SearchDocument) -> _Row:
    folded = (index_text(doc.title), index_text(doc.body))
    return _Row(
        doc.doc_id,
        doc.version,
        (doc.doc_id, doc.kind, doc.version, True, doc.date, doc.petition_type, doc.unit, doc.commune, doc.status),
        (
            doc.version,
            doc.title,
            doc.body,
            doc.url,
            doc.unit_name,
            doc.commune_name,
            json.dumps(doc.extra, ensure_ascii=False, sort_keys=True),
            *folded,
            doc.fingerprint(),
        ),
        folded,
    )


def _tombstone_row(doc_id: str, version: int) -> _Row:
    kind = doc_id.split(":", 1)[0]
    return _Row(
        doc_id,
        version,
        (doc_id, kind, version, False, TOMBSTONE_DATE, "", "", "", ""),
        (version, "", "", "", "", "", "{}", "", "", ""),
        ("", ""),
    )


def _state() -> IndexState:
    state, _ = IndexState.objects.get_or_create(pk=1)
    return state


def _date(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _leading_digit(count: int) -> int:
    """A lower bound as people say it: 1,087 → 1,000, 479 → 400 (still a lower bound: «more than 1,000»)."""
    unit = 10 ** (len(str(count)) - 1)
    return count // unit * unit


def _iso_date(value: object) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise BadCursor(gettext("Con trỏ trang không hợp lệ")) from None


class SqlBackend:
    """Base of the SQLite and PostgreSQL backends; the database is Django's default connection."""

    name = ""
    score_param = "%s"  # how a score from a cursor is compared with the engine's own score type
    vector_sql = ""  # PostgreSQL: the tsvector of (folded title, folded body), stored with the narrow row
    title_window = 0  # see _newest_in_window; 0: the title part of a broad query is read by the text match alone
    count_window = 0  # see _counts; 0: every match is counted (up to COUNT_LIMIT)
    rank_limit = COUNT_LIMIT  # more matches than this are read in the "broad" order, not scored one by one

    def text_match(self, parsed: ParsedQuery) -> TextMatch:
        raise NotImplementedError

    # ---- writes ---------------------------------------------------------------------------------------

    def _doc_upsert(self) -> str:
        columns, values = list(DOC_COLUMNS), ["%s"] * len(DOC_COLUMNS)
        if self.vector_sql:
            columns.append("search_vector")
            values.append(self.vector_sql)
        return _upsert(DOCS, columns, values, "generation, doc_id")

    def _write(self, rows: Sequence[_Row], generations: Sequence[int]) -> None:
        newest: dict[str, _Row] = {}
        for row in rows:  # one row per document, the newest, so that its text is the one that lands
            if row.doc_id not in newest or row.version > newest[row.doc_id].version:
                newest[row.doc_id] = row
        rows = list(newest.values())
        doc_upsert = self._doc_upsert()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for start in range(0, len(rows), BATCH):
                    chunk = rows[start : start + BATCH]
                    cursor.executemany(
                        doc_upsert,
                        [(g, *row.doc, *(row.folded if self.vector_sql else ())) for g in generations for row in chunk],
                    )
                    # The text follows the narrow row it belongs to, only where this write won.
                    wanted = {row.doc_id: row for row in chunk}
                    stored = IndexedDocument.objects.filter(generation__in=generations, doc_id__in=list(wanted))
                    cursor.executemany(
                        TEXT_UPSERT,
                        [
                            (pk, *wanted[doc_id].text)
                            for pk, doc_id, version in stored.values_list("pk", "doc_id", "version")
                            if version == wanted[doc_id].version
                        ],
                    )
        except OperationalError as error:  # locked, disconnected, out of space: the outbox will retry
            raise SearchUnavailable(str(error)) from error

    def _live_generations(self) -> list[int]:
        state = _state()
        return [state.active] + ([state.building] if state.building else [])

    def index(self, documents: Sequence[SearchDocument]) -> None:
        if documents:
            self._write([_document_row(doc) for doc in documents], self._live_generations())

    def delete(self, doc_ids: Sequence[tuple[str, int]]) -> None:
        if doc_ids:
            self._write([_tombstone_row(doc_id, version) for doc_id, version in doc_ids], self._live_generations())

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Fill a new generation while searches read the old one and live writes go to both; then swap."""
        with transaction.atomic():
            state = IndexState.objects.select_for_update().get(pk=_state().pk)
            target = max(state.active, state.building or 0) + 1
            state.building = target
            state.save(update_fields=["building"])
        self._drop_generations(IndexedDocument.objects.exclude(generation__in=[state.active, target]))
        count = 0
        iterator = iter(documents)  # the caller's documents take their version when iteration starts
        while chunk := list(islice(iterator, BATCH)):
            self._write([_document_row(doc) for doc in chunk], [target])
            count += len(chunk)
        with transaction.atomic():
            state = IndexState.objects.select_for_update().get(pk=state.pk)
            if state.building != target:
                raise DatabaseError("Another reindex started meanwhile; this one is abandoned.")
            previous, state.active, state.building = state.active, target, None
            state.save(update_fields=["active", "building"])
        self._drop_generations(IndexedDocument.objects.filter(generation=previous))
        return count

    def _drop_generations(self, old: Any) -> None:
        """Delete in slices, so that no single transaction holds the index for long."""
        while ids := list(old.values_list("pk", flat=True)[:DELETE_SLICE]):
            with transaction.atomic():
                IndexedText.objects.filter(pk__in=ids).delete()
                IndexedDocument.objects.filter(pk__in=ids).delete()

    # ---- reads ----------------------------------------------------------------------------------------

    def _live(self) -> Any:
        return IndexedDocument.objects.filter(generation=_state().active, live=True)

    def stored_versions(self) -> dict[str, int]:
        return dict(self._live().values_list("doc_id", "version"))

    def stored_fingerprints(self) -> dict[str, str]:
        ids = dict(self._live().values_list("pk", "doc_id"))
        prints: dict[str, str] = {}
        pks = list(ids)
        for start in range(0, len(pks), DELETE_SLICE):
            for pk, fingerprint in IndexedText.objects.filter(pk__in=pks[start : start + DELETE_SLICE]).values_list(
                "pk", "fingerprint"
            ):
                prints[ids[pk]] = fingerprint
        return prints

    def stored_document(self, doc_id: str) -> dict[str, object] | None:
        row = self._live().filter(doc_id=doc_id).values().first()
        if row is None:
            return None
        text: dict[str, Any] = dict(IndexedText.objects.filter(pk=row["id"]).values().first() or {})
        stored: dict[str, object] = {**row, **{k: v for k, v in text.items() if k != "id"}}
        stored["extra"] = json.loads(str(stored.get("extra") or "{}"))
        stored.update(self._stored_extras(row["id"]))
        return stored

    def _stored_extras(self, row_id: int) -> dict[str, object]:
        """Whatever else the engine keeps for a row (its text vector)."""
        return {}

    def _filters(self, query: SearchQuery, generation: int) -> Filters:
        clauses: list[str] = ["d.generation = %s", "d.live = %s"]  # equalities: the date index applies
        params: list[Any] = [generation, True]
        windowed = next((facet for facet in WINDOW_FACETS if getattr(query, facet)), None)
        window = [*clauses, f"d.{windowed} = %s"] if windowed else list(clauses)
        window_params = [*params, getattr(query, windowed)] if windowed else list(params)
        for facet in FACETS:
            value = getattr(query, facet)
            if value:
                clauses.append(f"d.{facet} = %s")
                params.append(value)
        if query.date_from:
            clauses.append("d.date >= %s")
            params.append(query.date_from)
        if query.date_to:
            clauses.append("d.date <= %s")
            params.append(query.date_to)
        return Filters(" AND ".join(clauses), params, " AND ".join(window), window_params)

    def _cursor(self, query: SearchQuery, *, by_date: bool) -> tuple[str, list[Any]]:
        """(ordering mode, the sort key of the last hit of the previous page), from a checked cursor."""
        if not query.cursor:
            return "", []
        if by_date:
            date, doc_id = decode_cursor(query, types=(str, str))
            return "date", [_iso_date(date), doc_id]
        raw_mode, raw_score, doc_id = decode_cursor(query, types=(str, float, str))
        mode, score = str(raw_mode), float(raw_score)
        if mode == "broad":  # the score is TITLE_FIRST (for a title match) + days since 1970
            in_title = score >= TITLE_FIRST
            days = int(score - TITLE_FIRST if in_title else score)
            try:
                return mode, [in_title, EPOCH + datetime.timedelta(days=days), doc_id]
            except OverflowError:
                raise BadCursor(gettext("Con trỏ trang không hợp lệ")) from None
        if mode != "rank":
            raise BadCursor(gettext("Con trỏ trang không hợp lệ"))
        return mode, [score, doc_id]

    def search(self, query: SearchQuery) -> SearchPage:
        """Facets and total (`_counts`: exact, or lower bounds for a broad query), then one page in one of three
        orders:
        - "date": newest first (and any query without words);
        - "rank": the engine's relevance (BM25, ts_rank), when the matches are few enough to score them all;
        - "broad": for a query matching more, titles that hold every word first, then the rest, each newest
          first: two index-ordered reads whose cost does not grow with the number of matches.
        A cursor keeps the order of the page that made it."""
        parsed = parse_query(query.text)
        size = max(1, min(query.size, MAX_PAGE_SIZE))
        by_date = query.sort == "date" or parsed.is_empty
        mode, after = self._cursor(query, by_date=by_date)
        match = self.text_match(parsed) if not parsed.is_empty else None
        source, where, where_params = (
            (match.source, match.where, match.where_params) if match else (f"{DOCS} d", "1 = 1", [])
        )
        chosen = self._filters(query, _state().active)
        filters, filter_params = chosen.where, chosen.params
        try:
            with connection.cursor() as cursor:
                groups, exact = self._counts(cursor, match, source, where, where_params, chosen)
                total = sum(count for *_, count in groups)
                mode = "date" if by_date else mode or ("rank" if exact and total <= self.rank_limit else "broad")
                if mode == "rank" and match:
                    rows = self._ranked(cursor, match, filters, filter_params, after, size + 1)
                elif mode == "broad" and match:
                    rows = self._broad(cursor, match, chosen, after, size + 1)
                else:
                    if match and not exact:  # many matches: the date index finds a page's worth soonest
                        source, where, where_params = match.dense_source, match.dense_where, match.dense_params
                    keyset = AFTER_CURSOR if after else "1 = 1"
                    rows = self._newest(
                        cursor, source, f"{where} AND {keyset}", where_params + after, filters, filter_params, size + 1
                    )
        except OperationalError as error:
            raise SearchUnavailable(str(error)) from error

        facets: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
        for *values, count in groups:
            for facet, value in zip(FACETS, values, strict=True):
                if value:
                    facets[facet][value] = facets[facet].get(value, 0) + count
        more = len(rows) > size
        rows = rows[:size]
        next_cursor = ""
        if more:
            _, doc_id, _, date, _, _, score = rows[-1]
            key: list[str | float | int] = (
                [_date(date).isoformat(), doc_id] if by_date else [mode, float(score), doc_id]
            )
            next_cursor = encode_cursor(query, key)
        return SearchPage(
            results=self._hits(rows, parsed),
            facets={
                facet: dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
                for facet, counts in facets.items()
            },
            next_cursor=next_cursor,
            total=min(total, COUNT_LIMIT) if exact else _leading_digit(min(total, COUNT_LIMIT)),
            total_exact=exact,
        )

    def _counts(
        self,
        cursor: Any,
        match: TextMatch | None,
        source: str,
        where: str,
        params: list[Any],
        chosen: Filters,
    ) -> tuple[list[tuple[Any, ...]], bool]:
        """The facet groups (kind, petition_type, unit, commune, status, count) of the matches, and whether they
        are exact (else lower bounds).

        With a `count_window`, the matches among the newest documents (`_window`) are counted first: when the
        window holds every document, the counts are exact; when it holds at least WINDOW_SEEN documents that pass
        the filters and BROAD_SHARE of those match, the query is broad and these counts are its lower bounds
        (counting every match of such a query costs more than a page may: at 1,000,000 documents the text index
        alone takes 20-50 ms to intersect two common words). Otherwise every match counts, up to COUNT_LIMIT."""
        columns = "d.kind, d.petition_type, d.unit, d.commune, d.status"
        filters, filter_params = chosen.where, chosen.params
        if match and self.count_window:
            window, window_params = self._window(chosen, self.count_window)
            cursor.execute(  # only constant SQL fragments are interpolated; every value is a placeholder
                f"SELECT {columns}, COUNT(*) FILTER (WHERE {match.dense_where}), COUNT(*) "  # noqa: S608
                f"FROM ({window}) d WHERE {filters} GROUP BY {columns}",
                match.dense_params + window_params + filter_params,
            )
            rows = cursor.fetchall()
            groups = [(*row[:-2], row[-2]) for row in rows if row[-2]]
            seen, matched = sum(row[-1] for row in rows), sum(row[-2] for row in rows)
            if seen < self.count_window and not chosen.beyond_window:  # the window held every document
                return groups, matched <= COUNT_LIMIT
            if seen >= WINDOW_SEEN and matched >= seen * BROAD_SHARE:
                return groups, False
        cursor.execute(
            f"SELECT kind, petition_type, unit, commune, status, COUNT(*) FROM ("  # noqa: S608
            f"SELECT {columns} FROM {source} WHERE {where} AND {filters} LIMIT {COUNT_LIMIT + 1}"
            ") matches GROUP BY kind, petition_type, unit, commune, status",
            params + filter_params,
        )
        groups = cursor.fetchall()
        return groups, sum(count for *_, count in groups) <= COUNT_LIMIT

    def _window(self, chosen: Filters, size: int, after: list[Any] | None = None) -> tuple[str, list[Any]]:
        """SQL of the `size` newest live documents (after the cursor's key `after`) of the chosen commune or unit if
        any: a bounded read of a date index whatever the query. The other filters are the caller's to apply
        outside, so that a rare status or a date range cannot make the read long."""
        keyset = f" AND {AFTER_CURSOR}" if after else ""
        return (
            f"SELECT * FROM {DOCS} d WHERE {chosen.window}{keyset} "  # noqa: S608
            "ORDER BY d.date DESC, d.doc_id DESC LIMIT %s",
            [*chosen.window_params, *(after or []), size],
        )

    def _newest(
        self,
        cursor: Any,
        source: str,
        where: str,
        params: list[Any],
        filters: str,
        filter_params: list[Any],
        limit: int,
        score: float = 0.0,
    ) -> list[tuple[Any, ...]]:
        """Matches newest first (from the date index when matches are dense); `score` is added per row."""
        cursor.execute(
            f"SELECT d.id, d.doc_id, d.kind, d.date, d.petition_type, d.status FROM {source} "  # noqa: S608
            f"WHERE {where} AND {filters} ORDER BY d.date DESC, d.doc_id DESC LIMIT %s",
            params + filter_params + [limit],
        )
        return [(*row, score + (_date(row[3]) - EPOCH).days) for row in cursor.fetchall()]

    def _ranked(
        self, cursor: Any, match: TextMatch, filters: str, filter_params: list[Any], after: list[Any], limit: int
    ) -> list[tuple[Any, ...]]:
        keyset = f"WHERE (hits.score, hits.doc_id) < ({self.score_param}, %s)" if after else ""
        cursor.execute(
            f"SELECT * FROM (SELECT d.id, d.doc_id, d.kind, d.date, d.petition_type, d.status, "  # noqa: S608
            f"{match.score} AS score FROM {match.source} WHERE {match.where} AND {filters}) hits {keyset} "
            "ORDER BY hits.score DESC, hits.doc_id DESC LIMIT %s",
            match.score_params + match.where_params + filter_params + after + [limit],
        )
        return [tuple(row) for row in cursor.fetchall()]

    def _broad(
        self, cursor: Any, match: TextMatch, chosen: Filters, after: list[Any], limit: int
    ) -> list[tuple[Any, ...]]:
        """Titles holding every word first, then the other matches; each part newest first."""
        filters, filter_params = chosen.where, chosen.params
        in_title, since = (after[0], after[1:]) if after else (True, [])
        rows: list[tuple[Any, ...]] = []
        keyset = AFTER_CURSOR
        if in_title:
            if self.title_window:
                rows = self._newest_in_window(cursor, match, since, chosen, limit)
            if len(rows) < limit:  # few recent titles match: read them all through the text match
                rows = self._newest(
                    cursor,
                    match.title_source,
                    f"{match.title_where} AND {keyset if since else '1 = 1'}",
                    match.title_params + since,
                    filters,
                    filter_params,
                    limit,
                    score=TITLE_FIRST,
                )
            since = []  # the second part starts from its beginning
        if len(rows) < limit:
            rows += self._newest(
                cursor,
                match.rest_source,
                f"{match.rest_where} AND {keyset if since else '1 = 1'}",
                match.rest_params + since,
                filters,
                filter_params,
                limit - len(rows),
            )
        return rows

    def _newest_in_window(
        self, cursor: Any, match: TextMatch, since: list[Any], chosen: Filters, limit: int
    ) -> list[tuple[Any, ...]]:
        """The newest title matches among the `title_window` newest documents (after the cursor): a bounded read
        of the date index, enough when they fill a page. The planner cannot know how often the words of a
        query occur together, and for a common pair it would otherwise read and sort every title match."""
        window, window_params = self._window(chosen, self.title_window, since)
        cursor.execute(
            "SELECT d.id, d.doc_id, d.kind, d.date, d.petition_type, d.status "  # noqa: S608
            f"FROM ({window}) d WHERE {chosen.where} AND {match.title_where} "
            "ORDER BY d.date DESC, d.doc_id DESC LIMIT %s",
            window_params + chosen.params + match.title_params + [limit],
        )
        return [(*row, TITLE_FIRST + (_date(row[3]) - EPOCH).days) for row in cursor.fetchall()]

    def _hits(self, rows: Sequence[Sequence[Any]], parsed: ParsedQuery) -> list[SearchHit]:
        texts: dict[int, dict[str, Any]] = {
            text["id"]: dict(text)
            for text in IndexedText.objects.filter(pk__in=[row[0] for row in rows]).values(
                "id", "title", "body", "url", "unit_name", "commune_name"
            )
        }
        hits = []
        for pk, doc_id, kind, date, petition_type, status, _ in rows:
            text = texts.get(pk, {})
            hits.append(
                SearchHit(
                    doc_id=doc_id,
                    kind=kind,
                    title=text.get("title", ""),
                    snippet=highlight(text.get("body", ""), parsed),
                    url=text.get("url", ""),
                    date=_date(date),
                    petition_type=petition_type,
                    unit_name=text.get("unit_name", ""),
                    commune_name=text.get("commune_name", ""),
                    status=status,
                )
            )
        return hits
