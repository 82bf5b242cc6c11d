# Partners keep their own entry: stated availability for a term, last confirmed and by whom (an
# existing entry counts as confirmed when this runs), and the history of every change.

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0006_invitations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="partner",
            name="availability_term",
            field=models.CharField(
                blank=True, max_length=7, verbose_name="term of the availability"
            ),
        ),
        migrations.AddField(
            model_name="partner",
            name="available_places",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Leave empty if you cannot say; the committee then counts its own number.",
                null=True,
                validators=[django.core.validators.MaxValueValidator(500)],
                verbose_name="new ideas it can take this term",
            ),
        ),
        migrations.AddField(
            model_name="partner",
            name="confirmed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="last confirmed"
            ),
        ),
        migrations.AddField(
            model_name="partner",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="partners.partnercontact",
                verbose_name="confirmed by",
            ),
        ),
        migrations.CreateModel(
            name="PartnerEntryChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("field", models.CharField(max_length=40, verbose_name="field")),
                ("old_value", models.TextField(blank=True, verbose_name="old value")),
                ("new_value", models.TextField(blank=True, verbose_name="new value")),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("partner", "the partner"),
                            ("coordinator", "the coordinator"),
                            ("admin", "the administrator"),
                            ("import", "an import"),
                        ],
                        max_length=20,
                        verbose_name="made by",
                    ),
                ),
                ("actor_name", models.CharField(blank=True, max_length=200, verbose_name="who")),
                (
                    "created_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="when"
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="who",
                    ),
                ),
                (
                    "partner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entry_changes",
                        to="partners.partner",
                    ),
                ),
            ],
            options={
                "verbose_name": "change of a partner's entry",
                "verbose_name_plural": "changes of partners' entries",
                "ordering": ["-created_at", "-pk"],
            },
        ),
    ]
