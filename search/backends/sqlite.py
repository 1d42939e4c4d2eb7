"""SQLite FTS5: the embedded default. Folded words in an FTS5 table, ranked by BM25 (the title weighs 3×)."""

from __future__ import annotations

from search.backends.sql import DOCS, SqlBackend, TextMatch
from search.text import ParsedQuery

# The full-text match drives the join (CROSS JOIN keeps it the outer loop whatever the statistics say) …
BY_MATCH = f"search_fts CROSS JOIN {DOCS} d ON d.id = search_fts.rowid"
# … except for the rest of a broad query, read newest first from the date index until a page is full.
BY_DATE = f"{DOCS} d INDEXED BY search_document_by_date"
MATCHING = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"


def fts5_query(parsed: ParsedQuery) -> str:
    """Every word and phrase double-quoted (FTS5 syntax cannot leak in: words hold only letters and digits)."""
    items = [f'"{word}"' for word in parsed.terms] + ['"' + " ".join(phrase) + '"' for phrase in parsed.phrases]
    return " AND ".join(items)


class SqliteBackend(SqlBackend):
    name = "sqlite"

    def text_match(self, parsed: ParsedQuery) -> TextMatch:
        query = fts5_query(parsed)
        in_title = f"folded_title : ({query})"
        return TextMatch(
            source=BY_MATCH,
            where="search_fts MATCH %s",
            where_params=[query],
            score="-bm25(search_fts, 3.0, 1.0)",
            score_params=[],
            title_source=BY_MATCH,
            title_where="search_fts MATCH %s",
            title_params=[in_title],
            rest_source=BY_DATE,
            rest_where=f"d.id IN ({MATCHING}) AND d.id NOT IN ({MATCHING})",
            rest_params=[query, in_title],
            dense_source=BY_DATE,
            dense_where=f"d.id IN ({MATCHING})",
            dense_params=[query],
        )
