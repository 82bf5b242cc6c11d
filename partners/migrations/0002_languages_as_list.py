"""Store a partner's languages as a list instead of a comma-separated string."""
from django.db import migrations

import partners.models


def split_languages(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    for partner in Partner.objects.only("pk", "languages"):
        codes = partners.models.parse_language_codes(partner.languages) or ["sv"]
        Partner.objects.filter(pk=partner.pk).update(language_codes=codes)


def join_languages(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    for partner in Partner.objects.only("pk", "language_codes"):
        Partner.objects.filter(pk=partner.pk).update(
            languages=",".join(partner.language_codes or ["sv"])
        )


class Migration(migrations.Migration):

    dependencies = [
        ("partners", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="partner",
            name="language_codes",
            field=partners.models.LanguageListField(blank=True),
        ),
        migrations.RunPython(split_languages, join_languages),
        migrations.RemoveField(model_name="partner", name="languages"),
        migrations.RenameField(
            model_name="partner", old_name="language_codes", new_name="languages"
        ),
    ]
