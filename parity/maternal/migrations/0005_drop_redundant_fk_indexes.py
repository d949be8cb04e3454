"""Drop the foreign keys' own indexes that a composite index already leads with: the
composite one serves the same look-ups, and each of these cost time on every write and
in every bulk load (the demo city at scale 1 rebuilt 370 MB of them)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("maternal", "0004_pregnancy_visit_due"),
        ("people", "0011_area_code_statistics"),
    ]

    operations = [
        migrations.AlterField(
            model_name="antenatalvisit",
            name="pregnancy",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="visits",
                to="maternal.pregnancy",
                verbose_name="孕产期",
            ),
        ),
        migrations.AlterField(
            model_name="childhealthcheck",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="child_checks",
                to="people.person",
                verbose_name="儿童",
            ),
        ),
        migrations.AlterField(
            model_name="postpartumvisit",
            name="pregnancy",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="postpartum_visits",
                to="maternal.pregnancy",
                verbose_name="孕产期",
            ),
        ),
    ]
