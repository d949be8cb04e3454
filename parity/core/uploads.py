"""Files users upload for an import, and the error reports the imports write beside them.

An upload waits, sealed, between the steps of its import page (preview, check, import),
in clear only while one step runs, and is deleted once imported. Error reports echo the
rows as uploaded (ID numbers included), so once the import ends they are sealed with the
field encryption key (AES-256-GCM), kept readable by Parity's own account only (files
0600, folders 0700) and for ``PARITY_UPLOAD_RETENTION_DAYS`` for the user to download;
``parity purge_uploads`` (nightly) deletes what is older, the files of export jobs
(``EXPORT_DIR``) included. Uploads larger than ``PARITY_UPLOAD_MAX_MB`` are refused with
a message on the page, without being kept in memory or on disk past the limit.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import TypeVar

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from parity.core import crypto
from parity.core.files import FILE_MODE, private_dir

_MB = 1024 * 1024
REPORT_FORMATS = ("csv", "xlsx")
T = TypeVar("T")


def user_dir(user) -> Path:
    """Where a user's uploads and error reports live."""
    return Path(settings.IMPORT_DIR) / str(user.pk)


def _store(upload, user) -> Path:
    folder = private_dir(user_dir(user))
    private_dir(Path(settings.IMPORT_DIR))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{stamp}-{get_valid_filename(Path(upload.name).name)}"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with open(fd, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return target


def error_report_path(upload: Path, fmt: str = "csv") -> Path:
    """Where an import writes the error report of ``upload``: beside it, as .csv (the
    command line) or .xlsx (the web pages)."""
    return upload.with_name(f"{upload.stem}.errors.{fmt}")


def error_reports(upload: Path) -> list[Path]:
    return [error_report_path(upload, fmt) for fmt in REPORT_FORMATS]


def _write_private(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with open(fd, "w", encoding="ascii") as handle:
        handle.write(text)
    os.replace(partial, path)


def seal_report(path: Path) -> None:
    """Replace the clear error report at ``path`` with its ciphertext (a workbook's bytes
    in base64)."""
    if path.suffix == ".xlsx":
        text = base64.b64encode(path.read_bytes()).decode("ascii")
    else:
        text = path.read_text(encoding="utf-8-sig")
    _write_private(path, crypto.encrypt(text))


def read_report(path: Path) -> bytes | None:
    """A sealed error report as its user downloads it (a CSV in UTF-8 with a BOM, or the
    workbook), or ``None`` when it cannot be opened (not sealed, or sealed under another
    key)."""
    try:
        text = crypto.decrypt(path.read_text(encoding="ascii"))
    except (ValueError, InvalidTag, UnicodeDecodeError):
        return None
    if path.suffix == ".xlsx":
        return base64.b64decode(text)
    return text.encode("utf-8-sig")


def purge_uploads(*, days: int | None = None, now: float | None = None) -> int:
    """Delete every upload, error report and export job file older than ``days``
    (default: the retention setting), and the folders left empty; returns the number of
    files deleted."""
    keep = settings.PARITY_UPLOAD_RETENTION_DAYS if days is None else days
    cutoff = (time.time() if now is None else now) - dt.timedelta(days=keep).total_seconds()
    deleted = 0
    for root in (Path(settings.IMPORT_DIR), Path(settings.EXPORT_DIR)):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*"), reverse=True):  # files before their folders
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                deleted += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return deleted


# --- the size limit ------------------------------------------------------------------------


def max_upload_bytes() -> int:
    return settings.PARITY_UPLOAD_MAX_MB * _MB


class _TooLarge(UploadedFile):
    """What the form receives for a file past the limit: its name and size, no content."""

    def __init__(self, name: str, size: int) -> None:
        super().__init__(BytesIO(), name=name, size=size)


class SizeLimitUploadHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: once a file passes ``PARITY_UPLOAD_MAX_MB``, the
    rest of it is read and dropped (the handlers after this one see no more of it) and the
    form gets a ``_TooLarge`` placeholder, so that ``check_upload_size`` can say why."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.too_large or start + len(raw_data) > max_upload_bytes():
            self.too_large = True
            return None
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.too_large:
            return _TooLarge(self.file_name or "", file_size)
        return None


def check_upload_size(upload) -> None:
    """Raise the form error for a file past the limit."""
    if isinstance(upload, _TooLarge) or upload.size > max_upload_bytes():
        raise ValidationError(
            _("文件太大(%(size).1f MB),不能超过 %(max)d MB;请拆分成几个文件分别导入")
            % {"size": upload.size / _MB, "max": settings.PARITY_UPLOAD_MAX_MB},
            code="file_too_large",
        )


# --- uploads that wait for a mapping step -------------------------------------------------

PENDING_SUFFIX = ".pending"


def pending_store(upload, user) -> str:
    """Keep an upload between the steps of an import page (preview, check, import),
    sealed like the error reports: its name (the token the page carries) is returned.
    ``pending_drop`` deletes it once imported; ``purge_uploads`` after the retention."""
    path = _store(upload, user)
    try:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        target = path.with_name(path.name + PENDING_SUFFIX)
        _write_private(target, crypto.encrypt(data))
    finally:
        path.unlink(missing_ok=True)
    return target.name


def _pending_path(token: str, user) -> Path | None:
    if "/" in token or "\\" in token or not token.endswith(PENDING_SUFFIX):
        return None
    path = user_dir(user) / token
    return path if path.is_file() else None


def pending_exists(token: str, user) -> bool:
    return _pending_path(token, user) is not None


def pending_name(token: str) -> str:
    """The name the user's file had (without the stamp and the suffix)."""
    return token.removesuffix(PENDING_SUFFIX).split("-", 3)[-1]


@contextmanager
def pending_file(token: str, user) -> Iterator[Path]:
    """The waiting upload in clear for one step, deleted when the step ends; the error
    reports written beside it are sealed."""
    sealed = _pending_path(token, user)
    if sealed is None:
        raise FileNotFoundError(token)
    clear = sealed.with_name(sealed.name.removesuffix(PENDING_SUFFIX))
    try:
        data = base64.b64decode(crypto.decrypt(sealed.read_text(encoding="ascii")))
    except (ValueError, InvalidTag) as exc:
        raise FileNotFoundError(token) from exc
    clear.unlink(missing_ok=True)
    fd = os.open(clear, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with open(fd, "wb") as handle:
        handle.write(data)
    try:
        yield clear
    finally:
        clear.unlink(missing_ok=True)
        for report in error_reports(clear):
            if report.exists():
                seal_report(report)


def pending_drop(token: str, user) -> None:
    path = _pending_path(token, user)
    if path is not None:
        path.unlink(missing_ok=True)
