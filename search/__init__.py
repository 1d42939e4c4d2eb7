"""Public search: petitions answered and published with consent, and (with consultation) drafts, articles,
published comments and reports.

- `search.projection` + each app's `search_projections` module: what may be indexed (an allow-list of fields,
  personal data redacted by `privacy.redaction`); denunciations, petitions without consent and anything
  unpublished never are.
- `search.outbox.enqueue(kind, object_id)`: called in the transaction of every change to something public.
  On the database's own backend the row is indexed right after commit; `manage.py run_search_worker` (or
  `--once`) drains what is left, in bulk, with the row id as version, retrying while the engine is down.
- `manage.py search_reindex` rebuilds the index and swaps it in; `manage.py search_check` reports drift.
- `search.backends`: `sqlite` (FTS5), `postgres` (full-text search, `lang_nghe` configuration with unaccent),
  `elasticsearch`; chosen by SEARCH_BACKEND (default: the database's own) or ELASTICSEARCH_URL.
- `GET /api/v1/search` and the page `/search/`.

Only this package imports a search client.
"""
