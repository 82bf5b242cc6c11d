"""The idea's search document as a field of `ideas`, with its index (ideas/search.py): a
weighted tsvector with a GIN index on PostgreSQL, the plain texts without an index elsewhere."""
import ideas.search
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ideas', '0008_drop_raw_search_document'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='idea',
            name='search_document',
            field=models.GeneratedField(db_persist=True, expression=ideas.search.SearchDocument('title', 'need', 'description', 'beneficiaries', 'place', 'organisation_name', config='swedish'), output_field=ideas.search.SearchDocumentField()),
        ),
        migrations.AddIndex(
            model_name='idea',
            index=ideas.search.SearchIndex(fields=['search_document'], name='ideas_idea_search_gin'),
        ),
    ]
