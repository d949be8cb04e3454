"""Drop the foreign keys' own indexes that a composite index already leads with: the
composite one serves the same look-ups, and each of these cost time on every write and
in every bulk load (the demo city at scale 1 rebuilt 370 MB of them)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_check_outcome"),
        ("people", "0011_area_code_statistics"),
    ]

    operations = [
        migrations.AlterField(
            model_name="marriagecertificate",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="marriage_certificates",
                to="people.person",
                verbose_name="持证人",
            ),
        ),
        migrations.AlterField(
            model_name="residencepermit",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="residence_permits",
                to="people.person",
                verbose_name="申领人",
            ),
        ),
    ]
