"""Enable pg_trgm for the similar-ideas search; Django skips this on databases other than
PostgreSQL (CreateExtension checks the vendor), so SQLite needs nothing."""
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("triage", "0003_default_criteria")]
    operations = [TrigramExtension()]
