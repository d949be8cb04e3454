"""Backups restore into an empty database with every person readable, and only under the
key that sealed them. These tests commit (pg_dump reads from its own connection), so they
use ``transactional_db``."""

from __future__ import annotations

import json
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import load_backend

from parity.conftest import make_id
from parity.core import backup as backups
from parity.core import crypto
from parity.core.backup import BackupError, backup, restore

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = [
    (make_id("410102", "19900101", 11), "13812340001"),
    (make_id("410102", "19851231", 12), "13812340002"),
    (make_id("150203", "20010615", 13), ""),
]


def _admin_sql(sql: str) -> None:
    import psycopg

    params = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        autocommit=True,
    ) as admin:
        admin.execute(sql)


@pytest.fixture
def empty_database(tmp_path):
    """A connection to a second, empty database of the same vendor: a new SQLite file, or
    a PostgreSQL database created for the test and dropped after."""
    default = connection.settings_dict
    if connection.vendor == "postgresql":
        name = f"{default['NAME']}_restore"
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}"')
        _admin_sql(f'CREATE DATABASE "{name}"')
    else:
        name = str(tmp_path / "restored.sqlite3")
    # Not registered in django.db.connections: the test case allows only "default" there.
    target = load_backend(default["ENGINE"]).DatabaseWrapper({**default, "NAME": name})
    yield target
    target.close()
    if connection.vendor == "postgresql":
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def numbers_in(target) -> dict[str, str]:
    """Every person's ID and phone number in the database, opened with the current key."""
    with target.cursor() as cursor:
        cursor.execute("SELECT id_number_enc, phone_enc FROM people_person")
        return {
            crypto.decrypt(sealed_id): crypto.decrypt(sealed_phone) if sealed_phone else ""
            for sealed_id, sealed_phone in cursor.fetchall()
        }


@pytest.fixture
def people(register):
    return [register(id_number=number, phone=phone) for number, phone in PEOPLE]


def test_a_backup_restores_into_an_empty_database_with_every_person_readable(
    people, tmp_path, empty_database
):
    made = backup(tmp_path / "parity.tar")
    assert made.manifest["people"] == len(PEOPLE)

    restored = restore(made.path, target=empty_database)

    assert restored.people.count == len(PEOPLE)
    assert restored.people.unreadable == 0
    assert numbers_in(empty_database) == dict(PEOPLE)


def test_the_backup_file_holds_a_manifest_and_is_readable_by_its_owner_only(people, tmp_path):
    made = backup(tmp_path / "parity.tar")
    with tarfile.open(made.path) as tar:
        names = tar.getnames()
        member = tar.extractfile("manifest.json")
        assert member is not None
        manifest = json.loads(member.read())
    assert names == ["manifest.json", backups.MEMBERS[connection.vendor]]
    assert manifest["format"] == backups.FORMAT
    assert manifest["vendor"] == connection.vendor
    assert manifest["people"] == len(PEOPLE)
    assert manifest["key_fingerprint"] == backups.key_fingerprint()
    assert made.path.stat().st_mode & 0o777 == 0o600
    for number, _phone in PEOPLE:
        assert number.encode() not in made.path.read_bytes()


def test_restore_under_a_different_key_is_refused_before_anything_is_written(
    people, tmp_path, empty_database, settings
):
    made = backup(tmp_path / "parity.tar")
    settings.FIELD_ENCRYPTION_KEY = "another-key-entirely-0123456789abcdef"
    with pytest.raises(BackupError, match="另一个 FIELD_ENCRYPTION_KEY"):
        restore(made.path, target=empty_database)
    assert empty_database.introspection.table_names() == []


def test_backup_is_refused_when_the_running_key_cannot_open_the_data(people, tmp_path, settings):
    settings.FIELD_ENCRYPTION_KEY = "another-key-entirely-0123456789abcdef"
    with pytest.raises(BackupError, match="密钥与数据不符"):
        backup(tmp_path / "parity.tar")
    assert list(tmp_path.iterdir()) == []


def test_restore_refuses_a_database_that_is_not_empty_without_force(people, tmp_path):
    made = backup(tmp_path / "parity.tar")
    with pytest.raises(BackupError, match="--force"):
        restore(made.path)


def test_restore_with_force_replaces_what_the_database_held(
    people, tmp_path, empty_database, register
):
    made = backup(tmp_path / "parity.tar")
    restore(made.path, target=empty_database)
    with empty_database.cursor() as cursor:
        cursor.execute("DELETE FROM people_residence")
        cursor.execute("DELETE FROM people_person")

    restored = restore(made.path, target=empty_database, force=True)

    assert restored.people.count == len(PEOPLE)
    assert numbers_in(empty_database) == dict(PEOPLE)


def test_a_file_that_is_not_a_backup_is_refused_clearly(tmp_path):
    path = tmp_path / "notes.tar"
    path.write_text("not a tar file")
    with pytest.raises(BackupError, match="不是 Parity 备份文件"):
        restore(path)


def test_a_tar_file_without_a_parity_manifest_is_refused_clearly(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("{}")
    path = tmp_path / "other.tar"
    with tarfile.open(path, "w") as tar:
        tar.add(other, arcname="manifest.json")
    with pytest.raises(BackupError, match="不是 Parity 备份文件"):
        restore(path)


def test_a_missing_postgresql_client_is_named_in_the_error(monkeypatch, tmp_path):
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    monkeypatch.setattr(backups, "PG_LIB_DIR", tmp_path)
    with pytest.raises(BackupError, match="找不到 pg_dump"):
        backups.pg_tool("pg_dump")


def test_the_newest_debian_client_is_found_when_none_is_on_the_path(monkeypatch, tmp_path):
    for version in ("9.6", "15", "13"):
        tool = tmp_path / version / "bin" / "pg_restore"
        tool.parent.mkdir(parents=True)
        tool.touch()
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    monkeypatch.setattr(backups, "PG_LIB_DIR", tmp_path)
    assert backups.pg_tool("pg_restore") == str(tmp_path / "15" / "bin" / "pg_restore")


def test_the_commands_report_in_a_line_and_refuse_with_a_command_error(people, tmp_path, capsys):
    output = tmp_path / "nightly.tar"
    call_command("backup", "--output", str(output))
    assert f"{output}:" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(output))
