"""ID numbers stored as typed before they were normalised (full-width digits, invisible
characters): rewrite those whose normal form is free; report those whose normal form is
already another person's (``parity normalise_id_numbers`` lists them again at any time)."""

from django.db import migrations


def normalise(apps, schema_editor):
    from parity.people.actions import person_ids_normalise

    Person = apps.get_model("people", "Person")
    AuditEvent = apps.get_model("core", "AuditEvent")
    if not Person.objects.exists():
        return

    def record(*, acting_user, action, object_type, object_id, area_code, after, note=""):
        AuditEvent.objects.create(
            action=action,
            object_type=object_type,
            object_id=object_id,
            area_code=area_code,
            after=after,
            note=str(note)[:255],
        )

    report = person_ids_normalise(acting_user=None, model=Person, record=record)
    if report.normalised or report.conflicts:
        print(
            f"\n  people: {len(report.normalised)} ID numbers normalised, "
            f"{len(report.conflicts)} conflicts (see `parity normalise_id_numbers --dry-run`)"
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0003_transfer_request"), ("core", "0001_initial")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
