"""Store a partner's languages as a list instead of a comma-separated string.

Self-contained (a migration never reads live code): the list is a plain JSON field here, made a
`partners.models.LanguageListField` by 0003, and the parsing is frozen below.
"""
from django.db import migrations, models


def parse_language_codes(value):
    """Turn "sv, en" into ["sv", "en"]: lower case, no blanks, no repeats."""
    if value is None:
        return []
    parts = value.split(",") if isinstance(value, str) else list(value)
    codes = []
    for part in parts:
        code = str(part).strip().lower()
        if code and code not in codes:
            codes.append(code)
    return codes


def split_languages(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    for partner in Partner.objects.only("pk", "languages"):
        codes = parse_language_codes(partner.languages) or ["sv"]
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
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(split_languages, join_languages),
        migrations.RemoveField(model_name="partner", name="languages"),
        migrations.RenameField(
            model_name="partner", old_name="language_codes", new_name="languages"
        ),
    ]
