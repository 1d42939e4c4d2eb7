"""The full-text half of the SQL index, in each database's own terms.

SQLite: an FTS5 table over the folded title and body of `search_document_text` (external content, kept in step
by triggers; its rowid is the document's id), tokenizer `unicode61 remove_diacritics 2`.
PostgreSQL: the `unaccent` extension, a `lang_nghe` text search configuration (simple + unaccent), a `tsvector`
column of `search_document` (title weighted A, body B; written by the backend) with a GIN index, and the title's
part of it (generated) with another.
The text is already folded in Python (đ → d included), so both engines see the same words.
"""

from typing import Any

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        folded_title, folded_body, content='search_document_text', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER search_text_ai AFTER INSERT ON search_document_text BEGIN
        INSERT INTO search_fts(rowid, folded_title, folded_body) VALUES (new.id, new.folded_title, new.folded_body);
    END""",
    """CREATE TRIGGER search_text_ad AFTER DELETE ON search_document_text BEGIN
        INSERT INTO search_fts(search_fts, rowid, folded_title, folded_body)
        VALUES ('delete', old.id, old.folded_title, old.folded_body);
    END""",
    """CREATE TRIGGER search_text_au AFTER UPDATE OF folded_title, folded_body ON search_document_text BEGIN
        INSERT INTO search_fts(search_fts, rowid, folded_title, folded_body)
        VALUES ('delete', old.id, old.folded_title, old.folded_body);
        INSERT INTO search_fts(rowid, folded_title, folded_body) VALUES (new.id, new.folded_title, new.folded_body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_text_au",
    "DROP TRIGGER IF EXISTS search_text_ad",
    "DROP TRIGGER IF EXISTS search_text_ai",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'lang_nghe') THEN
            CREATE TEXT SEARCH CONFIGURATION lang_nghe (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION lang_nghe
                ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, simple;
        END IF;
    END $$""",
    "ALTER TABLE search_document ADD COLUMN search_vector tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX search_document_vector ON search_document USING gin (search_vector)",
    # The title's words (weight A), for broad queries that list title matches first.
    """ALTER TABLE search_document ADD COLUMN title_vector tsvector
        GENERATED ALWAYS AS (ts_filter(search_vector, '{a}')) STORED""",
    "CREATE INDEX search_document_title_vector ON search_document USING gin (title_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_title_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS title_vector",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS lang_nghe",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
            elidable=False,
        )
    ]
