"""The child's birth date on each pending dose (``DoseDue.birth_date``) and the index the
overdue list reads by age band.

The column is filled from ``people_person`` by one set-based ``UPDATE … FROM`` (a hash join
on PostgreSQL, no per-row work in Python), then made NOT NULL (a scan, no rewrite). Rows
whose person is gone (derived rows, no database foreign key) are dropped first, as the
nightly refresh would."""

from django.db import migrations, models


def fill(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    due = quote(apps.get_model("immunization", "DoseDue")._meta.db_table)
    person = quote(apps.get_model("people", "Person")._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {due} WHERE NOT EXISTS "
            f"(SELECT 1 FROM {person} AS p WHERE p.id = {due}.person_id)"
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {due} AS d SET birth_date = p.birth_date "
                f"FROM {person} AS p WHERE p.id = d.person_id"
            )
        else:
            cursor.execute(
                f"UPDATE {due} SET birth_date = "
                f"(SELECT p.birth_date FROM {person} AS p WHERE p.id = {due}.person_id)"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("immunization", "0006_vaccine_schedule_name_en"),
        ("people", "0008_employment_list_order_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="dosedue",
            name="birth_date",
            field=models.DateField(null=True, verbose_name="出生日期"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="dosedue",
            name="birth_date",
            field=models.DateField(verbose_name="出生日期"),
        ),
        migrations.AddIndex(
            model_name="dosedue",
            index=models.Index(
                fields=["birth_date", "overdue_on"],
                include=("person", "vaccine", "dose"),
                name="immunization_due_birth_od",
            ),
        ),
    ]
