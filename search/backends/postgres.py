"""PostgreSQL full-text search: a tsvector of the folded words (configuration `lang_nghe`: simple + unaccent)
on the narrow document row, GIN indexes on it and on its title part, ts_rank (title weight A, body B), phrases
with phraseto_tsquery (<->)."""

from __future__ import annotations

from typing import Any

from django.db import connection

from search.backends.sql import DOCS, SqlBackend, TextMatch
from search.text import ParsedQuery

CONFIG = "lang_nghe"


def tsquery(parsed: ParsedQuery) -> tuple[str, list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    if parsed.terms:
        parts.append(f"plainto_tsquery('{CONFIG}', %s)")
        params.append(" ".join(parsed.terms))
    for phrase in parsed.phrases:
        parts.append(f"phraseto_tsquery('{CONFIG}', %s)")
        params.append(" ".join(phrase))
    return "(" + " && ".join(parts) + ")", params


class PostgresBackend(SqlBackend):
    name = "postgres"
    score_param = "CAST(%s AS real)"
    title_window = 5000
    count_window = 5000
    rank_limit = 1000
    vector_sql = f"setweight(to_tsvector('{CONFIG}', %s), 'A') || setweight(to_tsvector('{CONFIG}', %s), 'B')"

    def text_match(self, parsed: ParsedQuery) -> TextMatch:
        # The tsquery is written out twice (not joined from a subquery) so that the planner sees a constant
        # and reads the GIN index.
        sql, params = tsquery(parsed)
        return TextMatch(
            source=f"{DOCS} d",
            where=f"d.search_vector @@ {sql}",
            where_params=params,
            score=f"ts_rank(d.search_vector, {sql})",
            score_params=params,
            title_source=f"{DOCS} d",
            title_where=f"d.title_vector @@ {sql}",
            title_params=params,
            rest_source=f"{DOCS} d",
            rest_where=f"d.search_vector @@ {sql} AND NOT (d.title_vector @@ {sql})",
            rest_params=params + params,
            dense_source=f"{DOCS} d",
            dense_where=f"d.search_vector @@ {sql}",
            dense_params=params,
        )

    def _stored_extras(self, row_id: int) -> dict[str, object]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT search_vector::text FROM {DOCS} WHERE id = %s", [row_id])  # noqa: S608
            row = cursor.fetchone()
        return {"search_vector": row[0] if row else ""}
