"""Drop the foreign keys' own indexes that a composite index already leads with: the
composite one serves the same look-ups, and each of these cost time on every write and
in every bulk load (the demo city at scale 1 rebuilt 370 MB of them)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0011_area_code_statistics"),
        ("services", "0002_event_delivered_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="serviceevent",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="service_events",
                to="people.person",
                verbose_name="服务对象",
            ),
        ),
        migrations.AlterField(
            model_name="serviceevent",
            name="service_type",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="services.servicetype",
                verbose_name="服务项目",
            ),
        ),
        migrations.AlterField(
            model_name="visit",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="visits",
                to="people.person",
                verbose_name="走访对象",
            ),
        ),
    ]
