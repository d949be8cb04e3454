"""Drop the foreign keys' own indexes that a composite index already leads with: the
composite one serves the same look-ups, and each of these cost time on every write and
in every bulk load (the demo city at scale 1 rebuilt 370 MB of them)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("immunization", "0007_dose_due_birth_date"),
        ("people", "0011_area_code_statistics"),
    ]

    operations = [
        migrations.AlterField(
            model_name="campaigntarget",
            name="round",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="targets",
                to="immunization.campaignround",
                verbose_name="轮次",
            ),
        ),
        migrations.AlterField(
            model_name="vaccinationrecord",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="vaccinations",
                to="people.person",
                verbose_name="受种者",
            ),
        ),
        migrations.AlterField(
            model_name="vaccinationrecord",
            name="round",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="vaccinations",
                to="immunization.campaignround",
                verbose_name="轮次",
            ),
        ),
    ]
