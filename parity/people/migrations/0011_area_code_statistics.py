"""A finer histogram of the people's area codes for PostgreSQL's planner.

Every list is scoped by an area-code prefix (a range of codes). With the default 100
buckets over 2.9 million people, the planner's estimate for one community was 4–5 times
the real count, and the work list's plans flipped with each ANALYZE between an index probe
per person (20 ms) and hashing every health record or pending dose of the city (0.8 s)
(bench/README.md, "pages"). 1,000 buckets keep the estimate close at every level."""

from django.db import migrations

TARGET = 1000


def finer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE people_person ALTER COLUMN area_code SET STATISTICS {TARGET}"
        )
        schema_editor.execute("ANALYZE people_person")


def default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE people_person ALTER COLUMN area_code SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("people", "0010_person_birth_area_index")]

    operations = [migrations.RunPython(finer, default)]
