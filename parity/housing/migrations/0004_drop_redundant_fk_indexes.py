"""Drop the foreign keys' own indexes that a composite index already leads with: the
composite one serves the same look-ups, and each of these cost time on every write and
in every bulk load (the demo city at scale 1 rebuilt 370 MB of them)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0002_area_path"),
        ("housing", "0003_dwelling_sort_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dwelling",
            name="grid",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="dwellings",
                to="areas.area",
                verbose_name="网格",
            ),
        ),
    ]
