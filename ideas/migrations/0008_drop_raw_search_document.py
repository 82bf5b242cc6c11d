"""Make room for the search document as a field of `ideas` (migration 0009).

A PostgreSQL database made before this migration may hold the column and GIN index that
triage 0006 once added with raw SQL: they go. A new database never had them (triage 0006
does nothing now), and on SQLite there was never anything.
"""
from django.db import migrations

RAW_SEARCH_DOCUMENT = """
DROP INDEX IF EXISTS ideas_idea_search_document;
ALTER TABLE ideas_idea DROP COLUMN IF EXISTS search_document;
"""


def drop_raw_search_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RAW_SEARCH_DOCUMENT)


class Migration(migrations.Migration):

    dependencies = [
        ('ideas', '0007_derived_tracking_tokens'),
    ]

    operations = [
        migrations.RunPython(drop_raw_search_document, migrations.RunPython.noop, elidable=True),
    ]
