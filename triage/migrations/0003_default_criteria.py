"""Load the demo's default criteria; the coordinator can change them afterwards."""
from django.db import migrations

DEFAULT_CRITERIA = [
    ("Samhällsbehov", "Hur stort och tydligt är behovet idén svarar mot?"),
    ("Nyhetsvärde", "Är idén ny här, eller ett nytt sätt att göra något?"),
    ("Genomförbarhet", "Kan idén genomföras med rimliga resurser och på rimlig tid?"),
    ("Lokal förankring och civilsamhällets ägarskap",
     "Bärs idén av de boende eller föreningen själva, och stannar den i deras händer?"),
    ("Räckvidd på landsbygden", "Når idén människor på landsbygden?"),
    ("Potential för samverkan", "Kan flera partner eller aktörer göra idén starkare tillsammans?"),
]


def load(apps, schema_editor):
    Criterion = apps.get_model("triage", "Criterion")
    for order, (name, description) in enumerate(DEFAULT_CRITERIA, start=1):
        Criterion.objects.get_or_create(
            name=name, defaults={"description": description, "order": order * 10, "weight": 1}
        )


def unload(apps, schema_editor):
    Criterion = apps.get_model("triage", "Criterion")
    Criterion.objects.filter(name__in=[name for name, _ in DEFAULT_CRITERIA], scores=None).delete()


class Migration(migrations.Migration):
    dependencies = [("triage", "0002_scoring_conflicts_notes")]
    operations = [migrations.RunPython(load, unload)]
