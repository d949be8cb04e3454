"""What Parity writes on disk is readable by its own account only: the SQLite database and
its companions, generated secrets, and every file a ``parity`` process creates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler

from parity.core.files import private_dir

ROOT = Path(__file__).resolve().parents[3]


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.django_db
def test_a_world_readable_sqlite_database_becomes_private_when_opened(tmp_path):
    database = tmp_path / "parity.sqlite3"
    database.touch()
    wal = tmp_path / "parity.sqlite3-wal"
    wal.touch()
    database.chmod(0o644)
    wal.chmod(0o644)
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}}
    )
    connection = handler["default"]
    try:
        connection.ensure_connection()
    finally:
        connection.close()
    assert mode(database) == 0o600
    assert mode(wal) == 0o600


def test_a_private_folder_and_its_new_parents_are_0700(tmp_path):
    folder = private_dir(tmp_path / "media" / "imports" / "7")
    for path in (folder, folder.parent, folder.parent.parent):
        assert mode(path) == 0o700


PROBE = """
import json, os
from pathlib import Path
from django.conf import settings
from django.db import connection
connection.ensure_connection()
connection.cursor().execute("CREATE TABLE probe (x integer)")
log = settings.VAR_DIR / "logs"
log.mkdir()
(log / "x.log").write_text("x")
var = settings.VAR_DIR
names = ["", "parity.sqlite3", "parity.sqlite3-wal", "parity.sqlite3-shm", "secret_key",
         "field_encryption_key", "logs", "logs/x.log"]
print(json.dumps({n: os.stat(var / n).st_mode & 0o777 for n in names}))
"""


def test_the_parity_command_creates_its_var_files_for_its_own_account_only(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "SECRET_KEY",
           "FIELD_ENCRYPTION_KEY"))}  # fmt: skip
    env["PARITY_VAR_DIR"] = str(tmp_path / "var")
    old = os.umask(0o022)  # what a shell gives a process
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "-c", "from parity.cli import main; main()", "shell", "-c", PROBE],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        os.umask(old)
    modes = json.loads(done.stdout.strip().splitlines()[-1])
    assert modes.pop("") == 0o700
    assert modes.pop("logs") == 0o700
    assert modes == {name: 0o600 for name in modes}
