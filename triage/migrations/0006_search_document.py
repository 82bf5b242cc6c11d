"""Once the search document's column on PostgreSQL; now nothing.

This migration added `ideas_idea.search_document` and its GIN index with raw SQL. The column
is a field of `ideas` now (`Idea.search_document`, migration ideas 0009; ideas 0008 drops what
this migration made in a database that ran it before). It stays in the chain, empty, because
later migrations depend on it.
"""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0005_partner_answers"),
        ("ideas", "0004_vocabulary_arabic_and_languages"),
    ]

    operations: list[migrations.operations.base.Operation] = []
