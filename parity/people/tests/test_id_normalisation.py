"""ID numbers are normalised before validation and before the blind index, everywhere: a
number typed with full-width digits, a full-width Ｘ or invisible characters is the same
number, finds the same person, and never makes a second record. Records stored as typed
before this rule are rewritten, or reported when they collide with another person."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from rest_framework.test import APIClient

from parity.conftest import GRID, make_id
from parity.core import crypto
from parity.core.error_codes import ErrorCode
from parity.core.models import AuditEvent
from parity.people import idnumber
from parity.people.actions import person_ids_normalise
from parity.people.filters import PersonFilterSet
from parity.people.imports import import_people
from parity.people.models import Person

ASCII = "42010619910301007X"
FULL_WIDTH = "４２０１０６１９９１０３０１００７Ｘ"


def test_full_width_digits_and_invisible_characters_parse_to_the_ascii_number():
    typed = "\u200b" + FULL_WIDTH[:6] + "\u00a0" + FULL_WIDTH[6:] + "\ufeff"

    assert idnumber.parse(typed).number == ASCII
    assert idnumber.parse(ASCII.lower()).number == ASCII


def test_digits_of_other_scripts_are_refused_with_a_format_error():
    arabic_indic = "٤" + ASCII[1:]  # U+0664: str.isdigit() is true for it, NFKC keeps it

    with pytest.raises(idnumber.IDNumberError) as caught:
        idnumber.parse(arabic_indic)

    assert caught.value.code == ErrorCode.ID_FORMAT


def test_a_full_width_number_registered_through_the_api_is_the_same_person(owner, register):
    register(id_number=ASCII)
    api = APIClient()
    api.force_authenticate(owner)

    response = api.post(
        "/api/v1/persons/",
        {
            "id_number": FULL_WIDTH,
            "name": "重复",
            "grid": GRID,
            "arrived_on": "2024-01-01",
            "housing_type": "rented",
        },
        format="json",
    )

    assert response.status_code == 400
    assert [e["code"] for e in response.json()["errors"]] == [ErrorCode.ID_DUPLICATE]
    assert Person.objects.count() == 1


def test_a_full_width_number_is_stored_in_ascii(register):
    person = register(id_number=FULL_WIDTH)

    assert person.id_number == ASCII
    assert person.id_masked == crypto.mask_id_number(ASCII)
    assert Person.objects.by_id_number(ASCII).get() == person


def test_the_people_search_finds_a_person_by_the_full_width_number(owner, register):
    person = register(id_number=ASCII)

    found = PersonFilterSet({"q": FULL_WIDTH}, queryset=Person.objects.all()).qs

    assert list(found) == [person]


def test_an_import_row_with_the_full_width_number_updates_the_registered_person(
    tmp_path, owner, register
):
    from parity.people.imports import HEADERS

    person = register(id_number=ASCII, name="旧名")
    values = {
        "姓名": "新名",
        "身份证号码": FULL_WIDTH,
        "网格代码": GRID,
        "来本地日期": "2024-03-01",
        "住所类型": "出租房屋",
    }
    path = tmp_path / "wide.csv"
    path.write_text(
        ",".join(HEADERS) + "\n" + ",".join(values.get(h, "") for h in HEADERS) + "\n",
        encoding="utf-8-sig",
    )

    result = import_people(path, acting_user=owner)

    assert (result.created, result.updated, result.errors) == (0, 1, [])
    person.refresh_from_db()
    assert person.name == "新名"


def _store_as_typed(person: Person, typed: str) -> None:
    """What an earlier version stored for a number typed in full width."""
    Person.objects.filter(pk=person.pk).update(
        id_number_enc=crypto.encrypt(typed),
        id_hash=crypto.blind_index(typed),
        id_masked=crypto.mask_id_number(typed),
    )


def test_a_number_stored_as_typed_is_rewritten_in_ascii(admin_user, register):
    person = register(id_number=ASCII)
    _store_as_typed(person, FULL_WIDTH)
    assert not Person.objects.filter(id_hash=crypto.blind_index(ASCII)).exists()

    report = person_ids_normalise(acting_user=admin_user)

    person.refresh_from_db()
    assert (report.normalised, report.conflicts) == ([person.pk], [])
    assert person.id_number == ASCII
    assert Person.objects.by_id_number(ASCII).get() == person
    assert AuditEvent.objects.filter(action="person.id_normalise", object_id=str(person.pk))


def test_a_number_that_normalises_to_another_persons_is_reported_not_merged(admin_user, register):
    first = register(id_number=ASCII, name="甲")
    second = register(id_number=make_id(seq=77), name="乙")
    _store_as_typed(second, FULL_WIDTH)

    report = person_ids_normalise(acting_user=admin_user)

    assert (report.normalised, report.conflicts) == ([], [(second.pk, first.pk)])
    second.refresh_from_db()
    assert second.id_number == FULL_WIDTH  # left for the duplicates review
    flagged = AuditEvent.objects.filter(action="person.id_conflict")
    assert sorted(flagged.values_list("object_id", flat=True)) == sorted(
        [str(first.pk), str(second.pk)]
    )


def test_the_command_reports_without_changing_anything_on_a_dry_run(admin_user, register):
    person = register(id_number=ASCII)
    _store_as_typed(person, FULL_WIDTH)
    out = io.StringIO()

    call_command("normalise_id_numbers", "--dry-run", stdout=out)

    person.refresh_from_db()
    assert person.id_number == FULL_WIDTH
    assert "would rewrite 1 ID numbers; 0 conflicts" in out.getvalue()


def test_registering_a_number_with_other_script_digits_is_a_form_error(register):
    with pytest.raises(ValidationError) as caught:
        register(id_number="٤" + ASCII[1:])

    assert caught.value.error_dict["id_number"][0].code == ErrorCode.ID_FORMAT


def test_a_dry_run_needs_no_user_to_act_as(register, django_user_model):
    register(id_number=ASCII)
    django_user_model.objects.filter(is_superuser=True).delete()
    out = io.StringIO()

    call_command("normalise_id_numbers", "--dry-run", stdout=out)

    assert "scanned 1 people; would rewrite 0 ID numbers; 0 conflicts" in out.getvalue()
