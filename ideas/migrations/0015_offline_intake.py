from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0014_perf"),
    ]

    operations = [
        migrations.AddField(
            model_name="idea",
            name="device_id",
            field=models.UUIDField(
                blank=True,
                editable=False,
                null=True,
                unique=True,
                verbose_name="id made on the device",
            ),
        ),
    ]
