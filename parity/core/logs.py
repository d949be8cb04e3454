"""Structured logs: one JSON object a line (or plain text), personal numbers masked.

``config/settings.py`` wires these into ``LOGGING``: every record passes
``MaskPersonalNumbers`` and ``RequestContext`` on the console handler, then a
``JsonFormatter`` (``LOG_FORMAT=json``, the default) or a ``TextFormatter``
(``LOG_FORMAT=text``). Fields go in ``extra={...}``, never into the message with ``%``,
so that a log search can filter on them.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
from typing import Any

# Anything shaped like an 18-digit resident ID number or an 11-digit mainland mobile
# number (optionally +86, optionally split by spaces or hyphens), not inside a longer run
# of digits: area codes (up to 15 digits) and ids stay readable.
_ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])")
ID_MASK = "[身份证号已隐去]"
PHONE_MASK = "[手机号已隐去]"

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName"}
)

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("parity_request_id", default="")

security_logger = logging.getLogger("parity.security")


def mask(text: str) -> str:
    """``text`` with every ID-number-like and mobile-number-like run replaced."""
    return _MOBILE.sub(PHONE_MASK, _ID_NUMBER.sub(ID_MASK, text))


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: _mask_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_mask_value(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        # A number stored as an integer (a phone from a spreadsheet cell) is still one.
        return mask(str(value)) if value >= 10**10 else value
    # Any other object (a request, a model instance) is written as its str(): mask that.
    return mask(str(value))


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD}


class MaskPersonalNumbers(logging.Filter):
    """Defence in depth: whatever a caller passed, no ID or mobile number leaves the process.

    Runs on the handler, so it sees records of every logger (Django's and libraries'
    included). The message is rendered once and masked; ``extra`` fields, the exception
    text and the stack are masked too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: the formatter reports it
            message = str(record.msg)
        record.msg = mask(message)
        record.args = None
        for key, value in extra_fields(record).items():
            setattr(record, key, _mask_value(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class RequestContext(logging.Filter):
    """Stamps each record logged while a request is served with that request's id, so that
    a security event can be matched with its request line."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = request_id.get()
        if current and not hasattr(record, "request_id"):
            record.request_id = current
        return True


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, then the ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(extra_fields(record))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=_plain)


class TextFormatter(logging.Formatter):
    """``time level logger message key=value …``, for a developer's terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = " ".join(
            f"{k}={json.dumps(v, ensure_ascii=False, default=_plain)}"
            for k, v in extra_fields(record).items()
        )
        if not fields:
            return line
        head, _sep, tail = line.partition("\n")
        return f"{head} {fields}" + (f"\n{tail}" if tail else "")


def log_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` fit for ``extra=``: a key named like a LogRecord attribute (``name``,
    ``created``, ``args``) would make logging raise, so it gets a ``field_`` prefix."""
    return {(f"field_{k}" if k in _STANDARD else k): v for k, v in fields.items()}


def security_event(kind: str, *, level: int = logging.WARNING, **fields: Any) -> None:
    """Log a security event (a lockout, a refused reveal, an out-of-scope attempt) under
    the ``parity.security`` logger: ``kind`` names it, ``fields`` describe it.

    Pass ids and codes (``user_id=``, ``area_code=``, ``person_id=``), never a name, an ID
    number or a phone number: the masking filter is a safety net, not a licence.
    """
    security_logger.log(level, kind, extra={"event": kind, **log_fields(fields)})
