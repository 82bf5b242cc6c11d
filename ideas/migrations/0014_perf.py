from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0013_idea_period_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="idea",
            index=models.Index(
                condition=models.Q(anonymised_at__isnull=False),
                fields=["anonymised_at"],
                name="ideas_idea_anonymised",
            ),
        ),
    ]
