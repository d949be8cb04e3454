"""Files Parity writes on disk (the SQLite database, generated secrets, uploads, error
reports, logs, cached fragments) are readable by Parity's own account only."""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
PRIVATE_UMASK = 0o077


def private_umask() -> None:
    """Every file and folder this process creates from now on is 0600 / 0700. Called first
    thing by each entry point (``parity``, ``manage.py``, WSGI, ASGI)."""
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """``path`` (and any missing parent) as a folder only Parity's account may enter."""
    for folder in reversed([path, *path.parents]):
        if not folder.exists():
            folder.mkdir(mode=DIR_MODE, exist_ok=True)
            folder.chmod(DIR_MODE)  # mkdir's mode is filtered by the umask
    path.chmod(DIR_MODE)
    return path


def harden_sqlite(sender, connection, **kwargs) -> None:
    """``connection_created``: the SQLite database file and its -wal and -shm companions
    become 0600, including ones an older version left world-readable (SQLite gives new
    companions the database file's mode)."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(name + suffix)
        if path.exists() and path.stat().st_mode & 0o777 != FILE_MODE:
            path.chmod(FILE_MODE)
