"""The people import's staging path (PostgreSQL: a staging table merged set-based, rows
validated and sealed in a second process) against its row path (``PeopleWriter``, chunk by
chunk): on the same mixed file — new people, updates, unchanged rows, invalid rows, rows
naming people outside the importer's area, duplicates inside the file — both leave the
same people, residences and jobs, report the same errors and write the same audit events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from parity.conftest import GRID, OTHER_GRID, SISTER_GRID, make_id
from parity.core.error_codes import ErrorCode
from parity.core.models import AuditEvent
from parity.people.imports import engine, import_people
from parity.people.models import Employment, Person, Residence
from parity.people.tests.test_imports import row, write_csv

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="the staging path is PostgreSQL's; SQLite always takes the row path",
)

A, B, C, D, E, F, G, H, K, L = (
    make_id(seq=n) for n in (101, 103, 105, 107, 109, 111, 115, 117, 119, 121)
)
# Registered in the city: may leave it.
LOCAL, GONE, GONE_AGAIN = (make_id("150203", "19850505", n) for n in (113, 123, 125))
VICTIM = make_id("410102", "19880808", 321)
NEW = [make_id(seq=n) for n in (201, 203, 205, 207)]
NEW_OUTFLOW = make_id("150205", "19700101", 209)
WITH_JOB = {"行业": "批发和零售业", "职业": "店员", "工作单位": "包头市某商贸公司"}
OUTFLOW = {"流向地代码": "110105", "流出日期": "2023-05-01", "来本地日期": "", "住所类型": ""}


@pytest.fixture
def on_file(tmp_path, owner, register, outsider):
    """Thirteen people in the owner's grid, one in another district registered by its
    grid worker."""
    base = [
        row(身份证号码=A, 姓名="甲", 联系电话="13800000001"),
        row(身份证号码=B, 姓名="乙"),
        row(身份证号码=C, 姓名="丙", **WITH_JOB),
        row(身份证号码=D, 姓名="丁", 婚姻状况="已婚"),
        row(身份证号码=E, 姓名="戊"),
        row(身份证号码=F, 姓名="己", 行业="建筑业"),
        row(身份证号码=LOCAL, 姓名="庚"),
        row(身份证号码=G, 姓名="辛", 住所类型="出租房屋"),
        row(身份证号码=H, 姓名="壬", **WITH_JOB),
        row(身份证号码=K, 姓名="癸", **WITH_JOB),
        row(身份证号码=L, 姓名="子", 居住地址="老地址1号"),
        row(身份证号码=GONE, 姓名="丑", **OUTFLOW),
        row(身份证号码=GONE_AGAIN, 姓名="寅", **OUTFLOW),
    ]
    import_people(write_csv(tmp_path / "base.csv", base), acting_user=owner, staging=False)
    register(id_number=VICTIM, name="李秘密", grid=OTHER_GRID, by=outsider)
    return Person.objects.count()


@pytest.fixture
def mixed_file(tmp_path, on_file) -> Path:
    bad_checksum = NEW[0][:17] + ("0" if NEW[0][17] != "0" else "1")
    rows = [
        row(身份证号码=A, 姓名="甲改", 联系电话="13900000001"),  # 2 renamed, new phone
        row(身份证号码=NEW[0], 姓名="新一", 联系电话="13700000001", **WITH_JOB),  # 3 new
        row(身份证号码=B, 姓名="乙", 网格代码=SISTER_GRID, 来本地日期="2024-09-01"),  # 4 moved
        row(身份证号码=C, 姓名="丙", **WITH_JOB),  # 5 unchanged
        row(身份证号码=bad_checksum, 姓名="错号"),  # 6 invalid
        row(  # 7 leaves the city
            身份证号码=LOCAL,
            姓名="庚",
            流向地代码="110105",
            流出日期="2025-01-01",
            来本地日期="",
            住所类型="",
        ),
        row(身份证号码=VICTIM, 姓名="改名换姓"),  # 8 registered in another district
        row(身份证号码=NEW[0], 姓名="新一重复"),  # 9 duplicate of row 3
        row(身份证号码=E, 姓名="戊", 来本地日期="2024-01-01"),  # 10 before the current stay
        {h: "" for h in ("姓名", "身份证号码")},  # 11 blank
        row(身份证号码=F, 姓名="己", 行业="制造业", 职业="工人"),  # 12 new job
        row(  # 13 new, outflow
            身份证号码=NEW_OUTFLOW,
            姓名="外出者",
            流向地代码="110105",
            流出日期="2023-05-01",
            来本地日期="",
            住所类型="",
        ),
        row(身份证号码=NEW[1], 网格代码="150203001001099"),  # 14 unknown grid
        row(身份证号码=A, 姓名="甲再改"),  # 15 duplicate of row 2
        row(身份证号码=NEW[2], 姓名="新三", 民族="蒙古族", 婚姻状况="已婚"),  # 16 new, no phone
        row(身份证号码=D, 姓名="丁", 户籍地代码="150203"),  # 17 hukou now in the city
        row(身份证号码=NEW[3], 姓名="新\\四", 居住地址="幸福路\t1号"),  # 18 escapes
        row(身份证号码=VICTIM, 姓名="再改"),  # 19 duplicate of row 8
        row(身份证号码=G, 姓名="辛", 住所类型="单位宿舍"),  # 20 residence amended
        row(身份证号码=H, 姓名="壬", 行业="批发和零售业", 职业="经理"),  # 21 job amended
        row(身份证号码=K, 姓名="癸"),  # 22 unchanged: no job named, the job stays
        row(身份证号码=L, 姓名="子", 居住地址="新地址2号"),  # 23 moved within the grid
        row(身份证号码=GONE, 姓名="丑", **OUTFLOW),  # 24 unchanged outflow
        row(身份证号码=GONE_AGAIN, 姓名="寅", **{**OUTFLOW, "流出日期": "2024-01-01"}),  # 25
        row(身份证号码=C, 姓名="丙", 婚姻状况="已婚", **WITH_JOB),  # 26 duplicate of row 5
    ]
    return write_csv(tmp_path / "mixed.csv", rows)


def _outcome(path: Path, user, *, staging: bool, workers: int) -> dict:
    """Import ``path`` in a savepoint, describe what it did, and roll it back."""
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    stamps = dict(Person.objects.values_list("id_hash", "updated_at"))
    with transaction.atomic():
        result = import_people(path, acting_user=user, staging=staging, workers=workers)
        outcome = {
            "counts": (result.created, result.updated, result.unchanged, result.total_rows),
            "errors": result.errors,
            "tables": _tables(),
            "touched": sorted(
                h
                for h, at in Person.objects.values_list("id_hash", "updated_at")
                if stamps.get(h) != at
            ),
            "audit": _audit(since),
        }
        transaction.set_rollback(True)
    return outcome


def _tables() -> dict:
    """People, residences and jobs keyed by ID hash, without ids, timestamps or
    ciphertexts (their nonces differ from run to run: the clear values are compared)."""
    people = {}
    for person in Person.objects.all():
        values = {
            f.attname: getattr(person, f.attname)
            for f in Person._meta.concrete_fields
            if f.attname not in ("id", "created_at", "updated_at", "id_number_enc", "phone_enc")
        }
        values.update(id_number=person.id_number, phone=person.phone)
        people[person.id_hash] = values

    def history(model) -> dict[str, list]:
        skip = ("id", "created_at", "updated_at", "person_id")
        rows: dict[str, list] = {}
        for item in model.objects.select_related("person"):
            values = tuple(
                (f.attname, getattr(item, f.attname))
                for f in model._meta.concrete_fields
                if f.attname not in skip
            )
            rows.setdefault(item.person.id_hash, []).append(values)
        return {key: sorted(values, key=repr) for key, values in rows.items()}

    return {"people": people, "residences": history(Residence), "jobs": history(Employment)}


def _audit(since: int | None) -> list[tuple]:
    """The audit events written since ``since``, person ids replaced by ID hashes."""
    hashes = {str(pk): h for pk, h in Person.objects.values_list("pk", "id_hash")}
    events = AuditEvent.objects.filter(id__gt=since or 0).order_by("id")
    described = []
    for event in events:
        after = event.after
        if event.action == "people.import_chunk":
            assert after is not None
            after = {
                "created": [hashes[str(pk)] for pk in after["created"]],
                "updated": {hashes[pk]: change for pk, change in after["updated"].items()},
            }
        described.append(
            (
                event.action,
                event.actor_id,
                event.object_type,
                hashes.get(event.object_id, event.object_id),
                event.area_code,
                event.before,
                after,
                event.note,
            )
        )
    return described


@pytest.mark.parametrize("chunk_rows", [3, 20_000])
def test_the_staging_path_does_exactly_what_the_row_path_does(
    mixed_file, colleague, monkeypatch, chunk_rows
):
    monkeypatch.setattr(engine, "CHUNK_ROWS", chunk_rows)

    rows = _outcome(mixed_file, colleague, staging=False, workers=1)
    staged = _outcome(mixed_file, colleague, staging=True, workers=2)  # a validation process

    assert staged == rows
    # … and both did what the file asks.
    assert rows["counts"] == (4, 9, 3, 24)
    assert [(e.row, e.code) for e in rows["errors"]] == [
        (6, ErrorCode.ID_CHECKSUM),
        (8, ErrorCode.OUTSIDE_SCOPE),
        (9, ErrorCode.ID_DUPLICATE),
        (10, ErrorCode.DATE_ORDER),
        (14, ErrorCode.AREA_UNKNOWN),
        (15, ErrorCode.ID_DUPLICATE),
        (19, ErrorCode.ID_DUPLICATE),
        (26, ErrorCode.ID_DUPLICATE),
    ]
    actions = [event[0] for event in rows["audit"]]
    assert actions.count("people.import_refused") == 1
    assert actions[-1] == "people.import"
    assert actions.count("people.import_chunk") == (6 if chunk_rows == 3 else 1)  # 16 records
    people = rows["tables"]["people"]
    assert {p["name"] for p in people.values()} >= {"甲改", "新一", "新\\四", "李秘密"}
    assert {p["status"] for p in people.values() if p["id_number"] == LOCAL} == {"outflow"}


def test_the_staging_path_validates_in_a_second_process_or_in_this_one_alike(mixed_file, colleague):
    assert _outcome(mixed_file, colleague, staging=True, workers=1) == _outcome(
        mixed_file, colleague, staging=True, workers=2
    )


def test_reimporting_through_the_staging_path_changes_nothing(mixed_file, colleague):
    first = import_people(mixed_file, acting_user=colleague, staging=True, workers=2)
    before = _tables()
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0]
    stamps = sorted(Person.objects.values_list("id_hash", "updated_at"))

    again = import_people(mixed_file, acting_user=colleague, staging=True, workers=2)

    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == first.created + first.updated + first.unchanged
    assert _tables() == before
    assert sorted(Person.objects.values_list("id_hash", "updated_at")) == stamps
    # Only the refused row is audited again: someone tried once more.
    new_events = AuditEvent.objects.filter(id__gt=last_event)
    assert list(new_events.values_list("action", flat=True)) == ["people.import_refused"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_that_fails_half_way_leaves_nothing_behind(
    tmp_path, colleague, on_file, monkeypatch, workers
):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    good = [row(身份证号码=make_id(seq=n), 姓名=f"工人{n}") for n in range(301, 311)]
    path = write_csv(tmp_path / "broken.csv", good)
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write('"' + "x" * 200_000 + '"\n')  # past the csv module's field limit
    before = _tables()
    audits = AuditEvent.objects.count()

    with pytest.raises(ValidationError, match="第12行有一个单元格内容过长"):
        import_people(path, acting_user=colleague, staging=True, workers=workers)

    assert _tables() == before
    new_events = AuditEvent.objects.order_by("id")[audits:]
    assert [e.action for e in new_events] == ["people.import_failed"]
    assert Person.objects.count() == on_file


def test_the_staging_table_is_gone_after_an_import(mixed_file, colleague):
    import_people(mixed_file, acting_user=colleague, staging=True)

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('pg_temp.parity_people_staging')")
        assert cursor.fetchone()[0] is None


def test_a_move_through_the_staging_path_closes_the_old_stay_on_the_new_arrival_date(
    mixed_file, colleague
):
    """A spot check of the tables the comparison above holds equal to the row path's."""
    import_people(mixed_file, acting_user=colleague, staging=True)

    moved = Person.objects.by_id_number(B).get()
    stays = list(moved.residences.order_by("arrived_on").values_list("departed_on", "grid__code"))
    assert stays == [(dt.date(2024, 9, 1), GRID), (None, SISTER_GRID)]


def test_full_width_ids_are_read_alike_and_another_districts_person_stays_refused(
    tmp_path, on_file, colleague
):
    # As an office types them: full-width digits. The person of another district is
    # refused whatever the width of the digits; the new one is registered under the
    # number's ordinary form. Both paths alike.
    full_width = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    newcomer = make_id(seq=211)
    path = write_csv(
        tmp_path / "full_width.csv",
        [
            row(身份证号码=VICTIM.translate(full_width), 姓名="全角改名"),
            row(身份证号码=newcomer.translate(full_width), 姓名="新五"),
        ],
    )

    rows = _outcome(path, colleague, staging=False, workers=1)
    staged = _outcome(path, colleague, staging=True, workers=1)

    assert staged == rows
    assert [(e.row, e.code) for e in rows["errors"]] == [(2, ErrorCode.OUTSIDE_SCOPE)]
    assert rows["counts"][0] == 1
    people = rows["tables"]["people"]
    assert {p["id_number"] for p in people.values() if p["name"] == "新五"} == {newcomer}
    assert {p["name"] for p in people.values() if p["id_number"] == VICTIM} == {"李秘密"}
