"""The search within a network's discussion (discussions.search), each database its own way.

PostgreSQL: a GIN index on the expression discussions.search filters by, to_tsvector('finnish', body). It is built
from the same Django expression (SearchVector("body", config="finnish")) as the query, so the two stay identical
and the planner uses the index.

SQLite: an FTS5 table with the messages' text, an "external content" table over discussions_message (it stores
only the index; rowid is the message's id), kept in step by three triggers and filled from the messages already
there.

Nothing on any other database, and nothing in Django's model state: the model is unchanged.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(SearchVector("body", config="finnish"), name="message_body_finnish")

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE discussions_message_fts USING fts5(
        body, content='discussions_message', content_rowid='id', tokenize='unicode61 remove_diacritics 0'
    )""",
    """CREATE TRIGGER discussions_message_fts_insert AFTER INSERT ON discussions_message BEGIN
        INSERT INTO discussions_message_fts(rowid, body) VALUES (new.id, new.body);
    END""",
    """CREATE TRIGGER discussions_message_fts_delete AFTER DELETE ON discussions_message BEGIN
        INSERT INTO discussions_message_fts(discussions_message_fts, rowid, body) VALUES ('delete', old.id, old.body);
    END""",
    """CREATE TRIGGER discussions_message_fts_update AFTER UPDATE OF body ON discussions_message BEGIN
        INSERT INTO discussions_message_fts(discussions_message_fts, rowid, body) VALUES ('delete', old.id, old.body);
        INSERT INTO discussions_message_fts(rowid, body) VALUES (new.id, new.body);
    END""",
    "INSERT INTO discussions_message_fts(discussions_message_fts) VALUES ('rebuild')",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS discussions_message_fts_update",
    "DROP TRIGGER IF EXISTS discussions_message_fts_delete",
    "DROP TRIGGER IF EXISTS discussions_message_fts_insert",
    "DROP TABLE IF EXISTS discussions_message_fts",
]


def create_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.add_index(apps.get_model("discussions", "Message"), INDEX)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("discussions", "Message"), INDEX)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("discussions", "0002_mention_email")]

    operations = [migrations.RunPython(create_search_index, drop_search_index, elidable=False)]
