# Whether a partner may be listed publicly, its public id (Open Referral data) and when it changed.

import uuid

import django.utils.timezone
from django.db import migrations, models


def give_each_partner_its_own_id(apps, schema_editor):
    # A default on AddField gives every existing row the same value; each needs its own.
    Partner = apps.get_model("partners", "Partner")
    for partner in Partner.objects.filter(uuid__isnull=True).only("pk"):
        Partner.objects.filter(pk=partner.pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_contact_language_choices"),
    ]

    operations = [
        migrations.AddField(
            model_name="partner",
            name="listed_publicly",
            field=models.BooleanField(
                default=False,
                help_text="The organisation agrees to be shown in the public directory and the open data (Open Referral): its name, description, themes, support, area, website and public email and phone. Contact persons are never shown.",
                verbose_name="listed publicly",
            ),
        ),
        migrations.AddField(
            model_name="partner",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="changed"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="partner",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="public id"),
        ),
        migrations.RunPython(give_each_partner_its_own_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="partner",
            name="uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="public id"
            ),
        ),
    ]
