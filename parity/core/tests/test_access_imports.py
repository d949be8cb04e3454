"""Imports are doors too: a row naming a person or an area outside the importer's scope must
change nothing there and tell the importer nothing about it, whether the file comes through
the web page or ``parity import``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from parity.conftest import GRID, OTHER_GRID, make_id
from parity.core.models import AuditEvent
from parity.people.imports import HEADERS
from parity.people.models import Person, Residence
from parity.people.tests.web import web_import

pytestmark = pytest.mark.django_db

THEIR_NAME = "楚外人"
THEIR_ARRIVAL = dt.date(2023, 1, 5)


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"
    return settings.IMPORT_DIR


@pytest.fixture
def theirs(register, outsider):
    """A person in the outsider's grid (青山区), out of the owner's reach."""
    return register(
        id_number=make_id("410102", "19930715", 714),
        name=THEIR_NAME,
        grid=OTHER_GRID,
        by=outsider,
        arrived_on=THEIR_ARRIVAL,
        marital_status="married",
    )


def person_state(person: Person) -> tuple:
    fresh = Person.objects.get(pk=person.pk)
    residences = list(Residence.objects.filter(person=person).order_by("pk").values())
    return (
        fresh.name,
        fresh.area_code,
        fresh.grid_id,
        fresh.status,
        fresh.marital_status,
        fresh.updated_at,
        residences,
    )


def secrets_of(person: Person) -> list[str]:
    """What the owner must not learn: the name, where they live, since when."""
    assert person.grid is not None
    dates = [THEIR_ARRIVAL.isoformat(), THEIR_ARRIVAL.strftime("%Y/%m/%d")]
    return [person.name, OTHER_GRID, person.grid.name, *dates]


def people_file(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for values in rows:
            writer.writerow([values.get(h, "") for h in HEADERS])
    return path


def claim_row(person: Person) -> dict[str, str]:
    """A row giving an out-of-scope person's ID number with a new name, in the owner's
    grid: were it applied, the person would be renamed and moved into the owner's grid."""
    return {
        "姓名": "冒名",
        "身份证号码": person.id_number,
        "网格代码": GRID,
        "来本地日期": "2024-03-01",
        "住所类型": "出租房屋",
        "婚姻状况": "未婚",
    }


def assert_tells_nothing(text: str, person: Person) -> None:
    shown = [s for s in secrets_of(person) if s in text]
    assert not shown, f"the import told the importer {shown}"


def test_the_people_import_page_neither_changes_nor_reveals_an_out_of_scope_person(
    client, owner, theirs, tmp_path
):
    before = person_state(theirs)
    client.force_login(owner)
    upload = io.BytesIO(people_file(tmp_path / "p.csv", [claim_row(theirs)]).read_bytes())
    upload.name = "people.csv"

    response = web_import(client, upload)

    assert response.status_code == 200
    assert person_state(theirs) == before
    result = response.context["result"]
    assert (result.created, result.updated) == (0, 0)
    text = response.content.decode()
    for error in result.errors:
        text += f"{error.value} {error.message}"
    if result.error_file:
        text += Path(result.error_file).read_text(encoding="utf-8-sig")
    assert_tells_nothing(text, theirs)


def test_the_import_command_neither_changes_nor_reveals_an_out_of_scope_person(
    owner, theirs, tmp_path
):
    before = person_state(theirs)
    path = people_file(tmp_path / "people.csv", [claim_row(theirs)])
    out, err = io.StringIO(), io.StringIO()

    call_command("import", "people", str(path), user=owner.username, stdout=out, stderr=err)

    assert person_state(theirs) == before
    assert "created: 0, updated: 0" in out.getvalue()
    text = out.getvalue() + err.getvalue()
    errors = path.with_name(path.name + ".errors.csv")
    if errors.exists():
        text += errors.read_text(encoding="utf-8-sig")
    assert_tells_nothing(text, theirs)


def test_the_people_import_still_updates_a_person_inside_the_scope(owner, register, tmp_path):
    # The other side of the same rule: a row for one's own person is applied.
    mine = register(id_number=make_id(seq=611), name="秦内人")
    row = {**claim_row(mine), "网格代码": GRID}
    path = people_file(tmp_path / "people.csv", [row])

    call_command("import", "people", str(path), user=owner.username, stdout=io.StringIO())

    assert Person.objects.get(pk=mine.pk).name == "冒名"


# --- service records ----------------------------------------------------------------------


def services_file(path: Path, id_number: str) -> Path:
    from parity.services.imports.columns import FIXED_HEADERS

    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(FIXED_HEADERS)
        writer.writerow([id_number, "health_record", "2024-06-01", "", "", ""])
    return path


@pytest.fixture
def health_record(make_service):
    return make_service("health_record", {}, name="居民健康档案")


def test_the_service_import_page_records_nothing_for_an_out_of_scope_person(
    client, owner, theirs, health_record, tmp_path
):
    from parity.services.models import ServiceEvent

    events = AuditEvent.objects.count()
    client.force_login(owner)
    upload = io.BytesIO(services_file(tmp_path / "s.csv", theirs.id_number).read_bytes())
    upload.name = "services.csv"

    response = web_import(client, upload, url="services:import")

    assert response.status_code == 200
    assert not ServiceEvent.objects.filter(person=theirs).exists()
    assert AuditEvent.objects.count() == events
    assert_tells_nothing(response.content.decode(), theirs)


def test_the_service_import_command_records_nothing_for_an_out_of_scope_person(
    owner, theirs, health_record, tmp_path
):
    from parity.services.models import ServiceEvent

    path = services_file(tmp_path / "services.csv", theirs.id_number)
    out = io.StringIO()

    call_command("import", "services", str(path), user=owner.username, stdout=out)

    assert not ServiceEvent.objects.filter(person=theirs).exists()
    text = out.getvalue()
    errors = path.with_name(path.name + ".errors.csv")
    if errors.exists():
        text += errors.read_text(encoding="utf-8-sig")
    assert_tells_nothing(text, theirs)


def test_the_service_import_records_a_service_for_a_person_inside_the_scope(
    owner, register, health_record, tmp_path
):
    from parity.services.models import ServiceEvent

    mine = register(id_number=make_id(seq=611), name="秦内人")
    path = services_file(tmp_path / "services.csv", mine.id_number)

    call_command("import", "services", str(path), user=owner.username, stdout=io.StringIO())

    assert ServiceEvent.objects.filter(person=mine).count() == 1


# --- targets ------------------------------------------------------------------------------


@pytest.fixture
def indicators(catalog):
    from django.utils import timezone

    from parity.indicators.catalog import load_builtin

    load_builtin(timezone.localdate())


def targets_upload(area_code: str) -> io.BytesIO:
    from parity.indicators.assessment.imports import HEADERS as TARGET_HEADERS

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(TARGET_HEADERS)
    values = {"年度": "2025", "区划代码": area_code, "指标代码": "health_record"}
    writer.writerow([values.get(h, "90" if "目标值" in h else "") for h in TARGET_HEADERS])
    upload = io.BytesIO(text.getvalue().encode("utf-8-sig"))
    upload.name = "targets.csv"
    return upload


def test_the_targets_import_sets_no_target_for_another_district(client, official, indicators):
    from parity.indicators.models import Target

    events = AuditEvent.objects.count()
    client.force_login(official)

    response = web_import(client, targets_upload("150204"), url="indicators:assessment_import")

    assert response.status_code == 200
    assert not Target.objects.exists()
    assert AuditEvent.objects.count() == events
    assert response.context["result"].errors


def test_the_targets_import_sets_a_target_for_the_officials_own_district(
    client, official, indicators
):
    from parity.indicators.models import Target

    client.force_login(official)

    response = web_import(client, targets_upload("150203"), url="indicators:assessment_import")

    assert response.status_code == 200
    assert Target.objects.filter(area__code="150203").count() == 1
