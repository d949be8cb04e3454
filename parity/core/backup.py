"""Whole-database backups (``parity backup``) and their restore (``parity restore``).

A backup is a tar file holding ``manifest.json`` and the database: ``database.dump``
(``pg_dump --format=custom``) on PostgreSQL, ``database.sqlite3`` (SQLite's online backup
API) in the embedded mode. The manifest names the format, Parity's version, the database
vendor, the time, the number of people and a fingerprint of the field-encryption key
(a keyed hash of a constant: it identifies the key without revealing it).

The ID and phone numbers inside are sealed with ``FIELD_ENCRYPTION_KEY``, which is *not*
in the backup: a backup is only as good as the key kept beside it. So a backup is made
only after the running key has opened a sample of the people it holds, and a restore
refuses a backup made under another key before it touches the database, then opens a
sample of the restored people and compares their number with the manifest's.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parity.core import crypto
from parity.core.logs import mask

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
MEMBERS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# People whose numbers are opened to prove the key (more would only cost time).
SAMPLE = 200
# Debian keeps each PostgreSQL version's client tools here when they are not on PATH.
PG_LIB_DIR = Path("/usr/lib/postgresql")
_FINGERPRINT_INPUT = "parity-backup-key-fingerprint"
_MANIFEST_KEYS = {"vendor", "created_at", "people", "key_fingerprint", "database"}
_NOT_A_BACKUP = gettext_lazy("%(path)s 不是 Parity 备份文件(缺少或无法读取 manifest.json)")


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why, for the operator."""


@dataclasses.dataclass(frozen=True)
class PeopleCheck:
    """How many people a database holds, and how many of a sample the key could open."""

    count: int
    sampled: int
    unreadable: int


@dataclasses.dataclass(frozen=True)
class Outcome:
    path: Path
    manifest: dict[str, Any]
    people: PeopleCheck


def key_fingerprint() -> str:
    """Identifies the running ``FIELD_ENCRYPTION_KEY`` (a keyed hash of a constant)."""
    return crypto.blind_index(_FINGERPRINT_INPUT)[:32]


def _person_table() -> str:
    return apps.get_model("people", "Person")._meta.db_table


def people_check(cursor, tables: list[str]) -> PeopleCheck:
    """Count the people of the database behind ``cursor`` (any DB-API cursor) and open
    the ID numbers of a random sample with the running key; a number whose blind index
    does not match counts as unreadable too."""
    table = _person_table()
    if table not in tables:
        return PeopleCheck(count=0, sampled=0, unreadable=0)
    cursor.execute(f"SELECT COUNT(*) FROM {table}")
    count = cursor.fetchone()[0]
    cursor.execute(f"SELECT id_number_enc, id_hash FROM {table} ORDER BY RANDOM() LIMIT {SAMPLE}")
    rows = cursor.fetchall()
    index = crypto.blind_indexer()
    unreadable = 0
    for sealed, digest in rows:
        try:
            readable = index(crypto.decrypt(sealed)) == digest
        except (InvalidTag, ValueError):
            readable = False
        unreadable += not readable
    return PeopleCheck(count=count, sampled=len(rows), unreadable=unreadable)


def _refuse_unreadable(check: PeopleCheck) -> None:
    if check.unreadable:
        raise BackupError(
            _(
                "当前的 FIELD_ENCRYPTION_KEY 打不开数据库中 %(bad)d/%(n)d 条抽样人员记录:"
                "密钥与数据不符。请先找到加密这些数据的密钥,再备份。"
            )
            % {"bad": check.unreadable, "n": check.sampled}
        )


# -- PostgreSQL --------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``: on PATH, else the newest Debian one."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: Path) -> tuple[int, ...]:
        digits = re.findall(r"\d+", path.parent.parent.name)
        return tuple(int(d) for d in digits)

    candidates = sorted(PG_LIB_DIR.glob(f"*/bin/{name}"), key=version, reverse=True)
    if candidates:
        return str(candidates[0])
    raise BackupError(
        _(
            "找不到 %(tool)s:请安装与数据库服务器同版本或更新的 PostgreSQL 客户端"
            "(Debian: apt-get install postgresql-client)"
        )
        % {"tool": name}
    )


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for the database: no password on a command line."""
    env = dict(os.environ)
    pairs = {
        "PGDATABASE": settings_dict.get("NAME"),
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGSSLMODE": (settings_dict.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        # pg_restore's CONTEXT/DETAIL lines can quote a row: keep only the errors.
        errors = [
            mask(line)
            for line in done.stderr.splitlines()
            if "error" in line.lower() and not line.lstrip().startswith(("CONTEXT", "DETAIL"))
        ]
        raise BackupError(
            _("%(tool)s 失败(退出码 %(code)d):%(errors)s")
            % {
                "tool": Path(command[0]).name,
                "code": done.returncode,
                "errors": "; ".join(errors[:5]) or _("无错误信息"),
            }
        )


def _dump_postgresql(using: str, target: Path) -> PeopleCheck:
    connection = connections[using]
    # One snapshot for the count, the key check and pg_dump: the manifest describes
    # exactly the data dumped, whatever is written meanwhile.
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        check = people_check(cursor, connection.introspection.table_names(cursor))
        _refuse_unreadable(check)
        _run(
            [pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            _pg_env(connection.settings_dict),
        )
    return check


def _restore_postgresql(connection: BaseDatabaseWrapper, source: Path, *, replace: bool) -> None:
    connection.close()
    command = [
        pg_tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={connection.settings_dict['NAME']}",
    ]
    if replace:
        command += ["--clean", "--if-exists"]
    _run([*command, str(source)], _pg_env(connection.settings_dict))


# -- SQLite ------------------------------------------------------------------------------


def _dump_sqlite(using: str, target: Path) -> PeopleCheck:
    connection = connections[using]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        check = people_check(cursor, [row[0] for row in cursor.fetchall()])
    finally:
        copy.close()
    _refuse_unreadable(check)
    return check


def _restore_sqlite(connection: BaseDatabaseWrapper, source: Path) -> None:
    connection.close()
    connection.ensure_connection()
    backup = sqlite3.connect(source)
    try:
        # Replaces every page of the target: nothing of the old database remains.
        backup.backup(connection.connection)
    finally:
        backup.close()


# -- backup and restore ------------------------------------------------------------------


def _vendor(connection: BaseDatabaseWrapper) -> str:
    vendor = connection.vendor
    if vendor not in MEMBERS:
        raise BackupError(_("不支持备份 %(vendor)s 数据库") % {"vendor": vendor})
    return vendor


def default_output() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"parity-{stamp}.tar"


def backup(output: Path | None = None, *, using: str = "default") -> Outcome:
    """Write a backup of the database to ``output`` (a new tar file, readable by its owner
    only: it holds names in clear). Refuses when the running key cannot open the data."""
    vendor = _vendor(connections[using])
    output = Path(output or default_output())
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.exists():
        raise BackupError(_("文件已存在,不会覆盖:%(path)s") % {"path": output})
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".parity-backup-") as tmp:
        database = Path(tmp) / MEMBERS[vendor]
        if vendor == "postgresql":
            check = _dump_postgresql(using, database)
        else:
            check = _dump_sqlite(using, database)
        manifest = {
            "format": FORMAT,
            "parity_version": metadata.version("parity"),
            "vendor": vendor,
            "created_at": timezone.now().isoformat(),
            "people": check.count,
            "key_fingerprint": key_fingerprint(),
            "database": database.name,
        }
        partial = Path(tmp) / "backup.tar"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(database, arcname=database.name)
        # Under its final name only once complete: a half-written backup never looks whole.
        partial.rename(output)
    logger.info(
        "backup written",
        extra={"file": output.name, "vendor": vendor, "people": check.count},
    )
    return Outcome(path=output, manifest=manifest, people=check)


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(path, mode="r:") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read().decode("utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(_("找不到备份文件:%(path)s") % {"path": path}) from exc
    except (tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(_NOT_A_BACKUP % {"path": path}) from exc
    if not isinstance(manifest, dict) or "format" not in manifest:
        raise BackupError(_NOT_A_BACKUP % {"path": path})
    if manifest["format"] != FORMAT or not manifest.keys() >= _MANIFEST_KEYS:
        raise BackupError(
            _("备份格式 %(found)s 不受支持(本版本读取格式 %(expected)d)")
            % {"found": manifest["format"], "expected": FORMAT}
        )
    return manifest


def restore(
    path: Path, *, target: BaseDatabaseWrapper | None = None, force: bool = False
) -> Outcome:
    """Restore a backup into ``target`` (default: the configured database): refused when
    the backup was made under another key, from another vendor, or when the database has
    tables and ``force`` is not set. Then checks the people restored against the
    manifest."""
    path = Path(path)
    manifest = read_manifest(path)
    target = target or connections["default"]
    vendor = _vendor(target)
    if manifest["vendor"] != vendor:
        raise BackupError(
            _("这是 %(source)s 数据库的备份,不能恢复到 %(target)s 数据库")
            % {"source": manifest["vendor"], "target": vendor}
        )
    if manifest.get("key_fingerprint") != key_fingerprint():
        raise BackupError(
            _(
                "备份中的数据是用另一个 FIELD_ENCRYPTION_KEY 加密的,用当前密钥恢复后身份证号"
                "和电话号码将无法读取。请设置备份时使用的密钥后再恢复。数据库未作任何改动。"
            )
        )
    tables = target.introspection.table_names()
    if tables and not force:
        raise BackupError(
            _(
                "目标数据库不是空的(已有 %(n)d 张表)。恢复将覆盖其中的数据;"
                "确认无误后加 --force 再运行。"
            )
            % {"n": len(tables)}
        )
    with tempfile.TemporaryDirectory(prefix="parity-restore-") as tmp:
        database = Path(tmp) / MEMBERS[vendor]
        with tarfile.open(path, mode="r:") as tar:
            member = tar.extractfile(manifest["database"])
            if member is None:
                raise BackupError(_("备份文件不完整:缺少数据库文件"))
            with open(database, "wb") as handle:
                shutil.copyfileobj(member, handle, 1024 * 1024)
        if vendor == "postgresql":
            _restore_postgresql(target, database, replace=bool(tables))
        else:
            _restore_sqlite(target, database)
    with target.cursor() as cursor:
        check = people_check(cursor, target.introspection.table_names(cursor))
    if check.count != manifest["people"] or check.unreadable:
        raise BackupError(
            _(
                "恢复后的检查未通过:人员 %(count)d 人(备份时 %(expected)d 人),"
                "抽样 %(n)d 人中 %(bad)d 人的身份证号无法读取。"
            )
            % {
                "count": check.count,
                "expected": manifest["people"],
                "n": check.sampled,
                "bad": check.unreadable,
            }
        )
    logger.info(
        "backup restored",
        extra={
            "file": path.name,
            "vendor": vendor,
            "people": check.count,
            "backup_created_at": manifest.get("created_at"),
            "replaced": bool(tables),
        },
    )
    return Outcome(path=path, manifest=manifest, people=check)
