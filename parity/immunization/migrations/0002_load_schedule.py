"""Ship the national schedule (data/schedule.yaml): the 2021 edition and the 2025-01-01
DTaP change. ``parity load_schedule`` applies later edits of the file the same way."""

from django.db import migrations


def load(apps, schema_editor):
    from parity.immunization.schedule_data import apply_schedule, read_schedule_file

    apply_schedule(
        read_schedule_file(),
        apps.get_model("immunization", "Vaccine"),
        apps.get_model("immunization", "ScheduleEdition"),
        apps.get_model("immunization", "ScheduleDose"),
    )


class Migration(migrations.Migration):
    dependencies = [("immunization", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
