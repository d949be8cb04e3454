"""The built-in alias and synonym tables grew (service-record and target registers: their
other header names, the short forms of an outcome, a service or a measure): load the new
rows, keeping what administrators changed (``seed`` only adds what is missing)."""

from django.db import migrations

from parity.core.imports.aliases import seed


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_import_aliases"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
